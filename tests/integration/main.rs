//! The integration tests, one module per input format, command or property, linked into one
//! test binary: every module links the whole library and Polars, so one binary instead of one
//! per module saves minutes of linking and gigabytes of disk.

mod common;

mod agreement;
mod classic_report;
mod compare;
mod compare_command;
mod comparison_report;
mod console_parser;
mod crash_safety;
mod dataset;
mod driver_log;
mod exit_codes;
mod fuzz_regressions;
mod guidellm_csv;
mod guidellm_html;
mod hostile_corpus;
mod hostile_inputs;
mod html_report;
mod mutations;
mod query_inspect;
mod reconcile;
mod report_formats;
mod run_dirs;
mod vllm_bench;
mod vllm_detailed;
mod vllm_server_log;
mod vllm_sweep;
mod warnings_json;
