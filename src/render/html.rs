//! HTML: one self-contained page (inline CSS and SVG, no script, nothing fetched) with, per
//! model, a chart of each compared metric against load (one line per configuration), a chart
//! of the % change of each candidate against the baseline, and the same tables as the text
//! report. With a single configuration, the value charts and tables only.

use std::fmt::Write;

use super::layout::{document, Table};
use super::{display_load, models, pick_label, Renderer};
use crate::analyze::{DeltaRow, Report, ValueRow};
use crate::error::Result;

/// The HTML renderer.
pub struct Html;

/// Line colours: the baseline first, then the candidates.
const COLOURS: [&str; 7] = [
    "#3b3b3b", "#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e", "#17becf",
];

const STYLE: &str =
    "body{font-family:system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;\
max-width:1100px;color:#222;padding:0 1em}h1{font-size:1.6em}h2{margin-top:2em;border-bottom:\
2px solid #ddd;padding-bottom:.2em}h3{font-size:1.05em;margin:1.4em 0 .4em}.header p{margin:.2em 0;\
color:#444}.charts{display:grid;grid-template-columns:repeat(2,540px);gap:1em}figure{margin:0;\
border:1px solid #e3e3e3;border-radius:6px;padding:.5em;background:#fff;width:520px}figcaption{\
font-size:.9em;font-weight:600;margin-bottom:.3em;min-height:2.4em}table{border-collapse:collapse;margin:.3em 0 1em;font-size:.88em}th,td{padding:\
.25em .6em;border-bottom:1px solid #eee}th{background:#f6f6f6;text-align:left}td.num{text-align:\
right;font-variant-numeric:tabular-nums}td.better{color:#1a7f37;font-weight:600}td.worse{color:\
#c62828;font-weight:600}.notes{color:#555;font-size:.9em}svg text{font-size:11px;fill:#333}";

/// Escapes text for HTML.
fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// One line of a chart: a name and a value per x position.
struct Series {
    name: String,
    values: Vec<Option<f64>>,
}

/// About `count` round tick values covering `low..=high`, and the decimals they need.
fn ticks(low: f64, high: f64, count: usize) -> (Vec<f64>, usize) {
    let span = (high - low).max(f64::EPSILON);
    let raw = span / count as f64;
    let magnitude = 10f64.powf(raw.log10().floor());
    let step = [1.0, 2.0, 2.5, 5.0, 10.0]
        .iter()
        .map(|m| m * magnitude)
        .find(|s| *s >= raw)
        .unwrap_or(10.0 * magnitude);
    let decimals = (-step.log10().floor()).max(0.0) as usize + usize::from(step / magnitude == 2.5);
    let mut marks = vec![(low / step).floor() * step];
    while marks.len() < 4 * count {
        let last = marks[marks.len() - 1];
        if last >= high - step * 1e-9 {
            break;
        }
        marks.push(last + step);
    }
    (marks, decimals)
}

