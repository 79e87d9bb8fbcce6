//! llm-d driver-script logs: `****` banners with `Benchmark Iteration:`, `Model:`,
//! `vLLM Args:`, `EPP Backend:`, `Rate:` and `Max Seconds:`, the run-configuration section
//! (`Run ID:`, `Data: prompt_tokens=…`, start and end times), and GuideLLM's console output
//! inside each iteration, handed to [`guidellm_console`](super::guidellm_console).

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::LazyLock;

use rayon::prelude::*;
use regex::Regex;

use super::guidellm_console::{self, LoadSource};
use super::{field, Format, ParseOptions, Parsed, Run, Warning};
use crate::error::{Error, Result};
use crate::ingest::{Blob, TextLine};

/// The llm-d driver log format.
pub struct DriverLog;

/// Name stored in `runs.source_format`.
pub const NAME: &str = "llm-d-driver-log";

const ITERATION: &str = "Benchmark Iteration:";

impl Format for DriverLog {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "llm-d driver script log (run-all.sh banners around GuideLLM console output)"
    }

    fn sniff(&self, head: &str) -> Option<String> {
        if super::is_markdown(head) {
            return None;
        }
        let line = head.lines().position(|l| l.starts_with(ITERATION))?;
        Some(format!("line {} starts with `{ITERATION}`", line + 1))
    }

    fn parse(&self, blob: &Blob) -> Result<Parsed> {
        self.parse_with(blob, &ParseOptions::default())
    }

    fn parse_with(&self, blob: &Blob, options: &ParseOptions) -> Result<Parsed> {
        let mut parsed = Parsed::default();
        // Plain text is cut at its banners and split into lines piece by piece, on every core;
        // other text is cleaned line by line first.
        let cleaned;
        let (pieces, last_line) = match blob.plain_text() {
            Some(text) => plain_pieces(text),
            None => {
                let (lines, invalid) = blob.text_lines();
                if let Some(line) = invalid {
                    parsed.warnings.push(Warning {
                        path: blob.path.clone(),
                        line: Some(line),
                        message: "invalid UTF-8 replaced by U+FFFD".into(),
                    });
                }
                cleaned = lines;
                line_pieces(&cleaned)
            }
        };
        let Some((prefix, iterations)) = pieces.split_first().filter(|(_, rest)| !rest.is_empty())
        else {
            return Err(Error::Parse {
                path: blob.path.clone(),
                line: last_line,
                expected: format!("a `****` banner followed by `{ITERATION}`"),
                found: "none in the whole input".into(),
            });
        };
        prefix.with_lines(|prefix| {
            let mut before = guidellm_console::parse_lines(&blob.path, prefix, options);
            if before.load_points.is_empty() {
                return;
            }
            // GuideLLM output whose banner was cut off: kept, without the driver's labels.
            parsed.warnings.append(&mut before.warnings);
            parsed.warnings.push(Warning {
                path: blob.path.clone(),
                line: prefix.first().map(|l| l.number),
                message: format!(
                    "GuideLLM result tables before the first `{ITERATION}` banner (lines 1–{}); \
                     kept as a run without driver labels",
                    prefix.last().map_or(1, |l| l.number)
                ),
            });
            guidellm_console::assign_loads(&blob.path, &mut before, None, &mut parsed.warnings);
            parsed.runs.push(Run {
                source_path: blob.path.clone(),
                source_format: NAME.into(),
                harness: "guidellm".into(),
                model: before.profile.model.clone(),
                labels: before.labels(),
                load_points: before.load_points,
                ..Run::default()
            });
        });
        // Iterations are independent: parsed in parallel, kept in input order.
        let iterations: Vec<(Run, Vec<Warning>)> = iterations
            .par_iter()
            .map(|piece| {
                let mut warnings = Vec::new();
                let run = piece
                    .with_lines(|lines| parse_iteration(&blob.path, lines, options, &mut warnings));
                (run, warnings)
            })
            .collect();
        for (mut run, mut warnings) in iterations {
            run.position = parsed.runs.len();
            parsed.runs.push(run);
            parsed.warnings.append(&mut warnings);
        }
        let sha256 = blob.source_sha256();
        for run in &mut parsed.runs {
            run.source_sha256 = sha256.clone();
        }
        Ok(parsed)
    }
}

