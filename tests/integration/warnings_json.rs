//! `--warnings-json`: every warning, skipped file and error of a command in one JSON document,
//! with --quiet too.

use std::path::Path;
use std::process::Output;

use serde_json::{json, Value};

use crate::common::{repo, stderr, study_log, tidybench};

/// Runs tidybench in `dir` with `args` and `--warnings-json problems.json`; returns the run
/// and the document written.
fn run(dir: &Path, args: &[&str]) -> (Output, Value) {
    let args: Vec<&str> = args
        .iter()
        .copied()
        .chain(["--warnings-json", "problems.json"])
        .collect();
    (tidybench(dir, &args), written(dir))
}

/// The document written to `problems.json` in `dir`.
fn written(dir: &Path) -> Value {
    let text = std::fs::read_to_string(dir.join("problems.json")).expect("warnings file written");
    serde_json::from_str(&text).expect("warnings file is JSON")
}

#[test]
fn a_batch_lists_its_warnings_skipped_files_and_errors() {
    let dir = tempfile::tempdir().unwrap();
    let runs = dir.path().join("runs");
    std::fs::create_dir(&runs).unwrap();
    // Cut inside the first iteration's tables: the run is kept without metrics, with a warning.
    std::fs::copy(
        repo("tests/fixtures/hostile/study-cut-3000.log"),
        runs.join("cut.log"),
    )
    .unwrap();
    std::fs::write(runs.join("notes.txt"), "nothing to see here\n").unwrap();
    std::fs::write(
        dir.path().join("bad.log"),
        "Benchmark Iteration: a b c d\nModel: x\n",
    )
    .unwrap();

    let (out, problems) = run(
        dir.path(),
        &["convert", "runs", "bad.log", "-o", "out", "-q"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    // --quiet: only the error reaches the terminal.
    assert_eq!(
        stderr(&out),
        "error: bad.log:3: expected a `****` banner followed by `Benchmark Iteration:`, found \
         none in the whole input\n"
    );
    assert_eq!(
        problems,
        json!({
            "command": "convert",
            "exit_code": 2,
            "warnings": [{
                "path": "runs/cut.log",
                "line": 4,
                "message": "iteration `1x2xL40S upstream-llm-d-0.4.0 Qwen3-8B no-offload` has \
                            no GuideLLM result tables (lines 4–73); run kept without metrics",
            }],
            "skipped": [{
                "path": "runs/notes.txt",
                "line": null,
                "message": "not a format tidybench reads (no known format recognised the first \
                            64 KiB)",
            }],
            "errors": [{
                "path": "bad.log",
                "line": 3,
                "message": "expected a `****` banner followed by `Benchmark Iteration:`, found \
                            none in the whole input",
            }],
        })
    );
}

#[test]
fn a_clean_report_writes_empty_lists() {
    let dir = tempfile::tempdir().unwrap();
    let log = study_log();
    let (out, problems) = run(
        dir.path(),
        &["report", log.to_str().unwrap(), "-o", "r.txt"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert_eq!(
        problems,
        json!({"command": "report", "exit_code": 0, "warnings": [], "skipped": [], "errors": []})
    );
}

#[test]
fn the_error_that_stops_a_command_is_listed() {
    let dir = tempfile::tempdir().unwrap();
    // The option is global: it may come before the command too.
    let out = tidybench(
        dir.path(),
        &[
            "--warnings-json",
            "problems.json",
            "query",
            "missing.log",
            "select 1",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let problems = written(dir.path());
    assert_eq!(problems["command"], "query");
    assert_eq!(problems["exit_code"], 1);
    assert_eq!(
        problems["errors"],
        json!([{
            "path": "missing.log",
            "line": null,
            "message": "No such file or directory (os error 2)",
        }])
    );
    assert_eq!(
        stderr(&out),
        "error: missing.log: No such file or directory (os error 2)\n"
    );
}

#[test]
fn inspect_lists_the_warnings_it_prints() {
    let dir = tempfile::tempdir().unwrap();
    let csv = repo("tests/fixtures/guidellm/0.4.0/concurrent/benchmarks.csv");
    let (out, problems) = run(dir.path(), &["inspect", csv.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let lines: Vec<&Value> = problems["warnings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| &w["line"])
        .collect();
    assert_eq!(lines, [&json!(5), &Value::Null]);
    assert_eq!(
        problems["warnings"][1]["message"],
        "the report names no model; `model` left null"
    );
}

#[test]
fn a_warnings_file_that_cannot_be_written_stops_before_any_work() {
    let dir = tempfile::tempdir().unwrap();
    let log = study_log();
    let out = tidybench(
        dir.path(),
        &[
            "convert",
            log.to_str().unwrap(),
            "-o",
            "out",
            "--warnings-json",
            "missing/w.json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: --warnings-json missing/w.json: missing is not a directory\n"
    );
    assert!(!dir.path().join("out").exists());
}
