//! Input formats: each parses one kind of file into plain records ([`Run`], [`LoadPoint`],
//! [`Observation`]) plus [`Warning`]s. Adding a format is one new file and one line in
//! [`REGISTRY`].

pub mod comparison_report;
pub mod driver_log;
pub mod guidellm_console;
pub mod guidellm_csv;
pub mod guidellm_html;
pub mod guidellm_json;
pub mod run_config;
pub mod vllm_bench;
pub mod vllm_bench_json;
pub mod vllm_server_log;
pub mod vllm_sweep;

use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::sync::{Arc, LazyLock, RwLock};

use crate::error::Result;
use crate::ingest::blob::SourceSha256;
use crate::ingest::Blob;

/// One parser of one input format.
pub trait Format: Sync {
    /// Stable name stored in `runs.source_format` and listed by `tidybench formats`.
    fn name(&self) -> &'static str;
    /// One-line description for `tidybench formats`.
    fn description(&self) -> &'static str;
    /// Why `head` (the first KBs of a text input, escape sequences removed) is this format, or
    /// `None` when it is not.
    fn sniff(&self, head: &str) -> Option<String>;
    /// Parses the whole input.
    fn parse(&self, blob: &Blob) -> Result<Parsed>;
    /// Parses the whole input as `options` ask (formats without options ignore them).
    fn parse_with(&self, blob: &Blob, options: &ParseOptions) -> Result<Parsed> {
        let _ = options;
        self.parse(blob)
    }
}

/// Choices that change what a parse keeps.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct ParseOptions {
    /// Keep the prompt and response text of request records (`--keep-text`).
    pub keep_text: bool,
    /// Keep only the numbers of these metrics (and the start and end times that tell one run
    /// given twice): a report reads no more than it prints. `None` keeps everything. A parser
    /// may skip the other numbers early; the reading path drops what it did not skip.
    pub metrics: Option<Arc<BTreeSet<String>>>,
}

/// The metrics that tell one run given twice (see `reconcile`): kept even by a parse asked for
/// metrics that are none of them.
const RECONCILING_METRICS: [&str; 4] = [
    "start_time",
    "start_time_of_day",
    "end_time",
    "end_time_of_day",
];

impl ParseOptions {
    /// Whether the numbers of `metric` are to be kept (see [`ParseOptions::metrics`]).
    pub fn keeps(&self, metric: &str) -> bool {
        self.metrics
            .as_ref()
            .is_none_or(|keep| keep.contains(metric) || RECONCILING_METRICS.contains(&metric))
    }
}

/// Every format, most specific first: detection takes the first whose `sniff` accepts.
pub static REGISTRY: &[&dyn Format] = &[
    &guidellm_json::GuidellmJson,
    &guidellm_json::GuidellmYaml,
    &guidellm_csv::GuidellmCsv,
    &guidellm_html::GuidellmHtml,
    &vllm_bench_json::VllmBenchJson,
    &vllm_sweep::VllmSweepSummary,
    &comparison_report::ComparisonReport,
    &vllm_bench::VllmBench,
    &driver_log::DriverLog,
    &guidellm_console::GuidellmConsole,
    &vllm_server_log::VllmServerLog,
];

/// True when `head` is a Markdown document (it has ``` fences): documentation that quotes
/// console output, not output itself. The text-log formats do not claim it.
pub(crate) fn is_markdown(head: &str) -> bool {
    head.lines().any(|l| l.trim_start().starts_with("```"))
}

/// What a parser found in one input.
#[derive(Debug, Default, Clone)]
pub struct Parsed {
    /// The benchmark runs, in source order.
    pub runs: Vec<Run>,
    /// Problems that did not stop the parse (each names its line).
    pub warnings: Vec<Warning>,
}

/// The warning of a report that names no model (dropped when a run directory names it).
pub const NO_MODEL: &str = "the report names no model; `model` left null";

/// A problem in an input that was worked around; the data around it is kept.
#[derive(Debug, Clone, PartialEq)]
pub struct Warning {
    /// The input file (empty for a warning about the runs of several files).
    pub path: PathBuf,
    /// 1-based line, when the problem has one.
    pub line: Option<usize>,
    /// What was wrong and what was done about it.
    pub message: String,
}

impl std::fmt::Display for Warning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.line {
            _ if self.path.as_os_str().is_empty() => f.write_str(&self.message),
            Some(line) => write!(f, "{}:{}: {}", self.path.display(), line, self.message),
            None => write!(f, "{}: {}", self.path.display(), self.message),
        }
    }
}

