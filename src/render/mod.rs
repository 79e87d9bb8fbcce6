//! Output formats: one file per format, each turning an [`analyze::Report`] into text.

pub mod classic;
pub mod csv;
pub mod frame;
pub mod html;
pub mod json;
pub mod layout;
pub mod markdown;
pub mod text;

use crate::analyze::{AverageRow, DeltaRow, Report};
use crate::error::Result;
use crate::schema;

/// One output format.
pub trait Renderer {
    /// Renders `report` as this format's text.
    fn render(&self, report: &Report) -> Result<String>;

    /// True when the format prints the peaks of a report; they are computed only then.
    fn shows_peaks(&self) -> bool {
        true
    }
}

/// The formats `report` can write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum OutputFormat {
    /// The original study script's report, byte for byte.
    Classic,
    /// A terminal report with verdicts (the default).
    Text,
    /// GitHub-flavoured Markdown tables.
    Markdown,
    /// One CSV row per compared value.
    Csv,
    /// One JSON document with every row and average.
    Json,
    /// One self-contained HTML page with charts and the tables.
    Html,
}

impl OutputFormat {
    /// The renderer of this format.
    pub fn renderer(self) -> &'static dyn Renderer {
        match self {
            OutputFormat::Classic => &classic::Classic,
            OutputFormat::Text => &text::Text,
            OutputFormat::Markdown => &markdown::Markdown,
            OutputFormat::Csv => &csv::Csv,
            OutputFormat::Json => &json::Json,
            OutputFormat::Html => &html::Html,
        }
    }
}

/// A number the way Python's `str()` prints a float that holds an integer (`5`), or with
/// its shortest round-trip digits otherwise (`0.5`).
pub fn format_load(load: f64) -> String {
    if load.fract() == 0.0 && load.abs() < 1e15 {
        format!("{}", load as i64)
    } else {
        format!("{load}")
    }
}

/// A load for people to read: [`format_load`] of the load rounded to 3 decimals (a sweep's
/// rate of 7/3 req/s is `2.333`; the exact value stays in the CSV and JSON reports).
pub fn display_load(load: f64) -> String {
    let rounded = (load * 1000.0).round() / 1000.0;
    format_load(if rounded.is_finite() { rounded } else { load })
}

/// A value with as many decimals as fit its magnitude (3 significant digits after the point
/// for small numbers, 1 for large ones).
pub fn format_value(value: f64) -> String {
    let abs = value.abs();
    if abs >= 1000.0 {
        format!("{value:.1}")
    } else if abs >= 10.0 {
        format!("{value:.2}")
    } else {
        format!("{value:.3}")
    }
}

/// A signed percentage with one decimal (`+40.0%`).
pub fn format_pct(pct: Option<f64>) -> String {
    pct.map_or_else(|| "n/a".into(), |p| format!("{p:+.1}%"))
}

/// The human label of a pick: "Requests per second (mean, total)".
pub fn pick_label(metric: &str, stat: &str, status: &str) -> String {
    let label = schema::metric_info(metric).map_or(metric, |m| m.label);
    format!("{label} ({stat}, {status} requests)")
}

/// "higher is better" / "lower is better" / "no direction".
pub fn direction_phrase(direction: &str) -> &'static str {
    match direction {
        "higher" => "higher is better",
        "lower" => "lower is better",
        _ => "no better direction",
    }
}

/// The verdict of an average % change of `metric` under `tolerance_pct`.
pub fn average_verdict(metric: &str, pct: Option<f64>, tolerance_pct: f64) -> &'static str {
    let Some(pct) = pct else { return "n/a" };
    match schema::direction(metric) {
        schema::Direction::Neutral => "neutral",
        _ if pct.abs() <= tolerance_pct => "within tolerance",
        schema::Direction::HigherIsBetter if pct > 0.0 => "better",
        schema::Direction::LowerIsBetter if pct < 0.0 => "better",
        _ => "worse",
    }
}

/// Rows of `report.deltas` for one model, candidate and pick, in load order.
pub fn section<'a>(
    report: &'a Report,
    model: &'a str,
    candidate: &'a str,
    pick: usize,
) -> impl Iterator<Item = &'a DeltaRow> + 'a {
    report
        .sections
        .get(&(model.to_string(), candidate.to_string(), pick))
        .into_iter()
        .flatten()
        .map(|&i| &report.deltas[i])
}

/// The distinct models of the report, sorted.
pub fn models(report: &Report) -> Vec<String> {
    let mut models: Vec<&str> = report.values.iter().map(|r| r.model.as_str()).collect();
    models.sort_unstable();
    models.dedup();
    models.into_iter().map(str::to_string).collect()
}

/// The per-model average of one pick, or the cross-model one when `model` is `None`.
pub fn average<'a>(
    report: &'a Report,
    model: Option<&str>,
    candidate: &str,
    pick: usize,
) -> Option<&'a AverageRow> {
    let key = (model.map(str::to_string), candidate.to_string(), pick);
    report.average_at.get(&key).map(|&i| &report.averages[i])
}

/// Lays out `rows` as columns separated by two spaces; `right[i]` right-aligns column `i`.
pub fn align(rows: &[Vec<String>], right: &[bool]) -> String {
    let widths: Vec<usize> = (0..rows.first().map_or(0, Vec::len))
        .map(|i| {
            rows.iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for row in rows {
        let cells: Vec<String> = row
            .iter()
            .enumerate()
            .map(|(i, cell)| {
                if right.get(i).copied().unwrap_or(false) {
                    format!("{cell:>w$}", w = widths[i])
                } else {
                    format!("{cell:<w$}", w = widths[i])
                }
            })
            .collect();
        out.push_str(cells.join("  ").trim_end());
        out.push('\n');
    }
    out
}
