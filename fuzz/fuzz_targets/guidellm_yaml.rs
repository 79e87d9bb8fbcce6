#![no_main]

//! The GuideLLM YAML report format, read with request text skipped and kept.

use tidybench::formats::guidellm_json;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    tidybench_fuzz::parse_with_and_without_text(guidellm_json::YAML_NAME, data);
});
