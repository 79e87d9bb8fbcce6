//! The comparison report format: the original script's report (and `report --format classic`
//! output) read back into runs that print the same report again, values exactly as printed,
//! and hostile reports that warn or fail with the line they name.

use crate::common;
use crate::report_formats::three_configs;

use common::{expected_classic, parse_bytes, parse_file, stderr, stdout, tidybench, value, write};
use tidybench::formats::Parsed;

const REPORT: &str = "data/all-models-comparison.txt";

/// The classic report printed from `input` (in `dir`), which must print without a warning.
fn classic(dir: &std::path::Path, input: &str) -> String {
    let out = tidybench(dir, &["report", input, "--format", "classic"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "", "{input}");
    stdout(&out)
}

/// `report` with its `Analyzing:` line (the name of the file read) replaced by `name`.
fn analyzing(report: &str, name: &str) -> String {
    report
        .lines()
        .map(|line| match line.starts_with("Analyzing: ") {
            true => format!("Analyzing: {name}\n"),
            false => format!("{line}\n"),
        })
        .collect()
}

/// The messages of the warnings of a parse, each with its line.
fn warnings(parsed: &Parsed) -> Vec<(Option<usize>, String)> {
    let warnings = parsed.warnings.iter();
    warnings.map(|w| (w.line, w.message.clone())).collect()
}

#[test]
fn the_original_report_prints_itself_again() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "report.txt", expected_classic());
    let again = classic(dir.path(), "report.txt");
    assert_eq!(
        again,
        analyzing(&expected_classic(), "report.txt"),
        "only the name of the file read differs"
    );
}

#[test]
fn each_model_and_configuration_is_one_run_with_values_as_printed() {
    let parsed = parse_file(REPORT);
    assert_eq!(warnings(&parsed), []);
    let runs: Vec<_> = parsed
        .runs
        .iter()
        .map(|r| (r.model.as_deref().unwrap(), r.config.as_deref().unwrap()))
        .collect();
    assert_eq!(
        runs,
        [
            ("Qwen/Qwen3-14B", "no-offload"),
            ("Qwen/Qwen3-14B", "native-offload"),
            ("Qwen/Qwen3-8B", "no-offload"),
            ("Qwen/Qwen3-8B", "native-offload"),
        ]
    );
    let run = &parsed.runs[0];
    assert_eq!(run.source_format, "comparison-report");
    assert_eq!(run.harness, "unknown");
    assert_eq!(run.labels.max_seconds, Some(30.0));
    assert_eq!(run.labels.rate_type.as_deref(), Some("concurrent"));
    assert_eq!(run.labels.prompt_tokens, Some(128));
    assert_eq!(run.labels.output_tokens, Some(128));
    assert_eq!(run.labels.prefix_tokens, Some(10_000));
    assert_eq!(run.labels.turns, Some(5));
    assert_eq!(
        run.extra_labels.get("analyzed").map(String::as_str),
        Some("benchmark-run-larger-models.log")
    );
    let loads: Vec<_> = run.load_points.iter().map(|p| p.load).collect();
    assert_eq!(
        loads,
        [Some(5.0), Some(25.0), Some(50.0), Some(100.0), Some(250.0)]
    );
    let first = &run.load_points[0];
    assert_eq!(first.strategy, "concurrent");
    assert_eq!(
        value(first, "requests_per_second", "total", "mean"),
        (0.5, Some(1))
    );
    // Printed `6.20s`: every latency of the model ends in 0, so its rounding is one decimal.
    assert_eq!(
        value(first, "request_latency", "successful", "median"),
        (6.2, Some(1))
    );
    assert_eq!(
        value(first, "ttft", "successful", "median"),
        (168.2, Some(1))
    );
    let origins: Vec<_> = first
        .observations
        .iter()
        .map(|o| o.origin.to_string())
        .collect();
    assert_eq!(origins, ["line 17", "line 27", "line 37"]);
    // The candidate's value of the same row.
    let candidate = &parsed.runs[1].load_points[0];
    assert_eq!(
        value(candidate, "requests_per_second", "total", "mean"),
        (0.7, Some(1))
    );
    // The 8B model's last TTFT row.
    let last = &parsed.runs[3].load_points[4];
    assert_eq!(last.load, Some(250.0));
    assert_eq!(
        value(last, "ttft", "successful", "median"),
        (2616.4, Some(1))
    );
}

