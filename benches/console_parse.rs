//! The console parser alone on one core: `cargo bench --bench console_parse -- LOG`, where LOG
//! is a driver or GuideLLM console log (`bench/run` passes the study log repeated 1,000x).
//! Prints MB/s of detection plus parsing, best of 5, with no table built.

use std::time::Instant;

use tidybench::ingest::Blob;

/// The allocator of the `tidybench` binary, so the figure is the binary's.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    let Some(path) = std::env::args().skip(1).find(|a| !a.starts_with("--")) else {
        eprintln!("usage: cargo bench --bench console_parse -- LOG");
        std::process::exit(1);
    };
    let blob = match Blob::read(path.as_ref()) {
        Ok(blob) => blob,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::exit(1);
        }
    };
    let mb = blob.bytes.len() as f64 / 1e6;
    let mut best = f64::INFINITY;
    let mut observations = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let parsed = tidybench::detect::detect(&blob).and_then(|format| format.parse(&blob));
        let seconds = start.elapsed().as_secs_f64();
        match parsed {
            Ok(parsed) => {
                observations = parsed
                    .runs
                    .iter()
                    .flat_map(|r| &r.load_points)
                    .map(|p| p.observations.len())
                    .sum();
            }
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        }
        best = best.min(seconds);
    }
    println!(
        "{path}: {mb:.1} MB, {observations} numbers, parsed in {best:.3} s = {:.0} MB/s",
        mb / best
    );
}
