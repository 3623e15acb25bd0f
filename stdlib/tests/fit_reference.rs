//! The fitting core against published maximum-likelihood fits of classic lifetime data sets
//! (`../shared/data/reliability/classic_weibull/`, see its SOURCES.md): the ball bearings of
//! Lieblein and Zelen (1956), complete, and the shock absorbers of O'Connor as analysed by Meeker
//! and Escobar (1998), right-censored. Skipped, with a message, when the data is absent.

#[path = "../../tests/support/data.rs"]
mod data;

use fab_stdlib::fit::{Family, Observation, Sample, fit_family, gof, significant};
use std::path::{Path, PathBuf};

fn classic_weibull() -> Option<PathBuf> {
    let repo = Path::new(env!("CARGO_MANIFEST_DIR")).parent()?;
    Some(data::reference_data(repo)?.join("reliability/classic_weibull"))
}

/// The observations of a CSV with a header, a value column and a `status` column
/// (`failure` / `censored`).
fn read(path: &Path, column: &str) -> Vec<Observation> {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().unwrap().split(',').collect();
    let value_at = header.iter().position(|h| *h == column).unwrap();
    let status_at = header.iter().position(|h| *h == "status").unwrap();
    lines
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            Observation {
                value: cells[value_at].parse().unwrap(),
                censored: cells[status_at] == "censored",
            }
        })
        .collect()
}

/// `value` agrees with `expected` to a relative `tolerance`.
fn assert_close(what: &str, value: f64, expected: f64, tolerance: f64) {
    assert!(
        ((value - expected) / expected).abs() <= tolerance,
        "{what}: {value}, expected {expected} (relative tolerance {tolerance})"
    );
}

#[test]
fn ball_bearings_match_the_published_weibull_and_lognormal_fits() {
    let Some(dir) = classic_weibull() else { return };
    let observations = read(&dir.join("ball_bearings_lieblein_zelen_1956.csv"), "cycles_millions");
    assert_eq!(observations.len(), 23);
    let sample = Sample::new(&observations).unwrap();

    let weibull = fit_family(&sample, Family::Weibull, true).unwrap();
    let (shape, scale) = (weibull.parameters[0].value, weibull.parameters[1].value);
    // Published (Lawless 2003; Meeker and Escobar 1998) to 4 digits: shape 2.102, scale 81.88.
    assert_eq!(significant(shape, 4), "2.102");
    assert_eq!(significant(scale, 4), "81.88");
    // SOURCES.md's reproduction to 6 digits.
    assert_close("shape", shape, 2.10206, 5e-6);
    assert_close("scale", scale, 81.8783, 5e-6);
    assert_close("log-likelihood", weibull.log_likelihood, -113.6913, 1e-6);

    let lognormal = fit_family(&sample, Family::Lognormal, true).unwrap();
    // Published μ̂ 4.15045, σ̂ 0.52165 (divisor n).
    assert_close("mu", lognormal.parameters[0].value, 4.15045, 2e-6);
    assert_close("sigma", lognormal.parameters[1].value, 0.52165, 2e-5);
    // For a complete lognormal sample the observed information gives se(μ̂) = σ̂/√n and
    // se(σ̂) = σ̂/√(2n) exactly.
    let n = 23f64;
    let sigma = lognormal.parameters[1].value;
    assert_close("se(mu)", lognormal.parameters[0].standard_error.unwrap(), sigma / n.sqrt(), 1e-4);
    assert_close(
        "se(sigma)",
        lognormal.parameters[1].standard_error.unwrap(),
        sigma / (2.0 * n).sqrt(),
        1e-4,
    );
    let fit_is_plausible = gof::goodness_of_fit(&sample, &weibull);
    assert!(fit_is_plausible.kolmogorov_smirnov.p_value.unwrap() > 0.05);
}

#[test]
fn shock_absorbers_match_the_published_censored_weibull_fit() {
    let Some(dir) = classic_weibull() else { return };
    let observations = read(&dir.join("shock_absorber_oconnor_meeker_escobar.csv"), "km");
    assert_eq!(observations.len(), 38);
    let sample = Sample::new(&observations).unwrap();
    assert_eq!((sample.failures().len(), sample.censored_values().len()), (11, 27));

    let weibull = fit_family(&sample, Family::Weibull, true).unwrap();
    let (shape, scale) = (weibull.parameters[0].value, weibull.parameters[1].value);
    // Published (SMRD): μ = 10.23, σ = 0.32 on the log scale, i.e. η = 27 718.72 km, β = 3.16.
    assert_eq!(significant(shape, 3), "3.16");
    assert_eq!(significant(libm::log(scale), 4), "10.23");
    assert_eq!(significant(1.0 / shape, 2), "0.32");
    assert_close("scale", scale, 27_718.72, 1e-6);
    assert_close("shape", shape, 3.16047, 5e-6);
    assert_close("log-likelihood", weibull.log_likelihood, -123.9954, 1e-6);

    // The Wald interval of the scale on the log scale contains the estimate and is wider above.
    let (low, high) = weibull.confidence_interval("scale", 0.95).unwrap();
    assert!(low < scale && scale < high && high - scale > scale - low);
}
