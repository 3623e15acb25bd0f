//! The lexer: from source text to the token vector the grammar reads.
//!
//! Lexing runs in four small passes over a vector, each simple enough to read on its own:
//!
//! 1. **Scanning.** A [`logos`] automaton cuts the text into raw tokens. Whitespace other than a
//!    newline, `// comments` and nested `/* block comments */` are skipped here. Doc comments are
//!    kept: `///` documents the next item or member, `//!` documents the file. Strings are cooked
//!    (their escapes `\"`, `\\` and `\n` processed) and numbers are read into an [`ast::Number`].
//!    A character that starts no token, an unterminated string or block comment, an unknown escape
//!    and a number an `f64` does not hold (too large, or not zero but too close to zero) are
//!    recorded as [`SyntaxError`]s and scanning goes on,
//!    so a lexical slip costs one error and never the rest of the file. A letter outside ASCII
//!    (`ü` in `qüelle`) is such a character, and it is joined with the word around it into one
//!    identifier, so that the name it broke does not break its declaration and every use of it.
//!
//! 2. **Unit literals.** A number may be directly followed by a unit expression: `12 m`,
//!    `0.4 m/s`, `8 m/s^2`, `1200 EUR/h`, `3 %`. The grammar could not decide where such an
//!    expression ends, because `/` and `*` are also arithmetic and unit names are not reserved (a
//!    component may be called `s`). So the decision is made here, once, by a rule that needs no
//!    context beyond the caller's list of unit names:
//!
//!    - After a number, the next identifier (or `%`) on the same line is *always* the first unit
//!      factor. Juxtaposition means nothing else in the language, so `12 metres` is a quantity
//!      whose unit the compiler will report as unknown, rather than a confusing parse error.
//!    - After that, `/ NAME` or `* NAME` continues the unit only when `NAME` is a unit name
//!      according to the caller's predicate.
//!    - Each factor may carry an integer power `^n` or `^-n`.
//!    - The unit ends at the first token that does not continue it.
//!
//!    Hence `1 s / 3` is one second divided by three, `12 m / 0.4 m/s` is `(12 m) / (0.4 m/s)`
//!    and `2 s * spots` is `(2 s) * spots` when `spots` is not a unit. A unit never starts with
//!    `/`: `60 /h` is sixty divided by whatever `h` names (write `60 parts/h`). The number and
//!    its unit become one [`Token::Quantity`] carrying the number and an [`ast::UnitExpr`], in
//!    which each factor's power has the sign of the `/` before it folded in (`m/s^2` is
//!    `m^1 s^-2`). A name used as a unit stays an ordinary identifier everywhere else.
//!
//! 3. **Docs.** Doc comments are taken out of the token stream and kept in a table keyed by the
//!    start of the token that follows them, so that the grammar attaches them to whatever item or
//!    member starts there and a doc comment in an odd place is harmless. `//!` lines before the
//!    first token are the file's documentation. The marker and one following space are stripped
//!    and lines are joined with `\n`.
//!
//!    Every comment, doc or not, is also listed in a side table ([`Lexed::comments`]) with its
//!    span and kind. The tree never holds comments; the formatter puts them back by position,
//!    between the same two tokens they were written between.
//!
//! 4. **Layout.** Newlines separate fields and statements, like `,` and `;`, but only where a
//!    separator makes sense, so this pass drops every newline that cannot be one:
//!
//!    - inside `( … )` and `[ … ]`, where arguments and elements may spread over lines;
//!    - after a token that cannot end a field: `=`, `,`, `;`, `->`, `<-`, a binary operator,
//!      `{`, `(`, `[`, `:`, `..`, `..=`, `of`, `in`, so `x =` may continue on the next line
//!      (but `of` or `in` where a name stands, `cycle = in`, is a keyword written as a name,
//!      which the grammar reads as that name, and may end a field);
//!    - before `->`, so a flow may continue on the next line starting with `->`, and before
//!      `{`, so a brace may open on the line after its item;
//!    - at the start of the file; and runs of newlines collapse into one.
//!
//!    A newline before an item keyword followed by a name at the start of a line is kept even
//!    after such a token: that is a new item, not what the line before goes on with.
//!
//!    The same pass balances delimiters, which keeps error recovery local. A `}` closes any `(` or
//!    `[` left open inside its block; the end of the file closes every block still open; and an
//!    item keyword followed by a name (or `import` followed by a string) at the start of a line
//!    (column 0) closes the blocks still open, because that is almost always a new item after a
//!    forgotten `}`. Each delimiter closed this way is reported as
//!    [`SyntaxErrorKind::UnclosedDelimiter`], and the grammar receives an empty (zero-width)
//!    closing token in its place. A closing delimiter with nothing to close is
//!    passed on unchanged: the grammar reports it and skips it.
//!
//!    Last, the pass bounds how deeply the tree can nest. Every level of a tree needs an operator
//!    or an opening delimiter, so counting them per separated segment bounds the depth from the
//!    tokens alone. Delimiters and prefix operators (`((((`, `- - - -`) are bounded by
//!    [`MAX_NESTING`]; binary operators, which a long flat sum chains (`1 ms + 1 ms + …`), by the
//!    far larger [`MAX_OPERATORS`]. Past either, [`SyntaxErrorKind::NestingTooDeep`] or
//!    [`SyntaxErrorKind::TooManyOperators`] is reported and the rest of the item is not read
//!    ([`Lexed::unread`]); reading resumes at the next item that starts a line. Without the
//!    bounds, a few kilobytes of `((((` would build a tree too deep for the recursive passes over
//!    it (and for dropping it) to fit on the stack, which [`STACK_SIZE`] is the size of.

use std::collections::BTreeMap;
use std::fmt;

use logos::{Filter, Logos};

use crate::ast::{Ident, Number, Span, UnitExpr, UnitFactor};
use crate::error::{SyntaxError, SyntaxErrorKind};

/// The result of lexing a whole file.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Lexed {
    /// The tokens the grammar reads, after unit gluing and layout, with delimiters balanced.
    pub tokens: Vec<Spanned>,
    /// `///` documentation, keyed by the start offset of the token that follows it.
    pub docs: BTreeMap<usize, String>,
    /// The `//!` documentation at the top of the file.
    pub file_docs: Option<String>,
    /// Lexical errors and unclosed delimiters, in source order.
    pub errors: Vec<SyntaxError>,
    /// Every comment of the file (plain, block and doc comments), in source order.
    pub comments: Vec<Comment>,
    /// The text left unread: from a token past the bounds on depth (reported) to the next item
    /// that starts a line, or to the end of the file.
    pub unread: Vec<Span>,
}

/// A comment as written: where it is and which kind it is. Its text is the source in `span`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Comment {
    /// From the first `/` to the end of the line (without a carriage return) for a line comment,
    /// or to the closing `*/` for a block comment (to the end of the file when unterminated).
    pub span: Span,
    pub kind: CommentKind,
}

/// The kinds of comment.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum CommentKind {
    /// `// …`, and `//// …` (four slashes make a plain comment).
    Line,
    /// `/* … */`, possibly nested and over several lines.
    Block,
    /// `/// …`: documents the next item or member.
    Doc,
    /// `//! …`: documents the file when it comes before the first token.
    FileDoc,
}

/// What the logos callbacks record besides tokens: lexical errors and comments. Public only
/// because the automaton derived on [`Token`] names it; [`lex`] hands both out in [`Lexed`].
#[derive(Default, Debug)]
pub struct Extras {
    errors: Vec<SyntaxError>,
    comments: Vec<Comment>,
}

