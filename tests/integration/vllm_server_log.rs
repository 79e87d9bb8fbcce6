//! vLLM server logs: the periodic stats lines of every engine generation (V0 `metrics.py`, V1
//! `loggers.py`, spec decoding, KV transfer) and the startup facts, from logs users posted
//! (`tests/fixtures/vllm/server-logs/`), hostile variants of them, and a run directory whose
//! server log joins its GuideLLM run.

use crate::common;

use std::path::Path;

use common::{parse_bytes, parse_file, query, repo, stderr, stdout, tidybench};
use tidybench::formats::{Parsed, Run, ServerSample};

const LOGS: &str = "tests/fixtures/vllm/server-logs";

fn parse_log(name: &str) -> Parsed {
    let parsed = parse_file(&format!("{LOGS}/{name}"));
    assert_eq!(parsed.runs.len(), 1);
    assert_eq!(parsed.runs[0].source_format, "vllm-server-log");
    parsed
}

fn samples(run: &Run) -> Vec<&ServerSample> {
    run.server_logs.iter().flat_map(|l| &l.samples).collect()
}

/// The values of `metric` in log order.
fn series(run: &Run, metric: &str) -> Vec<f64> {
    samples(run)
        .into_iter()
        .filter(|s| s.metric == metric)
        .map(|s| s.value)
        .collect()
}

fn label<'a>(run: &'a Run, key: &str) -> Option<&'a str> {
    run.extra_labels.get(key).map(String::as_str)
}

#[test]
fn v0_stats_lines_give_every_number_with_its_unit() {
    let parsed = parse_log("v0_pr8804_metrics_v0.6-era.log");
    let run = &parsed.runs[0];
    let got: Vec<(&str, f64, &str)> = samples(run)
        .iter()
        .map(|s| (s.metric.as_str(), s.value, s.unit.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            ("prompt_throughput", 3943.4, "tokens/s"),
            ("generation_throughput", 8317.6, "tokens/s"),
            ("running_requests", 190.0, "requests"),
            ("swapped_requests", 0.0, "requests"),
            ("waiting_requests", 651.0, "requests"),
            ("gpu_kv_cache_usage", 6.7, "%"),
            ("cpu_kv_cache_usage", 0.0, "%"),
        ]
    );
    let first = samples(run)[0];
    assert_eq!((first.line, first.log_time.as_str()), (1, "09-25 13:20:42"));
    // No year in vLLM's time: unknown until the log joins a run.
    assert_eq!((first.timestamp, &first.engine), (None, &None));
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);

    // v0.4 printed no brackets and no final period.
    let run = &parse_log("v0_issue2136_metrics-no-period_v0.4-era.log").runs[0];
    assert_eq!(series(run, "generation_throughput"), vec![0.1, 12.0]);
    assert_eq!(series(run, "gpu_kv_cache_usage"), vec![0.1, 0.3]);
    assert_eq!(series(run, "cpu_kv_cache_usage"), vec![0.0, 0.0]);

    // The separate V0 prefix cache line, and lines of other programs in between.
    let run =
        &parse_log("v0_pr18674_metrics-with-prefix-cache-hit-rate_bracket-format.log").runs[0];
    assert_eq!(samples(run).len(), 27);
    assert_eq!(series(run, "cpu_prefix_cache_hit_rate"), vec![90.0; 3]);
    assert_eq!(series(run, "gpu_prefix_cache_hit_rate"), vec![0.0; 3]);
    assert_eq!(series(run, "cpu_kv_cache_usage"), vec![0.1, 0.1, 0.2]);
    let run = &parse_log("v0_kserve-pr4470_mixed-with-kserve-lines.log").runs[0];
    assert_eq!(samples(run).len(), 7);
    assert_eq!(samples(run)[0].line, 3);
}