/// One benchmark run: one harness invocation for one configuration.
#[derive(Debug, Default, Clone)]
pub struct Run {
    /// Path of the source file.
    pub source_path: PathBuf,
    /// Name of the format that read it.
    pub source_format: String,
    /// SHA-256 of the source bytes (read when the run's id is needed).
    pub source_sha256: SourceSha256,
    /// Position of this run within its source, from 0.
    pub position: usize,
    /// Benchmark harness ("guidellm").
    pub harness: String,
    /// Harness version when the source says it.
    pub harness_version: Option<String>,
    /// Model served.
    pub model: Option<String>,
    /// Treatment label.
    pub config: Option<String>,
    /// Well-known labels (schema columns of `runs`).
    pub labels: RunLabels,
    /// Every other key/value found.
    pub extra_labels: BTreeMap<String, String>,
    /// Start, microseconds since the Unix epoch (UTC).
    pub started_at: Option<i64>,
    /// End, microseconds since the Unix epoch (UTC).
    pub ended_at: Option<i64>,
    /// The load points, in execution order.
    pub load_points: Vec<LoadPoint>,
    /// The vLLM server logs of this run (their periodic stats).
    pub server_logs: Vec<ServerLog>,
}

impl Run {
    /// Sets the run label `key` (`config`, `hardware`, `replicas`, ... or any other name, kept
    /// in the extra labels) to `value`, as `--label key=value` asks. A number label given
    /// something else is an error naming it (`replicas=two: expected a whole number`).
    pub fn set_label(&mut self, key: &str, value: &str) -> crate::error::Result<()> {
        let int = || {
            value.parse::<i64>().map(Some).map_err(|_| {
                crate::error::Error::Invalid(format!("{key}={value}: expected a whole number"))
            })
        };
        let float = || {
            value.parse::<f64>().map(Some).map_err(|_| {
                crate::error::Error::Invalid(format!("{key}={value}: expected a number"))
            })
        };
        let text = Some(value.to_string());
        let l = &mut self.labels;
        match key {
            "model" => self.model = text,
            "config" => self.config = text,
            "harness_version" => self.harness_version = text,
            "hardware" => l.hardware = text,
            "software" => l.software = text,
            "kv_connector" => l.kv_connector = text,
            "vllm_args" => l.vllm_args = text,
            "epp_backend" => l.epp_backend = text,
            "rate_type" => l.rate_type = text,
            "replicas" => l.replicas = int()?,
            "num_cpu_blocks" => l.num_cpu_blocks = int()?,
            "prompt_tokens" => l.prompt_tokens = int()?,
            "output_tokens" => l.output_tokens = int()?,
            "prefix_tokens" => l.prefix_tokens = int()?,
            "turns" => l.turns = int()?,
            "random_seed" => l.random_seed = int()?,
            "gpu_memory_utilization" => l.gpu_memory_utilization = float()?,
            "max_seconds" => l.max_seconds = float()?,
            _ => {
                self.extra_labels.insert(key.into(), value.into());
            }
        }
        Ok(())
    }
}

/// Labels with a column of their own in `runs`.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct RunLabels {
    /// Hardware label, e.g. "1x2xL40S".
    pub hardware: Option<String>,
    /// Software label, e.g. "upstream-llm-d-0.4.0".
    pub software: Option<String>,
    /// Serving replicas.
    pub replicas: Option<i64>,
    /// vLLM GPU memory utilization.
    pub gpu_memory_utilization: Option<f64>,
    /// KV connector of the kv-transfer config.
    pub kv_connector: Option<String>,
    /// CPU blocks of the offloading connector.
    pub num_cpu_blocks: Option<i64>,
    /// Extra vLLM arguments.
    pub vllm_args: Option<String>,
    /// llm-d endpoint picker backend.
    pub epp_backend: Option<String>,
    /// Workload prompt tokens.
    pub prompt_tokens: Option<i64>,
    /// Workload output tokens.
    pub output_tokens: Option<i64>,
    /// Workload prefix tokens.
    pub prefix_tokens: Option<i64>,
    /// Workload turns.
    pub turns: Option<i64>,
    /// Duration limit per load point, seconds.
    pub max_seconds: Option<f64>,
    /// Workload random seed.
    pub random_seed: Option<i64>,
    /// Load type ("concurrent", ...).
    pub rate_type: Option<String>,
}

