//! GuideLLM JSON reports (0.3.0 – 0.8.1): every metric of every benchmark, every status and
//! every statistic the file holds, at full precision, and one request record per request
//! (timings, token counts, turn and conversation; never the prompt or response text).

use std::borrow::Cow;
use std::sync::{Arc, LazyLock};

use regex::Regex;
use serde::de::{IgnoredAny, MapAccess, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::Value;

use super::{
    name, Format, LoadPoint, Name, Observation, Origin, ParseOptions, Parsed, RequestRecord, Run,
    RunLabels, Warning,
};
use crate::error::{Error, Result};
use crate::ingest::Blob;
use crate::schema;

/// The GuideLLM JSON report format.
pub struct GuidellmJson;

/// Name stored in `runs.source_format`.
pub const NAME: &str = "guidellm-json";

/// The extra label holding GuideLLM's own run id, which the JSON, YAML and CSV reports of one
/// run share.
pub const RUN_ID_LABEL: &str = "guidellm_run_id";

/// A text field of a request record: kept (`Value`) or skipped without being stored
/// (`SkippedValue`, `SkippedBytes`), as `--keep-text` asks. Either way the model a request body
/// names is noted (see [`request_model`]).
trait Text: for<'de> Deserialize<'de> {
    /// The text, when kept.
    fn keep(&self) -> Option<String>;
    /// The model named by the request body this field holds, if it holds one.
    fn model(&self) -> Option<&str>;
}

impl Text for Value {
    fn keep(&self) -> Option<String> {
        match self {
            Value::Null => None,
            Value::String(text) => Some(text.clone()),
            other => Some(other.to_string()),
        }
    }

    fn model(&self) -> Option<&str> {
        request_model(self.as_str()?.as_bytes())
    }
}

/// A text field skipped without being stored, but for the model a request body names.
/// `AS_BYTES` (JSON, `SkippedBytes`): skipped unread as raw bytes, so serde_json finds the end
/// of a string with `memchr` instead of checking every byte, the quickest way past the prompts
/// and responses that make up most of a large report (escapes are still resolved: the bytes
/// are the string's); a field that is not a string, an array or null is then an error, and
/// the report is read again as any value (`SkippedValue`, also YAML's; see `parse_report`).
/// Only the first KiB of a text is looked at.
#[derive(Default)]
struct Skipped<const AS_BYTES: bool>(Option<Box<str>>);

/// Text skipped as raw bytes (see [`Skipped`]).
type SkippedBytes = Skipped<true>;

/// Any value skipped (see [`Skipped`]).
type SkippedValue = Skipped<false>;

impl<'de, const AS_BYTES: bool> Deserialize<'de> for Skipped<AS_BYTES> {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match AS_BYTES {
            true => deserializer.deserialize_option(Self::default()),
            false => deserializer.deserialize_any(Self::default()),
        }
    }
}

impl<'de, const AS_BYTES: bool> Visitor<'de> for Skipped<AS_BYTES> {
    type Value = Self;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str(match AS_BYTES {
            true => "text, an array or null",
            false => "any value",
        })
    }

    fn visit_str<E>(self, text: &str) -> std::result::Result<Self, E> {
        Ok(Skipped(request_model(text.as_bytes()).map(Into::into)))
    }

    fn visit_bytes<E>(self, text: &[u8]) -> std::result::Result<Self, E> {
        Ok(Skipped(request_model(text).map(Into::into)))
    }

    fn visit_bool<E>(self, _: bool) -> std::result::Result<Self, E> {
        Ok(self)
    }

    fn visit_i64<E>(self, _: i64) -> std::result::Result<Self, E> {
        Ok(self)
    }

    fn visit_u64<E>(self, _: u64) -> std::result::Result<Self, E> {
        Ok(self)
    }

    fn visit_i128<E>(self, _: i128) -> std::result::Result<Self, E> {
        Ok(self)
    }

    fn visit_u128<E>(self, _: u128) -> std::result::Result<Self, E> {
        Ok(self)
    }

    fn visit_f64<E>(self, _: f64) -> std::result::Result<Self, E> {
        Ok(self)
    }

    fn visit_unit<E>(self) -> std::result::Result<Self, E> {
        Ok(self)
    }

    fn visit_none<E>(self) -> std::result::Result<Self, E> {
        Ok(self)
    }

    fn visit_some<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        match AS_BYTES {
            true => deserializer.deserialize_bytes(self),
            false => Self::deserialize(deserializer),
        }
    }

    fn visit_newtype_struct<D: serde::Deserializer<'de>>(
        self,
        deserializer: D,
    ) -> std::result::Result<Self, D::Error> {
        Self::deserialize(deserializer)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> std::result::Result<Self, A::Error> {
        IgnoredAny.visit_seq(seq).map(|_| self)
    }

    fn visit_map<A: MapAccess<'de>>(self, map: A) -> std::result::Result<Self, A::Error> {
        IgnoredAny.visit_map(map).map(|_| self)
    }

    fn visit_enum<A: serde::de::EnumAccess<'de>>(
        self,
        data: A,
    ) -> std::result::Result<Self, A::Error> {
        IgnoredAny.visit_enum(data).map(|_| self)
    }
}

impl<const AS_BYTES: bool> Text for Skipped<AS_BYTES> {
    fn keep(&self) -> Option<String> {
        None
    }

    fn model(&self) -> Option<&str> {
        self.0.as_deref()
    }
}

