//! The comparison query on small hand-built runs: matching on load or position, rounding,
//! per-model status fallback, `--by` any label.

use tidybench::analyze::{self, CompareSpec, DeltaRow};
use tidybench::formats::{name, LoadPoint, Observation, Origin, Run};
use tidybench::frames;

fn obs(metric: &str, status: &str, stat: &str, value: f64, decimals: Option<u8>) -> Observation {
    Observation {
        metric: name(metric),
        status: name(status),
        stat: name(stat),
        value,
        unit: name(""),
        decimals,
        origin: Origin::Text("test".into()),
    }
}

/// A run of `model`/`config` with one load point per `(strategy, load, rps)`.
fn run(
    model: Option<&str>,
    config: &str,
    points: &[(&str, Option<f64>, f64)],
    status: &str,
) -> Run {
    Run {
        source_sha256: format!("{model:?}{config}{status}").into(),
        model: model.map(String::from),
        config: Some(config.into()),
        load_points: points
            .iter()
            .map(|&(strategy, load, rps)| LoadPoint {
                strategy: strategy.into(),
                load,
                observations: vec![obs("requests_per_second", status, "mean", rps, Some(1))],
                requests: Vec::new(),
            })
            .collect(),
        ..Run::default()
    }
}

fn deltas(runs: &[Run], spec: &CompareSpec) -> Vec<DeltaRow> {
    let tables = frames::tables(runs).unwrap();
    analyze::report(&tables, spec, true).unwrap().deltas
}

#[test]
fn load_points_without_a_load_match_by_position_and_are_never_averaged() {
    let sweep = [
        ("synchronous", None, 1.0),
        ("throughput", None, 9.0),
        ("constant", None, 3.0),
        ("constant", None, 6.0),
    ];
    let faster: Vec<_> = sweep.iter().map(|&(s, l, v)| (s, l, v * 2.0)).collect();
    let runs = [
        run(Some("m"), "base", &sweep, "total"),
        run(Some("m"), "cand", &faster, "total"),
    ];
    let rows = deltas(&runs, &CompareSpec::study("config", "base"));
    let got: Vec<(String, Option<f64>, Option<f64>, String)> = rows
        .iter()
        .map(|r| {
            (
                r.strategy.clone(),
                r.baseline_value,
                r.candidate_value,
                r.matched.clone(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            // As the sweep's loads rise: synchronous, the rates, throughput.
            ("synchronous".into(), Some(1.0), Some(2.0), "both".into()),
            ("constant".into(), Some(3.0), Some(6.0), "both".into()),
            ("constant".into(), Some(6.0), Some(12.0), "both".into()),
            ("throughput".into(), Some(9.0), Some(18.0), "both".into()),
        ]
    );
    assert!(rows
        .iter()
        .all(|r| r.load.is_none() && r.verdict == "better"));

    // A table of several strategies says which each row is.
    let tables = frames::tables(&runs).unwrap();
    let report = analyze::report(&tables, &CompareSpec::study("config", "base"), true).unwrap();
    let text = tidybench::render::OutputFormat::Text
        .renderer()
        .render(&report)
        .unwrap();
    let table: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Requests per second"))
        .skip(1)
        .take_while(|l| !l.is_empty())
        .collect();
    assert_eq!(
        table,
        vec![
            "  strategy     load  base  cand  difference   change  verdict",
            "  synchronous     ?   1.0   2.0        +1.0  +100.0%  better~",
            "  constant        ?   3.0   6.0        +3.0  +100.0%  better~",
            "  constant        ?   6.0  12.0        +6.0  +100.0%  better~",
            "  throughput      ?   9.0  18.0        +9.0  +100.0%  better~",
        ]
    );
    // The best and worst levels say their strategy: every level gained alike, so the first
    // and the first again (as the loads rise).
    let averages = text
        .lines()
        .skip_while(|l| !l.starts_with("Average change"))
        .nth(2)
        .unwrap_or_default();
    assert!(
        averages.ends_with("+100.0% at synchronous ?  +100.0% at synchronous ?"),
        "{text}"
    );
    let json = tidybench::render::OutputFormat::Json
        .renderer()
        .render(&report)
        .unwrap();
    assert!(
        json.contains("\"best_strategy\": \"synchronous\""),
        "{json}"
    );
    // The peaks in the same order, each naming its strategy also where the load is unknown.
    let peaks: Vec<&str> = report
        .peaks
        .iter()
        .filter(|p| p.metric == "requests_per_second" && p.config == "cand")
        .map(|p| p.strategy.as_str())
        .collect();
    assert_eq!(peaks, ["synchronous", "constant", "throughput"]);
    assert!(
        text.contains(
            "  Requests per second (mean, total requests)  cand           12.0      constant ?"
        ),
        "{text}"
    );
}

#[test]
fn runs_without_a_model_still_compare() {
    let points = [("concurrent", Some(5.0), 1.0)];
    let runs = [
        run(None, "base", &points, "total"),
        run(None, "cand", &[("concurrent", Some(5.0), 1.5)], "total"),
    ];
    let rows = deltas(&runs, &CompareSpec::study("config", "base"));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].matched, "both");
    assert_eq!(rows[0].pct_change, Some(50.0));

    let tables = frames::tables(&runs).unwrap();
    let report = analyze::report(&tables, &CompareSpec::study("config", "base"), true).unwrap();
    let text = tidybench::render::OutputFormat::Text
        .renderer()
        .render(&report)
        .unwrap();
    let titles: Vec<&str> = text.lines().filter(|l| l.starts_with("== ")).collect();
    assert_eq!(
        titles,
        vec![
            "== model not named: cand vs base ==",
            "== model not named: peaks over the loads ==",
            "== All models: cand vs base (mean % change per model) ==",
        ]
    );
    assert!(
        text.contains(
            "  metric                                             model not named    mean\n"
        ),
        "{text}"
    );
    let html = tidybench::render::OutputFormat::Html
        .renderer()
        .render(&report)
        .unwrap();
    for part in [
        "<h2>model not named</h2>",
        "<h3>model not named: cand vs base</h3>",
        "<h3>model not named: peaks over the loads</h3>",
    ] {
        assert_eq!(html.matches(part).count(), 1, "{part}");
    }
}

