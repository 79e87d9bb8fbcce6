//! Console tables against JSON reports of the same real runs (GuideLLM 0.3.1, 0.4.0, 0.5.4,
//! 0.6.1, 0.7.4 and 0.8.1: concurrent, sweep and poisson, and a terminal capture; 0.3.0, 0.5.0,
//! 0.6.0, 0.7.0 and 0.8.0: concurrent): every number a console table prints must equal the JSON value
//! of the same metric, status and statistic rounded to the printed decimals. This proves both
//! parsers (and the metric mapping) right.

use crate::common;

use common::parse_file;
use tidybench::formats::{LoadPoint, Observation};

/// The console observation's counterpart in the JSON load point, if any.
fn counterpart<'a>(json: &'a LoadPoint, console: &Observation) -> Option<&'a Observation> {
    let metric = match &*console.metric {
        "start_time_of_day" => "start_time",
        "end_time_of_day" => "end_time",
        other => other,
    };
    json.observations
        .iter()
        .find(|o| o.metric == metric && o.status == console.status && o.stat == console.stat)
}

/// Whether the JSON value printed like the console prints it gives the console's text.
fn agrees(console: &Observation, json: &Observation) -> bool {
    if console.metric.ends_with("_time_of_day") {
        // HH:MM:SS of the Unix time (the runs were made on a UTC clock).
        return (json.value.rem_euclid(86_400.0).floor() - console.value).abs() < 0.5;
    }
    let d = usize::from(console.decimals.unwrap_or(0));
    format!("{:.d$}", json.value) == format!("{:.d$}", console.value)
}

fn check(console_path: &str, json_path: &str) -> usize {
    let console = parse_file(console_path);
    let json = parse_file(json_path);
    let (c, j) = (&console.runs[0], &json.runs[0]);
    assert_eq!(
        c.load_points.len(),
        j.load_points.len(),
        "{console_path}: benchmarks"
    );
    let mut problems = Vec::new();
    let mut compared = 0;
    for (i, (cp, jp)) in c.load_points.iter().zip(&j.load_points).enumerate() {
        assert_eq!(cp.strategy, jp.strategy, "{console_path}: benchmark {i}");
        if let Some(load) = cp.load {
            // Labels print rates with two decimals (`constant@2.33`).
            let json_load = jp.load.unwrap_or(f64::NAN);
            assert!(
                (load - json_load).abs() < 0.005,
                "{console_path}: benchmark {i} load {load} vs {json_load}"
            );
        }
        for o in &cp.observations {
            compared += 1;
            match counterpart(jp, o) {
                None => problems.push(format!(
                    "benchmark {i}: {}/{}/{} ({}) has no JSON counterpart",
                    o.metric, o.status, o.stat, o.origin
                )),
                Some(jo) if !agrees(o, jo) => problems.push(format!(
                    "benchmark {i}: {}/{}/{} console {} ({}) vs JSON {} ({})",
                    o.metric, o.status, o.stat, o.value, o.origin, jo.value, jo.origin
                )),
                Some(_) => {}
            }
        }
    }
    assert!(
        problems.is_empty(),
        "{console_path} vs {json_path}:\n{}",
        problems.join("\n")
    );
    compared
}

#[test]
fn every_console_number_equals_the_rounded_json_value() {
    let mut total = 0;
    for version in ["0.3.1", "0.4.0", "0.5.4", "0.6.1", "0.7.4", "0.8.1"] {
        for scenario in ["concurrent", "sweep", "poisson"] {
            let dir = format!("tests/fixtures/guidellm/{version}/{scenario}");
            let json = if (version, scenario) == ("0.4.0", "poisson") {
                format!("{dir}/benchmarks.json.gz")
            } else {
                format!("{dir}/benchmarks-no-requests.json.gz")
            };
            total += check(&format!("{dir}/console.log"), &json);
        }
    }
    total += check(
        "tests/fixtures/guidellm/0.5.4/concurrent-tty/tty.log",
        "tests/fixtures/guidellm/0.5.4/concurrent-tty/benchmarks-no-requests.json.gz",
    );
    // The first release of each other minor version (concurrent runs only).
    for version in ["0.3.0", "0.5.0", "0.6.0", "0.7.0", "0.8.0"] {
        let dir = format!("tests/fixtures/guidellm/{version}/concurrent");
        total += check(
            &format!("{dir}/console.log"),
            &format!("{dir}/benchmarks-no-requests.json.gz"),
        );
    }
    // Every number the console tables of these 24 runs print (7 benchmarks per version from
    // 0.3.1 to 0.8.1, 2 per first minor release).
    assert_eq!(total, 3141);
}

