//! The console parser alone on one core: `cargo bench --bench console_parse -- LOG`, where LOG
//! is a driver or GuideLLM console log (`bench/run` passes the study log repeated 1,000x).
//! Prints MB/s of detection plus parsing, best of 5, with no table built, on one core and on
//! every core.

use std::io::Write;
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
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    for threads in [1, cores] {
        // The driver log's iterations parse in parallel: a pool of `threads` sets the cores.
        let pool = match rayon::ThreadPoolBuilder::new().num_threads(threads).build() {
            Ok(pool) => pool,
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        };
        let (best, observations) = pool.install(|| best_of_5(&blob));
        // A reader that stops early (`| head -1`) ends the benchmark, not in a panic.
        let line = writeln!(
            std::io::stdout(),
            "{path}: {mb:.1} MB, {observations} numbers, {threads} core(s): parsed in {best:.3} s = {:.0} MB/s",
            mb / best
        );
        if line.is_err() {
            return;
        }
    }
}

/// The fastest of 5 detections and parses of `blob`, and the numbers read.
fn best_of_5(blob: &Blob) -> (f64, usize) {
    let mut best = f64::INFINITY;
    let mut observations = 0;
    for _ in 0..5 {
        let start = Instant::now();
        let parsed = tidybench::detect::detect(blob).and_then(|format| format.parse(blob));
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
    (best, observations)
}
