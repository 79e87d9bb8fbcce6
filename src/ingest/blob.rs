//! One input's bytes with its provenance, and its text as clean lines.

use std::borrow::Cow;
use std::ops::Deref;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, OnceLock, PoisonError};

use sha2::{Digest, Sha256};
use xxhash_rust::xxh3::xxh3_128;

use crate::error::{Error, Result};

/// The bytes of one input and where they came from.
#[derive(Debug, Clone)]
pub struct Blob {
    /// Path as given by the user (or found by walking a directory).
    pub path: PathBuf,
    /// The raw bytes.
    pub bytes: Bytes,
    /// True when `bytes` are a file's bytes as stored (nothing decompressed or re-encoded), so
    /// that their SHA-256 is the file's.
    pub as_stored: bool,
    /// SHA-256 of `bytes`, computed once.
    sha256: SourceSha256,
    /// SHA-256 of the file's bytes as stored, when they are not `bytes` (a compressed file).
    stored_sha256: Option<String>,
}

/// The SHA-256 of a source's bytes as lowercase hex, computed once: by [`Blob::hash_beside`]
/// on another thread while the source is parsed, or by the first [`SourceSha256::get`]. Runs
/// carry it unread until it is needed, so that the tables of a large input are built and
/// written while its hash is still under way. Beside it, the source's [content
/// id](SourceSha256::content_id), which run ids derive from: quick to compute, it is ready
/// long before the SHA-256 of a large input.
#[derive(Clone, Default)]
pub struct SourceSha256(Arc<HashSlot>);

#[derive(Default)]
struct HashSlot {
    hex: OnceLock<String>,
    /// The content id, always computed before the bytes are taken for the SHA-256.
    content_id: OnceLock<u128>,
    /// The bytes to hash, until they are hashed.
    bytes: Mutex<Option<Bytes>>,
}

impl SourceSha256 {
    fn of(bytes: Bytes) -> Self {
        SourceSha256(Arc::new(HashSlot {
            hex: OnceLock::new(),
            content_id: OnceLock::new(),
            bytes: Mutex::new(Some(bytes)),
        }))
    }

    /// The hash: computed here unless it is known or being computed on another thread, in
    /// which case this waits for it.
    pub fn get(&self) -> &str {
        self.content_id();
        let mut hashed = None;
        let hex = self.0.hex.get_or_init(|| {
            hashed = self
                .0
                .bytes
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .take();
            hashed
                .as_deref()
                .map_or_else(String::new, |b| hex(&Sha256::digest(b)))
        });
        // Freed (a large file unmapped) once the threads waiting for the hash have it.
        drop(hashed);
        hex
    }

    /// The source's identity for run ids: the XXH3-128 hash of its bytes (of the SHA-256's
    /// text when only that is known). It takes 9 ms for 117 MB where the SHA-256 takes 68 ms,
    /// so a large input's tables are written while its SHA-256 is still under way.
    pub fn content_id(&self) -> u128 {
        *self.0.content_id.get_or_init(|| {
            let bytes = self.0.bytes.lock().unwrap_or_else(PoisonError::into_inner);
            match bytes.as_deref() {
                Some(bytes) => xxh3_128(bytes),
                None => xxh3_128(self.0.hex.get().map_or("", String::as_str).as_bytes()),
            }
        })
    }
}

impl From<String> for SourceSha256 {
    /// A hash already known.
    fn from(hex: String) -> Self {
        SourceSha256(Arc::new(HashSlot {
            hex: OnceLock::from(hex),
            content_id: OnceLock::new(),
            bytes: Mutex::new(None),
        }))
    }
}

impl std::fmt::Debug for SourceSha256 {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self.0.hex.get() {
            Some(hex) => hex.fmt(f),
            None => f.write_str("<being hashed>"),
        }
    }
}

/// Bytes in memory, or a file's bytes mapped into memory.
#[derive(Debug, Clone)]
pub enum Bytes {
    /// Bytes read or decompressed into memory (shared, so that a hash can be taken of them
    /// on another thread).
    Owned(Arc<Vec<u8>>),
    /// A large file mapped read-only: no copy and no fresh pages, which take a fifth of the
    /// conversion of a 100 MB report when it is read into memory.
    Mapped(Arc<memmap2::Mmap>),
}

/// Files from this size on are mapped rather than read.
const MAP_FROM_BYTES: u64 = 1 << 20;

