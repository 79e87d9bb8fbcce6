//! `vllm bench serve --save-result` JSON (one object per benchmark; `--append-result` files
//! hold several, one per line): every number of the result at full precision, one load point
//! per object, the arguments and `--metadata` keys as run labels, and the per-request arrays
//! (`--save-detailed`; vLLM 0.33 keeps `latencies` without it) as request records. `vllm bench
//! sweep serve` rewrites each result as `run=N.json` with `run_number` and the parameters of
//! its combination added, which become labels like the other keys; its warm-up
//! (`warmup.json`, run number -1) is not a measured run and is not read.
//!
//! JSON paths in warnings and origins: `$` is the file's object, `$[i]` the i-th object of an
//! `--append-result` file (from 0).

use std::sync::Arc;

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::guidellm_json::BARE_NON_FINITE;
use super::vllm_bench::HARNESS;
use super::{
    name, percentile_stat, Format, LoadPoint, Observation, Origin, ParseOptions, Parsed,
    RequestRecord, Run, RunLabels, Warning,
};
use crate::error::{Error, Result};
use crate::ingest::blob::hex;
use crate::ingest::Blob;

/// The `vllm bench serve` result JSON format.
pub struct VllmBenchJson;

/// Name stored in `runs.source_format`.
pub const NAME: &str = "vllm-bench-json";

/// Run label holding a digest of the run's result objects: the same result read from two
/// files (a sweep's `run=N.json` and its `summary.json`, or copies of one file) has the same.
pub const RESULT_ID_LABEL: &str = "vllm_result_id";

/// Start times from this value on are Unix times (2001-09-09); vLLM's own are readings of
/// `time.perf_counter()`, seconds on a clock with no fixed epoch (since boot on Linux).
const UNIX_TIME_FROM: f64 = 1e9;

impl Format for VllmBenchJson {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "vllm bench serve --save-result JSON (also --append-result, --save-detailed and vllm bench sweep run=N.json files)"
    }

    fn sniff(&self, head: &str) -> Option<String> {
        (head.trim_start().starts_with('{') && looks_like_result(head))
            .then(|| "a JSON object with `model_id` and vLLM's result keys".into())
    }

    fn parse(&self, blob: &Blob) -> Result<Parsed> {
        self.parse_with(blob, &ParseOptions::default())
    }

    fn parse_with(&self, blob: &Blob, options: &ParseOptions) -> Result<Parsed> {
        let mut warnings = Vec::new();
        let text = json_text(blob, &mut warnings);
        let mut results = Vec::new();
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
                        line: Some(line),
                        ..warning(
                            blob,
                            format!("$[{index}] is not complete JSON ({e}); not read"),
                        )
                    });
                    break;
                }
            };
            match value {
                Value::Object(result) => results.push(result),
                _ => warnings.push(warning(
                    blob,
                    format!("$[{index}] is not a JSON object; not read"),
                )),
            }
            index += 1;
        }
        let paths: Vec<String> = match results.len() {
            1 => vec!["$".into()],
            n => (0..n).map(|i| format!("$[{i}]")).collect(),
        };
        let results: Vec<(String, &Map<String, Value>)> = paths.into_iter().zip(&results).collect();
        // An `--append-result` file may hold the runs of several models, `--label`s or
        // workloads: each stretch of one is a run, its objects at other loads its load points.
        let same_run = |a: &Map<String, Value>, b: &Map<String, Value>| {
            RUN_KEYS.iter().all(|key| a.get(*key) == b.get(*key))
        };
        let runs = results
            .chunk_by(|(_, a), (_, b)| same_run(a, b))
            .enumerate()
            .filter_map(|(position, results)| {
                run_of(blob, NAME, position, results, options, &mut warnings)
            })
            .collect();
        Ok(Parsed { runs, warnings })
    }
}

/// vLLM's acceptance rate of each speculative draft position, a list of fractions.
const PER_POSITION: &str = "spec_decode_per_position_acceptance_rates";

/// The keys of a result that describe its run rather than its load.
const RUN_KEYS: [&str; 8] = [
    "model_id",
    "tokenizer_id",
    "label",
    "backend",
    "endpoint_type",
    "burstiness",
    "input_len",
    "output_len",
];

/// True when a JSON text's first KBs look like vLLM's result (also when `--save-detailed`
/// arrays push the summary keys past them).
pub(crate) fn looks_like_result(head: &str) -> bool {
    head.contains("\"model_id\"")
        && (head.contains("\"mean_ttft_ms\"") || head.contains("\"request_throughput\""))
}

