//! The comparison report of the original study script, which `report --format classic` also
//! prints ("vLLM KV-Cache CPU Offload - Multi-Model Benchmark Comparison"): per model, the
//! throughput (requests/s mean), request latency (median) and TTFT (median) of a baseline and a
//! candidate configuration at each load level, rounded as printed. Results that survive only
//! as such a report become runs again, one per model and configuration, so that they compare
//! with new ones. The differences, % changes and averages are derived and not read; a
//! difference that disagrees with its two values is a warning.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

use super::{
    finite_number, name, printed_decimals, Format, LoadPoint, Observation, Origin, Parsed, Run,
    Warning,
};
use crate::error::{Error, Result};
use crate::ingest::Blob;

/// The comparison report format.
pub struct ComparisonReport;

/// Name stored in `runs.source_format`.
pub const NAME: &str = "comparison-report";

/// What the second line of every such report says.
const TITLE: &str = "Multi-Model Benchmark Comparison";

/// One comparison table: its title, the number it holds, and its unit (printed after values).
struct Table {
    title: &'static str,
    metric: &'static str,
    stat: &'static str,
    status: &'static str,
    unit: &'static str,
}

static TABLES: [Table; 3] = [
    Table {
        title: "THROUGHPUT COMPARISON (requests/sec)",
        metric: "requests_per_second",
        stat: "mean",
        status: "total",
        unit: "req/s",
    },
    Table {
        title: "LATENCY COMPARISON - Median (seconds)",
        metric: "request_latency",
        stat: "median",
        status: "successful",
        unit: "s",
    },
    Table {
        title: "TIME TO FIRST TOKEN (TTFT) - Median (milliseconds)",
        metric: "ttft",
        stat: "median",
        status: "successful",
        unit: "ms",
    },
];

/// A row of values: load, baseline, candidate and difference (each with its unit), % change.
static ROW: LazyLock<Regex> = LazyLock::new(|| {
    let value = r"(\S+?)\s*(req/s|ms|s)";
    Regex::new(&format!(r"^(\S+)\s+{value}\s+{value}\s+{value}\s+(\S+)%$")).expect("valid regex")
});

/// A level only one side has: `100          unmatched: no NATIVE-OFFLOAD result at this level`.
static UNMATCHED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\S+\s+unmatched: no \S+ result at this level$").expect("valid regex")
});

/// `Test Configuration: 30-second runs at concurrency levels [5, 25]` (seconds optional).
static CONFIGURATION: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^Test Configuration: (?:(\S+)-second )?runs at (concurrency|load) levels \[")
        .expect("valid regex")
});

impl Format for ComparisonReport {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "Multi-model comparison report of the original study script, and `report --format \
         classic` output (values per model, configuration and level, as printed)"
    }

    fn sniff(&self, head: &str) -> Option<String> {
        let mut lines = head.lines().map(str::trim_end).filter(|l| !l.is_empty());
        let rule = lines.next()?;
        let is_rule = rule.len() >= 40 && rule.bytes().all(|b| b == b'=');
        (is_rule && lines.next()?.contains(TITLE))
            .then(|| format!("a `=` rule, then the title `… {TITLE}`"))
    }

    fn parse(&self, blob: &Blob) -> Result<Parsed> {
        let (lines, invalid) = blob.text_lines();
        let mut report = Reader {
            blob,
            runs: Vec::new(),
            run_of: HashMap::new(),
            point_of: HashMap::new(),
            header: Header::default(),
            warnings: Vec::new(),
        };
        if let Some(line) = invalid {
            report.warn(line, "invalid UTF-8 replaced by U+FFFD".into());
        }
        let mut model: Option<String> = None;
        let mut table: Option<OpenTable> = None;
        for line in &lines {
            let (number, text) = (line.number, line.text.trim());
            if let Some(m) = text.strip_prefix("Model: ") {
                model = Some(m.trim().to_string());
                table = None;
            } else if let Some(spec) = TABLES.iter().find(|t| text == t.title) {
                table = Some(OpenTable {
                    spec,
                    configs: None,
                    seen: HashMap::new(),
                });
            } else if text.starts_with("KEY METRICS") || text.starts_with("CROSS-MODEL SUMMARY") {
                table = None;
            } else if let Some(open) = &mut table {
                if text.is_empty() || text.bytes().all(|b| b == b'-') {
                    continue;
                }
                match (&open.configs, &model) {
                    (None, _) => open.configs = report.table_header(number, text),
                    (Some(configs), Some(model)) => {
                        report.row(number, text, open.spec, model, configs, &mut open.seen)
                    }
                    (Some(_), None) => {
                        report.warn(number, "a table before any `Model:` line; skipped".into())
                    }
                }
            } else {
                report.header_line(number, text);
            }
        }
        report.finish(lines.last().map_or(1, |l| l.number))
    }
}

