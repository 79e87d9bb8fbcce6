//! `tidybench compare` over real GuideLLM runs: two runs of GuideLLM 0.5.4 (`a`) against
//! runs of 0.6.1, 0.7.4 and 0.8.1 (`b`), all of the same model and concurrency levels, so
//! repeated runs, releases and user labels can be compared; and the study log.

use crate::common;

use std::path::Path;

use common::{repo, stderr, stdout, study_log, tidybench};

const F: &str = "tests/fixtures/guidellm";

fn convert(dir: &Path, out: &str, files: &[&str], labels: &[&str]) {
    let mut args = vec!["convert".to_string()];
    args.extend(
        files
            .iter()
            .map(|f| repo(&format!("{F}/{f}")).display().to_string()),
    );
    for label in labels {
        args.extend(["--label".to_string(), label.to_string()]);
    }
    args.extend(["-o".to_string(), out.to_string(), "-q".to_string()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let done = tidybench(dir, &args);
    assert_eq!(done.status.code(), Some(0), "{}", stderr(&done));
}

/// Datasets `a` (0.5.4 twice) and `b` (0.6.1, 0.7.4, 0.8.1) in a temporary directory.
fn datasets() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    convert(
        dir.path(),
        "a",
        &[
            "0.5.4/concurrent/console.log",
            "0.5.4/concurrent/benchmarks-no-requests.json.gz",
            "0.5.4/concurrent-tty/tty.log",
            "0.5.4/concurrent-tty/benchmarks-no-requests.json.gz",
        ],
        &["config=a", "release=r1"],
    );
    convert(
        dir.path(),
        "b",
        &[
            "0.6.1/concurrent/benchmarks-no-requests.json.gz",
            "0.7.4/concurrent/benchmarks-no-requests.json.gz",
            "0.8.1/concurrent/benchmarks-no-requests.json.gz",
        ],
        &["config=b", "release=r2"],
    );
    dir
}

fn compare(dir: &Path, args: &[&str]) -> String {
    let mut all = vec!["compare"];
    all.extend_from_slice(args);
    let out = tidybench(dir, &all);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

fn json(dir: &Path, args: &[&str]) -> serde_json::Value {
    let mut all = args.to_vec();
    all.extend(["--format", "json"]);
    serde_json::from_str(&compare(dir, &all)).unwrap()
}

/// The text fields `keys` of each delta row of a JSON report whose `metric` is `metric` (any
/// when `None`), e.g. `["metric", "matched"]`.
fn delta_texts(doc: &serde_json::Value, metric: Option<&str>, keys: &[&str]) -> Vec<Vec<String>> {
    doc["deltas"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| metric.is_none_or(|m| d["metric"] == m))
        .map(|d| {
            keys.iter()
                .map(|k| d[*k].as_str().unwrap().to_string())
                .collect()
        })
        .collect()
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * b.abs().max(1.0)
}

#[test]
fn repeated_runs_get_confidence_intervals_and_noise_is_named() {
    let dir = datasets();
    let doc = json(
        dir.path(),
        &[
            "a",
            "b",
            "--baseline",
            "a",
            "--metrics",
            "ttft,request_latency",
        ],
    );
    let deltas = doc["deltas"].as_array().unwrap();
    assert_eq!(deltas.len(), 4);
    let ttft5 = &deltas[0];
    assert_eq!(
        (ttft5["metric"].as_str(), ttft5["load"].as_f64()),
        (Some("ttft"), Some(5.0))
    );
    assert_eq!(ttft5["runs"], serde_json::json!([2, 3]));
    // Means of the JSON reports' medians: 0.5.4 119.000…, 124.090…; 0.6.1 116.814…, 0.7.4
    // 116.587…, 0.8.1 118.118…; expected intervals from scipy.stats.t (see the module doc).
    assert!(close(
        ttft5["baseline_value"].as_f64().unwrap(),
        121.54555320739746
    ));
    assert!(close(
        ttft5["candidate_value"].as_f64().unwrap(),
        117.17343330383301
    ));
    assert!(close(
        ttft5["pct_change"].as_f64().unwrap(),
        -3.5971039566574277
    ));
    let interval = ttft5["pct_change_interval"].as_array().unwrap();
    assert!((interval[0].as_f64().unwrap() - -23.377289610324702).abs() < 1e-6);
    assert!((interval[1].as_f64().unwrap() - 21.289345133838957).abs() < 1e-6);
    let halves = ttft5["mean_intervals"].as_array().unwrap();
    assert!((halves[0].as_f64().unwrap() - 32.338794603029456).abs() < 1e-6);
    assert!((halves[1].as_f64().unwrap() - 2.0517170171714816).abs() < 1e-6);
    assert_eq!(ttft5["verdict"], "within noise");
    let ttft25 = &deltas[1];
    let interval = ttft25["pct_change_interval"].as_array().unwrap();
    assert!((interval[0].as_f64().unwrap() - -37.309548527216684).abs() < 1e-6);
    assert!((interval[1].as_f64().unwrap() - 48.069612502247175).abs() < 1e-6);
    // -3.6% on average, but no level is distinguishable from noise.
    let text = compare(
        dir.path(),
        &["a", "b", "--baseline", "a", "--metrics", "ttft"],
    );
    assert!(
        text.contains(
            "     5   121.55 ± 32.34  117.17 ± 2.052      -4.372   -3.6%  within noise   2/3  \
             [-23.4%, +21.3%]"
        ),
        "{text}"
    );
    assert!(
        text.contains(
            "  Time to first token (median, successful requests)        -3.6%  within noise"
        ),
        "{text}"
    );
}

#[test]
fn repeated_runs_give_the_same_digits_every_time() {
    // The runs of a configuration used to reach their mean and standard deviation in the
    // order a hash grouping gave them, so the last digits changed from one invocation to
    // the next.
    // Both ways of labelling: a column of `metrics` and a label joined from `runs`.
    let dir = datasets();
    for by in [
        ["--by", "config", "--baseline", "a"],
        ["--by", "release", "--baseline", "r1"],
    ] {
        let args = [&["a", "b", "--format", "csv"][..], &by].concat();
        let first = compare(dir.path(), &args);
        assert!(first.contains(",2,3,"), "{first}");
        for _ in 0..7 {
            assert_eq!(compare(dir.path(), &args), first, "{by:?}");
        }
    }
}

#[test]
fn releases_compare_with_each_other_and_peaks_say_where() {
    let dir = datasets();
    let doc = json(
        dir.path(),
        &[
            "b",
            "--by",
            "harness_version",
            "--baseline",
            "0.6.1",
            "--metrics",
            "output_tokens_per_second",
            "--stat",
            "mean",
            "--status",
            "total",
        ],
    );
    assert_eq!(doc["candidates"], serde_json::json!(["0.7.4", "0.8.1"]));
    let peaks = doc["peaks"].as_array().unwrap();
    assert_eq!(peaks.len(), 3);
    assert_eq!(peaks[0]["config"], "0.6.1");
    assert_eq!(peaks[0]["direction"], "higher");
    // The higher load gives the most output tokens per second in every release.
    assert!(peaks.iter().all(|p| p["load"] == 25.0), "{peaks:#?}");
    let base = peaks[0]["peak"].as_f64().unwrap();
    for p in &peaks[1..] {
        let expected = (p["peak"].as_f64().unwrap() - base) / base * 100.0;
        assert!(close(p["pct_vs_baseline"].as_f64().unwrap(), expected));
    }
    // Single runs per side: no interval.
    assert!(doc["deltas"][0]["pct_change_interval"].is_null());
}

#[test]
fn a_label_of_your_own_and_a_where_condition() {
    let dir = datasets();
    let doc = json(
        dir.path(),
        &[
            "a",
            "b",
            "--by",
            "release",
            "--baseline",
            "r1",
            "--metrics",
            "ttft",
            "--where",
            "load = 25",
        ],
    );
    let deltas = doc["deltas"].as_array().unwrap();
    assert_eq!(deltas.len(), 1);
    assert_eq!(deltas[0]["load"], 25.0);
    assert_eq!(deltas[0]["candidate"], "r2");
    assert!(close(
        deltas[0]["pct_change"].as_f64().unwrap(),
        -3.654004457030203
    ));
}

#[test]
fn a_metric_without_rows_is_an_error_that_says_how_to_list_them() {
    let dir = datasets();
    let out = tidybench(
        dir.path(),
        &[
            "compare",
            "a",
            "b",
            "--baseline",
            "a",
            "--metrics",
            "ttft,nonsense",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: no rows of metric nonsense with stat median over successful requests to compare \
         (see `tidybench query <dataset> \"select distinct metric, stat, status from metrics\"`)\n"
    );
    let out = tidybench(dir.path(), &["compare", "a", "--baseline", "zzz"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("baseline config=zzz has no rows to compare; values present: a"));
}

#[test]
fn the_study_compares_as_the_report_does() {
    let dir = tempfile::tempdir().unwrap();
    let log = study_log();
    let log = log.to_str().unwrap();
    let out = tidybench(dir.path(), &["convert", log, "-o", "out", "-q"]);
    assert_eq!(out.status.code(), Some(0));
    let compared = compare(
        dir.path(),
        &["out", "--by", "config", "--baseline", "no-offload"],
    );
    let report = stdout(&tidybench(dir.path(), &["report", log]));
    assert_eq!(compared, report);
    // The original's numbers, with the improvements named.
    assert!(compared.contains("   100       985.6           871.8      -113.8  -11.5%  better~"));
    assert!(compared.contains("     5         0.5             0.7        +0.2  +40.0%  better~"));
}

#[test]
fn a_where_condition_reads_labels_of_your_own_as_numbers_and_names_its_faults() {
    let dir = tempfile::tempdir().unwrap();
    convert(
        dir.path(),
        "a",
        &[
            "0.5.4/concurrent/console.log",
            "0.5.4/concurrent/benchmarks-no-requests.json.gz",
        ],
        &["config=a", "max_rate=5"],
    );
    convert(
        dir.path(),
        "b",
        &["0.6.1/concurrent/benchmarks-no-requests.json.gz"],
        &["config=b", "max_rate=50"],
    );
    let all = json(dir.path(), &["a", "b", "--baseline", "a"]);
    // `max_rate` is a number: 5 < 10 < 50, where as text "50" < "10".
    let some = json(
        dir.path(),
        &[
            "a",
            "b",
            "--baseline",
            "a",
            "--where",
            "max_rate < 10 or max_rate >= 50",
        ],
    );
    assert_eq!(
        delta_texts(&all, None, &["matched"]),
        vec![vec!["both"]; 6],
        "three metrics at two loads"
    );
    assert_eq!(some["deltas"], all["deltas"]);

    for (condition, error) in [
        (
            "max_rate > 10",
            "error: baseline config=a has no rows to compare; values present: b\n",
        ),
        (
            "load >= 'abc'",
            "error: --where load >= 'abc': cannot compare string with numeric type (f64)\n",
        ),
        (
            "cast(config as int) > 1",
            "error: --where cast(config as int) > 1: conversion from `str` to `i32` failed in \
             column 'config' for 1 out of 1 values: [\"",
        ),
        (
            "max_rate = '5'",
            "error: --where max_rate = '5': cannot compare string with numeric type (f64) \
             (labels read as numbers, every value being one: max_rate)\n",
        ),
        (
            "config = 'a' and nosuch = 1",
            "error: --where config = 'a' and nosuch = 1: `nosuch` is no column of metrics or \
             runs, nor a label; labels are: ",
        ),
    ] {
        let out = tidybench(
            dir.path(),
            &["compare", "a", "b", "--baseline", "a", "--where", condition],
        );
        assert_eq!(out.status.code(), Some(1), "{condition}");
        assert!(
            stderr(&out).starts_with(error),
            "{condition}: {}",
            stderr(&out)
        );
        assert!(stderr(&out).ends_with(", max_rate\n") || !error.contains("nosuch"));
    }
}

#[test]
fn a_damaged_dataset_file_is_named_not_the_where_condition_or_the_step() {
    let dir = tempfile::tempdir().unwrap();
    let log = study_log();
    let out = tidybench(
        dir.path(),
        &["convert", log.to_str().unwrap(), "-o", "ds", "-q"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let part = walk_parts(&dir.path().join("ds/metrics")).remove(0);
    let mut bytes = std::fs::read(&part).unwrap();
    bytes[8..2000].fill(0);
    std::fs::write(&part, bytes).unwrap();
    let out = tidybench(
        dir.path(),
        &[
            "compare",
            "ds",
            "--baseline",
            "no-offload",
            "--where",
            "load > 0",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let damaged = format!(
        "error: {}: damaged, cannot be read: parquet: ",
        part.strip_prefix(dir.path()).unwrap().display()
    );
    assert!(stderr(&out).starts_with(&damaged), "{}", stderr(&out));
    // Every command that reads the dataset names the file, not only the step that failed.
    for args in [
        &["report", "ds"][..],
        &["query", "ds", "select * from metrics"][..],
        &["query", "ds", "select avg(value) from metrics"][..],
        &["inspect", "ds"][..],
    ] {
        let out = tidybench(dir.path(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}");
        assert!(
            stderr(&out).starts_with(&damaged),
            "{args:?}: {}",
            stderr(&out)
        );
    }
    // What reads only the intact files still works, and a fault of the query itself is
    // its own, not the damaged file's.
    let out = tidybench(
        dir.path(),
        &["query", "ds", "select count(*) as n from runs"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = tidybench(
        dir.path(),
        &["query", "ds", "select cast(model as int) from runs"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).starts_with(
            "error: running the query: conversion from `str` to `i32` failed in column 'model'"
        ),
        "{}",
        stderr(&out)
    );
}

/// The Parquet files under `dir`, sorted.
fn walk_parts(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            found.extend(walk_parts(&path));
        } else if path.extension().is_some_and(|e| e == "parquet") {
            found.push(path);
        }
    }
    found.sort();
    found
}

#[test]
fn stat_and_status_without_metrics_apply_to_the_default_metrics() {
    let dir = datasets();
    let picked = |args: &[&str]| -> Vec<Vec<String>> {
        let mut all = vec!["a", "b", "--baseline", "a"];
        all.extend_from_slice(args);
        let mut picked = delta_texts(&json(dir.path(), &all), None, &["metric", "stat", "status"]);
        picked.dedup();
        picked
    };
    let triple = |m: &str, st: &str, s: &str| vec![m.to_string(), st.to_string(), s.to_string()];
    assert_eq!(
        picked(&[]),
        vec![
            triple("requests_per_second", "mean", "total"),
            triple("request_latency", "median", "successful"),
            triple("ttft", "median", "successful"),
        ]
    );
    assert_eq!(
        picked(&["--stat", "p95"]),
        vec![
            triple("requests_per_second", "p95", "total"),
            triple("request_latency", "p95", "successful"),
            triple("ttft", "p95", "successful"),
        ]
    );
    assert_eq!(
        picked(&["--status", "total", "--stat", "mean"]),
        vec![
            triple("requests_per_second", "mean", "total"),
            triple("request_latency", "mean", "total"),
            triple("ttft", "mean", "total"),
        ]
    );
    // A statistic no metric has is an error, not a silent default.
    let out = tidybench(
        dir.path(),
        &["compare", "a", "b", "--baseline", "a", "--stat", "p42"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out)
            .starts_with("error: no rows to compare: metric requests_per_second with stat p42"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn throughput_over_different_request_statuses_is_unmatched_and_the_notes_say_why() {
    // GuideLLM 0.5.0's console prints throughput over successful requests only, 0.5.4's over
    // all requests only: no status both have.
    let dir = tempfile::tempdir().unwrap();
    convert(
        dir.path(),
        "a",
        &["0.5.0/concurrent/console.log"],
        &["config=old"],
    );
    convert(
        dir.path(),
        "b",
        &["0.5.4/concurrent/console.log"],
        &["config=new"],
    );
    let doc = json(dir.path(), &["a", "b", "--baseline", "old"]);
    assert_eq!(
        doc["status_gaps"],
        serde_json::json!([{
            "model": "llama-3.1-8b-instruct",
            "metric": "requests_per_second",
            "stat": "mean",
            "statuses": {"new": ["total"], "old": ["successful"]}
        }])
    );
    let pair = |a: &str, b: &str| vec![a.to_string(), b.to_string()];
    assert_eq!(
        delta_texts(&doc, None, &["metric", "matched"]),
        vec![
            pair("requests_per_second", "candidate only"),
            pair("requests_per_second", "candidate only"),
            pair("request_latency", "both"),
            pair("request_latency", "both"),
            pair("ttft", "both"),
            pair("ttft", "both"),
        ]
    );
    let text = compare(dir.path(), &["a", "b", "--baseline", "old"]);
    assert!(text.ends_with(
        "  llama-3.1-8b-instruct: requests_per_second (mean) is over total requests in new, \
         successful requests in old: no request status they share, so its levels are unmatched \
         (GuideLLM 0.5.0 and earlier print throughput over successful requests only, later \
         versions over all requests; GuideLLM's JSON output holds every status).\n"
    ));

    // A third configuration with both statuses: compared alone with the old one, they share
    // successful requests.
    convert(
        dir.path(),
        "c",
        &[
            "0.6.1/concurrent/console.log",
            "0.6.1/concurrent/benchmarks-no-requests.json.gz",
        ],
        &["config=both"],
    );
    let doc = json(
        dir.path(),
        &["a", "b", "c", "--baseline", "old", "--candidates", "both"],
    );
    assert_eq!(doc["status_gaps"], serde_json::json!([]));
    assert_eq!(
        delta_texts(&doc, Some("requests_per_second"), &["status", "matched"]),
        vec![pair("successful", "both"), pair("successful", "both")]
    );

    // With the 0.5.0 run's JSON beside its console log, the all-requests values are there.
    convert(
        dir.path(),
        "a",
        &[
            "0.5.0/concurrent/console.log",
            "0.5.0/concurrent/benchmarks-no-requests.json.gz",
        ],
        &["config=old"],
    );
    let doc = json(dir.path(), &["a", "b", "--baseline", "old"]);
    assert_eq!(doc["status_gaps"], serde_json::json!([]));
}

#[test]
fn the_baseline_among_the_candidates_is_not_compared_with_itself() {
    let dir = datasets();
    let doc = json(
        dir.path(),
        &["a", "b", "--baseline", "a", "--candidates", "a,b"],
    );
    assert_eq!(doc["candidates"], serde_json::json!(["b"]));
    assert_eq!(
        delta_texts(&doc, None, &["candidate"]),
        vec![vec!["b".to_string()]; 6]
    );
    let out = tidybench(
        dir.path(),
        &["compare", "a", "b", "--baseline", "a", "--candidates", "a"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: --candidates names only the baseline config=a: nothing to compare\n"
    );
}

#[test]
fn a_key_of_the_compared_values_cannot_be_what_is_compared() {
    let dir = tempfile::tempdir().unwrap();
    let runs = repo("tests/fixtures/guidellm/0.5.4");
    for by in [
        "strategy",
        "load",
        "load_index",
        "metric",
        "stat",
        "status",
        "unit",
        "value",
    ] {
        let out = tidybench(
            dir.path(),
            &[
                "compare",
                runs.to_str().unwrap(),
                "--by",
                by,
                "--baseline",
                "x",
                "-q",
            ],
        );
        assert_eq!(out.status.code(), Some(1), "{by}");
        assert_eq!(
            stderr(&out),
            format!(
                "error: --by {by}: a column of each compared value, not a label of whole runs, \
                 so it cannot be what is compared; --by takes a run label (config, hardware, \
                 software, model, a label of your own)\n"
            )
        );
    }
}

#[test]
fn the_best_and_worst_levels_of_a_sweep_name_their_strategy() {
    let dir = tempfile::tempdir().unwrap();
    let averages = |args: &[&str]| -> Vec<String> {
        let out = tidybench(dir.path(), args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
            .lines()
            .skip_while(|l| !l.starts_with("Average change"))
            .skip(2)
            .take(3)
            .map(|l| {
                let words: Vec<&str> = l.split_whitespace().collect();
                words[words.len().saturating_sub(7)..].join(" ")
            })
            .collect()
    };
    let (old, new) = (
        repo("tests/fixtures/guidellm/0.5.4/sweep")
            .display()
            .to_string(),
        repo("tests/fixtures/guidellm/0.6.1/sweep")
            .display()
            .to_string(),
    );
    let sweep = [
        "compare",
        &old,
        &new,
        "--by",
        "harness_version",
        "--baseline",
        "0.5.4",
        "-q",
    ];
    // The last words of each row: the best level, then the worst.
    assert_eq!(
        averages(&sweep),
        [
            "at synchronous ? -77.7% at throughput 512",
            "at throughput 512 +0.5% at synchronous ?",
            "at throughput 512 -1.3% at synchronous ?",
        ]
    );
    // One strategy: the load alone.
    let study = study_log().display().to_string();
    let rows = averages(&["report", &study, "-q"]);
    assert_eq!(rows[0], "+7.0% +40.0% at 5 +0.0% at 25", "{rows:?}");
}

#[test]
fn an_average_of_levels_within_rounding_is_within_rounding() {
    // 1.42 → 1.4 s and 1.53 → 1.5 s: printed with two and one decimals, no level is a change.
    let dir = tempfile::tempdir().unwrap();
    convert(
        dir.path(),
        "o",
        &["0.3.1/concurrent/console.log"],
        &["software=0.3"],
    );
    convert(
        dir.path(),
        "o",
        &["0.4.0/concurrent/console.log"],
        &["software=0.4"],
    );
    let args = [
        "o",
        "--by",
        "software",
        "--baseline",
        "0.3",
        "--metrics",
        "request_latency",
    ];
    let text = compare(dir.path(), &args);
    assert!(
        text.contains(
            "  Request latency (median, successful requests)        -1.7%  within rounding~       2           -1.7%  -2.0% at 25   -1.4% at 5\n"
        ),
        "{text}"
    );
    let doc = json(dir.path(), &args);
    assert_eq!(doc["averages"][0]["within_rounding"], true);
    assert_eq!(doc["averages"][1]["within_rounding"], true);
}

#[test]
fn no_geometric_mean_over_a_level_of_zero() {
    let dir = tempfile::tempdir().unwrap();
    // The 8B native-offload TTFT at 50 concurrent streams set to 0.
    let study = common::study_text().replacen(
        "| concurrent | 6.0     | 6.1    | 734.4  |",
        "| concurrent | 6.0     | 6.1    | 0.0    |",
        1,
    );
    common::write(dir.path(), "zero.log", &study);
    let args = ["zero.log", "--baseline", "no-offload", "--metrics", "ttft"];
    let doc = json(dir.path(), &args);
    let eight_b = doc["averages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["model"] == "Qwen/Qwen3-8B")
        .unwrap();
    assert_eq!(eight_b["count"], 5);
    assert!(eight_b["geomean_pct_change"].is_null(), "{eight_b}");
    let fourteen_b = doc["averages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["model"] == "Qwen/Qwen3-14B")
        .unwrap();
    assert!(fourteen_b["geomean_pct_change"].is_f64(), "{fourteen_b}");
    // Nor across the models, rather than the 14B model's alone.
    let across = doc["averages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["across_models"] == true)
        .unwrap();
    assert_eq!(across["count"], 2);
    assert!(across["geomean_pct_change"].is_null(), "{across}");
}

#[test]
fn options_are_read_as_meant_and_an_input_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let log = common::write(dir.path(), "study.log", common::study_text());
    // Spaces after the commas, a metric named twice.
    let text = compare(
        dir.path(),
        &[
            "study.log",
            "--baseline",
            "no-offload",
            "--candidates",
            "native-offload, no-offload",
            "--metrics",
            "ttft, ttft",
        ],
    );
    let header = "\nTime to first token (median, successful requests) [ms, lower is better]\n";
    assert_eq!(text.matches(header).count(), 2, "{text}");
    let out = tidybench(
        dir.path(),
        &[
            "compare",
            "study.log",
            "--baseline",
            "no-offload",
            "--candidates",
            "lmcache",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: candidate config=lmcache has no rows to compare; values present: \
         native-offload, no-offload\n"
    );
    for command in ["report", "query"] {
        let mut args = vec![command, "study.log"];
        if command == "query" {
            args.push("select 1");
        }
        args.extend(["-o", "./study.log"]);
        let out = tidybench(dir.path(), &args);
        assert_eq!(out.status.code(), Some(1), "{command}");
        assert_eq!(
            stderr(&out),
            "error: ./study.log: writing there would replace the input study.log\n"
        );
        assert_eq!(std::fs::read_to_string(&log).unwrap(), common::study_text());
    }
}

#[test]
fn pooled_configurations_and_loads_repeated_in_a_run_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let study = common::study_text();
    common::write(dir.path(), "study.log", &study);
    common::write(
        dir.path(),
        "next.log",
        study.replace("upstream-llm-d-0.4.0", "upstream-llm-d-0.5.0"),
    );
    // Compared by software, each side pools no-offload and native-offload runs.
    let args = [
        "compare",
        "study.log",
        "next.log",
        "--by",
        "software",
        "--baseline",
        "upstream-llm-d-0.4.0",
    ];
    let out = tidybench(dir.path(), &args);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(
            "warning: model Qwen/Qwen3-8B, software=upstream-llm-d-0.5.0: runs of 2 \
             configurations (native-offload, no-offload) are averaged as repeats at 5 load \
             level(s); compare one configuration with --where \"config = '…'\", or \
             configurations with --by config\n"
        ),
        "{err}"
    );
    assert_eq!(
        err.matches("configurations (native-offload, no-offload)")
            .count(),
        4
    );
    let mut one = args.to_vec();
    one.extend(["--where", "config = 'no-offload'"]);
    let out = tidybench(dir.path(), &one);
    assert_eq!(stderr(&out), "");

    // The first iteration's second level runs at 5 streams again.
    let twice = study.replacen("Rate: 5,25,50,100,250", "Rate: 5,5,50,100,250", 2);
    common::write(dir.path(), "twice.log", twice);
    let out = tidybench(dir.path(), &["report", "twice.log"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    let warnings: Vec<&str> = err.lines().filter(|l| l.contains("load points")).collect();
    assert_eq!(warnings.len(), 1, "{err}");
    assert!(warnings[0].starts_with("warning: twice.log: run "), "{err}");
    assert!(
        warnings[0]
            .ends_with(" has 2 load points at concurrent 5: their mean is compared as its value"),
        "{err}"
    );
}

#[test]
fn the_header_speaks_of_the_runs_compared_only() {
    let dir = datasets();
    let text = compare(
        dir.path(),
        &[
            "a",
            "b",
            "--by",
            "config",
            "--baseline",
            "a",
            "--where",
            "harness_version in ('0.5.4', '0.6.1')",
        ],
    );
    assert!(
        text.lines().any(|l| l
            == "Sources: 0.5.4/concurrent/benchmarks-no-requests.json.gz, \
                concurrent-tty/benchmarks-no-requests.json.gz, \
                0.6.1/concurrent/benchmarks-no-requests.json.gz"),
        "{text}"
    );
}

#[test]
fn a_label_given_to_a_dataset_report_is_said_to_do_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let log = study_log();
    let out = tidybench(
        dir.path(),
        &["convert", log.to_str().unwrap(), "-o", "out", "-q"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = tidybench(dir.path(), &["report", "out", "--label", "release=r2"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "warning: out: --label sets the labels of runs read from source files; the runs of a \
         dataset keep those they were converted with\n"
    );
}

#[test]
fn a_header_fact_some_runs_do_not_state_says_so() {
    // 0.5.4's runs (`a`) were made without `turns`; 0.6.1 – 0.8.1's (`b`) with 5.
    let dir = datasets();
    let args = [
        "a",
        "b",
        "--by",
        "config",
        "--baseline",
        "a",
        "--metrics",
        "ttft",
    ];
    let text = compare(dir.path(), &args);
    let workload = text.lines().find(|l| l.starts_with("Workload: ")).unwrap();
    assert_eq!(
        workload,
        "Workload: 128 prompt tokens, 128 output tokens, 10000 prefix tokens, 5 turns (not \
         stated by 2 of 5 runs)"
    );
    let doc = json(dir.path(), &args);
    assert_eq!(doc["context"]["runs"], 5);
    assert_eq!(doc["context"]["unstated"], serde_json::json!({"turns": 2}));
}