/// Lexes `text`, using `is_unit` to decide whether a word after `/` or `*` continues a unit
/// expression (see the module documentation).
pub fn lex(text: &str, is_unit: &dyn Fn(&str) -> bool) -> Lexed {
    let mut errors = Vec::new();
    if let Some(at) =
        text.match_indices('\r').map(|(at, _)| at).find(|&at| !text[at + 1..].starts_with('\n'))
    {
        errors.push(SyntaxError {
            span: Span::new(at, at + 1),
            kind: SyntaxErrorKind::LoneCarriageReturn,
        });
    }
    let scanned = scan(text, &mut errors);
    let joined = join_foreign_letters(text, scanned.tokens, &errors);
    let glued = glue_units(joined, is_unit);
    let mut unread = Vec::new();
    let tokens = layout(text, glued, &mut errors, &mut unread);
    errors.sort_by_key(|error| (error.span.start, error.span.end));
    let comments = scanned.comments;
    Lexed { tokens, docs: scanned.docs, file_docs: scanned.file_docs, errors, comments, unread }
}

/// A token as the grammar sees it, between its start and end byte offsets.
pub type Spanned = (usize, Token, usize);

/// The words that are keywords, in the order of [`Token`]: each lexes as its own token, never as
/// an [`Token::Ident`], so none can name a declaration. Messages list them from here; a test
/// holds this list to the grammar's terminals and to the language reference.
pub const KEYWORDS: [&str; 30] = [
    "import",
    "product",
    "source",
    "station",
    "buffer",
    "conveyor",
    "robot",
    "transport",
    "sink",
    "resource",
    "component",
    "flow",
    "route",
    "experiment",
    "scenario",
    "optimize",
    "sensitivity",
    "sync",
    "failure",
    "maintenance",
    "costs",
    "of",
    "in",
    "vary",
    "minimize",
    "maximize",
    "subject",
    "to",
    "true",
    "false",
];

/// A token of `.fab`, after unit gluing. Comments and doc comments never appear as tokens.
///
/// The logos automaton is derived on this type: each variant carries the pattern it is cut from.
/// Lexical errors and comments go to the lexer's extras, so that a callback can report an error
/// and still produce a token, and so that skipped comments are still listed.
#[derive(Logos, Clone, PartialEq, Debug)]
#[logos(extras = Extras)]
#[logos(skip r"[ \t\r\f]+")]
#[logos(skip(r"/\*", callback = block_comment))]
pub enum Token {
    /// An identifier that is not a keyword: `weld`, `b1`, `Duration`, `s`.
    #[regex(r"[A-Za-z_][A-Za-z0-9_]*", |lexer| lexer.slice().to_owned())]
    Ident(String),
    /// A number with no unit after it.
    #[regex(r"[0-9][0-9_]*(\.[0-9][0-9_]*)?([eE][+-]?[0-9][0-9_]*)?", number)]
    Number(Number),
    /// A number directly followed by a unit expression: `12 m`, `0.4 m/s`, `3 %`. Made by the
    /// unit pass, never by the automaton.
    Quantity(QuantityLiteral),
    /// A string literal's value, with its escapes processed.
    #[token("\"", string)]
    String(String),
    /// A newline that separates fields or statements (see the module documentation).
    #[token("\n")]
    Newline,
    /// A `///` or `//!` line. Taken out of the stream by [`lex`], so never in [`Lexed::tokens`].
    #[regex(r"//[^\n]*", line_comment, allow_greedy = true)]
    DocComment(DocComment),
    /// `import`
    #[token("import")]
    Import,
    /// `product`
    #[token("product")]
    Product,
    /// `source`
    #[token("source")]
    Source,
    /// `station`
    #[token("station")]
    Station,
    /// `buffer`
    #[token("buffer")]
    Buffer,
    /// `conveyor`
    #[token("conveyor")]
    Conveyor,
    /// `robot`
    #[token("robot")]
    Robot,
    /// `transport`
    #[token("transport")]
    Transport,
    /// `sink`
    #[token("sink")]
    Sink,
    /// `resource`
    #[token("resource")]
    Resource,
    /// `component`
    #[token("component")]
    Component,
    /// `flow`
    #[token("flow")]
    Flow,
    /// `route`
    #[token("route")]
    Route,
    /// `experiment`
    #[token("experiment")]
    Experiment,
    /// `scenario`
    #[token("scenario")]
    Scenario,
    /// `optimize`
    #[token("optimize")]
    Optimize,
    /// `sensitivity`
    #[token("sensitivity")]
    Sensitivity,
    /// `sync`
    #[token("sync")]
    Sync,
    /// `failure`
    #[token("failure")]
    Failure,
    /// `maintenance`
    #[token("maintenance")]
    Maintenance,
    /// `costs`
    #[token("costs")]
    Costs,
    /// `of`
    #[token("of")]
    Of,
    /// `in`
    #[token("in")]
    In,
    /// `vary`
    #[token("vary")]
    Vary,
    /// `minimize`
    #[token("minimize")]
    Minimize,
    /// `maximize`
    #[token("maximize")]
    Maximize,
    /// `subject`
    #[token("subject")]
    Subject,
    /// `to`
    #[token("to")]
    To,
    /// `true`
    #[token("true")]
    True,
    /// `false`
    #[token("false")]
    False,
    /// `{`
    #[token("{")]
    LeftBrace,
    /// `}`
    #[token("}")]
    RightBrace,
    /// `(`
    #[token("(")]
    LeftParen,
    /// `)`
    #[token(")")]
    RightParen,
    /// `[`
    #[token("[")]
    LeftBracket,
    /// `]`
    #[token("]")]
    RightBracket,
    /// `=`
    #[token("=")]
    Equals,
    /// `,`
    #[token(",")]
    Comma,
    /// `;`
    #[token(";")]
    Semicolon,
    /// `.`
    #[token(".")]
    Dot,
    /// `:`
    #[token(":")]
    Colon,
    /// `->`
    #[token("->")]
    Arrow,
    /// `<-`
    #[token("<-")]
    LeftArrow,
    /// `..`
    #[token("..")]
    DotDot,
    /// `..=`
    #[token("..=")]
    DotDotEquals,
    /// `+`
    #[token("+")]
    Plus,
    /// `-`
    #[token("-")]
    Minus,
    /// `*`
    #[token("*")]
    Star,
    /// `/`
    #[token("/")]
    Slash,
    /// `^`
    #[token("^")]
    Caret,
    /// `%`
    #[token("%")]
    Percent,
    /// `<`
    #[token("<")]
    Less,
    /// `<=`
    #[token("<=")]
    LessEquals,
    /// `>`
    #[token(">")]
    Greater,
    /// `>=`
    #[token(">=")]
    GreaterEquals,
    /// `==`
    #[token("==")]
    EqualsEquals,
}

impl Token {
    /// Whether this is an operator between two operands: arithmetic, a comparison or a range
    /// (`-` is also the unary minus).
    pub fn is_binary_operator(&self) -> bool {
        matches!(
            self,
            Token::Plus
                | Token::Minus
                | Token::Star
                | Token::Slash
                | Token::Caret
                | Token::Less
                | Token::LessEquals
                | Token::Greater
                | Token::GreaterEquals
                | Token::EqualsEquals
                | Token::DotDot
                | Token::DotDotEquals
        )
    }

