//! Values that a comparison averages as repeats but that may not be repeats of one another: the
//! `run=N.json` files of different combinations of a `vllm bench sweep` (different
//! directories), or of different sweeps, that share a configuration, a model and a load; runs
//! of different configurations pooled when another label is compared; and load points of one
//! run at the same load.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Component, Path, PathBuf};

use polars::prelude::*;

use super::compare::{col_names as c, Comparison, LOAD_KEY, NO_LABEL};
use crate::error::Result;
use crate::formats::vllm_bench_json::{NAME as VLLM_BENCH_JSON, RESULT_ID_LABEL};
use crate::formats::Warning;
use crate::frames::Columns;
use crate::schema::{metrics as m, runs as r};

/// Labels that tell the runs of one combination apart (when and from where it ran), not the
/// parameters that make a combination.
const PER_RUN_LABELS: [&str; 4] = ["date", "run_number", "also_in", RESULT_ID_LABEL];

/// Runs-table columns that are not parameters of a run (its identity, source and times).
const NOT_PARAMETERS: [&str; 7] = [
    r::RUN_ID,
    r::SOURCE_PATH,
    r::SOURCE_FORMAT,
    r::SOURCE_SHA256,
    r::LABELS,
    r::STARTED_AT,
    r::ENDED_AT,
];

/// The `vllm bench sweep` output directory and combination (`BENCH--…`, `SERVE--…-BENCH--…`)
/// that the run stored at `source_path` (`out/20260216_173849/BENCH--warmup/run=0.json`) is a
/// repeat of; `None` for any other file name.
fn sweep_combination(source_path: &str) -> Option<(&str, &str)> {
    let (rest, file) = source_path.rsplit_once(['/', '\\'])?;
    let stored = [".gz", ".zst"]
        .iter()
        .find_map(|ext| file.strip_suffix(ext))
        .unwrap_or(file);
    let number = stored.strip_prefix("run=")?.strip_suffix(".json")?;
    if number.is_empty() || !number.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (sweep, combination) = match rest.rsplit_once(['/', '\\']) {
        Some(("", combination)) => ("/", combination),
        Some(found) => found,
        None => (".", rest),
    };
    (!combination.is_empty()).then_some((sweep, combination))
}

/// One warning per model, compared value of `by` and set of combinations (or sweeps) whose
/// runs `comparison` averaged as repeats at one strategy and load although they come from
/// different combinations of a `vllm bench sweep` (naming the parameters they differ in), or
/// from different sweeps (which may be different configurations left unlabelled). `runs` is
/// the runs table. None when fewer than two runs are a sweep's, or when the runs cannot be
/// read (the comparison has said why).
pub fn mixed_sweep_combinations(runs: &LazyFrame, comparison: &Comparison) -> Vec<Warning> {
    mixed(runs, comparison).unwrap_or_default()
}

