//! Run directories as the llm-d benchmark driver leaves them: `benchmark-config.txt` (real
//! ones, `tests/fixtures/llm-d-run-configs/`), a GuideLLM report compressed with zstd, and
//! files tidybench does not read (PCP archives, images). The config file labels every run of
//! its directory and wins over the directory name.

use crate::common;

use std::path::Path;

use common::{query, repo, stderr, stdout, tidybench};

const CONFIGS: &str = "tests/fixtures/llm-d-run-configs";

/// A run directory named `name` with the real config of `config_dir`, the GuideLLM JSON
/// `report` as `guidellm-results.json.zst`, and unreadable extras.
/// The run config of a real llm-d 0.4.0 native-offload run (`Hardware: 1x2xL40S`, `Model:
/// Qwen/Qwen3-14B`, `Rate: 1,50,…,650`).
fn native_offload_config() -> std::path::PathBuf {
    repo(&format!(
        "{CONFIGS}/1x1xL40S_upstream-llm-d-0.4.0_Qwen3-14B_native-offload/benchmark-config.txt"
    ))
}

fn run_dir(root: &Path, name: &str, config_dir: &str, report: &str) {
    let dir = root.join(name);
    std::fs::create_dir_all(dir.join("pcp-archives")).unwrap();
    std::fs::copy(
        repo(&format!("{CONFIGS}/{config_dir}/benchmark-config.txt")),
        dir.join("benchmark-config.txt"),
    )
    .unwrap();
    let json = tidybench::ingest::Blob::read(&repo(report))
        .unwrap()
        .bytes
        .to_vec();
    let zst = zstd::encode_all(json.as_slice(), 3).unwrap();
    std::fs::write(dir.join("guidellm-results.json.zst"), zst).unwrap();
    std::fs::write(dir.join("pcp-archives/20260213.0"), [0u8, 1, 2, 3, 0, 255]).unwrap();
    std::fs::write(dir.join("throughput.png"), b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap();
}

fn archive(root: &Path) {
    let results = root.join("results");
    run_dir(
        &results,
        "1x1xL40S_upstream-llm-d-0.4.0_Qwen3-14B_native-offload",
        "1x1xL40S_upstream-llm-d-0.4.0_Qwen3-14B_native-offload",
        "tests/fixtures/guidellm/0.5.4/concurrent/benchmarks-no-requests.json.gz",
    );
    run_dir(
        &results,
        "1x1xL40S_upstream-llm-d-0.4.0_Qwen3-14B_no-offload",
        "1x1xL40S_upstream-llm-d-0.4.0_Qwen3-14B_no-offload",
        "tests/fixtures/guidellm/0.5.4/concurrent-tty/benchmarks-no-requests.json.gz",
    );
}

#[test]
fn the_config_file_labels_every_run_of_its_directory() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path());
    let out = tidybench(dir.path(), &["convert", "results", "-o", "out"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // The 0.4.0 configs sit in 1x1xL40S directories but say 1x2xL40S: the file wins.
    assert!(err.contains(
        "results/1x1xL40S_upstream-llm-d-0.4.0_Qwen3-14B_native-offload/benchmark-config.txt:13: \
         the directory name says hardware=1x1xL40S, the config file hardware=1x2xL40S; the \
         config file is used"
    ), "{err}");
    // The reports name no model; the config file does.
    assert!(!err.contains("names no model"), "{err}");
    // PCP archives and images are listed, not failures.
    assert_eq!(
        err.lines().filter(|l| l.starts_with("skipped: ")).count(),
        4,
        "{err}"
    );
    assert!(
        err.contains("converted 2 of 6 file(s) (4 skipped)"),
        "{err}"
    );
    assert_eq!(
        query(
            dir.path(),
            "out",
            "select config, hardware, software, model, max_seconds, rate_type, kv_connector, \
             num_cpu_blocks, epp_backend from runs order by config"
        ),
        "config,hardware,software,model,max_seconds,rate_type,kv_connector,num_cpu_blocks,epp_backend\n\
         native-offload,1x2xL40S,upstream-llm-d-0.4.0,Qwen/Qwen3-14B,8.0,concurrent,OffloadingConnector,10000,in-memory\n\
         no-offload,1x2xL40S,upstream-llm-d-0.4.0,Qwen/Qwen3-14B,8.0,concurrent,,,in-memory\n"
    );
    // The reports ran 8 s per level (`args.max_seconds`); the config file says 120.
    assert!(
        err.contains(
            "results/1x1xL40S_upstream-llm-d-0.4.0_Qwen3-14B_no-offload/benchmark-config.txt:6: \
             the config file says max_seconds=120, the results in its directory max_seconds=8; \
             the results' value is kept"
        ),
        "{err}"
    );
    let labels = query(
        dir.path(),
        "out",
        "select labels from runs where config = 'native-offload'",
    );
    for expected in [
        r#"""namespace"":""llm-d-pfc-cpu"""#,
        r#"""rates"":""1,50,100,150,300,400,500,650"""#,
        r#"""run_name"":""1x2xL40S_upstream-llm-d-0.4.0_Qwen3-14B_native-offload"""#,
        r#"""model_name"":""Qwen3-14B"""#,
    ] {
        assert!(labels.contains(expected), "{expected} in {labels}");
    }
    // The two directories compare as two configurations.
    let out = tidybench(
        dir.path(),
        &[
            "compare",
            "out",
            "--baseline",
            "no-offload",
            "--metrics",
            "ttft",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("== Qwen/Qwen3-14B: native-offload vs no-offload =="));
}

#[test]
fn configs_of_every_era_read() {
    let root = repo(CONFIGS);
    let mut dirs: Vec<_> = std::fs::read_dir(&root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    dirs.sort();
    assert_eq!(dirs.len(), 15);
    for dir in &dirs {
        let config = tidybench::formats::run_config::read(dir).unwrap();
        let get = |key: &str| {
            config
                .labels
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.as_str())
        };
        assert_eq!(get("hardware"), Some("1x2xL40S"), "{}", dir.display());
        assert!(get("config").is_some() && get("model").is_some() && get("rates").is_some());
        let name = dir.file_name().unwrap().to_string_lossy();
        if name.contains("0.7.0") {
            // The later era's keys: `Rate (Concurrency)`, replicas, GPU memory utilization.
            assert_eq!(get("replicas"), Some("1"));
            assert_eq!(get("gpu_memory_utilization"), Some("0.55"));
            assert!(get("max_requests").is_some() && get("prefix_count").is_some());
            assert!(config.warnings.is_empty(), "{:?}", config.warnings);
        } else {
            assert_eq!(config.warnings.len(), 1, "{:?}", config.warnings);
        }
    }
}

/// `dir` packed as a zstd-compressed tar, with extra entries appended.
fn tar_zst(dir: &Path, extra: &[(&str, Vec<u8>)]) -> Vec<u8> {
    let mut builder = tar::Builder::new(Vec::new());
    builder.append_dir_all("results", dir).unwrap();
    for (path, data) in extra {
        let mut header = tar::Header::new_gnu();
        header.set_size(data.len() as u64);
        header.set_mode(0o644);
        header.set_cksum();
        builder
            .append_data(&mut header, path, data.as_slice())
            .unwrap();
    }
    let mut link = tar::Header::new_gnu();
    link.set_entry_type(tar::EntryType::Symlink);
    link.set_size(0);
    builder
        .append_link(&mut link, "results/passwd", "/etc/passwd")
        .unwrap();
    let tar = builder.into_inner().unwrap();
    zstd::encode_all(tar.as_slice(), 3).unwrap()
}

#[test]
fn a_tar_zst_of_run_directories_converts_like_the_directories() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path());
    // A report cut in the middle, inside the archive: named, the rest still converts.
    let json = std::fs::read(dir.path().join(
        "results/1x1xL40S_upstream-llm-d-0.4.0_Qwen3-14B_no-offload/guidellm-results.json.zst",
    ))
    .unwrap();
    let cut = json[..json.len() / 2].to_vec();
    let packed = tar_zst(
        &dir.path().join("results"),
        &[("results/broken/guidellm-results.json.zst", cut)],
    );
    std::fs::write(dir.path().join("results.tar.zst"), packed).unwrap();
    let out = tidybench(dir.path(), &["convert", "results.tar.zst", "-o", "out"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(err.contains(
        "error: results.tar.zst!/results/broken/guidellm-results.json.zst:1: expected complete \
         zstd data"
    ), "{err}");
    assert!(
        err.contains("skipped: results.tar.zst!/results/passwd: a symbolic link: not followed"),
        "{err}"
    );
    assert!(
        err.contains(
            "results.tar.zst!/results/1x1xL40S_upstream-llm-d-0.4.0_Qwen3-14B_native-offload/\
         benchmark-config.txt:13: the directory name says hardware=1x1xL40S"
        ),
        "{err}"
    );
    assert!(
        err.contains("converted 2 of 8 file(s) (5 skipped; 1 failed)"),
        "{err}"
    );
    assert_eq!(
        query(
            dir.path(),
            "out",
            "select config, hardware, model from runs order by config"
        ),
        "config,hardware,model\n\
         native-offload,1x2xL40S,Qwen/Qwen3-14B\n\
         no-offload,1x2xL40S,Qwen/Qwen3-14B\n"
    );
}

fn run_count(dir: &Path) -> String {
    query(
        dir,
        "out",
        "select count(*) as runs, count(distinct run_id) as ids from runs",
    )
}

#[test]
fn a_re_run_converts_only_what_changed_and_prune_removes_what_disappeared() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path());
    let convert = |extra: &[&str]| {
        let mut args = vec!["convert", "results", "-o", "out"];
        args.extend_from_slice(extra);
        let out = tidybench(dir.path(), &args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stderr(&out)
    };
    convert(&[]);
    assert_eq!(run_count(dir.path()), "runs,ids\n2,2\n");
    // Nothing changed: nothing converted, nothing written.
    let manifest = std::fs::read(dir.path().join("out/_manifest.json")).unwrap();
    assert!(convert(&[]).starts_with("out is up to date: 8 source(s) unchanged"));
    assert_eq!(
        std::fs::read(dir.path().join("out/_manifest.json")).unwrap(),
        manifest
    );
    // A new run directory: only its files are read.
    run_dir(
        &dir.path().join("results"),
        "1x1xL40S_upstream-llm-d-0.4.0_Qwen3-8B_llm-d-valkey",
        "1x1xL40S_upstream-llm-d-0.4.0_Qwen3-8B_llm-d-valkey",
        "tests/fixtures/guidellm/0.6.1/concurrent/benchmarks-no-requests.json.gz",
    );
    let err = convert(&[]);
    assert!(
        err.contains("converted 1 of 3 file(s) (2 skipped), 8 unchanged source(s) kept: 3 run(s)"),
        "{err}"
    );
    assert_eq!(run_count(dir.path()), "runs,ids\n3,3\n");
    // A changed report is converted again, replacing its run.
    let report = dir.path().join(
        "results/1x1xL40S_upstream-llm-d-0.4.0_Qwen3-8B_llm-d-valkey/guidellm-results.json.zst",
    );
    let json = tidybench::ingest::Blob::read(&repo(
        "tests/fixtures/guidellm/0.7.4/concurrent/benchmarks-no-requests.json.gz",
    ))
    .unwrap()
    .bytes
    .to_vec();
    std::fs::write(&report, zstd::encode_all(json.as_slice(), 3).unwrap()).unwrap();
    let err = convert(&[]);
    assert!(
        err.contains(
            "converted 1 of 2 file(s) (1 skipped), 9 unchanged \
             source(s) kept: 3 run(s)"
        ),
        "{err}"
    );
    assert_eq!(
        query(
            dir.path(),
            "out",
            "select harness_version from runs where epp_backend = 'valkey'"
        ),
        "harness_version\n0.7.4\n"
    );
    // A run directory deleted: its run stays until --prune.
    std::fs::remove_dir_all(
        dir.path()
            .join("results/1x1xL40S_upstream-llm-d-0.4.0_Qwen3-14B_no-offload"),
    )
    .unwrap();
    let err = convert(&[]);
    assert!(
        err.starts_with("warning: out: 4 source(s) converted earlier no longer exist: ")
            && err.contains("; their runs are kept (--prune removes them)\nout is up to date: 8 source(s) unchanged"),
        "{err}"
    );
    assert_eq!(run_count(dir.path()), "runs,ids\n3,3\n");
    let err = convert(&["--prune"]);
    assert!(
        err.starts_with("removing the runs of 4 source(s) not among this conversion's: "),
        "{err}"
    );
    assert!(
        err.contains("8 unchanged source(s) kept: 2 run(s)"),
        "{err}"
    );
    assert_eq!(run_count(dir.path()), "runs,ids\n2,2\n");
}

#[test]
fn shards_split_the_sources_and_their_union_is_the_whole() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path());
    run_dir(
        &dir.path().join("results"),
        "1x1xL40S_upstream-llm-d-0.4.0_Qwen3-8B_llm-d-valkey",
        "1x1xL40S_upstream-llm-d-0.4.0_Qwen3-8B_llm-d-valkey",
        "tests/fixtures/guidellm/0.6.1/concurrent/benchmarks-no-requests.json.gz",
    );
    let mut ids = Vec::new();
    for shard in ["1/2", "2/2"] {
        let out = format!("out-{}", &shard[..1]);
        let done = tidybench(
            dir.path(),
            &["convert", "results", "-o", &out, "--shard", shard, "-q"],
        );
        assert!(
            matches!(done.status.code(), Some(0) | Some(3)),
            "{}",
            stderr(&done)
        );
        if dir.path().join(&out).join("runs.parquet").exists() {
            let q = tidybench(
                dir.path(),
                &["query", &out, "select run_id from runs", "--format", "csv"],
            );
            ids.extend(stdout(&q).lines().skip(1).map(String::from));
        }
    }
    ids.sort();
    let whole = tidybench(dir.path(), &["convert", "results", "-o", "all", "-q"]);
    assert_eq!(whole.status.code(), Some(0));
    let q = tidybench(
        dir.path(),
        &[
            "query",
            "all",
            "select run_id from runs order by run_id",
            "--format",
            "csv",
        ],
    );
    let all: Vec<String> = stdout(&q).lines().skip(1).map(String::from).collect();
    assert_eq!(ids, all, "the shards hold every run exactly once");
    assert!(
        tidybench(
            dir.path(),
            &["convert", "results", "-o", "x", "--shard", "3/2"]
        )
        .status
        .code()
            == Some(1)
    );
}

