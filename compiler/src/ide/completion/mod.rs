//! Completion: what may be written at the cursor.
//!
//! What is being typed does not parse yet, so completion reads tokens, not the tree. It lexes the
//! current item from its first token up to the cursor and replays the tokens through a small stack
//! of open delimiters: each `{`, `(` and `[` records what opened it (an item's body, a `costs`
//! record, a `failure` mode, a call of `lognormal`, the arguments of a template), and each frame
//! keeps the tokens of the member or argument being written. The innermost frame and those tokens
//! decide what is offered:
//!
//! | where | offered |
//! | --- | --- |
//! | at the start of a line outside any item | item keywords, as snippets with the required fields |
//! | at the start of a member | the fields of that kind not yet set (type and doc), records, nested items |
//! | after `field =` | what the field's type accepts: distribution families with named-parameter snippets, strategies, words, names of products, components, … |
//! | after a number | units, those of the expected dimension first |
//! | after `->` in a flow, after `route`, in a route's body | component names |
//! | after `.` in a scenario path | the fields (and failure modes) of the component named before |
//! | inside `family(` or `Template(` | the parameters not yet given |
//! | after `of` | clocks |
//! | in `component NAME(…)` | type names after `name:`, quantity types after `Dist<`, after `=` what the type accepts |
//!
//! Every name, type and doc comes from the stdlib tables or the model's own declarations.

use crate::check::{self, ParamTy};
use crate::db::{Db, SourceFile};
use crate::eval::is_accepted_word;
use crate::scope::{Declaration, Scope, scope};
use crate::syntax::{ItemClass, parse};
use fab_grammar::ast::{DeclKind, ItemKind};
use fab_grammar::lexer::{Comment, CommentKind, Token, lex};
use fab_stdlib::catalog::{self, FieldDecl, KindDecl, ParamDecl, ParamType, Role};
use fab_stdlib::dist;
use fab_stdlib::types::{self, RefClass, ValueType};
use fab_stdlib::units::{self, Dimension};

mod items;

use super::Span;
use super::symbols::{nested_definition, template_kind, template_params};
use items::{callable_items, compound_units, family_items, field_items, item_snippets};

/// What a completion item is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum CompletionKind {
    Keyword,
    Field,
    Record,
    Nested,
    Family,
    Strategy,
    Unit,
    Component,
    Product,
    Template,
    Experiment,
    Resource,
    Parameter,
    Word,
    File,
}

/// One completion.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CompletionItem {
    pub label: String,
    pub kind: CompletionKind,
    /// A short description: a field's type, a unit's dimension, a declaration's kind.
    pub detail: Option<String>,
    /// Markdown documentation.
    pub documentation: Option<String>,
    /// The text inserted in place of `replace`.
    pub insert: String,
    /// Whether `insert` is a snippet with `$1`, `${2:…}` and `$0` placeholders.
    pub is_snippet: bool,
    /// The text the editor filters on, when not the label.
    pub filter: Option<String>,
    /// The text the completion replaces: the partial word before the cursor (empty when none).
    pub replace: Span,
    /// Lower sorts first.
    pub rank: u8,
}

impl CompletionItem {
    fn new(label: impl Into<String>, kind: CompletionKind, replace: Span) -> CompletionItem {
        let label = label.into();
        CompletionItem {
            insert: label.clone(),
            label,
            kind,
            detail: None,
            documentation: None,
            is_snippet: false,
            filter: None,
            replace,
            rank: 5,
        }
    }

    fn detail(mut self, detail: impl Into<String>) -> CompletionItem {
        self.detail = Some(detail.into());
        self
    }

    fn doc(mut self, doc: impl Into<String>) -> CompletionItem {
        let doc = doc.into();
        if !doc.is_empty() {
            self.documentation = Some(doc);
        }
        self
    }

    fn snippet(mut self, insert: impl Into<String>) -> CompletionItem {
        self.insert = insert.into();
        self.is_snippet = true;
        self
    }

    fn filter(mut self, filter: impl Into<String>) -> CompletionItem {
        self.filter = Some(filter.into());
        self
    }

    fn rank(mut self, rank: u8) -> CompletionItem {
        self.rank = rank;
        self
    }
}

/// The completions at `offset`, best first.
pub fn completions(db: &dyn Db, file: SourceFile, offset: u32) -> Vec<CompletionItem> {
    let text = file.text(db);
    let offset = super::clamp_offset(text, offset) as usize;
    let start = parse(db, file)
        .items
        .iter()
        .rev()
        .map(|item| item.offset as usize)
        .find(|&start| start <= offset)
        .unwrap_or(0);
    let Some(prefix) = text.get(start..offset) else { return Vec::new() };
    let context = Context { db, file, scope: scope(db, file), base: start as u32 };
    let mut items = context.complete(prefix);
    items.sort_by(|a, b| (a.rank, &a.label).cmp(&(b.rank, &b.label)));
    items.dedup_by(|a, b| a.label == b.label && a.kind == b.kind);
    items
}

/// A token of the prefix with its text.
#[derive(Clone, Debug)]
struct Tok {
    token: Token,
    text: String,
    start: usize,
    end: usize,
}

impl Tok {
    fn is_word(&self) -> bool {
        !self.text.is_empty()
            && self.text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
            && self.text.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
    }
}

/// What opened a frame.
#[derive(Clone, Debug)]
enum Opener {
    TopLevel,
    /// The body of the item whose header tokens are given.
    ItemBody(Vec<Tok>),
    /// `NAME {`: a record such as `costs` or `assemble`.
    Record,
    /// `KEYWORD NAME {`: a nested item such as a failure mode.
    Nested,
    /// `NAME(`: a call.
    Call(String),
    /// `: TEMPLATE(` in an item's header.
    TemplateArgs(String),
    /// `component NAME(`: a template's parameters.
    TemplateParams,
    /// `(` of a tuple, `[` of a list, or a brace that means nothing known.
    Group,
    List,
}