/// The table being read: what it holds, the two configurations its header names (once read),
/// and how often each load was met in it.
struct OpenTable {
    spec: &'static Table,
    configs: Option<[String; 2]>,
    seen: HashMap<String, usize>,
}

/// Run facts from the report's header lines, set on every run.
#[derive(Default)]
struct Header {
    analyzed: Option<String>,
    max_seconds: Option<f64>,
    strategy: Option<&'static str>,
    workload: [Option<i64>; 4],
}

/// The workload quantities of `Workload:`, in the order of [`Header::workload`].
const WORKLOAD: [&str; 4] = ["prompt tokens", "output tokens", "prefix tokens", "turns"];

/// The state of one parse.
struct Reader<'a> {
    blob: &'a Blob,
    runs: Vec<Run>,
    /// Position in `runs` of each model and configuration.
    run_of: HashMap<(String, String), usize>,
    /// Position in its run's load points of each run's load (text, and how often it was met
    /// in its table before).
    point_of: HashMap<(usize, String, usize), usize>,
    header: Header,
    warnings: Vec<Warning>,
}

impl Reader<'_> {
    fn warn(&mut self, line: usize, message: String) {
        self.warnings.push(Warning {
            path: self.blob.path.clone(),
            line: Some(line),
            message,
        });
    }

    /// Reads the run facts of a line outside the tables (`Analyzing:`, `Test Configuration:`,
    /// `Workload:`) into the header.
    fn header_line(&mut self, line: usize, text: &str) {
        if let Some(analyzed) = text.strip_prefix("Analyzing: ") {
            self.header.analyzed = Some(analyzed.trim().to_string());
        } else if let Some(found) = CONFIGURATION.captures(text) {
            if let Some(seconds) = found.get(1) {
                self.header.max_seconds = seconds.as_str().parse().ok();
                if self.header.max_seconds.is_none() {
                    let message = format!(
                        "`{}-second` is not one duration; `max_seconds` left unset",
                        seconds.as_str()
                    );
                    self.warn(line, message);
                }
            }
            self.header.strategy = (&found[2] == "concurrency").then_some("concurrent");
        } else if let Some(workload) = text.strip_prefix("Workload: ") {
            for part in workload.split(", ") {
                let Some((count, what)) = part.split_once(' ') else {
                    continue;
                };
                let Some(slot) = WORKLOAD.iter().position(|w| *w == what) else {
                    continue;
                };
                let count = match count.strip_suffix('K') {
                    Some(thousands) => thousands
                        .parse::<i64>()
                        .ok()
                        .and_then(|n| n.checked_mul(1000)),
                    None => count.parse().ok(),
                };
                if count.is_none() {
                    self.warn(
                        line,
                        format!("`{part}` is not one count; `{what}` left unset"),
                    );
                }
                self.header.workload[slot] = count;
            }
        }
    }

    /// The two configurations a table's header names (`Concurrency NO-OFFLOAD NATIVE-OFFLOAD
    /// Difference % Change`), lower-cased as the report upper-cased them.
    fn table_header(&mut self, line: usize, text: &str) -> Option<[String; 2]> {
        let words: Vec<&str> = text.split_whitespace().collect();
        match words.as_slice() {
            [_, baseline, candidate, "Difference", "%", "Change"] => {
                Some([baseline.to_lowercase(), candidate.to_lowercase()])
            }
            _ => {
                self.warn(
                    line,
                    format!(
                        "expected the table's header (`Concurrency <baseline> <candidate> \
                         Difference % Change`), found `{text}`; table skipped"
                    ),
                );
                None
            }
        }
    }

    /// Reads one row of a table into the runs of `model`'s two `configs`.
    fn row(
        &mut self,
        line: usize,
        text: &str,
        table: &Table,
        model: &str,
        configs: &[String; 2],
        seen: &mut HashMap<String, usize>,
    ) {
        if UNMATCHED.is_match(text) {
            // The report prints neither value of a level only one side has.
            return;
        }
        let Some(cells) = ROW.captures(text) else {
            self.warn(line, format!("`{text}` is not a row of values; skipped"));
            return;
        };
        let units = [&cells[3], &cells[5], &cells[7]];
        if units.iter().any(|u| *u != table.unit) {
            self.warn(
                line,
                format!(
                    "expected values in {}, found `{text}`; row skipped",
                    table.unit
                ),
            );
            return;
        }
        let (load_text, baseline, candidate, difference) =
            (&cells[1], &cells[2], &cells[4], &cells[6]);
        let (Some(b), Some(c)) = (finite_number(baseline), finite_number(candidate)) else {
            self.warn(
                line,
                format!("`{text}`: a value is not a number; row skipped"),
            );
            return;
        };
        let load = match load_text {
            "?" => None,
            text => match finite_number(text) {
                Some(load) => Some(load),
                None => {
                    self.warn(
                        line,
                        format!("`{load_text}` is not a load level; row skipped"),
                    );
                    return;
                }
            },
        };
        let digits = printed_decimals(baseline).max(printed_decimals(candidate));
        let step = 10f64.powi(-i32::from(digits));
        if let Some(printed) = finite_number(difference) {
            // Each value and the difference itself were rounded to the printed digits.
            if (printed - (c - b)).abs() > 1.5 * step + 1e-9 {
                self.warn(
                    line,
                    format!(
                        "the difference {difference} is not {candidate} − {baseline}; the \
                         values are kept as printed"
                    ),
                );
            }
        }
        // Loads are matched across tables by text and by how often that text was met: levels
        // without a load (`?`) stay apart.
        let nth = seen.entry(load_text.to_string()).or_default();
        let key = (load_text.to_string(), *nth);
        *nth += 1;
        for (config, value, printed) in [(&configs[0], b, baseline), (&configs[1], c, candidate)] {
            let observation = Observation {
                metric: name(table.metric),
                status: name(table.status),
                stat: name(table.stat),
                value,
                unit: name(table.unit),
                decimals: Some(printed_decimals(printed)),
                origin: Origin::Line(line),
            };
            self.observe(line, model, config, &key, load, observation);
        }
    }

    /// Adds `observation` at the load point `key` of the run of `model` and `config`; a
    /// baseline printed again beside another candidate is read once.
    fn observe(
        &mut self,
        line: usize,
        model: &str,
        config: &str,
        key: &(String, usize),
        load: Option<f64>,
        observation: Observation,
    ) {
        let next = self.runs.len();
        let run_index = *self
            .run_of
            .entry((model.to_string(), config.to_string()))
            .or_insert(next);
        if run_index == next {
            self.runs.push(Run {
                source_path: self.blob.path.clone(),
                source_format: NAME.into(),
                source_sha256: self.blob.source_sha256(),
                position: next,
                harness: "unknown".into(),
                model: Some(model.to_string()),
                config: Some(config.to_string()),
                ..Run::default()
            });
        }
        let run = &mut self.runs[run_index];
        let point_index = *self
            .point_of
            .entry((run_index, key.0.clone(), key.1))
            .or_insert_with(|| {
                run.load_points.push(LoadPoint {
                    load,
                    ..LoadPoint::default()
                });
                run.load_points.len() - 1
            });
        let point = &mut run.load_points[point_index];
        let same = point.observations.iter().find(|o| {
            o.metric == observation.metric
                && o.stat == observation.stat
                && o.status == observation.status
        });
        match same {
            None => point.observations.push(observation),
            Some(first) if first.value == observation.value => {}
            Some(first) => {
                let message = format!(
                    "{config} at load {} printed again as {} (first {} at {}); the first kept",
                    key.0, observation.value, first.value, first.origin
                );
                self.warn(line, message);
            }
        }
    }

    /// The runs, with the header's facts; an error when the report holds no values.
    fn finish(mut self, last_line: usize) -> Result<Parsed> {
        if self.runs.is_empty() {
            return Err(Error::Parse {
                path: self.blob.path.clone(),
                line: last_line,
                expected: "a `Model:` section with a comparison table".into(),
                found: "none up to the end of the input".into(),
            });
        }
        drop_padding_digits(&mut self.runs);
        let header = &self.header;
        if header.strategy.is_none() {
            self.warnings.push(Warning {
                path: self.blob.path.clone(),
                line: None,
                message: "the report does not say its levels are concurrency levels; \
                          `strategy` left empty"
                    .into(),
            });
        }
        for run in &mut self.runs {
            let labels = &mut run.labels;
            labels.max_seconds = header.max_seconds;
            labels.rate_type = header.strategy.map(String::from);
            [
                labels.prompt_tokens,
                labels.output_tokens,
                labels.prefix_tokens,
                labels.turns,
            ] = header.workload;
            if let Some(analyzed) = &header.analyzed {
                run.extra_labels.insert("analyzed".into(), analyzed.clone());
            }
            for point in &mut run.load_points {
                point.strategy = header.strategy.unwrap_or_default().into();
            }
        }
        Ok(Parsed {
            runs: self.runs,
            warnings: self.warnings,
        })
    }
}

