//! The one error type of the library: every variant names the input it is about and where.

use std::fmt;
use std::path::{Path, PathBuf};

/// Result with the library's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong reading inputs, writing the dataset or querying it.
#[derive(Debug)]
pub enum Error {
    /// A file could not be read or written.
    Io {
        /// The file or directory involved.
        path: PathBuf,
        /// The operating system's reason.
        source: std::io::Error,
    },
    /// An input did not have the shape its format requires.
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
    UnknownFormat {
        /// The input file.
        path: PathBuf,
        /// Why no format matched.
        reason: String,
    },
    /// A dataset directory is missing a table or was written by an incompatible version.
    Dataset {
        /// The dataset directory or file.
        path: PathBuf,
        /// What is wrong with it.
        reason: String,
    },
    /// A DataFrame operation failed.
    Polars {
        /// The step that failed, naming the table or file.
        context: String,
        /// Polars' own error.
        source: polars::error::PolarsError,
    },
    /// The request cannot be answered with the data given (e.g. no baseline rows).
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

    /// The file or directory the error is about, when it is about one.
    pub fn path(&self) -> Option<&Path> {
        match self {
            Error::Io { path, .. }
            | Error::Parse { path, .. }
            | Error::UnknownFormat { path, .. }
            | Error::Dataset { path, .. } => Some(path),
            Error::Polars { .. } | Error::Invalid(_) => None,
        }
    }

    /// The 1-based line of [`Error::path`] the error is about, when it has one.
    pub fn line(&self) -> Option<usize> {
        match self {
            Error::Parse { line, .. } => Some(*line),
            _ => None,
        }
    }

    /// What went wrong, without the file and line.
    pub fn message(&self) -> String {
        match self {
            Error::Io { source, .. } => source.to_string(),
            Error::Parse {
                expected, found, ..
            } => format!("expected {expected}, found {found}"),
            Error::UnknownFormat { reason, .. } => {
                format!("not a format tidybench reads ({reason})")
            }
            Error::Dataset { reason, .. } => reason.clone(),
            Error::Polars { context, source } => format!("{context}: {source}"),
            Error::Invalid(message) => message.clone(),
        }
    }
}

/// `path:line: message`, `path: message`, or the message alone.
impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.path(), self.line()) {
            (Some(path), Some(line)) => write!(f, "{}:{line}: {}", path.display(), self.message()),
            (Some(path), None) => write!(f, "{}: {}", path.display(), self.message()),
            (None, _) => f.write_str(&self.message()),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Polars { source, .. } => Some(source),
            _ => None,
        }
    }
}
