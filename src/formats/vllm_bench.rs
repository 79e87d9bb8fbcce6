//! `vllm bench serve` (and the older `benchmarks/benchmark_serving.py`) console output: each
//! `Serving Benchmark Result` block is one load point — request counts, duration, token
//! totals, throughputs (mean and peak), and the mean, median and every printed percentile of
//! TTFT, TPOT, ITL and end-to-end latency — with the load from the block or the lines before it
//! (`Maximum request concurrency`, `Request rate configured`, `Traffic request rate`) and the
//! run's arguments from the `Namespace(...)` line when the log has it. Labels changed between
//! vLLM releases (`Total Token throughput` → `Total token throughput`, `Failed requests` and
//! the peak lines added); lines not known are counted and reported.

use std::sync::LazyLock;

use regex::Regex;

use super::{
    finite_number, name, percentile_stat, printed_decimals, Format, LoadPoint, Observation, Origin,
    Parsed, Run, RunLabels, Warning,
};
use crate::error::Result;
use crate::ingest::{Blob, TextLine};

/// The `vllm bench serve` console format.
pub struct VllmBench;

/// Name stored in `runs.source_format`.
pub const NAME: &str = "vllm-bench-serve";

/// Harness name of vLLM's benchmark client.
pub const HARNESS: &str = "vllm-bench";

/// What a warning about an invocation without a result says.
const UNANSWERED: &str = "block after these arguments (the benchmark did not finish?)";

/// What a warning about server stats lines in a client's log says.
const STATS_NOT_READ: &str = "vLLM server stats line(s) in this benchmark log not read";

/// True for a warning about what a log holds beside its runs (an invocation without a result,
/// server stats lines), which a copy of its runs in a result file does not settle.
pub fn beyond_its_runs(message: &str) -> bool {
    message.ends_with(UNANSWERED) || message.contains(STATS_NOT_READ)
}

/// The title of each result block.
pub(crate) const BLOCK_TITLE: &str = "Serving Benchmark Result";

static LATENCY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(Mean|Median|Std|P(\d+(?:\.\d+)?)) (TTFT|TPOT|ITL|E2EL) \(ms\):\s*(\S+)\s*$")
        .expect("valid regex")
});
static LABELLED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^([^:]+):\s+(\S+)\s*$").expect("valid regex"));
static NAMESPACE_FIELD: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(model|served_model_name|dataset_name|num_prompts|request_rate|burstiness|max_concurrency|backend|endpoint|random_input_len|random_output_len|random_prefix_len|input_len|output_len|seed)=('([^']*)'|[^,)]+)")
        .expect("valid regex")
});

