//! Exact-value tests of the GuideLLM console parser on real console logs (0.4.0, 0.5.4, 0.6.1).

use crate::common;

use common::{parse_bytes, parse_file, value};
use tidybench::formats::LoadPoint;

/// (metric, status, stat, value) of every number in one table row.
type Row = &'static [(&'static str, &'static str, &'static str, f64)];

fn assert_row(point: &LoadPoint, expected: Row) {
    for &(metric, status, stat, v) in expected {
        let (got, decimals) = value(point, metric, status, stat);
        assert_eq!(got, v, "{metric}/{status}/{stat}");
        let want_decimals = if metric.ends_with("time_of_day") {
            0
        } else {
            1
        };
        assert_eq!(
            decimals,
            Some(want_decimals),
            "{metric}/{status}/{stat} decimals"
        );
    }
    assert_eq!(
        point.observations.len(),
        expected.len(),
        "every column of every table, no more"
    );
}

const TEXT_METRICS_0_6_1_ROW2: Row = &[
    ("text_input_tokens", "successful", "median", 19413.0),
    ("text_input_tokens", "successful", "p95", 19781.0),
    (
        "text_input_tokens_per_second",
        "successful",
        "median",
        25347.7,
    ),
    (
        "text_input_tokens_per_second",
        "successful",
        "mean",
        315792.6,
    ),
    ("text_input_words", "successful", "median", 109.0),
    ("text_input_words", "successful", "p95", 8565.0),
    ("text_input_words_per_second", "successful", "median", 141.1),
    ("text_input_words_per_second", "successful", "mean", 35425.7),
    ("text_input_characters", "successful", "median", 726.0),
    ("text_input_characters", "successful", "p95", 57850.0),
    (
        "text_input_characters_per_second",
        "successful",
        "median",
        938.6,
    ),
    (
        "text_input_characters_per_second",
        "successful",
        "mean",
        239060.5,
    ),
    ("text_output_tokens", "successful", "median", 128.0),
    ("text_output_tokens", "successful", "p95", 128.0),
    (
        "text_output_tokens_per_second",
        "successful",
        "median",
        167.1,
    ),
    (
        "text_output_tokens_per_second",
        "successful",
        "mean",
        2098.7,
    ),
    ("text_output_words", "successful", "median", 58.0),
    ("text_output_words", "successful", "p95", 58.0),
    ("text_output_words_per_second", "successful", "median", 75.7),
    ("text_output_words_per_second", "successful", "mean", 951.0),
    ("text_output_characters", "successful", "median", 416.0),
    ("text_output_characters", "successful", "p95", 416.0),
    (
        "text_output_characters_per_second",
        "successful",
        "median",
        543.1,
    ),
    (
        "text_output_characters_per_second",
        "successful",
        "mean",
        6820.6,
    ),
];

