//! `tidybench convert`: turn benchmark outputs into the Parquet dataset, converting again only
//! the sources that changed since the last conversion into the same dataset.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::{Path, PathBuf};
use std::time::Instant;

use polars::prelude::*;
use rayon::prelude::*;
use tidybench::formats::{ParseOptions, Run, Warning};
use tidybench::frames;
use tidybench::ingest::blob::SourceSha256;
use tidybench::ingest::discover::STDIN;
use tidybench::ingest::{archive, discover, Source};
use tidybench::reconcile;
use tidybench::store::{self, manifest, Manifest, SourceState};
use tidybench::Error;

use super::inputs::{is_run_config, read_sources, ReadOptions};

/// Arguments of `tidybench convert`.
#[derive(Debug, clap::Args)]
pub struct ConvertArgs {
    /// Files, directories and tar archives to convert.
    #[arg(required = true)]
    pub inputs: Vec<PathBuf>,
    /// Dataset directory to write. When it holds an earlier conversion of the same inputs,
    /// only new and changed sources are converted; the rest is kept.
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
    /// A regular expression with named groups matched against each source path; every group
    /// that matches becomes a run label, e.g. `results/(?P<hardware>[^_/]+)_(?P<software>[^_/]+)_`.
    #[arg(long, value_name = "REGEX")]
    pub labels_from: Option<regex::Regex>,
    /// Convert only the sources whose directory's stable hash falls in shard K of N
    /// (1 ≤ K ≤ N), so N machines can share one archive, each writing its own dataset.
    #[arg(long, value_name = "K/N")]
    pub shard: Option<Shard>,
    /// Remove from the dataset the runs of sources converted earlier that are not among the
    /// inputs now (deleted run directories, or all earlier inputs when converting others).
    #[arg(long)]
    pub prune: bool,
    /// Convert every input again, even sources that did not change (the runs of earlier
    /// inputs not given now stay, as without it, until `--prune`).
    #[arg(long)]
    pub full: bool,
    /// Refuse to decompress any file or archive entry to more than this many bytes (stops
    /// decompression bombs).
    #[arg(long, value_name = "BYTES", default_value_t = tidybench::ingest::decompress::DEFAULT_LIMIT)]
    pub max_decompressed: u64,
    /// Do not print warnings or the summary.
    #[arg(short, long)]
    pub quiet: bool,
}

/// `--shard K/N`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shard {
    /// This shard, from 1.
    pub k: u64,
    /// Number of shards.
    pub n: u64,
}

impl std::str::FromStr for Shard {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let parsed = text
            .split_once('/')
            .and_then(|(k, n)| Some((k.trim().parse().ok()?, n.trim().parse().ok()?)));
        match parsed {
            Some((k, n)) if n > 0 && (1..=n).contains(&k) => Ok(Shard { k, n }),
            _ => Err(format!("expected K/N with 1 <= K <= N, found {text:?}")),
        }
    }
}

impl Shard {
    /// True when `source` belongs to this shard: SHA-256 of its directory ([`shard_key`]). A
    /// directory goes to one shard whole: the files of one run (console log, JSON, CSV, HTML
    /// report, config, server log) are read as one run only when read together.
    fn owns(&self, source: &Source) -> bool {
        use sha2::{Digest, Sha256};
        let directory = shard_key(source);
        let digest = Sha256::digest(directory.as_bytes());
        let mut first = [0u8; 8];
        first.copy_from_slice(&digest[..8]);
        u64::from_be_bytes(first) % self.n == self.k - 1
    }
}

/// The directory of `source` as [`Shard::owns`] names it: its path below the directory input
/// it was found in, or its own name when that is the input itself or the file was named
/// itself, so that `results`, `results/run-7` and `results/run-7/*.json` give `run-7` alike,
/// wherever `results` is mounted. A tar archive is a directory of its own.
fn shard_key(source: &Source) -> String {
    let text = |path: &Path| path.to_string_lossy().replace('\\', "/");
    let below_root = source
        .root
        .as_ref()
        .and_then(|root| source.path.strip_prefix(root).ok())
        .and_then(Path::parent)
        .filter(|p| !p.as_os_str().is_empty());
    let directory = match below_root {
        Some(below) => text(below),
        None => source
            .canonical
            .parent()
            .and_then(Path::file_name)
            .map_or_else(String::new, |name| text(Path::new(name))),
    };
    match archive::is_tar(&source.path) {
        Ok(true) => format!(
            "{directory}/{}",
            source
                .path
                .file_name()
                .map_or_else(String::new, |n| text(Path::new(n)))
        ),
        _ => directory,
    }
}

/// The options that change what a conversion writes, as recorded in the manifest.
fn fingerprint(args: &ConvertArgs) -> String {
    let labels: Vec<String> = args
        .labels
        .iter()
        .map(|l| format!("{}={}", l.key, l.value))
        .collect();
    format!(
        "keep_text={};labels={};labels_from={}",
        args.keep_text,
        serde_json::to_string(&labels).unwrap_or_default(),
        args.labels_from.as_ref().map_or("", |r| r.as_str())
    )
}

