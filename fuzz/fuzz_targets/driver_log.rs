#![no_main]

//! The llm-d driver log format.

use tidybench::formats::driver_log;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tidybench_fuzz::parse_as(driver_log::NAME, data);
});
