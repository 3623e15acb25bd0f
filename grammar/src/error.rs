//! Syntax errors: facts about what went wrong and where, without the words.
//!
//! The compiler composes the messages in one place; this crate only says what it found and what
//! it expected. Expected tokens are written in one human vocabulary: a literal token in double
//! quotes (`"="`, `"}"`, `"station"`) and a class of tokens as a bare word (`identifier`,
//! `number`, `string`, `newline`, `expression`, `operator`, `item`, `member`).

use crate::ast::Span;

/// One syntax error. The tree built beside it holds an `Error` node where the error was met.
#[derive(Clone, PartialEq, Debug)]
pub struct SyntaxError {
    /// Where the error is: the unexpected token, the bad character, the unclosed delimiter.
    pub span: Span,
    /// What went wrong, with its facts.
    pub kind: SyntaxErrorKind,
}

/// What kind of syntax error it is, with the facts a message needs.
#[derive(Clone, PartialEq, Debug)]
pub enum SyntaxErrorKind {
    /// A token that cannot come here. `found` is the token's text as written (a newline is
    /// `"\n"`; an empty closing delimiter inserted by recovery is its own text). `expected` is
    /// sorted and without duplicates, in the vocabulary of the module documentation.
    UnexpectedToken { found: String, expected: Vec<String> },
    /// The file ended where more was needed. The span is empty, at the end of the file.
    UnexpectedEof { expected: Vec<String> },
    /// An opening delimiter (`{`, `(` or `[`, at the error's span) that was never closed.
    /// `expected_at` is the empty span where its closing partner was assumed: the end of the
    /// file, the `}` of an enclosing block, or the start of the next item.
    UnclosedDelimiter { delimiter: String, expected_at: Span },
    /// A keyword where a name belongs: a declaration's, a template's, a parameter's or a nested
    /// item's name, a base, a flow's stage (`station buffer`), an argument's, a field's or a
    /// record's name, a path's segment, or a name used as a value (`cycle = in`); not a keyword
    /// that is a field's name there (`product = Body`). Those are names the model gives, and the
    /// tree holds the keyword as that name, so the rest parses as meant. A keyword where the
    /// language's own name belongs — a parameter's type, a call's function, a clock — names
    /// nothing, so the tree holds what was meant to be read without it (see [`NameRole`]).
    KeywordAsName { keyword: String, role: NameRole },
    /// A character that starts no token (a run of them is one error). A run of letters outside
    /// ASCII (`ü`) is read as part of the name around it.
    InvalidCharacter,
    /// A string literal with no closing quote on its line; the span covers what was read.
    UnterminatedString,
    /// A block comment with no closing `*/`; the span is its opening `/*`.
    UnterminatedComment,
    /// A backslash escape other than `\"`, `\\` and `\n`; the span covers the two characters.
    InvalidEscape,
    /// A number that does not fit an `f64` (such as `1e999`).
    InvalidNumber,
    /// A number other than zero that an `f64` rounds to zero or to a subnormal, losing digits
    /// (such as `1e-400`, `1e-310` or `0.` followed by 5000 zeros and a `1`).
    TinyNumber,
    /// A carriage return that no line feed follows (old Mac OS line endings): lines end at `\n`
    /// or `\r\n` here, so it would join two lines, and a `//` comment would run on into the next.
    /// Only the first in a file is reported; the span is the `\r`.
    LoneCarriageReturn,
    /// Expressions, types or bodies nested more deeply than `limit` levels of delimiters and
    /// prefix operators, at the token where the bound was passed. The rest of the item is not
    /// read ([`crate::Parse::unread`]).
    NestingTooDeep { limit: usize },
    /// An expression that chains more than `limit` binary operators, at the operator where the
    /// bound was passed. The rest of the item is not read ([`crate::Parse::unread`]).
    TooManyOperators { limit: usize },
}

/// What a keyword written where a name belongs was meant to name.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum NameRole {
    /// A name the model gives (a declaration's, a parameter's, a field's, …) or a use of one:
    /// another name does instead, here and at each use.
    Given,
    /// A template parameter's type (`takt: station`), or a type's argument (`Dist<flow>`). The
    /// tree holds a type that failed to parse (`TypeExpr::Error`).
    Type,
    /// The function of a call (`cycle = station(mean = 5 s)`): a distribution, a maintenance
    /// strategy or a data feed. The tree holds an operand that failed to parse over the call
    /// (`ExprKind::Error`).
    Function,
    /// A clock after `of` (`… of station`). The tree holds the value before `of` alone, on its
    /// field's default clock.
    Clock,
}
