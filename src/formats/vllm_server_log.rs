//! vLLM server logs (`vllm serve` output, e.g. `vllm-startup.log` in a run directory).
//!
//! The periodic stats lines become server samples, one number each:
//! - V0 `metrics.py`: throughputs, running/swapped/pending requests, GPU and CPU KV cache
//!   usage, and the separate `Prefix cache hit rate: GPU: …, CPU: …` line.
//! - V1 `loggers.py` `Engine NNN:` (or `N Engines Aggregated:`) lines, with the optional
//!   parts later releases add: deferred, KV fetch, preemptions, external and MM cache hit
//!   rates, and any other `Key: value` part, kept under its own name with a warning.
//! - Speculative decoding (`SpecDecoding metrics:` and V0's `Speculative metrics:`), and the
//!   KV connector's `KV Transfer metrics: k=v, …` (NIXL, offloading, multi-connector).
//!
//! Startup facts become run labels: the vLLM version, the model, the max model length, the
//! GPU and CPU blocks, the KV cache size in tokens and memory, the maximum concurrency, the
//! non-default arguments and the KV connector.
//!
//! vLLM prints `MM-DD hh:mm:ss` without a year: a sample's `timestamp` is known when a docker
//! RFC 3339 prefix gives it, or once the log joins a run whose start gives the year
//! (see `reconcile`); its printed time is always kept. Stats lines of a shape not known are
//! counted and reported, never fatal. Formats checked against vLLM's sources from v0.6.3 to
//! v0.33.0 and against logs users posted (see `tests/fixtures/README.md`).

use std::collections::BTreeSet;
use std::sync::LazyLock;

use regex::Regex;

use super::{vllm_bench, Format, Parsed, Run, ServerLog, ServerSample, Warning};
use crate::error::Result;
use crate::ingest::Blob;

/// The vLLM server log format.
pub struct VllmServerLog;

/// Name stored in `runs.source_format`.
pub const NAME: &str = "vllm-server-log";

/// Harness name of a run that is only a server log.
pub const HARNESS: &str = "vllm-server";

/// Prefix of the run labels a server log gives (`vllm_version`, `vllm_num_gpu_blocks`, ...).
pub const LABEL_PREFIX: &str = "vllm_";

/// One log record: level, `MM-DD hh:mm:ss`, `[file.py:line]` (brackets from v0.8 on), message.
static RECORD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?:^|[\s)\]])(?:DEBUG|INFO|WARNING|ERROR|CRITICAL) (\d\d)-(\d\d) (\d\d):(\d\d):(\d\d)(?:\.\d+)? \[?([\w.\-/]+\.py):\d+\] (.*)$",
    )
    .expect("valid regex")
});
/// A docker `--timestamps` prefix: `2026-05-12T08:01:39.331095044Z `.
static DOCKER_TIME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d+))?Z\s").expect("valid regex")
});
static ENGINE_CONFIG: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Initializing an? (?:V1 )?LLM engine \(v([^)\s]+)\) with config: (.*)$")
        .expect("valid regex")
});
static CONFIG_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(model|max_seq_len|tensor_parallel_size|pipeline_parallel_size|data_parallel_size|kv_cache_dtype|enable_prefix_caching|quantization|dtype)=('([^']*)'|[^,\s]+)")
        .expect("valid regex")
});
static ARG_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"['"]?\b(model|max_model_len|tensor_parallel_size|enable_prefix_caching|kv_connector|num_gpu_blocks_override|gpu_memory_utilization)['"]?\s*[:=]\s*('([^']*)'|"([^"]*)"|[^,\s)}]+)"#)
        .expect("valid regex")
});
static BLOCKS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^# (\w+) blocks: (\d+)(?:, # CPU blocks: (\d+))?").expect("valid regex")
});
static CACHE_SIZE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"KV cache size: ([\d,]+) tokens").expect("valid regex"));
static MAX_CONCURRENCY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"Maximum concurrency for ([\d,]+) tokens per request: ([\d.]+)x")
        .expect("valid regex")
});

