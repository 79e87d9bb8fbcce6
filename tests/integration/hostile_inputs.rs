//! Bad input never panics and never silently loses data: truncated logs, CRLF, ANSI escapes,
//! invalid UTF-8, an iteration without tables, a missing load level, empty and binary files.
//! Each hostile input is derived from the real study log in `data/`.

use crate::common;

use common::{expected_classic, stderr, stdout, study_text, tidybench, write};

const LOG: &str = "benchmark-run-larger-models.log";

fn lines() -> Vec<String> {
    study_text().lines().map(String::from).collect()
}

fn join(lines: &[String]) -> String {
    let mut text = lines.join("\n");
    text.push('\n');
    text
}

/// 1-based line number of the first line at or after `from` starting with `prefix`.
fn line_of(lines: &[String], from: usize, prefix: &str) -> usize {
    lines
        .iter()
        .enumerate()
        .skip(from.saturating_sub(1))
        .find(|(_, l)| l.starts_with(prefix))
        .map(|(i, _)| i + 1)
        .expect(prefix)
}

/// The classic report's section for `model` (from its `Model:` line to the next model's rule).
fn model_section(report: &str, model: &str) -> String {
    let start = report.find(&format!("Model: {model}\n")).expect(model);
    let rest = &report[start..];
    let end = ["\nModel: ", "\nCROSS-MODEL"]
        .iter()
        .filter_map(|marker| rest.find(marker))
        .min()
        .unwrap_or(rest.len());
    rest[..end].to_string()
}

#[test]
fn truncated_in_the_middle_of_a_table() {
    let lines = lines();
    let iter4 = line_of(
        &lines,
        1,
        "Benchmark Iteration: 1x2xL40S upstream-llm-d-0.4.0 Qwen3-14B native",
    );
    let latency = line_of(&lines, iter4, "ℹ Request Latency Statistics");
    // Title, border, 3 header rows, rule, two complete rows, then half a row.
    let cut = latency + 7;
    let mut text = join(&lines[..cut]);
    text.push_str(&lines[cut][..20]);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), LOG, &text);

    let out = tidybench(dir.path(), &["report", LOG, "--format", "classic"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{LOG}:{}: table `Request Latency Statistics (Completed Requests)`: row has 2 cells, the header 9; row skipped",
            cut + 1
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "{LOG}:{}: table `Request Latency Statistics (Completed Requests)` ends without its bottom border (input truncated?); its 2 complete row(s) kept",
            cut + 1
        )),
        "{err}"
    );
    let report = stdout(&out);
    // The other model is untouched.
    assert_eq!(
        model_section(&report, "Qwen/Qwen3-8B"),
        model_section(&expected_classic(), "Qwen/Qwen3-8B")
    );
    // The cut model keeps what was read and lists the rest as unmatched.
    let section = model_section(&report, "Qwen/Qwen3-14B");
    assert!(section.contains(
        "5                6.20s               6.20s              +0.00s             +0.0%"
    ));
    assert!(section.contains("50           unmatched: no NATIVE-OFFLOAD result at this level"));
    assert_eq!(
        section.matches("unmatched: no NATIVE-OFFLOAD").count(),
        5 + 3 + 3
    );
    // No matched throughput level: the average says so instead of printing +0.0%.
    assert!(
        section.contains("  Average throughput change:     n/a\n"),
        "{section}"
    );
}

#[test]
fn crlf_line_endings_give_the_same_report() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), LOG, study_text().replace('\n', "\r\n"));
    let out = tidybench(dir.path(), &["report", LOG, "--format", "classic"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert_eq!(stdout(&out), expected_classic());
}

#[test]
fn ansi_escape_sequences_give_the_same_report() {
    let colored: String = study_text()
        .lines()
        .map(|l| {
            if l.starts_with('|') {
                l.replace('|', "\u{1b}[1m|\u{1b}[0m")
            } else if let Some(title) = l.strip_prefix("ℹ ") {
                format!("ℹ \u{1b}[1;37m{title}\u{1b}[0m\u{1b}[?25h")
            } else {
                l.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    assert!(colored.matches('\u{1b}').count() > 1000);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), LOG, colored);
    let out = tidybench(dir.path(), &["report", LOG, "--format", "classic"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), expected_classic());
}

#[test]
fn invalid_utf8_is_replaced_and_named() {
    let mut bytes = Vec::new();
    for (i, line) in study_text().lines().enumerate() {
        bytes.extend_from_slice(line.as_bytes());
        if i == 19 {
            bytes.extend_from_slice(b" \xff\xfe");
        }
        bytes.push(b'\n');
    }
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), LOG, bytes);
    let out = tidybench(dir.path(), &["report", LOG, "--format", "classic"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        stderr(&out),
        format!("warning: {LOG}:20: invalid UTF-8 replaced by U+FFFD\n")
    );
    assert_eq!(stdout(&out), expected_classic());
}

#[test]
fn iteration_without_tables_is_named_and_the_others_still_report() {
    let lines = lines();
    let iter2 = line_of(
        &lines,
        1,
        "Benchmark Iteration: 1x2xL40S upstream-llm-d-0.4.0 Qwen3-8B native",
    );
    let first_table = line_of(&lines, iter2, "ℹ Run Summary Info");
    let done = line_of(&lines, iter2, "✔ Benchmarking complete");
    let mut kept = lines[..first_table - 1].to_vec();
    kept.extend_from_slice(&lines[done - 1..]);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), LOG, join(&kept));
    let out = tidybench(dir.path(), &["report", LOG, "--format", "classic"]);
    assert_eq!(out.status.code(), Some(0));
    let last = line_of(&kept, iter2 + 1, "Benchmark Iteration:") - 2;
    assert!(stderr(&out).contains(&format!(
        "{LOG}:{iter2}: iteration `1x2xL40S upstream-llm-d-0.4.0 Qwen3-8B native-offload` has no GuideLLM result tables (lines {iter2}–{last}); run kept without metrics"
    )), "{}", stderr(&out));
    let report = stdout(&out);
    assert_eq!(
        model_section(&report, "Qwen/Qwen3-14B"),
        model_section(&expected_classic(), "Qwen/Qwen3-14B")
    );
    assert_eq!(
        model_section(&report, "Qwen/Qwen3-8B")
            .matches("unmatched: no NATIVE-OFFLOAD")
            .count(),
        15
    );
}