/// Inputs from this size on are hashed on a thread of their own, beside their parse.
const HASH_BESIDE_FROM_BYTES: usize = 1 << 20;

/// How many inputs are being hashed beside their parse, and the signal that one is done.
static HASHING: (Mutex<usize>, Condvar) = (Mutex::new(0), Condvar::new());

impl Bytes {
    /// The bytes of the file at `path`: mapped when it is a regular file of at least 1 MiB, read
    /// otherwise (or when mapping fails).
    ///
    /// A mapped file truncated by another process while it is read ends this one with `SIGBUS`,
    /// as with every tool that maps its inputs; results are only ever written to new files.
    pub fn read(path: &Path) -> Result<Bytes> {
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, e))?;
        let metadata = file.metadata().map_err(|e| Error::io(path, e))?;
        if metadata.is_file() && metadata.len() >= MAP_FROM_BYTES {
            // SAFETY: the map is read-only and private to this process; see above for a file
            // changed underneath it.
            if let Ok(map) = unsafe { memmap2::MmapOptions::new().map(&file) } {
                return Ok(Bytes::Mapped(Arc::new(map)));
            }
        }
        let mut bytes = Vec::with_capacity(metadata.len() as usize);
        std::io::Read::read_to_end(&mut &file, &mut bytes).map_err(|e| Error::io(path, e))?;
        Ok(Bytes::Owned(Arc::new(bytes)))
    }
}

impl Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            Bytes::Owned(bytes) => bytes,
            Bytes::Mapped(map) => map,
        }
    }
}

impl From<Vec<u8>> for Bytes {
    fn from(bytes: Vec<u8>) -> Self {
        Bytes::Owned(Arc::new(bytes))
    }
}

/// One line of text as a terminal would have shown it, with its 1-based line number; borrowed
/// from the input unless escape sequences or carriage returns had to be removed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextLine<'a> {
    /// 1-based line number in the source.
    pub number: usize,
    /// The line without escape sequences, carriage returns or the line ending.
    pub text: Cow<'a, str>,
}

impl Blob {
    /// Reads the file at `path`, decompressing gzip and zstd data transparently.
    pub fn read(path: &Path) -> Result<Self> {
        Blob::read_limited(path, super::decompress::DEFAULT_LIMIT)
    }

    /// Reads the file at `path` like [`Blob::read`], refusing to decompress more than
    /// `limit` bytes.
    pub fn read_limited(path: &Path, limit: u64) -> Result<Self> {
        let stored = Bytes::read(path)?;
        if super::decompress::is_plain(&stored) {
            return Ok(Blob {
                as_stored: true,
                ..Blob::from_bytes(path, stored)
            });
        }
        // The file's own hash (the manifest records it) is taken while its bytes are in
        // memory: a large file's beside its decompression.
        let hash = |bytes: &[u8]| hex(&Sha256::digest(bytes));
        let decompress = |bytes| super::decompress::decompress(path, bytes, limit);
        let (stored_sha256, bytes) = match stored {
            Bytes::Owned(bytes) => (Some(hash(&bytes)), decompress(Arc::unwrap_or_clone(bytes))),
            Bytes::Mapped(map) => std::thread::scope(|scope| {
                let hashed = scope.spawn(|| hash(&map));
                let bytes = decompress(map.to_vec());
                (hashed.join().ok(), bytes)
            }),
        };
        Ok(Blob {
            stored_sha256,
            ..Blob::from_bytes(path, bytes?)
        })
    }

    /// Wraps bytes already in memory (not [`Blob::as_stored`]).
    pub fn from_bytes(path: impl Into<PathBuf>, bytes: impl Into<Bytes>) -> Self {
        let bytes = bytes.into();
        Blob {
            path: path.into(),
            sha256: SourceSha256::of(bytes.clone()),
            bytes,
            as_stored: false,
            stored_sha256: None,
        }
    }

    /// SHA-256 of the bytes, to be read when needed (see [`SourceSha256`]).
    pub fn source_sha256(&self) -> SourceSha256 {
        self.sha256.clone()
    }