    /// Whether a newline after this token is dropped because the token cannot end a field.
    pub fn continues_on_next_line(&self) -> bool {
        self.is_binary_operator()
            || matches!(
                self,
                Token::Equals
                    | Token::Comma
                    | Token::Semicolon
                    | Token::Arrow
                    | Token::LeftArrow
                    | Token::LeftBrace
                    | Token::LeftParen
                    | Token::LeftBracket
                    | Token::Colon
                    | Token::Of
                    | Token::In
            )
    }

    /// Whether this keyword opens a top-level item.
    fn starts_item(&self) -> bool {
        matches!(
            self,
            Token::Import
                | Token::Product
                | Token::Source
                | Token::Station
                | Token::Buffer
                | Token::Conveyor
                | Token::Robot
                | Token::Transport
                | Token::Sink
                | Token::Resource
                | Token::Component
                | Token::Flow
                | Token::Route
                | Token::Experiment
                | Token::Scenario
                | Token::Optimize
                | Token::Sensitivity
                | Token::Sync
        )
    }
}

impl fmt::Display for Token {
    /// Writes the token as it would be written in source (a canonical spelling for numbers and
    /// quantities, the quoted value for strings, `\n` for a newline).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            Token::Ident(name) => return f.write_str(name),
            Token::Number(number) => return f.write_str(&number.text),
            Token::Quantity(quantity) => {
                return write!(f, "{} {}", quantity.value.text, quantity.unit.display());
            }
            Token::String(value) => return write!(f, "{value:?}"),
            Token::Newline => "\n",
            Token::DocComment(doc) => {
                return write!(f, "{} {}", if doc.inner { "//!" } else { "///" }, doc.text);
            }
            Token::Import => "import",
            Token::Product => "product",
            Token::Source => "source",
            Token::Station => "station",
            Token::Buffer => "buffer",
            Token::Conveyor => "conveyor",
            Token::Robot => "robot",
            Token::Transport => "transport",
            Token::Sink => "sink",
            Token::Resource => "resource",
            Token::Component => "component",
            Token::Flow => "flow",
            Token::Route => "route",
            Token::Experiment => "experiment",
            Token::Scenario => "scenario",
            Token::Optimize => "optimize",
            Token::Sensitivity => "sensitivity",
            Token::Sync => "sync",
            Token::Failure => "failure",
            Token::Maintenance => "maintenance",
            Token::Costs => "costs",
            Token::Of => "of",
            Token::In => "in",
            Token::Vary => "vary",
            Token::Minimize => "minimize",
            Token::Maximize => "maximize",
            Token::Subject => "subject",
            Token::To => "to",
            Token::True => "true",
            Token::False => "false",
            Token::LeftBrace => "{",
            Token::RightBrace => "}",
            Token::LeftParen => "(",
            Token::RightParen => ")",
            Token::LeftBracket => "[",
            Token::RightBracket => "]",
            Token::Equals => "=",
            Token::Comma => ",",
            Token::Semicolon => ";",
            Token::Dot => ".",
            Token::Colon => ":",
            Token::Arrow => "->",
            Token::LeftArrow => "<-",
            Token::DotDot => "..",
            Token::DotDotEquals => "..=",
            Token::Plus => "+",
            Token::Minus => "-",
            Token::Star => "*",
            Token::Slash => "/",
            Token::Caret => "^",
            Token::Percent => "%",
            Token::Less => "<",
            Token::LessEquals => "<=",
            Token::Greater => ">",
            Token::GreaterEquals => ">=",
            Token::EqualsEquals => "==",
        };
        f.write_str(text)
    }
}

/// A number with its unit, as carried by [`Token::Quantity`].
#[derive(Clone, PartialEq, Debug)]
pub struct QuantityLiteral {
    /// The number as written.
    pub value: Number,
    /// The unit after it, with the span of its factors.
    pub unit: UnitExpr,
}

/// A doc comment line, as carried by [`Token::DocComment`].
#[derive(Clone, PartialEq, Debug)]
pub struct DocComment {
    /// `true` for `//!` (documents the file), `false` for `///` (documents the next item).
    pub inner: bool,
    /// The line without its marker, one following space and a trailing carriage return.
    pub text: String,
}

/// Keeps `///` and `//!` lines as doc comments and skips every other line comment. `////…` is a
/// plain comment, as in Rust. Every line comment is listed in the comment table.
fn line_comment(lexer: &mut logos::Lexer<Token>) -> Filter<DocComment> {
    let slice = lexer.slice();
    let inner = slice.starts_with("//!");
    let doc = slice.starts_with("///") && !slice.starts_with("////");
    let kind = match (inner, doc) {
        (true, _) => CommentKind::FileDoc,
        (false, true) => CommentKind::Doc,
        (false, false) => CommentKind::Line,
    };
    let written = slice.strip_suffix('\r').unwrap_or(slice);
    let start = lexer.span().start;
    let span = Span::new(start, start + written.len());
    lexer.extras.comments.push(Comment { span, kind });
    if kind == CommentKind::Line {
        return Filter::Skip;
    }
    let text = slice.get(3..).unwrap_or("");
    let text = text.strip_prefix(' ').unwrap_or(text);
    let text = text.strip_suffix('\r').unwrap_or(text);
    Filter::Emit(DocComment { inner, text: text.to_owned() })
}

/// Skips a block comment, counting nested `/*` and `*/`, and lists it in the comment table. An
/// unterminated one runs to the end of the file and is reported at its opening `/*`.
fn block_comment(lexer: &mut logos::Lexer<Token>) {
    let rest = lexer.remainder().as_bytes();
    let start = lexer.span().start;
    let mut depth = 1usize;
    let mut index = 0;
    while index < rest.len() {
        match (rest[index], rest.get(index + 1)) {
            (b'/', Some(b'*')) => {
                depth += 1;
                index += 2;
            }
            (b'*', Some(b'/')) => {
                depth -= 1;
                index += 2;
                if depth == 0 {
                    lexer.bump(index);
                    let span = Span::new(start, lexer.span().end);
                    lexer.extras.comments.push(Comment { span, kind: CommentKind::Block });
                    return;
                }
            }
            _ => index += 1,
        }
    }
    let opener = Span::new(start, lexer.span().end);
    lexer
        .extras
        .errors
        .push(SyntaxError { span: opener, kind: SyntaxErrorKind::UnterminatedComment });
    lexer.bump(rest.len());
    let span = Span::new(start, lexer.span().end);
    lexer.extras.comments.push(Comment { span, kind: CommentKind::Block });
}

/// Reads a string literal from its opening quote to its closing one, processing escapes. A string
/// with no closing quote ends before the end of its line, and is reported.
fn string(lexer: &mut logos::Lexer<Token>) -> String {
    // Offsets below are relative to `rest`, which starts one byte after the opening quote.
    let start = lexer.span().start + 1;
    let rest = lexer.remainder();
    let mut value = String::new();
    let mut chars = rest.char_indices().peekable();
    let mut stop = rest.len();
    while let Some((offset, character)) = chars.next() {
        match character {
            '"' => {
                lexer.bump(offset + 1);
                return value;
            }
            '\n' => {
                stop = offset;
                break;
            }
            '\\' => {
                // A backslash at the end of the line or file escapes nothing; the loop stops next.
                let Some(&(escaped_offset, escaped)) = chars.peek() else { continue };
                if escaped == '\n' {
                    continue;
                }
                chars.next();
                match escaped {
                    '"' => value.push('"'),
                    '\\' => value.push('\\'),
                    'n' => value.push('\n'),
                    other => {
                        let end = start + escaped_offset + other.len_utf8();
                        let span = Span::new(start + offset, end);
                        lexer
                            .extras
                            .errors
                            .push(SyntaxError { span, kind: SyntaxErrorKind::InvalidEscape });
                        value.push('\\');
                        value.push(other);
                    }
                }
            }
            other => value.push(other),
        }
    }
    lexer.bump(stop);
    let span = Span::new(start - 1, start + stop);
    lexer.extras.errors.push(SyntaxError { span, kind: SyntaxErrorKind::UnterminatedString });
    value
}

