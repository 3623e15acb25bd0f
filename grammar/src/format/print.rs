//! Writing the file: runs of tokens with their comments, bodies, flows, the gaps between members
//! and items, and the line breaking of long lines (see the module documentation of `format`).

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use crate::ast::{Body, Item, ItemKind, Member, MemberKind, SourceFile, Span};
use crate::lexer::{Comment, CommentKind, Token};

use super::{Formatter, INDENT, MAX_WIDTH, Role, comment_text};

/// Where a run of tokens breaks lines besides after line comments.
#[derive(Default)]
struct Plan {
    /// Token index → the indentation of the new line it starts.
    breaks: BTreeMap<usize, usize>,
    /// Trailing commas kept although they come before a closing delimiter.
    keep_commas: BTreeSet<usize>,
    /// A closing delimiter before whose line break a trailing comma is added.
    comma_before: Option<usize>,
}

/// How many blank lines may separate two things: none, as many as the source had (at most one),
/// or one whatever the source had.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Blank {
    Never,
    Source,
    Force,
}

/// The blank-line rules of one gap: before its first leading comment, and before what follows.
#[derive(Clone, Copy, Debug)]
struct Blanks {
    first: Blank,
    last: Blank,
}

/// Something between two members or items: a comment or a separator token.
#[derive(Clone, Copy, Debug)]
enum Element<'a> {
    Comment(&'a Comment),
    Separator(usize),
}

/// The text being written, with the indentation of a new line written lazily.
#[derive(Debug)]
struct Writer {
    out: String,
    /// `Some(indent)` right after a line break: the next text is indented by that much.
    pending: Option<usize>,
    /// The column where `out` starts (for a trial rendering in the middle of a line).
    start_column: usize,
    /// Whether `out` starts at the beginning of a line.
    fresh: bool,
}

impl Writer {
    /// A writer at the start of a line.
    fn fresh() -> Writer {
        Writer { out: String::new(), pending: None, start_column: 0, fresh: true }
    }

    /// A writer continuing a line at `column`.
    fn at_column(column: usize) -> Writer {
        Writer { out: String::new(), pending: None, start_column: column, fresh: false }
    }

    fn push(&mut self, text: &str) {
        if let Some(indent) = self.pending.take() {
            self.out.extend(std::iter::repeat_n(' ', indent));
        }
        self.out.push_str(text);
    }

    fn at_line_start(&self) -> bool {
        self.pending.is_some() || (self.fresh && self.out.is_empty())
    }

    /// Ends the line (unless already at the start of one) and indents the next by `indent`.
    fn newline(&mut self, indent: usize) {
        self.line_break(false, indent);
    }

    /// Ends the line, leaves one blank line when `blank`, and indents the next by `indent`. At
    /// the very start of the text it only sets the indentation.
    fn line_break(&mut self, blank: bool, indent: usize) {
        if self.fresh && self.out.is_empty() {
            self.pending = Some(indent);
            return;
        }
        if self.pending.is_none() {
            self.out.push('\n');
        }
        if blank && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
        self.pending = Some(indent);
    }

    fn column(&self) -> usize {
        if let Some(indent) = self.pending {
            return indent;
        }
        match self.out.rfind('\n') {
            Some(at) => self.out[at + 1..].chars().count(),
            None => self.start_column + self.out.chars().count(),
        }
    }
}

/// The number of characters on the longest line of `text`, the first line counted from `column`,
/// without the trailing whitespace that the finished text will not have (a line comment may end
/// in spaces).
fn widest_line(text: &str, column: usize) -> usize {
    let width = |line: &str| line.trim_end().chars().count();
    let mut lines = text.split('\n');
    let first = column + lines.next().map_or(0, width);
    lines.map(width).fold(first, usize::max)
}

/// Whether `text`, written from `column`, fits in [`MAX_WIDTH`] with `after` more columns at the
/// end of its last line (what the layout writes there: ` {`, comments at the end of the line).
fn fits(text: &str, column: usize, after: usize) -> bool {
    let last = match text.rfind('\n') {
        Some(at) => text[at + 1..].trim_end().chars().count(),
        None => column + text.trim_end().chars().count(),
    };
    widest_line(text, column) <= MAX_WIDTH && last + after <= MAX_WIDTH
}