/// The model a request body names: GuideLLM 0.4 – 0.5 name it nowhere else, in the
/// `request_args` of each request record, the printed Python dict `{'method': …, 'body':
/// {'model': 'name', …}}` (0.6 on: the same as JSON). Looked for in the first KiB of the
/// (unescaped) text, where the body starts; the prompt after it is never read.
fn request_model(text: &[u8]) -> Option<&str> {
    // The key of each spelling, and the byte that ends the name.
    const KEYS: [(&[u8], u8); 3] = [
        (b"'body': {'model': '", b'\''),
        (b"\"body\":{\"model\":\"", b'"'),
        (b"\"body\": {\"model\": \"", b'"'),
    ];
    const HEAD: usize = 1024;
    const LONGEST_NAME: usize = 256;
    let head = &text[..text.len().min(HEAD)];
    KEYS.iter().find_map(|&(key, end)| {
        let start = memchr::memmem::find(head, key)? + key.len();
        let rest = &text[start..text.len().min(start + LONGEST_NAME + 1)];
        let name = std::str::from_utf8(&rest[..memchr::memchr(end, rest)?]).ok()?;
        let plain = |c: char| !c.is_control() && !matches!(c, '\'' | '"' | '\\');
        (!name.is_empty() && name.chars().all(plain)).then_some(name)
    })
}

/// A value under a benchmark's `metrics`, read without building a `serde_json::Value`:
/// finite numbers, and objects in file order (a repeated key's last value in its first
/// place, as `Value` keeps it) with keys borrowed from the input where they hold no escapes.
/// Everything else (text, arrays, booleans, null, NaN) is skipped.
#[derive(Debug, Default, PartialEq)]
enum Node<'a> {
    Number(f64),
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
    #[default]
    Skipped,
}

impl<'a> Node<'a> {
    /// The value of `key`, when this is an object holding it.
    fn get(&self, key: &str) -> Option<&Node<'a>> {
        self.entries()
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, value)| value)
    }

    /// The number, when this is one.
    fn as_f64(&self) -> Option<f64> {
        match self {
            Node::Number(value) => Some(*value),
            _ => None,
        }
    }

    /// How many numbers this holds, at any depth.
    fn numbers(&self) -> usize {
        match self {
            Node::Number(_) => 1,
            Node::Object(entries) => entries.iter().map(|(_, v)| v.numbers()).sum(),
            Node::Skipped => 0,
        }
    }

    /// The keys and values of an object, in file order (none for anything else).
    fn entries(&self) -> &[(Cow<'a, str>, Node<'a>)] {
        match self {
            Node::Object(entries) => entries,
            _ => &[],
        }
    }
}

impl<'de: 'a, 'a> Deserialize<'de> for Node<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor(std::marker::PhantomData))
    }
}

struct NodeVisitor<'a>(std::marker::PhantomData<&'a ()>);

impl<'de: 'a, 'a> Visitor<'de> for NodeVisitor<'a> {
    type Value = Node<'a>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a metric value")
    }

    fn visit_f64<E>(self, value: f64) -> std::result::Result<Node<'a>, E> {
        Ok(match value.is_finite() {
            true => Node::Number(value),
            false => Node::Skipped,
        })
    }

    fn visit_i64<E>(self, value: i64) -> std::result::Result<Node<'a>, E> {
        Ok(Node::Number(value as f64))
    }

    fn visit_u64<E>(self, value: u64) -> std::result::Result<Node<'a>, E> {
        Ok(Node::Number(value as f64))
    }

    fn visit_bool<E>(self, _: bool) -> std::result::Result<Node<'a>, E> {
        Ok(Node::Skipped)
    }

    fn visit_str<E>(self, _: &str) -> std::result::Result<Node<'a>, E> {
        Ok(Node::Skipped)
    }

    fn visit_unit<E>(self) -> std::result::Result<Node<'a>, E> {
        Ok(Node::Skipped)
    }

    fn visit_none<E>(self) -> std::result::Result<Node<'a>, E> {
        Ok(Node::Skipped)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Node<'a>, D::Error> {
        Node::deserialize(d)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Node<'a>, A::Error> {
        while seq.next_element::<IgnoredAny>()?.is_some() {}
        Ok(Node::Skipped)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Node<'a>, A::Error> {
        let mut entries: Vec<(Cow<'a, str>, Node<'a>)> = Vec::new();
        while let Some(Key(key)) = map.next_key::<Key<'a>>()? {
            let value: Node<'a> = map.next_value()?;
            match entries.iter_mut().find(|(k, _)| *k == key) {
                Some(entry) => entry.1 = value,
                None => entries.push((key, value)),
            }
        }
        Ok(Node::Object(entries))
    }
}

/// An object key of a [`Node`]: borrowed from the input when it can be.
struct Key<'a>(Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Key<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        struct KeyVisitor<'a>(std::marker::PhantomData<&'a ()>);
        impl<'de: 'a, 'a> Visitor<'de> for KeyVisitor<'a> {
            type Value = Key<'a>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a key")
            }

            fn visit_borrowed_str<E>(self, key: &'de str) -> std::result::Result<Key<'a>, E> {
                Ok(Key(Cow::Borrowed(key)))
            }

            fn visit_str<E>(self, key: &str) -> std::result::Result<Key<'a>, E> {
                Ok(Key(Cow::Owned(key.to_string())))
            }

            fn visit_string<E>(self, key: String) -> std::result::Result<Key<'a>, E> {
                Ok(Key(Cow::Owned(key)))
            }
        }
        deserializer.deserialize_str(KeyVisitor(std::marker::PhantomData))
    }
}

/// The parts of a report read; everything else is skipped.
#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Text"))]
struct Report<'a, T> {
    #[serde(default)]
    metadata: Option<Value>,
    #[serde(default)]
    args: Option<Value>,
    #[serde(default)]
    config: Option<Value>,
    #[serde(borrow)]
    benchmarks: Vec<Benchmark<'a, T>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Text"))]
struct Benchmark<'a, T> {
    #[serde(default)]
    config: Option<Value>,
    #[serde(default)]
    args: Option<Value>,
    #[serde(default)]
    worker: Option<Value>,
    #[serde(default)]
    request_loader: Option<Value>,
    #[serde(default)]
    run_id: Option<String>,
    #[serde(default, borrow)]
    metrics: Node<'a>,
    #[serde(default, borrow)]
    request_totals: Option<Node<'a>>,
    #[serde(default)]
    start_time: Option<f64>,
    #[serde(default)]
    end_time: Option<f64>,
    #[serde(default)]
    duration: Option<f64>,
    #[serde(default)]
    warmup_duration: Option<f64>,
    #[serde(default)]
    cooldown_duration: Option<f64>,
    #[serde(default = "Option::default")]
    requests: Option<Requests<T>>,
}

