#![no_main]

//! A run directory's name (first line) and `benchmark-config.txt` (the rest).

libfuzzer_sys::fuzz_target!(|data: &[u8]| tidybench_fuzz::run_config(data));