/// The study log with the last load level (250) removed from every table of one iteration.
fn without_last_level(iteration: &str) -> String {
    let lines = lines();
    let start = line_of(&lines, 1, &format!("Benchmark Iteration: {iteration}"));
    let end = line_of(&lines, start, "✔ Benchmarking complete");
    let kept: Vec<String> = lines
        .iter()
        .enumerate()
        .filter(|(i, l)| {
            let n = i + 1;
            let last_row = l.starts_with("| concurrent")
                && lines.get(n).is_some_and(|next| next.starts_with("|="));
            !(n > start && n < end && last_row)
        })
        .map(|(_, l)| l.clone())
        .collect();
    join(&kept)
}

#[test]
fn missing_level_is_listed_as_unmatched_never_shifted() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        LOG,
        without_last_level("1x2xL40S upstream-llm-d-0.4.0 Qwen3-8B native-offload"),
    );
    let out = tidybench(dir.path(), &["report", LOG, "--format", "classic"]);
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(err.contains(
        "banner `Rate:` lists 5 load level(s) but the output has 4 benchmark(s); not used for loads"
    ), "{err}");
    let section = model_section(&stdout(&out), "Qwen/Qwen3-8B");
    // Level 100 keeps its own numbers (10.0 vs 10.0 req/s), level 250 is unmatched.
    assert!(section.contains(
        "100              10.0 req/s          10.0 req/s          +0.0 req/s        +0.0%"
    ));
    assert!(section.contains("250          unmatched: no NATIVE-OFFLOAD result at this level"));
    // Averages cover the 4 matched levels: (0 + 0 − 8.2 + 0) / 4.
    assert!(
        section.contains("  Average throughput change:   -2.1%"),
        "{section}"
    );

    let out = tidybench(dir.path(), &["report", LOG]);
    let text = stdout(&out);
    assert!(
        text.contains(
            "   250        13.2               —           —     n/a  unmatched (baseline only)"
        ),
        "{text}"
    );
}

#[test]
fn empty_binary_and_unknown_files_are_named_and_others_still_report() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty.log", "");
    write(dir.path(), "image.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR");
    write(dir.path(), "notes.txt", "nothing to see here\n");
    write(dir.path(), LOG, study_text());

    for (file, reason) in [
        ("empty.log", "the file is empty"),
        ("image.png", "binary data (NUL bytes in the first 8 KiB)"),
        ("notes.txt", "no known format recognised the first 64 KiB"),
    ] {
        let out = tidybench(dir.path(), &["report", file]);
        assert_eq!(out.status.code(), Some(3), "{file}");
        assert_eq!(
            stderr(&out),
            format!(
                "error: {file}: not a format tidybench reads ({reason})\n\
                 error: none of the 1 input(s) could be read\n"
            )
        );
        assert_eq!(stdout(&out), "");
    }

    let out = tidybench(
        dir.path(),
        &[
            "report",
            "empty.log",
            LOG,
            "image.png",
            "--format",
            "classic",
        ],
    );
    assert_eq!(out.status.code(), Some(2), "some inputs failed");
    assert_eq!(stdout(&out), expected_classic());

    let out = tidybench(dir.path(), &["report", "missing.log"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).starts_with("error: missing.log: "));
}

