//! The llm-d driver log parser on the bundled study log: every iteration, its labels, its
//! loads and where they came from.

use crate::common;

use common::{parse_bytes, parse_file, study_text, value};

#[test]
fn every_iteration_with_its_labels() {
    let parsed = parse_file("data/benchmark-run-larger-models.log");
    assert_eq!(parsed.warnings, vec![], "the clean log gives no warnings");
    let runs = &parsed.runs;
    let summary: Vec<(Option<&str>, Option<&str>)> = runs
        .iter()
        .map(|r| (r.model.as_deref(), r.config.as_deref()))
        .collect();
    assert_eq!(
        summary,
        vec![
            (Some("Qwen/Qwen3-8B"), Some("no-offload")),
            (Some("Qwen/Qwen3-8B"), Some("native-offload")),
            (Some("Qwen/Qwen3-14B"), Some("no-offload")),
            (Some("Qwen/Qwen3-14B"), Some("native-offload")),
        ]
    );
    let run = &runs[1];
    assert_eq!(run.source_format, "llm-d-driver-log");
    assert_eq!(run.position, 1);
    assert_eq!(run.harness, "guidellm");
    let l = &run.labels;
    assert_eq!(l.hardware.as_deref(), Some("1x2xL40S"));
    assert_eq!(l.software.as_deref(), Some("upstream-llm-d-0.4.0"));
    assert_eq!(
        l.vllm_args.as_deref(),
        Some(
            r#"--kv-transfer-config '{"kv_connector":"OffloadingConnector","kv_role":"kv_both","kv_connector_extra_config":{"num_cpu_blocks":10000}}'"#
        )
    );
    assert_eq!(l.kv_connector.as_deref(), Some("OffloadingConnector"));
    assert_eq!(l.num_cpu_blocks, Some(10000));
    assert_eq!(l.epp_backend.as_deref(), Some("in-memory"));
    assert_eq!(l.max_seconds, Some(30.0));
    assert_eq!(
        (l.prompt_tokens, l.output_tokens, l.prefix_tokens, l.turns),
        (Some(128), Some(128), Some(10000), Some(5))
    );
    assert_eq!(l.random_seed, Some(889));
    assert_eq!(l.rate_type.as_deref(), Some("concurrent"));
    assert_eq!(runs[0].labels.kv_connector, None);
    // Thu Feb 12 01:35:58 UTC 2026 and 01:39:04.
    assert_eq!(run.started_at, Some(1_770_860_158_000_000));
    assert_eq!(run.ended_at, Some(1_770_860_344_000_000));
    assert_eq!(
        run.extra_labels.get("run_name").map(String::as_str),
        Some("1x2xL40S_upstream-llm-d-0.4.0_Qwen3-8B_native-offload")
    );
    assert_eq!(
        run.extra_labels.get("namespace").map(String::as_str),
        Some("llm-d-pfc-cpu")
    );
    let loads: Vec<Option<f64>> = run.load_points.iter().map(|p| p.load).collect();
    assert_eq!(
        loads,
        vec![Some(5.0), Some(25.0), Some(50.0), Some(100.0), Some(250.0)]
    );
    // Run Summary times become Unix times on the iteration's date.
    let first = &run.load_points[0];
    assert_eq!(
        value(first, "start_time", "total", "value").0,
        1_770_860_160.0
    );
    assert_eq!(
        value(first, "end_time", "total", "value").0,
        1_770_860_190.0
    );
    let last = &run.load_points[4];
    assert_eq!(value(last, "requests_per_second", "total", "mean").0, 11.5);
    assert_eq!(value(last, "ttft", "successful", "median").0, 2616.4);
    assert_eq!(value(last, "concurrency", "total", "mean").0, 176.0);
    assert!(runs.iter().all(|r| r.load_points.len() == 5));
    assert!(runs
        .iter()
        .flat_map(|r| &r.load_points)
        .all(|p| p.observations.len() == 63));
}

