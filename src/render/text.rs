//! The default terminal report: every candidate against the baseline, per model and load,
//! with a verdict from each metric's direction and a mark on deltas computed from rounded
//! console values.

use std::fmt::Write;

use super::{
    align, average, average_verdict, direction_phrase, format_load, format_pct, format_value,
    models, pick_label, section, Renderer,
};
use crate::analyze::{DeltaRow, Report};
use crate::error::Result;

/// The text renderer.
pub struct Text;

/// Mark after a verdict whose values came from rounded console text.
pub const ROUNDED_MARK: &str = "~";

/// A value with the decimals its source printed, or a sensible number of them.
pub fn value_text(value: Option<f64>, decimals: Option<u8>, signed: bool) -> String {
    match (value, decimals) {
        (None, _) => "—".into(),
        (Some(v), Some(d)) if signed => format!("{v:+.d$}", d = usize::from(d)),
        (Some(v), Some(d)) => format!("{v:.d$}", d = usize::from(d)),
        (Some(v), None) if signed && v >= 0.0 => format!("+{}", format_value(v)),
        (Some(v), None) => format_value(v),
    }
}

/// Header lines shared by the text and Markdown reports.
pub fn header_lines(report: &Report) -> Vec<String> {
    let ctx = &report.context;
    let spec = &report.spec;
    let mut lines = vec![
        format!(
            "Baseline {}={}; candidates: {}",
            spec.by,
            spec.baseline,
            report.candidates.join(", ")
        ),
        format!("Sources: {}", ctx.sources.join(", ")),
    ];
    let mut run = Vec::new();
    if !ctx.rate_types.is_empty() {
        run.push(ctx.rate_types.join("/"));
    }
    if !ctx.max_seconds.is_empty() {
        let secs: Vec<String> = ctx.max_seconds.iter().map(|s| format_load(*s)).collect();
        run.push(format!("{} s per level", secs.join("/")));
    }
    if !ctx.loads.is_empty() {
        let loads: Vec<String> = ctx.loads.iter().map(|l| format_load(*l)).collect();
        run.push(format!("loads {}", loads.join(", ")));
    }
    if !run.is_empty() {
        lines.push(format!("Runs: {}", run.join(", ")));
    }
    let list = |v: &[i64]| v.iter().map(i64::to_string).collect::<Vec<_>>().join("/");
    let workload: Vec<String> = [
        (&ctx.prompt_tokens, "prompt tokens"),
        (&ctx.output_tokens, "output tokens"),
        (&ctx.prefix_tokens, "prefix tokens"),
        (&ctx.turns, "turns"),
    ]
    .into_iter()
    .filter(|(v, _)| !v.is_empty())
    .map(|(v, what)| format!("{} {what}", list(v)))
    .collect();
    if !workload.is_empty() {
        lines.push(format!("Workload: {}", workload.join(", ")));
    }
    lines
}

/// The cells of one delta row: load, baseline, candidate, difference, change, verdict.
pub fn delta_cells(row: &DeltaRow) -> Vec<String> {
    let load = row.load.map_or_else(|| "?".into(), format_load);
    let mark = if row.rounded && row.matched == "both" {
        ROUNDED_MARK
    } else {
        ""
    };
    let verdict = match row.matched.as_str() {
        "both" => format!("{}{mark}", row.verdict),
        other => format!("unmatched ({other})"),
    };
    vec![
        load,
        value_text(row.baseline_value, row.decimals, false),
        value_text(row.candidate_value, row.decimals, false),
        value_text(row.difference, row.decimals, true),
        format_pct(row.pct_change),
        verdict,
    ]
}

