//! `convert` killed with SIGKILL at several points of a large conversion: the dataset is
//! always either absent or complete and readable (by tidybench, and by DuckDB when python3
//! has it), never partial; converting again completes it and leaves no temporary file.

use crate::common;

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use common::{stderr, stdout, study_text, tidybench};

/// The study log's four iterations repeated `copies` times with distinct configurations
/// (400 runs in 400 partitions for 100 copies).
fn big_log(dir: &Path, copies: usize) -> std::path::PathBuf {
    let text = study_text();
    let start = text
        .find("******************************************\nBenchmark Iteration:")
        .unwrap();
    let (head, body) = text.split_at(start);
    let mut out = head.to_string();
    for k in 0..copies {
        out.push_str(
            &body
                .replace("native-offload", &format!("native-offload-{k}"))
                .replace("no-offload", &format!("no-offload-{k}")),
        );
    }
    let path = dir.join("big.log");
    std::fs::write(&path, out).unwrap();
    path
}

fn visible_files(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap().flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                files.push(path.strip_prefix(dir).unwrap().display().to_string());
            }
        }
    }
    files.sort();
    files
}

/// The dataset in `dir/out` is absent or readable: tidybench opens every file it lists, and
/// DuckDB reads every visible Parquet file.
fn readable_or_absent(dir: &Path) {
    let out = dir.join("out");
    if !out.join("runs.parquet").exists() {
        return;
    }
    let query = tidybench(
        dir,
        &[
            "query",
            "out",
            "select count(*) as n from metrics",
            "--format",
            "csv",
        ],
    );
    assert_eq!(query.status.code(), Some(0), "{}", stderr(&query));
    let check = "import sys, duckdb; print(duckdb.sql(\"select count(*) from \
                 read_parquet('\" + sys.argv[1] + \"/metrics/**/*.parquet', \
                 hive_partitioning=true)\").fetchall()[0][0])";
    match Command::new("python3")
        .args(["-c", check])
        .arg(&out)
        .output()
    {
        Ok(run) if run.status.success() => {}
        other if std::env::var_os("CI").is_some() => panic!("DuckDB could not read: {other:?}"),
        _ => eprintln!("SKIPPED: the DuckDB read needs python3 with duckdb"),
    }
}

#[test]
fn a_killed_conversion_never_leaves_a_partial_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let log = big_log(dir.path(), 100);
    // Kill points: early (while parsing), then once 1, 150 and 350 of the 400 part files are
    // written (before `runs.parquet`, which is written last), whatever the machine's speed.
    let count_parts = |out: &Path| {
        let metrics = out.join("metrics");
        if metrics.exists() {
            visible_files(&metrics).len()
        } else {
            0
        }
    };
    let mut killed_mid_write = 0;
    for parts_written in [0, 1, 150, 350] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_tidybench"))
            .args([
                "convert",
                log.to_str().unwrap(),
                "-o",
                "out",
                "--full",
                "-q",
            ])
            .current_dir(dir.path())
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let out = dir.path().join("out");
        let before = count_parts(&out);
        let deadline = std::time::Instant::now() + Duration::from_secs(120);
        loop {
            let finished = child.try_wait().unwrap().is_some();
            let reached = parts_written == 0 || count_parts(&out) >= before.max(parts_written);
            if finished || reached || std::time::Instant::now() > deadline {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        if parts_written == 0 {
            std::thread::sleep(Duration::from_millis(100));
        }
        let running = child.try_wait().unwrap().is_none();
        let _ = child.kill();
        let _ = child.wait();
        if running && parts_written > 0 {
            killed_mid_write += 1;
        }
        readable_or_absent(dir.path());
    }
    assert!(
        killed_mid_write > 0,
        "no kill landed while parts were written"
    );
    let done = tidybench(
        dir.path(),
        &["convert", log.to_str().unwrap(), "-o", "out", "--full"],
    );
    assert_eq!(done.status.code(), Some(0), "{}", stderr(&done));
    let count = tidybench(
        dir.path(),
        &[
            "query",
            "out",
            "select count(distinct run_id) as runs, count(*) as rows from metrics",
            "--format",
            "csv",
        ],
    );
    assert_eq!(stdout(&count), "runs,rows\n400,126000\n");
    let files = visible_files(&dir.path().join("out"));
    let left: Vec<&String> = files.iter().filter(|f| f.contains(".tmp-")).collect();
    assert!(left.is_empty(), "temporary files left: {left:?}");
    // 400 metric partitions (2 models × 200 configurations), runs.parquet and the manifest.
    assert_eq!(files.len(), 402);
    readable_or_absent(dir.path());
}
