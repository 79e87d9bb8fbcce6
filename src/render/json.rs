//! JSON: one document with the comparison's parameters, header facts, every delta row, every
//! average, every peak, every compared value per configuration and load, the server's stats
//! per configuration, and the models whose values of a metric share no request status.

use super::Renderer;
use crate::analyze::{
    AverageRow, Context, DeltaRow, PeakRow, Report, ServerRow, StatusGap, ValueRow,
};
use crate::error::{Error, Result};

/// The JSON renderer.
pub struct Json;

#[derive(serde::Serialize)]
struct Document<'a> {
    by: &'a str,
    baseline: &'a str,
    candidates: &'a [String],
    tolerance_pct: f64,
    context: &'a Context,
    deltas: &'a [DeltaRow],
    averages: &'a [AverageRow],
    peaks: &'a [PeakRow],
    values: &'a [ValueRow],
    server: &'a [ServerRow],
    status_gaps: &'a [StatusGap],
}

impl Renderer for Json {
    fn render(&self, report: &Report) -> Result<String> {
        let doc = Document {
            by: &report.spec.by,
            baseline: &report.spec.baseline,
            candidates: &report.candidates,
            tolerance_pct: report.spec.tolerance_pct,
            context: &report.context,
            deltas: &report.deltas,
            averages: &report.averages,
            peaks: &report.peaks,
            values: &report.values,
            server: &report.server,
            status_gaps: &report.status_gaps,
        };
        let mut text = serde_json::to_string_pretty(&doc)
            .map_err(|e| Error::Invalid(format!("rendering JSON: {e}")))?;
        text.push('\n');
        Ok(text)
    }
}
