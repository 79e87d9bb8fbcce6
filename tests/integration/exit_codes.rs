//! Exit codes, as the README documents them: `0` all inputs read, `1` usage or I/O error before
//! any work, `2` some inputs failed, `3` no input could be used — whatever the dataset written
//! into held before.

use std::path::Path;

use crate::common::{stderr, study_text, tidybench, write};

/// Every file of the dataset `out` under `dir` with its bytes, to prove it was left alone.
fn snapshot(dir: &Path) -> Vec<(String, Vec<u8>)> {
    let mut files: Vec<(String, Vec<u8>)> = walk(&dir.join("out"))
        .into_iter()
        .map(|p| {
            let bytes = std::fs::read(&p).unwrap();
            (p.strip_prefix(dir).unwrap().display().to_string(), bytes)
        })
        .collect();
    files.sort();
    files
}

/// Asserts that `after` holds the same files with the same bytes as `before`, naming any
/// that differ.
fn assert_unchanged(before: &[(String, Vec<u8>)], after: &[(String, Vec<u8>)], case: &str) {
    let names = |files: &[(String, Vec<u8>)]| -> Vec<String> {
        files.iter().map(|(n, _)| n.clone()).collect()
    };
    assert_eq!(names(after), names(before), "{case}: files differ");
    for ((name, a), (_, b)) in after.iter().zip(before) {
        assert!(a == b, "{case}: {name} changed");
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    std::fs::read_dir(dir)
        .unwrap()
        .flat_map(|entry| {
            let path = entry.unwrap().path();
            match path.is_dir() {
                true => walk(&path),
                false => vec![path],
            }
        })
        .collect()
}

#[test]
fn usage_errors_exit_1_and_help_and_version_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "study.log", study_text());
    for (args, message) in [
        (
            &["report", "study.log", "--tolerance", "abc"][..],
            "error: invalid value 'abc' for '--tolerance <TOLERANCE>': invalid float literal",
        ),
        (
            &["report", "study.log", "--tolerance", "NaN"][..],
            "error: invalid value 'NaN' for '--tolerance <TOLERANCE>': expected a finite \
             percentage of 0 or more",
        ),
        (
            &["compare", "study.log", "--baseline", "x", "--tolerance=-5"][..],
            "error: invalid value '-5' for '--tolerance <TOLERANCE>': expected a finite \
             percentage of 0 or more",
        ),
        (
            &["convert", "study.log"][..],
            "error: the following required arguments were not provided:\n  --output <OUTPUT>",
        ),
        (
            &["report", "study.log", "--format", "pdf"][..],
            "error: invalid value 'pdf' for '--format <FORMAT>'",
        ),
        (
            &["convert", "study.log", "-o", "out", "--shard", "3/2"][..],
            "error: invalid value '3/2' for '--shard <K/N>': expected K/N with 1 <= K <= N",
        ),
        (
            &["convert", "study.log", "-o", "out", "--label", "noequals"][..],
            "error: invalid value 'noequals' for '--label <KEY=VALUE>': expected key=value",
        ),
        (
            &["convert", "study.log", "-o", "out", "--labels-from", "("][..],
            "error: invalid value '(' for '--labels-from <REGEX>': regex parse error",
        ),
        (
            &["summarise", "study.log"][..],
            "error: unrecognized subcommand 'summarise'",
        ),
        (&[][..], "Usage: tidybench"),
    ] {
        let out = tidybench(dir.path(), args);
        assert_eq!(out.status.code(), Some(1), "{args:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{args:?}: {}", stderr(&out));
    }
    assert!(!dir.path().join("out").exists());
    for args in [["--help"], ["--version"]] {
        let out = tidybench(dir.path(), &args);
        assert_eq!(out.status.code(), Some(0), "{args:?}");
        assert!(!out.stdout.is_empty(), "{args:?}");
    }
}