/// The text of a JSON input. Python writes an infinite or undefined float as the bare word
/// `Infinity` or `NaN`, which is not JSON; each is read as null, and a warning says so.
pub(crate) fn json_text(blob: &Blob, warnings: &mut Vec<Warning>) -> String {
    let raw = String::from_utf8_lossy(&blob.bytes);
    let count = BARE_NON_FINITE.find_iter(&raw).count();
    if count > 0 {
        warnings.push(warning(
            blob,
            format!("{count} bare NaN or Infinity value(s) (Python's, not JSON) read as missing"),
        ));
    }
    BARE_NON_FINITE.replace_all(&raw, "${1}null").into_owned()
}

fn warning(blob: &Blob, message: String) -> Warning {
    Warning {
        path: blob.path.clone(),
        line: None,
        message,
    }
}

/// The run of `results` (each a load point, with its JSON path), stored as format `format` at
/// `position` in its source; `None` for a sweep's warm-up, which is not a measured run.
pub(crate) fn run_of(
    blob: &Blob,
    format: &str,
    position: usize,
    results: &[(String, &Map<String, Value>)],
    options: &ParseOptions,
    warnings: &mut Vec<Warning>,
) -> Option<Run> {
    let (first_path, first) = results.first()?;
    if let Some(number) = first
        .get("run_number")
        .and_then(Value::as_i64)
        .filter(|n| *n < 0)
    {
        warnings.push(warning(
            blob,
            format!(
                "{first_path}: the warm-up of a vllm bench sweep (run_number {number}), not a \
                 measured run; not read"
            ),
        ));
        return None;
    }
    let mut run = Run {
        source_path: blob.path.clone(),
        source_format: format.into(),
        source_sha256: blob.source_sha256(),
        position,
        harness: HARNESS.into(),
        ..Run::default()
    };
    describe(&mut run, blob, first_path, first, warnings);
    let mut digest = Sha256::new();
    for (path, result) in results {
        digest.update(serde_json::to_vec(result).unwrap_or_default());
        run.load_points
            .push(load_point(blob, path, result, options, warnings));
    }
    run.extra_labels
        .insert(RESULT_ID_LABEL.into(), hex(&digest.finalize()[..8]));
    Some(run)
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
        // vLLM 0.5's results.
        "input_throughput" => {
            return fixed("input_tokens_per_second", "successful", "mean", "tok/s")
        }
        "total_token_throughput" => {
            return fixed("total_tokens_per_second", "successful", "mean", "tok/s")
        }
        "max_output_tokens_per_s" => {
            return fixed("output_tokens_per_second", "successful", "max", "tok/s")
        }
        "max_concurrent_requests" => return fixed("concurrency", "successful", "max", "1"),
        // Speculative decoding, named as the server log's.
        "spec_decode_acceptance_rate" => {
            return fixed("spec_draft_acceptance_rate", "total", "value", "%")
        }
        "spec_decode_acceptance_length" => {
            return fixed("spec_mean_acceptance_length", "total", "value", "")
        }
        "spec_decode_num_drafts" => return fixed("spec_drafts", "total", "count", "1"),
        "spec_decode_draft_tokens" => return fixed("spec_drafted_tokens", "total", "sum", "tok"),
        "spec_decode_accepted_tokens" => {
            return fixed("spec_accepted_tokens", "total", "sum", "tok")
        }
        _ => {}
    }
    // `mean_ttft_ms`, `p99_e2el_ms`, `p99.9_itl_ms`, `p99_client_queue_time_ms`.
    let rest = key.strip_suffix("_ms")?;
    let (stat, name) = rest.split_once('_')?;
    let (metric, unit, divisor) = match name {
        "ttft" => ("ttft", "ms", 1.0),
        "tpot" => ("tpot", "ms", 1.0),
        "itl" => ("itl", "ms", 1.0),
        "e2el" => ("request_latency", "s", 1000.0),
        "client_queue_time" => ("client_queue_time", "ms", 1.0),
        "e2el_including_client_queue" => ("request_latency_including_client_queue", "s", 1000.0),
        _ => return None,
    };
    let stat = match stat {
        "mean" | "median" => stat.to_string(),
        "std" => "std".to_string(),
        p => {
            let percent = p.strip_prefix('p')?;
            percent.parse::<f64>().ok()?;
            percentile_stat(percent)
        }
    };
    Some((metric.to_string(), "successful", stat, unit, divisor))
}

