//! `vllm bench serve --save-detailed` per-request arrays (see `tests/fixtures/README.md`: the
//! fixture is constructed from a real GuideLLM run's request records in vLLM's key layout):
//! one request record per index with exact values, unequal arrays and wrong entries warned
//! about by JSON path, summaries recomputed only when the file has none (as numpy computes
//! them for vLLM), and vLLM results compared with GuideLLM runs of the same model.

use crate::common;

use common::{parse_bytes, parse_file, repo, stderr, stdout, tidybench};
use serde_json::{Map, Value};
use tidybench::formats::{Format, LoadPoint, ParseOptions, RequestRecord};
use tidybench::ingest::Blob;

const DETAILED: &str = "tests/fixtures/vllm/save-detailed/guidellm-0.4.0-poisson.detailed.json";

const START_TIMES: &str = "$.start_times are readings of a clock with no fixed epoch (vLLM's \
                           time.perf_counter()), not Unix times; start_time and end_time left null";

/// The fixture's result object.
fn result() -> Map<String, Value> {
    let text = std::fs::read_to_string(repo(DETAILED)).unwrap();
    match serde_json::from_str(&text).unwrap() {
        Value::Object(map) => map,
        other => panic!("not an object: {other}"),
    }
}

/// Parses an edited copy of the fixture named `name`; returns its only load point and the
/// warnings without the file name.
fn parse_edited(name: &str, result: Map<String, Value>) -> (LoadPoint, Vec<String>) {
    let bytes = serde_json::to_vec(&Value::Object(result)).unwrap();
    let parsed = parse_bytes(name, bytes).unwrap();
    let warnings = parsed.warnings.iter().map(|w| w.message.clone()).collect();
    (parsed.runs[0].load_points[0].clone(), warnings)
}

fn statuses(requests: &[RequestRecord]) -> (usize, usize) {
    let ok = requests.iter().filter(|r| r.status == "successful").count();
    (ok, requests.len() - ok)
}

#[test]
fn every_index_of_the_arrays_is_one_request_with_exact_values() {
    let parsed = parse_file(DETAILED);
    let warnings: Vec<&str> = parsed.warnings.iter().map(|w| w.message.as_str()).collect();
    assert_eq!(warnings, [START_TIMES]);
    let run = &parsed.runs[0];
    assert_eq!(run.model.as_deref(), Some("llama-3.1-8b-instruct"));
    let point = &run.load_points[0];
    assert_eq!(
        (point.strategy.as_str(), point.load),
        ("poisson", Some(4.0))
    );
    assert_eq!(point.requests.len(), 42);
    assert_eq!(statuses(&point.requests), (19, 23));

    // TPOT is vLLM's (latency - TTFT) / (output tokens - 1); the ITL the mean of its list.
    let third = &point.requests[3];
    assert_eq!(
        *third,
        RequestRecord {
            request_id: Some("3".into()),
            status: "successful".into(),
            latency_s: Some(1.426668643951416),
            ttft_ms: Some(110.84771156311035),
            itl_ms: Some(10.357349876343708),
            tpot_ms: Some(10.360794743215004),
            prompt_tokens: Some(18695),
            output_tokens: Some(128),
            ..RequestRecord::default()
        }
    );
    // A failed request: its error, its first token's time, vLLM's zero output tokens; the
    // latency vLLM leaves at 0.0 is not a measurement.
    let cancelled = &point.requests[19];
    assert_eq!(
        *cancelled,
        RequestRecord {
            request_id: Some("19".into()),
            status: "errored".into(),
            ttft_ms: Some(110.20112037658691),
            prompt_tokens: Some(128),
            output_tokens: Some(0),
            error: Some("Request was cancelled".into()),
            ..RequestRecord::default()
        }
    );
    // Nor is the 0.0 TTFT of one that never had a first token.
    assert_eq!(point.requests[41].ttft_ms, None);

    // The summary is the file's, not recomputed.
    let mean = point
        .observations
        .iter()
        .find(|o| o.metric == "ttft" && o.stat == "mean")
        .unwrap();
    assert_eq!(
        (mean.value, mean.origin.to_string().as_str()),
        (110.49532890319824, "$.mean_ttft_ms")
    );
    assert!(!point
        .observations
        .iter()
        .any(|o| o.origin.to_string().starts_with("recomputed")));
}

