//! GuideLLM CSV reports (0.3.0 – 0.8.1), one row per benchmark. 0.3 has one header row
//! (`Successful Request latency mean`, ...); 0.4 and later have three (group, name, statistic).
//! Cells are Python `repr`s, so every number is read at full precision, with the same metric,
//! status and statistic names as the JSON report of the same run.
//!
//! GuideLLM 0.4 – 0.6 build the header from the first benchmark only and write a statistic
//! block (mean, median, std dev, percentiles) per metric and request status whose values are
//! not all zero, so a later benchmark with other statuses has more or fewer cells than the
//! header names. Such a row is placed block by block when its statuses can be told from its
//! request counts; otherwise its distributions are left out with a warning naming the line
//! (its counts, durations and load are still read). 0.7 and later align all rows.

use serde_json::Value;

use super::guidellm_json::{
    load_key, max_seconds_of, metric_name, modality_metric, read_data_spec, RUN_ID_LABEL,
};
use super::{name, Format, LoadPoint, Observation, Origin, Parsed, Run, RunLabels, Warning};
use crate::error::{Error, Result};
use crate::ingest::Blob;

/// The GuideLLM CSV report format.
pub struct GuidellmCsv;

/// Name stored in `runs.source_format`.
pub const NAME: &str = "guidellm-csv";

/// Label of a CSV report's run: its first benchmark's start, in the benchmarking machine's
/// local time without a zone (`2026-11-29 17:01:36`), as the CSV gives it.
pub const START_TIME_LOCAL_LABEL: &str = "start_time_local";

/// The statistics of a `Percentiles` cell (`[min, p001, ..., p99, max]`; p50 is the median
/// column), in the order GuideLLM writes them in every version.
const PERCENTILE_LIST: [&str; 11] = [
    "min", "p001", "p01", "p05", "p10", "p25", "p75", "p90", "p95", "p99", "max",
];

/// Request statuses in the order GuideLLM 0.4+ writes their statistic blocks.
const BLOCK_STATUSES: [&str; 3] = ["successful", "incomplete", "errored"];

impl Format for GuidellmCsv {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "GuideLLM CSV report (0.3.0 – 0.8.1)"
    }

    fn sniff(&self, head: &str) -> Option<String> {
        let first = head.lines().next()?;
        if first.starts_with("Type,Run Id,Id,Name,") {
            Some("GuideLLM 0.3 CSV header (`Type,Run Id,Id,Name,...`)".into())
        } else if first.starts_with("Run Info,Run Info,") {
            Some("GuideLLM CSV group header (`Run Info,Run Info,...`)".into())
        } else {
            None
        }
    }

    fn parse(&self, blob: &Blob) -> Result<Parsed> {
        let mut warnings = Vec::new();
        let mut warn = |line: Option<usize>, message: String| {
            warnings.push(Warning {
                path: blob.path.clone(),
                line,
                message,
            })
        };
        let text = match std::str::from_utf8(&blob.bytes) {
            Ok(text) => std::borrow::Cow::Borrowed(text),
            Err(e) => {
                let line = blob.bytes[..e.valid_up_to()]
                    .iter()
                    .filter(|&&b| b == b'\n')
                    .count()
                    + 1;
                warn(
                    Some(line),
                    "invalid UTF-8 (replaced by U+FFFD from here on where it occurs)".into(),
                );
                String::from_utf8_lossy(&blob.bytes)
            }
        };
        let (records, cut) = records(&text);
        if let Some(line) = cut {
            warn(
                Some(line),
                "the last row has no line end (the file is cut); it is not read".into(),
            );
        }
        let header_rows = match records.first() {
            Some(first) if first.cells.first().is_some_and(|c| c == "Type") => 1,
            _ => 3,
        };
        if records.len() < header_rows {
            return Err(Error::Parse {
                path: blob.path.clone(),
                line: records.last().map_or(1, |r| r.line + 1),
                expected: format!("{header_rows} header rows of a GuideLLM CSV report"),
                found: "end of file".into(),
            });
        }
        let header = Header::read(&records[..header_rows]);
        if !header.unknown.is_empty() {
            warn(
                Some(1),
                format!(
                    "statistic columns of unknown metrics not read: {}",
                    header.unknown.join(", ")
                ),
            );
        }
        let mut run = Run {
            source_path: blob.path.clone(),
            source_format: NAME.into(),
            source_sha256: blob.source_sha256(),
            harness: "guidellm".into(),
            ..Run::default()
        };
        for (index, record) in records[header_rows..].iter().enumerate() {
            let columns = match header.place(record) {
                Placement::Header => header.columns.clone(),
                Placement::Realigned(columns) => columns,
                Placement::Unplaceable(reason) => {
                    warn(
                        Some(record.line),
                        format!(
                            "benchmark {index}: {reason}; its distributions are not read (its \
                             request counts, durations and load are; the JSON report of the \
                             run has everything)"
                        ),
                    );
                    header.fixed_columns()
                }
            };
            let row = Row {
                line: record.line,
                index,
                cells: &record.cells,
                columns: &columns,
            };
            if index == 0 {
                row.describe_run(&mut run);
            }
            let (point, problems) = row.load_point();
            for problem in problems {
                warn(Some(record.line), problem);
            }
            run.load_points.push(point);
        }
        if run.model.is_none() {
            warn(None, super::NO_MODEL.into());
        }
        Ok(Parsed {
            runs: vec![run],
            warnings,
        })
    }
}

