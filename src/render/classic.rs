//! The original study script's report ("vLLM KV-Cache CPU Offload - Multi-Model Benchmark
//! Comparison"), reproduced byte for byte, including its closing note. Expects the study's
//! three picks (throughput, latency, TTFT) in that order.

use std::fmt::Write;

use rayon::prelude::*;

use super::{average, format_load, models, section, Renderer};
use crate::analyze::{DeltaRow, Report};
use crate::error::Result;

/// The classic renderer.
pub struct Classic;

const WIDTH: usize = 100;

struct Section {
    title: &'static str,
    unit: &'static str,
    decimals: usize,
}

const SECTIONS: [Section; 3] = [
    Section {
        title: "THROUGHPUT COMPARISON (requests/sec)",
        unit: " req/s",
        decimals: 1,
    },
    Section {
        title: "LATENCY COMPARISON - Median (seconds)",
        unit: "s",
        decimals: 2,
    },
    Section {
        title: "TIME TO FIRST TOKEN (TTFT) - Median (milliseconds)",
        unit: "ms",
        decimals: 1,
    },
];

const AVERAGE_LABELS: [&str; 3] = [
    "Average throughput change:",
    "Average latency change:",
    "Average TTFT change:",
];

/// A line of `WIDTH` times the ASCII character `c`.
fn rule(out: &mut String, c: u8) {
    let line = [c; WIDTH];
    out.push_str(std::str::from_utf8(&line).unwrap_or_default());
    out.push('\n');
}

/// A count like the original's workload text: `10000` → `10K`.
fn thousands(n: i64) -> String {
    if n >= 1000 && n % 1000 == 0 {
        format!("{}K", n / 1000)
    } else {
        n.to_string()
    }
}

/// A mean % change right-aligned in `width` columns (`+8.0%`), or `n/a` when no level matched.
fn pct_cell(pct: Option<f64>, width: usize) -> String {
    let text = pct.map_or_else(|| "n/a".to_string(), |p| format!("{p:+.1}%"));
    format!("{text:>width$}")
}

fn joined<T>(values: &[T], f: impl Fn(&T) -> String) -> Option<String> {
    (!values.is_empty()).then(|| values.iter().map(f).collect::<Vec<_>>().join("/"))
}

fn header(report: &Report, out: &mut String) {
    let ctx = &report.context;
    rule(out, b'=');
    out.push_str("vLLM KV-Cache CPU Offload - Multi-Model Benchmark Comparison\n");
    rule(out, b'=');
    out.push('\n');
    let _ = writeln!(out, "Analyzing: {}", ctx.sources.join(", "));
    let levels = if ctx.rate_types.iter().all(|t| t == "concurrent") {
        "concurrency levels"
    } else {
        "load levels"
    };
    let loads = ctx
        .loads
        .iter()
        .map(|l| format_load(*l))
        .collect::<Vec<_>>()
        .join(", ");
    match joined(&ctx.max_seconds, |s| format_load(*s)) {
        Some(secs) => {
            let _ = writeln!(
                out,
                "Test Configuration: {secs}-second runs at {levels} [{loads}]"
            );
        }
        None => {
            let _ = writeln!(out, "Test Configuration: runs at {levels} [{loads}]");
        }
    }
    let workload: Vec<String> = [
        (
            joined(&ctx.prompt_tokens, |n| n.to_string()),
            "prompt tokens",
        ),
        (
            joined(&ctx.output_tokens, |n| n.to_string()),
            "output tokens",
        ),
        (
            joined(&ctx.prefix_tokens, |n| thousands(*n)),
            "prefix tokens",
        ),
        (joined(&ctx.turns, |n| n.to_string()), "turns"),
    ]
    .into_iter()
    .filter_map(|(value, what)| value.map(|v| format!("{v} {what}")))
    .collect();
    let _ = writeln!(out, "Workload: {}", workload.join(", "));
    out.push('\n');
}

