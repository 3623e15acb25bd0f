//! Rendering diagnostics for people (ariadne) and machines (one JSON object per line).
//!
//! This is the one module that knows ariadne. Spans are byte offsets, so ariadne is told to count
//! bytes; line and column numbers in JSON are 1-based, columns counted in characters.

use crate::db::{Db, SourceFile};
use crate::diagnostic::{Diagnostic, Severity};
use ariadne::{Color, Config, IndexType, Label, Report, ReportKind};
use std::collections::{BTreeMap, HashMap};

/// Renders diagnostics as rustc-like reports with the source lines they label.
pub fn render_human(db: &dyn Db, diagnostics: &[Diagnostic], color: bool) -> String {
    let mut sources: BTreeMap<String, String> = BTreeMap::new();
    for label in diagnostics.iter().flat_map(|diagnostic| &diagnostic.labels) {
        let file = label.location.file;
        sources.entry(file.path(db).clone()).or_insert_with(|| file.text(db).clone());
    }
    // One cache for every report: building it per report copied every file once per diagnostic.
    let mut cache = ariadne::sources(sources);
    let mut out = Vec::new();
    for diagnostic in diagnostics {
        let kind = match diagnostic.severity {
            Severity::Error => ReportKind::Error,
            Severity::Warning => ReportKind::Warning,
        };
        let (primary_path, offset) = match diagnostic.primary_location() {
            Some(location) => (location.file.path(db).clone(), location.span.start as usize),
            None => (String::new(), 0),
        };
        let mut report = Report::build(kind, (primary_path.clone(), offset..offset))
            .with_config(Config::default().with_color(color).with_index_type(IndexType::Byte))
            .with_code(diagnostic.code)
            .with_message(&diagnostic.message);
        // ariadne shows labels in their order and starts a new group of source lines whenever the
        // next label lies in another file or on an earlier line. So labels are ordered by file,
        // the primary label's first, then by position: one group per file, lines in order.
        let mut placed: Vec<(bool, String, usize, usize, &crate::diagnostic::Label)> = diagnostic
            .labels
            .iter()
            .map(|label| {
                let path = label.location.file.path(db).clone();
                let text_len = label.location.file.text(db).len();
                let start = (label.location.span.start as usize).min(text_len);
                let end = (label.location.span.end as usize).min(text_len).max(start);
                (path != primary_path, path, start, end, label)
            })
            .collect();
        placed.sort_by(|a, b| (a.0, &a.1, a.2, a.3).cmp(&(b.0, &b.1, b.2, b.3)));
        for (order, (_, path, start, end, label)) in placed.into_iter().enumerate() {
            let mut rendered = Label::new((path, start..end)).with_message(&label.message);
            if color {
                rendered =
                    rendered.with_color(if label.primary { Color::Red } else { Color::Blue });
            }
            report = report.with_label(rendered.with_order(order as i32));
        }
        if let Some(help) = &diagnostic.help {
            report = report.with_help(help);
        }
        for note in &diagnostic.notes {
            report = report.with_note(note);
        }
        let mut buffer = Vec::new();
        if report.finish().write(&mut cache, &mut buffer).is_ok() {
            out.push(String::from_utf8_lossy(&buffer).into_owned());
        }
    }
    out.concat()
}

/// 1-based line and character column of a byte offset, for one offset; [`render_json`] keeps a
/// line index per file instead.
pub fn line_column(text: &str, offset: usize) -> (usize, usize) {
    Lines::new(text).line_column(offset)
}

/// Where the lines of one text start, to turn byte offsets into lines and columns without
/// scanning the text from its start each time.
struct Lines<'t> {
    text: &'t str,
    /// Byte offset of each line's first character.
    starts: Vec<usize>,
}

impl<'t> Lines<'t> {
    fn new(text: &'t str) -> Self {
        let starts =
            std::iter::once(0).chain(text.match_indices('\n').map(|(i, _)| i + 1)).collect();
        Lines { text, starts }
    }