/// One CSV record and the line it starts on.
struct Record {
    line: usize,
    cells: Vec<String>,
}

/// Splits `text` into records (RFC 4180: quoted cells, doubled quotes, line ends inside
/// quotes, `\r\n` or `\n`), skipping blank lines. A last record without its line end is left
/// out and its line returned.
fn records(text: &str) -> (Vec<Record>, Option<usize>) {
    let mut out = Vec::new();
    let (mut cells, mut cell) = (Vec::new(), String::new());
    let (mut line, mut start, mut quoted, mut was_quoted) = (1, 1, false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    cell.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    cell.push(c);
                }
                _ => cell.push(c),
            }
            continue;
        }
        match c {
            '"' if cell.is_empty() && !was_quoted => {
                quoted = true;
                was_quoted = true;
            }
            ',' => {
                cells.push(std::mem::take(&mut cell));
                was_quoted = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                cells.push(std::mem::take(&mut cell));
                was_quoted = false;
                if !(cells.len() == 1 && cells[0].is_empty()) {
                    out.push(Record {
                        line: start,
                        cells: std::mem::take(&mut cells),
                    });
                }
                cells.clear();
                line += 1;
                start = line;
            }
            _ => cell.push(c),
        }
    }
    let cut = (quoted || !cell.is_empty() || !cells.is_empty()).then_some(start);
    (out, cut)
}

/// What one column holds.
#[derive(Debug, Clone, PartialEq)]
enum Column {
    /// One statistic cell of a distribution.
    Stat {
        metric: String,
        unit: String,
        status: String,
        stat: Stat,
    },
    /// The number of requests of a status.
    Count(String),
    /// A duration in seconds (`duration`, `warmup_duration`, `cooldown_duration`).
    Seconds(&'static str),
    /// The benchmark's label or strategy (`concurrent@5`, `constant`).
    Strategy,
    /// GuideLLM's id of the run.
    RunId,
    /// The position of the benchmark in the run (0.4+).
    RunIndex,
    /// The profile, as JSON (0.4+).
    Profile,
    /// The strategy and profile arguments, as JSON (0.3.1 `Args`).
    Args,
    /// The backend, as JSON (0.4+ `Backend`, 0.3.1 `Worker`).
    Backend,
    /// Text holding the data spec (0.4+ `Requests`, 0.3.1 `Request Loader`).
    Spec,
    /// The benchmark's constraints, as JSON (0.4+ `Benchmark` / `Constraints`).
    Constraints,
    /// The report's arguments, as JSON (0.5+ `Runtime Info` / `Arguments`).
    Arguments,
    /// The runtime metadata, as JSON (0.5+).
    Metadata,
    /// The benchmark's start, local time of the benchmarking machine.
    StartTime,
    /// A column not read.
    Skip,
}

/// Which statistic cell of a distribution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stat {
    Mean,
    Median,
    StdDev,
    /// `[min, p001, ..., p99, max]`.
    Percentiles,
    /// `[lower, upper]` (0.8+).
    MeanCi,
    /// `{"p25": [lower, upper], ...}` (0.8+).
    PercentileCis,
}

