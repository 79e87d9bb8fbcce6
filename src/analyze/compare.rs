//! Deltas of every candidate configuration against a baseline, joined on model, strategy and
//! the real load value, with direction-aware verdicts from the metric catalog.

use polars::prelude::*;

use crate::error::{Error, Result};
use crate::schema::{self, metrics as m};

/// One number to compare: a metric, statistic and request status.
#[derive(Debug, Clone, PartialEq)]
pub struct Pick {
    /// Metric name.
    pub metric: String,
    /// Statistic.
    pub stat: String,
    /// Request status.
    pub status: String,
    /// Statuses to use instead, in order, when the data has no rows of `status`.
    pub fallback_statuses: Vec<String>,
}

impl Pick {
    /// A pick of `metric`'s `stat` over requests of `status`.
    pub fn new(metric: &str, stat: &str, status: &str) -> Self {
        Pick {
            metric: metric.into(),
            stat: stat.into(),
            status: status.into(),
            fallback_statuses: Vec::new(),
        }
    }

    /// The same pick, falling back to `status` when the data has none of the preferred one.
    pub fn or_status(mut self, status: &str) -> Self {
        self.fallback_statuses.push(status.into());
        self
    }
}

/// What to compare with what.
#[derive(Debug, Clone)]
pub struct CompareSpec {
    /// The label that tells configurations apart (a column of `metrics` or `runs`).
    pub by: String,
    /// The value of `by` everything is compared against.
    pub baseline: String,
    /// Values of `by` to compare; `None` means every other value present.
    pub candidates: Option<Vec<String>>,
    /// The numbers to compare, in report order.
    pub picks: Vec<Pick>,
    /// Changes within this many percent are "within tolerance".
    pub tolerance_pct: f64,
}

impl CompareSpec {
    /// The original study's picks: throughput = requests/s mean (all requests), latency =
    /// request latency median, TTFT = median (successful requests).
    pub fn study(by: &str, baseline: &str) -> Self {
        CompareSpec {
            by: by.into(),
            baseline: baseline.into(),
            candidates: None,
            picks: vec![
                // GuideLLM 0.4.0 prints throughput over successful requests only.
                Pick::new("requests_per_second", "mean", "total").or_status("successful"),
                Pick::new("request_latency", "median", "successful"),
                Pick::new("ttft", "median", "successful"),
            ],
            tolerance_pct: 1.0,
        }
    }
}

/// Column names of [`Comparison::deltas`].
pub mod col_names {
    /// Model.
    pub const MODEL: &str = "model";
    /// The candidate value of the `by` label.
    pub const CANDIDATE: &str = "candidate";
    /// Strategy of the load point.
    pub const STRATEGY: &str = "strategy";
    /// Load value.
    pub const LOAD: &str = "load";
    /// Metric.
    pub const METRIC: &str = "metric";
    /// Statistic.
    pub const STAT: &str = "stat";
    /// Request status.
    pub const STATUS: &str = "status";
    /// Unit.
    pub const UNIT: &str = "unit";
    /// Position of the pick in the spec.
    pub const PICK: &str = "pick";
    /// Baseline value (mean over repeated runs).
    pub const BASELINE_VALUE: &str = "baseline_value";
    /// Candidate value (mean over repeated runs).
    pub const CANDIDATE_VALUE: &str = "candidate_value";
    /// Digits printed in the baseline's source when it was rounded text.
    pub const BASELINE_DECIMALS: &str = "baseline_decimals";
    /// Digits printed in the candidate's source when it was rounded text.
    pub const CANDIDATE_DECIMALS: &str = "candidate_decimals";
    /// Candidate − baseline.
    pub const DIFFERENCE: &str = "difference";
    /// Difference / baseline × 100; null when the baseline is 0.
    pub const PCT_CHANGE: &str = "pct_change";
    /// True when either value came from text rounded to a few decimals.
    pub const ROUNDED: &str = "rounded";
    /// Direction of the metric ("higher", "lower", "none").
    pub const DIRECTION: &str = "direction";
    /// "better", "worse", "within tolerance", "within rounding", "neutral", "n/a", "unmatched".
    pub const VERDICT: &str = "verdict";
    /// "both", "baseline only" or "candidate only".
    pub const MATCHED: &str = "matched";
}

use col_names as c;

/// Join key of a load point: its load, or -(index + 1) when the load is unknown.
const LOAD_KEY: &str = "load_key";

