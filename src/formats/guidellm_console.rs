//! GuideLLM console output: 0.3's wrapped `Benchmarks Info:`/`Stats:` tables, and from 0.4 to
//! 0.8 the `✔` setup lines and the five `ℹ` result
//! tables (Run Summary Info, Text Metrics, Request Token, Request Latency and Server
//! Throughput Statistics). Columns are identified from the header rows (group / name /
//! statistic), never by position.

use std::path::Path;
use std::rc::Rc;
use std::sync::LazyLock;

use memchr::memmem;
use regex::Regex;

use super::{
    Format, LoadPoint, Name, Observation, Origin, ParseOptions, Parsed, Run, RunLabels, Warning,
};
use crate::error::{Error, Result};
use crate::ingest::{Blob, TextLine};
use crate::schema;

/// The GuideLLM console format.
pub struct GuidellmConsole;

/// Name stored in `runs.source_format`.
pub const NAME: &str = "guidellm-console";

const TABLE_TITLES: &[(&str, TableKind)] = &[
    ("Run Summary Info", TableKind::RunSummary),
    ("Text Metrics Statistics", TableKind::TextMetrics),
    ("Request Token Statistics", TableKind::RequestTokens),
    ("Request Latency Statistics", TableKind::RequestLatency),
    ("Server Throughput Statistics", TableKind::ServerThroughput),
];

impl Format for GuidellmConsole {
    fn name(&self) -> &'static str {
        NAME
    }

    fn description(&self) -> &'static str {
        "GuideLLM console output, 0.3.0 – 0.8.1 (console.log, tty captures)"
    }

    fn sniff(&self, head: &str) -> Option<String> {
        if super::is_markdown(head) {
            return None;
        }
        let markers = TABLE_TITLES
            .iter()
            .map(|(title, _)| format!("ℹ {title}"))
            .chain(
                [
                    "backend validated with model",
                    "Setup complete, starting benchmarks",
                    "Benchmarks Info:",
                    "Benchmarks Stats:",
                ]
                .map(String::from),
            );
        for marker in markers {
            if let Some(line) = head.lines().position(|l| printed(l, &marker)) {
                return Some(format!("line {} holds GuideLLM's `{marker}`", line + 1));
            }
        }
        None
    }

    fn parse(&self, blob: &Blob) -> Result<Parsed> {
        self.parse_with(blob, &ParseOptions::default())
    }

    fn parse_with(&self, blob: &Blob, options: &ParseOptions) -> Result<Parsed> {
        let (lines, invalid) = blob.text_lines();
        let mut parsed = Parsed::default();
        if let Some(line) = invalid {
            parsed.warnings.push(Warning {
                path: blob.path.clone(),
                line: Some(line),
                message: "invalid UTF-8 replaced by U+FFFD".into(),
            });
        }
        for segment in invocations(&lines) {
            let mut console = parse_lines(&blob.path, segment, options);
            parsed.warnings.append(&mut console.warnings);
            if console.load_points.is_empty() {
                if let Some(first) = segment.first() {
                    parsed.warnings.push(Warning {
                        path: blob.path.clone(),
                        line: Some(first.number),
                        message: "GuideLLM invocation without result tables; skipped".into(),
                    });
                }
                continue;
            }
            assign_loads(&blob.path, &mut console, None, &mut parsed.warnings);
            if console.profile.model.is_none() {
                parsed.warnings.push(Warning {
                    path: blob.path.clone(),
                    line: segment.first().map(|l| l.number),
                    message: "no `backend validated with model` line; `model` left null".into(),
                });
            }
            parsed.runs.push(Run {
                source_path: blob.path.clone(),
                source_format: NAME.into(),
                position: parsed.runs.len(),
                harness: "guidellm".into(),
                model: console.profile.model.clone(),
                labels: console.labels(),
                load_points: console.load_points,
                ..Run::default()
            });
        }
        if parsed.runs.is_empty() {
            return Err(no_tables_error(&blob.path, &lines, &parsed.warnings));
        }
        let sha256 = blob.source_sha256();
        for run in &mut parsed.runs {
            run.source_sha256 = sha256.clone();
        }
        Ok(parsed)
    }
}

