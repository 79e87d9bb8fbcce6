//! Writing and reading the Parquet dataset: atomic file writes, hive partitions, footer
//! metadata, and the manifest of converted sources.

pub mod dataset;
pub mod manifest;
pub mod parquet;

pub use dataset::{is_dataset, open, write, write_frames, WriteSummary};
pub use manifest::{Manifest, SourceState};
