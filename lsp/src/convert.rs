//! The IDE functions' plain data in the protocol's types.
//!
//! Every function here is a translation: spans become ranges through a [`LineIndex`], files
//! become URIs through [`Paths`], the IDE's kinds become the protocol's. No decision about what
//! to show is made here.

use fab_compiler::Database;
use fab_compiler::db::SourceFile;
use fab_compiler::diagnostic::{self, Severity};
use fab_compiler::ide::completion::{CompletionItem, CompletionKind};
use fab_compiler::ide::folding::{Fold, FoldKind};
use fab_compiler::ide::highlight::{SemanticToken, TokenKind, modifiers};
use fab_compiler::ide::inlay::{InlayHint, InlayKind};
use fab_compiler::ide::outline::{OutlineItem, OutlineKind};
use fab_compiler::ide::{FileSpan, SourceChange, Span};
use std::collections::HashMap;
use std::path::Path;
use tower_lsp_server::ls_types as lsp;

use crate::position::LineIndex;
use crate::workspace::Paths;

/// A file's text and lines, for converting spans in it.
pub struct FileText {
    pub text: std::sync::Arc<String>,
    pub lines: std::sync::Arc<LineIndex>,
}

impl FileText {
    pub fn of(db: &Database, file: SourceFile) -> FileText {
        let text = file.text(db).clone();
        let lines = LineIndex::new(&text);
        FileText { text: std::sync::Arc::new(text), lines: std::sync::Arc::new(lines) }
    }

    pub fn range(&self, span: Span) -> lsp::Range {
        self.lines.range(&self.text, span.start, span.end)
    }
}

/// Locations in any file of the database. A file's text is copied and its lines are indexed the
/// first time one of its spans is converted, then kept: a list of references may hold thousands
/// of spans of one file, and indexing the file again for each would make the list quadratic.
pub struct Locations<'a> {
    db: &'a Database,
    paths: &'a Paths,
    /// Each file met so far: its URI and lines, or `None` when it has no URI.
    files: HashMap<SourceFile, Option<(lsp::Uri, FileText)>>,
    /// How many times a file's lines were indexed (the tests hold it to once per file).
    indexed: usize,
}

impl<'a> Locations<'a> {
    pub fn new(db: &'a Database, paths: &'a Paths) -> Self {
        Locations { db, paths, files: HashMap::new(), indexed: 0 }
    }

    /// The protocol location of a span, when its file has a URI.
    pub fn location(&mut self, at: FileSpan) -> Option<lsp::Location> {
        let (db, paths, indexed) = (self.db, self.paths, &mut self.indexed);
        let file = self.files.entry(at.file).or_insert_with(|| {
            let uri = paths.uri(at.file.path(db))?;
            *indexed += 1;
            Some((uri, FileText::of(db, at.file)))
        });
        let (uri, text) = file.as_ref()?;
        Some(lsp::Location { uri: uri.clone(), range: text.range(at.span) })
    }

    /// How many times a file's lines were indexed (for the tests).
    #[cfg(test)]
    fn files_indexed(&self) -> usize {
        self.indexed
    }
}

/// A workspace edit from a change to several files.
pub fn workspace_edit(db: &Database, paths: &Paths, change: &SourceChange) -> lsp::WorkspaceEdit {
    let mut changes: HashMap<lsp::Uri, Vec<lsp::TextEdit>> = HashMap::new();
    for (file, edits) in &change.edits {
        let Some(uri) = paths.uri(file.path(db)) else { continue };
        let text = FileText::of(db, *file);
        let converted = edits
            .iter()
            .map(|edit| lsp::TextEdit {
                range: text.range(edit.span),
                new_text: edit.replacement.clone(),
            })
            .collect();
        changes.insert(uri, converted);
    }
    lsp::WorkspaceEdit { changes: Some(changes), ..lsp::WorkspaceEdit::default() }
}