/// Per-request records by status (`total` is always null).
#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Text"))]
struct Requests<T> {
    #[serde(default = "Option::default")]
    successful: Option<Vec<RequestJson<T>>>,
    #[serde(default = "Option::default")]
    errored: Option<Vec<RequestJson<T>>>,
    #[serde(default = "Option::default")]
    incomplete: Option<Vec<RequestJson<T>>>,
}

#[derive(Deserialize)]
#[serde(bound(deserialize = "T: Text"))]
struct RequestJson<T> {
    /// The prompt (0.3.1) or the whole request body (`request_args`, 0.4+).
    #[serde(default = "Option::default", alias = "request_args")]
    prompt: Option<T>,
    /// The generated text.
    #[serde(default = "Option::default")]
    output: Option<T>,
    #[serde(default)]
    request_id: Option<String>,
    #[serde(default, alias = "start_time")]
    request_start_time: Option<f64>,
    #[serde(default, alias = "end_time")]
    request_end_time: Option<f64>,
    #[serde(default)]
    request_latency: Option<f64>,
    #[serde(default)]
    time_to_first_token_ms: Option<f64>,
    #[serde(default)]
    inter_token_latency_ms: Option<f64>,
    #[serde(default)]
    time_per_output_token_ms: Option<f64>,
    #[serde(default)]
    prompt_tokens: Option<f64>,
    #[serde(default)]
    output_tokens: Option<f64>,
    #[serde(default)]
    error: Option<String>,
    #[serde(default)]
    info: Option<RequestInfo>,
}

#[derive(Deserialize)]
struct RequestInfo {
    #[serde(default)]
    conversation_id: Option<String>,
    #[serde(default)]
    turn_index: Option<i64>,
    #[serde(default)]
    error: Option<String>,
}

/// The request records of a benchmark as plain records.
fn request_records<T: Text>(requests: &Requests<T>) -> Vec<RequestRecord> {
    let whole = |v: Option<f64>| v.filter(|x| x.is_finite()).map(|x| x.round() as i64);
    [
        ("successful", &requests.successful),
        ("errored", &requests.errored),
        ("incomplete", &requests.incomplete),
    ]
    .into_iter()
    .flat_map(|(status, list)| list.iter().flatten().map(move |r| (status, r)))
    .map(|(status, r)| {
        let info = r.info.as_ref();
        RequestRecord {
            request_id: r.request_id.clone(),
            status: status.into(),
            start_time: r.request_start_time,
            end_time: r.request_end_time,
            latency_s: r.request_latency,
            ttft_ms: r.time_to_first_token_ms,
            itl_ms: r.inter_token_latency_ms,
            tpot_ms: r.time_per_output_token_ms,
            prompt_tokens: whole(r.prompt_tokens),
            output_tokens: whole(r.output_tokens),
            turn: info.and_then(|i| i.turn_index),
            conversation_id: info.and_then(|i| i.conversation_id.clone()),
            error: r
                .error
                .clone()
                .or_else(|| info.and_then(|i| i.error.clone())),
            prompt_text: r.prompt.as_ref().and_then(Text::keep),
            output_text: r.output.as_ref().and_then(Text::keep),
        }
    })
    .collect()
}

impl Format for GuidellmJson {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "GuideLLM JSON report, 0.3.0 – 0.8.1 (benchmarks.json, .gz and .zst too)"
    }

    /// A JSON object with `benchmarks` of type `generative_benchmark`, or, where that comes later
    /// (keys sorted, or a report cut short), GuideLLM's `guidellm_version` or `benchmarks` with
    /// `request_totals`.
    fn sniff(&self, head: &str) -> Option<String> {
        let trimmed = head.trim_start();
        if !trimmed.starts_with('{') {
            return None;
        }
        let benchmarks = trimmed.contains("\"benchmarks\"");
        if benchmarks && trimmed.contains("\"generative_benchmark\"") {
            Some("a JSON object with `benchmarks` of type `generative_benchmark`".into())
        } else if trimmed.contains("\"guidellm_version\"") {
            Some("a JSON object with GuideLLM's `metadata.guidellm_version`".into())
        } else if benchmarks && trimmed.contains("\"request_totals\"") {
            Some("a JSON object with `benchmarks` holding GuideLLM's `request_totals`".into())
        } else {
            None
        }
    }

    fn parse(&self, blob: &Blob) -> Result<Parsed> {
        self.parse_with(blob, &ParseOptions::default())
    }

    fn parse_with(&self, blob: &Blob, options: &ParseOptions) -> Result<Parsed> {
        parse_report(blob, options, Syntax::Json)
    }
}

/// The GuideLLM YAML report format (the same document as the JSON report).
pub struct GuidellmYaml;

/// Name of the YAML format in `runs.source_format`.
pub const YAML_NAME: &str = "guidellm-yaml";

impl Format for GuidellmYaml {
    fn name(&self) -> &'static str {
        YAML_NAME
    }

    fn description(&self) -> &'static str {
        "GuideLLM YAML report, 0.3.0 – 0.8.1 (benchmarks.yaml, .gz and .zst too)"
    }

    fn sniff(&self, head: &str) -> Option<String> {
        let first = head.lines().next()?;
        let top_key = ["args:", "benchmarks:", "config:", "metadata:"].contains(&first.trim_end());
        (top_key && head.contains("request_latency:") && head.contains("percentiles:")).then(|| {
            format!(
                "a YAML document starting `{}` with GuideLLM metrics",
                first.trim_end()
            )
        })
    }

    fn parse(&self, blob: &Blob) -> Result<Parsed> {
        self.parse_with(blob, &ParseOptions::default())
    }

    fn parse_with(&self, blob: &Blob, options: &ParseOptions) -> Result<Parsed> {
        parse_report(blob, options, Syntax::Yaml)
    }
}

/// The two spellings of a GuideLLM report.
#[derive(Clone, Copy)]
enum Syntax {
    Json,
    Yaml,
}

