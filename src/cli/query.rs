//! `tidybench query`: read-only SQL over a dataset (or over sources converted in memory).

use std::path::PathBuf;

use tidybench::analyze::sql;
use tidybench::formats::ParseOptions;
use tidybench::render::frame::{render_frame, write_parquet, FrameFormat};
use tidybench::Error;

/// Arguments of `tidybench query`.
#[derive(Debug, clap::Args)]
pub struct QueryArgs {
    /// A dataset directory (or source files to convert in memory), then the SQL unless --file
    /// gives it. Tables: runs, metrics, requests, server_samples.
    #[arg(required = true, value_name = "INPUTS… SQL")]
    pub args: Vec<String>,
    /// Read the SQL from this file.
    #[arg(long)]
    pub file: Option<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value = "table")]
    pub format: FrameFormat,
    /// Write the result to this file instead of standard output.
    #[arg(short, long)]
    pub output: Option<PathBuf>,
    /// Keep the prompt and response text of request records (columns `prompt_text`,
    /// `output_text` of `requests`); by default they are not read.
    #[arg(long)]
    pub keep_text: bool,
    /// Do not print warnings.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Runs `query`; returns the exit code.
pub fn run(args: &QueryArgs) -> tidybench::Result<u8> {
    let (inputs, sql_text) = match &args.file {
        // SQL after the inputs as well (it names no file and reads as a query): one of the two.
        Some(file) if args.args.last().is_some_and(|last| reads_as_sql(last)) => {
            return Err(Error::Invalid(format!(
                "--file {} gives the SQL, and so does {:?}: give one of them",
                file.display(),
                args.args.last().map_or("", String::as_str)
            )))
        }
        Some(file) => (
            args.args.clone(),
            std::fs::read_to_string(file).map_err(|e| Error::io(file, e))?,
        ),
        None => match args.args.split_last() {
            Some((sql_text, inputs)) if !inputs.is_empty() => (inputs.to_vec(), sql_text.clone()),
            _ => {
                return Err(Error::Invalid(
                    "give the dataset (or inputs) and then the SQL, or --file q.sql".into(),
                ))
            }
        },
    };
    let inputs: Vec<PathBuf> = inputs.into_iter().map(PathBuf::from).collect();
    super::refuse_output_inside(&inputs, args.output.as_deref())?;
    let read = super::read_inputs(
        &inputs,
        &super::ReadOptions {
            parse: ParseOptions {
                keep_text: args.keep_text,
                ..Default::default()
            },
            quiet: args.quiet,
            ..Default::default()
        },
    )?;
    if read.exit_code() == super::EXIT_ALL_FAILED {
        eprintln!("error: none of the {} input(s) could be read", read.files);
        return Ok(super::EXIT_ALL_FAILED);
    }
    let frame = sql::query(&read.tables()?, &sql_text).map_err(|e| read.blame(e))?;
    let mut result = frame
        .collect()
        .map_err(|e| read.blame(Error::polars("running the query", e)))?;
    match (args.format, &args.output) {
        (FrameFormat::Parquet, Some(path)) => write_parquet(result, path)?,
        (format, output) => {
            let text = render_frame(&mut result, format)?;
            super::write_output(output.as_deref(), &text)?;
        }
    }
    Ok(read.exit_code())
}

/// True when `arg` begins as a query does (`select …`, `SELECT*FROM …`, `with …`) and names no
/// file, nor is a pattern that matches one.
fn reads_as_sql(arg: &str) -> bool {
    let word: String = arg
        .trim_start()
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_lowercase();
    let rest = arg.trim_start()[word.len()..].chars().next();
    ["select", "with"].contains(&word.as_str())
        && rest.is_some_and(|c| c.is_whitespace() || "*(\"'".contains(c))
        && !std::path::Path::new(arg).exists()
        && glob::glob(arg).map_or(true, |mut matches| matches.next().is_none())
}