/// What the members of a body are.
#[derive(Clone, Copy, Debug)]
enum Members {
    Fields { fields: &'static [FieldDecl], kind: Option<&'static KindDecl> },
    Route,
    Map(RefClass),
    Study(DeclKind),
    Unknown,
}

#[derive(Clone, Debug)]
struct Frame {
    opener: Opener,
    /// The tokens of the member or argument being written.
    segment: Vec<Tok>,
    /// Names already set in this body or call.
    written: Vec<String>,
    /// For bodies: what their members are.
    members: Members,
    /// For calls, lists and groups: the type of the value they stand in.
    expected: Option<ValueType>,
}

impl Frame {
    fn new(opener: Opener, members: Members, expected: Option<ValueType>) -> Frame {
        Frame { opener, segment: Vec::new(), written: Vec::new(), members, expected }
    }
}

struct Context<'a> {
    db: &'a dyn Db,
    file: SourceFile,
    scope: &'a Scope,
    /// The offset of the prefix in the file.
    base: u32,
}

/// Whether `prefix[range]` holds a line break outside block comments: the lexer skips a block
/// comment whole, so a line break inside one separates nothing.
fn breaks_line(prefix: &str, range: std::ops::Range<usize>, comments: &[Comment]) -> bool {
    let Some(gap) = prefix.get(range.clone()) else { return false };
    gap.char_indices().any(|(at, character)| {
        let at = range.start + at;
        character == '\n'
            && !comments.iter().any(|comment| {
                comment.kind == CommentKind::Block && comment.span.range().contains(&at)
            })
    })
}

/// Tokens after which a value starts.
fn starts_value(token: &Token) -> bool {
    token.is_binary_operator()
        || matches!(
            token,
            Token::Equals
                | Token::LeftParen
                | Token::LeftBracket
                | Token::Comma
                | Token::In
                | Token::Minimize
                | Token::Maximize
                | Token::To
        )
}

