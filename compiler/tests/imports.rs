//! How imports share names: what a file sees, where a name it cannot see is declared, and which
//! of two clashing declarations is the redefinition.

mod common;

use fab_compiler::diagnostic::Diagnostic;

fn files(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter().map(|(name, text)| (name.to_string(), text.to_string())).collect()
}

fn errors(diagnostics: &[Diagnostic]) -> Vec<&Diagnostic> {
    diagnostics.iter().filter(|d| d.code.starts_with('E')).collect()
}

const EXPERIMENT: &str = "experiment baseline { horizon = 1 d }\n";

const CELL: &str = "import \"lib/exp.fab\"\n\
    source parts { interarrival = 1 min }\nstation weld { cycle = 30 s }\nsink done\n\
    flow parts -> weld -> done\n";

#[test]
fn a_name_from_a_file_imported_by_an_import_can_be_named() {
    // `baseline` joins the model through sub/weld.fab; the root may base a scenario on it, as it
    // may run it.
    let main = "import \"sub/weld.fab\"\nscenario fast : baseline { weld.cycle = 20 s }\n";
    let extra = files(&[("sub/weld.fab", CELL), ("sub/lib/exp.fab", EXPERIMENT)]);
    let (_, _, diagnostics) = common::check_files(main, &extra);
    assert!(errors(&diagnostics).is_empty(), "{diagnostics:#?}");
}

#[test]
fn a_name_in_a_file_that_is_not_imported_points_at_that_file() {
    // main imports both; left.fab names a station of right.fab without importing it.
    let main = "import \"left.fab\"\nimport \"right.fab\"\n";
    let left = "source parts { interarrival = 1 min }\nsink done\n\
                flow parts -> spot_welder -> done\n";
    let right = "station spot_welder { cycle = 30 s }\n";
    let extra = files(&[("left.fab", left), ("right.fab", right)]);
    let (db, _, diagnostics) = common::check_files(main, &extra);
    let unknown: Vec<_> = diagnostics.iter().filter(|d| d.code == "E0101").collect();
    assert_eq!(unknown.len(), 1, "{diagnostics:#?}");
    let help = unknown[0].help.as_deref().unwrap_or_default();
    assert!(help.contains("`spot_welder` is declared in `right.fab`"), "{help}");
    assert!(help.contains("does not import"), "{help}");
    let location = unknown[0].primary_location().unwrap();
    assert_eq!(location.file.path(&db), "left.fab");
}

#[test]
fn the_importing_file_redefines_a_name_of_its_import() {
    let main = "import \"cells.fab\"\nstation weld { cycle = 40 s }\n";
    let cells = "source parts { interarrival = 1 min }\nstation weld { cycle = 30 s }\n\
                 sink done\nflow parts -> weld -> done\n";
    let (db, _, diagnostics) = common::check_files(main, &files(&[("cells.fab", cells)]));
    let clash: Vec<_> = diagnostics.iter().filter(|d| d.code == "E0102").collect();
    assert_eq!(clash.len(), 1, "{diagnostics:#?}");
    for label in &clash[0].labels {
        let file = label.location.file.path(&db);
        if label.primary {
            assert_eq!(file, "main.fab", "the redefinition is the importer's: {label:?}");
            assert!(label.message.contains("redefined"), "{label:?}");
        } else {
            assert_eq!(file, "cells.fab", "{label:?}");
            assert_eq!(label.message, "first defined here");
        }
    }
}

