//! `convert` writes the documented dataset: footers read back by an independent Parquet
//! implementation (arrow-rs), DuckDB reads the hive partitions, and `report` on the dataset
//! prints the same classic report as on the log.

use crate::common;

use std::path::Path;
use std::process::Command;

use common::{expected_classic, stderr, stdout, study_log, tidybench};
use tidybench::store::dataset::parts;
use tidybench::store::parquet::read_footer;

const METRICS_COLUMNS: &[&str] = &[
    "run_id",
    "model",
    "config",
    "strategy",
    "load",
    "load_index",
    "metric",
    "status",
    "stat",
    "value",
    "unit",
    "decimals",
    "origin",
];

const RUNS_COLUMNS: &[&str] = &[
    "run_id",
    "source_path",
    "source_format",
    "source_sha256",
    "harness",
    "harness_version",
    "model",
    "config",
    "hardware",
    "software",
    "replicas",
    "gpu_memory_utilization",
    "kv_connector",
    "num_cpu_blocks",
    "vllm_args",
    "epp_backend",
    "prompt_tokens",
    "output_tokens",
    "prefix_tokens",
    "turns",
    "max_seconds",
    "random_seed",
    "rate_type",
    "labels",
    "started_at",
    "ended_at",
];

fn convert(dir: &Path) {
    let log = study_log();
    let out = tidybench(dir, &["convert", log.to_str().unwrap(), "-o", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).starts_with(
            "converted 1 of 1 file(s): 4 run(s), 1260 metric row(s), 0 request(s) in 5 file(s) under out ("
        ),
        "{}",
        stderr(&out)
    );
}