fn mixed(runs: &LazyFrame, comparison: &Comparison) -> Result<Vec<Warning>> {
    let polars = |e| crate::Error::polars("checking repeated runs", e);
    let sources = runs
        .clone()
        .select([col(r::RUN_ID), col(r::SOURCE_PATH), col(r::SOURCE_FORMAT)])
        .collect()
        .map_err(polars)?;
    let cols = Columns(&sources);
    let (ids, paths, formats) = (
        cols.text(r::RUN_ID)?,
        cols.text(r::SOURCE_PATH)?,
        cols.text(r::SOURCE_FORMAT)?,
    );
    // The sweep directory (as its path's components: `./s` and `s//` are `s`) and the
    // combination of each run of a sweep.
    let swept: HashMap<&str, (String, &str)> = (0..sources.height())
        .filter(|&i| formats[i].as_deref() == Some(VLLM_BENCH_JSON))
        .filter_map(|i| {
            let (sweep, combination) = sweep_combination(paths[i].as_deref()?)?;
            let sweep: PathBuf = Path::new(sweep)
                .components()
                .filter(|c| !matches!(c, Component::CurDir))
                .collect();
            let sweep = match sweep.as_os_str().is_empty() {
                true => ".".to_string(),
                false => sweep.to_string_lossy().into_owned(),
            };
            Some((ids[i].as_deref()?, (sweep, combination)))
        })
        .collect();
    if swept.len() < 2 {
        return Ok(Vec::new());
    }
    let spec = &comparison.spec;
    // The swept runs of each configuration, model and level.
    let mut pooled: BTreeMap<Level, BTreeSet<&str>> = BTreeMap::new();
    for (level, run) in compared_levels(comparison)? {
        let Some((&id, _)) = run.as_deref().and_then(|id| swept.get_key_value(id)) else {
            continue;
        };
        pooled.entry(level).or_default().insert(id);
    }
    // The levels where runs of two or more combinations (else sweeps) meet, gathered per
    // configuration, model and the combinations (else sweeps) met: their count and runs.
    type Mixed<'a> = (Option<String>, Option<String>, bool, BTreeSet<&'a str>);
    let mut mixed: BTreeMap<Mixed, (usize, BTreeSet<&str>)> = BTreeMap::new();
    for ((by, model, _, _), ids) in pooled {
        let (combinations, sweeps) = spread(&swept, &ids);
        let key = match (combinations.len() > 1, sweeps.len() > 1) {
            (true, _) => (by, model, true, combinations),
            (false, true) => (by, model, false, sweeps),
            (false, false) => continue,
        };
        let (levels, runs) = mixed.entry(key).or_default();
        *levels += 1;
        runs.extend(ids);
    }
    if mixed.is_empty() {
        return Ok(Vec::new());
    }
    let parameters = Parameters::of(&runs.clone().collect().map_err(polars)?)?;
    Ok(mixed
        .into_iter()
        .map(|((by, model, combinations, names), (levels, ids))| {
            let list = listed(&names);
            let (what, hint) = if combinations {
                let differ = parameters.differing(&ids);
                (
                    format!("{} sweep combinations ({list})", names.len()),
                    match differ.first() {
                        Some(first) => format!(
                            "they differ in {}: compare them with --by {first}",
                            differ.join(", ")
                        ),
                        None => "compare them with --by and a label that tells them apart".into(),
                    },
                )
            } else {
                (
                    format!("{} sweeps ({list})", names.len()),
                    "if they are different configurations, label each sweep's runs (convert \
                     them with --label config=… one sweep at a time, or --labels-from)"
                        .into(),
                )
            };
            let (_, sweeps) = spread(&swept, &ids);
            Warning {
                path: PathBuf::from(sweeps.first().copied().unwrap_or(".")),
                line: None,
                message: format!(
                    "model {}, {}={}: the runs of {what} are averaged as repeats of one \
                     configuration at {levels} load level(s); {hint}",
                    model.as_deref().unwrap_or("not named"),
                    spec.by,
                    by.as_deref().unwrap_or(NO_LABEL),
                ),
            }
        })
        .collect())
}

/// A compared value's level: `by`, model, strategy and load key (compared as its bits).
type Level = (Option<String>, Option<String>, Option<String>, Option<u64>);

/// The level and the run of each row of compared values (see [`Comparison::compared_values`]).
fn levels_of(rows: &DataFrame) -> Result<Vec<(Level, Option<String>)>> {
    let cols = Columns(rows);
    let (by, model, strategy, run) = (
        cols.text("by")?,
        cols.text(m::MODEL)?,
        cols.text(m::STRATEGY)?,
        cols.text(m::RUN_ID)?,
    );
    let load = cols.float(LOAD_KEY)?;
    Ok(by
        .into_iter()
        .zip(model)
        .zip(strategy)
        .zip(load)
        .zip(run)
        .map(|((((by, model), strategy), load), run)| {
            ((by, model, strategy, load.map(f64::to_bits)), run)
        })
        .collect())
}

/// Each level of the values `comparison` compared, with each run compared there (once).
fn compared_levels(comparison: &Comparison) -> Result<Vec<(Level, Option<String>)>> {
    let polars = |e| crate::Error::polars("checking repeated runs", e);
    let rows = comparison
        .compared_values()
        .select([
            col("by"),
            col(m::MODEL),
            col(m::STRATEGY),
            col(LOAD_KEY),
            col(m::RUN_ID),
        ])
        .unique(None, UniqueKeepStrategy::Any)
        .collect()
        .map_err(polars)?;
    levels_of(&rows)
}

/// The text of the runs-table column `name` by run id (runs where it is null left out).
fn by_run(runs: &LazyFrame, name: &str) -> Result<HashMap<String, String>> {
    let column = runs
        .clone()
        .select([col(r::RUN_ID), col(name).cast(DataType::String)])
        .collect()
        .map_err(|e| crate::Error::polars("checking repeated runs", e))?;
    let cols = Columns(&column);
    Ok(cols
        .text(r::RUN_ID)?
        .into_iter()
        .zip(cols.text(name)?)
        .filter_map(|(id, value)| Some((id?, value?)))
        .collect())
}

