//! Peaks: the best value of each metric over the loads of each model and configuration
//! (the maximum when higher is better, the minimum when lower is better), where it occurs, and
//! how it compares with the baseline's peak.

use polars::prelude::*;

use super::compare::{col_names as c, directions, strategy_rank, Comparison, STRATEGY_RANK};
use super::summary::take_text;
use crate::error::{Error, Result};
use crate::frames::Columns;
use crate::schema::metrics as m;

/// The peak of one metric for one model, configuration and strategy.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PeakRow {
    /// Model.
    pub model: String,
    /// The value of the `by` label (the baseline or a candidate).
    pub config: String,
    /// Strategy the loads belong to.
    pub strategy: String,
    /// Metric.
    pub metric: String,
    /// Statistic.
    pub stat: String,
    /// Request status.
    pub status: String,
    /// Unit.
    pub unit: String,
    /// The peak value (mean over repeated runs).
    pub peak: f64,
    /// Digits printed for the peak when it was read from rounded text.
    pub decimals: Option<u8>,
    /// The load where it occurs (null when the source gave none).
    pub load: Option<f64>,
    /// The baseline's peak for the same model, strategy and metric.
    pub baseline_peak: Option<f64>,
    /// Peak vs the baseline's peak, in %.
    pub pct_vs_baseline: Option<f64>,
    /// Metric direction ("higher", "lower", "none": then the maximum).
    pub direction: String,
    /// Position of the pick in the spec.
    #[serde(skip)]
    pub pick: usize,
}

fn polars_err(step: &str) -> impl FnOnce(PolarsError) -> Error + '_ {
    move |e| Error::polars(format!("finding peaks: {step}"), e)
}

/// The peaks of every model × configuration × strategy × pick of `comparison`.
pub fn peaks(comparison: &Comparison) -> Result<Vec<PeakRow>> {
    let keys = [m::MODEL, m::STRATEGY, c::PICK];
    let by_value = when(col(c::DIRECTION).eq(lit("lower")))
        .then(col("value"))
        .otherwise(lit(0.0) - col("value"));
    let best = |e: Expr| {
        e.sort_by(
            [by_value.clone()],
            SortMultipleOptions::default().with_nulls_last(true),
        )
        .first()
    };
    let levels = comparison.levels.clone().lazy();
    let levels = if comparison.levels.column(m::MODEL).is_ok() {
        levels
    } else {
        levels.with_column(lit(format!("all {} values", comparison.spec.by)).alias(m::MODEL))
    };
    let peaks = levels
        .left_join(directions()?.lazy(), col(m::METRIC), col("dir_metric"))
        .with_column(col(c::DIRECTION).fill_null(lit("none")))
        .group_by(
            keys.iter()
                .map(|k| col(*k))
                .chain([col("by")])
                .collect::<Vec<_>>(),
        )
        .agg([
            col(m::METRIC).first(),
            col(m::STAT).first(),
            col(m::STATUS).first(),
            col(m::UNIT).first(),
            col(c::DIRECTION).first(),
            best(col("value")).alias("peak"),
            best(col(c::LOAD)).alias("peak_load"),
            best(col("decimals")).alias("peak_decimals"),
        ]);
    let baseline = peaks
        .clone()
        .filter(col("by").eq(lit(comparison.spec.baseline.clone())))
        .select([
            col(m::MODEL),
            col(m::STRATEGY),
            col(c::PICK),
            col("peak").alias("baseline_peak"),
        ]);
    let key_exprs: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    let mut args = JoinArgs::new(JoinType::Left);
    args.nulls_equal = true;
    let frame = peaks
        .join(baseline, key_exprs.clone(), key_exprs, args)
        .with_column(
            when(col("baseline_peak").neq(lit(0.0)))
                .then((col("peak") - col("baseline_peak")) / col("baseline_peak") * lit(100.0))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias("pct_vs_baseline"),
        )
        .with_column(
            col("by")
                .eq(lit(comparison.spec.baseline.clone()))
                .alias("is_baseline"),
        )
        .with_column(strategy_rank())
        .sort(
            [
                m::MODEL,
                c::PICK,
                STRATEGY_RANK,
                m::STRATEGY,
                "is_baseline",
                "by",
            ],
            SortMultipleOptions::default()
                .with_order_descending_multi([false, false, false, false, true, false]),
        )
        .collect()
        .map_err(polars_err("collecting"))?;
    let cols = Columns(&frame);
    let text = |n| cols.text(n);
    let (
        mut model,
        mut config,
        mut strategy,
        mut metric,
        mut stat,
        mut status,
        mut unit,
        mut direction,
    ) = (
        text(m::MODEL)?,
        text("by")?,
        text(m::STRATEGY)?,
        text(m::METRIC)?,
        text(m::STAT)?,
        text(m::STATUS)?,
        text(m::UNIT)?,
        text(c::DIRECTION)?,
    );
    let decimals = cols.float("peak_decimals")?;
    let (peak, load, baseline, pct, pick) = (
        cols.float("peak")?,
        cols.float("peak_load")?,
        cols.float("baseline_peak")?,
        cols.float("pct_vs_baseline")?,
        cols.float(c::PICK)?,
    );
    // Sized once: rows skipped below are few, and growing the list copies it.
    let mut rows = Vec::with_capacity(frame.height());
    rows.extend((0..frame.height()).filter_map(|i| {
        Some(PeakRow {
            model: take_text(&mut model[i]),
            config: take_text(&mut config[i]),
            strategy: take_text(&mut strategy[i]),
            metric: take_text(&mut metric[i]),
            stat: take_text(&mut stat[i]),
            status: take_text(&mut status[i]),
            unit: take_text(&mut unit[i]),
            peak: peak[i]?,
            decimals: decimals[i].map(|d| d as u8),
            load: load[i],
            baseline_peak: baseline[i],
            pct_vs_baseline: pct[i],
            direction: take_text(&mut direction[i]),
            pick: pick[i].unwrap_or(0.0) as usize,
        })
    }));
    Ok(rows)
}
