//! `report --format classic` reproduces the original study report byte for byte.

use crate::common;

use common::{expected_classic, repo, stderr, stdout, tidybench};

#[test]
fn classic_report_from_the_log_is_byte_for_byte() {
    let out = tidybench(
        &repo(""),
        &[
            "report",
            "data/benchmark-run-larger-models.log",
            "--format",
            "classic",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "the study log parses without a warning");
    assert_eq!(stdout(&out), expected_classic());
}

#[test]
fn classic_report_written_to_a_file() {
    let dir = tempfile::tempdir().unwrap();
    let log = repo("data/benchmark-run-larger-models.log");
    let out = tidybench(
        dir.path(),
        &[
            "report",
            log.to_str().unwrap(),
            "--format",
            "classic",
            "-o",
            "report.txt",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), "");
    let written = std::fs::read_to_string(dir.path().join("report.txt")).unwrap();
    assert_eq!(written, expected_classic());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(leftovers, vec![std::ffi::OsString::from("report.txt")]);
}

#[test]
fn guidellm_0_4_0_throughput_over_successful_requests_is_compared_too() {
    // GuideLLM 0.4.0 titles the table without "(All Requests)" and fills it from successful
    // requests only; the study's throughput pick falls back to that status.
    let text = common::study_text().replace(
        "ℹ Server Throughput Statistics (All Requests)",
        "ℹ Server Throughput Statistics",
    );
    let dir = tempfile::tempdir().unwrap();
    common::write(dir.path(), "benchmark-run-larger-models.log", text);
    let out = tidybench(
        dir.path(),
        &[
            "report",
            "benchmark-run-larger-models.log",
            "--format",
            "classic",
        ],
    );
    assert_eq!(stdout(&out), expected_classic());
    let out = tidybench(
        dir.path(),
        &[
            "report",
            "benchmark-run-larger-models.log",
            "--format",
            "csv",
        ],
    );
    let csv = stdout(&out);
    assert!(
        csv.contains(",requests_per_second,mean,successful,req/s,0.5,0.7,"),
        "{csv}"
    );
}