/// Reads a numeric literal. A literal an `f64` does not hold ([`Number::is_representable`]) is
/// reported, too large or too close to zero, and keeps the value it rounded to (infinity, zero or
/// a subnormal), so that the tree still holds what was written.
fn number(lexer: &mut logos::Lexer<Token>) -> Number {
    let slice = lexer.slice();
    let digits: String = slice.chars().filter(|&character| character != '_').collect();
    // The pattern only matches what `f64` parses; a failure would be a bug, reported as too large.
    let value = digits.parse::<f64>().unwrap_or(f64::INFINITY);
    let is_integer = !slice.contains(['.', 'e', 'E']);
    let number = Number { value, text: slice.to_owned(), is_integer };
    if !number.is_representable() {
        let span = Span::new(lexer.span().start, lexer.span().end);
        let kind = if value.is_finite() {
            SyntaxErrorKind::TinyNumber
        } else {
            SyntaxErrorKind::InvalidNumber
        };
        lexer.extras.errors.push(SyntaxError { span, kind });
    }
    number
}

/// The output of the scanning pass.
struct Scanned {
    tokens: Vec<Spanned>,
    docs: BTreeMap<usize, String>,
    file_docs: Option<String>,
    comments: Vec<Comment>,
}

/// Passes 1 and 3: cuts the text into tokens and takes doc comments aside.
fn scan(text: &str, errors: &mut Vec<SyntaxError>) -> Scanned {
    // Room for a token per 3 bytes, allocated once: the densest models (the generated benchmark
    // lines) hold one per 3.8 bytes, the examples one per 5 to 9. Growing instead copied the
    // vector a dozen times, 2 MB of tokens for a 1,000-station line.
    let mut tokens: Vec<Spanned> = Vec::with_capacity(text.len() / 3);
    let mut docs = BTreeMap::new();
    let mut file_docs: Vec<String> = Vec::new();
    let mut pending_docs: Vec<String> = Vec::new();
    let mut lexer = Token::lexer(text);
    // A byte-order mark, which editors on Windows write at the start of UTF-8 files, is not text.
    if text.starts_with('\u{feff}') {
        lexer.bump('\u{feff}'.len_utf8());
    }
    while let Some(result) = lexer.next() {
        errors.append(&mut lexer.extras.errors);
        let span = lexer.span();
        let token = match result {
            Ok(Token::DocComment(doc)) if doc.inner => {
                if tokens.iter().all(|(_, token, _)| matches!(token, Token::Newline)) {
                    file_docs.push(doc.text);
                }
                continue;
            }
            Ok(Token::DocComment(doc)) => {
                pending_docs.push(doc.text);
                continue;
            }
            Ok(token) => token,
            Err(()) => {
                push_invalid_character(errors, span);
                continue;
            }
        };
        if !matches!(token, Token::Newline) && !pending_docs.is_empty() {
            docs.insert(span.start, pending_docs.join("\n"));
            pending_docs.clear();
        }
        tokens.push((span.start, token, span.end));
    }
    errors.append(&mut lexer.extras.errors);
    let file_docs = if file_docs.is_empty() { None } else { Some(file_docs.join("\n")) };
    let comments = std::mem::take(&mut lexer.extras.comments);
    Scanned { tokens, docs, file_docs, comments }
}

/// Records an invalid character, merging it with an invalid character right before it so that a
/// run of them is one error.
fn push_invalid_character(errors: &mut Vec<SyntaxError>, span: std::ops::Range<usize>) {
    let span = Span::new(span.start, span.end);
    if let Some(last) = errors.last_mut()
        && last.kind == SyntaxErrorKind::InvalidCharacter
        && last.span.end == span.start
    {
        last.span = last.span.cover(span);
        return;
    }
    errors.push(SyntaxError { span, kind: SyntaxErrorKind::InvalidCharacter });
}

/// Joins each run of letters outside ASCII (`ü`, `ß`, `é`), which starts no token and is reported
/// as an invalid character, with the word written right before and after it into one identifier:
/// `qüelle` is read as the name `qüelle`, its `ü` still an error. Left apart, `q` and `elle` were
/// two words side by side, and the declaration they broke, and every use of its name, made errors
/// of their own that hid the one to fix (ten errors for one `ü`). Other invalid characters (`$`,
/// `€`) are skipped as before.
fn join_foreign_letters(text: &str, tokens: Vec<Spanned>, errors: &[SyntaxError]) -> Vec<Spanned> {
    let mut letters = errors
        .iter()
        .filter(|error| error.kind == SyntaxErrorKind::InvalidCharacter)
        .map(|error| (error.span.start as usize, error.span.end as usize))
        .filter(|&(start, end)| {
            text.get(start..end).is_some_and(|run| run.chars().all(char::is_alphabetic))
        })
        .peekable();
    if letters.peek().is_none() {
        return tokens;
    }
    // A name or keyword as written: ASCII letters, digits and `_`, not starting with a digit.
    let is_word = |start: usize, end: usize| {
        text.get(start..end).is_some_and(|word| {
            word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
                && word.bytes().next().is_some_and(|b| !b.is_ascii_digit())
        })
    };
    let mut joined: Vec<Spanned> = Vec::with_capacity(tokens.len());
    // Where the last joined name ends: a word that starts there continues it (digits included).
    let mut open: Option<usize> = None;
    let join =
        |joined: &mut Vec<Spanned>, open: &mut Option<usize>, (start, end): (usize, usize)| {
            match joined.last_mut() {
                Some((first, token, last))
                    if *open == Some(start) || (*last == start && is_word(*first, *last)) =>
                {
                    *token = Token::Ident(text[*first..end].to_owned());
                    *last = end;
                }
                _ => joined.push((start, Token::Ident(text[start..end].to_owned()), end)),
            }
            *open = Some(end);
        };
    for (start, token, end) in tokens {
        while let Some(run) = letters.next_if(|&(run_start, _)| run_start <= start) {
            join(&mut joined, &mut open, run);
        }
        let continues = open == Some(start)
            && text.get(start..end).is_some_and(|word| {
                !word.is_empty() && word.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_')
            });
        if continues {
            join(&mut joined, &mut open, (start, end));
        } else {
            joined.push((start, token, end));
            open = None;
        }
    }
    for run in letters {
        join(&mut joined, &mut open, run);
    }
    joined
}

/// Pass 2: turns each number directly followed by a unit expression into one quantity token.
fn glue_units(mut tokens: Vec<Spanned>, is_unit: &dyn Fn(&str) -> bool) -> Vec<Spanned> {
    let mut glued = Vec::with_capacity(tokens.len());
    let mut index = 0;
    while index < tokens.len() {
        if let (start, Token::Number(number), _) = &tokens[index]
            && let Some((unit, next)) = unit_after(&tokens, index + 1, is_unit)
        {
            let unit_end = unit.span.end as usize;
            let quantity = QuantityLiteral { value: number.clone(), unit };
            glued.push((*start, Token::Quantity(quantity), unit_end));
            index = next;
            continue;
        }
        // Moved out rather than cloned: only the tokens after `index` are read again.
        let (start, token, end) = &mut tokens[index];
        glued.push((*start, std::mem::replace(token, Token::Newline), *end));
        index += 1;
    }
    glued
}