#[test]
fn v1_engine_lines_behind_any_prefix() {
    // `(APIServer pid=N)` before the record.
    let run = &parse_log("v1_issue43295_apiserver-pid-prefix.log").runs[0];
    assert_eq!(samples(run).len(), 30);
    assert_eq!(
        series(run, "gpu_kv_cache_usage"),
        vec![95.9, 95.5, 87.7, 95.9, 98.4]
    );
    assert_eq!(
        series(run, "waiting_requests"),
        vec![43.0, 42.0, 33.0, 23.0, 23.0]
    );
    assert_eq!(
        series(run, "prompt_throughput"),
        vec![0.0, 0.0, 12068.8, 18032.5, 0.0]
    );
    assert!(samples(run)
        .iter()
        .all(|s| s.engine.as_deref() == Some("0")));

    // A docker timestamp gives the year (and the run's start and end).
    let run = &parse_log("v1_tt-inference-server-3359_docker-timestamp-prefix.log").runs[0];
    let first = samples(run)[0];
    assert_eq!(first.timestamp, Some(1_778_572_899_331_095)); // 2026-05-12T08:01:39.331095Z
    assert_eq!(run.started_at, Some(1_778_572_899_331_095));
    assert_eq!(run.ended_at, Some(1_778_572_929_334_253));
    assert_eq!(series(run, "waiting_requests"), vec![0.0, 1.0, 0.0, 0.0]);

    // Trailing spaces after the last number; Rust `tracing` lines of a KV connector between.
    let run = &parse_log("v1_sendnn-pr1030_trailing-spaces.log").runs[0];
    assert_eq!(
        series(run, "prefix_cache_hit_rate"),
        vec![0.0, 48.4, 64.6, 72.6, 77.5]
    );
    let run = &parse_log("v1_dynamo-issue4087_kvbm-interleaved.log").runs[0];
    assert_eq!(series(run, "prefix_cache_hit_rate"), vec![1.4]);
    assert_eq!(series(run, "running_requests"), vec![16.0]);
}

#[test]
fn speculative_decoding_and_kv_transfer_lines() {
    let run = &parse_log("v1_club3090-issue93_specdecoding-metrics.log").runs[0];
    assert_eq!(series(run, "spec_draft_acceptance_rate"), vec![32.6, 33.1]);
    assert_eq!(series(run, "spec_mean_acceptance_length"), vec![2.63, 2.66]);
    assert_eq!(series(run, "spec_accepted_tokens"), vec![768.0, 777.0]);
    assert_eq!(series(run, "spec_drafted_throughput"), vec![235.49, 234.48]);
    // The comma-separated per-position list stays with its key, as percentages.
    let positions: Vec<f64> = (1..=5)
        .map(|i| series(run, &format!("spec_acceptance_rate_position_{i}"))[0])
        .collect();
    assert_eq!(positions, vec![72.6, 46.7, 24.0, 13.4, 6.4]);

    let parsed = parse_log("v1_pr20443_kvtransfer-metrics_UNMERGED-PR-format.log");
    let run = &parsed.runs[0];
    assert_eq!(
        series(run, "kv_transfer_num_successful_transfers"),
        vec![0.0, 0.0]
    );
    assert_eq!(
        series(run, "kv_transfer_avg_transfer_durations"),
        vec![0.0, 0.0]
    );
    assert_eq!(samples(run).len(), 2 * 6 + 2 * 4);
}

