//! GuideLLM HTML reports: the embedded summary numbers, and pages that are cut or hold none.

use crate::common;

use common::{parse_bytes, parse_file, repo};

fn page(version: &str) -> Vec<u8> {
    let path = repo(&format!(
        "tests/fixtures/guidellm/{version}/concurrent/benchmarks.html.gz"
    ));
    tidybench::ingest::Blob::read(&path).unwrap().bytes.to_vec()
}

#[test]
fn version_0_8_pages_give_loads_labels_and_counts() {
    let parsed = parse_file("tests/fixtures/guidellm/0.8.1/concurrent/benchmarks.html.gz");
    assert!(parsed.warnings.is_empty(), "{:?}", parsed.warnings);
    let run = &parsed.runs[0];
    assert_eq!(run.source_format, "guidellm-html");
    assert_eq!(run.model.as_deref(), Some("llama-3.1-8b-instruct"));
    assert_eq!(run.harness_version.as_deref(), Some("0.8.1"));
    assert_eq!(run.labels.rate_type.as_deref(), Some("concurrent"));
    let point = &run.load_points[1];
    assert_eq!(
        (point.strategy.as_str(), point.load),
        ("concurrent", Some(25.0))
    );
    let get = |metric: &str, status: &str, stat: &str| {
        point
            .observations
            .iter()
            .find(|o| o.metric == metric && o.status == status && o.stat == stat)
            .map(|o| (o.value, o.origin.to_string()))
    };
    assert_eq!(
        get("requests", "incomplete", "count"),
        Some((
            25.0,
            "window.GUIDELLM_REPORT.runs[1].incomplete".to_string()
        ))
    );
    assert_eq!(
        get("ttft", "successful", "p95").map(|v| v.1),
        Some("window.GUIDELLM_REPORT.runs[1].ttft_p95_ms".to_string())
    );
}

#[test]
fn a_page_cut_inside_its_data_names_the_line() {
    let bytes = page("0.4.0");
    let text = String::from_utf8(bytes).unwrap();
    let at = text.find("\"timePerRequest\"").unwrap();
    let error = parse_bytes("cut.html", text.as_bytes()[..at].to_vec()).unwrap_err();
    let message = error.to_string();
    assert!(
        message.starts_with("cut.html:")
            && message.contains("expected the JSON value of `window.benchmarks`"),
        "{message}"
    );
}

#[test]
fn a_page_with_only_placeholders_is_an_error() {
    let html = "<!DOCTYPE html><html><head><script>window.runInfo = {}; \
                window.workloadDetails = {}; window.benchmarks = {};</script></head></html>\n";
    let error = parse_bytes("empty.html", html.as_bytes().to_vec()).unwrap_err();
    assert_eq!(
        error.to_string(),
        "empty.html:1: expected `window.benchmarks = [...]` in a GuideLLM HTML report, found `{}`"
    );
}
