//! The parser glue: runs the lexer and the generated LALRPOP parser, and turns what they report
//! into [`SyntaxError`]s.
//!
//! The generated parser stays private to this module, so that [`parse`] is the one way in and the
//! grammar could be replaced by a hand-written parser without any caller noticing (the data tests
//! in `tests/data` pin the trees down).

use std::collections::BTreeMap;
use std::convert::Infallible;

use lalrpop_util::{ErrorRecovery, ParseError};

use crate::ast::{
    BinaryOp, Expr, ExprKind, Ident, Item, ItemKind, MemberKind, SourceFile, Span,
    for_each_span_mut,
};
use crate::error::{NameRole, SyntaxError, SyntaxErrorKind};
use crate::lexer::{self, Comment, KEYWORDS, Token};

lalrpop_util::lalrpop_mod!(
    #[allow(clippy::all, clippy::pedantic, unused_qualifications, unused_parens)]
    generated,
    "/grammar.rs"
);

/// The result of parsing one file: always a tree, and the syntax errors met on the way.
#[derive(Clone, PartialEq, Debug)]
pub struct Parse {
    /// The tree: every item the text holds, broken ones as `Error` nodes.
    pub file: SourceFile,
    /// Sorted by position; empty when the file is well formed.
    pub errors: Vec<SyntaxError>,
    /// Every comment of the file, doc comments included, in source order. The tree holds no
    /// comments; a tool that writes the file back (the formatter) puts them back by position.
    pub comments: Vec<Comment>,
    /// The text that was not read, each span from a token past the bounds on depth (a
    /// `NestingTooDeep` or `TooManyOperators` error) to the next item that starts a line, or to
    /// the end of the file. The member of an item where reading stopped is an `Error` member.
    pub unread: Vec<Span>,
}

/// Parses `text` into a tree. Never fails and never panics: broken items, members and operands
/// become `Error` nodes, and the errors are listed beside the tree. Every span in the tree starts
/// and ends at a token the user wrote (an `Error` node that covers none is empty).
///
/// `is_unit` says whether a word is a unit name; it decides where a unit expression after a number
/// ends (see the `lexer` module).
pub fn parse(text: &str, is_unit: &dyn Fn(&str) -> bool) -> Parse {
    let lexed = lexer::lex(text, is_unit);
    let mut errors = lexed.errors;
    let unread = lexed.unread;
    let written = Written::new(text, &lexed.tokens);
    let mut state =
        ParseState { docs: lexed.docs, recovered: Vec::new(), keyword_names: Vec::new() };
    let tokens = lexed.tokens.into_iter().map(Ok::<_, Infallible>);
    let mut grammar_errors = Vec::new();
    let mut items = match generated::FileParser::new().parse(&mut state, tokens) {
        Ok(items) => items,
        Err(error) => {
            grammar_errors.push(syntax_error(text, error));
            Vec::new()
        }
    };
    for item in &mut items {
        for_each_span_mut(item, &mut |span| trim_to_tokens(span, &written));
    }
    grammar_errors
        .extend(state.recovered.into_iter().map(|recovery| syntax_error(text, recovery.error)));
    grammar_errors.extend(state.keyword_names);
    // Where the text stopped being read, the grammar met the delimiters the lexer closed there:
    // what it says of them is said of text it did not see, and the member there is broken.
    let in_unread = |error: &SyntaxError| {
        let at = error.span.start;
        unread
            .iter()
            .any(|span| span.start <= at && (at < span.end || span.end as usize == text.len()))
    };
    grammar_errors.retain(|error| !in_unread(error));
    errors.extend(grammar_errors);
    errors.sort_by_key(|error| (error.span.start, error.span.end));
    errors.dedup();
    for span in &unread {
        if let Some(item) = items.iter_mut().find(|item| item.span.contains(span.start)) {
            break_member_at(item, span.start);
        }
    }
    let file = SourceFile { docs: lexed.file_docs, items };
    Parse { file, errors, comments: lexed.comments, unread }
}

