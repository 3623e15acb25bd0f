//! "Did you mean" suggestions: the closest candidate by edit distance, when one is close enough.

/// The candidate closest to `name`, if it is plausibly a misspelling of it.
pub fn did_you_mean<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let mut best: Option<(f64, &str)> = None;
    for candidate in candidates {
        if candidate == name {
            continue;
        }
        let score = strsim::jaro_winkler(&name.to_lowercase(), &candidate.to_lowercase());
        let close = score >= 0.8 || strsim::levenshtein(name, candidate) <= name.len().max(2) / 3;
        if close && best.is_none_or(|(s, _)| score > s) {
            best = Some((score, candidate));
        }
    }
    best.map(|(_, candidate)| candidate)
}

#[cfg(test)]
mod tests {
    use super::did_you_mean;

    #[test]
    fn suggests_close_names_only() {
        assert_eq!(did_you_mean("capacty", ["capacity", "policy"]), Some("capacity"));
        assert_eq!(did_you_mean("weld", ["weld2", "inspect"]), Some("weld2"));
        assert_eq!(did_you_mean("zzz", ["capacity", "policy"]), None);
    }
}
