//! The one error type of the library: every variant names the input it is about and where.

use std::path::PathBuf;

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong reading inputs, writing the dataset or querying it.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{}: {source}", path.display())]
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// An input did not have the shape its format requires.
    #[error("{}:{line}: expected {expected}, found {found}", path.display())]
    Parse {
        /// The input file.
        path: PathBuf,
        /// 1-based line number in the file.
        line: usize,
        /// What the parser was looking for.
        expected: String,
        /// What it saw instead (shortened).
        found: String,
    },
    /// No known format recognised the input.
    #[error("{}: not a format tidybench reads ({reason})", path.display())]
    UnknownFormat {
        /// The input file.
        path: PathBuf,
        /// Why no format matched.
        reason: String,
    },
    /// A dataset directory is missing a table or was written by an incompatible version.
    #[error("{}: {reason}", path.display())]
    Dataset {
        /// The dataset directory or file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A DataFrame operation failed.
    #[error("{context}: {source}")]
    Polars {
        /// The step that failed, naming the table or file.
        context: String,
        /// Polars' own error.
        source: polars::error::PolarsError,
    },
    /// The request cannot be answered with the data given (e.g. no baseline rows).
    #[error("{0}")]
    Invalid(String),
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }

    /// A Polars error in the step described by `context`.
    pub fn polars(context: impl Into<String>, source: polars::error::PolarsError) -> Self {
        Error::Polars {
            context: context.into(),
            source,
        }
    }
}
