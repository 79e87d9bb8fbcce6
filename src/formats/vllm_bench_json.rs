//! `vllm bench serve --save-result` JSON (one object per benchmark; `--append-result` files
//! hold several, one per line): every number of the result at full precision, one load point
//! per object, and the arguments and `--metadata` keys as run labels.

use serde_json::{Map, Value};

use super::guidellm_json::BARE_NON_FINITE;
use super::vllm_bench::HARNESS;
use super::{Format, LoadPoint, Observation, Parsed, Run, RunLabels, Warning};
use crate::error::{Error, Result};
use crate::ingest::Blob;

/// The `vllm bench serve` result JSON format.
pub struct VllmBenchJson;

/// Name stored in `runs.source_format`.
pub const NAME: &str = "vllm-bench-json";

/// Keys that are the run's arguments or facts, not numbers to compare.
const LABEL_KEYS: [&str; 10] = [
    "date",
    "backend",
    "endpoint_type",
    "label",
    "model_id",
    "tokenizer_id",
    "num_prompts",
    "request_rate",
    "burstiness",
    "max_concurrency",
];

impl Format for VllmBenchJson {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "vllm bench serve --save-result JSON (also --append-result files)"
    }

    fn sniff(&self, head: &str) -> Option<String> {
        let start = head.trim_start();
        (start.starts_with('{')
            && head.contains("\"mean_ttft_ms\"")
            && head.contains("\"model_id\""))
        .then(|| "a JSON object with `model_id` and `mean_ttft_ms`".into())
    }

    fn parse(&self, blob: &Blob) -> Result<Parsed> {
        // Python writes an infinite request rate as the bare word `Infinity`, which is not
        // JSON; it is read as null (no rate limit).
        let raw = String::from_utf8_lossy(&blob.bytes);
        let text = BARE_NON_FINITE.replace_all(&raw, "${1}null");
        let mut run = Run {
            source_path: blob.path.clone(),
            source_format: NAME.into(),
            source_sha256: blob.sha256(),
            harness: HARNESS.into(),
            ..Run::default()
        };
        let mut warnings = Vec::new();
        let mut stream = serde_json::Deserializer::from_str(&text).into_iter::<Value>();
        let mut index = 0;
        loop {
            let value = match stream.next() {
                None => break,
                Some(Ok(value)) => value,
                Some(Err(e)) => {
                    // The stream counts lines from the start of the whole text.
                    let line = e.line().max(1);
                    if index == 0 {
                        return Err(Error::Parse {
                            path: blob.path.clone(),
                            line,
                            expected: "a vllm bench result JSON object".into(),
                            found: e.to_string(),
                        });
                    }
                    warnings.push(Warning {
                        path: blob.path.clone(),
                        line: Some(line),
                        message: format!("result {index} is not complete JSON ({e}); not read"),
                    });
                    break;
                }
            };
            let Value::Object(result) = value else {
                warnings.push(Warning {
                    path: blob.path.clone(),
                    line: None,
                    message: format!("result {index} is not a JSON object; not read"),
                });
                index += 1;
                continue;
            };
            if index == 0 {
                describe(&mut run, &result);
            }
            run.load_points.push(load_point(index, &result));
            index += 1;
        }
        Ok(Parsed {
            runs: vec![run],
            warnings,
        })
    }
}

/// Our metric, status, statistic, unit and divisor for a result key.
fn metric_of(key: &str) -> Option<(String, &'static str, String, &'static str, f64)> {
    let fixed = |m: &str, status: &'static str, stat: &str, unit: &'static str| {
        Some((m.to_string(), status, stat.to_string(), unit, 1.0))
    };
    match key {
        "completed" => return fixed("requests", "successful", "count", "1"),
        "failed" => return fixed("requests", "errored", "count", "1"),
        "duration" => return fixed("duration", "total", "value", "s"),
        "total_input_tokens" => return fixed("prompt_tokens", "successful", "sum", "tok"),
        "total_output_tokens" => return fixed("output_tokens", "successful", "sum", "tok"),
        "request_throughput" => return fixed("requests_per_second", "successful", "mean", "req/s"),
        "request_goodput" | "request_goodput:" => {
            return fixed("request_goodput", "successful", "mean", "req/s")
        }
        "output_throughput" => {
            return fixed("output_tokens_per_second", "successful", "mean", "tok/s")
        }
        "total_token_throughput" => {
            return fixed("total_tokens_per_second", "successful", "mean", "tok/s")
        }
        "max_output_tokens_per_s" => {
            return fixed("output_tokens_per_second", "successful", "max", "tok/s")
        }
        "max_concurrent_requests" => return fixed("concurrency", "successful", "max", "1"),
        _ => {}
    }
    // `mean_ttft_ms`, `p99_e2el_ms`, `p99.9_itl_ms`.
    let rest = key.strip_suffix("_ms")?;
    let (stat, name) = rest.rsplit_once('_')?;
    let (metric, unit, divisor) = match name {
        "ttft" => ("ttft", "ms", 1.0),
        "tpot" => ("tpot", "ms", 1.0),
        "itl" => ("itl", "ms", 1.0),
        "e2el" => ("request_latency", "s", 1000.0),
        _ => return None,
    };
    let stat = match stat {
        "mean" | "median" => stat.to_string(),
        "std" => "std".to_string(),
        p if p.starts_with('p') => p.replace('.', ""),
        _ => return None,
    };
    Some((metric.to_string(), "successful", stat, unit, divisor))
}

fn load_point(index: usize, result: &Map<String, Value>) -> LoadPoint {
    let number = |key: &str| {
        result
            .get(key)
            .and_then(Value::as_f64)
            .filter(|v| v.is_finite())
    };
    let (strategy, load) = match (number("max_concurrency"), number("request_rate")) {
        (Some(n), _) => ("concurrent", Some(n)),
        (None, Some(r)) => ("poisson", Some(r)),
        (None, None) => ("throughput", None),
    };
    let mut observations = Vec::new();
    for (key, value) in result {
        let (Some((metric, status, stat, unit, divisor)), Some(v)) =
            (metric_of(key), value.as_f64())
        else {
            continue;
        };
        observations.push(Observation {
            metric,
            status: status.into(),
            stat,
            value: v / divisor,
            unit: unit.into(),
            decimals: None,
            origin: format!("results[{index}].{key}"),
        });
    }
    LoadPoint {
        strategy: strategy.into(),
        load,
        observations,
        requests: Vec::new(),
    }
}

/// Run labels from the first result: model, and the arguments and `--metadata` keys.
fn describe(run: &mut Run, result: &Map<String, Value>) {
    let text = |key: &str| match result.get(key) {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        Some(Value::Number(n)) => Some(n.to_string()),
        _ => None,
    };
    run.model = text("model_id");
    run.labels = RunLabels {
        prompt_tokens: text("input_len").and_then(|v| v.parse().ok()),
        output_tokens: text("output_len").and_then(|v| v.parse().ok()),
        ..RunLabels::default()
    };
    for (key, value) in result {
        let known = metric_of(key).is_some() || key == "model_id";
        let scalar = match value {
            Value::String(s) => Some(s.clone()),
            Value::Number(n) => Some(n.to_string()),
            Value::Bool(b) => Some(b.to_string()),
            _ => None,
        };
        if let (false, Some(scalar)) = (known, scalar) {
            if LABEL_KEYS.contains(&key.as_str()) || !key.ends_with("_ms") {
                run.extra_labels.insert(key.clone(), scalar);
            }
        }
    }
}
