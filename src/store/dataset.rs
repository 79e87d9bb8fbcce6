//! The dataset directory: `runs.parquet` and `metrics/model=<m>/config=<c>/part-<hash>.parquet`.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use polars::prelude::*;
use rayon::prelude::*;
use sha2::{Digest, Sha256};

use super::parquet::{read_footer, write_atomic, Footer};
use crate::error::{Error, Result};
use crate::formats::Run;
use crate::frames::{self, Tables, Text, Unnamed};
use crate::ingest::blob::hex;
use crate::schema::{
    self, metrics as m, METRICS_COLUMNS, REQUESTS_COLUMNS, SERVER_SAMPLES_COLUMNS,
};

/// File name of the runs table inside a dataset.
pub const RUNS_FILE: &str = "runs.parquet";
/// Directory of the metrics table inside a dataset.
pub const METRICS_DIR: &str = "metrics";
/// Footer key of `runs.parquet` listing the dataset's part files (JSON array of paths
/// relative to the dataset directory).
pub const META_PARTS: &str = "tidybench.parts";
/// Footer key of each metrics part naming its partition values (JSON object), so a part file
/// read on its own still says which model and config it holds.
pub const META_PARTITION: &str = "tidybench.partition";
/// Directory of the requests table inside a dataset.
pub const REQUESTS_DIR: &str = "requests";
/// Directory of the server_samples table inside a dataset.
pub const SERVER_SAMPLES_DIR: &str = "server_samples";
/// Hive's name for a partition whose value is null.
const NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// What [`write`] wrote.
#[derive(Debug, Clone, Default)]
pub struct WriteSummary {
    /// Rows of `runs`.
    pub runs: usize,
    /// Rows of `metrics`.
    pub metric_rows: usize,
    /// Rows of `requests`.
    pub request_rows: usize,
    /// Rows of `server_samples`.
    pub server_sample_rows: usize,
    /// Every file written, in order.
    pub files: Vec<PathBuf>,
}

/// True when `path` is a dataset directory written by `convert`.
pub fn is_dataset(path: &Path) -> bool {
    path.join(RUNS_FILE).is_file()
}

/// True when `dir` holds a `runs.parquet` that tidybench wrote.
pub fn is_ours(dir: &Path) -> bool {
    written_by_us(&dir.join(RUNS_FILE))
}

/// True when the Parquet file at `path` was written by tidybench (its footer says so).
fn written_by_us(path: &Path) -> bool {
    read_footer(path).is_ok_and(|f| f.key_value.contains_key(schema::META_SCHEMA_VERSION))
}

/// True when `path` is (or is under) one of the files a dataset in `dir` is made of: its
/// runs table, manifest and table directories (paths as the same kind: both canonical, say).
pub fn holds(dir: &Path, path: &Path) -> bool {
    let Ok(inside) = path.strip_prefix(dir) else {
        return false;
    };
    let first = inside.components().next().map(|c| c.as_os_str());
    [
        RUNS_FILE,
        super::manifest::MANIFEST_FILE,
        METRICS_DIR,
        REQUESTS_DIR,
        SERVER_SAMPLES_DIR,
    ]
    .iter()
    .any(|name| first == Some(std::ffi::OsStr::new(name)))
}

fn footer_metadata(sources: &BTreeSet<String>) -> Vec<(String, String)> {
    vec![
        (
            schema::META_SCHEMA_VERSION.into(),
            schema::SCHEMA_VERSION.into(),
        ),
        (
            schema::META_WRITER_VERSION.into(),
            env!("CARGO_PKG_VERSION").into(),
        ),
        sources_metadata(sources),
    ]
}

/// The footer entry naming the sources of a file's rows.
fn sources_metadata(sources: &BTreeSet<String>) -> (String, String) {
    (
        schema::META_SOURCES.into(),
        serde_json::to_string(sources).unwrap_or_default(),
    )
}