#[test]
fn json_reports_of_every_version_keep_full_precision() {
    let parsed = parse_file("tests/fixtures/guidellm/0.4.0/poisson/benchmarks.json.gz");
    assert_eq!(parsed.warnings, []);
    let run = &parsed.runs[0];
    assert_eq!(run.source_format, "guidellm-json");
    assert_eq!(run.labels.rate_type.as_deref(), Some("poisson"));
    let point = &run.load_points[0];
    assert_eq!(
        (point.strategy.as_str(), point.load),
        ("poisson", Some(4.0))
    );
    let latency = point
        .observations
        .iter()
        .find(|o| o.metric == "request_latency" && o.status == "successful" && o.stat == "p95")
        .unwrap();
    assert_eq!(latency.decimals, None, "full precision");
    assert_eq!(
        latency.origin.to_string(),
        "benchmarks[0].metrics.request_latency.successful.percentiles.p95"
    );
    let json =
        parse_file("tests/fixtures/guidellm/0.6.1/concurrent/benchmarks-no-requests.json.gz");
    let run = &json.runs[0];
    assert_eq!(run.harness_version.as_deref(), Some("0.6.1"));
    assert_eq!(run.model.as_deref(), Some("llama-3.1-8b-instruct"));
    assert_eq!(
        (
            run.labels.prompt_tokens,
            run.labels.prefix_tokens,
            run.labels.turns
        ),
        (Some(128), Some(10000), Some(5))
    );
}

#[test]
fn reports_that_name_the_model_only_in_request_bodies_get_it_from_there() {
    // GuideLLM 0.4 and 0.5 name the model only in each request record's `request_args`, a
    // printed Python dict: JSON (0.4.0) and YAML (0.5.0, long lines folded), text kept or not.
    for path in [
        "tests/fixtures/guidellm/0.4.0/poisson/benchmarks.json.gz",
        "tests/fixtures/guidellm/0.5.0/concurrent/benchmarks-first-requests.yaml.gz",
    ] {
        let blob = tidybench::ingest::Blob::read(&common::repo(path)).unwrap();
        let format = tidybench::detect::detect(&blob).unwrap();
        for keep_text in [false, true] {
            let options = tidybench::formats::ParseOptions {
                keep_text,
                ..Default::default()
            };
            let parsed = format.parse_with(&blob, &options).unwrap();
            let run = &parsed.runs[0];
            assert_eq!(
                run.model.as_deref(),
                Some("llama-3.1-8b-instruct"),
                "{path}"
            );
            assert!(
                parsed.warnings.iter().all(|w| !w.message.contains("model")),
                "{path}: {:?}",
                parsed.warnings
            );
        }
    }
    // Without request records nothing names it, and that is said.
    let path = "tests/fixtures/guidellm/0.5.0/concurrent/benchmarks-no-requests.json.gz";
    let parsed = parse_file(path);
    assert_eq!(parsed.runs[0].model, None);
    assert_eq!(
        parsed.warnings[0].to_string(),
        format!("{path}: the report names no model; `model` left null")
    );
}