/// Words only a vLLM server log has (one must be in the first KBs, beside a log record).
const MARKERS: [&str; 10] = [
    "Avg prompt throughput:",
    "KV Transfer metrics:",
    "SpecDecoding metrics:",
    "vLLM API server version",
    "LLM engine (v",
    "KV cache size:",
    "# GPU blocks:",
    "non-default args:",
    "Prefix cache hit rate:",
    "Automatically detected platform",
];

impl Format for VllmServerLog {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "vLLM server log (periodic engine stats: KV cache usage, prefix cache hits, offload \
         transfers; startup facts)"
    }

    fn sniff(&self, head: &str) -> Option<String> {
        if super::is_markdown(head) {
            return None;
        }
        let marker = MARKERS.iter().find(|m| head.contains(*m))?;
        let line = head
            .lines()
            .position(|l| l.contains(".py:") && RECORD.is_match(l))?;
        Some(format!(
            "line {} is a vLLM log record, and the log holds `{marker}`",
            line + 1
        ))
    }

    fn parse(&self, blob: &Blob) -> Result<Parsed> {
        let (lines, invalid) = blob.text_lines();
        let mut parsed = Parsed::default();
        let warn = |line: Option<usize>, message: String| Warning {
            path: blob.path.clone(),
            line,
            message,
        };
        if let Some(line) = invalid {
            parsed
                .warnings
                .push(warn(Some(line), "invalid UTF-8 replaced by U+FFFD".into()));
        }
        // A log cut short (a copy taken while the server ran) ends inside a line, whose
        // last number may be cut too: that line is not read.
        let cut = !blob.bytes.ends_with(b"\n");
        let mut log = LogReader::default();
        for (i, line) in lines.iter().enumerate() {
            if !line.text.contains(".py:") {
                continue;
            }
            if cut && i + 1 == lines.len() {
                parsed.warnings.push(warn(
                    Some(line.number),
                    "the file ends inside this line (no newline): not read, its numbers may be \
                     cut"
                    .into(),
                ));
                continue;
            }
            log.read(line.number, &line.text);
        }
        let mut run = Run {
            source_path: blob.path.clone(),
            source_format: NAME.into(),
            source_sha256: blob.source_sha256(),
            harness: HARNESS.into(),
            ..Run::default()
        };
        for (key, value) in &log.facts {
            match key.as_str() {
                "model" => run.model = Some(value.clone()),
                "kv_connector" => run.labels.kv_connector = Some(value.clone()),
                "gpu_memory_utilization" if value.parse::<f64>().is_ok() => {
                    run.labels.gpu_memory_utilization = value.parse().ok();
                }
                _ => {
                    run.extra_labels
                        .insert(format!("{LABEL_PREFIX}{key}"), value.clone());
                }
            }
        }
        run.harness_version = run.extra_labels.get("vllm_version").cloned();
        let times: Vec<i64> = log.samples.iter().filter_map(|s| s.timestamp).collect();
        run.started_at = times.iter().min().copied();
        run.ended_at = times.iter().max().copied();
        if let Some((first, count, text)) = &log.unknown_lines {
            parsed.warnings.push(warn(
                Some(*first),
                format!(
                    "{count} stats line(s) of a shape not known were not read, the first: {text}"
                ),
            ));
        }
        if !log.unknown_fields.is_empty() {
            let names: Vec<&str> = log.unknown_fields.iter().map(String::as_str).collect();
            parsed.warnings.push(warn(
                None,
                format!(
                    "stats field(s) not in tidybench's list, kept under their own names: {}",
                    names.join(", ")
                ),
            ));
        }
        if log.samples.is_empty() {
            parsed.warnings.push(warn(
                None,
                "no periodic stats lines (the server logged none, or only at DEBUG level)".into(),
            ));
        }
        // A log of the server and the benchmark client together is read as the server's.
        let mut results = lines
            .iter()
            .filter(|l| l.text.contains(vllm_bench::BLOCK_TITLE));
        if let Some(first) = results.next() {
            parsed.warnings.push(warn(
                Some(first.number),
                format!(
                    "{} `vllm bench serve` result block(s) in this server log not read (save \
                     the client's output apart, or with --save-result)",
                    1 + results.count()
                ),
            ));
        }
        run.server_logs.push(ServerLog {
            source_path: blob.path.clone(),
            samples: log.samples,
        });
        parsed.runs.push(run);
        Ok(parsed)
    }
}

