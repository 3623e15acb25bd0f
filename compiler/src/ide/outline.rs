//! The outline of a file (document symbols) and the declarations of every loaded file (workspace
//! symbols).

use crate::db::{Db, SourceFile};
use crate::syntax::{ParsedItem, parse};
use fab_grammar::ast::{Body, DeclKind, ItemKind, MemberKind};

use super::{Span, workspace_files};

/// What an outline entry is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OutlineKind {
    Import,
    Product,
    /// A node of the process graph: source, station, buffer, conveyor, robot, transport, sink.
    Component,
    Resource,
    Template,
    Flow,
    Route,
    Experiment,
    /// A scenario, `optimize` or `sync` block.
    Study,
    Field,
    Record,
    /// A named nested item such as a failure mode.
    Nested,
    Parameter,
}

/// One entry of a file's outline, with the entries inside it.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct OutlineItem {
    pub name: String,
    /// The keyword or a short form of the value: `station`, `= 30 s`.
    pub detail: Option<String>,
    pub kind: OutlineKind,
    /// The whole entry.
    pub span: Span,
    /// Its name (or, for entries without one, its first token).
    pub selection: Span,
    pub children: Vec<OutlineItem>,
}

/// The outline of a file: its items with their fields, records and nested items.
pub fn document_symbols(db: &dyn Db, file: SourceFile) -> Vec<OutlineItem> {
    let text = file.text(db);
    parse(db, file).items.iter().filter_map(|item| item_outline(text, item)).collect()
}

fn decl_kind(kind: DeclKind) -> OutlineKind {
    match kind {
        DeclKind::Product => OutlineKind::Product,
        DeclKind::Resource => OutlineKind::Resource,
        DeclKind::Route => OutlineKind::Route,
        DeclKind::Experiment => OutlineKind::Experiment,
        DeclKind::Scenario | DeclKind::Optimize | DeclKind::Sensitivity | DeclKind::Sync => {
            OutlineKind::Study
        }
        DeclKind::Source
        | DeclKind::Station
        | DeclKind::Buffer
        | DeclKind::Conveyor
        | DeclKind::Robot
        | DeclKind::Transport
        | DeclKind::Sink => OutlineKind::Component,
    }
}

/// `text` on one line, shortened to about `limit` characters.
fn one_line(text: &str, limit: usize) -> String {
    let joined = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if joined.chars().count() <= limit {
        return joined;
    }
    let mut short: String = joined.chars().take(limit).collect();
    short.push('…');
    short
}

fn item_outline(text: &str, item: &ParsedItem) -> Option<OutlineItem> {
    let base = item.offset as i64;
    let syntax = &item.syntax;
    let span = syntax.span.shift(base);
    let slice = |s: Span| text.get(s.shift(base).range()).unwrap_or_default();
    match &syntax.kind {
        ItemKind::Import(import) => Some(OutlineItem {
            name: format!("import \"{}\"", import.path.value),
            detail: None,
            kind: OutlineKind::Import,
            span,
            selection: import.path.span.shift(base),
            children: Vec::new(),
        }),
        ItemKind::Decl(decl) => {
            if decl.name.name.is_empty() {
                return None;
            }
            let children = match &decl.body {
                Some(body) => body_outline(text, base, body),
                None => Vec::new(),
            };
            let detail = match &decl.base {
                Some(b) => format!("{} : {}", decl.kind.keyword(), one_line(slice(b.span), 60)),
                None => decl.kind.keyword().to_string(),
            };
            Some(OutlineItem {
                name: decl.name.name.clone(),
                detail: Some(detail),
                kind: decl_kind(decl.kind),
                span,
                selection: decl.name.span.shift(base),
                children,
            })
        }
        ItemKind::Template(template) => {
            if template.name.name.is_empty() {
                return None;
            }
            let mut children: Vec<OutlineItem> = template
                .params
                .iter()
                .map(|p| OutlineItem {
                    name: p.name.name.clone(),
                    detail: Some(one_line(slice(p.ty.span()), 40)),
                    kind: OutlineKind::Parameter,
                    span: p.span.shift(base),
                    selection: p.name.span.shift(base),
                    children: Vec::new(),
                })
                .collect();
            if let Some(body) = &template.body {
                children.extend(body_outline(text, base, body));
            }
            Some(OutlineItem {
                name: template.name.name.clone(),
                detail: Some(format!("component : {}", template.base.name.name)),
                kind: OutlineKind::Template,
                span,
                selection: template.name.span.shift(base),
                children,
            })
        }
        ItemKind::Flow(flow) => {
            let names: Vec<&str> = flow.stages.iter().map(|s| s.name.as_str()).collect();
            let selection = flow.stages.first().map(|s| s.span.shift(base)).unwrap_or(span);
            Some(OutlineItem {
                name: one_line(&format!("flow {}", names.join(" -> ")), 60),
                detail: None,
                kind: OutlineKind::Flow,
                span,
                selection,
                children: Vec::new(),
            })
        }
        ItemKind::Error => None,
    }
}