/// Encodes a partition value for a directory name (`/` → `%2F`, ...), as DuckDB, Polars and
/// Spark decode it.
pub fn encode_partition(value: Option<&str>) -> String {
    let Some(value) = value else {
        return NULL_PARTITION.into();
    };
    let mut out = String::with_capacity(value.len());
    for b in value.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b'-') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    if out.is_empty() || out == "." || out == ".." {
        out = out.replace('.', "%2E");
    }
    out
}

/// Writes the dataset of `runs` into `dir`: [`prepare`], [`write_parts`], [`commit`].
pub fn write(dir: &Path, runs: &[Run]) -> Result<WriteSummary> {
    prepare(dir)?;
    let parts = write_parts(dir, runs)?;
    let mut files: Vec<PathBuf> = parts.files.into_keys().collect();
    files.push(commit(dir, frames::runs_frame(runs)?, &files)?);
    Ok(WriteSummary {
        runs: runs.len(),
        metric_rows: parts.metric_rows,
        request_rows: parts.request_rows,
        server_sample_rows: parts.server_sample_rows,
        files,
    })
}

/// Creates the dataset directory `dir` and removes the temporary files a killed write left;
/// refuses a directory whose `runs.parquet` is not one of ours.
pub fn prepare(dir: &Path) -> Result<()> {
    let runs_path = dir.join(RUNS_FILE);
    if runs_path.exists() {
        checked_footer(&runs_path)?;
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    remove_stale_temporaries(dir);
    Ok(())
}

/// The model and config of a partition.
type Partition = (Option<String>, Option<String>);

/// Part files written by [`write_parts`].
#[derive(Debug, Clone, Default)]
pub struct Parts {
    /// The files, in order, with the `run_id`s each holds.
    pub files: BTreeMap<PathBuf, BTreeSet<String>>,
    /// Rows of `metrics` in them.
    pub metric_rows: usize,
    /// Rows of `requests` in them.
    pub request_rows: usize,
    /// Rows of `server_samples` in them.
    pub server_sample_rows: usize,
}

/// Writes the metrics and requests of `runs` as part files under `dir`, one per table, model
/// and config (the partitions written in parallel), each named by the hash of its bytes (so
/// parts of other rows never collide, and the same rows always give the same file).
/// Nothing lists them until [`commit`]; readers of the dataset do not see them before.
pub fn write_parts(dir: &Path, runs: &[Run]) -> Result<Parts> {
    // One part per table, model and config: the runs grouped here, not the rows. Runs sorted
    // by model and config (or all of one) are written from where they are, others copied.
    let key = |run: &Run| (run.model.clone(), run.config.clone());
    let mut ranges: Vec<(Partition, std::ops::Range<usize>)> = Vec::new();
    for (i, run) in runs.iter().enumerate() {
        match ranges.last_mut() {
            Some((k, range)) if *k == key(run) => range.end = i + 1,
            _ => ranges.push((key(run), i..i + 1)),
        }
    }
    let mut keys: Vec<_> = ranges.iter().map(|(k, _)| k.clone()).collect();
    keys.sort();
    keys.dedup();
    let contiguous = keys.len() == ranges.len();
    let written: Vec<Result<Parts>> = keys
        .par_iter()
        .map(|k| {
            let group: std::borrow::Cow<[Run]> = match ranges.iter().find(|(r, _)| r == k) {
                Some((_, range)) if contiguous => runs[range.clone()].into(),
                _ => runs.iter().filter(|r| key(r) == *k).cloned().collect(),
            };
            let partition = (k.0.as_deref(), k.1.as_deref());
            // A partition's tables are built side by side, then given their runs' ids (which
            // may wait for a large input's hash) and written side by side.
            let built: Vec<Result<Unnamed>> = PARTITIONED
                .par_iter()
                .map(|table| (table.rows)(&group))
                .collect();
            let sources_of: Vec<(String, String)> = group
                .iter()
                .map(|r| (frames::run_id(r), r.source_path.display().to_string()))
                .collect();
            PARTITIONED
                .par_iter()
                .zip(built)
                .map(|(table, built)| {
                    let frame = built?.named(&group)?;
                    let rows = frame.height();
                    let mut parts = Parts::default();
                    if rows == 0 {
                        return Ok(parts);
                    }
                    match table.dir {
                        METRICS_DIR => parts.metric_rows += rows,
                        REQUESTS_DIR => parts.request_rows += rows,
                        _ => parts.server_sample_rows += rows,
                    }
                    let (path, ids) = write_part(dir, table, frame, partition, &sources_of)?;
                    parts.files.insert(path, ids);
                    Ok(parts)
                })
                .collect::<Vec<Result<Parts>>>()
        })
        .flatten()
        .collect();
    let mut parts = Parts::default();
    for written in written {
        let written = written?;
        parts.metric_rows += written.metric_rows;
        parts.request_rows += written.request_rows;
        parts.server_sample_rows += written.server_sample_rows;
        parts.files.extend(written.files);
    }
    Ok(parts)
}

/// Writes the rows of the runs in `sources_of` (`run_id` → source path) that the part file
/// `part` holds into a part of their own beside it, named by its bytes, for when the other
/// runs of `part` are written again. Its footer is the original's, naming only these runs'
/// sources. Returns the new part and the run ids it holds, or `None` when `part` holds none of
/// the runs.
pub fn carry_part(
    part: &Path,
    sources_of: &BTreeMap<String, String>,
) -> Result<Option<(PathBuf, BTreeSet<String>)>> {
    let ids = Series::new(
        "carried".into(),
        sources_of.keys().map(String::as_str).collect::<Vec<&str>>(),
    );
    let args = ScanArgsParquet {
        hive_options: HiveOptions::new_disabled(),
        glob: false,
        ..ScanArgsParquet::default()
    };
    let rows = LazyFrame::scan_parquet(PlRefPath::new(part.to_string_lossy().as_ref()), args)
        .and_then(|frame| {
            frame
                .filter(col(m::RUN_ID).is_in(lit(ids).implode(false), false))
                .collect()
        })
        .map_err(|e| Error::polars(format!("reading {}", part.display()), e))?;
    if rows.height() == 0 {
        return Ok(None);
    }
    let held = run_ids_of(&rows);
    let sources: BTreeSet<String> = held
        .iter()
        .filter_map(|id| sources_of.get(id).cloned())
        .collect();
    let mut metadata: Vec<(String, String)> = read_footer(part)?
        .key_value
        .into_iter()
        .filter(|(key, _)| key.as_str() != schema::META_SOURCES)
        .collect();
    metadata.push(sources_metadata(&sources));
    let dir = part.parent().unwrap_or(Path::new("."));
    let path = write_file_of_part(rows, dir, &metadata)?;
    Ok(Some((path, held)))
}

/// The distinct `run_id`s of a part's rows (a run's rows are mostly next to each other; an
/// enum column holds exactly the ids of its rows as its categories).
fn run_ids_of(part: &DataFrame) -> BTreeSet<String> {
    let mut ids = BTreeSet::new();
    if let Some(DataType::Enum(categories, _)) = part.column(m::RUN_ID).ok().map(|c| c.dtype()) {
        let ids = categories.categories().values_iter();
        return ids.map(str::to_string).collect();
    }
    if let Some(column) = part.column(m::RUN_ID).ok().and_then(|c| c.str().ok()) {
        let mut last = None;
        for id in column.iter().flatten() {
            if last != Some(id) && !ids.contains(id) {
                ids.insert(id.to_string());
            }
            last = Some(id);
        }
    }
    ids
}

/// The file name of the part holding `run_ids`: a hash of them.
/// Writes a part file of `frame` into `dir`, named by its own bytes (`part-<first 16 hex digits
/// of their SHA-256>.parquet`): the same rows always give the same file, and a part holding
/// other rows never replaces a file the dataset lists (a part named by its run ids would be
/// rewritten in place when those runs are converted again with other rows). Returns its path.
fn write_file_of_part(
    frame: DataFrame,
    dir: &Path,
    metadata: &[(String, String)],
) -> Result<PathBuf> {
    static STAGED: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = STAGED.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    // Hidden and named as a temporary, so that a write killed here is cleaned up later.
    let staged = dir.join(format!(".part-{n}.tmp-{}", std::process::id()));
    write_atomic(frame, &staged, metadata)?;
    let named = std::fs::read(&staged)
        .map_err(|e| Error::io(&staged, e))
        .and_then(|bytes| {
            let path = dir.join(format!(
                "part-{}.parquet",
                hex(&Sha256::digest(&bytes)[..8])
            ));
            std::fs::rename(&staged, &path).map_err(|e| Error::io(&path, e))?;
            Ok(path)
        });
    if named.is_err() {
        let _ = std::fs::remove_file(&staged);
    }
    named
}

/// Makes `dir` the dataset of the `runs` table (rows in the schema of [`frames::runs_frame`])
/// and the part files `parts`: writes `runs.parquet` (its footer lists the parts, so readers
/// switch to the new dataset in one rename), then removes every part of ours it does not list
/// (those an earlier `runs.parquet` listed, and those a killed write left). A crash at any
/// point leaves the old or the new dataset readable. Returns the path of `runs.parquet`.
pub fn commit(dir: &Path, runs: DataFrame, parts: &[PathBuf]) -> Result<PathBuf> {
    let runs_path = dir.join(RUNS_FILE);
    let old_parts = if runs_path.exists() {
        listed_parts(dir, &checked_footer(&runs_path)?)?
    } else {
        Vec::new()
    };
    let columns = crate::frames::Columns(&runs);
    let all_sources: BTreeSet<String> = columns
        .text(schema::runs::SOURCE_PATH)?
        .into_iter()
        .flatten()
        .collect();
    let listed: BTreeSet<&PathBuf> = parts.iter().collect();
    let names: Vec<String> = listed
        .iter()
        .filter_map(|p| p.strip_prefix(dir).ok())
        .map(|p| p.to_string_lossy().replace('\\', "/"))
        .collect();
    let mut metadata = footer_metadata(&all_sources);
    metadata.push((
        META_PARTS.into(),
        serde_json::to_string(&names).unwrap_or_default(),
    ));
    write_atomic(runs, &runs_path, &metadata)?;
    for stale in old_parts.iter().filter(|p| !listed.contains(p)) {
        remove_part(dir, stale)?;
    }
    // Parts of ours no `runs.parquet` lists: left by a write that was killed. A file of that
    // name is ours when its footer says so; another tool's file is left alone.
    for table in &PARTITIONED {
        for orphan in our_parts(&dir.join(table.dir)) {
            if !listed.contains(&orphan) && written_by_us(&orphan) {
                remove_part(dir, &orphan)?;
            }
        }
    }
    Ok(runs_path)
}

/// Removes those of `written` (parts a conversion wrote and then abandoned) that the
/// dataset's `runs.parquet` does not list; nothing else is touched.
pub fn discard_unlisted(dir: &Path, written: &[PathBuf]) -> Result<()> {
    let runs_path = dir.join(RUNS_FILE);
    let listed: BTreeSet<PathBuf> = if runs_path.exists() {
        listed_parts(dir, &checked_footer(&runs_path)?)?
            .into_iter()
            .collect()
    } else {
        BTreeSet::new()
    };
    for part in written.iter().filter(|p| !listed.contains(*p)) {
        remove_part(dir, part)?;
    }
    Ok(())
}

/// The part files under `root` named as this crate names them (`part-<16 hex>.parquet`).
fn our_parts(root: &Path) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            let ours = name
                .strip_prefix("part-")
                .and_then(|n| n.strip_suffix(".parquet"))
                .is_some_and(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()));
            if path.is_dir() {
                stack.push(path);
            } else if ours {
                found.push(path);
            }
        }
    }
    found
}