impl Context<'_> {
    fn complete(&self, prefix: &str) -> Vec<CompletionItem> {
        let lexed = lex(prefix, &units::is_unit_name);
        let inside_literal = lexed.errors.iter().any(|e| {
            matches!(
                e.kind,
                fab_grammar::SyntaxErrorKind::UnterminatedString
                    | fab_grammar::SyntaxErrorKind::UnterminatedComment
            )
        });
        if inside_literal {
            return Vec::new();
        }
        let mut tokens: Vec<Tok> = lexed
            .tokens
            .into_iter()
            .filter(|(start, _, end)| start < end)
            .map(|(start, token, end)| Tok {
                text: prefix.get(start..end).unwrap_or_default().to_string(),
                token,
                start,
                end,
            })
            .collect();
        let cursor = prefix.len();
        // Inside a comment nothing is offered. An unterminated block comment is caught above; a
        // line comment holds the cursor when it runs to the end of the prefix. A comment that
        // ends before the cursor (a line comment closed by its line break, a closed block
        // comment) is space like any other.
        let in_line_comment = lexed.comments.iter().any(|comment| {
            comment.kind != CommentKind::Block && comment.span.end as usize == cursor
        });
        if in_line_comment {
            return Vec::new();
        }
        // The word or unit being typed, which the completion replaces.
        let mut replace = Span::new(cursor, cursor);
        let mut unit_in_progress = false;
        if let Some(last) = tokens.last()
            && last.end == cursor
        {
            if last.is_word() {
                replace = Span::new(last.start, last.end);
                tokens.pop();
            } else if let Token::Quantity(quantity) = &last.token {
                let unit_start = quantity.unit.span.start as usize;
                replace = Span::new(unit_start, last.end);
                unit_in_progress = true;
                tokens.pop();
            } else if matches!(last.token, Token::Number(_) | Token::String(_)) {
                return Vec::new();
            }
        }
        // The lexer keeps a newline only when a token follows it on a later line; at the end of the
        // prefix none does, so a line break before the cursor is a separator to replay here.
        let before_cursor = tokens.last().map(|t| t.end).unwrap_or(0);
        let gap = before_cursor..replace.start as usize;
        if breaks_line(prefix, gap, &lexed.comments)
            && !tokens.last().is_some_and(|t| t.token.continues_on_next_line())
        {
            tokens.push(Tok {
                token: Token::Newline,
                text: "\n".to_string(),
                start: before_cursor,
                end: before_cursor,
            });
        }
        let replace = replace.shift(self.base as i64);
        let frames = self.replay(&tokens);
        let Some(frame) = frames.last() else { return Vec::new() };
        if unit_in_progress {
            return self.unit_items(self.quantity_dimension(&frames), replace);
        }
        // A unit continues after `12 m/` or `12 m*`.
        if let [.., quantity, operator] = frame.segment.as_slice()
            && matches!(quantity.token, Token::Quantity(_))
            && matches!(operator.token, Token::Slash | Token::Star)
            && operator.end == cursor
            && let Token::Quantity(q) = &quantity.token
        {
            let unit_start = q.unit.span.start as usize;
            let replace = Span::new(unit_start, cursor).shift(self.base as i64);
            return self.unit_items(self.quantity_dimension(&frames), replace);
        }
        // A number followed by a space: its unit.
        if let Some(number) = frame.segment.last()
            && matches!(number.token, Token::Number(_))
            && number.end < cursor
        {
            return self.unit_items(self.quantity_dimension(&frames), replace);
        }
        match &frame.opener {
            Opener::TopLevel => self.top_level(&frame.segment, replace),
            Opener::ItemBody(_) | Opener::Record | Opener::Nested => {
                self.in_body(frame, &frames, replace)
            }
            Opener::Call(callee) => self.in_call(callee, frame, &frames, replace),
            Opener::TemplateArgs(template) => {
                self.in_template_args(template, frame, &frames, replace)
            }
            Opener::TemplateParams => self.in_template_params(frame, &frames, replace),
            Opener::Group | Opener::List => match frame.segment.last() {
                None => self.values(frame.expected.as_ref(), &frames, replace),
                Some(last) if starts_value(&last.token) => {
                    self.values(frame.expected.as_ref(), &frames, replace)
                }
                Some(last) if last.token == Token::Of => {
                    self.clocks(frame.expected.as_ref(), replace)
                }
                _ => Vec::new(),
            },
        }
    }

    /// Replays the tokens through the stack of open delimiters.
    fn replay(&self, tokens: &[Tok]) -> Vec<Frame> {
        let mut frames = vec![Frame::new(Opener::TopLevel, Members::Unknown, None)];
        for tok in tokens {
            let Some(frame) = frames.last_mut() else { break };
            match tok.token {
                Token::LeftBrace => {
                    let (opener, members) = self.brace_opener(&frames);
                    frames.push(Frame::new(opener, members, None));
                }
                Token::LeftParen => {
                    let opener = paren_opener(frame);
                    let expected = match &opener {
                        Opener::Call(_) | Opener::Group => self.expected_here(&frames),
                        _ => None,
                    };
                    frames.push(Frame::new(opener, Members::Unknown, expected));
                }
                Token::LeftBracket => {
                    let expected = match self.expected_here(&frames) {
                        Some(ValueType::List(element)) => Some(*element),
                        other => other,
                    };
                    frames.push(Frame::new(Opener::List, Members::Unknown, expected));
                }
                Token::RightBrace | Token::RightParen | Token::RightBracket => {
                    if frames.len() > 1 {
                        let closed = frames.pop();
                        let parent = frames.last_mut().expect("the top level stays");
                        match closed.map(|f| f.opener) {
                            Some(Opener::ItemBody(_))
                                if matches!(parent.opener, Opener::TopLevel) =>
                            {
                                parent.segment.clear();
                            }
                            Some(Opener::Record | Opener::Nested) => {
                                close_member(parent);
                            }
                            _ => parent.segment.push(tok.clone()),
                        }
                    }
                }
                // Line breaks inside parentheses and brackets separate nothing.
                Token::Newline
                    if !matches!(
                        frame.opener,
                        Opener::TopLevel | Opener::ItemBody(_) | Opener::Record | Opener::Nested
                    ) => {}
                Token::Newline | Token::Comma | Token::Semicolon => close_member(frame),
                _ => frame.segment.push(tok.clone()),
            }
        }
        frames
    }

    /// What the `{` about to open is, from the tokens before it.
    fn brace_opener(&self, frames: &[Frame]) -> (Opener, Members) {
        let Some(frame) = frames.last() else { return (Opener::Group, Members::Unknown) };
        if matches!(frame.opener, Opener::TopLevel) {
            let header = frame.segment.clone();
            let members = self.item_members(&header);
            return (Opener::ItemBody(header), members);
        }
        let parent_members = frame.members;
        match frame.segment.as_slice() {
            [name] if name.is_word() => {
                let members = match parent_members {
                    Members::Fields { fields, kind } => {
                        match catalog::find_field(fields, &name.text).map(|f| f.ty) {
                            Some(ValueType::Record(record)) => {
                                Members::Fields { fields: record, kind }
                            }
                            Some(ValueType::Map { key, .. }) => Members::Map(key),
                            _ => Members::Unknown,
                        }
                    }
                    _ => Members::Unknown,
                };
                (Opener::Record, members)
            }
            [keyword, name] if keyword.is_word() && name.is_word() => {
                let members = match parent_members {
                    Members::Fields { kind: Some(kind), .. } => match kind.nested(&keyword.text) {
                        Some(nested) => Members::Fields { fields: nested.fields, kind: Some(kind) },
                        None => Members::Unknown,
                    },
                    _ => Members::Unknown,
                };
                (Opener::Nested, members)
            }
            _ => (Opener::Group, Members::Unknown),
        }
    }

    /// The members of an item's body, from its header tokens.
    fn item_members(&self, header: &[Tok]) -> Members {
        let Some(first) = header.first() else { return Members::Unknown };
        if first.token == Token::Component {
            let base = header.iter().skip_while(|t| t.token != Token::Colon).nth(1);
            let Some(base) = base else { return Members::Unknown };
            let kind = match DeclKind::from_keyword(&base.text) {
                Some(kind) => Some(kind),
                None => self
                    .scope
                    .lookup(&base.text)
                    .filter(|d| d.class == ItemClass::Template)
                    .and_then(|d| template_kind(self.db, d)),
            };
            return match kind.and_then(|k| catalog::kind(k.keyword())) {
                Some(decl) => Members::Fields { fields: decl.fields, kind: Some(decl) },
                None => Members::Unknown,
            };
        }
        match DeclKind::from_keyword(&first.text) {
            Some(DeclKind::Route) => Members::Route,
            Some(
                kind @ (DeclKind::Scenario
                | DeclKind::Optimize
                | DeclKind::Sensitivity
                | DeclKind::Sync),
            ) => Members::Study(kind),
            Some(kind) => match catalog::kind(kind.keyword()) {
                Some(decl) => Members::Fields { fields: decl.fields, kind: Some(decl) },
                None => Members::Unknown,
            },
            None => Members::Unknown,
        }
    }

    /// The type of the value being written in the innermost frame, when known.
    fn expected_here(&self, frames: &[Frame]) -> Option<ValueType> {
        let frame = frames.last()?;
        match &frame.opener {
            Opener::ItemBody(_) | Opener::Record | Opener::Nested => {
                let (name, _) = member_assignment(&frame.segment)?;
                match frame.members {
                    Members::Fields { fields, .. } => {
                        catalog::find_field(fields, name.last()?).map(|f| f.ty)
                    }
                    Members::Study(_) => self.path_type(&name),
                    _ => None,
                }
            }
            Opener::Call(callee) => {
                let (name, _) = member_assignment(&frame.segment)?;
                let param = callee_params(callee)
                    .into_iter()
                    .find(|p| name.first().is_some_and(|n| n == p.name))?;
                Some(param_value_type(param, variable_dimension(frame.expected.as_ref())))
            }
            Opener::TemplateArgs(template) => {
                let (name, _) = member_assignment(&frame.segment)?;
                let declaration = self.scope.lookup(template)?;
                let param = template_params(self.db, declaration)
                    .into_iter()
                    .find(|p| Some(&p.name.name) == name.first())?;
                type_of_written(&param.ty)
            }
            // `name: Type = …`: a parameter's default, of the type written before it.
            Opener::TemplateParams => {
                let equals = frame.segment.iter().position(|t| t.token == Token::Equals)?;
                match &frame.segment[..equals] {
                    [name, colon, ty @ ..] if name.is_word() && colon.token == Token::Colon => {
                        type_of_tokens(ty)
                    }
                    _ => None,
                }
            }
            Opener::Group | Opener::List => frame.expected,
            Opener::TopLevel => None,
        }
    }

    /// The dimension a quantity being written should have, when known.
    fn quantity_dimension(&self, frames: &[Frame]) -> Option<Dimension> {
        let frame = frames.last()?;
        // Arithmetic (`2 s * spots`) makes any unit plausible.
        let arithmetic = frame.segment.iter().any(|t| {
            matches!(
                t.token,
                Token::Plus | Token::Minus | Token::Star | Token::Slash | Token::Caret
            )
        });
        if arithmetic
            && !frame.segment.last().is_some_and(|t| matches!(t.token, Token::Slash | Token::Star))
        {
            return None;
        }
        self.expected_here(frames).as_ref().and_then(quantity_dimension_of)
    }

    fn top_level(&self, segment: &[Tok], replace: Span) -> Vec<CompletionItem> {
        let tokens: Vec<&Token> = segment.iter().map(|t| &t.token).collect();
        match tokens.as_slice() {
            [] => item_snippets(replace),
            // A flow starts anywhere but at a sink and goes on anywhere but into a source
            // (E0605), so neither is offered where it would be an error.
            [Token::Flow] => self.declarations(replace, |class| {
                is_component(class) && class != ItemClass::Decl(DeclKind::Sink)
            }),
            [Token::Flow, .., Token::Arrow] => self.declarations(replace, |class| {
                is_component(class) && class != ItemClass::Decl(DeclKind::Source)
            }),
            [Token::Route] => self.declarations(replace, is_component),
            [Token::Import] => fab_stdlib::library::FILES
                .iter()
                .map(|(path, _)| {
                    CompletionItem::new(format!("\"{path}\""), CompletionKind::File, replace)
                        .detail("standard library")
                })
                .collect(),
            [Token::Component, .., Token::Colon] => {
                let mut items: Vec<CompletionItem> = catalog::KINDS
                    .iter()
                    .filter(|k| k.role == Role::Component)
                    .map(|k| {
                        CompletionItem::new(k.name, CompletionKind::Keyword, replace)
                            .detail("component kind")
                            .doc(k.doc)
                    })
                    .collect();
                items.extend(self.declarations(replace, |class| class == ItemClass::Template));
                items
            }
            [_, _, Token::Colon] => {
                let Some(kind) = segment.first().and_then(|t| DeclKind::from_keyword(&t.text))
                else {
                    return Vec::new();
                };
                match kind {
                    DeclKind::Scenario
                    | DeclKind::Optimize
                    | DeclKind::Sensitivity
                    | DeclKind::Sync => self.declarations(replace, |class| {
                        class == ItemClass::Decl(DeclKind::Experiment)
                    }),
                    _ => self.templates_making(kind, replace),
                }
            }
            _ => Vec::new(),
        }
    }

    /// The templates in scope that make `kind`.
    fn templates_making(&self, kind: DeclKind, replace: Span) -> Vec<CompletionItem> {
        self.scope
            .names
            .values()
            .filter_map(|ds| ds.first())
            .filter(|d| d.class == ItemClass::Template && template_kind(self.db, d) == Some(kind))
            .map(|d| self.declaration_item(d, replace))
            .collect()
    }

    fn declarations(&self, replace: Span, keep: impl Fn(ItemClass) -> bool) -> Vec<CompletionItem> {
        self.scope
            .names
            .values()
            .filter_map(|ds| ds.first())
            .filter(|d| keep(d.class))
            .map(|d| self.declaration_item(d, replace))
            .collect()
    }

    fn declaration_item(&self, declaration: &Declaration, replace: Span) -> CompletionItem {
        let kind = match declaration.class {
            ItemClass::Decl(DeclKind::Product) => CompletionKind::Product,
            ItemClass::Decl(DeclKind::Resource) => CompletionKind::Resource,
            ItemClass::Decl(DeclKind::Experiment | DeclKind::Scenario) => {
                CompletionKind::Experiment
            }
            ItemClass::Template => CompletionKind::Template,
            _ => CompletionKind::Component,
        };
        let detail = match declaration.class {
            ItemClass::Decl(kind) => kind.keyword().to_string(),
            ItemClass::Template => "component template".to_string(),
            other => other.describe(),
        };
        let docs = crate::syntax::item_syntax(self.db, declaration.file, declaration.key.clone())
            .as_ref()
            .and_then(|item| item.docs.clone())
            .unwrap_or_default();
        let rank = if declaration.file == self.file { 2 } else { 3 };
        CompletionItem::new(declaration.name.clone(), kind, replace)
            .detail(detail)
            .doc(docs)
            .rank(rank)
    }

    fn in_body(&self, frame: &Frame, frames: &[Frame], replace: Span) -> Vec<CompletionItem> {
        let segment = &frame.segment;
        // `a.b.` in a scenario (or an `optimize`'s `vary`): the fields of what the path names.
        let path_tokens: &[Tok] = match segment.first().map(|t| &t.token) {
            Some(Token::Vary) => &segment[1..],
            _ => segment,
        };
        if let Some(path) = dotted_prefix(path_tokens) {
            return self.path_items(&path, replace);
        }
        if let Some((_, value)) = member_assignment(segment) {
            return match value.last() {
                None => self.values(self.expected_here(frames).as_ref(), frames, replace),
                Some(last) if starts_value(&last.token) => {
                    self.values(self.expected_here(frames).as_ref(), frames, replace)
                }
                Some(last) if last.token == Token::Of => {
                    self.clocks(self.expected_here(frames).as_ref(), replace)
                }
                _ => Vec::new(),
            };
        }
        match segment.first().map(|t| &t.token) {
            Some(Token::Minimize | Token::Maximize) if segment.len() == 1 => {
                return self.measures(replace);
            }
            Some(Token::Vary) if segment.len() == 1 => return self.study_roots(replace, false),
            _ => {}
        }
        if !segment.is_empty() {
            return Vec::new();
        }
        match frame.members {
            Members::Fields { fields, kind } => {
                let item_body = matches!(frame.opener, Opener::ItemBody(_)) && frames.len() == 2;
                let mut written = frame.written.clone();
                if item_body {
                    written.extend(self.fields_after_cursor(replace));
                }
                field_items(fields, kind.filter(|_| item_body), &written, replace)
            }
            Members::Route => {
                let mut items = self.declarations(replace, is_component);
                items.extend(
                    self.declarations(replace, |c| c == ItemClass::Decl(DeclKind::Product)),
                );
                items.retain(|i| !frame.written.contains(&i.label));
                items
            }
            Members::Map(class) => self
                .declarations(replace, |c| ref_class_matches(class, c))
                .into_iter()
                .filter(|i| !frame.written.contains(&i.label))
                .collect(),
            Members::Study(kind) => {
                let mut items = self.study_roots(replace, kind == DeclKind::Scenario);
                if kind != DeclKind::Scenario {
                    if let Some(decl) = catalog::kind(kind.keyword()) {
                        items.extend(field_items(decl.fields, None, &frame.written, replace));
                    }
                    for keyword in ["vary", "minimize", "maximize"] {
                        items.push(
                            CompletionItem::new(keyword, CompletionKind::Keyword, replace).rank(4),
                        );
                    }
                }
                items
            }
            Members::Unknown => Vec::new(),
        }
    }

    /// The fields the current item's body sets after the cursor (the prefix does not show them).
    fn fields_after_cursor(&self, replace: Span) -> Vec<String> {
        let parsed = parse(self.db, self.file);
        let Some(item) = parsed.items.iter().find(|i| i.offset == self.base) else {
            return Vec::new();
        };
        let body = match &item.syntax.kind {
            ItemKind::Decl(decl) => decl.body.as_ref(),
            ItemKind::Template(template) => template.body.as_ref(),
            _ => None,
        };
        let Some(body) = body else { return Vec::new() };
        body.members
            .iter()
            .filter(|m| m.span.start + self.base >= replace.end)
            .filter_map(|m| match &m.kind {
                fab_grammar::ast::MemberKind::Field { path, .. } => {
                    path.segments.first().map(|s| s.name.clone())
                }
                fab_grammar::ast::MemberKind::Record { name, .. } => Some(name.name.clone()),
                _ => None,
            })
            .collect()
    }

    /// The first segment of a study path: components, and in a scenario the experiment's fields.
    fn study_roots(&self, replace: Span, experiment_fields: bool) -> Vec<CompletionItem> {
        let mut items = self.declarations(replace, |c| matches!(c, ItemClass::Decl(k) if k != DeclKind::Route && k != DeclKind::Scenario && k != DeclKind::Optimize && k != DeclKind::Sensitivity && k != DeclKind::Sync && k != DeclKind::Experiment));
        if experiment_fields && let Some(experiment) = catalog::kind("experiment") {
            items.extend(field_items(experiment.fields, None, &[], replace));
        }
        items
    }

    fn measures(&self, replace: Span) -> Vec<CompletionItem> {
        let mut items: Vec<CompletionItem> = crate::check::KPIS
            .iter()
            .map(|k| {
                CompletionItem::new(*k, CompletionKind::Word, replace).detail("measure").rank(1)
            })
            .collect();
        items.extend(self.declarations(replace, is_component));
        items
    }

    /// The type of the field a study path names.
    fn path_type(&self, path: &[String]) -> Option<ValueType> {
        match path {
            [field] => catalog::kind("experiment")?.field(field).map(|f| f.ty),
            [component, field, rest @ ..] => {
                let declaration = self.scope.lookup(component)?;
                let ItemClass::Decl(kind) = declaration.class else { return None };
                let kind = catalog::kind(kind.keyword())?;
                if let Some(decl) = kind.field(field) {
                    return match (decl.ty, rest) {
                        (ty, []) => Some(ty),
                        (ValueType::Record(record), [inner]) => {
                            catalog::find_field(record, inner).map(|f| f.ty)
                        }
                        _ => None,
                    };
                }
                let (_, keyword) = nested_definition(self.db, declaration, field)?;
                let nested = kind.nested(&keyword)?;
                catalog::find_field(nested.fields, rest.first()?).map(|f| f.ty)
            }
            [] => None,
        }
    }

    /// The completions after `a.` or `a.b.` in a study path.
    fn path_items(&self, path: &[String], replace: Span) -> Vec<CompletionItem> {
        let Some(component) = path.first() else { return Vec::new() };
        let Some(declaration) = self.scope.lookup(component) else { return Vec::new() };
        let ItemClass::Decl(kind) = declaration.class else { return Vec::new() };
        let Some(kind) = catalog::kind(kind.keyword()) else { return Vec::new() };
        let checked = crate::check::check_item(self.db, declaration.file, declaration.key.clone());
        let nested = checked.body.as_ref().map(|b| b.nested.clone()).unwrap_or_default();
        match path {
            [_] => {
                let mut items = field_items(kind.fields, None, &[], replace);
                for mode in &nested {
                    items.push(
                        CompletionItem::new(mode.name.clone(), CompletionKind::Nested, replace)
                            .detail(mode.keyword.clone())
                            .rank(1),
                    );
                }
                items
            }
            [_, second] => {
                if let Some(ValueType::Record(record)) = kind.field(second).map(|f| f.ty) {
                    return field_items(record, None, &[], replace);
                }
                match nested
                    .iter()
                    .find(|n| &n.name == second)
                    .and_then(|n| kind.nested(&n.keyword))
                {
                    Some(decl) => field_items(decl.fields, None, &[], replace),
                    None => Vec::new(),
                }
            }
            _ => Vec::new(),
        }
    }

    fn in_call(
        &self,
        callee: &str,
        frame: &Frame,
        frames: &[Frame],
        replace: Span,
    ) -> Vec<CompletionItem> {
        let params = callee_params(callee);
        let variable = variable_dimension(frame.expected.as_ref());
        let segment = &frame.segment;
        if segment.is_empty() {
            let family = dist::family(callee);
            return params
                .iter()
                .filter(|p| !frame.written.iter().any(|w| w == p.name))
                .map(|p| {
                    // A family's signatures are alternatives: say which a parameter belongs to.
                    let signature = family
                        .filter(|f| f.signatures.len() > 1)
                        .map(|f| {
                            f.signatures
                                .iter()
                                .filter(|s| s.iter().any(|q| q.name == p.name))
                                .map(|s| s.iter().map(|q| q.name).collect::<Vec<_>>().join(", "))
                                .collect::<Vec<_>>()
                                .join(" or ")
                        })
                        .map(|s| format!(" — with ({s})"))
                        .unwrap_or_default();
                    CompletionItem::new(p.name, CompletionKind::Parameter, replace)
                        .detail(format!("{}{signature}", param_detail(p, variable)))
                        .doc(p.doc)
                        .snippet(format!("{} = $0", p.name))
                        .rank(if p.optional { 2 } else { 1 })
                })
                .collect();
        }
        let Some((name, value)) = member_assignment(segment) else { return Vec::new() };
        let Some(param) = params.into_iter().find(|p| name.first().is_some_and(|n| n == p.name))
        else {
            return Vec::new();
        };
        let ty = param_value_type(param, variable);
        match value.last() {
            None => self.values(Some(&ty), frames, replace),
            Some(last) if starts_value(&last.token) => self.values(Some(&ty), frames, replace),
            Some(last) if last.token == Token::Of => self.clocks(Some(&ty), replace),
            _ => Vec::new(),
        }
    }

    fn in_template_args(
        &self,
        template: &str,
        frame: &Frame,
        frames: &[Frame],
        replace: Span,
    ) -> Vec<CompletionItem> {
        let Some(declaration) = self.scope.lookup(template) else { return Vec::new() };
        let params = template_params(self.db, declaration);
        let segment = &frame.segment;
        if segment.is_empty() {
            return params
                .iter()
                .filter(|p| !frame.written.contains(&p.name.name))
                .map(|p| {
                    let ty = written_type(self.db, declaration, p);
                    CompletionItem::new(p.name.name.clone(), CompletionKind::Parameter, replace)
                        .detail(ty)
                        .snippet(format!("{} = $0", p.name.name))
                        .rank(if p.default.is_some() { 2 } else { 1 })
                })
                .collect();
        }
        let Some((name, value)) = member_assignment(segment) else { return Vec::new() };
        let Some(param) = params.iter().find(|p| Some(&p.name.name) == name.first()) else {
            return Vec::new();
        };
        let ty = type_of_written(&param.ty);
        match value.last() {
            None => self.values(ty.as_ref(), frames, replace),
            Some(last) if starts_value(&last.token) => self.values(ty.as_ref(), frames, replace),
            _ => Vec::new(),
        }
    }

    /// In a template's parameter list: the type names after `name:`, the quantity types a
    /// distribution can have after `Dist<`, and after `=` what the parameter's type accepts.
    fn in_template_params(
        &self,
        frame: &Frame,
        frames: &[Frame],
        replace: Span,
    ) -> Vec<CompletionItem> {
        if let Some(equals) = frame.segment.iter().position(|t| t.token == Token::Equals) {
            let expected = self.expected_here(frames);
            return match frame.segment[equals + 1..].last() {
                None => self.values(expected.as_ref(), frames, replace),
                Some(last) if starts_value(&last.token) => {
                    self.values(expected.as_ref(), frames, replace)
                }
                _ => Vec::new(),
            };
        }
        let in_dist = match frame.segment.last().map(|t| &t.token) {
            Some(Token::Colon) => false,
            Some(Token::Less) => true,
            _ => return Vec::new(),
        };
        // The quantity names, then the other type names (which take `Count` and `Ratio` over);
        // after `Dist<` only the names that stand for a quantity.
        let quantities = units::QUANTITY_NAMES
            .iter()
            .filter(|(_, name)| types::param_type_name(name).is_none())
            .map(|(dim, name)| (*name, format!("quantity, dimension {}", dim.formula())));
        let others =
            types::PARAM_TYPE_NAMES.iter().map(|entry| (entry.name, entry.doc.to_string()));
        quantities
            .chain(others)
            .filter_map(|(name, detail)| {
                let alone = check::named_param_type(name, &[]);
                let item = CompletionItem::new(name, CompletionKind::Word, replace).detail(detail);
                match alone {
                    Ok(ParamTy::Quantity(_)) => Some(item),
                    Ok(_) if !in_dist => Some(item),
                    // `Dist` alone is no type: it is offered with its argument to fill in.
                    Err(_) if !in_dist => Some(item.snippet(format!("{name}<${{1:Duration}}>"))),
                    _ => None,
                }
            })
            .collect()
    }

    /// The clocks, after `of`.
    fn clocks(&self, expected: Option<&ValueType>, replace: Span) -> Vec<CompletionItem> {
        let clocks = expected.and_then(clocks_of).unwrap_or(catalog::CLOCKS);
        clocks
            .iter()
            .enumerate()
            .map(|(index, clock)| {
                CompletionItem::new(*clock, CompletionKind::Word, replace).detail(if index == 0 {
                    "clock (the default)"
                } else {
                    "clock"
                })
            })
            .collect()
    }

    /// What a value of type `expected` may start with.
    fn values(
        &self,
        expected: Option<&ValueType>,
        frames: &[Frame],
        replace: Span,
    ) -> Vec<CompletionItem> {
        let mut items = Vec::new();
        if let Some(ty) = expected {
            self.values_of(ty, replace, &mut items);
        }
        // Inside a template's body or the arguments of its base, its parameters.
        let template_header =
            |header: &[Tok]| header.first().is_some_and(|t| t.token == Token::Component);
        let in_template =
            frames.iter().any(|f| matches!(&f.opener, Opener::ItemBody(h) if template_header(h)))
                || frames.first().is_some_and(|top| template_header(&top.segment))
                    && frames.iter().any(|f| matches!(f.opener, Opener::TemplateArgs(_)));
        if in_template
            && let Some(ItemKind::Template(template)) = parse(self.db, self.file)
                .items
                .iter()
                .find(|i| i.offset == self.base)
                .map(|i| &i.syntax.kind)
        {
            for param in &template.params {
                items.push(
                    CompletionItem::new(
                        param.name.name.clone(),
                        CompletionKind::Parameter,
                        replace,
                    )
                    .detail("template parameter")
                    .rank(0),
                );
            }
        }
        // A name that is one of the words the type accepts is that word, not the parameter or
        // declaration of that name (`eval::is_accepted_word`), so only the word is offered.
        if let Some(ty) = expected {
            items.retain(|item| {
                item.kind == CompletionKind::Word || !is_accepted_word(ty, &item.label)
            });
        }
        items
    }

    fn values_of(&self, ty: &ValueType, replace: Span, items: &mut Vec<CompletionItem>) {
        match ty {
            ValueType::Dist(dim) => family_items(*dim, replace, items),
            ValueType::Quantity(_)
            | ValueType::Cycles
            | ValueType::Int { .. }
            | ValueType::String
            | ValueType::Any => {}
            ValueType::Bool => {
                for word in ["true", "false"] {
                    items.push(CompletionItem::new(word, CompletionKind::Keyword, replace));
                }
            }
            ValueType::Word(words) => {
                for word in *words {
                    items.push(
                        CompletionItem::new(*word, CompletionKind::Word, replace)
                            .detail(ty.to_string())
                            .rank(1),
                    );
                }
            }
            ValueType::OneOf(alternatives) => {
                for alternative in *alternatives {
                    self.values_of(alternative, replace, items);
                }
            }
            ValueType::Clocked { value, .. } => self.values_of(value, replace, items),
            ValueType::Tuple(_) | ValueType::Record(_) | ValueType::Map { .. } => {}
            ValueType::List(element) => self.values_of(element, replace, items),
            ValueType::Ref(class) => {
                let class = *class;
                items.extend(self.declarations(replace, |c| ref_class_matches(class, c)));
            }
            ValueType::Call(kind) => callable_items(*kind, replace, items),
        }
    }

    /// Units for a quantity of dimension `dim` (every unit when unknown).
    fn unit_items(&self, dim: Option<Dimension>, replace: Span) -> Vec<CompletionItem> {
        let mut items = Vec::new();
        let mut push = |name: String, dimension: Dimension, doc: String, rank: u8| {
            let detail = match dimension.quantity_name() {
                Some(q) => q.to_string(),
                None => dimension.formula(),
            };
            items.push(
                CompletionItem::new(name, CompletionKind::Unit, replace)
                    .detail(detail)
                    .doc(doc)
                    .rank(rank),
            );
        };
        match dim {
            Some(dim) => {
                let mut single = units::units_of(dim).peekable();
                let has_single = single.peek().is_some();
                for unit in single {
                    push(unit.name.to_string(), unit.dimension, unit.doc.to_string(), 0);
                }
                // Compound units only where no single unit has the dimension (`m/s`, not `J/W`).
                let compound = if has_single { Vec::new() } else { compound_units(dim) };
                for (name, dimension, si) in compound {
                    push(name, dimension, String::new(), if si { 0 } else { 1 });
                }
            }
            None => {
                for unit in units::UNITS {
                    push(unit.name.to_string(), unit.dimension, unit.doc.to_string(), 1);
                }
            }
        }
        items
    }
}

