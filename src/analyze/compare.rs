//! Deltas of every candidate configuration against a baseline, joined on model, strategy and
//! the real load value, with direction-aware verdicts from the metric catalog.

use polars::prelude::*;

use super::stats;
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

impl std::fmt::Display for Pick {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "metric {} with stat {} over {} requests",
            self.metric, self.stat, self.status
        )
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
    /// A SQL condition on the columns of `metrics` and `runs` that rows must meet
    /// (`hardware = '1x2xL40S' and load <= 50`).
    pub filter: Option<String>,
    /// When the data holds a single configuration that is not the baseline, report its values
    /// instead of failing (a single configuration that is the baseline, or none named, always
    /// gives its values).
    pub overview_when_alone: bool,
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
            filter: None,
            overview_when_alone: true,
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
    /// Runs averaged on the baseline side.
    pub const BASELINE_RUNS: &str = "baseline_runs";
    /// Runs averaged on the candidate side.
    pub const CANDIDATE_RUNS: &str = "candidate_runs";
    /// Sample standard deviation over the baseline's runs.
    pub const BASELINE_SD: &str = "baseline_sd";
    /// Sample standard deviation over the candidate's runs.
    pub const CANDIDATE_SD: &str = "candidate_sd";
    /// Half the width of the 95% confidence interval of the baseline mean (2+ runs).
    pub const BASELINE_CI: &str = "baseline_ci";
    /// Half the width of the 95% confidence interval of the candidate mean (2+ runs).
    pub const CANDIDATE_CI: &str = "candidate_ci";
    /// Lower end of the 95% confidence interval of the % change (2+ runs each side).
    pub const PCT_CHANGE_LOW: &str = "pct_change_low";
    /// Upper end of the 95% confidence interval of the % change.
    pub const PCT_CHANGE_HIGH: &str = "pct_change_high";
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
    /// "better", "worse", "within noise", "within tolerance", "within rounding", "neutral",
    /// "n/a", "unmatched".
    pub const VERDICT: &str = "verdict";
    /// "both", "baseline only" or "candidate only".
    pub const MATCHED: &str = "matched";
}

use col_names as c;

/// The `by` value shown for runs without that label.
pub const NO_LABEL: &str = "—";

/// Join key of a load point: its load (to [`LOAD_DIGITS`]), or -(index + 1) when unknown.
pub(crate) const LOAD_KEY: &str = "load_key";

/// Significant digits of a load that tell load levels apart.
const LOAD_DIGITS: i32 = 9;

/// The unrounded load of a level, until it replaces the level's key.
const LEVEL_LOAD: &str = "level_load";

/// A model whose compared values hold a pick's metric over different request statuses and none
/// in common (GuideLLM 0.5.0 and earlier print throughput over successful requests only, later
/// versions over all requests), so its levels of that pick cannot match.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StatusGap {
    /// The model, when runs name one.
    pub model: Option<String>,
    /// The metric.
    pub metric: String,
    /// The statistic.
    pub stat: String,
    /// Each value of the compared label with the pick's statuses it has, preferred first.
    pub statuses: std::collections::BTreeMap<String, Vec<String>>,
}

/// The columns of [`Comparison::deltas`], in order.
pub const DELTA_COLUMNS: [&str; 27] = [
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
    c::PCT_CHANGE_LOW,
    c::PCT_CHANGE_HIGH,
    c::BASELINE_RUNS,
    c::CANDIDATE_RUNS,
    c::BASELINE_SD,
    c::CANDIDATE_SD,
    c::BASELINE_CI,
    c::CANDIDATE_CI,
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
    /// levels present on one side only alike; empty (no columns) when the data holds one
    /// configuration only, and `candidates` is empty.
    pub deltas: DataFrame,
    /// One row per model × value of `by` × pick × strategy × load (baseline and candidates):
    /// `by`, the keys, `value` (mean over runs), `sd`, `runs`, `decimals`.
    pub levels: DataFrame,
    /// Picks without a single row in the data.
    pub missing: Vec<Pick>,
    /// Models whose values of a pick share no request status.
    pub status_gaps: Vec<StatusGap>,
    /// The run of each picked value, of every value of `by` (compared or not): `by`, model,
    /// strategy, the level's load key, `run_id`, `load_index` and pick, the text columns
    /// categorical.
    pub value_runs: DataFrame,
}

