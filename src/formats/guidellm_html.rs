//! GuideLLM HTML reports (0.3.0 – 0.8.1): the summary data the page embeds as JavaScript.
//! 0.3 – 0.7 write `window.runInfo`, `window.workloadDetails` and `window.benchmarks` (per
//! benchmark: ITL, TTFT, output-token throughput and request-latency distributions of the
//! successful requests, and their mean request rate, at full precision; no load values).
//! 0.8 writes one `window.GUIDELLM_REPORT` object whose `runs` hold each benchmark's label,
//! configured load, mean rates and throughputs, p95/p99 latencies and request counts.
//! The per-turn tables of 0.8 are not read.

use serde_json::Value;

use super::guidellm_json::{load_key, metric_name};
use super::{name, Format, LoadPoint, Observation, Origin, Parsed, Run, RunLabels, Warning};
use crate::error::{Error, Result};
use crate::ingest::Blob;

/// The GuideLLM HTML report format.
pub struct GuidellmHtml;

/// Name stored in `runs.source_format`.
pub const NAME: &str = "guidellm-html";

impl Format for GuidellmHtml {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "GuideLLM HTML report (0.3.0 – 0.8.1): the summary numbers the page embeds"
    }

    fn sniff(&self, head: &str) -> Option<String> {
        if !head
            .trim_start()
            .to_ascii_lowercase()
            .starts_with("<!doctype html")
        {
            return None;
        }
        ["window.runInfo = ", "window.GUIDELLM_REPORT = "]
            .into_iter()
            .find(|marker| head.contains(marker))
            .map(|marker| format!("an HTML page assigning `{}`", marker.trim_end()))
    }

    fn parse(&self, blob: &Blob) -> Result<Parsed> {
        let text = String::from_utf8_lossy(&blob.bytes);
        let mut run = Run {
            source_path: blob.path.clone(),
            source_format: NAME.into(),
            source_sha256: blob.source_sha256(),
            harness: "guidellm".into(),
            ..Run::default()
        };
        let mut warnings = Vec::new();
        let mut warn = |message: String| {
            warnings.push(Warning {
                path: blob.path.clone(),
                line: None,
                message,
            })
        };
        if let Some(report) = embedded(blob, &text, "window.GUIDELLM_REPORT")? {
            read_report(&report, &mut run);
        } else {
            let benchmarks = embedded(blob, &text, "window.benchmarks")?;
            let benchmarks = match benchmarks {
                Some(Value::Array(list)) => list,
                Some(other) => {
                    let found = format!("`{}`", other);
                    return Err(missing(blob, &text, "window.benchmarks = [...]", &found));
                }
                None => {
                    return Err(missing(
                        blob,
                        &text,
                        "window.benchmarks = [...]",
                        "end of file",
                    ))
                }
            };
            let run_info = embedded(blob, &text, "window.runInfo")?.unwrap_or(Value::Null);
            let workload = embedded(blob, &text, "window.workloadDetails")?.unwrap_or(Value::Null);
            read_benchmarks(&benchmarks, &run_info, &workload, &mut run);
            warn(
                "the HTML report does not record each benchmark's load; `load` left null \
                 (`load_index` keeps the order; the JSON report of the run has the loads)"
                    .into(),
            );
        }
        if run.model.is_none() {
            warn(super::NO_MODEL.into());
        }
        Ok(Parsed {
            runs: vec![run],
            warnings,
        })
    }
}

/// The JSON value assigned to `name` (`window.x = {...};`) at its first occurrence (later ones
/// are empty placeholders of the page's script), or `None` when the page has no such name.
fn embedded(blob: &Blob, text: &str, name: &str) -> Result<Option<Value>> {
    let marker = format!("{name} = ");
    let Some(at) = text.find(&marker) else {
        return Ok(None);
    };
    let start = at + marker.len();
    let mut values = serde_json::Deserializer::from_str(&text[start..]).into_iter::<Value>();
    match values.next() {
        Some(Ok(value)) => Ok(Some(value)),
        Some(Err(e)) => {
            let line = line_at(text, start) + e.line() - 1;
            Err(Error::Parse {
                path: blob.path.clone(),
                line,
                expected: format!("the JSON value of `{name}`"),
                found: e.to_string(),
            })
        }
        None => Err(missing(blob, text, &marker, "end of file")),
    }
}