/// One load level of a run (one GuideLLM benchmark).
#[derive(Debug, Default, Clone)]
pub struct LoadPoint {
    /// Strategy ("concurrent", "constant", "poisson", "synchronous", "throughput").
    pub strategy: String,
    /// Concurrency or request rate; `None` when no source in the input says it.
    pub load: Option<f64>,
    /// The numbers observed at this load point.
    pub observations: Vec<Observation>,
    /// One record per request, when the source has them.
    pub requests: Vec<RequestRecord>,
}

/// One request of a load point, as a harness recorded it (no prompt or response text).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct RequestRecord {
    /// The harness's request id.
    pub request_id: Option<String>,
    /// "successful", "errored" or "incomplete".
    pub status: String,
    /// Start, Unix seconds.
    pub start_time: Option<f64>,
    /// End, Unix seconds.
    pub end_time: Option<f64>,
    /// End-to-end latency, seconds.
    pub latency_s: Option<f64>,
    /// Time to first token, milliseconds.
    pub ttft_ms: Option<f64>,
    /// Mean inter-token latency, milliseconds.
    pub itl_ms: Option<f64>,
    /// Mean time per output token, milliseconds.
    pub tpot_ms: Option<f64>,
    /// Prompt tokens.
    pub prompt_tokens: Option<i64>,
    /// Output tokens.
    pub output_tokens: Option<i64>,
    /// Turn of a multi-turn conversation, from 0.
    pub turn: Option<i64>,
    /// Conversation the request belongs to.
    pub conversation_id: Option<String>,
    /// Error text of a failed request.
    pub error: Option<String>,
    /// The prompt or request body, only with `--keep-text`.
    pub prompt_text: Option<String>,
    /// The generated text, only with `--keep-text`.
    pub output_text: Option<String>,
}

/// The periodic stats of one vLLM server log.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ServerLog {
    /// The log file.
    pub source_path: PathBuf,
    /// Its samples, in log order.
    pub samples: Vec<ServerSample>,
}

/// One number of a vLLM server's periodic stats line.
#[derive(Debug, Clone, PartialEq)]
pub struct ServerSample {
    /// 1-based line of the log.
    pub line: usize,
    /// The time as printed (`MM-DD hh:mm:ss`, no year).
    pub log_time: String,
    /// Microseconds since the Unix epoch (UTC), when the year is known.
    pub timestamp: Option<i64>,
    /// The engine of a V1 line ("0", or "aggregated" over data-parallel engines).
    pub engine: Option<String>,
    /// Metric name (see `schema::SERVER_CATALOG`).
    pub metric: String,
    /// The number.
    pub value: f64,
    /// Its unit.
    pub unit: String,
    /// Whether it was taken while the run's benchmark ran (unknown without both times).
    pub during_run: Option<bool>,
}

/// One number read from the source.
#[derive(Debug, Clone, PartialEq)]
pub struct Observation {
    /// Metric name (see `schema::CATALOG`).
    pub metric: Name,
    /// Request status the number covers.
    pub status: Name,
    /// Statistic.
    pub stat: Name,
    /// The number.
    pub value: f64,
    /// Its unit.
    pub unit: Name,
    /// Digits after the decimal point when read from rounded text.
    pub decimals: Option<u8>,
    /// Where it was read.
    pub origin: Origin,
}

/// A metric, status, statistic or unit name: borrowed from tidybench's vocabulary when it is a
/// known one (no allocation per number), owned otherwise.
pub type Name = Cow<'static, str>;

/// Statistics names (with the CI bounds GuideLLM 0.8 adds), statuses, units beyond the
/// catalog's, and strategies.
static VOCABULARY: LazyLock<Vec<String>> = LazyLock::new(|| {
    let base = [
        "mean", "median", "mode", "variance", "std", "min", "max", "count", "sum", "value",
    ];
    let percentiles = [
        "p001", "p01", "p05", "p10", "p25", "p50", "p75", "p90", "p95", "p99", "p999",
    ];
    let mut words: Vec<String> = base
        .iter()
        .chain(&percentiles)
        .map(|s| s.to_string())
        .collect();
    for stat in ["mean"].iter().chain(&percentiles) {
        for bound in ["ci_lower", "ci_upper"] {
            words.push(format!("{stat}_{bound}"));
        }
    }
    words.extend(
        [
            "successful",
            "errored",
            "incomplete",
            "total",
            "",
            "1",
            "s",
            "ms",
            "%",
            "tokens",
            "tokens/s",
            "requests",
            "req/s",
            // GuideLLM's strategies, which name every console row.
            "synchronous",
            "concurrent",
            "throughput",
            "constant",
            "poisson",
        ]
        .map(String::from),
    );
    words
});

