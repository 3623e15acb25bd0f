//! Reading data files a model names: one numeric column of a CSV file, optionally with a status
//! column marking right-censored values; and the memoized fit of such a column.
//!
//! The reader is small and strict: the first line is the header, cells are separated by commas
//! (double quotes may surround a cell, which may then hold commas, and must be closed), blank
//! lines are skipped, a byte-order mark at the start (as spreadsheets write UTF-8) is dropped, no
//! row has more non-empty cells than the header has columns, and every cell of the column must be
//! a number. A problem names the first bad row, counting the header as row 1 as a spreadsheet
//! does.
//!
//! [`fitted_column`] is the salsa query behind `fit(…)`: its inputs are the [`DataFile`] (whose
//! contents are a salsa input) and the request, so a fit is computed once per file contents and
//! request, however many items ask for it and however often the model around it is edited.

use crate::db::{DataFile, Db};
use crate::diagnostic::Location;
use fab_stdlib::fit::{self, Family, FitOptions, Observation, Ranking, Sample, gof};
use fab_stdlib::units::Dimension;
use std::borrow::Cow;

/// Why a column could not be read, in words.
#[derive(Debug, PartialEq)]
pub struct DataProblem {
    pub message: String,
    pub help: String,
}

/// The values of the column named `column`.
pub fn numeric_column(text: &str, column: &str) -> Result<Vec<f64>, DataProblem> {
    Ok(observations(text, column, None)?.into_iter().map(|o| o.value).collect())
}

/// The values of the column named `column`, each with its row number in the file (the header is
/// row 1; blank lines count), for problems found after reading, such as an order.
pub fn numeric_rows(text: &str, column: &str) -> Result<Vec<(usize, f64)>, DataProblem> {
    Ok(observation_rows(text, column, None)?.into_iter().map(|(row, o)| (row, o.value)).collect())
}

/// The values of the column named `column`, each marked censored or not by the column named
/// `status` when there is one. A status cell says `failure` or `1` (the value was observed) or
/// `censored` or `0` (the unit was still working then: right-censored), in any letter case.
pub fn observations(
    text: &str,
    column: &str,
    status: Option<&str>,
) -> Result<Vec<Observation>, DataProblem> {
    Ok(observation_rows(text, column, status)?.into_iter().map(|(_, o)| o).collect())
}

/// [`observations`], each with its row number in the file (the header is row 1; blank lines
/// count).
pub fn observation_rows(
    text: &str,
    column: &str,
    status: Option<&str>,
) -> Result<Vec<(usize, Observation)>, DataProblem> {
    let mut lines = lines(text);
    let Some((header_row, header)) = lines.next() else {
        return Err(DataProblem {
            message: "the file is empty".to_string(),
            help: "A data file starts with a header line naming its columns.".to_string(),
        });
    };
    let names: Vec<String> = cells(header)
        .map_err(|problem| DataProblem {
            message: format!("row {header_row}: {}", problem.message),
            help: problem.help,
        })?
        .into_iter()
        .map(Cow::into_owned)
        .collect();
    let find = |wanted: &str| {
        if let Some(problem) = named_twice(&names, wanted) {
            return Err(DataProblem {
                message: format!("row {header_row}: {}", problem.message),
                help: problem.help,
            });
        }
        names.iter().position(|n| n == wanted).ok_or_else(|| {
            let close = crate::suggest::did_you_mean(wanted, names.iter().map(String::as_str));
            let mut listed: Vec<String> =
                names.iter().take(LISTED_COLUMNS).map(|n| format!("`{}`", shown(n))).collect();
            if names.len() > LISTED_COLUMNS {
                listed.push(format!("… ({} in all)", names.len()));
            }
            let listed = listed.join(", ");
            DataProblem {
                message: format!("no column named `{wanted}`"),
                help: match close {
                    Some(close) => format!("Did you mean `{close}`? The columns are: {listed}."),
                    None => format!("The columns are: {listed}."),
                },
            }
        })
    };
    let index = find(column)?;
    let status_index = status.map(find).transpose()?;
    let mut values = Vec::new();
    for (row, line) in lines {
        let cells = row_cells(line, names.len()).map_err(|problem| DataProblem {
            message: format!("row {row}: {}", problem.message),
            help: problem.help,
        })?;
        let cell = cells.get(index).map_or("", |cell| cell.as_ref());
        let value = match cell.parse::<f64>() {
            Ok(value) if value.is_finite() => value,
            _ => {
                let what = if cell.is_empty() {
                    "is empty".to_string()
                } else {
                    format!("`{}` is not a number", shown(cell))
                };
                return Err(DataProblem {
                    message: format!("row {row}, column `{column}`: {what}"),
                    help: "Every cell of the column must be a number; remove or fix that row."
                        .to_string(),
                });
            }
        };
        let censored = match (status, status_index) {
            (Some(status), Some(at)) => {
                let cell = cells.get(at).map_or("", |cell| cell.as_ref());
                match cell.to_ascii_lowercase().as_str() {
                    "failure" | "1" => false,
                    "censored" | "0" => true,
                    _ => {
                        return Err(DataProblem {
                            message: format!(
                                "row {row}, column `{status}`: `{}` is not a status",
                                shown(cell)
                            ),
                            help: "A status is `failure` (or `1`) for an observed value and \
                                   `censored` (or `0`) for a unit still working at that value."
                                .to_string(),
                        });
                    }
                }
            }
            _ => false,
        };
        values.push((row, Observation { value, censored }));
    }
    if values.is_empty() {
        return Err(DataProblem {
            message: format!("column `{column}` has no values"),
            help: "Add at least one row of data below the header.".to_string(),
        });
    }
    Ok(values)
}