/// Splits console output holding several GuideLLM invocations (one after another in the
/// same file) at each one's first setup line.
fn invocations<'a>(lines: &'a [TextLine<'a>]) -> Vec<&'a [TextLine<'a>]> {
    let starts: Vec<usize> = lines
        .iter()
        .enumerate()
        .filter(|(_, l)| l.text.starts_with("✔ ") && l.text.contains("backend validated"))
        .map(|(i, _)| i)
        .skip(1)
        .collect();
    let mut segments = Vec::new();
    let mut from = 0;
    for start in starts {
        segments.push(&lines[from..start]);
        from = start;
    }
    segments.push(&lines[from..]);
    segments
}

/// The error for an input in which no result table could be read: the first problem met in
/// a table, or else that there was none.
fn no_tables_error(path: &Path, lines: &[TextLine], warnings: &[Warning]) -> Error {
    match warnings.iter().find(|w| w.message.starts_with("table `")) {
        Some(w) => Error::Parse {
            path: path.to_path_buf(),
            line: w.line.unwrap_or(1),
            expected: "a readable GuideLLM result table".into(),
            found: w.message.clone(),
        },
        None => Error::Parse {
            path: path.to_path_buf(),
            line: lines.last().map_or(1, |l| l.number),
            expected: "GuideLLM result tables (`ℹ Run Summary Info`, …)".into(),
            found: "none up to the end of the input".into(),
        },
    }
}

/// What the console output says about the run as a whole.
#[derive(Debug, Default, Clone)]
pub struct Profile {
    /// Model the backend was validated with.
    pub model: Option<String>,
    /// Profile type (`type_='concurrent'`, `'sweep'`, `'async'`, ...).
    pub kind: Option<String>,
    /// Stream counts of a concurrent profile and the line they were read from.
    pub streams: Option<(usize, Vec<f64>)>,
    /// Rates of a constant/poisson profile and the line they were read from.
    pub rates: Option<(usize, Vec<f64>)>,
    /// `max_seconds` constraint.
    pub max_seconds: Option<f64>,
    /// Random seed of the request loader.
    pub random_seed: Option<i64>,
    /// Workload spec numbers (`prompt_tokens`, `output_tokens`, `prefix_tokens`, `turns`).
    pub data: Vec<(String, i64)>,
}

/// The parsed console output of one GuideLLM invocation.
#[derive(Debug, Default, Clone)]
pub struct ConsoleOutput {
    /// Setup facts.
    pub profile: Profile,
    /// One load point per benchmark row, loads not yet assigned (see [`assign_loads`]).
    pub load_points: Vec<LoadPoint>,
    /// Line of each load point's first table row.
    pub row_lines: Vec<usize>,
    /// Problems worked around.
    pub warnings: Vec<Warning>,
}

impl ConsoleOutput {
    /// Run labels the console output itself provides.
    pub fn labels(&self) -> RunLabels {
        let data = |key: &str| {
            self.profile
                .data
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| *v)
        };
        RunLabels {
            prompt_tokens: data("prompt_tokens"),
            output_tokens: data("output_tokens"),
            prefix_tokens: data("prefix_tokens"),
            turns: data("turns"),
            max_seconds: self.profile.max_seconds,
            random_seed: self.profile.random_seed,
            rate_type: self.rate_type(),
            ..RunLabels::default()
        }
    }

    /// The strategy shared by every load point, or else the profile type.
    fn rate_type(&self) -> Option<String> {
        let first = self.load_points.first()?.strategy.clone();
        if self.load_points.iter().all(|p| p.strategy == first) {
            Some(first)
        } else {
            self.profile.kind.clone()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum TableKind {
    RunSummary,
    TextMetrics,
    RequestTokens,
    RequestLatency,
    ServerThroughput,
    /// 0.3.1's `Benchmarks Info:` table.
    BenchmarksInfo,
    /// 0.3.1's `Benchmarks Stats:` table.
    BenchmarksStats,
}

/// 0.3.1's two tables, drawn at the console width and wrapped (80 columns when piped).
const WRAPPED_TITLES: &[(&str, TableKind)] = &[
    ("Benchmarks Info:", TableKind::BenchmarksInfo),
    ("Benchmarks Stats:", TableKind::BenchmarksStats),
];

/// What one table column holds.
#[derive(Debug, Clone)]
struct Column {
    metric: Name,
    status: Name,
    stat: Name,
    unit: Name,
    time_of_day: bool,
}

/// Parses console lines: setup facts and every result table. Never fails: problems become
/// warnings, and an input without tables gives no load points.
pub fn parse_lines(path: &Path, lines: &[TextLine], options: &ParseOptions) -> ConsoleOutput {
    let mut out = ConsoleOutput {
        profile: parse_profile(lines),
        ..ConsoleOutput::default()
    };
    let mut set: Vec<Block> = Vec::new();
    let mut seen: Vec<TableKind> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let title = super::trim(&lines[i].text);
        if let Some((title, kind)) = WRAPPED_TITLES.iter().find(|(t, _)| title == *t) {
            let (next, blocks) =
                parse_wrapped_table(path, lines, i + 1, *kind, title, options, &mut out);
            i = next;
            set.extend(blocks);
            continue;
        }
        let kind = title.strip_prefix("ℹ ").and_then(|t| {
            TABLE_TITLES
                .iter()
                .find(|(prefix, _)| t.starts_with(prefix))
                .map(|(_, kind)| (*kind, t))
        });
        let Some((kind, title)) = kind else {
            i += 1;
            continue;
        };
        let title_line = lines[i].number;
        let (next, blocks) = parse_table(path, lines, i + 1, kind, title, options, &mut out);
        i = next;
        if seen.contains(&kind) {
            if seen.len() < TABLE_TITLES.len() {
                warn(
                    &mut out,
                    path,
                    title_line,
                    format!(
                        "table `{title}` appears again before the other tables; repeat skipped"
                    ),
                );
                continue;
            }
            // A complete set of tables again: the next benchmarks, never merged with these.
            place_set(path, std::mem::take(&mut set), &mut out);
            seen.clear();
        }
        seen.push(kind);
        set.extend(blocks);
    }
    place_set(path, set, &mut out);
    out
}

/// One data row as read, before it is placed on a load point.
struct Row {
    line: usize,
    strategy: Name,
    load: Option<f64>,
    /// The numbers read: the column each came from, its value and printed decimals. They
    /// become observations when the row is placed.
    cells: Vec<(usize, f64, u8)>,
}

/// One header-and-rows block of a table (Text Metrics has two), as read.
struct Block {
    title: String,
    /// Line of the block's top border.
    line: usize,
    /// Benchmark rows seen, readable or not.
    positions: usize,
    /// The readable rows with their position.
    rows: Vec<(usize, Row)>,
    /// What each column holds (`None`: not read).
    columns: Columns,
    /// False when the input ended (or broke off) before the bottom border.
    complete: bool,
}

/// Places the rows of one set of tables on load points by position. Console rows carry no
/// load, so a table whose row count differs from the others cannot be aligned: it is skipped
/// with a warning rather than shifted. A table cut off at the end of the input keeps the rows
/// it has.
fn place_set(path: &Path, blocks: Vec<Block>, out: &mut ConsoleOutput) {
    // Tables without rows say nothing about how many benchmarks there were.
    let complete: Vec<usize> = blocks
        .iter()
        .filter(|b| b.complete && b.positions > 0)
        .map(|b| b.positions)
        .collect();
    let expected = blocks
        .iter()
        .find(|b| b.complete && b.positions > 0 && b.title.starts_with("Run Summary"))
        .map(|b| b.positions)
        .or_else(|| complete.iter().copied().max())
        .or_else(|| blocks.iter().map(|b| b.positions).max())
        .unwrap_or(0);
    let base = out.load_points.len();
    // The numbers one benchmark gets from all tables of the set, to size its list once.
    let per_point: usize = blocks
        .iter()
        .filter_map(|b| b.rows.first())
        .map(|(_, row)| row.cells.len())
        .sum();
    for block in blocks {
        let misaligned = if block.complete {
            block.positions != expected
        } else {
            block.positions > expected
        };
        if block.positions == 0 {
            let title = &block.title;
            warn(
                out,
                path,
                block.line,
                format!("table `{title}` has no data rows"),
            );
            continue;
        }
        if misaligned {
            let (title, n) = (&block.title, block.positions);
            warn(
                out,
                path,
                block.line,
                format!(
                    "table `{title}` has {n} benchmark row(s) but the other tables have \
                     {expected}: its rows cannot be matched to benchmarks; table skipped"
                ),
            );
            continue;
        }
        for (position, row) in block.rows {
            let index = base + position;
            while out.load_points.len() <= index {
                out.load_points.push(LoadPoint {
                    strategy: row.strategy.to_string(),
                    ..LoadPoint::default()
                });
                out.row_lines.push(row.line);
            }
            let point = &mut out.load_points[index];
            if point.observations.is_empty() {
                point.strategy = row.strategy.to_string();
                out.row_lines[index] = row.line;
            } else if point.strategy != row.strategy {
                let first = point.strategy.clone();
                let (title, strategy) = (&block.title, &row.strategy);
                warn(
                    out,
                    path,
                    row.line,
                    format!(
                        "table `{title}`: row {} is `{strategy}` but earlier tables say `{first}`",
                        position + 1
                    ),
                );
            }
            let point = &mut out.load_points[index];
            if point.load.is_none() {
                point.load = row.load;
            }
            // Room for the numbers of every table of the set, made once: reserving `per_point`
            // more for each table grew (and copied) the list table after table.
            let room = per_point.saturating_sub(point.observations.len());
            point.observations.reserve(room);
            // A plain loop: building each number through an iterator of `Option`s copied it
            // twice more.
            for &(k, value, decimals) in &row.cells {
                let Some(Some(column)) = block.columns.get(k) else {
                    continue;
                };
                point.observations.push(Observation {
                    metric: column.metric.clone(),
                    status: column.status.clone(),
                    stat: column.stat.clone(),
                    value,
                    unit: column.unit.clone(),
                    decimals: Some(decimals),
                    origin: Origin::Line(row.line),
                });
            }
        }
    }
}

fn warn(out: &mut ConsoleOutput, path: &Path, line: usize, message: String) {
    out.warnings.push(Warning {
        path: path.to_path_buf(),
        line: Some(line),
        message,
    });
}

fn is_border(text: &str) -> bool {
    text.starts_with("|=")
}

fn is_rule(text: &str) -> bool {
    text.starts_with("|-")
}

/// True when `line` holds `marker` as GuideLLM prints it, not quoted in code or
/// documentation about it (`"ℹ Run Summary Info"`, `` `ℹ Run Summary Info` ``).
fn printed(line: &str, marker: &str) -> bool {
    line.match_indices(marker)
        .any(|(at, _)| !matches!(line[..at].chars().next_back(), Some('"' | '\'' | '`')))
}

/// Parses one table whose top border is `lines[start]`; returns the index after it and its
/// blocks.
fn parse_table(
    path: &Path,
    lines: &[TextLine],
    start: usize,
    kind: TableKind,
    title: &str,
    options: &ParseOptions,
    out: &mut ConsoleOutput,
) -> (usize, Vec<Block>) {
    // 0.4.0 prints `Server Throughput Statistics` without a suffix, over successful requests
    // (its concurrency mean matches the JSON's `successful`, not `total`).
    let status = if title.contains("(All Requests)") {
        "total"
    } else {
        "successful"
    };
    let mut blocks = Vec::new();
    let mut i = start;
    while i < lines.len() && is_border(lines[i].text.trim_end()) {
        let border = &lines[i];
        // Counted byte by byte: `matches('|')` searched for each bar with a call.
        let width = border
            .text
            .bytes()
            .filter(|&b| b == b'|')
            .count()
            .saturating_sub(1);
        // The bottom border of the last block is followed by something other than a header.
        let next_is_header = lines
            .get(i + 1)
            .is_some_and(|l| l.text.starts_with('|') && !is_border(&l.text) && !is_rule(&l.text));
        if !blocks.is_empty() && !next_is_header {
            return (i + 1, blocks);
        }
        i += 1;
        let mut header: Vec<&TextLine> = Vec::new();
        while i < lines.len() && lines[i].text.starts_with('|') && !is_rule(&lines[i].text) {
            header.push(&lines[i]);
            i += 1;
        }
        if i >= lines.len() {
            let line = lines.last().map_or(border.number, |l| l.number);
            warn(
                out,
                path,
                line,
                format!("table `{title}` ends inside its header (input truncated?); table skipped"),
            );
            return (i, blocks);
        }
        if !is_rule(&lines[i].text) {
            warn(
                out,
                path,
                lines[i].number,
                format!(
                    "table `{title}`: expected the `|---` rule under the header; table skipped"
                ),
            );
            return (i, blocks);
        }
        i += 1;
        let Some(columns) = header_columns(
            path,
            &header,
            border.number,
            width,
            kind,
            status,
            title,
            out,
        ) else {
            return (i, blocks);
        };
        let mut block = Block {
            title: title.to_string(),
            line: border.number,
            positions: 0,
            rows: Vec::new(),
            columns: kept_columns(columns, options),
            complete: false,
        };
        let mut bounds = Vec::new();
        loop {
            let Some(line) = lines.get(i) else {
                let last = lines.last().map_or(0, |l| l.number);
                let kept = block.rows.len();
                warn(
                    out,
                    path,
                    last,
                    format!(
                        "table `{title}` ends without its bottom border (input truncated?); \
                         its {kept} complete row(s) kept"
                    ),
                );
                blocks.push(block);
                return (i, blocks);
            };
            let text = super::trim_end(&line.text);
            if is_border(text) {
                block.complete = true;
                break;
            }
            if !text.starts_with('|') {
                let kept = block.rows.len();
                warn(
                    out,
                    path,
                    line.number,
                    format!(
                        "table `{title}` broken off before its bottom border; \
                         its {kept} complete row(s) kept"
                    ),
                );
                blocks.push(block);
                return (i, blocks);
            }
            i += 1;
            let first = text.trim_start_matches('|');
            let label = super::trim(
                memchr::memchr(b'|', first.as_bytes()).map_or(first, |end| &first[..end]),
            );
            if is_rule(text) || label.is_empty() {
                warn(
                    out,
                    path,
                    line.number,
                    format!(
                        "table `{title}`: a line without a benchmark label in the rows; ignored"
                    ),
                );
                continue;
            }
            if let Some(row) = parse_row(path, line, &block.columns, &mut bounds, title, out) {
                block.rows.push((block.positions, row));
            }
            block.positions += 1;
        }
        blocks.push(block);
    }
    if blocks.is_empty() {
        // The line where the border should be, or the title's when the input ends with it.
        let line = lines.get(start).or(lines.last()).map_or(1, |l| l.number);
        warn(
            out,
            path,
            line,
            format!("table `{title}`: expected its `|===` top border; table skipped"),
        );
    }
    (i, blocks)
}

/// Parses one of 0.3.1's tables: `=` borders, two header rows, a `-` rule and data rows,
/// cells separated by `|` without outer pipes, each logical row wrapped over two physical lines
/// when the console was narrower than the table. Returns the index after the table.
fn parse_wrapped_table(
    path: &Path,
    lines: &[TextLine],
    start: usize,
    kind: TableKind,
    title: &str,
    options: &ParseOptions,
    out: &mut ConsoleOutput,
) -> (usize, Vec<Block>) {
    let end = lines[start..]
        .iter()
        .position(|l| l.text.trim().is_empty())
        .map_or(lines.len(), |n| start + n);
    let physical = &lines[start..end];
    let is_border = |t: &str| !t.trim().is_empty() && t.trim().chars().all(|c| c == '=');
    // Wrapped when the top border continues on the next line.
    let wrapped =
        physical.len() >= 2 && is_border(&physical[0].text) && is_border(&physical[1].text);
    let logical: Vec<TextLine> = if wrapped {
        physical
            .chunks(2)
            .map(|pair| TextLine {
                number: pair[0].number,
                text: format!(
                    "|{}{}|",
                    pair[0].text,
                    pair.get(1).map_or("", |l| l.text.trim_end())
                )
                .into(),
            })
            .collect()
    } else {
        physical
            .iter()
            .map(|l| TextLine {
                number: l.number,
                text: format!("|{}|", l.text.trim_end()).into(),
            })
            .collect()
    };
    // The rule comes after the top border and at least one header row.
    let rule = logical
        .iter()
        .position(|l| l.text.trim_matches('|').starts_with('-'))
        .filter(|&rule| rule >= 2);
    let (Some(rule), Some(first)) = (rule, logical.first()) else {
        warn(
            out,
            path,
            lines.get(start).or(lines.last()).map_or(1, |l| l.number),
            format!(
                "table `{title}`: expected `=` borders, header rows and a `-` rule; table skipped"
            ),
        );
        return (end, Vec::new());
    };
    let header: Vec<&TextLine> = logical[1..rule].iter().collect();
    let width = header.last().map_or(0, |h| expand_header(&h.text).len());
    let Some(columns) = header_columns(
        path,
        &header,
        first.number,
        width,
        kind,
        "successful",
        title,
        out,
    ) else {
        return (end, Vec::new());
    };
    let mut block = Block {
        title: title.to_string(),
        line: first.number,
        positions: 0,
        rows: Vec::new(),
        columns: kept_columns(columns, options),
        complete: false,
    };
    let mut bounds = Vec::new();
    for line in &logical[rule + 1..] {
        if is_border(line.text.trim_matches('|')) {
            block.complete = true;
            break;
        }
        if let Some(row) = parse_row(path, line, &block.columns, &mut bounds, title, out) {
            block.rows.push((block.positions, row));
        }
        block.positions += 1;
    }
    if !block.complete {
        let kept = block.rows.len();
        warn(
            out,
            path,
            lines.get(end.saturating_sub(1)).map_or(0, |l| l.number),
            format!(
                "table `{title}` ends without its bottom border; its {kept} complete row(s) kept"
            ),
        );
    }
    (end, vec![block])
}

/// Splits a header row into cells, repeating each spanning cell (`Group ||`) over its columns.
fn expand_header(text: &str) -> Vec<String> {
    let inner = text.trim_end();
    let inner = inner.strip_prefix('|').unwrap_or(inner);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    let mut cells: Vec<String> = Vec::new();
    let mut last = String::new();
    for segment in inner.split('|') {
        if segment.is_empty() && !cells.is_empty() {
            cells.push(last.clone());
        } else {
            // Runs of spaces inside a cell come from wrapping (0.3.1): one space is meant.
            last = segment.split_whitespace().collect::<Vec<_>>().join(" ");
            cells.push(last.clone());
        }
    }
    cells
}

#[allow(clippy::too_many_arguments)]
fn header_columns(
    path: &Path,
    header: &[&TextLine],
    border_line: usize,
    width: usize,
    kind: TableKind,
    status: &'static str,
    title: &str,
    out: &mut ConsoleOutput,
) -> Option<Columns> {
    let Some(first) = header.first() else {
        warn(
            out,
            path,
            border_line,
            format!("table `{title}` has no header rows; table skipped"),
        );
        return None;
    };
    // Every iteration of a long log prints the same headers: their columns are worked out once
    // (headers that warn, or longer than 64 KiB, are worked out every time, so each table gets
    // its own warnings and a hostile header is not kept).
    let mut text = String::with_capacity(header.iter().map(|l| l.text.len() + 1).sum());
    for line in header {
        text.push_str(&line.text);
        text.push('\n');
    }
    let kept = text.len() <= super::REMEMBERED_TEXT;
    let key = (kind, status, width, text);
    if let Some(columns) = KNOWN_HEADERS.with_borrow(|known| known.get(&key).cloned()) {
        return Some(columns);
    }
    let warnings_before = out.warnings.len();
    let rows: Vec<Vec<String>> = header.iter().map(|l| expand_header(&l.text)).collect();
    if let Some((line, row)) = header.iter().zip(&rows).find(|(_, r)| r.len() != width) {
        warn(
            out,
            path,
            line.number,
            format!(
                "table `{title}`: header row has {} columns but the border has {width}; table skipped",
                row.len()
            ),
        );
        return None;
    }
    let last = rows.len() - 1;
    let columns: Columns = (0..width)
        .map(|j| {
            if j == 0 {
                return None;
            }
            let group = rows[0][j].as_str();
            let name = if last >= 2 {
                rows[1..last]
                    .iter()
                    .map(|r| r[j].as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            } else {
                String::new()
            };
            let stat = rows[last][j].as_str();
            let column = column_meaning(kind, group, &name, stat, status);
            if column.is_none() {
                warn(
                    out,
                    path,
                    first.number,
                    format!(
                        "table `{title}`: unknown column `{group} / {name} / {stat}` kept as metric `{}`",
                        unknown_metric(group, &name)
                    ),
                );
            }
            Some(column.unwrap_or_else(|| Column {
                metric: Name::Owned(unknown_metric(group, &name)),
                status: super::name(status),
                stat: super::name(&stat_name(stat)),
                unit: Name::Borrowed(""),
                time_of_day: false,
            }))
        })
        .collect();
    if out.warnings.len() == warnings_before && kept {
        KNOWN_HEADERS.with_borrow_mut(|known| {
            if known.len() >= 256 {
                known.clear();
            }
            known.insert(key, columns.clone());
        });
    }
    Some(columns)
}

/// What each column of a table holds (`None`: not read), shared by the tables of one header.
type Columns = Rc<[Option<Column>]>;

/// A table header as [`KNOWN_HEADERS`] knows it: kind, status, width and lines.
type HeaderKey = (TableKind, &'static str, usize, String);

thread_local! {
    /// Columns of the headers met so far on this thread (see [`header_columns`]).
    static KNOWN_HEADERS: std::cell::RefCell<foldhash::HashMap<HeaderKey, Columns>> =
        std::cell::RefCell::new(foldhash::HashMap::default());
}

fn unknown_metric(group: &str, name: &str) -> String {
    let mut slug = String::new();
    for c in format!("{group} {name}").chars() {
        if c.is_ascii_alphanumeric() {
            slug.push(c.to_ascii_lowercase());
        } else if !slug.ends_with('_') && !slug.is_empty() {
            slug.push('_');
        }
    }
    slug.trim_end_matches('_').to_string()
}

/// The statistic a header cell names.
fn stat_name(cell: &str) -> String {
    match cell {
        "Mdn" | "Median" => "median".into(),
        "Mean" => "mean".into(),
        "Tot" => "sum".into(),
        "Sec" => "value".into(),
        "Min" => "min".into(),
        "Max" => "max".into(),
        "Std" | "Std Dev" => "std".into(),
        other => other.to_ascii_lowercase(),
    }
}

fn catalog_unit(metric: &str) -> String {
    schema::metric_info(metric)
        .map_or("", |m| m.unit)
        .to_string()
}

/// Maps a column's header words to the metric it holds.
fn column_meaning(
    kind: TableKind,
    group: &str,
    name: &str,
    stat: &str,
    status: &str,
) -> Option<Column> {
    let column = |metric: &str, status: &str, stat: String, unit: String| Column {
        metric: super::name(metric),
        status: super::name(status),
        stat: super::name(&stat),
        unit: super::name(&unit),
        time_of_day: false,
    };
    match kind {
        TableKind::RunSummary => match group {
            "Timings" => {
                let metric = match name {
                    "Start" => "start_time_of_day",
                    "End" => "end_time_of_day",
                    "Dur" => "duration",
                    "Warm" => "warmup_duration",
                    "Cool" => "cooldown_duration",
                    _ => return None,
                };
                let mut col = column(metric, "total", "value".into(), "s".into());
                col.time_of_day = matches!(name, "Start" | "End");
                Some(col)
            }
            "Input Tokens" | "Output Tokens" | "Requests" => {
                let status = match name {
                    "Comp" => "successful",
                    "Inc" => "incomplete",
                    "Err" => "errored",
                    "Tot" | "Total" => "total",
                    _ => return None,
                };
                let (metric, stat) = match group {
                    "Input Tokens" => ("prompt_tokens", "sum"),
                    "Output Tokens" => ("output_tokens", "sum"),
                    _ => ("requests", "count"),
                };
                Some(column(metric, status, stat.into(), catalog_unit(metric)))
            }
            _ => None,
        },
        TableKind::TextMetrics => {
            let base = match group {
                "Input Tokens" => "text_input_tokens",
                "Input Words" => "text_input_words",
                "Input Characters" => "text_input_characters",
                "Output Tokens" => "text_output_tokens",
                "Output Words" => "text_output_words",
                "Output Characters" => "text_output_characters",
                _ => return None,
            };
            let metric = match name {
                "Per Request" => base.to_string(),
                "Per Second" => format!("{base}_per_second"),
                _ => return None,
            };
            let unit = catalog_unit(&metric);
            Some(column(&metric, status, stat_name(stat), unit))
        }
        TableKind::RequestTokens => {
            let metric = match (group, name) {
                ("Input Tok", "Per Req") => "prompt_tokens",
                ("Output Tok", "Per Req") => "output_tokens",
                ("Total Tok", "Per Req") => "total_tokens",
                ("Stream Iter", "Per Req") => "streaming_iterations",
                ("Output Tok", "Per Stream Iter") => "output_tokens_per_iteration",
                _ => return None,
            };
            Some(column(
                metric,
                status,
                stat_name(stat),
                catalog_unit(metric),
            ))
        }
        TableKind::RequestLatency => {
            let metric = match group {
                "Request Latency" => "request_latency",
                "TTFT" => "ttft",
                "TTFOT" => "ttfot",
                "ITL" => "itl",
                "TPOT" => "tpot",
                _ => return None,
            };
            let unit = match name {
                "Sec" => "s",
                "ms" => "ms",
                _ => return None,
            };
            Some(column(metric, status, stat_name(stat), unit.into()))
        }
        TableKind::BenchmarksInfo => {
            // Two header rows: the group, then the column's own name in the `stat` slot.
            let (metric, status_name, stat_out) = match (group, stat) {
                ("Metadata", "Start Time") => {
                    let mut col = column("start_time_of_day", "total", "value".into(), "s".into());
                    col.time_of_day = true;
                    return Some(col);
                }
                ("Metadata", "End Time") => {
                    let mut col = column("end_time_of_day", "total", "value".into(), "s".into());
                    col.time_of_day = true;
                    return Some(col);
                }
                ("Metadata", "Duration (s)") => {
                    return Some(column("duration", "total", "value".into(), "s".into()))
                }
                ("Requests Made", s) => ("requests", s, "count"),
                ("Prompt Tok/Req", s) => ("prompt_tokens", s, "mean"),
                ("Output Tok/Req", s) => ("output_tokens", s, "mean"),
                ("Prompt Tok Total", s) => ("prompt_tokens", s, "sum"),
                ("Output Tok Total", s) => ("output_tokens", s, "sum"),
                _ => return None,
            };
            let status = match status_name {
                "Comp" => "successful",
                "Inc" => "incomplete",
                "Err" => "errored",
                _ => return None,
            };
            Some(column(
                metric,
                status,
                stat_out.into(),
                catalog_unit(metric),
            ))
        }
        TableKind::BenchmarksStats => {
            let (metric, unit) = match group {
                "Request Stats" => match stat {
                    "Per Second" => ("requests_per_second", "req/s"),
                    "Concurrency" => ("concurrency", "1"),
                    _ => return None,
                },
                "Out Tok/sec" => ("output_tokens_per_second", "tok/s"),
                "Tot Tok/sec" => ("total_tokens_per_second", "tok/s"),
                "Req Latency (sec)" => ("request_latency", "s"),
                "TTFT (ms)" => ("ttft", "ms"),
                "ITL (ms)" => ("itl", "ms"),
                "TPOT (ms)" => ("tpot", "ms"),
                _ => return None,
            };
            let stat = match stat {
                "Per Second" | "Concurrency" => "mean".to_string(),
                other => stat_name(other),
            };
            Some(column(metric, status, stat, unit.into()))
        }
        TableKind::ServerThroughput => {
            let metric = match (group, name) {
                ("Requests", "Per Sec") => "requests_per_second",
                ("Requests", "Concurrency") => "concurrency",
                ("Input Tokens", "Per Sec") => "input_tokens_per_second",
                ("Output Tokens", "Per Sec") => "output_tokens_per_second",
                ("Total Tokens", "Per Sec") => "total_tokens_per_second",
                _ => return None,
            };
            Some(column(
                metric,
                status,
                stat_name(stat),
                catalog_unit(metric),
            ))
        }
    }
}

/// A number as printed (a trimmed cell), with the digits after its decimal point.
#[inline]
fn parse_number(cell: &str) -> Option<(f64, u8)> {
    // Most cells are plain decimals: read before looking for marks.
    if let Some(short) = short_decimal(cell) {
        return Some(short);
    }
    let cell = cell.trim_end_matches('*');
    // 0.8.1's `Mean ± CI` cells: the mean.
    let cell = match cell.is_ascii() {
        true => super::trim_end(cell),
        false => super::trim(cell.split('±').next().unwrap_or(cell)),
    };
    if let Some(short) = short_decimal(cell) {
        return Some(short);
    }
    let value: f64 = cell.parse().ok()?;
    let digits = cell.split_once('.').map_or(0, |(_, frac)| frac.len());
    let decimals = u8::try_from(digits).unwrap_or(u8::MAX);
    value.is_finite().then_some((value, decimals))
}

/// Powers of ten an `f64` holds exactly.
const EXACT_POWERS_OF_TEN: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// `[-]digits[.digits]` with at most 15 digits, and its decimals: the integer of the digits and
/// the power of ten are both exact in an `f64`, so their quotient is the correctly rounded
/// value, as `str::parse` gives it. `None` for any other text.
#[inline]
fn short_decimal(text: &str) -> Option<(f64, u8)> {
    let (negative, bytes) = match text.as_bytes() {
        [b'-', rest @ ..] => (true, rest),
        bytes => (false, bytes),
    };
    // Up to 15 digits and a dot: the digits read below cannot overflow.
    if bytes.len() > 16 {
        return None;
    }
    // The digits before the dot, then (if a dot follows them) those after it.
    let mut mantissa: i64 = 0;
    let mut read = |digits: &[u8]| {
        let mut count = 0;
        for &b in digits {
            if !b.is_ascii_digit() {
                break;
            }
            mantissa = mantissa * 10 + i64::from(b - b'0');
            count += 1;
        }
        count
    };
    let whole = read(bytes);
    let fraction = match bytes.get(whole..) {
        Some([]) => 0,
        Some([b'.', rest @ ..]) if !rest.is_empty() && read(rest) == rest.len() => rest.len(),
        _ => return None,
    };
    if whole == 0 || whole + fraction > 15 {
        return None;
    }
    let value = mantissa as f64 / EXACT_POWERS_OF_TEN[fraction];
    Some((if negative { -value } else { value }, fraction as u8))
}

/// `HH:MM:SS` as seconds after midnight.
pub(crate) fn parse_time_of_day(cell: &str) -> Option<f64> {
    let mut parts = cell.trim().split(':');
    let h: u32 = parts.next()?.parse().ok()?;
    let m: u32 = parts.next()?.parse().ok()?;
    let s: u32 = parts.next()?.parse().ok()?;
    (parts.next().is_none() && h < 24 && m < 60 && s < 61)
        .then_some(f64::from(h * 3600 + m * 60 + s))
}

/// The measured metric whose median [`assign_loads`] may take concurrent runs' loads from.
const LOAD_METRIC: &str = "concurrency";

/// `columns` without those of metrics `options` does not keep: their cells are not read. The
/// [`LOAD_METRIC`] stays: [`assign_loads`] may need it.
fn kept_columns(columns: Columns, options: &ParseOptions) -> Columns {
    let dropped = |column: &Option<Column>| {
        column
            .as_ref()
            .is_some_and(|c| c.metric != LOAD_METRIC && !options.keeps(&c.metric))
    };
    if options.metrics.is_none() || !columns.iter().any(dropped) {
        return columns;
    }
    columns
        .iter()
        .map(|column| {
            if dropped(column) {
                None
            } else {
                column.clone()
            }
        })
        .collect()
}

/// Reads one data row; `None` (with a warning) when its cells do not fit the header. `bounds`
/// is scratch space for the positions of the row's separators.
fn parse_row(
    path: &Path,
    line: &TextLine,
    columns: &[Option<Column>],
    bounds: &mut Vec<usize>,
    title: &str,
    out: &mut ConsoleOutput,
) -> Option<Row> {
    let text = super::trim_end(&line.text);
    let inner = text.strip_prefix('|').unwrap_or(text);
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    // The separators are found once; a cell is the text between two of them.
    bounds.clear();
    bounds.push(0);
    push_cell_ends(inner.as_bytes(), bounds);
    bounds.push(inner.len() + 1);
    let count = bounds.len() - 1;
    if count != columns.len() {
        warn(
            out,
            path,
            line.number,
            format!(
                "table `{title}`: row has {count} cells, the header {}; row skipped",
                columns.len()
            ),
        );
        return None;
    }
    // Separators are ASCII, so every bound is a character boundary.
    let cell = |k: usize| inner.get(bounds[k]..bounds[k + 1] - 1).unwrap_or_default();
    let label = super::trim(cell(0));
    // `concurrent@5`: the strategy and its load.
    let (strategy, load) = match memchr::memchr(b'@', label.as_bytes()) {
        Some(at) => (&label[..at], label[at + 1..].parse::<f64>().ok()),
        None => (label, None),
    };
    let mut row = Row {
        line: line.number,
        strategy: super::name(strategy),
        load,
        cells: Vec::with_capacity(columns.iter().flatten().count()),
    };
    for (k, column) in columns.iter().enumerate().skip(1) {
        let Some(column) = column else { continue };
        let cell = super::trim(cell(k));
        let parsed = if column.time_of_day {
            parse_time_of_day(cell).map(|v| (v, 0))
        } else {
            parse_number(cell)
        };
        match parsed {
            Some((value, decimals)) => row.cells.push((k, value, decimals)),
            None => warn(
                out,
                path,
                line.number,
                format!(
                    "table `{title}`: `{cell}` is not a number ({} {}); cell skipped",
                    column.metric, column.stat
                ),
            ),
        }
    }
    Some(row)
}

/// Pushes `at + 1` for each `|` at `at` in `bytes`. A row has a dozen separators: they are
/// found 32 bytes at a time, from a mask of the block (finding them one by one cost a call
/// each).
fn push_cell_ends(bytes: &[u8], ends: &mut Vec<usize>) {
    let (blocks, rest) = bytes.as_chunks::<32>();
    for (k, block) in blocks.iter().enumerate() {
        let mut mask = block
            .iter()
            .enumerate()
            .fold(0u32, |mask, (i, &b)| mask | (u32::from(b == b'|') << i));
        while mask != 0 {
            ends.push(k * 32 + mask.trailing_zeros() as usize + 1);
            mask &= mask - 1;
        }
    }
    let base = blocks.len() * 32;
    ends.extend(
        rest.iter()
            .enumerate()
            .filter(|&(_, &b)| b == b'|')
            .map(|(i, _)| base + i + 1),
    );
}

/// GuideLLM's line naming the model, searched for in every line: the searcher is built once.
static BACKEND_VALIDATED: LazyLock<memmem::Finder<'static>> =
    LazyLock::new(|| memmem::Finder::new("backend validated with model "));
/// 0.4 – 0.6 print the profile as `streams=[5, 25]`, 0.7+ as a dict, `'streams': [5, 25]`.
static STREAMS: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:\bstreams=|'streams':\s*)\[([0-9.,\s]*)\]").expect("valid regex")
});
static RATES: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?:\brate=|'rate':\s*)\[([0-9.,\s]*)\]").expect("valid regex"));
/// `type_='sweep'` (0.4 – 0.6), a dict's first key `{'kind': 'sweep'` (0.7+), `Profile:type=sweep`
/// (0.3).
static PROFILE_TYPE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"type_='(\w+)'|^\{'kind':\s*'(\w+)'|Profile:type=(\w+)").expect("valid regex")
});
/// 0.3's `Args:max_number=40, max_duration=6.0, …` in its `Benchmarks Metadata`.
static MAX_DURATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\bmax_duration=([0-9.]+)").expect("valid regex"));
static MAX_SECONDS: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"'max_seconds':\s*([0-9.]+)").expect("valid regex"));
static RANDOM_SEED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"'random_seed':\s*(-?\d+)").expect("valid regex"));
static DATA_KEY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r#"\b(prompt_tokens|output_tokens|prefix_tokens|turns)["']?\s*[:=]\s*(\d+)"#)
        .expect("valid regex")
});