/// Closes the member or argument being written: remembers the name it set.
fn close_member(frame: &mut Frame) {
    if let Some((name, _)) = member_assignment(&frame.segment)
        && let Some(first) = name.first()
    {
        frame.written.push(if name.len() == 1 { first.clone() } else { name.join(".") });
    } else if let [name, ..] = frame.segment.as_slice()
        && name.is_word()
        && frame.segment.len() == 1
    {
        frame.written.push(name.text.clone());
    }
    frame.segment.clear();
}

/// `a.b.c = …`: the path's names and the tokens after `=`.
fn member_assignment(segment: &[Tok]) -> Option<(Vec<String>, &[Tok])> {
    let equals = segment.iter().position(|t| t.token == Token::Equals)?;
    let names = dotted_names(&segment[..equals]).filter(|names| !names.is_empty())?;
    Some((names, &segment[equals + 1..]))
}

/// `a.` or `a.b.`: the names before the last dot, when the segment is exactly that.
fn dotted_prefix(segment: &[Tok]) -> Option<Vec<String>> {
    if segment.last()?.token != Token::Dot {
        return None;
    }
    dotted_names(segment)
}

/// The names of tokens alternating name, `.`, name, …: `None` when they do not alternate.
fn dotted_names(tokens: &[Tok]) -> Option<Vec<String>> {
    let mut names = Vec::new();
    for (index, tok) in tokens.iter().enumerate() {
        if index % 2 == 0 {
            if !tok.is_word() {
                return None;
            }
            names.push(tok.text.clone());
        } else if tok.token != Token::Dot {
            return None;
        }
    }
    Some(names)
}

