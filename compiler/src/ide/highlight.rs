//! Semantic tokens: every token of a file, classified by what it means.
//!
//! A TextMate grammar colours by shape; semantic tokens add what only the compiler knows: whether
//! `weld` is a station, a product or a template, whether `mean` is a parameter of a distribution,
//! whether a name resolves at all. Literals, keywords, operators and comments come from the lexer;
//! names from [`occurrences`](super::symbols::occurrences). A name that resolves to nothing gets
//! no token, so the editor's grammar colours it and the diagnostic marks it.

use crate::db::{Db, SourceFile};
use crate::syntax::ItemClass;
use fab_grammar::ast::DeclKind;
use fab_grammar::lexer::{CommentKind, Token, lex};
use fab_stdlib::units;
use std::collections::BTreeMap;

use super::Span;
use super::symbols::{Definition, Symbol, occurrences};

/// What a token is.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum TokenKind {
    Keyword,
    Number,
    String,
    Comment,
    Operator,
    Unit,
    /// A type name in a template's parameters.
    Type,
    /// A component: source, station, buffer, conveyor, robot, transport, sink.
    Component,
    Product,
    Template,
    /// An experiment, scenario, `optimize` or `sync` block.
    Study,
    Resource,
    /// A named nested item, such as a failure mode.
    Nested,
    /// A template parameter.
    Parameter,
    /// A field of a declaration, a record or a nested item.
    Field,
    /// A parameter of a distribution family or strategy.
    Argument,
    /// A distribution family or a built-in strategy or feed.
    Function,
    /// A keyword value, clock or measure.
    Word,
}

impl TokenKind {
    /// Every kind, in a fixed order (the language server's legend).
    pub const ALL: [TokenKind; 18] = [
        TokenKind::Keyword,
        TokenKind::Number,
        TokenKind::String,
        TokenKind::Comment,
        TokenKind::Operator,
        TokenKind::Unit,
        TokenKind::Type,
        TokenKind::Component,
        TokenKind::Product,
        TokenKind::Template,
        TokenKind::Study,
        TokenKind::Resource,
        TokenKind::Nested,
        TokenKind::Parameter,
        TokenKind::Field,
        TokenKind::Argument,
        TokenKind::Function,
        TokenKind::Word,
    ];
}

/// Modifiers of a token, as bits.
pub mod modifiers {
    /// Where the name is declared.
    pub const DECLARATION: u32 = 1;
    /// A built-in of the standard library.
    pub const DEFAULT_LIBRARY: u32 = 2;
    /// A doc comment.
    pub const DOCUMENTATION: u32 = 4;
    /// Every modifier's name, in bit order.
    pub const NAMES: [&str; 3] = ["declaration", "defaultLibrary", "documentation"];
}

/// One classified token. Tokens are sorted and never overlap; a block comment may span lines.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct SemanticToken {
    pub span: Span,
    pub kind: TokenKind,
    pub modifiers: u32,
}