/// Parses a list of numbers like `5, 25, 50`.
pub fn parse_number_list(text: &str) -> Option<Vec<f64>> {
    text.split(|c: char| c == ',' || c.is_whitespace())
        .filter(|s| !s.is_empty())
        .map(|s| s.parse::<f64>().ok())
        .collect::<Option<Vec<_>>>()
        .filter(|v| !v.is_empty())
}

/// The detail text under the `✔ <step>` line that ends with `suffix`, joined into one line,
/// with the line number of the step.
fn step_detail(lines: &[TextLine], suffix: &str) -> Option<(usize, String)> {
    let at = lines
        .iter()
        .position(|l| l.text.starts_with("✔ ") && l.text.trim_end().ends_with(suffix))?;
    let mut detail = String::new();
    for (i, line) in lines[at + 1..]
        .iter()
        .take_while(|l| l.text.starts_with("  "))
        .enumerate()
    {
        if i > 0 {
            detail.push(' ');
        }
        detail.push_str(line.text.trim());
    }
    Some((lines[at].number, detail))
}

fn parse_profile(lines: &[TextLine]) -> Profile {
    let mut profile = Profile {
        model: lines.iter().enumerate().find_map(|(i, l)| {
            if let Some(at) = BACKEND_VALIDATED.find(l.text.as_bytes()) {
                let model = &l.text[at + BACKEND_VALIDATED.needle().len()..];
                return Some(model.trim().to_string());
            }
            // 0.3.1: `Backend openai_http connected to <url> for model <name>.`, wrapped at
            // the console width, so the name may start the next line.
            if !l.text.starts_with("Backend ") {
                return None;
            }
            let (_, model) = l.text.split_once(" for model")?;
            let model = match model.trim() {
                "" => lines.get(i + 1)?.text.trim(),
                name => name,
            };
            Some(model.trim_end_matches('.').to_string())
        }),
        ..Profile::default()
    };
    if let Some((line, detail)) = step_detail(lines, "profile resolved") {
        let facts = super::remembered(&PROFILE_DETAILS, &detail, profile_facts);
        profile.streams = facts.streams.map(|v| (line, v));
        profile.rates = facts.rates.map(|v| (line, v));
        profile.kind = facts.kind;
        profile.max_seconds = facts.max_seconds;
    }
    if let Some((_, detail)) = step_detail(lines, "unique requests") {
        (profile.random_seed, profile.data) =
            super::remembered(&REQUEST_DETAILS, &detail, request_facts);
    }
    if profile.data.is_empty() {
        // 0.7+: the workload is the `N datasets resolved` step's.
        if let Some((_, detail)) = step_detail(lines, "datasets resolved") {
            profile.data = super::remembered(&REQUEST_DETAILS, &detail, request_facts).1;
        }
    }
    if profile.kind.is_none() && profile.data.is_empty() {
        read_metadata(lines, &mut profile);
    }
    profile
}

