//! Helpers shared by the integration tests.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tidybench::formats::{LoadPoint, Parsed};
use tidybench::ingest::Blob;

/// Absolute path of a file in the repository.
pub fn repo(path: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(path)
}

/// The bundled study log.
pub fn study_log() -> PathBuf {
    repo("data/benchmark-run-larger-models.log")
}

/// The study log's text.
pub fn study_text() -> String {
    std::fs::read_to_string(study_log()).expect("data/benchmark-run-larger-models.log")
}

/// The expected classic report.
pub fn expected_classic() -> String {
    std::fs::read_to_string(repo("data/all-models-comparison.txt")).expect("expected report")
}

/// Runs the tidybench binary with `args` in `dir`.
pub fn tidybench(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_tidybench"))
        .args(args)
        .current_dir(dir)
        .output()
        .expect("run tidybench")
}

/// The CSV result of `tidybench query <dataset> <sql>` in `dir`, which must succeed.
pub fn query(dir: &Path, dataset: &str, sql: &str) -> String {
    let out = tidybench(dir, &["query", dataset, sql, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

/// Standard output of a run, as text.
pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

/// Standard error of a run, as text.
pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Parses `bytes` as if read from a file named `name`, detecting the format.
pub fn parse_bytes(name: &str, bytes: Vec<u8>) -> tidybench::Result<Parsed> {
    let blob = Blob::from_bytes(name, bytes);
    let format = tidybench::detect::detect(&blob)?;
    format.parse(&blob)
}

/// Parses a repository file (decompressing it if need be), detecting the format. Paths in
/// warnings are the relative `path` given.
pub fn parse_file(path: &str) -> Parsed {
    let read = Blob::read(&repo(path)).expect(path);
    parse_bytes(path, read.bytes.to_vec()).expect("parses")
}

/// The value and printed decimals of one observation of a load point.
pub fn value(point: &LoadPoint, metric: &str, status: &str, stat: &str) -> (f64, Option<u8>) {
    let found: Vec<_> = point
        .observations
        .iter()
        .filter(|o| o.metric == metric && o.status == status && o.stat == stat)
        .collect();
    assert_eq!(
        found.len(),
        1,
        "expected exactly one {metric}/{status}/{stat}, found {}",
        found.len()
    );
    (found[0].value, found[0].decimals)
}

/// Writes `text` into a new file `name` under `dir` and returns its path.
pub fn write(dir: &Path, name: &str, bytes: impl AsRef<[u8]>) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).expect("write test input");
    path
}
