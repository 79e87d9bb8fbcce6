//! `report` formats other than classic: text with verdicts, Markdown, CSV and JSON; several
//! candidate configurations; choosing the baseline and candidates.

use crate::common;

use common::{stderr, stdout, study_log, study_text, tidybench, write};

fn report(args: &[&str]) -> String {
    let log = study_log();
    let mut all = vec!["report", log.to_str().unwrap()];
    all.extend_from_slice(args);
    let out = tidybench(&std::env::temp_dir(), &all);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    stdout(&out)
}

#[test]
fn text_report_gives_direction_aware_verdicts() {
    let text = report(&[]);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(
        lines[0],
        "Baseline config=no-offload; candidates: native-offload"
    );
    assert_eq!(
        lines[2],
        "Runs: concurrent, 30 s per level, loads 5, 25, 50, 100, 250"
    );
    assert_eq!(
        lines[3],
        "Workload: 128 prompt tokens, 128 output tokens, 10000 prefix tokens, 5 turns"
    );
    for expected in [
        "Requests per second (mean, total requests) [req/s, higher is better]",
        // More throughput is better, even though the original's note calls positive "degradation".
        "     5         0.5             0.7        +0.2  +40.0%  better~",
        "   250        13.2            11.5        -1.7  -12.9%  worse~",
        "Request latency (median, successful requests) [s, lower is better]",
        "   250        29.0            28.6        -0.4   -1.4%  better~",
        // 9.0 → 9.1 s is no larger than the printed rounding.
        "    50         9.0             9.1        +0.1   +1.1%  within rounding~",
        "   100      1734.7          1750.3       +15.6   +0.9%  within tolerance~",
        "   100       985.6           871.8      -113.8  -11.5%  better~",
        "  Requests per second (mean, total requests)               +8.0%  better~                 5           +7.0%   +40.0% at 5   +0.0% at 25",
        // Peaks: the best value over the loads per configuration, against the baseline's.
        "  Time to first token (median, successful requests)  native-offload   182.8 ms    concurrent 5             +8.7%",
        "  Requests per second (mean, total requests)                  +8.0%          -4.2%  +1.9%",
    ] {
        assert!(
            lines.contains(&expected),
            "missing line {expected:?} in\n{text}"
        );
    }
    assert!(!text.contains("Negative values indicate improvement"));
    assert!(text.contains("0.5 → 0.7 req/s prints as +40.0%"));
}

#[test]
fn markdown_report_has_the_same_rows() {
    let md = report(&["--format", "markdown"]);
    assert!(md.starts_with("# Benchmark comparison\n"));
    assert!(md.contains("## Qwen/Qwen3-14B: native-offload vs no-offload\n"));
    assert!(md.contains("| load | no-offload | native-offload | difference | change | verdict |\n| ---: | ---: | ---: | ---: | ---: | --- |\n| 5 | 0.5 | 0.7 | +0.2 | +40.0% | better~ |\n"));
    assert!(
        md.contains("| Time to first token (median, successful requests) | +2.1% | worse~ | 5 |")
    );
}