/// A table stored in hive partitions by model and config.
struct Partitioned {
    dir: &'static str,
    columns: &'static [&'static str],
    rows: fn(&[Run]) -> Result<Unnamed>,
}

/// The partitioned tables of a dataset: metrics, requests, server samples.
const PARTITIONED: [Partitioned; 3] = [
    Partitioned {
        dir: METRICS_DIR,
        columns: &METRICS_COLUMNS,
        rows: |runs| frames::metrics_rows(runs, Text::Enums),
    },
    Partitioned {
        dir: REQUESTS_DIR,
        columns: &REQUESTS_COLUMNS,
        rows: frames::requests_rows,
    },
    Partitioned {
        dir: SERVER_SAMPLES_DIR,
        columns: &SERVER_SAMPLES_COLUMNS,
        rows: frames::server_samples_rows,
    },
];

/// Writes `frame` as one part file per model and config under `dir/table.dir`; returns the
/// path written and the run ids it holds.
fn write_part(
    dir: &Path,
    table: &Partitioned,
    part: DataFrame,
    (model, config): (Option<&str>, Option<&str>),
    sources_of: &[(String, String)],
) -> Result<(PathBuf, BTreeSet<String>)> {
    let run_ids = run_ids_of(&part);
    let sources: BTreeSet<String> = sources_of
        .iter()
        .filter(|(id, _)| run_ids.contains(id))
        .map(|(_, source)| source.clone())
        .collect();
    let part_dir = dir
        .join(table.dir)
        .join(format!("model={}", encode_partition(model)))
        .join(format!("config={}", encode_partition(config)));
    // Hive layout: the partition values live in the directory names only, as Spark,
    // pyarrow and pandas expect (a column in both places makes them refuse to merge).
    let part = part
        .select(
            table
                .columns
                .iter()
                .copied()
                .filter(|c| *c != m::MODEL && *c != m::CONFIG),
        )
        .map_err(|e| Error::polars(format!("selecting the {} columns", table.dir), e))?;
    let mut metadata = footer_metadata(&sources);
    metadata.push((
        META_PARTITION.into(),
        serde_json::json!({ m::MODEL: model, m::CONFIG: config }).to_string(),
    ));
    let path = write_file_of_part(part, &part_dir, &metadata)?;
    Ok((path, run_ids))
}