impl Stat {
    fn from_header(text: &str) -> Option<Stat> {
        Some(match text {
            "Mean" | "mean" => Stat::Mean,
            "Median" | "median" => Stat::Median,
            "Std Dev" | "std dev" => Stat::StdDev,
            "Percentiles" | "[min, 0.1, 1, 5, 10, 25, 75, 90, 95, 99, max]" => Stat::Percentiles,
            "Mean CI" => Stat::MeanCi,
            "Percentile CIs" => Stat::PercentileCis,
            _ => return None,
        })
    }
}

/// The columns a header names, and what is needed to place rows that do not fit it.
struct Header {
    columns: Vec<Column>,
    /// Headers of statistic columns whose metric is not known.
    unknown: Vec<String>,
    /// 0.4 – 0.6: the statistic blocks sit between these columns and their statuses depend
    /// on the row.
    blocks: Option<std::ops::Range<usize>>,
}

/// How a row lines up with the header.
enum Placement {
    /// Cell by cell.
    Header,
    /// Statistic blocks placed by the row's own request statuses.
    Realigned(Vec<Column>),
    /// Its statistic blocks cannot be placed, for the reason given.
    Unplaceable(String),
}

impl Header {
    fn read(rows: &[Record]) -> Header {
        let width = rows.iter().map(|r| r.cells.len()).max().unwrap_or(0);
        let cell = |row: usize, col: usize| {
            rows.get(row)
                .and_then(|r| r.cells.get(col))
                .map_or("", |c| c.trim())
        };
        let mut unknown = Vec::new();
        let columns: Vec<Column> = (0..width)
            .map(|col| {
                let column = if rows.len() == 1 {
                    column_v03(cell(0, col))
                } else {
                    column_v04(cell(0, col), cell(1, col), cell(2, col))
                };
                if let Err(name) = &column {
                    unknown.push(name.clone());
                }
                column.unwrap_or(Column::Skip)
            })
            .collect();
        // Rows are written by one code path per version: 0.7+ align every row to one header
        // (they have a `Time to First Output Token` group or CI columns), 0.4 – 0.6 do not.
        let aligned = rows.len() == 1
            || (0..width).any(|c| {
                matches!(
                    cell(0, c),
                    "Time to First Output Token" | "Measurement Uncertainty"
                )
            });
        let stats: Vec<usize> = columns
            .iter()
            .enumerate()
            .filter(|(_, c)| matches!(c, Column::Stat { .. }))
            .map(|(i, _)| i)
            .collect();
        let blocks = match (aligned, stats.first(), stats.last()) {
            (false, Some(&first), Some(&last)) => Some(first..last + 1),
            _ => None,
        };
        Header {
            columns,
            unknown,
            blocks,
        }
    }

    /// The columns outside the statistic blocks (for a row whose blocks cannot be placed).
    fn fixed_columns(&self) -> Vec<Column> {
        let end = self
            .columns
            .iter()
            .position(|c| matches!(c, Column::Stat { .. }))
            .unwrap_or(self.columns.len());
        self.columns[..end].to_vec()
    }