fn all_files(dir: &Path) -> Vec<String> {
    let mut files = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for entry in std::fs::read_dir(&d).unwrap() {
            let path = entry.unwrap().path();
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

#[test]
fn convert_writes_hive_partitions_with_footer_metadata() {
    let dir = tempfile::tempdir().unwrap();
    convert(dir.path());
    let out = dir.path().join("out");
    let files = all_files(&out);
    assert_eq!(files.len(), 6, "{files:?}");
    assert!(files.contains(&"_manifest.json".to_string()));
    assert!(
        files.iter().all(|f| !f.contains(".tmp")),
        "no temporary file left"
    );
    assert!(files.contains(&"runs.parquet".to_string()));
    let dirs: Vec<String> = files
        .iter()
        .filter(|f| f.starts_with("metrics/"))
        .map(|f| f.rsplit_once('/').unwrap().0.to_string())
        .collect();
    assert_eq!(
        dirs,
        [
            "metrics/model=Qwen%2FQwen3-14B/config=native-offload",
            "metrics/model=Qwen%2FQwen3-14B/config=no-offload",
            "metrics/model=Qwen%2FQwen3-8B/config=native-offload",
            "metrics/model=Qwen%2FQwen3-8B/config=no-offload",
        ]
    );

    // The runs table keeps the order the log gave its runs in, though the parts are written
    // sorted by model and config.
    let runs = tidybench::store::open(&out)
        .unwrap()
        .runs
        .collect()
        .unwrap();
    let columns = tidybench::frames::Columns(&runs);
    let order: Vec<(Option<String>, Option<String>)> = columns
        .text("model")
        .unwrap()
        .into_iter()
        .zip(columns.text("config").unwrap())
        .collect();
    let run = |model: &str, config: &str| (Some(model.to_string()), Some(config.to_string()));
    assert_eq!(
        order,
        [
            run("Qwen/Qwen3-8B", "no-offload"),
            run("Qwen/Qwen3-8B", "native-offload"),
            run("Qwen/Qwen3-14B", "no-offload"),
            run("Qwen/Qwen3-14B", "native-offload"),
        ]
    );

    let runs = read_footer(&out.join("runs.parquet")).unwrap();
    assert_eq!(runs.num_rows, 4);
    assert_eq!(runs.columns, RUNS_COLUMNS);
    assert_eq!(runs.key_value["tidybench.schema_version"], "1");
    assert_eq!(
        runs.key_value["tidybench.version"],
        env!("CARGO_PKG_VERSION")
    );
    let sources: Vec<String> = serde_json::from_str(&runs.key_value["tidybench.sources"]).unwrap();
    assert_eq!(sources, vec![study_log().display().to_string()]);

    let mut rows = 0;
    for part in parts(&out).unwrap() {
        let footer = read_footer(&part).unwrap();
        // Hive layout: model and config live in the directory names (and the footer).
        let stored: Vec<&str> = METRICS_COLUMNS
            .iter()
            .copied()
            .filter(|c| *c != "model" && *c != "config")
            .collect();
        assert_eq!(footer.columns, stored);
        let partition: serde_json::Value =
            serde_json::from_str(&footer.key_value["tidybench.partition"]).unwrap();
        assert!(part.display().to_string().contains(&format!(
            "model={}/config={}",
            partition["model"].as_str().unwrap().replace('/', "%2F"),
            partition["config"].as_str().unwrap()
        )));
        assert_eq!(footer.num_rows, 315, "{}", part.display());
        assert_eq!(footer.row_groups, 1);
        assert_eq!(footer.key_value["tidybench.schema_version"], "1");
        let load = &footer.statistics["load"];
        assert_eq!(
            (load.min.as_deref(), load.max.as_deref()),
            (Some("5"), Some("250"))
        );
        assert_eq!(load.null_count, Some(0));
        let metric = &footer.statistics["metric"];
        assert_eq!(
            (metric.min.as_deref(), metric.max.as_deref()),
            (Some("concurrency"), Some("warmup_duration"))
        );
        assert_eq!(footer.statistics["decimals"].max.as_deref(), Some("1"));
        rows += footer.num_rows;
    }
    assert_eq!(rows, 1260);
}

#[test]
fn report_from_the_dataset_matches_the_log() {
    let dir = tempfile::tempdir().unwrap();
    convert(dir.path());
    let out = tidybench(dir.path(), &["report", "out", "--format", "classic"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), expected_classic());
    let from_log = tidybench(dir.path(), &["report", study_log().to_str().unwrap()]);
    let from_dataset = tidybench(dir.path(), &["report", "out"]);
    assert_eq!(stdout(&from_log), stdout(&from_dataset));
}

#[test]
fn converting_again_gives_the_same_files_and_drops_only_our_stale_ones() {
    let dir = tempfile::tempdir().unwrap();
    convert(dir.path());
    let out = dir.path().join("out");
    let foreign = out.join("metrics/model=old/config=x/part-00000-abc.snappy.parquet");
    std::fs::create_dir_all(foreign.parent().unwrap()).unwrap();
    std::fs::write(&foreign, b"someone else's file").unwrap();
    let before: Vec<(String, Vec<u8>)> = all_files(&out)
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(out.join(&f)).unwrap()))
        .collect();
    // Nothing changed: nothing is written.
    let log = study_log();
    let again = tidybench(dir.path(), &["convert", log.to_str().unwrap(), "-o", "out"]);
    assert!(stderr(&again).starts_with("out is up to date: 1 source(s) unchanged"));
    let full = tidybench(
        dir.path(),
        &["convert", log.to_str().unwrap(), "-o", "out", "--full"],
    );
    assert_eq!(full.status.code(), Some(0), "{}", stderr(&full));
    let after: Vec<(String, Vec<u8>)> = all_files(&out)
        .into_iter()
        .map(|f| (f.clone(), std::fs::read(out.join(&f)).unwrap()))
        .collect();
    assert_eq!(before, after, "same inputs give byte-identical files");

    // Converting only the 8B iterations with --prune removes the 14B parts the earlier
    // convert listed.
    let text = std::fs::read_to_string(study_log()).unwrap();
    let cut = text
        .find("******************************************\nBenchmark Iteration: 1x2xL40S upstream-llm-d-0.4.0 Qwen3-14B")
        .unwrap();
    std::fs::write(dir.path().join("8b.log"), &text[..cut]).unwrap();
    let run = tidybench(dir.path(), &["convert", "8b.log", "-o", "out", "--prune"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(!out.join("metrics/model=Qwen%2FQwen3-14B").exists());
    assert_eq!(parts(&out).unwrap().len(), 2);
    assert_eq!(std::fs::read(&foreign).unwrap(), b"someone else's file");
}

#[test]
fn convert_refuses_to_replace_a_foreign_runs_parquet() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::fs::write(dir.path().join("out/runs.parquet"), b"not ours").unwrap();
    let log = study_log();
    let run = tidybench(dir.path(), &["convert", log.to_str().unwrap(), "-o", "out"]);
    assert_eq!(run.status.code(), Some(1));
    assert!(
        stderr(&run).starts_with("error: out/runs.parquet: not a readable Parquet file"),
        "{}",
        stderr(&run)
    );
    assert_eq!(
        std::fs::read(dir.path().join("out/runs.parquet")).unwrap(),
        b"not ours"
    );
    assert_eq!(
        all_files(&dir.path().join("out")),
        vec!["runs.parquet".to_string()]
    );
}

#[test]
fn a_dataset_missing_a_listed_part_is_named_incomplete() {
    let dir = tempfile::tempdir().unwrap();
    convert(dir.path());
    let out = dir.path().join("out");
    let part = parts(&out).unwrap().remove(0);
    std::fs::remove_file(&part).unwrap();
    let run = tidybench(dir.path(), &["report", "out"]);
    assert_eq!(run.status.code(), Some(3));
    assert!(
        stderr(&run).starts_with(&format!(
            "error: out: incomplete: {} is listed in runs.parquet but missing",
            part.strip_prefix(dir.path()).unwrap().display()
        )),
        "{}",
        stderr(&run)
    );
}

#[test]
fn a_dataset_from_another_schema_version_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("out")).unwrap();
    std::fs::write(dir.path().join("out/runs.parquet"), b"PAR1 not really").unwrap();
    let out = tidybench(dir.path(), &["report", "out"]);
    assert_eq!(out.status.code(), Some(3));
    assert!(
        stderr(&out).starts_with("error: out/runs.parquet: not a readable Parquet file"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn datasets_and_logs_combine_in_one_report() {
    let dir = tempfile::tempdir().unwrap();
    let log = study_log();
    let text = std::fs::read_to_string(&log).unwrap();
    // One model in a dataset, the other from a log.
    let (first, second) = text.split_at(text.find("******************************************\nBenchmark Iteration: 1x2xL40S upstream-llm-d-0.4.0 Qwen3-14B").unwrap());
    std::fs::write(dir.path().join("benchmark-run-larger-models.log"), first).unwrap();
    let out = tidybench(
        dir.path(),
        &["convert", "benchmark-run-larger-models.log", "-o", "out"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::write(dir.path().join("benchmark-run-larger-models.log"), second).unwrap();
    let out = tidybench(
        dir.path(),
        &[
            "report",
            "out",
            "benchmark-run-larger-models.log",
            "--format",
            "classic",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stdout(&out), expected_classic());
}

const DUCKDB_CHECK: &str = r#"
import json, sys, duckdb
out = sys.argv[1]
metrics = f"read_parquet('{out}/metrics/**/*.parquet', hive_partitioning=true)"
print(json.dumps({
    "columns": duckdb.sql(f"describe select * from {metrics}").fetchall(),
    "ttft": duckdb.sql(f"select model, config, load, value from {metrics} "
                       "where metric='ttft' and stat='median' order by model, config, load").fetchall(),
    "rows": duckdb.sql(f"select count(*) from {metrics}").fetchall()[0][0],
    "runs_columns": duckdb.sql(f"describe select * from '{out}/runs.parquet'").fetchall(),
    "kv": [tuple(x.decode() if isinstance(x, bytes) else x for x in kv) for kv in duckdb.sql(
        f"select key, value from parquet_kv_metadata('{out}/runs.parquet') "
        "where decode(key) like 'tidybench.%' order by key").fetchall()],
}))
"#;

#[test]
fn duckdb_reads_the_dataset() {
    let dir = tempfile::tempdir().unwrap();
    convert(dir.path());
    let out = dir.path().join("out");
    let run = Command::new("python3")
        .arg("-c")
        .arg(DUCKDB_CHECK)
        .arg(&out)
        .output();
    let required = std::env::var_os("CI").is_some();
    let run = match run {
        Ok(run) if run.status.success() => run,
        other if required => panic!("DuckDB check failed: {other:?}"),
        other => {
            eprintln!(
                "SKIPPED: the DuckDB check needs python3 with `pip install duckdb`: {other:?}"
            );
            return;
        }
    };
    let result: serde_json::Value = serde_json::from_slice(&run.stdout).unwrap();
    // DuckDB puts the hive partition columns last.
    let columns: std::collections::BTreeMap<String, String> = result["columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c[0].as_str().unwrap().into(), c[1].as_str().unwrap().into()))
        .collect();
    let expected_types = [
        "VARCHAR", "VARCHAR", "VARCHAR", "VARCHAR", "DOUBLE", "INTEGER", "VARCHAR", "VARCHAR",
        "VARCHAR", "DOUBLE", "VARCHAR", "INTEGER", "VARCHAR",
    ];
    let expected: std::collections::BTreeMap<String, String> = METRICS_COLUMNS
        .iter()
        .zip(expected_types)
        .map(|(n, t)| (n.to_string(), t.to_string()))
        .collect();
    assert_eq!(columns, expected);
    assert_eq!(result["rows"], 1260);
    let ttft: Vec<(String, String, f64, f64)> = result["ttft"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r[0].as_str().unwrap().into(),
                r[1].as_str().unwrap().into(),
                r[2].as_f64().unwrap(),
                r[3].as_f64().unwrap(),
            )
        })
        .collect();
    let study = [
        (
            "Qwen/Qwen3-14B",
            "native-offload",
            [182.8, 757.4, 1203.1, 1750.3, 2867.6],
        ),
        (
            "Qwen/Qwen3-14B",
            "no-offload",
            [168.2, 704.0, 1219.1, 1734.7, 3036.6],
        ),
        (
            "Qwen/Qwen3-8B",
            "native-offload",
            [142.8, 406.0, 734.4, 871.8, 2616.4],
        ),
        (
            "Qwen/Qwen3-8B",
            "no-offload",
            [133.8, 407.8, 643.4, 985.6, 2354.2],
        ),
    ];
    let expected: Vec<(String, String, f64, f64)> = study
        .iter()
        .flat_map(|(model, config, values)| {
            [5.0, 25.0, 50.0, 100.0, 250.0]
                .into_iter()
                .zip(*values)
                .map(|(load, v)| (model.to_string(), config.to_string(), load, v))
        })
        .collect();
    assert_eq!(ttft, expected, "the study's TTFT table");
    let runs_types: Vec<(String, String)> = result["runs_columns"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| (c[0].as_str().unwrap().into(), c[1].as_str().unwrap().into()))
        .collect();
    assert_eq!(runs_types.len(), RUNS_COLUMNS.len());
    assert_eq!(
        runs_types.last().unwrap(),
        &(
            "ended_at".to_string(),
            "TIMESTAMP WITH TIME ZONE".to_string()
        )
    );
    let kv = result["kv"].as_array().unwrap();
    assert!(
        kv.contains(&serde_json::json!(["tidybench.schema_version", "1"])),
        "{kv:?}"
    );
    assert!(kv.iter().any(|pair| pair[0] == "tidybench.parts"));
}

#[test]
fn every_run_carries_the_sha256_of_what_was_parsed() {
    use sha2::{Digest, Sha256};
    for path in [
        "data/benchmark-run-larger-models.log",
        "tests/fixtures/guidellm/0.8.1/concurrent/console.log",
        "tests/fixtures/guidellm/0.8.1/concurrent/benchmarks-no-requests.json.gz",
        "tests/fixtures/guidellm/0.8.1/concurrent/benchmarks.csv",
    ] {
        let bytes = tidybench::ingest::Blob::read(&common::repo(path))
            .unwrap()
            .bytes
            .to_vec();
        let want = tidybench::ingest::blob::hex(&Sha256::digest(&bytes));
        let parsed = common::parse_file(path);
        assert!(!parsed.runs.is_empty(), "{path}");
        for run in &parsed.runs {
            assert_eq!(run.source_sha256.get(), want, "{path}");
        }
    }
}

/// `convert` of `input` into `dataset` (in `dir`) with `args`; its summary line.
fn convert_into(dir: &Path, input: &Path, dataset: &str, args: &[&str]) -> String {
    let mut all = vec!["convert", input.to_str().unwrap(), "-o", dataset];
    all.extend_from_slice(args);
    let out = tidybench(dir, &all);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stderr(&out)
}

/// Runs per source format and software label of the dataset `ds` in `dir`, as CSV.
fn runs_by_software(dir: &Path) -> String {
    let sql =
        "select source_format, software, count(*) as runs from runs group by all order by all";
    common::query(dir, "ds", sql)
}

#[test]
fn batches_converted_with_other_labels_share_one_dataset() {
    let dir = tempfile::tempdir().unwrap();
    let report = common::repo("data/all-models-comparison.txt");
    let log = study_log();
    // Earlier results, surviving only as a report, and a new run of the same study.
    convert_into(dir.path(), &report, "ds", &["--label", "software=old"]);
    let err = convert_into(dir.path(), &log, "ds", &["--label", "software=new"]);
    assert!(
        err.contains("1 unchanged source(s) kept: 8 run(s)"),
        "{err}"
    );
    assert_eq!(
        runs_by_software(dir.path()),
        "source_format,software,runs\ncomparison-report,old,4\nllm-d-driver-log,new,4\n"
    );
    let out = tidybench(
        dir.path(),
        &[
            "compare",
            "ds",
            "--by",
            "software",
            "--baseline",
            "old",
            "--where",
            "config = 'no-offload'",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with("Baseline software=old; candidates: new\n"),
        "{text}"
    );
    assert!(
        text.contains("     5  0.5  0.5        +0.0   +0.0%  within rounding~\n"),
        "{text}"
    );
    // The same labels again: nothing to do. Other labels: that source alone is converted
    // again; the report's runs keep theirs.
    assert!(
        convert_into(dir.path(), &log, "ds", &["--label", "software=new"])
            .starts_with("ds is up to date")
    );
    convert_into(dir.path(), &log, "ds", &["--label", "software=newer"]);
    assert_eq!(
        runs_by_software(dir.path()),
        "source_format,software,runs\ncomparison-report,old,4\nllm-d-driver-log,newer,4\n"
    );
}

#[test]
fn a_manifest_of_version_1_is_still_read() {
    let dir = tempfile::tempdir().unwrap();
    let log = study_log();
    convert_into(dir.path(), &log, "ds", &["--label", "software=new"]);
    // Version 1 recorded one set of options for every source.
    let path = dir.path().join("ds/_manifest.json");
    let mut manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(manifest["version"], 2);
    let options = manifest["sources"][log.to_str().unwrap()]["options"].take();
    assert_eq!(
        options,
        "keep_text=false;labels=[\"software=new\"];labels_from="
    );
    manifest["version"] = 1.into();
    manifest["options"] = options;
    for source in manifest["sources"].as_object_mut().unwrap().values_mut() {
        source.as_object_mut().unwrap().remove("options");
    }
    std::fs::write(&path, serde_json::to_vec(&manifest).unwrap()).unwrap();
    assert!(
        convert_into(dir.path(), &log, "ds", &["--label", "software=new"])
            .starts_with("ds is up to date")
    );
    let report = common::repo("data/all-models-comparison.txt");
    convert_into(dir.path(), &report, "ds", &["--label", "software=old"]);
    assert_eq!(
        runs_by_software(dir.path()),
        "source_format,software,runs\ncomparison-report,old,4\nllm-d-driver-log,new,4\n"
    );
}

#[test]
fn a_file_named_like_our_parts_but_not_ours_is_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    convert(dir.path());
    let out = dir.path().join("out");
    let foreign = out.join("metrics/model=X/config=Y/part-abcdef0123456789.parquet");
    std::fs::create_dir_all(foreign.parent().unwrap()).unwrap();
    std::fs::write(&foreign, b"another tool's file").unwrap();
    let log = study_log();
    let again = tidybench(
        dir.path(),
        &["convert", log.to_str().unwrap(), "-o", "out", "--full"],
    );
    assert_eq!(again.status.code(), Some(0), "{}", stderr(&again));
    assert_eq!(std::fs::read(&foreign).unwrap(), b"another tool's file");
}

/// The study log's 8B and 14B iterations as two logs in `dir`.
fn split_study(dir: &Path) {
    let text = common::study_text();
    let cut = text
        .find("******************************************\nBenchmark Iteration: 1x2xL40S upstream-llm-d-0.4.0 Qwen3-14B")
        .unwrap();
    common::write(dir, "8b.log", &text[..cut]);
    common::write(dir, "14b.log", &text[cut..]);
}

#[test]
fn full_converts_the_inputs_given_again_and_keeps_the_others() {
    let dir = tempfile::tempdir().unwrap();
    split_study(dir.path());
    let run = tidybench(dir.path(), &["convert", "8b.log", "14b.log", "-o", "out"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let runs = "select source_path, count(*) as runs from runs group by all order by all";
    let both = "source_path,runs\n14b.log,2\n8b.log,2\n";
    assert_eq!(common::query(dir.path(), "out", runs), both);
    let run = tidybench(dir.path(), &["convert", "8b.log", "-o", "out", "--full"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        stderr(&run).starts_with("converted 1 of 1 file(s), 1 unchanged source(s) kept: 4 run(s)"),
        "{}",
        stderr(&run)
    );
    assert_eq!(common::query(dir.path(), "out", runs), both);
    // With --prune, the dataset is the inputs' alone.
    let run = tidybench(
        dir.path(),
        &["convert", "8b.log", "-o", "out", "--full", "--prune"],
    );
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(
        common::query(dir.path(), "out", runs),
        "source_path,runs\n8b.log,2\n"
    );
}

#[test]
fn a_source_that_fails_now_keeps_its_earlier_runs() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("in")).unwrap();
    split_study(&dir.path().join("in"));
    let report =
        common::repo("tests/fixtures/guidellm/0.6.1/concurrent/benchmarks-no-requests.json.gz");
    let whole = std::fs::read(report).unwrap();
    common::write(dir.path(), "in/report.json.gz", &whole);
    let run = tidybench(dir.path(), &["convert", "in", "-o", "out"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let runs = "select source_path, count(*) as runs from runs group by all order by all";
    let all = "source_path,runs\nin/14b.log,2\nin/8b.log,2\nin/report.json.gz,1\n";
    assert_eq!(common::query(dir.path(), "out", runs), all);
    let metrics = common::query(dir.path(), "out", "select count(*) as n from metrics");

    // The report is cut short and the 14B log changed: the log is converted again, the
    // report fails and its runs stay as they were.
    common::write(dir.path(), "in/report.json.gz", &whole[..whole.len() / 2]);
    let text = std::fs::read_to_string(dir.path().join("in/14b.log")).unwrap();
    common::write(dir.path(), "in/14b.log", format!("{text}\n"));
    let run = tidybench(dir.path(), &["convert", "in", "-o", "out"]);
    let err = stderr(&run);
    assert_eq!(run.status.code(), Some(2), "{err}");
    assert!(err.contains("in/report.json.gz"), "{err}");
    assert!(
        err.contains(
            "note: the runs converted earlier from what failed now are kept as they were: \
             in/report.json.gz"
        ),
        "{err}"
    );
    assert_eq!(common::query(dir.path(), "out", runs), all);
    assert_eq!(
        common::query(dir.path(), "out", "select count(*) as n from metrics"),
        metrics
    );
    // It is tried again next time, and once whole again it is what the dataset holds.
    let run = tidybench(dir.path(), &["convert", "in", "-o", "out"]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert!(stderr(&run).contains("note: the runs converted earlier"));
    common::write(dir.path(), "in/report.json.gz", &whole);
    let run = tidybench(dir.path(), &["convert", "in", "-o", "out"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert!(
        stderr(&run).starts_with("out is up to date: 3 source(s) unchanged"),
        "{}",
        stderr(&run)
    );
    assert_eq!(common::query(dir.path(), "out", runs), all);
}

#[test]
fn a_dataset_inside_an_input_directory_is_not_an_input() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("runs")).unwrap();
    common::write(dir.path(), "runs/study.log", common::study_text());
    for output in ["runs/out", "runs"] {
        for expected in [
            "converted 1 of 1 file(s): 4 run(s)",
            &format!("{output} is up to date: 1 source(s)"),
        ] {
            let run = tidybench(dir.path(), &["convert", "runs", "-o", output]);
            assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
            assert!(
                stderr(&run).starts_with(expected),
                "{output}: {}",
                stderr(&run)
            );
        }
    }
}

#[test]
fn runs_kept_as_they_were_are_kept_whole_and_no_file_is_taken_for_another() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = "tests/fixtures/guidellm/0.6.1/concurrent";
    let report = std::fs::read(common::repo(&format!(
        "{fixtures}/benchmarks-no-requests.json.gz"
    )))
    .unwrap();
    let console = common::study_text();
    std::fs::create_dir_all(dir.path().join("in/a")).unwrap();
    // `a.json` must not be taken for the failing `a.json.gz` (its error message starts alike).
    common::write(dir.path(), "in/a/a.json.gz", &report);
    let run = tidybench(dir.path(), &["convert", "in", "-o", "out", "-q"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    common::write(dir.path(), "in/a/a.json.gz", &report[..3000]);
    common::write(dir.path(), "in/a/a.json", &console);
    let run = tidybench(dir.path(), &["convert", "in", "-o", "out"]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert_eq!(
        common::query(
            dir.path(),
            "out",
            "select source_path, count(*) as n from runs group by all order by all"
        ),
        "source_path,n\nin/a/a.json,4\nin/a/a.json.gz,1\n"
    );

    // A console log merged with its CSV report, then cut: the CSV read again alone gives the
    // same run id, but the part of the run kept is not replaced by its rows.
    let b = dir.path().join("b");
    std::fs::create_dir(&b).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    std::io::Write::write_all(
        &mut gz,
        &std::fs::read(common::repo(&format!("{fixtures}/console.log"))).unwrap(),
    )
    .unwrap();
    let console_gz = gz.finish().unwrap();
    common::write(&b, "console.log.gz", &console_gz);
    std::fs::copy(
        common::repo(&format!("{fixtures}/benchmarks.csv")),
        b.join("benchmarks.csv"),
    )
    .unwrap();
    let run = tidybench(dir.path(), &["convert", "b", "-o", "b-out", "-q"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let rows = "select count(*) as n, count(*) filter (where origin like '%console.log.gz line%') \
                as from_console from metrics";
    let before = common::query(dir.path(), "b-out", rows);
    assert_eq!(before, "n,from_console\n712,82\n");
    common::write(&b, "console.log.gz", &console_gz[..2000]);
    let run = tidybench(dir.path(), &["convert", "b", "-o", "b-out"]);
    assert_eq!(run.status.code(), Some(2), "{}", stderr(&run));
    assert_eq!(common::query(dir.path(), "b-out", rows), before);
}

#[test]
fn a_runs_parquet_not_ours_hides_nothing() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("in/r1/metrics")).unwrap();
    common::write(dir.path(), "in/r1/runs.parquet", "junk\n");
    common::write(dir.path(), "in/r1/metrics/study.log", common::study_text());
    let run = tidybench(dir.path(), &["convert", "in", "-o", "out"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(
        common::query(dir.path(), "out", "select count(*) as n from runs"),
        "n\n4\n"
    );
}
