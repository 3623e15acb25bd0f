//! Each diagnostic page's example triggers its code, and the diagnostic it gives has a help line
//! (docs/language.md: "a help line where a fix is known"; every code here has one).

mod common;

use fab_compiler::diagnostic::{CODES, Stage};

/// The first ```fab block of a page.
fn first_example(page: &str) -> Option<String> {
    let start = page.find("```fab\n")? + "```fab\n".len();
    let end = start + page[start..].find("```")?;
    Some(page[start..end].to_string())
}

#[test]
fn every_page_example_gives_its_code_with_a_help_line() {
    let mut problems = Vec::new();
    // The engine's codes (stage `Run`) come from running the example: `tests/run.rs` does.
    for info in CODES.iter().filter(|info| info.stage == Stage::Check) {
        let Some(example) = first_example(info.page) else {
            problems.push(format!("{}: no example", info.code));
            continue;
        };
        let (_, _, diagnostics) = common::check_files(&example, &[]);
        let own: Vec<_> = diagnostics.iter().filter(|d| d.code == info.code).collect();
        // Every page's example gives its code on its own (it used to be skipped when it did not).
        if own.is_empty() {
            problems.push(format!("{}: the page's example does not give it", info.code));
        }
        for diagnostic in own {
            if diagnostic.help.is_none() && diagnostic.fixes.is_empty() {
                problems.push(format!("{}: `{}` has no help", info.code, diagnostic.message));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