/// The problem with a header that names the column `wanted` more than once (the header's row
/// not said): which of them is meant would be left to chance. Every reader of a named column
/// asks this before looking the column up.
pub fn named_twice(names: &[String], wanted: &str) -> Option<DataProblem> {
    let mut at = names.iter().enumerate().filter(|(_, n)| *n == wanted).map(|(i, _)| i + 1);
    let (first, second) = (at.next()?, at.next()?);
    Some(DataProblem {
        message: format!(
            "the header names column `{}` twice (columns {first} and {second})",
            shown(wanted)
        ),
        help: "Give each column its own name, so that the one meant is clear.".to_string(),
    })
}

/// The most characters of a cell (or a column's name) a problem quotes: a cell holds whatever the
/// file holds, and a message that echoed a megabyte of it whole would bury what it says.
const SHOWN_CHARACTERS: usize = 40;

/// The most column names a problem lists.
const LISTED_COLUMNS: usize = 20;

/// `text` as a problem quotes it: whole when short, else its first [`SHOWN_CHARACTERS`]
/// characters and `…`; a control character (a stray `\u{1a}`, a NUL), which a terminal shows as
/// nothing, written as its escape.
fn shown(text: &str) -> Cow<'_, str> {
    let cut = text.char_indices().nth(SHOWN_CHARACTERS).map(|(cut, _)| cut);
    let kept = &text[..cut.unwrap_or(text.len())];
    if cut.is_none() && !kept.chars().any(char::is_control) {
        return Cow::Borrowed(text);
    }
    let mut quoted: String = kept
        .chars()
        .map(|c| if c.is_control() { c.escape_unicode().to_string() } else { c.to_string() })
        .collect();
    if cut.is_some() {
        quoted.push('…');
    }
    Cow::Owned(quoted)
}

/// The lines of a CSV text that hold something, each with its row number (the first line is row
/// 1, as a spreadsheet counts; blank lines keep their numbers but are skipped). A line ends at a
/// line feed, a carriage return and line feed, or a carriage return alone (old Mac files, which
/// otherwise read as one long header). A byte-order mark before the first line, which
/// spreadsheets write at the head of UTF-8 files, is not part of it.
pub fn lines(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut rest = text.strip_prefix('\u{feff}').unwrap_or(text);
    let split = std::iter::from_fn(move || {
        if rest.is_empty() {
            return None;
        }
        let Some(end) = rest.find(['\r', '\n']) else {
            return Some(std::mem::take(&mut rest));
        };
        let line = &rest[..end];
        let ending = if rest[end..].starts_with("\r\n") { 2 } else { 1 };
        rest = &rest[end + ending..];
        Some(line)
    });
    split.enumerate().map(|(i, line)| (i + 1, line)).filter(|(_, l)| !l.trim().is_empty())
}