/// The unit expression starting at token `at`, if any, and the index of the first token after it.
fn unit_after(
    tokens: &[Spanned],
    at: usize,
    is_unit: &dyn Fn(&str) -> bool,
) -> Option<(UnitExpr, usize)> {
    let first = unit_name(tokens.get(at))?;
    let (power, mut next) = power_after(tokens, at + 1);
    let mut span = first.span;
    let mut factors = vec![UnitFactor { name: first, power }];
    span = span.cover(power_span(tokens, at + 1, next).unwrap_or(span));
    loop {
        let sign = match tokens.get(next) {
            Some((_, Token::Slash, _)) => -1,
            Some((_, Token::Star, _)) => 1,
            _ => break,
        };
        let Some(name) = unit_name(tokens.get(next + 1)) else { break };
        if !is_unit(&name.name) {
            break;
        }
        let (power, after) = power_after(tokens, next + 2);
        span = span.cover(name.span);
        span = span.cover(power_span(tokens, next + 2, after).unwrap_or(span));
        let Some(power) = power.checked_mul(sign) else { break };
        factors.push(UnitFactor { name, power });
        next = after;
    }
    Some((UnitExpr { factors, span }, next))
}

/// A token that can name a unit: an identifier or `%`.
fn unit_name(token: Option<&Spanned>) -> Option<Ident> {
    match token? {
        (start, Token::Ident(name), end) => {
            Some(Ident { name: name.clone(), span: Span::new(*start, *end) })
        }
        (start, Token::Percent, end) => {
            Some(Ident { name: "%".to_owned(), span: Span::new(*start, *end) })
        }
        _ => None,
    }
}

/// The power `^n` or `^-n` starting at token `at` and the index after it; `1` when there is none
/// (or when what follows `^` is not an integer that fits an `i32`).
fn power_after(tokens: &[Spanned], at: usize) -> (i32, usize) {
    if !matches!(tokens.get(at), Some((_, Token::Caret, _))) {
        return (1, at);
    }
    let (negative, number_at) = match tokens.get(at + 1) {
        Some((_, Token::Minus, _)) => (true, at + 2),
        _ => (false, at + 1),
    };
    let Some((_, Token::Number(number), _)) = tokens.get(number_at) else { return (1, at) };
    if !number.is_integer {
        return (1, at);
    }
    let digits: String = number.text.chars().filter(|&character| character != '_').collect();
    match digits.parse::<i32>() {
        Ok(power) if negative => (-power, number_at + 1),
        Ok(power) => (power, number_at + 1),
        Err(_) => (1, at),
    }
}

/// The span of the tokens `from..to` (a power), or `None` when the range is empty.
fn power_span(tokens: &[Spanned], from: usize, to: usize) -> Option<Span> {
    if from >= to {
        return None;
    }
    Some(Span::new(tokens[from].0, tokens[to - 1].2))
}

/// The deepest nesting the lexer lets through: levels of brackets, braces and type arguments, and
/// prefix operators (`- - x`). With [`MAX_OPERATORS`], it bounds how deep the syntax tree can be
/// (see [`layout`]): past it, the rest of the item is not read, because the recursive passes over
/// the tree (and dropping it) would otherwise exhaust the stack.
pub const MAX_NESTING: usize = 256;

/// The most binary operators (arithmetic, comparisons, ranges and `of`) an expression may chain:
/// `a + b + c` is a tree as deep as its operators are many, each a level nested in the next, so a
/// long flat sum is bounded too, but far less tightly than nesting: a sum of a few thousand terms
/// is a generated model, never a reason to refuse one. With [`MAX_NESTING`], a tree is at most
/// 4352 levels deep, which the recursive passes over it fit in [`STACK_SIZE`].
pub const MAX_OPERATORS: usize = 4096;

/// The stack a thread needs to run every pass over the deepest tree the lexer lets through
/// ([`MAX_NESTING`] and [`MAX_OPERATORS`]): parse, check, lower, format. The passes recurse once
/// per level of the tree, and an unoptimized build spends about 10 KiB of stack on each level of
/// an expression in the checker, so the deepest tree needs between 32 and 64 MiB there (far less
/// optimized); the main thread's stack (8 MiB on Linux) and a spawned thread's (2 MiB) hold a few
/// hundred levels. `fab` and its language server run the compiler on threads with this much,
/// four times the need: the pages are only mapped as they are used.
pub const STACK_SIZE: usize = 256 << 20;

/// An open delimiter waiting for its closing partner.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Delimiter {
    Brace,
    Paren,
    Bracket,
}

impl Delimiter {
    fn of(token: &Token) -> Option<Delimiter> {
        match token {
            Token::LeftBrace => Some(Delimiter::Brace),
            Token::LeftParen => Some(Delimiter::Paren),
            Token::LeftBracket => Some(Delimiter::Bracket),
            _ => None,
        }
    }

    fn open_text(self) -> &'static str {
        match self {
            Delimiter::Brace => "{",
            Delimiter::Paren => "(",
            Delimiter::Bracket => "[",
        }
    }

    fn closing_token(self) -> Token {
        match self {
            Delimiter::Brace => Token::RightBrace,
            Delimiter::Paren => Token::RightParen,
            Delimiter::Bracket => Token::RightBracket,
        }
    }
}

/// Two bounds on the depth of a tree, kept apart because they have limits of their own:
/// `nesting` counts the levels that delimiters and prefix operators make, `operators` those that
/// binary operators make. Every level of a tree needs one or the other, so their sum bounds its
/// depth.
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
struct Depth {
    nesting: usize,
    operators: usize,
}

impl Depth {
    const DELIMITER: Depth = Depth { nesting: 1, operators: 0 };
    const PREFIX: Depth = Depth { nesting: 1, operators: 0 };
    const OPERATOR: Depth = Depth { nesting: 0, operators: 1 };

    fn plus(self, other: Depth) -> Depth {
        Depth { nesting: self.nesting + other.nesting, operators: self.operators + other.operators }
    }

    fn minus(self, other: Depth) -> Depth {
        Depth { nesting: self.nesting - other.nesting, operators: self.operators - other.operators }
    }

    fn max(self, other: Depth) -> Depth {
        Depth {
            nesting: self.nesting.max(other.nesting),
            operators: self.operators.max(other.operators),
        }
    }

    /// The bound this depth passes, if any.
    fn too_deep(self) -> Option<SyntaxErrorKind> {
        if self.nesting > MAX_NESTING {
            Some(SyntaxErrorKind::NestingTooDeep { limit: MAX_NESTING })
        } else if self.operators > MAX_OPERATORS {
            Some(SyntaxErrorKind::TooManyOperators { limit: MAX_OPERATORS })
        } else {
            None
        }
    }
}

/// One open delimiter (or the top of the file), with what the bounds need to know about its
/// contents.
struct Group {
    delimiter: Delimiter,
    opened: Span,
    /// The operators in the current segment (since the last separator) of this group.
    operators: Depth,
    /// One level more than the deepest group closed in the current segment.
    child_depth: Depth,
    /// The bound of the deepest segment of this group already finished.
    deepest_segment: Depth,
}

impl Group {
    fn new(delimiter: Delimiter, opened: Span) -> Group {
        Group {
            delimiter,
            opened,
            operators: Depth::default(),
            child_depth: Depth::default(),
            deepest_segment: Depth::default(),
        }
    }

