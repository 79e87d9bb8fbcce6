//! What the fuzz targets run: one input through tidybench's reading path (decompression,
//! detection, a format's parser, run-directory labels, reconciliation, the three
//! tables). A panic anywhere is a finding. Errors are expected, but each must name the input
//! and a line it has; so must every warning.

use std::cell::OnceCell;
use std::path::Path;

use tidybench::formats::{run_config, Format, ParseOptions, Parsed, Run, REGISTRY};
use tidybench::ingest::decompress::decompress;
use tidybench::ingest::Blob;
use tidybench::{frames, reconcile, Error};

/// The path every input is given (errors and warnings must name it).
const INPUT: &str = "fuzz-input";

/// Most bytes an input may decompress to: a gzip bomb is refused here rather than running the
/// fuzzer out of memory (the command line's limit is `--max-decompressed`).
const DECOMPRESSED_LIMIT: u64 = 16 << 20;

/// `data` as the reading path sees the file `name` (decompressed, re-encoded as UTF-8), or
/// `None` when decompression refuses it.
fn blob(name: &str, data: &[u8]) -> Option<Blob> {
    let path = Path::new(name);
    let bytes = decompress(path, data.to_vec(), DECOMPRESSED_LIMIT).ok()?;
    Some(Blob::from_bytes(path, bytes))
}

/// The registered format called `name`.
///
/// # Panics
/// When no format has that name (the target is wrong, not the input).
pub fn format(name: &str) -> &'static dyn Format {
    REGISTRY
        .iter()
        .copied()
        .find(|f| f.name() == name)
        .unwrap_or_else(|| panic!("no registered format is named {name}"))
}

/// Format `name` over `data`: detection (every sniffer in turn, up to one that accepts), then
/// the format's parser whatever detection said (a parser must survive any input), then the
/// tables of what it read.
pub fn parse_as(name: &str, data: &[u8]) {
    parse(name, data, &[ParseOptions::default()]);
}

/// Format `name` over `data` with request text skipped, then kept (see [`parse_as`]): both
/// must read the same runs (and models), load points, numbers and requests, or both fail.
pub fn parse_with_and_without_text(name: &str, data: &[u8]) {
    let options = [
        ParseOptions::default(),
        ParseOptions {
            keep_text: true,
            ..Default::default()
        },
    ];
    if let [skipped, kept] = parse(name, data, &options).as_slice() {
        assert_eq!(
            skipped.as_ref().map(shape),
            kept.as_ref().map(shape),
            "keeping request text changed what was read"
        );
    }
}

/// What format `name` reads from `data` with each of `options` (see [`parse_as`]); nothing
/// when decompression refuses `data`.
fn parse(name: &str, data: &[u8], options: &[ParseOptions]) -> Vec<Option<Parsed>> {
    let format = format(name);
    let Some(blob) = blob(INPUT, data) else {
        return Vec::new();
    };
    let _ = tidybench::detect::detect_with_reason(&blob);
    options
        .iter()
        .map(|options| {
            let parsed = checked(&blob, format.parse_with(&blob, options))?;
            build_tables(&parsed.runs);
            Some(parsed)
        })
        .collect()
}

/// A load point's strategy, numbers and requests.
type PointShape = (String, usize, usize);

/// Per run its model and its load points' shapes.
fn shape(parsed: &Parsed) -> Vec<(Option<String>, Vec<PointShape>)> {
    parsed
        .runs
        .iter()
        .map(|run| {
            let points = run.load_points.iter();
            let points =
                points.map(|p| (p.strategy.clone(), p.observations.len(), p.requests.len()));
            (run.model.clone(), points.collect())
        })
        .collect()
}

/// Separates the files of one input of [`read`].
pub const NEXT_FILE: &[u8] = b"\n=== next file ===\n";

