//! `tidybench inspect`: what tidybench sees in one file or dataset — the detected format and
//! why, the runs and their load points, row counts and schema of each table, footer metadata
//! and warnings.

use std::collections::BTreeMap;
use std::fmt::Write;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use tidybench::detect::detect_with_reason;
use tidybench::frames::{self, Columns, Tables};
use tidybench::ingest::Blob;
use tidybench::schema::{metrics as m, runs as r};
use tidybench::store::{self, parquet::read_footer};
use tidybench::{Error, Result};

/// Arguments of `tidybench inspect`.
#[derive(Debug, clap::Args)]
pub struct InspectArgs {
    /// A source file or a dataset directory.
    pub input: PathBuf,
    /// `text` for people, `json` for scripts.
    #[arg(long, value_enum, default_value = "text")]
    pub format: InspectFormat,
}

/// Output formats of `inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InspectFormat {
    /// Lines for a terminal.
    Text,
    /// One JSON document.
    Json,
}

#[derive(serde::Serialize)]
struct Table {
    name: &'static str,
    rows: usize,
    columns: Vec<(String, String)>,
}

#[derive(serde::Serialize)]
struct RunSummary {
    run_id: String,
    model: Option<String>,
    config: Option<String>,
    rate_type: Option<String>,
    load_points: usize,
    loads: Vec<Option<f64>>,
    metric_rows: usize,
    server_samples: usize,
}

#[derive(serde::Serialize)]
struct Inspection {
    path: String,
    kind: &'static str,
    format: Option<String>,
    detected_because: Option<String>,
    footer: BTreeMap<String, String>,
    tables: Vec<Table>,
    runs: Vec<RunSummary>,
    warnings: Vec<String>,
}

fn collect(frame: LazyFrame, what: &str) -> Result<DataFrame> {
    frame
        .collect()
        .map_err(|e| Error::polars(format!("reading {what}"), e))
}

/// What `describe` finds in a set of tables.
struct Description {
    tables: Vec<Table>,
    runs: Vec<RunSummary>,
    /// What does not add up: duplicate run ids, metrics of unlisted runs, runs without metrics.
    warnings: Vec<String>,
}

/// Row counts, schemas and per-run summaries of `tables`.
fn describe(tables: &Tables) -> Result<Description> {
    let runs = collect(tables.runs.clone(), "runs")?;
    let metrics = collect(tables.metrics.clone(), "metrics")?;
    let requests = collect(tables.requests.clone(), "requests")?;
    let samples = collect(tables.server_samples.clone(), "server_samples")?;
    let schema = |frame: &DataFrame| {
        frame
            .schema()
            .iter()
            .map(|(name, dtype)| (name.to_string(), dtype.to_string()))
            .collect()
    };
    let described = vec![
        Table {
            name: "runs",
            rows: runs.height(),
            columns: schema(&runs),
        },
        Table {
            name: "metrics",
            rows: metrics.height(),
            columns: schema(&metrics),
        },
        Table {
            name: "requests",
            rows: requests.height(),
            columns: schema(&requests),
        },
        Table {
            name: "server_samples",
            rows: samples.height(),
            columns: schema(&samples),
        },
    ];
    let mut samples_of: BTreeMap<String, usize> = BTreeMap::new();
    for id in Columns(&samples).text(r::RUN_ID)?.into_iter().flatten() {
        *samples_of.entry(id).or_default() += 1;
    }
    let (ids, models, configs, rate_types) = (
        Columns(&runs).text(r::RUN_ID)?,
        Columns(&runs).text(r::MODEL)?,
        Columns(&runs).text(r::CONFIG)?,
        Columns(&runs).text(r::RATE_TYPE)?,
    );
    let (metric_ids, indexes, loads) = (
        Columns(&metrics).text(m::RUN_ID)?,
        Columns(&metrics).float(m::LOAD_INDEX)?,
        Columns(&metrics).float(m::LOAD)?,
    );
    let mut per_run: BTreeMap<&str, (usize, BTreeMap<i64, Option<f64>>)> = BTreeMap::new();
    for j in 0..metric_ids.len() {
        let entry = per_run
            .entry(metric_ids[j].as_deref().unwrap_or(""))
            .or_default();
        entry.0 += 1;
        entry.1.insert(indexes[j].unwrap_or(-1.0) as i64, loads[j]);
    }
    let mut warnings = Vec::new();
    let mut listed = std::collections::BTreeSet::new();
    for id in ids.iter().map(|id| id.as_deref().unwrap_or("")) {
        if !listed.insert(id) {
            warnings.push(format!("run_id {id} is listed more than once in runs"));
        }
    }
    for (id, (rows, _)) in per_run.iter().filter(|(id, _)| !listed.contains(*id)) {
        warnings.push(format!(
            "{rows} metrics row(s) belong to run_id {id}, which runs does not list"
        ));
    }
    let summaries: Vec<RunSummary> = (0..runs.height())
        .map(|i| {
            let (rows, points) = per_run
                .remove(ids[i].as_deref().unwrap_or(""))
                .unwrap_or_default();
            let server_samples = samples_of
                .get(ids[i].as_deref().unwrap_or(""))
                .copied()
                .unwrap_or(0);
            if rows == 0 && server_samples == 0 {
                warnings.push(format!(
                    "run {} has no metrics rows",
                    ids[i].as_deref().unwrap_or("")
                ));
            }
            RunSummary {
                run_id: ids[i].clone().unwrap_or_default(),
                model: models[i].clone(),
                config: configs[i].clone(),
                rate_type: rate_types[i].clone(),
                load_points: points.len(),
                loads: points.into_values().collect(),
                metric_rows: rows,
                server_samples,
            }
        })
        .collect();
    Ok(Description {
        tables: described,
        runs: summaries,
        warnings,
    })
}

