//! Markdown report (GitHub-flavoured tables) for REPORT.md files: the text report's content.

use std::fmt::Write;

use super::layout::{document, Table};
use super::Renderer;
use crate::analyze::Report;
use crate::error::Result;

/// The Markdown renderer.
pub struct Markdown;

/// Escapes the characters that would break a table cell.
fn cell(text: &str) -> String {
    text.replace('|', "\\|")
}

fn row(out: &mut String, cells: &[String]) {
    let cells: Vec<String> = cells.iter().map(|c| cell(c)).collect();
    let _ = writeln!(out, "| {} |", cells.join(" | "));
}

fn table(out: &mut String, table: &Table) {
    let _ = writeln!(out, "### {}\n", table.heading);
    row(out, &table.head);
    let rule: Vec<String> = table
        .right
        .iter()
        .map(|&right| if right { "---:" } else { "---" }.to_string())
        .collect();
    let _ = writeln!(out, "| {} |", rule.join(" | "));
    for cells in &table.rows {
        row(out, cells);
    }
    out.push('\n');
}

impl Renderer for Markdown {
    fn render(&self, report: &Report) -> Result<String> {
        let doc = document(report);
        let mut out = String::from("# Benchmark comparison\n\n");
        for line in &doc.header {
            let _ = writeln!(out, "- {line}");
        }
        for chapter in &doc.chapters {
            let _ = writeln!(out, "\n## {}\n", chapter.title);
            for t in &chapter.tables {
                table(&mut out, t);
            }
        }
        out.push_str("\n## Notes\n\n");
        for note in &doc.notes {
            let _ = writeln!(out, "- {note}");
        }
        Ok(out)
    }
}