#[test]
fn json_request_records_become_request_rows() {
    let parsed = parse_file("tests/fixtures/guidellm/0.4.0/poisson/benchmarks.json.gz");
    let requests = &parsed.runs[0].load_points[0].requests;
    // All records are kept, even where GuideLLM's own totals count one fewer (22 incomplete).
    let count = |status: &str| requests.iter().filter(|r| r.status == status).count();
    assert_eq!(
        (count("successful"), count("errored"), count("incomplete")),
        (19, 0, 23)
    );
    let first = &requests[0];
    assert_eq!(
        first.request_id.as_deref(),
        Some("3894a123-ea74-4bc9-9451-1647c91d5fb1")
    );
    assert_eq!(first.start_time, Some(1795971585.0057955));
    assert_eq!(first.end_time, Some(1795971586.4320774));
    assert_eq!(first.latency_s, Some(1.4262819290161133));
    assert_eq!(first.ttft_ms, Some(110.56733131408691));
    assert_eq!(first.itl_ms, Some(10.35653324577752));
    assert_eq!(first.tpot_ms, Some(11.139430105686188));
    assert_eq!(
        (first.prompt_tokens, first.output_tokens),
        (Some(18695), Some(128))
    );
    assert_eq!((first.turn, first.conversation_id.as_deref()), (None, None));
    let cancelled = requests.iter().find(|r| r.status == "incomplete").unwrap();
    assert_eq!(cancelled.error.as_deref(), Some("Request was cancelled"));
    assert_eq!(cancelled.output_tokens, None);
}

