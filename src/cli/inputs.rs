//! Reading the command line's inputs: datasets written by `convert`, and source files,
//! directories and tar archives, parsed in parallel, each on its own so that one bad input
//! does not stop the others; run directories label their runs.

use std::collections::{HashMap, HashSet};
use std::ffi::OsStr;
use std::path::{Path, PathBuf};

use std::io::IsTerminal;

use indicatif::{ProgressBar, ProgressStyle};
use rayon::prelude::*;
use tidybench::detect::detect;
use tidybench::formats::run_config::{self, RunConfig};
use tidybench::formats::{vllm_bench, vllm_server_log};
use tidybench::formats::{ParseOptions, Run, Warning, NO_MODEL};
use tidybench::frames::{self, Tables};
use tidybench::ingest::archive::{self, Entry};
use tidybench::ingest::blob::SourceSha256;
use tidybench::ingest::decompress::{decompress, DEFAULT_LIMIT};
use tidybench::ingest::discover::STDIN;
use tidybench::ingest::{discover, Blob, Source};
use tidybench::{store, Error};

use super::problems;
use super::{EXIT_ALL_FAILED, EXIT_OK, EXIT_SOME_FAILED};

/// The name standard input's contents go by (`-` on the command line).
pub(super) const STDIN_NAME: &str = "<stdin>";

/// The runs read from the command line's inputs, and what went wrong with the others.
pub struct Inputs {
    /// Runs parsed from source files.
    pub runs: Vec<Run>,
    /// Datasets written by `convert` that were given as inputs, with their directories.
    pub datasets: Vec<(PathBuf, Tables)>,
    /// Inputs that could not be read, with the reason.
    pub failures: Vec<Error>,
    /// Files found in directories or archives that are not in a format tidybench reads.
    pub skipped: Vec<Warning>,
    /// Inputs read: source files (archive entries each count), and datasets.
    pub files: usize,
    /// SHA-256 of the source files as stored (compressed or not), by path: what `convert`
    /// records without reading them again.
    pub file_sha256: HashMap<PathBuf, SourceSha256>,
}

impl Inputs {
    /// The tables to analyze: those of the parsed runs and of every dataset, together.
    pub fn tables(&self) -> tidybench::Result<Tables> {
        let mut all: Vec<Tables> = self.datasets.iter().map(|(_, t)| t.clone()).collect();
        if !self.runs.is_empty() || all.is_empty() {
            all.insert(0, frames::tables(&self.runs)?);
        }
        frames::concat_tables(all)
    }

    /// `error`, met while reading these inputs' tables, blamed on a damaged file of a dataset
    /// given (see [`store::blame_damaged_file`]).
    pub fn blame(&self, error: Error) -> Error {
        self.datasets.iter().fold(error, |error, (dir, _)| {
            store::blame_damaged_file(dir, error)
        })
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
        problems::fail(&error);
        self.failures.push(error);
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

/// How to read the inputs.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// What parsers keep.
    pub parse: ParseOptions,
    /// Labels set on every run read from source files.
    pub labels: Vec<Label>,
    /// A pattern whose named groups, matched against each source path, become labels.
    pub labels_from: Option<regex::Regex>,
    /// Most bytes one file or archive entry may decompress to.
    pub max_decompressed: u64,
    /// Do not print warnings or skipped files.
    pub quiet: bool,
}

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            parse: ParseOptions::default(),
            labels: Vec::new(),
            labels_from: None,
            max_decompressed: DEFAULT_LIMIT,
            quiet: false,
        }
    }
}

/// What reading one source gave.
enum Item {
    /// Runs parsed from a file or archive entry (`root`: where run directories end).
    Runs {
        path: PathBuf,
        root: Option<PathBuf>,
        runs: Vec<Run>,
        warnings: Vec<Warning>,
        /// The SHA-256 of the file as stored, when it was read from one.
        file_sha256: Option<SourceSha256>,
    },
    /// A run directory's config found inside an archive.
    Config(RunConfig),
    /// A file not in a format tidybench reads (found in a directory or an archive).
    Skipped(Warning),
    /// An input that could not be read.
    Failed(Error),
}

/// True for a run directory's `benchmark-config.txt` (labels, not results).
pub fn is_run_config(source: &Source) -> bool {
    source.path.file_name() == Some(OsStr::new(run_config::FILE_NAME))
}

