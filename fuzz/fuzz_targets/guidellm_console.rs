#![no_main]

//! The GuideLLM console format.

use tidybench::formats::guidellm_console;
use tidybench::formats::ParseOptions;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tidybench_fuzz::parse_as(guidellm_console::NAME, ParseOptions::default(), data);
});
