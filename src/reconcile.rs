//! One run given twice: as console text (a GuideLLM console log, or a driver log wrapping it)
//! and as a GuideLLM JSON/YAML report. The report's full-precision numbers are kept, under the
//! console run's labels (a driver log knows the config, hardware and vLLM arguments a report
//! does not); the console numbers are only checked against them. And one run given as several
//! reports (JSON, YAML, CSV): the most precise one is kept. And a vLLM server log beside a
//! benchmark's results: its samples and startup facts join the run of its directory.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::path::Path;

use crate::formats::guidellm_json::{self, RUN_ID_LABEL};
use crate::formats::vllm_server_log::{self, resolve_log_time, LABEL_PREFIX};
use crate::formats::{
    driver_log, guidellm_console, guidellm_csv, guidellm_html, run_config, vllm_bench,
    vllm_bench_json, vllm_sweep,
};
use crate::formats::{LoadPoint, Observation, Origin, Run, ServerLog, ServerSample, Warning};

/// How far apart (seconds) the start of the same benchmark may be in the two sources: console
/// times are printed to the second.
const SAME_START: f64 = 1.5;

/// A full-precision report (JSON, YAML or CSV).
fn is_report(run: &Run) -> bool {
    [
        guidellm_json::NAME,
        guidellm_json::YAML_NAME,
        guidellm_csv::NAME,
    ]
    .contains(&run.source_format.as_str())
}

/// Seconds after midnight of a CSV report's first benchmark start, as it gives it: the
/// benchmarking machine's local time (`start_time_local`, `2026-11-29 17:01:36`), as a console
/// prints it.
fn csv_start(report: &Run) -> Option<f64> {
    seconds_of_day(
        report
            .extra_labels
            .get(guidellm_csv::START_TIME_LOCAL_LABEL)?,
    )
}

/// Seconds after midnight of a `YYYY-MM-DD hh:mm:ss` time.
fn seconds_of_day(time: &str) -> Option<f64> {
    guidellm_console::parse_time_of_day(time.split_once(' ')?.1)
}

/// The start of each load point: Unix seconds, or seconds after midnight when the date is
/// unknown (then `true`).
fn starts(run: &Run) -> Option<Vec<(f64, bool)>> {
    run.load_points
        .iter()
        .map(|p| {
            p.observations.iter().find_map(|o| match &*o.metric {
                "start_time" => Some((o.value, false)),
                "start_time_of_day" => Some((o.value, true)),
                _ => None,
            })
        })
        .collect()
}

/// True when `console` and `report` record the same benchmarks (same strategies, each started
/// at the same second).
fn same_run(console: &Run, report: &Run) -> bool {
    let same_benchmarks = console.load_points.len() == report.load_points.len()
        && !console.load_points.is_empty()
        && console
            .load_points
            .iter()
            .zip(&report.load_points)
            .all(|(c, r)| c.strategy == r.strategy);
    if !same_benchmarks {
        return false;
    }
    // A CSV report gives its first start only, in the local time a console prints.
    if report.source_format == guidellm_csv::NAME {
        let first = first_start(console).map(|s| s.rem_euclid(86_400.0));
        return matches!((first, csv_start(report)), (Some(c), Some(r)) if (c - r).abs() < SAME_START);
    }
    let (Some(a), Some(b)) = (starts(console), starts(report)) else {
        return false;
    };
    a.len() == b.len()
        && a.iter().zip(&b).all(|(&(c, time_of_day), &(r, _))| {
            let r = if time_of_day {
                r.rem_euclid(86_400.0)
            } else {
                r
            };
            (c - r).abs() < SAME_START
        })
}

/// Whether a printed console number agrees with the report's value rounded to the digits
/// printed.
fn agrees(console: &Observation, report: &Observation) -> bool {
    let digits = usize::from(console.decimals.unwrap_or(0));
    format!("{:.digits$}", report.value) == format!("{:.digits$}", console.value)
}

