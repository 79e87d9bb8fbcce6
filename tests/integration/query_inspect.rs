//! `query` (read-only SQL over a dataset or sources) and `inspect`.

use crate::common;

use std::path::Path;

use common::{stderr, stdout, study_log, tidybench};
use tidybench::store::parquet::read_footer;

const TTFT_AT_50: &str = "select model, config, value as ttft_ms from metrics \
     where metric = 'ttft' and stat = 'median' and load = 50 order by model, config";

fn converted() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let log = study_log();
    let out = tidybench(
        dir.path(),
        &["convert", log.to_str().unwrap(), "-o", "out", "-q"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    dir
}

fn query(dir: &Path, args: &[&str]) -> (Option<i32>, String, String) {
    let mut all = vec!["query"];
    all.extend_from_slice(args);
    let out = tidybench(dir, &all);
    (out.status.code(), stdout(&out), stderr(&out))
}

#[test]
fn median_ttft_per_model_and_config_at_concurrency_50() {
    let dir = converted();
    let (code, out, err) = query(dir.path(), &["out", TTFT_AT_50]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(
        out,
        "model           config          ttft_ms\n\
         Qwen/Qwen3-14B  native-offload   1203.1\n\
         Qwen/Qwen3-14B  no-offload       1219.1\n\
         Qwen/Qwen3-8B   native-offload    734.4\n\
         Qwen/Qwen3-8B   no-offload        643.4\n\
         (4 row(s))\n"
    );
    // The same question straight from the log, converted in memory.
    let log = study_log();
    let (code, from_log, _) = query(dir.path(), &[log.to_str().unwrap(), TTFT_AT_50]);
    assert_eq!(code, Some(0));
    assert_eq!(from_log, out);
}

#[test]
fn every_output_format() {
    let dir = converted();
    let sql = "select config, count(*) as n from metrics group by config order by config";
    let (_, csv, _) = query(dir.path(), &["out", sql, "--format", "csv"]);
    assert_eq!(csv, "config,n\nnative-offload,630\nno-offload,630\n");
    let (_, json, _) = query(dir.path(), &["out", sql, "--format", "json"]);
    assert_eq!(
        json,
        "[{\"config\":\"native-offload\",\"n\":630},{\"config\":\"no-offload\",\"n\":630}]\n"
    );
    let (_, ndjson, _) = query(dir.path(), &["out", sql, "--format", "ndjson"]);
    assert_eq!(
        ndjson,
        "{\"config\":\"native-offload\",\"n\":630}\n{\"config\":\"no-offload\",\"n\":630}\n"
    );
    let (code, _, _) = query(
        dir.path(),
        &["out", sql, "--format", "parquet", "-o", "n.parquet"],
    );
    assert_eq!(code, Some(0));
    let footer = read_footer(&dir.path().join("n.parquet")).unwrap();
    assert_eq!(
        (footer.num_rows, footer.columns.clone()),
        (2, vec!["config".to_string(), "n".to_string()])
    );
    let (code, _, err) = query(dir.path(), &["out", sql, "--format", "parquet"]);
    assert_eq!(code, Some(1));
    assert_eq!(err, "error: Parquet output is binary: give -o FILE\n");

    std::fs::write(dir.path().join("q.sql"), sql).unwrap();
    let (_, from_file, _) = query(dir.path(), &["out", "--file", "q.sql", "--format", "csv"]);
    assert_eq!(from_file, csv);
    // SQL given twice is refused, not read as an input named `select 2`.
    for sql in [
        "select 2",
        "SELECT*FROM runs",
        "  With t as (select 1) select * from t",
    ] {
        let (code, out, err) = query(dir.path(), &["out", "--file", "q.sql", sql]);
        assert_eq!((code, out.as_str()), (Some(1), ""), "{sql}");
        assert_eq!(
            err,
            format!("error: --file q.sql gives the SQL, and so does {sql:?}: give one of them\n")
        );
    }
    // A name that only begins with a keyword is an input, missing or not.
    let (code, _, err) = query(dir.path(), &["--file", "q.sql", "with-lmcache"]);
    assert_eq!(code, Some(1));
    assert!(err.starts_with("error: with-lmcache: "), "{err}");
    // An input path with a space, or a pattern, is still an input.
    std::fs::create_dir(dir.path().join("my runs")).unwrap();
    std::fs::copy(study_log(), dir.path().join("my runs/study.log")).unwrap();
    std::fs::create_dir(dir.path().join("with runs")).unwrap();
    std::fs::copy(study_log(), dir.path().join("with runs/study.log")).unwrap();
    for input in ["my runs/*.log", "with runs/*.log", "with runs/study.log"] {
        let (code, from_file, err) = query(
            dir.path(),
            &["--file", "q.sql", "--format", "csv", "-q", input],
        );
        assert_eq!(code, Some(0), "{input}: {err}");
        assert_eq!(from_file, csv, "{input}");
    }
}

#[test]
fn queries_cannot_write_or_read_outside_the_dataset() {
    let dir = converted();
    std::fs::write(dir.path().join("secret.csv"), "a\n1\n").unwrap();
    for (sql, message) in [
        (
            "select * from read_csv('secret.csv')",
            "table function read_csv(…) is not allowed",
        ),
        (
            "select * from read_parquet('out/runs.parquet')",
            "table function read_parquet(…) is not allowed",
        ),
        (
            "create table t as select * from runs",
            "CREATE is not allowed, only SELECT",
        ),
        ("drop table runs", "DROP is not allowed, only SELECT"),
        ("delete from metrics", "DELETE is not allowed, only SELECT"),
        (
            "insert into runs select * from runs",
            "INSERT is not allowed, only SELECT",
        ),
        ("copy runs to 'x.csv'", "COPY is not allowed, only SELECT"),
        (
            "select 1; drop table runs",
            "give exactly one SELECT statement (2 found)",
        ),
    ] {
        let (code, out, err) = query(dir.path(), &["out", sql]);
        assert_eq!(code, Some(1), "{sql}");
        assert_eq!(out, "");
        assert!(err.contains(message), "{sql}: {err}");
    }
    assert!(!dir.path().join("x.csv").exists());
    let (_, out, _) = query(dir.path(), &["out", "select count(*) as n from runs"]);
    assert_eq!(out, "n\n4\n(1 row(s))\n", "the tables are untouched");
}

#[test]
fn unknown_tables_and_columns_are_explained() {
    let dir = converted();
    let (code, _, err) = query(dir.path(), &["out", "select * from gpu_stats"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        "error: unknown table gpu_stats; tables are: runs, metrics, requests, server_samples\n"
    );
    let (code, _, err) = query(dir.path(), &["out", "select ttft from metrics"]);
    assert_eq!(code, Some(1));
    assert!(
        err.contains(r#"unable to find column "ttft"; valid columns: ["run_id", "model", "config", "strategy", "load", "load_index", "metric", "status", "stat", "value", "unit", "decimals", "origin"]"#),
        "{err}"
    );
}

#[test]
fn inspect_a_log_and_a_dataset() {
    let dir = converted();
    let log = study_log();
    let out = tidybench(dir.path(), &["inspect", log.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.contains("format: llm-d-driver-log (line 4 starts with `Benchmark Iteration:`)\n"),
        "{text}"
    );
    assert!(text.contains("  7a4d91f8f71940b6  Qwen/Qwen3-14B  native-offload  concurrent            5  5, 25, 50, 100, 250          315               0\n"), "{text}");
    assert!(text.contains("table metrics: 1260 row(s)\n"));
    assert!(text.contains("  started_at: datetime[μs, UTC]\n"), "{text}");

    let out = tidybench(dir.path(), &["inspect", "out", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["kind"], "dataset");
    assert_eq!(json["footer"]["tidybench.schema_version"], "1");
    assert_eq!(json["tables"][1]["rows"], 1260);
    assert_eq!(json["runs"].as_array().unwrap().len(), 4);
    assert_eq!(
        json["runs"][0]["loads"],
        serde_json::json!([5.0, 25.0, 50.0, 100.0, 250.0])
    );
    assert_eq!(json["warnings"], serde_json::json!([]));

    let out = tidybench(
        dir.path(),
        &[
            "inspect",
            &common::repo("tests/fixtures/guidellm/0.5.4/sweep/console.log")
                .display()
                .to_string(),
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["format"], "guidellm-console");
    assert_eq!(
        json["runs"][0]["loads"],
        serde_json::json!([null, null, null, null])
    );
    assert_eq!(json["warnings"].as_array().unwrap().len(), 1);
}

#[test]
fn a_cte_named_like_a_table_function_does_not_open_files() {
    let dir = converted();
    std::fs::write(dir.path().join("secret.csv"), "a\n1\n").unwrap();
    let (code, out, err) = query(
        dir.path(),
        &[
            "out",
            "with read_csv as (select 1) select * from read_csv('secret.csv')",
        ],
    );
    assert_eq!((code, out.as_str()), (Some(1), ""));
    assert!(
        err.contains("table function read_csv(…) is not allowed"),
        "{err}"
    );
}

#[test]
fn counting_rows_of_a_dataset_works() {
    let dir = converted();
    let (code, out, err) = query(dir.path(), &["out", "select count(*) as n from metrics"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, "   n\n1260\n(1 row(s))\n");
}

#[test]
fn dataset_paths_are_literal_not_patterns() {
    let dir = converted();
    std::fs::rename(dir.path().join("out"), dir.path().join("d*")).unwrap();
    let log = study_log();
    let other = tidybench(
        dir.path(),
        &["convert", log.to_str().unwrap(), "-o", "d2", "-q"],
    );
    assert_eq!(other.status.code(), Some(0));
    let (code, out, err) = query(dir.path(), &["d*", "select count(run_id) as n from runs"]);
    assert_eq!(code, Some(0), "{err}");
    assert_eq!(out, "n\n4\n(1 row(s))\n");
}

#[test]
fn awkward_results_and_paths_are_errors_not_panics() {
    let dir = converted();
    let (code, _, err) = query(
        dir.path(),
        &["out", "select cast('abc' as blob) as b", "--format", "json"],
    );
    assert_eq!(code, Some(1));
    assert!(err.contains("column b holds binary data"), "{err}");
    let (code, _, err) = query(
        dir.path(),
        &["out", "select * from metrics where metric = ttft"],
    );
    assert_eq!(code, Some(1));
    assert!(err.contains("unable to find column \"ttft\""), "{err}");
    assert!(!err.contains("Resolved plan"), "{err}");

    std::fs::create_dir(dir.path().join("empty")).unwrap();
    let (code, _, err) = query(dir.path(), &["empty", "select * from runs"]);
    assert_eq!(code, Some(1));
    assert_eq!(
        err,
        "error: empty: no source files, and not a dataset (no runs.parquet)\n"
    );
    let out = tidybench(dir.path(), &["inspect", "empty"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("a directory but not a dataset"));

    let (code, _, err) = query(
        dir.path(),
        &[
            "out",
            "select 1 as x",
            "--format",
            "parquet",
            "-o",
            "out/runs.parquet",
        ],
    );
    assert_eq!(code, Some(1));
    assert!(
        err.contains("writing there would replace a file of the dataset out"),
        "{err}"
    );
    let (code, _, _) = query(dir.path(), &["out", "select count(*) as n from runs"]);
    assert_eq!(code, Some(0), "the dataset is intact");
}

#[test]
fn inspect_warns_about_runs_without_metrics() {
    let dir = tempfile::tempdir().unwrap();
    let text = common::study_text();
    let start = text
        .find("Benchmark Iteration: 1x2xL40S upstream-llm-d-0.4.0 Qwen3-8B native-offload")
        .unwrap();
    let tables = start + text[start..].find("ℹ Run Summary Info").unwrap();
    let done = start + text[start..].find("✔ Benchmarking complete").unwrap();
    let cut = format!("{}{}", &text[..tables], &text[done..]);
    std::fs::write(dir.path().join("study.log"), cut).unwrap();
    let out = tidybench(dir.path(), &["convert", "study.log", "-o", "out", "-q"]);
    assert_eq!(out.status.code(), Some(0));
    let out = tidybench(dir.path(), &["inspect", "out", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let empty = json["runs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["metric_rows"] == 0)
        .unwrap();
    assert_eq!(
        (empty["model"].as_str(), empty["config"].as_str()),
        (Some("Qwen/Qwen3-8B"), Some("native-offload"))
    );
    let id = empty["run_id"].as_str().unwrap();
    assert_eq!(
        json["warnings"],
        serde_json::json!([format!("run {id} has no metrics rows")])
    );
}

#[test]
fn a_failing_query_says_why_without_the_plan() {
    let dir = converted();
    let (code, _, err) = query(
        dir.path(),
        &["out", "select min(load), max(load) from metrics"],
    );
    assert_eq!(code, Some(1));
    assert!(
        err.starts_with("error: the query fails: duplicate: projections contained duplicate output name 'load'."),
        "{err}"
    );
    assert!(err.ends_with("(name each column with AS)\n"), "{err}");
    assert!(!err.contains("plan"), "{err}");
}
