//! tidybench: turn LLM-serving benchmark output into a tidy Parquet dataset, compare
//! configurations against a baseline, and report.
//!
//! Data flows one way: [`ingest`] → [`detect`] → [`formats`] → [`reconcile`] → [`frames`] →
//! [`store`] → [`analyze`] → [`render`].

pub mod analyze;
pub mod detect;
pub mod error;
pub mod formats;
pub mod frames;
pub mod ingest;
pub mod reconcile;
pub mod render;
pub mod schema;
pub mod store;

pub use error::{Error, Result};