/// What a `(` opens, from the tokens before it.
fn paren_opener(frame: &Frame) -> Opener {
    let segment = &frame.segment;
    if matches!(frame.opener, Opener::TopLevel) {
        if let [first, name] = segment.as_slice()
            && first.token == Token::Component
            && name.is_word()
        {
            return Opener::TemplateParams;
        }
        if let [.., colon, name] = segment.as_slice()
            && colon.token == Token::Colon
            && name.is_word()
        {
            return Opener::TemplateArgs(name.text.clone());
        }
    }
    match segment.last() {
        Some(callee) if callee.is_word() => Opener::Call(callee.text.clone()),
        _ => Opener::Group,
    }
}

fn is_component(class: ItemClass) -> bool {
    matches!(class, ItemClass::Decl(kind) if crate::check::is_component_kind(kind))
}

fn ref_class_matches(class: RefClass, found: ItemClass) -> bool {
    match class {
        RefClass::Product => found == ItemClass::Decl(DeclKind::Product),
        RefClass::Resource => found == ItemClass::Decl(DeclKind::Resource),
        RefClass::Experiment => {
            matches!(found, ItemClass::Decl(DeclKind::Experiment | DeclKind::Scenario))
        }
        RefClass::Component => is_component(found),
    }
}

/// The parameters of a family (every signature's, without repeats) or a callable.
fn callee_params(callee: &str) -> Vec<&'static ParamDecl> {
    if let Some(family) = dist::family(callee) {
        let mut out: Vec<&'static ParamDecl> = Vec::new();
        for signature in family.signatures {
            for param in signature.iter() {
                if !out.iter().any(|p| p.name == param.name) {
                    out.push(param);
                }
            }
        }
        return out;
    }
    catalog::callable(callee).map(|c| c.params.iter().collect()).unwrap_or_default()
}