static KNOWN_NAMES: LazyLock<foldhash::HashSet<&'static str>> = LazyLock::new(|| {
    crate::schema::CATALOG
        .iter()
        .flat_map(|m| [m.name, m.unit])
        .chain(VOCABULARY.iter().map(String::as_str))
        .collect()
});

/// Names met in inputs that tidybench does not know, kept for the rest of the process so that
/// the many numbers of one such metric share one copy. Bounded: past [`KEPT_NAMES`] names (or
/// for long ones) a name is copied per use instead.
static MET_NAMES: LazyLock<RwLock<foldhash::HashSet<&'static str>>> =
    LazyLock::new(Default::default);

/// How many unknown names [`MET_NAMES`] keeps, and how long each may be.
const KEPT_NAMES: (usize, usize) = (4096, 128);

/// `text` as a [`Name`]: borrowed when tidybench knows it or met it before, owned otherwise.
pub fn name(text: &str) -> Name {
    if let Some(known) = KNOWN_NAMES.get(text) {
        return Cow::Borrowed(known);
    }
    let read = MET_NAMES
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    if let Some(met) = read.get(text) {
        return Cow::Borrowed(met);
    }
    let full = read.len() >= KEPT_NAMES.0;
    drop(read);
    if full || text.len() > KEPT_NAMES.1 {
        return Cow::Owned(text.to_string());
    }
    let mut write = MET_NAMES
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner());
    match write.get(text) {
        Some(met) => Cow::Borrowed(met),
        None => {
            let kept: &'static str = Box::leak(text.into());
            write.insert(kept);
            Cow::Borrowed(kept)
        }
    }
}

/// Texts met so far on one thread and what was read from them (see [`remembered`]).
pub(crate) type Known<T> = std::cell::RefCell<foldhash::HashMap<String, T>>;

/// How long a text [`remembered`] (or the console parser's header cache) keeps may be: longer
/// ones are read every time.
pub(crate) const REMEMBERED_TEXT: usize = 1 << 16;

/// `read(text)`, or what `known` remembers for the same text. Every iteration of a long log
/// prints the same setup texts, and reading one with regular expressions costs thousands of
/// instructions. Bounded: 256 texts per thread, each up to 64 KiB.
pub(crate) fn remembered<T: Clone>(
    known: &'static std::thread::LocalKey<Known<T>>,
    text: &str,
    read: impl FnOnce(&str) -> T,
) -> T {
    if text.len() > REMEMBERED_TEXT {
        return read(text);
    }
    if let Some(value) = known.with_borrow(|known| known.get(text).cloned()) {
        return value;
    }
    let value = read(text);
    known.with_borrow_mut(|known| {
        if known.len() >= 256 {
            known.clear();
        }
        known.insert(text.to_string(), value.clone());
    });
    value
}

/// Where a number was read, shown as `line 12`, `line 3, column 7`, a JSON path, or a note.
#[derive(Debug, Clone, PartialEq)]
pub enum Origin {
    /// A line of a text input.
    Line(usize),
    /// A cell of a CSV input.
    Cell {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
    },
    /// A key under a JSON path shared by the numbers of one object: `base.key`.
    Path(Arc<str>, Name),
    /// Anything else ("recomputed from 19 request records …").
    Text(Arc<str>),
}