#[test]
fn guidellm_0_6_1_concurrent_every_table_and_column() {
    let parsed = parse_file("tests/fixtures/guidellm/0.6.1/concurrent/console.log");
    assert_eq!(parsed.warnings, vec![]);
    let run = &parsed.runs[0];
    assert_eq!(run.source_format, "guidellm-console");
    assert_eq!(run.model.as_deref(), Some("llama-3.1-8b-instruct"));
    assert_eq!(run.labels.rate_type.as_deref(), Some("concurrent"));
    assert_eq!(run.labels.max_seconds, Some(8.0));
    assert_eq!(run.labels.random_seed, Some(889));
    assert_eq!(run.labels.prompt_tokens, Some(128));
    assert_eq!(run.labels.output_tokens, Some(128));
    assert_eq!(run.labels.prefix_tokens, Some(10000));
    assert_eq!(run.labels.turns, Some(5));
    let loads: Vec<_> = run.load_points.iter().map(|p| p.load).collect();
    assert_eq!(loads, vec![Some(5.0), Some(25.0)]);
    let mut expected: Vec<(&str, &str, &str, f64)> = vec![
        // Run Summary Info
        ("start_time_of_day", "total", "value", 61307.0),
        ("end_time_of_day", "total", "value", 61315.0),
        ("duration", "total", "value", 8.0),
        ("warmup_duration", "total", "value", 0.0),
        ("cooldown_duration", "total", "value", 0.0),
        ("prompt_tokens", "successful", "sum", 1983845.0),
        ("prompt_tokens", "incomplete", "sum", 2816.0),
        ("prompt_tokens", "errored", "sum", 0.0),
        ("output_tokens", "successful", "sum", 13184.0),
        ("output_tokens", "incomplete", "sum", 2761.0),
        ("output_tokens", "errored", "sum", 0.0),
        // Request Token Statistics
        ("prompt_tokens", "successful", "median", 19413.0),
        ("prompt_tokens", "successful", "p95", 19781.0),
        ("output_tokens", "successful", "median", 128.0),
        ("output_tokens", "successful", "p95", 128.0),
        ("total_tokens", "successful", "median", 19541.0),
        ("total_tokens", "successful", "p95", 19909.0),
        ("streaming_iterations", "successful", "median", 131.0),
        ("streaming_iterations", "successful", "p95", 131.0),
        ("output_tokens_per_iteration", "successful", "median", 1.0),
        ("output_tokens_per_iteration", "successful", "p95", 1.0),
        // Request Latency Statistics
        ("request_latency", "successful", "median", 1.6),
        ("request_latency", "successful", "p95", 1.9),
        ("ttft", "successful", "median", 174.5),
        ("ttft", "successful", "p95", 244.4),
        ("itl", "successful", "median", 11.0),
        ("itl", "successful", "p95", 13.6),
        ("tpot", "successful", "median", 12.2),
        ("tpot", "successful", "p95", 14.7),
        // Server Throughput Statistics: 0.6.1's own column set, stat row `Mean ||||`
        ("concurrency", "total", "median", 25.0),
        ("concurrency", "total", "mean", 24.9),
        ("requests_per_second", "total", "mean", 12.5),
        ("input_tokens_per_second", "total", "mean", 296482.0),
        ("output_tokens_per_second", "total", "mean", 1983.9),
        ("total_tokens_per_second", "total", "mean", 249162.6),
    ];
    expected.extend_from_slice(TEXT_METRICS_0_6_1_ROW2);
    let expected: Row = Box::leak(expected.into_boxed_slice());
    assert_row(&run.load_points[1], expected);
    let latency = run.load_points[1]
        .observations
        .iter()
        .find(|o| o.metric == "request_latency")
        .expect("latency");
    assert_eq!(latency.unit, "s");
    assert_eq!(latency.origin.to_string(), "line 101");
}

#[test]
fn guidellm_0_5_4_concurrent_throughput_and_latency_rows() {
    let parsed = parse_file("tests/fixtures/guidellm/0.5.4/concurrent/console.log");
    assert_eq!(parsed.warnings, vec![]);
    let run = &parsed.runs[0];
    let point = &run.load_points[0];
    assert_eq!(point.load, Some(5.0));
    assert_eq!(point.observations.len(), 63);
    for (metric, status, stat, v) in [
        ("requests_per_second", "total", "median", 1.4),
        ("requests_per_second", "total", "mean", 3.1),
        ("concurrency", "total", "median", 5.0),
        ("concurrency", "total", "mean", 5.0),
        ("input_tokens_per_second", "total", "median", 26582.3),
        ("input_tokens_per_second", "total", "mean", 73313.7),
        ("output_tokens_per_second", "total", "median", 405.9),
        ("output_tokens_per_second", "total", "mean", 454.4),
        ("total_tokens_per_second", "total", "median", 422.2),
        ("total_tokens_per_second", "total", "mean", 62464.1),
        ("request_latency", "successful", "median", 1.4),
        ("request_latency", "successful", "p95", 1.4),
        ("ttft", "successful", "median", 119.0),
        ("ttft", "successful", "p95", 127.3),
        ("itl", "successful", "median", 10.3),
        ("itl", "successful", "p95", 10.4),
        ("tpot", "successful", "median", 11.1),
        ("tpot", "successful", "p95", 11.2),
        ("prompt_tokens", "incomplete", "sum", 256.0),
        ("output_tokens", "incomplete", "sum", 254.0),
    ] {
        assert_eq!(value(point, metric, status, stat).0, v, "{metric}/{stat}");
    }
}