/// 0.3's setup facts: the workload of `Created loader with N unique requests from` (the line
/// after it), and the profile type and duration of the `Benchmarks Metadata` block.
fn read_metadata(lines: &[TextLine], profile: &mut Profile) {
    let loader = lines
        .iter()
        .position(|l| l.text.starts_with("Created loader with "));
    if let Some(at) = loader {
        let text = lines[at..(at + 2).min(lines.len())]
            .iter()
            .map(|l| l.text.trim())
            .collect::<Vec<_>>()
            .join(" ");
        profile.data = request_facts(&text).1;
    }
    let Some(at) = lines
        .iter()
        .position(|l| l.text.trim_end() == "Benchmarks Metadata:")
    else {
        return;
    };
    let block = lines[at + 1..]
        .iter()
        .take_while(|l| l.text.starts_with("    "))
        .map(|l| l.text.trim())
        .collect::<Vec<_>>()
        .join(" ");
    let facts = profile_facts(&block);
    profile.kind = facts.kind;
    profile.max_seconds = MAX_DURATION
        .captures(&block)
        .and_then(|c| c[1].parse().ok());
}

/// What a `profile resolved` detail says.
#[derive(Debug, Clone)]
struct ProfileFacts {
    streams: Option<Vec<f64>>,
    rates: Option<Vec<f64>>,
    kind: Option<String>,
    max_seconds: Option<f64>,
}