impl Origin {
    /// The line, when the number was read from one.
    pub fn line(&self) -> Option<usize> {
        match self {
            Origin::Line(line) | Origin::Cell { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// Appends the origin as [`Display`](std::fmt::Display) shows it to `out`, without the
    /// formatting machinery for the common JSON paths (the `metrics` table writes one per row).
    pub fn write_into(&self, out: &mut String) {
        match self {
            Origin::Path(base, key) => {
                out.push_str(base);
                out.push('.');
                out.push_str(key);
            }
            Origin::Text(text) => out.push_str(text),
            other => {
                let _ = std::fmt::Write::write_fmt(out, format_args!("{other}"));
            }
        }
    }
}

impl std::fmt::Display for Origin {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Origin::Line(line) => write!(f, "line {line}"),
            Origin::Cell { line, column } => write!(f, "line {line}, column {column}"),
            Origin::Path(base, key) => write!(f, "{base}.{key}"),
            Origin::Text(text) => f.write_str(text),
        }
    }
}

/// `text` without leading and trailing whitespace, exactly as [`str::trim`] gives it, but
/// stripping ASCII spaces a byte at a time: the padded cells of console tables are trimmed by
/// the million. Only text that then still begins or ends with a possible whitespace character
/// (a non-ASCII one, or a vertical tab) takes the character-wise path.
pub(crate) fn trim(text: &str) -> &str {
    let ascii = text.trim_ascii();
    match (ascii.bytes().next(), ascii.bytes().next_back()) {
        (Some(first), Some(last)) if may_be_unicode_space(first) || may_be_unicode_space(last) => {
            ascii.trim()
        }
        _ => ascii,
    }
}

/// `text` without trailing whitespace, exactly as [`str::trim_end`] gives it (see [`trim`]).
pub(crate) fn trim_end(text: &str) -> &str {
    let ascii = text.trim_ascii_end();
    match ascii.bytes().next_back() {
        Some(last) if may_be_unicode_space(last) => ascii.trim_end(),
        _ => ascii,
    }
}

/// True for a byte that ends or begins a whitespace character `trim_ascii` keeps.
fn may_be_unicode_space(byte: u8) -> bool {
    byte >= 0x80 || byte == 0x0B
}

/// A printed number; `None` for text, `inf` and `NaN`.
pub(crate) fn finite_number(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

/// Digits after the decimal point of a printed number (at most 255).
pub(crate) fn printed_decimals(text: &str) -> u8 {
    let digits = text.split_once('.').map_or(0, |(_, d)| d.len());
    digits.min(usize::from(u8::MAX)) as u8
}

/// The statistic of the percentile printed as `percent` (`99`, `99.9`, `0.1`) in GuideLLM's
/// naming, which vLLM's must share to compare: two digits of whole percent, then the decimals
/// without their point (`p99`, `p999`, `p001`, `p05`).
pub(crate) fn percentile_stat(percent: &str) -> String {
    let (whole, decimals) = percent.split_once('.').unwrap_or((percent, ""));
    format!("p{whole:0>2}{decimals}")
}

/// The first `(number, text)` pair of `lines` whose text starts with `prefix`, and the rest
/// of that text, trimmed.
pub(crate) fn field<'a>(
    lines: &'a [crate::ingest::TextLine],
    prefix: &str,
) -> Option<(usize, &'a str)> {
    lines.iter().find_map(|l| {
        l.text
            .strip_prefix(prefix)
            .map(|rest| (l.number, rest.trim()))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_as_the_standard_library_trims() {
        let spaces = [
            "", " ", "\t", "\n", "\r", "\x0B", "\x0C", "\u{85}", "\u{A0}", "\u{2003}", "\u{3000}",
        ];
        let words = ["", "12.5", "a b", "\u{A0}x\u{A0}", "\x0Bx", "é", "±"];
        for before in spaces {
            for word in words {
                for after in spaces {
                    let text = format!("{before}{after}{word}{before}{after}");
                    assert_eq!(trim(&text), text.trim(), "{text:?}");
                    assert_eq!(trim_end(&text), text.trim_end(), "{text:?}");
                }
            }
        }
    }

    #[test]
    fn names_met_again_share_one_copy() {
        assert!(matches!(name("ttft"), Cow::Borrowed(_)));
        let (first, second) = (name("a_metric_of_tomorrow"), name("a_metric_of_tomorrow"));
        match (&first, &second) {
            (Cow::Borrowed(a), Cow::Borrowed(b)) => assert!(std::ptr::eq(*a, *b)),
            other => panic!("expected one shared copy, found {other:?}"),
        }
        assert_eq!(first, "a_metric_of_tomorrow");
        let long = "x".repeat(KEPT_NAMES.1 + 1);
        assert!(matches!(name(&long), Cow::Owned(text) if text == long));
    }

    #[test]
    fn an_origin_written_into_text_reads_as_it_displays() {
        let origins = [
            Origin::Line(12),
            Origin::Cell { line: 3, column: 7 },
            Origin::Path(
                Arc::from("benchmarks[0].metrics.ttft"),
                Name::Borrowed("p99"),
            ),
            Origin::Text(Arc::from("recomputed from 19 request records")),
        ];
        let mut text = String::from("kept ");
        for origin in &origins {
            text.truncate(5);
            origin.write_into(&mut text);
            assert_eq!(text, format!("kept {origin}"));
        }
        assert_eq!(text, "kept recomputed from 19 request records");
    }
}