/// Removes the temporary files (`.<name>.tmp-<pid>`) a write that was killed left in `dir`'s
/// tables; they are hidden, so no reader ever saw them.
fn remove_stale_temporaries(dir: &Path) {
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&d) else {
            continue;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name().to_string_lossy().into_owned();
            if path.is_dir() && !name.starts_with('.') {
                stack.push(path);
            } else if name.starts_with('.') && name.contains(".tmp-") {
                let _ = std::fs::remove_file(&path);
            }
        }
    }
}

/// Removes one part file that an earlier write listed, then its directories while empty.
fn remove_part(dir: &Path, part: &Path) -> Result<()> {
    match std::fs::remove_file(part) {
        Ok(()) => {}
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(Error::io(part, e)),
    }
    // Empty partition directories go too, up to (not including) the table's directory.
    let Some(table) = part
        .strip_prefix(dir)
        .ok()
        .and_then(|rel| rel.components().next())
        .map(|first| dir.join(first))
    else {
        return Ok(());
    };
    let mut parent = part.parent();
    while let Some(p) = parent.filter(|p| p.starts_with(&table) && *p != table) {
        if std::fs::remove_dir(p).is_err() {
            break;
        }
        parent = p.parent();
    }
    Ok(())
}

/// The part files a `runs.parquet` footer lists, as paths under `dir`. A listed path that
/// would lead outside `dir` is refused.
fn listed_parts(dir: &Path, footer: &Footer) -> Result<Vec<PathBuf>> {
    let runs_path = dir.join(RUNS_FILE);
    let listed: Vec<String> = footer
        .key_value
        .get(META_PARTS)
        .map(|v| serde_json::from_str(v))
        .transpose()
        .map_err(|e| Error::Dataset {
            path: runs_path.clone(),
            reason: format!("footer key {META_PARTS} is not a JSON list of paths: {e}"),
        })?
        .unwrap_or_default();
    listed
        .into_iter()
        .map(|rel| {
            let safe = !rel.is_empty()
                && Path::new(&rel)
                    .components()
                    .all(|c| matches!(c, std::path::Component::Normal(_)));
            if safe {
                Ok(dir.join(rel))
            } else {
                Err(Error::Dataset {
                    path: runs_path.clone(),
                    reason: format!("footer lists a part outside the dataset: {rel}"),
                })
            }
        })
        .collect()
}