/// Every classified token of `file`.
pub fn semantic_tokens(db: &dyn Db, file: SourceFile) -> Vec<SemanticToken> {
    let text = file.text(db);
    let lexed = lex(text, &units::is_unit_name);
    let names: BTreeMap<u32, (Symbol, bool)> = occurrences(db, file)
        .into_iter()
        .map(|o| (o.span.start, (o.symbol, o.is_definition)))
        .collect();
    let mut out = Vec::new();
    for (start, token, end) in &lexed.tokens {
        if start >= end {
            continue;
        }
        let span = Span::new(*start, *end);
        if let Some(classified) = names.get(&(*start as u32)).and_then(|s| classify(s, span)) {
            out.push(classified);
            continue;
        }
        let plain = |kind| SemanticToken { span, kind, modifiers: 0 };
        match token {
            Token::Ident(_) => {}
            Token::Number(_) => out.push(plain(TokenKind::Number)),
            Token::Quantity(quantity) => {
                let number_end = (*start + quantity.value.text.len()).min(*end);
                out.push(SemanticToken {
                    span: Span::new(*start, number_end),
                    kind: TokenKind::Number,
                    modifiers: 0,
                });
                let unit = quantity.unit.span;
                if unit.start as usize >= number_end
                    && unit.end as usize <= *end
                    && !unit.is_empty()
                {
                    let known =
                        quantity.unit.factors.iter().all(|f| units::lookup(&f.name.name).is_some());
                    if known {
                        out.push(SemanticToken {
                            span: unit,
                            kind: TokenKind::Unit,
                            modifiers: modifiers::DEFAULT_LIBRARY,
                        });
                    }
                }
            }
            Token::String(_) => out.push(plain(TokenKind::String)),
            Token::True | Token::False => out.push(plain(TokenKind::Keyword)),
            token if token.is_binary_operator() => out.push(plain(TokenKind::Operator)),
            Token::Arrow | Token::LeftArrow | Token::Percent | Token::Equals => {
                out.push(plain(TokenKind::Operator));
            }
            Token::LeftBrace
            | Token::RightBrace
            | Token::LeftParen
            | Token::RightParen
            | Token::LeftBracket
            | Token::RightBracket
            | Token::Comma
            | Token::Semicolon
            | Token::Dot
            | Token::Colon
            | Token::Newline
            | Token::DocComment(_) => {}
            _ => out.push(plain(TokenKind::Keyword)),
        }
    }
    for comment in &lexed.comments {
        let documentation = matches!(comment.kind, CommentKind::Doc | CommentKind::FileDoc);
        out.push(SemanticToken {
            span: comment.span,
            kind: TokenKind::Comment,
            modifiers: if documentation { modifiers::DOCUMENTATION } else { 0 },
        });
    }
    out.sort_by_key(|t| (t.span.start, t.span.end));
    // Keep tokens disjoint: a later token that starts inside an earlier one is dropped.
    let mut disjoint: Vec<SemanticToken> = Vec::with_capacity(out.len());
    for token in out {
        if disjoint.last().is_some_and(|last| token.span.start < last.span.end) {
            continue;
        }
        disjoint.push(token);
    }
    disjoint
}

/// The token of a name, from its symbol and whether it is declared there.
fn classify(marked: &(Symbol, bool), span: Span) -> Option<SemanticToken> {
    let (symbol, definition) = marked;
    let declaration = if *definition { modifiers::DECLARATION } else { 0 };
    let builtin = |kind| Some(SemanticToken { span, kind, modifiers: modifiers::DEFAULT_LIBRARY });
    match symbol {
        Symbol::Definition(Definition::Declaration(d)) => {
            let kind = match d.class {
                ItemClass::Template => TokenKind::Template,
                ItemClass::Decl(DeclKind::Product) => TokenKind::Product,
                ItemClass::Decl(DeclKind::Resource) => TokenKind::Resource,
                ItemClass::Decl(
                    DeclKind::Experiment
                    | DeclKind::Scenario
                    | DeclKind::Optimize
                    | DeclKind::Sensitivity
                    | DeclKind::Sync,
                ) => TokenKind::Study,
                _ => TokenKind::Component,
            };
            Some(SemanticToken { span, kind, modifiers: declaration })
        }
        Symbol::Definition(Definition::Parameter { .. }) => {
            Some(SemanticToken { span, kind: TokenKind::Parameter, modifiers: declaration })
        }
        Symbol::Definition(Definition::Nested { .. }) => {
            Some(SemanticToken { span, kind: TokenKind::Nested, modifiers: declaration })
        }
        Symbol::Kind(_) | Symbol::NestedKind(_) | Symbol::ItemKeyword(_) => {
            Some(SemanticToken { span, kind: TokenKind::Keyword, modifiers: 0 })
        }
        Symbol::Field { .. } => builtin(TokenKind::Field),
        Symbol::Attribute => Some(SemanticToken { span, kind: TokenKind::Field, modifiers: 0 }),
        Symbol::Family(_) | Symbol::Callable(_) => builtin(TokenKind::Function),
        Symbol::Argument { .. } => builtin(TokenKind::Argument),
        Symbol::Unit(_) => builtin(TokenKind::Unit),
        Symbol::Word(_) => builtin(TokenKind::Word),
        Symbol::Type { known: true } => builtin(TokenKind::Type),
        Symbol::File(_) => Some(SemanticToken { span, kind: TokenKind::String, modifiers: 0 }),
        Symbol::Type { known: false } | Symbol::Unresolved => None,
    }
}
