//! Confidence intervals for repeated runs: Student's t for one side's mean, and Welch's t on
//! the log of the ratio of the two sides' means (delta-method standard error) for the %
//! difference.

/// Confidence level of every interval.
pub const LEVEL: f64 = 0.95;

/// Half the width of the 95% confidence interval of a mean of `n` runs with sample standard
/// deviation `sd`; `None` for fewer than 2 runs.
pub fn mean_half_width(sd: f64, n: u32) -> Option<f64> {
    if n < 2 || !sd.is_finite() {
        return None;
    }
    let df = f64::from(n - 1);
    Some(t_quantile(0.5 + LEVEL / 2.0, df) * sd / f64::from(n).sqrt())
}

/// One side of a comparison over repeated runs: mean, sample standard deviation, runs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Side {
    /// Mean over runs.
    pub mean: f64,
    /// Sample standard deviation over runs.
    pub sd: f64,
    /// Number of runs.
    pub n: u32,
}

/// The 95% confidence interval of the % change from `baseline` to `candidate`: Welch's t on
/// ln(candidate mean / baseline mean), whose variance is estimated by the delta method
/// (sd² / (n · mean²) per side), with Welch–Satterthwaite degrees of freedom. `None` unless
/// both sides have at least 2 runs and positive means.
pub fn pct_change_interval(baseline: Side, candidate: Side) -> Option<(f64, f64)> {
    if baseline.n < 2 || candidate.n < 2 || baseline.mean <= 0.0 || candidate.mean <= 0.0 {
        return None;
    }
    let term = |s: Side| s.sd * s.sd / (f64::from(s.n) * s.mean * s.mean);
    let (a, b) = (term(baseline), term(candidate));
    let log_ratio = (candidate.mean / baseline.mean).ln();
    if a + b == 0.0 {
        let pct = log_ratio.exp_m1() * 100.0;
        return Some((pct, pct));
    }
    let df =
        (a + b).powi(2) / (a * a / f64::from(baseline.n - 1) + b * b / f64::from(candidate.n - 1));
    let half = t_quantile(0.5 + LEVEL / 2.0, df) * (a + b).sqrt();
    Some((
        (log_ratio - half).exp_m1() * 100.0,
        (log_ratio + half).exp_m1() * 100.0,
    ))
}

/// The `p` quantile (0.5 < p < 1) of Student's t distribution with `df` degrees of freedom
/// (any positive real): bisection on its distribution function to 2⁻²⁴ of the bracket, then
/// Newton steps with its density. Answers are remembered (repeated runs share their degrees
/// of freedom).
pub fn t_quantile(p: f64, df: f64) -> f64 {
    thread_local! {
        static KNOWN: std::cell::RefCell<std::collections::HashMap<(u64, u64), f64>> =
            Default::default();
    }
    let key = (p.to_bits(), df.to_bits());
    if let Some(t) = KNOWN.with(|known| known.borrow().get(&key).copied()) {
        return t;
    }
    let t = solve_t_quantile(p, df);
    KNOWN.with(|known| known.borrow_mut().insert(key, t));
    t
}

fn solve_t_quantile(p: f64, df: f64) -> f64 {
    let (mut low, mut high) = (0.0_f64, 1.0_f64);
    while t_cdf(high, df) < p && high < 1e12 {
        high *= 2.0;
    }
    for _ in 0..24 {
        let mid = 0.5 * (low + high);
        if t_cdf(mid, df) < p {
            low = mid;
        } else {
            high = mid;
        }
    }
    let mut t = 0.5 * (low + high);
    for _ in 0..8 {
        let step = (t_cdf(t, df) - p) / t_pdf(t, df);
        let next = (t - step).clamp(low, high);
        if (next - t).abs() <= 1e-14 * t.abs() {
            return next;
        }
        t = next;
    }
    t
}

/// The density of Student's t with `df` degrees of freedom at `t`.
fn t_pdf(t: f64, df: f64) -> f64 {
    let log = ln_gamma((df + 1.0) / 2.0)
        - ln_gamma(df / 2.0)
        - 0.5 * (df * std::f64::consts::PI).ln()
        - (df + 1.0) / 2.0 * (1.0 + t * t / df).ln();
    log.exp()
}

/// P(T ≤ t) for Student's t with `df` degrees of freedom.
fn t_cdf(t: f64, df: f64) -> f64 {
    let tail = 0.5 * incomplete_beta(df / (df + t * t), df / 2.0, 0.5);
    if t >= 0.0 {
        1.0 - tail
    } else {
        tail
    }
}