fn load_point(
    blob: &Blob,
    path: &str,
    result: &Map<String, Value>,
    options: &ParseOptions,
    warnings: &mut Vec<Warning>,
) -> LoadPoint {
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
    let mut not_read = Vec::new();
    let base: Arc<str> = Arc::from(path);
    for (key, value) in result {
        if key == PER_POSITION {
            // Fractions per draft position, as the server log's percentages.
            let rates = value.as_array().map(Vec::as_slice).unwrap_or_default();
            for (i, rate) in rates.iter().enumerate() {
                let Some(rate) = rate.as_f64().filter(|r| r.is_finite()) else {
                    not_read.push(format!("{key}[{i}]"));
                    continue;
                };
                observations.push(Observation {
                    metric: name(&format!("spec_acceptance_rate_position_{}", i + 1)),
                    status: name("total"),
                    stat: name("value"),
                    value: rate * 100.0,
                    unit: name("%"),
                    decimals: None,
                    origin: Origin::Path(base.clone(), name(&format!("{key}[{i}]"))),
                });
            }
            continue;
        }
        // vLLM 0.30's per-request `queue_times` have no `requests` column (their summary,
        // `client_queue_time`, is read).
        let known_list = key == "queue_times" || ARRAYS.iter().any(|(array, _)| array == key);
        if (key.ends_with("_ms") && metric_of(key).is_none()) || (value.is_array() && !known_list) {
            not_read.push(key.clone());
        }
        let (Some((metric, status, stat, unit, divisor)), Some(v)) =
            (metric_of(key), value.as_f64())
        else {
            continue;
        };
        observations.push(Observation {
            metric: name(&metric),
            status: name(status),
            stat: name(&stat),
            value: v / divisor,
            unit: name(unit),
            decimals: None,
            origin: Origin::Path(base.clone(), name(key)),
        });
    }
    if !not_read.is_empty() {
        warnings.push(warning(
            blob,
            format!(
                "{path}: {} key(s) not read (not known to tidybench): {}",
                not_read.len(),
                not_read.join(", ")
            ),
        ));
    }
    let mut point = LoadPoint {
        strategy: strategy.into(),
        load,
        observations,
        requests: Vec::new(),
    };
    let mut messages = Vec::new();
    let (requests, itls) = request_records(path, result, options, &mut messages);
    point.requests = requests;
    recompute(&mut point, path, &itls, &mut messages);
    warnings.extend(messages.into_iter().map(|m| warning(blob, m)));
    point
}

/// Run labels from the first result: model, and the arguments, `--metadata` keys and a
/// sweep's parameters, each through [`Run::set_label`] (a value that does not fit a number
/// column stays a text label, with a warning).
fn describe(
    run: &mut Run,
    blob: &Blob,
    path: &str,
    result: &Map<String, Value>,
    warnings: &mut Vec<Warning>,
) {
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
        if metric_of(key).is_some()
            || key == "model_id"
            || key.ends_with("_ms")
            || key == PER_POSITION
        {
            continue;
        }
        let scalar = match value {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            // A sweep parameter given as an object (`compilation_config`), as JSON text.
            Value::Object(_) => value.to_string(),
            _ => continue,
        };
        if run.set_label(key, &scalar).is_err() {
            warnings.push(warning(
                blob,
                format!("{path}.{key} is {scalar:?}, not a number; kept as a text label"),
            ));
            run.extra_labels.insert(key.clone(), scalar);
        }
    }
}

/// The per-request arrays vLLM writes that have a `requests` column, and the kind of entry
/// each holds.
const ARRAYS: [(&str, Entry); 8] = [
    ("input_lens", Entry::Number),
    ("output_lens", Entry::Number),
    ("ttfts", Entry::Number),
    ("itls", Entry::Numbers),
    ("latencies", Entry::Number),
    ("start_times", Entry::Number),
    ("generated_texts", Entry::Text),
    ("errors", Entry::Text),
];

/// What one entry of a per-request array is.
#[derive(Clone, Copy)]
enum Entry {
    Number,
    Numbers,
    Text,
}

impl Entry {
    fn fits(self, value: &Value) -> bool {
        match self {
            Entry::Number => value.as_f64().is_some_and(f64::is_finite),
            Entry::Numbers => value
                .as_array()
                .is_some_and(|l| l.iter().all(|v| v.as_f64().is_some_and(f64::is_finite))),
            Entry::Text => value.is_string(),
        }
    }

    fn name(self) -> &'static str {
        match self {
            Entry::Number => "a number",
            Entry::Numbers => "a list of numbers",
            Entry::Text => "a string",
        }
    }
}