    /// How `record` lines up with this header.
    fn place(&self, record: &Record) -> Placement {
        let cells = &record.cells;
        let counts: Vec<(&str, f64)> = self
            .columns
            .iter()
            .zip(cells)
            .filter_map(|(column, cell)| match column {
                Column::Count(status) => cell.parse().ok().map(|n| (status.as_str(), n)),
                _ => None,
            })
            .collect();
        let has = |status: &str| counts.iter().any(|&(s, n)| s == status && n > 0.0);
        let fits = cells.len() == self.columns.len()
            && self
                .columns
                .iter()
                .zip(cells)
                .all(|(column, cell)| match column {
                    Column::Stat { status, stat, .. } => {
                        cell.is_empty()
                            || ((*stat != Stat::Percentiles || cell.starts_with('['))
                                && (self.blocks.is_none() || status == "total" || has(status)))
                    }
                    _ => true,
                });
        if fits {
            return Placement::Header;
        }
        let Some(blocks) = &self.blocks else {
            return Placement::Unplaceable(format!(
                "it has {} cells where the header names {}",
                cells.len(),
                self.columns.len()
            ));
        };
        // The metrics in header order, each written once per status it has data for.
        let mut metrics: Vec<(&str, &str)> = Vec::new();
        for column in &self.columns[blocks.clone()] {
            if let Column::Stat { metric, unit, .. } = column {
                if metrics.last() != Some(&(metric.as_str(), unit.as_str())) {
                    metrics.push((metric, unit));
                }
            }
        }
        let mut found = 0;
        while cells
            .get(blocks.start + 4 * found + 3)
            .is_some_and(|c| c.starts_with('['))
        {
            found += 1;
        }
        let statuses: Vec<&str> = BLOCK_STATUSES.into_iter().filter(|s| has(s)).collect();
        if found != metrics.len() * statuses.len() {
            return Placement::Unplaceable(format!(
                "it has {found} statistic blocks for {} metrics and {} request statuses with \
                 requests ({}), and GuideLLM wrote the header for the first benchmark only, so \
                 which status each block belongs to cannot be told",
                metrics.len(),
                statuses.len(),
                statuses.join(", ")
            ));
        }
        let mut columns = self.columns[..blocks.start].to_vec();
        for (metric, unit) in metrics {
            for status in &statuses {
                for stat in [Stat::Mean, Stat::Median, Stat::StdDev, Stat::Percentiles] {
                    columns.push(Column::Stat {
                        metric: metric.into(),
                        unit: unit.into(),
                        status: (*status).into(),
                        stat,
                    });
                }
            }
        }
        Placement::Realigned(columns)
    }
}

/// A 0.3.1 header cell (`Successful Request latency mean`); `Err` names an unknown metric.
fn column_v03(name: &str) -> Result<Column, String> {
    Ok(match name {
        "Name" => Column::Strategy,
        "Run Id" => Column::RunId,
        "Duration" => Column::Seconds("duration"),
        "Args" => Column::Args,
        "Worker" => Column::Backend,
        "Request Loader" => Column::Spec,
        "Start Time" => Column::StartTime,
        _ => {
            let Some((status, rest)) = name.split_once(' ') else {
                return Ok(Column::Skip);
            };
            let status = status.to_lowercase();
            if !matches!(
                status.as_str(),
                "successful" | "errored" | "incomplete" | "total"
            ) {
                return Ok(Column::Skip);
            }
            if rest == "Requests" {
                return Ok(Column::Count(status));
            }
            let Some((display, stat)) = [
                " mean",
                " median",
                " std dev",
                " [min, 0.1, 1, 5, 10, 25, 75, 90, 95, 99, max]",
            ]
            .iter()
            .find_map(|s| {
                rest.strip_suffix(s)
                    .and_then(|d| Stat::from_header(&s[1..]).map(|stat| (d, stat)))
            }) else {
                return Ok(Column::Skip);
            };
            let key = match display {
                "Requests per second" => "requests_per_second",
                "Request concurrency" => "request_concurrency",
                "Request latency" => "request_latency",
                "Prompt token count" => "prompt_token_count",
                "Output token count" => "output_token_count",
                "Time to first token ms" => "time_to_first_token_ms",
                "Time per output token ms" => "time_per_output_token_ms",
                "Inter token latency ms" => "inter_token_latency_ms",
                "Output tokens per second" => "output_tokens_per_second",
                "Tokens per second" => "tokens_per_second",
                _ => return Err(name.to_string()),
            };
            let (metric, unit) = metric_name(key);
            Column::Stat {
                metric,
                unit,
                status,
                stat,
            }
        }
    })
}

