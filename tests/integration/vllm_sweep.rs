//! `vllm bench sweep serve` result folders (real ones, see `tests/fixtures/README.md`): each
//! `run=N.json` is a run labelled by its combination's parameters and run number, the copies
//! of those runs in `summary.json` are dropped, `summary.csv` is a listed skip, a warm-up is
//! not a measured run, and `compare` aggregates the repeats of each combination (and warns
//! when it would average runs of different combinations or sweeps as repeats).

use crate::common;

use std::path::Path;

use common::{parse_bytes, parse_file, query, repo, stderr, stdout, tidybench};

const SWEEP: &str = "tests/fixtures/vllm/sweep";
const BASELINE: &str = "tests/fixtures/vllm/sweep/gpt-oss-120b/baseline/20260211_140427";
const C16: &str = "BENCH--max_concurrency=16-num_prompts=160-request_rate=16";

#[test]
fn each_run_of_a_sweep_is_read_once_with_its_combination_labels() {
    let dir = tempfile::tempdir().unwrap();
    let sweep = repo(BASELINE);
    let out = tidybench(
        dir.path(),
        &["convert", sweep.to_str().unwrap(), "-o", "out"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    // Nine combinations of three runs: 27 run files, 9 summaries holding the same runs, and
    // summary.csv (the same rows again), which is skipped, not a failure.
    assert!(
        err.contains("converted 36 of 37 file(s) (1 skipped): 27 run(s), 702 metric row(s)"),
        "{err}"
    );
    let csv = sweep.join("summary.csv");
    assert!(
        err.contains(&format!(
            "skipped: {}: not a format tidybench reads",
            csv.display()
        )),
        "{err}"
    );
    assert_eq!(
        query(
            dir.path(),
            "out",
            "select source_format, count(*) as runs, count(distinct run_id) as ids from runs group by all"
        ),
        "source_format,runs,ids\nvllm-bench-json,27,27\n"
    );
    // The three repeats at concurrency 16: the median TPOT of each run file, its labels, and
    // the summary that also held it.
    let rows = query(
        dir.path(),
        "out",
        "select m.strategy, m.load, r.labels, m.value from metrics m join runs r on m.run_id = \
         r.run_id where m.metric = 'tpot' and m.stat = 'median' and m.load = 16 order by \
         r.source_path",
    );
    let combination = sweep.join(C16);
    let summary = combination.join("summary.json").display().to_string();
    let expected: Vec<String> = [
        (0, "20260211-141526", "07009cfea2254217", "17.269805250982568"),
        (1, "20260211-141625", "946df4d6a4a7caad", "17.215555243138606"),
        (2, "20260211-141723", "2e8504771f2f3c7f", "17.236009966667304"),
    ]
    .iter()
    .map(|(n, date, id, tpot)| {
        format!(
            "concurrent,16.0,\"{{\"\"also_in\"\":\"\"{summary}\"\",\"\"backend\"\":\"\"openai-chat\"\",\
             \"\"burstiness\"\":\"\"1.0\"\",\"\"date\"\":\"\"{date}\"\",\"\"endpoint_type\"\":\
             \"\"openai-chat\"\",\"\"max_concurrency\"\":\"\"16\"\",\"\"num_prompts\"\":\"\"160\"\",\
             \"\"request_rate\"\":\"\"16\"\",\"\"run_number\"\":\"\"{n}\"\",\"\"tokenizer_id\"\":\
             \"\"openai/gpt-oss-120b\"\",\"\"vllm_result_id\"\":\"\"{id}\"\"}}\",{tpot}"
        )
    })
    .collect();
    let lines: Vec<&str> = rows.lines().skip(1).collect();
    assert_eq!(lines, expected, "{rows}");
}

#[test]
fn a_summary_alone_gives_its_runs_and_named_combinations_are_labelled() {
    let parsed = parse_file(&format!("{BASELINE}/{C16}/summary.json"));
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    let numbers: Vec<(&str, usize, Option<&str>)> = parsed
        .runs
        .iter()
        .map(|r| {
            (
                r.source_format.as_str(),
                r.position,
                r.extra_labels.get("run_number").map(String::as_str),
            )
        })
        .collect();
    assert_eq!(
        numbers,
        [
            ("vllm-sweep-summary", 0, Some("0")),
            ("vllm-sweep-summary", 1, Some("1")),
            ("vllm-sweep-summary", 2, Some("2")),
        ]
    );
    let tpot = parsed.runs[1].load_points[0]
        .observations
        .iter()
        .find(|o| o.metric == "tpot" && o.stat == "median")
        .unwrap();
    assert_eq!(
        (tpot.value, tpot.origin.to_string().as_str()),
        (17.215555243138606, "$[1].median_tpot_ms")
    );

    // Combinations named by `_benchmark_name` (`BENCH--profiled`), a parameter of their own
    // (`profile`), and vLLM's "inf" request rate with a concurrency limit.
    let named = "Qwen3-32B/baseline-c256/20260216_173849/BENCH--profiled/run=0.json";
    let run = &parse_file(&format!("{SWEEP}/{named}")).runs[0];
    let label = |key: &str| run.extra_labels.get(key).map(String::as_str);
    assert_eq!(
        (
            label("_benchmark_name"),
            label("profile"),
            label("request_rate")
        ),
        (Some("profiled"), Some("true"), Some("inf"))
    );
    let point = &run.load_points[0];
    assert_eq!(
        (point.strategy.as_str(), point.load),
        ("concurrent", Some(256.0))
    );
    // A parameter given as an object (vLLM puts it on the command line as JSON) is kept as
    // JSON text.
    let text = std::fs::read_to_string(repo(&format!("{SWEEP}/{named}"))).unwrap();
    let with_object = text.replace(
        "\"profile\": true",
        "\"profile\": true,\n    \"compilation_config\": {\"mode\": 3}",
    );
    let parsed = parse_bytes("run=0.json", with_object.into_bytes()).unwrap();
    let label = parsed.runs[0].extra_labels.get("compilation_config");
    assert_eq!(label.map(String::as_str), Some("{\"mode\":3}"));

    // A summary cut off: an error naming the file and line.
    let text = std::fs::read_to_string(repo(&format!("{BASELINE}/{C16}/summary.json"))).unwrap();
    let error = parse_bytes("summary.json", text.as_bytes()[..2000].to_vec()).unwrap_err();
    assert!(
        error
            .to_string()
            .starts_with("summary.json:58: expected a JSON list of vllm bench results ($)"),
        "{error}"
    );
}

#[test]
fn a_warm_up_and_a_failed_run_are_not_measured_runs() {
    // vLLM writes `warmup.json` (run number -1, `num_prompts` set to --warmup-num-prompts)
    // and, with --continue-on-error, `run=N.failure.json`; the fixture has neither, so both
    // are made here from a real run file in the layout of vLLM's sweep/serve.py.
    let dir = tempfile::tempdir().unwrap();
    let combination = dir.path().join("sweep").join(C16);
    std::fs::create_dir_all(&combination).unwrap();
    let source = repo(&format!("{BASELINE}/{C16}"));
    for name in ["run=0.json", "run=1.json", "run=2.json", "summary.json"] {
        std::fs::copy(source.join(name), combination.join(name)).unwrap();
    }
    let run0 = std::fs::read_to_string(source.join("run=0.json")).unwrap();
    let warmup = run0
        .replace("\"num_prompts\": 160,", "\"num_prompts\": 16,")
        .replace("\"run_number\": 0", "\"run_number\": -1");
    std::fs::write(combination.join("warmup.json"), warmup).unwrap();
    let failure = "{\n  \"run_number\": 3,\n  \"error_type\": \"RuntimeError\",\n  \"error\": \
                   \"Server process exited\",\n  \"serve_overrides\": {},\n  \
                   \"bench_overrides\": {\n    \"max_concurrency\": 16\n  }\n}\n";
    std::fs::write(combination.join("run=3.failure.json"), failure).unwrap();

    let out = tidybench(dir.path(), &["convert", "sweep", "-o", "out"]);
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains(&format!(
            "warning: {}: $: the warm-up of a vllm bench sweep (run_number -1), not a measured \
             run; not read",
            Path::new("sweep").join(C16).join("warmup.json").display()
        )),
        "{err}"
    );
    assert!(
        err.contains(&format!(
            "skipped: {}: not a format tidybench reads",
            Path::new("sweep")
                .join(C16)
                .join("run=3.failure.json")
                .display()
        )),
        "{err}"
    );
    assert!(
        err.contains("converted 5 of 6 file(s) (1 skipped): 3 run(s)"),
        "{err}"
    );
}

#[test]
fn compare_aggregates_the_repeats_of_each_combination() {
    // Two experiments of one sweep (FlashSampling's baseline and fmms-triton sampler), told
    // apart by their directory; each load is the mean ± 95% CI half-width of three runs.
    let dir = tempfile::tempdir().unwrap();
    let sweeps = repo(&format!("{SWEEP}/gpt-oss-120b"));
    let out = tidybench(
        dir.path(),
        &[
            "convert",
            sweeps.to_str().unwrap(),
            "-o",
            "out",
            "--labels-from",
            "gpt-oss-120b/(?P<config>[^/]+)/",
            "--quiet",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = tidybench(
        dir.path(),
        &[
            "compare",
            "out",
            "--by",
            "config",
            "--baseline",
            "baseline",
            "--metrics",
            "tpot",
            "--stat",
            "median",
            "--format",
            "csv",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let csv = stdout(&out);
    let rows: Vec<Vec<&str>> = csv.lines().map(|l| l.split(',').collect()).collect();
    assert_eq!(rows.len(), 10, "{csv}");
    let column = |name: &str| rows[0].iter().position(|c| *c == name).unwrap();
    let row = |load: &str| {
        rows.iter()
            .find(|r| r[column("load")] == load)
            .unwrap_or_else(|| panic!("load {load}: {csv}"))
    };
    // The last digits depend on the order Polars sums the runs in: compared to 9 decimals.
    let rounded = |text: &str| format!("{:.9}", text.parse::<f64>().unwrap());
    // Concurrency 1: a clear gain; 64: within noise (the runs spread 28.87 – 33.88 ms).
    for (load, values, verdict) in [
        (
            "1.0",
            [
                "5.900044931",
                "5.761938600",
                "-2.340767451",
                "-2.510373588",
                "-2.170866245",
            ],
            "better",
        ),
        (
            "64.0",
            [
                "31.408773275",
                "31.940470126",
                "1.692829093",
                "-17.059850690",
                "24.685469882",
            ],
            "within noise",
        ),
    ] {
        let r = row(load);
        let get = |name: &str| r[column(name)];
        let numbers = [
            "baseline_value",
            "candidate_value",
            "pct_change",
            "pct_change_low",
            "pct_change_high",
        ]
        .map(|name| rounded(get(name)));
        assert_eq!(numbers, values, "{csv}");
        assert_eq!(
            (get("baseline_runs"), get("candidate_runs"), get("verdict")),
            ("3", "3", verdict)
        );
    }
}

#[test]
fn runs_of_different_combinations_or_sweeps_averaged_as_repeats_are_warned_about() {
    let dir = tempfile::tempdir().unwrap();
    let qwen = repo(&format!("{SWEEP}/Qwen3-32B"));
    let qwen_sweep = format!("{}/baseline-c256/20260216_173849", qwen.display());
    let gpt = repo(&format!("{SWEEP}/gpt-oss-120b"));
    let gpt_dir = gpt.clone();
    let sweep = |name: &str| format!("{}/{name}", gpt.display());
    let warnings = |args: &[&str]| -> Vec<String> {
        let out = tidybench(dir.path(), args);
        assert_eq!(out.status.code(), Some(0), "{args:?}: {}", stderr(&out));
        stderr(&out)
            .lines()
            .filter(|l| l.starts_with("warning: "))
            .map(String::from)
            .collect()
    };
    // A warm-up and a profiled combination of one sweep, at the same concurrency.
    assert_eq!(
        warnings(&["report", qwen.to_str().unwrap()]),
        [format!(
            "warning: {qwen_sweep}: model Qwen/Qwen3-32B, config=—: the runs of 2 sweep \
             combinations (BENCH--profiled, BENCH--warmup) are averaged as repeats of one \
             configuration at 1 load level(s); they differ in _benchmark_name, profile: compare \
             them with --by _benchmark_name"
        )]
    );
    // Two sweeps of the same combinations (two samplers, told apart only by directory).
    assert_eq!(
        warnings(&["report", gpt.to_str().unwrap()]),
        [format!(
            "warning: {}: model openai/gpt-oss-120b, config=—: the runs of 2 sweeps ({}, {}) \
             are averaged as repeats of one configuration at 9 load level(s); if they are \
             different configurations, label each sweep's runs (convert them with --label \
             config=… one sweep at a time, or --labels-from)",
            sweep("baseline/20260211_140427"),
            sweep("baseline/20260211_140427"),
            sweep("fmms-triton/20260211_144327"),
        )]
    );
    // Told apart, nothing to warn about.
    let qwen = qwen.to_str().unwrap();
    let by_name = [
        "compare",
        qwen,
        "--by",
        "_benchmark_name",
        "--baseline",
        "warmup",
    ];
    assert_eq!(warnings(&by_name), Vec::<String>::new());
    let labelled = [
        "convert",
        gpt.to_str().unwrap(),
        "-o",
        "out",
        "--labels-from",
        "gpt-oss-120b/(?P<config>[^/]+)/",
        "--quiet",
    ];
    assert_eq!(warnings(&labelled), Vec::<String>::new());
    let by_sampler = ["report", "out", "--baseline", "baseline"];
    assert_eq!(warnings(&by_sampler), Vec::<String>::new());
    // Repeats of one combination (run=0, 1, 2 of each) are what a sweep's repeats are.
    let one = sweep("baseline");
    assert_eq!(warnings(&["report", &one]), Vec::<String>::new());
    // Only the runs compared count: --where leaving one sweep, or a configuration not among
    // the candidates.
    let gpt = gpt.to_str().unwrap();
    let one_sweep = [
        "compare",
        gpt,
        "--label",
        "config=x",
        "--baseline",
        "x",
        "--where",
        "source_path like '%/baseline/%'",
    ];
    assert_eq!(warnings(&one_sweep), Vec::<String>::new());
    let with_qwen = [
        "compare",
        "out",
        qwen,
        "--label",
        "config=q",
        "--baseline",
        "baseline",
    ];
    assert_eq!(warnings(&with_qwen).len(), 1);
    let without_qwen = [&with_qwen[..], &["--candidates", "fmms-triton"]].concat();
    assert_eq!(warnings(&without_qwen), Vec::<String>::new());
    // Runs of other formats in directories named like a sweep's are not a sweep's.
    let guidellm = dir.path().join("guidellm");
    for (combination, version) in [("BENCH--x", "0.7.4"), ("BENCH--y", "0.6.1")] {
        std::fs::create_dir_all(guidellm.join(combination)).unwrap();
        std::fs::copy(
            repo(&format!(
                "tests/fixtures/guidellm/{version}/concurrent/benchmarks-no-requests.json.gz"
            )),
            guidellm.join(combination).join("run=0.json.gz"),
        )
        .unwrap();
    }
    let out = tidybench(dir.path(), &["report", "guidellm"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains("(2 runs)"), "{}", stdout(&out));
    assert_eq!(stderr(&out), "");
    // One sweep's directory written two ways is one sweep.
    let c1 = "baseline/20260211_140427/BENCH--max_concurrency=1-num_prompts=10-request_rate=1";
    let out = tidybench(
        &gpt_dir,
        &[
            "report",
            &format!("{c1}/run=0.json"),
            &format!(".//{c1}/run=1.json"),
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    // Given from inside the sweep's directory, the warning names it as `.`.
    let out = tidybench(
        Path::new(&qwen_sweep),
        &["report", "BENCH--warmup", "BENCH--profiled", "-q"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = tidybench(
        Path::new(&qwen_sweep),
        &["report", "BENCH--warmup", "BENCH--profiled"],
    );
    assert!(
        stderr(&out).starts_with("warning: .: model Qwen/Qwen3-32B, config=—: the runs of 2"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn the_header_tells_sources_of_one_name_apart_and_counts_a_long_list() {
    let dir = tempfile::tempdir().unwrap();
    let header = |input: &str| {
        let out = tidybench(
            dir.path(),
            &["report", &repo(input).display().to_string(), "-q"],
        );
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        stdout(&out)
            .lines()
            .find(|l| l.starts_with("Sources: "))
            .unwrap_or_default()
            .to_string()
    };
    assert_eq!(
        header(&format!("{SWEEP}/Qwen3-32B")),
        "Sources: BENCH--profiled/run=0.json, BENCH--warmup/run=0.json"
    );
    // 2 sweeps x 9 combinations x 3 runs: five named, all counted.
    let long = header(&format!("{SWEEP}/gpt-oss-120b"));
    assert!(
        long.starts_with(
            "Sources: 20260211_140427/BENCH--max_concurrency=1-num_prompts=10-request_rate=1/\
             run=0.json, "
        ),
        "{long}"
    );
    assert!(
        long.ends_with(", … (54 files; the JSON report lists them all)"),
        "{long}"
    );
    assert_eq!(long.matches("run=").count(), 5, "{long}");
}