#[test]
fn startup_facts_become_labels() {
    let run = &parse_log("v1_pr19794_startup-kv-cache-size_v0.9-era.log").runs[0];
    assert_eq!(label(run, "vllm_kv_cache_tokens"), Some("251920"));
    assert_eq!(label(run, "vllm_max_model_len"), Some("40960"));
    assert_eq!(label(run, "vllm_max_concurrency"), Some("6.15"));
    assert_eq!(label(run, "vllm_kv_cache_memory_gib"), Some("26.91"));
    assert_eq!(label(run, "vllm_num_gpu_blocks"), Some("15745"));

    let run = &parse_log("v1_pr24162_api-server-version_v0.10.2.dev.log").runs[0];
    assert_eq!(
        run.harness_version.as_deref(),
        Some("0.10.2.dev378+g4d7fe40fc.d20250829")
    );
    assert_eq!(
        run.model.as_deref(),
        Some("/data/datasets/models-hf/Qwen2.5-0.5B/")
    );
    assert_eq!(label(run, "vllm_tensor_parallel_size"), Some("2"));
    assert_eq!(label(run, "vllm_max_model_len"), Some("32768"));

    let run = &parse_log("v1_club3090-issue91_startup-kvcache-nondefault-args_v0.20.1.log").runs[0];
    assert_eq!(
        run.model.as_deref(),
        Some("~/.cache/huggingface/qwen3.6-27b-autoround-int4")
    );
    assert_eq!(label(run, "vllm_kv_cache_tokens"), Some("619479"));
    assert_eq!(label(run, "vllm_max_model_len"), Some("262144"));
    assert_eq!(label(run, "vllm_enable_prefix_caching"), Some("True"));

    let parsed = parse_log("v1-early_pr12569_gpu-blocks-v0.7-era.log");
    let run = &parsed.runs[0];
    assert_eq!(label(run, "vllm_num_gpu_blocks"), Some("1381"));
    assert_eq!(label(run, "vllm_max_model_len"), Some("2048"));
    assert_eq!(label(run, "vllm_max_concurrency"), Some("10.79"));
    // A startup log with no stats yet says so.
    assert_eq!(
        parsed.warnings[0].message,
        "no periodic stats lines (the server logged none, or only at DEBUG level)"
    );

    // `(EngineCore_DP0 pid=N) [Stage-0] INFO …`
    let run = &parse_log("v1_vllm-omni-pr1160_enginecore-dp0-stage-prefix.log").runs[0];
    assert_eq!(label(run, "vllm_kv_cache_tokens"), Some("2925232"));
    assert_eq!(label(run, "vllm_kv_cache_memory_gib"), Some("100.43"));
}

#[test]
fn hostile_logs_keep_what_is_sound_and_say_what_is_not() {
    let text = std::fs::read_to_string(repo(&format!(
        "{LOGS}/v1_issue43295_apiserver-pid-prefix.log"
    )))
    .unwrap();
    let plain = parse_bytes("plain.log", text.clone().into_bytes()).unwrap();

    // CRLF, and v0.12's colours (level in green, time and file in grey).
    let coloured = text
        .replace(" INFO ", " \u{1b}[32mINFO\u{1b}[0m \u{1b}[90m")
        .replace("] Engine", "]\u{1b}[0m Engine")
        .replace('\n', "\r\n");
    let parsed = parse_bytes("coloured.log", coloured.into_bytes()).unwrap();
    assert_eq!(samples(&parsed.runs[0]), samples(&plain.runs[0]));

    // Cut inside the last line: that line is not read, the others are.
    let cut = &text[..text.len() - 30];
    let parsed = parse_bytes("cut.log", cut.as_bytes().to_vec()).unwrap();
    assert_eq!(samples(&parsed.runs[0]).len(), 24);
    assert_eq!(parsed.warnings[0].line, Some(5));
    assert_eq!(
        parsed.warnings[0].message,
        "the file ends inside this line (no newline): not read, its numbers may be cut"
    );

    // A stats line of a shape not known, and a field not known: counted and kept.
    let mut odd = text.lines().next().unwrap().to_string();
    odd.push_str(", Offloaded: 7 reqs\n");
    odd.push_str(
        "(APIServer pid=3646) INFO 05-19 10:13:12 [loggers.py:300] Iteration(3): 2 context \
         requests\n",
    );
    let parsed = parse_bytes("odd.log", odd.into_bytes()).unwrap();
    assert_eq!(series(&parsed.runs[0], "offloaded"), vec![7.0]);
    let messages: Vec<String> = parsed.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        messages,
        vec![
            "odd.log:2: 1 stats line(s) of a shape not known were not read, the first: \
             Iteration(3): 2 context requests",
            "odd.log: stats field(s) not in tidybench's list, kept under their own names: \
             Offloaded",
        ]
    );

    // Invalid UTF-8 in a line of another program is replaced, the stats kept.
    let mut bytes = b"\xff\xfe garbage\n".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    let parsed = parse_bytes("bytes.log", bytes).unwrap();
    assert_eq!(samples(&parsed.runs[0]).len(), 30);
    assert_eq!(parsed.warnings[0].line, Some(1));
}

