#![no_main]

//! The vllm bench serve JSON format.

use tidybench::formats::vllm_bench_json;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tidybench_fuzz::parse_as(vllm_bench_json::NAME, data);
});
