//! The canonical formatter: [`format`] lays a `.fab` file out one way, keeping every token and
//! every comment where it was.
//!
//! # How it works
//!
//! The formatter does not print the tree. It prints the file's own tokens, in their order, and
//! decides only the whitespace between them; the tree says where that whitespace is structural
//! (an item starts, a member starts, a body opens or closes, a flow hops) and resolves the few
//! tokens whose spacing depends on their role (a unary `-`, the `<` `>` of a type, a parameter's
//! `:`, the `(` of a call). Comments come from the lexer's side table and are put back between
//! the same two tokens they were written between. Because the tokens are the user's, parentheses,
//! the spelling of numbers (`1.50`, `1_000`, `1e-3`) and units (`EUR/h`) are kept as written; the
//! only tokens it ever removes are separators (`,` `;` between members and items, a trailing `,`
//! before `)` or `]`) and the only one it adds is the trailing `,` of an argument list it breaks
//! over several lines. A unit expression is written without spaces (`0.4 m / s` becomes
//! `0.4 m/s`), after one space behind its number.
//!
//! Whitespace matters to the lexer in two places, and the formatter respects both: a newline
//! separates members and items (so members go on lines of their own, or are joined by `, `), and a
//! newline ends a unit expression (`12 m` then a line break then `/ s` is a division, not the unit
//! `m/s`), so a line break the user wrote right after a quantity's unit, before a `/`, `*` or `^`,
//! is kept. Everywhere else a line break inside a member was dropped by the lexer's layout pass
//! and the formatter may join or split lines freely.
//!
//! # Comments
//!
//! A comment after the last token on a line stays at the end of that line (a *trailing* comment),
//! except a `///` doc comment, which goes on a line of its own above what it documents. A
//! trailing comment is part of the line a reader sees, so it counts in the line's width: the
//! decisions that depend on width (a flow on one line, a body on one line, a list broken one
//! element per line) are made with the comments the line will end with added to it, and the
//! comment stays after the token it followed. Comments are never moved or rewrapped to make a line
//! fit, so a line with nothing to break stays as long as it is. Other
//! comments between members or items stay on lines of their own before what follows them
//! (*leading* comments), keeping at most one blank line above them. A comment inside a member,
//! a header or a flow stays between the same two tokens (one inside a quantity, `50 /* c */ s`,
//! is part of the quantity's text); a line comment there ends the line and the member goes on,
//! indented four more spaces, and a comment that starts a line in the source starts one there
//! too, so that one on a line of its own keeps it. These line breaks stand where the source had
//! line breaks between the same two tokens, so they leave the lexer's reading unchanged. A `///`
//! doc comment documents the token that follows it, so it is never moved across a token: where
//! removing a separator would let a stray doc comment attach to the next member, that separator
//! is kept.
//!
//! # Safety
//!
//! After formatting, [`format`] parses its own output and compares it with the input: the trees
//! (without spans), the tokens (without separators) and the comments must be the same. If they
//! ever differ, which would be a bug, it returns the source unchanged rather than alter a model.
//!
//! The layout rules themselves are documented for users in `docs/language.md` (Formatting).

use std::ops::Range;

use crate::ast::{Body, ItemKind, MemberKind, SourceFile, Span};
use crate::error::SyntaxError;
use crate::lexer::{self, Comment, CommentKind, Token};
use crate::parser::{Parse, parse};

/// The column a line should not pass; a longer flow or argument list is broken over lines.
const MAX_WIDTH: usize = 100;

/// Spaces per level of indentation.
const INDENT: usize = 4;

/// Formats a whole `.fab` file into its canonical layout. Returns the syntax errors instead when
/// the file does not parse cleanly: a broken file is never rewritten. Never panics.
///
/// Unit names (which decide where a unit expression ends) come from the standard library.
pub fn format(source: &str) -> Result<String, Vec<SyntaxError>> {
    let is_unit = &fab_stdlib::units::is_unit_name;
    let before = parse(source, is_unit);
    if !before.errors.is_empty() {
        return Err(before.errors);
    }
    let formatted = layout(source, &before, is_unit);
    let after = parse(&formatted, is_unit);
    if equivalent(source, &before, &formatted, &after, is_unit) {
        Ok(formatted)
    } else {
        Ok(source.to_owned())
    }
}