#[test]
fn csv_report_has_stable_columns_and_full_precision() {
    let csv = report(&["--format", "csv"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "by,baseline,model,candidate,strategy,load,metric,stat,status,unit,baseline_value,\
         candidate_value,difference,pct_change,pct_change_low,pct_change_high,baseline_runs,\
         candidate_runs,baseline_sd,candidate_sd,baseline_ci,candidate_ci,rounded,\
         baseline_decimals,candidate_decimals,direction,verdict,matched"
    );
    assert_eq!(lines.len(), 1 + 2 * 3 * 5);
    assert_eq!(
        lines[1],
        "config,no-offload,Qwen/Qwen3-14B,native-offload,concurrent,5.0,requests_per_second,mean,\
         total,req/s,0.5,0.7,0.19999999999999996,39.99999999999999,,,1,1,,,,,true,1,1,higher,\
         better,both"
    );
}

#[test]
fn json_report_holds_every_row_and_average() {
    let json: serde_json::Value = serde_json::from_str(&report(&["--format", "json"])).unwrap();
    assert_eq!(json["baseline"], "no-offload");
    assert_eq!(json["candidates"], serde_json::json!(["native-offload"]));
    assert_eq!(
        json["context"]["loads"],
        serde_json::json!([5.0, 25.0, 50.0, 100.0, 250.0])
    );
    let deltas = json["deltas"].as_array().unwrap();
    assert_eq!(deltas.len(), 30);
    let ttft_8b_100 = deltas
        .iter()
        .find(|d| d["model"] == "Qwen/Qwen3-8B" && d["metric"] == "ttft" && d["load"] == 100.0)
        .unwrap();
    assert_eq!(ttft_8b_100["baseline_value"], 985.6);
    assert_eq!(ttft_8b_100["candidate_value"], 871.8);
    assert_eq!(ttft_8b_100["verdict"], "better");
    assert_eq!(ttft_8b_100["direction"], "lower");
    let averages = json["averages"].as_array().unwrap();
    assert_eq!(averages.len(), 2 * 3 + 3);
    let overall_ttft = averages
        .iter()
        .find(|a| a["across_models"] == true && a["metric"] == "ttft")
        .unwrap();
    let mean = overall_ttft["mean_pct_change"].as_f64().unwrap();
    assert!((mean - 3.0).abs() < 0.05, "{mean}");
    assert_eq!(overall_ttft["count"], 2);
    // Values come model by model, then configuration and load: never in the order the rows
    // happened to be grouped in (which differs from one run to the next).
    let values = json["values"].as_array().unwrap();
    assert_eq!(values.len(), 2 * 2 * 3 * 5);
    let keys: Vec<(String, String, String, f64)> = values
        .iter()
        .map(|v| {
            let text = |k: &str| v[k].as_str().unwrap().to_string();
            (
                text("model"),
                text("metric"),
                text("config"),
                v["load"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        keys[..3],
        [
            (
                "Qwen/Qwen3-14B".into(),
                "requests_per_second".into(),
                "native-offload".into(),
                5.0
            ),
            (
                "Qwen/Qwen3-14B".into(),
                "requests_per_second".into(),
                "native-offload".into(),
                25.0
            ),
            (
                "Qwen/Qwen3-14B".into(),
                "requests_per_second".into(),
                "native-offload".into(),
                50.0
            ),
        ]
    );
    let models: Vec<&str> = keys.iter().map(|k| k.0.as_str()).collect();
    assert!(models.windows(2).all(|w| w[0] <= w[1]), "{models:?}");
    assert_eq!(report(&["--format", "json"]), report(&["--format", "json"]));
}

/// The study log plus a third configuration: the native-offload iterations again, renamed,
/// with the 8B model's 250-level throughput changed from 11.5 to 12.0 req/s.
pub(crate) fn three_configs() -> String {
    let text = study_text();
    let blocks: Vec<&str> = text
        .split("******************************************\nBenchmark Iteration:")
        .collect();
    let mut extra = String::new();
    for block in &blocks[1..] {
        if block.starts_with(" 1x2xL40S upstream-llm-d-0.4.0 Qwen3-8B native-offload")
            || block.starts_with(" 1x2xL40S upstream-llm-d-0.4.0 Qwen3-14B native-offload")
        {
            let renamed = block
                .replacen("native-offload\n", "native-offload-20k\n", 1)
                .replace("| 11.5 | 11.5 | 250.0 |", "| 11.5 | 12.0 | 250.0 |");
            extra.push_str("******************************************\nBenchmark Iteration:");
            extra.push_str(&renamed);
        }
    }
    text + &extra
}

#[test]
fn every_configuration_present_is_compared() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "three.log", three_configs());
    let out = tidybench(dir.path(), &["report", "three.log"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with(
        "Baseline config=no-offload; candidates: native-offload, native-offload-20k\n"
    ));
    assert!(text.contains("== Qwen/Qwen3-8B: native-offload-20k vs no-offload =="));
    assert!(
        text.contains("   250        13.2                12.0        -1.2   -9.1%  worse~"),
        "{text}"
    );

    let out = tidybench(dir.path(), &["report", "three.log", "--format", "classic"]);
    let classic = stdout(&out);
    assert_eq!(
        classic.matches("KEY METRICS (NATIVE-OFFLOAD-20K)").count(),
        2
    );
    assert!(classic.contains(
        "CROSS-MODEL SUMMARY - Average Performance Impact of CPU Offload (NATIVE-OFFLOAD)\n"
    ));

    let out = tidybench(
        dir.path(),
        &[
            "report",
            "three.log",
            "--candidates",
            "native-offload-20k",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["candidates"],
        serde_json::json!(["native-offload-20k"])
    );

    let out = tidybench(
        dir.path(),
        &[
            "report",
            "three.log",
            "--baseline",
            "native-offload",
            "--format",
            "json",
        ],
    );
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["candidates"],
        serde_json::json!(["native-offload-20k", "no-offload"])
    );
}

#[test]
fn unknown_baseline_or_label_is_explained() {
    let dir = tempfile::tempdir().unwrap();
    let log = study_log();
    let out = tidybench(
        dir.path(),
        &["report", log.to_str().unwrap(), "--baseline", "nope"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: baseline config=nope has no rows to compare; values present: native-offload, no-offload\n"
    );
    let out = tidybench(
        dir.path(),
        &[
            "report",
            log.to_str().unwrap(),
            "--baseline",
            "config=no-offload",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        stderr(&out),
        "error: baseline config=config=no-offload has no rows to compare; values present: \
         native-offload, no-offload (--baseline takes the value alone: --baseline no-offload)\n"
    );
    let out = tidybench(
        dir.path(),
        &["report", log.to_str().unwrap(), "--by", "colour"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out)
        .starts_with("error: --by colour: no such label; labels are: run_id, source_path,"));
    let out = tidybench(
        dir.path(),
        &[
            "report",
            log.to_str().unwrap(),
            "--by",
            "kv_connector",
            "--baseline",
            "OffloadingConnector",
        ],
    );
    // One value of the label (the other runs have none): its values, not an error.
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with(
        "Values of kv_connector=OffloadingConnector (the only value of kv_connector in the \
         data: nothing to compare)\n"
    ));
    assert!(
        text.contains("  strategy    load  OffloadingConnector    —\n"),
        "{text}"
    );
    assert!(
        text.contains("  concurrent     5                  0.7  0.5\n"),
        "{text}"
    );
}

#[test]
fn a_single_configuration_reports_its_values() {
    let dir = tempfile::tempdir().unwrap();
    let json = common::repo("tests/fixtures/guidellm/0.8.1/sweep/benchmarks-no-requests.json.gz");
    let out = tidybench(dir.path(), &["report", json.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    for line in [
        "Values of config=— (the only value of config in the data: nothing to compare)",
        "== llama-3.1-8b-instruct: values per load ==",
        "Requests per second (mean, total requests) [req/s, higher is better]",
        "Runs: sweep, 6 s per level, loads 2.333, 4, 512",
        // A sweep's rate of 7/3 req/s, rounded for reading (exact in the CSV below).
        "  synchronous      ?  0.667",
        "  constant     2.333  1.500",
        "  throughput     512  4.000",
    ] {
        assert!(
            text.lines().any(|l| l == line),
            "missing {line:?} in\n{text}"
        );
    }
    let out = tidybench(
        dir.path(),
        &["report", json.to_str().unwrap(), "--format", "classic"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("use --format text"));
    let out = tidybench(
        dir.path(),
        &["report", json.to_str().unwrap(), "--format", "csv"],
    );
    let csv = stdout(&out);
    // As the sweep's loads rise: synchronous first.
    assert_eq!(
        csv.lines().nth(1),
        Some(
            "config,—,llama-3.1-8b-instruct,synchronous,,0,requests_per_second,mean,total,\
             req/s,0.6666666666666667,1,,"
        )
    );
    assert_eq!(
        csv.lines().nth(2),
        Some(
            "config,—,llama-3.1-8b-instruct,constant,2.333333333333333,,requests_per_second,mean,\
             total,req/s,1.5,1,,"
        )
    );
    assert_eq!(
        csv.lines().nth(3),
        Some(
            "config,—,llama-3.1-8b-instruct,constant,4,,requests_per_second,mean,total,req/s,\
             2.6666666666666665,1,,"
        )
    );
}

/// An output that is a named pipe (like `/dev/null` or `/dev/stdout`, not a regular file) is
/// written into: a temporary file renamed over it would replace the device for everyone.
#[cfg(unix)]
#[test]
fn an_output_that_is_a_pipe_is_written_into_not_replaced() {
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let log = study_log();
    for (name, args) in [
        ("report.pipe", vec!["report", "--format", "classic"]),
        ("query.pipe", vec!["query", "--format", "parquet"]),
    ] {
        let pipe = dir.path().join(name);
        let made = std::process::Command::new("mkfifo").arg(&pipe).status();
        assert!(made.unwrap().success(), "mkfifo");
        // Read by `cat`, which gives up after a minute: a writer that never comes fails the
        // test instead of hanging it.
        let reader = std::process::Command::new("timeout")
            .args(["60", "cat"])
            .arg(&pipe)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let mut args: Vec<&str> = args;
        args.push(log.to_str().unwrap());
        if name.starts_with("query") {
            args.push("select metric, value from metrics limit 3");
        }
        args.extend(["-o", pipe.to_str().unwrap()]);
        let output = tidybench(dir.path(), &args);
        assert!(output.status.success(), "{}", stderr(&output));
        let received = reader.wait_with_output().unwrap().stdout;
        assert!(std::fs::metadata(&pipe).unwrap().file_type().is_fifo());
        if name.starts_with("report") {
            assert_eq!(
                String::from_utf8(received).unwrap(),
                common::expected_classic()
            );
        } else {
            let copy = dir.path().join("received.parquet");
            std::fs::write(&copy, received).unwrap();
            let footer = tidybench::store::parquet::read_footer(&copy).unwrap();
            assert_eq!(
                (footer.num_rows, footer.columns),
                (3, vec!["metric".into(), "value".into()])
            );
            std::fs::remove_file(copy).unwrap();
        }
    }
    let left: Vec<_> = std::fs::read_dir(dir.path()).unwrap().collect();
    assert_eq!(left.len(), 2, "no temporary files are left");
}

#[test]
fn load_points_without_a_load_keep_a_row_each_in_a_single_configuration_report() {
    // GuideLLM 0.3's HTML page gives no loads: its two benchmarks are told apart by place.
    let page = common::repo("tests/fixtures/guidellm/0.3.0/concurrent/benchmarks.html.gz");
    let page = page.to_str().unwrap();
    let report = |args: &[&str]| {
        let mut all = vec!["report", page];
        all.extend_from_slice(args);
        let out = tidybench(&std::env::temp_dir(), &all);
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
    };
    let text = report(&[]);
    assert!(
        text.contains(
            "Time to first token (median, successful requests) [ms, lower is better]\n\
             \x20 strategy    load       —\n\
             \x20 concurrent     ?  141.71\n\
             \x20 concurrent     ?  430.09\n"
        ),
        "{text}"
    );
    let csv = report(&["--format", "csv"]);
    let rps: Vec<&str> = csv
        .lines()
        .filter(|l| l.contains(",requests_per_second,"))
        .collect();
    assert_eq!(
        rps,
        vec![
            "config,—,llama-3.1-8b-instruct,concurrent,,0,requests_per_second,mean,successful,req/s,3.2985515768151497,1,,",
            "config,—,llama-3.1-8b-instruct,concurrent,,1,requests_per_second,mean,successful,req/s,11.550691818116759,1,,",
        ]
    );
    let html = report(&["--format", "html"]);
    assert!(
        html.contains(">? #1<") && html.contains(">? #2<"),
        "x labels"
    );
}
