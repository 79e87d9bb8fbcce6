#![no_main]

//! The comparison report format.

use tidybench::formats::comparison_report;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tidybench_fuzz::parse_as(comparison_report::NAME, data);
});