/// The columns of [`Comparison::deltas`], in order.
pub const DELTA_COLUMNS: [&str; 19] = [
    c::MODEL,
    c::CANDIDATE,
    c::STRATEGY,
    c::LOAD,
    c::PICK,
    c::METRIC,
    c::STAT,
    c::STATUS,
    c::UNIT,
    c::BASELINE_VALUE,
    c::CANDIDATE_VALUE,
    c::DIFFERENCE,
    c::PCT_CHANGE,
    c::ROUNDED,
    c::BASELINE_DECIMALS,
    c::CANDIDATE_DECIMALS,
    c::DIRECTION,
    c::VERDICT,
    c::MATCHED,
];

/// The result of a comparison, collected.
#[derive(Debug, Clone)]
pub struct Comparison {
    /// The spec it answers.
    pub spec: CompareSpec,
    /// The candidates compared, sorted.
    pub candidates: Vec<String>,
    /// One row per model × candidate × pick × load (see [`col_names`]), matched rows and
    /// levels present on one side only alike.
    pub deltas: DataFrame,
}

fn polars_err(step: &str) -> impl FnOnce(PolarsError) -> Error + '_ {
    move |e| Error::polars(format!("comparing: {step}"), e)
}

fn abs(e: Expr) -> Expr {
    when(e.clone().lt(lit(0.0)))
        .then(lit(0.0) - e.clone())
        .otherwise(e)
}

/// The `metrics` rows with the `by` label as a string column named `by`, taken from `metrics`
/// itself or joined from `runs`.
fn with_label(metrics: LazyFrame, runs: LazyFrame, by: &str) -> Result<LazyFrame> {
    let mut metrics = metrics;
    let schema = metrics
        .collect_schema()
        .map_err(polars_err("reading the metrics schema"))?;
    if schema.contains(by) {
        return Ok(metrics.with_column(col(by).cast(DataType::String).alias("by")));
    }
    let mut runs = runs;
    let runs_schema = runs
        .collect_schema()
        .map_err(polars_err("reading the runs schema"))?;
    if !runs_schema.contains(by) {
        let names: Vec<String> = runs_schema.iter_names().map(|n| n.to_string()).collect();
        return Err(Error::Invalid(format!(
            "--by {by}: no such label; labels are: {}",
            names.join(", ")
        )));
    }
    let labels = runs.select([
        col(schema::runs::RUN_ID),
        col(by).cast(DataType::String).alias("by"),
    ]);
    Ok(metrics.left_join(labels, col(m::RUN_ID), col(schema::runs::RUN_ID)))
}

/// Distinct string values of `column` in `frame`, nulls as `None`.
fn distinct(frame: &DataFrame, column: &str) -> Result<Vec<Option<String>>> {
    let values = frame
        .column(column)
        .and_then(|c| c.cast(&DataType::String))
        .map_err(polars_err("listing values"))?;
    let values = values.str().map_err(polars_err("listing values"))?;
    Ok(values.iter().map(|v| v.map(String::from)).collect())
}

/// The rows of one pick: its metric and statistic, and per model the first of its statuses
/// (preferred, then fallbacks) that every configuration of that model has, so both sides of a
/// comparison use the same status (GuideLLM 0.4.0 prints throughput over successful requests
/// only, later versions over all requests).
fn pick_condition(labelled: &LazyFrame, pick: &Pick) -> Result<Expr> {
    let base = col(m::METRIC)
        .eq(lit(pick.metric.clone()))
        .and(col(m::STAT).eq(lit(pick.stat.clone())));
    if pick.fallback_statuses.is_empty() {
        return Ok(base.and(col(m::STATUS).eq(lit(pick.status.clone()))));
    }
    let present = labelled
        .clone()
        .filter(base.clone())
        .select([col(m::MODEL), col("by"), col(m::STATUS)])
        .unique(None, UniqueKeepStrategy::Any)
        .collect()
        .map_err(polars_err("listing statuses"))?;
    let (models, labels, statuses) = (
        distinct(&present, m::MODEL)?,
        distinct(&present, "by")?,
        distinct(&present, m::STATUS)?,
    );
    let mut model_list: Vec<Option<String>> = models.clone();
    model_list.sort();
    model_list.dedup();
    let preference: Vec<&String> = std::iter::once(&pick.status)
        .chain(&pick.fallback_statuses)
        .collect();
    let mut condition = lit(false);
    for model in model_list {
        let rows: Vec<usize> = (0..models.len()).filter(|&i| models[i] == model).collect();
        let configs: Vec<&Option<String>> = rows.iter().map(|&i| &labels[i]).collect();
        let has_everywhere = |status: &String| {
            configs.iter().all(|config| {
                rows.iter()
                    .any(|&i| &labels[i] == *config && statuses[i].as_ref() == Some(status))
            })
        };
        let status = preference
            .iter()
            .find(|s| has_everywhere(s))
            .unwrap_or(&preference[0]);
        let model_matches = match &model {
            Some(name) => col(m::MODEL).eq(lit(name.clone())),
            None => col(m::MODEL).is_null(),
        };
        condition = condition.or(model_matches.and(col(m::STATUS).eq(lit((*status).clone()))));
    }
    Ok(base.and(condition))
}

