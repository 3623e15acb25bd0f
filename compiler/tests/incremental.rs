//! Incrementality: editing one field of one station in a 5,000-line model re-checks that station
//! alone. The database's event log records every query execution.

use fab_compiler::db::{Database, MemoryFileSystem};
use fab_compiler::scope::set_file;
use fab_compiler::{check_model, load_model};
use std::sync::Arc;

/// A serial line of `stations` stations (about 10 lines each) with buffers between them.
fn generated_line(stations: usize, edited_cycle: &str) -> String {
    let mut text = String::from(
        "//! A generated line.\n\nsource arrivals {\n    interarrival = exponential(mean = 1 min)\n}\n\n",
    );
    let mut flow = vec!["arrivals".to_string()];
    for index in 0..stations {
        let cycle =
            if index == stations / 2 { edited_cycle.to_string() } else { "30 s".to_string() };
        text.push_str(&format!(
            "/// Station {index}.\nstation s{index} {{\n    cycle = lognormal(mean = {cycle}, cv = 0.2)\n    failure = exponential(mean = 8 h) of calendar_time\n    repair = exponential(mean = 20 min)\n}}\n\nbuffer b{index} {{ capacity = 5 }}\n\n"
        ));
        flow.push(format!("s{index}"));
        flow.push(format!("b{index}"));
    }
    text.push_str("sink done\n\n");
    flow.push("done".to_string());
    text.push_str(&format!(
        "flow {}\n\nexperiment baseline {{\n    horizon = 30 d\n}}\n",
        flow.join("\n    -> ")
    ));
    text
}

fn executions(log: &fab_compiler::db::EventLog, query: &str) -> usize {
    log.lock().unwrap().iter().filter(|entry| entry.starts_with(&format!("{query}("))).count()
}

#[test]
fn editing_one_station_rechecks_only_that_station() {
    let original = generated_line(480, "30 s");
    assert!(original.lines().count() >= 5_000, "the model has {} lines", original.lines().count());
    let fs = Arc::new(MemoryFileSystem::default());
    fs.insert("line.fab", &original);
    let (mut db, log) = Database::with_event_log(fs);
    let root = load_model(&mut db, "line.fab").unwrap();
    let first = check_model(&db, root);
    assert!(first.is_empty(), "{first:?}");
    let items = executions(&log, "check_item");
    assert!(items > 960, "every item is checked once at first: {items}");

    // The same length: nothing moves.
    log.lock().unwrap().clear();
    set_file(&mut db, "line.fab", generated_line(480, "31 s"));
    assert!(check_model(&db, root).is_empty());
    assert_eq!(executions(&log, "check_item"), 1, "{:?}", log.lock().unwrap());
    assert_eq!(executions(&log, "parse"), 1);

    // A longer value shifts every later item; relative spans keep their syntax unchanged.
    log.lock().unwrap().clear();
    set_file(&mut db, "line.fab", generated_line(480, "31.25 s"));
    let after = check_model(&db, root);
    assert!(after.is_empty(), "{after:?}");
    assert_eq!(executions(&log, "check_item"), 1);

    // An error after the edit still points at the right place.
    log.lock().unwrap().clear();
    set_file(&mut db, "line.fab", generated_line(480, "-31.25 s"));
    let errors = check_model(&db, root);
    assert_eq!(executions(&log, "check_item"), 1);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let location = errors[0].primary_location().unwrap();
    let text = location.file.text(&db);
    assert_eq!(&text[location.span.range()], "-31.25 s");
}

/// A line of `stations` instances of a template given no arguments, `Cell()`, whose cycle is
/// `cycle`; or, with `written_out`, the same stations with the template's fields written in each.
fn templated_line(stations: usize, cycle: &str, written_out: bool) -> String {
    let fields = format!("cycle = {cycle}\n    failure = exponential(mean = 8 h) of calendar_time");
    let mut text = format!(
        "component Cell(repair_mean: Duration = 20 min) : station {{\n    {fields}\n    repair = exponential(mean = repair_mean)\n}}\n\nsource arrivals {{ interarrival = 1 min }}\n\n"
    );
    let mut flow = vec!["arrivals".to_string()];
    for index in 0..stations {
        if written_out {
            text.push_str(&format!(
                "station s{index} {{\n    {fields}\n    repair = exponential(mean = 20 min)\n}}\n"
            ));
        } else {
            text.push_str(&format!("station s{index} : Cell()\n"));
        }
        flow.push(format!("s{index}"));
    }
    text.push_str(&format!("sink done\nflow {} -> done\n", flow.join(" -> ")));
    text
}

/// The lowered model's components, as text: what the runtime would simulate.
fn components(db: &Database, root: fab_compiler::db::SourceFile) -> Vec<String> {
    let model = fab_compiler::compile(db, root).model.expect("the model has no errors");
    model.graph.node_weights().map(|component| format!("{component:?}")).collect()
}

#[test]
fn a_template_given_no_arguments_is_expanded_once_and_again_when_it_changes() {
    let fs = Arc::new(MemoryFileSystem::default());
    fs.insert("line.fab", &templated_line(200, "30 s", false));
    let (mut db, log) = Database::with_event_log(fs);
    let root = load_model(&mut db, "line.fab").unwrap();
    assert!(check_model(&db, root).is_empty());
    assert_eq!(executions(&log, "plain_expansion"), 1, "one expansion for the 200 instances");
    let expanded = components(&db, root);

    // Each instance gets what the template's fields give, as if written out in it.
    let written = {
        let fs = Arc::new(MemoryFileSystem::default());
        fs.insert("line.fab", &templated_line(200, "30 s", true));
        let mut db = Database::new(fs);
        let root = load_model(&mut db, "line.fab").unwrap();
        components(&db, root)
    };
    assert_eq!(expanded, written);

    // Editing the template expands it again, and every instance follows.
    log.lock().unwrap().clear();
    set_file(&mut db, "line.fab", templated_line(200, "45 s", false));
    assert!(check_model(&db, root).is_empty());
    assert_eq!(executions(&log, "plain_expansion"), 1);
    let edited = components(&db, root);
    assert_ne!(edited, expanded);
    assert!(edited[1..201].iter().all(|c| c.contains("45")), "{:?}", edited[1]);

    // An error in the template is the template's, reported once, not at its 200 instances.
    set_file(&mut db, "line.fab", templated_line(200, "-45 s", false));
    let errors = check_model(&db, root);
    assert_eq!(errors.len(), 1, "{errors:?}");
    let location = errors[0].primary_location().unwrap();
    assert_eq!(&location.file.text(&db)[location.span.range()], "-45 s");
}
