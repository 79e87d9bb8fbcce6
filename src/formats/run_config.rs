//! llm-d run directories: `benchmark-config.txt` (`Key: value` lines written by the benchmark
//! driver; the keys changed between releases: `Rate` vs `Rate (Concurrency)`, `Sample
//! Requests` vs `Max Requests (Sample Requests)`, ...) and the directory name
//! (`<hardware>_<software>_<model>_<config>[_replica<N>][_rate<R>]`) label every run read
//! from a results file in the directory. The config file wins over the directory name; a
//! disagreement is a warning naming both.

use std::path::{Path, PathBuf};

use super::{Run, Warning};
use crate::error::Result;
use crate::ingest::Blob;

/// The name of the file that makes a directory a run directory.
pub const FILE_NAME: &str = "benchmark-config.txt";

/// The label naming the run directory of a run.
pub const RUN_DIR_LABEL: &str = "run_dir";

/// The labels of one run directory.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RunConfig {
    /// The directory.
    pub dir: PathBuf,
    /// Label name and value, in file order (config file first, then what only the directory
    /// name says).
    pub labels: Vec<(String, String)>,
    /// The config file.
    pub path: PathBuf,
    /// The config file line of each label (`None`: from the directory name).
    pub lines: Vec<Option<usize>>,
    /// Disagreements between the directory name and the config file.
    pub warnings: Vec<Warning>,
}

/// Our label name for a config file key (`Rate (Concurrency)` → `rates`); unknown keys become
/// snake case (`EPP ConfigMap` → `epp_configmap`).
fn label_name(key: &str) -> String {
    match key {
        "Run ID" => "run_name",
        "Rate Type" => "rate_type",
        "Rate" | "Rate (Concurrency)" => "rates",
        "Max Seconds" => "max_seconds",
        "Random Seed" => "random_seed",
        "Prompt Tokens" => "prompt_tokens",
        "Output Tokens" => "output_tokens",
        "Prefix Tokens" => "prefix_tokens",
        "Prefix Count" => "prefix_count",
        "Turns" => "turns",
        "Sample Requests" | "Max Requests (Sample Requests)" => "max_requests",
        "Hardware" => "hardware",
        "Software" => "software",
        "Model" => "model",
        "Model Name" => "model_name",
        "Parameters" => "config",
        "GPU Memory Utilization" => "gpu_memory_utilization",
        "Replicas" => "replicas",
        "vLLM Extra Args" => "vllm_args",
        "vLLM Env Vars" => "vllm_env",
        "EPP Backend" => "epp_backend",
        other => {
            return other
                .to_lowercase()
                .split(|c: char| !c.is_ascii_alphanumeric())
                .filter(|w| !w.is_empty())
                .collect::<Vec<_>>()
                .join("_")
        }
    }
    .to_string()
}