/// Checks every console number of one load point against the report's.
fn cross_check(path: &Path, console: &LoadPoint, report: &LoadPoint, warnings: &mut Vec<Warning>) {
    for c in &console.observations {
        if c.metric.ends_with("_time") || c.metric.ends_with("_time_of_day") {
            continue;
        }
        let counterpart = report
            .observations
            .iter()
            .find(|r| r.metric == c.metric && r.status == c.status && r.stat == c.stat);
        if let Some(r) = counterpart.filter(|r| !agrees(c, r)) {
            warnings.push(Warning {
                path: path.to_path_buf(),
                line: c.origin.line(),
                message: format!(
                    "{} {} {} is {} here but {} in the report ({}); the report's value is used",
                    c.metric, c.status, c.stat, c.value, r.value, r.origin
                ),
            });
        }
    }
}

/// Keeps one run of each found in several copies of one file (the same bytes, under any name
/// or format of compression), which would otherwise share a run id: of copies, the one in a
/// run directory (it has the run's labels), else the first. The run kept lists the other files
/// in its `also_in` label.
fn drop_identical(runs: &mut Vec<Run>) {
    let mut by_content: std::collections::BTreeMap<(u128, usize), Vec<usize>> = Default::default();
    for (j, run) in runs.iter().enumerate() {
        let key = (run.source_sha256.content_id(), run.position);
        by_content.entry(key).or_default().push(j);
    }
    let groups: Vec<Vec<usize>> = by_content.into_values().filter(|g| g.len() > 1).collect();
    let mut keep = vec![true; runs.len()];
    for mut group in groups {
        group.sort_by_key(|&j| !runs[j].extra_labels.contains_key(run_config::RUN_DIR_LABEL));
        for &j in &group[1..] {
            keep[j] = false;
            absorb(runs, group[0], j);
        }
    }
    let mut flags = keep.into_iter();
    runs.retain(|_| flags.next().unwrap_or(true));
}

/// Lists the file of `runs[copy]`, and the files it was also in, in the `also_in` label of
/// `runs[kept]`, each once.
fn absorb(runs: &mut [Run], kept: usize, copy: usize) {
    let copy = &runs[copy];
    let mut paths = vec![copy.source_path.display().to_string()];
    if let Some(also) = copy.extra_labels.get("also_in") {
        paths.extend(also.split(", ").map(String::from));
    }
    let also = runs[kept].extra_labels.entry("also_in".into()).or_default();
    for path in paths {
        if also.is_empty() {
            *also = path;
        } else if !also.split(", ").any(|a| a == path) {
            *also = format!("{also}, {path}");
        }
    }
}

