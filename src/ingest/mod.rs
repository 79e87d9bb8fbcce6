//! Finding input files and reading them into [`Blob`]s that remember where they came from.

pub mod archive;
pub mod blob;
pub mod decompress;
pub mod discover;

pub use blob::{newlines, plain_lines, Blob, TextLine};
pub use discover::{discover, Source};