/// Makes the member of `item`'s body that holds `offset` an `Error` member, as one that failed
/// to parse: the text after `offset` was not read, so what the member holds is not what was
/// written, and the fields after it in the body are missing. The checker then says nothing of
/// what is missing, as after any member that failed to parse. A position in the item's header
/// (its parameters or its base's arguments) leaves the item as it is.
fn break_member_at(item: &mut Item, offset: u32) {
    let body = match &mut item.kind {
        ItemKind::Decl(decl) => decl.body.as_mut(),
        ItemKind::Template(template) => template.body.as_mut(),
        _ => None,
    };
    let Some(body) = body else { return };
    if let Some(member) = body.members.iter_mut().find(|member| member.span.contains(offset)) {
        member.kind = MemberKind::Error;
    }
}

/// The tokens the user wrote (neither newlines nor the empty tokens the lexer inserts), as spans
/// in order, and as marks on the byte offsets where one starts or ends.
struct Written {
    spans: Vec<(usize, usize)>,
    /// By byte offset of the text (and its end): [`Written::STARTS`] and [`Written::ENDS`].
    marks: Vec<u8>,
}

impl Written {
    const STARTS: u8 = 1;
    const ENDS: u8 = 2;

    fn new(text: &str, tokens: &[lexer::Spanned]) -> Written {
        let spans: Vec<(usize, usize)> = tokens
            .iter()
            .filter(|(start, token, end)| start < end && !matches!(token, Token::Newline))
            .map(|(start, _, end)| (*start, *end))
            .collect();
        let mut marks = vec![0; text.len() + 1];
        for &(start, end) in &spans {
            marks[start] |= Written::STARTS;
            marks[end] |= Written::ENDS;
        }
        Written { spans, marks }
    }

    fn marked(&self, offset: usize, mark: u8) -> bool {
        self.marks.get(offset).is_some_and(|marks| marks & mark != 0)
    }
}

/// Shrinks `span` to the written tokens it covers, or to an empty span at its start when it covers
/// none. Spans of well-formed nodes already start and end at tokens and are left as they are (told
/// by the marks alone, without searching: the tree of a 1,000-station line has 100,000 spans); the
/// spans that error recovery makes may also take in the whitespace and comments around them, and
/// the closing delimiters that the lexer inserted.
fn trim_to_tokens(span: &mut Span, written: &Written) {
    if span.is_empty() {
        return;
    }
    let (start, end) = (span.start as usize, span.end as usize);
    if written.marked(start, Written::STARTS) && written.marked(end, Written::ENDS) {
        return;
    }
    let written = &written.spans;
    let first = written.partition_point(|&(token_start, _)| token_start < start);
    // A span inside one token (a unit name inside its quantity) is already exact.
    if let Some(&(token_start, token_end)) =
        first.checked_sub(1).and_then(|index| written.get(index))
        && token_start <= start
        && end <= token_end
    {
        return;
    }
    let last = written.partition_point(|&(_, token_end)| token_end <= end);
    match (written.get(first), last.checked_sub(1).and_then(|last| written.get(last))) {
        (Some(&(first_start, _)), Some(&(_, last_end)))
            if first_start < end && last_end > start =>
        {
            *span = Span::new(first_start, last_end);
        }
        _ => *span = Span::new(start, start),
    }
}

/// What the grammar's actions need besides the tokens: the docs to attach and a place to put the
/// errors that recovery skipped over, and the keywords read as names.
pub(crate) struct ParseState {
    docs: BTreeMap<usize, String>,
    recovered: Vec<ErrorRecovery<usize, Token, Infallible>>,
    keyword_names: Vec<SyntaxError>,
}

impl ParseState {
    /// The `///` documentation written right before the token at `offset`.
    pub(crate) fn docs_at(&self, offset: usize) -> Option<String> {
        self.docs.get(&offset).cloned()
    }