impl Format for VllmBench {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "vllm bench serve / benchmark_serving.py console output (Serving Benchmark Result blocks)"
    }

    fn sniff(&self, head: &str) -> Option<String> {
        if super::is_markdown(head) {
            return None;
        }
        if head.contains(BLOCK_TITLE) {
            return Some(format!("a `{BLOCK_TITLE}` block"));
        }
        (head.contains("Namespace(subparser='bench', bench_type='serve'")
            || (head.contains("Traffic request rate:")
                && head.contains("Starting main benchmark run")))
        .then(|| "vllm bench serve's start-up lines".into())
    }

    fn parse(&self, blob: &Blob) -> Result<Parsed> {
        let (lines, _) = blob.text_lines();
        let mut warnings = Vec::new();
        let new_run = |position: usize| Run {
            source_path: blob.path.clone(),
            source_format: NAME.into(),
            source_sha256: blob.source_sha256(),
            position,
            harness: HARNESS.into(),
            ..Run::default()
        };
        let mut runs = Vec::new();
        let mut run = new_run(0);
        // The current invocation's arguments, the line they were printed on, and the model it
        // asked of the server when they name none.
        let mut args: Vec<(String, String)> = Vec::new();
        let mut args_line = None;
        let mut fetched: Option<FetchedModel> = None;
        // Whether the current invocation printed a result, and what describes `run`: the
        // arguments and fetched model of its last invocation with a result.
        let mut answered = false;
        let mut described: Option<Invocation> = None;
        let unanswered = |line: Option<usize>| Warning {
            path: blob.path.clone(),
            line,
            message: format!("no `{BLOCK_TITLE}` {UNANSWERED}"),
        };
        let mut before = Context::default();
        let mut i = 0;
        while i < lines.len() {
            let text = content(&lines[i].text);
            if let Some(start) = text.find("Namespace(") {
                if args_line.is_some() && !answered {
                    warnings.push(unanswered(args_line));
                }
                args = NAMESPACE_FIELD
                    .captures_iter(&text[start..])
                    .map(|c| {
                        let value = c.get(3).or(c.get(2)).map_or("", |m| m.as_str());
                        (c[1].to_string(), value.to_string())
                    })
                    .collect();
                args_line = Some(lines[i].number);
                fetched = None;
                answered = false;
            } else if let Some(names) = fetched_model(text) {
                fetched = Some(names);
            } else if let Some(rate) = text.strip_prefix("Traffic request rate:") {
                before.rate = finite_number(rate.trim());
            } else if let Some(cap) = text.strip_prefix("Maximum request concurrency:") {
                before.concurrency = finite_number(cap.trim());
            } else if text.contains(BLOCK_TITLE) && text.starts_with('=') {
                let (mut point, end, unknown) = block(&lines, i + 1, &before, &args);
                if end == lines.len() && !closed(&lines) {
                    let last = lines.last().map_or(0, |l| l.number);
                    // A last line without its end may be a number cut short (`15` of `156.29`).
                    let unended = !blob.bytes.ends_with(b"\n");
                    let cut = |o: &Observation| unended && o.origin == Origin::Line(last);
                    let read = point.observations.len();
                    point.observations.retain(|o| !cut(o));
                    let dropped = match read - point.observations.len() {
                        0 => String::new(),
                        _ => format!("; its last line ({last}), cut short, is not read"),
                    };
                    warnings.push(Warning {
                        path: blob.path.clone(),
                        line: Some(lines[i].number),
                        message: format!(
                            "this result block ends with the input, without its closing rule \
                             (the log is cut short?){dropped}"
                        ),
                    });
                }
                if !unknown.is_empty() {
                    warnings.push(Warning {
                        path: blob.path.clone(),
                        line: Some(lines[i].number),
                        message: format!(
                            "{} line(s) of this result block not read (not a known vLLM \
                             label): {}",
                            unknown.len(),
                            unknown.join("; ")
                        ),
                    });
                }
                // Each invocation prints its arguments: one of another model (asked or
                // fetched) or workload starts another run; one at another load adds a load
                // point.
                let same_run = described.as_ref().is_some_and(|(run_args, run_fetched)| {
                    run_arguments(run_args) == run_arguments(&args)
                        && run_fetched.as_ref().map(|f| &f.id) == fetched.as_ref().map(|f| &f.id)
                });
                if !run.load_points.is_empty() && !same_run {
                    if let Some((run_args, run_fetched)) = described.take() {
                        describe(&mut run, &run_args, run_fetched);
                    }
                    runs.push(std::mem::replace(&mut run, new_run(runs.len() + 1)));
                }
                run.load_points.push(point);
                described = Some((args.clone(), fetched.clone()));
                answered = true;
                before = Context::default();
                i = end;
                continue;
            }
            i += 1;
        }
        if run.load_points.is_empty() {
            warnings.push(Warning {
                line: None,
                message: format!("no `{BLOCK_TITLE}` block (the benchmark did not finish?)"),
                ..unanswered(None)
            });
        } else if args_line.is_some() && !answered {
            warnings.push(unanswered(args_line));
        }
        let (run_args, run_fetched) = described.unwrap_or((args, fetched));
        describe(&mut run, &run_args, run_fetched);
        runs.push(run);
        // A log of the client and the server together is read as the client's.
        let mut stats = lines
            .iter()
            .filter(|l| l.text.contains("Avg prompt throughput:"));
        if let Some(first) = stats.next() {
            warnings.push(Warning {
                path: blob.path.clone(),
                line: Some(first.number),
                message: format!(
                    "{} {STATS_NOT_READ} (save the server's log apart to convert it)",
                    1 + stats.count()
                ),
            });
        }
        Ok(Parsed { runs, warnings })
    }
}