#[test]
fn labels_from_paths_globs_and_standard_input() {
    let dir = tempfile::tempdir().unwrap();
    archive(dir.path());
    // A quoted glob (no shell to expand it), and labels from a pattern over the paths.
    let out = tidybench(
        dir.path(),
        &[
            "convert",
            "results/*/guidellm-results.json.zst",
            "-o",
            "out",
            "--labels-from",
            r"results/(?P<lab>[^_/]+)_[^/]*_(?P<variant>[a-z-]+)/",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let labels = query(
        dir.path(),
        "out",
        "select config, labels from runs order by config",
    );
    assert!(labels.contains(r#"""lab"":""1x1xL40S"""#), "{labels}");
    assert!(
        labels.contains(r#"""variant"":""native-offload"""#),
        "{labels}"
    );
    // Standard input, in a directory holding a run config: it is in no run directory.
    std::fs::copy(
        native_offload_config(),
        dir.path().join("benchmark-config.txt"),
    )
    .unwrap();
    let log = std::fs::read(common::study_log()).unwrap();
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_tidybench"))
        .args(["convert", "-", "-o", "stdin-out", "-q"])
        .current_dir(dir.path())
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::io::Write::write_all(&mut child.stdin.take().unwrap(), &log).unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let q = tidybench(
        dir.path(),
        &[
            "query",
            "stdin-out",
            "select count(*) as runs, sum(case when labels like '%run_dir%' then 1 else 0 end) \
             as in_run_dir from runs",
            "--format",
            "csv",
        ],
    );
    assert_eq!(stdout(&q), "runs,in_run_dir\n4,0\n");
}

#[test]
fn the_manifest_holds_each_files_sha256_as_stored() {
    use sha2::{Digest, Sha256};
    let dir = tempfile::tempdir().unwrap();
    // The same report as stored plainly, compressed, and with a UTF-8 byte-order mark: the
    // hash a plain file gets from its read must be the one a compressed file gets by reading
    // it again, that of the bytes on disk.
    let json = tidybench::ingest::Blob::read(&repo(
        "tests/fixtures/guidellm/0.6.1/concurrent/benchmarks-no-requests.json.gz",
    ))
    .unwrap()
    .bytes
    .to_vec();
    let files: [(&str, Vec<u8>); 3] = [
        ("plain/report.json", json.clone()),
        (
            "zstd/report.json.zst",
            zstd::encode_all(json.as_slice(), 3).unwrap(),
        ),
        ("bom/report.json", [&b"\xEF\xBB\xBF"[..], &json].concat()),
    ];
    for (name, bytes) in &files {
        let path = dir.path().join("in").join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
    }
    let out = tidybench(dir.path(), &["convert", "in", "-o", "out", "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("out/_manifest.json")).unwrap())
            .unwrap();
    let recorded: Vec<(String, String)> = manifest["sources"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v["sha256"].as_str().unwrap().to_string()))
        .collect();
    let mut expected: Vec<(String, String)> = files
        .iter()
        .map(|(name, bytes)| {
            let hex: String = Sha256::digest(bytes)
                .iter()
                .map(|b| format!("{b:02x}"))
                .collect();
            let path = dir.path().canonicalize().unwrap().join("in").join(name);
            (path.display().to_string(), hex)
        })
        .collect();
    expected.sort();
    assert_eq!(recorded, expected);
}

/// Metric rows, their distinct values and their range per source file, from the dataset
/// `out` under `dir` (rows of no run listed in `runs` under `orphan`).
fn rows_per_source(dir: &Path, out: &str) -> String {
    let sql = "select coalesce(r.source_path, 'orphan') as source, count(*) as rows, \
               count(distinct m.value) as values, min(m.value) as low, max(m.value) as high \
               from metrics m left join runs r on m.run_id = r.run_id \
               group by source order by source";
    let out = tidybench(dir, &["query", out, sql, "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

/// The part files the manifest of `out` lists for each source.
fn parts_per_source(dir: &Path) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(dir.join("out/_manifest.json")).unwrap();
    let manifest: tidybench::store::Manifest = serde_json::from_str(&text).unwrap();
    manifest
        .sources
        .into_iter()
        .filter(|(key, _)| key.ends_with(".json.zst"))
        .map(|(_, state)| state.parts)
        .collect()
}

/// Replaces the report of the run directory `dir` with the concurrent one of GuideLLM
/// `version`.
fn replace_report(dir: &Path, version: &str) {
    let json = tidybench::ingest::Blob::read(&repo(&format!(
        "tests/fixtures/guidellm/{version}/concurrent/benchmarks-no-requests.json.gz"
    )))
    .unwrap()
    .bytes
    .to_vec();
    let zst = zstd::encode_all(json.as_slice(), 3).unwrap();
    std::fs::write(dir.join("guidellm-results.json.zst"), zst).unwrap();
}

#[test]
fn runs_sharing_a_part_keep_their_rows_when_another_changes_or_disappears() {
    let dir = tempfile::tempdir().unwrap();
    let results = dir.path().join("results");
    // Two directories of the same model and configuration: their runs share one part file.
    let same = "1x1xL40S_upstream-llm-d-0.4.0_Qwen3-14B_native-offload";
    run_dir(
        &results,
        &format!("{same}_a"),
        same,
        "tests/fixtures/guidellm/0.6.1/concurrent/benchmarks-no-requests.json.gz",
    );
    run_dir(
        &results,
        &format!("{same}_b"),
        same,
        "tests/fixtures/guidellm/0.6.1/poisson/benchmarks-no-requests.json.gz",
    );
    let convert = |extra: &[&str]| {
        let mut args = vec!["convert", "results", "-o", "out"];
        args.extend_from_slice(extra);
        let out = tidybench(dir.path(), &args);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    };
    let fresh = || {
        let _ = std::fs::remove_dir_all(dir.path().join("fresh"));
        let out = tidybench(dir.path(), &["convert", "results", "-o", "fresh"]);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        rows_per_source(dir.path(), "fresh")
    };
    convert(&[]);
    let parts = parts_per_source(dir.path());
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0], parts[1], "one metrics part holds both runs");
    assert_eq!(parts[0].len(), 1);
    let before = rows_per_source(dir.path(), "out");
    assert_eq!(before.lines().count(), 3, "{before}");

    // b changes: a's rows are carried into a part of their own, b's converted again.
    replace_report(&results.join(format!("{same}_b")), "0.7.4");
    convert(&[]);
    let after = rows_per_source(dir.path(), "out");
    assert_eq!(after, fresh());
    assert_eq!(
        after.lines().nth(1),
        before.lines().nth(1),
        "a's rows unchanged"
    );
    assert_ne!(
        after.lines().nth(2),
        before.lines().nth(2),
        "b's rows replaced"
    );
    let parts = parts_per_source(dir.path());
    assert_ne!(parts[0], parts[1], "a's rows now in a part of their own");
    let listed = query(dir.path(), "out", "select count(*) as runs from runs");
    assert_eq!(listed, "runs\n2\n");

    // b disappears and a changes: without --prune b's rows stay, once.
    let kept_b = after.lines().nth(2).unwrap().to_string();
    std::fs::remove_dir_all(results.join(format!("{same}_b"))).unwrap();
    replace_report(&results.join(format!("{same}_a")), "0.8.1");
    convert(&[]);
    let now = rows_per_source(dir.path(), "out");
    let fresh_a = fresh();
    assert_eq!(
        now.lines().nth(1),
        fresh_a.lines().nth(1),
        "a converted again"
    );
    assert_eq!(
        now.lines().nth(2),
        Some(kept_b.as_str()),
        "b kept as it was"
    );
    assert_eq!(now.lines().count(), 3, "{now}");

    // --prune: b's rows go.
    convert(&["--prune"]);
    assert_eq!(rows_per_source(dir.path(), "out"), fresh_a);
}

#[test]
fn shards_keep_every_file_of_a_run_together() {
    // Each directory holds one GuideLLM run four times over (console, JSON, CSV, HTML): read
    // apart, its copies would be runs of several shards, and the union would count it twice.
    let dir = tempfile::tempdir().unwrap();
    for version in ["0.5.4", "0.6.1", "0.7.4", "0.8.1"] {
        let from = repo(&format!("tests/fixtures/guidellm/{version}/concurrent"));
        let to = dir.path().join("results").join(version);
        std::fs::create_dir_all(&to).unwrap();
        for entry in std::fs::read_dir(&from).unwrap() {
            let path = entry.unwrap().path();
            std::fs::copy(&path, to.join(path.file_name().unwrap())).unwrap();
        }
    }
    let whole = tidybench(dir.path(), &["convert", "results", "-o", "all", "-q"]);
    assert_eq!(whole.status.code(), Some(0), "{}", stderr(&whole));
    let all = query(dir.path(), "all", "select run_id from runs order by run_id");
    assert_eq!(all.lines().count(), 1 + 4, "{all}");

    let all: Vec<String> = all.lines().skip(1).map(String::from).collect();
    // The directory given, its run directories given one by one, and their files named.
    let files: Vec<String> = ["0.5.4", "0.6.1", "0.7.4", "0.8.1"]
        .iter()
        .flat_map(|v| {
            std::fs::read_dir(dir.path().join("results").join(v))
                .unwrap()
                .map(|e| format!("results/{v}/{}", e.unwrap().file_name().to_string_lossy()))
                .collect::<Vec<_>>()
        })
        .collect();
    let directories = [
        "results/0.5.4",
        "results/0.6.1",
        "results/0.7.4",
        "results/0.8.1",
    ];
    // Each form splits the runs alike, wherever `results` is mounted (here or as `mounted`).
    std::os::unix::fs::symlink(dir.path().join("results"), dir.path().join("mounted")).unwrap();
    let forms: [Vec<&str>; 4] = [
        vec!["results"],
        vec!["mounted/"],
        directories.to_vec(),
        files.iter().map(String::as_str).collect(),
    ];
    let shard_runs = |inputs: &[&str], out: &str, shard: &str| -> Vec<String> {
        let mut args = vec!["convert"];
        args.extend(inputs);
        args.extend(["-o", out, "--shard", shard, "-q"]);
        let done = tidybench(dir.path(), &args);
        // A shard that holds no directory writes an empty dataset.
        assert_eq!(done.status.code(), Some(0), "{shard}: {}", stderr(&done));
        let q = query(dir.path(), out, "select run_id from runs order by run_id");
        q.lines().skip(1).map(String::from).collect()
    };
    let mut splits = Vec::new();
    for inputs in &forms {
        let split: Vec<Vec<String>> = ["1/3", "2/3", "3/3"]
            .iter()
            .map(|shard| {
                let out = format!("out-{}", &shard[..1]);
                let _ = std::fs::remove_dir_all(dir.path().join(&out));
                shard_runs(inputs, &out, shard)
            })
            .collect();
        let mut ids: Vec<String> = split.concat();
        ids.sort();
        assert_eq!(
            ids, all,
            "{inputs:?}: the shards hold every run exactly once"
        );
        assert!(
            split.iter().all(|runs| runs.len() < 4),
            "{inputs:?}: one shard took all: {split:?}"
        );
        splits.push(split);
    }
    assert!(splits.iter().all(|split| *split == splits[0]), "{splits:?}");

    // Shards chosen again (3 → 2): a dataset holds its new shard's runs only.
    let again = shard_runs(&["results"], "out-1", "1/2");
    let _ = std::fs::remove_dir_all(dir.path().join("fresh"));
    assert_eq!(again, shard_runs(&["results"], "fresh", "1/2"));
}

#[test]
fn tar_archives_in_one_directory_spread_across_shards() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("archives")).unwrap();
    for version in ["0.5.4", "0.6.1", "0.7.4", "0.8.1"] {
        let mut tar = tar::Builder::new(Vec::new());
        tar.append_path_with_name(
            repo(&format!(
                "tests/fixtures/guidellm/{version}/concurrent/console.log"
            )),
            "run/console.log",
        )
        .unwrap();
        let bytes = tar.into_inner().unwrap();
        std::fs::write(dir.path().join(format!("archives/{version}.tar")), bytes).unwrap();
    }
    let mut sizes = Vec::new();
    for shard in ["1/3", "2/3", "3/3"] {
        let out = format!("out-{}", &shard[..1]);
        let done = tidybench(
            dir.path(),
            &["convert", "archives", "-o", &out, "--shard", shard, "-q"],
        );
        assert_eq!(done.status.code(), Some(0), "{shard}: {}", stderr(&done));
        let q = query(dir.path(), &out, "select count(*) as n from runs");
        sizes.push(q.lines().nth(1).unwrap().parse::<usize>().unwrap());
    }
    assert_eq!(sizes.iter().sum::<usize>(), 4);
    assert!(sizes.iter().all(|&n| n < 4), "{sizes:?}");
}

#[test]
fn a_config_file_that_disagrees_with_its_results_is_named_once() {
    // A GuideLLM 0.5.4 run (console log, JSON, CSV and HTML report: one run four times) in a
    // directory whose config file describes another run.
    let dir = tempfile::tempdir().unwrap();
    let run = dir.path().join("results/r1");
    std::fs::create_dir_all(&run).unwrap();
    std::fs::copy(native_offload_config(), run.join("benchmark-config.txt")).unwrap();
    for entry in std::fs::read_dir(repo("tests/fixtures/guidellm/0.5.4/concurrent")).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, run.join(path.file_name().unwrap())).unwrap();
    }
    let out = tidybench(dir.path(), &["convert", "results", "-o", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let warnings: Vec<String> = stderr(&out)
        .lines()
        .filter(|l| l.starts_with("warning: "))
        .map(String::from)
        .collect();
    let config = "results/r1/benchmark-config.txt";
    assert_eq!(
        warnings,
        vec![
            format!(
                "warning: {config}:6: the config file says max_seconds=120, the results in its \
                 directory max_seconds=8; the results' value is kept"
            ),
            format!(
                "warning: {config}:15: the config file says model=Qwen/Qwen3-14B, the results in \
                 its directory model=llama-3.1-8b-instruct; the results' value is kept"
            ),
            format!(
                "warning: {config}:5: the config file's rates are 1,50,100,150,300,400,500,650; \
                 the results in its directory also have loads 5, 25 (kept as the results say)"
            ),
        ]
    );
    assert_eq!(
        query(dir.path(), "out", "select model, max_seconds from runs"),
        "model,max_seconds\nllama-3.1-8b-instruct,8.0\n"
    );
}

#[test]
fn a_deleted_source_is_named_and_prune_says_what_it_removes() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("runs")).unwrap();
    std::fs::copy(common::study_log(), dir.path().join("runs/a.log")).unwrap();
    std::fs::copy(
        repo("tests/fixtures/guidellm/0.8.1/concurrent/console.log"),
        dir.path().join("runs/b.log"),
    )
    .unwrap();
    let first = tidybench(dir.path(), &["convert", "runs", "-o", "out", "-q"]);
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let b = std::fs::canonicalize(dir.path().join("runs/b.log")).unwrap();
    std::fs::remove_file(&b).unwrap();

    let kept = tidybench(dir.path(), &["convert", "runs", "-o", "out"]);
    assert_eq!(kept.status.code(), Some(0));
    assert!(
        stderr(&kept).starts_with(&format!(
            "warning: out: 1 source(s) converted earlier no longer exist: {}; their runs are \
             kept (--prune removes them)\nout is up to date: 1 source(s) unchanged",
            b.display()
        )),
        "{}",
        stderr(&kept)
    );
    assert_eq!(run_count(dir.path()), "runs,ids\n5,5\n");

    let pruned = tidybench(dir.path(), &["convert", "runs", "-o", "out", "--prune"]);
    assert_eq!(pruned.status.code(), Some(0));
    assert!(
        stderr(&pruned).starts_with(&format!(
            "removing the runs of 1 source(s) not among this conversion's: {}\nconverted 1 of 1 \
             file(s): 4 run(s)",
            b.display()
        )),
        "{}",
        stderr(&pruned)
    );
    assert_eq!(run_count(dir.path()), "runs,ids\n4,4\n");

    // Converting other inputs into the same dataset keeps the earlier ones, unremarked.
    std::fs::create_dir(dir.path().join("more")).unwrap();
    std::fs::copy(
        repo("tests/fixtures/guidellm/0.8.1/concurrent/console.log"),
        dir.path().join("more/c.log"),
    )
    .unwrap();
    let other = tidybench(dir.path(), &["convert", "more", "-o", "out"]);
    assert_eq!(other.status.code(), Some(0));
    assert!(
        stderr(&other).starts_with("converted 1 of 1 file(s)"),
        "{}",
        stderr(&other)
    );
}

#[test]
fn a_config_file_ranks_below_results_and_labels_from_paths_above_a_server_log() {
    let dir = tempfile::tempdir().unwrap();
    let config = native_offload_config();
    let copy = |from: &str, to: &str| {
        let to = dir.path().join(to);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(repo(from), to).unwrap();
    };
    // A report without a model beside a server log naming its model by a path.
    let g = "tests/fixtures/guidellm";
    copy(
        &format!("{g}/0.5.4/concurrent/benchmarks-no-requests.json.gz"),
        "results/hw_sw_x/benchmarks.json.gz",
    );
    copy(
        "tests/fixtures/vllm/server-logs/v1_club3090-issue91_startup-kvcache-nondefault-args_v0.20.1.log",
        "results/hw_sw_x/vllm.log",
    );
    std::fs::copy(
        &config,
        dir.path().join("results/hw_sw_x/benchmark-config.txt"),
    )
    .unwrap();
    // A console log in a run directory whose report sits elsewhere.
    copy(
        &format!("{g}/0.5.4/concurrent/console.log"),
        "rd/console.log",
    );
    std::fs::copy(&config, dir.path().join("rd/benchmark-config.txt")).unwrap();
    copy(
        &format!("{g}/0.5.4/concurrent/benchmarks-no-requests.json.gz"),
        "other/benchmarks.json.gz",
    );

    let out = tidybench(
        dir.path(),
        &[
            "convert",
            "results",
            "-o",
            "a",
            "--labels-from",
            "results/(?P<hardware>[^_/]+)_(?P<software>[^_/]+)_(?P<config>[^_/]+)/",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stderr(&out).contains("says model="), "{}", stderr(&out));
    assert_eq!(
        query(
            dir.path(),
            "a",
            "select model, hardware, software, config from runs"
        ),
        "model,hardware,software,config\nQwen/Qwen3-14B,hw,sw,x\n"
    );

    let out = tidybench(dir.path(), &["convert", "rd", "other", "-o", "b"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        query(
            dir.path(),
            "b",
            "select model, hardware, config, source_format from runs"
        ),
        "model,hardware,config,source_format\nllama-3.1-8b-instruct,1x2xL40S,native-offload,guidellm-json\n"
    );
}

#[test]
fn an_archive_in_a_run_directory_takes_its_labels() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir
        .path()
        .join("results/1x1xL40S_upstream-llm-d-0.4.0_Qwen3-14B_native-offload");
    std::fs::create_dir_all(&run).unwrap();
    std::fs::copy(native_offload_config(), run.join("benchmark-config.txt")).unwrap();
    let mut tar = tar::Builder::new(Vec::new());
    tar.append_path_with_name(
        repo("tests/fixtures/guidellm/0.5.4/concurrent/benchmarks-no-requests.json.gz"),
        "guidellm-results.json.gz",
    )
    .unwrap();
    std::fs::write(run.join("results.tar"), tar.into_inner().unwrap()).unwrap();
    let out = tidybench(dir.path(), &["convert", "results", "-o", "out", "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        query(
            dir.path(),
            "out",
            "select model, hardware, config from runs"
        ),
        "model,hardware,config\nQwen/Qwen3-14B,1x2xL40S,native-offload\n"
    );
}

#[test]
fn of_two_copies_of_a_report_the_one_in_a_run_directory_is_kept() {
    let dir = tempfile::tempdir().unwrap();
    let run = dir
        .path()
        .join("cp/1x1xL40S_upstream-llm-d-0.4.0_Qwen3-14B_native-offload");
    let backup = dir.path().join("cp/0backup");
    for d in [&run, &backup] {
        std::fs::create_dir_all(d).unwrap();
        std::fs::copy(
            repo("tests/fixtures/guidellm/0.6.1/concurrent/benchmarks-no-requests.json.gz"),
            d.join("benchmarks.json.gz"),
        )
        .unwrap();
    }
    std::fs::copy(native_offload_config(), run.join("benchmark-config.txt")).unwrap();
    let out = tidybench(dir.path(), &["convert", "cp", "-o", "out", "-q"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        query(
            dir.path(),
            "out",
            "select hardware, config, source_path from runs"
        ),
        "hardware,config,source_path\n1x2xL40S,native-offload,\
         cp/1x1xL40S_upstream-llm-d-0.4.0_Qwen3-14B_native-offload/benchmarks.json.gz\n"
    );
}
