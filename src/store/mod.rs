//! Writing and reading the Parquet dataset: atomic file writes, hive partitions, footer
//! metadata, and the manifest of converted sources.

pub mod dataset;
pub mod manifest;
pub mod parquet;

use std::path::{Path, PathBuf};

use crate::error::{Error, Result};

pub use dataset::{
    blame_damaged_file, carry_part, commit, discard_unlisted, is_dataset, open, prepare, write,
    write_parts, Parts, WriteSummary,
};
pub use manifest::{Manifest, SourceState};

/// True when `path` names something that is neither a regular file nor a directory — a device
/// such as `/dev/null` or `/dev/stdout`, a named pipe, a socket — which an output is written
/// into rather than replaced by a renamed temporary file.
pub fn is_special_file(path: &Path) -> bool {
    std::fs::metadata(path).is_ok_and(|m| !m.is_file() && !m.is_dir())
}

/// The hidden temporary name a write to `path` goes to before it is renamed into place:
/// `.<name>.tmp-<pid>` in the same directory (so the rename never crosses file systems).
pub fn temporary_path(path: &Path) -> PathBuf {
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty());
    let name = path
        .file_name()
        .map_or_else(|| "output".into(), |n| n.to_string_lossy().into_owned());
    dir.unwrap_or(Path::new("."))
        .join(format!(".{name}.tmp-{}", std::process::id()))
}

/// Writes `bytes` to `path` through its [`temporary_path`], renamed into place, so a crash
/// never leaves a partial file under `path`; the temporary file is removed on failure.
pub fn write_bytes_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = temporary_path(path);
    std::fs::write(&tmp, bytes)
        .map_err(|e| {
            let dir = tmp.parent().unwrap_or(Path::new("."));
            // The directory is there but takes no new file (read-only, full, `/proc`): the
            // system's reason alone would be about a file the user never named.
            match dir.is_dir() {
                true => std::io::Error::new(
                    e.kind(),
                    format!("cannot write a new file in {}: {e}", dir.display()),
                ),
                false => e,
            }
        })
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            Error::io(path, e)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_atomic_write_leaves_the_file_and_no_temporary() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("report.txt");
        std::fs::write(&path, "old").unwrap();
        write_bytes_atomic(&path, b"new").unwrap();
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "new");
        let names: Vec<String> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert_eq!(names, ["report.txt"]);
        assert_eq!(
            temporary_path(&path),
            dir.path()
                .join(format!(".report.txt.tmp-{}", std::process::id()))
        );
        // A directory in the way of the rename: an error naming the path, no temporary left.
        let blocked = dir.path().join("blocked");
        std::fs::create_dir(&blocked).unwrap();
        std::fs::write(blocked.join("inside"), "x").unwrap();
        let error = write_bytes_atomic(&blocked, b"text")
            .unwrap_err()
            .to_string();
        assert!(error.contains("blocked"), "{error}");
        assert!(!temporary_path(&blocked).exists());
        // A directory that takes no new file is named as what is wrong; a missing one is not.
        if cfg!(target_os = "linux") {
            let error = write_bytes_atomic(Path::new("/proc/version"), b"text")
                .unwrap_err()
                .to_string();
            assert_eq!(
                error,
                "/proc/version: cannot write a new file in /proc: No such file or \
                 directory (os error 2)"
            );
        }
        let error = write_bytes_atomic(&dir.path().join("nope/report.txt"), b"text")
            .unwrap_err()
            .to_string();
        assert!(
            error.ends_with("nope/report.txt: No such file or directory (os error 2)"),
            "{error}"
        );
    }
}
