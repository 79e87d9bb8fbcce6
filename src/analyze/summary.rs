//! Summaries of a comparison (mean % change per model and across models) and the facts about
//! the compared runs that reports print in their headers, plus typed rows for renderers.

use std::collections::{BTreeMap, HashMap, HashSet};

use polars::prelude::*;

use super::compare::{col_names as c, Comparison};
use crate::error::{Error, Result};
use crate::frames::Columns;
use crate::schema::metrics as m;
use crate::schema::runs as r;

/// One row of [`Comparison::deltas`], typed.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct DeltaRow {
    /// Model.
    pub model: String,
    /// Candidate value of the `by` label.
    pub candidate: String,
    /// Strategy.
    pub strategy: String,
    /// Load value (null when the source did not give it).
    pub load: Option<f64>,
    /// Metric.
    pub metric: String,
    /// Statistic.
    pub stat: String,
    /// Request status.
    pub status: String,
    /// Unit.
    pub unit: String,
    /// Baseline value.
    pub baseline_value: Option<f64>,
    /// Candidate value.
    pub candidate_value: Option<f64>,
    /// Candidate − baseline.
    pub difference: Option<f64>,
    /// % change against the baseline.
    pub pct_change: Option<f64>,
    /// 95% confidence interval of the % change (2+ runs on each side).
    pub pct_change_interval: Option<(f64, f64)>,
    /// Runs averaged on each side (baseline, candidate).
    pub runs: (u32, u32),
    /// Half widths of the 95% confidence intervals of the two means (2+ runs).
    pub mean_intervals: (Option<f64>, Option<f64>),
    /// Either value came from rounded console text.
    pub rounded: bool,
    /// Digits after the point printed for the baseline value, when read from rounded text.
    pub baseline_decimals: Option<u8>,
    /// Digits after the point printed for the candidate value, when read from rounded text.
    pub candidate_decimals: Option<u8>,
    /// Metric direction.
    pub direction: String,
    /// Verdict.
    pub verdict: String,
    /// "both", "baseline only", "candidate only".
    pub matched: String,
    /// Position of the pick in the spec.
    #[serde(skip)]
    pub pick: usize,
}

/// A load level (null when the source gave none) and its % change.
pub type Level = (Option<f64>, f64);

/// Mean % change of one pick for one model and candidate.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct AverageRow {
    /// Model (empty when the source names none, and for the average across models).
    pub model: String,
    /// True for the average over models (of the per-model averages).
    pub across_models: bool,
    /// Candidate.
    pub candidate: String,
    /// Metric.
    pub metric: String,
    /// Statistic.
    pub stat: String,
    /// Request status.
    pub status: String,
    /// Mean of the per-level % changes (per model), or of the per-model means (across models).
    pub mean_pct_change: Option<f64>,
    /// Geometric mean of the candidate / baseline ratios as a % change (per model), or of
    /// the per-model ones (across models).
    pub geomean_pct_change: Option<f64>,
    /// The level that changed most for the better, and its % change (per model; metrics
    /// with a direction only).
    pub best: Option<Level>,
    /// The strategy of the best level (a sweep's levels are of several).
    pub best_strategy: Option<String>,
    /// The level that changed most for the worse, and its % change.
    pub worst: Option<Level>,
    /// The strategy of the worst level.
    pub worst_strategy: Option<String>,
    /// Load levels (per model) or models (across models) averaged.
    pub count: u32,
    /// Some level's values came from rounded text.
    pub rounded: bool,
    /// No level's change is decisively better or worse, and some are within the noise of
    /// repeated runs.
    pub within_noise: bool,
    /// No level's change is decisively better or worse, and some are within the rounding of
    /// the printed values.
    pub within_rounding: bool,
    /// Position of the pick in the spec.
    #[serde(skip)]
    pub pick: usize,
}

/// Mean % changes per model and across models.
#[derive(Debug, Clone)]
pub struct Averages {
    /// Per model × candidate × pick.
    pub per_model: DataFrame,
    /// Per candidate × pick, averaged over models.
    pub overall: DataFrame,
}

fn polars_err(step: &str) -> impl FnOnce(PolarsError) -> Error + '_ {
    move |e| Error::polars(format!("summarizing: {step}"), e)
}

