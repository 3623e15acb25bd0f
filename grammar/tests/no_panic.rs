//! `parse` and `format` must never panic, whatever they are given: random text, random edits of
//! well-formed files, and every prefix of a whole model (which is what an editor sends while one
//! types). Beyond not panicking, every span `parse` returns must lie within the text, on character
//! boundaries; `format` must refuse exactly the texts with syntax errors, and what it returns must
//! be its own fixed point.

use std::path::Path;

use fab_grammar::ast::for_each_span_mut;
use fab_grammar::{Parse, format, parse};
use fab_stdlib::units::is_unit_name;
use proptest::prelude::*;
use proptest::sample::{Index, select};

/// Pieces of `.fab` to build random, almost-plausible text from.
const FRAGMENTS: &[&str] = &[
    "station",
    "product",
    "sink",
    "flow",
    "component",
    "import",
    "scenario",
    "optimize",
    "sync",
    "failure",
    "costs",
    "vary",
    "in",
    "of",
    "minimize",
    "subject",
    "to",
    "true",
    "weld",
    "s",
    "m",
    "%",
    "12",
    "0.4",
    "1e-3",
    "1e999",
    "1_000",
    "\"str\"",
    "\"open",
    "\\",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "=",
    ",",
    ";",
    ".",
    ":",
    "->",
    "<-",
    "..",
    "..=",
    "+",
    "-",
    "*",
    "/",
    "^",
    "<",
    ">=",
    "==",
    "\n",
    " ",
    "//",
    "///",
    "//!",
    "/*",
    "*/",
    "$",
    "é",
    "→",
];

fn ok_files() -> Vec<String> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ok");
    let mut files: Vec<_> = std::fs::read_dir(folder)
        .expect("the ok folder exists")
        .map(|entry| entry.expect("the folder is readable").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "fab"))
        .collect();
    files.sort();
    files.iter().map(|path| std::fs::read_to_string(path).expect("readable")).collect()
}

/// Parses `text` and checks that every span is a valid range of it.
fn parse_checked(text: &str) -> Parse {
    let mut parse = parse(text, &is_unit_name);
    let mut check = |span: &mut fab_grammar::ast::Span| {
        assert!(span.start <= span.end, "reversed span {span:?}");
        assert!(text.get(span.range()).is_some(), "span {span:?} is not a range of the text");
    };
    for item in &mut parse.file.items {
        for_each_span_mut(item, &mut check);
    }
    for error in &mut parse.errors {
        check(&mut error.span);
    }
    parse
}

/// Formats `text`: an error list exactly when parsing finds errors, else a fixed point.
fn format_checked(text: &str) {
    let errors = parse(text, &is_unit_name).errors;
    match format(text) {
        Ok(out) => {
            assert!(errors.is_empty(), "formatted a text with errors: {text:?}");
            assert_eq!(format(&out), Ok(out.clone()), "not a fixed point: {text:?}");
        }
        Err(reported) => assert_eq!(reported, errors, "{text:?}"),
    }
}

/// The character boundaries of `text`, including its end.
fn boundaries(text: &str) -> Vec<usize> {
    text.char_indices().map(|(offset, _)| offset).chain([text.len()]).collect()
}

#[derive(Clone, Debug)]
enum Edit {
    Delete { at: Index, length: usize },
    Duplicate { from: Index, length: usize, to: Index },
    Insert { at: Index, fragment: &'static str },
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<Index>(), 0usize..40).prop_map(|(at, length)| Edit::Delete { at, length }),
        (any::<Index>(), 0usize..40, any::<Index>())
            .prop_map(|(from, length, to)| Edit::Duplicate { from, length, to }),
        (any::<Index>(), select(FRAGMENTS))
            .prop_map(|(at, fragment)| Edit::Insert { at, fragment }),
    ]
}

fn apply(text: &mut String, edit: &Edit) {
    let bounds = boundaries(text);
    let range = |at: &Index, length: usize| {
        let first = at.index(bounds.len());
        let last = (first + length).min(bounds.len() - 1);
        bounds[first]..bounds[last]
    };
    match edit {
        Edit::Delete { at, length } => {
            text.replace_range(range(at, *length), "");
        }
        Edit::Duplicate { from, length, to } => {
            let copied = text[range(from, *length)].to_owned();
            text.insert_str(bounds[to.index(bounds.len())], &copied);
        }
        Edit::Insert { at, fragment } => text.insert_str(bounds[at.index(bounds.len())], fragment),
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn random_text_never_panics(text in "\\PC{0,200}") {
        parse_checked(&text);
        format_checked(&text);
    }

    #[test]
    fn random_fragments_never_panic(fragments in prop::collection::vec(select(FRAGMENTS), 0..120)) {
        parse_checked(&fragments.concat());
        format_checked(&fragments.concat());
    }

    #[test]
    fn edited_ok_files_never_panic(
        file in any::<Index>(),
        edits in prop::collection::vec(edit(), 1..8),
    ) {
        let files = ok_files();
        let mut text = files[file.index(files.len())].clone();
        for edit in &edits {
            apply(&mut text, edit);
        }
        parse_checked(&text);
        format_checked(&text);
    }
}

#[test]
fn every_prefix_of_the_body_shop_parses() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ok/body_shop.fab");
    let text = std::fs::read_to_string(path).expect("the body shop file exists");
    for end in boundaries(&text) {
        let parse = parse_checked(&text[..end]);
        format_checked(&text[..end]);
        // A prefix that stops inside a body still keeps the items before it.
        let complete_items = text[..end].matches("\n}\n").count();
        assert!(parse.file.items.len() >= complete_items, "prefix of {end} bytes lost items");
    }
}