impl Comparison {
    /// The rows of [`Comparison::value_runs`] of the baseline and the candidates, the text
    /// columns as text.
    pub fn compared_values(&self) -> LazyFrame {
        let compared: Vec<String> = std::iter::once(&self.spec.baseline)
            .chain(&self.candidates)
            .cloned()
            .collect();
        self.value_runs
            .clone()
            .lazy()
            .with_columns(
                ["by", m::MODEL, m::STRATEGY, m::RUN_ID]
                    .map(|name| col(name).cast(DataType::String)),
            )
            .with_column(col("by").fill_null(lit(NO_LABEL)))
            .filter(col("by").is_in(
                lit(Series::new("compared".into(), compared)).implode(false),
                false,
            ))
    }
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
pub(crate) fn with_label(metrics: LazyFrame, runs: LazyFrame, by: &str) -> Result<LazyFrame> {
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
    let labels = if runs_schema.contains(by) {
        runs.select([
            col(schema::runs::RUN_ID),
            col(by).cast(DataType::String).alias("by"),
        ])
    } else {
        extra_labels(runs, &[by], &runs_schema, |key| {
            format!("--by {key}: no such label")
        })?
        .lazy()
        .select([
            col(schema::runs::RUN_ID),
            col(by).cast(DataType::String).alias("by"),
        ])
    };
    Ok(join_runs(metrics, labels))
}

/// `metrics` with the columns of `runs` (rows keyed by `run_id`) of each row's run, in the
/// order of `metrics`: a plain left join may reorder the rows, and that order reaches the
/// aggregation of repeated runs (see [`compare`]).
fn join_runs(metrics: LazyFrame, runs: LazyFrame) -> LazyFrame {
    let mut args = JoinArgs::new(JoinType::Left);
    args.maintain_order = MaintainOrderJoin::Left;
    metrics.join(runs, [col(m::RUN_ID)], [col(schema::runs::RUN_ID)], args)
}

/// `metrics` rows with the `runs` columns and labels the `--where` condition `filter` (the
/// expression of `condition`) names that `metrics` lacks: hardware, a label of your own, ...
/// A name that is neither is an error listing those there are. Also returns the labels read
/// as numbers.
fn with_filter_columns(
    metrics: LazyFrame,
    runs: LazyFrame,
    filter: &Expr,
    condition: &str,
) -> Result<(LazyFrame, Vec<String>)> {
    let (mut metrics, mut runs) = (metrics, runs);
    let have = metrics
        .collect_schema()
        .map_err(polars_err("reading the metrics schema"))?;
    let runs_schema = runs
        .collect_schema()
        .map_err(polars_err("reading the runs schema"))?;
    let mut named = filter.clone().meta().root_names();
    named.sort();
    named.dedup();
    let lacking: Vec<&str> = named
        .iter()
        .map(PlSmallStr::as_str)
        .filter(|n| !have.contains(n))
        .collect();
    let (from_runs, from_labels): (Vec<&str>, Vec<&str>) =
        lacking.into_iter().partition(|n| runs_schema.contains(n));
    let mut numeric = Vec::new();
    if !from_runs.is_empty() {
        let columns = std::iter::once(schema::runs::RUN_ID)
            .chain(from_runs)
            .map(col)
            .collect::<Vec<_>>();
        metrics = join_runs(metrics, runs.clone().select(columns));
    }
    if !from_labels.is_empty() {
        let labels = extra_labels(runs, &from_labels, &runs_schema, |key| {
            format!("--where {condition}: `{key}` is no column of metrics or runs, nor a label")
        })?;
        let columns: Vec<Column> = labels
            .columns()
            .iter()
            .map(|c| match c.name().as_str() {
                schema::runs::RUN_ID => c.clone(),
                _ => numbers_if_all(c.clone()),
            })
            .collect();
        numeric = columns
            .iter()
            .filter(|c| c.dtype().is_float())
            .map(|c| c.name().to_string())
            .collect();
        let labels =
            DataFrame::new_infer_height(columns).map_err(polars_err("building the label table"))?;
        metrics = join_runs(metrics, labels.lazy());
    }
    Ok((metrics, numeric))
}

/// The labels of the `labels` JSON column of `runs`: `run_id` and one text column per key of
/// `keys`. A key no run has is an error `what` names, listing every column and label there is.
fn extra_labels(
    runs: LazyFrame,
    keys: &[&str],
    runs_schema: &Schema,
    what: impl Fn(&str) -> String,
) -> Result<DataFrame> {
    let frame = runs
        .select([col(schema::runs::RUN_ID), col(schema::runs::LABELS)])
        .collect()
        .map_err(polars_err("reading run labels"))?;
    let ids = strings(&frame, schema::runs::RUN_ID)?;
    let texts = strings(&frame, schema::runs::LABELS)?;
    let mut names: Vec<String> = runs_schema
        .iter_names()
        .map(|n| n.to_string())
        .filter(|n| n != schema::runs::LABELS)
        .collect();
    let mut values: Vec<Vec<Option<serde_json::Value>>> = vec![Vec::new(); keys.len()];
    for text in &texts {
        let labels: serde_json::Map<String, serde_json::Value> = text
            .as_deref()
            .and_then(|t| serde_json::from_str(t).ok())
            .unwrap_or_default();
        names.extend(
            labels
                .keys()
                .filter(|k| !names.contains(k))
                .cloned()
                .collect::<Vec<_>>(),
        );
        for (key, column) in keys.iter().zip(&mut values) {
            column.push(labels.get(*key).cloned());
        }
    }
    let mut columns = vec![Column::new(schema::runs::RUN_ID.into(), ids)];
    for (key, column) in keys.iter().zip(values) {
        if column.iter().all(Option::is_none) {
            return Err(Error::Invalid(format!(
                "{}; labels are: {}",
                what(key),
                names.join(", ")
            )));
        }
        let text: Vec<Option<String>> = column
            .into_iter()
            .map(|v| {
                v.map(|v| match v {
                    serde_json::Value::String(s) => s,
                    other => other.to_string(),
                })
            })
            .collect();
        columns.push(Column::new((*key).into(), text));
    }
    DataFrame::new_infer_height(columns).map_err(polars_err("building the label table"))
}

/// `column` as numbers when every value it has reads as one (`0.9`, `10`), so conditions such
/// as `rate >= 5` compare numbers; as it is otherwise.
fn numbers_if_all(column: Column) -> Column {
    let Ok(text) = column.str() else {
        return column;
    };
    let numbers: Option<Vec<Option<f64>>> = text
        .iter()
        .map(|v| match v {
            None => Some(None),
            Some(v) => v
                .trim()
                .parse()
                .ok()
                .filter(|n: &f64| n.is_finite())
                .map(Some),
        })
        .collect();
    match numbers {
        Some(numbers) => Column::new(column.name().clone(), numbers),
        None => column,
    }
}

/// The values of `column` in `frame` as strings, in row order, nulls as `None`.
fn strings(frame: &DataFrame, column: &str) -> Result<Vec<Option<String>>> {
    let values = frame
        .column(column)
        .and_then(|c| c.cast(&DataType::String))
        .map_err(polars_err("listing values"))?;
    let values = values.str().map_err(polars_err("listing values"))?;
    Ok(values.iter().map(|v| v.map(String::from)).collect())
}

/// The rows of one pick: its metric and statistic, and per model the first of its statuses
/// (preferred, then fallbacks) that every configuration of that model has (every one
/// `compared`, when the candidates are named), so both sides of a
/// comparison use the same status (GuideLLM 0.4.0 prints throughput over successful requests
/// only, later versions over all requests).
fn pick_condition(
    labelled: &LazyFrame,
    pick: &Pick,
    compared: Option<&[String]>,
) -> Result<(Expr, Vec<StatusGap>)> {
    let base = col(m::METRIC)
        .eq(lit(pick.metric.clone()))
        .and(col(m::STAT).eq(lit(pick.stat.clone())));
    if pick.fallback_statuses.is_empty() {
        return Ok((
            base.and(col(m::STATUS).eq(lit(pick.status.clone()))),
            Vec::new(),
        ));
    }
    // Only the values compared choose (a third configuration must not hide a status the
    // baseline and the candidates named share).
    let of_compared = match compared {
        Some(values) => {
            let values = Series::new("compared".into(), values);
            col("by").is_in(lit(values).implode(false), false)
        }
        None => lit(true),
    };
    let present = labelled
        .clone()
        .filter(base.clone().and(of_compared))
        .select([col(m::MODEL), col("by"), col(m::STATUS)])
        .unique(None, UniqueKeepStrategy::Any)
        .collect()
        .map_err(polars_err("listing statuses"))?;
    let (models, labels, statuses) = (
        strings(&present, m::MODEL)?,
        strings(&present, "by")?,
        strings(&present, m::STATUS)?,
    );
    // The rows of each model, found in one pass (not one pass per model).
    let mut rows_of: std::collections::BTreeMap<&Option<String>, Vec<usize>> =
        std::collections::BTreeMap::new();
    for (i, model) in models.iter().enumerate() {
        rows_of.entry(model).or_default().push(i);
    }
    let preference: Vec<&String> = std::iter::once(&pick.status)
        .chain(&pick.fallback_statuses)
        .collect();
    // The models of each chosen status, matched as one set per status (a chain of
    // conditions, one per model, grows with the number of models on every row).
    const NO_MODEL: &str = "\u{0}";
    let mut chosen: Vec<(&String, Vec<&str>)> = Vec::new();
    let mut gaps = Vec::new();
    for (model, rows) in rows_of {
        let configs: Vec<&Option<String>> = rows.iter().map(|&i| &labels[i]).collect();
        let has = |config: &Option<String>, status: &String| {
            rows.iter()
                .any(|&i| &labels[i] == config && statuses[i].as_ref() == Some(status))
        };
        let has_everywhere = |status: &String| configs.iter().all(|config| has(config, status));
        let status = match preference.iter().find(|s| has_everywhere(s)) {
            Some(status) => status,
            None => {
                let held: std::collections::BTreeMap<String, Vec<String>> = configs
                    .iter()
                    .map(|config| {
                        let name = config.as_deref().unwrap_or(NO_LABEL).to_string();
                        let own = preference.iter().filter(|s| has(config, s));
                        (name, own.map(|s| s.to_string()).collect())
                    })
                    .collect();
                // A value holding none of the statuses lacks data; it is not a gap.
                if !held.values().any(Vec::is_empty) {
                    gaps.push(StatusGap {
                        model: model.clone(),
                        metric: pick.metric.clone(),
                        stat: pick.stat.clone(),
                        statuses: held,
                    });
                }
                &preference[0]
            }
        };
        let model = model.as_deref().unwrap_or(NO_MODEL);
        match chosen.iter_mut().find(|(s, _)| s == status) {
            Some((_, models)) => models.push(model),
            None => chosen.push((status, vec![model])),
        }
    }
    let condition = match chosen.as_slice() {
        // Every model uses the same status (the usual case): no need to look at models.
        [(status, _)] => col(m::STATUS).eq(lit(status.to_string())),
        _ => chosen.iter().fold(lit(false), |any, (status, models)| {
            let models = Series::new("models".into(), models);
            any.or(col(m::STATUS).eq(lit(status.to_string())).and(
                col(m::MODEL)
                    .fill_null(lit(NO_MODEL))
                    .is_in(lit(models).implode(false), false),
            ))
        }),
    };
    Ok((base.and(condition), gaps))
}

/// Compares every candidate with the baseline over `metrics` (and `runs`, for labels not in
/// `metrics`). Rows match on model, strategy and load value; load points without a load
/// value match on their position in the run instead. Repeated runs of the same model,
/// configuration, strategy and load are averaged.
pub fn compare(metrics: LazyFrame, runs: LazyFrame, spec: &CompareSpec) -> Result<Comparison> {
    // A column of each compared value (its keys, its number, where it was read) cannot also
    // be what tells the sides apart; model, config and run_id are labels of whole runs.
    let per_value = [
        m::STRATEGY,
        m::LOAD,
        m::LOAD_INDEX,
        m::METRIC,
        m::STAT,
        m::STATUS,
        m::UNIT,
        m::VALUE,
        m::DECIMALS,
        m::ORIGIN,
    ];
    if per_value.contains(&spec.by.as_str()) {
        return Err(Error::Invalid(format!(
            "--by {}: a column of each compared value, not a label of whole runs, so it cannot \
             be what is compared; --by takes a run label (config, hardware, software, model, a \
             label of your own)",
            spec.by
        )));
    }
    let labelled = with_label(metrics, runs.clone(), &spec.by)?;
    let Some(condition) = &spec.filter else {
        return compare_labelled(labelled, spec);
    };
    let (named, labelled) = filtered(labelled, runs, condition)?;
    // A condition that fails only on some rows (`cast(config as int) > 1`) fails when the
    // rows are read: when the columns it names read and it fails on them, it is the fault
    // (not a damaged file).
    compare_labelled(labelled.clone(), spec).map_err(|e| match e {
        Error::Polars { .. } => match (named.collect(), labelled.select([len()]).collect()) {
            (Ok(_), Err(fault)) => where_error(condition, &fault, ""),
            _ => e,
        },
        e => e,
    })
}

/// `--where {condition}: ` and the first line of Polars' error, without its plan.
fn where_error(condition: &str, e: &PolarsError, hint: &str) -> Error {
    let text = e.to_string();
    let first_line = text.lines().next().unwrap_or_default();
    Error::Invalid(format!("--where {condition}: {first_line}{hint}"))
}

/// The columns the `--where` condition names (from `labelled`, or the `runs` columns and
/// labels it names), and the rows of `labelled` that meet the condition.
fn filtered(
    labelled: LazyFrame,
    runs: LazyFrame,
    condition: &str,
) -> Result<(LazyFrame, LazyFrame)> {
    let expr = polars::sql::sql_expr(condition)
        .map_err(|e| Error::Invalid(format!("--where {condition}: {e}")))?;
    let (labelled, numeric) = with_filter_columns(labelled, runs, &expr, condition)?;
    // A condition Polars cannot apply (`load >= 'abc'`) fails on no rows as on many: tried on
    // none first, it is named as the condition's fault.
    let mut with_columns = labelled.clone();
    let schema = with_columns
        .collect_schema()
        .map_err(polars_err("reading the columns"))?;
    if let Err(e) = DataFrame::empty_with_schema(&schema)
        .lazy()
        .filter(expr.clone())
        .collect()
    {
        let hint = match numeric.is_empty() {
            true => String::new(),
            false => format!(
                " (labels read as numbers, every value being one: {})",
                numeric.join(", ")
            ),
        };
        return Err(where_error(condition, &e, &hint));
    }
    let named: Vec<Expr> = expr
        .clone()
        .meta()
        .root_names()
        .into_iter()
        .map(col)
        .collect();
    Ok((labelled.clone().select(named), labelled.filter(expr)))
}

/// [`compare`] over `labelled`: the metrics rows with the `by` label (and filtered).
fn compare_labelled(labelled: LazyFrame, spec: &CompareSpec) -> Result<Comparison> {
    let mut pick_index: Option<Expr> = None;
    let mut status_gaps = Vec::new();
    let compared: Option<Vec<String>> = spec.candidates.as_ref().map(|list| {
        std::iter::once(&spec.baseline)
            .chain(list)
            .cloned()
            .collect()
    });
    for (i, pick) in spec.picks.iter().enumerate().rev() {
        let (cond, gaps) = pick_condition(&labelled, pick, compared.as_deref())?;
        status_gaps.splice(0..0, gaps);
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
    // A load point without a load value is keyed by its position: -(index + 1). Loads are
    // keyed to 9 significant digits: the same sweep rate computed by two versions (3.0 and
    // 2.9999999999999996) is one level.
    let load_key = when(col(m::LOAD).is_null())
        .then(lit(-1.0) - col(m::LOAD_INDEX).cast(DataType::Float64))
        .otherwise(col(m::LOAD).round_sig_figs(LOAD_DIGITS));
    // One value per run first (a run holds one value per key), then mean, spread and number
    // of runs per configuration.
    let group: Vec<Expr> = [col("by")]
        .into_iter()
        .chain(keys.iter().map(|k| col(*k)))
        .collect();
    // A plain condition on the scanned columns first, which the Parquet reader applies while
    // decoding (only matching rows are materialised).
    let wanted = spec.picks.iter().fold(lit(false), |any, p| {
        any.or(col(m::METRIC)
            .eq(lit(p.metric.clone()))
            .and(col(m::STAT).eq(lit(p.stat.clone()))))
    });
    // The picked rows are grouped and joined on categorical codes rather than strings (a
    // categorical column still sorts as its text); the results are text again.
    let text_keys: Vec<&str> = keys
        .iter()
        .copied()
        .filter(|k| *k != LOAD_KEY && *k != c::PICK)
        .collect();
    // The text columns of the levels: the compared label and the text keys.
    let level_text: Vec<&str> = std::iter::once("by")
        .chain(text_keys.iter().copied())
        .collect();
    let categorical = DataType::from_categories(Categories::global());
    let as_text = |names: &[&str]| -> Vec<Expr> {
        names
            .iter()
            .map(|k| col(*k).cast(DataType::String))
            .collect()
    };
    let picked_rows = labelled
        .filter(wanted)
        .with_columns([pick_index.alias(c::PICK), load_key.alias(LOAD_KEY)])
        .filter(col(c::PICK).is_not_null())
        .with_columns(
            level_text
                .iter()
                .chain([&m::RUN_ID])
                .map(|k| col(*k).cast(categorical.clone()))
                .collect::<Vec<_>>(),
        )
        // Read once: grouped below, and searched for each level's load.
        .collect()
        .map_err(polars_err("reading the compared values"))?;
    let value_runs = picked_rows
        .select([
            "by",
            m::MODEL,
            m::STRATEGY,
            LOAD_KEY,
            m::RUN_ID,
            m::LOAD_INDEX,
            c::PICK,
        ])
        .map_err(polars_err("listing the runs compared"))?;
    let picked_rows = picked_rows.lazy();
    // A level's load is the same on every side: of the loads keyed alike, the one nearest the
    // key (then the least): 3.0 rather than 2.9999999999999996, and 2.333333333333333 as it
    // was, not the key 2.33333333. Found by one sort of the rows, not per group (a sort
    // inside each of tens of thousands of groups cost more than the grouping itself).
    let distance = (col(m::LOAD) - col(LOAD_KEY)) * (col(m::LOAD) - col(LOAD_KEY));
    let key_columns: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    let level_loads = picked_rows
        .clone()
        .filter(col(LOAD_KEY).gt_eq(lit(0.0)))
        .select(
            key_columns
                .iter()
                .cloned()
                .chain([col(m::LOAD)])
                .collect::<Vec<_>>(),
        )
        .sort_by_exprs([distance, col(m::LOAD)], SortMultipleOptions::default())
        // A group keeps its rows' order: its first is the nearest.
        .group_by(key_columns.clone())
        .agg([col(m::LOAD).first().alias(LEVEL_LOAD)]);
    let mut level_join = JoinArgs::new(JoinType::Left);
    level_join.maintain_order = MaintainOrderJoin::Left;
    level_join.nulls_equal = true;
    let picked = picked_rows
        // Both groupings in order of first appearance, so that each configuration's runs are
        // aggregated in input order: their mean and standard deviation are then the same to
        // the last digit from one invocation to the next.
        .group_by_stable(
            group
                .iter()
                .cloned()
                .chain([col(m::RUN_ID)])
                .collect::<Vec<_>>(),
        )
        .agg([
            col(m::VALUE).mean().alias("value"),
            col(m::DECIMALS).max().alias("decimals"),
        ])
        .group_by_stable(group)
        .agg([
            col("value").mean(),
            col("value").std(1).alias("sd"),
            col("value").count().cast(DataType::UInt32).alias("runs"),
            col("decimals").max(),
        ])
        .join(level_loads, key_columns.clone(), key_columns, level_join)
        .with_column(
            when(col(LOAD_KEY).lt(lit(0.0)))
                .then(col(LOAD_KEY))
                .otherwise(col(LEVEL_LOAD))
                .alias(LOAD_KEY),
        )
        .drop(by_name([LEVEL_LOAD], true, false))
        // Small (one row per configuration and level): read the data once, reuse it below.
        .collect()
        .map_err(polars_err("reading the compared values"))?
        .lazy();
    let present: Vec<String> = strings(
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
    let found = picked
        .clone()
        .select([col(c::PICK)])
        .unique(None, UniqueKeepStrategy::Any)
        .collect()
        .map_err(polars_err("listing metrics"))?;
    let found: Vec<Option<String>> = strings(&found, c::PICK)?;
    let missing: Vec<Pick> = (0..spec.picks.len())
        .filter(|i| !found.contains(&Some(i.to_string())))
        .map(|i| spec.picks[i].clone())
        .collect();
    if missing.len() == spec.picks.len() {
        let names: Vec<String> = missing.iter().map(Pick::to_string).collect();
        // `p1` or `p99.9` for the percentile tidybench names `p01` or `p999`.
        let renamed = missing.iter().find_map(|pick| {
            let percent = pick.stat.strip_prefix('p')?;
            percent.parse::<f64>().ok()?;
            let stat = crate::formats::percentile_stat(percent);
            (stat != pick.stat).then(|| format!("; percentiles are named `{stat}` for {percent}%"))
        });
        return Err(Error::Invalid(format!(
            "no rows to compare: {} (see `tidybench query <dataset> \"select distinct metric, \
             stat, status from metrics\"`{})",
            names.join("; "),
            renamed.unwrap_or_default()
        )));
    }
    // One configuration (or none named): nothing to compare, the values are the report.
    let alone = present.is_empty() || present.contains(&spec.baseline) || spec.overview_when_alone;
    if present.len() <= 1 && spec.candidates.is_none() && alone {
        let mut spec = spec.clone();
        spec.baseline = present.first().cloned().unwrap_or_else(|| NO_LABEL.into());
        let levels = picked
            .with_column(
                when(col(LOAD_KEY).lt(lit(0.0)))
                    .then(lit(NULL).cast(DataType::Float64))
                    .otherwise(col(LOAD_KEY))
                    .alias(c::LOAD),
            )
            // Sorted on the categorical codes (in the order of their texts), then made text.
            .with_column(strategy_rank())
            .sort(level_order(&keys), level_sort_options(&keys))
            .drop(by_name([STRATEGY_RANK], true, false))
            .with_columns(as_text(&level_text))
            .with_column(col("by").fill_null(lit(NO_LABEL)))
            .collect()
            .map_err(polars_err("collecting levels"))?;
        return Ok(Comparison {
            spec,
            candidates: Vec::new(),
            deltas: DataFrame::empty(),
            levels,
            missing,
            status_gaps: Vec::new(),
            value_runs,
        });
    }
    if !present.contains(&spec.baseline) {
        let mut present = present;
        present.sort();
        // `--baseline config=no-offload` where `--baseline no-offload` was meant.
        let hint = match spec.baseline.strip_prefix(&format!("{}=", spec.by)) {
            Some(value) if present.iter().any(|p| p == value) => {
                format!(" (--baseline takes the value alone: --baseline {value})")
            }
            _ => String::new(),
        };
        return Err(Error::Invalid(format!(
            "baseline {}={} has no rows to compare; values present: {}{hint}",
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
                let mut present = present.clone();
                present.sort();
                return Err(Error::Invalid(format!(
                    "candidate {}={missing} has no rows to compare; values present: {}",
                    spec.by,
                    present.join(", ")
                )));
            }
            // The baseline is never compared with itself.
            let list: Vec<String> = list
                .iter()
                .filter(|c| **c != spec.baseline)
                .cloned()
                .collect();
            if list.is_empty() {
                return Err(Error::Invalid(format!(
                    "--candidates names only the baseline {}={}: nothing to compare",
                    spec.by, spec.baseline
                )));
            }
            list
        }
        None => present
            .into_iter()
            .filter(|v| v != &spec.baseline)
            .collect(),
    };
    candidates.sort();
    candidates.dedup();

    let side = |value: &str, [name, decimals, sd, runs]: [&str; 4]| {
        picked
            .clone()
            .filter(col("by").eq(lit(value.to_string())))
            .select(
                keys.iter()
                    .map(|k| col(*k))
                    .chain([
                        col("value").alias(name),
                        col("decimals").alias(decimals),
                        col("sd").alias(sd),
                        col("runs").alias(runs),
                    ])
                    .collect::<Vec<_>>(),
            )
    };
    const BASELINE: [&str; 4] = [
        c::BASELINE_VALUE,
        c::BASELINE_DECIMALS,
        c::BASELINE_SD,
        c::BASELINE_RUNS,
    ];
    const CANDIDATE: [&str; 4] = [
        c::CANDIDATE_VALUE,
        c::CANDIDATE_DECIMALS,
        c::CANDIDATE_SD,
        c::CANDIDATE_RUNS,
    ];
    let key_exprs: Vec<Expr> = keys.iter().map(|k| col(*k)).collect();
    let mut join_args = JoinArgs::new(JoinType::Full).with_coalesce(JoinCoalesce::CoalesceColumns);
    join_args.nulls_equal = true;
    let joins = candidates
        .iter()
        .map(|cand| {
            let joined = side(&spec.baseline, BASELINE)
                .join(
                    side(cand, CANDIDATE),
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

    let directions = directions()?;

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
    let noise = col(c::PCT_CHANGE_LOW)
        .lt_eq(lit(0.0))
        .and(col(c::PCT_CHANGE_HIGH).gt_eq(lit(0.0)));
    let verdict = when(col(c::MATCHED).neq(lit("both")))
        .then(lit("unmatched"))
        .when(pct.clone().is_null())
        .then(lit("n/a"))
        .when(col(c::DIRECTION).eq(lit("none")))
        .then(lit("neutral"))
        .when(col(c::ROUNDED).and(abs(diff.clone()).lt_eq(rounding * lit(1.000_001))))
        .then(lit("within rounding"))
        .when(noise.fill_null(lit(false)))
        .then(lit("within noise"))
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
                // Of the baseline's size, so that a change keeps its sign when the baseline
                // is negative (a hostile or corrupted input).
                .then(diff.clone() / abs(base.clone()) * lit(100.0))
                .otherwise(lit(NULL).cast(DataType::Float64))
                .alias(c::PCT_CHANGE),
        )
        .left_join(
            directions.lazy(),
            col(m::METRIC).cast(DataType::String),
            col("dir_metric"),
        )
        .with_column(col(c::DIRECTION).fill_null(lit("none")))
        .collect()
        .map_err(polars_err("computing deltas"))?;
    let deltas = with_intervals(deltas)?
        .lazy()
        .with_columns([verdict.alias(c::VERDICT), strategy_rank()])
        // A sweep's strategies as their loads rise; loads ascending; load points without a
        // load (key -(index + 1)) in run order.
        .sort(
            [
                c::MODEL,
                c::CANDIDATE,
                c::PICK,
                STRATEGY_RANK,
                c::STRATEGY,
                c::LOAD,
                LOAD_KEY,
            ],
            SortMultipleOptions::default()
                .with_nulls_last(true)
                .with_order_descending_multi([false, false, false, false, false, false, true]),
        )
        // Sorted on the categorical codes (in the order of their texts), then made text.
        .with_columns(as_text(&text_keys))
        .select(DELTA_COLUMNS.map(col))
        .collect()
        .map_err(polars_err("computing deltas"))?;
    let compared = candidates
        .iter()
        .fold(col("by").eq(lit(spec.baseline.clone())), |any, v| {
            any.or(col("by").eq(lit(v.clone())))
        });
    let levels = picked
        .filter(compared)
        .with_column(
            when(col(LOAD_KEY).lt(lit(0.0)))
                .then(lit(NULL).cast(DataType::Float64))
                .otherwise(col(LOAD_KEY))
                .alias(c::LOAD),
        )
        // Sorted on the categorical codes (in the order of their texts), then made text.
        .with_column(strategy_rank())
        .sort(level_order(&keys), level_sort_options(&keys))
        .drop(by_name([STRATEGY_RANK], true, false))
        .with_columns(as_text(&level_text))
        .collect()
        .map_err(polars_err("collecting levels"))?;
    Ok(Comparison {
        spec: spec.clone(),
        candidates,
        deltas,
        levels,
        missing,
        status_gaps,
        value_runs,
    })
}

/// Column of a sort that puts a sweep's strategies in the order their loads rise (see
/// [`strategy_rank`]).
pub(crate) const STRATEGY_RANK: &str = "strategy_rank";

/// A sweep's strategies in the order their loads rise: synchronous first, throughput last,
/// the others (concurrent, constant, poisson) between, by name.
pub(crate) fn strategy_rank() -> Expr {
    let strategy = col(c::STRATEGY).cast(DataType::String);
    when(strategy.clone().eq(lit("synchronous")))
        .then(lit(0u8))
        .when(strategy.eq(lit("throughput")))
        .then(lit(2u8))
        .otherwise(lit(1u8))
        .alias(STRATEGY_RANK)
}

/// The order of [`Comparison::levels`]: by model (unless models are what is compared), pick,
/// configuration, strategy (as [`strategy_rank`] orders them) and load (loads ascending, load
/// points without a load in run order), then status and unit, so that no two rows tie and the
/// order never depends on how the rows were grouped.
fn level_order(keys: &[&str]) -> Vec<&'static str> {
    let model = keys.contains(&m::MODEL).then_some(m::MODEL);
    model
        .into_iter()
        .chain([
            c::PICK,
            "by",
            STRATEGY_RANK,
            c::STRATEGY,
            c::LOAD,
            LOAD_KEY,
            m::STATUS,
            m::UNIT,
        ])
        .filter(|k| {
            *k == "by"
                || *k == c::LOAD
                || keys.contains(k)
                || (*k == STRATEGY_RANK && keys.contains(&c::STRATEGY))
        })
        .collect()
}

/// Sort options of [`level_order`]: nulls last, the load key descending.
fn level_sort_options(keys: &[&str]) -> SortMultipleOptions {
    let descending: Vec<bool> = level_order(keys).iter().map(|k| *k == LOAD_KEY).collect();
    SortMultipleOptions::default()
        .with_nulls_last(true)
        .with_order_descending_multi(descending)
}

/// The direction of every catalogued metric: columns `dir_metric` and `direction`.
pub(crate) fn directions() -> Result<DataFrame> {
    DataFrame::new_infer_height(vec![
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
    .map_err(polars_err("building the direction table"))
}

/// Adds the 95% confidence columns (see [`stats`]) computed from each side's mean, standard
/// deviation and number of runs.
fn with_intervals(mut deltas: DataFrame) -> Result<DataFrame> {
    let cols = crate::frames::Columns(&deltas);
    let (base, cand) = (
        cols.float(c::BASELINE_VALUE)?,
        cols.float(c::CANDIDATE_VALUE)?,
    );
    let (base_sd, cand_sd) = (cols.float(c::BASELINE_SD)?, cols.float(c::CANDIDATE_SD)?);
    let (base_n, cand_n) = (
        cols.float(c::BASELINE_RUNS)?,
        cols.float(c::CANDIDATE_RUNS)?,
    );
    let side = |mean: Option<f64>, sd: Option<f64>, n: Option<f64>| {
        Some(stats::Side {
            mean: mean?,
            sd: sd?,
            n: n? as u32,
        })
    };
    let mut columns: [Vec<Option<f64>>; 4] = Default::default();
    for i in 0..deltas.height() {
        let b = side(base[i], base_sd[i], base_n[i]);
        let k = side(cand[i], cand_sd[i], cand_n[i]);
        columns[0].push(b.and_then(|s| stats::mean_half_width(s.sd, s.n)));
        columns[1].push(k.and_then(|s| stats::mean_half_width(s.sd, s.n)));
        let interval = b.zip(k).and_then(|(b, k)| stats::pct_change_interval(b, k));
        columns[2].push(interval.map(|i| i.0));
        columns[3].push(interval.map(|i| i.1));
    }
    let names = [
        c::BASELINE_CI,
        c::CANDIDATE_CI,
        c::PCT_CHANGE_LOW,
        c::PCT_CHANGE_HIGH,
    ];
    for (name, values) in names.into_iter().zip(columns) {
        deltas
            .with_column(Column::new(name.into(), values))
            .map_err(polars_err("adding confidence intervals"))?;
    }
    Ok(deltas)
}
