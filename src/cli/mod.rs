//! The command-line interface: one file per subcommand; this file holds what they share
//! (reading inputs, printing problems, exit codes).

pub mod compare;
pub mod convert;
pub mod formats;
pub mod inspect;
pub mod query;
pub mod report;

use std::collections::HashMap;
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use tidybench::detect::detect;
use tidybench::formats::run_config::{self, RunConfig};
use tidybench::formats::{ParseOptions, Run, Warning, NO_MODEL};
use tidybench::frames::{self, Tables};
use tidybench::ingest::{discover, Blob, Source};
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
    /// Runs parsed from source files.
    pub runs: Vec<Run>,
    /// Datasets written by `convert` that were given as inputs.
    pub datasets: Vec<Tables>,
    /// Inputs that could not be read, with the reason.
    pub failures: Vec<Error>,
    /// Files found in directories that are not in a format tidybench reads, with the reason.
    pub skipped: Vec<Error>,
    /// Inputs read: source files and datasets.
    pub files: usize,
}

impl Inputs {
    /// The tables to analyze: those of the parsed runs and of every dataset, together.
    pub fn tables(&self) -> tidybench::Result<Tables> {
        let mut all = self.datasets.clone();
        if !self.runs.is_empty() || all.is_empty() {
            all.insert(0, frames::tables(&self.runs)?);
        }
        frames::concat_tables(all)
    }

    /// The exit code these inputs call for.
    pub fn exit_code(&self) -> u8 {
        match (self.failures.len(), self.files - self.skipped.len()) {
            (0, n) if n > 0 || self.skipped.is_empty() => EXIT_OK,
            (f, n) if f >= n => EXIT_ALL_FAILED,
            _ => EXIT_SOME_FAILED,
        }
    }

    fn fail(&mut self, error: Error) {
        eprintln!("error: {error}");
        self.failures.push(error);
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

/// `--label key=value`: a run label set on every run read from source files.
#[derive(Debug, Clone)]
pub struct Label {
    /// Label name.
    pub key: String,
    /// Its value.
    pub value: String,
}

impl std::str::FromStr for Label {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text.split_once('=') {
            Some((key, value)) if !key.trim().is_empty() => Ok(Label {
                key: key.trim().into(),
                value: value.into(),
            }),
            _ => Err(format!("expected key=value, found {text:?}")),
        }
    }
}

/// Reads every input: dataset directories written by `convert`, and files and directories of
/// sources, each detected and parsed on its own so that one bad input does not stop the
/// others. Fails only when an input path does not exist.
pub fn read_inputs(
    inputs: &[PathBuf],
    quiet: bool,
    options: &ParseOptions,
    labels: &[Label],
) -> tidybench::Result<Inputs> {
    let (datasets, sources): (Vec<PathBuf>, Vec<PathBuf>) =
        inputs.iter().cloned().partition(|p| store::is_dataset(p));
    let files: Vec<Source> = discover(&sources)?
        .into_iter()
        .filter(|f| f.path.file_name() != Some(OsStr::new(run_config::FILE_NAME)))
        .collect();
    if files.is_empty() && datasets.is_empty() {
        let names: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
        return Err(Error::Invalid(format!(
            "{}: no source files, and not a dataset (no runs.parquet)",
            names.join(", ")
        )));
    }
    let mut read = Inputs {
        runs: Vec::new(),
        datasets: Vec::new(),
        failures: Vec::new(),
        skipped: Vec::new(),
        files: files.len() + datasets.len(),
    };
    for dir in &datasets {
        match store::open(dir) {
            Ok(tables) => read.datasets.push(tables),
            Err(e) => read.fail(e),
        }
    }
    let mut run_dirs = RunDirs::default();
    for source in &files {
        match parse_file(&source.path, options) {
            Ok((mut runs, mut warnings)) => {
                if let Some(config) = run_dirs.config_of(source, &mut read, quiet) {
                    runs.iter_mut().for_each(|run| config.apply(run));
                    if runs.iter().all(|run| run.model.is_some()) {
                        warnings.retain(|w| w.message != NO_MODEL);
                    }
                }
                print_warnings(&warnings, quiet);
                read.runs.extend(runs);
            }
            // A file we do not read, found while walking a directory (a PCP archive, an
            // image): listed, not a failure.
            Err(e @ Error::UnknownFormat { .. }) if source.root.is_some() => {
                if !quiet {
                    eprintln!("skipped: {e}");
                }
                read.skipped.push(e);
            }
            Err(e) => read.fail(e),
        }
    }
    let mut warnings = Vec::new();
    tidybench::reconcile::merge(&mut read.runs, &mut warnings);
    print_warnings(&warnings, quiet);
    for run in &mut read.runs {
        for label in labels {
            run.set_label(&label.key, &label.value)?;
        }
    }
    Ok(read)
}

/// The run directories met so far (`benchmark-config.txt` read once per directory).
#[derive(Default)]
struct RunDirs {
    known: HashMap<PathBuf, Option<RunConfig>>,
}

impl RunDirs {
    /// The run directory `source` belongs to: the nearest directory holding a
    /// `benchmark-config.txt`, from the file's own up to the directory input it was found in.
    fn config_of(&mut self, source: &Source, read: &mut Inputs, quiet: bool) -> Option<RunConfig> {
        let mut dir = source.path.parent()?;
        loop {
            if !self.known.contains_key(dir) {
                let config = if dir.join(run_config::FILE_NAME).is_file() {
                    match run_config::read(dir) {
                        Ok(config) => {
                            print_warnings(&config.warnings, quiet);
                            Some(config)
                        }
                        Err(e) => {
                            read.fail(e);
                            None
                        }
                    }
                } else {
                    None
                };
                self.known.insert(dir.to_path_buf(), config);
            }
            if let Some(Some(config)) = self.known.get(dir) {
                return Some(config.clone());
            }
            match (&source.root, dir.parent()) {
                (Some(root), Some(parent)) if dir != root.as_path() => dir = parent,
                _ => return None,
            }
        }
    }
}

fn parse_file(path: &Path, options: &ParseOptions) -> tidybench::Result<(Vec<Run>, Vec<Warning>)> {
    let blob = Blob::read(path)?;
    let format = detect(&blob)?;
    // The hash of a large input takes as long as a good part of its parse: on another core.
    let parsed = std::thread::scope(|scope| {
        scope.spawn(|| blob.sha256());
        format.parse_with(&blob, options)
    })?;
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
            std::fs::write(&tmp, text)
                .and_then(|()| std::fs::rename(&tmp, path))
                .map_err(|e| {
                    let _ = std::fs::remove_file(&tmp);
                    Error::io(path, e)
                })
        }
    }
}

/// Refuses an output path that would replace a file of one of the input datasets
/// (`runs.parquet` or anything under `metrics/`).
pub fn refuse_output_inside(inputs: &[PathBuf], output: Option<&Path>) -> tidybench::Result<()> {
    let Some(output) = output else { return Ok(()) };
    let resolve = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let parent = output.parent().filter(|p| !p.as_os_str().is_empty());
    let target =
        resolve(parent.unwrap_or(Path::new("."))).join(output.file_name().unwrap_or_default());
    for input in inputs.iter().filter(|p| store::is_dataset(p)) {
        let dataset = resolve(input);
        if target == dataset.join(store::dataset::RUNS_FILE)
            || target.starts_with(dataset.join(store::dataset::METRICS_DIR))
        {
            return Err(Error::Invalid(format!(
                "{}: writing there would replace a file of the dataset {}",
                output.display(),
                input.display()
            )));
        }
    }
    Ok(())
}
