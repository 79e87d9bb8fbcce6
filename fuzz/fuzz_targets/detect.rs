#![no_main]

//! Detection of any input.

libfuzzer_sys::fuzz_target!(|data: &[u8]| tidybench_fuzz::detect(data));