    fn segment_bound(&self) -> Depth {
        self.operators.plus(self.child_depth)
    }
}

/// Pass 4: drops the newlines that cannot separate anything, balances delimiters and bounds the
/// nesting depth.
///
/// The bounds are counted from the tokens alone. Each group (and the top of the file) counts the
/// operators of its current segment, since the last separator, as a tree built from that segment
/// may put all of them on one path; a group closed in the segment adds its own deepest segment,
/// and one level for its delimiter. The depth at a token is the sum over the open groups. A token
/// that takes it past [`MAX_NESTING`] or [`MAX_OPERATORS`] is reported, and the rest of its item
/// is not read: the open delimiters are closed after it (unreported), and the tokens up to the
/// next item that starts a line are dropped and listed in [`Lexed::unread`].
fn layout(
    text: &str,
    tokens: Vec<Spanned>,
    errors: &mut Vec<SyntaxError>,
    unread: &mut Vec<Span>,
) -> Vec<Spanned> {
    let top = Group::new(Delimiter::Brace, Span::default());
    let mut layout = Layout {
        out: Vec::with_capacity(tokens.len()),
        open: Vec::new(),
        top,
        depth: Depth::default(),
    };
    let mut pending_newline: Option<Spanned> = None;
    // While tokens are being dropped: the span of the token where the text stopped being read.
    let mut cut: Option<Span> = None;
    let mut tokens = tokens.into_iter().peekable();
    while let Some((start, token, end)) = tokens.next() {
        let at_line_start = start == 0 || text.as_bytes().get(start - 1) == Some(&b'\n');
        let names_next = match tokens.peek() {
            Some((_, Token::Ident(_), _)) => true,
            Some((_, Token::String(_), _)) => matches!(token, Token::Import),
            _ => false,
        };
        let starts_item_here = token.starts_item() && at_line_start && names_next;
        if let Some(at) = cut {
            if !starts_item_here {
                continue;
            }
            unread.push(Span::new(at.start as usize, start));
            cut = None;
            // The item read next starts a line of its own, after the closing delimiters.
            layout.push((at.end as usize, Token::Newline, at.end as usize));
        }
        if matches!(token, Token::Newline) {
            let inside_group =
                matches!(layout.open.last(), Some(group) if group.delimiter != Delimiter::Brace);
            let continues = goes_on_next_line(&layout.out);
            if !inside_group && !continues && pending_newline.is_none() {
                pending_newline = Some((start, token, end));
            }
            continue;
        }
        // The line before may end with a token that continues on the next line (`flow a ->`,
        // half typed above `sink done`): an item that starts this line ends it all the same, or
        // its keyword would be read as the flow's next stage, a keyword used as a name.
        if starts_item_here
            && pending_newline.is_none()
            && start > 0
            && !layout.out.is_empty()
            && goes_on_next_line(&layout.out)
        {
            pending_newline = Some((start - 1, Token::Newline, start));
        }
        if starts_item_here && !layout.open.is_empty() {
            let at = pending_newline.as_ref().map_or(start, |(newline_start, ..)| *newline_start);
            layout.close_all(at, Some(errors));
        }
        if let Some(newline) = pending_newline.take()
            && !matches!(token, Token::Arrow | Token::LeftBrace)
        {
            layout.push(newline);
        }
        if matches!(token, Token::RightBrace)
            && layout.open.iter().any(|group| group.delimiter == Delimiter::Brace)
        {
            while let Some(group) = layout.open.last()
                && group.delimiter != Delimiter::Brace
            {
                report_unclosed(errors, group.delimiter, group.opened, start);
                layout.push((start, group.delimiter.closing_token(), start));
            }
        }
        layout.push((start, token, end));
        if let Some(kind) = layout.depth.too_deep() {
            errors.push(SyntaxError { span: Span::new(start, end), kind });
            layout.close_all(end, None);
            layout.top = Group::new(Delimiter::Brace, Span::default());
            layout.depth = Depth::default();
            cut = Some(Span::new(start, end));
        }
    }
    if let Some(at) = cut {
        unread.push(Span::new(at.start as usize, text.len()));
    }
    layout.close_all(text.len(), Some(errors));
    layout.out
}

/// Whether what is laid out so far goes on after a line break: it ends with a token that cannot
/// end a field, or is empty. `in` and `of` cannot end one as the operators they are (`vary x in`,
/// `50 s of`), but where a name or an operand starts (see [`name_starts_after`]) one is a keyword
/// written as a name, which the grammar reads as that name (with its error), and a field may end
/// with it: `cycle = in` then a line break is a whole field.
fn goes_on_next_line(out: &[Spanned]) -> bool {
    match out {
        [] => true,
        [before @ .., (_, Token::In | Token::Of, _)] => !name_starts_after(before),
        [.., (_, last, _)] => last.continues_on_next_line(),
    }
}

/// Whether a name or an operand starts after what is laid out so far: at the start of the file
/// or of a line, after a token that cannot end a field (`=`, `(`, `->`, …), after `.`, after a
/// word that an operand or a path follows (`minimize`, `maximize`, `to`, `vary`), and after a
/// keyword that declares, where it starts an item or a member (`failure in`, `sink of`).
fn name_starts_after(out: &[Spanned]) -> bool {
    match out {
        [] => true,
        [.., (_, last, _)]
            if last.continues_on_next_line()
                || matches!(
                    last,
                    Token::Newline
                        | Token::Dot
                        | Token::Minimize
                        | Token::Maximize
                        | Token::To
                        | Token::Vary
                ) =>
        {
            true
        }
        [rest @ .., (_, keyword, _)]
            if keyword.starts_item() || matches!(keyword, Token::Failure | Token::Maintenance) =>
        {
            matches!(rest.last(), None | Some((_, Token::Newline, _)))
                || rest.last().is_some_and(|(_, token, _)| token.continues_on_next_line())
        }
        _ => false,
    }
}

/// The state of the layout pass: the tokens laid out so far and the delimiters still open.
struct Layout {
    out: Vec<Spanned>,
    open: Vec<Group>,
    /// The contents of the file outside every delimiter.
    top: Group,
    /// A bound on the depth of the tree at the current token: the sum over the open groups (and
    /// the top) of their current segment's bound, plus a level per open group.
    depth: Depth,
}

impl Layout {
    fn innermost(&mut self) -> &mut Group {
        self.open.last_mut().unwrap_or(&mut self.top)
    }

    /// Emits `token`, updating the open delimiters and the depth.
    fn push(&mut self, spanned: Spanned) {
        let token = &spanned.1;
        if let Some(delimiter) = Delimiter::of(token) {
            self.open.push(Group::new(delimiter, Span::new(spanned.0, spanned.2)));
            self.depth = self.depth.plus(Depth::DELIMITER);
        } else if let Some(group) = self.open.last()
            && group.delimiter.closing_token() == *token
        {
            self.close_innermost();
        } else if matches!(token, Token::Newline | Token::Comma | Token::Semicolon) {
            let group = self.innermost();
            let bound = group.segment_bound();
            group.deepest_segment = group.deepest_segment.max(bound);
            group.operators = Depth::default();
            group.child_depth = Depth::default();
            self.depth = self.depth.minus(bound);
        } else if let Some(level) = self.level_of(token) {
            let group = self.innermost();
            group.operators = group.operators.plus(level);
            self.depth = self.depth.plus(level);
        }
        self.out.push(spanned);
    }