/// Reads a `profile resolved` detail.
fn profile_facts(detail: &str) -> ProfileFacts {
    let list = |re: &Regex| re.captures(detail).and_then(|c| parse_number_list(&c[1]));
    ProfileFacts {
        streams: list(&STREAMS),
        rates: list(&RATES),
        kind: PROFILE_TYPE.captures(detail).and_then(|c| {
            let kind = c.iter().skip(1).flatten().next()?;
            Some(kind.as_str().to_string())
        }),
        max_seconds: MAX_SECONDS.captures(detail).and_then(|c| c[1].parse().ok()),
    }
}

/// What a `unique requests` detail says: the random seed and the workload's numbers.
type RequestFacts = (Option<i64>, Vec<(String, i64)>);

/// Reads a `unique requests` detail.
fn request_facts(detail: &str) -> RequestFacts {
    let random_seed = RANDOM_SEED.captures(detail).and_then(|c| c[1].parse().ok());
    let mut data: Vec<(String, i64)> = Vec::new();
    for c in DATA_KEY.captures_iter(detail) {
        if let Ok(v) = c[2].parse() {
            if !data.iter().any(|(k, _)| k == &c[1]) {
                data.push((c[1].to_string(), v));
            }
        }
    }
    (random_seed, data)
}

thread_local! {
    /// The facts of the `profile resolved` details met so far on this thread.
    static PROFILE_DETAILS: super::Known<ProfileFacts> = super::Known::default();
    /// The facts of the `unique requests` details met so far on this thread.
    static REQUEST_DETAILS: super::Known<RequestFacts> = super::Known::default();
}