/// The manifest key of a source: its canonical path, so that `a.log` and `./a.log` are one
/// source.
fn key(source: &Source) -> String {
    source.canonical.display().to_string()
}

/// The key of the source a run came from (`run_source`, as given): its file, or the archive
/// holding it (`archive!/entry`); `keys` maps paths as given to keys.
fn owner<'a>(run_source: &str, keys: &'a BTreeMap<String, String>) -> Option<&'a String> {
    if let Some(key) = keys.get(run_source) {
        return Some(key);
    }
    let archive = run_source.split_once("!/").map(|(archive, _)| archive)?;
    keys.get(archive)
}

/// Runs `convert`; returns the exit code.
pub fn run(args: &ConvertArgs) -> tidybench::Result<u8> {
    let started = Instant::now();
    // A dataset is never an input, even inside an input directory: the one written (`convert
    // runs -o runs/out`, or `convert runs -o runs`) or another.
    let output = std::fs::canonicalize(&args.output).ok();
    let is_output = |path: &Path| {
        output
            .as_ref()
            .is_some_and(|out| std::fs::canonicalize(path).is_ok_and(|p| &p == out))
    };
    if args
        .inputs
        .iter()
        .any(|p| store::is_dataset(p) && !is_output(p))
    {
        return Err(Error::Invalid(
            "an input is already a tidybench dataset; give the original files".into(),
        ));
    }
    let mut sources = discover(&args.inputs)?;
    let datasets: Vec<PathBuf> = sources
        .iter()
        .filter(|s| s.canonical.ends_with(store::dataset::RUNS_FILE))
        .filter_map(|s| s.canonical.parent().map(Path::to_path_buf))
        .filter(|dir| store::dataset::is_ours(dir))
        .chain(output)
        .collect();
    sources.retain(|s| {
        !datasets
            .iter()
            .any(|d| store::dataset::holds(d, &s.canonical))
    });
    // Sources of the inputs that belong to other shards (after a change of N, or of how
    // shards are chosen): their runs leave this shard's dataset.
    let mut elsewhere = BTreeSet::new();
    if let Some(shard) = args.shard {
        let (mine, others): (Vec<Source>, Vec<Source>) =
            sources.into_iter().partition(|s| shard.owns(s));
        elsewhere = others.iter().map(key).collect();
        sources = mine;
    }
    let options = fingerprint(args);
    let old = store::is_dataset(&args.output)
        .then(|| Manifest::read(&args.output))
        .flatten();
    let current: BTreeSet<String> = sources.iter().map(key).collect();

    // What changed since the manifest was written.
    let mut dirty = BTreeSet::new();
    for source in &sources {
        let unchanged = match old.as_ref().and_then(|m| m.sources.get(&key(source))) {
            Some(state)
                if !args.full && source.path.as_os_str() != STDIN && state.options == options =>
            {
                state.unchanged(&source.path)?
            }
            _ => false,
        };
        if !unchanged {
            dirty.insert(key(source));
        }
    }
    let removed: Vec<String> = old
        .as_ref()
        .map(|m| {
            m.sources
                .keys()
                .filter(|k| !current.contains(*k))
                .cloned()
                .collect()
        })
        .unwrap_or_default();
    if sources.is_empty() && args.shard.is_none() {
        eprintln!("error: no files to convert in {}", given(args));
        return Ok(super::EXIT_ALL_FAILED);
    }
    // The runs of a source not among this conversion's go with --prune, or when the source
    // belongs to another shard.
    let drops = |k: &String| args.prune || elsewhere.contains(k);
    let Some(old) = old else {
        let none = BTreeSet::new();
        let first = Retry::default();
        return convert(args, &sources, &none, None, (&[], &[]), started, &first);
    };
    let (dropped, left): (Vec<String>, Vec<String>) = removed.iter().cloned().partition(drops);
    if dirty.is_empty() && dropped.is_empty() {
        removed_note(&args.output, &dropped, &left, args.quiet);
        if !args.quiet {
            eprintln!(
                "{} is up to date: {} source(s) unchanged since it was written ({:.2}s)",
                args.output.display(),
                sources.len(),
                started.elapsed().as_secs_f64()
            );
        }
        return Ok(super::EXIT_OK);
    }
    // A new, changed or removed run config relabels every run of its directory.
    let config_dirs: Vec<String> = sources
        .iter()
        .filter(|s| is_run_config(s))
        .map(key)
        .filter(|k| dirty.contains(k))
        .chain(removed.iter().cloned())
        .filter_map(|k| {
            k.strip_suffix(tidybench::formats::run_config::FILE_NAME)
                .map(String::from)
        })
        .collect();
    for source in &sources {
        let k = key(source);
        if config_dirs.iter().any(|dir| k.starts_with(dir.as_str())) {
            dirty.insert(k);
        }
    }
    // A directory (or archive) is converted as a whole: its parts hold all its runs.
    let dirty_groups: BTreeSet<String> = dirty.iter().chain(&dropped).map(|k| group(k)).collect();
    for source in &sources {
        if dirty_groups.contains(&group(&key(source))) {
            dirty.insert(key(source));
        }
    }
    // Sources whose runs were merged with a changed source's (a console log and its report)
    // are converted again with it.
    let dirty = sharing_runs(&old, dirty, |k| current.contains(k));
    let kept: BTreeSet<String> = old
        .sources
        .keys()
        .filter(|k| !dirty.contains(*k) && (current.contains(*k) || !drops(k)))
        .cloned()
        .collect();
    convert(
        args,
        &sources,
        &kept,
        Some(&old),
        (&dropped, &left),
        started,
        &Retry::default(),
    )
}