/// The request records of a result's per-request arrays (index `i` of every array is request
/// `i`; times in seconds), and the inter-token latencies of its successful requests (s).
/// Arrays whose length is not the one most share are not read, entries of the wrong kind are
/// left null; each is a message naming its JSON path.
fn request_records(
    path: &str,
    result: &Map<String, Value>,
    options: &ParseOptions,
    messages: &mut Vec<String>,
) -> (Vec<RequestRecord>, Vec<f64>) {
    let mut arrays: Vec<(&str, Entry, &Vec<Value>)> = Vec::new();
    for (key, entry) in ARRAYS {
        match result.get(key) {
            Some(Value::Array(list)) => arrays.push((key, entry, list)),
            None | Some(Value::Null) => {}
            Some(_) => messages.push(format!("{path}.{key} is not a list; not read")),
        }
    }
    // The number of requests: the length most arrays share (the longest on a tie).
    let Some(n) = arrays
        .iter()
        .map(|(_, _, list)| list.len())
        .max_by_key(|&len| (arrays.iter().filter(|a| a.2.len() == len).count(), len))
    else {
        return (Vec::new(), Vec::new());
    };
    let reference = arrays.iter().find(|a| a.2.len() == n).map_or("", |a| a.0);
    arrays.retain(|(key, _, list)| {
        let keep = list.len() == n;
        if !keep {
            messages.push(format!(
                "{path}.{key} has {} entries but {path}.{reference} has {n}; {path}.{key} not \
                 read (which request each entry belongs to is unknown)",
                list.len()
            ));
        }
        keep
    });
    for (key, entry, list) in &arrays {
        let bad: Vec<usize> = (0..n).filter(|&i| !entry.fits(&list[i])).collect();
        if let Some(first) = bad.first() {
            messages.push(format!(
                "{path}.{key}: {} of {n} entries are not {} (the first: {path}.{key}[{first}]); \
                 left null",
                bad.len(),
                entry.name()
            ));
        }
    }
    let array = |key: &str| arrays.iter().find(|a| a.0 == key).map(|a| a.2);
    let number = |key: &str, i: usize| {
        array(key)
            .and_then(|list| list[i].as_f64())
            .filter(|v| v.is_finite())
    };
    let whole = |key: &str, i: usize| number(key, i).map(|v| v.round() as i64);
    let text = |key: &str, i: usize| array(key).and_then(|list| list[i].as_str());

    // Which requests failed: `errors` says; without it, only counts that leave no doubt.
    let count = |key: &str| result.get(key).and_then(Value::as_f64);
    let failed = |i: usize| text("errors", i).filter(|e| !e.is_empty());
    if array("errors").is_some() {
        let errored = (0..n).filter(|&i| failed(i).is_some()).count();
        if let Some(f) = count("failed").filter(|f| *f != errored as f64) {
            messages.push(format!(
                "{path}.errors has {errored} non-empty entries but {path}.failed is {f}; \
                 request statuses follow {path}.errors"
            ));
        }
    } else {
        let all_successful = match (count("failed"), count("completed")) {
            (Some(f), _) => f == 0.0,
            (None, Some(c)) => c == n as f64,
            (None, None) => false,
        };
        if !all_successful {
            messages.push(format!(
                "{path} has no `errors` list and its counts do not say every request \
                 succeeded: which of its {n} requests failed is unknown; the per-request \
                 lists are not read"
            ));
            return (Vec::new(), Vec::new());
        }
    }
    let absolute = array("start_times").is_some_and(|list| {
        list.iter()
            .all(|v| v.as_f64().is_none_or(|t| t >= UNIX_TIME_FROM))
    });
    if array("start_times").is_some() && !absolute {
        messages.push(format!(
            "{path}.start_times are readings of a clock with no fixed epoch (vLLM's \
             time.perf_counter()), not Unix times; start_time and end_time left null"
        ));
    }

    let mut itls = Vec::new();
    let mut records = Vec::with_capacity(n);
    for i in 0..n {
        let error = failed(i);
        // A failed request keeps vLLM's defaults: 0.0 for a time it never measured.
        let measured = |v: Option<f64>| v.filter(|t| error.is_none() || *t != 0.0);
        let ttft = measured(number("ttfts", i));
        let latency = measured(number("latencies", i));
        let output_tokens = whole("output_lens", i);
        let gaps: Vec<f64> = array("itls")
            .map(|list| &list[i])
            .filter(|entry| Entry::Numbers.fits(entry))
            .and_then(Value::as_array)
            .map(|l| l.iter().filter_map(Value::as_f64).collect())
            .unwrap_or_default();
        let itl_ms =
            (!gaps.is_empty()).then(|| gaps.iter().sum::<f64>() / gaps.len() as f64 * 1000.0);
        // vLLM's TPOT: (latency - TTFT) / (output tokens - 1), for more than one token.
        let tpot_ms = match (error, latency, ttft, output_tokens) {
            (None, Some(l), Some(t), Some(o)) if o > 1 => Some((l - t) / (o - 1) as f64 * 1000.0),
            _ => None,
        };
        if error.is_none() {
            itls.extend(&gaps);
        }
        let start_time = number("start_times", i).filter(|_| absolute);
        records.push(RequestRecord {
            request_id: Some(i.to_string()),
            status: if error.is_some() {
                "errored"
            } else {
                "successful"
            }
            .into(),
            start_time,
            end_time: start_time.zip(latency).map(|(s, l)| s + l),
            latency_s: latency,
            ttft_ms: ttft.map(|t| t * 1000.0),
            itl_ms,
            tpot_ms,
            prompt_tokens: whole("input_lens", i),
            output_tokens,
            error: error.map(String::from),
            output_text: text("generated_texts", i)
                .filter(|t| options.keep_text && (error.is_none() || !t.is_empty()))
                .map(String::from),
            ..RequestRecord::default()
        });
    }
    (records, itls)
}