#[test]
fn guidellm_0_4_0_server_throughput_without_suffix_is_successful_requests() {
    let parsed = parse_file("tests/fixtures/guidellm/0.4.0/concurrent/console.log");
    assert_eq!(parsed.warnings, vec![]);
    let point = &parsed.runs[0].load_points[1];
    assert_eq!(point.load, Some(25.0));
    assert_eq!(point.observations.len(), 63);
    // 0.4.0's concurrency mean 23.9 is the JSON's successful mean (23.87), not total (24.84).
    for (metric, stat, v) in [
        ("requests_per_second", "median", 1.3),
        ("requests_per_second", "mean", 15.6),
        ("concurrency", "median", 25.0),
        ("concurrency", "mean", 23.9),
        ("input_tokens_per_second", "median", 26603.0),
        ("input_tokens_per_second", "mean", 307860.7),
        ("output_tokens_per_second", "median", 1512.0),
        ("output_tokens_per_second", "mean", 1781.5),
        ("total_tokens_per_second", "median", 1613.2),
        ("total_tokens_per_second", "mean", 261894.3),
    ] {
        assert_eq!(
            value(point, metric, "successful", stat).0,
            v,
            "{metric}/{stat}"
        );
    }
    assert_eq!(value(point, "prompt_tokens", "incomplete", "sum").0, 3072.0);
    assert_eq!(
        value(point, "end_time_of_day", "total", "value").0,
        16.0 * 3600.0 + 58.0 * 60.0 + 51.0
    );
}

#[test]
fn poisson_and_sweep_profiles() {
    for version in ["0.4.0", "0.5.4", "0.6.1"] {
        let poisson = parse_file(&format!(
            "tests/fixtures/guidellm/{version}/poisson/console.log"
        ));
        assert_eq!(poisson.warnings, vec![], "{version}");
        let points = &poisson.runs[0].load_points;
        assert_eq!(points.len(), 1);
        assert_eq!(points[0].strategy, "poisson");
        assert_eq!(points[0].load, Some(4.0), "rate=[4.0] of the profile");

        // A sweep's rates are measured at run time and not printed: loads stay null, said once.
        let sweep = parse_file(&format!(
            "tests/fixtures/guidellm/{version}/sweep/console.log"
        ));
        let run = &sweep.runs[0];
        let strategies: Vec<&str> = run
            .load_points
            .iter()
            .map(|p| p.strategy.as_str())
            .collect();
        assert_eq!(
            strategies,
            ["synchronous", "throughput", "constant", "constant"]
        );
        assert!(run.load_points.iter().all(|p| p.load.is_none()));
        assert_eq!(run.labels.rate_type.as_deref(), Some("sweep"));
        assert_eq!(sweep.warnings.len(), 1, "{version}: {:?}", sweep.warnings);
        assert!(sweep.warnings[0].message.contains("`load` left null"));
    }
}

#[test]
fn a_sweep_labelled_with_its_rates_misses_no_load() {
    // 0.8.1 labels rows `throughput@512` and `constant@2.33`; the synchronous benchmark has no
    // load of its own, so nothing is missing and nothing is said.
    let parsed = parse_file("tests/fixtures/guidellm/0.8.1/sweep/console.log");
    assert_eq!(parsed.warnings, vec![]);
    let loads: Vec<(&str, Option<f64>)> = parsed.runs[0]
        .load_points
        .iter()
        .map(|p| (p.strategy.as_str(), p.load))
        .collect();
    assert_eq!(
        loads,
        [
            ("synchronous", None),
            ("throughput", Some(512.0)),
            ("constant", Some(2.33)),
            ("constant", Some(4.0)),
        ]
    );
    // 0.3.1 labels its constant rows only: the throughput benchmark's load is unknown.
    let parsed = parse_file("tests/fixtures/guidellm/0.3.1/sweep/console.log");
    let loads: Vec<Option<f64>> = parsed.runs[0].load_points.iter().map(|p| p.load).collect();
    assert_eq!(loads, [None, None, Some(9.4), Some(18.1)]);
    assert_eq!(parsed.warnings.len(), 1, "{:?}", parsed.warnings);
    assert_eq!(parsed.warnings[0].line, Some(49));
    assert_eq!(
        parsed.warnings[0].message,
        "no source gives the load of each benchmark; `load` left null, `load_index` keeps the order"
    );
}

