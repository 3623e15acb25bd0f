//! The IDE functions answer on every prefix of the examples without panicking: a file that is
//! being typed is truncated most of the time, and the cursor may be anywhere in it.

// Tests read their fixture files directly; the ban is for the compiler's own code.
#![allow(clippy::disallowed_methods)]

mod common;

use fab_compiler::Database;
use fab_compiler::db::{MemoryFileSystem, SourceFile};
use fab_compiler::ide::{
    Span, actions, completion, diagnostics, folding, format, highlight, hover, inlay, navigation,
    outline,
};
use fab_compiler::load_model;
use proptest::prelude::*;
use std::sync::Arc;

fn load(text: &str) -> (Database, SourceFile) {
    let fs = Arc::new(MemoryFileSystem::default());
    fs.insert("main.fab", text);
    let mut db = Database::new(fs);
    let file = load_model(&mut db, "main.fab").expect("in memory");
    (db, file)
}

/// Every IDE function, at `offset` where one is taken.
fn ask_everything(db: &Database, file: SourceFile, offset: u32) {
    let len = file.text(db).len();
    let whole = Span::new(0, len);
    let _ = hover::hover(db, file, offset);
    let _ = completion::completions(db, file, offset);
    let _ = navigation::goto_definition(db, file, offset);
    let _ = navigation::find_references(db, file, offset, true);
    let _ = navigation::highlights(db, file, offset);
    let _ = navigation::prepare_rename(db, file, offset);
    let _ = navigation::rename(db, file, offset, "renamed");
    let _ = outline::document_symbols(db, file);
    let _ = outline::workspace_symbols(db, "s", 50);
    let _ = inlay::inlay_hints(db, file, whole);
    let _ = actions::code_actions(db, file, Span { start: offset, end: offset }, &[]);
    let _ = diagnostics::file_diagnostics(db, file, &[]);
    let tokens = highlight::semantic_tokens(db, file);
    assert!(tokens.windows(2).all(|w| w[0].span.end <= w[1].span.start));
    assert!(tokens.iter().all(|t| t.span.end as usize <= len));
    let folds = folding::folding_ranges(db, file);
    assert!(folds.iter().all(|f| f.span.start <= f.span.end && f.span.end as usize <= len));
    let _ = format::format_file(db, file);
}

/// Cuts `text` at a character boundary at or before `at`.
fn boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn every_prefix_of_an_example_is_answered(which in 0usize..16, cut in 0usize..20_000, cursor in 0usize..20_000) {
        let texts = common::examples();
        let text = &texts[which % texts.len()];
        let prefix = &text[..boundary(text, cut % (text.len() + 1))];
        let (db, file) = load(prefix);
        // At the end (where the user types), somewhere inside, and past the end.
        for offset in [prefix.len(), cursor % (prefix.len() + 1), prefix.len() + 7] {
            ask_everything(&db, file, offset as u32);
        }
    }

    #[test]
    fn random_text_is_answered(text in "[a-z{}()=\\->.:,;%/*^0-9 \\n\"é]{0,120}", cursor in 0usize..200) {
        let (db, file) = load(&text);
        ask_everything(&db, file, cursor as u32);
    }
}

/// Every prefix of one example, cut at every line: the systematic version of the property.
#[test]
fn every_line_prefix_of_the_body_shop() {
    let text =
        &common::examples().into_iter().find(|t| t.contains("Body shop")).expect("body_shop.fab");
    let mut cut = 0;
    for line in text.split_inclusive('\n') {
        cut += line.len();
        for end in [cut - line.len() / 2, cut] {
            let end = boundary(text, end);
            let (db, file) = load(&text[..end]);
            ask_everything(&db, file, end as u32);
        }
    }
}