/// Reads a report, keeping request text or skipping it unread as `options` ask.
fn parse_report(blob: &Blob, options: &ParseOptions, syntax: Syntax) -> Result<Parsed> {
    fn read<T: Text>(blob: &Blob, syntax: Syntax) -> Result<Parsed> {
        let error = |line: usize, expected: &str, found: String| Error::Parse {
            path: blob.path.clone(),
            line: line.max(1),
            expected: expected.into(),
            found,
        };
        let mut not_json = false;
        let cleaned: String;
        let report: Report<T> = match syntax {
            Syntax::Json => match serde_json::from_slice(&blob.bytes) {
                Ok(report) => report,
                Err(e) => {
                    // Python writes a NaN or infinite float as a bare `NaN`/`Infinity`, which
                    // is not JSON: read as missing values, and said.
                    let text = String::from_utf8_lossy(&blob.bytes);
                    cleaned = BARE_NON_FINITE.replace_all(&text, "${1}null").into_owned();
                    not_json = cleaned != text;
                    if !not_json {
                        return Err(error(e.line(), "a GuideLLM JSON report", e.to_string()));
                    }
                    serde_json::from_str(&cleaned)
                        .map_err(|e| error(e.line(), "a GuideLLM JSON report", e.to_string()))?
                }
            },
            Syntax::Yaml => serde_yaml::from_slice(&blob.bytes).map_err(|e| {
                let line = e.location().map_or(1, |l| l.line());
                error(line, "a GuideLLM YAML report", e.to_string())
            })?,
        };
        let name = match syntax {
            Syntax::Json => NAME,
            Syntax::Yaml => YAML_NAME,
        };
        let mut parsed = parsed(report, blob, name);
        if not_json {
            parsed.warnings.push(Warning {
                path: blob.path.clone(),
                line: None,
                message: "bare NaN or Infinity values (Python's, not JSON) read as missing".into(),
            });
        }
        Ok(parsed)
    }
    match syntax {
        _ if options.keep_text => read::<Value>(blob, syntax),
        Syntax::Json => {
            read::<SkippedBytes>(blob, syntax).or_else(|_| read::<SkippedValue>(blob, syntax))
        }
        Syntax::Yaml => read::<SkippedValue>(blob, syntax),
    }
}

/// The run of a parsed report (JSON or YAML).
fn parsed<T: Text>(report: Report<T>, blob: &Blob, format: &str) -> Parsed {
    let mut warnings = Vec::new();
    let mut run = Run {
        source_path: blob.path.clone(),
        source_format: format.into(),
        harness: "guidellm".into(),
        harness_version: report
            .metadata
            .as_ref()
            .and_then(|m| m.get("guidellm_version"))
            .and_then(Value::as_str)
            .map(String::from),
        ..Run::default()
    };
    for (i, bench) in report.benchmarks.iter().enumerate() {
        let mut point = load_point(i, bench);
        for (metric, status, n) in recompute_zero_filled(&mut point, i) {
            warnings.push(Warning {
                path: blob.path.clone(),
                line: None,
                message: format!(
                    "benchmarks[{i}]: the {metric} aggregates over {status} requests are zero or \
                     missing although {n} request records have it; recomputed from the records"
                ),
            });
        }
        run.load_points.push(point);
        if run.model.is_none() {
            run.model = model(&report, bench);
        }
    }
    if run.model.is_none() {
        run.model = requested_model(&report);
    }
    if run.model.is_none() {
        warnings.push(Warning {
            path: blob.path.clone(),
            line: None,
            message: super::NO_MODEL.into(),
        });
    }
    run.labels = labels(&report);
    let run_id = report.benchmarks.first().and_then(|b| {
        b.run_id.clone().or_else(|| {
            b.config
                .as_ref()
                .and_then(|c| c.get("run_id")?.as_str().map(String::from))
        })
    });
    if let Some(id) = run_id {
        run.extra_labels.insert(RUN_ID_LABEL.into(), id);
    }
    let micros = |t: f64| (t * 1e6).round() as i64;
    run.started_at = report
        .benchmarks
        .iter()
        .filter_map(|b| b.start_time)
        .min_by(f64::total_cmp)
        .map(micros);
    run.ended_at = report
        .benchmarks
        .iter()
        .filter_map(|b| b.end_time)
        .max_by(f64::total_cmp)
        .map(micros);
    run.source_sha256 = blob.source_sha256();
    Parsed {
        runs: vec![run],
        warnings,
    }
}

/// The strategy object of a benchmark (`config.strategy`, or `args.strategy` in 0.3.1).
fn strategy<'b, T>(bench: &'b Benchmark<T>) -> Option<&'b Value> {
    bench
        .config
        .as_ref()
        .or(bench.args.as_ref())
        .and_then(|c| c.get("strategy"))
}

fn model<T>(report: &Report<T>, bench: &Benchmark<T>) -> Option<String> {
    let candidates = [
        bench
            .config
            .as_ref()
            .and_then(|c| c.pointer("/backend/model")),
        bench.worker.as_ref().and_then(|w| w.get("backend_model")),
        report.args.as_ref().and_then(|a| a.get("model")),
        report
            .args
            .as_ref()
            .and_then(|a| a.pointer("/backend_kwargs/model")),
    ];
    candidates
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .find(|m| !m.is_empty())
        .map(String::from)
}

/// The model the first request record's body names (for reports that name it nowhere else).
fn requested_model<T: Text>(report: &Report<T>) -> Option<String> {
    report
        .benchmarks
        .iter()
        .filter_map(|b| b.requests.as_ref())
        .flat_map(|r| [&r.successful, &r.errored, &r.incomplete])
        .flatten()
        .flatten()
        .find_map(|r| r.prompt.as_ref()?.model())
        .map(String::from)
}

/// A bare `NaN`, `Infinity` or `-Infinity` where a JSON value starts.
pub(crate) static BARE_NON_FINITE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"([:\[,]\s*)-?(?:NaN|Infinity)\b").expect("valid regex"));

