//! Formatting: the same canonical layout as `fab fmt`, from `fab_grammar::format`.

use crate::db::{Db, SourceFile};

use super::{Span, TextEdit};

/// The edit that formats `file`: one replacement of the whole text, `Ok(None)` when the file is
/// already formatted, and the reason when it cannot be formatted (a file with syntax errors is
/// never rewritten).
pub fn format_file(db: &dyn Db, file: SourceFile) -> Result<Option<TextEdit>, String> {
    let text = file.text(db);
    match fab_grammar::format(text) {
        Ok(formatted) if formatted == *text => Ok(None),
        Ok(formatted) => {
            Ok(Some(TextEdit { span: Span::new(0, text.len()), replacement: formatted }))
        }
        Err(errors) => Err(format!(
            "the file has {} syntax error{}; fix {} before formatting",
            errors.len(),
            if errors.len() == 1 { "" } else { "s" },
            if errors.len() == 1 { "it" } else { "them" }
        )),
    }
}
