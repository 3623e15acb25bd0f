//! The words of the errors for distribution parameters at their limits: an `erlang` `k` beyond
//! 2³² − 1, and a law whose mean is not a finite number.

mod common;

use common::check_files;

/// The headline and help of each error of a model whose station `a` has `cycle`.
fn errors(cycle: &str) -> Vec<(String, String)> {
    let text = format!(
        "product P\nsource src {{ product = P, interarrival = 2 s }}\nstation a {{ cycle = {cycle} }}\n\
         sink done\nflow src -> a -> done\nexperiment e {{ horizon = 1 h }}\n"
    );
    let (_, _, diagnostics) = check_files(&text, &[]);
    diagnostics
        .iter()
        .filter(|d| d.code.starts_with('E'))
        .map(|d| (format!("[{}] {}", d.code, d.message), d.help.clone().unwrap_or_default()))
        .collect()
}

/// `k` is a `u32`: 2³² is refused with that range, where the message used to say only "a whole
/// number of at least 1", which 2³² is.
#[test]
fn an_erlang_k_beyond_its_range_says_the_range() {
    assert!(errors("erlang(k = 4294967295, mean = 1 s)").is_empty());
    let found = errors("erlang(k = 4294967296, mean = 1 s)");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].0,
        "[E0403] invalid parameters for `erlang`: `k` must be a whole number from 1 to 4294967295"
    );
}

/// A Weibull's mean overflows below a shape of about 0.0059; the help says why and what to do.
/// A shape of 0.05 has a finite mean, Γ(21) s ≈ 2.4·10¹⁸ s: a law, but as a cycle longer than
/// the longest run, which is refused as such (a cycle that long used to run, with an OEE far
/// above 100 %).
#[test]
fn a_weibull_whose_mean_overflows_says_why() {
    assert!(errors("weibull(shape = 0.1, scale = 1 s)").is_empty());
    let huge = errors("weibull(shape = 0.05, scale = 1 s)");
    assert_eq!(huge.len(), 1, "{huge:?}");
    assert_eq!(huge[0].0, "[E0205] field `cycle` has a mean longer than the longest run");
    assert!(huge[0].1.contains("less than 292 years"), "{huge:?}");
    let found = errors("weibull(shape = 0.005, scale = 1 s)");
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(
        found[0].0,
        "[E0403] invalid parameters for `weibull`: its mean is not a finite number"
    );
    assert!(
        found[0].1.contains("Γ(1 + 1/shape)") && found[0].1.contains("raise `shape`"),
        "{found:?}"
    );
}
