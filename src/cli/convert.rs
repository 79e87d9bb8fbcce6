//! `tidybench convert`: turn benchmark outputs into the Parquet dataset.

use std::path::PathBuf;
use std::time::Instant;

use tidybench::formats::ParseOptions;
use tidybench::store;

/// Arguments of `tidybench convert`.
#[derive(Debug, clap::Args)]
pub struct ConvertArgs {
    /// Files and directories to convert.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Dataset directory to write (replaces what an earlier convert wrote there).
    #[arg(short, long)]
    pub output: PathBuf,
    /// Keep the prompt and response text of request records (columns `prompt_text`,
    /// `output_text` of `requests`); by default they are not read.
    #[arg(long)]
    pub keep_text: bool,
    /// Set a run label on every run converted (repeatable): `config=native-offload`,
    /// `hardware=1x2xL40S`, or any name of your own (kept in `labels`).
    #[arg(long = "label", value_name = "KEY=VALUE")]
    pub labels: Vec<super::Label>,
    /// Refuse to decompress any file or archive entry to more than this many bytes (stops
    /// decompression bombs).
    #[arg(long, value_name = "BYTES", default_value_t = tidybench::ingest::decompress::DEFAULT_LIMIT)]
    pub max_decompressed: u64,
    /// Do not print warnings or the summary.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Runs `convert`; returns the exit code.
pub fn run(args: &ConvertArgs) -> tidybench::Result<u8> {
    let started = Instant::now();
    if args.inputs.iter().any(|p| store::is_dataset(p)) {
        return Err(tidybench::Error::Invalid(
            "an input is already a tidybench dataset; give the original files".into(),
        ));
    }
    let inputs = super::read_inputs(
        &args.inputs,
        &super::ReadOptions {
            parse: ParseOptions {
                keep_text: args.keep_text,
            },
            labels: args.labels.clone(),
            max_decompressed: args.max_decompressed,
            quiet: args.quiet,
        },
    )?;
    if inputs.exit_code() == super::EXIT_ALL_FAILED {
        eprintln!(
            "error: none of the {} input(s) could be converted",
            inputs.files
        );
        return Ok(super::EXIT_ALL_FAILED);
    }
    let summary = store::write(&args.output, &inputs.runs)?;
    if !args.quiet {
        let skipped = match inputs.skipped.len() {
            0 => String::new(),
            n => format!(" ({n} skipped: not a format tidybench reads)"),
        };
        eprintln!(
            "converted {} of {} file(s){skipped}: {} run(s), {} metric row(s), {} request(s) in {} file(s) under {} ({:.2}s)",
            inputs.files - inputs.failures.len() - inputs.skipped.len(),
            inputs.files,
            summary.runs,
            summary.metric_rows,
            summary.request_rows,
            summary.files.len(),
            args.output.display(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(inputs.exit_code())
}