/// A run directory `results/<config>` with the real config file of `config`, the real
/// GuideLLM report `report` and the server log `log`.
fn run_dir(root: &Path, config: &str, report: &str, log: &str) {
    let dir = root.join("results").join(config);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(
        repo(&format!(
            "tests/fixtures/llm-d-run-configs/{config}/benchmark-config.txt"
        )),
        dir.join("benchmark-config.txt"),
    )
    .unwrap();
    let json = tidybench::ingest::Blob::read(&repo(report))
        .unwrap()
        .bytes
        .to_vec();
    std::fs::write(
        dir.join("guidellm-results.json.zst"),
        zstd::encode_all(json.as_slice(), 3).unwrap(),
    )
    .unwrap();
    let log = zstd::encode_all(log.as_bytes(), 3).unwrap();
    std::fs::write(dir.join("vllm-startup.log.zst"), log).unwrap();
}

const NATIVE: &str = "1x1xL40S_upstream-llm-d-0.4.0_Qwen3-14B_native-offload";
const NO_OFFLOAD: &str = "1x1xL40S_upstream-llm-d-0.4.0_Qwen3-14B_no-offload";
/// A real GuideLLM report that ran 2026-11-29 17:00:05–17:00:23 UTC.
const REPORT_A: &str = "tests/fixtures/guidellm/0.5.4/concurrent/benchmarks-no-requests.json.gz";
/// A real GuideLLM report that ran 2026-11-29 17:07:21–17:07:40 UTC.
const REPORT_B: &str =
    "tests/fixtures/guidellm/0.5.4/concurrent-tty/benchmarks-no-requests.json.gz";

/// The first lines of the fixture log `name`, each moved to 2026-11-29 at one of `times`
/// (real vLLM lines, at the time of a real GuideLLM run).
fn log_at(name: &str, times: &[&str]) -> String {
    let text = std::fs::read_to_string(repo(&format!("{LOGS}/{name}"))).unwrap();
    let mut log = String::new();
    for (line, time) in text.lines().zip(times) {
        let at = line.find(" INFO ").unwrap() + 6;
        log.push_str(&format!(
            "{}11-29 {time}{}\n",
            &line[..at],
            &line[at + 14..]
        ));
    }
    log
}

/// The startup lines of `v1_pr19794…` (KV cache size 251,920 tokens, max model length 40,960),
/// moved to 2026-11-29 16:59.
fn startup() -> String {
    std::fs::read_to_string(repo(&format!(
        "{LOGS}/v1_pr19794_startup-kv-cache-size_v0.9-era.log"
    )))
    .unwrap()
    .replace("06-22 02:54:", "11-29 16:59:")
}

const STATS: &str = "v1_issue43295_apiserver-pid-prefix.log";