/// The lines before the first iteration, or the lines of one iteration (from its banner rule
/// to the line before the next one).
enum Piece<'a> {
    /// Lines already split and cleaned.
    Lines(&'a [TextLine<'a>]),
    /// Plain text (see [`Blob::plain_text`]) whose first line is line `first`.
    Text { text: &'a str, first: usize },
}

impl Piece<'_> {
    /// Calls `f` with the piece's lines.
    fn with_lines<R>(&self, f: impl FnOnce(&[TextLine]) -> R) -> R {
        match self {
            Piece::Lines(lines) => f(lines),
            Piece::Text { text, first } => f(&crate::ingest::plain_lines(text, *first)),
        }
    }
}

/// `lines` cut before each iteration's banner rule, and the number of the last line.
fn line_pieces<'a>(lines: &'a [TextLine<'a>]) -> (Vec<Piece<'a>>, usize) {
    let starts: Vec<usize> = (0..lines.len())
        .filter(|&i| is_banner_rule(&lines[i].text) && next_is_iteration(lines, i))
        .collect();
    let bounds: Vec<usize> = std::iter::once(0)
        .chain(starts)
        .chain(std::iter::once(lines.len()))
        .collect();
    let pieces = bounds
        .windows(2)
        .map(|w| Piece::Lines(&lines[w[0]..w[1]]))
        .collect();
    (pieces, lines.last().map_or(1, |l| l.number))
}

/// Plain `text` cut before each iteration's banner rule, as [`line_pieces`] cuts its lines,
/// without splitting the whole text into lines first: the banners are found by searching for
/// `Benchmark Iteration:` and the lines before each piece are counted.
fn plain_pieces(text: &str) -> (Vec<Piece<'_>>, usize) {
    let bytes = text.as_bytes();
    let line_start = |at: usize| memchr::memrchr(b'\n', &bytes[..at]).map_or(0, |i| i + 1);
    let starts = memchr::memmem::find_iter(bytes, ITERATION).filter_map(|at| {
        let line = line_start(at);
        if line == 0 || !text[line..at].trim_start().is_empty() {
            return None;
        }
        let rule = line_start(line - 1);
        is_banner_rule(&text[rule..line - 1]).then_some(rule)
    });
    let bounds: Vec<usize> = std::iter::once(0)
        .chain(starts)
        .chain(std::iter::once(text.len()))
        .collect();
    let newlines: Vec<usize> = bounds
        .par_windows(2)
        .map(|w| crate::ingest::newlines(&bytes[w[0]..w[1]]))
        .collect();
    let mut first = 1;
    let mut pieces = Vec::with_capacity(newlines.len());
    for (w, newlines) in bounds.windows(2).zip(newlines) {
        let last = w[1] == text.len();
        pieces.push(match (w[0] == w[1], last) {
            // No text before the first banner: no lines (not one empty line).
            (true, false) => Piece::Lines(&[]),
            // The line ending before the next piece is not a line of this one.
            (false, false) => Piece::Text {
                text: &text[w[0]..w[1] - 1],
                first,
            },
            (_, true) => Piece::Text {
                text: &text[w[0]..],
                first,
            },
        });
        first += newlines;
    }
    (pieces, first)
}

fn is_banner_rule(text: &str) -> bool {
    let t = super::trim(text);
    t.len() >= 20 && t.bytes().all(|b| b == b'*')
}

fn next_is_iteration(lines: &[TextLine], i: usize) -> bool {
    lines
        .get(i + 1)
        .is_some_and(|l| l.text.trim_start().starts_with(ITERATION))
}

