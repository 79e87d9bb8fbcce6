//! `tidybench report`: compare configurations against a baseline and print a report.

use std::path::PathBuf;

use tidybench::analyze::CompareSpec;
use tidybench::render::OutputFormat;

/// Arguments of `tidybench report`.
#[derive(Debug, clap::Args)]
pub struct ReportArgs {
    /// Log files, directories of them, or one dataset directory written by `convert`.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: OutputFormat,
    /// The run label that tells configurations apart.
    #[arg(long, default_value = "config")]
    pub by: String,
    /// The value of --by everything is compared against.
    #[arg(long, default_value = "no-offload")]
    pub baseline: String,
    /// Only these values of --by (comma-separated); default: every other value present.
    #[arg(long, value_delimiter = ',')]
    pub candidates: Option<Vec<String>>,
    /// Changes within this many percent count as "within tolerance".
    #[arg(long, default_value_t = 1.0, value_parser = super::percent)]
    pub tolerance: f64,
    /// Set a run label on every run read from source files (repeatable, as in `convert`).
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<super::Label>,
    /// Write the report to this file instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Do not print warnings.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Runs `report`: `compare` with the study's metrics; returns the exit code.
pub fn run(args: &ReportArgs) -> tidybench::Result<u8> {
    let mut spec = CompareSpec::study(&args.by, &args.baseline);
    spec.candidates = super::trimmed(&args.candidates);
    spec.tolerance_pct = args.tolerance;
    let output = super::compare::Output {
        format: args.format,
        path: args.output.as_deref(),
        every_pick: false,
    };
    super::compare::run_spec(&args.inputs, &args.labels, args.quiet, &spec, &output)
}
