//! The content the text, Markdown and HTML reports share: header lines, one chapter per model
//! and candidate with a table per compared metric and a table of averages, a chapter of peaks
//! per model, a cross-model chapter, and notes. Each renderer only lays it out.

use super::{
    average, average_verdict, direction_phrase, display_load, format_pct, format_value, models,
    pick_label, section,
};
use crate::analyze::{DeltaRow, Report, ValueRow};
use crate::schema::runs as r;

/// Most sources the header names; more are counted.
const SOURCES_LISTED: usize = 6;

/// A titled table of text cells.
pub struct Table {
    /// What the table shows.
    pub heading: String,
    /// Column names.
    pub head: Vec<String>,
    /// Which columns are right-aligned (numbers).
    pub right: Vec<bool>,
    /// The cells, row by row.
    pub rows: Vec<Vec<String>>,
}

/// One comparison of a candidate with the baseline (for one model, or across models).
pub struct Chapter {
    /// The model it is about (`""` for runs that name none); `None` for all models.
    pub model: Option<String>,
    /// "Qwen/Qwen3-8B: native-offload vs no-offload".
    pub title: String,
    /// Its tables, in order.
    pub tables: Vec<Table>,
}

/// Everything the text and Markdown reports print.
pub struct Document {
    /// Lines describing what was compared and the runs.
    pub header: Vec<String>,
    /// Per model and candidate, then across models per candidate.
    pub chapters: Vec<Chapter>,
    /// Closing notes.
    pub notes: Vec<String>,
}

/// Mark after a verdict whose values came from rounded console text.
pub const ROUNDED_MARK: &str = "~";

/// A value with the decimals its source printed, or a sensible number of them.
pub fn value_text(value: Option<f64>, decimals: Option<u8>, signed: bool) -> String {
    match (value, decimals) {
        (None, _) => "—".into(),
        (Some(v), Some(d)) if signed => format!("{v:+.d$}", d = usize::from(d)),
        (Some(v), Some(d)) => format!("{v:.d$}", d = usize::from(d)),
        (Some(v), None) if signed && v >= 0.0 => format!("+{}", format_value(v)),
        (Some(v), None) => format_value(v),
    }
}

/// Header lines shared by the text and Markdown reports.
pub fn header_lines(report: &Report) -> Vec<String> {
    let ctx = &report.context;
    let spec = &report.spec;
    let first = if report.candidates.is_empty() {
        format!(
            "Values of {}={} (the only value of {} in the data: nothing to compare)",
            spec.by, spec.baseline, spec.by
        )
    } else {
        format!(
            "Baseline {}={}; candidates: {}",
            spec.by,
            spec.baseline,
            report.candidates.join(", ")
        )
    };
    // A long list (a sweep, an archive) is cut: the JSON report lists every source.
    let sources = match ctx.sources.len() {
        n if n > SOURCES_LISTED => format!(
            "{}, … ({n} files; the JSON report lists them all)",
            ctx.sources[..SOURCES_LISTED - 1].join(", ")
        ),
        _ => ctx.sources.join(", "),
    };
    let mut lines = vec![first, format!("Sources: {sources}")];
    // A fact that some runs do not state describes the others only, and says so.
    let unstated = |name: &str| match ctx.unstated.get(name) {
        Some(n) => format!(" (not stated by {n} of {} runs)", ctx.runs),
        None => String::new(),
    };
    let mut run = Vec::new();
    if !ctx.rate_types.is_empty() {
        run.push(format!(
            "{}{}",
            ctx.rate_types.join("/"),
            unstated(r::RATE_TYPE)
        ));
    }
    if !ctx.max_seconds.is_empty() {
        let secs: Vec<String> = ctx.max_seconds.iter().map(|s| display_load(*s)).collect();
        let unstated = unstated(r::MAX_SECONDS);
        run.push(format!("{} s per level{unstated}", secs.join("/")));
    }
    if !ctx.loads.is_empty() {
        let loads: Vec<String> = ctx.loads.iter().map(|l| display_load(*l)).collect();
        run.push(format!("loads {}", loads.join(", ")));
    }
    if !run.is_empty() {
        lines.push(format!("Runs: {}", run.join(", ")));
    }
    let list = |v: &[i64]| v.iter().map(i64::to_string).collect::<Vec<_>>().join("/");
    let workload: Vec<String> = [
        (&ctx.prompt_tokens, "prompt tokens", r::PROMPT_TOKENS),
        (&ctx.output_tokens, "output tokens", r::OUTPUT_TOKENS),
        (&ctx.prefix_tokens, "prefix tokens", r::PREFIX_TOKENS),
        (&ctx.turns, "turns", r::TURNS),
    ]
    .into_iter()
    .filter(|(v, _, _)| !v.is_empty())
    .map(|(v, what, name)| format!("{} {what}{}", list(v), unstated(name)))
    .collect();
    if !workload.is_empty() {
        lines.push(format!("Workload: {}", workload.join(", ")));
    }
    lines
}