static DATA_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\b(prompt_tokens|output_tokens|prefix_tokens|turns)\\?"?\s*[:=]\s*(\d+)"#)
        .expect("valid regex")
});

fn labels<T>(report: &Report<T>) -> RunLabels {
    let first = report.benchmarks.first();
    let profile = first
        .and_then(|b| b.config.as_ref().or(b.args.as_ref()))
        .and_then(|c| c.get("profile"));
    let rate_type = profile
        .and_then(|p| p.get("type_").or_else(|| p.get("kind")))
        .and_then(Value::as_str)
        .map(
            |t| match (t, profile.and_then(|p| p.get("strategy_type"))) {
                ("async", Some(Value::String(s))) => s.clone(),
                _ => t.to_string(),
            },
        );
    // The data spec appears as text in `args.data` (0.4 – 0.6), `config.spec` (0.7+) or a
    // benchmark's `request_loader.data` (0.3.1); its numbers are found wherever it is.
    let spec = [
        report.args.as_ref(),
        report.config.as_ref(),
        first.and_then(|b| b.request_loader.as_ref()),
    ]
    .into_iter()
    .flatten()
    .map(Value::to_string)
    .collect::<String>();
    let seed = first
        .and_then(|b| b.config.as_ref())
        .and_then(|c| c.pointer("/requests/random_seed"))
        .or_else(|| report.args.as_ref().and_then(|a| a.get("random_seed")))
        // 0.7+: `config.spec.seed`, `{"kind": "static", "value": 889}`.
        .or_else(|| report.config.as_ref()?.pointer("/spec/seed/value"))
        .and_then(Value::as_i64);
    let max_seconds = first.and_then(|b| {
        let constraints = b.config.as_ref().and_then(|c| c.get("constraints"));
        constraints
            .and_then(max_seconds_of)
            .or_else(|| b.args.as_ref()?.get("max_duration")?.as_f64())
    });
    let mut labels = RunLabels {
        random_seed: seed,
        rate_type,
        max_seconds,
        ..RunLabels::default()
    };
    read_data_spec(&spec, &mut labels);
    labels
}

/// The time limit per benchmark in a benchmark's `constraints` object: 0.4 – 0.6
/// `max_seconds.max_duration`, 0.7+ `max_duration.args.seconds` (a list with `--override`, read
/// when all its values are one).
pub(crate) fn max_seconds_of(constraints: &Value) -> Option<f64> {
    if let Some(seconds) = constraints.pointer("/max_seconds/max_duration") {
        return seconds.as_f64();
    }
    match constraints.pointer("/max_duration/args/seconds")? {
        Value::Array(list) => {
            let first = list.first()?.as_f64()?;
            list.iter()
                .all(|v| v.as_f64() == Some(first))
                .then_some(first)
        }
        seconds => seconds.as_f64(),
    }
}

/// Fills the workload labels (prompt, output and prefix tokens, turns) from text holding a
/// GuideLLM data spec (`prompt_tokens=128,...` or its JSON form), wherever in `text` it is.
pub(crate) fn read_data_spec(text: &str, labels: &mut RunLabels) {
    let number = |key: &str| {
        DATA_KEY
            .captures_iter(text)
            .find(|c| &c[1] == key)
            .and_then(|c| c[2].parse().ok())
    };
    labels.prompt_tokens = labels.prompt_tokens.or(number("prompt_tokens"));
    labels.output_tokens = labels.output_tokens.or(number("output_tokens"));
    labels.prefix_tokens = labels.prefix_tokens.or(number("prefix_tokens"));
    labels.turns = labels.turns.or(number("turns"));
}

/// Our name and unit for a GuideLLM metric name (unknown names are kept as they are).
pub(crate) fn metric_name(name: &str) -> (String, String) {
    let ours = match name {
        "request_latency" => "request_latency",
        "time_to_first_token_ms" => "ttft",
        "time_to_first_output_token_ms" => "ttfot",
        "inter_token_latency_ms" => "itl",
        "time_per_output_token_ms" => "tpot",
        "requests_per_second" => "requests_per_second",
        "request_concurrency" => "concurrency",
        "prompt_token_count" => "prompt_tokens",
        "output_token_count" => "output_tokens",
        "total_token_count" => "total_tokens",
        "request_streaming_iterations_count" => "streaming_iterations",
        "prompt_tokens_per_second" => "input_tokens_per_second",
        "output_tokens_per_second" => "output_tokens_per_second",
        "tokens_per_second" => "total_tokens_per_second",
        "output_tokens_per_iteration" => "output_tokens_per_iteration",
        other => other,
    };
    let unit = schema::metric_info(ours).map_or_else(
        || {
            if name.ends_with("_ms") {
                "ms"
            } else {
                ""
            }
        },
        |m| m.unit,
    );
    (ours.to_string(), unit.to_string())
}

const STATUSES: [&str; 4] = ["successful", "errored", "incomplete", "total"];

fn is_distribution(value: &Node) -> bool {
    value.get("mean").is_some() && value.get("median").is_some()
}