    /// The level `token` may add to a tree, after the tokens laid out so far: a binary operator,
    /// a range or `of` is an operator; a `-` that follows no operand is a prefix.
    fn level_of(&self, token: &Token) -> Option<Depth> {
        if matches!(token, Token::Minus)
            && !self.out.last().is_some_and(|(_, last, _)| ends_operand(last))
        {
            return Some(Depth::PREFIX);
        }
        (token.is_binary_operator() || matches!(token, Token::Of)).then_some(Depth::OPERATOR)
    }

    fn close_innermost(&mut self) {
        let Some(group) = self.open.pop() else { return };
        let bound = group.segment_bound();
        self.depth = self.depth.minus(bound.plus(Depth::DELIMITER));
        let depth = group.deepest_segment.max(bound).plus(Depth::DELIMITER);
        let parent = self.innermost();
        let grown = parent.child_depth.max(depth).minus(parent.child_depth);
        parent.child_depth = parent.child_depth.plus(grown);
        self.depth = self.depth.plus(grown);
    }

    /// Closes every open delimiter with an empty token at `at`, innermost first, reporting each
    /// to `errors` when given.
    fn close_all(&mut self, at: usize, mut errors: Option<&mut Vec<SyntaxError>>) {
        while let Some(group) = self.open.last() {
            let delimiter = group.delimiter;
            if let Some(errors) = errors.as_deref_mut() {
                report_unclosed(errors, delimiter, group.opened, at);
            }
            self.push((at, delimiter.closing_token(), at));
        }
    }
}

/// Whether `token` can end an operand, so that a `-` after it is binary.
fn ends_operand(token: &Token) -> bool {
    matches!(
        token,
        Token::Ident(_)
            | Token::Number(_)
            | Token::Quantity(_)
            | Token::String(_)
            | Token::True
            | Token::False
            | Token::RightParen
            | Token::RightBracket
    )
}