/// The regularized incomplete beta function I_x(a, b) (continued fraction, modified Lentz).
fn incomplete_beta(x: f64, a: f64, b: f64) -> f64 {
    if x <= 0.0 {
        return 0.0;
    }
    if x >= 1.0 {
        return 1.0;
    }
    let front =
        (ln_gamma(a + b) - ln_gamma(a) - ln_gamma(b) + a * x.ln() + b * (1.0 - x).ln()).exp();
    if x > (a + 1.0) / (a + b + 2.0) {
        return 1.0 - incomplete_beta(1.0 - x, b, a);
    }
    const TINY: f64 = 1e-300;
    let (mut c, mut d) = (1.0, 1.0 - (a + b) * x / (a + 1.0));
    if d.abs() < TINY {
        d = TINY;
    }
    d = 1.0 / d;
    let mut f = d;
    for m in 1..500 {
        let m = f64::from(m);
        for numerator in [
            m * (b - m) * x / ((a + 2.0 * m - 1.0) * (a + 2.0 * m)),
            -(a + m) * (a + b + m) * x / ((a + 2.0 * m) * (a + 2.0 * m + 1.0)),
        ] {
            d = 1.0 + numerator * d;
            if d.abs() < TINY {
                d = TINY;
            }
            c = 1.0 + numerator / c;
            if c.abs() < TINY {
                c = TINY;
            }
            d = 1.0 / d;
            f *= c * d;
        }
        if (c * d - 1.0).abs() < 1e-15 {
            break;
        }
    }
    front * f / a
}

/// ln Γ(x) for x > 0 (Lanczos approximation, g = 7, n = 9).
fn ln_gamma(x: f64) -> f64 {
    const COEFFICIENTS: [f64; 9] = [
        0.999_999_999_999_809_9,
        676.520_368_121_885_1,
        -1_259.139_216_722_402_8,
        771.323_428_777_653_1,
        -176.615_029_162_140_6,
        12.507_343_278_686_905,
        -0.138_571_095_265_720_12,
        9.984_369_578_019_572e-6,
        1.505_632_735_149_311_6e-7,
    ];
    if x < 0.5 {
        let pi = std::f64::consts::PI;
        return (pi / (pi * x).sin()).ln() - ln_gamma(1.0 - x);
    }
    let x = x - 1.0;
    let mut sum = COEFFICIENTS[0];
    for (i, c) in COEFFICIENTS.iter().enumerate().skip(1) {
        sum += c / (x + i as f64);
    }
    let t = x + 7.5;
    0.5 * (2.0 * std::f64::consts::PI).ln() + (x + 0.5) * t.ln() - t + sum.ln()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn t_quantiles_match_the_tables() {
        // Two-sided 95% critical values (e.g. NIST/SEMATECH e-Handbook, table 1.3.6.7.2).
        for (df, expected) in [
            (1.0, 12.706),
            (2.0, 4.303),
            (4.0, 2.776),
            (10.0, 2.228),
            (30.0, 2.042),
            (1e6, 1.960),
        ] {
            let t = t_quantile(0.975, df);
            assert!((t - expected).abs() < 5e-4, "df {df}: {t}");
        }
        // Non-integer degrees of freedom (Welch) lie between their neighbours.
        let t = t_quantile(0.975, 2.5);
        assert!(t < 4.303 && t > 3.182, "{t}");
    }

    #[test]
    fn intervals_of_repeated_runs() {
        // Runs 10, 12 (mean 11, sd √2): 11 ± 12.706 · √2 / √2.
        let half = mean_half_width(2f64.sqrt(), 2).unwrap();
        assert!((half - 12.706).abs() < 1e-3, "{half}");
        assert_eq!(mean_half_width(1.0, 1), None);
        let base = Side {
            mean: 100.0,
            sd: 1.0,
            n: 5,
        };
        let same = pct_change_interval(base, base).unwrap();
        assert!(same.0 < 0.0 && same.1 > 0.0, "{same:?}");
        let product = (1.0 + same.0 / 100.0) * (1.0 + same.1 / 100.0);
        assert!(
            (product - 1.0).abs() < 1e-12,
            "symmetric in log space around 0"
        );
        let faster = Side {
            mean: 120.0,
            sd: 1.0,
            n: 5,
        };
        let (low, high) = pct_change_interval(base, faster).unwrap();
        assert!(low > 17.0 && high < 23.0 && low < 20.0 && high > 20.0);
        assert_eq!(pct_change_interval(base, Side { n: 1, ..faster }), None);
    }
}