/// One candidate list of load values, with where it came from.
pub struct LoadSource<'a> {
    /// Human name ("`Rate:` banner", ...).
    pub name: &'a str,
    /// Line it was read from.
    pub line: usize,
    /// The values, one per load point.
    pub values: Vec<f64>,
}

/// Gives every load point its load from the most trusted source whose length matches the
/// number of load points: `banner` (a driver's `Rate:` list), the profile's `streams=[…]` or
/// `rate=[…]`, then the measured Concurrency Mdn column of concurrent runs. Loads already read
/// from `@N` row labels are kept. A source that disagrees with the one used is a warning, and
/// when none fits the loads stay null with a warning (unless only synchronous benchmarks, which
/// have no load of their own, are left without).
pub fn assign_loads(
    path: &Path,
    console: &mut ConsoleOutput,
    banner: Option<LoadSource>,
    warnings: &mut Vec<Warning>,
) {
    let points = &mut console.load_points;
    if points.is_empty() || points.iter().all(|p| p.load.is_some()) {
        return;
    }
    let first_line = console.row_lines.first().copied();
    let mut sources: Vec<LoadSource> = Vec::new();
    sources.extend(banner);
    if let Some((line, values)) = &console.profile.streams {
        sources.push(LoadSource {
            name: "profile `streams=[…]`",
            line: *line,
            values: values.clone(),
        });
    }
    if let Some((line, values)) = &console.profile.rates {
        sources.push(LoadSource {
            name: "profile `rate=[…]`",
            line: *line,
            values: values.clone(),
        });
    }
    let measured: Option<Vec<f64>> = points
        .iter()
        .map(|p| {
            (p.strategy == "concurrent")
                .then(|| {
                    p.observations
                        .iter()
                        .find(|o| o.metric == LOAD_METRIC && o.stat == "median")
                        .map(|o| o.value)
                })
                .flatten()
        })
        .collect();
    if let (Some(values), Some(line)) = (measured, first_line) {
        sources.push(LoadSource {
            name: "Concurrency Mdn column",
            line,
            values,
        });
    }
    let n = points.len();
    let mut chosen: Option<&LoadSource> = None;
    for source in &sources {
        if source.values.len() != n {
            warnings.push(Warning {
                path: path.to_path_buf(),
                line: Some(source.line),
                message: format!(
                    "{} lists {} load level(s) but the output has {n} benchmark(s); not used for loads",
                    source.name,
                    source.values.len()
                ),
            });
            continue;
        }
        match chosen {
            None => chosen = Some(source),
            Some(used) => {
                let differs = used
                    .values
                    .iter()
                    .zip(&source.values)
                    .any(|(a, b)| (a - b).abs() > 0.05 * a.abs().max(1.0));
                if differs {
                    warnings.push(Warning {
                        path: path.to_path_buf(),
                        line: Some(source.line),
                        message: format!(
                            "{} {:?} disagrees with {} {:?} (line {}), which is used",
                            source.name, source.values, used.name, used.values, used.line
                        ),
                    });
                }
            }
        }
    }
    match chosen {
        Some(source) => {
            for (point, value) in points.iter_mut().zip(&source.values) {
                point.load.get_or_insert(*value);
            }
        }
        None if points
            .iter()
            .any(|p| p.load.is_none() && p.strategy != "synchronous") =>
        {
            warnings.push(Warning {
                path: path.to_path_buf(),
                line: first_line,
                message: "no source gives the load of each benchmark; `load` left null, \
                          `load_index` keeps the order"
                    .into(),
            })
        }
        None => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_spans_repeat_over_their_columns() {
        assert_eq!(
            expand_header("| Benchmark  | Request Latency || TTFT   || ITL |"),
            vec![
                "Benchmark",
                "Request Latency",
                "Request Latency",
                "TTFT",
                "TTFT",
                "ITL"
            ]
        );
        assert_eq!(
            expand_header("|            | Mdn   | Mean | Mean        ||||"),
            vec!["", "Mdn", "Mean", "Mean", "Mean", "Mean", "Mean"]
        );
    }

    #[test]
    fn numbers_keep_their_printed_decimals() {
        assert_eq!(parse_number("133.8"), Some((133.8, 1)));
        assert_eq!(parse_number("1.5*"), Some((1.5, 1)));
        assert_eq!(parse_number("1.4 ± 0.01"), Some((1.4, 1)));
        assert_eq!(parse_number("12"), Some((12.0, 0)));
        assert_eq!(parse_number("n/a"), None);
        assert_eq!(parse_time_of_day("01:21:30"), Some(4890.0));
        assert_eq!(parse_time_of_day("25:00:00"), None);
    }

    #[test]
    fn short_decimals_are_read_as_str_parse_reads_them() {
        // Exactly, bit for bit, on numbers that are hard to round and on the edges of the form.
        let mut texts: Vec<String> = [
            "0.1",
            "0.3",
            "-0.0",
            "-0",
            "007",
            "2.675",
            "9007199254740.99",
            "999999999999999",
            "0.000000000000001",
            "123456.789012345",
            "1e5",
            "5.",
            ".5",
            "-",
            "",
            "1.2.3",
            "1..2",
            "-.5",
            "--5",
            "+5",
            "1_000",
            "1234567890123456",
            "0.1234567890123456",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        let mut seed: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let digits = (seed % 15 + 1) as usize;
            let mantissa = (seed >> 8) % 10u64.pow(digits as u32);
            let text = format!("{mantissa:0digits$}");
            let dot = (seed >> 4) as usize % digits;
            texts.push(match dot {
                0 => text,
                _ => format!("{}.{}", &text[..digits - dot], &text[digits - dot..]),
            });
        }
        let short_form = Regex::new(r"^-?[0-9]+(\.[0-9]+)?$").unwrap();
        for text in &texts {
            let parsed = text.parse::<f64>().ok();
            match short_decimal(text) {
                Some((value, decimals)) => {
                    assert_eq!(Some(value.to_bits()), parsed.map(f64::to_bits), "{text}");
                    let fraction = text.split_once('.').map_or(0, |(_, f)| f.len());
                    assert_eq!(usize::from(decimals), fraction, "{text}");
                }
                None => assert!(
                    !short_form.is_match(text)
                        || text.bytes().filter(u8::is_ascii_digit).count() > 15,
                    "{text} is a short decimal"
                ),
            }
        }
    }
}
