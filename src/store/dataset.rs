//! The dataset directory: `runs.parquet` and `metrics/model=<m>/config=<c>/part-<hash>.parquet`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use polars::prelude::*;
use sha2::{Digest, Sha256};

use super::parquet::{read_footer, write_atomic};
use crate::error::{Error, Result};
use crate::formats::Run;
use crate::frames::{self, Tables};
use crate::ingest::blob::hex;
use crate::schema::{self, metrics as m};

/// File name of the runs table inside a dataset.
pub const RUNS_FILE: &str = "runs.parquet";
/// Directory of the metrics table inside a dataset.
pub const METRICS_DIR: &str = "metrics";
/// Hive's name for a partition whose value is null.
const NULL_PARTITION: &str = "__HIVE_DEFAULT_PARTITION__";

/// What [`write`] wrote.
#[derive(Debug, Clone, Default)]
pub struct WriteSummary {
    /// Rows of `runs`.
    pub runs: usize,
    /// Rows of `metrics`.
    pub metric_rows: usize,
    /// Every file written, in order.
    pub files: Vec<PathBuf>,
}

/// True when `path` is a dataset directory written by `convert`.
pub fn is_dataset(path: &Path) -> bool {
    path.join(RUNS_FILE).is_file()
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
        (
            schema::META_SOURCES.into(),
            serde_json::to_string(sources).unwrap_or_default(),
        ),
    ]
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

/// Writes the dataset of `runs` into `dir`, replacing what an earlier `convert` wrote there.
pub fn write(dir: &Path, runs: &[Run]) -> Result<WriteSummary> {
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let mut summary = WriteSummary {
        runs: runs.len(),
        ..WriteSummary::default()
    };
    let all_sources: BTreeSet<String> = runs
        .iter()
        .map(|r| r.source_path.display().to_string())
        .collect();

    let metrics = frames::metrics_frame(runs)?;
    summary.metric_rows = metrics.height();
    let parts = metrics
        .partition_by([m::MODEL, m::CONFIG], true)
        .map_err(|e| Error::polars("partitioning metrics by model and config", e))?;
    let mut written = BTreeSet::new();
    for part in parts {
        let text = |name: &str| -> Option<String> {
            part.column(name)
                .ok()?
                .str()
                .ok()?
                .get(0)
                .map(str::to_string)
        };
        let (model, config) = (text(m::MODEL), text(m::CONFIG));
        let run_ids: BTreeSet<String> = part
            .column(m::RUN_ID)
            .ok()
            .and_then(|c| {
                c.str()
                    .ok()
                    .map(|s| s.iter().flatten().map(String::from).collect())
            })
            .unwrap_or_default();
        let sources: BTreeSet<String> = runs
            .iter()
            .filter(|r| run_ids.contains(&frames::run_id(r)))
            .map(|r| r.source_path.display().to_string())
            .collect();
        let digest = Sha256::digest(run_ids.iter().cloned().collect::<Vec<_>>().join(","));
        let path = dir
            .join(METRICS_DIR)
            .join(format!("model={}", encode_partition(model.as_deref())))
            .join(format!("config={}", encode_partition(config.as_deref())))
            .join(format!("part-{}.parquet", hex(&digest[..8])));
        write_atomic(part, &path, &footer_metadata(&sources))?;
        written.insert(path.clone());
        summary.files.push(path);
    }
    remove_stale_parts(&dir.join(METRICS_DIR), &written)?;

    let runs_path = dir.join(RUNS_FILE);
    write_atomic(
        frames::runs_frame(runs)?,
        &runs_path,
        &footer_metadata(&all_sources),
    )?;
    summary.files.push(runs_path);
    Ok(summary)
}

/// Removes `part-*.parquet` files (and then empty directories) under `dir` that this write did
/// not produce, so the dataset holds exactly the converted inputs.
fn remove_stale_parts(dir: &Path, keep: &BTreeSet<PathBuf>) -> Result<()> {
    for path in part_files(dir)? {
        if !keep.contains(&path) {
            std::fs::remove_file(&path).map_err(|e| Error::io(&path, e))?;
            let mut parent = path.parent();
            while let Some(p) = parent.filter(|p| *p != dir) {
                if std::fs::remove_dir(p).is_err() {
                    break;
                }
                parent = p.parent();
            }
        }
    }
    Ok(())
}

/// Every `part-*.parquet` file under `dir`, sorted.
pub fn part_files(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return Ok(files);
    }
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).map_err(|e| Error::io(&d, e))? {
            let path = entry.map_err(|e| Error::io(&d, e))?.path();
            let name = path
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if path.is_dir() {
                stack.push(path);
            } else if name.starts_with("part-") && name.ends_with(".parquet") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// Opens the dataset in `dir` lazily, after checking its schema version.
pub fn open(dir: &Path) -> Result<Tables> {
    let runs_path = dir.join(RUNS_FILE);
    let footer = read_footer(&runs_path)?;
    match footer.key_value.get(schema::META_SCHEMA_VERSION) {
        Some(v) if v == schema::SCHEMA_VERSION => {}
        Some(v) => {
            return Err(Error::Dataset {
                path: runs_path,
                reason: format!(
                    "schema version {v}, this tidybench reads version {}",
                    schema::SCHEMA_VERSION
                ),
            })
        }
        None => {
            return Err(Error::Dataset {
                path: runs_path,
                reason: "not written by tidybench (no tidybench.schema_version in the footer)"
                    .into(),
            })
        }
    }
    let scan = |path: &Path| {
        let args = ScanArgsParquet {
            hive_options: HiveOptions::new_disabled(),
            ..ScanArgsParquet::default()
        };
        LazyFrame::scan_parquet(PlRefPath::new(path.to_string_lossy().as_ref()), args)
            .map_err(|e| Error::polars(format!("reading {}", path.display()), e))
    };
    let runs = scan(&runs_path)?;
    let parts = part_files(&dir.join(METRICS_DIR))?;
    let metrics = if parts.is_empty() {
        frames::metrics_frame(&[])?.lazy()
    } else {
        let scans = parts.iter().map(|p| scan(p)).collect::<Result<Vec<_>>>()?;
        concat(scans, UnionArgs::default())
            .map_err(|e| Error::polars(format!("reading {}", dir.display()), e))?
    };
    Ok(Tables { runs, metrics })
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
    }
}