    /// Starts hashing a large input on a thread of its own, to run beside its parse; hashes a
    /// small one now, so that its bytes are not kept for the hash. At most one large input
    /// per core is hashed at a time: this waits for a free slot, so that parses which outrun
    /// their hashes do not pile up inputs in memory.
    pub fn hash_beside(&self) {
        if self.bytes.len() < HASH_BESIDE_FROM_BYTES {
            self.sha256.get();
            return;
        }
        let (hashing, freed) = &HASHING;
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let mut running = hashing.lock().unwrap_or_else(PoisonError::into_inner);
        while *running >= cores {
            running = freed.wait(running).unwrap_or_else(PoisonError::into_inner);
        }
        *running += 1;
        drop(running);
        let done = || {
            *hashing.lock().unwrap_or_else(PoisonError::into_inner) -= 1;
            freed.notify_one();
        };
        let sha256 = self.sha256.clone();
        let spawned = std::thread::Builder::new().spawn(move || {
            sha256.get();
            done();
        });
        // No thread to be had: hashed here instead.
        if spawned.is_err() {
            self.sha256.get();
            done();
        }
    }

    /// SHA-256 of the file the bytes were read from, as stored on disk (compressed, say), when
    /// they were read from a file.
    pub fn file_sha256(&self) -> Option<SourceSha256> {
        match self.as_stored {
            true => Some(self.source_sha256()),
            false => self.stored_sha256.clone().map(SourceSha256::from),
        }
    }

    /// True when the first bytes look like binary data rather than text.
    pub fn looks_binary(&self) -> bool {
        let head = &self.bytes[..self.bytes.len().min(8192)];
        head.contains(&0)
    }

    /// The text split into lines: invalid UTF-8 replaced by U+FFFD, ANSI escape sequences
    /// removed, `\r\n` and `\r` handled as a terminal shows them (the text after the last
    /// carriage return of a line wins). Also returns the number of the first line that was not
    /// valid UTF-8, if any.
    pub fn text_lines(&self) -> (Vec<TextLine<'_>>, Option<usize>) {
        let bytes = &self.bytes;
        // UTF-8 is checked once for the whole input (with SIMD instructions), line by line only
        // when it is invalid; the lines are counted first so that their list is allocated once.
        let whole = simdutf8::basic::from_utf8(bytes).ok();
        if let Some(text) = whole.filter(|text| is_plain(text)) {
            return (plain_lines(text, 1), None);
        }
        let mut first_invalid = None;
        let mut lines = Vec::with_capacity(newlines(bytes) + 1);
        let ends = memchr::memchr_iter(b'\n', bytes).chain(std::iter::once(bytes.len()));
        let mut start = 0;
        for (i, end) in ends.enumerate() {
            let text = match whole {
                Some(whole) => clean_line(&whole[start..end]),
                None => match std::str::from_utf8(&bytes[start..end]) {
                    Ok(s) => clean_line(s),
                    Err(_) => {
                        first_invalid.get_or_insert(i + 1);
                        let lossy = String::from_utf8_lossy(&bytes[start..end]);
                        Cow::Owned(clean_line(&lossy).into_owned())
                    }
                },
            };
            lines.push(TextLine {
                number: i + 1,
                text,
            });
            start = end + 1;
        }
        (lines, first_invalid)
    }

    /// The whole input as text when its lines need no cleaning: valid UTF-8 (checked with
    /// SIMD instructions) without carriage returns or escape sequences, as most inputs are.
    /// Its lines are then plain slices ([`plain_lines`]), which a parser may split piece by
    /// piece.
    pub fn plain_text(&self) -> Option<&str> {
        simdutf8::basic::from_utf8(&self.bytes)
            .ok()
            .filter(|text| is_plain(text))
    }
}

/// True when `text` has neither carriage returns nor escape sequences.
fn is_plain(text: &str) -> bool {
    memchr::memchr2(b'\r', 0x1b, text.as_bytes()).is_none()
}

/// The lines of `text` (see [`Blob::plain_text`]) numbered from `first`: one per `\n`, and
/// the text after the last one (empty when `text` ends with `\n`).
pub fn plain_lines(text: &str, first: usize) -> Vec<TextLine<'_>> {
    let mut lines = Vec::with_capacity(newlines(text.as_bytes()) + 1);
    let mut start = 0;
    for end in memchr::memchr_iter(b'\n', text.as_bytes()).chain(std::iter::once(text.len())) {
        lines.push(TextLine {
            number: first + lines.len(),
            text: Cow::Borrowed(&text[start..end]),
        });
        start = end + 1;
    }
    lines
}

/// The number of `\n` bytes in `bytes`, counted in blocks of 255 bytes into byte-wide sums: a
/// loop the compiler turns into vector instructions (three times faster than counting into a
/// `usize`, and many times faster than finding the bytes one by one).
pub fn newlines(bytes: &[u8]) -> usize {
    bytes
        .chunks(255)
        .map(|block| {
            let count = block
                .iter()
                .fold(0u8, |n, &b| n.wrapping_add(u8::from(b == b'\n')));
            usize::from(count)
        })
        .sum()
}