static KV_CONNECTOR: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""kv_connector"\s*:\s*"([^"]+)""#).expect("valid regex"));
static NUM_CPU_BLOCKS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#""num_cpu_blocks"\s*:\s*(\d+)"#).expect("valid regex"));
static GPU_MEMORY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"--gpu-memory-utilization[= ]+([0-9.]+)").expect("valid regex"));

/// Fills the KV connector, its CPU blocks and the GPU memory utilization from vLLM's
/// command-line arguments (`--kv-transfer-config '{...}'`, `--gpu-memory-utilization 0.9`).
pub(crate) fn read_vllm_args(args: &str, labels: &mut super::RunLabels) {
    let (kv_connector, num_cpu_blocks, gpu_memory_utilization) =
        super::remembered(&KNOWN_ARGS, args, |args| {
            (
                KV_CONNECTOR.captures(args).map(|c| c[1].to_string()),
                NUM_CPU_BLOCKS
                    .captures(args)
                    .and_then(|c| c[1].parse().ok()),
                GPU_MEMORY.captures(args).and_then(|c| c[1].parse().ok()),
            )
        });
    labels.kv_connector = kv_connector;
    labels.num_cpu_blocks = num_cpu_blocks;
    labels.gpu_memory_utilization = gpu_memory_utilization;
}

/// What [`read_vllm_args`] reads: the KV connector, its CPU blocks, the GPU memory utilization.
type VllmArgFacts = (Option<String>, Option<i64>, Option<f64>);

thread_local! {
    /// The vLLM argument texts met so far on this thread: each configuration repeats its own.
    static KNOWN_ARGS: super::Known<VllmArgFacts> = super::Known::default();
}

