//! One run given as console text and as a JSON report: the report's numbers are kept under
//! the console run's labels, and the console numbers are checked against them.

use crate::common;

use common::{query, repo, stderr, tidybench, write};

const DIR: &str = "tests/fixtures/guidellm/0.6.1/concurrent";

#[test]
fn console_and_report_of_one_run_become_one_run_at_full_precision() {
    let dir = tempfile::tempdir().unwrap();
    let console = repo(&format!("{DIR}/console.log"));
    let report = repo(&format!("{DIR}/benchmarks-no-requests.json.gz"));
    let out = tidybench(
        dir.path(),
        &[
            "convert",
            console.to_str().unwrap(),
            report.to_str().unwrap(),
            "-o",
            "out",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(
        stderr(&out).contains("2 of 2 file(s): 1 run(s), 6738 metric row(s)"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        query(
            dir.path(),
            "out",
            "select source_format, count(*) as n from runs group by all"
        ),
        "source_format,n\nguidellm-json,1\n"
    );
    assert_eq!(
        query(
            dir.path(),
            "out",
            "select value, decimals from metrics where metric = 'ttft' and stat = 'median' \
             and status = 'successful' order by load"
        ),
        "value,decimals\n116.81485176086426,\n174.50666427612305,\n"
    );
}

#[test]
fn a_driver_log_lends_its_labels_to_the_report() {
    let dir = tempfile::tempdir().unwrap();
    let console = std::fs::read_to_string(repo(&format!("{DIR}/console.log"))).unwrap();
    let driver = format!(
        "******************************************\n\
         Benchmark Iteration: 1x1xL40S upstream-llm-d-0.4.0 llama native-offload\n\
         Model: llama-3.1-8b-instruct\n\
         vLLM Args: --kv-transfer-config '{{\"kv_connector\":\"OffloadingConnector\"}}'\n\
         Rate: 5,25\n\
         Max Seconds: 8\n\
         ******************************************\n\
         Benchmark start time: Sun Nov 29 17:01:30 UTC 2026\n{console}\
         Benchmark end time: Sun Nov 29 17:02:00 UTC 2026\n"
    );
    write(dir.path(), "driver.log", driver);
    let report = repo(&format!("{DIR}/benchmarks-no-requests.json.gz"));
    let out = tidybench(
        dir.path(),
        &[
            "convert",
            "driver.log",
            report.to_str().unwrap(),
            "-o",
            "out",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        query(
            dir.path(),
            "out",
            "select source_format, config, hardware, kv_connector, max_seconds from runs"
        ),
        "source_format,config,hardware,kv_connector,max_seconds\n\
         guidellm-json,native-offload,1x1xL40S,OffloadingConnector,8.0\n"
    );
}

#[test]
fn a_disagreeing_console_number_is_named_and_the_report_wins() {
    let dir = tempfile::tempdir().unwrap();
    let console = std::fs::read_to_string(repo(&format!("{DIR}/console.log")))
        .unwrap()
        .replace("| 174.5 |", "| 184.5 |");
    write(dir.path(), "console.log", console);
    let report = repo(&format!("{DIR}/benchmarks-no-requests.json.gz"));
    let out = tidybench(
        dir.path(),
        &[
            "convert",
            "console.log",
            report.to_str().unwrap(),
            "-o",
            "out",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert!(stderr(&out).contains(
        "warning: console.log:101: ttft successful median is 184.5 here but 174.50666427612305 in the report"
    ), "{}", stderr(&out));
    assert!(query(dir.path(), "out", "select max(value) as v from metrics where metric = 'ttft' and stat = 'median' and status = 'successful'")
        .contains("174.50666427612305"));
}

#[test]
fn different_runs_are_not_merged() {
    let dir = tempfile::tempdir().unwrap();
    let console = repo("tests/fixtures/guidellm/0.5.4/concurrent/console.log");
    let report = repo(&format!("{DIR}/benchmarks-no-requests.json.gz"));
    let out = tidybench(
        dir.path(),
        &[
            "convert",
            console.to_str().unwrap(),
            report.to_str().unwrap(),
            "-o",
            "out",
        ],
    );
    assert_eq!(out.status.code(), Some(0));
    assert_eq!(
        query(
            dir.path(),
            "out",
            "select source_format from runs order by source_format"
        ),
        "source_format\nguidellm-console\nguidellm-json\n"
    );
}

#[test]
fn json_yaml_csv_and_html_reports_of_one_run_become_the_json_run() {
    let dir = tempfile::tempdir().unwrap();
    let base = "tests/fixtures/guidellm/0.8.1/concurrent";
    let files = [
        "benchmarks.csv",
        "benchmarks-no-requests.yaml.gz",
        "benchmarks.html.gz",
        "benchmarks-no-requests.json.gz",
    ]
    .map(|f| repo(&format!("{base}/{f}")).display().to_string());
    let mut args = vec!["convert"];
    args.extend(files.iter().map(String::as_str));
    args.extend(["-o", "out"]);
    let out = tidybench(dir.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        query(dir.path(), "out", "select source_format, labels from runs"),
        format!(
            "source_format,labels\nguidellm-json,\"{{\"\"also_in\"\":\"\"{}, {}, {}\"\",\
             \"\"guidellm_run_id\"\":\"\"38f78175-a083-457d-b44d-bc2495f4b5c7\"\"}}\"\n",
            files[1], files[0], files[2]
        )
    );
}

#[test]
fn warnings_a_report_settles_are_not_printed() {
    let dir = tempfile::tempdir().unwrap();
    let run = repo("tests/fixtures/guidellm/0.4.0/concurrent");
    let csv = run.join("benchmarks.csv");
    let out = tidybench(dir.path(), &["convert", run.to_str().unwrap(), "-o", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // The CSV, HTML and console copies of the run each warn on their own (no model, no loads,
    // unreadable distributions); the JSON report holds them all, and the console names the model.
    let warnings: Vec<String> = stderr(&out)
        .lines()
        .filter(|l| l.starts_with("warning:"))
        .map(String::from)
        .collect();
    assert_eq!(warnings, Vec::<String>::new());
    assert_eq!(
        query(dir.path(), "out", "select source_format, model from runs"),
        "source_format,model\nguidellm-json,llama-3.1-8b-instruct\n"
    );
    // Alone, the CSV still says what it lacks.
    let out = tidybench(dir.path(), &["convert", csv.to_str().unwrap(), "-o", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out)
            .lines()
            .filter(|l| l.starts_with("warning:"))
            .count(),
        2,
        "{}",
        stderr(&out)
    );
}

#[test]
fn every_output_of_six_guidellm_versions_gives_each_run_once() {
    // 0.3.1 – 0.8.1: 64 files (console logs, JSON, YAML, CSV and HTML reports) of 19 runs.
    let dir = tempfile::tempdir().unwrap();
    let versions = ["0.3.1", "0.4.0", "0.5.4", "0.6.1", "0.7.4", "0.8.1"];
    let mut args = vec!["convert".to_string()];
    for version in versions {
        for scenario in ["concurrent", "concurrent-tty", "poisson", "sweep"] {
            let path = common::repo(&format!("tests/fixtures/guidellm/{version}/{scenario}"));
            if path.is_dir() {
                args.push(path.display().to_string());
            }
        }
    }
    args.extend(["-o".into(), "out".into(), "-q".into()]);
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let out = common::tidybench(dir.path(), &args);
    assert_eq!(out.status.code(), Some(0), "{}", common::stderr(&out));
    assert_eq!(
        common::query(
            dir.path(),
            "out",
            "select count(*) as runs, count(distinct source_path) as sources from runs"
        ),
        "runs,sources\n19,19\n"
    );
}

#[test]
fn copies_of_one_log_are_one_run() {
    let dir = tempfile::tempdir().unwrap();
    for sub in ["a", "b"] {
        std::fs::create_dir(dir.path().join(sub)).unwrap();
    }
    let study = common::study_text();
    write(dir.path(), "a/run.log", &study);
    write(dir.path(), "b/run-copy.log", &study);
    let console = std::fs::read(repo(&format!("{DIR}/console.log"))).unwrap();
    write(dir.path(), "a/console.log", &console);
    write(dir.path(), "b/console.log", &console);
    let out = tidybench(dir.path(), &["convert", "a", "b", "-o", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Four iterations of the study log and one GuideLLM run, each once; run ids are unique.
    assert_eq!(
        query(
            dir.path(),
            "out",
            "select count(*) as runs, count(distinct run_id) as ids, \
             count(distinct source_path) as sources from runs"
        ),
        "runs,ids,sources\n5,5,2\n"
    );
    assert_eq!(
        query(dir.path(), "out", "select count(*) as n from metrics"),
        query(dir.path(), "a", "select count(*) as n from metrics")
    );
    let labels = query(dir.path(), "out", "select labels from runs order by run_id");
    assert_eq!(
        labels.matches(r#"""also_in"":""b/run-copy.log"""#).count(),
        4,
        "{labels}"
    );
    assert_eq!(
        labels.matches(r#"""also_in"":""b/console.log"""#).count(),
        1,
        "{labels}"
    );
}

#[test]
fn console_and_report_read_apart_become_one_run() {
    // Far apart in a large tree (other batches of 64 files between them), or converted one
    // after the other into one dataset.
    let dir = tempfile::tempdir().unwrap();
    let report = std::fs::read(repo(&format!("{DIR}/benchmarks-no-requests.json.gz"))).unwrap();
    let console = std::fs::read(repo(&format!("{DIR}/console.log"))).unwrap();
    for sub in ["tree/a", "tree/zz"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
    }
    write(dir.path(), "tree/a/benchmarks.json.gz", &report);
    write(dir.path(), "tree/zz/console.log", &console);
    for i in 0..70 {
        std::fs::create_dir(dir.path().join(format!("tree/b{i:02}"))).unwrap();
        write(dir.path(), &format!("tree/b{i:02}/notes.txt"), "notes\n");
    }
    let out = tidybench(dir.path(), &["convert", "tree", "-o", "out"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // Each file skipped is named once, though the conversion read the tree twice.
    assert_eq!(
        err.lines().filter(|l| l.starts_with("skipped: ")).count(),
        70,
        "{err}"
    );
    let one = "source_path,merged\ntree/a/benchmarks.json.gz,true\n";
    let runs = "select source_path, labels like '%\"console_source\":\"tree/zz/console.log\"%' \
                as merged from runs";
    assert_eq!(query(dir.path(), "out", runs), one);

    let out = tidybench(dir.path(), &["convert", "tree/a", "-o", "inc"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = tidybench(dir.path(), &["convert", "tree/a", "tree/zz", "-o", "inc"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(query(dir.path(), "inc", runs), one);
    assert_eq!(
        query(dir.path(), "inc", "select count(*) as n from metrics"),
        query(dir.path(), "out", "select count(*) as n from metrics")
    );
}

#[test]
fn console_and_csv_report_of_one_run_become_one_run() {
    // The CSV gives its first start in local time, as the console prints it. GuideLLM 0.6.1
    // wrote the CSV header of the first benchmark only: the second's distributions come from
    // the console, each naming its line (the JSON report: 174.50666427612305, 244.37880516052246).
    let dir = tempfile::tempdir().unwrap();
    let console = repo(&format!("{DIR}/console.log"));
    let csv = repo(&format!("{DIR}/benchmarks.csv"));
    let (console, csv) = (console.to_str().unwrap(), csv.to_str().unwrap());
    let out = tidybench(dir.path(), &["convert", console, csv, "-o", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        query(
            dir.path(),
            "out",
            "select source_format, count(*) as n from runs group by all"
        ),
        "source_format,n\nguidellm-csv,1\n"
    );
    let ttft = query(
        dir.path(),
        "out",
        "select load_index, load, stat, value, origin like '%console.log line %' as from_console \
         from metrics where metric = 'ttft' and status = 'successful' and stat in ('median', 'p95') \
         order by all",
    );
    assert_eq!(
        ttft,
        "load_index,load,stat,value,from_console\n\
         0,5.0,median,116.81485176086426,false\n\
         0,5.0,p95,129.1635036468506,false\n\
         1,25.0,median,174.5,true\n\
         1,25.0,p95,244.4,true\n"
    );
}

#[test]
fn copies_read_apart_in_any_form_become_one_run() {
    // Each pair far apart in a tree of more than one batch of files: a console log and its CSV
    // report; two copies of one console log; and a report added beside a copy converted
    // earlier, whose console log it was merged with.
    let dir = tempfile::tempdir().unwrap();
    let console = std::fs::read(repo(&format!("{DIR}/console.log"))).unwrap();
    let csv = std::fs::read(repo(&format!("{DIR}/benchmarks.csv"))).unwrap();
    let report = std::fs::read(repo(&format!("{DIR}/benchmarks-no-requests.json.gz"))).unwrap();
    for (tree, first, last) in [
        ("csv", "console.log", "benchmarks.csv"),
        ("twice", "console.log", "console.log"),
    ] {
        for sub in ["a", "m", "z"] {
            std::fs::create_dir_all(dir.path().join(format!("{tree}/{sub}"))).unwrap();
        }
        let bytes = |name: &str| {
            if name == "console.log" {
                &console
            } else {
                &csv
            }
        };
        write(dir.path(), &format!("{tree}/a/{first}"), bytes(first));
        write(dir.path(), &format!("{tree}/z/{last}"), bytes(last));
        for i in 0..70 {
            write(dir.path(), &format!("{tree}/m/notes-{i}.txt"), "notes\n");
        }
        let out = format!("{tree}-out");
        let run = tidybench(dir.path(), &["convert", tree, "-o", &out, "-q"]);
        assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
        assert_eq!(
            query(
                dir.path(),
                &out,
                "select count(*) as n, count(distinct run_id) as ids from runs"
            ),
            "n,ids\n1,1\n",
            "{tree}"
        );
    }
    for sub in ["in/a", "in/b", "in/c"] {
        std::fs::create_dir_all(dir.path().join(sub)).unwrap();
    }
    write(dir.path(), "in/a/console.log", &console);
    write(dir.path(), "in/b/r.json.gz", &report);
    let run = tidybench(dir.path(), &["convert", "in", "-o", "in-out", "-q"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    write(dir.path(), "in/c/copy.json.gz", &report);
    let run = tidybench(dir.path(), &["convert", "in", "-o", "in-out", "-q"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(
        query(
            dir.path(),
            "in-out",
            "select count(*) as n, count(distinct run_id) as ids from runs"
        ),
        "n,ids\n1,1\n"
    );
}

#[test]
fn a_conversion_made_again_keeps_together_what_was_read_together() {
    // Two copies of a report far apart make the conversion read again, with their groups in
    // one batch; a console log and its CSV report, read in one batch the first time, still
    // are then (they were split when the batches were filled anew).
    let dir = tempfile::tempdir().unwrap();
    let report = std::fs::read(repo(
        "tests/fixtures/guidellm/0.7.4/concurrent/benchmarks-no-requests.json.gz",
    ))
    .unwrap();
    for sub in ["a", "b", "c", "d", "e", "z"] {
        std::fs::create_dir_all(dir.path().join(format!("in/{sub}"))).unwrap();
    }
    write(dir.path(), "in/a/r.json.gz", &report);
    write(dir.path(), "in/z/r.json.gz", &report);
    write(
        dir.path(),
        "in/c/console.log",
        std::fs::read(repo(&format!("{DIR}/console.log"))).unwrap(),
    );
    write(
        dir.path(),
        "in/d/benchmarks.csv",
        std::fs::read(repo(&format!("{DIR}/benchmarks.csv"))).unwrap(),
    );
    for i in 0..61 {
        write(dir.path(), &format!("in/b/n{i}.txt"), "n\n");
    }
    for i in 0..70 {
        write(dir.path(), &format!("in/e/n{i}.txt"), "n\n");
    }
    let run = tidybench(dir.path(), &["convert", "in", "-o", "out", "-q"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    assert_eq!(
        query(
            dir.path(),
            "out",
            "select source_path from runs order by all"
        ),
        "source_path\nin/a/r.json.gz\nin/d/benchmarks.csv\n"
    );
}

#[test]
fn copies_that_stay_apart_with_standard_input_are_said() {
    let dir = tempfile::tempdir().unwrap();
    let report = repo(&format!("{DIR}/benchmarks-no-requests.json.gz"));
    std::fs::create_dir(dir.path().join("in")).unwrap();
    std::fs::copy(&report, dir.path().join("in/r.json.gz")).unwrap();
    let run = tidybench(dir.path(), &["convert", "in", "-o", "out", "-q"]);
    assert_eq!(run.status.code(), Some(0), "{}", stderr(&run));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tidybench"))
        .args(["convert", "in", "-", "-o", "out"])
        .current_dir(dir.path())
        .stdin(std::fs::File::open(&report).unwrap())
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("warning: one run is in standard input, ")
            && err.contains(", with standard input among the inputs: its copies stay apart"),
        "{err}"
    );
}