/// The error for a page without `what` (at its last line).
fn missing(blob: &Blob, text: &str, what: &str, found: &str) -> Error {
    Error::Parse {
        path: blob.path.clone(),
        line: line_at(text, text.trim_end().len()),
        expected: format!("`{what}` in a GuideLLM HTML report"),
        found: found.into(),
    }
}

/// The 1-based line of byte `offset`.
fn line_at(text: &str, offset: usize) -> usize {
    text.as_bytes()[..offset.min(text.len())]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

/// One full-precision number of the page.
fn observation(
    metric: &str,
    status: &str,
    stat: &str,
    value: f64,
    unit: &str,
    origin: String,
) -> Observation {
    Observation {
        metric: name(metric),
        status: name(status),
        stat: name(stat),
        value,
        unit: name(unit),
        decimals: None,
        origin: Origin::Text(origin.into()),
    }
}

/// 0.3 – 0.7: `window.benchmarks`, one entry per benchmark.
fn read_benchmarks(benchmarks: &[Value], run_info: &Value, workload: &Value, run: &mut Run) {
    run.model = run_info
        .pointer("/model/name")
        .and_then(Value::as_str)
        .filter(|m| !m.is_empty() && *m != "N/A")
        .map(String::from);
    let rate_type = workload.get("rateType").and_then(Value::as_str);
    run.labels = RunLabels {
        rate_type: rate_type.map(String::from),
        ..RunLabels::default()
    };
    // A sweep runs several strategies; the page does not say which benchmark ran which.
    let strategy = match rate_type {
        Some("sweep") | None => "unknown",
        Some(kind) => kind,
    };
    for (i, bench) in benchmarks.iter().enumerate() {
        let base = format!("window.benchmarks[{i}]");
        let mut observations = Vec::new();
        for (key, guidellm) in [
            ("itl", "inter_token_latency_ms"),
            ("ttft", "time_to_first_token_ms"),
            ("throughput", "output_tokens_per_second"),
            ("timePerRequest", "request_latency"),
        ] {
            let (metric, unit) = metric_name(guidellm);
            let Some(summary) = bench.get(key) else {
                continue;
            };
            for (field, stat) in [
                ("mean", "mean"),
                ("median", "median"),
                ("mode", "mode"),
                ("variance", "variance"),
                ("stdDev", "std"),
                ("min", "min"),
                ("max", "max"),
                ("count", "count"),
                ("totalSum", "sum"),
            ] {
                if let Some(v) = summary.get(field).and_then(Value::as_f64) {
                    let origin = format!("{base}.{key}.{field}");
                    observations.push(observation(&metric, "successful", stat, v, &unit, origin));
                }
            }
            if let Some(Value::Object(percentiles)) = summary.get("percentiles") {
                for (p, v) in percentiles {
                    if let Some(v) = v.as_f64() {
                        let origin = format!("{base}.{key}.percentiles.{p}");
                        observations.push(observation(&metric, "successful", p, v, &unit, origin));
                    }
                }
            }
        }
        if let Some(v) = bench.get("requestsPerSecond").and_then(Value::as_f64) {
            let (metric, unit) = metric_name("requests_per_second");
            let origin = format!("{base}.requestsPerSecond");
            observations.push(observation(&metric, "successful", "mean", v, &unit, origin));
        }
        run.load_points.push(LoadPoint {
            strategy: strategy.into(),
            load: None,
            observations,
            requests: Vec::new(),
        });
    }
}

/// 0.8: `window.GUIDELLM_REPORT`.
fn read_report(report: &Value, run: &mut Run) {
    let header = report.get("header").unwrap_or(&Value::Null);
    let text = |key: &str| {
        header
            .get(key)
            .and_then(Value::as_str)
            .filter(|v| !v.is_empty())
            .map(String::from)
    };
    run.model = text("model");
    run.harness_version = text("guidellm_version");
    run.labels = RunLabels {
        rate_type: text("profile"),
        ..RunLabels::default()
    };
    let Some(Value::Array(rows)) = report.get("runs") else {
        return;
    };
    // (field, GuideLLM metric (empty: request counts), status, statistic, divisor to our unit)
    const FIELDS: [(&str, &str, &str, &str, f64); 27] = [
        ("request_rate", "requests_per_second", "total", "mean", 1.0),
        ("concurrency", "request_concurrency", "total", "mean", 1.0),
        ("total_tps", "tokens_per_second", "total", "mean", 1.0),
        (
            "input_tps",
            "prompt_tokens_per_second",
            "total",
            "mean",
            1.0,
        ),
        (
            "output_tps",
            "output_tokens_per_second",
            "total",
            "mean",
            1.0,
        ),
        (
            "request_latency_p95_ms",
            "request_latency",
            "successful",
            "p95",
            1000.0,
        ),
        (
            "request_latency_p99_ms",
            "request_latency",
            "successful",
            "p99",
            1000.0,
        ),
        (
            "ttft_p95_ms",
            "time_to_first_token_ms",
            "successful",
            "p95",
            1.0,
        ),
        (
            "ttft_p99_ms",
            "time_to_first_token_ms",
            "successful",
            "p99",
            1.0,
        ),
        (
            "ttfot_p95_ms",
            "time_to_first_output_token_ms",
            "successful",
            "p95",
            1.0,
        ),
        (
            "ttfot_p99_ms",
            "time_to_first_output_token_ms",
            "successful",
            "p99",
            1.0,
        ),
        (
            "itl_p95_ms",
            "inter_token_latency_ms",
            "successful",
            "p95",
            1.0,
        ),
        (
            "itl_p99_ms",
            "inter_token_latency_ms",
            "successful",
            "p99",
            1.0,
        ),
        (
            "tpot_p95_ms",
            "time_per_output_token_ms",
            "successful",
            "p95",
            1.0,
        ),
        (
            "tpot_p99_ms",
            "time_per_output_token_ms",
            "successful",
            "p99",
            1.0,
        ),
        (
            "prompt_tokens_median",
            "prompt_token_count",
            "successful",
            "median",
            1.0,
        ),
        (
            "prompt_tokens_p95",
            "prompt_token_count",
            "successful",
            "p95",
            1.0,
        ),
        (
            "output_tokens_median",
            "output_token_count",
            "successful",
            "median",
            1.0,
        ),
        (
            "output_tokens_p95",
            "output_token_count",
            "successful",
            "p95",
            1.0,
        ),
        (
            "rtt_avg_p95_ms",
            "avg_round_trip_time_ms",
            "successful",
            "p95",
            1.0,
        ),
        (
            "rtt_avg_p99_ms",
            "avg_round_trip_time_ms",
            "successful",
            "p99",
            1.0,
        ),
        (
            "rtt_last_p95_ms",
            "time_to_last_round_trip_ms",
            "successful",
            "p95",
            1.0,
        ),
        (
            "rtt_last_p99_ms",
            "time_to_last_round_trip_ms",
            "successful",
            "p99",
            1.0,
        ),
        ("successful", "", "successful", "count", 1.0),
        ("incomplete", "", "incomplete", "count", 1.0),
        ("errored", "", "errored", "count", 1.0),
        ("total", "", "total", "count", 1.0),
    ];
    for (i, row) in rows.iter().enumerate() {
        let base = format!("window.GUIDELLM_REPORT.runs[{i}]");
        let strategy = row
            .get("strategy")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_string();
        let configured = match load_key(&strategy) {
            "rate" => "configured_request_rate",
            _ => "configured_concurrency",
        };
        let mut observations = Vec::new();
        for (field, guidellm, status, stat, divisor) in FIELDS {
            let Some(v) = row.get(field).and_then(Value::as_f64) else {
                continue;
            };
            let (metric, unit) = if guidellm.is_empty() {
                ("requests".to_string(), "1".to_string())
            } else {
                metric_name(guidellm)
            };
            let origin = format!("{base}.{field}");
            observations.push(observation(
                &metric,
                status,
                stat,
                v / divisor,
                &unit,
                origin,
            ));
        }
        run.load_points.push(LoadPoint {
            strategy,
            load: row.get(configured).and_then(Value::as_f64),
            observations,
            requests: Vec::new(),
        });
    }
}