#[test]
fn requests_are_stored_and_queried() {
    let dir = tempfile::tempdir().unwrap();
    let json = common::repo("tests/fixtures/guidellm/0.4.0/poisson/benchmarks.json.gz");
    let out = common::tidybench(
        dir.path(),
        &["convert", json.to_str().unwrap(), "-o", "out"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    assert!(
        common::stderr(&out).contains("42 request(s)"),
        "{}",
        common::stderr(&out)
    );
    let out = common::tidybench(
        dir.path(),
        &[
            "query",
            "out",
            "select status, count(*) as n, round(max(latency_s), 3) as max_latency \
             from requests group by status order by status",
            "--format",
            "csv",
        ],
    );
    assert_eq!(common::stderr(&out), "");
    assert_eq!(
        common::stdout(&out),
        "status,n,max_latency\nincomplete,23,null\nsuccessful,19,1.485\n".replace("null", "")
    );
}

#[test]
fn yaml_reports_hold_the_same_numbers_as_json_reports() {
    let dir = "tests/fixtures/guidellm/0.8.1/concurrent";
    let yaml = parse_file(&format!("{dir}/benchmarks-no-requests.yaml.gz"));
    let json = parse_file(&format!("{dir}/benchmarks-no-requests.json.gz"));
    assert_eq!(yaml.runs[0].source_format, "guidellm-yaml");
    let key = |o: &Observation| (o.metric.clone(), o.status.clone(), o.stat.clone());
    let mut sizes = Vec::new();
    for (y, j) in yaml.runs[0]
        .load_points
        .iter()
        .zip(&json.runs[0].load_points)
    {
        assert_eq!((y.strategy.as_str(), y.load), (j.strategy.as_str(), j.load));
        let mut ys: Vec<_> = y.observations.iter().map(|o| (key(o), o.value)).collect();
        let mut js: Vec<_> = j.observations.iter().map(|o| (key(o), o.value)).collect();
        ys.sort_by(|a, b| a.0.cmp(&b.0));
        js.sort_by(|a, b| a.0.cmp(&b.0));
        sizes.push(ys.len());
        assert_eq!(ys, js);
    }
    // Every statistic incl. mean and percentile confidence bounds.
    assert_eq!(sizes, [3791, 3989]);
}

/// Sets every number of a distribution summary to zero, as some GuideLLM reports do.
fn zero_fill(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(_) => *value = serde_json::json!(0),
        serde_json::Value::Object(map) => map.values_mut().for_each(zero_fill),
        _ => {}
    }
}

#[test]
fn zero_filled_aggregates_are_recomputed_from_the_requests_as_guidellm_computes_them() {
    let path = common::repo("tests/fixtures/guidellm/0.4.0/poisson/benchmarks.json.gz");
    let text = tidybench::ingest::Blob::read(&path).unwrap().bytes.to_vec();
    let mut report: serde_json::Value = serde_json::from_slice(&text).unwrap();
    for metric in [
        "request_latency",
        "time_to_first_token_ms",
        "prompt_token_count",
    ] {
        zero_fill(&mut report["benchmarks"][0]["metrics"][metric]["successful"]);
    }
    let dir = tempfile::tempdir().unwrap();
    let zeroed = dir.path().join("zeroed.json");
    std::fs::write(&zeroed, serde_json::to_vec(&report).unwrap()).unwrap();

    let original = parse_file("tests/fixtures/guidellm/0.4.0/poisson/benchmarks.json.gz");
    let blob = tidybench::ingest::Blob::read(&zeroed).unwrap();
    let recomputed = tidybench::detect::detect(&blob)
        .unwrap()
        .parse(&blob)
        .unwrap();
    let messages: Vec<&str> = recomputed
        .warnings
        .iter()
        .map(|w| w.message.as_str())
        .collect();
    assert!(messages.contains(
        &"benchmarks[0]: the request_latency aggregates over successful requests are zero or missing although 19 request records have it; recomputed from the records"
    ), "{messages:?}");
    let find = |run: &tidybench::formats::Run, metric: &str, stat: &str| {
        run.load_points[0]
            .observations
            .iter()
            .find(|o| o.metric == metric && o.status == "successful" && o.stat == stat)
            .cloned()
            .unwrap()
    };
    for metric in ["request_latency", "ttft", "prompt_tokens"] {
        for stat in [
            "mean", "median", "std", "variance", "min", "max", "count", "sum", "p001", "p05",
            "p25", "p50", "p75", "p90", "p95", "p99", "p999",
        ] {
            let want = find(&original.runs[0], metric, stat);
            let got = find(&recomputed.runs[0], metric, stat);
            let tolerance = 1e-9 * want.value.abs().max(1.0);
            assert!(
                (got.value - want.value).abs() <= tolerance,
                "{metric} {stat}: recomputed {} vs GuideLLM's {}",
                got.value,
                want.value
            );
            assert!(got
                .origin
                .to_string()
                .starts_with("recomputed from 19 request records"));
        }
    }
}

#[test]
fn request_text_is_kept_only_when_asked() {
    use tidybench::formats::ParseOptions;
    let path = common::repo("tests/fixtures/guidellm/0.4.0/poisson/benchmarks.json.gz");
    let blob = tidybench::ingest::Blob::read(&path).unwrap();
    let raw: serde_json::Value = serde_json::from_slice(&blob.bytes).unwrap();
    let first = &raw["benchmarks"][0]["requests"]["successful"][0];
    let format = tidybench::detect::detect(&blob).unwrap();

    let plain = format.parse(&blob).unwrap();
    let request = &plain.runs[0].load_points[0].requests[0];
    assert_eq!((&request.prompt_text, &request.output_text), (&None, &None));

    let kept = format
        .parse_with(
            &blob,
            &ParseOptions {
                keep_text: true,
                ..Default::default()
            },
        )
        .unwrap();
    let request = &kept.runs[0].load_points[0].requests[0];
    assert_eq!(
        request.prompt_text.as_deref(),
        first["request_args"].as_str()
    );
    assert_eq!(request.output_text.as_deref(), first["output"].as_str());
    assert!(request.prompt_text.as_ref().unwrap().len() > 50_000);
}

#[test]
fn a_cut_report_is_an_error_naming_file_and_line() {
    let path =
        common::repo("tests/fixtures/guidellm/0.6.1/concurrent/benchmarks-no-requests.json.gz");
    let bytes = tidybench::ingest::Blob::read(&path).unwrap().bytes.to_vec();
    let cut = bytes[..bytes.len() / 2].to_vec();
    let err = common::parse_bytes("cut.json", cut)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("cut.json:1: expected a GuideLLM JSON report, found EOF while parsing"),
        "{err}"
    );
}