/// An SVG line chart of `series` over the x labels `xs`; `zero_line` draws y = 0.
fn line_chart(
    kind: &str,
    title: &str,
    xs: &[String],
    series: &[Series],
    zero_line: bool,
) -> String {
    const W: f64 = 520.0;
    const H: f64 = 280.0;
    const LEFT: f64 = 64.0;
    const RIGHT: f64 = 16.0;
    const TOP: f64 = 14.0;
    const BOTTOM: f64 = 62.0;
    let values: Vec<f64> = series
        .iter()
        .flat_map(|s| s.values.iter().flatten().copied())
        .filter(|v| v.is_finite())
        .collect();
    let (mut low, mut high) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(l, h), v| {
            (l.min(*v), h.max(*v))
        });
    if values.is_empty() {
        (low, high) = (0.0, 1.0);
    }
    if zero_line || low >= 0.0 {
        low = low.min(0.0);
        high = high.max(0.0);
    }
    let (marks, decimals) = ticks(low, high, 5);
    let (low, high) = (
        marks.first().copied().unwrap_or(low),
        marks
            .last()
            .copied()
            .unwrap_or(high)
            .max(low + f64::EPSILON),
    );
    let x = |i: usize| {
        let n = xs.len().max(1) as f64;
        LEFT + (W - LEFT - RIGHT) * (i as f64 + 0.5) / n
    };
    let y = |v: f64| TOP + (H - TOP - BOTTOM) * (1.0 - (v - low) / (high - low));
    let mut svg = String::new();
    let _ = write!(
        svg,
        r#"<svg class="chart {kind}" role="img" aria-label="{}" width="{W}" height="{H}" viewBox="0 0 {W} {H}" xmlns="http://www.w3.org/2000/svg">"#,
        escape(title)
    );
    for t in &marks {
        let _ = write!(
            svg,
            r##"<line x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#e6e6e6"/><text x="{}" y="{:.1}" text-anchor="end">{t:.decimals$}</text>"##,
            W - RIGHT,
            LEFT - 6.0,
            y(*t) + 4.0,
            y = y(*t),
        );
    }
    if zero_line {
        let _ = write!(
            svg,
            r##"<line class="zero" x1="{LEFT}" x2="{}" y1="{y:.1}" y2="{y:.1}" stroke="#888" stroke-dasharray="4 3"/>"##,
            W - RIGHT,
            y = y(0.0),
        );
    }
    for (i, label) in xs.iter().enumerate() {
        let _ = write!(
            svg,
            r#"<text x="{:.1}" y="{}" text-anchor="middle">{}</text>"#,
            x(i),
            H - BOTTOM + 16.0,
            escape(label)
        );
    }
    let _ = write!(
        svg,
        r#"<text x="{:.1}" y="{}" text-anchor="middle">load</text>"#,
        LEFT + (W - LEFT - RIGHT) / 2.0,
        H - BOTTOM + 32.0
    );
    for (k, s) in series
        .iter()
        .enumerate()
        .filter(|(_, s)| !s.name.is_empty())
    {
        let colour = COLOURS[k % COLOURS.len()];
        let points: Vec<String> = s
            .values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| {
                v.filter(|v| v.is_finite())
                    .map(|v| format!("{:.1},{:.1}", x(i), y(v)))
            })
            .collect();
        let _ = write!(
            svg,
            r#"<polyline class="series" data-name="{}" fill="none" stroke="{colour}" stroke-width="2" points="{}"/>"#,
            escape(&s.name),
            points.join(" ")
        );
        for point in &points {
            let (px, py) = point.split_once(',').unwrap_or(("0", "0"));
            let _ = write!(
                svg,
                r#"<circle cx="{px}" cy="{py}" r="3" fill="{colour}"/>"#
            );
        }
        let lx = LEFT + 8.0 + (k % 3) as f64 * 150.0;
        let ly = H - 16.0 + (k / 3) as f64 * 12.0;
        let _ = write!(
            svg,
            r#"<rect x="{lx}" y="{}" width="12" height="3" fill="{colour}"/><text x="{}" y="{}">{}</text>"#,
            ly - 4.0,
            lx + 16.0,
            ly,
            escape(&s.name)
        );
    }
    svg.push_str("</svg>");
    svg
}

/// The rows of one model and pick, all candidates.
fn rows<'a>(report: &'a Report, model: &str, pick: usize) -> Vec<&'a DeltaRow> {
    report
        .deltas
        .iter()
        .filter(|r| r.model == model && r.pick == pick)
        .collect()
}

/// The x label of a row: its load, with the strategy when `rows` mix strategies.
fn x_label(row: &DeltaRow, mixed: bool) -> String {
    let load = row.load.map_or_else(|| "?".into(), display_load);
    if mixed {
        format!("{} {load}", row.strategy)
    } else {
        load
    }
}

/// The x labels of `rows` in report order (loads ascending; unknown loads by position).
fn x_labels(rows: &[&DeltaRow], mixed: bool) -> Vec<String> {
    let mut xs: Vec<String> = Vec::new();
    for r in rows {
        let label = x_label(r, mixed);
        if !xs.contains(&label) {
            xs.push(label);
        }
    }
    xs
}

/// The value chart of one model and pick when there is nothing to compare: one line per
/// value of the label.
fn value_chart(report: &Report, model: &str, pick: usize) -> Option<String> {
    let rows: Vec<&ValueRow> = report
        .values
        .iter()
        .filter(|v| v.model == model && v.pick == pick)
        .collect();
    let first = rows.first()?;
    let mixed = rows.iter().any(|r| r.strategy != first.strategy);
    let label = |v: &ValueRow| {
        // Points without a load are told apart by their place in the run.
        let load = match (v.load, v.load_index) {
            (Some(load), _) => display_load(load),
            (None, Some(index)) => format!("? #{}", index + 1),
            (None, None) => "?".into(),
        };
        if mixed {
            format!("{} {load}", v.strategy)
        } else {
            load
        }
    };
    let mut xs: Vec<String> = Vec::new();
    for v in &rows {
        if !xs.contains(&label(v)) {
            xs.push(label(v));
        }
    }
    let mut configs: Vec<&str> = rows.iter().map(|v| v.config.as_str()).collect();
    configs.sort();
    configs.dedup();
    let series: Vec<Series> = configs
        .iter()
        .map(|config| Series {
            name: config.to_string(),
            values: xs
                .iter()
                .map(|x| {
                    rows.iter()
                        .find(|v| v.config == *config && label(v) == *x)
                        .map(|v| v.value)
                })
                .collect(),
        })
        .collect();
    let unit = if first.unit.is_empty() {
        String::new()
    } else {
        format!(" [{}]", first.unit)
    };
    let title = format!(
        "{}{unit}",
        pick_label(&first.metric, &first.stat, &first.status)
    );
    Some(format!(
        "<figure><figcaption>{}</figcaption>{}</figure>",
        escape(&title),
        line_chart("values", &title, &xs, &series, false)
    ))
}