/// A 0.4+ header column (group, name, unit or statistic); `Err` names an unknown metric.
fn column_v04(group: &str, name: &str, third: &str) -> Result<Column, String> {
    Ok(match (group, name) {
        ("Run Info", "Run ID") => Column::RunId,
        ("Run Info", "Run Index") => Column::RunIndex,
        ("Run Info", "Profile") => Column::Profile,
        ("Run Info", "Requests") => Column::Spec,
        ("Runtime Info", "Arguments") => Column::Arguments,
        ("Run Info", "Backend") => Column::Backend,
        ("Runtime Info", "Metadata") => Column::Metadata,
        ("Benchmark", "Strategy") => Column::Strategy,
        ("Benchmark", "Constraints") => Column::Constraints,
        ("Timings", "Start Time") => Column::StartTime,
        ("Timings", "Duration") => Column::Seconds("duration"),
        ("Timings", "Warmup") => Column::Seconds("warmup_duration"),
        ("Timings", "Cooldown") => Column::Seconds("cooldown_duration"),
        ("Request Counts", status) => Column::Count(status.to_lowercase()),
        _ => {
            let Some(stat) = Stat::from_header(third) else {
                return Ok(Column::Skip);
            };
            let (status, units) = match name.split_once(' ') {
                Some((s @ ("Successful" | "Incomplete" | "Errored" | "Total"), rest)) => {
                    (s.to_lowercase(), rest)
                }
                _ => ("total".to_string(), name),
            };
            let Some((metric, unit)) = metric_v04(group, units) else {
                // Scheduler timings are not read from the JSON report either.
                return if group == "Generation Delay" {
                    Ok(Column::Skip)
                } else {
                    Err(format!("{group} / {name} / {third}"))
                };
            };
            Column::Stat {
                metric,
                unit,
                status,
                stat,
            }
        }
    })
}

/// Our metric and unit for a 0.4+ statistic group and unit (`Time to First Token`, `ms`).
fn metric_v04(group: &str, units: &str) -> Option<(String, String)> {
    let key = match (group, units) {
        ("Request Latency", "Sec") => "request_latency",
        ("Dispatch Delay", "Sec") => "request_dispatch_delay",
        ("Scheduled Latency", "Sec") => "request_scheduled_latency",
        ("Turn Scheduling Delay", "Sec") => "turn_scheduling_delay",
        ("Turn Predecessor Delay", "Sec") => "turn_predecessor_delay",
        ("Streaming Iterations", "Count") => "request_streaming_iterations_count",
        ("Time to First Token", "ms") => "time_to_first_token_ms",
        ("Time to First Output Token", "ms") => "time_to_first_output_token_ms",
        ("Time per Output Token", "ms") => "time_per_output_token_ms",
        ("Inter Token Latency", "ms") => "inter_token_latency_ms",
        ("Server Throughput", "Requests/Sec") => "requests_per_second",
        ("Server Throughput", "Concurrency") => "request_concurrency",
        ("Token Metrics", "Input Tokens") => "prompt_token_count",
        ("Token Metrics", "Output Tokens") => "output_token_count",
        ("Token Metrics", "Total Tokens") => "total_token_count",
        ("Token Throughput", "Input Tokens/Sec") => "prompt_tokens_per_second",
        ("Token Throughput", "Output Tokens/Sec") => "output_tokens_per_second",
        ("Token Throughput", "Total Tokens/Sec") => "tokens_per_second",
        ("Token Streaming", "Output Tokens/Iter") => "output_tokens_per_iteration",
        ("Token Streaming", "Iter Tokens/Iter") => "iter_tokens_per_iteration",
        _ => {
            // `Text Tokens` / `Input` → metrics.text.tokens.input, likewise for the other
            // modalities and kinds.
            let (modality, kind) = group.split_once(' ')?;
            let modality = modality.to_lowercase();
            if !matches!(
                modality.as_str(),
                "text" | "image" | "video" | "audio" | "tool"
            ) {
                return None;
            }
            let (modality, kind) = match (modality.as_str(), kind) {
                ("tool", kind) => ("tool_call".to_string(), kind.strip_prefix("Call ")?),
                _ => (modality, kind),
            };
            let kind = kind.to_lowercase().replace(' ', "_");
            let direction = units.to_lowercase();
            if !matches!(direction.as_str(), "input" | "output" | "total") {
                return None;
            }
            return Some(modality_metric(&modality, &kind, &direction));
        }
    };
    Some(metric_name(key))
}