/// What the log said so far.
#[derive(Default)]
struct LogReader {
    samples: Vec<ServerSample>,
    /// Startup facts, first value of each key kept.
    facts: Vec<(String, String)>,
    /// First line, count and text of the stats lines not understood.
    unknown_lines: Option<(usize, usize, String)>,
    /// Stats fields kept under their own names.
    unknown_fields: BTreeSet<String>,
}

/// Where a sample's numbers are: the line, its printed time and its engine.
struct At<'a> {
    line: usize,
    log_time: &'a str,
    timestamp: Option<i64>,
    engine: Option<&'a str>,
}

impl LogReader {
    /// Reads one line (that has `.py:` in it).
    fn read(&mut self, number: usize, text: &str) {
        let Some(record) = RECORD.captures(text) else {
            return;
        };
        let (Some(file), Some(message)) = (record.get(6), record.get(7)) else {
            return;
        };
        let field = |i: usize| record.get(i).map_or("", |m| m.as_str());
        let log_time = format!(
            "{}-{} {}:{}:{}",
            field(1),
            field(2),
            field(3),
            field(4),
            field(5)
        );
        let timestamp = docker_time(text);
        let message = message.as_str().trim_end();
        let (engine, body) = engine(message);
        let at = At {
            line: number,
            log_time: &log_time,
            timestamp,
            engine: engine.as_deref(),
        };
        if body.starts_with("Avg prompt throughput:") {
            self.stats(&at, body);
        } else if let Some(rest) = body.strip_prefix("Prefix cache hit rate: GPU:") {
            for (key, value) in parts(&format!("GPU:{rest}")) {
                let metric = format!("{}_prefix_cache_hit_rate", snake(key));
                self.push(&at, &metric, value);
            }
        } else if let Some(rest) = body.strip_prefix("SpecDecoding metrics: ") {
            self.spec_decoding(&at, rest, false);
        } else if let Some(rest) = body.strip_prefix("Speculative metrics: ") {
            self.spec_decoding(&at, rest, true);
        } else if let Some(rest) = body.strip_prefix("KV Transfer metrics: ") {
            self.kv_transfer(&at, rest);
        } else if !self.startup(body) && matches!(file.as_str(), "loggers.py" | "metrics.py") {
            match &mut self.unknown_lines {
                Some((_, count, _)) => *count += 1,
                None => self.unknown_lines = Some((number, 1, body.chars().take(120).collect())),
            }
        }
    }

    /// Adds a sample of `metric` from a printed `value` ("3943.4 tokens/s", "6.7%", "190 reqs").
    fn push(&mut self, at: &At, metric: &str, value: &str) {
        let Some((value, unit)) = quantity(value) else {
            return;
        };
        self.push_value(at, metric, value, &unit);
    }

    fn push_value(&mut self, at: &At, metric: &str, value: f64, unit: &str) {
        self.samples.push(ServerSample {
            line: at.line,
            log_time: at.log_time.to_string(),
            timestamp: at.timestamp,
            engine: at.engine.map(String::from),
            metric: metric.to_string(),
            value,
            unit: unit.to_string(),
            during_run: None,
        });
    }

