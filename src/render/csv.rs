//! CSV: one row per model × candidate × metric × load, with stable column names.

use polars::prelude::*;

use super::Renderer;
use crate::analyze::compare::col_names as c;
use crate::analyze::Report;
use crate::error::{Error, Result};

/// The CSV renderer.
pub struct Csv;

/// The columns written, in order (`by` and `baseline` name the comparison).
pub const COLUMNS: &[&str] = &[
    "by",
    "baseline",
    c::CANDIDATE,
    c::MODEL,
    c::STRATEGY,
    c::LOAD,
    c::METRIC,
    c::STAT,
    c::STATUS,
    c::UNIT,
    c::BASELINE_VALUE,
    c::CANDIDATE_VALUE,
    c::DIFFERENCE,
    c::PCT_CHANGE,
    c::ROUNDED,
    c::DIRECTION,
    c::VERDICT,
    c::MATCHED,
];

impl Renderer for Csv {
    fn render(&self, report: &Report) -> Result<String> {
        let mut frame = report
            .deltas_frame
            .clone()
            .lazy()
            .with_columns([
                lit(report.spec.by.clone()).alias("by"),
                lit(report.spec.baseline.clone()).alias("baseline"),
            ])
            .select(COLUMNS.iter().map(|name| col(*name)).collect::<Vec<_>>())
            .collect()
            .map_err(|e| Error::polars("rendering CSV", e))?;
        let mut buffer = Vec::new();
        CsvWriter::new(&mut buffer)
            .finish(&mut frame)
            .map_err(|e| Error::polars("rendering CSV", e))?;
        String::from_utf8(buffer).map_err(|e| Error::Invalid(format!("CSV is not UTF-8: {e}")))
    }
}