/// One data row with the columns it lines up with.
struct Row<'a> {
    line: usize,
    index: usize,
    cells: &'a [String],
    columns: &'a [Column],
}

impl Row<'_> {
    /// The non-empty cells of the columns matching `want`.
    fn cells_of(&self, want: impl Fn(&Column) -> bool) -> impl Iterator<Item = &str> {
        self.columns
            .iter()
            .zip(self.cells)
            .filter(move |(c, cell)| want(c) && !cell.is_empty())
            .map(|(_, cell)| cell.as_str())
    }

    fn json_of(&self, want: impl Fn(&Column) -> bool) -> Option<Value> {
        self.cells_of(want)
            .find_map(|cell| serde_json::from_str(cell).ok())
    }

    /// Run-level facts (model, version, workload labels) from the first row.
    fn describe_run(&self, run: &mut Run) {
        let backend = self.json_of(|c| *c == Column::Backend);
        let arguments = self.json_of(|c| *c == Column::Arguments);
        run.model = [
            backend.as_ref().and_then(|b| b.get("model")),
            backend.as_ref().and_then(|b| b.get("backend_model")),
            arguments.as_ref().and_then(|a| a.get("model")),
            arguments
                .as_ref()
                .and_then(|a| a.pointer("/backend_kwargs/model")),
        ]
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .find(|m| !m.is_empty())
        .map(String::from);
        run.harness_version = self
            .json_of(|c| *c == Column::Metadata)
            .and_then(|m| m.get("guidellm_version")?.as_str().map(String::from));
        let mut labels = RunLabels::default();
        for spec in self.cells_of(|c| matches!(c, Column::Spec | Column::Arguments)) {
            read_data_spec(spec, &mut labels);
            if labels.random_seed.is_none() {
                labels.random_seed = serde_json::from_str::<Value>(spec)
                    .ok()
                    .and_then(|v| v.get("random_seed")?.as_i64());
            }
        }
        let profile = self.json_of(|c| *c == Column::Profile).or_else(|| {
            self.json_of(|c| *c == Column::Args)
                .and_then(|a| a.get("profile").cloned())
        });
        labels.rate_type = profile.as_ref().and_then(|p| {
            let kind = p.get("type_").or_else(|| p.get("kind"))?.as_str()?;
            Some(match (kind, p.get("strategy_type")) {
                ("async", Some(Value::String(s))) => s.clone(),
                _ => kind.to_string(),
            })
        });
        labels.max_seconds = match self.json_of(|c| *c == Column::Constraints) {
            Some(constraints) => max_seconds_of(&constraints),
            None => self
                .json_of(|c| *c == Column::Args)
                .and_then(|a| a.get("max_duration")?.as_f64()),
        };
        run.labels = labels;
        if let Some(id) = self.cells_of(|c| *c == Column::RunId).next() {
            run.extra_labels.insert(RUN_ID_LABEL.into(), id.to_string());
        }
        if let Some(start) = self.cells_of(|c| *c == Column::StartTime).next() {
            run.extra_labels
                .insert(START_TIME_LOCAL_LABEL.into(), start.to_string());
        }
    }

    /// The strategy and load of this benchmark, and a problem when the load is not known.
    fn strategy(&self) -> (String, Option<f64>, Option<String>) {
        let label = self
            .cells_of(|c| *c == Column::Strategy)
            .next()
            .unwrap_or("");
        let (kind, at) = match label.split_once('@') {
            Some((kind, load)) => (kind.to_string(), load.parse::<f64>().ok()),
            None => (label.to_string(), None),
        };
        // The exact value where the row has it: 0.3.1's `Args.strategy`, 0.4 – 0.6's
        // `Profile.completed_strategies[Run Index]`, 0.7's profile `streams`/`rate` lists.
        let exact = self
            .json_of(|c| *c == Column::Args)
            .and_then(|a| a.get("strategy").cloned())
            .or_else(|| {
                let index = self
                    .cells_of(|c| *c == Column::RunIndex)
                    .next()?
                    .parse::<usize>()
                    .ok()?;
                let profile = self.json_of(|c| *c == Column::Profile)?;
                if let Some(done) = profile.get("completed_strategies") {
                    return done.get(index).cloned();
                }
                let key = load_key(&kind);
                let value = match profile.get(key)? {
                    Value::Array(list) => list.get(index)?.clone(),
                    other => other.clone(),
                };
                Some(serde_json::json!({ key: value }))
            });
        let exact = exact.filter(|s| {
            s.get("type_")
                .and_then(Value::as_str)
                .is_none_or(|t| t == kind)
        });
        let load = exact
            .as_ref()
            .and_then(|s| s.get(load_key(&kind))?.as_f64())
            .or(at);
        // Without a strategy record the CSV cannot say the load; with one that has no load
        // (synchronous, an uncapped throughput run) there is none, as in the JSON report.
        let problem = (load.is_none() && exact.is_none() && kind != "synchronous").then(|| {
            format!(
                "benchmark {}: the CSV does not say the load of this `{kind}` benchmark; \
                 `load` left null (the JSON report has it)",
                self.index
            )
        });
        (kind, load, problem)
    }

    /// The load point of this row, and problems met reading it.
    fn load_point(&self) -> (LoadPoint, Vec<String>) {
        let (strategy, load, problem) = self.strategy();
        let mut problems: Vec<String> = problem.into_iter().collect();
        let mut observations = Vec::new();
        for (col, (column, cell)) in self.columns.iter().zip(self.cells).enumerate() {
            let cell = cell.trim();
            if cell.is_empty() {
                continue;
            }
            let origin = Origin::Cell {
                line: self.line,
                column: col + 1,
            };
            // `nan` is GuideLLM's missing value: nothing to store.
            let mut push = |metric: &str, status: &str, stat: &str, value: f64, unit: &str| {
                if value.is_nan() {
                    return;
                }
                observations.push(Observation {
                    metric: name(metric),
                    status: name(status),
                    stat: name(stat),
                    value,
                    unit: name(unit),
                    decimals: None,
                    origin: origin.clone(),
                })
            };
            let values = match column {
                Column::Count(status) => {
                    number(cell).map(|v| push("requests", status, "count", v, "1"))
                }
                Column::Seconds(metric) => {
                    number(cell).map(|v| push(metric, "total", "value", v, "s"))
                }
                Column::Stat {
                    metric,
                    unit,
                    status,
                    stat,
                } => stat_values(*stat, cell).map(|pairs| {
                    for (name, value) in pairs {
                        push(metric, status, &name, value, unit);
                    }
                }),
                _ => Ok(()),
            };
            if let Err(expected) = values {
                problems.push(format!(
                    "column {}: expected {expected}, found {:?}; not read",
                    col + 1,
                    shorten(cell)
                ));
            }
        }
        (
            LoadPoint {
                strategy,
                load,
                observations,
                requests: Vec::new(),
            },
            problems,
        )
    }
}