#[test]
fn a_log_without_iteration_banners_is_read_as_guidellm_console_output() {
    let text = study_text().replace("Benchmark Iteration:", "Benchmark Iter:");
    // Still GuideLLM console output: parsed as such, one run per GuideLLM invocation.
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), LOG, text);
    let out = tidybench(dir.path(), &["convert", LOG, "-o", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("4 run(s), 1260 metric row(s)"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_table_missing_a_row_is_skipped_never_shifted() {
    // Delete the first data row of one iteration's Server Throughput table: its four rows
    // cannot be matched to the five benchmarks, so the table is skipped with a warning.
    let lines = lines();
    let iter2 = line_of(
        &lines,
        1,
        "Benchmark Iteration: 1x2xL40S upstream-llm-d-0.4.0 Qwen3-8B native",
    );
    let title = line_of(&lines, iter2, "ℹ Server Throughput Statistics");
    let first_row = title + 6;
    let mut kept = lines.clone();
    kept.remove(first_row - 1);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), LOG, join(&kept));
    let out = tidybench(dir.path(), &["report", LOG, "--format", "classic"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains(&format!(
        "{LOG}:{}: table `Server Throughput Statistics (All Requests)` has 4 benchmark row(s) but the other tables have 5: its rows cannot be matched to benchmarks; table skipped",
        title + 1
    )), "{}", stderr(&out));
    let section = model_section(&stdout(&out), "Qwen/Qwen3-8B");
    assert_eq!(
        section.matches("unmatched: no NATIVE-OFFLOAD").count(),
        5,
        "{section}"
    );
    // Latency and TTFT come from another table and are untouched.
    assert!(section.contains(
        "250             14.50s              15.30s              +0.80s             +5.5%"
    ));
}

#[test]
fn stray_lines_inside_a_table_are_ignored() {
    let text = study_text();
    let row = "| concurrent | 0.7  | 4.2  | 25.0  | 21.4  |";
    let at = text.find(row).unwrap();
    let mut changed = text.clone();
    changed.insert_str(at, "|\n|------------|\n");
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), LOG, changed);
    let out = tidybench(dir.path(), &["report", LOG, "--format", "classic"]);
    assert_eq!(stdout(&out), expected_classic());
    assert_eq!(
        stderr(&out)
            .matches("a line without a benchmark label in the rows; ignored")
            .count(),
        2
    );
}

#[test]
fn a_repeated_table_is_skipped_not_merged() {
    let lines = lines();
    let title = line_of(&lines, 1, "ℹ Run Summary Info");
    let end = line_of(&lines, title + 1, "ℹ Text Metrics");
    let mut kept = lines[..end - 1].to_vec();
    kept.extend_from_slice(&lines[title - 1..]);
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), LOG, join(&kept));
    let out = tidybench(dir.path(), &["report", LOG, "--format", "classic"]);
    assert_eq!(stdout(&out), expected_classic());
    assert!(
        stderr(&out).contains(&format!(
        "{LOG}:{}: table `Run Summary Info` appears again before the other tables; repeat skipped",
        end
    )),
        "{}",
        stderr(&out)
    );
}

#[test]
fn output_before_the_first_banner_is_kept() {
    let lines = lines();
    let cut: Vec<String> = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| !(2..=3).contains(i))
        .map(|(_, l)| l.clone())
        .collect();
    assert!(cut[2].starts_with("Model: Qwen/Qwen3-8B"));
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), LOG, join(&cut));
    let out = tidybench(dir.path(), &["convert", LOG, "-o", "out"]);
    assert_eq!(out.status.code(), Some(0));
    let err = stderr(&out);
    assert!(err.contains("GuideLLM result tables before the first `Benchmark Iteration:` banner (lines 1–195); kept as a run without driver labels"), "{err}");
    assert!(err.contains("4 run(s), 1260 metric row(s)"), "{err}");
}

#[test]
fn absurd_dates_and_rates_are_warnings() {
    let text = study_text().replacen("UTC 2026", "UTC 300000", 1).replacen(
        "Rate: 5,25,50,100,250",
        "Rate: 5,25,abc,100,250",
        1,
    );
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), LOG, text);
    let out = tidybench(dir.path(), &["report", LOG, "--format", "classic"]);
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(stdout(&out), expected_classic());
    let err = stderr(&out);
    assert!(
        err.contains(&format!(
            "{LOG}:8: `Rate: 5,25,abc,100,250` is not a list of numbers; not used for loads"
        )),
        "{err}"
    );
    assert!(
        err.contains("`Thu Feb 12 01:20:58 UTC 300000` is not a `date` timestamp in UTC"),
        "{err}"
    );
}

#[test]
fn text_that_quotes_guidellm_titles_is_not_read_as_guidellm_output() {
    // This project's own fixture notes and generator quote `ℹ Request Latency Statistics`.
    for file in ["tests/fixtures/README.md", "tests/fixtures/hostile/make.py"] {
        let blob = tidybench::ingest::Blob::read(&common::repo(file)).unwrap();
        let err = tidybench::detect::detect(&blob)
            .map(|f| f.name())
            .unwrap_err();
        assert!(
            err.to_string().ends_with(
                "not a format tidybench reads (no known format recognised the first 64 KiB)"
            ),
            "{file}: {err}"
        );
    }
    // The title as GuideLLM prints it, even behind a log prefix, still is.
    let printed = "2026-02-13T10:00:00Z ℹ Request Latency Statistics (Completed Requests)\n";
    let blob = tidybench::ingest::Blob::from_bytes("run.log", printed.as_bytes().to_vec());
    assert_eq!(
        tidybench::detect::detect(&blob).map(|f| f.name()).unwrap(),
        "guidellm-console"
    );
}
