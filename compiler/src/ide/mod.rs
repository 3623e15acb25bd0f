//! IDE functions: what an editor asks about a file, answered from the compiler's database.
//!
//! Every function here is plain: it takes the database, a [`SourceFile`] and, where a cursor
//! matters, a byte offset into the file's text, and it returns plain data with byte [`Span`]s.
//! Nothing here knows the Language Server Protocol, its positions (lines and UTF-16 columns) or
//! its types; the `fab-lsp` crate translates. The same functions serve the in-process tests, the
//! benchmark and any other front end.
//!
//! **Invariant: any text, any offset.** An editor asks while the user types, so the file is
//! usually broken and the cursor may be anywhere, even past the end or inside a multi-byte
//! character. Every function answers (possibly with nothing) and never panics.
//!
//! One walk underlies most features: [`symbols::occurrences`] lists every name a file writes with
//! what it means — a declaration of the model, a template parameter, a failure mode, or a built-in
//! read from the `fab-stdlib` tables (a field, a distribution family, a unit, a kind). Hover,
//! go to definition, references, rename and semantic highlighting are views of that list.
//! Completion works from tokens instead, because what is being typed does not parse yet.
//!
//! | feature | function |
//! | --- | --- |
//! | diagnostics | [`diagnostics::open_files_diagnostics`], [`diagnostics::file_diagnostics`] |
//! | hover | [`hover::hover`] |
//! | go to definition, references, rename | [`navigation`] |
//! | outline and workspace symbols | [`outline`] |
//! | completion | [`completion::completions`] |
//! | inlay hints | [`inlay::inlay_hints`] |
//! | quick fixes | [`actions::code_actions`] |
//! | semantic tokens | [`highlight::semantic_tokens`] |
//! | folding ranges | [`folding::folding_ranges`] |
//! | formatting | [`format::format_file`] |

pub mod actions;
pub mod completion;
pub mod diagnostics;
#[cfg(test)]
mod fixture;
pub mod folding;
pub mod format;
pub mod highlight;
pub mod hover;
pub mod inlay;
pub mod navigation;
pub mod outline;
pub mod symbols;
mod text;
mod values;

use crate::db::{Db, SourceFile, Workspace};
use crate::syntax::{ParsedItem, parse};
pub use fab_grammar::ast::Span;

/// A span in a file.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub struct FileSpan {
    pub file: SourceFile,
    pub span: Span,
}

/// One text edit: the text at `span` becomes `replacement` (an empty span inserts).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct TextEdit {
    pub span: Span,
    pub replacement: String,
}

/// Edits to several files, each list sorted by position and without overlaps.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct SourceChange {
    pub edits: Vec<(SourceFile, Vec<TextEdit>)>,
}

/// The parsed item whose text (from its first token to its last) contains `offset`, ends right
/// before it, or — when none does — the last item starting before it.
pub(crate) fn item_at(db: &dyn Db, file: SourceFile, offset: u32) -> Option<&ParsedItem> {
    let items = &parse(db, file).items;
    let after = items.partition_point(|item| item.offset <= offset);
    let candidate = items[..after].last()?;
    Some(candidate)
}

/// Every loaded source file, in path order.
pub fn workspace_files(db: &dyn Db) -> Vec<SourceFile> {
    match Workspace::try_get(db) {
        Some(workspace) => workspace.files(db).values().copied().collect(),
        None => Vec::new(),
    }
}

/// `offset` clamped into the file and moved back to a character boundary.
pub(crate) fn clamp_offset(text: &str, offset: u32) -> u32 {
    let mut at = (offset as usize).min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at as u32
}
