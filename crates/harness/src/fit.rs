//! Growth fitting: which curve do the costs of an attack follow as it is
//! pumped? Pure (no clocks): the costs are numbers, steps or seconds.
//!
//! Two models are fitted by least squares over the largest points:
//! - **exponential**: `log cost = a + n·log(base)` (semi-log in the repeat
//!   count `n`);
//! - **polynomial**: `log cost = a + k·log n` (log-log), whose slope `k` is
//!   the degree.
//!
//! An exponential curve is also a straight line in semi-log terms, and in
//! log-log terms its local slope keeps growing (`n·log base`), while a
//! polynomial's local slope settles at its degree (and with lower-order
//! terms, approaches it from above). So a curve is called exponential only
//! when the semi-log model fits at least as well **and** the local log-log
//! slope accelerates; otherwise it is a polynomial of the fitted degree,
//! `linear` below degree 1.5.

use serde::Serialize;

/// One measured point: the repeat count, the text length, the cost.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// The repeat count of the pump.
    pub repeat: usize,
    /// The text length in characters.
    pub length: usize,
    /// Steps, or seconds.
    pub cost: f64,
}

/// The growth class of a curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Class {
    /// Multiplied by `base` with each repeat of the pump.
    Exponential {
        /// The factor per repeat.
        base: f64,
    },
    /// Grows like `nᵈᵉᵍʳᵉᵉ` (degree at least 1.5).
    Polynomial {
        /// The fitted exponent.
        degree: f64,
    },
    /// Grows at most like `n^1.5` (`degree` is the fitted exponent; near 1
    /// for a linear engine, near 0 when the cost does not grow).
    Linear {
        /// The fitted exponent.
        degree: f64,
    },
    /// Too few points above the noise floor to say.
    Undecided,
}

impl Class {
    /// The class name: `exponential`, `polynomial`, `linear`, `undecided`.
    pub fn name(&self) -> &'static str {
        match self {
            Class::Exponential { .. } => "exponential",
            Class::Polynomial { .. } => "polynomial",
            Class::Linear { .. } => "linear",
            Class::Undecided => "undecided",
        }
    }

    /// Whether two classes agree: the same name, and for polynomials
    /// degrees within ±0.5 of each other.
    pub fn agrees(&self, other: &Class) -> bool {
        match (self, other) {
            (Class::Polynomial { degree: a }, Class::Polynomial { degree: b }) => {
                (a - b).abs() <= 0.5
            }
            _ => self.name() == other.name(),
        }
    }
}

impl std::fmt::Display for Class {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Class::Exponential { base } => write!(f, "exponential (×{base:.2} per repeat)"),
            Class::Polynomial { degree } => write!(f, "polynomial (degree {degree:.2})"),
            Class::Linear { degree } => write!(f, "linear (degree {degree:.2})"),
            Class::Undecided => f.write_str("undecided"),
        }
    }
}

/// A fitted curve.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Fit {
    /// The class.
    #[serde(flatten)]
    pub class: Class,
    /// Goodness of fit of the chosen model (R², 1 is perfect) over the
    /// points it was fitted on.
    pub r2: f64,
    /// How many points it was fitted on.
    pub points: usize,
}

impl Fit {
    fn undecided(points: usize) -> Fit {
        Fit {
            class: Class::Undecided,
            r2: 0.0,
            points,
        }
    }
}

/// The most points (the largest ones) a model is fitted on.
const WINDOW: usize = 8;

/// Least squares `y = a + b·x`: `(a, b, r²)`.
fn line(xs: &[f64], ys: &[f64]) -> (f64, f64, f64) {
    let n = xs.len() as f64;
    let mx = xs.iter().sum::<f64>() / n;
    let my = ys.iter().sum::<f64>() / n;
    let sxx: f64 = xs.iter().map(|x| (x - mx).powi(2)).sum();
    let sxy: f64 = xs.iter().zip(ys).map(|(x, y)| (x - mx) * (y - my)).sum();
    let syy: f64 = ys.iter().map(|y| (y - my).powi(2)).sum();
    if sxx == 0.0 {
        return (my, 0.0, 0.0);
    }
    let b = sxy / sxx;
    let a = my - b * mx;
    let sse: f64 = xs
        .iter()
        .zip(ys)
        .map(|(x, y)| (y - a - b * x).powi(2))
        .sum();
    let r2 = if syy == 0.0 { 1.0 } else { 1.0 - sse / syy };
    (a, b, r2)
}