#[test]
fn a_report_of_three_configurations_prints_itself_again() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "three.log", three_configs());
    let first = classic(dir.path(), "three.log");
    assert_eq!(first.matches("KEY METRICS (NATIVE-OFFLOAD-20K)").count(), 2);
    write(dir.path(), "three.txt", &first);
    let again = classic(dir.path(), "three.txt");
    assert_eq!(again, analyzing(&first, "three.txt"));
    // The baseline, printed beside both candidates, is one run per model.
    let parsed = parse_bytes("three.txt", first.into_bytes()).unwrap();
    assert_eq!(warnings(&parsed), []);
    let configs: Vec<_> = parsed
        .runs
        .iter()
        .map(|r| r.config.clone().unwrap())
        .collect();
    assert_eq!(
        configs,
        [
            "no-offload",
            "native-offload",
            "native-offload-20k",
            "no-offload",
            "native-offload",
            "native-offload-20k"
        ]
    );
}

/// A report of one model with the rows given to its throughput table.
fn report_with_rows(rows: &str) -> String {
    format!(
        "{rule}\nvLLM KV-Cache CPU Offload - Multi-Model Benchmark Comparison\n{rule}\n\n\
         Analyzing: study.log\n\
         Test Configuration: 30-second runs at concurrency levels [5, 25]\n\
         Workload: 128 prompt tokens, 128 output tokens, 10K prefix tokens, 5 turns\n\n\
         {rule}\nModel: m\n{rule}\n\n\
         THROUGHPUT COMPARISON (requests/sec)\n{dash}\n\
         Concurrency  BASE                 CAND                 Difference           % Change\n\
         {dash}\n{rows}\n",
        rule = "=".repeat(100),
        dash = "-".repeat(100),
    )
}

#[test]
fn hostile_rows_warn_with_their_line_and_the_rest_is_read() {
    let rows = [
        "5                 0.5 req/s           0.7 req/s          +0.9 req/s       +40.0%",
        "25               abc req/s           2.5 req/s          +0.0 req/s        +0.0%",
        "50          half of it",
        "100         unmatched: no CAND result at this level",
        "?                 1.0 req/s           2.0 req/s          +1.0 req/s      +100.0%",
        "?                 3.0 req/s           4.0 req/s          +1.0 req/s       +33.3%",
        "250               1.5 ms              1.5 ms             +0.0 ms          +0.0%",
    ];
    let text = report_with_rows(&rows.join("\n")).replace('\n', "\r\n");
    let parsed = parse_bytes("hostile.txt", text.into_bytes()).unwrap();
    assert_eq!(
        warnings(&parsed),
        [
            (
                Some(17),
                "the difference +0.9 is not 0.7 − 0.5; the values are kept as printed".into()
            ),
            (
                Some(18),
                "`25               abc req/s           2.5 req/s          +0.0 req/s        \
                 +0.0%`: a value is not a number; row skipped"
                    .into()
            ),
            (
                Some(19),
                "`50          half of it` is not a row of values; skipped".into()
            ),
            (
                Some(23),
                "expected values in req/s, found `250               1.5 ms              1.5 \
                 ms             +0.0 ms          +0.0%`; row skipped"
                    .into()
            ),
        ]
    );
    assert_eq!(parsed.runs.len(), 2);
    let base = &parsed.runs[0];
    assert_eq!(base.config.as_deref(), Some("base"));
    // The two levels without a load stay apart.
    let points: Vec<_> = base
        .load_points
        .iter()
        .map(|p| (p.load, value(p, "requests_per_second", "total", "mean").0))
        .collect();
    assert_eq!(points, [(Some(5.0), 0.5), (None, 1.0), (None, 3.0)]);
}

