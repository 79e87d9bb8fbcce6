//! Tar archives — plain, gzip or zstd compressed, and nested (a `.json.zst` or a `.tar` inside
//! a `.tar.gz`) — read as a stream, one regular file at a time. Nothing is ever written to
//! disk; entries that could point outside the archive (absolute paths, `..`, symbolic and hard
//! links) and device files are skipped with a warning, never followed.

use std::fs::File;
use std::io::Read;
use std::path::{Component, Path, PathBuf};

use super::decompress::{decoder, decompress};
use super::Blob;
use crate::error::{Error, Result};
use crate::formats::Warning;

/// How deep archives inside archives are opened.
const MAX_NESTING: usize = 4;

/// What an archive holds, entry by entry.
#[derive(Debug)]
pub enum Entry {
    /// A regular file, decompressed; its path is `<archive>!/<entry path>`.
    File(Blob),
    /// An entry not read, and why.
    Skipped(Warning),
    /// An entry (or the rest of the archive) that could not be read.
    Failed(Error),
}

/// True when `bytes` (already decompressed) start like a tar archive (`ustar` magic).
pub fn looks_like_tar(bytes: &[u8]) -> bool {
    bytes.get(257..262) == Some(b"ustar".as_slice())
}

/// True when the file at `path` is a tar archive, compressed or not.
pub fn is_tar(path: &Path) -> Result<bool> {
    let mut head = [0u8; 4];
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let got = read_up_to(&mut file, &mut head).map_err(|e| Error::io(path, e))?;
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let (mut reader, _) = decoder(&head[..got], file).map_err(|e| Error::io(path, e))?;
    let mut block = [0u8; 512];
    // A stream that fails to decompress is not an archive; its reader says why later.
    let got = read_up_to(&mut reader, &mut block).unwrap_or(0);
    Ok(got == 512 && looks_like_tar(&block))
}

fn read_up_to(reader: &mut dyn Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

/// Visits every entry of the archive at `path`, decompressing each to at most `limit` bytes.
pub fn entries(path: &Path, limit: u64, visit: &mut dyn FnMut(Entry)) -> Result<()> {
    let mut head = [0u8; 4];
    let mut file = File::open(path).map_err(|e| Error::io(path, e))?;
    let got = read_up_to(&mut file, &mut head).map_err(|e| Error::io(path, e))?;
    let file = File::open(path).map_err(|e| Error::io(path, e))?;
    let (reader, _) = decoder(&head[..got], file).map_err(|e| Error::io(path, e))?;
    walk(&path.display().to_string(), reader, limit, 0, visit);
    Ok(())
}

/// Visits every entry of the tar archive `bytes` (read from standard input, say, and already
/// decompressed), named `name`, decompressing each to at most `limit` bytes.
pub fn entries_in(name: &str, bytes: &[u8], limit: u64, visit: &mut dyn FnMut(Entry)) {
    walk(name, bytes, limit, 0, visit);
}

/// Why an entry of this type is not read, or `None` for regular files (and directories,
/// which are only containers).
fn unreadable(kind: tar::EntryType) -> Option<&'static str> {
    use tar::EntryType as T;
    match kind {
        T::Regular | T::Continuous | T::Directory => None,
        T::Symlink => Some("a symbolic link: not followed"),
        T::Link => Some("a hard link: not followed"),
        T::Char | T::Block => Some("a device file: not read"),
        T::Fifo => Some("a named pipe: not read"),
        _ => Some("not a regular file: not read"),
    }
}