/// Classifies the growth of `samples` (by growing repeat count), ignoring
/// costs below `floor` (timer resolution and constant overhead: a few
/// hundred steps, tens of microseconds).
pub fn fit(samples: &[Sample], floor: f64) -> Fit {
    let pts: Vec<&Sample> = samples
        .iter()
        .filter(|s| s.cost >= floor && s.cost > 0.0 && s.repeat > 0)
        .collect();
    // Three points just above the floor fit anything (a linear engine's
    // 210, 340, 323 µs read as degree 2.2): four at least.
    if pts.len() < 4 {
        return Fit::undecided(pts.len());
    }
    let tail = &pts[pts.len().saturating_sub(WINDOW)..];
    let n: Vec<f64> = tail.iter().map(|s| s.repeat as f64).collect();
    let ln_n: Vec<f64> = n.iter().map(|x| x.ln()).collect();
    let ln_c: Vec<f64> = tail.iter().map(|s| s.cost.ln()).collect();
    if n.first() == n.last() {
        return Fit::undecided(tail.len());
    }
    let (_, log_base, r2_exp) = line(&n, &ln_c);
    let (_, degree, r2_poly) = line(&ln_n, &ln_c);
    // Log-log slopes of the first and the second half of the window (a
    // regression each, so one noisy point does not decide).
    let half = tail.len() / 2;
    let slope = |r: std::ops::Range<usize>| line(&ln_n[r.clone()], &ln_c[r]).1;
    let (first, last) = if half >= 2 {
        (slope(0..half), slope(tail.len() - half..tail.len()))
    } else {
        (slope(0..2), slope(tail.len() - 2..tail.len()))
    };
    let base = log_base.exp();
    let accelerating = first > 0.0 && last >= 1.15 * first && last >= 3.0;
    // A log-log slope of 8 or more over the window is no polynomial a
    // pattern of this size produces in practice, and tells nothing apart
    // from an exponential (node on `<pre>((.|\s)*?)</pre>` read as degree
    // 17–20 where its curve bends late): the better-fitting model decides.
    if base >= 1.1 && r2_exp >= r2_poly && (accelerating || degree >= 8.0) {
        return Fit {
            class: Class::Exponential { base },
            r2: r2_exp,
            points: tail.len(),
        };
    }
    // The degree from the steepest end of the curve: lower-order terms
    // make the early slope differ from the asymptotic one.
    let tail_slope = if tail.len() >= 4 {
        let k = (tail.len() / 2).max(3);
        let (_, b, _) = line(&ln_n[tail.len() - k..], &ln_c[tail.len() - k..]);
        b
    } else {
        degree
    };
    let class = if tail_slope >= 1.5 {
        Class::Polynomial { degree: tail_slope }
    } else {
        Class::Linear {
            degree: tail_slope.max(0.0),
        }
    };
    Fit {
        class,
        r2: r2_poly,
        points: tail.len(),
    }
}