#[test]
fn generated_texts_are_kept_only_when_asked() {
    let blob = Blob::read(&repo(DETAILED)).unwrap();
    let format = tidybench::formats::vllm_bench_json::VllmBenchJson;
    let keep = ParseOptions {
        keep_text: true,
        ..Default::default()
    };
    let kept = format.parse_with(&blob, &keep).unwrap();
    let requests = &kept.runs[0].load_points[0].requests;
    let text = requests[0].output_text.as_deref().unwrap();
    assert!(text.starts_with("Score each cause. Quality throughout beautiful instead.\n"));
    assert_eq!(text.chars().count(), 416);
    // A failed request's empty text is vLLM's default, not a response.
    assert_eq!(requests[19].output_text, None);
    let plain = format.parse(&blob).unwrap();
    assert!(plain.runs[0].load_points[0]
        .requests
        .iter()
        .all(|r| r.output_text.is_none()));
}

#[test]
fn unequal_arrays_and_wrong_entries_are_warned_about_by_json_path() {
    let mut damaged = result();
    if let Some(Value::Array(itls)) = damaged.get_mut("itls") {
        itls.pop();
    }
    if let Some(Value::Array(ttfts)) = damaged.get_mut("ttfts") {
        ttfts[4] = Value::String("n/a".into());
    }
    let (point, warnings) = parse_edited("damaged.json", damaged);
    assert_eq!(
        warnings,
        [
            "$.itls has 41 entries but $.input_lens has 42; $.itls not read (which request \
             each entry belongs to is unknown)",
            "$.ttfts: 1 of 42 entries are not a number (the first: $.ttfts[4]); left null",
            START_TIMES,
        ]
    );
    // Every request is kept, with what the consistent arrays say.
    assert_eq!(point.requests.len(), 42);
    assert!(point.requests.iter().all(|r| r.itl_ms.is_none()));
    assert_eq!(
        (point.requests[4].ttft_ms, point.requests[4].tpot_ms),
        (None, None)
    );
    assert_eq!(
        (point.requests[4].latency_s, point.requests[4].output_tokens),
        (Some(1.426269292831421), Some(128))
    );
    assert_eq!(point.requests[3].ttft_ms, Some(110.84771156311035));

    // Cut inside the arrays: an error naming the file and line, never a panic.
    let text = std::fs::read_to_string(repo(DETAILED)).unwrap();
    let cut = text[..text.find("\"latencies\"").unwrap()].to_string();
    let error = parse_bytes("cut.json", cut.into_bytes()).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("cut.json:1: expected a vllm bench result JSON object"),
        "{error}"
    );
}