/// A number cell.
fn number(cell: &str) -> Result<f64, String> {
    match cell.parse::<f64>() {
        Ok(v) => Ok(v),
        Err(_) => Err("a number".into()),
    }
}

/// The named values of one statistic cell.
fn stat_values(stat: Stat, cell: &str) -> Result<Vec<(String, f64)>, String> {
    let list = |cell: &str, len: usize| -> Result<Vec<f64>, String> {
        let expected = || format!("a list of {len} numbers");
        let inner = cell
            .strip_prefix('[')
            .and_then(|c| c.strip_suffix(']'))
            .ok_or_else(expected)?;
        let values: Vec<f64> = inner
            .split(',')
            .map(|v| v.trim().parse::<f64>())
            .collect::<Result<_, _>>()
            .map_err(|_| expected())?;
        if values.len() == len {
            Ok(values)
        } else {
            Err(expected())
        }
    };
    let named = |names: &[&str], values: Vec<f64>| {
        names
            .iter()
            .zip(values)
            .map(|(n, v)| (n.to_string(), v))
            .collect()
    };
    Ok(match stat {
        Stat::Mean => vec![("mean".into(), number(cell)?)],
        Stat::Median => vec![("median".into(), number(cell)?)],
        Stat::StdDev => vec![("std".into(), number(cell)?)],
        Stat::Percentiles => named(&PERCENTILE_LIST, list(cell, 11)?),
        Stat::MeanCi => named(&["mean_ci_lower", "mean_ci_upper"], list(cell, 2)?),
        Stat::PercentileCis => {
            let expected = || "a JSON object of [lower, upper] pairs".to_string();
            let Value::Object(cis) = serde_json::from_str(cell).map_err(|_| expected())? else {
                return Err(expected());
            };
            let mut out = Vec::new();
            for (key, bounds) in cis {
                match bounds.as_array().map(|b| b.as_slice()) {
                    None if bounds.is_null() => {}
                    Some([lower, upper]) => {
                        for (bound, v) in [("lower", lower), ("upper", upper)] {
                            let v = v.as_f64().ok_or_else(expected)?;
                            out.push((format!("{key}_ci_{bound}"), v));
                        }
                    }
                    _ => return Err(expected()),
                }
            }
            out
        }
    })
}