/// What a run directory's name says: hardware, software, model name, config, replicas, rate.
pub fn labels_from_dir_name(name: &str) -> Vec<(String, String)> {
    let parts: Vec<&str> = name.split('_').collect();
    if parts.len() < 4 {
        return Vec::new();
    }
    let mut labels = vec![
        ("hardware".to_string(), parts[0].to_string()),
        ("software".to_string(), parts[1].to_string()),
        ("model_name".to_string(), parts[2].to_string()),
    ];
    let mut config = Vec::new();
    for part in &parts[3..] {
        let number = |prefix: &str| {
            part.strip_prefix(prefix)
                .filter(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        };
        if let Some(n) = number("replica") {
            labels.push(("replicas".into(), n.into()));
        } else if let Some(n) = number("rate") {
            labels.push(("rates".into(), n.into()));
        } else {
            config.push(*part);
        }
    }
    if !config.is_empty() {
        labels.push(("config".into(), config.join("_")));
    }
    labels
}

/// Reads `dir`'s `benchmark-config.txt` and name (see [`parse`]).
pub fn read(dir: &Path) -> Result<RunConfig> {
    Ok(parse(dir, &Blob::read(&dir.join(FILE_NAME))?))
}

/// The labels of the run directory `dir` from its `benchmark-config.txt` (`blob`) and its
/// name. Lines that are not `Key: value` are skipped; empty values are left out.
pub fn parse(dir: &Path, blob: &Blob) -> RunConfig {
    let path = blob.path.clone();
    let (lines, _) = blob.text_lines();
    let mut labels: Vec<(String, String)> = Vec::new();
    let mut line_of = Vec::new();
    for line in &lines {
        let Some((key, value)) = line.text.split_once(':') else {
            continue;
        };
        let value = value.trim();
        if value.is_empty() || key.trim().is_empty() {
            continue;
        }
        labels.push((label_name(key.trim()), value.to_string()));
        line_of.push(line.number);
    }
    let mut warnings = Vec::new();
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    for (key, value) in labels_from_dir_name(&name) {
        match labels.iter().position(|(k, _)| *k == key) {
            Some(i) if labels[i].1 != value && !(key == "rates" && labels[i].1.contains(',')) => {
                warnings.push(Warning {
                    path: path.clone(),
                    line: line_of.get(i).copied(),
                    message: format!(
                        "the directory name says {key}={value}, the config file {key}={}; the \
                         config file is used",
                        labels[i].1
                    ),
                });
            }
            Some(_) => {}
            None => labels.push((key, value)),
        }
    }
    let lines = (0..labels.len()).map(|i| line_of.get(i).copied()).collect();
    RunConfig {
        dir: dir.to_path_buf(),
        labels,
        path,
        lines,
        warnings,
    }
}

/// Labels that a results file knows better: set from the run directory only when the run has
/// none.
const FILL_ONLY: [&str; 8] = [
    "model",
    "prompt_tokens",
    "output_tokens",
    "prefix_tokens",
    "turns",
    "random_seed",
    "rate_type",
    "max_seconds",
];

/// The run's own value of a [`FILL_ONLY`] label, as text.
fn own_value(run: &Run, key: &str) -> Option<String> {
    let labels = &run.labels;
    let number = |n: Option<i64>| n.map(|n| n.to_string());
    match key {
        "model" => run.model.clone(),
        "prompt_tokens" => number(labels.prompt_tokens),
        "output_tokens" => number(labels.output_tokens),
        "prefix_tokens" => number(labels.prefix_tokens),
        "turns" => number(labels.turns),
        "random_seed" => number(labels.random_seed),
        "rate_type" => labels.rate_type.clone(),
        "max_seconds" => labels.max_seconds.map(|n| n.to_string()),
        _ => None,
    }
}

/// True when two label texts say the same: equal numbers, or equal text but for case.
fn same_value(a: &str, b: &str) -> bool {
    match (a.trim().parse::<f64>(), b.trim().parse::<f64>()) {
        (Ok(a), Ok(b)) => a == b,
        _ => a.trim().eq_ignore_ascii_case(b.trim()),
    }
}

/// Strategies whose load is the rate or concurrency the driver asked for (a sweep computes
/// its own rates).
const RATE_IS_LOAD: [&str; 3] = ["concurrent", "constant", "poisson"];

impl RunConfig {
    /// Labels `run` with this directory's labels but those a results file knows better
    /// ([`FILL_ONLY`], see [`RunConfig::fill`]); vLLM arguments also give the KV connector, its
    /// CPU blocks and the GPU memory utilization.
    pub fn apply(&self, run: &mut Run) {
        for (key, value) in &self.labels {
            if FILL_ONLY.contains(&key.as_str()) {
                continue;
            }
            if key == "vllm_args" {
                let gpu_memory = run.labels.gpu_memory_utilization;
                super::driver_log::read_vllm_args(value, &mut run.labels);
                run.labels.gpu_memory_utilization =
                    run.labels.gpu_memory_utilization.or(gpu_memory);
            }
            if run.set_label(key, value).is_err() {
                // A number label that is not a number (`Replicas: two`) is kept as text.
                run.extra_labels.insert(key.clone(), value.clone());
            }
        }
        run.extra_labels
            .insert(RUN_DIR_LABEL.into(), self.dir.display().to_string());
    }

    /// Fills the [`FILL_ONLY`] labels `run` lacks from this directory's, once the copies of a
    /// run are merged (a report that lacks the model takes it from its console log, not from
    /// here). Returns where the config file disagrees with the run's results: a label they
    /// give otherwise, or loads that are not among the config's rates (the results are kept).
    pub fn fill(&self, run: &mut Run) -> Vec<Warning> {
        let mut warnings = Vec::new();
        for (i, (key, value)) in self.labels.iter().enumerate() {
            if !FILL_ONLY.contains(&key.as_str()) {
                continue;
            }
            match own_value(run, key) {
                None => {
                    if run.set_label(key, value).is_err() {
                        run.extra_labels.insert(key.clone(), value.clone());
                    }
                }
                Some(own) if !same_value(&own, value) => warnings.push(Warning {
                    path: self.path.clone(),
                    line: self.lines.get(i).copied().flatten(),
                    message: format!(
                        "the config file says {key}={value}, the results in its directory \
                         {key}={own}; the results' value is kept"
                    ),
                }),
                Some(_) => {}
            }
        }
        warnings.extend(self.rates_disagree(run));
        warnings
    }

    /// A warning when the run's loads are not all among the config file's rates, for the
    /// strategies whose load is the rate asked for.
    fn rates_disagree(&self, run: &Run) -> Option<Warning> {
        let i = self.labels.iter().position(|(k, _)| k == "rates")?;
        let rates = super::guidellm_console::parse_number_list(&self.labels[i].1)?;
        let strategy = |p: &super::LoadPoint| RATE_IS_LOAD.contains(&p.strategy.as_str());
        let loads: Vec<f64> = run
            .load_points
            .iter()
            .filter(|p| strategy(p))
            .filter_map(|p| p.load)
            .collect();
        let close = |a: f64, b: f64| (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0);
        let strays: Vec<String> = loads
            .iter()
            .filter(|load| !rates.iter().any(|rate| close(**load, *rate)))
            .map(|load| load.to_string())
            .collect();
        (!strays.is_empty()).then(|| Warning {
            path: self.path.clone(),
            line: self.lines.get(i).copied().flatten(),
            message: format!(
                "the config file's rates are {}; the results in its directory also have loads \
                 {} (kept as the results say)",
                self.labels[i].1,
                strays.join(", ")
            ),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directory_names_of_both_eras() {
        assert_eq!(
            labels_from_dir_name("1x2xL40S_upstream-llm-d-0.7.0-mempress_Qwen3-0.6B_cpu+fs-offload-20k_replica1_rate50"),
            [
                ("hardware", "1x2xL40S"),
                ("software", "upstream-llm-d-0.7.0-mempress"),
                ("model_name", "Qwen3-0.6B"),
                ("replicas", "1"),
                ("rates", "50"),
                ("config", "cpu+fs-offload-20k"),
            ]
            .map(|(k, v)| (k.to_string(), v.to_string()))
        );
        assert_eq!(labels_from_dir_name("results").len(), 0);
        assert_eq!(label_name("EPP ConfigMap"), "epp_configmap");
        assert_eq!(label_name("Rate (Concurrency)"), "rates");
    }
}