#[test]
fn tty_capture_with_escape_sequences_and_crlf() {
    let parsed = parse_file("tests/fixtures/guidellm/0.5.4/concurrent-tty/tty.log");
    assert_eq!(parsed.warnings, vec![]);
    let run = &parsed.runs[0];
    assert_eq!(run.load_points.len(), 2);
    assert_eq!(run.load_points[1].load, Some(25.0));
    assert_eq!(run.load_points[0].observations.len(), 63);
    let point = &run.load_points[1];
    assert_eq!(value(point, "ttft", "successful", "median").0, 173.7);
    assert_eq!(value(point, "requests_per_second", "total", "mean").0, 12.5);
}

#[test]
fn five_levels_in_one_real_log() {
    let parsed = parse_file("tests/fixtures/guidellm/0.5.4/five-levels/console.log");
    assert_eq!(parsed.warnings, vec![]);
    let loads: Vec<_> = parsed.runs[0].load_points.iter().map(|p| p.load).collect();
    assert_eq!(
        loads,
        vec![Some(5.0), Some(25.0), Some(50.0), Some(100.0), Some(250.0)]
    );
}

const LATENCY_TABLE: &str = "\
ℹ Request Latency Statistics (Completed Requests)
|============|======|======|=========|========|=====|=====|
| Benchmark  | ITL         || Request Latency || Foo       ||
| Strategy   | ms          || Sec             || Bar       ||
|            | Mdn  | p95  | Mdn     | p95    | Mdn | p95 |
|------------|------|------|---------|--------|-----|-----|
| concurrent | 10.3 | 10.4 | 1.4     | 1.5    | 7.0 | 8.0 |
|============|======|======|=========|========|=====|=====|
";

#[test]
fn columns_come_from_the_header_not_their_position() {
    let parsed = parse_bytes("reordered.log", LATENCY_TABLE.as_bytes().to_vec()).expect("parses");
    let point = &parsed.runs[0].load_points[0];
    assert_eq!(value(point, "itl", "successful", "median").0, 10.3);
    assert_eq!(value(point, "request_latency", "successful", "p95").0, 1.5);
    // An unknown group is kept under a derived name, with a warning naming the line.
    assert_eq!(value(point, "foo_bar", "successful", "p95").0, 8.0);
    let unknown: Vec<_> = parsed
        .warnings
        .iter()
        .filter(|w| w.message.contains("unknown column `Foo / Bar"))
        .collect();
    assert_eq!(unknown.len(), 2);
    assert_eq!(unknown[0].line, Some(3));
}

#[test]
fn a_table_without_rows_is_named_and_the_others_still_count() {
    let text = std::fs::read_to_string(common::repo(
        "tests/fixtures/guidellm/0.5.4/concurrent/console.log",
    ))
    .unwrap();
    let lines: Vec<&str> = text.lines().collect();
    let title = lines
        .iter()
        .position(|l| l.starts_with("ℹ Run Summary Info"))
        .unwrap();
    // Drop the Run Summary's two data rows (after title, border, 3 header rows and the rule).
    let kept: Vec<&str> = lines
        .iter()
        .enumerate()
        .filter(|(i, _)| !(title + 6..title + 8).contains(i))
        .map(|(_, l)| *l)
        .collect();
    let parsed = parse_bytes("console.log", kept.join("\n").into_bytes()).expect("parses");
    let messages: Vec<String> = parsed.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        messages,
        vec![format!(
            "console.log:{}: table `Run Summary Info` has no data rows",
            title + 2
        )]
    );
    let points = &parsed.runs[0].load_points;
    assert_eq!(points.len(), 2);
    assert!(points.iter().all(|p| p.observations.len() == 63 - 11));
    assert_eq!(points[1].load, Some(25.0));
}

#[test]
fn a_guidellm_0_3_1_table_without_borders_or_headers_is_skipped_not_a_panic() {
    for (title, body) in [
        ("Benchmarks Stats:", "-----|----\n x|1\n"),
        ("Benchmarks Info:", "=====\n-----|--\n"),
    ] {
        let text = format!("Creating backend...\n{title}\n{body}");
        let err = parse_bytes("old.log", text.into_bytes())
            .unwrap_err()
            .to_string();
        assert_eq!(
            err,
            format!(
                "old.log:3: expected a readable GuideLLM result table, found table `{title}`: \
                 expected `=` borders, header rows and a `-` rule; table skipped"
            )
        );
    }
}

