//! CSV: one row per model × candidate × metric × load, with stable column names: `by`,
//! `baseline`, then the comparison's columns (see `analyze::compare::DELTA_COLUMNS`).

use polars::prelude::*;

use super::Renderer;
use crate::analyze::compare::{col_names as c, DELTA_COLUMNS};
use crate::analyze::Report;
use crate::error::{Error, Result};

/// The CSV renderer.
pub struct Csv;

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
            .select(
                ["by", "baseline"]
                    .into_iter()
                    .chain(DELTA_COLUMNS.into_iter().filter(|name| *name != c::PICK))
                    .map(col)
                    .collect::<Vec<_>>(),
            )
            .collect()
            .map_err(|e| Error::polars("rendering CSV", e))?;
        let mut buffer = Vec::new();
        CsvWriter::new(&mut buffer)
            .finish(&mut frame)
            .map_err(|e| Error::polars("rendering CSV", e))?;
        String::from_utf8(buffer).map_err(|e| Error::Invalid(format!("CSV is not UTF-8: {e}")))
    }
}
