//! Data-driven parser tests. Every `tests/data/ok/*.fab` and `tests/data/err/*.fab` file has a
//! `.tree` file beside it holding the dumped tree and, for `err` files, the errors. Files in `ok`
//! must parse without errors; files in `err` must have at least one error and still yield an item
//! after it. Run with `UPDATE_EXPECT=1` to rewrite the `.tree` files from the current parser.

use std::fmt::Write;
use std::fs;
use std::path::{Path, PathBuf};

use fab_grammar::ast::ItemKind;
use fab_grammar::{Parse, dump, parse};
use fab_stdlib::units::is_unit_name;

#[test]
fn ok_files_parse_without_errors_and_match_their_trees() {
    check_folder("ok", Expect::Clean);
}

#[test]
fn err_files_report_errors_and_recover() {
    check_folder("err", Expect::Errors);
}

#[derive(Clone, Copy, PartialEq)]
enum Expect {
    Clean,
    Errors,
}

fn check_folder(folder: &str, expect: Expect) {
    let update = std::env::var_os("UPDATE_EXPECT").is_some();
    let mut mismatches = Vec::new();
    let files = fab_files(folder);
    assert!(!files.is_empty(), "no .fab files in tests/data/{folder}");
    for file in files {
        let text = fs::read_to_string(&file).expect("test files are readable UTF-8");
        let parse = parse(&text, &is_unit_name);
        let name = file.display();
        match expect {
            Expect::Clean => {
                assert!(parse.errors.is_empty(), "{name} has errors: {:#?}", parse.errors);
            }
            Expect::Errors => {
                assert!(!parse.errors.is_empty(), "{name} has no errors");
                let first = parse.errors[0].span.start;
                let recovered = parse
                    .file
                    .items
                    .iter()
                    .any(|item| item.kind != ItemKind::Error && item.span.end > first);
                assert!(recovered, "{name} yields no item after its first error");
            }
        }
        let actual = render(&parse, &text);
        let tree_file = file.with_extension("tree");
        if update {
            fs::write(&tree_file, &actual).expect("the .tree file is writable");
            continue;
        }
        let expected = fs::read_to_string(&tree_file).unwrap_or_default();
        if expected != actual {
            mismatches.push(format!(
                "{}\n{}",
                tree_file.display(),
                first_difference(&expected, &actual)
            ));
        }
    }
    assert!(
        mismatches.is_empty(),
        "trees differ (run with UPDATE_EXPECT=1 to accept):\n\n{}",
        mismatches.join("\n\n")
    );
}

fn fab_files(folder: &str) -> Vec<PathBuf> {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data").join(folder);
    let mut files: Vec<PathBuf> = fs::read_dir(&folder)
        .expect("the test data folder exists")
        .map(|entry| entry.expect("the folder is readable").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "fab"))
        .collect();
    files.sort();
    files
}

/// The dump, then each error with the text it covers.
fn render(parse: &Parse, text: &str) -> String {
    let mut out = dump(&parse.file);
    if !parse.errors.is_empty() {
        out.push_str("errors:\n");
        for error in &parse.errors {
            let covered = text.get(error.span.range()).unwrap_or("");
            let _ = writeln!(out, "  {:?} {covered:?} {:?}", error.span, error.kind);
        }
    }
    out
}

fn first_difference(expected: &str, actual: &str) -> String {
    let mut expected_lines = expected.lines();
    let mut actual_lines = actual.lines();
    for number in 1.. {
        match (expected_lines.next(), actual_lines.next()) {
            (None, None) => break,
            (left, right) if left == right => {}
            (left, right) => {
                return format!(
                    "first difference at line {number}:\n  expected: {}\n  actual:   {}",
                    left.unwrap_or("<end>"),
                    right.unwrap_or("<end>")
                );
            }
        }
    }
    "the files differ only in line endings".to_owned()
}
