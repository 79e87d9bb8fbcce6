//! What went wrong with the inputs: printed to standard error as it is met, and kept for
//! `--warnings-json`, one JSON document written when the command ends.

use std::collections::BTreeSet;
use std::path::Path;
use std::sync::{Mutex, MutexGuard};

use serde::Serialize;
use tidybench::formats::Warning;
use tidybench::Error;

/// One problem: an input's warning, a file skipped, or an error.
#[derive(Debug, Serialize)]
struct Problem {
    /// The file it is about, when it is about one.
    path: Option<String>,
    /// 1-based line in that file, when it has one.
    line: Option<usize>,
    /// What was wrong (and, for a warning, what was done about it).
    message: String,
}

/// Every problem met so far, in the order printed.
#[derive(Debug, Default, Serialize)]
struct Problems {
    warnings: Vec<Problem>,
    skipped: Vec<Problem>,
    errors: Vec<Problem>,
    /// Each problem as printed: one met again (an input read again by a conversion made
    /// again) is neither printed nor kept twice.
    #[serde(skip)]
    printed: BTreeSet<String>,
}

static MET: Mutex<Problems> = Mutex::new(Problems {
    warnings: Vec::new(),
    skipped: Vec::new(),
    errors: Vec::new(),
    printed: BTreeSet::new(),
});

/// True the first time `line` is met.
fn first_time(met: &mut Problems, line: &str) -> bool {
    met.printed.insert(line.to_string())
}

/// The problems met so far (a panic elsewhere while holding them leaves them readable).
fn met() -> MutexGuard<'static, Problems> {
    MET.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn from_warning(warning: &Warning) -> Problem {
    Problem {
        path: Some(warning.path.display().to_string()),
        line: warning.line,
        message: warning.message.clone(),
    }
}

/// Keeps `warnings`, printing them to standard error (one per line) unless `quiet`.
pub fn warn(warnings: &[Warning], quiet: bool) {
    let mut met = met();
    for warning in warnings {
        let line = format!("warning: {warning}");
        if first_time(&mut met, &line) {
            if !quiet {
                eprintln!("{line}");
            }
            met.warnings.push(from_warning(warning));
        }
    }
}

/// Keeps a file found in a directory or an archive that is not read (`why` names it), printing
/// it unless `quiet`.
pub fn skip(why: &Warning, quiet: bool) {
    let line = format!("skipped: {why}");
    let mut met = met();
    if first_time(&mut met, &line) {
        if !quiet {
            eprintln!("{line}");
        }
        met.skipped.push(from_warning(why));
    }
}

/// Keeps an error and prints it: an input that could not be read, or the error that stopped
/// the command.
pub fn fail(error: &Error) {
    let line = format!("error: {error}");
    let mut met = met();
    if !first_time(&mut met, &line) {
        return;
    }
    eprintln!("{line}");
    met.errors.push(Problem {
        path: error.path().map(|p| p.display().to_string()),
        line: error.line(),
        message: error.message(),
    });
}

/// The `--warnings-json` document: the command, its exit code, and every warning, skipped file
/// and error met, each with `path`, `line` and `message`.
#[derive(Serialize)]
struct Document<'a> {
    command: &'a str,
    exit_code: u8,
    #[serde(flatten)]
    problems: &'a Problems,
}

/// Writes the problems met by `command`, which ends with `exit_code`, to `path` as JSON (via a
/// temporary file and a rename).
pub fn write_json(path: &Path, command: &str, exit_code: u8) -> tidybench::Result<()> {
    let problems = met();
    let document = Document {
        command,
        exit_code,
        problems: &problems,
    };
    let mut text = serde_json::to_string_pretty(&document)
        .map_err(|e| Error::Invalid(format!("{}: {e}", path.display())))?;
    text.push('\n');
    super::write_output(Some(path), &text)
}