    /// Keeps an error that the grammar recovered from.
    pub(crate) fn recovered(&mut self, recovery: ErrorRecovery<usize, Token, Infallible>) {
        self.recovered.push(recovery);
    }

    /// The name a keyword written where a name the model gives belongs was meant to be, with the
    /// error that says it is a keyword.
    pub(crate) fn keyword_as_name(&mut self, keyword: &str, start: usize, end: usize) -> Ident {
        self.keyword_as(keyword, NameRole::Given, start, end);
        Ident { name: keyword.to_owned(), span: Span::new(start, end) }
    }

    /// Keeps the error that says the keyword at `start..end` cannot be the name it stands for.
    pub(crate) fn keyword_as(&mut self, keyword: &str, role: NameRole, start: usize, end: usize) {
        self.keyword_names.push(SyntaxError {
            span: Span::new(start, end),
            kind: SyntaxErrorKind::KeywordAsName { keyword: keyword.to_owned(), role },
        });
    }
}

/// An expression spanning `start..end`.
pub(crate) fn expr(kind: ExprKind, start: usize, end: usize) -> Expr {
    Expr { kind, span: Span::new(start, end) }
}

/// A binary expression spanning `start..end`.
pub(crate) fn binary(op: BinaryOp, lhs: Expr, rhs: Expr, start: usize, end: usize) -> Expr {
    expr(ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, start, end)
}

fn syntax_error(text: &str, error: ParseError<usize, Token, Infallible>) -> SyntaxError {
    match error {
        // An empty token at the end of the file is a closing delimiter the lexer added there.
        ParseError::UnrecognizedToken { token: (start, _, end), expected }
            if start == end && end == text.len() =>
        {
            SyntaxError {
                span: Span::new(start, end),
                kind: SyntaxErrorKind::UnexpectedEof { expected: humanize(expected) },
            }
        }
        ParseError::UnrecognizedToken { token: (start, token, end), expected } => SyntaxError {
            span: Span::new(start, end),
            kind: SyntaxErrorKind::UnexpectedToken {
                found: found_text(text, start, &token, end),
                expected: humanize(expected),
            },
        },
        ParseError::UnrecognizedEof { location, expected } => SyntaxError {
            span: Span::new(location, location),
            kind: SyntaxErrorKind::UnexpectedEof { expected: humanize(expected) },
        },
        ParseError::ExtraToken { token: (start, token, end) } => SyntaxError {
            span: Span::new(start, end),
            kind: SyntaxErrorKind::UnexpectedToken {
                found: found_text(text, start, &token, end),
                expected: Vec::new(),
            },
        },
        // The token stream holds no lexer errors (they are reported by the lexer), so the parser
        // never sees an invalid token; this arm only keeps the match total.
        ParseError::InvalidToken { location } => SyntaxError {
            span: Span::new(location, location),
            kind: SyntaxErrorKind::InvalidCharacter,
        },
        ParseError::User { error } => match error {},
    }
}

/// The text of a token as written, or its canonical text when it is an empty token inserted by
/// the lexer to close a delimiter.
fn found_text(text: &str, start: usize, token: &Token, end: usize) -> String {
    match text.get(start..end) {
        Some(written) if !written.is_empty() => written.to_owned(),
        _ => token.to_string(),
    }
}

/// The keywords that open an item.
const ITEM_KEYWORDS: [&str; 18] = [
    "\"import\"",
    "\"component\"",
    "\"flow\"",
    "\"product\"",
    "\"source\"",
    "\"station\"",
    "\"buffer\"",
    "\"conveyor\"",
    "\"robot\"",
    "\"transport\"",
    "\"resource\"",
    "\"sink\"",
    "\"route\"",
    "\"experiment\"",
    "\"scenario\"",
    "\"optimize\"",
    "\"sensitivity\"",
    "\"sync\"",
];