/// Keeps one run of each GuideLLM run id found in several reports (the JSON, YAML and CSV
/// reports of one run, or copies of one file): JSON before YAML before CSV (a CSV holds a
/// subset of the report's numbers, each equal to it), and of equals the one in a run directory;
/// and one of each vLLM result found in
/// several files (a sweep's `run=N.json` before its `summary.json`, or copies). An HTML
/// report, which has no run id, is dropped when one of those holds all its numbers. The run
/// kept lists the other files in its `also_in` label.
fn drop_copies(runs: &mut Vec<Run>) {
    let rank = |r: &Run| match r.source_format.as_str() {
        guidellm_json::NAME | vllm_bench_json::NAME => Some(0),
        guidellm_json::YAML_NAME | vllm_sweep::NAME => Some(1),
        guidellm_csv::NAME => Some(2),
        _ => None,
    };
    let mut by_id: std::collections::BTreeMap<&str, Vec<usize>> = Default::default();
    for (j, run) in runs.iter().enumerate() {
        let labels = &run.extra_labels;
        let id = labels
            .get(RUN_ID_LABEL)
            .or_else(|| labels.get(vllm_bench_json::RESULT_ID_LABEL));
        if let (Some(id), Some(_)) = (id, rank(run)) {
            by_id.entry(id.as_str()).or_default().push(j);
        }
    }
    let groups: Vec<Vec<usize>> = by_id.into_values().filter(|g| g.len() > 1).collect();
    let mut keep = vec![true; runs.len()];
    for mut group in groups {
        // The most precise, and of equals one in a run directory (it has the run's labels).
        group.sort_by_key(|&j| {
            let in_run_dir = runs[j].extra_labels.contains_key(run_config::RUN_DIR_LABEL);
            (rank(&runs[j]), !in_run_dir)
        });
        for &j in &group[1..] {
            keep[j] = false;
            absorb(runs, group[0], j);
        }
    }
    // An HTML report, or vLLM's console result, has no run id; it is the report whose numbers
    // it all holds (to the digits printed).
    for i in 0..runs.len() {
        let copy =
            [guidellm_html::NAME, vllm_bench::NAME].contains(&runs[i].source_format.as_str());
        if !copy || !keep[i] {
            continue;
        }
        let holder = (0..runs.len())
            .filter(|&j| keep[j] && rank(&runs[j]).is_some() && holds(&runs[j], &runs[i]))
            .min_by_key(|&j| rank(&runs[j]));
        if let Some(j) = holder {
            keep[i] = false;
            absorb(runs, j, i);
            continue;
        }
        // A console log of several invocations, each saved to its own result file: every
        // result the log printed is a load point of one of those runs.
        if runs[i].source_format != vllm_bench::NAME {
            continue;
        }
        let results =
            (0..runs.len()).filter(|&j| keep[j] && runs[j].source_format == vllm_bench_json::NAME);
        let results: Vec<usize> = results.collect();
        // Of the same model (when both name one), at the same strategy and load.
        let console = &runs[i];
        let same_model = |j: usize| match (&runs[j].model, &console.model) {
            (Some(a), Some(b)) => a == b,
            _ => true,
        };
        // Each result's load point holds one of the log's at most.
        let mut used: HashSet<(usize, usize)> = HashSet::new();
        let holders: Option<Vec<usize>> = console
            .load_points
            .iter()
            .map(|point| {
                let (j, k) = results.iter().filter(|&&j| same_model(j)).find_map(|&j| {
                    let points = runs[j].load_points.iter().enumerate();
                    let mut fitting = points.filter(|(k, r)| {
                        !used.contains(&(j, *k))
                            && r.strategy == point.strategy
                            && r.load == point.load
                            && point_holds(r, point)
                    });
                    fitting.next().map(|(k, _)| (j, k))
                })?;
                used.insert((j, k));
                Some(j)
            })
            .collect();
        if let Some(holders) = holders.filter(|h| !h.is_empty()) {
            keep[i] = false;
            for j in holders {
                absorb(runs, j, i);
            }
        }
    }
    let mut flags = keep.into_iter();
    runs.retain(|_| flags.next().unwrap_or(true));
}

/// True when `report` has every number of `summary` (the same benchmarks, each number equal
/// but for the last bit of a unit conversion, or equal rounded to the digits `summary`
/// printed).
fn holds(report: &Run, summary: &Run) -> bool {
    report.load_points.len() == summary.load_points.len()
        && !summary.load_points.is_empty()
        && report
            .load_points
            .iter()
            .zip(&summary.load_points)
            .all(|(r, s)| point_holds(r, s))
}

/// True when the load point `report` has every number of `summary`'s (see [`holds`]).
fn point_holds(report: &LoadPoint, summary: &LoadPoint) -> bool {
    !summary.observations.is_empty()
        && summary.observations.iter().all(|o| {
            report.observations.iter().any(|x| {
                x.metric == o.metric
                    && x.status == o.status
                    && x.stat == o.stat
                    && (x.value == o.value
                        || ((x.value - o.value) / x.value).abs() < 1e-15
                        || (o.decimals.is_some() && agrees(o, x)))
            })
        })
}

/// [`merge_copies`], then [`attach_server_logs`].
pub fn merge(runs: &mut Vec<Run>, warnings: &mut Vec<Warning>) {
    merge_copies(runs, warnings);
    attach_server_logs(runs, warnings);
}

