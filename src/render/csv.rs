//! CSV: one row per model × candidate × metric × load, with stable column names: `by`,
//! `baseline`, then the comparison's columns (see `analyze::compare::DELTA_COLUMNS`); for a
//! single configuration, one row per model × metric × load with its value.

use polars::prelude::*;

use super::Renderer;
use crate::analyze::compare::{col_names as c, DELTA_COLUMNS};
use crate::analyze::Report;
use crate::error::{Error, Result};

/// The CSV renderer.
pub struct Csv;

impl Renderer for Csv {
    fn render(&self, report: &Report) -> Result<String> {
        if report.candidates.is_empty() {
            return values_csv(report);
        }
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

    fn shows_peaks(&self) -> bool {
        false
    }
}

/// A single configuration: one row per model, strategy, load and compared value.
fn values_csv(report: &Report) -> Result<String> {
    let mut out = String::from(
        "by,config,model,strategy,load,load_index,metric,stat,status,unit,value,runs,ci_half_width,\
         decimals\n",
    );
    let field = |text: &str| {
        if text.contains([',', '"', '\n']) {
            format!("\"{}\"", text.replace('"', "\"\""))
        } else {
            text.to_string()
        }
    };
    let number = |v: Option<f64>| v.map_or_else(String::new, |v| v.to_string());
    for v in &report.values {
        out.push_str(
            &[
                field(&report.spec.by),
                field(&v.config),
                field(&v.model),
                field(&v.strategy),
                number(v.load),
                v.load_index.map_or_else(String::new, |i| i.to_string()),
                field(&v.metric),
                field(&v.stat),
                field(&v.status),
                field(&v.unit),
                v.value.to_string(),
                v.runs.to_string(),
                number(v.interval),
                v.decimals.map_or_else(String::new, |d| d.to_string()),
            ]
            .join(","),
        );
        out.push('\n');
    }
    Ok(out)
}