#[test]
fn banner_rates_are_trusted_first_and_disagreements_warned() {
    let text = study_text().replacen(
        "Rate: 5,25,50,100,250\nMax",
        "Rate: 5,25,50,100,200\nMax",
        1,
    );
    let parsed = parse_bytes("study.log", text.into_bytes()).expect("parses");
    let loads: Vec<Option<f64>> = parsed.runs[0].load_points.iter().map(|p| p.load).collect();
    assert_eq!(
        loads,
        vec![Some(5.0), Some(25.0), Some(50.0), Some(100.0), Some(200.0)]
    );
    let messages: Vec<String> = parsed.warnings.iter().map(|w| w.to_string()).collect();
    assert_eq!(
        messages,
        vec![
            "study.log:85: profile `streams=[…]` [5.0, 25.0, 50.0, 100.0, 250.0] disagrees with \
             banner `Rate:` [5.0, 25.0, 50.0, 100.0, 200.0] (line 8), which is used",
            "study.log:109: Concurrency Mdn column [5.0, 25.0, 50.0, 100.0, 250.0] disagrees with \
             banner `Rate:` [5.0, 25.0, 50.0, 100.0, 200.0] (line 8), which is used",
        ]
    );
}

#[test]
fn without_any_load_source_loads_are_null_and_order_is_kept() {
    let text: String = study_text()
        .lines()
        .filter(|l| !l.starts_with("Rate:"))
        .map(|l| {
            l.replace("streams=", "s=")
                .replace("'streams'", "'s'")
                .replace("| Requests ", "| Reqs     ")
        })
        .collect::<Vec<_>>()
        .join("\n");
    let parsed = parse_bytes("study.log", text.into_bytes()).expect("parses");
    let run = &parsed.runs[0];
    assert!(run.load_points.iter().all(|p| p.load.is_none()));
    assert!(parsed.warnings.iter().any(|w| w.line == Some(107)
        && w.message
            == "no source gives the load of each benchmark; `load` left null, `load_index` keeps the order"));
}

#[test]
fn a_parse_asked_for_some_metrics_reads_only_their_cells() {
    use std::collections::BTreeSet;
    use std::sync::Arc;
    use tidybench::formats::ParseOptions;
    use tidybench::ingest::Blob;

    let blob = Blob::from_bytes("study.log", study_text().into_bytes());
    let format = tidybench::detect::detect(&blob).unwrap();
    let all = format.parse(&blob).unwrap();
    let metrics: BTreeSet<String> = ["requests_per_second", "request_latency"]
        .map(String::from)
        .into();
    let options = ParseOptions {
        metrics: Some(Arc::new(metrics)),
        ..Default::default()
    };
    let some = format.parse_with(&blob, &options).unwrap();
    assert_eq!(some.warnings, all.warnings);
    assert_eq!(some.runs.len(), 4);
    let mut kept_per_point = Vec::new();
    for (a, s) in all.runs.iter().zip(&some.runs) {
        assert_eq!(a.load_points.len(), s.load_points.len());
        for (pa, ps) in a.load_points.iter().zip(&s.load_points) {
            // The loads are the same: they do not depend on the columns read.
            assert_eq!(pa.load, ps.load);
            let expected: Vec<_> = pa
                .observations
                .iter()
                .filter(|o| {
                    // The asked-for metrics, the times that tell runs apart, and the
                    // concurrency that may give the loads.
                    matches!(
                        &*o.metric,
                        "requests_per_second"
                            | "request_latency"
                            | "start_time_of_day"
                            | "end_time_of_day"
                            | "start_time"
                            | "end_time"
                            | "concurrency"
                    )
                })
                .collect();
            assert_eq!(ps.observations.iter().collect::<Vec<_>>(), expected);
            kept_per_point.push((pa.observations.len(), ps.observations.len()));
        }
    }
    // Of the 63 numbers of each level, 8 are read.
    assert!(
        kept_per_point.iter().all(|&k| k == (63, 8)),
        "{kept_per_point:?}"
    );
}