/// A diagnostic with its secondary labels as related information (their files indexed once for
/// all the diagnostics `locations` converts) and its code linked to the code's `fab explain`
/// page.
pub fn diagnostic(
    locations: &mut Locations,
    text: &FileText,
    explain: Option<&Path>,
    found: &diagnostic::Diagnostic,
) -> lsp::Diagnostic {
    let primary = found.primary_location();
    let range = primary.map(|l| text.range(l.span)).unwrap_or_default();
    let mut message = found.message.clone();
    if let Some(label) = found.labels.iter().find(|l| l.primary)
        && !label.message.is_empty()
    {
        message.push_str(&format!("\n{}", label.message));
    }
    if let Some(help) = &found.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    for note in &found.notes {
        message.push_str(&format!("\nnote: {note}"));
    }
    let related: Vec<lsp::DiagnosticRelatedInformation> = found
        .labels
        .iter()
        .filter(|label| !label.primary)
        .filter_map(|label| {
            let location = locations
                .location(FileSpan { file: label.location.file, span: label.location.span })?;
            Some(lsp::DiagnosticRelatedInformation { location, message: label.message.clone() })
        })
        .collect();
    let code_description = explain
        .and_then(|dir| lsp::Uri::from_file_path(dir.join(format!("{}.md", found.code))))
        .map(|href| lsp::CodeDescription { href });
    lsp::Diagnostic {
        range,
        severity: Some(match found.severity {
            Severity::Error => lsp::DiagnosticSeverity::ERROR,
            Severity::Warning => lsp::DiagnosticSeverity::WARNING,
        }),
        code: Some(lsp::NumberOrString::String(found.code.to_string())),
        code_description,
        source: Some("fab".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        tags: None,
        data: None,
    }
}

pub fn completion_item(
    text: &FileText,
    index: usize,
    item: &CompletionItem,
) -> lsp::CompletionItem {
    let kind = match item.kind {
        CompletionKind::Keyword => lsp::CompletionItemKind::KEYWORD,
        CompletionKind::Field => lsp::CompletionItemKind::FIELD,
        CompletionKind::Record => lsp::CompletionItemKind::STRUCT,
        CompletionKind::Nested => lsp::CompletionItemKind::EVENT,
        CompletionKind::Family | CompletionKind::Strategy => lsp::CompletionItemKind::FUNCTION,
        CompletionKind::Unit => lsp::CompletionItemKind::UNIT,
        CompletionKind::Component | CompletionKind::Resource => lsp::CompletionItemKind::VARIABLE,
        CompletionKind::Product => lsp::CompletionItemKind::STRUCT,
        CompletionKind::Template => lsp::CompletionItemKind::CLASS,
        CompletionKind::Experiment => lsp::CompletionItemKind::MODULE,
        CompletionKind::Parameter => lsp::CompletionItemKind::VARIABLE,
        CompletionKind::Word => lsp::CompletionItemKind::ENUM_MEMBER,
        CompletionKind::File => lsp::CompletionItemKind::FILE,
    };
    lsp::CompletionItem {
        label: item.label.clone(),
        kind: Some(kind),
        detail: item.detail.clone(),
        documentation: item.documentation.as_ref().map(|doc| {
            lsp::Documentation::MarkupContent(lsp::MarkupContent {
                kind: lsp::MarkupKind::Markdown,
                value: doc.clone(),
            })
        }),
        sort_text: Some(format!("{index:05}")),
        filter_text: item.filter.clone(),
        insert_text_format: Some(if item.is_snippet {
            lsp::InsertTextFormat::SNIPPET
        } else {
            lsp::InsertTextFormat::PLAIN_TEXT
        }),
        text_edit: Some(lsp::CompletionTextEdit::Edit(lsp::TextEdit {
            range: text.range(item.replace),
            new_text: item.insert.clone(),
        })),
        ..lsp::CompletionItem::default()
    }
}

fn symbol_kind(kind: OutlineKind) -> lsp::SymbolKind {
    match kind {
        OutlineKind::Import => lsp::SymbolKind::MODULE,
        OutlineKind::Product => lsp::SymbolKind::STRUCT,
        OutlineKind::Component => lsp::SymbolKind::OBJECT,
        OutlineKind::Resource => lsp::SymbolKind::VARIABLE,
        OutlineKind::Template => lsp::SymbolKind::CLASS,
        OutlineKind::Flow => lsp::SymbolKind::OPERATOR,
        OutlineKind::Route => lsp::SymbolKind::OPERATOR,
        OutlineKind::Experiment | OutlineKind::Study => lsp::SymbolKind::NAMESPACE,
        OutlineKind::Field => lsp::SymbolKind::FIELD,
        OutlineKind::Record => lsp::SymbolKind::STRUCT,
        OutlineKind::Nested => lsp::SymbolKind::EVENT,
        OutlineKind::Parameter => lsp::SymbolKind::TYPE_PARAMETER,
    }
}

#[allow(deprecated)] // `DocumentSymbol::deprecated` must be written, as `None`.
pub fn document_symbol(text: &FileText, item: &OutlineItem) -> lsp::DocumentSymbol {
    lsp::DocumentSymbol {
        name: if item.name.is_empty() { " ".to_string() } else { item.name.clone() },
        detail: item.detail.clone(),
        kind: symbol_kind(item.kind),
        tags: None,
        deprecated: None,
        range: text.range(item.span),
        selection_range: text.range(item.selection),
        children: Some(item.children.iter().map(|child| document_symbol(text, child)).collect()),
    }
}

pub fn workspace_symbol(
    locations: &mut Locations,
    symbol: &fab_compiler::ide::outline::WorkspaceSymbol,
) -> Option<lsp::WorkspaceSymbol> {
    let location = locations.location(FileSpan { file: symbol.file, span: symbol.span })?;
    Some(lsp::WorkspaceSymbol {
        name: symbol.name.clone(),
        kind: symbol_kind(symbol.kind),
        tags: None,
        container_name: Some(symbol.detail.clone()),
        location: lsp::OneOf::Left(location),
        data: None,
    })
}

pub fn inlay_hint(text: &FileText, hint: &InlayHint) -> lsp::InlayHint {
    lsp::InlayHint {
        position: text.lines.position(&text.text, hint.offset),
        label: lsp::InlayHintLabel::String(hint.label.clone()),
        kind: Some(match hint.kind {
            InlayKind::Value => lsp::InlayHintKind::TYPE,
            InlayKind::Parameter => lsp::InlayHintKind::PARAMETER,
        }),
        text_edits: None,
        tooltip: hint.tooltip.clone().map(lsp::InlayHintTooltip::String),
        padding_left: Some(true),
        padding_right: None,
        data: None,
    }
}

pub fn folding_range(text: &FileText, fold: &Fold) -> Option<lsp::FoldingRange> {
    let start_line = text.lines.line(fold.span.start);
    let end_line = text.lines.line(fold.span.end.saturating_sub(1).max(fold.span.start));
    (end_line > start_line).then_some(lsp::FoldingRange {
        start_line,
        start_character: None,
        end_line,
        end_character: None,
        kind: Some(match fold.kind {
            FoldKind::Region => lsp::FoldingRangeKind::Region,
            FoldKind::Comment => lsp::FoldingRangeKind::Comment,
            FoldKind::Imports => lsp::FoldingRangeKind::Imports,
        }),
        collapsed_text: None,
    })
}

/// The names of the token types, in the order of [`TokenKind::ALL`]: standard types where one
/// fits, and `unit`, which the VS Code extension declares as a kind of `type`.
pub fn token_type_name(kind: TokenKind) -> &'static str {
    match kind {
        TokenKind::Keyword => "keyword",
        TokenKind::Number => "number",
        TokenKind::String => "string",
        TokenKind::Comment => "comment",
        TokenKind::Operator => "operator",
        TokenKind::Unit => "unit",
        TokenKind::Type => "type",
        TokenKind::Component => "variable",
        TokenKind::Product => "struct",
        TokenKind::Template => "class",
        TokenKind::Study => "namespace",
        TokenKind::Resource => "variable",
        TokenKind::Nested => "event",
        TokenKind::Parameter => "parameter",
        TokenKind::Field => "property",
        TokenKind::Argument => "parameter",
        TokenKind::Function => "function",
        TokenKind::Word => "enumMember",
    }
}

