//! `report --format classic` reproduces the original study report byte for byte.

mod common;

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