#[test]
fn converting_only_unusable_inputs_exits_3_with_or_without_a_dataset_there() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "study.log", study_text());
    write(dir.path(), "empty.log", "");
    std::fs::create_dir(dir.path().join("notes")).unwrap();
    write(dir.path(), "notes/readme.txt", "nothing to see here\n");
    std::fs::create_dir(dir.path().join("nothing")).unwrap();
    for input in ["empty.log", "notes", "nothing"] {
        let out = tidybench(dir.path(), &["convert", input, "-o", "out"]);
        assert_eq!(out.status.code(), Some(3), "{input}: {}", stderr(&out));
        assert!(!dir.path().join("out").exists(), "{input}");
    }

    let out = tidybench(dir.path(), &["convert", "study.log", "-o", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = snapshot(dir.path());
    let failed = "error: none of the 1 input(s) could be converted; out left as it was\n";
    let nothing = "error: no files to convert in nothing\n";
    for (args, message) in [
        (&["empty.log"][..], failed),
        (&["notes"][..], failed),
        (&["nothing"][..], nothing),
        // --prune would remove study.log's runs, but nothing is converted.
        (&["notes", "--prune"][..], failed),
        (&["nothing", "--prune"][..], nothing),
    ] {
        // Twice: a failed input is not recorded, so it is read (and fails) again.
        for _ in 0..2 {
            let mut all = vec!["convert", "-o", "out"];
            all.extend(args);
            let out = tidybench(dir.path(), &all);
            assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr(&out));
            assert!(
                stderr(&out).ends_with(message),
                "{args:?}: {}",
                stderr(&out)
            );
            assert!(
                !stderr(&out).contains("removing"),
                "{args:?}: {}",
                stderr(&out)
            );
            assert_unchanged(&before, &snapshot(dir.path()), &format!("{args:?}"));
        }
    }

    // Converting again a source whose runs share a part with another's copies those rows
    // into a part of their own; when the source then fails, that part is not left behind.
    let both = tempfile::tempdir().unwrap();
    let fixtures = crate::common::repo("tests/fixtures/guidellm");
    for (run, version) in [("x", "0.5.4"), ("y", "0.8.1")] {
        std::fs::create_dir(both.path().join(run)).unwrap();
        std::fs::copy(
            fixtures.join(version).join("concurrent/console.log"),
            both.path().join(run).join("console.log"),
        )
        .unwrap();
    }
    let out = tidybench(both.path(), &["convert", "x", "y", "-o", "out", "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let before = snapshot(both.path());
    write(
        both.path(),
        "y/console.log",
        "ℹ Run Summary Info\n|===| cut\n",
    );
    let out = tidybench(both.path(), &["convert", "y", "-o", "out"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_unchanged(
        &before,
        &snapshot(both.path()),
        "a failed source sharing a part",
    );

    // With a usable input beside it, the unusable one fails alone.
    let out = tidybench(
        dir.path(),
        &["convert", "study.log", "empty.log", "-o", "out"],
    );
    assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
    assert!(
        stderr(&out)
            .starts_with("error: empty.log: not a format tidybench reads (the file is empty)\n"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_failed_conversion_touches_no_file_it_did_not_write() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty.log", "");
    // An output directory that is not a dataset yet, holding a file named like a part.
    let foreign = dir
        .path()
        .join("out/metrics/model=x/part-0123456789abcdef.parquet");
    std::fs::create_dir_all(foreign.parent().unwrap()).unwrap();
    std::fs::write(&foreign, b"someone else's").unwrap();
    let out = tidybench(dir.path(), &["convert", "empty.log", "-o", "out"]);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert_eq!(std::fs::read(&foreign).unwrap(), b"someone else's");
}

#[test]
fn a_broken_run_config_fails_alone_and_the_results_beside_it_convert() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("rd")).unwrap();
    std::fs::copy(
        crate::common::repo("tests/fixtures/guidellm/0.5.4/concurrent/console.log"),
        dir.path().join("rd/console.log"),
    )
    .unwrap();
    write(
        dir.path(),
        "rd/benchmark-config.txt",
        b"\x1f\x8b\x08\x00junk",
    );
    // Twice: the config that failed is not recorded as converted, so it fails again.
    for _ in 0..2 {
        let out = tidybench(dir.path(), &["convert", "rd", "-o", "out"]);
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(
            stderr(&out)
                .starts_with("error: rd/benchmark-config.txt:1: expected complete gzip data"),
            "{}",
            stderr(&out)
        );
        assert!(
            stderr(&out).contains("converted 1 of 2 file(s) (1 failed): 1 run(s)"),
            "{}",
            stderr(&out)
        );
    }
}

#[test]
fn a_report_of_inputs_that_measured_nothing_exits_3_and_an_unknown_metric_exits_1() {
    let dir = tempfile::tempdir().unwrap();
    // Cut before its first result table: the run reads, with a warning, but holds no numbers.
    let cut: String = study_text()
        .lines()
        .take(80)
        .map(|line| format!("{line}\n"))
        .collect();
    write(dir.path(), "cut.log", &cut);
    write(dir.path(), "study.log", study_text());
    for args in [
        &["report", "cut.log"][..],
        &["compare", "cut.log", "--baseline", "no-offload"][..],
    ] {
        let out = tidybench(dir.path(), args);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).contains("error: no rows to compare"),
            "{args:?}: {}",
            stderr(&out)
        );
        assert!(out.stdout.is_empty(), "{args:?}");
    }
    // Numbers were read, just not the ones asked for: the argument is at fault.
    let out = tidybench(
        dir.path(),
        &[
            "compare",
            "study.log",
            "--baseline",
            "no-offload",
            "--metrics",
            "nope",
        ],
    );
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with("error: no rows to compare: metric nope"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn inspect_exits_as_report_does_on_a_file_no_format_reads() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty.log", "");
    write(dir.path(), "notes.txt", "nothing to see here\n");
    write(dir.path(), "cut.json", "{\"benchmarks\": [");
    for file in ["empty.log", "notes.txt", "cut.json"] {
        let report = tidybench(dir.path(), &["report", file]);
        let inspect = tidybench(dir.path(), &["inspect", file]);
        assert_eq!(report.status.code(), Some(3), "{file}: {}", stderr(&report));
        assert_eq!(
            inspect.status.code(),
            Some(3),
            "{file}: {}",
            stderr(&inspect)
        );
        // The same error, naming the file.
        let first_line = |text: String| text.lines().next().unwrap_or_default().to_string();
        assert_eq!(
            first_line(stderr(&inspect)),
            first_line(stderr(&report)),
            "{file}"
        );
        assert!(
            stderr(&inspect).starts_with(&format!("error: {file}")),
            "{file}"
        );
    }
    // A file that is not there is an I/O error before any work, for both.
    for command in ["report", "inspect"] {
        let out = tidybench(dir.path(), &[command, "nope.log"]);
        assert_eq!(out.status.code(), Some(1), "{command}: {}", stderr(&out));
    }
}

/// The 0.8.1 report of the fixtures, decompressed.
fn report_081() -> Vec<u8> {
    let path = crate::common::repo(
        "tests/fixtures/guidellm/0.8.1/concurrent/benchmarks-no-requests.json.gz",
    );
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(
        &mut flate2::read::GzDecoder::new(std::fs::File::open(path).unwrap()),
        &mut bytes,
    )
    .unwrap();
    bytes
}

#[test]
fn a_report_cut_short_in_a_directory_is_a_failure_not_a_skip() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("runs")).unwrap();
    write(dir.path(), "runs/study.log", study_text());
    write(dir.path(), "runs/benchmarks.json", &report_081()[..3000]);
    let out = tidybench(dir.path(), &["convert", "runs", "-o", "out"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.starts_with(
            "error: runs/benchmarks.json:1: expected a GuideLLM JSON report, found EOF"
        ),
        "{err}"
    );
    assert!(err.contains("converted 1 of 2 file(s) (1 failed)"), "{err}");
}

/// `value` with the keys of every object in alphabetical order.
fn sorted(value: serde_json::Value) -> serde_json::Value {
    use serde_json::Value;
    match value {
        Value::Object(map) => {
            let ordered: std::collections::BTreeMap<String, Value> =
                map.into_iter().map(|(k, v)| (k, sorted(v))).collect();
            Value::Object(ordered.into_iter().collect())
        }
        Value::Array(list) => Value::Array(list.into_iter().map(sorted).collect()),
        other => other,
    }
}

#[test]
fn a_report_written_with_sorted_keys_is_read_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let report = report_081();
    let value: serde_json::Value = serde_json::from_slice(&report).unwrap();
    let text = serde_json::to_string(&sorted(value)).unwrap();
    // `generative_benchmark` comes later than the 64 KiB detection reads.
    assert!(!text[..65536].contains("generative_benchmark"));
    write(dir.path(), "sorted.json", &text);
    write(dir.path(), "as-written.json", &report);
    let count = |file: &str| {
        crate::common::query(
            dir.path(),
            file,
            "select load_index, metric, status, stat, value, unit from metrics order by all",
        )
    };
    assert_eq!(count("sorted.json"), count("as-written.json"));
}

/// A tar archive of `files` (name, bytes), and a directory entry.
fn tar_of(files: &[(&str, &[u8])]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    let mut header = tar::Header::new_ustar();
    header.set_entry_type(tar::EntryType::Directory);
    header.set_size(0);
    header.set_mode(0o755);
    header.set_cksum();
    builder
        .append_data(&mut header, "run/", std::io::empty())
        .unwrap();
    for (name, bytes) in files {
        let mut header = tar::Header::new_ustar();
        header.set_size(bytes.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder.append_data(&mut header, name, *bytes).unwrap();
    }
    builder.into_inner().unwrap()
}

#[test]
fn a_tar_archive_on_standard_input_is_read() {
    let dir = tempfile::tempdir().unwrap();
    let study = study_text();
    let archive = tar_of(&[("run/study.log", study.as_bytes())]);
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tidybench"))
        .args(["convert", "-", "-o", "out"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(child.stdin.as_mut().unwrap(), &archive).unwrap();
    drop(child.stdin.take());
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        crate::common::query(
            dir.path(),
            "out",
            "select source_path, count(*) as n from runs group by all"
        ),
        "source_path,n\n<stdin>!/run/study.log,4\n"
    );
}

#[test]
fn an_archive_holding_no_file_is_named_and_inspect_sends_archives_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "empty.tar", tar_of(&[]));
    let out = tidybench(dir.path(), &["convert", "empty.tar", "-o", "out"]);
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(stderr(&out), "error: no files to convert in empty.tar\n");
    let study = study_text();
    write(
        dir.path(),
        "run.tar",
        tar_of(&[("run/study.log", study.as_bytes())]),
    );
    let out = tidybench(dir.path(), &["inspect", "run.tar"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: run.tar: a tar archive; inspect one file or a dataset (convert, report and \
         query read archives)\n"
    );
}

#[test]
fn a_label_that_is_not_a_number_names_where_it_came_from() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "study.log", study_text());
    let out = tidybench(
        dir.path(),
        &[
            "convert",
            "study.log",
            "-o",
            "out",
            "--labels-from",
            "(?P<replicas>study)",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: study.log: --labels-from replicas=study: expected a whole number\n"
    );
    let out = tidybench(
        dir.path(),
        &[
            "convert",
            "study.log",
            "-o",
            "out",
            "--label",
            "replicas=two",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: --label replicas=two: expected a whole number\n"
    );
}