pub fn semantic_tokens_legend() -> lsp::SemanticTokensLegend {
    let mut types: Vec<lsp::SemanticTokenType> = Vec::new();
    for kind in TokenKind::ALL {
        let name = lsp::SemanticTokenType::from(token_type_name(kind));
        if !types.contains(&name) {
            types.push(name);
        }
    }
    lsp::SemanticTokensLegend {
        token_types: types,
        token_modifiers: modifiers::NAMES
            .iter()
            .map(|name| lsp::SemanticTokenModifier::from(*name))
            .collect(),
    }
}

/// Tokens in the protocol's relative encoding; a token over several lines is cut at each line,
/// each piece ending where the line's text ends (before `\n`, `\r\n` or `\r`).
pub fn semantic_tokens(text: &FileText, tokens: &[SemanticToken]) -> Vec<lsp::SemanticToken> {
    let legend = semantic_tokens_legend();
    let mut out = Vec::with_capacity(tokens.len());
    let (mut last_line, mut last_start) = (0u32, 0u32);
    for token in tokens {
        let name = token_type_name(token.kind);
        let Some(type_index) = legend.token_types.iter().position(|t| t.as_str() == name) else {
            continue;
        };
        let mut start = token.span.start;
        while start < token.span.end {
            let line = text.lines.line(start);
            let line_end = text.lines.line_end(line).min(token.span.end);
            let begin = text.lines.position(&text.text, start);
            let end = text.lines.position(&text.text, line_end);
            let length = end.character.saturating_sub(begin.character);
            if length > 0 {
                let delta_line = begin.line - last_line;
                let delta_start =
                    if delta_line == 0 { begin.character - last_start } else { begin.character };
                out.push(lsp::SemanticToken {
                    delta_line,
                    delta_start,
                    length,
                    token_type: type_index as u32,
                    token_modifiers_bitset: token.modifiers,
                });
                last_line = begin.line;
                last_start = begin.character;
            }
            // The next line; past the last one, the loop ends.
            start = text.lines.line_start(line + 1).max(start + 1);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use fab_compiler::db::MemoryFileSystem;
    use fab_compiler::load_model;
    use std::sync::Arc;

    #[test]
    fn locations_index_each_file_once_however_many_spans_it_has() {
        let text: String = (0..500).map(|i| format!("buffer b{i} {{ capacity = 5 }}\n")).collect();
        let fs = Arc::new(MemoryFileSystem::default());
        fs.insert("/models/a.fab", &text);
        fs.insert("/models/b.fab", &text);
        let mut db = Database::new(fs);
        let a = load_model(&mut db, "/models/a.fab").unwrap();
        let b = load_model(&mut db, "/models/b.fab").unwrap();
        let paths = Paths::default();
        let mut locations = Locations::new(&db, &paths);
        let mut line = 0;
        for (start, _) in text.match_indices("buffer") {
            let span = Span::new(start + 7, start + 7 + 2);
            for file in [a, b] {
                let found = locations.location(FileSpan { file, span }).unwrap();
                assert_eq!(found.range.start, lsp::Position { line, character: 7 });
                assert_eq!(found.uri.path().as_str(), file.path(&db).as_str());
            }
            line += 1;
        }
        assert_eq!(line, 500);
        assert_eq!(locations.files_indexed(), 2, "one line index per file, not per span");
    }
}