/// The whole reading path over `data`: its first line names a run directory, the rest is that
/// directory's `benchmark-config.txt` then results files, separated by [`NEXT_FILE`] (e.g. a
/// console log and the report of the same run). Each results file is detected, parsed and
/// labelled by the run directory; then the runs of all files are reconciled and tabled.
pub fn read(data: &[u8]) {
    let (dir, files) = split_first_line(data);
    let mut files = split(files, NEXT_FILE).into_iter();
    let Some(labels) = files
        .next()
        .and_then(|config| blob(run_config::FILE_NAME, config))
        .map(|config| run_config::parse(Path::new(&dir), &config))
    else {
        return;
    };
    let mut runs = Vec::new();
    for (i, file) in files.enumerate() {
        let Some(blob) = blob(&format!("{INPUT}-{i}"), file) else {
            continue;
        };
        let Ok(format) = tidybench::detect::detect(&blob) else {
            continue;
        };
        if let Some(parsed) = checked(&blob, format.parse(&blob)) {
            for mut run in parsed.runs {
                labels.apply(&mut run);
                runs.push(run);
            }
        }
    }
    let mut warnings = Vec::new();
    reconcile::merge(&mut runs, &mut warnings);
    build_tables(&runs);
}

/// The parts of `data` between occurrences of `separator`.
fn split<'a>(mut data: &'a [u8], separator: &[u8]) -> Vec<&'a [u8]> {
    let mut parts = Vec::new();
    while let Some(at) = data.windows(separator.len()).position(|w| w == separator) {
        parts.push(&data[..at]);
        data = &data[at + separator.len()..];
    }
    parts.push(data);
    parts
}

/// Detection alone over `data`.
pub fn detect(data: &[u8]) {
    if let Some(blob) = blob(INPUT, data) {
        let _ = tidybench::detect::detect_with_reason(&blob);
    }
}

/// A run directory whose name is the first line of `data` and whose `benchmark-config.txt` is
/// the rest: its labels, applied to an empty run, then the runs table.
pub fn run_config(data: &[u8]) {
    let (dir, config) = split_first_line(data);
    let Some(blob) = blob(INPUT, config) else {
        return;
    };
    let labels = run_config::parse(Path::new(&dir), &blob);
    let input = Input::new(&blob);
    for warning in &labels.warnings {
        input.assert_named(&warning.path, warning.line);
    }
    let mut run = Run::default();
    labels.apply(&mut run);
    build_tables(&[run]);
}

/// The first line of `data` (lossy UTF-8) and the bytes after it.
fn split_first_line(data: &[u8]) -> (String, &[u8]) {
    let end = data.iter().position(|&b| b == b'\n').unwrap_or(data.len());
    let rest = data.get(end + 1..).unwrap_or_default();
    (String::from_utf8_lossy(&data[..end]).into_owned(), rest)
}

/// The parse of `blob` when it succeeded; checks that its warnings, or its error, name the
/// input and a line it has.
fn checked(blob: &Blob, parsed: tidybench::Result<Parsed>) -> Option<Parsed> {
    let input = Input::new(blob);
    match parsed {
        Ok(parsed) => {
            for warning in &parsed.warnings {
                input.assert_named(&warning.path, warning.line);
            }
            Some(parsed)
        }
        Err(Error::Parse { path, line, .. }) => {
            input.assert_named(&path, Some(line));
            None
        }
        Err(_) => None,
    }
}

/// An input that messages must name, and its number of lines once counted.
struct Input<'a> {
    blob: &'a Blob,
    lines: OnceCell<usize>,
}

impl<'a> Input<'a> {
    fn new(blob: &'a Blob) -> Self {
        Input {
            blob,
            lines: OnceCell::new(),
        }
    }

    /// Panics unless `path` is the input's and `line` (when given) one of its lines, as
    /// [`Blob::text_lines`] numbers them.
    fn assert_named(&self, path: &Path, line: Option<usize>) {
        assert_eq!(path, self.blob.path, "a message names another file");
        if let Some(line) = line {
            let lines = *self
                .lines
                .get_or_init(|| self.blob.bytes.iter().filter(|&&b| b == b'\n').count() + 1);
            assert!(
                (1..=lines).contains(&line),
                "a message names line {line} of a {lines}-line input"
            );
        }
    }
}

/// The four tables of `runs` (Polars must take any value parsed).
fn build_tables(runs: &[Run]) {
    let _ = frames::runs_frame(runs);
    let _ = frames::metrics_frame(runs);
    let _ = frames::requests_frame(runs);
    let _ = frames::server_samples_frame(runs);
}