/// The inputs given, as the user wrote them.
fn given(args: &ConvertArgs) -> String {
    let inputs: Vec<String> = args
        .inputs
        .iter()
        .map(|p| p.display().to_string())
        .collect();
    inputs.join(", ")
}

/// Says what becomes of the runs of sources converted earlier into `dataset` that are not
/// among this conversion's: `dropped` (with `--prune`, or of another shard) are removed; the
/// `left` are kept, which is a warning only for sources that no longer exist (converting other
/// inputs into the same dataset keeps the earlier ones, as meant).
fn removed_note(dataset: &Path, dropped: &[String], left: &[String], quiet: bool) {
    let named = |keys: &[&String]| {
        let mut list: Vec<&str> = keys.iter().take(3).map(|k| k.as_str()).collect();
        if keys.len() > 3 {
            list.push("…");
        }
        list.join(", ")
    };
    if !dropped.is_empty() && !quiet {
        let all: Vec<&String> = dropped.iter().collect();
        eprintln!(
            "removing the runs of {} source(s) not among this conversion's: {}",
            all.len(),
            named(&all)
        );
    }
    let gone: Vec<&String> = left
        .iter()
        .filter(|k| !Path::new(k.as_str()).exists())
        .collect();
    if !gone.is_empty() {
        let warning = Warning {
            path: dataset.to_path_buf(),
            line: None,
            message: format!(
                "{} source(s) converted earlier no longer exist: {}; their runs are kept \
                 (--prune removes them)",
                gone.len(),
                named(&gone)
            ),
        };
        super::problems::warn(&[warning], quiet);
    }
}

/// The group of a source key: its directory (all files of a run directory are read and
/// written together, so a console log and its report are merged, and a part file holds the
/// runs of one group only).
fn group(key: &str) -> String {
    match key.rsplit_once('/') {
        Some((dir, _)) => dir.to_string(),
        None => String::new(),
    }
}

/// Sources read at a time (whole directories): memory stays bounded by the runs of two
/// chunks (one written while the next is read), and the runs of a chunk share their part
/// files, one per table, model and config.
const CHUNK: usize = 64;

/// What the chunks of a conversion added up to.
#[derive(Default)]
struct Totals {
    files: usize,
    failures: usize,
    skipped: usize,
    metric_rows: usize,
    request_rows: usize,
    server_sample_rows: usize,
}

