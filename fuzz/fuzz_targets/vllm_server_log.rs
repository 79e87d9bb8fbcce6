#![no_main]

//! The vLLM server log format.

use tidybench::formats::vllm_server_log;
use tidybench::formats::ParseOptions;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tidybench_fuzz::parse_as(vllm_server_log::NAME, ParseOptions::default(), data);
});