#[test]
fn a_server_log_joins_the_run_of_its_directory() {
    let dir = tempfile::tempdir().unwrap();
    // One sample before the benchmark started, four during it.
    let log = startup()
        + &log_at(
            STATS,
            &["16:59:58", "17:00:06", "17:00:11", "17:00:16", "17:00:21"],
        );
    run_dir(dir.path(), NATIVE, REPORT_A, &log);
    let out = tidybench(dir.path(), &["convert", "results", "-o", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // One run: the report's, labelled by the log.
    assert_eq!(
        query(
            dir.path(),
            "out",
            "select source_format, config, harness_version from runs"
        ),
        "source_format,config,harness_version\nguidellm-json,native-offload,0.5.4\n"
    );
    let labels = query(dir.path(), "out", "select labels from runs");
    for expected in [
        r#"""vllm_kv_cache_tokens"":""251920"""#,
        r#"""vllm_max_model_len"":""40960"""#,
        r#"""server_log"":""results/1x1xL40S_upstream-llm-d-0.4.0_Qwen3-14B_native-offload/vllm-startup.log.zst"""#,
    ] {
        assert!(labels.contains(expected), "{expected} in {labels}");
    }
    // Client metrics and server samples join on run_id; the year comes from the run.
    assert_eq!(
        query(
            dir.path(),
            "out",
            "select s.during_run, count(*) as n, min(s.timestamp) as first, \
             max(s.value) as peak from server_samples s join runs r using (run_id) \
             where s.metric = 'gpu_kv_cache_usage' group by s.during_run order by first"
        ),
        "during_run,n,first,peak\n\
         false,1,2026-11-29 16:59:58.000000+00:00,95.9\n\
         true,4,2026-11-29 17:00:06.000000+00:00,98.4\n"
    );
    assert_eq!(
        query(
            dir.path(),
            "out",
            "select count(distinct m.run_id) as runs from metrics m \
             join (select distinct run_id from server_samples) s using (run_id)"
        ),
        "runs\n1\n"
    );
    // Unchanged: nothing to do. The log changed: its directory is converted again.
    let out = tidybench(dir.path(), &["convert", "results", "-o", "out"]);
    assert!(stderr(&out).contains("is up to date"), "{}", stderr(&out));
    let log = dir.path().join(
        "results/1x1xL40S_upstream-llm-d-0.4.0_Qwen3-14B_native-offload/vllm-startup.log.zst",
    );
    std::fs::write(&log, b"INFO 11-29 17:00:09 [loggers.py:123] Engine 000: Avg prompt throughput: 1.0 tokens/s, Avg generation throughput: 2.0 tokens/s, Running: 3 reqs, Waiting: 4 reqs, GPU KV cache usage: 5.0%, Prefix cache hit rate: 6.0%\n").unwrap();
    let out = tidybench(dir.path(), &["convert", "results", "-o", "out"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        query(
            dir.path(),
            "out",
            "select count(distinct r.run_id) as runs, count(*) as samples \
             from server_samples s join runs r using (run_id)"
        ),
        "runs,samples\n1,6\n"
    );
}

#[test]
fn several_runs_in_one_directory_take_the_samples_of_their_time() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("both");
    std::fs::create_dir_all(&root).unwrap();
    std::fs::copy(repo(REPORT_A), root.join("a.json.gz")).unwrap();
    std::fs::copy(repo(REPORT_B), root.join("b.json.gz")).unwrap();
    // 17:05:00 is between the two runs.
    let log = log_at(STATS, &["17:00:10", "17:05:00", "17:07:30"]);
    std::fs::write(root.join("vllm.log"), log).unwrap();
    let out = tidybench(
        dir.path(),
        &["convert", "both", "-o", "out", "--label", "model=m"],
    );
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(
        err.contains("both/vllm.log:2: 6 sample(s) fall outside the time of every run in this directory; kept under the log's own run"),
        "{err}"
    );
    assert_eq!(
        query(
            dir.path(),
            "out",
            "select r.source_format, s.log_time, s.during_run from server_samples s \
             join runs r using (run_id) where s.metric = 'waiting_requests' order by s.log_time"
        ),
        "source_format,log_time,during_run\n\
         guidellm-json,11-29 17:00:10,true\n\
         vllm-server-log,11-29 17:05:00,\n\
         guidellm-json,11-29 17:07:30,true\n"
    );
}

#[test]
fn reports_put_the_server_beside_the_client() {
    let dir = tempfile::tempdir().unwrap();
    let native = log_at(STATS, &["17:00:06", "17:00:11", "17:00:16", "17:00:21"]);
    run_dir(dir.path(), NATIVE, REPORT_A, &native);
    let baseline = log_at(
        "v1_sendnn-pr1030_trailing-spaces.log",
        &["17:07:25", "17:07:29", "17:07:33", "17:07:36", "17:07:39"],
    );
    run_dir(dir.path(), NO_OFFLOAD, REPORT_B, &baseline);
    let out = tidybench(dir.path(), &["report", "results"]);
    let text = stdout(&out);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let chapter = text
        .split("== Qwen/Qwen3-14B: vLLM server ==\n\n")
        .nth(1)
        .unwrap_or_else(|| panic!("no server chapter in {text}"));
    let lines: Vec<&str> = chapter.lines().take(12).collect();
    assert_eq!(
        lines,
        vec![
            "The server's periodic stats while the benchmarks ran (from its log)",
            "  metric                        configuration   runs  samples             mean               max  mean vs baseline",
            "  GPU KV cache usage            no-offload         1        5           3.000%            3.000%          baseline",
            "  GPU KV cache usage            native-offload     1        4           93.75%            95.90%          +3025.0%",
            "  Prefix cache hit rate         no-offload         1        5           52.62%            77.50%          baseline",
            "  Prefix cache hit rate         native-offload     1        4           0.000%            0.000%           -100.0%",
            "  Running requests              no-offload         1        5   1.000 requests    1.000 requests          baseline",
            "  Running requests              native-offload     1        4   18.75 requests    21.00 requests          +1775.0%",
            "  Waiting requests              no-offload         1        5   0.000 requests    0.000 requests          baseline",
            "  Waiting requests              native-offload     1        4   35.25 requests    43.00 requests               n/a",
            "  Server prompt throughput      no-offload         1        5  312.50 tokens/s   1546.5 tokens/s          baseline",
            "  Server prompt throughput      native-offload     1        4  7525.3 tokens/s  18032.5 tokens/s          +2308.1%",
        ],
        "{text}"
    );
    for (format, expected) in [
        ("markdown", "\n## Qwen/Qwen3-14B: vLLM server\n"),
        (
            "markdown",
            "| GPU KV cache usage | native-offload | 1 | 4 | 93.75% | 95.90% | +3025.0% |",
        ),
        ("html", "<h3>Qwen/Qwen3-14B: vLLM server</h3>"),
    ] {
        let out = tidybench(dir.path(), &["report", "results", "--format", format]);
        assert!(
            stdout(&out).contains(expected),
            "{expected} in {}",
            stdout(&out)
        );
    }
    let out = tidybench(dir.path(), &["report", "results", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["server"][1],
        serde_json::json!({
            "model": "Qwen/Qwen3-14B", "config": "native-offload",
            "metric": "gpu_kv_cache_usage", "unit": "%", "runs": 1, "samples": 4,
            "unplaced": 0, "mean": 93.75, "max": 95.9, "pct_vs_baseline": 3025.0
        })
    );
}

#[test]
fn samples_of_runs_whose_times_are_not_known_are_said_to_be_the_whole_log_s() {
    // vLLM's result JSON gives no start time: a sample cannot be placed inside or outside the
    // benchmark, so all are summarised, and the heading says so.
    let dir = tempfile::tempdir().unwrap();
    let result =
        "tests/fixtures/vllm/bench-serve/dgxspark_v0.26.0_gemma-4-26b_10-monday-peak.result.json";
    let native = log_at(STATS, &["17:00:06", "17:00:11", "17:00:16", "17:00:21"]);
    run_dir(dir.path(), NATIVE, result, &native);
    run_dir(dir.path(), NO_OFFLOAD, result, &native);
    let out = tidybench(dir.path(), &["report", "results"]);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let text = stdout(&out);
    let chapter = text
        .split(": vLLM server ==\n\n")
        .nth(1)
        .unwrap_or_else(|| panic!("{text}"));
    assert_eq!(
        chapter.lines().next(),
        Some(
            "The server's periodic stats over its whole log (when the benchmarks ran is not known)"
        )
    );
    let out = tidybench(dir.path(), &["report", "results", "--format", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(json["server"][0]["unplaced"], json["server"][0]["samples"]);
}

/// The released `KV Transfer metrics: k=v, …` shapes, which no posted log shows: lines built
/// from the format strings of vLLM v0.33.0 (`nixl/stats.py`, `offloading/metrics.py`, and the
/// multi-connector's dict), since `KVConnectorLogging.log` prints `", ".join(f"{k}={v}")`.
#[test]
fn released_kv_transfer_lines_give_one_metric_per_key() {
    let text = "\
(EngineCore pid=7) INFO 11-29 17:00:10 [metrics.py:108] KV Transfer metrics: Num successful transfers=3, Avg xfer time (ms)=1.234, Throughput (MB/s)=812.5
(EngineCore pid=7) INFO 11-29 17:00:20 [metrics.py:108] KV Transfer metrics: vllm:kv_offload_store_bytes:(GPU_to_CPU)=1048576, vllm:kv_offload_load_time_sum=0.25
(EngineCore pid=7) INFO 11-29 17:00:30 [metrics.py:108] KV Transfer metrics: NixlConnector={'Num successful transfers': 2, 'Num failed transfers': 0}
";
    let parsed = parse_bytes("kv.log", text.as_bytes().to_vec()).unwrap();
    let got: Vec<(String, f64, String)> = samples(&parsed.runs[0])
        .iter()
        .map(|s| (s.metric.clone(), s.value, s.unit.clone()))
        .collect();
    let expected: Vec<(String, f64, String)> = [
        ("kv_transfer_num_successful_transfers", 3.0, ""),
        ("kv_transfer_avg_xfer_time_ms", 1.234, "ms"),
        ("kv_transfer_throughput_mb_s", 812.5, "MB/s"),
        (
            "kv_transfer_vllm_kv_offload_store_bytes_gpu_to_cpu",
            1048576.0,
            "",
        ),
        ("kv_transfer_vllm_kv_offload_load_time_sum", 0.25, ""),
        (
            "kv_transfer_nixlconnector_num_successful_transfers",
            2.0,
            "",
        ),
        ("kv_transfer_nixlconnector_num_failed_transfers", 0.0, ""),
    ]
    .into_iter()
    .map(|(m, v, u)| (m.to_string(), v, u.to_string()))
    .collect();
    assert_eq!(got, expected);
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
}

#[test]
fn a_dataset_of_a_server_log_alone_reads_and_reports_what_it_needs() {
    let dir = tempfile::tempdir().unwrap();
    let log = repo(&format!("{LOGS}/{STATS}"));
    let out = tidybench(
        dir.path(),
        &["convert", log.to_str().unwrap(), "-o", "ds", "-q"],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    // Its metrics table has no rows: queried, it is empty rather than a crash.
    let out = tidybench(
        dir.path(),
        &[
            "query",
            "ds",
            "select distinct model, status from metrics",
            "--format",
            "csv",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(String::from_utf8_lossy(&out.stdout), "model,status\n");
    for args in [
        &["report", "ds"][..],
        &["compare", "ds", "--baseline", "x"][..],
    ] {
        let out = tidybench(dir.path(), args);
        assert_eq!(out.status.code(), Some(3), "{args:?}: {}", stderr(&out));
        assert!(
            stderr(&out).ends_with(
                "the inputs hold only vLLM server samples, no benchmark results: give them \
                 with the benchmark's results (a run directory), or convert them and query the \
                 server_samples table\n"
            ),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn a_report_of_a_server_log_alone_says_what_it_needs() {
    let dir = tempfile::tempdir().unwrap();
    let log = repo(&format!("{LOGS}/{STATS}"));
    let out = tidybench(dir.path(), &["report", log.to_str().unwrap()]);
    // It reads, but holds nothing a report compares: no input could be used.
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).ends_with(
        "the inputs hold only vLLM server samples, no benchmark results: give them with the \
         benchmark's results (a run directory), or convert them and query the server_samples \
         table\n"
    ));
}