/// The canonical text of a file that parsed without errors, unchecked.
pub(crate) fn layout(source: &str, parsed: &Parse, is_unit: &dyn Fn(&str) -> bool) -> String {
    let tokens: Vec<Tok> = lexer::lex(source, is_unit)
        .tokens
        .into_iter()
        .filter(|(start, token, end)| !matches!(token, Token::Newline) && start < end)
        .map(|(start, token, end)| Tok { start, end, token, text: String::new() })
        .collect();
    let mut formatter = Formatter {
        source,
        roles: vec![Role::Plain; tokens.len()],
        tokens,
        comments: &parsed.comments,
    };
    formatter.spell_tokens();
    formatter.assign_roles(&parsed.file);
    finish(&formatter.file(&parsed.file))
}

/// Whether `after` (the formatted text) says the same as `before`: the same tree without spans,
/// the same tokens without separators, the same comments. Doc comment lines and comments are
/// compared without trailing whitespace, which the formatter removes.
pub(crate) fn equivalent(
    source: &str,
    before: &Parse,
    formatted: &str,
    after: &Parse,
    is_unit: &dyn Fn(&str) -> bool,
) -> bool {
    after.errors.is_empty()
        && shape(&before.file) == shape(&after.file)
        && comment_texts(source, &before.comments) == comment_texts(formatted, &after.comments)
        && token_words(source, is_unit) == token_words(formatted, is_unit)
}

/// The dumped tree without spans, doc lines without trailing whitespace.
pub(crate) fn shape(file: &SourceFile) -> String {
    let mut file = file.clone();
    file.docs = file.docs.as_deref().map(trim_lines);
    for item in &mut file.items {
        item.docs = item.docs.as_deref().map(trim_lines);
        let body = match &mut item.kind {
            ItemKind::Decl(decl) => decl.body.as_mut(),
            ItemKind::Template(template) => template.body.as_mut(),
            _ => None,
        };
        if let Some(body) = body {
            trim_body_docs(body);
        }
    }
    strip_spans(&crate::dump(&file))
}

fn trim_body_docs(body: &mut Body) {
    for member in &mut body.members {
        member.docs = member.docs.as_deref().map(trim_lines);
        match &mut member.kind {
            MemberKind::Record { body, .. } | MemberKind::Nested { body: Some(body), .. } => {
                trim_body_docs(body);
            }
            _ => {}
        }
    }
}

/// Every line of `text` without trailing whitespace, and `\r\n` read as `\n`.
fn trim_lines(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').map(str::trim_end).collect();
    lines.join("\n")
}

