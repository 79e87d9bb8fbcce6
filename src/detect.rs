//! Choosing the format of an input from its content (never from its file name).

use crate::error::{Error, Result};
use crate::formats::{Format, REGISTRY};
use crate::ingest::Blob;

/// How many leading bytes the sniffers look at.
const HEAD_BYTES: usize = 64 * 1024;

/// The format of `blob`: the first registered format whose sniffer accepts its first KBs.
/// Empty, binary and unrecognised inputs are errors that say which it was.
pub fn detect(blob: &Blob) -> Result<&'static dyn Format> {
    detect_with_reason(blob).map(|(format, _)| format)
}

/// The format of `blob` and why it was chosen (see [`detect`]).
pub fn detect_with_reason(blob: &Blob) -> Result<(&'static dyn Format, String)> {
    if blob.bytes.is_empty() {
        return Err(Error::UnknownFormat {
            path: blob.path.clone(),
            reason: "the file is empty".into(),
        });
    }
    if blob.looks_binary() {
        return Err(Error::UnknownFormat {
            path: blob.path.clone(),
            reason: "binary data (NUL bytes in the first 8 KiB)".into(),
        });
    }
    let head = Blob::from_bytes(
        &blob.path,
        blob.bytes[..blob.bytes.len().min(HEAD_BYTES)].to_vec(),
    );
    let (lines, _) = head.text_lines();
    let text = lines
        .iter()
        .map(|l| &*l.text)
        .collect::<Vec<_>>()
        .join("\n");
    REGISTRY
        .iter()
        .find_map(|format| format.sniff(&text).map(|why| (*format, why)))
        .ok_or_else(|| Error::UnknownFormat {
            path: blob.path.clone(),
            reason: format!(
                "no known format recognised the first {} KiB",
                HEAD_BYTES / 1024
            ),
        })
}