/// The cells of one delta row: load, baseline, candidate, difference, change, verdict.
pub fn delta_cells(row: &DeltaRow) -> Vec<String> {
    let load = row.load.map_or_else(|| "?".into(), display_load);
    let mark = if row.rounded && row.matched == "both" {
        ROUNDED_MARK
    } else {
        ""
    };
    let verdict = match row.matched.as_str() {
        "both" => format!("{}{mark}", row.verdict),
        other => format!("unmatched ({other})"),
    };
    vec![
        load,
        value_text(row.baseline_value, row.baseline_decimals, false),
        value_text(row.candidate_value, row.candidate_decimals, false),
        value_text(
            row.difference,
            row.baseline_decimals.max(row.candidate_decimals),
            true,
        ),
        format_pct(row.pct_change),
        verdict,
    ]
}

/// The closing notes shared by the text and Markdown reports.
pub fn notes(report: &Report) -> Vec<String> {
    if report.candidates.is_empty() {
        let mut notes = vec![format!(
            "One value of {} only: to compare, give runs of two or more (set one with \
             `--label {}=...` when converting), then choose the baseline with --baseline.",
            report.spec.by, report.spec.by
        )];
        if report.values.iter().any(|v| v.decimals.is_some()) {
            notes.push("Values read from console text show the digits printed there.".into());
        }
        notes.extend(
            report
                .missing
                .iter()
                .map(|pick| format!("No rows of {pick}.")),
        );
        return notes;
    }
    let mut notes = vec![format!(
        "Verdicts follow each metric's direction (higher throughput is better, lower latency is \
         better); changes within ±{}% are \"within tolerance\".",
        report.spec.tolerance_pct
    )];
    if report.deltas.iter().any(|r| r.rounded) {
        notes.push(format!(
            "{ROUNDED_MARK} computed from console values rounded to the digits shown: \
             \"within rounding\" means the difference is no larger than that rounding, \
             and small bases exaggerate the % change (0.5 → 0.7 req/s prints as +40.0%)."
        ));
    }
    if report
        .deltas
        .iter()
        .any(|r| r.pct_change_interval.is_some())
    {
        notes.push(
            "Repeated runs (runs: baseline/candidate) are averaged; the 95% confidence interval \
             of the change is Welch's t on the log of the ratio of the means (delta-method \
             standard error, Welch–Satterthwaite degrees of freedom); \"within noise\" means it \
             includes 0."
                .into(),
        );
    }
    notes.push(
        "Geometric mean: of the candidate/baseline ratios over the matched levels, as a % \
         change; best and worst level: the largest change for the better and for the worse."
            .into(),
    );
    if report.deltas.iter().any(|r| r.matched != "both") {
        notes.push(
            "Unmatched levels exist on one side only; they are listed, never shifted onto a \
             neighbouring level, and left out of the averages."
                .into(),
        );
    }
    for gap in &report.status_gaps {
        let held: Vec<String> = gap
            .statuses
            .iter()
            .map(|(value, statuses)| format!("{} requests in {value}", statuses.join(" and ")))
            .collect();
        notes.push(format!(
            "{}{} ({}) is over {}: no request status they share, so its levels are unmatched \
             (GuideLLM 0.5.0 and earlier print throughput over successful requests only, later \
             versions over all requests; GuideLLM's JSON output holds every status).",
            gap.model
                .as_deref()
                .map_or_else(String::new, |m| format!("{m}: ")),
            gap.metric,
            gap.stat,
            held.join(", ")
        ));
    }
    notes
}