/// One warning per model and compared value of `by` (when that is not `config`) whose runs at
/// one strategy and load, averaged as repeats, are of different configurations (`config`):
/// `--by software` over no-offload and native-offload runs pools both. None when the runs
/// cannot be read (the comparison has said why).
pub fn mixed_configurations(runs: &LazyFrame, comparison: &Comparison) -> Vec<Warning> {
    if comparison.spec.by == r::CONFIG {
        return Vec::new();
    }
    mixed_configs(runs, comparison).unwrap_or_default()
}

fn mixed_configs(runs: &LazyFrame, comparison: &Comparison) -> Result<Vec<Warning>> {
    let polars = |e| crate::Error::polars("checking repeated runs", e);
    let config_of = by_run(runs, r::CONFIG)?;
    let rows = comparison.compared_values().collect().map_err(polars)?;
    let mut pooled: BTreeMap<Level, BTreeSet<Option<&str>>> = BTreeMap::new();
    for (level, run) in levels_of(&rows)? {
        let config = run
            .as_ref()
            .and_then(|id| config_of.get(id))
            .map(String::as_str);
        pooled.entry(level).or_default().insert(config);
    }
    // Per compared value and model: the levels pooling configurations, and those met.
    type Section = (Option<String>, Option<String>);
    let mut mixed: BTreeMap<Section, (usize, BTreeSet<&str>)> = BTreeMap::new();
    for ((by, model, _, _), configs) in pooled {
        if configs.len() > 1 {
            let (levels, names) = mixed.entry((by, model)).or_default();
            *levels += 1;
            names.extend(configs.into_iter().map(|c| c.unwrap_or(NO_LABEL)));
        }
    }
    let spec = &comparison.spec;
    Ok(mixed
        .into_iter()
        .map(|((by, model), (levels, configs))| Warning {
            // About the runs of many files: no one path.
            path: PathBuf::new(),
            line: None,
            message: format!(
                "model {}, {}={}: runs of {} configurations ({}) are averaged as repeats at \
                 {levels} load level(s); compare one configuration with --where \"config = \
                 '…'\", or configurations with --by config",
                model.as_deref().unwrap_or("not named"),
                spec.by,
                by.as_deref().unwrap_or(NO_LABEL),
                configs.len(),
                listed(&configs),
            ),
        })
        .collect())
}

/// The run parameters that change what a load level measures: runs that differ in one are not
/// repeats of each other.
const WORKLOAD: [&str; 9] = [
    r::PROMPT_TOKENS,
    r::OUTPUT_TOKENS,
    r::PREFIX_TOKENS,
    r::TURNS,
    r::MAX_SECONDS,
    "burstiness",
    "request_rate",
    "dataset_name",
    "num_prompts",
];

/// One warning per model, compared value of `by` and set of workload parameters (prompt,
/// output and prefix tokens, turns, time per level, vLLM's burstiness, request rate under a
/// concurrency limit, dataset, number of prompts) in which runs averaged as repeats at one
/// strategy and load differ. The runs of a `vllm bench sweep` are left to
/// [`mixed_sweep_combinations`]. None when the runs cannot be read (the comparison has said
/// why).
pub fn mixed_workloads(runs: &LazyFrame, comparison: &Comparison) -> Vec<Warning> {
    workloads(runs, comparison).unwrap_or_default()
}