impl Formatter<'_> {
    /// Writes the tokens of `range` from the current position, with the comments between them.
    /// A line comment ends the line, and a comment that starts a line in the source starts one
    /// here; the run goes on indented by `indent` plus one level.
    fn run(&self, writer: &mut Writer, range: Range<usize>, indent: usize, plan: &Plan) {
        let continuation = indent + INDENT;
        let mut previous: Option<usize> = None;
        let mut space_next = false;
        for index in range.clone() {
            if index > range.start {
                // The comma a broken list adds goes before the comments, which may end the line.
                if plan.comma_before == Some(index) {
                    writer.push(",");
                }
                let mut after = self.tokens.get(index - 1).map_or(0, |token| token.end);
                let mut comment_line = false;
                for comment in self.comments_before(index) {
                    (space_next, comment_line) =
                        self.comment_in_run(writer, comment, after, index, continuation);
                    after = comment.span.end as usize;
                }
                // After a block comment that starts a line, what followed it on that line stays
                // there: the source's line break is the one before the comment.
                if self.keep_line_break(index - 1) && !comment_line {
                    writer.newline(continuation);
                }
                if let Some(&break_indent) = plan.breaks.get(&index)
                    && !comment_line
                {
                    writer.newline(break_indent);
                }
            }
            if self.droppable_comma(index) && !plan.keep_commas.contains(&index) {
                continue;
            }
            if let Some(previous) = previous
                && !writer.at_line_start()
            {
                let closes = matches!(
                    self.token(index),
                    Some(Token::Comma | Token::RightParen | Token::RightBracket)
                );
                if self.space_between(previous, index) || (space_next && !closes) {
                    writer.push(" ");
                }
            }
            space_next = false;
            writer.push(self.tokens.get(index).map_or("", |token| token.text.as_str()));
            previous = Some(index);
        }
    }

    /// Writes a comment that lies before token `next`, inside a run of tokens or before the `{`
    /// of a body; `after` is the source offset where the token or comment before it ends. A
    /// comment that starts a line in the source starts one here, indented by `indent` and after
    /// a blank line if the source had one, so that a comment on a line of its own keeps its line;
    /// a line comment ends the line, and so does a block comment on a line of its own. Other
    /// comments follow what is before them after one space (none after `(` or `[`).
    ///
    /// Returns whether the next token needs a space (after a block comment), and whether the line
    /// holds only a block comment that starts it, which the next token follows on that line as
    /// it did in the source. Line breaks are kept only where the source had them, and the lexer
    /// reads any run of them like one, so the tokens mean what they meant.
    fn comment_in_run(
        &self,
        writer: &mut Writer,
        comment: &Comment,
        after: usize,
        next: usize,
        indent: usize,
    ) -> (bool, bool) {
        let start = comment.span.start as usize;
        let end = comment.span.end as usize;
        let starts_line = self.newlines(after, start) > 0;
        let block = comment.kind == CommentKind::Block;
        let after_open = block && writer.out.ends_with(['(', '[']);
        if starts_line {
            writer.line_break(self.newlines(after, start) >= 2, indent);
        } else if !writer.at_line_start() && !after_open {
            writer.push(" ");
        }
        writer.push(&comment_text(self.source, comment));
        if !block {
            writer.newline(indent);
            return (false, false);
        }
        let next_start = self.tokens.get(next).map_or(self.source.len(), |token| token.start);
        let following = self
            .comments
            .get(self.comment_at(end))
            .map_or(next_start, |comment| next_start.min(comment.span.start as usize));
        if starts_line && self.newlines(end, following) > 0 {
            writer.newline(indent);
            return (false, false);
        }
        (true, starts_line)
    }

    /// Writes a run as it comes if every line fits; otherwise breaks its widest bracketed list
    /// one element per line. `after` is the width of what follows on the last line, comments at
    /// its end included. The lines a comment ends or starts count like any other: the decision
    /// depends only on the tokens, the comments and the line breaks the layout keeps, so a second
    /// pass makes the same one.
    fn long_run(&self, writer: &mut Writer, range: Range<usize>, indent: usize, after: usize) {
        let column = writer.column();
        let mut trial = Writer::at_column(column);
        self.run(&mut trial, range.clone(), indent, &Plan::default());
        if fits(&trial.out, column, after) {
            writer.push(&trial.out);
            return;
        }
        match self.broken_list(&range, indent) {
            Some(plan) => self.run(writer, range, indent, &plan),
            None => writer.push(&trial.out),
        }
    }

    /// The plan that breaks the widest top-level list of a run (arguments, parameters, a tuple or a
    /// list) one element per line, with a trailing comma; `None` when the run has no non-empty list.
    fn broken_list(&self, range: &Range<usize>, indent: usize) -> Option<Plan> {
        let mut depth = 0usize;
        let mut open_at = 0;
        let mut widest: Option<(usize, usize)> = None;
        for index in range.clone() {
            match self.token(index) {
                Some(Token::LeftParen | Token::LeftBracket) => {
                    if depth == 0 {
                        open_at = index;
                    }
                    depth += 1;
                }
                Some(Token::RightParen | Token::RightBracket) => {
                    depth = depth.saturating_sub(1);
                    let wider = widest.is_none_or(|(open, close)| {
                        self.list_width(open_at, index) > self.list_width(open, close)
                    });
                    let list = matches!(self.role(open_at), Role::CallParen | Role::ListOpen);
                    if depth == 0 && index > open_at + 1 && wider && list {
                        widest = Some((open_at, index));
                    }
                }
                _ => {}
            }
        }
        let (open, close) = widest?;
        let inner = indent + INDENT;
        let mut plan = Plan::default();
        plan.breaks.insert(open + 1, inner);
        let mut depth = 0usize;
        for index in open + 1..close {
            let angle = self.role(index) == Role::TypeAngle;
            match self.token(index) {
                Some(Token::LeftParen | Token::LeftBracket) => depth += 1,
                Some(Token::Less) if angle => depth += 1,
                Some(Token::RightParen | Token::RightBracket) => depth = depth.saturating_sub(1),
                Some(Token::Greater) if angle => depth = depth.saturating_sub(1),
                Some(Token::Comma) if depth == 0 && index + 1 < close => {
                    plan.breaks.insert(index + 1, inner);
                }
                _ => {}
            }
        }
        plan.breaks.insert(close, indent);
        if self.token(close - 1) == Some(&Token::Comma) {
            plan.keep_commas.insert(close - 1);
        } else {
            plan.comma_before = Some(close);
        }
        Some(plan)
    }

    /// The number of tokens between an opening delimiter and its closing one, without a trailing
    /// comma that a one-line layout drops: breaking a list adds one, and the next pass must still
    /// find the same list the widest.
    fn list_width(&self, open: usize, close: usize) -> usize {
        (open + 1..close).filter(|&index| !self.droppable_comma(index)).count()
    }

    // Structure.

    /// The whole file.
    pub(super) fn file(&self, file: &SourceFile) -> String {
        let mut writer = Writer::fresh();
        let mut previous: Option<(usize, bool)> = None;
        for item in &file.items {
            let text = self.item(item);
            let multiline = text.contains('\n');
            let range = self.range(item.span);
            let first = match previous {
                None => Blank::Never,
                Some((_, previous_multiline)) if previous_multiline || multiline => Blank::Force,
                Some(_) => Blank::Source,
            };
            let blanks = Blanks { first, last: Blank::Source };
            self.gap(&mut writer, previous.map(|(last, _)| last), Some(range.start), 0, blanks);
            writer.push(&text);
            previous = Some((range.end.saturating_sub(1).max(range.start), multiline));
        }
        let first = if previous.is_some() { Blank::Source } else { Blank::Never };
        let blanks = Blanks { first, last: Blank::Source };
        self.gap(&mut writer, previous.map(|(last, _)| last), None, 0, blanks);
        writer.out
    }

    /// One item, starting at the beginning of a line.
    fn item(&self, item: &Item) -> String {
        let mut writer = Writer::fresh();
        match &item.kind {
            ItemKind::Decl(decl) => {
                self.header_and_body(&mut writer, item.span, decl.body.as_ref(), 0)
            }
            ItemKind::Template(template) => {
                self.header_and_body(&mut writer, item.span, template.body.as_ref(), 0);
            }
            ItemKind::Flow(_) => self.flow(&mut writer, self.range(item.span), 0),
            ItemKind::Import(_) => self.last_run(&mut writer, self.range(item.span), 0),
            ItemKind::Error => writer.push(self.source.get(item.span.range()).unwrap_or("")),
        }
        writer.out
    }

    /// `flow a -> b -> c` on one line when it fits, with the comments at the end of the line, and
    /// no comment inside it ends or starts a line; else one hop per line.
    fn flow(&self, writer: &mut Writer, range: Range<usize>, indent: usize) {
        let column = writer.column();
        let mut trial = Writer::at_column(column);
        self.run(&mut trial, range.clone(), indent, &Plan::default());
        let after = self.range_end_comments(&range);
        if !trial.out.contains('\n') && fits(&trial.out, column, after) {
            writer.push(&trial.out);
            return;
        }
        let mut plan = Plan::default();
        for index in range.clone().skip(1) {
            if self.token(index) == Some(&Token::Arrow) {
                plan.breaks.insert(index, indent + INDENT);
            }
        }
        self.run(writer, range, indent, &plan);
    }

    /// A declaration, template or member: the tokens before its body, then the body.
    fn header_and_body(&self, writer: &mut Writer, span: Span, body: Option<&Body>, indent: usize) {
        match body {
            Some(body) => {
                let header = self.at(span.start)..self.at(body.span.start);
                let after = self.header_line_end(&header, body);
                self.long_run(writer, header, indent, after);
                self.body(writer, body, indent);
            }
            None => self.last_run(writer, self.range(span), indent),
        }
    }

    /// A run that ends its line (a member, a declaration without a body, an import): with the
    /// comments the layout writes after it on its line counted in its width.
    fn last_run(&self, writer: &mut Writer, range: Range<usize>, indent: usize) {
        let after = self.range_end_comments(&range);
        self.long_run(writer, range, indent, after);
    }

    /// The width of what follows a header on its line: the comments between it and the `{` that
    /// stay on that line, then ` {` and the comments after the `{` (or ` {}` and those after it,
    /// for an empty body). A line comment before the `{` ends the line, and the `{` starts the
    /// next one.
    fn header_line_end(&self, header: &Range<usize>, body: &Body) -> usize {
        let (open, close) = self.braces(body);
        let Some(last) = header.end.checked_sub(1).filter(|last| *last >= header.start) else {
            return 2;
        };
        let (before_brace, ended) = self.comments_on_line_after(last, false);
        if ended {
            return before_brace;
        }
        let empty = body.members.is_empty() && !self.has_comments(&(open..close + 1));
        let brace = if empty {
            3 + self.comments_on_line_after(close, true).0
        } else {
            2 + self.comments_on_line_after(open, true).0
        };
        before_brace + brace
    }

    /// The width of the comments the layout writes at the end of the line of a range's last token.
    fn range_end_comments(&self, range: &Range<usize>) -> usize {
        match range.end.checked_sub(1).filter(|last| *last >= range.start) {
            Some(last) => self.comments_on_line_after(last, true).0,
            None => 0,
        }
    }

    /// What the comments after token `index` add to the end of its line as the layout writes
    /// them, and whether they end the line. Each comment on the line in the source takes one space
    /// and its text (its first line, for a block comment over several lines, which ends the
    /// line); a line comment ends the line, and so does a comment or separator that starts one in
    /// the source, before which nothing more is counted. Separators between are dropped. Between
    /// members and items (`in_gap`) a `///` comment goes on a line of its own, above what follows
    /// it, so it and what follows it are not counted there.
    fn comments_on_line_after(&self, index: usize, in_gap: bool) -> (usize, bool) {
        let Some(token) = self.tokens.get(index) else { return (0, true) };
        let mut next = index + 1;
        while in_gap && matches!(self.token(next), Some(Token::Comma | Token::Semicolon)) {
            next += 1;
        }
        let to = self.tokens.get(next).map_or(self.source.len(), |token| token.start);
        let comments =
            self.comments.get(self.comment_at(token.end)..self.comment_at(to)).unwrap_or(&[]);
        let mut separators = self.tokens.get(index + 1..next).unwrap_or(&[]).iter().peekable();
        let mut cursor = token.end;
        let mut width = 0;
        for comment in comments {
            let start = comment.span.start as usize;
            while let Some(separator) = separators.next_if(|separator| separator.start < start) {
                if self.newlines(cursor, separator.start) > 0 {
                    return (width, true);
                }
                cursor = separator.end;
            }
            if self.newlines(cursor, start) > 0 || (in_gap && comment.kind == CommentKind::Doc) {
                return (width, true);
            }
            let text = comment_text(self.source, comment);
            let first_line = text.split('\n').next().unwrap_or("");
            width += 1 + first_line.trim_end().chars().count();
            if comment.kind != CommentKind::Block || text.contains('\n') {
                return (width, true);
            }
            cursor = comment.span.end as usize;
        }
        (width, in_gap)
    }

    fn member(&self, writer: &mut Writer, member: &Member, indent: usize) {
        match &member.kind {
            MemberKind::Record { body, .. } | MemberKind::Nested { body: Some(body), .. } => {
                self.header_and_body(writer, member.span, Some(body), indent);
            }
            MemberKind::Error => writer.push(self.source.get(member.span.range()).unwrap_or("")),
            _ => self.last_run(writer, self.range(member.span), indent),
        }
    }

    /// The token indices of a body's braces.
    fn braces(&self, body: &Body) -> (usize, usize) {
        let range = self.range(body.span);
        (range.start, range.end.saturating_sub(1).max(range.start))
    }

    /// A body: `{ … }` on one line when the author wrote its first member on the line of `{`, it
    /// holds no comment and it fits, with the comments after its `}` on that line; otherwise one
    /// member per line.
    fn body(&self, writer: &mut Writer, body: &Body, indent: usize) {
        let (open, close) = self.braces(body);
        // After a line comment, or one on a line of its own, the `{` starts a line of its own at
        // the body's indentation.
        let mut after =
            open.checked_sub(1).and_then(|at| self.tokens.get(at)).map_or(0, |token| token.end);
        for comment in self.comments_before(open) {
            self.comment_in_run(writer, comment, after, open, indent);
            after = comment.span.end as usize;
        }
        if !writer.at_line_start() {
            writer.push(" ");
        }
        let comments_inside = self.has_comments(&(open..close + 1));
        if body.members.is_empty() && !comments_inside {
            writer.push("{}");
            return;
        }
        if let Some(flat) = self.flat_body(body)
            && writer.column() + flat.chars().count() + self.comments_on_line_after(close, true).0
                <= MAX_WIDTH
        {
            writer.push(&flat);
            return;
        }
        writer.push("{");
        let inner = indent + INDENT;
        let mut previous = open;
        for (position, member) in body.members.iter().enumerate() {
            let range = self.range(member.span);
            let first = if position == 0 { Blank::Never } else { Blank::Source };
            let blanks = Blanks { first, last: Blank::Source };
            self.gap_indented(writer, Some(previous), Some(range.start), inner, inner, blanks);
            self.member(writer, member, inner);
            previous = range.end.saturating_sub(1).max(range.start);
        }
        let first = if body.members.is_empty() { Blank::Never } else { Blank::Source };
        let blanks = Blanks { first, last: Blank::Never };
        self.gap_indented(writer, Some(previous), Some(close), inner, indent, blanks);
        writer.push("}");
    }

    /// A body on one line, `{ a = 1, b = 2 }`, when the author wrote it so and it can be.
    fn flat_body(&self, body: &Body) -> Option<String> {
        let (open, close) = self.braces(body);
        let first = body.members.first()?;
        let open_end = self.tokens.get(open)?.end;
        if self.has_comments(&(open..close + 1))
            || self.newlines(open_end, first.span.start as usize) > 0
        {
            return None;
        }
        let mut members = Vec::with_capacity(body.members.len());
        for member in &body.members {
            let mut writer = Writer::at_column(0);
            match &member.kind {
                MemberKind::Record { body, .. } | MemberKind::Nested { body: Some(body), .. } => {
                    let header = self.at(member.span.start)..self.at(body.span.start);
                    self.run(&mut writer, header, 0, &Plan::default());
                    writer.push(" ");
                    let (open, close) = self.braces(body);
                    if body.members.is_empty() && !self.has_comments(&(open..close + 1)) {
                        writer.push("{}");
                    } else {
                        writer.push(&self.flat_body(body)?);
                    }
                }
                MemberKind::Error => return None,
                _ => self.run(&mut writer, self.range(member.span), 0, &Plan::default()),
            }
            if writer.out.contains('\n') {
                return None;
            }
            members.push(writer.out);
        }
        Some(format!("{{ {} }}", members.join(", ")))
    }

    /// What lies between two items: comments, and separators that are dropped.
    fn gap(
        &self,
        writer: &mut Writer,
        previous: Option<usize>,
        next: Option<usize>,
        indent: usize,
        blanks: Blanks,
    ) {
        self.gap_indented(writer, previous, next, indent, indent, blanks);
    }

    /// Writes what lies between token `previous` and token `next` (the start or the end of the
    /// file when `None`): trailing comments on the line of `previous`, then leading comments on
    /// lines of their own at `indent`, then the line break before `next`, which is indented by
    /// `next_indent`. Separators are dropped, except one that follows a doc comment (which would
    /// otherwise document the next member) and one before a `//!` comment at the top of the file
    /// (which would otherwise become the file's documentation).
    fn gap_indented(
        &self,
        writer: &mut Writer,
        previous: Option<usize>,
        next: Option<usize>,
        indent: usize,
        next_indent: usize,
        blanks: Blanks,
    ) {
        let tokens_from = previous.map_or(0, |previous| previous + 1);
        let tokens_to = next.unwrap_or(self.tokens.len()).max(tokens_from);
        let comments_from = previous
            .and_then(|previous| self.tokens.get(previous))
            .map_or(0, |token| self.comment_at(token.end));
        let comments_to = next
            .and_then(|next| self.tokens.get(next))
            .map_or(self.comments.len(), |token| self.comment_at(token.start))
            .max(comments_from);
        let mut elements: Vec<(usize, Element)> = (tokens_from..tokens_to)
            .filter_map(|index| {
                self.tokens.get(index).map(|token| (token.start, Element::Separator(index)))
            })
            .collect();
        elements.extend(
            self.comments
                .get(comments_from..comments_to)
                .unwrap_or(&[])
                .iter()
                .map(|comment| (comment.span.start as usize, Element::Comment(comment))),
        );
        elements.sort_by_key(|(start, _)| *start);
        let last_file_doc = elements
            .iter()
            .filter(|(_, element)| {
                previous.is_none()
                    && matches!(element, Element::Comment(comment) if comment.kind == CommentKind::FileDoc)
            })
            .map(|(start, _)| *start)
            .next_back();

        // The source offset after the last thing written (or dropped) so far.
        let mut cursor =
            previous.and_then(|previous| self.tokens.get(previous)).map(|token| token.end);
        // The source offset after the last thing written.
        let mut written_end = cursor;
        let mut trailing = previous.is_some();
        let mut leading_written = false;
        let mut last_block_end: Option<usize> = None;
        let mut doc_pending = false;
        for (start, element) in elements {
            let end = match element {
                Element::Comment(comment) => comment.span.end as usize,
                Element::Separator(index) => {
                    self.tokens.get(index).map_or(start, |token| token.end)
                }
            };
            let same_line = cursor.is_some_and(|cursor| self.newlines(cursor, start) == 0);
            cursor = Some(end);
            // A `///` comment documents what follows it: it goes on a line of its own above it.
            let doc =
                matches!(element, Element::Comment(comment) if comment.kind == CommentKind::Doc);
            if trailing && same_line && !doc {
                if let Element::Comment(comment) = element {
                    writer.push(" ");
                    writer.push(&comment_text(self.source, comment));
                    written_end = Some(end);
                }
                continue;
            }
            trailing = false;
            let text = match element {
                Element::Comment(comment) => comment_text(self.source, comment),
                Element::Separator(index) => {
                    let separator =
                        matches!(self.token(index), Some(Token::Comma | Token::Semicolon));
                    let before_file_doc = last_file_doc.is_some_and(|file_doc| start < file_doc);
                    if separator && !doc_pending && !before_file_doc {
                        continue;
                    }
                    self.tokens.get(index).map_or(String::new(), |token| token.text.clone())
                }
            };
            let source_blank = written_end.is_some_and(|from| self.newlines(from, start) >= 2);
            if last_block_end.is_some_and(|block_end| self.newlines(block_end, start) == 0) {
                writer.push(" ");
            } else {
                let rule = if leading_written { Blank::Source } else { blanks.first };
                writer.line_break(blank_line(rule, source_blank), indent);
            }
            writer.push(&text);
            leading_written = true;
            written_end = Some(end);
            last_block_end = match element {
                Element::Comment(comment) if comment.kind == CommentKind::Block => Some(end),
                _ => None,
            };
            doc_pending = match element {
                Element::Comment(comment) => doc_pending || comment.kind == CommentKind::Doc,
                Element::Separator(_) => false,
            };
        }
        let Some(next) = next.and_then(|next| self.tokens.get(next)) else { return };
        let source_blank = written_end.is_some_and(|from| self.newlines(from, next.start) >= 2);
        if last_block_end.is_some_and(|block_end| self.newlines(block_end, next.start) == 0) {
            writer.push(" ");
            return;
        }
        let rule = if leading_written {
            blanks.last
        } else if blanks.first == Blank::Never || blanks.last == Blank::Never {
            Blank::Never
        } else if blanks.first == Blank::Force {
            Blank::Force
        } else {
            Blank::Source
        };
        writer.line_break(blank_line(rule, source_blank), next_indent);
    }
}

fn blank_line(rule: Blank, source_blank: bool) -> bool {
    match rule {
        Blank::Never => false,
        Blank::Source => source_blank,
        Blank::Force => true,
    }
}
