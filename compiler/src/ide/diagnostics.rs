//! The diagnostics an editor shows for one file.

use crate::check_model;
use crate::db::{Db, SourceFile};
use crate::diagnostic::Diagnostic;

/// The diagnostics of the model rooted at `file` whose primary label is in `file`, with absolute
/// spans, in source order: what `fab check FILE` reports about that file.
///
/// A file is checked as the root of its own model, as `fab check` would check it; an error in a
/// file it imports is reported when that file is open.
pub fn file_diagnostics(db: &dyn Db, file: SourceFile) -> Vec<Diagnostic> {
    let mut diagnostics = check_model(db, file);
    diagnostics.retain(|d| d.primary_location().is_none_or(|l| l.file == file));
    diagnostics
}
