//! Every parser against mutated real inputs: each fixture cut at random points, with bytes
//! flipped, NULs, ANSI escapes and CRLF inserted, lines duplicated or dropped. Whatever the
//! damage, detection and parsing return a result or an error — they never panic. (A stable
//! stand-in for fuzzing: deterministic, so every failure reproduces from its seed.)

use crate::common;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};

use tidybench::ingest::Blob;

/// A small deterministic generator (xorshift64*), so a failing seed reproduces.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

/// One mutation of `bytes`, chosen by `rng`.
fn mutate(bytes: &[u8], rng: &mut Rng) -> Vec<u8> {
    let mut out = bytes.to_vec();
    let at = rng.below(out.len() + 1);
    match rng.below(8) {
        0 => out.truncate(at),
        1 => {
            for _ in 0..1 + rng.below(16) {
                let i = rng.below(out.len());
                if let Some(b) = out.get_mut(i) {
                    *b ^= 1 << rng.below(8);
                }
            }
        }
        2 => out.insert(at.min(out.len()), 0),
        3 => out
            .splice(at..at, b"\x1b[1;92m\x1b[2K\r".iter().copied())
            .for_each(drop),
        4 => {
            out = String::from_utf8_lossy(&out)
                .replace('\n', "\r\n")
                .into_bytes()
        }
        5 => {
            // A line repeated.
            let start = out[..at]
                .iter()
                .rposition(|&b| b == b'\n')
                .map_or(0, |i| i + 1);
            let end = out[at..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(out.len(), |i| at + i + 1);
            let line = out[start..end].to_vec();
            out.splice(end..end, line).for_each(drop);
        }
        6 => {
            // A range removed.
            let end = (at + rng.below(4096)).min(out.len());
            out.drain(at..end);
        }
        _ => out.splice(at..at, [0xff, 0xfe, 0xc3]).for_each(drop),
    }
    out
}

fn fixtures(dir: &Path, found: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            fixtures(&path, found);
        } else if path.extension().is_some_and(|e| e != "md") {
            found.push(path);
        }
    }
}

#[test]
fn no_mutation_of_a_real_input_makes_a_parser_panic() {
    let mut files = Vec::new();
    fixtures(&common::repo("tests/fixtures"), &mut files);
    files.push(common::study_log());
    files.push(common::repo("data/all-models-comparison.txt"));
    files.sort();
    let mut parsed = 0;
    let mut failures = Vec::new();
    for (n, path) in files.iter().enumerate() {
        // Decompressed, so the mutations reach the text the parsers read.
        let bytes = Blob::read(path).unwrap().bytes.to_vec();
        let rounds = if bytes.len() > 512 * 1024 { 6 } else { 24 };
        for round in 0..rounds {
            let seed = (n as u64 + 1) * 1_000_003 + round;
            let mut rng = Rng(seed);
            let mutated = mutate(&bytes, &mut rng);
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                let blob = Blob::from_bytes("mutated", mutated);
                if let Ok(format) = tidybench::detect::detect(&blob) {
                    let _ = format.parse(&blob);
                }
            }));
            parsed += 1;
            if outcome.is_err() {
                failures.push(format!("{} (seed {seed})", path.display()));
            }
        }
    }
    assert!(failures.is_empty(), "panics:\n{}", failures.join("\n"));
    assert!(parsed > 1000, "{parsed}");
}
