//! Inputs the fuzz targets (`tests/fuzz/README.md`) found failing, minimized, under
//! `tests/fixtures/fuzz/` (see `tests/fixtures/README.md`): each one read as its target read
//! it (the format's parser whatever detection says, then the three tables), its outcome
//! asserted exactly as the fix made it.

use crate::common;

use common::{parse_bytes, repo};
use tidybench::formats::REGISTRY;
use tidybench::frames;
use tidybench::ingest::Blob;

/// What format `format` reads from fixture `name`: its warnings then `<runs> run(s), <rows>
/// metric row(s)`, or its error.
fn outcome(name: &str, format: &str) -> Result<Vec<String>, String> {
    let path = format!("tests/fixtures/fuzz/{name}");
    let blob = Blob::from_bytes(&path, Blob::read(&repo(&path)).expect("fixture").bytes);
    let format = REGISTRY
        .iter()
        .find(|f| f.name() == format)
        .expect("a registered format");
    let parsed = format.parse(&blob).map_err(|e| e.to_string())?;
    let metrics = frames::metrics_frame(&parsed.runs).map_err(|e| e.to_string())?;
    frames::runs_frame(&parsed.runs).map_err(|e| e.to_string())?;
    frames::requests_frame(&parsed.runs).map_err(|e| e.to_string())?;
    let mut lines: Vec<String> = parsed.warnings.iter().map(ToString::to_string).collect();
    lines.push(format!(
        "{} run(s), {} metric row(s)",
        parsed.runs.len(),
        metrics.height()
    ));
    Ok(lines)
}

/// Each fixture, the format its target parses it with, and the outcome [`outcome`] words.
type Case = (
    &'static str,
    &'static str,
    Result<&'static [&'static str], &'static str>,
);

const CASES: &[Case] = &[
    (
        "driver_log-title-on-last-line.log",
        "llm-d-driver-log",
        Ok(&[
            "tests/fixtures/fuzz/driver_log-title-on-last-line.log:3: iteration `` is not \
             `<hardware> <software> <model> <config>`; only the config (last word) was taken \
             from it",
            "tests/fixtures/fuzz/driver_log-title-on-last-line.log:4: table `Request Latency \
             Statistics`: expected its `|===` top border; table skipped",
            "tests/fixtures/fuzz/driver_log-title-on-last-line.log:3: iteration `` has no \
             GuideLLM result tables (lines 3–4); run kept without metrics",
            "tests/fixtures/fuzz/driver_log-title-on-last-line.log:3: iteration `` names no \
             model (no `Model:` line); `model` left null",
            "1 run(s), 0 metric row(s)",
        ]),
    ),
    (
        "vllm_bench_json-error-after-two-values.json",
        "vllm-bench-json",
        Ok(&[
            "tests/fixtures/fuzz/vllm_bench_json-error-after-two-values.json: $[0] is not a \
             JSON object; not read",
            "tests/fixtures/fuzz/vllm_bench_json-error-after-two-values.json: $[1] is not a \
             JSON object; not read",
            "tests/fixtures/fuzz/vllm_bench_json-error-after-two-values.json:2: $[2] is not \
             complete JSON (trailing characters at line 2 column 7); not read",
            "0 run(s), 0 metric row(s)",
        ]),
    ),
];

#[test]
fn every_fuzz_finding_has_its_asserted_outcome() {
    let mut files: Vec<String> = std::fs::read_dir(repo("tests/fixtures/fuzz"))
        .expect("tests/fixtures/fuzz")
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut named: Vec<String> = CASES.iter().map(|(name, ..)| name.to_string()).collect();
    named.sort();
    assert_eq!(files, named, "every fuzz finding has an asserted outcome");
    for (name, format, expected) in CASES {
        let expected = expected
            .map(|lines| lines.iter().map(ToString::to_string).collect::<Vec<_>>())
            .map_err(ToString::to_string);
        assert_eq!(outcome(name, format), expected, "{name}");
    }
}

/// The same fault in 0.3.1's wrapped tables: a `Benchmarks Info:` title on the last line.
#[test]
fn a_wrapped_table_title_on_the_last_line_is_named_at_that_line() {
    let error = parse_bytes(
        "console.log",
        b"Setup complete, starting benchmarks\nBenchmarks Info:".to_vec(),
    )
    .expect_err("no table");
    assert_eq!(
        error.to_string(),
        "console.log:2: expected a readable GuideLLM result table, found table `Benchmarks \
         Info:`: expected `=` borders, header rows and a `-` rule; table skipped"
    );
}