/// The closing notes shared by the text and Markdown reports.
pub fn notes(report: &Report) -> Vec<String> {
    let mut notes = vec![format!(
        "Verdicts follow each metric's direction (higher throughput is better, lower latency is \
         better); changes within ±{}% are \"within tolerance\".",
        report.spec.tolerance_pct
    )];
    if report.deltas.iter().any(|r| r.rounded) {
        notes.push(format!(
            "{ROUNDED_MARK} computed from console values rounded to the digits shown: \
             \"within rounding\" means the difference is no larger than that rounding, \
             and small bases exaggerate the % change (0.5 → 0.7 req/s prints as +40.0%)."
        ));
    }
    if report.deltas.iter().any(|r| r.matched != "both") {
        notes.push(
            "Unmatched levels exist on one side only; they are listed, never shifted onto a \
             neighbouring level, and left out of the averages."
                .into(),
        );
    }
    notes
}

impl Renderer for Text {
    fn render(&self, report: &Report) -> Result<String> {
        let mut out = String::new();
        for line in header_lines(report) {
            let _ = writeln!(out, "{line}");
        }
        let baseline = &report.spec.baseline;
        let models = models(report);
        for model in &models {
            for candidate in &report.candidates {
                let _ = writeln!(out, "\n== {model}: {candidate} vs {baseline} ==");
                for (pick, p) in report.spec.picks.iter().enumerate() {
                    let rows: Vec<&DeltaRow> = section(report, model, candidate, pick).collect();
                    let Some(first) = rows.first() else { continue };
                    let _ = writeln!(
                        out,
                        "\n{} [{}, {}]",
                        pick_label(&p.metric, &p.stat, &p.status),
                        first.unit,
                        direction_phrase(&first.direction)
                    );
                    let mut table = vec![vec![
                        "load".to_string(),
                        baseline.clone(),
                        candidate.clone(),
                        "difference".into(),
                        "change".into(),
                        "verdict".into(),
                    ]];
                    table.extend(rows.iter().map(|r| delta_cells(r)));
                    for line in align(&table, &[true, true, true, true, true, false]).lines() {
                        let _ = writeln!(out, "  {line}");
                    }
                }
                let _ = writeln!(out, "\nAverage change over matched levels:");
                let mut table = Vec::new();
                for (pick, p) in report.spec.picks.iter().enumerate() {
                    let Some(avg) = average(report, Some(model), candidate, pick) else {
                        continue;
                    };
                    let mark = if avg.rounded { ROUNDED_MARK } else { "" };
                    table.push(vec![
                        pick_label(&p.metric, &p.stat, &p.status),
                        format_pct(avg.mean_pct_change),
                        format!(
                            "{}{mark}",
                            average_verdict(
                                &p.metric,
                                avg.mean_pct_change,
                                report.spec.tolerance_pct
                            )
                        ),
                        format!("{} level(s)", avg.count),
                    ]);
                }
                for line in align(&table, &[false, true, false, true]).lines() {
                    let _ = writeln!(out, "  {line}");
                }
            }
        }
        for candidate in &report.candidates {
            let _ = writeln!(
                out,
                "\n== All models: {candidate} vs {baseline} (mean % change per model) =="
            );
            let mut head = vec!["metric".to_string()];
            head.extend(models.iter().cloned());
            head.push("mean".into());
            let mut table = vec![head];
            for (pick, p) in report.spec.picks.iter().enumerate() {
                let mut row = vec![pick_label(&p.metric, &p.stat, &p.status)];
                for model in &models {
                    row.push(format_pct(
                        average(report, Some(model), candidate, pick)
                            .and_then(|a| a.mean_pct_change),
                    ));
                }
                row.push(format_pct(
                    average(report, None, candidate, pick).and_then(|a| a.mean_pct_change),
                ));
                table.push(row);
            }
            let mut right = vec![false];
            right.extend(std::iter::repeat_n(true, models.len() + 1));
            for line in align(&table, &right).lines() {
                let _ = writeln!(out, "  {line}");
            }
        }
        let _ = writeln!(out, "\nNotes:");
        for note in notes(report) {
            let _ = writeln!(out, "  {note}");
        }
        Ok(out)
    }
}