/// The footer of a `runs.parquet`, after checking that tidybench wrote it in this schema version.
fn checked_footer(runs_path: &Path) -> Result<Footer> {
    let footer = read_footer(runs_path)?;
    match footer.key_value.get(schema::META_SCHEMA_VERSION) {
        Some(v) if v == schema::SCHEMA_VERSION => Ok(footer),
        Some(v) => Err(Error::Dataset {
            path: runs_path.to_path_buf(),
            reason: format!(
                "schema version {v}, this tidybench reads version {}",
                schema::SCHEMA_VERSION
            ),
        }),
        None => Err(Error::Dataset {
            path: runs_path.to_path_buf(),
            reason: "not written by tidybench (no tidybench.schema_version in the footer)".into(),
        }),
    }
}

/// The part files of the dataset in `dir`, as its `runs.parquet` lists them.
pub fn parts(dir: &Path) -> Result<Vec<PathBuf>> {
    listed_parts(dir, &checked_footer(&dir.join(RUNS_FILE))?)
}

/// Opens the dataset in `dir` lazily, after checking its schema version and that every part
/// its `runs.parquet` lists is there.
pub fn open(dir: &Path) -> Result<Tables> {
    let runs_path = dir.join(RUNS_FILE);
    let parts = listed_parts(dir, &checked_footer(&runs_path)?)?;
    if let Some(missing) = parts.iter().find(|p| !p.is_file()) {
        return Err(Error::Dataset {
            path: dir.to_path_buf(),
            reason: format!(
                "incomplete: {} is listed in {RUNS_FILE} but missing",
                missing.display()
            ),
        });
    }
    let runs = scan(&runs_path)?;
    let mut frames = Vec::new();
    for table in &PARTITIONED {
        let root = dir.join(table.dir);
        let scans = parts
            .iter()
            .filter(|p| p.starts_with(&root))
            .map(|p| {
                let (model, config) = partition_values(dir, p);
                let text = |v: Option<String>| match v {
                    Some(v) => lit(v),
                    None => lit(NULL).cast(DataType::String),
                };
                Ok(scan(p)?
                    .with_columns([text(model).alias(m::MODEL), text(config).alias(m::CONFIG)])
                    .select(table.columns.iter().map(|c| col(*c)).collect::<Vec<_>>()))
            })
            .collect::<Result<Vec<_>>>()?;
        frames.push(if scans.is_empty() {
            // Built as for storage, read as every part is: an enum of no values as text (some
            // Polars operations panic on an enum column without categories).
            let empty = (table.rows)(&[])?.named(&[])?;
            let as_text: Vec<Expr> = empty
                .columns()
                .iter()
                .filter(|column| matches!(column.dtype(), DataType::Enum(..)))
                .map(|column| col(column.name().clone()).cast(DataType::String))
                .collect();
            empty.lazy().with_columns(as_text)
        } else {
            concat(scans, UnionArgs::default())
                .map_err(|e| Error::polars(format!("reading {}", root.display()), e))?
        });
    }
    let [metrics, requests, server_samples]: [LazyFrame; 3] = frames
        .try_into()
        .map_err(|_| Error::Invalid("three partitioned tables expected".into()))?;
    Ok(Tables {
        runs,
        metrics,
        requests,
        server_samples,
    })
}