#[test]
fn arrays_without_a_summary_are_recomputed_as_vllm_computes_them() {
    let full = result();
    let summary = |key: &str| {
        key.ends_with("_ms")
            || [
                "completed",
                "failed",
                "total_input_tokens",
                "total_output_tokens",
            ]
            .contains(&key)
    };
    let bare: Map<String, Value> = full
        .iter()
        .filter(|(k, _)| !summary(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let (point, warnings) = parse_edited("bare.json", bare);
    assert_eq!(
        warnings,
        [
            START_TIMES,
            "$ has no summary requests, prompt_tokens, output_tokens, ttft, tpot, itl, \
             request_latency; recomputed from its 42 requests as vLLM computes them",
        ]
    );
    let get = |metric: &str, status: &str, stat: &str| {
        let o = point
            .observations
            .iter()
            .find(|o| o.metric == metric && o.status == status && o.stat == stat)
            .unwrap_or_else(|| panic!("{metric} {status} {stat}"));
        assert_eq!(
            o.origin.to_string(),
            "recomputed from the per-request lists of $"
        );
        o.value
    };
    assert_eq!(get("requests", "successful", "count"), 19.0);
    assert_eq!(get("requests", "errored", "count"), 23.0);
    assert_eq!(get("prompt_tokens", "successful", "sum"), 355_200.0);
    assert_eq!(get("output_tokens", "successful", "sum"), 2_432.0);
    // Each statistic is numpy's (the fixture's summary, which make.py computed with numpy)
    // to the last bits of a different summation order.
    let mut compared = 0;
    for (name, metric, divisor) in [
        ("ttft", "ttft", 1.0),
        ("tpot", "tpot", 1.0),
        ("itl", "itl", 1.0),
        ("e2el", "request_latency", 1000.0),
    ] {
        for stat in ["mean", "median", "std", "p99"] {
            let numpy = full[&format!("{stat}_{name}_ms")].as_f64().unwrap() / divisor;
            let ours = get(metric, "successful", stat);
            assert!(
                ((ours - numpy) / numpy).abs() < 1e-12,
                "{stat} {name}: {ours} vs numpy's {numpy}"
            );
            compared += 1;
        }
    }
    assert_eq!(compared, 16);
    assert_eq!(get("ttft", "successful", "median"), 110.28265953063965);
}

#[test]
fn latencies_without_save_detailed_are_read_when_the_statuses_are_known() {
    // vLLM 0.33 keeps `latencies` and `queue_times` without --save-detailed.
    let full = result();
    let detailed = [
        "input_lens",
        "output_lens",
        "ttfts",
        "itls",
        "start_times",
        "generated_texts",
        "errors",
    ];
    let mut plain: Map<String, Value> = full
        .iter()
        .filter(|(k, _)| !detailed.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    // 23 of its requests failed: which ones, only `errors` could say.
    let (point, warnings) = parse_edited("plain.json", plain.clone());
    assert_eq!(
        warnings,
        [
            "$ has no `errors` list and its counts do not say every request succeeded: which \
          of its 42 requests failed is unknown; the per-request lists are not read"
        ]
    );
    assert!(point.requests.is_empty());
    // Only the 19 successful requests, as a run without failures writes them.
    for key in ["latencies", "queue_times"] {
        if let Some(Value::Array(list)) = plain.get_mut(key) {
            list.truncate(19);
        }
    }
    plain.insert("failed".into(), 0.into());
    let (point, warnings) = parse_edited("plain.json", plain);
    assert!(warnings.is_empty(), "{warnings:?}");
    assert_eq!(statuses(&point.requests), (19, 0));
    assert_eq!(
        point.requests[3],
        RequestRecord {
            request_id: Some("3".into()),
            status: "successful".into(),
            latency_s: Some(1.426668643951416),
            ..RequestRecord::default()
        }
    );
}

#[test]
fn vllm_results_compare_with_guidellm_runs_of_the_same_model() {
    // The GuideLLM 0.6.1, 0.7.4 and 0.8.1 Poisson runs (4 req/s against the mock server
    // serving llama-3.1-8b-instruct; their reports name the model) as the baseline, the
    // vLLM-layout result of the 0.4.0 run as the candidate: matched on model, strategy and
    // load, the baseline the mean ± 95% CI half-width of its three runs.
    let dir = tempfile::tempdir().unwrap();
    let mut args: Vec<String> = vec!["compare".into(), repo(DETAILED).display().to_string()];
    for version in ["0.6.1", "0.7.4", "0.8.1"] {
        let report =
            format!("tests/fixtures/guidellm/{version}/poisson/benchmarks-no-requests.json.gz");
        args.push(repo(&report).display().to_string());
    }
    args.extend(
        [
            "--by",
            "harness",
            "--baseline",
            "guidellm",
            "--metrics",
            "ttft",
            "--stat",
            "median",
            "--format",
            "csv",
            "--quiet",
        ]
        .map(String::from),
    );
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = tidybench(dir.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let csv = stdout(&out);
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 2, "{csv}");
    let get = |name: &str| rows[1][rows[0].iter().position(|c| *c == name).unwrap()];
    let keys = [
        "by",
        "baseline",
        "model",
        "candidate",
        "strategy",
        "load",
        "metric",
    ];
    assert_eq!(
        keys.map(get),
        [
            "harness",
            "guidellm",
            "llama-3.1-8b-instruct",
            "vllm-bench",
            "poisson",
            "4.0",
            "ttft"
        ]
    );
    // The last digits of the baseline's mean and spread depend on the order Polars sums the
    // runs in: compared to 9 decimals.
    let rounded = |name: &str| format!("{:.9}", get(name).parse::<f64>().unwrap());
    assert_eq!(
        [
            "baseline_value",
            "candidate_value",
            "pct_change",
            "baseline_ci"
        ]
        .map(rounded),
        [
            "112.742900848",
            "110.282659531",
            "-2.182169608",
            "4.995705911"
        ]
    );
    assert_eq!(
        ["baseline_runs", "candidate_runs", "verdict"].map(get),
        ["3", "1", "better"]
    );
}