/// Converts every source not in `kept`, group by group and a chunk of groups at a time (their
/// parts written as they finish), and commits the dataset with the `kept` sources' runs and
/// parts (from the dataset's manifest `old`) unchanged; `removed`: the sources of `old` not
/// among this conversion's, dropped and left (see [`removed_note`]). With no input usable,
/// the dataset is left as it was.
fn convert(
    args: &ConvertArgs,
    sources: &[Source],
    kept: &BTreeSet<String>,
    old: Option<&Manifest>,
    removed: (&[String], &[String]),
    started: Instant,
    retry: &Retry,
) -> tidybench::Result<u8> {
    let held_back = &retry.held_back;
    let dir = &args.output;
    let existed = dir.exists();
    let options = ReadOptions {
        parse: ParseOptions {
            keep_text: args.keep_text,
            ..Default::default()
        },
        labels: args.labels.clone(),
        labels_from: args.labels_from.clone(),
        max_decompressed: args.max_decompressed,
        quiet: args.quiet,
    };
    let mut groups: BTreeMap<String, Vec<Source>> = BTreeMap::new();
    for source in sources.iter().filter(|s| {
        let k = key(s);
        !is_run_config(s) && !kept.contains(&k) && !held_back.contains(&k)
    }) {
        groups
            .entry(group(&key(source)))
            .or_default()
            .push(source.clone());
    }
    store::prepare(dir)?;
    let mut manifest = Manifest {
        version: manifest::VERSION,
        ..Manifest::default()
    };
    let mut parts: Vec<PathBuf> = Vec::new();
    let kept_rows = keep(dir, kept, old, &mut manifest, &mut parts)?;
    let mut totals = Totals {
        files: held_back.len(),
        failures: held_back.len(),
        ..Totals::default()
    };
    // The messages of the sources that failed, which are not recorded.
    let mut failed: Vec<String> = Vec::new();
    let mut run_frames = Vec::new();
    let chunks = chunked(groups, retry);
    // Where each group was read, for a conversion made again.
    let layout: BTreeMap<String, usize> = chunks
        .iter()
        .enumerate()
        .flat_map(|(i, chunk)| chunk.iter().map(move |(name, _)| (name.clone(), i)))
        .collect();
    // Each run's identity across files (GuideLLM's run id, vLLM's result id) and the groups
    // it was read in, to find copies read apart.
    let keys: BTreeMap<String, String> = sources
        .iter()
        .map(|s| match s.path.as_os_str() == STDIN {
            // Its runs name it so.
            true => (super::inputs::STDIN_NAME.to_string(), key(s)),
            false => (s.path.display().to_string(), key(s)),
        })
        .collect();
    let mut copies = kept_copies(kept_rows.as_ref(), kept, old)?;
    // Chunks are read one after the other while the one before is written.
    std::thread::scope(|scope| -> tidybench::Result<()> {
        // The writer also makes what needs the runs' ids, which may wait for a large
        // input's hash: the runs table and each source's runs, in the order they were read.
        let (to_writer, queue) = std::sync::mpsc::sync_channel::<Chunk>(0);
        let writer = scope.spawn(move || {
            queue
                .into_iter()
                .map(|c| write_chunk(dir, c))
                .collect::<Vec<_>>()
        });
        let mut read = Vec::new();
        for chunk in chunks.iter().filter(|c| !c.is_empty()) {
            let chunk_sources: Vec<Source> = chunk.iter().flat_map(|(_, g)| g.clone()).collect();
            let mut inputs = read_sources(&chunk_sources, &[], &options)?;
            totals.files += inputs.files;
            totals.failures += inputs.failures.len();
            totals.skipped += inputs.skipped.len();
            for run in &inputs.runs {
                let Some(source) = owner(&run.source_path.display().to_string(), &keys) else {
                    continue;
                };
                let id = frames::run_id(run);
                let start = reconcile::first_start(run);
                let format = &run.source_format;
                for copy in reconcile::copy_keys(&id, format, &run.extra_labels, start) {
                    copies.entry(copy).or_default().insert(group(source));
                }
            }
            // Sorted by partition, the runs are written from where they are.
            let mut runs: Vec<(usize, Run)> = inputs.runs.drain(..).enumerate().collect();
            runs.sort_by(|(_, a), (_, b)| (&a.model, &a.config).cmp(&(&b.model, &b.config)));
            let (read_at, runs) = runs.into_iter().unzip();
            // A closed queue means the writer stopped; its error is reported below.
            let _ = to_writer.send(Chunk {
                runs,
                read_at,
                sources: chunk_sources.clone(),
            });
            read.push((chunk_sources, inputs.failures, inputs.file_sha256));
        }
        drop(to_writer);
        let written = writer
            .join()
            .map_err(|_| Error::Invalid("the part writer stopped".into()))?;
        for ((chunk_sources, failures, file_sha256), written) in read.into_iter().zip(written) {
            let (written, runs_frame, runs_of) = written?;
            let failures: Vec<String> = failures.iter().map(Error::to_string).collect();
            failed.extend(failures.iter().cloned());
            run_frames.push(runs_frame);
            totals.metric_rows += written.metric_rows;
            totals.request_rows += written.request_rows;
            totals.server_sample_rows += written.server_sample_rows;
            record(
                &mut manifest,
                &fingerprint(args),
                &chunk_sources,
                runs_of,
                &failures,
                &parts_of_runs(dir, &written),
                &file_sha256,
            )?;
            parts.extend(written.files.into_keys());
        }
        Ok(())
    })?;
    // Run configs hold no runs, but a change to one relabels its directory next time (and one
    // that could not be read is tried again).
    let configs: Vec<Source> = sources
        .iter()
        .filter(|s| is_run_config(s) && !kept.contains(&key(s)))
        .cloned()
        .collect();
    record(
        &mut manifest,
        &fingerprint(args),
        &configs,
        BTreeMap::new(),
        &failed,
        &BTreeMap::new(),
        &HashMap::new(),
    )?;
    if let Some(rows) = kept_rows {
        run_frames.insert(0, rows);
    }
    let runs = match run_frames.len() {
        0 => frames::runs_frame(&[])?,
        _ => concat(
            run_frames
                .into_iter()
                .map(DataFrame::lazy)
                .collect::<Vec<_>>(),
            UnionArgs::default(),
        )
        .and_then(LazyFrame::collect)
        .map_err(|e| Error::polars("gathering the runs", e))?,
    };
    // The exit code speaks of the inputs given now: runs kept from other inputs do not count,
    // and the dataset is left as it was.
    let current: BTreeSet<String> = sources.iter().map(key).collect();
    let kept_in_use = old.is_some_and(|old| {
        kept.iter()
            .filter(|k| current.contains(*k))
            .any(|k| old.sources.get(k).is_some_and(|s| !s.runs.is_empty()))
    });
    // A shard may hold no directory of the inputs: its dataset is empty, not failed.
    let empty_shard = args.shard.is_some() && totals.files == 0;
    if totals.failures >= totals.files.saturating_sub(totals.skipped)
        && !kept_in_use
        && !empty_shard
    {
        // The parts written on the way (a kept part's rows carried out of it) go; a directory
        // this conversion made goes whole.
        match existed {
            true => store::discard_unlisted(dir, &parts)?,
            false => {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
        let left = match old {
            Some(_) => format!("; {} left as it was", dir.display()),
            None => String::new(),
        };
        match totals.files {
            0 => eprintln!("error: no files to convert in {}{left}", given(args)),
            n => eprintln!("error: none of the {n} input(s) could be converted{left}"),
        }
        return Ok(super::EXIT_ALL_FAILED);
    }
    // Made again, once: a source converted before that fails now is left as it was, with the
    // sources sharing its runs (tried again next time); the groups holding copies of one run
    // read apart (in two chunks, or one kept from before) are read together.
    // Standard input cannot be read twice: copies read apart are only said.
    let from_stdin = sources.iter().any(|s| s.path.as_os_str() == STDIN);
    if from_stdin && !retry.again() {
        let why = "with standard input among the inputs: its copies stay apart (convert them \
                   without standard input to have them as one)";
        let apart: Vec<Warning> = reconcile::read_apart(std::mem::take(&mut copies))
            .iter()
            .map(|groups| copies_apart(groups, why))
            .collect();
        super::problems::warn(&apart, args.quiet);
    }
    if !retry.again() && !from_stdin {
        let failing = failed_keys(sources, &failed);
        let hold = old.map_or_else(BTreeSet::new, |old| {
            held_runs(old, kept, &failing, removed.0)
        });
        let given_groups: BTreeSet<String> = keys.values().map(|k| group(k)).collect();
        let (apart, stuck): (Vec<BTreeSet<String>>, Vec<BTreeSet<String>>) =
            reconcile::read_apart(copies)
                .into_iter()
                .partition(|groups| groups.iter().all(|g| given_groups.contains(g)));
        let why = "not all of them given now: its copies stay apart until they are converted \
                   together";
        let stuck: Vec<Warning> = stuck.iter().map(|g| copies_apart(g, why)).collect();
        super::problems::warn(&stuck, args.quiet);
        let mut together: BTreeSet<String> = apart.into_iter().flatten().collect();
        if !hold.is_empty() || !together.is_empty() {
            store::discard_unlisted(dir, &parts)?;
            // Kept sources given now, of the groups read together or sharing runs with those,
            // are read again (with their groups).
            let current: BTreeSet<&String> = keys.values().collect();
            let mut reread: BTreeSet<String> = kept
                .iter()
                .filter(|k| current.contains(k) && together.contains(&group(k)))
                .cloned()
                .collect();
            if let Some(old) = old {
                reread = sharing_runs(old, reread, |k| current.contains(k));
            }
            together.extend(reread.iter().map(|k| group(k)));
            let kept: BTreeSet<String> = kept
                .union(&hold)
                .filter(|k| !reread.contains(*k))
                .cloned()
                .collect();
            let again = Retry {
                held_back: failing,
                together,
                layout,
            };
            return convert(args, sources, &kept, old, removed, started, &again);
        }
    }
    let run_count = runs.height();
    parts.sort();
    parts.dedup();
    let part_count = parts.len();
    store::commit(dir, runs, &parts)?;
    manifest.write(dir)?;
    removed_note(dir, removed.0, removed.1, args.quiet);
    let held: Vec<String> = sources
        .iter()
        .filter(|s| held_back.contains(&key(s)) && kept.contains(&key(s)))
        .map(|s| s.path.display().to_string())
        .collect();
    if !held.is_empty() && !args.quiet {
        eprintln!(
            "note: the runs converted earlier from what failed now are kept as they were: {}",
            held.join(", ")
        );
    }
    if !args.quiet {
        let skipped = match (totals.skipped, totals.failures) {
            (0, 0) => String::new(),
            (n, 0) => format!(" ({n} skipped)"),
            (0, f) => format!(" ({f} failed)"),
            (n, f) => format!(" ({n} skipped; {f} failed)"),
        };
        let unchanged = match kept.len().saturating_sub(held.len()) {
            0 => String::new(),
            n => format!(", {n} unchanged source(s) kept"),
        };
        let samples = match totals.server_sample_rows {
            0 => String::new(),
            n => format!(", {n} server sample(s)"),
        };
        eprintln!(
            "converted {} of {} file(s){skipped}{unchanged}: {run_count} run(s), {} metric row(s), {} request(s){samples} in {} file(s) under {} ({:.2}s)",
            totals.files - totals.failures - totals.skipped,
            totals.files,
            totals.metric_rows,
            totals.request_rows,
            part_count + 1,
            dir.display(),
            started.elapsed().as_secs_f64()
        );
    }
    Ok(match totals.failures {
        0 => super::EXIT_OK,
        _ => super::EXIT_SOME_FAILED,
    })
}

/// Takes the `kept` sources of the earlier conversion `old` into `manifest` and their parts
/// into `parts`; returns their rows of the runs table. A kept part that also
/// holds runs converted again (or pruned) is replaced by a part of the kept runs alone
/// ([`store::carry_part`]), so no run is lost or written twice.
fn keep(
    dir: &Path,
    kept: &BTreeSet<String>,
    old: Option<&Manifest>,
    manifest: &mut Manifest,
    parts: &mut Vec<PathBuf>,
) -> tidybench::Result<Option<DataFrame>> {
    let Some(old) = old else {
        return Ok(None);
    };
    let states: Vec<(&String, &SourceState)> = kept
        .iter()
        .filter_map(|k| old.sources.get_key_value(k))
        .collect();
    let kept_runs: BTreeSet<String> = states
        .iter()
        .flat_map(|(_, s)| s.runs.iter().cloned())
        .collect();
    if kept_runs.is_empty() {
        return Ok(None);
    }
    let ids = Series::new(
        "kept".into(),
        kept_runs.iter().map(String::as_str).collect::<Vec<&str>>(),
    );
    let rows = store::open(dir)?
        .runs
        .filter(col(tidybench::schema::runs::RUN_ID).is_in(lit(ids).implode(false), false))
        .collect()
        .map_err(|e| Error::polars(format!("reading the kept runs of {}", dir.display()), e))?;
    let superseded: BTreeSet<&String> = old
        .sources
        .iter()
        .filter(|(k, _)| !kept.contains(*k))
        .flat_map(|(_, s)| &s.parts)
        .collect();
    let sources_of = sources_of_runs(&rows)?;
    let mut carried: BTreeMap<&String, Option<(String, BTreeSet<String>)>> = BTreeMap::new();
    for part in states.iter().flat_map(|(_, s)| &s.parts) {
        if superseded.contains(part) && !carried.contains_key(part) {
            let new = store::carry_part(&dir.join(part), &sources_of)?.map(|(path, held)| {
                let relative = path.strip_prefix(dir).unwrap_or(&path);
                (relative.to_string_lossy().replace('\\', "/"), held)
            });
            carried.insert(part, new);
        }
    }
    for (k, state) in states {
        let mut state = state.clone();
        state.parts = state
            .parts
            .iter()
            .flat_map(|part| match carried.get(part) {
                None => vec![part.clone()],
                Some(Some((new, held))) if state.runs.iter().any(|r| held.contains(r)) => {
                    vec![new.clone()]
                }
                Some(_) => vec![],
            })
            .collect();
        state.parts.sort();
        state.parts.dedup();
        parts.extend(state.parts.iter().map(|p| dir.join(p)));
        manifest.sources.insert(k.clone(), state);
    }
    Ok(Some(rows))
}

/// `run_id` → `source_path` of the rows of a runs table.
fn sources_of_runs(runs: &DataFrame) -> tidybench::Result<BTreeMap<String, String>> {
    let columns = tidybench::frames::Columns(runs);
    let ids = columns.text(tidybench::schema::runs::RUN_ID)?;
    let paths = columns.text(tidybench::schema::runs::SOURCE_PATH)?;
    Ok(ids
        .into_iter()
        .zip(paths)
        .filter_map(|(id, path)| Some((id?, path?)))
        .collect())
}

/// The relative paths of the parts in `written` holding each run id.
fn parts_of_runs<'a>(dir: &Path, written: &'a store::Parts) -> BTreeMap<&'a str, Vec<String>> {
    let mut parts: BTreeMap<&str, Vec<String>> = BTreeMap::new();
    for (path, ids) in &written.files {
        let relative = path.strip_prefix(dir).unwrap_or(path);
        let relative = relative.to_string_lossy().replace('\\', "/");
        for id in ids {
            parts.entry(id.as_str()).or_default().push(relative.clone());
        }
    }
    parts
}

