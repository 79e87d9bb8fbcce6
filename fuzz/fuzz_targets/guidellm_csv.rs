#![no_main]

//! The GuideLLM CSV format.

use tidybench::formats::guidellm_csv;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tidybench_fuzz::parse_as(guidellm_csv::NAME, data);
});