fn workloads(runs: &LazyFrame, comparison: &Comparison) -> Result<Vec<Warning>> {
    let polars = |e| crate::Error::polars("checking repeated runs", e);
    let levels = compared_levels(comparison)?;
    let mut runs_at: HashMap<&Level, usize> = HashMap::new();
    for (level, _) in &levels {
        *runs_at.entry(level).or_default() += 1;
    }
    if runs_at.values().all(|&n| n < 2) {
        // No level averages runs: the runs table is not read.
        return Ok(Vec::new());
    }
    let table = runs.clone().collect().map_err(polars)?;
    let parameters = Parameters::of(&table)?;
    let cols = Columns(&table);
    let swept: BTreeSet<String> = (cols.text(r::RUN_ID)?.into_iter())
        .zip(cols.text(r::SOURCE_PATH)?)
        .zip(cols.text(r::SOURCE_FORMAT)?)
        .filter(|((_, path), format)| {
            format.as_deref() == Some(VLLM_BENCH_JSON)
                && path.as_deref().and_then(sweep_combination).is_some()
        })
        .filter_map(|((id, _), _)| id)
        .collect();
    let mut pooled: BTreeMap<Level, BTreeSet<String>> = BTreeMap::new();
    for (level, run) in levels {
        if let Some(run) = run.filter(|id| !swept.contains(id)) {
            pooled.entry(level).or_default().insert(run);
        }
    }
    // Per compared value, model and parameters differing: the levels, and each parameter's
    // values met.
    type Section = (Option<String>, Option<String>, Vec<String>);
    let mut mixed: BTreeMap<Section, (usize, BTreeMap<String, BTreeSet<String>>)> = BTreeMap::new();
    for ((by, model, _, _), ids) in pooled {
        let ids: BTreeSet<&str> = ids.iter().map(String::as_str).collect();
        // A run that does not state a parameter (a result file without the dataset's name)
        // differs from none: two stated values must differ.
        let stated = |parameter: &str| -> BTreeSet<String> {
            let values = ids.iter().filter_map(|id| parameters.value(id, parameter));
            values.map(String::from).collect()
        };
        let differ: Vec<(String, BTreeSet<String>)> = parameters
            .differing(&ids)
            .into_iter()
            .filter(|p| WORKLOAD.contains(&p.as_str()))
            .map(|p| {
                let values = stated(&p);
                (p, values)
            })
            .filter(|(_, values)| values.len() > 1)
            .collect();
        if differ.is_empty() {
            continue;
        }
        let names = differ.iter().map(|(p, _)| p.clone()).collect();
        let (levels, values) = mixed.entry((by, model, names)).or_default();
        *levels += 1;
        for (parameter, met) in differ {
            values.entry(parameter).or_default().extend(met);
        }
    }
    let spec = &comparison.spec;
    Ok(mixed
        .into_iter()
        .map(|((by, model, differ), (levels, values))| {
            let values: Vec<String> = values
                .iter()
                .map(|(parameter, met)| {
                    let met: BTreeSet<&str> = met.iter().map(String::as_str).collect();
                    format!("{parameter} ({})", listed(&met))
                })
                .collect();
            Warning {
                path: PathBuf::new(),
                line: None,
                message: format!(
                    "model {}, {}={}: runs averaged as repeats at {levels} load level(s) differ \
                     in {}; compare them with --by {}",
                    model.as_deref().unwrap_or("not named"),
                    spec.by,
                    by.as_deref().unwrap_or(NO_LABEL),
                    values.join(", "),
                    differ[0],
                ),
            }
        })
        .collect())
}

/// One warning per run with two or more load points at one strategy and load among the
/// compared values (a profile of `--rate 5,5`): the comparison uses their mean as the run's
/// value there. None when the runs cannot be read (the comparison has said why).
pub fn loads_repeated_in_a_run(runs: &LazyFrame, comparison: &Comparison) -> Vec<Warning> {
    repeated_loads(runs, comparison).unwrap_or_default()
}

fn repeated_loads(runs: &LazyFrame, comparison: &Comparison) -> Result<Vec<Warning>> {
    let polars = |e| crate::Error::polars("checking repeated runs", e);
    let repeated = comparison
        .compared_values()
        .filter(col(LOAD_KEY).gt_eq(lit(0.0)))
        .group_by([
            col(m::RUN_ID),
            col(m::STRATEGY),
            col(LOAD_KEY),
            col(c::PICK),
        ])
        .agg([col(m::LOAD_INDEX).n_unique().alias("points")])
        .filter(col("points").gt(lit(1)))
        .group_by([col(m::RUN_ID), col(m::STRATEGY), col(LOAD_KEY)])
        .agg([col("points").max()])
        .sort(
            [m::RUN_ID, m::STRATEGY, LOAD_KEY],
            SortMultipleOptions::default(),
        )
        .collect()
        .map_err(polars)?;
    if repeated.height() == 0 {
        return Ok(Vec::new());
    }
    let source_of = by_run(runs, r::SOURCE_PATH)?;
    let cols = Columns(&repeated);
    let (run, strategy, load) = (
        cols.text(m::RUN_ID)?,
        cols.text(m::STRATEGY)?,
        cols.float(LOAD_KEY)?,
    );
    let points = repeated
        .column("points")
        .and_then(|c| c.cast(&DataType::UInt32))
        .map_err(polars)?;
    let points = points.u32().map_err(polars)?;
    Ok((0..repeated.height())
        .map(|i| {
            let id = run[i].clone().unwrap_or_default();
            Warning {
                path: PathBuf::from(source_of.get(&id).map_or(".", String::as_str)),
                line: None,
                message: format!(
                    "run {id} has {} load points at {} {}: their mean is compared as its value",
                    points.get(i).unwrap_or(0),
                    strategy[i].as_deref().unwrap_or("?"),
                    load[i].map_or_else(|| "?".into(), |load| load.to_string()),
                ),
            }
        })
        .collect())
}