    /// The engine stats line (V0 and V1).
    fn stats(&mut self, at: &At, text: &str) {
        for (key, value) in parts(text) {
            let metric = match key {
                "Avg prompt throughput" => "prompt_throughput".to_string(),
                "Avg generation throughput" => "generation_throughput".to_string(),
                "Running" => "running_requests".to_string(),
                // V0 named the queue "Pending", V1 "Waiting".
                "Waiting" | "Pending" => "waiting_requests".to_string(),
                "Swapped" => "swapped_requests".to_string(),
                "Deferred" => "deferred_requests".to_string(),
                "Preemptions" => "preemptions".to_string(),
                "Corrupted" => "corrupted_requests".to_string(),
                "Prefix cache hit rate" => "prefix_cache_hit_rate".to_string(),
                "External prefix cache hit rate" => "external_prefix_cache_hit_rate".to_string(),
                "MM cache hit rate" => "mm_cache_hit_rate".to_string(),
                "KV fetch" => {
                    // "3 waiting to start, 2 in progress, 1 completed waiting"
                    for piece in value.split(", ") {
                        if let Some((count, what)) = piece.trim().split_once(' ') {
                            let metric = format!("kv_fetch_{}", snake(what));
                            self.push(at, &metric, count);
                        }
                    }
                    continue;
                }
                device if device.ends_with(" KV cache usage") => {
                    format!("{}_kv_cache_usage", snake(&device[..device.len() - 15]))
                }
                other => {
                    self.unknown_fields.insert(other.to_string());
                    snake(other)
                }
            };
            self.push(at, &metric, value);
        }
    }

    /// A speculative-decoding line: V1's percentages, or V0's fractions (`v0`, made percent).
    fn spec_decoding(&mut self, at: &At, text: &str, v0: bool) {
        for (key, value) in parts(text) {
            if key == "Per-position acceptance rate" {
                for (i, rate) in value.split(',').enumerate() {
                    if let Some(rate) = percent(rate) {
                        let metric = format!("spec_acceptance_rate_position_{}", i + 1);
                        self.push_value(at, &metric, rate, "%");
                    }
                }
                continue;
            }
            let (metric, fraction) = match key {
                "Draft acceptance rate" | "Avg Draft acceptance rate" => {
                    ("spec_draft_acceptance_rate", v0)
                }
                "System efficiency" => ("spec_system_efficiency", v0),
                "Mean acceptance length" => ("spec_mean_acceptance_length", false),
                "Accepted throughput" => ("spec_accepted_throughput", false),
                "Drafted throughput" => ("spec_drafted_throughput", false),
                "Accepted" | "Number of accepted tokens" => ("spec_accepted_tokens", false),
                "Drafted" | "Number of draft tokens" => ("spec_drafted_tokens", false),
                "Number of emitted tokens" => ("spec_emitted_tokens", false),
                "Number of speculative tokens" => ("spec_num_speculative_tokens", false),
                other => {
                    self.unknown_fields.insert(other.to_string());
                    let metric = format!("spec_{}", snake(other));
                    self.push(at, &metric, value);
                    continue;
                }
            };
            match (fraction, quantity(value)) {
                (true, _) => {
                    if let Some(v) = percent(value) {
                        self.push_value(at, metric, v, "%");
                    }
                }
                (false, Some((v, unit))) => {
                    let unit = if metric.ends_with("_tokens") {
                        "tokens".to_string()
                    } else {
                        unit
                    };
                    self.push_value(at, metric, v, &unit);
                }
                _ => {}
            }
        }
    }

    /// `KV Transfer metrics: k=v, k=v` (a multi-connector prints `Name={'k': v, ...}`).
    fn kv_transfer(&mut self, at: &At, text: &str) {
        let text = unwrap_call(text);
        for piece in split_top(text) {
            let Some((key, value)) = piece.split_once('=') else {
                continue;
            };
            let key = key.trim();
            let value = value.trim();
            if let Some(inner) = value.strip_prefix('{').and_then(|v| v.strip_suffix('}')) {
                for pair in split_top(inner) {
                    if let Some((k, v)) = pair.split_once(':') {
                        let k = k.trim().trim_matches(|c| c == '\'' || c == '"');
                        self.transfer_sample(at, &format!("{key} {k}"), v.trim());
                    }
                }
            } else {
                self.transfer_sample(at, key, value);
            }
        }
    }