/// The runs of a chunk of sources, sorted by partition for writing.
struct Chunk {
    runs: Vec<Run>,
    /// Where each run was in the order the sources gave them.
    read_at: Vec<usize>,
    sources: Vec<Source>,
}

/// Writes the parts of `chunk`; returns them with the chunk's rows of the runs table and the
/// runs each source gave ([`runs_of`]), both in the order the runs were read.
fn write_chunk(
    dir: &Path,
    chunk: Chunk,
) -> tidybench::Result<(store::Parts, DataFrame, BTreeMap<String, Vec<String>>)> {
    let Chunk {
        runs,
        read_at,
        sources,
    } = chunk;
    let written = store::write_parts(dir, &runs).and_then(|written| {
        let mut in_read_order = vec![0; runs.len()];
        for (i, &at) in read_at.iter().enumerate() {
            in_read_order[at] = i as IdxSize;
        }
        let read = in_read_order.iter().map(|&i| &runs[i as usize]);
        let runs_of = runs_of(&sources, read);
        let runs_frame = frames::runs_frame(&runs)?
            .take(&IdxCa::from_vec("".into(), in_read_order))
            .map_err(|e| Error::polars("ordering the runs", e))?;
        Ok((written, runs_frame, runs_of))
    });
    // Freeing millions of numbers is work too: done beside the next chunk.
    rayon::spawn(move || drop(runs));
    written
}

