#![no_main]

//! The GuideLLM HTML format.

use tidybench::formats::guidellm_html;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tidybench_fuzz::parse_as(guidellm_html::NAME, data);
});
