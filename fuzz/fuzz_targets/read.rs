#![no_main]

//! The whole reading path: a run directory and its results files (see `tidybench_fuzz::read`).

libfuzzer_sys::fuzz_target!(|data: &[u8]| tidybench_fuzz::read(data));