/// The variable dimension of a distribution expected as `ty`.
fn variable_dimension(ty: Option<&ValueType>) -> Option<Dimension> {
    match ty? {
        ValueType::Dist(dim) | ValueType::Quantity(dim) => Some(*dim),
        ValueType::Clocked { value, .. } => variable_dimension(Some(value)),
        ValueType::OneOf(alternatives) => {
            alternatives.iter().find_map(|a| variable_dimension(Some(a)))
        }
        _ => None,
    }
}

/// The dimension of a quantity expected as `ty`.
fn quantity_dimension_of(ty: &ValueType) -> Option<Dimension> {
    match ty {
        ValueType::Quantity(dim) | ValueType::Dist(dim) => Some(*dim),
        ValueType::Cycles => Some(Dimension::COUNT),
        ValueType::Clocked { value, .. } => quantity_dimension_of(value),
        ValueType::OneOf(alternatives) => alternatives.iter().find_map(quantity_dimension_of),
        ValueType::List(element) => quantity_dimension_of(element),
        ValueType::Tuple(elements) => elements.first().and_then(quantity_dimension_of),
        _ => None,
    }
}

fn clocks_of(ty: &ValueType) -> Option<&'static [&'static str]> {
    match ty {
        ValueType::Clocked { clocks, .. } => Some(clocks),
        ValueType::OneOf(alternatives) => alternatives.iter().find_map(clocks_of),
        _ => None,
    }
}

