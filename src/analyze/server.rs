//! The server side of a comparison: what the vLLM server logs of the compared runs say (GPU KV
//! cache usage, prefix cache hit rate, queueing, offload transfers), per model and
//! configuration, beside the client metrics.

use polars::prelude::*;

use super::compare::with_label;
use super::CompareSpec;
use crate::error::{Error, Result};
use crate::frames::{Columns, Tables};
use crate::schema::{self, server_samples as v};

/// One server metric of one model and configuration, over the samples taken while its runs'
/// benchmarks ran (all of a run's samples when their time is not known).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ServerRow {
    /// Model.
    pub model: String,
    /// The value of the `by` label (the baseline or a candidate).
    pub config: String,
    /// Metric (see the catalog).
    pub metric: String,
    /// Unit.
    pub unit: String,
    /// Runs with samples of it.
    pub runs: usize,
    /// Samples.
    pub samples: usize,
    /// Of those, samples not known to fall inside a benchmark (neither the run's times nor
    /// the log's year are known): all the log's samples may be included.
    pub unplaced: usize,
    /// Mean over the samples.
    pub mean: f64,
    /// Largest sample.
    pub max: f64,
    /// The mean vs the baseline's mean, in %.
    pub pct_vs_baseline: Option<f64>,
}

fn polars_err(step: &str) -> impl FnOnce(PolarsError) -> Error + '_ {
    move |e| Error::polars(format!("summarising server samples: {step}"), e)
}

/// The server rows of the baseline and `candidates` (every value of `by` when the comparison
/// has none), in catalog order of the metrics, baseline first.
pub fn server_rows(
    tables: &Tables,
    spec: &CompareSpec,
    candidates: &[String],
) -> Result<Vec<ServerRow>> {
    let any = tables
        .server_samples
        .clone()
        .limit(1)
        .collect()
        .map_err(polars_err("reading"))?;
    if any.height() == 0 {
        return Ok(Vec::new());
    }
    let samples = tables.server_samples.clone().filter(
        col(v::DURING_RUN)
            .is_null()
            .or(col(v::DURING_RUN).eq(lit(true))),
    );
    let labelled = with_label(samples, tables.runs.clone(), &spec.by)?;
    let mut compared = vec![spec.baseline.clone()];
    compared.extend(candidates.iter().cloned());
    let labelled = if candidates.is_empty() {
        labelled
    } else {
        let wanted = Series::new("wanted".into(), compared.clone());
        labelled.filter(col("by").is_in(lit(wanted).implode(false), false))
    };
    let summary = labelled
        .filter(col(v::MODEL).is_not_null().and(col("by").is_not_null()))
        .group_by([col(v::MODEL), col("by"), col(v::METRIC)])
        .agg([
            col(v::UNIT).first(),
            col(v::RUN_ID).n_unique().alias("runs"),
            len().alias("samples"),
            col(v::DURING_RUN).null_count().alias("unplaced"),
            col(v::VALUE).mean().alias("mean"),
            col(v::VALUE).max().alias("max"),
        ]);
    let baseline = summary
        .clone()
        .filter(col("by").eq(lit(spec.baseline.clone())))
        .select([
            col(v::MODEL),
            col(v::METRIC),
            col("mean").alias("baseline_mean"),
        ]);
    let frame = summary
        .join(
            baseline,
            [col(v::MODEL), col(v::METRIC)],
            [col(v::MODEL), col(v::METRIC)],
            JoinArgs::new(JoinType::Left),
        )
        .with_column(
            when(col("baseline_mean").neq(lit(0.0)))
                .then((col("mean") - col("baseline_mean")) / col("baseline_mean") * lit(100.0))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("pct"),
        )
        .collect()
        .map_err(polars_err("collecting"))?;
    let cols = Columns(&frame);
    let (models, configs, metrics, units) = (
        cols.text(v::MODEL)?,
        cols.text("by")?,
        cols.text(v::METRIC)?,
        cols.text(v::UNIT)?,
    );
    let (runs, samples, unplaced, means, maxes, pcts) = (
        cols.float("runs")?,
        cols.float("samples")?,
        cols.float("unplaced")?,
        cols.float("mean")?,
        cols.float("max")?,
        cols.float("pct")?,
    );
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let mut rows: Vec<ServerRow> = (0..frame.height())
        .filter_map(|i| {
            Some(ServerRow {
                model: text(&models[i]),
                config: text(&configs[i]),
                metric: text(&metrics[i]),
                unit: text(&units[i]),
                runs: runs[i]? as usize,
                samples: samples[i]? as usize,
                unplaced: unplaced[i]? as usize,
                mean: means[i]?,
                max: maxes[i]?,
                pct_vs_baseline: if configs[i].as_deref() == Some(spec.baseline.as_str()) {
                    None
                } else {
                    pcts[i]
                },
            })
        })
        .collect();
    let order = |metric: &str| {
        schema::CATALOG
            .iter()
            .position(|m| m.name == metric)
            .unwrap_or(usize::MAX)
    };
    let position = |config: &str| {
        compared
            .iter()
            .position(|c| c == config)
            .unwrap_or(usize::MAX)
    };
    rows.sort_by(|a, b| {
        (
            &a.model,
            order(&a.metric),
            &a.metric,
            position(&a.config),
            &a.config,
        )
            .cmp(&(
                &b.model,
                order(&b.metric),
                &b.metric,
                position(&b.config),
                &b.config,
            ))
    });
    Ok(rows)
}