#[test]
fn a_route_that_cannot_see_its_component_is_one_error() {
    // routes.fab routes `s` without importing the file that declares it: that is E0101 where the
    // route is written, and the route is attached to nothing. It used to be attached by name
    // anyway, which gave "sums to 50 %" and "never sends parts to `done`" as well.
    let main = "import \"line.fab\"\nimport \"routes.fab\"\n";
    let line = "source src { interarrival = 20 s }\nstation s { cycle = 15 s }\nsink done\n\
                sink spare\nflow src -> s -> done\n";
    let routes = "route s {\n    done = 50 %\n    spare = 50 %\n}\n";
    let extra = files(&[("line.fab", line), ("routes.fab", routes)]);
    let (_, _, diagnostics) = common::check_files(main, &extra);
    let codes: Vec<&str> = errors(&diagnostics).iter().map(|d| d.code).collect();
    assert!(codes.iter().all(|c| *c == "E0101"), "{diagnostics:#?}");
    assert!(!codes.is_empty());
}

#[test]
fn of_two_routes_the_imported_one_is_the_first() {
    // As with any name declared twice, the importing file's route is the one too many.
    let main = "import \"line.fab\"\nroute s {\n    done = 50 %\n    spare = 50 %\n}\n";
    let line = "source src { interarrival = 20 s }\nstation s { cycle = 15 s }\nsink done\n\
                sink spare\nflow src -> s -> done\nflow s -> spare\n\
                route s {\n    done = 40 %\n    spare = 60 %\n}\n";
    let (db, _, diagnostics) = common::check_files(main, &files(&[("line.fab", line)]));
    let clash: Vec<_> = diagnostics.iter().filter(|d| d.code == "E0102").collect();
    assert_eq!(clash.len(), 1, "{diagnostics:#?}");
    let primary = clash[0].primary_location().unwrap();
    assert_eq!(primary.file.path(&db), "main.fab");
    assert!(clash[0].help.is_some());
}

#[test]
fn an_import_of_a_data_file_is_one_error_at_the_import() {
    // It used to be read as a model: four syntax errors inside the CSV, none at the import.
    let main = "import \"data.csv\"\nsource parts { interarrival = 1 min }\nsink done\n\
                flow parts -> done\n";
    let (db, _, diagnostics) =
        common::check_files(main, &files(&[("data.csv", "a,b\n1,2\n3,4\n")]));
    let found = errors(&diagnostics);
    assert_eq!(found.len(), 1, "{diagnostics:#?}");
    assert_eq!(found[0].code, "E0104");
    assert!(found[0].message.contains("not a `.fab` file"), "{}", found[0].message);
    assert_eq!(found[0].primary_location().unwrap().file.path(&db), "main.fab");
}

#[test]
fn an_import_that_cannot_be_read_says_why_until_it_is_read() {
    use fab_compiler::db::{MemoryFileSystem, ReadError};
    use std::sync::Arc;
    // The reason a file that is there could not be read was dropped: "cannot find imported
    // file", labelled "no such file".
    let fs = Arc::new(MemoryFileSystem::default());
    fs.insert("main.fab", "import \"cells.fab\"\nimport \"gone.fab\"\n");
    fs.insert_unreadable("cells.fab", ReadError::unreadable("this is a folder, not a file"));
    let mut db = fab_compiler::Database::new(fs);
    let root = fab_compiler::load_model(&mut db, "main.fab").unwrap();
    let diagnostics = fab_compiler::check_model(&db, root);
    let imports: Vec<(&str, &str)> = diagnostics
        .iter()
        .filter(|d| d.code == "E0104")
        .map(|d| (d.message.as_str(), d.labels[0].message.as_str()))
        .collect();
    assert_eq!(
        imports,
        [
            ("cannot read imported file `cells.fab`", "this is a folder, not a file"),
            ("cannot find imported file `gone.fab`", "no such file"),
        ]
    );
    // Once the file is read (the editor opened it, say), the reason is forgotten.
    fab_compiler::scope::set_file(&mut db, "cells.fab", "sink done\n".to_string());
    let diagnostics = fab_compiler::check_model(&db, root);
    let imports: Vec<&str> =
        diagnostics.iter().filter(|d| d.code == "E0104").map(|d| d.message.as_str()).collect();
    assert_eq!(imports, ["cannot find imported file `gone.fab`"]);
}