/// The value chart and the % change chart of one model and pick.
fn charts(report: &Report, model: &str, pick: usize) -> Option<String> {
    let rows = rows(report, model, pick);
    let first = rows.first()?;
    let mixed = rows.iter().any(|r| r.strategy != first.strategy);
    let xs = x_labels(&rows, mixed);
    let position = |r: &DeltaRow| xs.iter().position(|x| *x == x_label(r, mixed));
    let mut baseline = vec![None; xs.len()];
    let mut values = Vec::new();
    let mut changes = Vec::new();
    for candidate in &report.candidates {
        let mut value = vec![None; xs.len()];
        let mut change = vec![None; xs.len()];
        for r in rows.iter().filter(|r| &r.candidate == candidate) {
            if let Some(i) = position(r) {
                baseline[i] = baseline[i].or(r.baseline_value);
                value[i] = r.candidate_value;
                change[i] = r.pct_change;
            }
        }
        values.push(Series {
            name: candidate.clone(),
            values: value,
        });
        changes.push(Series {
            name: candidate.clone(),
            values: change,
        });
    }
    values.insert(
        0,
        Series {
            name: report.spec.baseline.clone(),
            values: baseline,
        },
    );
    let label = pick_label(&first.metric, &first.stat, &first.status);
    let unit = if first.unit.is_empty() {
        String::new()
    } else {
        format!(" [{}]", first.unit)
    };
    let title = format!("{label}{unit}");
    let change_title = format!("{label}: % change vs {}", report.spec.baseline);
    // The change chart gets the baseline's colour slot empty so candidates keep their colour.
    changes.insert(
        0,
        Series {
            name: String::new(),
            values: vec![None; xs.len()],
        },
    );
    Some(format!(
        "<figure><figcaption>{}</figcaption>{}</figure><figure><figcaption>{}</figcaption>{}</figure>",
        escape(&title),
        line_chart("values", &title, &xs, &values, false),
        escape(&change_title),
        line_chart("changes", &change_title, &xs, &changes, true),
    ))
}

fn table_html(table: &Table) -> String {
    let mut out = format!(
        "<h3>{}</h3><table class=\"deltas\"><thead><tr>",
        escape(&table.heading)
    );
    for head in &table.head {
        let _ = write!(out, "<th>{}</th>", escape(head));
    }
    out.push_str("</tr></thead><tbody>");
    for row in &table.rows {
        out.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let mut class = Vec::new();
            if table.right.get(i).copied().unwrap_or(false) {
                class.push("num");
            }
            if cell.starts_with("better") {
                class.push("better");
            } else if cell.starts_with("worse") {
                class.push("worse");
            }
            let _ = write!(
                out,
                "<td class=\"{}\">{}</td>",
                class.join(" "),
                escape(cell)
            );
        }
        out.push_str("</tr>");
    }
    out.push_str("</tbody></table>");
    out
}

impl Renderer for Html {
    fn render(&self, report: &Report) -> Result<String> {
        let doc = document(report);
        let mut out =
            String::from("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">");
        let _ = write!(
            out,
            "<title>Benchmark comparison: {} vs {}</title><style>{STYLE}</style></head><body>",
            escape(&report.candidates.join(", ")),
            escape(&report.spec.baseline)
        );
        out.push_str("<h1>Benchmark comparison</h1><div class=\"header\">");
        for line in &doc.header {
            let _ = write!(out, "<p>{}</p>", escape(line));
        }
        out.push_str("</div>");
        for model in models(report) {
            let _ = write!(
                out,
                "<section class=\"model\"><h2>{}</h2><div class=\"charts\">",
                escape(super::layout::shown_model(&model))
            );
            for pick in 0..report.spec.picks.len() {
                let figures = if report.candidates.is_empty() {
                    value_chart(report, &model, pick)
                } else {
                    charts(report, &model, pick)
                };
                out.push_str(&figures.unwrap_or_default());
            }
            out.push_str("</div>");
            for chapter in doc
                .chapters
                .iter()
                .filter(|c| c.model.as_deref() == Some(model.as_str()))
            {
                let _ = write!(out, "<h3>{}</h3>", escape(&chapter.title));
                for table in &chapter.tables {
                    out.push_str(&table_html(table));
                }
            }
            out.push_str("</section>");
        }
        for chapter in doc.chapters.iter().filter(|c| c.model.is_none()) {
            let _ = write!(
                out,
                "<section class=\"across\"><h2>{}</h2>",
                escape(&chapter.title)
            );
            for table in &chapter.tables {
                out.push_str(&table_html(table));
            }
            out.push_str("</section>");
        }
        out.push_str("<section class=\"notes\"><h2>Notes</h2>");
        for note in &doc.notes {
            let _ = write!(out, "<p>{}</p>", escape(note));
        }
        out.push_str("</section></body></html>\n");
        Ok(out)
    }
}