/// A line's text, trimmed, without the `2025-06-01T12:00:01.123456789Z ` that `docker logs
/// --timestamps` puts before each line.
fn content(line: &str) -> &str {
    let bytes = line.as_bytes();
    let docker = bytes.len() > 20
        && bytes[..4].iter().all(u8::is_ascii_digit)
        && (bytes[4], bytes[7], bytes[10]) == (b'-', b'-', b'T');
    let rest = match docker {
        true => line
            .find("Z ")
            .filter(|&at| at < 40)
            .map_or(line, |at| &line[at + 2..]),
        false => line,
    };
    rest.trim()
}

/// True when the last non-empty line of `lines` is a block's closing rule.
fn closed(lines: &[TextLine]) -> bool {
    let last = lines
        .iter()
        .rev()
        .map(|l| content(&l.text))
        .find(|t| !t.is_empty());
    last.is_some_and(|t| t.len() >= 20 && t.chars().all(|c| c == '='))
}

/// The load the lines before a block announce.
#[derive(Default)]
struct Context {
    rate: Option<f64>,
    concurrency: Option<f64>,
}

/// Reads the block starting at line `start`; returns its load point, the line after it and
/// the lines not understood.
fn block(
    lines: &[TextLine],
    start: usize,
    before: &Context,
    args: &[(String, String)],
) -> (LoadPoint, usize, Vec<String>) {
    let mut observations = Vec::new();
    let mut unknown = Vec::new();
    let (mut rate, mut concurrency) = (before.rate, before.concurrency);
    let mut i = start;
    while i < lines.len() {
        let line = &lines[i];
        let text = content(&line.text);
        i += 1;
        if text.chars().all(|c| c == '=') && text.len() >= 20 {
            break;
        }
        if text.contains(BLOCK_TITLE) {
            // A block without its closing rule: the next one starts here.
            i -= 1;
            break;
        }
        if text.is_empty() || text.starts_with('-') {
            continue;
        }
        let mut push =
            |metric: &str, status: &str, stat: &str, value: f64, unit: &str, digits: Option<u8>| {
                observations.push(Observation {
                    metric: name(metric),
                    status: name(status),
                    stat: name(stat),
                    value,
                    unit: name(unit),
                    decimals: digits,
                    origin: Origin::Line(line.number),
                })
            };
        if let Some(c) = LATENCY.captures(text) {
            let Some(value) = finite_number(&c[4]) else {
                unknown.push(text.to_string());
                continue;
            };
            let stat = match (&c[1], c.get(2)) {
                ("Mean", _) => "mean".to_string(),
                ("Median", _) => "median".to_string(),
                ("Std", _) => "std".to_string(),
                (_, Some(p)) => percentile_stat(p.as_str()),
                _ => continue,
            };
            let digits = Some(printed_decimals(&c[4]));
            match &c[3] {
                "E2EL" => push(
                    "request_latency",
                    "successful",
                    &stat,
                    value / 1000.0,
                    "s",
                    digits.map(|d| d + 3),
                ),
                name => push(
                    &name.to_lowercase(),
                    "successful",
                    &stat,
                    value,
                    "ms",
                    digits,
                ),
            }
            continue;
        }
        let Some(c) = LABELLED.captures(text) else {
            unknown.push(text.to_string());
            continue;
        };
        let (label, raw) = (c[1].trim().to_lowercase(), &c[2]);
        if label == "maximum request concurrency" {
            concurrency = finite_number(raw);
            continue;
        }
        if label == "request rate configured (rps)" {
            rate = finite_number(raw);
            continue;
        }
        let Some(value) = finite_number(raw) else {
            unknown.push(text.to_string());
            continue;
        };
        let digits = Some(printed_decimals(raw));
        let (metric, status, stat, unit) = match label.as_str() {
            "successful requests" => ("requests", "successful", "count", "1"),
            "failed requests" => ("requests", "errored", "count", "1"),
            "benchmark duration (s)" => ("duration", "total", "value", "s"),
            "total input tokens" => ("prompt_tokens", "successful", "sum", "tok"),
            "total generated tokens" => ("output_tokens", "successful", "sum", "tok"),
            "request throughput (req/s)" => ("requests_per_second", "successful", "mean", "req/s"),
            "request goodput (req/s)" => ("request_goodput", "successful", "mean", "req/s"),
            "output token throughput (tok/s)" => {
                ("output_tokens_per_second", "successful", "mean", "tok/s")
            }
            "peak output token throughput (tok/s)" => {
                ("output_tokens_per_second", "successful", "max", "tok/s")
            }
            "peak concurrent requests" => ("concurrency", "successful", "max", "1"),
            "total token throughput (tok/s)" => {
                ("total_tokens_per_second", "successful", "mean", "tok/s")
            }
            "input token throughput (tok/s)" => {
                ("input_tokens_per_second", "successful", "mean", "tok/s")
            }
            _ => {
                unknown.push(text.to_string());
                continue;
            }
        };
        push(metric, status, stat, value, unit, digits);
    }
    // The arguments say the load when the lines around the block do not.
    let arg = |key: &str| {
        args.iter()
            .find(|(k, _)| k == key)
            .and_then(|(_, v)| finite_number(v))
    };
    let concurrency = concurrency.or_else(|| arg("max_concurrency"));
    let rate = rate.or_else(|| arg("request_rate"));
    let (strategy, load) = match (concurrency, rate) {
        (Some(n), _) => ("concurrent", Some(n)),
        (None, Some(r)) => ("poisson", Some(r)),
        (None, None) => ("throughput", None),
    };
    (
        LoadPoint {
            strategy: strategy.into(),
            load,
            observations,
            requests: Vec::new(),
        },
        i,
        unknown,
    )
}