/// Every statistic of one distribution summary.
fn push_distribution(
    out: &mut Vec<Observation>,
    metric: &str,
    unit: &str,
    status: &str,
    summary: &Node,
    path: &str,
) {
    let (metric, unit, status) = (name(metric), name(unit), name(status));
    let mut push = |stat: Name, value: f64, origin: Origin| {
        out.push(Observation {
            metric: metric.clone(),
            status: status.clone(),
            stat,
            value,
            unit: unit.clone(),
            decimals: None,
            origin,
        })
    };
    // One pass over the summary's keys; the statistics come out in the order of `SCALARS`.
    const SCALARS: [(&str, &str); 9] = [
        ("mean", "mean"),
        ("median", "median"),
        ("mode", "mode"),
        ("variance", "variance"),
        ("std_dev", "std"),
        ("min", "min"),
        ("max", "max"),
        ("count", "count"),
        ("total_sum", "sum"),
    ];
    let mut scalars = [None; SCALARS.len()];
    let (mut percentiles, mut percentile_cis, mut mean_ci) = (None, None, None);
    for (key, value) in summary.entries() {
        let slot = match key.as_ref() {
            "mean" => 0,
            "median" => 1,
            "mode" => 2,
            "variance" => 3,
            "std_dev" => 4,
            "min" => 5,
            "max" => 6,
            "count" => 7,
            "total_sum" => 8,
            "percentiles" => {
                percentiles = Some(value);
                continue;
            }
            "percentile_cis" => {
                percentile_cis = Some(value);
                continue;
            }
            "mean_ci" => {
                mean_ci = Some(value);
                continue;
            }
            _ => continue,
        };
        scalars[slot] = value.as_f64();
    }
    let base: Arc<str> = Arc::from(path);
    for ((key, stat), value) in SCALARS.into_iter().zip(scalars) {
        if let Some(v) = value {
            push(
                Name::Borrowed(stat),
                v,
                Origin::Path(base.clone(), Name::Borrowed(key)),
            );
        }
    }
    if let Some(Node::Object(percentiles)) = percentiles {
        let base: Arc<str> = Arc::from(format!("{path}.percentiles"));
        for (key, v) in percentiles {
            if let Some(v) = v.as_f64() {
                let key = name(key);
                push(key.clone(), v, Origin::Path(base.clone(), key));
            }
        }
    }
    if let Some(Node::Object(cis)) = percentile_cis {
        for (key, ci) in cis {
            let base: Arc<str> = Arc::from(format!("{path}.percentile_cis.{key}"));
            for bound in ["lower", "upper"] {
                if let Some(v) = ci.get(bound).and_then(Node::as_f64) {
                    let stat = name(&format!("{key}_ci_{bound}"));
                    push(stat, v, Origin::Path(base.clone(), Name::Borrowed(bound)));
                }
            }
        }
    }
    if let Some(ci) = mean_ci.filter(|v| matches!(v, Node::Object(_))) {
        let base: Arc<str> = Arc::from(format!("{path}.mean_ci"));
        for bound in ["lower", "upper"] {
            if let Some(v) = ci.get(bound).and_then(Node::as_f64) {
                let stat = name(&format!("mean_ci_{bound}"));
                push(stat, v, Origin::Path(base.clone(), Name::Borrowed(bound)));
            }
        }
    }
}

/// Every distribution under `value` (split by status or not), named `metric`.
fn push_metric(out: &mut Vec<Observation>, metric: &str, unit: &str, value: &Node, path: &str) {
    if is_distribution(value) {
        push_distribution(out, metric, unit, "total", value, path);
        return;
    }
    for status in STATUSES {
        if let Some(summary) = value.get(status).filter(|v| is_distribution(v)) {
            push_distribution(
                out,
                metric,
                unit,
                status,
                summary,
                &format!("{path}.{status}"),
            );
        }
    }
}

fn load_point<T: Text>(index: usize, bench: &Benchmark<T>) -> LoadPoint {
    let strategy = strategy(bench);
    let kind = strategy
        .and_then(|s| s.get("type_"))
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_string();
    let load = strategy
        .and_then(|s| s.get(load_key(&kind)))
        .and_then(Value::as_f64);
    let base = format!("benchmarks[{index}]");
    let totals = bench.request_totals.as_ref().map_or(0, Node::numbers);
    let mut observations = Vec::with_capacity(bench.metrics.numbers() + totals + 5);
    for (name, value) in bench.metrics.entries() {
        let path = format!("{base}.metrics.{name}");
        match name.as_ref() {
            "request_totals" => push_totals(&mut observations, value, &path),
            "text" | "image" | "video" | "audio" => {
                push_modality(&mut observations, name, value, &path)
            }
            _ => {
                let (metric, unit) = metric_name(name);
                push_metric(&mut observations, &metric, &unit, value, &path);
            }
        }
    }
    if let Some(totals) = &bench.request_totals {
        push_totals(&mut observations, totals, &format!("{base}.request_totals"));
    }
    let base_path: Arc<str> = Arc::from(base.as_str());
    for (metric, value, key) in [
        ("start_time", bench.start_time, "start_time"),
        ("end_time", bench.end_time, "end_time"),
        ("duration", bench.duration, "duration"),
        ("warmup_duration", bench.warmup_duration, "warmup_duration"),
        (
            "cooldown_duration",
            bench.cooldown_duration,
            "cooldown_duration",
        ),
    ] {
        if let Some(value) = value {
            observations.push(Observation {
                metric: Name::Borrowed(metric),
                status: Name::Borrowed("total"),
                stat: Name::Borrowed("value"),
                value,
                unit: Name::Borrowed("s"),
                decimals: None,
                origin: Origin::Path(base_path.clone(), Name::Borrowed(key)),
            });
        }
    }
    LoadPoint {
        strategy: kind,
        load,
        observations,
        requests: bench
            .requests
            .as_ref()
            .map(request_records)
            .unwrap_or_default(),
    }
}

fn push_totals(out: &mut Vec<Observation>, totals: &Node, path: &str) {
    let base: Arc<str> = Arc::from(path);
    for status in STATUSES {
        if let Some(count) = totals.get(status).and_then(Node::as_f64) {
            out.push(Observation {
                metric: Name::Borrowed("requests"),
                status: Name::Borrowed(status),
                stat: Name::Borrowed("count"),
                value: count,
                unit: Name::Borrowed("1"),
                decimals: None,
                origin: Origin::Path(base.clone(), Name::Borrowed(status)),
            });
        }
    }
}

/// `metrics.text.tokens.input_per_second` → `text_input_tokens_per_second`, and likewise for
/// words, characters and the image/video/audio groups.
fn push_modality(out: &mut Vec<Observation>, modality: &str, value: &Node, path: &str) {
    for (kind, directions) in value.entries() {
        for (direction, summary) in directions.entries() {
            let (metric, unit) = modality_metric(modality, kind, direction);
            push_metric(
                out,
                &metric,
                &unit,
                summary,
                &format!("{path}.{kind}.{direction}"),
            );
        }
    }
}

