//! Completion around comments, in process: a comment between the last token and the cursor is
//! space, and only a cursor inside a comment gets nothing.

use super::completions;
use crate::ide::fixture::fixture;

/// The labels offered at the `$0` of `text`.
fn labels(text: &str) -> Vec<String> {
    let (db, file, cursor) = fixture(text);
    completions(&db, file, cursor).into_iter().map(|item| item.label).collect()
}

#[test]
fn a_comment_after_the_last_token_does_not_hide_the_fields() {
    let plain = labels("conveyor c1 { length = 12 m; speed = 0.4 m/s; spacing = 1.5 m\n    $0 }\n");
    assert!(plain.contains(&"accel".to_string()), "{plain:?}");
    for text in [
        // A line comment ending the line before the cursor.
        "conveyor c1 { length = 12 m; speed = 0.4 m/s; spacing = 1.5 m // pitch\n    $0 }\n",
        // A line comment on a line of its own.
        "conveyor c1 { length = 12 m; speed = 0.4 m/s; spacing = 1.5 m\n    // pitch\n    $0 }\n",
        // A block comment ending the line before.
        "conveyor c1 { length = 12 m; speed = 0.4 m/s; spacing = 1.5 m /* pitch */\n    $0 }\n",
        // A doc comment on the line before.
        "conveyor c1 { length = 12 m; speed = 0.4 m/s; spacing = 1.5 m\n    /// pitch\n    $0 }\n",
    ] {
        assert_eq!(labels(text), plain, "{text:?}");
    }
    let station = labels("station s1 {\n cycle = 5 s // c\n $0 }\n");
    assert!(station.contains(&"setup".to_string()), "{station:?}");
    assert!(!station.contains(&"cycle".to_string()), "cycle is set: {station:?}");
}

#[test]
fn a_comment_before_the_cursor_does_not_hide_the_item_keywords() {
    let items = labels("sink a\n// c\n$0");
    assert!(items.iter().any(|label| label.starts_with("station")), "{items:?}");
    assert_eq!(items, labels("sink a\n$0"));
}

#[test]
fn a_block_comment_over_lines_separates_nothing() {
    // `5 s /* … */ ` continues the value: a unit is offered, as without the comment.
    let split = labels("station s1 {\n cycle = 5 /* a\n b */ $0\n}\n");
    assert_eq!(split, labels("station s1 {\n cycle = 5 $0\n}\n"));
}

#[test]
fn nothing_inside_a_comment() {
    for text in [
        "station s1 {\n cycle = 5 s // c$0\n}\n",
        "station s1 {\n cycle = 5 s // $0\n}\n",
        "station s1 {\n /// doc $0\n}\n",
        "station s1 {\n /* open $0\n}\n",
        "sink a\n// c$0",
    ] {
        assert_eq!(labels(text), Vec::<String>::new(), "{text:?}");
    }
}

#[test]
fn a_templates_parameters_are_offered_in_calls_of_its_body_and_its_bases_arguments() {
    let in_call = labels(
        "component Cell(ct: Duration, cv: Real = 0.3) : station {\n    cycle = lognormal(mean = $0)\n}\n",
    );
    assert_eq!(in_call[..2], ["ct", "cv"], "{in_call:?}");
    let in_base = labels(
        "component Cell(cycle_time: Duration) : station {\n    cycle = cycle_time\n}\ncomponent Fast(ct: Duration) : Cell(cycle_time = $0)\n",
    );
    assert_eq!(in_base, ["ct"]);
    // Outside a template, no parameter is offered.
    let outside = labels("station w {\n    cycle = lognormal(mean = $0)\n}\n");
    assert!(outside.is_empty(), "{outside:?}");
}

#[test]
fn a_templates_parameter_list_offers_what_its_types_and_defaults_accept() {
    let (db, file, cursor) = fixture("component Cell(cv: Duration = 3 $0) : station {}\n");
    let units: Vec<_> = completions(&db, file, cursor);
    let labels_of: Vec<&str> = units.iter().map(|item| item.label.as_str()).collect();
    assert!(labels_of.contains(&"s") && labels_of.contains(&"min"), "{labels_of:?}");
    assert!(
        units.iter().all(|item| item.rank == 0 && item.detail.as_deref() == Some("Duration")),
        "the units of the parameter's dimension: {labels_of:?}"
    );
    let families = labels("component Cell(d: Dist<Duration> = $0) : station {}\n");
    assert!(families.contains(&"lognormal(mean, cv)".to_string()), "{families:?}");
    let inside_dist = labels("component Cell(d: Dist<$0) : station {}\n");
    assert!(inside_dist.contains(&"Duration".to_string()), "{inside_dist:?}");
    for not_a_quantity in ["Bool", "Int", "String", "Dist", "Count"] {
        assert!(!inside_dist.contains(&not_a_quantity.to_string()), "{inside_dist:?}");
    }
    let types = labels("component Cell(d: $0) : station {}\n");
    for name in ["Duration", "Int", "Bool", "Dist", "Count"] {
        assert!(types.contains(&name.to_string()), "{types:?}");
    }
}

#[test]
fn the_type_names_offered_are_the_ones_the_checker_reads() {
    use fab_stdlib::types::PARAM_TYPE_NAMES;
    use fab_stdlib::units::QUANTITY_NAMES;
    let (db, file, cursor) = fixture("component Cell(d: $0) : station {}\n");
    let offered = completions(&db, file, cursor);
    let names = PARAM_TYPE_NAMES.iter().map(|entry| entry.name);
    for name in names.chain(QUANTITY_NAMES.iter().map(|(_, name)| *name)) {
        let count = offered.iter().filter(|item| item.label == name).count();
        assert_eq!(count, 1, "`{name}` offered {count} times");
    }
    // Each one offered, inserted as offered, declares a parameter the checker accepts.
    for item in &offered {
        let written = item.insert.replace("${1:Duration}", "Duration");
        let text = format!(
            "component Cell(d: {written}) : station {{ cycle = 1 s }}\n\
             source parts {{ interarrival = 1 min }}\nstation c : Cell()\nsink done\n\
             flow parts -> c -> done\n"
        );
        let (db, file, _) = fixture(&format!("$0{text}"));
        let diagnostics = crate::check_model(&db, file);
        assert!(
            diagnostics.iter().all(|d| d.code != "E0204"),
            "`{written}` offered but refused: {diagnostics:?}"
        );
    }
    // `Count` in a parameter list is a whole number, as the checker reads it, not the quantity
    // of dimension count the quantity table lists (it was offered as such).
    let count = offered.iter().find(|item| item.label == "Count").expect("offered");
    assert_eq!(count.detail.as_deref(), Some("a whole number (the same as `Int`)"));
}
