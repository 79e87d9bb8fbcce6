#![no_main]

//! The vllm bench serve console format.

use tidybench::formats::vllm_bench;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tidybench_fuzz::parse_as(vllm_bench::NAME, data);
});