/// The CSV report's observations and loads against the JSON report of the same run.
fn check_csv(csv_path: &str, json_path: &str) -> (usize, Vec<String>) {
    let csv = parse_file(csv_path);
    let json = parse_file(json_path);
    let (c, j) = (&csv.runs[0], &json.runs[0]);
    assert_eq!(c.source_format, "guidellm-csv");
    // 0.4 – 0.5 CSV reports name no model; their JSON reports only in the request records.
    if c.model.is_some() || j.load_points.iter().all(|p| p.requests.is_empty()) {
        assert_eq!(c.model, j.model, "{csv_path}: model");
    }
    assert_eq!(c.harness_version.is_some(), j.harness_version.is_some());
    assert_eq!(c.labels.rate_type, j.labels.rate_type, "{csv_path}");
    assert_eq!(c.labels.prompt_tokens, j.labels.prompt_tokens, "{csv_path}");
    assert_eq!(c.load_points.len(), j.load_points.len(), "{csv_path}");
    let mut problems = Vec::new();
    let mut compared = 0;
    for (i, (cp, jp)) in c.load_points.iter().zip(&j.load_points).enumerate() {
        assert_eq!(cp.strategy, jp.strategy, "{csv_path}: benchmark {i}");
        match (cp.load, jp.load) {
            // 0.8.1 labels rates with two decimals (`constant@2.33`).
            (Some(a), Some(b)) => assert!((a - b).abs() < 0.005, "{csv_path}: {i}: {a} vs {b}"),
            (None, Some(_)) => {}
            (a, b) => assert_eq!(a, b, "{csv_path}: benchmark {i} load"),
        }
        for o in &cp.observations {
            compared += 1;
            let found = jp
                .observations
                .iter()
                .find(|x| x.metric == o.metric && x.status == o.status && x.stat == o.stat);
            match found {
                Some(x) if x.value == o.value && x.unit == o.unit => {}
                Some(x) => problems.push(format!(
                    "{csv_path}: benchmark {i}: {}/{}/{} CSV {} {} ({}) vs JSON {} {}",
                    o.metric, o.status, o.stat, o.value, o.unit, o.origin, x.value, x.unit
                )),
                None => problems.push(format!(
                    "{csv_path}: benchmark {i}: {}/{}/{} ({}) has no JSON counterpart",
                    o.metric, o.status, o.stat, o.origin
                )),
            }
        }
    }
    let warnings = csv.warnings.iter().map(|w| w.to_string()).collect();
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    (compared, warnings)
}

#[test]
fn every_csv_number_equals_the_json_value_exactly() {
    let mut total = 0;
    let mut warnings = Vec::new();
    let mut runs: Vec<(String, String)> = Vec::new();
    for version in ["0.3.1", "0.4.0", "0.5.4", "0.6.1", "0.7.4", "0.8.1"] {
        for scenario in ["concurrent", "sweep", "poisson"] {
            let dir = format!("tests/fixtures/guidellm/{version}/{scenario}");
            let json = if (version, scenario) == ("0.4.0", "poisson") {
                format!("{dir}/benchmarks.json.gz")
            } else {
                format!("{dir}/benchmarks-no-requests.json.gz")
            };
            runs.push((format!("{dir}/benchmarks.csv"), json));
        }
    }
    let tty = "tests/fixtures/guidellm/0.5.4/concurrent-tty";
    runs.push((
        format!("{tty}/benchmarks.csv"),
        format!("{tty}/benchmarks-no-requests.json.gz"),
    ));
    for version in ["0.3.0", "0.5.0", "0.6.0", "0.7.0", "0.8.0"] {
        let dir = format!("tests/fixtures/guidellm/{version}/concurrent");
        runs.push((
            format!("{dir}/benchmarks.csv"),
            format!("{dir}/benchmarks-no-requests.json.gz"),
        ));
    }
    for (csv, json) in &runs {
        let (n, w) = check_csv(csv, json);
        total += n;
        warnings.extend(w);
    }
    // Every number of the 24 CSV reports that could be placed, each equal to the JSON value.
    assert_eq!(total, 25114);
    // 0.4 – 0.6 write the header for the first benchmark only; these 8 later benchmarks have
    // other statistic blocks, which cannot be told apart (their counts and loads are read).
    let unplaceable: Vec<&String> = warnings
        .iter()
        .filter(|w| w.contains("which status each block belongs to cannot be told"))
        .collect();
    assert_eq!(unplaceable.len(), 8, "{unplaceable:#?}");
    assert!(unplaceable[0].starts_with(
        "tests/fixtures/guidellm/0.4.0/concurrent/benchmarks.csv:5: benchmark 1: it has 39 \
         statistic blocks for 24 metrics and 2 request statuses with requests (successful, \
         incomplete)"
    ));
    let no_model = warnings
        .iter()
        .filter(|w| w.ends_with("names no model; `model` left null"));
    assert_eq!(
        no_model.count(),
        8,
        "0.4.0, 0.5.0 and 0.5.4 name no model, as in their JSON"
    );
    let sweep = "tests/fixtures/guidellm/0.7.4/sweep/benchmarks.csv";
    let rest: Vec<&String> = warnings
        .iter()
        .filter(|w| !w.contains("cannot be told") && !w.contains("names no model"))
        .collect();
    assert_eq!(
        rest,
        [2, 3]
            .map(|i| format!(
                "{sweep}:{}: benchmark {i}: the CSV does not say the load of this `constant` \
             benchmark; `load` left null (the JSON report has it)",
                i + 4
            ))
            .iter()
            .collect::<Vec<_>>()
    );
}