fn body_outline(text: &str, base: i64, body: &Body) -> Vec<OutlineItem> {
    let slice = |s: Span| text.get(s.shift(base).range()).unwrap_or_default();
    let mut out = Vec::new();
    for member in &body.members {
        let span = member.span.shift(base);
        match &member.kind {
            MemberKind::Field { path, value } => out.push(OutlineItem {
                name: path.dotted(),
                detail: Some(format!("= {}", one_line(slice(value.span), 50))),
                kind: OutlineKind::Field,
                span,
                selection: path.span.shift(base),
                children: Vec::new(),
            }),
            MemberKind::Record { name, body } => out.push(OutlineItem {
                name: name.name.clone(),
                detail: None,
                kind: OutlineKind::Record,
                span,
                selection: name.span.shift(base),
                children: body_outline(text, base, body),
            }),
            MemberKind::Nested { keyword, name, body } => out.push(OutlineItem {
                name: name.name.clone(),
                detail: Some(keyword.name.clone()),
                kind: OutlineKind::Nested,
                span,
                selection: name.span.shift(base),
                children: body.as_ref().map(|b| body_outline(text, base, b)).unwrap_or_default(),
            }),
            MemberKind::Vary { path, .. } | MemberKind::Bind { path, .. } => {
                out.push(OutlineItem {
                    name: path.dotted(),
                    detail: Some(one_line(slice(member.span), 50)),
                    kind: OutlineKind::Field,
                    span,
                    selection: path.span.shift(base),
                    children: Vec::new(),
                })
            }
            MemberKind::Objective { .. } | MemberKind::Constraint { .. } => out.push(OutlineItem {
                name: one_line(slice(member.span), 50),
                detail: None,
                kind: OutlineKind::Field,
                span,
                selection: span,
                children: Vec::new(),
            }),
            MemberKind::Error => {}
        }
    }
    out.retain(|entry| !entry.name.is_empty());
    out
}

/// A declaration found by a workspace symbol search.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct WorkspaceSymbol {
    pub name: String,
    pub kind: OutlineKind,
    /// The keyword: `station`, `component`.
    pub detail: String,
    pub file: SourceFile,
    /// The span of the name.
    pub span: Span,
}

/// The declarations of every loaded file whose name matches `query`: its characters appear in
/// order, ignoring case. Exact and prefix matches come first; at most `limit` results.
pub fn workspace_symbols(db: &dyn Db, query: &str, limit: usize) -> Vec<WorkspaceSymbol> {
    let query = query.to_lowercase();
    let mut found: Vec<(u8, WorkspaceSymbol)> = Vec::new();
    for file in workspace_files(db) {
        for item in &parse(db, file).items {
            let base = item.offset as i64;
            let (name, kind, detail) = match &item.syntax.kind {
                ItemKind::Decl(decl) if decl.kind != DeclKind::Route => {
                    (&decl.name, decl_kind(decl.kind), decl.kind.keyword())
                }
                ItemKind::Template(template) => {
                    (&template.name, OutlineKind::Template, "component")
                }
                _ => continue,
            };
            let Some(rank) = match_rank(&name.name.to_lowercase(), &query) else { continue };
            found.push((
                rank,
                WorkspaceSymbol {
                    name: name.name.clone(),
                    kind,
                    detail: detail.to_string(),
                    file,
                    span: name.span.shift(base),
                },
            ));
        }
    }
    found.sort_by(|a, b| (a.0, &a.1.name).cmp(&(b.0, &b.1.name)));
    found.into_iter().take(limit).map(|(_, symbol)| symbol).collect()
}

/// 0 for an exact match, 1 for a prefix, 2 for a subsequence; `None` when it does not match.
fn match_rank(name: &str, query: &str) -> Option<u8> {
    if name.is_empty() {
        return None;
    }
    if name == query {
        return Some(0);
    }
    if name.starts_with(query) {
        return Some(1);
    }
    let mut rest = name.chars();
    query.chars().all(|q| rest.any(|c| c == q)).then_some(2)
}