#[test]
fn a_report_without_tables_is_an_error_naming_its_last_line() {
    let dir = tempfile::tempdir().unwrap();
    let header = report_with_rows("");
    let header = header.split("Model: m").next().unwrap().trim_end();
    write(dir.path(), "header.txt", header);
    let out = tidybench(dir.path(), &["inspect", "header.txt"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(
        stderr(&out),
        "error: header.txt:9: expected a `Model:` section with a comparison table, found none \
         up to the end of the input\n"
    );
}

#[test]
fn a_value_printed_differently_beside_two_candidates_keeps_the_first() {
    let rows = "5                 0.5 req/s           0.7 req/s          +0.2 req/s       +40.0%";
    let text = report_with_rows(rows);
    let table = text.split_once("THROUGHPUT").unwrap().1;
    let second = format!("THROUGHPUT{table}")
        .replace("CAND ", "OTHER")
        .replace(" 0.5 req/s", " 0.6 req/s")
        .replace("+0.2 req/s", "+0.1 req/s");
    let parsed = parse_bytes("twice.txt", format!("{text}{second}").into_bytes()).unwrap();
    assert_eq!(
        warnings(&parsed),
        [(
            Some(22),
            "base at load 5 printed again as 0.6 (first 0.5 at line 17); the first kept".into()
        )]
    );
    assert_eq!(parsed.runs.len(), 3);
}

#[test]
fn a_workload_count_too_large_warns_and_the_rest_is_read() {
    let rows = "5                 0.5 req/s           0.7 req/s          +0.2 req/s       +40.0%";
    let text = report_with_rows(rows).replace(
        "Workload: 128 prompt tokens, 128 output tokens, 10K prefix tokens",
        "Workload: 128 prompt tokens, 12x output tokens, 9223372036854776K prefix tokens",
    );
    let parsed = parse_bytes("workload.txt", text.into_bytes()).unwrap();
    assert_eq!(
        warnings(&parsed),
        [
            (
                Some(7),
                "`12x output tokens` is not one count; `output tokens` left unset".into()
            ),
            (
                Some(7),
                "`9223372036854776K prefix tokens` is not one count; `prefix tokens` left unset"
                    .into()
            ),
        ]
    );
    let labels = &parsed.runs[0].labels;
    assert_eq!(
        (
            labels.prompt_tokens,
            labels.output_tokens,
            labels.prefix_tokens,
            labels.turns
        ),
        (Some(128), None, None, Some(5))
    );
}

#[test]
fn the_report_read_back_gives_the_verdicts_of_the_log_it_was_printed_from() {
    let dir = tempfile::tempdir().unwrap();
    let report = |input: &str| {
        let out = tidybench(dir.path(), &["report", input, "--format", "text"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        let text = stdout(&out);
        let lines = text.lines().filter(|l| !l.starts_with("Sources: "));
        lines.map(|l| format!("{l}\n")).collect::<String>()
    };
    let root = env!("CARGO_MANIFEST_DIR");
    let from_log = report(&format!("{root}/data/benchmark-run-larger-models.log"));
    let from_report = report(&format!("{root}/{REPORT}"));
    // `9.00s` and `9.10s` were 9.0 and 9.1 in the console: a difference within rounding.
    assert!(from_log
        .contains("    50         9.0             9.1        +0.1   +1.1%  within rounding~"));
    assert_eq!(from_report, from_log);
}

#[test]
fn a_last_decimal_that_is_not_always_zero_is_a_digit() {
    let rows = [
        "5                 0.5 req/s           0.7 req/s          +0.2 req/s       +40.0%",
        "25                2.0 req/s           2.0 req/s          +0.0 req/s        +0.0%",
    ];
    let parsed = parse_bytes(
        "padded.txt",
        report_with_rows(&rows.join("\n")).into_bytes(),
    );
    let parsed = parsed.unwrap();
    let decimals = |parsed: &Parsed| -> Vec<Option<u8>> {
        let points = parsed.runs.iter().flat_map(|r| &r.load_points);
        points
            .map(|p| value(p, "requests_per_second", "total", "mean").1)
            .collect()
    };
    assert_eq!(decimals(&parsed), [Some(1), Some(1), Some(1), Some(1)]);
    let padded = rows
        .join("\n")
        .replace(".5 req", ".50 req")
        .replace(".7 req", ".70 req");
    let padded = padded
        .replace(".0 req", ".00 req")
        .replace(".2 req", ".20 req");
    let parsed = parse_bytes("padded.txt", report_with_rows(&padded).into_bytes()).unwrap();
    assert_eq!(decimals(&parsed), [Some(1), Some(1), Some(1), Some(1)]);
    let one_digit = padded.replacen("0.70 req/s", "0.71 req/s", 1);
    let one_digit = one_digit.replacen("+0.20 req/s", "+0.21 req/s", 1);
    let parsed = parse_bytes("digit.txt", report_with_rows(&one_digit).into_bytes()).unwrap();
    assert_eq!(warnings(&parsed), []);
    assert_eq!(decimals(&parsed), [Some(2), Some(2), Some(2), Some(2)]);
}
