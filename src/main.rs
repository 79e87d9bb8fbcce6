//! The `tidybench` command: parse arguments, run a subcommand, map errors to exit codes.

mod cli;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

/// glibc's allocator fragments badly under the many small allocations of parallel parsing
/// (a 1,000-run archive took 35 s and 8 GB with it).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Turn LLM-serving benchmark output into a tidy Parquet dataset, compare configurations
/// against a baseline, and report.
#[derive(Debug, Parser)]
#[command(name = "tidybench", version, about)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// Also write every warning, skipped file and error to this file, as one JSON document
    /// (written when the command ends, even with --quiet).
    #[arg(long, global = true, value_name = "FILE")]
    warnings_json: Option<std::path::PathBuf>,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Convert benchmark outputs into a Parquet dataset (runs.parquet, metrics/).
    Convert(cli::convert::ConvertArgs),
    /// Compare configurations against a baseline and print a report.
    Report(cli::report::ReportArgs),
    /// Compare any label's values against a baseline for the metrics asked: deltas,
    /// summaries, peaks, repeat-run confidence intervals.
    Compare(cli::compare::CompareArgs),
    /// Show what tidybench sees in a file or dataset: format, runs, tables, warnings.
    Inspect(cli::inspect::InspectArgs),
    /// Run a read-only SQL query over a dataset (tables: runs, metrics, requests, server_samples).
    Query(cli::query::QueryArgs),
    /// List the input formats tidybench reads.
    Formats,
}

fn main() -> ExitCode {
    // A usage error exits 1, as every other error before any work does (clap's own is 2,
    // which here means "some inputs failed"); help and version exit 0.
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(match e.use_stderr() {
                true => cli::EXIT_USAGE,
                false => cli::EXIT_OK,
            });
        }
    };
    // Checked before any work, so that a dataset is not written only to fail at the end.
    if let Some(dir) = cli.warnings_json.as_ref().and_then(|p| p.parent()) {
        if !dir.as_os_str().is_empty() && !dir.is_dir() {
            eprintln!(
                "error: --warnings-json {}: {} is not a directory",
                cli.warnings_json
                    .as_ref()
                    .map_or(String::new(), |p| p.display().to_string()),
                dir.display()
            );
            return ExitCode::from(cli::EXIT_USAGE);
        }
    }
    let result = match &cli.command {
        Command::Convert(args) => cli::convert::run(args),
        Command::Report(args) => cli::report::run(args),
        Command::Compare(args) => cli::compare::run(args),
        Command::Inspect(args) => cli::inspect::run(args),
        Command::Query(args) => cli::query::run(args),
        Command::Formats => Ok(cli::formats::run()),
    };
    let code = result.unwrap_or_else(|e| {
        cli::problems::fail(&e);
        cli::EXIT_USAGE
    });
    if let Some(path) = &cli.warnings_json {
        if let Err(e) = cli::problems::write_json(path, cli.command.name(), code) {
            eprintln!("error: {e}");
            return ExitCode::from(cli::EXIT_USAGE);
        }
    }
    ExitCode::from(code)
}

impl Command {
    /// The subcommand's name, as typed.
    fn name(&self) -> &'static str {
        match self {
            Command::Convert(_) => "convert",
            Command::Report(_) => "report",
            Command::Compare(_) => "compare",
            Command::Inspect(_) => "inspect",
            Command::Query(_) => "query",
            Command::Formats => "formats",
        }
    }
}