/// `e` sorted by how much better each level got (`descending`), nulls last.
fn by_gain(e: Expr, descending: bool) -> Expr {
    let gain = when(col(c::DIRECTION).eq(lit("lower")))
        .then(lit(0.0) - col(c::PCT_CHANGE))
        .otherwise(col(c::PCT_CHANGE));
    e.sort_by(
        [gain],
        // Stable: of levels that gained alike, the first (the lowest load), for every column
        // taken from the level (its load, strategy and change).
        SortMultipleOptions::default()
            .with_order_descending(descending)
            .with_nulls_last(true)
            .with_maintain_order(true),
    )
}

/// Per model: mean % change over matched load levels, geometric mean of the ratios, and the
/// best and worst level; across models: the means of those.
pub fn averages(comparison: &Comparison) -> Result<Averages> {
    let matched = comparison
        .deltas
        .clone()
        .lazy()
        .filter(col(c::MATCHED).eq(lit("both")))
        // Grouped on categorical codes rather than strings (still sorted as text).
        .with_columns(
            [c::MODEL, c::CANDIDATE, c::METRIC, c::STAT, c::STATUS]
                .map(|k| col(k).cast(DataType::from_categories(Categories::global()))),
        );
    let ratio = when(
        col(c::BASELINE_VALUE)
            .gt(lit(0.0))
            .and(col(c::CANDIDATE_VALUE).gt(lit(0.0))),
    )
    .then(col(c::CANDIDATE_VALUE) / col(c::BASELINE_VALUE))
    .otherwise(lit(NULL).cast(DataType::Float64));
    let e = lit(std::f64::consts::E);
    let directed = |x: Expr| {
        when(col(c::DIRECTION).first().eq(lit("none")))
            .then(lit(NULL).cast(DataType::Float64))
            .otherwise(x)
    };
    let undecided_and_some = |verdict: &str| {
        col(c::VERDICT)
            .eq(lit("better"))
            .or(col(c::VERDICT).eq(lit("worse")))
            .any(true)
            .not()
            .and(col(c::VERDICT).eq(lit(verdict)).any(true))
    };
    let per_model = matched
        .group_by([
            col(c::MODEL),
            col(c::CANDIDATE),
            col(c::PICK),
            col(c::METRIC),
            col(c::STAT),
            col(c::STATUS),
        ])
        .agg([
            col(c::PCT_CHANGE).mean().alias("mean_pct_change"),
            // Over the levels the mean is over: none when one of them has no ratio (a value
            // of zero or below), rather than a mean of the others.
            when(
                ratio
                    .clone()
                    .is_null()
                    .and(col(c::PCT_CHANGE).is_not_null())
                    .any(true),
            )
            .then(lit(NULL).cast(DataType::Float64))
            .otherwise((ratio.log(e.clone()).mean().exp() - lit(1.0)) * lit(100.0))
            .alias("geomean_pct_change"),
            col(c::PCT_CHANGE).count().alias("count"),
            col(c::ROUNDED).any(true).alias(c::ROUNDED),
            // No level decisively better or worse, and some within the noise (or the
            // rounding): the mean of their changes is that too.
            undecided_and_some("within noise").alias("within_noise"),
            undecided_and_some("within rounding").alias("within_rounding"),
            by_gain(col(c::STRATEGY), true)
                .first()
                .alias("best_strategy"),
            directed(by_gain(col(c::LOAD), true).first()).alias("best_load"),
            directed(by_gain(col(c::PCT_CHANGE), true).first()).alias("best_pct"),
            by_gain(col(c::STRATEGY), false)
                .first()
                .alias("worst_strategy"),
            directed(by_gain(col(c::LOAD), false).first()).alias("worst_load"),
            directed(by_gain(col(c::PCT_CHANGE), false).first()).alias("worst_pct"),
        ])
        .sort(
            [c::MODEL, c::CANDIDATE, c::PICK],
            SortMultipleOptions::default(),
        );
    let overall = per_model
        .clone()
        .group_by([
            col(c::CANDIDATE),
            col(c::PICK),
            col(c::METRIC),
            col(c::STAT),
            col(c::STATUS),
        ])
        .agg([
            col("mean_pct_change").mean(),
            // None when a model has none, rather than the mean of the others.
            when(col("geomean_pct_change").is_null().any(true))
                .then(lit(NULL).cast(DataType::Float64))
                .otherwise(
                    ((lit(1.0) + col("geomean_pct_change") / lit(100.0))
                        .log(e)
                        .mean()
                        .exp()
                        - lit(1.0))
                        * lit(100.0),
                )
                .alias("geomean_pct_change"),
            col("mean_pct_change").count().alias("count"),
            col(c::ROUNDED).any(true),
            col("within_noise").all(true),
            col("within_rounding").all(true),
        ])
        .sort([c::CANDIDATE, c::PICK], SortMultipleOptions::default());
    Ok(Averages {
        per_model: per_model.collect().map_err(polars_err("per model"))?,
        overall: overall.collect().map_err(polars_err("across models"))?,
    })
}

