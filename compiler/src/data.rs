//! Reading data files a model names: one numeric column of a CSV file.
//!
//! The reader is small and strict: the first line is the header, cells are separated by commas
//! (double quotes may surround a cell), blank lines are skipped, and every cell of the column must
//! be a number. A problem names the first bad row, counting the header as row 1 as a spreadsheet does.

/// Why a column could not be read, in words.
#[derive(Debug, PartialEq)]
pub struct DataProblem {
    pub message: String,
    pub help: String,
}

/// The values of the column named `column`.
pub fn numeric_column(text: &str, column: &str) -> Result<Vec<f64>, DataProblem> {
    let mut lines = text.lines().enumerate().filter(|(_, line)| !line.trim().is_empty());
    let Some((_, header)) = lines.next() else {
        return Err(DataProblem {
            message: "the file is empty".to_string(),
            help: "A data file starts with a header line naming its columns.".to_string(),
        });
    };
    let names: Vec<String> = split(header).into_iter().map(|n| n.to_string()).collect();
    let Some(index) = names.iter().position(|n| n == column) else {
        return Err(DataProblem {
            message: format!("no column named `{column}`"),
            help: format!(
                "The columns are: {}.",
                names.iter().map(|n| format!("`{n}`")).collect::<Vec<_>>().join(", ")
            ),
        });
    };
    let mut values = Vec::new();
    for (line_index, line) in lines {
        let row = line_index + 1;
        let cells = split(line);
        let cell = cells.get(index).copied().unwrap_or("");
        match cell.parse::<f64>() {
            Ok(value) if value.is_finite() => values.push(value),
            _ => {
                return Err(DataProblem {
                    message: format!("row {row}, column `{column}`: `{cell}` is not a number"),
                    help: "Every cell of the column must be a number; remove or fix that row."
                        .to_string(),
                });
            }
        }
    }
    if values.is_empty() {
        return Err(DataProblem {
            message: format!("column `{column}` has no values"),
            help: "Add at least one row of data below the header.".to_string(),
        });
    }
    Ok(values)
}

fn split(line: &str) -> Vec<&str> {
    line.split(',').map(|cell| cell.trim().trim_matches('"').trim()).collect()
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
    }
}
