//! Writing and reading the Parquet dataset: atomic file writes, hive partitions, footer
//! metadata.

pub mod dataset;
pub mod parquet;

pub use dataset::{is_dataset, open, write, WriteSummary};