/// The deltas of `comparison` as typed rows, in report order.
pub fn delta_rows(comparison: &Comparison) -> Result<Vec<DeltaRow>> {
    let cols = Columns(&comparison.deltas);
    let text = |n| cols.text(n);
    let (mut model, mut candidate, mut strategy, mut metric, mut stat, mut status, mut unit) = (
        text(c::MODEL)?,
        text(c::CANDIDATE)?,
        text(c::STRATEGY)?,
        text(c::METRIC)?,
        text(c::STAT)?,
        text(c::STATUS)?,
        text(c::UNIT)?,
    );
    let (mut direction, mut verdict, mut matched) =
        (text(c::DIRECTION)?, text(c::VERDICT)?, text(c::MATCHED)?);
    let (load, base, cand, diff, pct, pick) = (
        cols.float(c::LOAD)?,
        cols.float(c::BASELINE_VALUE)?,
        cols.float(c::CANDIDATE_VALUE)?,
        cols.float(c::DIFFERENCE)?,
        cols.float(c::PCT_CHANGE)?,
        cols.float(c::PICK)?,
    );
    let (low, high) = (
        cols.float(c::PCT_CHANGE_LOW)?,
        cols.float(c::PCT_CHANGE_HIGH)?,
    );
    let (base_runs, cand_runs) = (
        cols.float(c::BASELINE_RUNS)?,
        cols.float(c::CANDIDATE_RUNS)?,
    );
    let (base_ci, cand_ci) = (cols.float(c::BASELINE_CI)?, cols.float(c::CANDIDATE_CI)?);
    let rounded = cols.boolean(c::ROUNDED)?;
    let (base_dec, cand_dec) = (
        cols.float(c::BASELINE_DECIMALS)?,
        cols.float(c::CANDIDATE_DECIMALS)?,
    );
    Ok((0..comparison.deltas.height())
        .map(|i| DeltaRow {
            model: take_text(&mut model[i]),
            candidate: take_text(&mut candidate[i]),
            strategy: take_text(&mut strategy[i]),
            load: load[i],
            metric: take_text(&mut metric[i]),
            stat: take_text(&mut stat[i]),
            status: take_text(&mut status[i]),
            unit: take_text(&mut unit[i]),
            baseline_value: base[i],
            candidate_value: cand[i],
            difference: diff[i],
            pct_change: pct[i],
            pct_change_interval: low[i].zip(high[i]),
            runs: (
                base_runs[i].unwrap_or(0.0) as u32,
                cand_runs[i].unwrap_or(0.0) as u32,
            ),
            mean_intervals: (base_ci[i], cand_ci[i]),
            rounded: rounded[i],
            baseline_decimals: base_dec[i].map(|d| d as u8),
            candidate_decimals: cand_dec[i].map(|d| d as u8),
            direction: take_text(&mut direction[i]),
            verdict: take_text(&mut verdict[i]),
            matched: take_text(&mut matched[i]),
            pick: pick[i].unwrap_or(0.0) as usize,
        })
        .collect())
}

/// The value of one pick for one model, configuration and load (the mean over runs).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct ValueRow {
    /// Model.
    pub model: String,
    /// The value of the `by` label.
    pub config: String,
    /// Strategy.
    pub strategy: String,
    /// Load value (null when the source did not give it).
    pub load: Option<f64>,
    /// Without a load value, the load point's place in its run (from 0), which tells such
    /// points apart.
    pub load_index: Option<u32>,
    /// Metric.
    pub metric: String,
    /// Statistic.
    pub stat: String,
    /// Request status.
    pub status: String,
    /// Unit.
    pub unit: String,
    /// Mean over the runs.
    pub value: f64,
    /// Digits printed when read from rounded text.
    pub decimals: Option<u8>,
    /// Runs averaged.
    pub runs: u32,
    /// Half the width of the 95% confidence interval of the mean (2+ runs).
    pub interval: Option<f64>,
    /// Position of the pick in the spec.
    #[serde(skip)]
    pub pick: usize,
}