/// Lowercase hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// Removes ANSI escape sequences and keeps what follows the last carriage return.
fn clean_line(line: &str) -> Cow<'_, str> {
    let line = line.strip_suffix('\r').unwrap_or(line);
    let visible = match line.rfind('\r') {
        Some(pos) => &line[pos + 1..],
        None => line,
    };
    if !visible.contains('\u{1b}') {
        return Cow::Borrowed(visible);
    }
    let mut out = String::with_capacity(visible.len());
    let mut chars = visible.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        match chars.next() {
            // CSI: parameters and intermediates, then one final byte in @..~
            Some('[') => {
                for c in chars.by_ref() {
                    if ('@'..='~').contains(&c) {
                        break;
                    }
                }
            }
            // OSC: up to BEL or ESC \
            Some(']') => {
                while let Some(c) = chars.next() {
                    if c == '\u{7}' {
                        break;
                    }
                    if c == '\u{1b}' {
                        chars.next();
                        break;
                    }
                }
            }
            // Character-set selection takes one more character.
            Some('(' | ')' | '*' | '+') => {
                chars.next();
            }
            _ => {}
        }
    }
    Cow::Owned(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file_hex(blob: &Blob) -> Option<String> {
        blob.file_sha256().map(|h| h.get().to_string())
    }

    #[test]
    fn strips_sgr_and_cursor_sequences() {
        assert_eq!(
            clean_line("\u{1b}[1m|\u{1b}[0m\u{1b}[1m Benchmark \u{1b}[0m|\r"),
            "| Benchmark |"
        );
        assert_eq!(clean_line("old text\r\u{1b}[2K\u{1b}[1Anew"), "new");
        assert_eq!(clean_line("\u{1b}]0;title\u{7}text"), "text");
    }

    #[test]
    fn the_file_hash_is_of_the_bytes_on_disk() {
        let dir = tempfile::tempdir().unwrap();
        let text = b"line of text\n".repeat(100);
        let compressed = zstd::encode_all(&text[..], 3).unwrap();
        std::fs::write(dir.path().join("a.log"), &text).unwrap();
        std::fs::write(dir.path().join("a.log.zst"), &compressed).unwrap();
        let plain = Blob::read(&dir.path().join("a.log")).unwrap();
        let zst = Blob::read(&dir.path().join("a.log.zst")).unwrap();
        assert_eq!(file_hex(&plain), Some(hex(&Sha256::digest(&text))));
        assert_eq!(file_hex(&zst), Some(hex(&Sha256::digest(&compressed))));
        assert_eq!(zst.source_sha256().get(), plain.source_sha256().get());
        assert_eq!(file_hex(&Blob::from_bytes("x.log", text)), None);

        // A compressed file of 1 MiB or more is mapped and hashed beside its decompression.
        let mut state = 1u64;
        let noise: Vec<u8> = (0..(1 << 20) + 4096)
            .map(|_| {
                state = state.wrapping_mul(6364136223846793005).wrapping_add(1);
                (state >> 56) as u8
            })
            .collect();
        let compressed = zstd::encode_all(&noise[..], 3).unwrap();
        assert!(compressed.len() as u64 >= MAP_FROM_BYTES);
        std::fs::write(dir.path().join("noise.zst"), &compressed).unwrap();
        let large = Blob::read(&dir.path().join("noise.zst")).unwrap();
        assert_eq!(file_hex(&large), Some(hex(&Sha256::digest(&compressed))));
        assert_eq!(&large.bytes[..], &noise[..]);
    }

    #[test]
    fn a_hash_taken_beside_the_parse_is_the_bytes_hash_and_lets_them_go() {
        for size in [10, HASH_BESIDE_FROM_BYTES + 1] {
            let text: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
            let want = hex(&Sha256::digest(&text));
            let blob = Blob::from_bytes("x.json", text);
            let later = blob.source_sha256();
            assert_eq!(format!("{later:?}"), "<being hashed>");
            blob.hash_beside();
            let readers: Vec<_> = (0..4)
                .map(|_| {
                    let hash = later.clone();
                    std::thread::spawn(move || hash.get().to_string())
                })
                .collect();
            for reader in readers {
                assert_eq!(reader.join().unwrap(), want, "{size}");
            }
            assert_eq!(later.get(), want);
            // Once hashed, the bytes are the blob's alone (the hashing thread lets them go
            // right after it gives the hash).
            let Bytes::Owned(bytes) = &blob.bytes else {
                panic!("owned bytes expected");
            };
            let released = (0..500).any(|_| {
                std::thread::sleep(std::time::Duration::from_millis(10));
                Arc::strong_count(bytes) == 1
            });
            assert!(released, "{size}");
        }
        assert_eq!(SourceSha256::from("ab".to_string()).get(), "ab");
    }

    #[test]
    fn the_content_id_needs_no_sha256() {
        let text = b"line of text\n".repeat(100);
        let blob = Blob::from_bytes("x.log", text.clone());
        let hashes = blob.source_sha256();
        assert_eq!(hashes.content_id(), xxh3_128(&text));
        // The SHA-256 is still to be computed (the id did not wait for it)...
        assert_eq!(format!("{hashes:?}"), "<being hashed>");
        // ...and computing it changes no id; the same bytes compressed have the same id.
        assert_eq!(hashes.get(), hex(&Sha256::digest(&text)));
        assert_eq!(hashes.content_id(), xxh3_128(&text));
        let dir = tempfile::tempdir().unwrap();
        let zst = zstd::encode_all(&text[..], 3).unwrap();
        std::fs::write(dir.path().join("x.log.zst"), zst).unwrap();
        let zst = Blob::read(&dir.path().join("x.log.zst")).unwrap();
        assert_eq!(zst.source_sha256().content_id(), hashes.content_id());
        // A hash known only as text (a file's, as stored) gets its id from that text.
        assert_eq!(
            SourceSha256::from("ab".to_string()).content_id(),
            xxh3_128(b"ab")
        );
    }

    #[test]
    fn at_most_one_large_input_per_core_is_hashed_at_a_time() {
        let cores = std::thread::available_parallelism().map_or(1, usize::from);
        let blobs: Vec<Blob> = (0..4 * cores)
            .map(|i| Blob::from_bytes("x.json", vec![i as u8; 4 * HASH_BESIDE_FROM_BYTES]))
            .collect();
        for blob in &blobs {
            blob.hash_beside();
            assert!(*HASHING.0.lock().unwrap() <= cores);
        }
        for (i, blob) in blobs.iter().enumerate() {
            let want = hex(&Sha256::digest(vec![i as u8; 4 * HASH_BESIDE_FROM_BYTES]));
            assert_eq!(blob.source_sha256().get(), want);
        }
    }

    #[test]
    fn large_files_are_mapped_and_read_the_same() {
        let dir = tempfile::tempdir().unwrap();
        let text: Vec<u8> = b"line of text\n".repeat(100_000);
        let plain = dir.path().join("big.log");
        std::fs::write(&plain, &text).unwrap();
        let with_bom = dir.path().join("bom.log");
        std::fs::write(&with_bom, [&[0xEF, 0xBB, 0xBF][..], &text].concat()).unwrap();
        let small = dir.path().join("small.log");
        std::fs::write(&small, &text[..1000]).unwrap();

        let blob = Blob::read(&plain).unwrap();
        assert!(matches!(blob.bytes, Bytes::Mapped(_)));
        assert!(blob.as_stored);
        assert_eq!(&blob.bytes[..], &text[..]);
        assert_eq!(blob.text_lines().0.len(), 100_001);
        let bom = Blob::read(&with_bom).unwrap();
        assert!(matches!(bom.bytes, Bytes::Owned(_)));
        assert!(!bom.as_stored);
        assert_eq!(&bom.bytes[..], &text[..]);
        assert_eq!(bom.source_sha256().get(), blob.source_sha256().get());
        let small = Blob::read(&small).unwrap();
        assert!(matches!(small.bytes, Bytes::Owned(_)));
        assert_eq!(&small.bytes[..], &text[..1000]);
    }

    #[test]
    fn reports_first_invalid_utf8_line() {
        let blob = Blob::from_bytes("x.log", b"ok\r\nbad \xff\xfe\nok".to_vec());
        let (lines, invalid) = blob.text_lines();
        assert_eq!(invalid, Some(2));
        assert_eq!(lines[0].text, "ok");
        assert_eq!(lines[1].text, "bad \u{fffd}\u{fffd}");
        assert_eq!(lines.len(), 3);
    }
}