/// Takes a last decimal that is 0 in every value of a model's table as padding: the report
/// prints latencies with two decimals (`6.20s`) of values GuideLLM's console printed with one,
/// and their rounding, which decides "within rounding", is that of the console. Each
/// observation's `decimals` then says one digit fewer. A guess: a table of few values whose
/// last digits are genuinely 0 is taken for padding too (1 in 10 per value).
fn drop_padding_digits(runs: &mut [Run]) {
    let padded = |value: f64, decimals: u8| {
        let scaled = value * 10f64.powi(i32::from(decimals) - 1);
        decimals > 0 && (scaled - scaled.round()).abs() < 1e-6
    };
    let mut models: Vec<Option<String>> = runs.iter().map(|r| r.model.clone()).collect();
    models.sort();
    models.dedup();
    for model in models {
        for table in &TABLES {
            let of_table = |o: &Observation| o.metric.as_ref() == table.metric;
            let observations = || {
                runs.iter()
                    .filter(|r| r.model == model)
                    .flat_map(|r| &r.load_points)
                    .flat_map(|p| &p.observations)
                    .filter(|o| of_table(o))
            };
            let all_padded = observations().all(|o| o.decimals.is_some_and(|d| padded(o.value, d)));
            if !all_padded || observations().next().is_none() {
                continue;
            }
            let of_model = runs.iter_mut().filter(|r| r.model == model);
            for point in of_model.flat_map(|r| &mut r.load_points) {
                for o in point.observations.iter_mut().filter(|o| of_table(o)) {
                    o.decimals = o.decimals.map(|d| d - 1);
                }
            }
        }
    }
}
