//! `tidybench compare`: any configuration label against a baseline, for the metrics asked.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use tidybench::analyze::{self, CompareSpec, Pick};
use tidybench::formats::ParseOptions;
use tidybench::render::OutputFormat;

/// Arguments of `tidybench compare`.
#[derive(Debug, clap::Args)]
pub struct CompareArgs {
    /// A dataset directory written by `convert`, or benchmark files and directories.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// The run label that tells configurations apart: config, software, hardware,
    /// gpu_memory_utilization, harness_version, or a label of your own.
    #[arg(long, default_value = "config")]
    pub by: String,
    /// The value of --by everything is compared against.
    #[arg(long)]
    pub baseline: String,
    /// Only these values of --by (comma-separated); default: every other value present.
    #[arg(long, value_delimiter = ',')]
    pub candidates: Option<Vec<String>>,
    /// Metrics to compare (comma-separated: ttft, request_latency, itl, tpot,
    /// requests_per_second, output_tokens_per_second, ...); default: requests per second
    /// (mean), request latency and TTFT (median), as the original report.
    #[arg(long, value_delimiter = ',')]
    pub metrics: Option<Vec<String>>,
    /// Statistic of the metrics: mean, median, p95, p99, ... (default: median with --metrics;
    /// without, each default metric's own).
    #[arg(long)]
    pub stat: Option<String>,
    /// Request status of the metrics: successful, incomplete, errored or total (default:
    /// successful with --metrics; without, each default metric's own).
    #[arg(long)]
    pub status: Option<String>,
    /// Only rows meeting this SQL condition on metrics and run columns
    /// (e.g. "hardware = '1x2xL40S' and load <= 100").
    #[arg(long = "where", value_name = "CONDITION")]
    pub filter: Option<String>,
    /// Changes within this many percent count as "within tolerance".
    #[arg(long, default_value_t = 1.0, value_parser = super::percent)]
    pub tolerance: f64,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// Set a run label on every run read from source files (repeatable, as in `convert`).
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<super::Label>,
    /// Write the result to this file instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Do not print warnings.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Runs `compare`; returns the exit code.
pub fn run(args: &CompareArgs) -> tidybench::Result<u8> {
    let mut spec = CompareSpec::study(&args.by, &args.baseline);
    if let Some(metrics) = &args.metrics {
        let stat = args.stat.as_deref().unwrap_or("median");
        let status = args.status.as_deref().unwrap_or("successful");
        let mut names: Vec<&str> = Vec::new();
        for metric in metrics.iter().map(|m| m.trim()) {
            if !names.contains(&metric) {
                names.push(metric);
            }
        }
        spec.picks = names
            .into_iter()
            .map(|metric| Pick::new(metric, stat, status))
            .collect();
    } else {
        // --stat or --status alone applies to every default metric.
        for pick in &mut spec.picks {
            if let Some(stat) = &args.stat {
                pick.stat = stat.clone();
            }
            if let Some(status) = &args.status {
                pick.status = status.clone();
                pick.fallback_statuses.clear();
            }
        }
    }
    spec.candidates = super::trimmed(&args.candidates);
    spec.tolerance_pct = args.tolerance;
    spec.filter = args.filter.clone();
    spec.overview_when_alone = false;
    let output = Output {
        format: args.format,
        path: args.output.as_deref(),
        every_pick: args.metrics.is_some() || args.stat.is_some() || args.status.is_some(),
    };
    run_spec(&args.inputs, &args.labels, args.quiet, &spec, &output)
}

/// Where and how a comparison is written.
pub(super) struct Output<'a> {
    /// Output format.
    pub format: OutputFormat,
    /// File to write, or standard output.
    pub path: Option<&'a Path>,
    /// A metric asked for without rows is an error (not a note).
    pub every_pick: bool,
}

/// Reads `inputs` (labelled with `labels`), compares them as `spec` says and writes the
/// report: what `compare` and `report` share.
pub(super) fn run_spec(
    inputs: &[PathBuf],
    labels: &[super::Label],
    quiet: bool,
    spec: &CompareSpec,
    output: &Output,
) -> tidybench::Result<u8> {
    super::refuse_output_inside(inputs, output.path)?;
    let read = super::read_inputs(
        inputs,
        &super::ReadOptions {
            labels: labels.to_vec(),
            quiet,
            parse: ParseOptions {
                metrics: Some(Arc::new(
                    spec.picks.iter().map(|p| p.metric.clone()).collect(),
                )),
                ..Default::default()
            },
            ..Default::default()
        },
    )?;
    if read.exit_code() == super::EXIT_ALL_FAILED {
        eprintln!("error: none of the {} input(s) could be read", read.files);
        return Ok(super::EXIT_ALL_FAILED);
    }
    // Given datasets alone, --label would do nothing at all.
    if !labels.is_empty() && read.files == read.datasets.len() {
        let unlabelled: Vec<tidybench::formats::Warning> = read
            .datasets
            .iter()
            .map(|(dir, _)| tidybench::formats::Warning {
                path: dir.clone(),
                line: None,
                message: "--label sets the labels of runs read from source files; the runs of \
                          a dataset keep those they were converted with"
                    .into(),
            })
            .collect();
        super::problems::warn(&unlabelled, quiet);
    }
    let tables = read.tables()?;
    let renderer = output.format.renderer();
    let report = match analyze::report(&tables, spec, renderer.shows_peaks()) {
        Ok(report) => report,
        // The inputs read, but none of them measured anything: no input could be used.
        Err(e) if tables.no_metric_rows() => {
            super::problems::fail(&e);
            return Ok(super::EXIT_ALL_FAILED);
        }
        Err(e) => return Err(read.blame(e)),
    };
    if output.every_pick {
        if let Some(pick) = report.missing.first() {
            return Err(tidybench::Error::Invalid(format!(
                "no rows of {pick} to compare (see `tidybench query <dataset> \"select \
                 distinct metric, stat, status from metrics\"`)"
            )));
        }
    }
    super::problems::warn(&report.warnings, quiet);
    let text = renderer.render(&report)?;
    super::write_output(output.path, &text)?;
    let code = read.exit_code();
    // The process ends next: freeing the inputs, tables and report one allocation at a time
    // (tens of milliseconds for a large log) is left to the end of the process.
    std::mem::forget((read, tables, report, text));
    Ok(code)
}