    fn transfer_sample(&mut self, at: &At, key: &str, value: &str) {
        let Ok(number) = value.parse::<f64>() else {
            return;
        };
        let unit = ["ms", "MB/s", "s"]
            .into_iter()
            .find(|u| key.contains(&format!("({u})")))
            .unwrap_or("");
        let metric = format!("kv_transfer_{}", snake(key));
        self.push_value(at, &metric, number, unit);
    }

    /// Records a startup fact of `message`; false when it states none.
    fn startup(&mut self, message: &str) -> bool {
        let mut found = Vec::new();
        if let Some(version) = message.strip_prefix("vLLM API server version ") {
            found.push(("version", version.trim().to_string()));
        } else if let Some(c) = ENGINE_CONFIG.captures(message) {
            found.push(("version", c[1].to_string()));
            // The compilation config at the end is a large nested repr: not read.
            let config = c.get(2).map_or("", |m| m.as_str());
            let config = config.split(", compilation_config=").next().unwrap_or("");
            for f in CONFIG_FIELD.captures_iter(config) {
                let value = f.get(3).or(f.get(2)).map_or("", |m| m.as_str());
                let key = match f.get(1).map_or("", |m| m.as_str()) {
                    "max_seq_len" => "max_model_len",
                    other => other,
                };
                found.push((key, value.to_string()));
            }
        } else if let Some(args) = message
            .strip_prefix("non-default args: ")
            .or_else(|| message.strip_prefix("args: "))
        {
            found.push(("non_default_args", args.to_string()));
            for f in ARG_FIELD.captures_iter(args) {
                let value = f
                    .get(3)
                    .or(f.get(4))
                    .or(f.get(2))
                    .map_or("", |m| m.as_str());
                found.push((f.get(1).map_or("", |m| m.as_str()), value.to_string()));
            }
        } else if let Some(len) = message.strip_prefix("Using max model len ") {
            found.push(("max_model_len", len.trim().to_string()));
        } else if let Some(name) = message.strip_prefix("Creating v1 connector with name: ") {
            let name = name.split(" and engine_id").next().unwrap_or(name);
            found.push(("kv_connector", name.trim().to_string()));
        } else if let Some(b) = BLOCKS.captures(message) {
            found.push(("num_gpu_blocks", b[2].to_string()));
            if let Some(cpu) = b.get(3) {
                found.push(("num_cpu_blocks", cpu.as_str().to_string()));
            }
        } else if let Some((_, blocks)) = message.split_once("num_gpu_blocks is: ") {
            found.push(("num_gpu_blocks", blocks.trim().to_string()));
        } else if let Some(memory) = message.strip_prefix("Available KV cache memory: ") {
            found.push((
                "kv_cache_memory_gib",
                memory.trim_end_matches(" GiB").into(),
            ));
        }
        if let Some(c) = CACHE_SIZE.captures(message) {
            found.push(("kv_cache_tokens", c[1].replace(',', "")));
        }
        if let Some(c) = MAX_CONCURRENCY.captures(message) {
            found.push(("max_model_len", c[1].replace(',', "")));
            found.push(("max_concurrency", c[2].to_string()));
        }
        let any = !found.is_empty();
        for (key, value) in found {
            if !value.is_empty() && !self.facts.iter().any(|(k, _)| k == key) {
                self.facts.push((key.to_string(), value));
            }
        }
        any
    }
}