/// Our name and unit for GuideLLM's `metrics.<modality>.<kind>.<direction>`, e.g. `text`,
/// `tokens`, `input_per_second` → `text_input_tokens_per_second`.
pub(crate) fn modality_metric(modality: &str, kind: &str, direction: &str) -> (String, String) {
    let (side, suffix) = direction.split_once('_').unwrap_or((direction, ""));
    let metric = if suffix.is_empty() {
        format!("{modality}_{side}_{kind}")
    } else {
        format!("{modality}_{side}_{kind}_{suffix}")
    };
    let unit = schema::metric_info(&metric)
        .map_or("", |m| m.unit)
        .to_string();
    (metric, unit)
}

/// The strategy field holding a benchmark's load: streams, the throughput strategy's
/// concurrency cap, or the rate (GuideLLM labels benchmarks `concurrent@5`,
/// `throughput@512`, `constant@4.00`).
pub(crate) fn load_key(strategy: &str) -> &'static str {
    match strategy {
        "concurrent" => "streams",
        "throughput" => "max_concurrency",
        _ => "rate",
    }
}

/// Reads one number from a request record.
type RecordField = fn(&RequestRecord) -> Option<f64>;

/// Request-level metrics that can be recomputed from request records, with their unit.
const FROM_REQUESTS: [(&str, &str, RecordField); 4] = [
    ("request_latency", "s", |r| r.latency_s),
    ("ttft", "ms", |r| r.ttft_ms),
    ("prompt_tokens", "tok", |r| {
        r.prompt_tokens.map(|v| v as f64)
    }),
    ("output_tokens", "tok", |r| {
        r.output_tokens.map(|v| v as f64)
    }),
];

/// Replaces aggregates that are zero or missing although request records hold the values
/// (a known defect of some GuideLLM reports) by statistics recomputed from the records, as
/// GuideLLM computes them: population std, numpy's median, percentiles by the inverted CDF.
/// Returns what was recomputed: metric, status and number of records.
fn recompute_zero_filled(point: &mut LoadPoint, index: usize) -> Vec<(String, String, usize)> {
    let mut recomputed = Vec::new();
    for (metric, unit, field) in FROM_REQUESTS {
        for status in STATUSES {
            let mut values: Vec<f64> = point
                .requests
                .iter()
                .filter(|r| status == "total" || r.status == status)
                .filter_map(field)
                .filter(|v| v.is_finite())
                .collect();
            // Zeros that the records confirm are real zeros.
            if values.iter().all(|v| *v == 0.0) {
                continue;
            }
            let existing: Vec<&Observation> = point
                .observations
                .iter()
                .filter(|o| o.metric == metric && o.status == status)
                .collect();
            if existing.iter().any(|o| o.value != 0.0) {
                continue;
            }
            point
                .observations
                .retain(|o| !(o.metric == metric && o.status == status));
            values.sort_by(f64::total_cmp);
            let origin = Origin::Text(Arc::from(format!(
                "recomputed from {} request records (benchmarks[{index}].requests)",
                values.len()
            )));
            for (stat, value) in statistics(&values) {
                point.observations.push(Observation {
                    metric: name(metric),
                    status: name(status),
                    stat: name(&stat),
                    value,
                    unit: name(unit),
                    decimals: None,
                    origin: origin.clone(),
                });
            }
            recomputed.push((metric.to_string(), status.to_string(), values.len()));
        }
    }
    recomputed
}