/// "3/3" runs and "[-1.2%, +3.4%]": the repeat columns of a delta row.
fn repeat_cells(row: &DeltaRow) -> [String; 2] {
    let interval = row.pct_change_interval.map_or_else(
        || "—".into(),
        |(low, high)| format!("[{}, {}]", format_pct(Some(low)), format_pct(Some(high))),
    );
    [format!("{}/{}", row.runs.0, row.runs.1), interval]
}

/// The per-level tables, the averages and the peaks of one model and candidate.
fn model_chapter(report: &Report, model: &str, candidate: &str) -> Chapter {
    let baseline = &report.spec.baseline;
    let mut tables = Vec::new();
    for (pick, p) in report.spec.picks.iter().enumerate() {
        let rows: Vec<&DeltaRow> = section(report, model, candidate, pick).collect();
        let Some(first) = rows.first() else { continue };
        let repeated = rows.iter().any(|r| r.runs.0 > 1 || r.runs.1 > 1);
        let mut head: Vec<String> = [
            "load",
            baseline,
            candidate,
            "difference",
            "change",
            "verdict",
        ]
        .map(String::from)
        .to_vec();
        let mut right = vec![true, true, true, true, true, false];
        let mut cells: Vec<Vec<String>> = rows.iter().map(|r| delta_cells(r)).collect();
        if repeated {
            head.extend(["runs".to_string(), "95% CI of change".to_string()]);
            right.extend([true, true]);
            for (cells, row) in cells.iter_mut().zip(&rows) {
                // Each side's mean ± half its 95% confidence interval.
                for (cell, half) in [(1, row.mean_intervals.0), (2, row.mean_intervals.1)] {
                    if let Some(half) = half {
                        cells[cell] = format!("{} ± {}", cells[cell], format_value(half));
                    }
                }
                cells.extend(repeat_cells(row));
            }
        }
        // Several strategies (a sweep: synchronous, throughput, constant rates): say which.
        if rows.iter().any(|r| r.strategy != first.strategy) {
            head.insert(0, "strategy".into());
            right.insert(0, false);
            for (cells, row) in cells.iter_mut().zip(&rows) {
                cells.insert(0, row.strategy.clone());
            }
        }
        tables.push(Table {
            heading: format!(
                "{} [{}, {}]",
                pick_label(&p.metric, &p.stat, &first.status),
                first.unit,
                direction_phrase(&first.direction)
            ),
            head,
            right,
            rows: cells,
        });
    }
    let averages = report
        .spec
        .picks
        .iter()
        .enumerate()
        .filter_map(|(pick, p)| {
            let avg = average(report, Some(model), candidate, pick)?;
            let mark = if avg.rounded { ROUNDED_MARK } else { "" };
            let verdict = if avg.within_noise {
                "within noise"
            } else if avg.within_rounding {
                "within rounding"
            } else {
                average_verdict(&p.metric, avg.mean_pct_change, report.spec.tolerance_pct)
            };
            // A level of a sweep (several strategies) or without a load names its strategy.
            let mut strategies = section(report, model, candidate, pick).map(|r| &r.strategy);
            let first = strategies.next();
            let several = strategies.any(|s| Some(s) != first);
            let level = |l: Option<crate::analyze::summary::Level>, strategy: &Option<String>| {
                l.map_or_else(
                    || "—".into(),
                    |(load, pct)| {
                        let at = load.map_or_else(|| "?".into(), display_load);
                        let at = match strategy {
                            Some(strategy) if several || load.is_none() => {
                                format!("{strategy} {at}")
                            }
                            _ => at,
                        };
                        format!("{} at {at}", format_pct(Some(pct)))
                    },
                )
            };
            Some(vec![
                pick_label(&p.metric, &p.stat, &avg.status),
                format_pct(avg.mean_pct_change),
                format!("{verdict}{mark}"),
                avg.count.to_string(),
                format_pct(avg.geomean_pct_change),
                level(avg.best, &avg.best_strategy),
                level(avg.worst, &avg.worst_strategy),
            ])
        })
        .collect();
    tables.push(Table {
        heading: "Average change over matched levels".into(),
        head: [
            "metric",
            "mean change",
            "verdict",
            "levels",
            "geometric mean",
            "best level",
            "worst level",
        ]
        .map(String::from)
        .to_vec(),
        right: vec![false, true, false, true, true, true, true],
        rows: averages,
    });
    Chapter {
        model: Some(model.to_string()),
        title: format!("{}: {candidate} vs {baseline}", shown_model(model)),
        tables,
    }
}

