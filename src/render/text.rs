//! The default terminal report: every candidate against the baseline, per model and load,
//! with a verdict from each metric's direction and a mark on deltas computed from rounded
//! console values.

use std::fmt::Write;

use super::layout::document;
use super::{align, Renderer};
use crate::analyze::Report;
use crate::error::Result;

/// The text renderer.
pub struct Text;

impl Renderer for Text {
    fn render(&self, report: &Report) -> Result<String> {
        let doc = document(report);
        let mut out = String::new();
        for line in &doc.header {
            let _ = writeln!(out, "{line}");
        }
        for chapter in &doc.chapters {
            let _ = writeln!(out, "\n== {} ==", chapter.title);
            for table in &chapter.tables {
                let _ = writeln!(out, "\n{}", table.heading);
                let mut cells = vec![table.head.clone()];
                cells.extend(table.rows.iter().cloned());
                for line in align(&cells, &table.right).lines() {
                    let _ = writeln!(out, "  {line}");
                }
            }
        }
        let _ = writeln!(out, "\nNotes:");
        for note in &doc.notes {
            let _ = writeln!(out, "  {note}");
        }
        Ok(out)
    }
}