/// The text of a collected column's cell, moved out rather than copied (null as empty).
pub(super) fn take_text(cell: &mut Option<String>) -> String {
    cell.take().unwrap_or_default()
}

/// Every compared value per configuration and load, as typed rows.
pub fn value_rows(comparison: &Comparison) -> Result<Vec<ValueRow>> {
    let frame = &comparison.levels;
    let cols = Columns(frame);
    let mut model = if frame.column(m::MODEL).is_ok() {
        cols.text(m::MODEL)?
    } else {
        vec![Some(format!("all {} values", comparison.spec.by)); frame.height()]
    };
    let (mut config, mut strategy, mut metric, mut stat, mut status, mut unit) = (
        cols.text("by")?,
        cols.text(m::STRATEGY)?,
        cols.text(m::METRIC)?,
        cols.text(m::STAT)?,
        cols.text(m::STATUS)?,
        cols.text(m::UNIT)?,
    );
    let load_key = cols.float(super::compare::LOAD_KEY)?;
    let (load, value, decimals, runs, sd, pick) = (
        cols.float(c::LOAD)?,
        cols.float("value")?,
        cols.float("decimals")?,
        cols.float("runs")?,
        cols.float("sd")?,
        cols.float(c::PICK)?,
    );
    // Sized once: rows skipped below are few, and growing the list copies it.
    let mut rows = Vec::with_capacity(frame.height());
    rows.extend((0..frame.height()).filter_map(|i| {
        let runs = runs[i].unwrap_or(0.0) as u32;
        Some(ValueRow {
            model: take_text(&mut model[i]),
            config: take_text(&mut config[i]),
            strategy: take_text(&mut strategy[i]),
            load: load[i],
            load_index: load_key[i]
                .filter(|key| *key < 0.0)
                .map(|key| (-key - 1.0) as u32),
            metric: take_text(&mut metric[i]),
            stat: take_text(&mut stat[i]),
            status: take_text(&mut status[i]),
            unit: take_text(&mut unit[i]),
            value: value[i]?,
            decimals: decimals[i].map(|d| d as u8),
            runs,
            interval: sd[i].and_then(|sd| super::stats::mean_half_width(sd, runs)),
            pick: pick[i].unwrap_or(0.0) as usize,
        })
    }));
    Ok(rows)
}

/// The averages as typed rows: per model first, then across models.
pub fn average_rows(averages: &Averages) -> Result<Vec<AverageRow>> {
    let mut rows = Vec::new();
    for (frame, per_model) in [(&averages.per_model, true), (&averages.overall, false)] {
        let cols = Columns(frame);
        let mut model = if per_model {
            cols.text(c::MODEL)?
        } else {
            vec![None; frame.height()]
        };
        let (mut candidate, mut metric, mut stat, mut status) = (
            cols.text(c::CANDIDATE)?,
            cols.text(c::METRIC)?,
            cols.text(c::STAT)?,
            cols.text(c::STATUS)?,
        );
        let (mean, geomean, count, pick) = (
            cols.float("mean_pct_change")?,
            cols.float("geomean_pct_change")?,
            cols.float("count")?,
            cols.float(c::PICK)?,
        );
        let level = |load: &str, pct: &str| -> Result<Vec<Option<Level>>> {
            if !per_model {
                return Ok(vec![None; frame.height()]);
            }
            let (loads, pcts) = (cols.float(load)?, cols.float(pct)?);
            Ok(loads
                .into_iter()
                .zip(pcts)
                .map(|(l, p)| p.map(|p| (l, p)))
                .collect())
        };
        let (best, worst) = (
            level("best_load", "best_pct")?,
            level("worst_load", "worst_pct")?,
        );
        // A level's strategy where the level is known.
        let strategy = |name: &str, levels: &[Option<Level>]| -> Result<Vec<Option<String>>> {
            let names = match per_model {
                true => cols.text(name)?,
                false => vec![None; frame.height()],
            };
            Ok(names
                .into_iter()
                .zip(levels)
                .map(|(name, level)| name.filter(|_| level.is_some()))
                .collect())
        };
        let (mut best_strategy, mut worst_strategy) = (
            strategy("best_strategy", &best)?,
            strategy("worst_strategy", &worst)?,
        );
        let rounded = cols.boolean(c::ROUNDED)?;
        let within_noise = cols.boolean("within_noise")?;
        let within_rounding = cols.boolean("within_rounding")?;
        rows.extend((0..frame.height()).map(|i| AverageRow {
            model: take_text(&mut model[i]),
            across_models: !per_model,
            candidate: take_text(&mut candidate[i]),
            metric: take_text(&mut metric[i]),
            stat: take_text(&mut stat[i]),
            status: take_text(&mut status[i]),
            mean_pct_change: mean[i],
            geomean_pct_change: geomean[i],
            best: best[i],
            best_strategy: best_strategy[i].take(),
            worst: worst[i],
            worst_strategy: worst_strategy[i].take(),
            count: count[i].unwrap_or(0.0) as u32,
            rounded: rounded[i],
            within_noise: within_noise[i],
            within_rounding: within_rounding[i],
            pick: pick[i].unwrap_or(0.0) as usize,
        }));
    }
    Ok(rows)
}

