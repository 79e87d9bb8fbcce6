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
    /// Its absolute path with every link resolved (`path` itself for standard input or a
    /// broken link): one source however it was named.
    pub canonical: PathBuf,
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
                canonical: input.clone(),
            });
            continue;
        }
        let meta = std::fs::metadata(input).map_err(|e| Error::io(input, e))?;
        let real = std::fs::canonicalize(input).unwrap_or_else(|_| input.clone());
        if meta.is_dir() {
            walk.root = Some(input.clone());
            walk.dir(input, real)?;
        } else {
            walk.root = None;
            walk.file(input, real);
        }
    }
    Ok(walk.files)
}

#[derive(Default)]
struct Walk {
    files: Vec<Source>,
    /// The real paths (links resolved) of the files and directories visited.
    seen: HashSet<PathBuf>,
    root: Option<PathBuf>,
}

impl Walk {
    fn file(&mut self, path: &Path, real: PathBuf) {
        if self.seen.insert(real.clone()) {
            self.files.push(Source {
                path: path.to_path_buf(),
                root: self.root.clone(),
                canonical: real,
            });
        }
    }

    /// Walks `dir`, whose real path is `real`.
    fn dir(&mut self, dir: &Path, real: PathBuf) -> Result<()> {
        if !self.seen.insert(real.clone()) {
            return Ok(());
        }
        let mut entries = std::fs::read_dir(dir)
            .map_err(|e| Error::io(dir, e))?
            .map(|entry| entry.map(|e| (e.path(), e.file_type().ok())))
            .collect::<std::io::Result<Vec<_>>>()
            .map_err(|e| Error::io(dir, e))?;
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        for (path, kind) in entries {
            let Some(name) = path.file_name() else {
                continue;
            };
            if name.to_string_lossy().starts_with('.') {
                continue;
            }
            // The real path of an entry that is not a link is its directory's and its name: no
            // system call per entry, only per link.
            let (is_dir, entry_real) = match kind {
                Some(kind) if !kind.is_symlink() => (kind.is_dir(), real.join(name)),
                _ => (
                    path.is_dir(),
                    std::fs::canonicalize(&path).unwrap_or_else(|_| path.clone()),
                ),
            };
            if is_dir {
                self.dir(&path, entry_real)?;
            } else {
                self.file(&path, entry_real);
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
        let elsewhere = dir.path().join("elsewhere");
        std::fs::create_dir(&root).expect("mkdir");
        std::fs::create_dir(&elsewhere).expect("mkdir");
        std::fs::write(root.join("a.log"), "x").expect("write");
        std::fs::write(root.join(".hidden.log"), "x").expect("write");
        std::fs::write(elsewhere.join("c.log"), "x").expect("write");
        let real = |p: &Path| std::fs::canonicalize(p).expect("real path");
        let mut expected = vec![Source {
            path: root.join("a.log"),
            root: Some(root.clone()),
            canonical: real(&root).join("a.log"),
        }];
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(&root, root.join("loop")).expect("link");
            std::os::unix::fs::symlink(root.join("a.log"), root.join("b.log")).expect("link");
            std::os::unix::fs::symlink(&elsewhere, root.join("linked")).expect("link");
            std::os::unix::fs::symlink(root.join("gone"), root.join("broken.log")).expect("link");
            // A link to a directory is walked; a broken link is listed (reading it fails).
            expected.insert(
                1,
                Source {
                    path: root.join("broken.log"),
                    root: Some(root.clone()),
                    canonical: root.join("broken.log"),
                },
            );
            expected.push(Source {
                path: root.join("linked").join("c.log"),
                root: Some(root.clone()),
                canonical: real(&elsewhere).join("c.log"),
            });
        }
        let files =
            discover(&[root.clone(), root.join("a.log"), elsewhere.join("c.log")]).expect("walks");
        assert_eq!(files, expected);
    }
}