/// The keywords that may stand where a name of a field, path segment or argument is expected
/// (`route` only as a path segment, so that `weld.route` in a scenario reaches the checker).
const NAME_KEYWORDS: [&str; 13] = [
    "\"product\"",
    "\"source\"",
    "\"station\"",
    "\"buffer\"",
    "\"conveyor\"",
    "\"robot\"",
    "\"transport\"",
    "\"resource\"",
    "\"sink\"",
    "\"failure\"",
    "\"maintenance\"",
    "\"costs\"",
    "\"route\"",
];

/// The tokens that may follow an operand: binary operators, range operators and `of`.
const OPERATORS: [&str; 13] = [
    "\"+\"", "\"-\"", "\"*\"", "\"/\"", "\"^\"", "\"<\"", "\"<=\"", "\">\"", "\">=\"", "\"==\"",
    "\"..\"", "\"..=\"", "\"of\"",
];

/// The tokens that may start an expression, besides the name keywords.
const EXPRESSION_STARTS: [&str; 8] =
    ["identifier", "number", "string", "\"true\"", "\"false\"", "\"(\"", "\"[\"", "\"-\""];

/// The tokens that may start a member, besides names.
const MEMBER_STARTS: [&str; 5] =
    ["identifier", "\"vary\"", "\"minimize\"", "\"maximize\"", "\"subject\""];

/// Turns LALRPOP's terminal names into the vocabulary of [`SyntaxErrorKind`], and folds the long
/// lists that some states expect into one word each (`item`, `member`, `expression`, `operator`),
/// so that a list stays short enough to be read.
fn humanize(expected: Vec<String>) -> Vec<String> {
    let mut words: Vec<String> = expected
        .into_iter()
        .map(|terminal| match terminal.as_str() {
            "Ident" => "identifier".to_owned(),
            "Number" | "Quantity" => "number".to_owned(),
            "StringLit" => "string".to_owned(),
            "Newline" => "newline".to_owned(),
            _ => terminal,
        })
        .collect();
    let has = |words: &[String], word: &str| words.iter().any(|present| present == word);
    // Where a member may start (a body's `}` may come instead), `vary` and the other words that
    // start members are among every keyword, which the next step removes; elsewhere `vary` may
    // be a name there (`Press(vary = 1)`), read with an error.
    let member_start = has(&words, "\"}\"") && has(&words, "\"vary\"") && has(&words, "identifier");
    // Where a name belongs, a keyword is read as that name with an error of its own, so the
    // grammar accepts every keyword there (but `true` and `false` where a value may stand, which
    // they are); what the user should write is still a name.
    let quoted: Vec<String> = KEYWORDS.iter().map(|keyword| format!("\"{keyword}\"")).collect();
    let value = |keyword: &String| matches!(keyword.as_str(), "\"true\"" | "\"false\"");
    if quoted.iter().filter(|keyword| !value(keyword)).all(|keyword| has(&words, keyword)) {
        words.retain(|word| !quoted.contains(word));
    }
    let fold = |words: &mut Vec<String>, group: &[&str], name: &str| {
        words.retain(|word| !group.contains(&word.as_str()));
        words.push(name.to_owned());
    };
    if ITEM_KEYWORDS.iter().all(|keyword| has(&words, keyword)) {
        fold(&mut words, &ITEM_KEYWORDS, "item");
    }
    if member_start {
        fold(&mut words, &MEMBER_STARTS, "member");
        words.retain(|word| !NAME_KEYWORDS.contains(&word.as_str()));
    }
    if has(&words, "\"+\"") && has(&words, "\"*\"") {
        fold(&mut words, &OPERATORS, "operator");
    }
    if has(&words, "identifier") && has(&words, "number") && has(&words, "string") {
        fold(&mut words, &EXPRESSION_STARTS, "expression");
        words.retain(|word| !NAME_KEYWORDS.contains(&word.as_str()));
    }
    if has(&words, "identifier") {
        words.retain(|word| !NAME_KEYWORDS.contains(&word.as_str()));
    }
    words.sort();
    words.dedup();
    words
}
