//! The bounds on how deep a model's syntax tree may be, end to end: a long flat expression checks
//! and lowers; past a bound, the rest of the item is not read, and nothing is said of what was
//! not read.

mod common;

use fab_grammar::lexer::{MAX_NESTING, MAX_OPERATORS, STACK_SIZE};

/// Runs `f` on a thread with the stack `fab` gives the compiler: a test thread's 2 MiB holds a
/// few hundred levels of an expression in an unoptimized build.
fn on_deep_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(STACK_SIZE).spawn(f).unwrap().join().unwrap();
}

/// A line whose station's setup is `setup`, with its required cycle after it, and a flow and an
/// experiment after the station.
fn line(setup: &str) -> String {
    format!(
        "source parts {{ interarrival = 1 min }}\nstation weld {{\n    setup = {setup}\n    \
         cycle = 30 s\n}}\nsink done\nflow parts -> weld -> done\nexperiment e {{ horizon = 1 h }}\n"
    )
}

/// The codes and messages of the diagnostics of `text`.
fn diagnostics(text: &str) -> Vec<(String, String)> {
    let (_, _, diagnostics) = common::check_files(text, &[]);
    diagnostics.iter().map(|d| (d.code.to_string(), d.message.clone())).collect()
}

#[test]
fn a_long_flat_sum_is_no_nesting() {
    on_deep_stack(|| {
        // 257 terms were refused as "nesting deeper than 256 levels", after E0602 and E0601
        // about the flow the lexer no longer read.
        for terms in [257, MAX_OPERATORS + 1] {
            let text = line(&vec!["1 ms"; terms].join(" + "));
            let (db, root, diagnostics) = common::check_files(&text, &[]);
            assert!(diagnostics.is_empty(), "{terms} terms: {diagnostics:?}");
            let model = fab_compiler::lower::lower(&db, root);
            assert_eq!(model.graph.node_count(), 3);
        }
    });
}

#[test]
fn past_a_bound_the_item_is_cut_and_nothing_is_said_of_the_rest() {
    on_deep_stack(|| {
        let sum = vec!["1 ms"; MAX_OPERATORS + 2].join(" + ");
        let nested = format!("{}1 s{}", "(".repeat(MAX_NESTING), ")".repeat(MAX_NESTING));
        for (setup, message) in [
            (sum, format!("more than {MAX_OPERATORS} operators in one expression")),
            (nested, format!("nesting deeper than {MAX_NESTING} levels")),
        ] {
            // Only the bound: no "expected expression, found `}`" at the cut, no missing
            // `cycle` (E0203), no E0601 or E0602 for the components of the flow after it.
            assert_eq!(diagnostics(&line(&setup)), [("E0001".to_string(), message)]);
        }
    });
}

#[test]
fn a_model_that_is_not_read_to_its_end_is_not_checked_for_reachability() {
    on_deep_stack(|| {
        // On one line, the next item does not start a line: the rest of the file is not read,
        // and the flow in it is missing. What the model lacks may be there.
        let sum = vec!["1 ms"; MAX_OPERATORS + 2].join(" + ");
        let text = format!(
            "source parts {{ interarrival = 1 min }}\nsink done\n\
             station weld {{ cycle = {sum} }} flow parts -> weld -> done\n"
        );
        let codes: Vec<String> = diagnostics(&text).into_iter().map(|(code, _)| code).collect();
        assert_eq!(codes, ["E0001"]);
    });
}