/// Keeps one run per GuideLLM run id (see [`drop_copies`]), then merges every console run that
/// a report among `runs` also holds: the report's numbers and
/// requests under the console run's labels, the console's load values where the report has
/// none. A console number that disagrees with the report is a warning.
pub fn merge_copies(runs: &mut Vec<Run>, warnings: &mut Vec<Warning>) {
    drop_identical(runs);
    drop_copies(runs);
    let reports: Vec<usize> = (0..runs.len()).filter(|&i| is_report(&runs[i])).collect();
    let mut merged = Vec::new();
    for console in runs.iter().filter(|r| !is_report(r)) {
        let Some(&report) = reports.iter().find(|&&r| same_run(console, &runs[r])) else {
            continue;
        };
        merged.push((console.clone(), report));
    }
    let mut drop = Vec::new();
    for (console, index) in merged {
        let report = &mut runs[index];
        let csv = report.source_format == guidellm_csv::NAME;
        for (c, r) in console
            .load_points
            .iter()
            .zip(report.load_points.iter_mut())
        {
            cross_check(&console.source_path, c, r, warnings);
            if r.load.is_none() {
                r.load = c.load;
            }
            if csv {
                fill_from_console(&console.source_path, c, r);
            }
        }
        report.model = report.model.take().or(console.model.clone());
        report.config = console.config.clone().or(report.config.take());
        let labels = &mut report.labels;
        let from = &console.labels;
        labels.hardware = from.hardware.clone().or(labels.hardware.take());
        labels.software = from.software.clone().or(labels.software.take());
        labels.vllm_args = from.vllm_args.clone().or(labels.vllm_args.take());
        labels.kv_connector = from.kv_connector.clone().or(labels.kv_connector.take());
        labels.num_cpu_blocks = from.num_cpu_blocks.or(labels.num_cpu_blocks);
        labels.gpu_memory_utilization = from
            .gpu_memory_utilization
            .or(labels.gpu_memory_utilization);
        labels.replicas = from.replicas.or(labels.replicas);
        labels.epp_backend = from.epp_backend.clone().or(labels.epp_backend.take());
        labels.max_seconds = labels.max_seconds.or(from.max_seconds);
        labels.prompt_tokens = labels.prompt_tokens.or(from.prompt_tokens);
        labels.output_tokens = labels.output_tokens.or(from.output_tokens);
        labels.prefix_tokens = labels.prefix_tokens.or(from.prefix_tokens);
        labels.turns = labels.turns.or(from.turns);
        labels.random_seed = labels.random_seed.or(from.random_seed);
        labels.rate_type = labels.rate_type.take().or(from.rate_type.clone());
        for (key, value) in &console.extra_labels {
            report
                .extra_labels
                .entry(key.clone())
                .or_insert(value.clone());
        }
        report.extra_labels.insert(
            CONSOLE_SOURCE_LABEL.into(),
            console.source_path.display().to_string(),
        );
        drop.push((console.source_path.clone(), console.position));
    }
    runs.retain(|r| is_report(r) || !drop.contains(&(r.source_path.clone(), r.position)));
}

/// Adds to `report` (a CSV report's load point, which may lack a benchmark's distributions:
/// GuideLLM 0.4 – 0.6 wrote the header of the first only) the numbers of `console` it lacks,
/// each with the console's file and line as its origin.
fn fill_from_console(path: &Path, console: &LoadPoint, report: &mut LoadPoint) {
    let missing: Vec<Observation> = console
        .observations
        .iter()
        .filter(|o| {
            !report
                .observations
                .iter()
                .any(|r| r.metric == o.metric && r.status == o.status && r.stat == o.stat)
        })
        .map(|o| {
            let mut o = o.clone();
            if let Some(line) = o.origin.line() {
                o.origin = Origin::Text(format!("{} line {line}", path.display()).into());
            }
            o
        })
        .collect();
    report.observations.extend(missing);
}

