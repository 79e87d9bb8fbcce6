//! Lazy Polars queries over the tidy tables: comparisons against a baseline and their
//! summaries.

pub mod compare;
pub mod peaks;
pub mod repeats;
pub mod server;
pub mod sql;
pub mod stats;
pub mod summary;

pub use compare::{compare, CompareSpec, Comparison, Pick, StatusGap};
pub use peaks::{peaks, PeakRow};
pub use server::{server_rows, ServerRow};
pub use summary::{averages, context, AverageRow, Averages, Context, DeltaRow, ValueRow};

use crate::error::Result;
use crate::frames::Tables;

/// Everything a renderer needs: the comparison, its averages and the header facts.
#[derive(Debug, Clone)]
pub struct Report {
    /// What was compared.
    pub spec: CompareSpec,
    /// Candidates compared, sorted.
    pub candidates: Vec<String>,
    /// Facts for the header.
    pub context: Context,
    /// One row per model × candidate × pick × load, matched or not.
    pub deltas: Vec<DeltaRow>,
    /// Mean % changes per model, then across models.
    pub averages: Vec<AverageRow>,
    /// Best value of each metric over the loads, per model and configuration (empty when
    /// the report was made without them).
    pub peaks: Vec<PeakRow>,
    /// Picks the data has no rows of.
    pub missing: Vec<Pick>,
    /// Models whose compared values of a pick share no request status (their levels unmatched).
    pub status_gaps: Vec<StatusGap>,
    /// Every compared value per configuration and load (mean over runs).
    pub values: Vec<ValueRow>,
    /// What the compared runs' vLLM server logs say, per model and configuration.
    pub server: Vec<ServerRow>,
    /// Runs averaged as repeats that may not be (see [`repeats`]), for the command to print.
    pub warnings: Vec<crate::formats::Warning>,
    /// The deltas as a frame (stable column names, for CSV and machines).
    pub deltas_frame: polars::prelude::DataFrame,
    /// Positions in `deltas` of each model, candidate and pick, in report order.
    pub sections: std::collections::HashMap<(String, String, usize), Vec<usize>>,
    /// Position in `averages` of each model (`None`: across models), candidate and pick.
    pub average_at: std::collections::HashMap<(Option<String>, String, usize), usize>,
}

/// Runs the comparison of `spec` over `tables` and gathers what reports print; the peaks
/// only `with_peaks` (formats that do not print them skip their query).
pub fn report(tables: &Tables, spec: &CompareSpec, with_peaks: bool) -> Result<Report> {
    let comparison = match compare(tables.metrics.clone(), tables.runs.clone(), spec) {
        Ok(comparison) => comparison,
        Err(e) if tables.no_metric_rows() && tables.has_server_samples() => {
            return Err(crate::error::Error::Invalid(format!(
                "{e}; the inputs hold only vLLM server samples, no benchmark results: give \
                 them with the benchmark's results (a run directory), or convert them and \
                 query the server_samples table"
            )))
        }
        Err(e) => return Err(e),
    };
    // The delta and average rows are built on one core, the other rows beside them.
    let (compared, others) = rayon::join(
        || compared_rows(&comparison),
        || -> Result<_> {
            Ok((
                context(tables.runs.clone(), &comparison)?,
                summary::value_rows(&comparison)?,
                if with_peaks {
                    peaks(&comparison)?
                } else {
                    Vec::new()
                },
                server_rows(tables, &comparison.spec, &comparison.candidates)?,
                [
                    repeats::mixed_sweep_combinations(&tables.runs, &comparison),
                    repeats::mixed_configurations(&tables.runs, &comparison),
                    repeats::mixed_workloads(&tables.runs, &comparison),
                    repeats::loads_repeated_in_a_run(&tables.runs, &comparison),
                ]
                .concat(),
            ))
        },
    );
    let Compared {
        deltas,
        averages,
        sections,
        average_at,
    } = compared?;
    let (context, values, peaks, server, warnings) = others?;
    Ok(Report {
        sections,
        average_at,
        spec: comparison.spec.clone(),
        candidates: comparison.candidates.clone(),
        context,
        deltas,
        averages,
        peaks,
        missing: comparison.missing.clone(),
        status_gaps: comparison.status_gaps.clone(),
        values,
        server,
        warnings,
        deltas_frame: comparison.deltas,
    })
}

/// The delta and average rows of a comparison, with their indexes (see [`Report`]).
struct Compared {
    deltas: Vec<DeltaRow>,
    averages: Vec<AverageRow>,
    sections: std::collections::HashMap<(String, String, usize), Vec<usize>>,
    average_at: std::collections::HashMap<(Option<String>, String, usize), usize>,
}

/// The delta and average rows of `comparison`, indexed; none when it compares nothing (a
/// single configuration's values are the report).
fn compared_rows(comparison: &Comparison) -> Result<Compared> {
    let (deltas, averages) = if comparison.candidates.is_empty() {
        (Vec::new(), Vec::new())
    } else {
        (
            summary::delta_rows(comparison)?,
            summary::average_rows(&averages(comparison)?)?,
        )
    };
    let mut sections: std::collections::HashMap<(String, String, usize), Vec<usize>> =
        std::collections::HashMap::new();
    // The rows of a section are neighbours (the deltas are sorted by model, candidate and
    // pick): its key is made once per run of them, not once per row.
    fn key(row: &DeltaRow) -> (&str, &str, usize) {
        (&row.model, &row.candidate, row.pick)
    }
    let mut start = 0;
    for end in 1..=deltas.len() {
        if end == deltas.len() || key(&deltas[end]) != key(&deltas[start]) {
            let row = &deltas[start];
            sections
                .entry((row.model.clone(), row.candidate.clone(), row.pick))
                .or_default()
                .extend(start..end);
            start = end;
        }
    }
    let mut average_at = std::collections::HashMap::new();
    for (i, row) in averages.iter().enumerate() {
        let model = (!row.across_models).then(|| row.model.clone());
        average_at
            .entry((model, row.candidate.clone(), row.pick))
            .or_insert(i);
    }
    Ok(Compared {
        deltas,
        averages,
        sections,
        average_at,
    })
}