/// The cells of a CSV line, each trimmed of the spaces around it. A cell that starts with a
/// double quote runs to the closing quote and may hold commas, and `""` inside it stands for one
/// quote (RFC 4180); what follows the closing quote up to the next comma is kept too. A quote left
/// open is a problem: quoted line breaks are not read (a line is a row), and reading the rest of
/// the line as one cell would take a broken row for a good one.
pub fn cells(line: &str) -> Result<Vec<Cow<'_, str>>, DataProblem> {
    let mut cells = Vec::new();
    let mut rest = line;
    loop {
        let start = rest.trim_start();
        let (cell, after) = match start.strip_prefix('"') {
            Some(quoted) => quoted_cell(quoted).ok_or_else(|| DataProblem {
                message: format!("the quote that opens cell {} is never closed", cells.len() + 1),
                help: "Close the quote on the same line; inside a quoted cell, write a quote as \
                       two (`\"\"`)."
                    .to_string(),
            })?,
            None => match start.find(',') {
                Some(comma) => {
                    (Cow::Borrowed(start[..comma].trim_end()), Some(&start[comma + 1..]))
                }
                None => (Cow::Borrowed(start.trim_end()), None),
            },
        };
        cells.push(cell);
        match after {
            Some(after) => rest = after,
            None => return Ok(cells),
        }
    }
}

/// A quoted cell, `text` starting after its opening quote: the cell, and the rest of the line
/// after the comma that ends it (`None` at the end of the line); `None` when the quote is not
/// closed.
fn quoted_cell(text: &str) -> Option<(Cow<'_, str>, Option<&str>)> {
    let mut value: Option<String> = None;
    let mut chars = text.char_indices().peekable();
    let mut close = None;
    while let Some((i, c)) = chars.next() {
        if c != '"' {
            if let Some(value) = &mut value {
                value.push(c);
            }
            continue;
        }
        if chars.next_if(|&(_, next)| next == '"').is_some() {
            // A doubled quote: one quote in the value, which can no longer borrow the line.
            value.get_or_insert_with(|| text[..i].to_string()).push('"');
            continue;
        }
        close = Some(i);
        break;
    }
    let close = close?;
    let tail = &text[close + 1..];
    let (trailing, after) = match tail.find(',') {
        Some(comma) => (tail[..comma].trim(), Some(&tail[comma + 1..])),
        None => (tail.trim(), None),
    };
    let cell = match (value, trailing.is_empty()) {
        (None, true) => Cow::Borrowed(text[..close].trim()),
        (value, _) => {
            let mut value = value.unwrap_or_else(|| text[..close].to_string());
            value.push_str(trailing);
            Cow::Owned(value.trim().to_string())
        }
    };
    Some((cell, after))
}

/// The cells of a data row, when it has no more cells than the header has `columns` (empty cells
/// beyond them are allowed: spreadsheets write them); otherwise a message and a help line. A row
/// with more is how an unquoted decimal comma (`2,5`) or a comma inside an unquoted text shows,
/// which would otherwise shift every cell after it.
pub fn row_cells(line: &str, columns: usize) -> Result<Vec<Cow<'_, str>>, DataProblem> {
    let cells = cells(line)?;
    if cells.iter().skip(columns).any(|cell| !cell.is_empty()) {
        return Err(DataProblem {
            message: format!(
                "{} cells, but the header names {columns} column{}",
                cells.len(),
                if columns == 1 { "" } else { "s" }
            ),
            help: "Put double quotes around a value that holds a comma (`\"Press, line 2\"`), \
                   and write numbers with a decimal point (`2.5`)."
                .to_string(),
        });
    }
    Ok(cells)
}

/// What `fit(…)` asks of one data file.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct FitRequest {
    pub column: String,
    /// The candidate families; every family when empty.
    pub families: Vec<Family>,
    /// The variable cannot be negative (a duration, a length).
    pub non_negative: bool,
}

/// The outcome of `fit(…)` on one column, in the file's own units.
#[derive(Clone, Debug, PartialEq)]
pub struct FittedColumn {
    pub ranking: Ranking,
    /// The goodness of fit of the best family, if one applied.
    pub goodness: Option<gof::GoodnessOfFit>,
}

/// Why `fit(…)` found nothing to fit, in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum FitFailure {
    /// The column could not be read: a message and a help line.
    Unreadable { message: String, help: String },
    /// The values cannot be fitted (empty, constant, too few).
    Sample(String),
    /// No candidate family applies; each one's reason.
    NoFamily(Vec<String>),
}

/// A `fit(…)` the checker evaluated, with what it chose: for `fab check --verbose` and the editor.
#[derive(Clone, Debug, PartialEq)]
pub struct FitReport {
    /// The call, relative to its item like a diagnostic's location.
    pub location: Location,
    /// The data file, as the workspace names it.
    pub path: String,
    pub column: String,
    /// The variable's dimension.
    pub dimension: Dimension,
    /// What one unit in the file stands for, in SI (the `unit` argument; 1 without one).
    pub unit_factor: f64,
    /// The ranking, in the file's own units.
    pub fitted: FittedColumn,
}

