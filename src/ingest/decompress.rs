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

/// `bytes` decompressed when they are gzip or zstd data, unchanged otherwise. A truncated or
/// corrupt stream is an error naming `path`.
pub fn decompress(path: &Path, bytes: Vec<u8>) -> Result<Vec<u8>> {
    let Some(kind) = compression(&bytes) else {
        return Ok(bytes);
    };
    let mut out = Vec::with_capacity(bytes.len() * 4);
    let read = match kind {
        "gzip" => flate2::read::MultiGzDecoder::new(bytes.as_slice()).read_to_end(&mut out),
        _ => zstd::stream::read::Decoder::new(bytes.as_slice())
            .and_then(|mut decoder| decoder.read_to_end(&mut out)),
    };
    read.map_err(|e| Error::Parse {
        path: path.to_path_buf(),
        line: 1,
        expected: format!("complete {kind} data"),
        found: format!("{e} after {} decompressed bytes", out.len()),
    })?;
    Ok(out)
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
            decompress(Path::new("a.gz"), gz.clone()).expect("gzip"),
            text
        );
        assert_eq!(
            decompress(Path::new("a.zst"), zst.clone()).expect("zstd"),
            text
        );
        assert_eq!(
            decompress(Path::new("a"), text.clone()).expect("plain"),
            text
        );
        let cut = decompress(Path::new("a.gz"), gz[..gz.len() / 2].to_vec()).unwrap_err();
        assert!(
            cut.to_string()
                .starts_with("a.gz:1: expected complete gzip data, found"),
            "{cut}"
        );
        let cut = decompress(Path::new("a.zst"), zst[..zst.len() / 2].to_vec()).unwrap_err();
        assert!(
            cut.to_string()
                .starts_with("a.zst:1: expected complete zstd data, found"),
            "{cut}"
        );
    }
}