/// A lazy scan of the Parquet file `path`.
fn scan(path: &Path) -> Result<LazyFrame> {
    let args = ScanArgsParquet {
        hive_options: HiveOptions::new_disabled(),
        // Paths are literal: a dataset in a directory named `d*` is not a pattern.
        glob: false,
        ..ScanArgsParquet::default()
    };
    LazyFrame::scan_parquet(PlRefPath::new(path.to_string_lossy().as_ref()), args)
        .map_err(|e| Error::polars(format!("reading {}", path.display()), e))
}

/// `error`, met while reading the dataset in `dir`, blamed on the first of its files that
/// cannot be read in full, when there is one: Polars' own errors name no file. Every file is
/// read only here, once something has failed.
pub fn blame_damaged_file(dir: &Path, error: Error) -> Error {
    if !matches!(&error, Error::Polars { source, .. } if is_read_error(source)) {
        return error;
    }
    let runs_path = dir.join(RUNS_FILE);
    let Ok(parts) = checked_footer(&runs_path).and_then(|footer| listed_parts(dir, &footer)) else {
        return error;
    };
    let damaged = std::iter::once(runs_path).chain(parts).find_map(|path| {
        let read = scan(&path).and_then(|frame| {
            frame
                .collect()
                .map_err(|e| Error::polars("reading".to_string(), e))
        });
        read.err().map(|e| (path, e))
    });
    match damaged {
        Some((path, Error::Polars { source, .. })) => Error::Dataset {
            path,
            reason: format!("damaged, cannot be read: {source}"),
        },
        Some((_, other)) => other,
        None => error,
    }
}

