//! Transparent decompression of gzip and zstd inputs, recognised by their magic bytes.

use std::io::Read;
use std::path::Path;

use crate::error::{Error, Result};

const GZIP_MAGIC: &[u8] = &[0x1f, 0x8b];
const ZSTD_MAGIC: &[u8] = &[0x28, 0xb5, 0x2f, 0xfd];

/// The compression of `bytes`, if any: `"gzip"` or `"zstd"`.
pub fn compression(bytes: &[u8]) -> Option<&'static str> {
    if bytes.starts_with(GZIP_MAGIC) {
        Some("gzip")
    } else if bytes.starts_with(ZSTD_MAGIC) {
        Some("zstd")
    } else {
        None
    }
}

/// True when [`decompress`] gives `bytes` back unchanged: neither compressed nor starting with a
/// byte-order mark.
pub fn is_plain(bytes: &[u8]) -> bool {
    compression(bytes).is_none() && byte_order_mark(bytes).is_none()
}

/// The text encodings a byte-order mark announces.
enum Encoding {
    Utf8,
    Utf16Le,
    Utf16Be,
}

/// The encoding the byte-order mark at the start of `bytes` announces, if there is one.
fn byte_order_mark(bytes: &[u8]) -> Option<Encoding> {
    match bytes.get(..3)? {
        [0xEF, 0xBB, 0xBF] => Some(Encoding::Utf8),
        [0xFF, 0xFE, _] => Some(Encoding::Utf16Le),
        [0xFE, 0xFF, _] => Some(Encoding::Utf16Be),
        _ => None,
    }
}

/// Most bytes one input may decompress to unless told otherwise (`--max-decompressed`).
pub const DEFAULT_LIMIT: u64 = 4 << 30;

/// A reader of `reader`'s data, decompressed when it starts like gzip or zstd data (`head` is
/// its first bytes), with the kind of compression.
pub fn decoder<'a, R: Read + 'a>(
    head: &[u8],
    reader: R,
) -> Result<(Box<dyn Read + 'a>, Option<&'static str>), std::io::Error> {
    Ok(match compression(head) {
        Some("gzip") => (
            Box::new(flate2::read::MultiGzDecoder::new(reader)),
            Some("gzip"),
        ),
        Some(kind) => (
            Box::new(zstd::stream::read::Decoder::new(reader)?),
            Some(kind),
        ),
        None => (Box::new(reader), None),
    })
}

/// UTF-16 text (Windows tools write it, e.g. PowerShell's `>`) re-encoded as UTF-8, when it
/// starts with its byte-order mark; a UTF-8 byte-order mark removed; anything else unchanged.
pub fn utf8(bytes: Vec<u8>) -> Vec<u8> {
    let units = |little: bool| {
        bytes[2..]
            .chunks(2)
            .map(|pair| match (pair, little) {
                ([a, b], true) => u16::from_le_bytes([*a, *b]),
                ([a, b], false) => u16::from_be_bytes([*a, *b]),
                _ => 0xFFFD,
            })
            .collect::<Vec<u16>>()
    };
    match byte_order_mark(&bytes) {
        Some(Encoding::Utf8) => bytes[3..].to_vec(),
        Some(Encoding::Utf16Le) => String::from_utf16_lossy(&units(true)).into_bytes(),
        Some(Encoding::Utf16Be) => String::from_utf16_lossy(&units(false)).into_bytes(),
        None => bytes,
    }
}

/// `bytes` decompressed when they are gzip or zstd data, unchanged otherwise, then as UTF-8
/// (see [`utf8`]). A truncated or corrupt stream, or one that decompresses to more than
/// `limit` bytes (a decompression bomb), is an error naming `path`.
pub fn decompress(path: &Path, bytes: Vec<u8>, limit: u64) -> Result<Vec<u8>> {
    let Some(kind) = compression(&bytes) else {
        return Ok(utf8(bytes));
    };
    let mut out = Vec::with_capacity(bytes.len().saturating_mul(4).min(limit as usize));
    let read = decoder(&bytes, bytes.as_slice())
        .and_then(|(reader, _)| reader.take(limit.saturating_add(1)).read_to_end(&mut out));
    read.map_err(|e| Error::Parse {
        path: path.to_path_buf(),
        line: 1,
        expected: format!("complete {kind} data"),
        found: format!("{e} after {} decompressed bytes", out.len()),
    })?;
    if out.len() as u64 > limit {
        return Err(Error::Parse {
            path: path.to_path_buf(),
            line: 1,
            expected: format!(
                "{kind} data of at most {limit} bytes decompressed (--max-decompressed)"
            ),
            found: "more (a decompression bomb?); not read".into(),
        });
    }
    Ok(utf8(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn gzip_and_zstd_round_trip_and_truncation_is_named() {
        let text = b"hello, benchmarks\n".repeat(100);
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&text).expect("compress");
        let gz = gz.finish().expect("compress");
        let zst = zstd::encode_all(text.as_slice(), 3).expect("compress");
        assert_eq!(
            decompress(Path::new("a.gz"), gz.clone(), DEFAULT_LIMIT).expect("gzip"),
            text
        );
        assert_eq!(
            decompress(Path::new("a.zst"), zst.clone(), DEFAULT_LIMIT).expect("zstd"),
            text
        );
        assert_eq!(
            decompress(Path::new("a"), text.clone(), DEFAULT_LIMIT).expect("plain"),
            text
        );
        let cut = decompress(
            Path::new("a.gz"),
            gz[..gz.len() / 2].to_vec(),
            DEFAULT_LIMIT,
        )
        .unwrap_err();
        assert!(
            cut.to_string()
                .starts_with("a.gz:1: expected complete gzip data, found"),
            "{cut}"
        );
        let cut = decompress(
            Path::new("a.zst"),
            zst[..zst.len() / 2].to_vec(),
            DEFAULT_LIMIT,
        )
        .unwrap_err();
        assert!(
            cut.to_string()
                .starts_with("a.zst:1: expected complete zstd data, found"),
            "{cut}"
        );
        let utf16: Vec<u8> = [0xFF, 0xFE]
            .into_iter()
            .chain("Model: Qwen\r\n".encode_utf16().flat_map(u16::to_le_bytes))
            .collect();
        assert_eq!(
            decompress(Path::new("ps.log"), utf16, DEFAULT_LIMIT).expect("utf-16"),
            b"Model: Qwen\r\n"
        );
        let bomb = decompress(Path::new("bomb.gz"), gz, 100).unwrap_err();
        assert_eq!(
            bomb.to_string(),
            "bomb.gz:1: expected gzip data of at most 100 bytes decompressed \
             (--max-decompressed), found more (a decompression bomb?); not read"
        );
    }
}