/// Label of a run read from a report naming the console log merged into it.
pub const CONSOLE_SOURCE_LABEL: &str = "console_source";

/// Keys under which runs read apart (in different batches of one conversion, or one kept from
/// an earlier conversion) may be one run that [`merge_copies`] would have made one: `id:…` for
/// its `run_id` (copies of one file share it), GuideLLM's run id or vLLM's result id; for a
/// console run and a report not merged with one,
/// `console:<minute>` or `report:<minute>`, the minute of the day (UTC; a CSV report's local
/// time) its first benchmark started, twice, half a minute apart, so that starts a second
/// apart share a key. A run of
/// `source_format` with `labels` whose first benchmark started `start` seconds after midnight
/// (UTC), or at that Unix time.
pub fn copy_keys(
    run_id: &str,
    source_format: &str,
    labels: &BTreeMap<String, String>,
    start: Option<f64>,
) -> Vec<String> {
    let mut keys = vec![format!("id:run {run_id}")];
    keys.extend(
        labels
            .get(guidellm_json::RUN_ID_LABEL)
            .or_else(|| labels.get(vllm_bench_json::RESULT_ID_LABEL))
            .map(|id| format!("id:{id}")),
    );
    let mut start = start;
    let role = if source_format == guidellm_console::NAME || source_format == driver_log::NAME {
        "console"
    } else if source_format == guidellm_csv::NAME && !labels.contains_key(CONSOLE_SOURCE_LABEL) {
        // In the local time a console prints.
        start = labels
            .get(guidellm_csv::START_TIME_LOCAL_LABEL)
            .and_then(|time| seconds_of_day(time));
        "report"
    } else if (source_format == guidellm_json::NAME || source_format == guidellm_json::YAML_NAME)
        && !labels.contains_key(CONSOLE_SOURCE_LABEL)
    {
        "report"
    } else {
        return keys;
    };
    if let Some(second) = start.map(|s| s.rem_euclid(86_400.0)) {
        keys.extend(
            [second, second + 30.0].map(|s| format!("{role}:{}", (s / 60.0).floor() as i64)),
        );
    }
    keys
}

/// Of the groups (of files read together) that the runs were read in, each under its
/// [`copy_keys`], the sets of two or more groups that may hold one run: under one id, or a
/// console run's and a report's start.
pub fn read_apart(copies: BTreeMap<String, BTreeSet<String>>) -> Vec<BTreeSet<String>> {
    let mut apart = Vec::new();
    for (copy, groups) in &copies {
        let together = match copy.strip_prefix("console:") {
            Some(minute) => match copies.get(&format!("report:{minute}")) {
                Some(reports) => groups.union(reports).cloned().collect(),
                None => continue,
            },
            None if copy.starts_with("id:") => groups.clone(),
            None => continue,
        };
        if together.len() > 1 {
            apart.push(together);
        }
    }
    apart
}

/// The start of a run's first benchmark: Unix seconds, or seconds after midnight (UTC).
pub fn first_start(run: &Run) -> Option<f64> {
    run.load_points
        .first()?
        .observations
        .iter()
        .find_map(|o| matches!(&*o.metric, "start_time" | "start_time_of_day").then_some(o.value))
}

/// Label of a run naming the server logs joined to it.
pub const SERVER_LOG_LABEL: &str = "server_log";