    /// 1-based line and character column of a byte offset (clamped to the text, and back to the
    /// start of a character it falls inside).
    fn line_column(&self, offset: usize) -> (usize, usize) {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&start| start <= offset);
        let line_start = self.starts[line - 1];
        (line, self.text[line_start..offset].chars().count() + 1)
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// One JSON object per diagnostic: `file`, `line`, `column`, `end_line`, `end_column`, `code`,
/// `severity`, `message`, `help`, `notes` and `labels` (each with its own file and positions).
pub fn render_json(db: &dyn Db, diagnostics: &[Diagnostic]) -> String {
    let mut lines: HashMap<SourceFile, Lines> = HashMap::new();
    let mut position = |file: SourceFile, offset: u32| {
        lines.entry(file).or_insert_with(|| Lines::new(file.text(db))).line_column(offset as usize)
    };
    let mut out = String::new();
    for diagnostic in diagnostics {
        let primary = diagnostic.primary_location();
        let (file, (line, column), (end_line, end_column)) = match primary {
            Some(location) => (
                location.file.path(db).clone(),
                position(location.file, location.span.start),
                position(location.file, location.span.end),
            ),
            None => (String::new(), (1, 1), (1, 1)),
        };
        let labels: Vec<serde_json::Value> = diagnostic
            .labels
            .iter()
            .map(|label| {
                let (line, column) = position(label.location.file, label.location.span.start);
                let (end_line, end_column) = position(label.location.file, label.location.span.end);
                serde_json::json!({
                    "file": label.location.file.path(db),
                    "line": line, "column": column, "end_line": end_line, "end_column": end_column,
                    "message": label.message, "primary": label.primary,
                })
            })
            .collect();
        let object = serde_json::json!({
            "file": file, "line": line, "column": column, "end_line": end_line, "end_column": end_column,
            "code": diagnostic.code, "severity": diagnostic.severity.as_str(), "message": diagnostic.message,
            "help": diagnostic.help, "notes": diagnostic.notes, "labels": labels,
        });
        out.push_str(&object.to_string());
        out.push('\n');
    }
    out
}

/// The JSON object of a file given to check that could not be read: the keys of a diagnostic's
/// ([`render_json`]), with no code (no check ran) and no labels (there is no text to point
/// into), at the first byte that is not UTF-8 where that is the reason, else at 1:1.
pub fn render_json_unreadable(path: &str, error: &crate::db::ReadError) -> String {
    let (line, column) = error.position.unwrap_or((1, 1));
    let object = serde_json::json!({
        "file": path, "line": line, "column": column, "end_line": line, "end_column": column,
        "code": null, "severity": Severity::Error.as_str(),
        "message": format!("cannot read `{path}`: {}", error.reason),
        "help": null, "notes": [], "labels": [],
    });
    format!("{object}\n")
}

#[cfg(test)]
mod tests {
    use super::Lines;

    #[test]
    fn offsets_become_lines_and_character_columns() {
        let text = "ab\nçd\n\nx";
        let lines = Lines::new(text);
        assert_eq!(lines.line_column(0), (1, 1));
        assert_eq!(lines.line_column(2), (1, 3), "the newline ends line 1");
        assert_eq!(lines.line_column(3), (2, 1));
        assert_eq!(lines.line_column(4), (2, 1), "inside `ç`: back to its start");
        assert_eq!(lines.line_column(5), (2, 2), "columns count characters, not bytes");
        assert_eq!(lines.line_column(7), (3, 1), "an empty line");
        assert_eq!(lines.line_column(8), (4, 1));
        assert_eq!(lines.line_column(9), (4, 2), "the end of the text");
        assert_eq!(lines.line_column(99), (4, 2), "clamped to the text");
        assert_eq!(Lines::new("").line_column(0), (1, 1));
    }
}