/// The repeat count at which the fitted curve reaches `target` cost,
/// extrapolated from the largest sample (`None` for a curve that does not
/// grow).
pub fn repeat_at(fit: &Fit, last: &Sample, target: f64) -> Option<f64> {
    if last.cost <= 0.0 || last.repeat == 0 {
        return None;
    }
    let ratio = target / last.cost;
    let n = last.repeat as f64;
    match fit.class {
        Class::Exponential { base } if base > 1.0 => Some(n + ratio.ln() / base.ln()),
        Class::Polynomial { degree } | Class::Linear { degree } if degree > 0.1 => {
            Some(n * ratio.powf(1.0 / degree))
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn curve(f: impl Fn(f64) -> f64, ns: &[usize]) -> Vec<Sample> {
        ns.iter()
            .map(|&n| Sample {
                repeat: n,
                length: n + 1,
                cost: f(n as f64),
            })
            .collect()
    }

    #[test]
    fn exponential_base_two() {
        let s = curve(|n| 3.0 * 2f64.powf(n), &(1..=20).collect::<Vec<_>>());
        let f = fit(&s, 100.0);
        match f.class {
            Class::Exponential { base } => assert!((base - 2.0).abs() < 0.01, "{base}"),
            c => panic!("{c:?}"),
        }
        assert!(f.r2 > 0.999);
    }

    #[test]
    fn polynomial_with_lower_terms_and_geometric_repeats() {
        let ns = [10, 13, 16, 20, 25, 31, 39, 49, 61, 76, 95, 119, 149, 186];
        // a*a*a*b on aⁿ: about n³/6 + lower-order terms.
        let s = curve(|n| n * n * n / 6.0 + 3.0 * n * n + 10.0 * n, &ns);
        match fit(&s, 100.0).class {
            Class::Polynomial { degree } => assert!((degree - 3.0).abs() < 0.5, "{degree}"),
            c => panic!("{c:?}"),
        }
        let s = curve(|n| n * n / 2.0 + 5.0 * n, &ns);
        match fit(&s, 100.0).class {
            Class::Polynomial { degree } => assert!((degree - 2.0).abs() < 0.3, "{degree}"),
            c => panic!("{c:?}"),
        }
    }

    #[test]
    fn linear_and_flat() {
        let ns = [1000, 1250, 1563, 1953, 2441, 3052, 3815, 4768];
        let s = curve(|n| 20.0 * n + 400.0, &ns);
        match fit(&s, 100.0).class {
            Class::Linear { degree } => assert!((degree - 1.0).abs() < 0.1, "{degree}"),
            c => panic!("{c:?}"),
        }
        let s = curve(|_| 500.0, &ns);
        assert!(matches!(fit(&s, 100.0).class, Class::Linear { degree } if degree < 0.1));
    }

    #[test]
    fn noise_floor_and_too_few_points() {
        let s = curve(|n| n, &[1, 2, 3, 4, 5]);
        assert_eq!(fit(&s, 100.0).class, Class::Undecided);
        let s = curve(|n| 2f64.powf(n), &[1, 2, 3, 4, 5, 6, 7, 8]);
        // Only 7 and 8 are above the floor.
        assert_eq!(fit(&s, 100.0).class, Class::Undecided);
    }

    #[test]
    fn a_high_degree_is_not_exponential() {
        let ns = [8, 10, 12, 15, 19, 24, 30, 37, 46, 58];
        let s = curve(|n| n.powi(5), &ns);
        match fit(&s, 100.0).class {
            Class::Polynomial { degree } => assert!((degree - 5.0).abs() < 0.3, "{degree}"),
            c => panic!("{c:?}"),
        }
    }

    #[test]
    fn extrapolation() {
        let f = Fit {
            class: Class::Exponential { base: 2.0 },
            r2: 1.0,
            points: 5,
        };
        let last = Sample {
            repeat: 20,
            length: 21,
            cost: 0.01,
        };
        let n = repeat_at(&f, &last, 1.0).unwrap();
        assert!((n - (20.0 + 100f64.log2())).abs() < 1e-9);
        let f = Fit {
            class: Class::Polynomial { degree: 2.0 },
            ..f
        };
        assert!((repeat_at(&f, &last, 1.0).unwrap() - 200.0).abs() < 1e-6);
    }

    #[test]
    fn agreement() {
        let p2 = Class::Polynomial { degree: 2.1 };
        assert!(p2.agrees(&Class::Polynomial { degree: 2.5 }));
        assert!(!p2.agrees(&Class::Polynomial { degree: 3.0 }));
        assert!(Class::Exponential { base: 2.0 }.agrees(&Class::Exponential { base: 1.3 }));
        assert!(!p2.agrees(&Class::Exponential { base: 2.0 }));
    }
}
