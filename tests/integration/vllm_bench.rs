//! `vllm bench serve` console results and `--save-result` JSON of real runs (see
//! `tests/fixtures/README.md`): every number a console block prints equals the JSON value of
//! the same run rounded to the printed digits, the loads come from the block or the lines before
//! it, and the console copy of a run given with its JSON is dropped for the JSON.

use crate::common;

use common::{parse_file, repo, stderr, stdout, tidybench};
use tidybench::formats::{Observation, Parsed};

const DIR: &str = "tests/fixtures/vllm/bench-serve";

fn get<'a>(obs: &'a [Observation], metric: &str, status: &str, stat: &str) -> &'a Observation {
    obs.iter()
        .find(|o| o.metric == metric && o.status == status && o.stat == stat)
        .unwrap_or_else(|| panic!("{metric}/{status}/{stat}"))
}

/// Each warning of a parse as printed.
fn warning_texts(parsed: &Parsed) -> Vec<String> {
    parsed.warnings.iter().map(|w| w.to_string()).collect()
}

#[test]
fn every_console_number_equals_the_rounded_json_value() {
    let mut compared = 0;
    for name in [
        "dgxspark_v0.26.0_mistral-small-4_08-sharegpt",
        "dgxspark_v0.26.0_gemma-4-26b_10-monday-peak",
    ] {
        let console = parse_file(&format!("{DIR}/{name}.log"));
        let json = parse_file(&format!("{DIR}/{name}.result.json"));
        assert!(console.warnings.is_empty(), "{:?}", console.warnings);
        let (c, j) = (&console.runs[0], &json.runs[0]);
        assert_eq!(c.model, j.model);
        let (cp, jp) = (&c.load_points[0], &j.load_points[0]);
        assert_eq!(
            (cp.strategy.as_str(), cp.load),
            (jp.strategy.as_str(), jp.load)
        );
        for o in &cp.observations {
            let x = get(&jp.observations, &o.metric, &o.status, &o.stat);
            let d = usize::from(o.decimals.unwrap());
            assert_eq!(
                format!("{:.d$}", x.value),
                format!("{:.d$}", o.value),
                "{o:?} vs {x:?}"
            );
            assert_eq!(o.unit, x.unit);
            compared += 1;
        }
    }
    // 34 numbers per block: counts, duration, tokens, throughputs, peaks and the mean, median,
    // P50, P90, P95 and P99 of TTFT, TPOT, ITL and E2EL.
    assert_eq!(compared, 68);
}

#[test]
fn console_blocks_give_loads_and_exact_values() {
    let parsed = parse_file(&format!(
        "{DIR}/dgxspark_v0.26.0_mistral-small-4_08-sharegpt.log"
    ));
    let run = &parsed.runs[0];
    assert_eq!(run.harness, "vllm-bench");
    assert_eq!(
        run.model.as_deref(),
        Some("mistralai/Mistral-Small-4-119B-2603-NVFP4")
    );
    assert_eq!(
        run.extra_labels.get("dataset_name").map(String::as_str),
        Some("sharegpt")
    );
    let point = &run.load_points[0];
    assert_eq!(
        (point.strategy.as_str(), point.load),
        ("poisson", Some(0.3))
    );
    let p95 = get(&point.observations, "ttft", "successful", "p95");
    assert_eq!(
        (p95.value, &*p95.unit, p95.decimals),
        (624.36, "ms", Some(2))
    );
    let e2el = get(&point.observations, "request_latency", "successful", "mean");
    assert_eq!(
        (e2el.value, &*e2el.unit, e2el.decimals),
        (15.64626, "s", Some(5))
    );
    assert_eq!(
        get(&point.observations, "requests", "errored", "count").value,
        0.0
    );
    assert_eq!(
        get(&point.observations, "concurrency", "successful", "max").value,
        13.0
    );

    // Six blocks of a rate sweep, each with its own `Traffic request rate`.
    let sweep = parse_file(&format!(
        "{DIR}/dgxspark_v0.26.0_gemma-4-26b_11-rate-sweep_multiblock.log"
    ));
    let loads: Vec<Option<f64>> = sweep.runs[0].load_points.iter().map(|p| p.load).collect();
    assert_eq!(loads, [0.1, 0.2, 0.3, 0.5, 0.7, 1.0].map(Some));
    // The docs' example of v0.8.5: no rate limit, P99 only, `Total Token throughput`.
    let docs = parse_file(&format!(
        "{DIR}/vllm-docs_v0.8.5_benchmarks-README_example.log"
    ));
    let point = &docs.runs[0].load_points[0];
    assert_eq!((point.strategy.as_str(), point.load), ("throughput", None));
    assert_eq!(
        get(
            &point.observations,
            "total_tokens_per_second",
            "successful",
            "mean"
        )
        .value,
        619.85
    );
    assert_eq!(point.observations.len(), 16);
}