fn inspect(input: &Path) -> Result<Inspection> {
    if store::is_dataset(input) {
        let tables = store::open(input)?;
        let Description {
            tables: described,
            runs,
            warnings,
        } = describe(&tables).map_err(|e| store::blame_damaged_file(input, e))?;
        let footer = read_footer(&input.join(store::dataset::RUNS_FILE))?.key_value;
        return Ok(Inspection {
            path: input.display().to_string(),
            kind: "dataset",
            format: None,
            detected_because: None,
            footer: footer
                .into_iter()
                .filter(|(k, _)| k.starts_with("tidybench."))
                .collect(),
            tables: described,
            runs,
            warnings,
        });
    }
    if input.is_dir() {
        return Err(Error::Invalid(format!(
            "{}: a directory but not a dataset (no runs.parquet); inspect one file or a dataset",
            input.display()
        )));
    }
    if input.is_file() && tidybench::ingest::archive::is_tar(input)? {
        return Err(Error::Invalid(format!(
            "{}: a tar archive; inspect one file or a dataset (convert, report and query read \
             archives)",
            input.display()
        )));
    }
    let blob = Blob::read(input)?;
    let (format, why) = detect_with_reason(&blob)?;
    let parsed = format.parse(&blob)?;
    // Listed in the output below rather than printed; kept for --warnings-json.
    super::problems::warn(&parsed.warnings, true);
    let Description {
        tables: described,
        runs,
        warnings: checks,
    } = describe(&frames::tables(&parsed.runs)?)?;
    Ok(Inspection {
        path: input.display().to_string(),
        kind: "file",
        format: Some(format.name().to_string()),
        detected_because: Some(why),
        footer: BTreeMap::new(),
        tables: described,
        runs,
        warnings: parsed
            .warnings
            .iter()
            .map(ToString::to_string)
            .chain(checks)
            .collect(),
    })
}

fn text(inspection: &Inspection) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{} ({})", inspection.path, inspection.kind);
    if let (Some(format), Some(why)) = (&inspection.format, &inspection.detected_because) {
        let _ = writeln!(out, "format: {format} ({why})");
    }
    for (key, value) in &inspection.footer {
        let _ = writeln!(out, "footer: {key} = {value}");
    }
    let _ = writeln!(out, "\nruns:");
    let mut rows = vec![[
        "run_id",
        "model",
        "config",
        "rate_type",
        "load points",
        "loads",
        "metric rows",
        "server samples",
    ]
    .map(String::from)
    .to_vec()];
    for run in &inspection.runs {
        let loads: Vec<String> = run
            .loads
            .iter()
            .map(|l| l.map_or_else(|| "?".into(), tidybench::render::format_load))
            .collect();
        rows.push(vec![
            run.run_id.clone(),
            run.model.clone().unwrap_or_default(),
            run.config.clone().unwrap_or_default(),
            run.rate_type.clone().unwrap_or_default(),
            run.load_points.to_string(),
            loads.join(", "),
            run.metric_rows.to_string(),
            run.server_samples.to_string(),
        ]);
    }
    for line in tidybench::render::align(
        &rows,
        &[false, false, false, false, true, false, true, true],
    )
    .lines()
    {
        let _ = writeln!(out, "  {line}");
    }
    for table in &inspection.tables {
        let _ = writeln!(out, "\ntable {}: {} row(s)", table.name, table.rows);
        for (name, dtype) in &table.columns {
            let _ = writeln!(out, "  {name}: {dtype}");
        }
    }
    if !inspection.warnings.is_empty() {
        let _ = writeln!(out, "\nwarnings:");
        for warning in &inspection.warnings {
            let _ = writeln!(out, "  {warning}");
        }
    }
    out
}

/// Runs `inspect`; returns the exit code: 3 when the file is there but cannot be read as any
/// format (as `report` says of it).
pub fn run(args: &InspectArgs) -> Result<u8> {
    let inspection = match inspect(&args.input) {
        Ok(inspection) => inspection,
        Err(e @ (Error::UnknownFormat { .. } | Error::Parse { .. })) => {
            super::problems::fail(&e);
            return Ok(super::EXIT_ALL_FAILED);
        }
        Err(e) => return Err(e),
    };
    let rendered = match args.format {
        InspectFormat::Text => text(&inspection),
        InspectFormat::Json => {
            let mut json = serde_json::to_string_pretty(&inspection)
                .map_err(|e| Error::Invalid(format!("rendering JSON: {e}")))?;
            json.push('\n');
            json
        }
    };
    super::write_output(None, &rendered)?;
    Ok(super::EXIT_OK)
}
