#![no_main]

//! The vLLM server log format.

use tidybench::formats::vllm_server_log;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tidybench_fuzz::parse_as(vllm_server_log::NAME, data);
});