/// The engine a V1 stats line names (`Engine 000:` → "0", `2 Engines Aggregated:` →
/// "aggregated"), and the rest of the message.
fn engine(message: &str) -> (Option<String>, &str) {
    if let Some(rest) = message.strip_prefix("Engine ") {
        if let Some((index, body)) = rest.split_once(": ") {
            if let Ok(index) = index.parse::<u32>() {
                return (Some(index.to_string()), body);
            }
        }
    }
    if let Some((count, body)) = message.split_once(" Engines Aggregated: ") {
        if count.parse::<u32>().is_ok() {
            return (Some("aggregated".into()), body);
        }
    }
    (None, message)
}

/// The `Key: value` parts of a comma-separated stats text; a piece without a `Key: ` of its
/// own continues the value before it ("Per-position acceptance rate: 0.726, 0.467").
fn parts(text: &str) -> Vec<(&str, &str)> {
    let text = text.trim_end_matches('.');
    // (key, start and end of the value) as byte offsets into `text`.
    let mut found: Vec<(&str, usize, usize)> = Vec::new();
    let mut start = 0;
    for piece in text.split(", ") {
        let end = start + piece.len();
        match piece.split_once(": ").filter(|(key, _)| is_key(key)) {
            Some((key, _)) => found.push((key, start + key.len() + 2, end)),
            None => {
                if let Some(last) = found.last_mut() {
                    last.2 = end;
                }
            }
        }
        start = end + 2;
    }
    found
        .into_iter()
        .map(|(key, from, to)| (key, text[from..to].trim()))
        .collect()
}

/// True for a stats key: letters, digits, spaces, dashes and underscores.
fn is_key(key: &str) -> bool {
    !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == ' ' || c == '-' || c == '_')
}

/// A printed number and its unit: "3943.4 tokens/s" → (3943.4, "tokens/s"), "6.7%" → (6.7,
/// "%"), "190 reqs" → (190, "requests").
fn quantity(text: &str) -> Option<(f64, String)> {
    let text = text.trim().trim_end_matches('.');
    let end = text
        .find(|c: char| !(c.is_ascii_digit() || matches!(c, '.' | '-' | '+' | 'e' | 'E')))
        .unwrap_or(text.len());
    let value: f64 = text[..end].parse().ok()?;
    let unit = match text[end..].trim() {
        "reqs" => "requests",
        other => other,
    };
    Some((value, unit.to_string()))
}

/// A printed fraction as a percentage with the digits printed: "0.458" → 45.8 (not
/// 45.800000000000004).
fn percent(text: &str) -> Option<f64> {
    let text = text.trim().trim_end_matches('.');
    let fraction: f64 = text.parse().ok()?;
    let decimals = text
        .split_once('.')
        .map_or(0, |(_, d)| d.len())
        .saturating_sub(2);
    let scale = 10f64.powi(i32::try_from(decimals).ok()?);
    Some((fraction * 100.0 * scale).round() / scale)
}

/// `Name(a=1, b=2)` → `a=1, b=2` (a dataclass repr printed whole); other text unchanged.
fn unwrap_call(text: &str) -> &str {
    let text = text.trim();
    match text.find('(') {
        Some(open)
            if text.ends_with(')')
                && open > 0
                && text[..open]
                    .chars()
                    .all(|c| c.is_alphanumeric() || c == '_') =>
        {
            &text[open + 1..text.len() - 1]
        }
        _ => text,
    }
}

/// Splits on `, ` outside brackets and quotes.
fn split_top(text: &str) -> Vec<&str> {
    let mut pieces = Vec::new();
    let (mut depth, mut quote, mut start) = (0i32, None, 0);
    let bytes = text.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        match (quote, b) {
            (Some(q), _) if b == q => quote = None,
            (Some(_), _) => {}
            (None, b'\'' | b'"') => quote = Some(b),
            (None, b'(' | b'{' | b'[') => depth += 1,
            (None, b')' | b'}' | b']') => depth -= 1,
            (None, b',') if depth == 0 => {
                pieces.push(text[start..i].trim());
                start = i + 1;
            }
            _ => {}
        }
    }
    pieces.push(text[start..].trim());
    pieces.retain(|p| !p.is_empty());
    pieces
}