/// Recomputes from the request records what the result's summary lacks (counts, token sums,
/// and the mean, median, std and P99 of TTFT, TPOT, ITL and E2EL), as vLLM computes them:
/// over successful requests, numpy's population std and linear-interpolation percentiles.
/// `itls`: every inter-token latency of the successful requests (s).
fn recompute(point: &mut LoadPoint, path: &str, itls: &[f64], messages: &mut Vec<String>) {
    let requests = &point.requests;
    if requests.is_empty() {
        return;
    }
    let origin = Origin::Text(Arc::from(format!(
        "recomputed from the per-request lists of {path}"
    )));
    let has = |metric: &str| point.observations.iter().any(|o| o.metric == metric);
    let ok: Vec<&RequestRecord> = requests
        .iter()
        .filter(|r| r.status == "successful")
        .collect();
    let mut added = Vec::new();
    let mut done = Vec::new();
    let mut push = |metric: &str, status: &str, stat: &str, value: f64, unit: &str| {
        added.push(Observation {
            metric: name(metric),
            status: name(status),
            stat: name(stat),
            value,
            unit: name(unit),
            decimals: None,
            origin: origin.clone(),
        });
    };
    if !has("requests") {
        let errored = requests.len() - ok.len();
        push("requests", "successful", "count", ok.len() as f64, "1");
        push("requests", "errored", "count", errored as f64, "1");
        done.push("requests");
    }
    let sums: [(&str, Option<Vec<i64>>); 2] = [
        (
            "prompt_tokens",
            ok.iter().map(|r| r.prompt_tokens).collect(),
        ),
        (
            "output_tokens",
            ok.iter().map(|r| r.output_tokens).collect(),
        ),
    ];
    for (metric, values) in sums {
        if let (false, Some(values)) = (has(metric), values) {
            push(
                metric,
                "successful",
                "sum",
                values.iter().sum::<i64>() as f64,
                "tok",
            );
            done.push(metric);
        }
    }
    let per_request: [(&str, &str, Vec<f64>); 4] = [
        ("ttft", "ms", ok.iter().filter_map(|r| r.ttft_ms).collect()),
        ("tpot", "ms", ok.iter().filter_map(|r| r.tpot_ms).collect()),
        ("itl", "ms", itls.iter().map(|s| s * 1000.0).collect()),
        (
            "request_latency",
            "s",
            ok.iter().filter_map(|r| r.latency_s).collect(),
        ),
    ];
    for (metric, unit, mut values) in per_request {
        if has(metric) || values.is_empty() {
            continue;
        }
        for (stat, value) in numpy_statistics(&mut values) {
            push(metric, "successful", stat, value, unit);
        }
        done.push(metric);
    }
    if !done.is_empty() {
        messages.push(format!(
            "{path} has no summary {}; recomputed from its {} requests as vLLM computes them",
            done.join(", "),
            requests.len()
        ));
    }
    point.observations.extend(added);
}

/// Mean, median, population std and P99 (linear interpolation) of non-empty `values`, as
/// numpy computes them for vLLM's summary.
fn numpy_statistics(values: &mut [f64]) -> [(&'static str, f64); 4] {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    let mean = values.iter().sum::<f64>() / n as f64;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    };
    let rank = 0.99 * (n - 1) as f64;
    let low = rank.floor() as usize;
    let high = (low + 1).min(n - 1);
    let p99 = values[low] + (rank - low as f64) * (values[high] - values[low]);
    [
        ("mean", mean),
        ("median", median),
        ("std", variance.sqrt()),
        ("p99", p99),
    ]
}
