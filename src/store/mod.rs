//! Writing and reading the Parquet dataset: atomic file writes, hive partitions, footer
//! metadata, and the manifest of converted sources.

pub mod dataset;
pub mod manifest;
pub mod parquet;

pub use dataset::{commit, is_dataset, open, prepare, write, write_parts, Parts, WriteSummary};
pub use manifest::{Manifest, SourceState};