/// How a model is named in titles and heads: runs that name none are "model not named".
pub fn shown_model(model: &str) -> &str {
    match model {
        "" => "model not named",
        named => named,
    }
}

/// The per-model averages of one candidate side by side, with their mean.
fn cross_model_chapter(report: &Report, models: &[String], candidate: &str) -> Chapter {
    let mut head = vec!["metric".to_string()];
    head.extend(models.iter().map(|m| shown_model(m).to_string()));
    head.push("mean".into());
    let rows = report
        .spec
        .picks
        .iter()
        .enumerate()
        .map(|(pick, p)| {
            let mean = |model: Option<&str>| {
                format_pct(average(report, model, candidate, pick).and_then(|a| a.mean_pct_change))
            };
            let status = average(report, None, candidate, pick).map_or(&p.status, |a| &a.status);
            let mut row = vec![pick_label(&p.metric, &p.stat, status)];
            row.extend(models.iter().map(|m| mean(Some(m))));
            row.push(mean(None));
            row
        })
        .collect();
    let mut right = vec![false];
    right.extend(std::iter::repeat_n(true, models.len() + 1));
    Chapter {
        model: None,
        title: format!(
            "All models: {candidate} vs {} (mean % change per model)",
            report.spec.baseline
        ),
        tables: vec![Table {
            heading: "Mean change per model".into(),
            head,
            right,
            rows,
        }],
    }
}

/// The values of every pick for one model: one column per configuration.
fn values_chapter(report: &Report, model: &str) -> Chapter {
    let mut tables = Vec::new();
    for (pick, p) in report.spec.picks.iter().enumerate() {
        let rows: Vec<&ValueRow> = report
            .values
            .iter()
            .filter(|v| v.model == model && v.pick == pick)
            .collect();
        let Some(first) = rows.first() else { continue };
        let mut configs: Vec<&str> = rows.iter().map(|v| v.config.as_str()).collect();
        configs.sort();
        configs.dedup();
        let repeated = rows.iter().any(|v| v.runs > 1);
        let mut levels: Vec<(String, Option<f64>, Option<u32>)> = Vec::new();
        for v in &rows {
            let level = (v.strategy.clone(), v.load, v.load_index);
            if !levels.contains(&level) {
                levels.push(level);
            }
        }
        let mut head = vec!["strategy".to_string(), "load".to_string()];
        head.extend(configs.iter().map(|c| c.to_string()));
        let cells = levels
            .iter()
            .map(|(strategy, load, load_index)| {
                let mut row = vec![
                    strategy.clone(),
                    load.map_or_else(|| "?".into(), display_load),
                ];
                row.extend(configs.iter().map(|config| {
                    rows.iter()
                        .find(|v| {
                            v.config == *config
                                && v.strategy == *strategy
                                && v.load == *load
                                && v.load_index == *load_index
                        })
                        .map_or_else(
                            || "—".into(),
                            |v| {
                                let value = value_text(Some(v.value), v.decimals, false);
                                match v.interval {
                                    Some(half) if repeated => {
                                        format!(
                                            "{value} ± {} ({} runs)",
                                            format_value(half),
                                            v.runs
                                        )
                                    }
                                    _ => value,
                                }
                            },
                        )
                }));
                row
            })
            .collect();
        let mut right = vec![false, true];
        right.extend(configs.iter().map(|_| true));
        tables.push(Table {
            heading: format!(
                "{} [{}, {}]",
                pick_label(&p.metric, &p.stat, &first.status),
                first.unit,
                direction_phrase(
                    crate::schema::metric_info(&first.metric)
                        .map_or("none", |m| m.direction.name())
                )
            ),
            head,
            right,
            rows: cells,
        });
    }
    Chapter {
        model: Some(model.to_string()),
        title: format!("{}: values per load", shown_model(model)),
        tables,
    }
}