/// True when `error` comes from reading a file (its bytes, or their Parquet encoding), not
/// from what was asked of the data (a cast, a type).
fn is_read_error(error: &PolarsError) -> bool {
    match error {
        PolarsError::Context { error, .. } | PolarsError::ExprContext { error, .. } => {
            is_read_error(error)
        }
        PolarsError::IO { .. } => true,
        other => other.to_string().starts_with("parquet: "),
    }
}

/// Decodes a partition directory name written by [`encode_partition`].
pub fn decode_partition(text: &str) -> Option<String> {
    if text == NULL_PARTITION {
        return None;
    }
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    Some(String::from_utf8_lossy(&out).into_owned())
}

/// The `key=value` partition values in the directories of `part` (relative to `dir`).
fn partition_values(dir: &Path, part: &Path) -> (Option<String>, Option<String>) {
    let mut model = None;
    let mut config = None;
    let relative = part.strip_prefix(dir).unwrap_or(part);
    for component in relative.components() {
        let text = component.as_os_str().to_string_lossy();
        if let Some(value) = text.strip_prefix("model=") {
            model = decode_partition(value);
        } else if let Some(value) = text.strip_prefix("config=") {
            config = decode_partition(value);
        }
    }
    (model, config)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn partition_values_are_percent_encoded() {
        assert_eq!(encode_partition(Some("Qwen/Qwen3-8B")), "Qwen%2FQwen3-8B");
        assert_eq!(
            encode_partition(Some("cpu+fs offload")),
            "cpu%2Bfs%20offload"
        );
        assert_eq!(encode_partition(None), NULL_PARTITION);
        assert_eq!(encode_partition(Some("..")), "%2E%2E");
        for value in ["Qwen/Qwen3-8B", "cpu+fs offload-20k", "ünïcode=%", ".."] {
            assert_eq!(
                decode_partition(&encode_partition(Some(value))).as_deref(),
                Some(value)
            );
        }
        assert_eq!(decode_partition(NULL_PARTITION), None);
        assert_eq!(decode_partition("bad%zz%4"), Some("bad%zz%4".into()));
    }
}
