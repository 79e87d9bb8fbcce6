//! Markdown report (GitHub-flavoured tables) for REPORT.md files: the text report's content.

use std::fmt::Write;

use super::text::{delta_cells, header_lines, notes, ROUNDED_MARK};
use super::{
    average, average_verdict, direction_phrase, format_pct, models, pick_label, section, Renderer,
};
use crate::analyze::{DeltaRow, Report};
use crate::error::Result;

/// The Markdown renderer.
pub struct Markdown;

/// Escapes the characters that would break a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn table(out: &mut String, head: &[String], right: &[bool], rows: &[Vec<String>]) {
    let _ = writeln!(
        out,
        "| {} |",
        head.iter().map(|h| cell(h)).collect::<Vec<_>>().join(" | ")
    );
    let rule: Vec<&str> = (0..head.len())
        .map(|i| {
            if right.get(i).copied().unwrap_or(false) {
                "---:"
            } else {
                "---"
            }
        })
        .collect();
    let _ = writeln!(out, "| {} |", rule.join(" | "));
    for row in rows {
        let _ = writeln!(
            out,
            "| {} |",
            row.iter().map(|c| cell(c)).collect::<Vec<_>>().join(" | ")
        );
    }
    out.push('\n');
}

impl Renderer for Markdown {
    fn render(&self, report: &Report) -> Result<String> {
        let mut out = String::from("# Benchmark comparison\n\n");
        for line in header_lines(report) {
            let _ = writeln!(out, "- {line}");
        }
        out.push('\n');
        let baseline = &report.spec.baseline;
        let models = models(report);
        for model in &models {
            for candidate in &report.candidates {
                let _ = writeln!(out, "## {model}: {candidate} vs {baseline}\n");
                for (pick, p) in report.spec.picks.iter().enumerate() {
                    let rows: Vec<&DeltaRow> = section(report, model, candidate, pick).collect();
                    let Some(first) = rows.first() else { continue };
                    let _ = writeln!(
                        out,
                        "### {} — {}, {}\n",
                        pick_label(&p.metric, &p.stat, &p.status),
                        first.unit,
                        direction_phrase(&first.direction)
                    );
                    let head = [
                        "load",
                        baseline.as_str(),
                        candidate.as_str(),
                        "difference",
                        "change",
                        "verdict",
                    ]
                    .map(String::from);
                    let cells: Vec<Vec<String>> = rows.iter().map(|r| delta_cells(r)).collect();
                    table(
                        &mut out,
                        &head,
                        &[true, true, true, true, true, false],
                        &cells,
                    );
                }
                let head = ["metric", "mean change", "verdict", "levels"].map(String::from);
                let rows: Vec<Vec<String>> = report
                    .spec
                    .picks
                    .iter()
                    .enumerate()
                    .filter_map(|(pick, p)| {
                        let avg = average(report, Some(model), candidate, pick)?;
                        let mark = if avg.rounded { ROUNDED_MARK } else { "" };
                        Some(vec![
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
                            avg.count.to_string(),
                        ])
                    })
                    .collect();
                let _ = writeln!(out, "### Average change over matched levels\n");
                table(&mut out, &head, &[false, true, false, true], &rows);
            }
        }
        for candidate in &report.candidates {
            let _ = writeln!(
                out,
                "## All models: {candidate} vs {baseline} (mean % change per model)\n"
            );
            let mut head = vec!["metric".to_string()];
            head.extend(models.iter().cloned());
            head.push("mean".into());
            let rows: Vec<Vec<String>> = report
                .spec
                .picks
                .iter()
                .enumerate()
                .map(|(pick, p)| {
                    let mut row = vec![pick_label(&p.metric, &p.stat, &p.status)];
                    row.extend(models.iter().map(|m| {
                        format_pct(
                            average(report, Some(m), candidate, pick)
                                .and_then(|a| a.mean_pct_change),
                        )
                    }));
                    row.push(format_pct(
                        average(report, None, candidate, pick).and_then(|a| a.mean_pct_change),
                    ));
                    row
                })
                .collect();
            let mut right = vec![false];
            right.extend(std::iter::repeat_n(true, models.len() + 1));
            table(&mut out, &head, &right, &rows);
        }
        out.push_str("## Notes\n\n");
        for note in notes(report) {
            let _ = writeln!(out, "- {note}");
        }
        Ok(out)
    }
}
