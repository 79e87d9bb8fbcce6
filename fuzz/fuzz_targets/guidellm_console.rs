#![no_main]

//! The GuideLLM console format.

use tidybench::formats::guidellm_console;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tidybench_fuzz::parse_as(guidellm_console::NAME, data);
});
