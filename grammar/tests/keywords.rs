//! The keywords, declared once in `lexer::KEYWORDS`: the list the diagnostics name when a keyword
//! stands where a name belongs. It is held here to the tokens the lexer makes, to the grammar's
//! terminals and to the list in the language reference, so that none of them can drift from it.

use std::path::Path;

use fab_grammar::ast::ItemKind;
use fab_grammar::lexer::{KEYWORDS, Token, lex};
use fab_grammar::{SyntaxErrorKind, parse};
use fab_stdlib::units::is_unit_name;

#[test]
fn every_keyword_lexes_as_its_own_token() {
    for keyword in KEYWORDS {
        let tokens = lex(keyword, &is_unit_name).tokens;
        assert_eq!(tokens.len(), 1, "{keyword}");
        let token = &tokens[0].1;
        assert!(!matches!(token, Token::Ident(_)), "{keyword} lexes as a name");
        assert_eq!(token.to_string(), keyword);
    }
}

/// The words among the grammar's terminals (`"station" => Token::Station`) are the keywords.
#[test]
fn the_grammar_terminals_that_are_words_are_the_keywords() {
    let grammar =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/grammar.lalrpop"))
            .expect("the grammar");
    let terminals: Vec<&str> = grammar
        .lines()
        .filter_map(|line| line.trim().strip_prefix('"')?.split_once("\" => Token::"))
        .map(|(word, _)| word)
        .filter(|word| word.chars().all(|c| c.is_ascii_lowercase()))
        .collect();
    assert_eq!(terminals, KEYWORDS);
}

/// The block under "These words are keywords" in `docs/language.md`.
#[test]
fn the_language_reference_lists_the_keywords() {
    let reference =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/language.md"))
            .expect("the language reference");
    let listed = reference
        .split("These words are keywords")
        .nth(1)
        .and_then(|rest| rest.split("```text\n").nth(1))
        .and_then(|block| block.split("```").next())
        .expect("the keyword block");
    let words: Vec<&str> = listed.split_whitespace().collect();
    assert_eq!(words, KEYWORDS);
}

/// A keyword where a new name belongs is one error, and is the name in the tree: the item and
/// the flow that names it parse whole.
#[test]
fn a_keyword_as_a_name_is_read_as_the_name() {
    let parse = parse("station buffer { cycle = 5 s }\nflow a -> buffer -> b\n", &is_unit_name);
    let found: Vec<(&SyntaxErrorKind, u32)> =
        parse.errors.iter().map(|error| (&error.kind, error.span.start)).collect();
    let buffer = SyntaxErrorKind::KeywordAsName { keyword: "buffer".into() };
    assert_eq!(found, [(&buffer, 8), (&buffer, 41)]);
    let [first, second] = &parse.file.items[..] else { panic!("two items") };
    let (ItemKind::Decl(decl), ItemKind::Flow(flow)) = (&first.kind, &second.kind) else {
        panic!("a declaration and a flow")
    };
    assert_eq!(decl.name.name, "buffer");
    assert!(decl.body.is_some());
    let stages: Vec<&str> = flow.stages.iter().map(|stage| stage.name.as_str()).collect();
    assert_eq!(stages, ["a", "buffer", "b"]);
}
