//! Quick fixes: the fixes the diagnostics carry, offered where they apply.
//!
//! The checker attaches a [`Fix`](crate::diagnostic::Fix) to a diagnostic when it knows the exact
//! edit ("did you mean" names, a missing unit, a route that does not sum to 100 %, an unclosed
//! delimiter); this module only finds the diagnostics under a selection and turns their fixes into
//! edits. Nothing here reads a message to guess an edit.

use crate::db::{Db, SourceFile};
use crate::diagnostic::Diagnostic;

use super::diagnostics::file_diagnostics;
use super::{SourceChange, Span, TextEdit};

/// A quick fix, with the diagnostic it resolves.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct CodeAction {
    pub title: String,
    pub diagnostic: Diagnostic,
    pub change: SourceChange,
    /// The fix to apply without asking: the diagnostic's only one.
    pub is_preferred: bool,
}

/// The quick fixes of the diagnostics whose primary span meets `range`, among those `file` shows
/// when `open` are the open files (see [`file_diagnostics`]).
pub fn code_actions(
    db: &dyn Db,
    file: SourceFile,
    range: Span,
    open: &[SourceFile],
) -> Vec<CodeAction> {
    let mut out = Vec::new();
    for diagnostic in file_diagnostics(db, file, open) {
        let Some(location) = diagnostic.primary_location() else { continue };
        let span = location.span;
        if span.start > range.end || range.start > span.end {
            continue;
        }
        let only = diagnostic.fixes.len() == 1;
        for fix in &diagnostic.fixes {
            let mut change = SourceChange::default();
            for edit in &fix.edits {
                let text_edit =
                    TextEdit { span: edit.location.span, replacement: edit.replacement.clone() };
                match change.edits.iter_mut().find(|(f, _)| *f == edit.location.file) {
                    Some((_, edits)) => edits.push(text_edit),
                    None => change.edits.push((edit.location.file, vec![text_edit])),
                }
            }
            out.push(CodeAction {
                title: fix.title.clone(),
                diagnostic: diagnostic.clone(),
                change,
                is_preferred: only,
            });
        }
    }
    out
}