/// Fits the candidate families to one column of `file`: memoized on the file's contents and the
/// request.
#[salsa::tracked(returns(ref))]
pub fn fitted_column(
    db: &dyn Db,
    file: DataFile,
    request: FitRequest,
) -> Result<FittedColumn, FitFailure> {
    let text = file.contents(db).as_ref().map_err(|error| FitFailure::Unreadable {
        message: error.reason.clone(),
        help: String::new(),
    })?;
    let values = observations(text, &request.column, None)
        .map_err(|p| FitFailure::Unreadable { message: p.message, help: p.help })?;
    let sample = Sample::new(&values).map_err(|e| FitFailure::Sample(e.to_string()))?;
    let options = FitOptions {
        families: request.families.clone(),
        non_negative: request.non_negative,
        criterion: fit::Criterion::Aic,
    };
    let ranking = fit::fit_all(&sample, &options);
    if ranking.fits.is_empty() {
        let reasons =
            ranking.skipped.iter().map(|s| format!("{}: {}", s.family.label(), s.reason)).collect();
        return Err(FitFailure::NoFamily(reasons));
    }
    let goodness = ranking.best().map(|best| gof::goodness_of_fit(&sample, best));
    Ok(FittedColumn { ranking, goodness })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_column_and_names_the_first_bad_row() {
        let text = "id,weld_s\n1,52.5\n2,49\n\n3,abc\n";
        let problem = numeric_column(text, "weld_s").unwrap_err();
        assert_eq!(problem.message, "row 5, column `weld_s`: `abc` is not a number");
        assert_eq!(numeric_column("a,b\n1,2\n3,4\n", "b").unwrap(), vec![2.0, 4.0]);
        assert!(numeric_column("a\n1\n", "x").unwrap_err().help.contains("`a`"));
        assert_eq!(numeric_column("", "x").unwrap_err().message, "the file is empty");
        assert_eq!(
            numeric_column("a,b\n1,\n", "b").unwrap_err().message,
            "row 2, column `b`: is empty"
        );
    }

    #[test]
    fn splits_cells_with_quotes_as_rfc_4180_does() {
        let cells =
            |line| super::cells(line).unwrap().into_iter().map(Cow::into_owned).collect::<Vec<_>>();
        assert_eq!(cells(" a , b,c "), ["a", "b", "c"]);
        assert_eq!(cells("a,,"), ["a", "", ""]);
        assert_eq!(cells(""), [""]);
        assert_eq!(cells(r#""Press, line 2",52.5"#), ["Press, line 2", "52.5"]);
        assert_eq!(cells(r#"1,"say ""hi""",3"#), ["1", r#"say "hi""#, "3"]);
        assert_eq!(cells(r#""2",  "3" "#), ["2", "3"]);
        assert_eq!(cells(r#""a"b,c"#), ["ab", "c"], "text after the closing quote is kept");
        assert_eq!(cells(r#""""#), [""]);
        assert!(matches!(super::cells(r#""plain",x"#).unwrap()[0], Cow::Borrowed("plain")));
    }

    #[test]
    fn a_quote_left_open_is_refused() {
        // It used to take the rest of the line, so `"1` read as a plain 1.
        let problem = super::cells(r#"x,"open, to the end"#).unwrap_err();
        assert_eq!(problem.message, "the quote that opens cell 2 is never closed");
        let problem = numeric_column("a,b\n1,2\n\"3,4\n", "b").unwrap_err();
        assert_eq!(problem.message, "row 3: the quote that opens cell 1 is never closed");
        let problem = numeric_column("a,\"b\n1,2\n", "b").unwrap_err();
        assert_eq!(problem.message, "row 1: the quote that opens cell 2 is never closed");
    }

    #[test]
    fn a_byte_order_mark_is_not_part_of_the_header() {
        // Spreadsheets save "CSV UTF-8" with one; it became part of the first column's name.
        let text = "\u{feff}weld_s,note\r\n1.5,a\r\n\r\n2.5,b\r\n";
        assert_eq!(numeric_column(text, "weld_s").unwrap(), vec![1.5, 2.5]);
        let problem = numeric_column("\u{feff}weld_s\n\nx\n", "weld_s").unwrap_err();
        assert_eq!(problem.message, "row 3, column `weld_s`: `x` is not a number");
    }

    #[test]
    fn a_column_named_twice_is_refused_and_a_control_character_is_shown() {
        let problem = numeric_column("time,x,time\n1,2,3\n", "time").unwrap_err();
        assert_eq!(
            problem.message,
            "row 1: the header names column `time` twice (columns 1 and 3)"
        );
        // Another column named twice is no matter.
        assert_eq!(numeric_column("x,x,time\n1,2,3\n", "time").unwrap(), [3.0]);
        let problem = numeric_column("t\n1\n\u{1a}\n", "t").unwrap_err();
        assert_eq!(problem.message, "row 3, column `t`: `\\u{1a}` is not a number");
    }

    #[test]
    fn a_row_longer_than_the_header_is_refused() {
        // An unquoted decimal comma used to read as `2` and silently drop the `5`.
        let problem = numeric_column("weld_s\n1.5\n2,5\n", "weld_s").unwrap_err();
        assert_eq!(problem.message, "row 3: 2 cells, but the header names 1 column");
        assert!(problem.help.contains("decimal point"));
        assert_eq!(
            numeric_column("weld_s\n\"2,5\"\n", "weld_s").unwrap_err().message,
            "row 2, column `weld_s`: `2,5` is not a number"
        );
        // Quoted commas and empty trailing cells are fine.
        let text = "note,weld_s\n\"Press, line 2\",52.5\n,49,,\n";
        assert_eq!(numeric_column(text, "weld_s").unwrap(), vec![52.5, 49.0]);
    }

    #[test]
    fn reads_a_status_column() {
        let text = "km,status\n6700,failure\n6950,Censored\n7820,1\n8790,0\n";
        let read = observations(text, "km", Some("status")).unwrap();
        let censored: Vec<bool> = read.iter().map(|o| o.censored).collect();
        assert_eq!(censored, [false, true, false, true]);
        let problem = observations("km,status\n1,failure\n2,broken\n", "km", Some("status"));
        assert_eq!(
            problem.unwrap_err().message,
            "row 3, column `status`: `broken` is not a status"
        );
        let missing = observations("km\n1\n", "km", Some("status")).unwrap_err();
        assert_eq!(missing.message, "no column named `status`");
    }

    #[test]
    fn lines_end_at_any_line_break() {
        // A lone carriage return (old Mac files) used to leave the whole file as one header line.
        assert_eq!(numeric_column("x\r1\r2\r\r3.5\r", "x").unwrap(), vec![1.0, 2.0, 3.5]);
        let rows: Vec<(usize, &str)> = lines("a\r\n1\n\r\n2\r3").collect();
        assert_eq!(rows, [(1, "a"), (2, "1"), (4, "2"), (5, "3")]);
        let problem = numeric_column("x\r1\rno\r", "x").unwrap_err();
        assert_eq!(problem.message, "row 3, column `x`: `no` is not a number");
    }

    #[test]
    fn a_long_cell_or_header_is_quoted_cut() {
        // A problem used to quote a cell whole, a megabyte of it if the file held one.
        let long = "x".repeat(1_000_000);
        let problem = numeric_column(&format!("t\n1\n{long}\n"), "t").unwrap_err();
        assert_eq!(
            problem.message,
            format!("row 3, column `t`: `{}…` is not a number", "x".repeat(40))
        );
        let exactly = "y".repeat(40);
        let problem = numeric_column(&format!("t\n{exactly}\n"), "t").unwrap_err();
        assert_eq!(problem.message, format!("row 2, column `t`: `{exactly}` is not a number"));
        let problem = observations(&format!("t,s\n1,é{long}\n"), "t", Some("s")).unwrap_err();
        assert_eq!(
            problem.message,
            format!("row 2, column `s`: `é{}…` is not a status", "x".repeat(39))
        );
        let header: Vec<String> = (0..25).map(|i| format!("c{i}")).collect();
        let problem = numeric_column(&format!("{long},{}\n", header.join(",")), "t").unwrap_err();
        let first: Vec<String> = header[..19].iter().map(|name| format!("`{name}`")).collect();
        assert_eq!(
            problem.help,
            format!("The columns are: `{}…`, {}, … (26 in all).", "x".repeat(40), first.join(", "))
        );
    }

    #[test]
    fn an_unknown_column_suggests_a_close_name() {
        let problem = numeric_column("part,weld_s\n1,2\n", "weld_S").unwrap_err();
        assert_eq!(problem.message, "no column named `weld_S`");
        assert_eq!(problem.help, "Did you mean `weld_s`? The columns are: `part`, `weld_s`.");
        let problem = numeric_column("part,weld_s\n1,2\n", "temperature").unwrap_err();
        assert_eq!(problem.help, "The columns are: `part`, `weld_s`.");
    }
}