#[test]
fn a_run_given_as_console_and_json_becomes_the_json_run_and_compares() {
    let dir = tempfile::tempdir().unwrap();
    let dir_path = repo(DIR);
    let out = tidybench(
        dir.path(),
        &["convert", dir_path.to_str().unwrap(), "-o", "out"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("converted 6 of 6 file(s): 4 run(s)"),
        "{}",
        stderr(&out)
    );
    let formats = tidybench(
        dir.path(),
        &[
            "query",
            "out",
            "select source_format, count(*) as n from runs group by all order by all",
            "--format",
            "csv",
        ],
    );
    assert_eq!(
        stdout(&formats),
        "source_format,n\nvllm-bench-json,2\nvllm-bench-serve,2\n"
    );
    // The rate sweep's six levels against its first, as configurations of one label.
    let log = repo(&format!(
        "{DIR}/dgxspark_v0.26.0_gemma-4-26b_11-rate-sweep_multiblock.log"
    ));
    let out = tidybench(
        dir.path(),
        &["report", log.to_str().unwrap(), "--format", "csv"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let csv = stdout(&out);
    assert!(
        csv.lines().any(|l| l == "config,—,google/gemma-4-26B-A4B-it,poisson,0.1,,requests_per_second,mean,successful,req/s,0.1,1,,2"),
        "{csv}"
    );
}

#[test]
fn unknown_lines_are_counted_and_a_cut_block_keeps_its_lines() {
    let text = std::fs::read_to_string(repo(&format!(
        "{DIR}/vllm-docs_v0.8.5_benchmarks-README_example.log"
    )))
    .unwrap();
    // A label from a future release, and the log cut before the closing rule.
    let edited = text.replace(
        "Request throughput (req/s):",
        "Speculative acceptance (%):              71.20\nRequest throughput (req/s):",
    );
    let cut: String = edited.lines().take(12).map(|l| format!("{l}\n")).collect();
    let parsed = common::parse_bytes("future.log", cut.into_bytes()).unwrap();
    let warnings = warning_texts(&parsed);
    assert_eq!(
        warnings,
        [
            "future.log:1: this result block ends with the input, without its closing rule (the \
             log is cut short?)",
            "future.log:1: 1 line(s) of this result block not read (not a known vLLM label): \
          Speculative acceptance (%):              71.20"
        ]
    );
    let point = &parsed.runs[0].load_points[0];
    assert_eq!(
        get(
            &point.observations,
            "requests_per_second",
            "successful",
            "mean"
        )
        .value,
        1.73
    );
    assert_eq!(point.observations.len(), 9);

    // Cut inside a number (`73.` of `73.88`): that line is not read, and the warning says so.
    let at = text.find("Median TTFT (ms):").unwrap();
    let cut = &text[..text[at..].find('.').unwrap() + at + 1];
    assert!(cut.ends_with(" 73."), "{cut}");
    let parsed = common::parse_bytes("cut.log", cut.as_bytes().to_vec()).unwrap();
    let warnings = warning_texts(&parsed);
    assert_eq!(
        warnings,
        [
            "cut.log:1: this result block ends with the input, without its closing rule (the log \
          is cut short?); its last line (11), cut short, is not read"
        ]
    );
    let point = &parsed.runs[0].load_points[0];
    let stats: Vec<&str> = point
        .observations
        .iter()
        .filter(|o| o.metric == "ttft")
        .map(|o| &*o.stat)
        .collect();
    assert_eq!(stats, ["mean"]);
}

#[test]
fn a_nan_in_a_result_is_left_out_and_said() {
    // Python's json.dump writes an undefined float as a bare NaN.
    let dir = tempfile::tempdir().unwrap();
    let path = repo(
        "tests/fixtures/vllm/bench-serve/dgxspark_v0.26.0_gemma-4-26b_10-monday-peak.result.json",
    );
    let text = std::fs::read_to_string(path).unwrap().replace(
        "\"median_ttft_ms\": 1245.579886075575",
        "\"median_ttft_ms\": NaN",
    );
    common::write(dir.path(), "nan.json", text);
    let out = tidybench(
        dir.path(),
        &[
            "query",
            "nan.json",
            "select stat from metrics where metric = 'ttft' order by all",
            "--format",
            "csv",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(!stdout(&out).contains("median"), "{}", stdout(&out));
    assert!(stdout(&out).contains("mean"), "{}", stdout(&out));
    assert_eq!(
        stderr(&out),
        "warning: nan.json: 1 bare NaN or Infinity value(s) (Python's, not JSON) read as missing\n"
    );
}

#[test]
fn percentiles_are_named_as_guidellm_names_them() {
    // `--metric-percentiles 0.1,1,5,99,99.9`: GuideLLM's p001 is the 0.1th percentile, p01 the
    // 1st and p05 the 5th, so vLLM's must be named alike to compare.
    let log = format!("{DIR}/vllm-docs_v0.8.5_benchmarks-README_example.log");
    let text = std::fs::read_to_string(repo(&log)).unwrap().replace(
        "P99 TTFT (ms):",
        "P0.1 TTFT (ms):                          60.01\n\
         P1 TTFT (ms):                            61.00\n\
         P5 TTFT (ms):                            65.00\n\
         P99.9 TTFT (ms):                         80.00\n\
         P99 TTFT (ms):",
    );
    let parsed = common::parse_bytes("percentiles.log", text.into_bytes()).unwrap();
    let observations = &parsed.runs[0].load_points[0].observations;
    let ttft: Vec<(&str, f64)> = observations
        .iter()
        .filter(|o| o.metric == "ttft" && o.stat.starts_with('p'))
        .map(|o| (&*o.stat, o.value))
        .collect();
    assert_eq!(
        ttft,
        [
            ("p001", 60.01),
            ("p01", 61.0),
            ("p05", 65.0),
            ("p999", 80.0),
            ("p99", 79.49)
        ]
    );

    let json = format!("{DIR}/dgxspark_v0.26.0_mistral-small-4_08-sharegpt.result.json");
    let json = std::fs::read_to_string(repo(&json)).unwrap().replacen(
        "\"p50_ttft_ms\"",
        "\"p0.1_ttft_ms\": 1.5, \"p1_ttft_ms\": 2.5, \"p5_ttft_ms\": 3.5, \"p99.9_ttft_ms\": 4.5, \
         \"p50_ttft_ms\"",
        1,
    );
    let parsed = common::parse_bytes("percentiles.json", json.into_bytes()).unwrap();
    let observations = &parsed.runs[0].load_points[0].observations;
    for (stat, value) in [("p001", 1.5), ("p01", 2.5), ("p05", 3.5), ("p999", 4.5)] {
        assert_eq!(get(observations, "ttft", "successful", stat).value, value);
    }
}

#[test]
fn invocations_of_other_models_in_one_file_are_other_runs() {
    // Two invocations of `vllm bench serve` logged to one file: two runs, each with its model
    // and its result; the six invocations of one model at six rates stay one run.
    let first = std::fs::read(repo(&format!(
        "{DIR}/dgxspark_v0.26.0_mistral-small-4_08-sharegpt.log"
    )))
    .unwrap();
    let second = std::fs::read(repo(&format!(
        "{DIR}/dgxspark_v0.26.0_gemma-4-26b_11-rate-sweep_multiblock.log"
    )))
    .unwrap();
    let parsed = common::parse_bytes("both.log", [first, second].concat()).unwrap();
    assert_eq!(warning_texts(&parsed), Vec::<String>::new());
    let runs: Vec<_> = parsed
        .runs
        .iter()
        .map(|r| (r.position, r.model.as_deref().unwrap(), r.load_points.len()))
        .collect();
    assert_eq!(
        runs,
        [
            (0, "mistralai/Mistral-Small-4-119B-2603-NVFP4", 1),
            (1, "google/gemma-4-26B-A4B-it", 6)
        ]
    );
    let ttft = |run: usize| {
        get(
            &parsed.runs[run].load_points[0].observations,
            "ttft",
            "successful",
            "p95",
        )
        .value
    };
    assert_eq!(ttft(0), 624.36);

    // An invocation whose result never came is said, with the line of its arguments.
    let log = std::fs::read_to_string(repo(&format!(
        "{DIR}/dgxspark_v0.26.0_mistral-small-4_08-sharegpt.log"
    )))
    .unwrap();
    let arguments = log.lines().find(|l| l.starts_with("Namespace(")).unwrap();
    let other = arguments.replace("Mistral-Small-4-119B-2603-NVFP4", "Other");
    let unfinished = format!("{log}{other}\n");
    let parsed = common::parse_bytes("unfinished.log", unfinished.into_bytes()).unwrap();
    assert_eq!(parsed.runs.len(), 1);
    assert_eq!(
        warning_texts(&parsed),
        [
            "unfinished.log:56: no `Serving Benchmark Result` block after these arguments (the \
          benchmark did not finish?)"
        ]
    );

    // `--append-result` objects of two models: a run each.
    let json = |name: &str| {
        let path = repo(&format!("{DIR}/{name}.result.json"));
        let text = std::fs::read_to_string(path).unwrap();
        format!("{}\n", text.trim_end())
    };
    let appended = [
        json("dgxspark_v0.26.0_mistral-small-4_08-sharegpt"),
        json("dgxspark_v0.26.0_gemma-4-26b_10-monday-peak"),
    ]
    .concat();
    let parsed = common::parse_bytes("appended.json", appended.into_bytes()).unwrap();
    let runs: Vec<_> = parsed
        .runs
        .iter()
        .map(|r| (r.position, r.model.clone().unwrap(), r.load_points.len()))
        .collect();
    assert_eq!(runs.len(), 2, "{runs:?}");
    assert_eq!(runs[0].0, 0);
    assert_eq!(runs[1].0, 1);
    assert_ne!(runs[0].1, runs[1].1);
}

#[test]
fn a_log_of_several_invocations_beside_their_result_files_is_read_once() {
    // One model's two invocations logged to one file (one run of two load points), each saved
    // to its own result file (two runs): the log's results are those files' and it is dropped.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("runs")).unwrap();
    let read = |name: &str| std::fs::read_to_string(repo(&format!("{DIR}/{name}"))).unwrap();
    let first = read("dgxspark_v0.26.0_mistral-small-4_08-sharegpt.log");
    let arguments = first.lines().find(|l| l.starts_with("Namespace(")).unwrap();
    let second = read("dgxspark_v0.26.0_gemma-4-26b_10-monday-peak.log");
    let theirs = second
        .lines()
        .find(|l| l.starts_with("Namespace("))
        .unwrap();
    let second = second.replace(
        theirs,
        &arguments.replace("request_rate=0.3", "request_rate=1.5"),
    );
    common::write(dir.path(), "runs/bench.log", format!("{first}{second}"));
    // The second result as the same model's (the log says so).
    for name in [
        "dgxspark_v0.26.0_mistral-small-4_08-sharegpt.result.json",
        "dgxspark_v0.26.0_gemma-4-26b_10-monday-peak.result.json",
    ] {
        let result = read(name).replace(
            "\"model_id\": \"google/gemma-4-26B-A4B-it\"",
            "\"model_id\": \"mistralai/Mistral-Small-4-119B-2603-NVFP4\"",
        );
        common::write(dir.path(), &format!("runs/{name}"), result);
    }
    let log = common::parse_bytes("bench.log", format!("{first}{second}").into_bytes()).unwrap();
    assert_eq!(log.runs.len(), 1);
    assert_eq!(log.runs[0].load_points.len(), 2);
    let out = tidybench(dir.path(), &["convert", "runs", "-o", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let runs = tidybench(
        dir.path(),
        &[
            "query",
            "out",
            "select source_format, labels from runs order by all",
            "--format",
            "csv",
        ],
    );
    let runs = stdout(&runs);
    assert_eq!(runs.lines().count(), 3, "{runs}");
    for run in runs.lines().skip(1) {
        assert!(run.starts_with("vllm-bench-json,"), "{run}");
        assert!(run.contains(r#""also_in"":""runs/bench.log"""#), "{run}");
    }
}

#[test]
fn vllm_0_5s_input_throughput_is_a_metric() {
    let json = format!("{DIR}/dgxspark_v0.26.0_mistral-small-4_08-sharegpt.result.json");
    let json = std::fs::read_to_string(repo(&json)).unwrap().replacen(
        "\"output_throughput\"",
        "\"input_throughput\": 5433.8812, \"output_throughput\"",
        1,
    );
    let parsed = common::parse_bytes("old.json", json.into_bytes()).unwrap();
    let run = &parsed.runs[0];
    let observations = &run.load_points[0].observations;
    let input = get(
        observations,
        "input_tokens_per_second",
        "successful",
        "mean",
    );
    assert_eq!((input.value, &*input.unit), (5433.8812, "tok/s"));
    assert!(!run.extra_labels.contains_key("input_throughput"));
}

#[test]
fn runs_of_other_workloads_averaged_as_repeats_are_named() {
    // The same result saved twice, once as if run with another burstiness: at one load, the
    // comparison averages them as repeats, and says they are not.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("runs")).unwrap();
    let name = "dgxspark_v0.26.0_mistral-small-4_08-sharegpt.result.json";
    let json = std::fs::read_to_string(repo(&format!("{DIR}/{name}"))).unwrap();
    common::write(dir.path(), "runs/a.json", &json);
    let other = json.replacen("\"burstiness\": 0.7", "\"burstiness\": 2.0", 1);
    common::write(dir.path(), "runs/b.json", other);
    let out = tidybench(dir.path(), &["report", "runs", "--format", "csv"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out),
        "warning: model mistralai/Mistral-Small-4-119B-2603-NVFP4, config=—: runs averaged as \
         repeats at 1 load level(s) differ in burstiness (0.7, 2.0); compare them with --by \
         burstiness\n"
    );
    let out = tidybench(
        dir.path(),
        &["report", "runs", "--by", "burstiness", "--baseline", "0.7"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert!(stdout(&out).starts_with("Baseline burstiness=0.7; candidates: 2.0\n"));
}

#[test]
fn a_log_with_docker_timestamps_reads_as_without() {
    let log = format!("{DIR}/dgxspark_v0.26.0_gemma-4-26b_11-rate-sweep_multiblock.log");
    let text = std::fs::read_to_string(repo(&log)).unwrap();
    let stamped: String = text
        .lines()
        .map(|l| format!("2026-05-12T08:01:39.331095044Z {l}\n"))
        .collect();
    let plain = common::parse_bytes("plain.log", text.into_bytes()).unwrap();
    let stamped = common::parse_bytes("stamped.log", stamped.into_bytes()).unwrap();
    assert_eq!(stamped.warnings.len(), plain.warnings.len());
    let (a, b) = (&plain.runs[0], &stamped.runs[0]);
    assert_eq!(b.model, a.model);
    assert_eq!(
        format!("{:?}", b.load_points),
        format!("{:?}", a.load_points)
    );
    assert_eq!(b.load_points.len(), 6);
}

#[test]
fn input_and_output_lengths_replace_the_random_dataset_s() {
    // vLLM copies `--input-len`/`--output-len` over `random_input_len`/`random_output_len`
    // after printing the arguments, which still show the defaults.
    let log = format!("{DIR}/dgxspark_v0.26.0_gemma-4-26b_10-monday-peak.log");
    let text = std::fs::read_to_string(repo(&log)).unwrap();
    let arguments = text.lines().find(|l| l.starts_with("Namespace(")).unwrap();
    let lengths = |args: &str| {
        let edited = text.replace(arguments, args);
        let parsed = common::parse_bytes("lengths.log", edited.into_bytes()).unwrap();
        let labels = &parsed.runs[0].labels;
        (labels.prompt_tokens, labels.output_tokens)
    };
    let random = |key: &str| {
        let at = arguments.find(&format!(" {key}=")).unwrap() + key.len() + 2;
        let value = &arguments[at..];
        value[..value.find(',').unwrap()].parse::<i64>().unwrap()
    };
    let own = (
        Some(random("random_input_len")),
        Some(random("random_output_len")),
    );
    assert_eq!(own, (Some(4000), Some(500)));
    assert_eq!(lengths(arguments), own);
    let given = arguments
        .replace(" input_len=None", " input_len=1024")
        .replace(" output_len=None", " output_len=256");
    assert_ne!(given, arguments);
    assert_eq!(lengths(&given), (Some(1024), Some(256)));
}

#[test]
fn client_queue_and_speculative_decoding_results_are_metrics_and_the_unknown_is_said() {
    // Keys of newer vLLM results: the client queue's summary (0.30, with --max-concurrency),
    // speculative decoding's, and one no release writes.
    let json = format!("{DIR}/dgxspark_v0.26.0_mistral-small-4_08-sharegpt.result.json");
    let json = std::fs::read_to_string(repo(&json)).unwrap().replacen(
        "\"mean_ttft_ms\"",
        "\"mean_client_queue_time_ms\": 5.5, \"p99_client_queue_time_ms\": 9.5, \
         \"p99_e2el_including_client_queue_ms\": 2500.0, \
         \"spec_decode_acceptance_rate\": 56.9, \"spec_decode_acceptance_length\": 2.7, \
         \"spec_decode_num_drafts\": 600, \"spec_decode_draft_tokens\": 3000, \
         \"spec_decode_accepted_tokens\": 1710, \
         \"spec_decode_per_position_acceptance_rates\": [0.7, 0.5], \
         \"p99_future_ms\": 1.0, \"mean_ttft_ms\"",
        1,
    );
    let parsed = common::parse_bytes("newer.json", json.into_bytes()).unwrap();
    let observations = &parsed.runs[0].load_points[0].observations;
    let found = |metric: &str, status: &str, stat: &str| {
        let o = get(observations, metric, status, stat);
        (o.value, o.unit.to_string(), o.origin.to_string())
    };
    assert_eq!(
        found("client_queue_time", "successful", "mean"),
        (5.5, "ms".into(), "$.mean_client_queue_time_ms".into())
    );
    assert_eq!(found("client_queue_time", "successful", "p99").0, 9.5);
    assert_eq!(
        found(
            "request_latency_including_client_queue",
            "successful",
            "p99"
        ),
        (
            2.5,
            "s".into(),
            "$.p99_e2el_including_client_queue_ms".into()
        )
    );
    assert_eq!(
        found("spec_draft_acceptance_rate", "total", "value").0,
        56.9
    );
    assert_eq!(
        found("spec_mean_acceptance_length", "total", "value").0,
        2.7
    );
    assert_eq!(found("spec_drafts", "total", "count").0, 600.0);
    assert_eq!(found("spec_drafted_tokens", "total", "sum").0, 3000.0);
    assert_eq!(found("spec_accepted_tokens", "total", "sum").0, 1710.0);
    assert_eq!(
        found("spec_acceptance_rate_position_2", "total", "value"),
        (
            50.0,
            "%".into(),
            "$.spec_decode_per_position_acceptance_rates[1]".into()
        )
    );
    let warnings = warning_texts(&parsed);
    assert_eq!(
        warnings,
        ["newer.json: $: 1 key(s) not read (not known to tidybench): p99_future_ms"]
    );
    assert!(!parsed.runs[0]
        .extra_labels
        .keys()
        .any(|k| k.starts_with("spec_")));
}

#[test]
fn a_log_of_client_and_server_together_says_which_half_is_not_read() {
    let client = std::fs::read_to_string(repo(&format!(
        "{DIR}/vllm-docs_v0.8.5_benchmarks-README_example.log"
    )))
    .unwrap();
    let server = std::fs::read_to_string(repo(
        "tests/fixtures/vllm/server-logs/v1_issue43295_apiserver-pid-prefix.log",
    ))
    .unwrap();
    let stats = server
        .lines()
        .filter(|l| l.contains("Avg prompt throughput:"))
        .count();
    assert!(stats > 0);
    let warnings = |text: String| {
        let parsed = common::parse_bytes("both.log", text.into_bytes()).unwrap();
        let format = parsed.runs[0].source_format.clone();
        let warnings = warning_texts(&parsed);
        (format, warnings)
    };
    // Read as the client's log: the server's stats lines are counted.
    let (format, found) = warnings(format!("{client}{server}"));
    assert_eq!(format, "vllm-bench-serve");
    let said = format!(
        "both.log:{}: {stats} vLLM server stats line(s) in this benchmark log not read (save \
         the server's log apart to convert it)",
        client.lines().count() + 1
    );
    assert!(found.contains(&said), "{found:?}");
    // Read as the server's log (its lines fill the first KiBs): the client's block is named.
    let long_server = server.repeat(64 * 1024 / server.len() + 1);
    let (format, found) = warnings(format!("{long_server}{client}"));
    assert_eq!(format, "vllm-server-log");
    let said = format!(
        "both.log:{}: 1 `vllm bench serve` result block(s) in this server log not read (save \
         the client's output apart, or with --save-result)",
        long_server.lines().count() + 1
    );
    assert!(found.contains(&said), "{found:?}");
}

#[test]
fn a_model_asked_of_the_server_is_the_run_s_model() {
    // Without --model, vLLM asks the server and prints what it got.
    let log = format!("{DIR}/dgxspark_v0.26.0_mistral-small-4_08-sharegpt.log");
    let text = std::fs::read_to_string(repo(&log)).unwrap();
    let arguments = text.lines().find(|l| l.starts_with("Namespace(")).unwrap();
    let model = "model='mistralai/Mistral-Small-4-119B-2603-NVFP4'";
    assert!(arguments.contains(model));
    for (printed, name) in [
        (
            "First model name: mistral-small, first model id: mistralai/Mistral-Small-4",
            Some("mistral-small"),
        ),
        // Older releases keep `--served-model-name`.
        (
            "Using model: mistralai/Mistral-Small-4",
            Some("mistral-small-4-119b-nvfp4"),
        ),
    ] {
        let asked = format!(
            "{}\nModel not specified, fetching first model from server...\n{printed}",
            arguments.replace(model, "model=None")
        );
        let edited = text.replace(arguments, &asked);
        let parsed = common::parse_bytes("asked.log", edited.into_bytes()).unwrap();
        let run = &parsed.runs[0];
        assert_eq!(run.model.as_deref(), Some("mistralai/Mistral-Small-4"));
        assert_eq!(
            run.extra_labels
                .get("served_model_name")
                .map(String::as_str),
            name
        );
    }
}

#[test]
fn a_log_beside_its_result_keeps_what_the_result_does_not_hold() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("runs")).unwrap();
    let name = "dgxspark_v0.26.0_mistral-small-4_08-sharegpt";
    let read = |file: &str| std::fs::read_to_string(repo(&format!("{DIR}/{file}"))).unwrap();
    let (log, json) = (
        read(&format!("{name}.log")),
        read(&format!("{name}.result.json")),
    );
    common::write(dir.path(), "runs/a.result.json", &json);
    let arguments = log.lines().find(|l| l.starts_with("Namespace(")).unwrap();
    let again = arguments.replace("request_rate=0.3", "request_rate=0.6");
    let lines = log.lines().count();
    // A second invocation whose block is cut after counts equal to the result's: that result
    // holds the first block only, so the log stays.
    let cut: String = log.lines().take(17).map(|l| format!("{l}\n")).collect();
    let cut = cut.replace(arguments, &again);
    common::write(dir.path(), "runs/bench.log", format!("{log}{cut}"));
    let out = tidybench(dir.path(), &["convert", "runs", "-o", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stderr(&out).contains(": 2 run(s),"), "{}", stderr(&out));
    // An invocation without a result beside a log the result holds: the result stands for the
    // log, and the lost invocation is still said.
    let unanswered = format!("{log}{again}\n");
    common::write(dir.path(), "runs/bench.log", unanswered);
    let out = tidybench(dir.path(), &["convert", "runs", "-o", "out2"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        stderr(&out).lines().next(),
        Some(
            format!(
                "warning: runs/bench.log:{}: no `Serving Benchmark Result` block after these \
                 arguments (the benchmark did not finish?)",
                lines + 1
            )
            .as_str()
        )
    );
    assert!(stderr(&out).contains(": 1 run(s),"), "{}", stderr(&out));
    // An invocation without a result before another's: said too.
    let other = arguments.replace("Mistral-Small-4-119B-2603-NVFP4", "Other");
    let parsed = common::parse_bytes("first.log", format!("{other}\n{log}").into_bytes()).unwrap();
    let warnings = warning_texts(&parsed);
    assert_eq!(
        warnings,
        [
            "first.log:1: no `Serving Benchmark Result` block after these arguments (the \
          benchmark did not finish?)"
        ]
    );
}

#[test]
fn a_parameter_one_repeat_does_not_state_is_not_a_difference() {
    // The console log states the dataset and its lengths; the result file of another run of
    // the same workload does not. Averaged as repeats without a warning.
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("runs")).unwrap();
    let name = "dgxspark_v0.26.0_mistral-small-4_08-sharegpt";
    let read = |file: &str| std::fs::read_to_string(repo(&format!("{DIR}/{file}"))).unwrap();
    common::write(
        dir.path(),
        "runs/a.result.json",
        read(&format!("{name}.result.json")),
    );
    let log = read(&format!("{name}.log")).replace(
        "Request throughput (req/s):              0.29",
        "Request throughput (req/s):              0.31",
    );
    common::write(dir.path(), "runs/b.log", log);
    let out = tidybench(dir.path(), &["report", "runs"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
    assert!(stdout(&out).contains("(2 runs)"), "{}", stdout(&out));
}

#[test]
fn a_percentile_asked_by_another_name_says_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let json = repo(&format!(
        "{DIR}/dgxspark_v0.26.0_mistral-small-4_08-sharegpt.result.json"
    ));
    let json = json.to_str().unwrap();
    let base = ["compare", json, "--metrics", "ttft", "--baseline", "—"];
    for (stat, hint) in [
        ("p1", "; percentiles are named `p01` for 1%"),
        ("p99.9", "; percentiles are named `p999` for 99.9%"),
        ("p98", ""),
    ] {
        let mut args = base.to_vec();
        args.extend(["--stat", stat]);
        let out = tidybench(dir.path(), &args);
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(
            stderr(&out),
            format!(
                "error: no rows to compare: metric ttft with stat {stat} over successful \
                 requests (see `tidybench query <dataset> \"select distinct metric, stat, \
                 status from metrics\"`{hint})\n"
            )
        );
    }
}