/// The arguments that describe a run rather than one of its loads.
fn run_arguments(args: &[(String, String)]) -> Vec<&(String, String)> {
    const LOAD: [&str; 4] = ["request_rate", "max_concurrency", "num_prompts", "seed"];
    let run = args.iter().filter(|(key, _)| !LOAD.contains(&key.as_str()));
    run.collect()
}

/// An invocation's arguments and the model it fetched from the server.
type Invocation = (Vec<(String, String)>, Option<FetchedModel>);

/// The model `vllm bench serve` asked the server for when given none: its id, and the name it
/// is served under.
#[derive(Clone)]
struct FetchedModel {
    id: String,
    name: Option<String>,
}

/// The model of `First model name: llama-8b, first model id: meta-llama/Llama-3.1-8B-Instruct`
/// (or of older releases' `Using model: …`).
fn fetched_model(text: &str) -> Option<FetchedModel> {
    if let Some(id) = text.strip_prefix("Using model: ") {
        return Some(FetchedModel {
            id: id.trim().to_string(),
            name: None,
        });
    }
    let (name, id) = text
        .strip_prefix("First model name: ")?
        .split_once(", first model id: ")?;
    Some(FetchedModel {
        id: id.trim().to_string(),
        name: Some(name.trim().to_string()),
    })
}

/// Run labels from the benchmark's arguments.
fn describe(run: &mut Run, args: &[(String, String)], fetched: Option<FetchedModel>) {
    let get = |key: &str| {
        args.iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.trim().to_string())
            .filter(|v| !v.is_empty() && v != "None")
    };
    run.model = get("model");
    let int = |key: &str| get(key).and_then(|v| v.parse().ok());
    let random = get("dataset_name").as_deref() == Some("random");
    // `--input-len` and `--output-len`, when given, replace the dataset's own lengths after the
    // arguments are printed.
    let random_len = |key: &str| if random { int(key) } else { None };
    run.labels = RunLabels {
        prompt_tokens: int("input_len").or_else(|| random_len("random_input_len")),
        output_tokens: int("output_len").or_else(|| random_len("random_output_len")),
        prefix_tokens: if random {
            int("random_prefix_len")
        } else {
            None
        },
        random_seed: int("seed"),
        ..RunLabels::default()
    };
    for key in [
        "served_model_name",
        "dataset_name",
        "num_prompts",
        "burstiness",
        "backend",
        "endpoint",
    ] {
        if let Some(value) = get(key) {
            run.extra_labels.insert(key.into(), value);
        }
    }
    // Without `--model`, vLLM uses the server's model and name (not `--served-model-name`).
    if let (None, Some(fetched)) = (&run.model, fetched) {
        run.model = Some(fetched.id);
        if let Some(name) = fetched.name {
            run.extra_labels.insert("served_model_name".into(), name);
        }
    }
}