/// Facts about the compared runs that report headers print.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
pub struct Context {
    /// File names of the sources, in order of first appearance.
    pub sources: Vec<String>,
    /// Distinct `max_seconds` values.
    pub max_seconds: Vec<f64>,
    /// Distinct load values compared, ascending.
    pub loads: Vec<f64>,
    /// Distinct rate types.
    pub rate_types: Vec<String>,
    /// Distinct workload prompt tokens.
    pub prompt_tokens: Vec<i64>,
    /// Distinct workload output tokens.
    pub output_tokens: Vec<i64>,
    /// Distinct workload prefix tokens.
    pub prefix_tokens: Vec<i64>,
    /// Distinct workload turns.
    pub turns: Vec<i64>,
    /// Number of runs compared.
    pub runs: usize,
    /// Of the facts above that some runs state, how many runs do not state each (by runs-table
    /// column name): those values describe the other runs only.
    pub unstated: BTreeMap<String, usize>,
}

fn distinct<T: PartialEq>(values: impl IntoIterator<Item = Option<T>>) -> Vec<T> {
    let mut out = Vec::new();
    for v in values.into_iter().flatten() {
        if !out.contains(&v) {
            out.push(v);
        }
    }
    out
}

/// Each of `paths` by its file name, or by as many of its last components as tell it from
/// the others (`BENCH--warmup/run=0.json` beside `BENCH--profiled/run=0.json`), in order,
/// each name once.
fn short_names(paths: &[String]) -> Vec<String> {
    let mut seen = HashSet::new();
    let paths: Vec<&String> = paths.iter().filter(|p| seen.insert(*p)).collect();
    let components: Vec<Vec<String>> = paths
        .iter()
        .map(|p| {
            std::path::Path::new(p.as_str())
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect()
        })
        .collect();
    let suffix = |parts: &[String], k: usize| -> std::path::PathBuf {
        parts[parts.len().saturating_sub(k)..].iter().collect()
    };
    // Each path's number of components shown, grown while it clashes with another's.
    let mut taken = vec![1; paths.len()];
    let mut clashing: Vec<usize> = (0..paths.len()).collect();
    let mut k = 1;
    while !clashing.is_empty() {
        let mut count: HashMap<std::path::PathBuf, usize> = HashMap::new();
        for &i in &clashing {
            *count.entry(suffix(&components[i], k)).or_default() += 1;
        }
        clashing.retain(|&i| {
            let clash = count
                .get(&suffix(&components[i], k))
                .is_some_and(|n| *n > 1)
                && components[i].len() > k;
            if clash {
                taken[i] = k + 1;
            }
            clash
        });
        k += 1;
    }
    let mut named = HashSet::new();
    components
        .iter()
        .zip(&paths)
        .zip(taken)
        .map(|((parts, path), k)| match parts.is_empty() {
            true => path.to_string(),
            false => suffix(parts, k).to_string_lossy().into_owned(),
        })
        .filter(|name| named.insert(name.clone()))
        .collect()
}