#[test]
fn rounding_allows_half_a_printed_step_on_each_side() {
    let mut base = run(
        Some("m"),
        "base",
        &[("concurrent", Some(5.0), 2.5)],
        "total",
    );
    let mut cand = run(
        Some("m"),
        "cand",
        &[("concurrent", Some(5.0), 2.45)],
        "total",
    );
    cand.load_points[0].observations[0].decimals = Some(2);
    let rows = deltas(
        &[base.clone(), cand.clone()],
        &CompareSpec::study("config", "base"),
    );
    assert_eq!(
        rows[0].verdict, "within rounding",
        "2.5 may be 2.45 to 2.55"
    );
    assert_eq!(
        (rows[0].baseline_decimals, rows[0].candidate_decimals),
        (Some(1), Some(2))
    );

    // Full-precision values are never "within rounding".
    base.load_points[0].observations[0].decimals = None;
    cand.load_points[0].observations[0].decimals = None;
    let rows = deltas(&[base, cand], &CompareSpec::study("config", "base"));
    assert_eq!(rows[0].verdict, "worse");
    assert!(!rows[0].rounded);
}

#[test]
fn throughput_status_falls_back_per_model() {
    // Model "old" was measured with GuideLLM 0.4.0 (successful requests only), "new" with 0.5.
    let points = |v| [("concurrent", Some(5.0), v)];
    let runs = [
        run(Some("old"), "base", &points(1.0), "successful"),
        run(Some("old"), "cand", &points(2.0), "successful"),
        run(Some("new"), "base", &points(1.0), "total"),
        run(Some("new"), "cand", &points(3.0), "total"),
    ];
    let rows = deltas(&runs, &CompareSpec::study("config", "base"));
    let got: Vec<(String, String, Option<f64>)> = rows
        .iter()
        .map(|r| (r.model.clone(), r.status.clone(), r.pct_change))
        .collect();
    assert_eq!(
        got,
        vec![
            ("new".into(), "total".into(), Some(200.0)),
            ("old".into(), "successful".into(), Some(100.0)),
        ]
    );
}

#[test]
fn any_label_can_be_the_dimension_including_model() {
    let runs = [
        run(
            Some("small"),
            "x",
            &[("concurrent", Some(5.0), 4.0)],
            "total",
        ),
        run(
            Some("large"),
            "x",
            &[("concurrent", Some(5.0), 2.0)],
            "total",
        ),
    ];
    let rows = deltas(&runs, &CompareSpec::study("model", "small"));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0].candidate, "large");
    assert_eq!(rows[0].matched, "both");
    assert_eq!(rows[0].pct_change, Some(-50.0));
    assert_eq!(rows[0].verdict, "worse");
}