/// The run ids each of `sources` gave (by key), merged runs counted for every source in them.
fn runs_of<'a>(
    sources: &[Source],
    runs: impl Iterator<Item = &'a Run>,
) -> BTreeMap<String, Vec<String>> {
    let given: BTreeMap<String, String> = sources
        .iter()
        .map(|s| (s.path.display().to_string(), key(s)))
        .collect();
    let mut runs_of: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for run in runs {
        let id = frames::run_id(run);
        let merged = [
            run.extra_labels
                .get(tidybench::reconcile::CONSOLE_SOURCE_LABEL),
            run.extra_labels.get("also_in"),
            run.extra_labels.get(tidybench::reconcile::SERVER_LOG_LABEL),
        ];
        let from = std::iter::once(run.source_path.display().to_string()).chain(
            merged
                .into_iter()
                .flatten()
                .flat_map(|list| list.split(", ").map(String::from).collect::<Vec<_>>()),
        );
        for path in from {
            if let Some(owner) = owner(&path, &given) {
                runs_of.entry(owner.clone()).or_default().push(id.clone());
            }
        }
    }
    runs_of
}

/// What a conversion made again knows from the first attempt ([`convert`]).
#[derive(Default)]
struct Retry {
    /// Sources that failed, not read again (those that gave runs before are kept).
    held_back: BTreeSet<String>,
    /// Groups holding copies of one run, read together in one chunk.
    together: BTreeSet<String>,
    /// The chunk each group was read in the first time.
    layout: BTreeMap<String, usize>,
}