fn walk(name: &str, reader: impl Read, limit: u64, depth: usize, visit: &mut dyn FnMut(Entry)) {
    let mut archive = tar::Archive::new(reader);
    let entries = match archive.entries() {
        Ok(entries) => entries,
        Err(e) => return visit(Entry::Failed(Error::io(name, e))),
    };
    for entry in entries {
        let mut entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                // A cut or corrupt archive: what came before is kept, the rest cannot be read.
                return visit(Entry::Failed(Error::io(
                    format!("{name} (after the last entry read)"),
                    e,
                )));
            }
        };
        let inner = entry.path().map(|p| p.into_owned()).unwrap_or_else(|_| {
            PathBuf::from(String::from_utf8_lossy(&entry.path_bytes()).into_owned())
        });
        let here = PathBuf::from(format!("{name}!/{}", inner.display()));
        let skip = |message: &str| {
            Entry::Skipped(Warning {
                path: here.clone(),
                line: None,
                message: message.to_string(),
            })
        };
        let kind = entry.header().entry_type();
        if let Some(why) = unreadable(kind) {
            visit(skip(why));
            continue;
        }
        if kind.is_dir() {
            continue;
        }
        let escapes = inner.is_absolute()
            || inner
                .components()
                .any(|c| matches!(c, Component::ParentDir | Component::Prefix(_)));
        if escapes {
            visit(skip(
                "its path is absolute or has `..`, which could lead outside the archive: not read",
            ));
            continue;
        }
        if entry.size() > limit {
            visit(Entry::Failed(Error::Invalid(format!(
                "{}: {} bytes, more than --max-decompressed ({limit}); not read",
                here.display(),
                entry.size()
            ))));
            continue;
        }
        // The header's size is only a claim: reserve no more than a modest amount up front.
        let mut bytes = Vec::with_capacity(entry.size().min(64 << 20) as usize);
        if let Err(e) = entry.read_to_end(&mut bytes) {
            return visit(Entry::Failed(Error::io(&here, e)));
        }
        let bytes = match decompress(&here, bytes, limit) {
            Ok(bytes) => bytes,
            Err(e) => {
                visit(Entry::Failed(e));
                continue;
            }
        };
        if looks_like_tar(&bytes) {
            if depth + 1 >= MAX_NESTING {
                visit(skip("an archive nested too deep: not opened"));
            } else {
                walk(
                    &here.display().to_string(),
                    bytes.as_slice(),
                    limit,
                    depth + 1,
                    visit,
                );
            }
            continue;
        }
        visit(Entry::File(Blob::from_bytes(here, bytes)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(path: &str, kind: tar::EntryType, size: u64) -> tar::Header {
        let mut header = tar::Header::new_gnu();
        // Written raw so that hostile names (absolute, `..`) are kept as they are.
        let name = &mut header.as_old_mut().name;
        name[..path.len()].copy_from_slice(path.as_bytes());
        header.set_entry_type(kind);
        header.set_size(size);
        header.set_mode(0o644);
        header.set_cksum();
        header
    }

    fn tar_of(entries: &[(&str, tar::EntryType, &[u8])]) -> Vec<u8> {
        let mut builder = tar::Builder::new(Vec::new());
        for (path, kind, data) in entries {
            let header = header(path, *kind, data.len() as u64);
            builder.append(&header, *data).expect("append");
        }
        builder.into_inner().expect("finish")
    }

    fn visit_all(path: &Path, limit: u64) -> Vec<String> {
        let mut seen = Vec::new();
        entries(path, limit, &mut |entry| {
            seen.push(match entry {
                Entry::File(blob) => format!("file {}", blob.path.display()),
                Entry::Skipped(w) => format!("skipped {w}"),
                Entry::Failed(e) => format!("failed {e}"),
            })
        })
        .expect("opens");
        seen
    }

    #[test]
    fn hostile_entries_are_skipped_and_nested_archives_opened() {
        let dir = tempfile::tempdir().expect("temp dir");
        let inner = tar_of(&[("deep/b.txt", tar::EntryType::Regular, b"inner")]);
        let inner_zst = zstd::encode_all(inner.as_slice(), 3).expect("zstd");
        let outer = tar_of(&[
            ("run/a.txt", tar::EntryType::Regular, b"hello"),
            ("/etc/passwd", tar::EntryType::Regular, b"root"),
            ("run/../../escape.txt", tar::EntryType::Regular, b"x"),
            ("run/link", tar::EntryType::Symlink, b""),
            ("run/dev", tar::EntryType::Char, b""),
            ("run/inner.tar.zst", tar::EntryType::Regular, &inner_zst),
        ]);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        std::io::Write::write_all(&mut gz, &outer).expect("gzip");
        let path = dir.path().join("runs.tgz");
        std::fs::write(&path, gz.finish().expect("gzip")).expect("write");
        assert!(is_tar(&path).expect("reads"));
        let p = path.display();
        assert_eq!(
            visit_all(&path, 1 << 20),
            [
                format!("file {p}!/run/a.txt"),
                format!("skipped {p}!//etc/passwd: its path is absolute or has `..`, which could lead outside the archive: not read"),
                format!("skipped {p}!/run/../../escape.txt: its path is absolute or has `..`, which could lead outside the archive: not read"),
                format!("skipped {p}!/run/link: a symbolic link: not followed"),
                format!("skipped {p}!/run/dev: a device file: not read"),
                format!("file {p}!/run/inner.tar.zst!/deep/b.txt"),
            ]
        );
        // The cap applies to every entry.
        assert_eq!(
            visit_all(&path, 3)[0],
            format!("failed {p}!/run/a.txt: 5 bytes, more than --max-decompressed (3); not read")
        );
    }

    #[test]
    fn a_cut_archive_keeps_what_came_before() {
        let dir = tempfile::tempdir().expect("temp dir");
        let archive = tar_of(&[
            ("a.txt", tar::EntryType::Regular, &[b'a'; 600]),
            ("b.txt", tar::EntryType::Regular, &[b'b'; 600]),
        ]);
        let path = dir.path().join("cut.tar");
        std::fs::write(&path, &archive[..1800]).expect("write");
        let seen = visit_all(&path, 1 << 20);
        assert_eq!(seen[0], format!("file {}!/a.txt", path.display()));
        // Cut inside the second entry's header.
        assert_eq!(
            seen[1],
            format!(
                "failed {} (after the last entry read): failed to read entire block",
                path.display()
            )
        );
        assert_eq!(seen.len(), 2);
    }
}