/// Joins each vLLM server log to the benchmark runs of its directory (a run directory holds
/// the benchmark's results and the server's log). With one run there, every sample joins it;
/// with several, each sample joins the run whose start and end hold its time. The log's
/// startup facts label the runs it joins (never replacing a label the run has; a different KV
/// connector is a warning). Samples no run takes stay with the log's own run, so none is lost.
pub fn attach_server_logs(runs: &mut Vec<Run>, warnings: &mut Vec<Warning>) {
    let is_log = |r: &Run| r.source_format == vllm_server_log::NAME;
    let mut emptied = Vec::new();
    for li in 0..runs.len() {
        if !is_log(&runs[li]) {
            continue;
        }
        let dir = runs[li].source_path.parent().map(Path::to_path_buf);
        let targets: Vec<usize> = (0..runs.len())
            .filter(|&j| !is_log(&runs[j]) && runs[j].source_path.parent() == dir.as_deref())
            .collect();
        if targets.is_empty() {
            continue;
        }
        let log_run = std::mem::take(&mut runs[li].server_logs);
        let facts = runs[li].clone();
        for &t in &targets {
            label_from_log(&mut runs[t], &facts, warnings);
        }
        let mut left = Vec::new();
        for log in log_run {
            let mut taken: Vec<Vec<ServerSample>> = vec![Vec::new(); targets.len()];
            let mut outside = Vec::new();
            for mut sample in log.samples {
                let at = |run: &Run| match (sample.timestamp, run.started_at) {
                    (Some(t), _) => Some(t),
                    (None, Some(start)) => resolve_log_time(&sample.log_time, start),
                    (None, None) => None,
                };
                let within = |run: &Run, t: Option<i64>| match (t, run.started_at, run.ended_at) {
                    (Some(t), Some(start), Some(end)) => Some(start <= t && t <= end),
                    _ => None,
                };
                let chosen = if targets.len() == 1 {
                    Some(0)
                } else {
                    (0..targets.len()).find(|&k| {
                        let run = &runs[targets[k]];
                        within(run, at(run)) == Some(true)
                    })
                };
                match chosen {
                    Some(k) => {
                        let run = &runs[targets[k]];
                        let t = at(run);
                        sample.timestamp = t;
                        sample.during_run = within(run, t);
                        taken[k].push(sample);
                    }
                    None => outside.push(sample),
                }
            }
            for (k, samples) in taken.into_iter().enumerate() {
                if samples.is_empty() {
                    continue;
                }
                let run = &mut runs[targets[k]];
                let path = log.source_path.display().to_string();
                let named = run.extra_labels.entry(SERVER_LOG_LABEL.into()).or_default();
                if !named.split(", ").any(|p| p == path) {
                    *named = if named.is_empty() {
                        path
                    } else {
                        format!("{named}, {path}")
                    };
                }
                run.server_logs.push(ServerLog {
                    source_path: log.source_path.clone(),
                    samples,
                });
            }
            if !outside.is_empty() {
                warnings.push(Warning {
                    path: log.source_path.clone(),
                    line: outside.first().map(|s| s.line),
                    message: format!(
                        "{} sample(s) fall outside the time of every run in this directory; \
                         kept under the log's own run",
                        outside.len()
                    ),
                });
                left.push(ServerLog {
                    source_path: log.source_path,
                    samples: outside,
                });
            }
        }
        if left.is_empty() {
            emptied.push(li);
        }
        runs[li].server_logs = left;
    }
    let mut index = 0;
    runs.retain(|_| {
        index += 1;
        !emptied.contains(&(index - 1))
    });
}

/// Labels `run` with the startup facts of the server log `log` where it has none.
fn label_from_log(run: &mut Run, log: &Run, warnings: &mut Vec<Warning>) {
    if run.model.is_none() {
        run.model = log.model.clone();
    }
    let labels = &mut run.labels;
    match (&labels.kv_connector, &log.labels.kv_connector) {
        (None, found) => labels.kv_connector = found.clone(),
        (Some(ours), Some(found)) if ours != found => warnings.push(Warning {
            path: log.source_path.clone(),
            line: None,
            message: format!(
                "the server log's KV connector is {found}, the run's labels say {ours}; the \
                 run's label is kept"
            ),
        }),
        _ => {}
    }
    labels.gpu_memory_utilization = labels
        .gpu_memory_utilization
        .or(log.labels.gpu_memory_utilization);
    for (key, value) in &log.extra_labels {
        if key.starts_with(LABEL_PREFIX) {
            run.extra_labels
                .entry(key.clone())
                .or_insert_with(|| value.clone());
        }
    }
}