fn param_value_type(param: &ParamDecl, variable: Option<Dimension>) -> ValueType {
    match param.ty {
        ParamType::OfVariable => match variable {
            Some(dim) => ValueType::Quantity(dim),
            None => ValueType::Any,
        },
        ParamType::PerVariable => match variable {
            Some(dim) => ValueType::Quantity(dim.powi(-1)),
            None => ValueType::Any,
        },
        ParamType::Fixed(ty) => ty,
    }
}

fn param_detail(param: &ParamDecl, variable: Option<Dimension>) -> String {
    let ty = match param.ty {
        ParamType::OfVariable => match variable {
            Some(dim) => dim.to_string(),
            None => "the variable's unit".to_string(),
        },
        ParamType::PerVariable => match variable {
            Some(dim) => dim.powi(-1).to_string(),
            None => "per unit of the variable".to_string(),
        },
        ParamType::Fixed(ty) => ty.to_string(),
    };
    if param.optional { format!("{ty}, optional") } else { ty }
}

/// The value type a template parameter's written type stands for.
fn type_of_written(ty: &fab_grammar::ast::TypeExpr) -> Option<ValueType> {
    check::parse_type(ty).ok().map(|ty| ty.as_value_type())
}

/// A parameter's type from the tokens written after `name:` (`Duration`, `Dist<Duration>`), which
/// do not parse yet while the parameter list is being typed.
fn type_of_tokens(tokens: &[Tok]) -> Option<ValueType> {
    param_type_of_tokens(tokens).map(|ty| ty.as_value_type())
}

fn param_type_of_tokens(tokens: &[Tok]) -> Option<ParamTy> {
    let args = match tokens {
        [name] if name.is_word() => Vec::new(),
        [name, less, inner @ .., greater]
            if name.is_word() && less.token == Token::Less && greater.token == Token::Greater =>
        {
            vec![param_type_of_tokens(inner)?]
        }
        _ => return None,
    };
    check::named_param_type(&tokens[0].text, &args).ok()
}

/// A template parameter's type as written in its template.
fn written_type(db: &dyn Db, template: &Declaration, param: &fab_grammar::ast::Param) -> String {
    let offset = parse(db, template.file).item(&template.key).map(|p| p.offset).unwrap_or(0);
    let text = template.file.text(db);
    let ty = text.get(param.ty.span().shift(offset as i64).range()).unwrap_or_default();
    match &param.default {
        Some(default) => {
            let default = text.get(default.span.shift(offset as i64).range()).unwrap_or_default();
            format!("{ty} = {default}")
        }
        None => ty.to_string(),
    }
}

#[cfg(test)]
mod tests;