#[test]
fn csv_rows_of_uneven_length_keep_counts_and_loads() {
    let parsed = parse_file("tests/fixtures/guidellm/0.4.0/concurrent/benchmarks.csv");
    let points = &parsed.runs[0].load_points;
    assert_eq!(
        points
            .iter()
            .map(|p| (p.strategy.as_str(), p.load))
            .collect::<Vec<_>>(),
        [("concurrent", Some(5.0)), ("concurrent", Some(25.0))]
    );
    let value = |p: &tidybench::formats::LoadPoint, metric: &str, status: &str, stat: &str| {
        p.observations
            .iter()
            .find(|o| o.metric == metric && o.status == status && o.stat == stat)
            .map(|o| (o.value, o.origin.to_string()))
    };
    // The first row fits the header: read whole, at full precision.
    assert_eq!(
        value(&points[0], "ttft", "successful", "p95"),
        Some((126.65891647338867, "line 4, column 35".to_string()))
    );
    // The second cannot be placed: its counts and duration are kept, no distribution is.
    assert_eq!(
        value(&points[1], "requests", "incomplete", "count"),
        Some((24.0, "line 5, column 21".to_string()))
    );
    assert_eq!(
        value(&points[1], "duration", "total", "value").map(|v| v.0),
        Some(8.0)
    );
    assert!(points[1]
        .observations
        .iter()
        .all(|o| o.stat == "count" || o.stat == "value"));
}

