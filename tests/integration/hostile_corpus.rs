//! The hostile corpus (`tests/fixtures/hostile/`, see its README): every file's outcome,
//! asserted — exit code, rows kept, and the warning or error naming what was wrong.

use crate::common;

use common::{repo, stderr, stdout, tidybench};

/// Converts `name` from the corpus; returns the exit code and standard error.
fn convert(dir: &std::path::Path, name: &str) -> (Option<i32>, String) {
    let path = repo(&format!("tests/fixtures/hostile/{name}"));
    let out = tidybench(
        dir,
        &["convert", path.to_str().unwrap(), "-o", "out", "--full"],
    );
    (out.status.code(), stderr(&out))
}

#[test]
fn every_hostile_file_has_its_documented_outcome() {
    let cases: &[(&str, i32, &str, &[&str])] = &[
        ("study-cut-200.log", 0, "1 run(s), 0 metric row(s)", &["study-cut-200.log:4: iteration"]),
        ("study-cut-3000.log", 0, "1 run(s), 0 metric row(s)", &["(lines 4–73); run kept without metrics"]),
        ("study-cut-14000.log", 0, "2 run(s), 315 metric row(s)", &["study-cut-14000.log:199:"]),
        ("study-cut-26500.log", 0, "3 run(s), 630 metric row(s)", &["study-cut-26500.log:394:"]),
        ("study-cut-52109.log", 0, "4 run(s), 1260 metric row(s)", &[]),
        ("study-ansi.log", 0, "4 run(s), 1260 metric row(s)", &[]),
        ("study-crlf.log", 0, "4 run(s), 1260 metric row(s)", &[]),
        ("study-utf16.log", 0, "4 run(s), 1260 metric row(s)", &[]),
        ("study-invalid-utf8.log", 0, "4 run(s), 1260 metric row(s)", &["invalid UTF-8 replaced by U+FFFD"]),
        ("study-nul-bytes.log", 0, "4 run(s), 1260 metric row(s)", &[]),
        ("study-duplicated-banner.log", 0, "5 run(s), 1260 metric row(s)", &["study-duplicated-banner.log:4:"]),
        ("study-thousands-separators.log", 0, "4 run(s), 1259 metric row(s)", &["study-thousands-separators.log:554: table `Request Latency Statistics (Completed Requests)`: `1,734.7` is not a number (ttft median); cell skipped"]),
        ("study-nan-negative.log", 0, "4 run(s), 1259 metric row(s)", &["study-nan-negative.log:554:", "`nan` is not a number"]),
        ("study-zero-baseline.log", 0, "4 run(s), 1260 metric row(s)", &[]),
        ("console-0.5.4-missing-column-group.log", 0, "1 run(s), 122 metric row(s)", &[]),
        ("empty.log", 3, "", &["empty.log: not a format tidybench reads (the file is empty)"]),
        ("whitespace-only.log", 3, "", &["whitespace-only.log: not a format tidybench reads (no known format recognised"]),
        ("plain-text-named.gz", 0, "1 run(s), 126 metric row(s)", &[]),
        ("report-extra-fields.json", 0, "1 run(s), 7782 metric row(s)", &[]),
        ("report-missing-metrics.json", 0, "1 run(s), 3796 metric row(s)", &[]),
        ("report-missing-benchmarks.json", 3, "", &["report-missing-benchmarks.json:1: expected a GuideLLM JSON report, found missing field `benchmarks` at line 1 column 4005"]),
        ("report-nan.json", 0, "1 run(s), 7779 metric row(s)", &["bare NaN or Infinity values (Python's, not JSON) read as missing"]),
    ];
    let mut files: Vec<String> = std::fs::read_dir(repo("tests/fixtures/hostile"))
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| !n.ends_with(".md") && !n.ends_with(".py"))
        .collect();
    files.sort();
    let mut named: Vec<String> = cases.iter().map(|c| c.0.to_string()).collect();
    named.sort();
    assert_eq!(files, named, "every corpus file has an asserted outcome");
    for (name, code, summary, messages) in cases {
        let dir = tempfile::tempdir().unwrap();
        let (got, err) = convert(dir.path(), name);
        assert_eq!(got, Some(*code), "{name}: {err}");
        assert!(err.contains(summary), "{name}: {err}");
        for message in *messages {
            assert!(
                err.contains(message),
                "{name}: missing {message:?} in {err}"
            );
        }
    }
}

#[test]
fn a_zero_baseline_gives_no_percentage() {
    let dir = tempfile::tempdir().unwrap();
    let path = repo("tests/fixtures/hostile/study-zero-baseline.log");
    let out = tidybench(dir.path(), &["report", path.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stdout(&out).contains("     5         0.0             0.7        +0.7     n/a  n/a~"),
        "{}",
        stdout(&out)
    );
}

#[test]
fn a_50_mb_line_is_read_in_bounded_time_and_kept_out() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = common::study_text();
    text.push_str(&"| concurrent | 1.0 ".repeat(50 * 1024 * 1024 / 19));
    text.push('\n');
    std::fs::write(dir.path().join("long.log"), text).unwrap();
    let out = tidybench(dir.path(), &["convert", "long.log", "-o", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("4 run(s), 1260 metric row(s)"),
        "{}",
        stderr(&out)
    );
}
