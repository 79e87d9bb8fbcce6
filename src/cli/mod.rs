//! The command-line interface: one file per subcommand, `inputs.rs` for reading what they are
//! given; this file holds the rest they share (printing problems, exit codes, writing output).

pub mod compare;
pub mod convert;
pub mod formats;
pub mod inputs;
pub mod inspect;
pub mod problems;
pub mod query;
pub mod report;

use std::path::{Path, PathBuf};

use tidybench::{store, Error};

pub use inputs::{read_inputs, Label, ReadOptions};

/// Exit code: every input converted.
pub const EXIT_OK: u8 = 0;
/// Exit code: usage or I/O error before any work.
pub const EXIT_USAGE: u8 = 1;
/// Exit code: some inputs failed, the rest were used.
pub const EXIT_SOME_FAILED: u8 = 2;
/// Exit code: no input could be used.
pub const EXIT_ALL_FAILED: u8 = 3;

/// A percentage option (`--tolerance`): a finite number, not negative.
pub fn percent(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(pct) if pct.is_finite() && pct >= 0.0 => Ok(pct),
        Ok(_) => Err(format!(
            "expected a finite percentage of 0 or more, found {text:?}"
        )),
        Err(e) => Err(e.to_string()),
    }
}

/// Writes `text` to `path` (via a temporary file and a rename; into it when it is a device or a
/// pipe, such as `/dev/null`) or to standard output.
pub fn write_output(path: Option<&Path>, text: &str) -> tidybench::Result<()> {
    use std::io::Write;
    match path {
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
                .map_err(|e| Error::io("<stdout>", e))
        }
        Some(path) if store::is_special_file(path) => {
            std::fs::write(path, text).map_err(|e| Error::io(path, e))
        }
        Some(path) => store::write_bytes_atomic(path, text.as_bytes()),
    }
}

/// A comma-separated option's values with the spaces around each removed (`a, b`).
pub fn trimmed(values: &Option<Vec<String>>) -> Option<Vec<String>> {
    values
        .as_ref()
        .map(|list| list.iter().map(|v| v.trim().to_string()).collect())
}

/// Refuses an output path that would replace an input file, or a file of one of the input
/// datasets (`runs.parquet` or anything under `metrics/`).
pub fn refuse_output_inside(inputs: &[PathBuf], output: Option<&Path>) -> tidybench::Result<()> {
    let Some(output) = output else { return Ok(()) };
    let resolve = |p: &Path| std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
    let parent = output.parent().filter(|p| !p.as_os_str().is_empty());
    let target =
        resolve(parent.unwrap_or(Path::new("."))).join(output.file_name().unwrap_or_default());
    let target = resolve(&target);
    if let Some(input) = inputs.iter().find(|p| p.is_file() && resolve(p) == target) {
        return Err(Error::Invalid(format!(
            "{}: writing there would replace the input {}",
            output.display(),
            input.display()
        )));
    }
    for input in inputs.iter().filter(|p| store::is_dataset(p)) {
        let dataset = resolve(input);
        let tables = [
            store::dataset::METRICS_DIR,
            store::dataset::REQUESTS_DIR,
            store::dataset::SERVER_SAMPLES_DIR,
        ];
        if target == dataset.join(store::dataset::RUNS_FILE)
            || tables.iter().any(|t| target.starts_with(dataset.join(t)))
        {
            return Err(Error::Invalid(format!(
                "{}: writing there would replace a file of the dataset {}",
                output.display(),
                input.display()
            )));
        }
    }
    Ok(())
}