#[test]
fn every_html_number_equals_the_json_value() {
    let mut total = 0;
    let versions = [
        "0.3.0", "0.3.1", "0.4.0", "0.5.0", "0.5.4", "0.6.0", "0.6.1", "0.7.0", "0.7.4", "0.8.0",
        "0.8.1",
    ];
    for version in versions {
        let dir = format!("tests/fixtures/guidellm/{version}/concurrent");
        let html = parse_file(&format!("{dir}/benchmarks.html.gz"));
        let json = parse_file(&format!("{dir}/benchmarks-no-requests.json.gz"));
        let (h, j) = (&html.runs[0], &json.runs[0]);
        assert_eq!(h.source_format, "guidellm-html");
        assert_eq!(h.load_points.len(), j.load_points.len(), "{dir}");
        let mut problems = Vec::new();
        for (i, (hp, jp)) in h.load_points.iter().zip(&j.load_points).enumerate() {
            assert_eq!(hp.strategy, jp.strategy, "{dir}: {i}");
            // Only 0.8 records the load.
            let expected_load = version.starts_with("0.8.").then_some(jp.load).flatten();
            assert_eq!(hp.load, expected_load, "{dir}: {i}");
            for o in &hp.observations {
                total += 1;
                let found = jp
                    .observations
                    .iter()
                    .find(|x| x.metric == o.metric && x.status == o.status && x.stat == o.stat);
                // 0.8 prints request latency in ms (seconds × 1000): read back ÷ 1000.
                let same = |x: f64| x == o.value || ((x - o.value) / x).abs() < 1e-15;
                match found {
                    Some(x) if same(x.value) && x.unit == o.unit => {}
                    other => problems.push(format!(
                        "{dir}: {i}: {}/{}/{} HTML {} ({}) vs JSON {:?}",
                        o.metric,
                        o.status,
                        o.stat,
                        o.value,
                        o.origin,
                        other.map(|x| x.value)
                    )),
                }
            }
        }
        assert!(problems.is_empty(), "{}", problems.join("\n"));
        if !version.starts_with("0.8.") {
            assert!(html.warnings[0]
                .message
                .starts_with("the HTML report does not record each benchmark's load"));
        }
    }
    // Every number the eleven HTML reports embed.
    assert_eq!(total, 1495);
}

#[test]
fn every_report_gives_its_time_per_level_and_seed() {
    // 0.3 `args.max_duration`, 0.4 – 0.6 `constraints.max_seconds`, 0.7+
    // `constraints.max_duration.args.seconds` (0.8.1: a list, one value per `--override`).
    // The seed: 0.4 – 0.6 `args.random_seed`, 0.7+ `config.spec.seed.value` (CSVs of 0.7+ and
    // 0.3's reports have none).
    let dir = tempfile::tempdir().unwrap();
    for (path, seconds) in [
        ("0.3.1/concurrent/benchmarks-no-requests.json.gz", "8.0,"),
        ("0.3.1/sweep/benchmarks.csv", "6.0,"),
        ("0.4.0/sweep/benchmarks-no-requests.json.gz", "6.0,889"),
        ("0.6.1/concurrent/benchmarks.csv", "8.0,889"),
        ("0.7.4/sweep/benchmarks-no-requests.json.gz", "6.0,889"),
        ("0.7.4/sweep/benchmarks.csv", "6.0,"),
        ("0.8.1/concurrent/benchmarks-no-requests.json.gz", "8.0,889"),
        ("0.8.1/concurrent/benchmarks-no-requests.yaml.gz", "8.0,889"),
        ("0.8.1/concurrent/benchmarks.csv", "8.0,"),
    ] {
        let file = common::repo(&format!("tests/fixtures/guidellm/{path}"));
        assert_eq!(
            common::query(
                dir.path(),
                file.to_str().unwrap(),
                "select max_seconds, random_seed from runs"
            ),
            format!("max_seconds,random_seed\n{seconds}\n"),
            "{path}"
        );
    }
}

#[test]
fn every_metric_of_every_report_has_its_unit() {
    // GuideLLM 0.5+ text totals, token concurrencies, tokens per iteration and 0.8's
    // `root_dispatch_delay` had an empty unit.
    let dir = tempfile::tempdir().unwrap();
    let fixtures = common::repo("tests/fixtures/guidellm");
    let out = common::tidybench(
        dir.path(),
        &[
            "convert",
            fixtures.to_str().unwrap(),
            "-o",
            "out",
            "--quiet",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    assert_eq!(
        common::query(
            dir.path(),
            "out",
            "select metric, unit from metrics where metric in ('root_dispatch_delay', \
             'text_total_words_per_second', 'text_input_tokens_concurrency', \
             'iter_tokens_per_iteration') group by all order by all"
        ),
        "metric,unit\niter_tokens_per_iteration,tok\nroot_dispatch_delay,s\n\
         text_input_tokens_concurrency,tok\ntext_total_words_per_second,word/s\n"
    );
    assert_eq!(
        common::query(
            dir.path(),
            "out",
            "select count(*) as without_unit from metrics where unit = ''"
        ),
        "without_unit\n0\n"
    );
}
