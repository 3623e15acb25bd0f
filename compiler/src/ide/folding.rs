//! Folding ranges: item bodies, records and nested items, long flows, runs of comments and of
//! imports.

use crate::db::{Db, SourceFile};
use crate::syntax::parse;
use fab_grammar::ast::{Body, ItemKind, MemberKind};
use fab_grammar::lexer::{CommentKind, lex};
use fab_stdlib::units;

use super::Span;

/// What a fold hides.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum FoldKind {
    Region,
    Comment,
    Imports,
}

/// One foldable range: from `span.start` to `span.end`, which for a body is right before its
/// closing brace, so the brace stays visible.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Fold {
    pub span: Span,
    pub kind: FoldKind,
}

/// The folds of `file` that span more than one line, in source order.
pub fn folding_ranges(db: &dyn Db, file: SourceFile) -> Vec<Fold> {
    let text = file.text(db);
    let multi_line = |span: Span| text.get(span.range()).is_some_and(|t| t.contains('\n'));
    let mut out = Vec::new();
    let mut imports: Option<Span> = None;
    let mut import_count = 0;
    for item in &parse(db, file).items {
        let base = item.offset as i64;
        let span = item.syntax.span.shift(base);
        if let ItemKind::Import(_) = item.syntax.kind {
            import_count += 1;
            imports = Some(imports.map_or(span, |s| s.cover(span)));
            continue;
        }
        if let Some(run) = imports.take() {
            if import_count > 1 {
                out.push(Fold { span: run, kind: FoldKind::Imports });
            }
            import_count = 0;
        }
        match &item.syntax.kind {
            ItemKind::Decl(decl) => {
                if let Some(body) = &decl.body {
                    body_folds(body, base, span.start, &multi_line, &mut out);
                }
            }
            ItemKind::Template(template) => {
                if let Some(body) = &template.body {
                    body_folds(body, base, span.start, &multi_line, &mut out);
                }
            }
            ItemKind::Flow(_) if multi_line(span) => {
                out.push(Fold { span, kind: FoldKind::Region });
            }
            _ => {}
        }
    }
    if let Some(run) = imports
        && import_count > 1
    {
        out.push(Fold { span: run, kind: FoldKind::Imports });
    }
    // Comments: a block comment over several lines, or a run of line comments.
    let lexed = lex(text, &units::is_unit_name);
    let mut run: Option<(Span, usize)> = None;
    let flush = |run: &mut Option<(Span, usize)>, out: &mut Vec<Fold>| {
        if let Some((span, lines)) = run.take()
            && lines > 1
        {
            out.push(Fold { span, kind: FoldKind::Comment });
        }
    };
    for comment in &lexed.comments {
        if comment.kind == CommentKind::Block {
            flush(&mut run, &mut out);
            if multi_line(comment.span) {
                out.push(Fold { span: comment.span, kind: FoldKind::Comment });
            }
            continue;
        }
        let continues = run.as_ref().is_some_and(|(span, _)| {
            text.get(span.end as usize..comment.span.start as usize).is_some_and(|between| {
                between.trim().is_empty() && between.matches('\n').count() == 1
            })
        });
        if continues {
            if let Some((span, lines)) = &mut run {
                *span = span.cover(comment.span);
                *lines += 1;
            }
        } else {
            flush(&mut run, &mut out);
            run = Some((comment.span, 1));
        }
    }
    flush(&mut run, &mut out);
    out.sort_by_key(|f| (f.span.start, f.span.end));
    out
}

fn body_folds(
    body: &Body,
    base: i64,
    start: u32,
    multi_line: &dyn Fn(Span) -> bool,
    out: &mut Vec<Fold>,
) {
    let span = body.span.shift(base);
    if !multi_line(span) || span.is_empty() {
        return;
    }
    // From the item's (or member's) first token to the closing brace, which stays visible.
    out.push(Fold {
        span: Span { start, end: span.end.saturating_sub(1) },
        kind: FoldKind::Region,
    });
    for member in &body.members {
        let member_start = member.span.start + base as u32;
        match &member.kind {
            MemberKind::Record { body, .. } => {
                body_folds(body, base, member_start, multi_line, out)
            }
            MemberKind::Nested { body: Some(body), .. } => {
                body_folds(body, base, member_start, multi_line, out)
            }
            _ => {}
        }
    }
}