/// Reads one iteration: `lines` runs from its banner rule to the line before the next one.
fn parse_iteration(
    path: &Path,
    lines: &[TextLine],
    options: &ParseOptions,
    warnings: &mut Vec<Warning>,
) -> Run {
    let banner_line = lines.get(1).map_or(0, |l| l.number);
    let iteration = lines
        .get(1)
        .and_then(|l| l.text.trim_start().strip_prefix(ITERATION))
        .unwrap_or("")
        .trim()
        .to_string();
    let mut run = Run {
        source_path: path.to_path_buf(),
        source_format: NAME.into(),
        harness: "guidellm".into(),
        ..Run::default()
    };
    let mut extra = BTreeMap::new();
    extra.insert("iteration".to_string(), iteration.clone());

    let words: Vec<&str> = iteration.split_whitespace().collect();
    run.config = words.last().map(|w| w.to_string());
    if words.len() == 4 {
        run.labels.hardware = Some(words[0].into());
        run.labels.software = Some(words[1].into());
        extra.insert("model_label".into(), words[2].into());
    } else {
        warnings.push(Warning {
            path: path.to_path_buf(),
            line: Some(banner_line),
            message: format!(
                "iteration `{iteration}` is not `<hardware> <software> <model> <config>`; \
                 only the config (last word) was taken from it"
            ),
        });
    }

    run.model = field(lines, "Model:").map(|(_, v)| v.to_string());
    if let Some((_, args)) = field(lines, "vLLM Args:") {
        run.labels.vllm_args = Some(args.to_string());
        read_vllm_args(args, &mut run.labels);
    }
    run.labels.epp_backend = field(lines, "EPP Backend:").map(|(_, v)| v.to_string());
    run.labels.max_seconds = field(lines, "Max Seconds:").and_then(|(_, v)| v.parse().ok());
    for (prefix, key) in [
        ("Run ID:", "run_name"),
        ("Namespace:", "namespace"),
        ("Target:", "target"),
        ("Output Directory:", "output_directory"),
    ] {
        if let Some((_, v)) = field(lines, prefix) {
            extra.insert(key.into(), v.to_string());
        }
    }
    let rates = field(lines, "Rate:").map(|(line, text)| {
        extra.insert("rate".into(), text.to_string());
        let values = guidellm_console::parse_number_list(text);
        if values.is_none() {
            warnings.push(Warning {
                path: path.to_path_buf(),
                line: Some(line),
                message: format!("`Rate: {text}` is not a list of numbers; not used for loads"),
            });
        }
        (line, values)
    });
    if let Some((line, data)) = field(lines, "Data:") {
        for pair in data.split(',') {
            let Some((key, value)) = pair.split_once('=') else {
                warnings.push(Warning {
                    path: path.to_path_buf(),
                    line: Some(line),
                    message: format!("`Data:` item `{pair}` is not key=value; ignored"),
                });
                continue;
            };
            let (key, value) = (key.trim(), value.trim());
            let number = value.parse::<i64>().ok();
            match key {
                "prompt_tokens" => run.labels.prompt_tokens = number,
                "output_tokens" => run.labels.output_tokens = number,
                "prefix_tokens" => run.labels.prefix_tokens = number,
                "turns" => run.labels.turns = number,
                _ => {
                    extra.insert(format!("data.{key}"), value.to_string());
                }
            }
        }
    }
    for (prefix, slot) in [
        ("Benchmark start time:", &mut run.started_at),
        ("Benchmark end time:", &mut run.ended_at),
    ] {
        if let Some((line, text)) = field(lines, prefix) {
            *slot = parse_date_utc(text);
            if slot.is_none() {
                warnings.push(Warning {
                    path: path.to_path_buf(),
                    line: Some(line),
                    message: format!(
                        "`{text}` is not a `date` timestamp in UTC (`Thu Feb 12 01:20:58 UTC 2026`); ignored"
                    ),
                });
            }
        }
    }

    let mut console = guidellm_console::parse_lines(path, lines, options);
    warnings.append(&mut console.warnings);
    if console.load_points.is_empty() {
        let last = lines.last().map_or(banner_line, |l| l.number);
        warnings.push(Warning {
            path: path.to_path_buf(),
            line: Some(banner_line),
            message: format!(
                "iteration `{iteration}` has no GuideLLM result tables (lines {banner_line}–{last}); \
                 run kept without metrics"
            ),
        });
    }
    let banner = rates.and_then(|(line, values)| {
        values.map(|values| LoadSource {
            name: "banner `Rate:`",
            line,
            values,
        })
    });
    guidellm_console::assign_loads(path, &mut console, banner, warnings);
    if let Some(started) = run.started_at {
        date_times_of_day(&mut console.load_points, started / 1_000_000);
    }
    let console_labels = console.labels();
    let labels = &mut run.labels;
    labels.prompt_tokens = labels.prompt_tokens.or(console_labels.prompt_tokens);
    labels.output_tokens = labels.output_tokens.or(console_labels.output_tokens);
    labels.prefix_tokens = labels.prefix_tokens.or(console_labels.prefix_tokens);
    labels.turns = labels.turns.or(console_labels.turns);
    labels.max_seconds = labels.max_seconds.or(console_labels.max_seconds);
    labels.random_seed = console_labels.random_seed;
    labels.rate_type = console_labels.rate_type;
    run.model = run.model.or(console.profile.model);
    if run.model.is_none() {
        warnings.push(Warning {
            path: path.to_path_buf(),
            line: Some(banner_line),
            message: format!(
                "iteration `{iteration}` names no model (no `Model:` line); `model` left null"
            ),
        });
    }
    run.extra_labels = extra;
    run.load_points = console.load_points;
    run
}