/// The combinations and the sweeps that the runs `ids` come from (see [`mixed`]'s `swept`).
fn spread<'a>(
    swept: &'a HashMap<&str, (String, &'a str)>,
    ids: &BTreeSet<&str>,
) -> (BTreeSet<&'a str>, BTreeSet<&'a str>) {
    ids.iter()
        .filter_map(|id| swept.get(*id))
        .map(|(sweep, combination)| (*combination, sweep.as_str()))
        .unzip()
}

/// `names` joined, the first five of more than six (a sweep of thousands of combinations).
fn listed(names: &BTreeSet<&str>) -> String {
    let shown: Vec<&str> = names.iter().copied().take(5).collect();
    match names.len() {
        n if n > 6 => format!("{}, … {n} in all", shown.join(", ")),
        _ => names.iter().copied().collect::<Vec<_>>().join(", "),
    }
}

/// Each run's parameters as text, by run id: the runs-table columns that describe a run, and
/// its labels, but not those that tell repeats apart.
struct Parameters(HashMap<String, BTreeMap<String, String>>);

impl Parameters {
    fn of(runs: &DataFrame) -> Result<Parameters> {
        let polars = |e| crate::Error::polars("checking repeated runs", e);
        let mut all = vec![BTreeMap::new(); runs.height()];
        for column in runs.columns() {
            let name = column.name().as_str();
            if NOT_PARAMETERS.contains(&name) {
                continue;
            }
            let text = column.cast(&DataType::String).map_err(polars)?;
            for (row, value) in text.str().map_err(polars)?.iter().enumerate() {
                if let Some(value) = value {
                    all[row].insert(name.to_string(), value.to_string());
                }
            }
        }
        for (row, labels) in Columns(runs).text(r::LABELS)?.into_iter().enumerate() {
            let labels: BTreeMap<String, serde_json::Value> = labels
                .and_then(|text| serde_json::from_str(&text).ok())
                .unwrap_or_default();
            for (key, value) in labels {
                if !PER_RUN_LABELS.contains(&key.as_str()) {
                    let value = value
                        .as_str()
                        .map_or_else(|| value.to_string(), String::from);
                    all[row].insert(key, value);
                }
            }
        }
        let ids = Columns(runs).text(r::RUN_ID)?;
        Ok(Parameters(
            ids.into_iter()
                .zip(all)
                .filter_map(|(id, parameters)| Some((id?, parameters)))
                .collect(),
        ))
    }

    /// The value of `parameter` of the run `id`, when it has one.
    fn value(&self, id: &str, parameter: &str) -> Option<&str> {
        self.0.get(id)?.get(parameter).map(String::as_str)
    }

    /// The parameters whose values (or presence) differ among the runs `ids`, sorted.
    fn differing(&self, ids: &BTreeSet<&str>) -> Vec<String> {
        let runs: Vec<&BTreeMap<String, String>> =
            ids.iter().filter_map(|id| self.0.get(*id)).collect();
        let keys: BTreeSet<&String> = runs.iter().flat_map(|run| run.keys()).collect();
        keys.into_iter()
            .filter(|key| {
                let values: BTreeSet<Option<&String>> =
                    runs.iter().map(|run| run.get(*key)).collect();
                values.len() > 1
            })
            .cloned()
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_list_is_cut() {
        let names: BTreeSet<&str> = ["a", "b", "c", "d", "e", "f", "g"].into();
        assert_eq!(listed(&names), "a, b, c, d, e, … 7 in all");
        let names: BTreeSet<&str> = ["a", "b", "c", "d", "e", "f"].into();
        assert_eq!(listed(&names), "a, b, c, d, e, f");
    }

    #[test]
    fn a_sweep_combination_is_the_directory_of_a_numbered_run() {
        for (path, combination) in [
            (
                "out/BENCH--warmup/run=0.json",
                Some(("out", "BENCH--warmup")),
            ),
            (
                "a.tar.zst!/s/SERVE--x-BENCH--y/run=12.json.zst",
                Some(("a.tar.zst!/s", "SERVE--x-BENCH--y")),
            ),
            ("BENCH--z/run=3.json.gz", Some((".", "BENCH--z"))),
            ("/BENCH--z/run=3.json", Some(("/", "BENCH--z"))),
            ("run=0.json", None),
            ("/run=0.json", None),
            ("out/BENCH--a/run=.json", None),
            ("out/BENCH--a/run=1a.json", None),
            ("out/BENCH--a/summary.json", None),
            ("out/BENCH--a/run=0.yaml", None),
        ] {
            assert_eq!(sweep_combination(path), combination, "{path}");
        }
    }
}