/// Compares every candidate with the baseline over `metrics` (and `runs`, for labels not in
/// `metrics`). Rows match on model, strategy and load value; load points without a load
/// value match on their position in the run instead. Repeated runs of the same model,
/// configuration, strategy and load are averaged.
pub fn compare(metrics: LazyFrame, runs: LazyFrame, spec: &CompareSpec) -> Result<Comparison> {
    let labelled = with_label(metrics, runs, &spec.by)?;
    let mut pick_index: Option<Expr> = None;
    for (i, pick) in spec.picks.iter().enumerate().rev() {
        let cond = pick_condition(&labelled, pick)?;
        let otherwise = pick_index.unwrap_or(lit(NULL).cast(DataType::Int32));
        pick_index = Some(when(cond).then(lit(i as i32)).otherwise(otherwise));
    }
    let pick_index = pick_index.ok_or_else(|| Error::Invalid("no metrics to compare".into()))?;
    // The label compared is never also a key (`--by model` compares models with each other).
    let keys: Vec<&str> = [
        m::MODEL,
        m::STRATEGY,
        LOAD_KEY,
        m::METRIC,
        m::STAT,
        m::STATUS,
        m::UNIT,
        c::PICK,
    ]
    .into_iter()
    .filter(|k| *k != spec.by)
    .collect();
    // A load point without a load value is keyed by its position: -(index + 1).
    let load_key = when(col(m::LOAD).is_null())
        .then(lit(-1.0) - col(m::LOAD_INDEX).cast(DataType::Float64))
        .otherwise(col(m::LOAD));
    let picked = labelled
        .with_columns([pick_index.alias(c::PICK), load_key.alias(LOAD_KEY)])
        .filter(col(c::PICK).is_not_null())
        .group_by(
            [col("by")]
                .into_iter()
                .chain(keys.iter().map(|k| col(*k)))
                .collect::<Vec<_>>(),
        )
        .agg([
            col(m::VALUE).mean().alias("value"),
            col(m::DECIMALS).max().alias("decimals"),
        ]);

    let present: Vec<String> = distinct(
        &picked
            .clone()
            .select([col("by")])
            .unique(None, UniqueKeepStrategy::Any)
            .collect()
            .map_err(polars_err("listing configurations"))?,
        "by",
    )?
    .into_iter()
    .flatten()
    .collect();
    if !present.contains(&spec.baseline) {
        let mut present = present;
        present.sort();
        return Err(Error::Invalid(format!(
            "baseline {}={} has no rows to compare; values present: {}",
            spec.by,
            spec.baseline,
            if present.is_empty() {
                "none".to_string()
            } else {
                present.join(", ")
            }
        )));
    }
    let mut candidates: Vec<String> = match &spec.candidates {
        Some(list) => {
            if let Some(missing) = list.iter().find(|c| !present.contains(c)) {
                return Err(Error::Invalid(format!(
                    "candidate {}={missing} has no rows to compare",
                    spec.by
                )));
            }
            list.clone()
        }
        None => present
            .into_iter()
            .filter(|v| v != &spec.baseline)
            .collect(),
    };
    candidates.sort();
    candidates.dedup();

    let side = |value: &str, name: &str, decimals: &str| {
        picked
            .clone()
            .filter(col("by").eq(lit(value.to_string())))
            .select(
                keys.iter()
                    .map(|k| col(*k))
                    .chain([col("value").alias(name), col("decimals").alias(decimals)])
                    .collect::<Vec<_>>(),
            )
    };
    let key_exprs: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    let mut join_args = JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns);
    join_args.nulls_equal = true;
    let joins = candidates
        .iter()
        .map(|cand| {
            let joined = side(&spec.baseline, c::BASELINE_VALUE, c::BASELINE_DECIMALS)
                .join(
                    side(cand, c::CANDIDATE_VALUE, c::CANDIDATE_DECIMALS),
                    key_exprs.clone(),
                    key_exprs.clone(),
                    join_args.clone(),
                )
                .with_column(lit(cand.clone()).alias(c::CANDIDATE));
            if keys.contains(&m::MODEL) {
                joined
            } else {
                joined.with_column(lit(format!("all {} values", spec.by)).alias(c::MODEL))
            }
        })
        .collect::<Vec<_>>();
    if joins.is_empty() {
        return Err(Error::Invalid(format!(
            "nothing to compare with baseline {}={}: no other value of {} present",
            spec.by, spec.baseline, spec.by
        )));
    }
    let joined = concat(joins, UnionArgs::default())
        .map_err(polars_err("joining"))?
        .with_column(
            when(col(LOAD_KEY).lt(lit(0.0)))
                .then(lit(NULL).cast(DataType::Float64))
                .otherwise(col(LOAD_KEY))
                .alias(c::LOAD),
        );

    let directions = DataFrame::new_infer_height(vec![
        Column::new(
            "dir_metric".into(),
            schema::CATALOG.iter().map(|i| i.name).collect::<Vec<_>>(),
        ),
        Column::new(
            c::DIRECTION.into(),
            schema::CATALOG
                .iter()
                .map(|i| i.direction.name())
                .collect::<Vec<_>>(),
        ),
    ])
    .map_err(polars_err("building the direction table"))?;

    let base = col(c::BASELINE_VALUE);
    let cand = col(c::CANDIDATE_VALUE);
    let diff = col(c::DIFFERENCE);
    let pct = col(c::PCT_CHANGE);
    let tol = lit(spec.tolerance_pct);
    // The most two rounded values can differ from their true difference: half a step each.
    let half_step = |decimals: &str| {
        when(col(decimals).is_null())
            .then(lit(0.0))
            .otherwise(lit(0.5) * lit(0.1).pow(col(decimals).cast(DataType::Float64)))
    };
    let rounding = half_step(c::BASELINE_DECIMALS) + half_step(c::CANDIDATE_DECIMALS);
    let better = col(c::DIRECTION)
        .eq(lit("higher"))
        .and(diff.clone().gt(lit(0.0)))
        .or(col(c::DIRECTION)
            .eq(lit("lower"))
            .and(diff.clone().lt(lit(0.0))));
    let verdict = when(col(c::MATCHED).neq(lit("both")))
        .then(lit("unmatched"))
        .when(pct.clone().is_null())
        .then(lit("n/a"))
        .when(col(c::DIRECTION).eq(lit("none")))
        .then(lit("neutral"))
        .when(col(c::ROUNDED).and(abs(diff.clone()).lt_eq(rounding * lit(1.000_001))))
        .then(lit("within rounding"))
        .when(abs(pct.clone()).lt_eq(tol))
        .then(lit("within tolerance"))
        .when(better)
        .then(lit("better"))
        .otherwise(lit("worse"));

    let deltas = joined
        .with_columns([
            (cand.clone() - base.clone()).alias(c::DIFFERENCE),
            when(base.clone().is_null())
                .then(lit("candidate only"))
                .when(cand.clone().is_null())
                .then(lit("baseline only"))
                .otherwise(lit("both"))
                .alias(c::MATCHED),
            col(c::BASELINE_DECIMALS)
                .is_not_null()
                .or(col(c::CANDIDATE_DECIMALS).is_not_null())
                .alias(c::ROUNDED),
        ])
        .with_column(
            when(base.clone().neq(lit(0.0)))
                .then(diff.clone() / base.clone() * lit(100.0))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias(c::PCT_CHANGE),
        )
        .left_join(directions.lazy(), col(m::METRIC), col("dir_metric"))
        .with_column(col(c::DIRECTION).fill_null(lit("none")))
        .with_column(verdict.alias(c::VERDICT))
        // Loads ascending; load points without a load (key -(index + 1)) in run order.
        .sort(
            [
                c::MODEL,
                c::CANDIDATE,
                c::PICK,
                c::STRATEGY,
                c::LOAD,
                LOAD_KEY,
            ],
            SortMultipleOptions::default()
                .with_nulls_last(true)
                .with_order_descending_multi([false, false, false, false, false, true]),
        )
        .select(DELTA_COLUMNS.map(col))
        .collect()
        .map_err(polars_err("computing deltas"))?;
    Ok(Comparison {
        spec: spec.clone(),
        candidates,
        deltas,
    })
}