/// The peak of every metric per configuration for one model, against the baseline's.
fn peaks_chapter(report: &Report, model: &str) -> Option<Chapter> {
    let compared = !report.candidates.is_empty();
    let rows: Vec<Vec<String>> = report
        .peaks
        .iter()
        .filter(|p| p.model == model)
        .map(|p| {
            let vs = if p.config == report.spec.baseline {
                "baseline".to_string()
            } else {
                format_pct(p.pct_vs_baseline)
            };
            let mut row = vec![
                pick_label(&p.metric, &p.stat, &p.status),
                p.config.clone(),
                format!("{} {}", value_text(Some(p.peak), p.decimals, false), p.unit),
                // The strategy with its load, also when the load is unknown ("synchronous ?").
                format!(
                    "{} {}",
                    p.strategy,
                    p.load.map_or_else(|| "?".into(), display_load)
                )
                .trim_start()
                .to_string(),
            ];
            if compared {
                row.push(vs);
            }
            row
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    Some(Chapter {
        model: Some(model.to_string()),
        title: format!("{}: peaks over the loads", shown_model(model)),
        tables: vec![Table {
            heading: "Best value of each metric (maximum where higher is better, minimum where \
                      lower is better) and where it occurs"
                .into(),
            head: [
                "metric",
                "configuration",
                "peak",
                "at load",
                "vs baseline peak",
            ]
            .into_iter()
            .take(if compared { 5 } else { 4 })
            .map(String::from)
            .collect(),
            right: vec![false, false, true, true, true],
            rows,
        }],
    })
}

/// What the vLLM server logs of one model's runs say, per configuration.
fn server_chapter(report: &Report, model: &str) -> Option<Chapter> {
    let compared = !report.candidates.is_empty();
    let rows: Vec<Vec<String>> = report
        .server
        .iter()
        .filter(|r| r.model == model)
        .map(|r| {
            let label =
                crate::schema::metric_info(&r.metric).map_or(r.metric.as_str(), |m| m.label);
            let with_unit = |v: f64| match r.unit.as_str() {
                "" => format_value(v),
                "%" => format!("{}%", format_value(v)),
                unit => format!("{} {unit}", format_value(v)),
            };
            let mut row = vec![
                label.to_string(),
                r.config.clone(),
                r.runs.to_string(),
                r.samples.to_string(),
                with_unit(r.mean),
                with_unit(r.max),
            ];
            if compared {
                row.push(if r.config == report.spec.baseline {
                    "baseline".into()
                } else {
                    format_pct(r.pct_vs_baseline)
                });
            }
            row
        })
        .collect();
    if rows.is_empty() {
        return None;
    }
    let of_model = report.server.iter().filter(|r| r.model == model);
    let (samples, unplaced) = of_model.fold((0, 0), |(s, u), r| (s + r.samples, u + r.unplaced));
    let heading = match unplaced {
        0 => "The server's periodic stats while the benchmarks ran (from its log)".to_string(),
        n if n == samples => "The server's periodic stats over its whole log (when the \
                              benchmarks ran is not known)"
            .to_string(),
        _ => "The server's periodic stats while the benchmarks ran, and over the whole log of \
              runs whose benchmarks' times are not known"
            .to_string(),
    };
    Some(Chapter {
        model: Some(model.to_string()),
        title: format!("{}: vLLM server", shown_model(model)),
        tables: vec![Table {
            heading,
            head: [
                "metric",
                "configuration",
                "runs",
                "samples",
                "mean",
                "max",
                "mean vs baseline",
            ]
            .into_iter()
            .take(if compared { 7 } else { 6 })
            .map(String::from)
            .collect(),
            right: vec![false, false, true, true, true, true, true],
            rows,
        }],
    })
}

/// The content of the text and Markdown reports.
pub fn document(report: &Report) -> Document {
    let models = models(report);
    let mut chapters = Vec::new();
    for model in &models {
        if report.candidates.is_empty() {
            chapters.push(values_chapter(report, model));
        }
        for candidate in &report.candidates {
            chapters.push(model_chapter(report, model, candidate));
        }
        chapters.extend(peaks_chapter(report, model));
        chapters.extend(server_chapter(report, model));
    }
    for candidate in &report.candidates {
        chapters.push(cross_model_chapter(report, &models, candidate));
    }
    Document {
        header: header_lines(report),
        chapters,
        notes: notes(report),
    }
}