/// The groups of sources to read, in chunks of about [`CHUNK`] sources. Made again, each
/// group is read in the chunk it was read in the first time (so that the copies read together
/// then still are), and the groups `together` in the first of theirs.
fn chunked(
    groups: BTreeMap<String, Vec<Source>>,
    retry: &Retry,
) -> Vec<Vec<(String, Vec<Source>)>> {
    if retry.layout.is_empty() {
        let mut chunks: Vec<Vec<(String, Vec<Source>)>> = vec![Vec::new()];
        for next in groups {
            let last = chunks.len() - 1;
            chunks[last].push(next);
            if chunks[last].iter().map(|(_, g)| g.len()).sum::<usize>() >= CHUNK {
                chunks.push(Vec::new());
            }
        }
        return chunks;
    }
    let joined = retry
        .together
        .iter()
        .filter_map(|g| retry.layout.get(g))
        .min()
        .copied()
        .unwrap_or(0);
    let mut chunks: BTreeMap<usize, Vec<(String, Vec<Source>)>> = BTreeMap::new();
    for (name, sources) in groups {
        let at = match retry.layout.get(&name) {
            Some(&at) if !retry.together.contains(&name) => at,
            _ => joined,
        };
        chunks.entry(at).or_default().push((name, sources));
    }
    chunks.into_values().collect()
}

impl Retry {
    /// True when this is the conversion made again.
    fn again(&self) -> bool {
        !self.held_back.is_empty() || !self.together.is_empty()
    }
}

/// A warning that the copies of one run in `groups` stay apart, and `why`.
fn copies_apart(groups: &BTreeSet<String>, why: &str) -> Warning {
    // Standard input's group has no directory.
    let names: Vec<&str> = groups
        .iter()
        .map(|g| match g.as_str() {
            "" => "standard input",
            g => g,
        })
        .collect();
    Warning {
        path: PathBuf::new(),
        line: None,
        message: format!("one run is in {}, {why}", names.join(", ")),
    }
}

/// The [`reconcile::copy_keys`] of the runs kept from the earlier conversion `old` (their rows
/// of the runs table, `rows`), each with the group of the kept source that gave it.
fn kept_copies(
    rows: Option<&DataFrame>,
    kept: &BTreeSet<String>,
    old: Option<&Manifest>,
) -> tidybench::Result<BTreeMap<String, BTreeSet<String>>> {
    let mut copies: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let (Some(rows), Some(old)) = (rows, old) else {
        return Ok(copies);
    };
    let source_of: HashMap<&str, &String> = kept
        .iter()
        .filter_map(|k| Some((k, old.sources.get(k)?)))
        .flat_map(|(k, state)| state.runs.iter().map(move |run| (run.as_str(), k)))
        .collect();
    let columns = tidybench::frames::Columns(rows);
    let ids = columns.text(tidybench::schema::runs::RUN_ID)?;
    let labels = columns.text(tidybench::schema::runs::LABELS)?;
    let formats = columns.text(tidybench::schema::runs::SOURCE_FORMAT)?;
    let started = rows
        .column(tidybench::schema::runs::STARTED_AT)
        .and_then(|c| c.cast(&DataType::Int64))
        .map_err(|e| Error::polars("reading the kept runs' starts", e))?;
    let started = started
        .i64()
        .map_err(|e| Error::polars("reading the kept runs' starts", e))?;
    for (row, (id, labels)) in ids.into_iter().zip(labels).enumerate() {
        let labels: BTreeMap<String, serde_json::Value> = labels
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default();
        let labels: BTreeMap<String, String> = labels
            .into_iter()
            .filter_map(|(k, v)| Some((k, v.as_str()?.to_string())))
            .collect();
        let Some((id, source)) = id.as_deref().and_then(|id| source_of.get_key_value(id)) else {
            continue;
        };
        let start = started.get(row).map(|micros| micros as f64 / 1e6);
        let format = formats[row].as_deref().unwrap_or_default();
        for copy in reconcile::copy_keys(id, format, &labels, start) {
            copies.entry(copy).or_default().insert(group(source));
        }
    }
    Ok(copies)
}