/// A dump with every `@start..end` removed.
fn strip_spans(dump: &str) -> String {
    let mut out = String::with_capacity(dump.len());
    let mut rest = dump;
    while let Some(at) = rest.find('@') {
        out.push_str(&rest[..at]);
        let after = &rest[at + 1..];
        let digits = |text: &str| text.bytes().take_while(u8::is_ascii_digit).count();
        let first = digits(after);
        let second =
            after.get(first..).filter(|tail| tail.starts_with("..")).map(|tail| digits(&tail[2..]));
        match second {
            Some(second) if first > 0 && second > 0 => rest = &after[first + 2 + second..],
            _ => {
                out.push('@');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The kind and normalized text of every comment.
pub(crate) fn comment_texts(source: &str, comments: &[Comment]) -> Vec<(CommentKind, String)> {
    comments
        .iter()
        .map(|comment| (comment.kind, trim_lines(&comment_text(source, comment))))
        .collect()
}

/// Every token but newlines and separators, as text.
fn token_words(source: &str, is_unit: &dyn Fn(&str) -> bool) -> Vec<String> {
    lexer::lex(source, is_unit)
        .tokens
        .iter()
        .filter(|(_, token, _)| !matches!(token, Token::Newline | Token::Comma | Token::Semicolon))
        .map(|(_, token, _)| token.to_string())
        .collect()
}

/// A comment's text as it will be written: `\r\n` inside a block comment becomes `\n`.
fn comment_text(source: &str, comment: &Comment) -> String {
    source.get(comment.span.range()).unwrap_or("").replace("\r\n", "\n")
}

/// Removes trailing whitespace from every line, blank lines at the end, and ends the text with
/// one newline (an empty file stays empty).
fn finish(text: &str) -> String {
    let lines: Vec<&str> = text.split('\n').map(str::trim_end).collect();
    let joined = lines.join("\n");
    let body = joined.trim_end_matches('\n');
    if body.is_empty() { String::new() } else { format!("{body}\n") }
}

/// A token the formatter writes: where it was and how it is spelled.
#[derive(Clone, Debug)]
struct Tok {
    start: usize,
    end: usize,
    token: Token,
    /// The text to write: the source text, but a quantity's unit without spaces or comments.
    text: String,
}

/// What the tree says about a token whose spacing depends on it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Plain,
    /// A unary `-`: no space after it.
    UnaryMinus,
    /// The `<` or `>` around a type's arguments: no space around `<`, none before `>`.
    TypeAngle,
    /// The `:` between a parameter and its type: no space before it.
    ParamColon,
    /// The `(` of a call, a template's parameters or a base's arguments: no space before it. Its
    /// list may be broken one element per line.
    CallParen,
    /// The `(` of a tuple or the `[` of a list: its list may be broken one element per line (the
    /// parentheses around a single expression may not, since a trailing comma would make a tuple).
    ListOpen,
    /// The `,` of a one-element tuple `(x,)`, which makes it a tuple: never dropped.
    KeepComma,
}

struct Formatter<'a> {
    source: &'a str,
    tokens: Vec<Tok>,
    roles: Vec<Role>,
    comments: &'a [Comment],
}

impl Formatter<'_> {
    // Token and comment lookup.

    /// The index of the first token starting at or after `offset`.
    fn at(&self, offset: u32) -> usize {
        self.tokens.partition_point(|token| token.start < offset as usize)
    }

    /// The token indices inside `span`.
    fn range(&self, span: Span) -> Range<usize> {
        let start = self.at(span.start);
        start..self.at(span.end).max(start)
    }

    /// The index of the first comment starting at or after `offset`.
    fn comment_at(&self, offset: usize) -> usize {
        self.comments.partition_point(|comment| (comment.span.start as usize) < offset)
    }

    /// The comments after the end of token `index - 1` and before the start of token `index`. A
    /// comment inside a quantity (`50 /* c */ s`) is not among them: it is part of the quantity's
    /// text, so that it stays between the number and the unit.
    fn comments_before(&self, index: usize) -> &[Comment] {
        let from = match index.checked_sub(1).and_then(|previous| self.tokens.get(previous)) {
            Some(previous) => self.comment_at(previous.end),
            None => 0,
        };
        let to = self
            .tokens
            .get(index)
            .map_or(self.comments.len(), |token| self.comment_at(token.start));
        self.comments.get(from..to.max(from)).unwrap_or(&[])
    }

    /// Whether a comment lies strictly inside the token range: between two of its tokens, or
    /// inside one of its quantities.
    fn has_comments(&self, range: &Range<usize>) -> bool {
        let (Some(first), Some(last)) = (
            self.tokens.get(range.start),
            range.end.checked_sub(1).and_then(|at| self.tokens.get(at)),
        ) else {
            return false;
        };
        self.comment_at(first.end) < self.comment_at(last.end)
    }

    /// The number of line breaks in the source between two offsets (none when they are reversed).
    fn newlines(&self, from: usize, to: usize) -> usize {
        self.source.get(from..to).map_or(0, |text| text.matches('\n').count())
    }

    /// Whether a line break outside comments separates tokens `index` and `index + 1`: one the
    /// lexer saw as a newline token.
    fn newline_token_after(&self, index: usize) -> bool {
        let (Some(token), Some(next)) = (self.tokens.get(index), self.tokens.get(index + 1)) else {
            return false;
        };
        let mut at = token.end;
        for comment in self.comments_before(index + 1) {
            let start = comment.span.start as usize;
            if start >= at && self.newlines(at, start) > 0 {
                return true;
            }
            at = at.max(comment.span.end as usize);
        }
        self.newlines(at, next.start) > 0
    }

    /// Whether the line break between tokens `index` and `index + 1` must stay, because joining
    /// the lines would extend a unit expression: `12 m` then a line break then `/ s`.
    fn keep_line_break(&self, index: usize) -> bool {
        let kind =
            |at: Option<usize>| at.and_then(|at| self.tokens.get(at)).map(|token| &token.token);
        let quantity = |at: Option<usize>| matches!(kind(at), Some(Token::Quantity(_)));
        let continues = match (kind(Some(index)), kind(index.checked_add(1))) {
            (Some(Token::Quantity(_)), Some(Token::Slash | Token::Star | Token::Caret)) => true,
            (Some(Token::Slash | Token::Star | Token::Caret), _) => quantity(index.checked_sub(1)),
            (Some(Token::Minus), _) => {
                matches!(kind(index.checked_sub(1)), Some(Token::Caret))
                    && quantity(index.checked_sub(2))
            }
            _ => false,
        };
        continues && self.newline_token_after(index)
    }
}

mod print;
mod roles;

#[cfg(test)]
mod tests;
