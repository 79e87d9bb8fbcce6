//! Expanding the user's inputs (files and directories) into the list of files to read.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

/// One file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Source {
    /// Its path.
    pub path: PathBuf,
    /// The directory input it was found in by walking; `None` when named on the command line.
    pub root: Option<PathBuf>,
}

/// The input meaning standard input.
pub const STDIN: &str = "-";

/// Every file named by `inputs`: files as given, directories walked recursively in sorted
/// order (hidden entries skipped), glob patterns (`results/*/guidellm*.json.zst`, for shells
/// that do not expand them) expanded in sorted order, and `-` for standard input. Each
/// directory and file is visited once, however many links lead to it, so link loops end. A
/// path that does not exist, or a pattern that matches nothing, is an error naming it.
pub fn discover(inputs: &[PathBuf]) -> Result<Vec<Source>> {
    let mut expanded = Vec::new();
    for input in inputs {
        let text = input.to_string_lossy();
        if input.exists() || text == STDIN || !text.contains(['*', '?', '[']) {
            expanded.push(input.clone());
            continue;
        }
        let matches: Vec<PathBuf> = glob::glob(&text)
            .map_err(|e| Error::Invalid(format!("{text}: not a valid pattern: {e}")))?
            .flatten()
            .collect();
        if matches.is_empty() {
            return Err(Error::Invalid(format!("{text}: no file matches")));
        }
        expanded.extend(matches);
    }
    let mut walk = Walk::default();
    for input in &expanded {
        if input.as_os_str() == STDIN {
            walk.files.push(Source {
                path: input.clone(),
                root: None,
            });
            continue;
        }
        let meta = std::fs::metadata(input).map_err(|e| Error::io(input, e))?;
        if meta.is_dir() {
            walk.root = Some(input.clone());
            walk.dir(input)?;
        } else {
            walk.root = None;
            walk.file(input);
        }
    }
    Ok(walk.files)
}

#[derive(Default)]
struct Walk {
    files: Vec<Source>,
    seen: HashSet<PathBuf>,
    root: Option<PathBuf>,
}

impl Walk {
    /// True the first time `path` (resolved through links) is offered.
    fn first_visit(&mut self, path: &Path) -> bool {
        let real = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
        self.seen.insert(real)
    }

    fn file(&mut self, path: &Path) {
        if self.first_visit(path) {
            self.files.push(Source {
                path: path.to_path_buf(),
                root: self.root.clone(),
            });
        }
    }

    fn dir(&mut self, dir: &Path) -> Result<()> {
        if !self.first_visit(dir) {
            return Ok(());
        }
        let mut entries = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .map(|entry| entry.map(|e| e.path()))
            .collect::<std::io::Result<Vec<_>>>()
            .map_err(|e| Error::io(dir, e))?;
        entries.sort();
        for path in entries {
            let hidden = path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'));
            if hidden {
                continue;
            }
            if path.is_dir() {
                self.dir(&path)?;
            } else {
                self.file(&path);
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_loops_end_and_files_are_read_once() {
        let dir = tempfile::tempdir().expect("temp dir");
        let root = dir.path().join("runs");
        std::fs::create_dir(&root).expect("mkdir");
        std::fs::write(root.join("a.log"), "x").expect("write");
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&root, root.join("loop")).expect("link");
            std::os::unix::fs::symlink(root.join("a.log"), root.join("b.log")).expect("link");
        }
        let files = discover(&[root.clone(), root.join("a.log")]).expect("walks");
        assert_eq!(
            files,
            vec![Source {
                path: root.join("a.log"),
                root: Some(root.clone())
            }]
        );
    }
}