/// Mean, median, std, min, max, count, sum and percentiles of sorted, non-empty `values`.
fn statistics(values: &[f64]) -> Vec<(String, f64)> {
    let n = values.len();
    let sum: f64 = values.iter().sum();
    let mean = sum / n as f64;
    let variance = values.iter().map(|v| (v - mean).powi(2)).sum::<f64>() / n as f64;
    let median = if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2.0
    };
    let percentile = |q: f64| {
        let rank = (q * n as f64).ceil() as usize;
        values[rank.clamp(1, n) - 1]
    };
    let mut stats = vec![
        ("mean".to_string(), mean),
        ("median".to_string(), median),
        ("variance".to_string(), variance),
        ("std".to_string(), variance.sqrt()),
        ("min".to_string(), values[0]),
        ("max".to_string(), values[n - 1]),
        ("count".to_string(), n as f64),
        ("sum".to_string(), sum),
    ];
    for (name, q) in [
        ("p001", 0.001),
        ("p01", 0.01),
        ("p05", 0.05),
        ("p10", 0.10),
        ("p25", 0.25),
        ("p50", 0.50),
        ("p75", 0.75),
        ("p90", 0.90),
        ("p95", 0.95),
        ("p99", 0.99),
        ("p999", 0.999),
    ] {
        stats.push((name.to_string(), percentile(q)));
    }
    stats
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_text_of_any_shape_is_skipped_or_kept() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/guidellm");
        let blob = Blob::read(&dir.join("0.4.0/poisson/benchmarks.json.gz")).unwrap();
        let mut report: Value = serde_json::from_slice(&blob.bytes).unwrap();
        let records = |parsed: &Parsed| -> Vec<RequestRecord> {
            let points = parsed.runs.iter().flat_map(|r| &r.load_points);
            points.flat_map(|p| p.requests.iter().cloned()).collect()
        };
        let parse = |report: &Value, keep_text: bool| {
            let bytes = serde_json::to_vec(report).unwrap();
            let options = ParseOptions {
                keep_text,
                ..ParseOptions::default()
            };
            GuidellmJson
                .parse_with(&Blob::from_bytes("report.json", bytes), &options)
                .unwrap()
        };
        let before = records(&parse(&report, false));
        assert_eq!(before.len(), 42);
        assert!(before.iter().all(|r| r.prompt_text.is_none()));
        // Text as a string (as written), an object, an array, a number and null.
        let requests = &mut report["benchmarks"][0]["requests"]["successful"];
        requests[0]["request_args"] = serde_json::json!({"body": {"prompt": "a \"b\"\n"}});
        requests[1]["request_args"] = serde_json::json!(["a", {"b": 1}]);
        requests[2]["output"] = serde_json::json!(7);
        requests[3]["output"] = Value::Null;
        let after = records(&parse(&report, false));
        assert_eq!(after, before);
        let kept = records(&parse(&report, true));
        assert_eq!(kept.len(), before.len());
        let text = |i: usize| {
            (
                kept[i].prompt_text.as_deref(),
                kept[i].output_text.as_deref(),
            )
        };
        assert_eq!(text(0).0, Some(r#"{"body":{"prompt":"a \"b\"\n"}}"#));
        assert_eq!(text(1).0, Some(r#"["a",{"b":1}]"#));
        assert_eq!(text(2).1, Some("7"));
        assert_eq!(text(3).1, None);
        // The model of 0.4 – 0.5 reports is in the request bodies: found whether the text is
        // skipped as bytes, skipped as any value (the object above makes the reader fall back)
        // or kept; and in the JSON spelling of later versions, escaped inside the string (with
        // every text a string or null again, read as bytes: serde_json hands them unescaped).
        let model =
            |report: &Value, keep_text: bool| parse(report, keep_text).runs[0].model.clone();
        for keep_text in [false, true] {
            assert_eq!(
                model(&report, keep_text).as_deref(),
                Some("llama-3.1-8b-instruct")
            );
        }
        let body = r#"{"method":null,"body":{"model":"org/Model-8B","stream":true}}"#;
        for benchmark in report["benchmarks"].as_array_mut().unwrap() {
            for request in benchmark["requests"]["successful"].as_array_mut().unwrap() {
                request["request_args"] = Value::String(body.into());
                request["output"] = Value::Null;
            }
        }
        for keep_text in [false, true] {
            assert_eq!(model(&report, keep_text).as_deref(), Some("org/Model-8B"));
        }
    }

    #[test]
    fn the_model_is_read_from_the_start_of_a_request_body_only() {
        fn found(text: &str) -> Option<&str> {
            request_model(text.as_bytes())
        }
        let python = "{'method': None, 'stream': True, 'headers': None, 'params': None, \
                      'body': {'model': 'llama-3.1-8b-instruct', 'stream': True, 'messages': []}}";
        assert_eq!(found(python), Some("llama-3.1-8b-instruct"));
        // JSON, compact and spaced.
        let json = r#"{"method":null,"body":{"model":"org/Model-8B","stream":true}}"#;
        assert_eq!(found(json), Some("org/Model-8B"));
        let spaced = r#"{"method": null, "body": {"model": "org/Model-8B"}}"#;
        assert_eq!(found(spaced), Some("org/Model-8B"));
        let longest = format!("'body': {{'model': '{}'}}", "m".repeat(256));
        assert_eq!(found(&longest).map(str::len), Some(256));
        // Not a name: empty, cut, too long, with a control character, not UTF-8, past the
        // first KiB, or not the body's first key.
        for text in [
            "'body': {'model': '', 'stream': True}".to_string(),
            "'body': {'model': 'llama".to_string(),
            format!("'body': {{'model': '{}'}}", "m".repeat(257)),
            "'body': {'model': 'a\nb'}".to_string(),
            format!("{}{python}", " ".repeat(1024)),
            "{'body': {'messages': [], 'model': 'm'}}".to_string(),
        ] {
            assert_eq!(found(&text), None, "{text:?}");
        }
        assert_eq!(request_model(b"'body': {'model': '\xff\xfe'}"), None);
    }

    #[test]
    fn any_yaml_value_is_skipped_noting_a_request_body_model() {
        let model = |yaml: &str| {
            serde_yaml::from_str::<SkippedValue>(yaml)
                .map(|skipped| skipped.model().map(String::from))
                .map_err(|e| e.to_string())
        };
        // A long request text folded over lines, as GuideLLM's YAML reports write it.
        let folded = "'{''method'': None, ''stream'': True, ''headers'': None, ''params'':\n  \
                      None, ''body'': {''model'': ''llama-3.1-8b-instruct'', ''stream'': True}}'";
        assert_eq!(model(folded), Ok(Some("llama-3.1-8b-instruct".into())));
        for other in [
            "~",
            "true",
            "-12",
            "340282366920938463463374607431768211455",
            "-170141183460469231731687303715884105728",
            "1.5e400",
            "[1, {a: [2, 3]}]",
            "{body: {model: m}}",
            "!custom {a: 1}",
            "!!binary aGVsbG8=",
        ] {
            assert_eq!(model(other), Ok(None), "{other}");
        }
    }

    #[test]
    fn a_metrics_tree_keeps_numbers_and_objects_as_value_would() {
        let json = r#"{"a": 1, "b": {"p\u00350": 2.5, "x": "text", "y": [1, 2], "z": null},
                       "a": -3, "c": true, "d": 18446744073709551615}"#;
        let node: Node = serde_json::from_str(json).unwrap();
        let keys: Vec<&str> = node.entries().iter().map(|(k, _)| k.as_ref()).collect();
        // A repeated key keeps its first place and its last value, as `Value` does.
        assert_eq!(keys, ["a", "b", "c", "d"]);
        assert_eq!(node.get("a").and_then(Node::as_f64), Some(-3.0));
        // An escaped key is unescaped.
        assert_eq!(
            node.get("b").unwrap().get("p50").and_then(Node::as_f64),
            Some(2.5)
        );
        for skipped in ["x", "y", "z"] {
            assert_eq!(node.get("b").unwrap().get(skipped), Some(&Node::Skipped));
        }
        assert_eq!(node.get("c"), Some(&Node::Skipped));
        assert_eq!(node.get("d").and_then(Node::as_f64), Some(u64::MAX as f64));
        assert_eq!(node.get("missing"), None);
        // YAML's NaN and infinity are not numbers here, as `Value` cannot hold them either.
        let yaml: Node = serde_yaml::from_str("m: .nan\nn: .inf\no: 4\n").unwrap();
        assert_eq!(yaml.get("m"), Some(&Node::Skipped));
        assert_eq!(yaml.get("n"), Some(&Node::Skipped));
        assert_eq!(yaml.get("o").and_then(Node::as_f64), Some(4.0));
    }
}
