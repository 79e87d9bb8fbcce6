//! `_manifest.json`: what each source of a dataset was when it was converted (size,
//! modification time, SHA-256) and which runs it gave, so that a re-run converts only what
//! changed. Written last, after `runs.parquet`; a dataset without one is converted whole.

use std::collections::BTreeMap;
use std::path::Path;

use sha2::{Digest, Sha256};

use crate::error::{Error, Result};
use crate::ingest::blob::hex;

/// File name of the manifest inside a dataset.
pub const MANIFEST_FILE: &str = "_manifest.json";

/// The manifest of one dataset.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Manifest {
    /// Format version of this file.
    pub version: u32,
    /// The conversion options the dataset was written with (labels, kept text, ...): a
    /// re-run with other options converts everything again.
    pub options: String,
    /// Every source converted, by path as given.
    pub sources: BTreeMap<String, SourceState>,
}

/// One source as it was converted.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SourceState {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub modified_ns: u128,
    /// SHA-256 of the file's bytes (as stored, compressed or not).
    pub sha256: String,
    /// The runs it gave (`run_id`s).
    pub runs: Vec<String>,
    /// The part files holding the runs of its group (the sources of one directory, or one
    /// archive), relative to the dataset.
    #[serde(default)]
    pub parts: Vec<String>,
}

impl SourceState {
    /// The size and modification time of the file at `path` (no hash yet).
    pub fn stat(path: &Path) -> Result<SourceState> {
        let meta = std::fs::metadata(path).map_err(|e| Error::io(path, e))?;
        let modified_ns = meta
            .modified()
            .ok()
            .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |d| d.as_nanos());
        Ok(SourceState {
            size: meta.len(),
            modified_ns,
            ..SourceState::default()
        })
    }

    /// True when the file at `path` is still what this state recorded: same size and
    /// modification time, or (a file touched or copied) the same SHA-256.
    pub fn unchanged(&self, path: &Path) -> Result<bool> {
        let now = SourceState::stat(path)?;
        if now.size != self.size {
            return Ok(false);
        }
        if now.modified_ns == self.modified_ns {
            return Ok(true);
        }
        Ok(file_sha256(path)? == self.sha256)
    }
}

/// SHA-256 of the file at `path`, read in blocks.
pub fn file_sha256(path: &Path) -> Result<String> {
    let mut file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
    let mut hasher = Sha256::new();
    std::io::copy(&mut file, &mut hasher).map_err(|e| Error::io(path, e))?;
    Ok(hex(&hasher.finalize()))
}

impl Manifest {
    /// The manifest of the dataset in `dir`, if it has one that this version reads.
    pub fn read(dir: &Path) -> Option<Manifest> {
        let text = std::fs::read_to_string(dir.join(MANIFEST_FILE)).ok()?;
        serde_json::from_str::<Manifest>(&text)
            .ok()
            .filter(|m| m.version == 1)
    }

    /// Writes the manifest into `dir` (temporary name, then rename).
    pub fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join(MANIFEST_FILE);
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| Error::Invalid(format!("writing {}: {e}", path.display())))?;
        super::write_bytes_atomic(&path, (text + "\n").as_bytes())
    }
}