/// Turns the Run Summary's `HH:MM:SS` times into Unix times on the date the iteration
/// started (`started` in seconds), rolling over midnight.
fn date_times_of_day(points: &mut [super::LoadPoint], started: i64) {
    let day = started.div_euclid(86_400) * 86_400;
    for obs in points.iter_mut().flat_map(|p| p.observations.iter_mut()) {
        let metric = match &*obs.metric {
            "start_time_of_day" => "start_time",
            "end_time_of_day" => "end_time",
            _ => continue,
        };
        let mut t = day + obs.value as i64;
        if t < started - 43_200 {
            t += 86_400;
        }
        obs.metric = metric.into();
        obs.value = t as f64;
    }
}

/// Parses `date`'s default output in UTC (`Thu Feb 12 01:20:58 UTC 2026`) into microseconds
/// since the Unix epoch.
pub fn parse_date_utc(text: &str) -> Option<i64> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [_, month, day, time, zone, year] = parts.as_slice() else {
        return None;
    };
    if !matches!(*zone, "UTC" | "GMT") {
        return None;
    }
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| m == month)? as i64 + 1;
    let day: i64 = day.parse().ok()?;
    let year: i64 = year.parse().ok().filter(|y| (1970..=9999).contains(y))?;
    let hms: Vec<i64> = time
        .split(':')
        .map(|p| p.parse().ok())
        .collect::<Option<_>>()?;
    let [h, m, s] = hms.as_slice() else {
        return None;
    };
    if !(1..=31).contains(&day) || *h > 23 || *m > 59 || *s > 60 {
        return None;
    }
    let days = days_from_civil(year, month, day);
    Some((days * 86_400 + h * 3600 + m * 60 + s) * 1_000_000)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
pub(crate) fn days_from_civil(year: i64, month: i64, day: i64) -> i64 {
    let y = if month <= 2 { year - 1 } else { year };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (month + 9) % 12;
    let doy = (153 * mp + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_is_cut_where_its_lines_would_be() {
        let rule = "*".repeat(42);
        let short = "*".repeat(19);
        let texts = [
            String::new(),
            "no banner at all\n".to_string(),
            format!("{rule}\nBenchmark Iteration: a b c d\nModel: m\n"),
            format!("before\n\n{rule}\nBenchmark Iteration: a\nx\n{rule}\nBenchmark Iteration: b"),
            format!("Benchmark Iteration: first line\n{rule}\n  Benchmark Iteration: indented\n"),
            format!("{rule}  \n\u{a0}Benchmark Iteration: after a no-break space\n{rule}\n"),
            format!(
                "{short}\nBenchmark Iteration: rule too short\n{rule}\nx Benchmark Iteration:\n"
            ),
            format!("{rule}\n{rule}\nBenchmark Iteration: Benchmark Iteration: twice\n\n"),
        ];
        let pieces = |pieces: Vec<Piece>| -> Vec<Vec<(usize, String)>> {
            pieces
                .iter()
                .map(|p| {
                    p.with_lines(|l| l.iter().map(|l| (l.number, l.text.to_string())).collect())
                })
                .collect()
        };
        for text in &texts {
            let lines = crate::ingest::plain_lines(text, 1);
            let (by_lines, last_line) = line_pieces(&lines);
            let (by_text, last_text) = plain_pieces(text);
            assert_eq!(last_text, last_line, "{text:?}");
            assert_eq!(pieces(by_text), pieces(by_lines), "{text:?}");
        }
        assert_eq!(plain_pieces(&texts[3]).0.len(), 3);
        assert_eq!(plain_pieces(&texts[7]).0.len(), 2);
    }

    #[test]
    fn parses_date_output_in_utc() {
        // 2026-02-12T01:20:58Z
        assert_eq!(
            parse_date_utc("Thu Feb 12 01:20:58 UTC 2026"),
            Some(1_770_859_258_000_000)
        );
        assert_eq!(parse_date_utc("Thu Feb 12 01:20:58 CET 2026"), None);
        assert_eq!(parse_date_utc("yesterday"), None);
        assert_eq!(parse_date_utc("Thu Feb 12 01:20:58 UTC 300000"), None);
    }
}