/// Reads the header facts from the runs of `runs` that `comparison` compared, and its loads.
pub fn context(runs: LazyFrame, comparison: &Comparison) -> Result<Context> {
    // Of the runs compared only (not those another --by value or --where left out).
    let compared = comparison
        .compared_values()
        .select([col(m::RUN_ID)])
        .unique(None, UniqueKeepStrategy::Any)
        .collect()
        .map_err(polars_err("listing the runs compared"))?;
    let compared = compared
        .column(m::RUN_ID)
        .map_err(polars_err("listing the runs compared"))?
        .as_materialized_series()
        .clone();
    let runs = runs
        .filter(col(r::RUN_ID).is_in(lit(compared).implode(false), false))
        .select([
            col(r::SOURCE_PATH),
            col(r::MAX_SECONDS),
            col(r::RATE_TYPE),
            col(r::PROMPT_TOKENS),
            col(r::OUTPUT_TOKENS),
            col(r::PREFIX_TOKENS),
            col(r::TURNS),
        ])
        .collect()
        .map_err(polars_err("reading runs"))?;
    let cols = Columns(&runs);
    let ints = |name: &str| -> Result<Vec<i64>> {
        Ok(distinct(
            cols.float(name)?.into_iter().map(|v| v.map(|v| v as i64)),
        ))
    };
    let paths: Vec<String> = cols.text(r::SOURCE_PATH)?.into_iter().flatten().collect();
    let sources = short_names(&paths);
    let mut loads = distinct(Columns(&comparison.levels).float(c::LOAD)?);
    loads.sort_by(f64::total_cmp);
    let mut unstated = BTreeMap::new();
    for name in [
        r::MAX_SECONDS,
        r::RATE_TYPE,
        r::PROMPT_TOKENS,
        r::OUTPUT_TOKENS,
        r::PREFIX_TOKENS,
        r::TURNS,
    ] {
        let column = runs.column(name).map_err(polars_err("reading runs"))?;
        let nulls = column.null_count();
        if nulls > 0 && nulls < runs.height() {
            unstated.insert(name.to_string(), nulls);
        }
    }
    Ok(Context {
        runs: runs.height(),
        unstated,
        sources,
        max_seconds: distinct(cols.float(r::MAX_SECONDS)?),
        loads,
        rate_types: distinct(cols.text(r::RATE_TYPE)?),
        prompt_tokens: ints(r::PROMPT_TOKENS)?,
        output_tokens: ints(r::OUTPUT_TOKENS)?,
        prefix_tokens: ints(r::PREFIX_TOKENS)?,
        turns: ints(r::TURNS)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sources_are_named_by_as_much_of_their_path_as_tells_them_apart() {
        let names =
            |paths: &[&str]| short_names(&paths.iter().map(|p| p.to_string()).collect::<Vec<_>>());
        assert_eq!(
            names(&["/data/benchmark-run-larger-models.log"]),
            ["benchmark-run-larger-models.log"]
        );
        assert_eq!(
            names(&[
                "s/BENCH--warmup/run=0.json",
                "s/BENCH--profiled/run=0.json",
                "s/BENCH--profiled/run=1.json",
                "notes.log",
            ]),
            [
                "BENCH--warmup/run=0.json",
                "BENCH--profiled/run=0.json",
                "run=1.json",
                "notes.log"
            ]
        );
        // Deeper clashes take as many components as they need; a path that is all clash keeps
        // itself whole.
        assert_eq!(
            names(&["a/x/B/run=0.json", "b/x/B/run=0.json", "x/B/run=0.json"]),
            ["a/x/B/run=0.json", "b/x/B/run=0.json", "x/B/run=0.json"]
        );
        // A name that is all separators, or none, stays as it is; two spellings of one path
        // (`x/a//r.json`) are one source, named whole.
        assert_eq!(names(&["", "/"]), ["", "/"]);
        assert_eq!(
            names(&["x/a//r.json", "x/a/r.json", "b/r.json"]),
            ["x/a/r.json", "b/r.json"]
        );
        // Many sources of one name: each tells itself apart once.
        let many: Vec<String> = (0..3000).map(|i| format!("s/d{i}/run=0.json")).collect();
        let named = short_names(&many);
        assert_eq!(named.len(), 3000);
        assert_eq!(named[7], "d7/run=0.json");
    }
}
