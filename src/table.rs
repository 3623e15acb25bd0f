//! The terminal's tables: every column as wide as its widest cell or its heading, so that a wide
//! value (a mean content of 21696.68 ± 505.33, a cost of 11 digits) widens its column instead of
//! pushing the columns after it out from under their headings. Each column keeps a least width,
//! so that a table of ordinary values keeps its look whatever its values.

use std::fmt::Write as _;

/// The width of a table's column: its widest cell (a name, a number) or its `header`, whichever
/// is wider, up to the widest a formatting width may be (`format!` panics beyond 65,535): a longer
/// cell is printed whole, unpadded. Every table sizes its columns with this, through [`Table`].
pub fn name_width<'a>(names: impl IntoIterator<Item = &'a str>, header: &'a str) -> usize {
    let widest = names.into_iter().chain([header]).map(|name| name.chars().count()).max();
    widest.unwrap_or(0).min(usize::from(u16::MAX))
}

/// `1 life`, `3 lives`, `1 replication`: a count and its noun.
pub fn counted(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// How a column's cells sit in its width.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Align {
    Left,
    Right,
}

/// A column of a [`Table`]: its heading, how its cells (and its heading) align, the least width
/// it keeps, and the gap before it.
pub struct Column {
    heading: String,
    align: Align,
    least: usize,
    gap: &'static str,
}

impl Column {
    /// A column of names or words, left-aligned.
    pub fn left(heading: impl Into<String>) -> Column {
        Column { heading: heading.into(), align: Align::Left, least: 0, gap: "  " }
    }

    /// A column of numbers, right-aligned, its heading too.
    pub fn right(heading: impl Into<String>) -> Column {
        Column { heading: heading.into(), align: Align::Right, least: 0, gap: "  " }
    }

    /// At least `least` characters wide.
    pub fn at_least(self, least: usize) -> Column {
        Column { least, ..self }
    }

    /// With `gap` before it rather than two spaces (before the first column, the table's indent).
    pub fn after(self, gap: &'static str) -> Column {
        Column { gap, ..self }
    }
}

/// A table: a line of headings, then its rows, each a cell per column and, after the cells, what
/// the row adds (`  ◀ bottleneck`, ` *`), which sizes no column. No line ends in spaces.
pub struct Table {
    columns: Vec<Column>,
    /// What the line of headings adds after them (`  (EUR)`).
    heading_note: String,
    rows: Vec<(Vec<String>, String)>,
}

impl Table {
    pub fn new(columns: Vec<Column>) -> Table {
        Table { columns, heading_note: String::new(), rows: Vec::new() }
    }

    /// Adds `note` after the headings.
    pub fn heading_note(&mut self, note: impl Into<String>) {
        self.heading_note = note.into();
    }

    /// Adds a row of `cells`, one per column.
    pub fn row(&mut self, cells: Vec<String>) {
        self.row_with(cells, "");
    }

    /// Adds a row of `cells`, one per column, and `note` after them.
    pub fn row_with(&mut self, cells: Vec<String>, note: impl Into<String>) {
        debug_assert_eq!(cells.len(), self.columns.len(), "a cell per column");
        self.rows.push((cells, note.into()));
    }

    /// Each column's width: its widest cell's or its heading's, and at least its least width
    /// ([`name_width`]'s, which a name too long to pad is printed past, whole).
    fn widths(&self) -> Vec<usize> {
        let widths = self.columns.iter().enumerate().map(|(c, column)| {
            let cells = self.rows.iter().filter_map(|(cells, _)| cells.get(c)).map(String::as_str);
            name_width(cells, &column.heading).max(column.least.min(usize::from(u16::MAX)))
        });
        widths.collect()
    }

    /// Writes the line of headings and the rows into `out`.
    pub fn write(&self, out: &mut String) {
        let widths = self.widths();
        let headings: Vec<&str> = self.columns.iter().map(|c| c.heading.as_str()).collect();
        let lines = std::iter::once((headings, self.heading_note.as_str())).chain(
            self.rows
                .iter()
                .map(|(cells, note)| (cells.iter().map(String::as_str).collect(), note.as_str())),
        );
        for (cells, note) in lines {
            let mut line = String::new();
            for ((column, width), cell) in self.columns.iter().zip(&widths).zip(cells) {
                let _ = match column.align {
                    Align::Left => write!(line, "{}{cell:<width$}", column.gap),
                    Align::Right => write!(line, "{}{cell:>width$}", column.gap),
                };
            }
            line.push_str(note);
            let _ = writeln!(out, "{}", line.trim_end());
        }
    }
}

/// Cells that read `A ± B` in one column, their `±` in line: each `A` right-aligned and each `B`
/// left-aligned to the widest of its kind, and at least `least` wide (`[A's, B's]`); a cell
/// without `B` (one replication: no interval) is its `A` alone, in the width of the `A`s.
pub fn plus_minus(parts: &[(String, Option<String>)], least: [usize; 2]) -> Vec<String> {
    let a = name_width(parts.iter().map(|(a, _)| a.as_str()), "").max(least[0]);
    let b = name_width(parts.iter().filter_map(|(_, b)| b.as_deref()), "").max(least[1]);
    parts
        .iter()
        .map(|(mean, half_width)| match half_width {
            Some(half_width) => format!("{mean:>a$} ± {half_width:<b$}"),
            None => format!("{mean:>a$}"),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{Column, Table, plus_minus};

    /// A wide cell widens its column, the columns after it stay under their headings, and a
    /// left-aligned last cell or an empty note leaves no spaces at the end of a line.
    #[test]
    fn columns_are_as_wide_as_their_widest_cell() {
        let mut table = Table::new(vec![
            Column::left("buffer").at_least(8),
            Column::right("mean content").at_least(12).after(" "),
            Column::right("mean wait").at_least(11),
            Column::left("note"),
        ]);
        table.heading_note("  (s)");
        table.row(vec!["q".into(), "1.00 ± 0.10".into(), "9.1 s".into(), "".into()]);
        table.row_with(
            vec!["r".into(), "21696.68 ± 505.33".into(), "21664.9 s".into(), "x".into()],
            "  ◀",
        );
        let mut out = String::new();
        table.write(&mut out);
        assert_eq!(
            out,
            "  buffer        mean content    mean wait  note  (s)\n\
             \x20 q              1.00 ± 0.10        9.1 s\n\
             \x20 r        21696.68 ± 505.33    21664.9 s  x     ◀\n"
        );
    }

    #[test]
    fn plus_minus_keeps_the_sign_in_line() {
        let parts = [
            ("+0.0000".to_string(), Some("0.0000".to_string())),
            ("-10171.2136".to_string(), Some("8175.4606".to_string())),
        ];
        assert_eq!(
            plus_minus(&parts, [12, 8]),
            ["     +0.0000 ± 0.0000   ", " -10171.2136 ± 8175.4606"]
        );
        assert_eq!(plus_minus(&[("+1.5".to_string(), None)], [12, 8]), ["        +1.5"]);
    }
}