/// The keys of those of `sources` that `failures` (error messages, each starting with the
/// path of what failed, then `:`, or `!/` and an archive's entry) name.
fn failed_keys(sources: &[Source], failures: &[String]) -> BTreeSet<String> {
    let given: BTreeMap<String, String> = sources
        .iter()
        .map(|s| (s.path.display().to_string(), key(s)))
        .collect();
    failures
        .iter()
        .flat_map(|text| {
            given
                .iter()
                .filter(|(given, _)| {
                    text.strip_prefix(given.as_str())
                        .is_some_and(|rest| rest.starts_with(':') || rest.starts_with("!/"))
                })
                .map(|(_, k)| k.clone())
                .collect::<Vec<_>>()
        })
        .collect()
}

/// Of the `failing` sources, those that gave runs in the earlier conversion `old` (and are not
/// already `kept`), with every source of `old` sharing runs with them (a console log merged
/// with its report) but those `dropped` (pruned): what is kept as it was when the failing ones
/// cannot be read.
fn held_runs(
    old: &Manifest,
    kept: &BTreeSet<String>,
    failing: &BTreeSet<String>,
    dropped: &[String],
) -> BTreeSet<String> {
    let gave_runs = |k: &String| old.sources.get(k).is_some_and(|s| !s.runs.is_empty());
    let hold: BTreeSet<String> = failing
        .iter()
        .filter(|k| !kept.contains(*k) && gave_runs(k))
        .cloned()
        .collect();
    sharing_runs(old, hold, |k| !kept.contains(k) && !dropped.contains(k))
}

/// `sources` and every source of the earlier conversion `old` that shares runs with them, or
/// with those added so (a console log merged with its report), and that `admit` lets in.
fn sharing_runs(
    old: &Manifest,
    mut sources: BTreeSet<String>,
    admit: impl Fn(&String) -> bool,
) -> BTreeSet<String> {
    loop {
        let runs: BTreeSet<&String> = sources
            .iter()
            .filter_map(|k| old.sources.get(k))
            .flat_map(|s| &s.runs)
            .collect();
        let more: Vec<String> = old
            .sources
            .iter()
            .filter(|(k, s)| {
                !sources.contains(*k) && admit(k) && s.runs.iter().any(|r| runs.contains(r))
            })
            .map(|(k, _)| k.clone())
            .collect();
        if more.is_empty() {
            return sources;
        }
        sources.extend(more);
    }
}

/// Records the sources of one chunk in `manifest`: as they are now, with the runs they gave
/// (`runs_of`, see [`runs_of`]) and the parts holding them (`parts_of_runs`, by run id; failed
/// sources are left out, to be tried again; standard input too). A file's SHA-256 comes from
/// `file_sha256` when it was read whole, else (an archive) from reading it again. `options`
/// are the conversion's (`fingerprint`).
fn record(
    manifest: &mut Manifest,
    options: &str,
    sources: &[Source],
    mut runs_of: BTreeMap<String, Vec<String>>,
    failures: &[String],
    parts_of_runs: &BTreeMap<&str, Vec<String>>,
    file_sha256: &HashMap<PathBuf, SourceSha256>,
) -> tidybench::Result<()> {
    let failed = failed_keys(sources, failures);
    // Sizes, times and the hashes of files not read whole (archives), on every core.
    let states: Vec<(String, tidybench::Result<SourceState>)> = sources
        .par_iter()
        .map(|source| (key(source), source))
        .filter(|(k, source)| !failed.contains(k) && source.path.as_os_str() != STDIN)
        .map(|(k, source)| {
            let state = SourceState::stat(&source.path).and_then(|mut state| {
                state.sha256 = match file_sha256.get(&source.path) {
                    Some(sha256) => sha256.get().to_string(),
                    None => manifest::file_sha256(&source.path)?,
                };
                Ok(state)
            });
            (k, state)
        })
        .collect();
    for (k, state) in states {
        let mut state = state?;
        state.options = options.to_string();
        state.runs = runs_of.remove(&k).unwrap_or_default();
        state.runs.sort();
        state.runs.dedup();
        state.parts = state
            .runs
            .iter()
            .filter_map(|id| parts_of_runs.get(id.as_str()))
            .flatten()
            .cloned()
            .collect();
        state.parts.sort();
        state.parts.dedup();
        manifest.sources.insert(k, state);
    }
    Ok(())
}
