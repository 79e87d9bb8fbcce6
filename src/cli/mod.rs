//! The command-line interface: one file per subcommand; this file holds what they share
//! (reading inputs, printing problems, exit codes).

pub mod convert;
pub mod formats;
pub mod report;

use std::path::{Path, PathBuf};

use tidybench::detect::detect;
use tidybench::formats::{Run, Warning};
use tidybench::frames::{self, Tables};
use tidybench::ingest::{discover, Blob};
use tidybench::{store, Error};

/// Exit code: every input converted.
pub const EXIT_OK: u8 = 0;
/// Exit code: usage or I/O error before any work.
pub const EXIT_USAGE: u8 = 1;
/// Exit code: some inputs failed, the rest were used.
pub const EXIT_SOME_FAILED: u8 = 2;
/// Exit code: no input could be used.
pub const EXIT_ALL_FAILED: u8 = 3;

/// The runs read from the command line's inputs, and what went wrong with the others.
pub struct Inputs {
    /// Runs parsed from files (empty when a dataset was opened).
    pub runs: Vec<Run>,
    /// An opened dataset, when the input was one.
    pub dataset: Option<Tables>,
    /// Inputs that could not be read, with the reason.
    pub failures: Vec<Error>,
    /// Files read.
    pub files: usize,
}

impl Inputs {
    /// The tables to analyze: the dataset's, or those built from the parsed runs.
    pub fn tables(&self) -> tidybench::Result<Tables> {
        match &self.dataset {
            Some(tables) => Ok(tables.clone()),
            None => frames::tables(&self.runs),
        }
    }

    /// The exit code these inputs call for.
    pub fn exit_code(&self) -> u8 {
        match (self.failures.len(), self.files) {
            (0, _) => EXIT_OK,
            (f, n) if f >= n => EXIT_ALL_FAILED,
            _ => EXIT_SOME_FAILED,
        }
    }
}

/// Prints warnings to stderr, one per line.
pub fn print_warnings(warnings: &[Warning], quiet: bool) {
    if quiet {
        return;
    }
    for warning in warnings {
        eprintln!("warning: {warning}");
    }
}

/// Reads every input: a dataset directory (when it is the only input) or files and
/// directories of sources, each detected and parsed on its own so that one bad file does not
/// stop the others. Fails only when an input path does not exist.
pub fn read_inputs(inputs: &[PathBuf], quiet: bool) -> tidybench::Result<Inputs> {
    if let [only] = inputs {
        if store::is_dataset(only) {
            return Ok(Inputs {
                runs: Vec::new(),
                dataset: Some(store::open(only)?),
                failures: Vec::new(),
                files: 1,
            });
        }
    }
    let files = discover(inputs)?;
    let mut read = Inputs {
        runs: Vec::new(),
        dataset: None,
        failures: Vec::new(),
        files: files.len(),
    };
    for path in &files {
        match parse_file(path) {
            Ok((runs, warnings)) => {
                print_warnings(&warnings, quiet);
                read.runs.extend(runs);
            }
            Err(e) => {
                eprintln!("error: {e}");
                read.failures.push(e);
            }
        }
    }
    Ok(read)
}

fn parse_file(path: &Path) -> tidybench::Result<(Vec<Run>, Vec<Warning>)> {
    let blob = Blob::read(path)?;
    let format = detect(&blob)?;
    let parsed = format.parse(&blob)?;
    Ok((parsed.runs, parsed.warnings))
}

/// Writes `text` to `path` (via a temporary file and a rename) or to standard output.
pub fn write_output(path: Option<&Path>, text: &str) -> tidybench::Result<()> {
    use std::io::Write;
    match path {
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|e| Error::io("<stdout>", e))
        }
        Some(path) => {
            let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
            let name = path
                .file_name()
                .map_or_else(|| "report".into(), |n| n.to_string_lossy().into_owned());
            let tmp = dir
                .unwrap_or(Path::new("."))
                .join(format!(".{name}.tmp-{}", std::process::id()));
            std::fs::write(&tmp, text).map_err(|e| Error::io(&tmp, e))?;
            std::fs::rename(&tmp, path).map_err(|e| Error::io(path, e))
        }
    }
}
