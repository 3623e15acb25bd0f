//! Release schedules (`schedule = "FILE"` on a source): the words of their problems, which the
//! semantic tests check only by code.

mod common;

/// The headline and primary label of each diagnostic of a model of one scheduled source whose
/// file `releases.csv` holds `csv`.
fn problems(csv: &str) -> Vec<(String, String)> {
    let model = "source parts { schedule = \"releases.csv\" }\nsink done\nflow parts -> done\n";
    let (_, _, diagnostics) =
        common::check_files(model, &[("releases.csv".to_string(), csv.to_string())]);
    diagnostics
        .iter()
        .map(|d| {
            let label = d.labels.iter().find(|l| l.primary).map(|l| l.message.clone());
            (d.message.clone(), label.unwrap_or_default())
        })
        .collect()
}

#[test]
fn a_time_out_of_order_names_its_row_in_the_file() {
    // The row was counted from the list of values as `index + 3`, as if there were one header
    // line and no blank line: "row 3" for both files below, the header itself in the second.
    let unsorted = "schedule `releases.csv` is not in ascending order".to_string();
    assert_eq!(
        problems("time\n\n5\n\n\n3\n7\n"),
        [(unsorted.clone(), "row 6 (3 s) comes before row 3 (5 s)".to_string())]
    );
    assert_eq!(
        problems("\n\ntime\n5\n3\n"),
        [(unsorted.clone(), "row 5 (3 s) comes before row 4 (5 s)".to_string())]
    );
    assert_eq!(problems("time\n1\n1\n2\n"), [], "equal times are in order");
}

#[test]
fn a_negative_release_time_is_refused_with_its_row() {
    // It was accepted and released at time 0 without a word.
    let problems = problems("time\n\n-5\n3\n7\n");
    assert_eq!(
        problems,
        [(
            "data file `releases.csv`: row 3, column `time`: `-5` is before the start of the run"
                .to_string(),
            "in this file".to_string()
        )]
    );
    assert_eq!(self::problems("time\n0\n-0\n"), [], "zero, however written, is the start");
}

#[test]
fn a_schedule_naming_the_model_folder_names_it() {
    // `"."` beside a model at the top of the workspace folds to an empty path, and the message
    // named no file: "cannot read data file ``". (On disk, the reason says it is a folder: see
    // the CLI's tests.)
    let model = "source parts { schedule = \".\" }\nsink done\nflow parts -> done\n";
    let (_, _, diagnostics) = common::check_files(model, &[]);
    let messages: Vec<&str> = diagnostics.iter().map(|d| d.message.as_str()).collect();
    assert_eq!(messages, ["cannot read data file `.`"]);
}