fn comparison_section(
    out: &mut String,
    spec: &Section,
    baseline: &str,
    candidate: &str,
    rows: &[&DeltaRow],
) {
    let _ = writeln!(out, "{:<WIDTH$}", spec.title);
    rule(out, b'-');
    let _ = writeln!(
        out,
        "{:<12} {:<20} {:<20} {:<20} {:<15}",
        "Concurrency", baseline, candidate, "Difference", "% Change"
    );
    rule(out, b'-');
    let (unit, d) = (spec.unit, spec.decimals);
    let w = 20 - unit.chars().count();
    let wp = 18 - unit.chars().count();
    for row in rows {
        let load = row.load.map_or_else(|| "?".into(), format_load);
        match (row.baseline_value, row.candidate_value, row.difference) {
            (Some(b), Some(c), Some(diff)) => {
                let pct = row.pct_change.unwrap_or(0.0);
                let _ = writeln!(
                    out,
                    "{load:<12} {b:>8.d$}{unit}{c:>w$.d$}{unit}{diff:>+w$.d$}{unit}{pct:>+wp$.1}%"
                );
            }
            (Some(_), None, _) => {
                let _ = writeln!(
                    out,
                    "{load:<12} unmatched: no {candidate} result at this level"
                );
            }
            _ => {
                let _ = writeln!(
                    out,
                    "{load:<12} unmatched: no {baseline} result at this level"
                );
            }
        }
    }
    out.push('\n');
}

/// The comparison sections and key metrics of one model, for every candidate.
fn model_block(report: &Report, model: &str, baseline: &str, several: bool) -> String {
    let mut out = String::new();
    rule(&mut out, b'=');
    let _ = writeln!(out, "Model: {model}");
    rule(&mut out, b'=');
    out.push('\n');
    for candidate in &report.candidates {
        let cand_label = candidate.to_uppercase();
        for (pick, spec) in SECTIONS.iter().enumerate() {
            let rows: Vec<&DeltaRow> = section(report, model, candidate, pick).collect();
            comparison_section(&mut out, spec, baseline, &cand_label, &rows);
        }
        let title = if several {
            format!("KEY METRICS ({cand_label})")
        } else {
            "KEY METRICS".to_string()
        };
        let _ = writeln!(out, "{title:<WIDTH$}");
        rule(&mut out, b'-');
        for (pick, label) in AVERAGE_LABELS.iter().enumerate() {
            let pct = average(report, Some(model), candidate, pick).and_then(|a| a.mean_pct_change);
            let _ = writeln!(out, "  {label:<27}{}", pct_cell(pct, 7));
        }
        out.push('\n');
    }
    out
}

impl Renderer for Classic {
    fn render(&self, report: &Report) -> Result<String> {
        if report.candidates.is_empty() {
            return Err(crate::error::Error::Invalid(format!(
                "the classic report compares configurations, and the data holds one \
                 ({}={}); use --format text",
                report.spec.by, report.spec.baseline
            )));
        }
        let mut out = String::new();
        header(report, &mut out);
        let baseline = report.spec.baseline.to_uppercase();
        let several = report.candidates.len() > 1;
        let models = models(report);
        // Each model's block is written on its own (a large log has thousands), on every core.
        let blocks: Vec<String> = models
            .par_iter()
            .map(|model| model_block(report, model, &baseline, several))
            .collect();
        out.reserve(blocks.iter().map(String::len).sum());
        blocks.iter().for_each(|block| out.push_str(block));
        out.push('\n');
        for candidate in &report.candidates {
            rule(&mut out, b'=');
            out.push_str("CROSS-MODEL SUMMARY - Average Performance Impact of CPU Offload");
            if several {
                let _ = write!(out, " ({})", candidate.to_uppercase());
            }
            out.push('\n');
            rule(&mut out, b'=');
            out.push('\n');
            let _ = writeln!(
                out,
                "{:<20} {:<18} {:<18} {:<18}",
                "Model", "Throughput Δ", "Latency Δ", "TTFT Δ"
            );
            rule(&mut out, b'-');
            for model in &models {
                let pct = |pick, width| {
                    pct_cell(
                        average(report, Some(model), candidate, pick)
                            .and_then(|a| a.mean_pct_change),
                        width,
                    )
                };
                let _ = writeln!(out, "{model:<20} {}{}{}", pct(0, 7), pct(1, 18), pct(2, 18));
            }
            out.push('\n');
        }
        rule(&mut out, b'=');
        out.push_str(
            "Note: Negative values indicate improvement with CPU offload, positive values indicate degradation\n",
        );
        rule(&mut out, b'=');
        Ok(out)
    }

    fn shows_peaks(&self) -> bool {
        false
    }
}
