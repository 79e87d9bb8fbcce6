//! The HTML report: self-contained (nothing fetched), one value chart and one % change chart
//! per model and metric, the tables; rendered by real headless Chromium (the Debian package
//! `chromium`, which `.ci/run` installs) to a PNG that must not be blank.

use crate::common;

use std::io::Read;
use std::path::Path;
use std::process::Command;

use common::{stderr, study_log, tidybench};

fn html(dir: &Path) -> String {
    let log = study_log();
    let out = tidybench(
        dir,
        &[
            "report",
            log.to_str().unwrap(),
            "--format",
            "html",
            "-o",
            "study.html",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    std::fs::read_to_string(dir.join("study.html")).unwrap()
}

#[test]
fn the_page_is_self_contained_with_charts_and_tables() {
    let dir = tempfile::tempdir().unwrap();
    let page = html(dir.path());
    assert!(page.starts_with("<!DOCTYPE html>"));
    for remote in ["http://", "https://", "<script", "<link", "src="] {
        let fetches = page.matches(remote).count()
            - page.matches("xmlns=\"http://www.w3.org/2000/svg\"").count()
                * usize::from(remote == "http://");
        assert_eq!(fetches, 0, "{remote}");
    }
    // 2 models × 3 metrics: a value chart and a change chart each.
    assert_eq!(page.matches("<svg class=\"chart values\"").count(), 6);
    assert_eq!(page.matches("<svg class=\"chart changes\"").count(), 6);
    // Value charts: baseline and candidate lines; change charts: the candidate's.
    assert_eq!(
        page.matches("<polyline class=\"series\"").count(),
        6 * 2 + 6
    );
    // Per model: 3 metric tables, averages, peaks; then the cross-model table.
    assert_eq!(page.matches("<table").count(), 2 * 5 + 1);
    assert!(page.contains("<td class=\"num\">+40.0%</td><td class=\"better\">better~</td>"));
}

/// Distinct byte values of a PNG's decompressed image data (a blank page has 2 or 3).
fn distinct_pixel_bytes(png: &[u8]) -> usize {
    assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "not a PNG");
    let (mut at, mut data) = (8, Vec::new());
    while at + 8 <= png.len() {
        let len = u32::from_be_bytes(png[at..at + 4].try_into().unwrap()) as usize;
        let kind = &png[at + 4..at + 8];
        if kind == b"IDAT" {
            data.extend_from_slice(&png[at + 8..at + 8 + len]);
        }
        at += 12 + len;
    }
    let mut pixels = Vec::new();
    flate2::read::ZlibDecoder::new(data.as_slice())
        .read_to_end(&mut pixels)
        .unwrap();
    let mut seen = [false; 256];
    pixels.iter().for_each(|&b| seen[usize::from(b)] = true);
    seen.iter().filter(|&&s| s).count()
}

fn chromium() -> Option<&'static str> {
    ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|name| {
            Command::new(name)
                .arg("--version")
                .output()
                .is_ok_and(|o| o.status.success())
        })
}

#[test]
fn chromium_renders_the_page() {
    let Some(browser) = chromium() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "CI must have chromium (.ci/run installs it)"
        );
        eprintln!("skipped: no chromium on this machine");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    html(dir.path());
    let page = dir.path().join("study.html");
    let url = format!("file://{}", page.display());
    let flags = [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--hide-scrollbars",
    ];
    let dom = Command::new(browser)
        .args(flags)
        .args(["--dump-dom", &url])
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&dom.stdout);
    // The DOM the browser built holds every chart, line and table.
    assert_eq!(dom.matches("<svg class=\"chart").count(), 12);
    assert_eq!(dom.matches("<polyline").count(), 18);
    assert_eq!(dom.matches("<table").count(), 11);
    let png = dir.path().join("study.png");
    let shot = Command::new(browser)
        .args(flags)
        .arg(format!("--screenshot={}", png.display()))
        .args(["--window-size=1200,1500", &url])
        .output()
        .unwrap();
    assert!(
        shot.status.success(),
        "{}",
        String::from_utf8_lossy(&shot.stderr)
    );
    let bytes = std::fs::read(&png).unwrap();
    let distinct = distinct_pixel_bytes(&bytes);
    assert!(
        distinct > 100,
        "the screenshot looks blank ({distinct} distinct bytes)"
    );
}

#[test]
fn a_single_configuration_gets_value_charts() {
    let dir = tempfile::tempdir().unwrap();
    let json = common::repo("tests/fixtures/guidellm/0.8.1/sweep/benchmarks-no-requests.json.gz");
    let out = tidybench(
        dir.path(),
        &[
            "report",
            json.to_str().unwrap(),
            "--format",
            "html",
            "-o",
            "one.html",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let page = std::fs::read_to_string(dir.path().join("one.html")).unwrap();
    assert_eq!(page.matches("<svg class=\"chart values\"").count(), 3);
    assert_eq!(page.matches("<svg class=\"chart changes\"").count(), 0);
    // The sweep's four strategies on the x axis.
    assert!(page.contains(">synchronous ? #1</text>") && page.contains(">throughput 512</text>"));
}
