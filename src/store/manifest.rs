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
    /// Format version of this file ([`VERSION`]; version 1 is still read).
    pub version: u32,
    /// Every source converted, by path as given.
    pub sources: BTreeMap<String, SourceState>,
    /// Version 1 only: the conversion options of every source (each source now records its
    /// own, so that sources converted with other labels keep theirs).
    #[serde(default, rename = "options", skip_serializing)]
    pub version_1_options: Option<String>,
}

/// The manifest format version this build writes.
pub const VERSION: u32 = 2;

/// One source as it was converted.
#[derive(Debug, Clone, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct SourceState {
    /// Size in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub modified_ns: u128,
    /// SHA-256 of the file's bytes (as stored, compressed or not).
    pub sha256: String,
    /// The conversion options it was converted with (labels, kept text, ...): given again
    /// with other options, it is converted again.
    #[serde(default)]
    pub options: String,
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
    /// The manifest of the dataset in `dir`, if it has one that this version reads (a
    /// version 1 manifest's options become each of its sources' own).
    pub fn read(dir: &Path) -> Option<Manifest> {
        let text = std::fs::read_to_string(dir.join(MANIFEST_FILE)).ok()?;
        let mut manifest = serde_json::from_str::<Manifest>(&text).ok()?;
        match manifest.version {
            VERSION => Some(manifest),
            1 => {
                let options = manifest.version_1_options.take().unwrap_or_default();
                for source in manifest.sources.values_mut() {
                    source.options = options.clone();
                }
                manifest.version = VERSION;
                Some(manifest)
            }
            _ => None,
        }
    }

    /// Writes the manifest into `dir` (temporary name, then rename).
    pub fn write(&self, dir: &Path) -> Result<()> {
        let path = dir.join(MANIFEST_FILE);
        let text = serde_json::to_string_pretty(self)
            .map_err(|e| Error::Invalid(format!("writing {}: {e}", path.display())))?;
        super::write_bytes_atomic(&path, (text + "\n").as_bytes())
    }
}
