//! Nothing a user writes may panic the compiler: random text and random mutations of the examples
//! go through parse, check and (when clean) lowering.

// Tests read their fixture files directly; the ban is for the compiler's own code.
#![allow(clippy::disallowed_methods)]

mod common;

use proptest::prelude::*;

/// Checks a text and, when it has no errors, lowers it.
fn compile(text: &str) {
    let (db, root, diagnostics) = common::check_files(text, &[]);
    let _ = fab_compiler::render::render_human(&db, &diagnostics, false);
    let _ = fab_compiler::render::render_json(&db, &diagnostics);
    if !diagnostics.iter().any(|d| d.is_error()) {
        let model = fab_compiler::lower::lower(&db, root);
        let _ = model.to_dot();
    }
}

/// Cuts `text` at a character boundary at or before `at`.
fn boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The fragments a mutation inserts: tokens that stress the parser and checker.
const FRAGMENTS: &[&str] = &[
    "{",
    "}",
    "(",
    ")",
    "->",
    "=",
    "\n",
    " of ",
    " in ",
    "..=",
    "1e999",
    "-",
    "m/s^2",
    "%",
    "\"",
    "/*",
    "station",
    "flow",
    "component X(a: Duration) : X { }",
    "route",
    " 0 ",
    "capacity = unlimited",
    "weld.",
    "lognormal(mean = 1 s, cv = -1)",
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_text_never_panics(text in "[a-z{}()=\\->.:,;%/*^0-9 \\n\"]{0,200}") {
        compile(&text);
    }

    #[test]
    fn mutated_examples_never_panic(
        which in 0usize..16,
        start in 0usize..20_000,
        length in 0usize..80,
        fragment in 0usize..FRAGMENTS.len(),
        operation in 0u8..3,
    ) {
        let sources = common::examples();
        let source = &sources[which % sources.len()];
        let from = boundary(source, start % (source.len() + 1));
        let to = boundary(source, from + length);
        let mutated = match operation {
            0 => format!("{}{}", &source[..from], &source[to..]),
            1 => format!("{}{}{}", &source[..from], FRAGMENTS[fragment], &source[from..]),
            _ => format!("{}{}{}", &source[..to], &source[from..to], &source[to..]),
        };
        compile(&mutated);
    }
}

#[test]
fn every_prefix_of_the_body_shop_checks_without_panic() {
    let sources = common::examples();
    let body_shop = sources.iter().find(|s| s.contains("product Body")).expect("body shop example");
    for end in (0..=body_shop.len()).step_by(7) {
        compile(&body_shop[..boundary(body_shop, end)]);
    }
}