/// `text` cut to a length fit for a message.
fn shorten(text: &str) -> String {
    match text.char_indices().nth(60) {
        Some((i, _)) => format!("{}…", &text[..i]),
        None => text.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_quoted_cells_crlf_and_cut_rows() {
        let (records, cut) = records("a,\"b,\"\"c\"\"\"\r\n\r\n1,\"x\ny\"\n2,3");
        assert_eq!(records.len(), 2);
        assert_eq!(records[0].cells, ["a", "b,\"c\""]);
        assert_eq!(records[1].line, 3);
        assert_eq!(records[1].cells, ["1", "x\ny"]);
        assert_eq!(cut, Some(5));
    }

    #[test]
    fn reads_every_statistic_cell() {
        assert_eq!(
            stat_values(Stat::MeanCi, "[1.5, 2.25]").unwrap(),
            [
                ("mean_ci_lower".to_string(), 1.5),
                ("mean_ci_upper".into(), 2.25)
            ]
        );
        let cis = stat_values(Stat::PercentileCis, r#"{"p01":null,"p25":[1.0,2.0]}"#).unwrap();
        assert_eq!(
            cis,
            [
                ("p25_ci_lower".to_string(), 1.0),
                ("p25_ci_upper".into(), 2.0)
            ]
        );
        assert!(stat_values(Stat::Percentiles, "[1.0, 2.0]").is_err());
        assert!(stat_values(Stat::Mean, "nan").unwrap()[0].1.is_nan());
    }
}