#[test]
fn loads_equal_to_nine_significant_digits_are_one_level() {
    // GuideLLM computes sweep rates; two versions may land on either side of the last bit.
    let runs = [
        run(
            Some("m"),
            "base",
            &[("constant", Some(3.0), 2.0), ("constant", Some(0.3), 1.0)],
            "total",
        ),
        run(
            Some("m"),
            "cand",
            &[
                ("constant", Some(2.9999999999999996), 3.0),
                ("constant", Some(0.1 + 0.2), 2.0),
            ],
            "total",
        ),
    ];
    let tables = frames::tables(&runs).unwrap();
    let report = analyze::report(&tables, &CompareSpec::study("config", "base"), true).unwrap();
    let got: Vec<(Option<f64>, String, Option<f64>)> = report
        .deltas
        .iter()
        .map(|r| (r.load, r.matched.clone(), r.pct_change))
        .collect();
    assert_eq!(
        got,
        vec![
            (Some(0.3), "both".into(), Some(100.0)),
            (Some(3.0), "both".into(), Some(50.0)),
        ]
    );
    // Every side shows the level's one load (the one nearest the key), so tables have one
    // column per level.
    let values: Vec<(String, Option<f64>)> = report
        .values
        .iter()
        .map(|v| (v.config.clone(), v.load))
        .collect();
    assert_eq!(
        values,
        vec![
            ("base".into(), Some(0.3)),
            ("base".into(), Some(3.0)),
            ("cand".into(), Some(0.3)),
            ("cand".into(), Some(3.0)),
        ]
    );

    // Loads that differ in the ninth digit stay apart.
    let runs = [
        run(Some("m"), "base", &[("constant", Some(3.0), 2.0)], "total"),
        run(
            Some("m"),
            "cand",
            &[("constant", Some(3.00000001), 3.0)],
            "total",
        ),
    ];
    let rows = deltas(&runs, &CompareSpec::study("config", "base"));
    let got: Vec<(Option<f64>, String)> =
        rows.iter().map(|r| (r.load, r.matched.clone())).collect();
    assert_eq!(
        got,
        vec![
            (Some(3.0), "baseline only".into()),
            (Some(3.00000001), "candidate only".into())
        ]
    );
}

#[test]
fn an_average_of_noise_and_tolerance_is_noise_not_a_gain() {
    // Repeated runs: at load 5 the runs scatter (+6.7% within noise), at load 10 they agree
    // (+0.5% within tolerance). Their mean, +3.6%, is no gain.
    let repeat = |config: &str, k: usize, at5: f64, at10: f64| {
        let mut r = run(
            Some("m"),
            config,
            &[
                ("concurrent", Some(5.0), at5),
                ("concurrent", Some(10.0), at10),
            ],
            "total",
        );
        r.source_sha256 = format!("{config}{k}").into();
        for point in &mut r.load_points {
            point.observations[0].decimals = None;
        }
        r
    };
    let runs = [
        repeat("base", 0, 1.0, 10.0),
        repeat("base", 1, 2.0, 10.0001),
        repeat("cand", 0, 1.1, 10.05),
        repeat("cand", 1, 2.1, 10.0501),
    ];
    let tables = frames::tables(&runs).unwrap();
    let report = analyze::report(&tables, &CompareSpec::study("config", "base"), true).unwrap();
    let verdicts: Vec<&str> = report.deltas.iter().map(|r| r.verdict.as_str()).collect();
    assert_eq!(verdicts, vec!["within noise", "within tolerance"]);
    let average = &report.averages[0];
    assert!((average.mean_pct_change.unwrap() - 3.583_332_083).abs() < 1e-6);
    assert!(average.within_noise);
    let text = tidybench::render::OutputFormat::Text
        .renderer()
        .render(&report)
        .unwrap();
    assert!(text.contains("+3.6%  within noise"), "{text}");
}

#[test]
fn a_change_from_a_negative_baseline_keeps_the_sign_of_the_difference() {
    // A negative value (hostile or corrupted input) is kept; its % change is of its size.
    let runs = [
        run(
            Some("m"),
            "base",
            &[("concurrent", Some(5.0), -10.0)],
            "total",
        ),
        run(
            Some("m"),
            "cand",
            &[("concurrent", Some(5.0), 5.0)],
            "total",
        ),
    ];
    let rows = deltas(&runs, &CompareSpec::study("config", "base"));
    assert_eq!(rows[0].difference, Some(15.0));
    assert_eq!(rows[0].pct_change, Some(150.0));
    assert_eq!(rows[0].verdict, "better");
}