/// Reads every input. Fails only when an input path does not exist.
pub fn read_inputs(inputs: &[PathBuf], options: &ReadOptions) -> tidybench::Result<Inputs> {
    let (datasets, sources): (Vec<PathBuf>, Vec<PathBuf>) =
        inputs.iter().cloned().partition(|p| store::is_dataset(p));
    let files: Vec<Source> = discover(&sources)?
        .into_iter()
        .filter(|f| !is_run_config(f))
        .collect();
    if files.is_empty() && datasets.is_empty() {
        let names: Vec<String> = inputs.iter().map(|p| p.display().to_string()).collect();
        return Err(Error::Invalid(format!(
            "{}: no source files, and not a dataset (no runs.parquet)",
            names.join(", ")
        )));
    }
    read_sources(&files, &datasets, options)
}

/// Reads the source files `files` (found by [`discover`]; run configs are read where results
/// need them) and the datasets `datasets`.
pub fn read_sources(
    files: &[Source],
    datasets: &[PathBuf],
    options: &ReadOptions,
) -> tidybench::Result<Inputs> {
    let quiet = options.quiet;
    let mut read = Inputs {
        runs: Vec::new(),
        datasets: Vec::new(),
        failures: Vec::new(),
        skipped: Vec::new(),
        files: datasets.len(),
        file_sha256: HashMap::new(),
    };
    for dir in datasets {
        match store::open(dir) {
            Ok(tables) => read.datasets.push((dir.clone(), tables)),
            Err(e) => read.fail(e),
        }
    }
    // Parsed on every core; gathered in input order, so output and warnings are stable. A
    // progress bar on standard error when it is a terminal.
    let progress = if !quiet && std::io::stderr().is_terminal() && files.len() > 1 {
        ProgressBar::new(files.len() as u64).with_style(
            ProgressStyle::with_template("{bar:40} {pos}/{len} source(s) {elapsed} {wide_msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        )
    } else {
        ProgressBar::hidden()
    };
    let items: Vec<Vec<Item>> = files
        .par_iter()
        .map(|source| {
            let items = read_source(source, options);
            progress.inc(1);
            items
        })
        .collect();
    progress.finish_and_clear();
    let items: Vec<Item> = items.into_iter().flatten().collect();
    let mut run_dirs = RunDirs::default();
    // Each file's warnings, with the sources of its benchmark runs: printed once runs given
    // twice are merged, which may settle them.
    let mut file_warnings: Vec<(Vec<PathBuf>, Vec<Warning>)> = Vec::new();
    // The run directory of each source's runs.
    let mut configs: HashMap<PathBuf, RunConfig> = HashMap::new();
    for item in &items {
        if let Item::Config(config) = item {
            problems::warn(&config.warnings, quiet);
            run_dirs
                .known
                .insert(config.dir.clone(), Some(config.clone()));
        }
    }
    for item in items {
        match item {
            Item::Runs {
                path,
                root,
                mut runs,
                warnings,
                file_sha256,
            } => {
                read.files += 1;
                if let Some(sha256) = file_sha256 {
                    read.file_sha256.insert(path.clone(), sha256);
                }
                // Standard input is in no directory.
                let config = match path.as_os_str() == STDIN_NAME {
                    true => None,
                    false => run_dirs.config_of(&path, root.as_deref(), &mut read, quiet),
                };
                if let Some(config) = config {
                    for run in &mut runs {
                        config.apply(run);
                        configs.insert(run.source_path.clone(), config.clone());
                    }
                }
                if let Some(pattern) = &options.labels_from {
                    let text = path.to_string_lossy();
                    if let Some(found) = pattern.captures(&text) {
                        for name in pattern.capture_names().flatten() {
                            if let Some(value) = found.name(name) {
                                for run in &mut runs {
                                    run.set_label(name, value.as_str()).map_err(|e| {
                                        Error::Invalid(format!(
                                            "{}: --labels-from {e}",
                                            path.display()
                                        ))
                                    })?;
                                }
                            }
                        }
                    }
                }
                let mut sources: Vec<PathBuf> = runs
                    .iter()
                    .filter(|run| run.source_format != vllm_server_log::NAME)
                    .map(|run| run.source_path.clone())
                    .collect();
                sources.dedup();
                file_warnings.push((sources, warnings));
                read.runs.extend(runs);
            }
            Item::Config(_) => {}
            Item::Skipped(why) => {
                read.files += 1;
                problems::skip(&why, quiet);
                read.skipped.push(why);
            }
            Item::Failed(e) => {
                read.files += 1;
                read.fail(e);
            }
        }
    }
    let mut warnings = Vec::new();
    tidybench::reconcile::merge_copies(&mut read.runs, &mut warnings);
    // What a results file knows better (model, workload, duration) is filled from its run
    // directory once its copies are merged, so a report that lacks it takes its console log's,
    // and before a server log's startup facts fill what is left.
    let mut warned = HashSet::new();
    for run in &mut read.runs {
        let console = run
            .extra_labels
            .get(tidybench::reconcile::CONSOLE_SOURCE_LABEL)
            .map(PathBuf::from);
        let config = configs
            .get(&run.source_path)
            .or_else(|| configs.get(console.as_ref()?));
        if let Some(config) = config {
            let disagreements: Vec<Warning> = config
                .fill(run)
                .into_iter()
                .filter(|_| run.source_format != vllm_server_log::NAME)
                .filter(|w| warned.insert(w.to_string()))
                .collect();
            problems::warn(&disagreements, quiet);
        }
    }
    tidybench::reconcile::attach_server_logs(&mut read.runs, &mut warnings);
    // For each source that still has runs: whether every one of them names a model.
    let mut modelled: HashMap<&Path, bool> = HashMap::new();
    for run in &read.runs {
        *modelled.entry(&run.source_path).or_insert(true) &= run.model.is_some();
    }
    for (sources, file) in &mut file_warnings {
        settle_warnings(sources, file, &modelled);
        problems::warn(file, quiet);
    }
    problems::warn(&warnings, quiet);
    for run in &mut read.runs {
        for label in &options.labels {
            run.set_label(&label.key, &label.value)
                .map_err(|e| Error::Invalid(format!("--label {e}")))?;
        }
    }
    Ok(read)
}

/// Drops the warnings of one file (whose benchmark runs came from `sources`; `modelled`: the
/// sources that still have runs, and whether all of them name a model) that merging settled:
/// all of them when another source holds every run of the file (a copy of a report, or console
/// text a report holds at full precision) but those about what the file holds beside its runs,
/// and a missing model once every run of the file has
/// one (from a run directory, or from the console text of the same run).
fn settle_warnings(
    sources: &[PathBuf],
    warnings: &mut Vec<Warning>,
    modelled: &HashMap<&Path, bool>,
) {
    let kept: Vec<bool> = sources
        .iter()
        .filter_map(|path| modelled.get(path.as_path()).copied())
        .collect();
    if !sources.is_empty() && kept.is_empty() {
        warnings.retain(|w| vllm_bench::beyond_its_runs(&w.message));
    } else if kept.iter().all(|&modelled| modelled) {
        warnings.retain(|w| w.message != NO_MODEL);
    }
}

/// Reads one source: a file, standard input, or every entry of a tar archive.
fn read_source(source: &Source, options: &ReadOptions) -> Vec<Item> {
    if source.path.as_os_str() == STDIN {
        let mut bytes = Vec::new();
        let read = std::io::Read::read_to_end(&mut std::io::stdin().lock(), &mut bytes)
            .map_err(|e| Error::io(STDIN_NAME, e))
            .and_then(|_| decompress(STDIN_NAME.as_ref(), bytes, options.max_decompressed));
        return match read {
            Ok(bytes) if archive::looks_like_tar(&bytes) => {
                read_archive(STDIN_NAME.as_ref(), options, |visit| {
                    archive::entries_in(STDIN_NAME, &bytes, options.max_decompressed, visit);
                    Ok(())
                })
            }
            read => {
                let blob = read.map(|bytes| Blob::from_bytes(STDIN_NAME, bytes));
                vec![parse(blob, None, options, false)]
            }
        };
    }
    match archive::is_tar(&source.path) {
        Ok(true) => read_archive(&source.path, options, |visit| {
            archive::entries(&source.path, options.max_decompressed, visit)
        }),
        Ok(false) => {
            let blob = Blob::read_limited(&source.path, options.max_decompressed);
            vec![parse(
                blob,
                source.root.clone(),
                options,
                source.root.is_some(),
            )]
        }
        Err(e) => vec![Item::Failed(e)],
    }
}

/// Reads every entry of the tar archive at `path`, which `walk` visits.
fn read_archive<W>(path: &Path, options: &ReadOptions, walk: W) -> Vec<Item>
where
    W: FnOnce(&mut dyn FnMut(Entry)) -> tidybench::Result<()>,
{
    let mut items = Vec::new();
    let root = PathBuf::from(format!("{}!", path.display()));
    let opened = walk(&mut |entry| {
        items.push(match entry {
            Entry::File(blob)
                if blob.path.file_name() == Some(OsStr::new(run_config::FILE_NAME)) =>
            {
                let dir = blob
                    .path
                    .parent()
                    .map(Path::to_path_buf)
                    .unwrap_or_default();
                Item::Config(run_config::parse(&dir, &blob))
            }
            Entry::File(blob) => parse(Ok(blob), Some(root.clone()), options, true),
            Entry::Skipped(warning) => Item::Skipped(warning),
            Entry::Failed(e) => Item::Failed(e),
        })
    });
    if let Err(e) = opened {
        items.push(Item::Failed(e));
    }
    items
}

/// Detects and parses one blob. An unknown format is a skip when the file was found rather
/// than named (`found`), an error otherwise.
fn parse(
    blob: tidybench::Result<Blob>,
    root: Option<PathBuf>,
    options: &ReadOptions,
    found: bool,
) -> Item {
    let parsed = blob.and_then(|blob| {
        let format = detect(&blob)?;
        // The hash of a large input takes as long as its parse: alongside, read when the
        // runs' ids are needed.
        blob.hash_beside();
        let mut parsed = format.parse_with(&blob, &options.parse)?;
        if options.parse.metrics.is_some() {
            for point in parsed.runs.iter_mut().flat_map(|r| &mut r.load_points) {
                let before = point.observations.len();
                point
                    .observations
                    .retain(|o| options.parse.keeps(&o.metric));
                if point.observations.len() < before {
                    point.observations.shrink_to_fit();
                }
            }
        }
        let file_sha256 = blob.file_sha256();
        let path = blob.path.clone();
        // Unmapping a large input takes milliseconds: done beside what follows (or by its
        // hash's thread, when that ends last).
        rayon::spawn(move || drop(blob));
        Ok((path, parsed, file_sha256))
    });
    match parsed {
        Ok((path, parsed, file_sha256)) => Item::Runs {
            path,
            root,
            runs: parsed.runs,
            warnings: parsed.warnings,
            file_sha256,
        },
        Err(e @ Error::UnknownFormat { .. }) if found => Item::Skipped(Warning {
            path: e.path().map(Path::to_path_buf).unwrap_or_default(),
            line: None,
            message: e.message(),
        }),
        Err(e) => Item::Failed(e),
    }
}

/// The run directories met so far (`benchmark-config.txt` read once per directory).
#[derive(Default)]
struct RunDirs {
    known: HashMap<PathBuf, Option<RunConfig>>,
}

impl RunDirs {
    /// The run directory of the file at `path`: the nearest directory holding a
    /// `benchmark-config.txt`, from the file's own up to `root` (the directory input or the
    /// archive it was found in, and then the archive's own directory; only its own directory
    /// for a file named on the command line).
    fn config_of(
        &mut self,
        path: &Path,
        root: Option<&Path>,
        read: &mut Inputs,
        quiet: bool,
    ) -> Option<RunConfig> {
        let mut dir = path.parent()?;
        // An archive's entries are below `archive!`; the archive itself sits in a directory.
        let archive_dir = root
            .and_then(|r| r.to_str()?.strip_suffix('!'))
            .and_then(|archive| Path::new(archive).parent())
            .map(|d| d.to_path_buf());
        let mut beside_archive = false;
        loop {
            if !self.known.contains_key(dir) {
                let config = if dir.join(run_config::FILE_NAME).is_file() {
                    match run_config::read(dir) {
                        Ok(config) => Some(config),
                        Err(e) => {
                            // A file of its own that failed: the results beside it still count.
                            read.files += 1;
                            read.fail(e);
                            None
                        }
                    }
                } else {
                    None
                };
                if let Some(config) = &config {
                    problems::warn(&config.warnings, quiet);
                }
                self.known.insert(dir.to_path_buf(), config);
            }
            if let Some(Some(config)) = self.known.get(dir) {
                return Some(config.clone());
            }
            match (root, dir.parent()) {
                (Some(root), Some(parent)) if dir != root => dir = parent,
                _ => match &archive_dir {
                    Some(archive_dir) if !beside_archive => {
                        beside_archive = true;
                        dir = archive_dir;
                    }
                    _ => return None,
                },
            }
        }
    }
}
