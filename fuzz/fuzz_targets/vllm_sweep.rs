#![no_main]

//! The vllm bench sweep summary format.

use tidybench::formats::vllm_sweep;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tidybench_fuzz::parse_as(vllm_sweep::NAME, data);
});