/// `Avg xfer time (ms)` → `avg_xfer_time_ms`; `vllm:kv_offload_store_bytes` →
/// `vllm_kv_offload_store_bytes`.
fn snake(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if c.is_alphanumeric() {
            out.extend(c.to_lowercase());
        } else if !out.ends_with('_') {
            out.push('_');
        }
    }
    out.trim_matches('_').to_string()
}

/// Microseconds since the Unix epoch of a docker timestamp at the start of `prefix`.
fn docker_time(prefix: &str) -> Option<i64> {
    let c = DOCKER_TIME.captures(prefix)?;
    let num = |i: usize| c.get(i).and_then(|m| m.as_str().parse::<i64>().ok());
    let (year, month, day) = (num(1)?, num(2)?, num(3)?);
    let (h, m, s) = (num(4)?, num(5)?, num(6)?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) || h > 23 || m > 59 || s > 60 {
        return None;
    }
    let fraction = c.get(7).map_or(0, |f| {
        let digits: String = f.as_str().chars().chain("000000".chars()).take(6).collect();
        digits.parse::<i64>().unwrap_or(0)
    });
    let days = super::driver_log::days_from_civil(year, month, day);
    Some((days * 86_400 + h * 3600 + m * 60 + s) * 1_000_000 + fraction)
}

/// Microseconds since the Unix epoch of a printed `MM-DD hh:mm:ss` in the year that puts it
/// nearest to `reference` (microseconds; vLLM prints no year, and its clock is taken as UTC).
pub fn resolve_log_time(log_time: &str, reference: i64) -> Option<i64> {
    let (date, time) = log_time.split_once(' ')?;
    let (month, day) = date.split_once('-')?;
    let hms: Vec<i64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    let (month, day): (i64, i64) = (month.parse().ok()?, day.parse().ok()?);
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let year = 1970 + reference.div_euclid(1_000_000 * 86_400 * 36_525 / 100);
    (year - 1..=year + 1)
        .map(|y| {
            let days = super::driver_log::days_from_civil(y, month, day);
            (days * 86_400 + h * 3600 + m * 60 + s) * 1_000_000
        })
        .min_by_key(|t| (t - reference).abs())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_keep_comma_lists_with_their_key() {
        assert_eq!(
            parts("Accepted: 768 tokens, Per-position acceptance rate: 0.726, 0.467, Avg Draft acceptance rate: 32.6%"),
            vec![
                ("Accepted", "768 tokens"),
                ("Per-position acceptance rate", "0.726, 0.467"),
                ("Avg Draft acceptance rate", "32.6%"),
            ]
        );
    }

    #[test]
    fn transfer_keys_become_snake_case_metrics() {
        assert_eq!(snake("Avg xfer time (ms)"), "avg_xfer_time_ms");
        assert_eq!(
            snake("vllm:kv_offload_store_bytes:(GPU_to_CPU)"),
            "vllm_kv_offload_store_bytes_gpu_to_cpu"
        );
        assert_eq!(
            split_top("NixlConnector={'a': 1, 'b': 2}, x=3"),
            vec!["NixlConnector={'a': 1, 'b': 2}", "x=3"]
        );
    }

    #[test]
    fn a_printed_time_takes_the_year_nearest_the_reference() {
        // 2025-12-31T23:59:59Z, reference 2026-01-01T00:00:10Z.
        let reference = 1_767_225_610_000_000;
        assert_eq!(
            resolve_log_time("12-31 23:59:59", reference),
            Some(1_767_225_599_000_000)
        );
        assert_eq!(resolve_log_time("13-01 00:00:00", reference), None);
        assert_eq!(
            docker_time("2026-05-12T08:01:39.331095044Z (APIServer"),
            Some(1_778_572_899_331_095)
        );
    }
}