fn report_unclosed(errors: &mut Vec<SyntaxError>, delimiter: Delimiter, opened: Span, at: usize) {
    errors.push(SyntaxError {
        span: opened,
        kind: SyntaxErrorKind::UnclosedDelimiter {
            delimiter: delimiter.open_text().to_owned(),
            expected_at: Span::new(at, at),
        },
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn is_unit(name: &str) -> bool {
        matches!(name, "s" | "m" | "h" | "min" | "kg" | "EUR" | "%" | "cycles" | "deg")
    }

    /// The tokens of `text` written back compactly: quantities as `<value unit>`, newlines as `⏎`.
    fn tokens(text: &str) -> String {
        let lexed = lex(text, &is_unit);
        let words: Vec<String> = lexed
            .tokens
            .iter()
            .map(|(start, token, end)| match token {
                Token::Quantity(quantity) => {
                    format!("<{} {}>", quantity.value.text, quantity.unit.display())
                }
                Token::Newline => "⏎".to_owned(),
                _ if start == end => format!("{token}̸"),
                _ => token.to_string(),
            })
            .collect();
        words.join(" ")
    }

    fn errors(text: &str) -> Vec<SyntaxErrorKind> {
        lex(text, &is_unit).errors.into_iter().map(|error| error.kind).collect()
    }

    #[test]
    fn first_word_after_a_number_is_always_a_unit() {
        assert_eq!(tokens("12 m"), "<12 m>");
        assert_eq!(tokens("12 metres"), "<12 metres>");
        assert_eq!(tokens("3 %"), "<3 %>");
        assert_eq!(tokens("20000 cycles"), "<20000 cycles>");
        assert_eq!(tokens("42"), "42");
    }

    #[test]
    fn slash_and_star_continue_only_with_unit_names() {
        assert_eq!(tokens("0.4 m/s"), "<0.4 m/s>");
        assert_eq!(tokens("1200 EUR/h"), "<1200 EUR/h>");
        assert_eq!(tokens("1 s / 3"), "<1 s> / 3");
        assert_eq!(tokens("12 m / 0.4 m/s"), "<12 m> / <0.4 m/s>");
        assert_eq!(tokens("2 s * spots"), "<2 s> * spots");
        assert_eq!(tokens("2 kg * m"), "<2 kg*m>");
        assert_eq!(tokens("5 %/h"), "<5 %/h>");
    }

    #[test]
    fn powers_are_integers_with_the_sign_of_the_slash_folded_in() {
        let lexed = lex("8 m/s^2", &is_unit);
        let Token::Quantity(quantity) = &lexed.tokens[0].1 else { panic!("not a quantity") };
        let unit = &quantity.unit;
        let powers: Vec<i32> = unit.factors.iter().map(|factor| factor.power).collect();
        assert_eq!(powers, [1, -2]);
        assert_eq!(unit.span, Span::new(2, 7));
        assert_eq!(lexed.tokens[0].2, 7);
        assert_eq!(tokens("1 m^-1"), "<1 1/m>");
        assert_eq!(tokens("1 m/s^-2"), "<1 m*s^2>");
        assert_eq!(tokens("2 m ^ x"), "<2 m> ^ x");
        assert_eq!(tokens("2 m^2.5"), "<2 m> ^ 2.5");
        assert_eq!(tokens("2 m^99999999999"), "<2 m> ^ 99999999999");
    }

    #[test]
    fn units_end_at_keywords_and_newlines() {
        assert_eq!(tokens("400 h of busy_time"), "<400 h> of busy_time");
        assert_eq!(tokens("x = 5\ny = 2"), "x = 5 ⏎ y = 2");
        assert_eq!(tokens("1..=20"), "1 ..= 20");
        assert_eq!(tokens("12m"), "<12 m>");
    }

    #[test]
    fn newlines_inside_parentheses_and_brackets_are_dropped() {
        assert_eq!(tokens("f(a,\n b\n)\nx"), "f ( a , b ) ⏎ x");
        assert_eq!(tokens("[1\n2]"), "[ 1 2 ]");
        assert_eq!(tokens("f({\na\nb})"), "f ( { a ⏎ b } )");
    }

    /// A keyword read as a name would take the item of the next line as a flow's next stage.
    #[test]
    fn an_item_that_starts_a_line_ends_the_line_before() {
        assert_eq!(tokens("flow a ->\nsink b"), "flow a -> ⏎ sink b");
        assert_eq!(tokens("flow a ->\n  sink b"), "flow a -> sink b");
        assert_eq!(tokens("x =\nstation w"), "x = ⏎ station w");
    }

    #[test]
    fn newlines_after_tokens_that_cannot_end_a_field_are_dropped() {
        assert_eq!(tokens("x =\n5"), "x = 5");
        assert_eq!(tokens("a +\nb"), "a + b");
        assert_eq!(tokens("a\n+ b"), "a ⏎ + b");
        assert_eq!(tokens("weibull() of\nbusy_time"), "weibull ( ) of busy_time");
        assert_eq!(tokens("a,\nb;\nc"), "a , b ; c");
        assert_eq!(tokens("weld.\nx"), "weld . ⏎ x");
        assert_eq!(tokens("vary x in\n1..3"), "vary x in 1 .. 3");
    }

    /// `in` and `of` where a name stands are keywords written as names, which the grammar reads as
    /// those names: a field may end with one, so the line break after it is kept. Dropped, it
    /// joined the next field to this one, whose name was then an error too.
    #[test]
    fn a_line_break_after_in_or_of_written_as_a_name_is_kept() {
        assert_eq!(tokens("cycle = in\nrepair = 1"), "cycle = in ⏎ repair = 1");
        assert_eq!(tokens("a = (1 +\nof)\nb = 2"), "a = ( 1 + of ) ⏎ b = 2");
        assert_eq!(tokens("flow a -> of\nflow b -> c"), "flow a -> of ⏎ flow b -> c");
        assert_eq!(tokens("{\nin\n}"), "{ in ⏎ }");
        assert_eq!(
            tokens("minimize in\nmaximize w.of\nb = 2"),
            "minimize in ⏎ maximize w . of ⏎ b = 2"
        );
        assert_eq!(tokens("{\n  failure of\n  failure in\n}"), "{ failure of ⏎ failure in ⏎ }");
        assert_eq!(tokens("x = w.failure of\nbusy_time"), "x = w . failure of busy_time");
    }

    #[test]
    fn a_flow_continues_on_a_line_starting_with_an_arrow() {
        assert_eq!(tokens("flow a -> b\n  -> c\nsink d"), "flow a -> b -> c ⏎ sink d");
    }

    #[test]
    fn newline_runs_collapse_and_leading_newlines_go() {
        assert_eq!(tokens("\n\n\na\n\n\n\nb\n\n"), "a ⏎ b");
        assert_eq!(tokens("a // comment\n\n// more\nb"), "a ⏎ b");
        assert_eq!(tokens("station x\n{\n}"), "station x { }");
    }

    #[test]
    fn comments_nest_and_are_skipped() {
        assert_eq!(tokens("a /* x /* y */ z */ b"), "a b");
        assert_eq!(errors("a /* x /* y */ b"), [SyntaxErrorKind::UnterminatedComment]);
    }

    #[test]
    fn docs_are_kept_aside() {
        let lexed = lex("//! File.\n//!  Two.\n/// One\n///Two\nsink done\n//! late", &is_unit);
        assert_eq!(lexed.file_docs.as_deref(), Some("File.\n Two."));
        assert_eq!(lexed.docs.get(&35).map(String::as_str), Some("One\nTwo"));
        assert_eq!(tokens("//// not a doc\nsink done"), "sink done");
    }

    #[test]
    fn every_comment_is_listed_with_its_kind() {
        let text = "a // one\r\n/* two /* nested */ */ b /// three\n//! four\n//// five\n/* open";
        let lexed = lex(text, &is_unit);
        let comments: Vec<(&str, CommentKind)> = lexed
            .comments
            .iter()
            .map(|comment| (&text[comment.span.range()], comment.kind))
            .collect();
        assert_eq!(
            comments,
            [
                ("// one", CommentKind::Line),
                ("/* two /* nested */ */", CommentKind::Block),
                ("/// three", CommentKind::Doc),
                ("//! four", CommentKind::FileDoc),
                ("//// five", CommentKind::Line),
                ("/* open", CommentKind::Block),
            ]
        );
        assert_eq!(tokens(text), "a ⏎ b");
    }

    #[test]
    fn strings_are_cooked() {
        let lexed = lex(r#""a\"b\\c\nd""#, &is_unit);
        assert_eq!(lexed.tokens[0].1, Token::String("a\"b\\c\nd".to_owned()));
        assert_eq!(errors(r#""bad \q""#), [SyntaxErrorKind::InvalidEscape]);
        assert_eq!(errors("\"open\nx"), [SyntaxErrorKind::UnterminatedString]);
        assert_eq!(tokens("\"open\nx"), "\"open\" ⏎ x");
    }

    #[test]
    fn a_lone_carriage_return_is_reported_once() {
        assert!(errors("sink a\r\nsink b\r\n").is_empty());
        assert_eq!(errors("sink a // c\rsink b\rsink c"), [SyntaxErrorKind::LoneCarriageReturn]);
        // A byte-order mark opens a file without being part of it; anywhere else it is not text.
        assert_eq!(errors("\u{feff}sink a\nsink b"), []);
        assert_eq!(errors("sink a\n\u{feff}sink b"), [SyntaxErrorKind::InvalidCharacter]);
        let lexed = lex("sink a\r\nsink b\r", &is_unit);
        assert_eq!(lexed.errors[0].span, Span::new(14, 15));
    }

    #[test]
    fn bad_characters_are_reported_once_per_run_and_skipped() {
        assert_eq!(tokens("a @@ b"), "a b");
        assert_eq!(
            errors("a @@ b $"),
            [SyntaxErrorKind::InvalidCharacter, SyntaxErrorKind::InvalidCharacter]
        );
        assert_eq!(errors("é"), [SyntaxErrorKind::InvalidCharacter]);
    }

    /// A letter outside ASCII is an error, and the word around it one name, so that the error is
    /// the only one: `q` and `elle` apart broke the declaration of `qüelle` and every use of it.
    #[test]
    fn letters_outside_ascii_are_errors_inside_one_name() {
        assert_eq!(tokens("source qüelle {}"), "source qüelle { }");
        assert_eq!(errors("source qüelle {}"), [SyntaxErrorKind::InvalidCharacter]);
        assert_eq!(tokens("Straße_2 = ü1 üx ß"), "Straße_2 = ü1 üx ß");
        assert_eq!(tokens("flow qü -> b"), "flow qü -> b");
        assert_eq!(tokens("5 µm"), "<5 µm>");
        // A keyword followed by a letter is a name; a number is not part of one.
        assert_eq!(tokens("flowä 2ä"), "flowä <2 ä>");
        // Symbols other than letters are skipped, as before.
        assert_eq!(tokens("a€b"), "a b");
        let lexed = lex("x = qüelle", &is_unit);
        assert_eq!(lexed.tokens[2], (4, Token::Ident("qüelle".into()), 11));
    }

    #[test]
    fn numbers_are_read() {
        let lexed = lex("1_000 3.5 1e-3 1e999", &is_unit);
        let numbers: Vec<(f64, bool)> = lexed
            .tokens
            .iter()
            .filter_map(|(_, token, _)| match token {
                Token::Number(number) => Some((number.value, number.is_integer)),
                _ => None,
            })
            .collect();
        assert_eq!(numbers[..3], [(1000.0, true), (3.5, false), (0.001, false)]);
        assert!(numbers[3].0.is_infinite());
        assert_eq!(lexed.errors.len(), 1);
        assert_eq!(lexed.errors[0].kind, SyntaxErrorKind::InvalidNumber);
        // Not zero, but rounded to zero or to a subnormal: these read as 0 (or lost digits).
        let tiny = format!("0.{}1", "0".repeat(5_000));
        for text in ["1e-400", "1e-310", "0.5e-308", "2_e-330", &tiny] {
            assert_eq!(errors(text), [SyntaxErrorKind::TinyNumber], "{text}");
        }
        for text in ["0", "0.0", "0e-999", "000_0.00e5", "2.3e-308", "1e-300", "1e308"] {
            assert_eq!(errors(text), [], "{text}");
        }
        assert_eq!(tokens("1..5"), "1 .. 5");
        assert_eq!(tokens("1.x"), "1 . x");
    }

    #[test]
    fn delimiters_are_balanced() {
        assert_eq!(tokens("a { b"), "a { b }̸");
        assert_eq!(tokens("a { f(x }"), "a { f ( x )̸ }");
        assert_eq!(tokens("a ) b"), "a ) b");
        assert_eq!(
            tokens("station a {\n x = 1\nstation b {}"),
            "station a { x = 1 }̸ ⏎ station b { }"
        );
        assert_eq!(tokens("station a {\n  station b {}\n}"), "station a { station b { } ⏎ }");
        let kinds = errors("a { (");
        assert_eq!(kinds.len(), 2);
    }
}