/// Documentation that quotes a console table in a Markdown fence (like the README of a
/// collection of runs) is not a log: found in a directory it is skipped, not a failure.
#[test]
fn a_markdown_document_quoting_a_table_is_not_a_log() {
    let console = std::fs::read_to_string(common::repo(
        "tests/fixtures/guidellm/0.5.4/concurrent/console.log",
    ))
    .unwrap();
    let doc = format!("# How these runs were made\n\nThe console printed:\n\n```\n{console}```\n");
    let error = common::parse_bytes("README.md", doc.clone().into_bytes())
        .unwrap_err()
        .to_string();
    assert_eq!(
        error,
        "README.md: not a format tidybench reads (no known format recognised the first 64 KiB)"
    );
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("runs")).unwrap();
    common::write(&dir.path().join("runs"), "README.md", &doc);
    common::write(&dir.path().join("runs"), "console.log", &console);
    let out = common::tidybench(dir.path(), &["convert", "runs", "-o", "out"]);
    let err = common::stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("skipped: runs/README.md: not a format tidybench reads"),
        "{err}"
    );
    assert!(
        err.contains("converted 1 of 2 file(s) (1 skipped)"),
        "{err}"
    );
}

#[test]
fn every_version_s_log_gives_the_workload_and_profile_it_prints() {
    // (log, rate type, prompt/output/prefix tokens, turns, seconds per level, seed, loads).
    type Facts<'a> = (
        Option<&'a str>,
        [Option<i64>; 4],
        Option<f64>,
        Option<i64>,
        Vec<Option<f64>>,
    );
    let workload = |turns| [Some(128), Some(128), Some(10_000), turns];
    let cases: [(&str, Facts<'static>); 8] = [
        // 0.3: `Created loader … from` and the line after it, `Benchmarks Metadata`.
        (
            "0.3.1/sweep",
            (
                Some("sweep"),
                workload(None),
                Some(6.0),
                None,
                vec![None, None, Some(9.4), Some(18.1)],
            ),
        ),
        (
            "0.3.0/concurrent",
            (
                Some("concurrent"),
                workload(None),
                Some(8.0),
                None,
                vec![Some(5.0), Some(25.0)],
            ),
        ),
        (
            "0.5.4/poisson",
            (
                Some("poisson"),
                workload(None),
                Some(8.0),
                Some(889),
                vec![Some(4.0)],
            ),
        ),
        (
            "0.6.1/concurrent",
            (
                Some("concurrent"),
                workload(Some(5)),
                Some(8.0),
                Some(889),
                vec![Some(5.0), Some(25.0)],
            ),
        ),
        // 0.7+: `'rate': [4.0]`, `N datasets resolved`, a sweep's `{'kind': 'sweep'`.
        (
            "0.7.4/poisson",
            (
                Some("poisson"),
                workload(Some(5)),
                None,
                None,
                vec![Some(4.0)],
            ),
        ),
        (
            "0.7.4/sweep",
            (Some("sweep"), workload(Some(5)), None, None, vec![None; 4]),
        ),
        (
            "0.8.0/concurrent",
            (
                Some("concurrent"),
                workload(Some(5)),
                None,
                None,
                vec![Some(5.0), Some(25.0)],
            ),
        ),
        (
            "0.8.1/poisson",
            (
                Some("poisson"),
                workload(Some(5)),
                None,
                None,
                vec![Some(4.0)],
            ),
        ),
    ];
    for (dir, expected) in cases {
        let parsed = parse_file(&format!("tests/fixtures/guidellm/{dir}/console.log"));
        let run = &parsed.runs[0];
        let l = &run.labels;
        let loads: Vec<Option<f64>> = run.load_points.iter().map(|p| p.load).collect();
        let found: Facts = (
            l.rate_type.as_deref(),
            [l.prompt_tokens, l.output_tokens, l.prefix_tokens, l.turns],
            l.max_seconds,
            l.random_seed,
            loads,
        );
        assert_eq!(found, expected, "{dir}");
    }
}
