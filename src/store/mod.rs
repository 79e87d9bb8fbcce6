//! Writing and reading the Parquet dataset: atomic file writes, hive partitions, footer
//! metadata, and the manifest of converted sources.

pub mod dataset;
pub mod manifest;
pub mod parquet;

use std::path::Path;

pub use dataset::{
    carry_part, commit, is_dataset, open, prepare, write, write_parts, Parts, WriteSummary,
};
pub use manifest::{Manifest, SourceState};

/// True when `path` names something that is neither a regular file nor a directory — a device
/// such as `/dev/null` or `/dev/stdout`, a named pipe, a socket — which an output is written
/// into rather than replaced by a renamed temporary file.
pub fn is_special_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}
