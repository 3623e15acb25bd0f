//! The IDE functions, in process, with `$0` cursor fixtures (one test per feature and situation).

mod ide_support;

use fab_compiler::ide::completion::{CompletionItem, CompletionKind, completions};
use fab_compiler::ide::highlight::{TokenKind, modifiers, semantic_tokens};
use fab_compiler::ide::{
    SourceChange, Span, actions, diagnostics, folding, format, hover, inlay, navigation, outline,
};
use fab_stdlib::catalog;
use ide_support::{Fixture, fixture};

const BODY_SHOP: &str = include_str!("../../examples/body_shop.fab");
const PRESS_LINE: &str = include_str!("../../examples/press_line.fab");
const ASSEMBLY: &str = include_str!("../../examples/assembly.fab");
const LONG_LINE: &str = include_str!("../../examples/long_line.fab");

/// `text` with `$0` inserted at the first occurrence of `marker`, at `marker`'s `|`.
fn at(text: &str, marker: &str) -> String {
    let cursor = marker.find('|').expect("a `|` in the marker");
    let plain = marker.replace('|', "");
    let start = text.find(&plain).unwrap_or_else(|| panic!("`{plain}` in the text"));
    let mut out = text.to_string();
    out.insert_str(start + cursor, "$0");
    out
}

fn hover_at(text: &str) -> (String, String) {
    let f = fixture(text);
    let found = hover::hover(&f.db, f.file, f.offset).expect("a hover");
    (f.text(f.file, found.span), found.markdown)
}

fn complete(text: &str) -> (Fixture, Vec<CompletionItem>) {
    let f = fixture(text);
    let items = completions(&f.db, f.file, f.offset);
    (f, items)
}

fn labels(text: &str) -> Vec<String> {
    complete(text).1.into_iter().map(|i| i.label).collect()
}

/// Applies a change to the fixture's texts and returns the new text of `path`.
fn apply(f: &Fixture, change: &SourceChange, path: &str) -> String {
    let file = f.file(path);
    let mut text = file.text(&f.db).clone();
    let mut edits: Vec<_> = change
        .edits
        .iter()
        .filter(|(edited, _)| *edited == file)
        .flat_map(|(_, edits)| edits.iter().cloned())
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.span.start));
    for edit in edits {
        text.replace_range(edit.span.range(), &edit.replacement);
    }
    text
}

// ----- hover -----

#[test]
fn hover_on_a_field_shows_type_dimension_value_and_the_catalog_doc() {
    let (word, markdown) = hover_at(&at(BODY_SHOP, "    cy|cle = normal"));
    assert_eq!(word, "cycle");
    let doc = catalog::kind("station").and_then(|k| k.field("cycle")).map(|f| f.doc).unwrap();
    assert!(markdown.contains("cycle: Dist<Duration>"), "{markdown}");
    assert!(markdown.contains("dimension: Duration, `T`"), "{markdown}");
    assert!(markdown.contains("- mean: 52 s") && markdown.contains("- sd: 4 s"), "{markdown}");
    assert!(markdown.contains(doc), "{markdown}");
}

#[test]
fn hover_on_a_value_in_another_unit_shows_si_too() {
    let (word, markdown) = hover_at(&at(BODY_SHOP, "takes = 4|0 min"));
    assert_eq!(word, "40 min");
    assert!(markdown.contains("value: 40 min (2400 s)"), "{markdown}");
    assert!(markdown.contains("dimension: Duration"), "{markdown}");
}

#[test]
fn hover_on_a_distribution_shows_mean_sd_and_support_in_the_unit_written() {
    let (word, markdown) = hover_at(&at(BODY_SHOP, "cycle = tri|angular"));
    assert_eq!(word, "triangular");
    assert!(markdown.contains("triangular(min, mode, max)"), "{markdown}");
    assert!(markdown.contains("- mean: 26.67 s"), "{markdown}");
    assert!(markdown.contains("- support: [20 s, 35 s]"), "{markdown}");
    // A law in hours: its mean and sd in hours, then in seconds.
    let (_, weibull) = hover_at(&at(BODY_SHOP, "failure = wei|bull"));
    assert!(weibull.contains("- mean: 161.4 h (581000 s)"), "{weibull}");
}

#[test]
fn hover_on_a_strategy_field_shows_its_arguments_in_the_unit_written() {
    let (word, markdown) = hover_at(&at(BODY_SHOP, "mainten|ance = preventive"));
    assert_eq!(word, "maintenance");
    assert!(markdown.contains("- every: 120 h (432000 s) of calendar_time"), "{markdown}");
    assert!(markdown.contains("- takes: constant, mean 40 min"), "{markdown}");
    // An argument of the unit's own SI is shown once.
    let (_, markdown) = hover_at(
        "station w {\n    cycle = 1 s\n    failure f {\n        after = 10 h\n        repair = 1 h\n    }\n    main$0tenance = preventive(age = 7200 s of busy_time, takes = 2 h)\n}\n",
    );
    assert!(markdown.contains("- age: 7200 s of busy_time\n"), "{markdown}");
}

#[test]
fn hover_on_builtins_reads_the_stdlib_tables() {
    let (_, unit) = hover_at(&at(BODY_SHOP, "25 m|in"));
    assert!(unit.contains("1 min = 60 s") && unit.contains("minute"), "{unit}");
    let (_, kind) = hover_at(&at(BODY_SHOP, "conv|eyor c1"));
    let conveyor = catalog::kind("conveyor").unwrap();
    assert!(kind.contains(conveyor.doc), "{kind}");
    assert!(kind.contains("- `spacing`: `Length > 0` (required)"), "{kind}");
    let (_, strategy) = hover_at(&at(BODY_SHOP, "preven|tive(every"));
    assert!(strategy.contains("a maintenance strategy"), "{strategy}");
    let (_, clock) = hover_at(&at(BODY_SHOP, "of busy|_time"));
    assert!(clock.contains("clock"), "{clock}");
    let (word, argument) = hover_at(&at(BODY_SHOP, "normal(me|an = 52 s"));
    assert_eq!(word, "mean");
    assert!(argument.contains("value: 52 s"), "{argument}");
}

#[test]
fn hover_on_a_declaration_shows_its_header_and_doc_comment() {
    let (word, markdown) = hover_at(&at(ASSEMBLY, "produces = C|ar"));
    assert_eq!(word, "Car");
    assert!(markdown.contains("```fab\nproduct Car\n```"), "{markdown}");
    assert!(markdown.contains("A body with its four doors hung."), "{markdown}");
}

#[test]
fn hover_on_a_template_instance_shows_its_resolved_parameters() {
    let text = "import \"std/equipment.fab\"\nstation w1 : WeldCell(spots = 14)\n";
    let (word, markdown) = hover_at(&at(text, "Weld|Cell"));
    assert_eq!(word, "WeldCell");
    assert!(markdown.contains("Declared in `std/equipment.fab`."), "{markdown}");
    assert!(markdown.contains("A welding cell"), "{markdown}");
    let (_, instance) = hover_at(&at(text, "station w|1"));
    assert!(instance.contains("- `spots = 14`"), "{instance}");
    assert!(instance.contains("- `per_spot = 2.5 s` (default)"), "{instance}");
}

#[test]
fn hover_on_the_item_keywords_reads_their_table() {
    // `flow`, `component` and `import` start items of no declaration kind; they had no hover.
    let text = "import \"std/equipment.fab\"\n\
                component Cell(t: Duration) : station { cycle = t }\n\
                source s { interarrival = 1 min }\nstation w : Cell(t = 30 s)\nsink k\n\
                flow s -> w -> k\n";
    for (marker, keyword) in
        [("im|port", "import"), ("compo|nent", "component"), ("fl|ow s", "flow")]
    {
        let (word, markdown) = hover_at(&at(text, marker));
        assert_eq!(word, keyword);
        let decl = catalog::item_keyword(keyword).unwrap();
        assert!(markdown.contains(decl.form) && markdown.contains(decl.doc), "{markdown}");
    }
}

#[test]
fn hover_on_template_parameters() {
    let (_, in_body) = hover_at(&at(LONG_LINE, "mean = cycle|_time"));
    assert!(in_body.contains("cycle_time: Duration") && in_body.contains("template `Cell`"));
    let (_, in_instance) = hover_at(&at(LONG_LINE, "s002 : Cell(cycle|_time"));
    assert!(in_instance.contains("value: 60 s"), "{in_instance}");
}

#[test]
fn hover_in_a_scenario_path_shows_the_overridden_field() {
    let (word, markdown) = hover_at(&at(BODY_SHOP, "c1.spe|ed = 0.6"));
    assert_eq!(word, "speed");
    assert!(markdown.contains("field of `conveyor`") && markdown.contains("value: 0.6 m/s"));
}

#[test]
fn hover_on_a_robot_s_process_shows_its_default() {
    // `process` is optional, 0 s when omitted: the catalog declares it, hover shows it in the
    // unit of its distribution's dimension.
    let text = "source s { interarrival = 1 min }\nrobot arm {\n    speed = 1 m/s\n    \
                path = [(0 m, 0 m), (1 m, 0 m)]\n    process = 2 s\n}\nsink done\n\
                flow s -> arm -> done\n";
    let (word, markdown) = hover_at(&at(text, "proc|ess = 2 s"));
    assert_eq!(word, "process");
    assert!(markdown.contains("field of `robot` · default 0 s"), "{markdown}");
}

#[test]
fn no_hover_on_space_comments_or_past_the_end() {
    let f = fixture(&at(BODY_SHOP, "// minimum| pitch"));
    assert_eq!(hover::hover(&f.db, f.file, f.offset), None);
    assert_eq!(hover::hover(&f.db, f.file, u32::MAX), None);
}

// ----- navigation -----

#[test]
fn goto_definition_of_a_flow_stage() {
    let f = fixture(&at(BODY_SHOP, "-> c1 -> we|ld"));
    let targets = navigation::goto_definition(&f.db, f.file, f.offset);
    assert_eq!(targets.len(), 1);
    assert_eq!(f.text(targets[0].file, targets[0].span), "weld");
    assert_eq!(targets[0].span.start as usize, BODY_SHOP.find("station weld").unwrap() + 8);
}

const CELLS: &str = "//- cells.fab\n/// A cell.\ncomponent Cell(spots: Int, per_spot: Duration = 2 s) : station {\n    cycle = per_spot * spots\n}\n";

fn two_files(main_marker: &str) -> Fixture {
    let main = "import \"cells.fab\"\nsource s { interarrival = 1 min }\nstation w1 : Cell(spots = 3)\nstation w2 : Cell(spots = 4, per_spot = 3 s)\nsink k\nflow s -> w1 -> w2 -> k\n";
    fixture(&format!("{}{CELLS}", at(main, main_marker)))
}

#[test]
fn goto_definition_across_files_and_into_templates() {
    let f = two_files("w1 : Ce|ll");
    let targets = navigation::goto_definition(&f.db, f.file, f.offset);
    assert_eq!(targets.len(), 1);
    assert_eq!(targets[0].file, f.file("cells.fab"));
    assert_eq!(f.text(targets[0].file, targets[0].span), "Cell");
    // A template argument's name leads to the parameter.
    let f = two_files("w2 : Cell(spots = 4, per|_spot");
    let targets = navigation::goto_definition(&f.db, f.file, f.offset);
    assert_eq!(f.text(targets[0].file, targets[0].span), "per_spot");
    // The import's path leads to the file.
    let f = two_files("import \"cel|ls.fab\"");
    let targets = navigation::goto_definition(&f.db, f.file, f.offset);
    assert_eq!(targets[0].file, f.file("cells.fab"));
}

#[test]
fn goto_definition_of_a_failure_mode_in_a_scenario_path() {
    let text = format!(
        "{PRESS_LINE}\nscenario quick : baseline {{\n    press.bear$0ing.repair = 1 h\n}}\n"
    );
    let f = fixture(&text);
    let targets = navigation::goto_definition(&f.db, f.file, f.offset);
    assert_eq!(targets.len(), 1);
    assert_eq!(f.text(f.file, targets[0].span), "bearing");
    assert_eq!(targets[0].span.start as usize, PRESS_LINE.find("failure bearing").unwrap() + 8);
}

#[test]
fn references_include_flows_routes_and_scenarios() {
    let f = fixture(&at(BODY_SHOP, "conveyor c|1"));
    let found = navigation::find_references(&f.db, f.file, f.offset, true);
    let texts: Vec<String> = found.iter().map(|r| f.text(r.file, r.span)).collect();
    assert_eq!(texts, ["c1", "c1", "c1"]);
    assert_eq!(found.iter().filter(|r| r.is_definition).count(), 1);
    let without = navigation::find_references(&f.db, f.file, f.offset, false);
    assert_eq!(without.len(), 2);
    // `inspect`: its station, the flow, and the route named after it.
    let f = fixture(&at(BODY_SHOP, "station ins|pect"));
    assert_eq!(navigation::find_references(&f.db, f.file, f.offset, true).len(), 3);
}

#[test]
fn references_across_imported_files() {
    let f = two_files("w1 : Ce|ll");
    let found = navigation::find_references(&f.db, f.file, f.offset, true);
    let files: Vec<&str> = found
        .iter()
        .map(|r| if r.file == f.file("cells.fab") { "cells" } else { "main" })
        .collect();
    assert_eq!(files, ["cells", "main", "main"]);
}

#[test]
fn rename_edits_every_file_that_names_the_declaration() {
    let f = two_files("w1 : Ce|ll");
    let change = navigation::rename(&f.db, f.file, f.offset, "Station").unwrap();
    assert_eq!(change.edits.len(), 2);
    let main = apply(&f, &change, "main.fab");
    assert!(main.contains("w1 : Station(spots = 3)") && main.contains("w2 : Station("));
    assert!(apply(&f, &change, "cells.fab").contains("component Station(spots"));
    // A parameter: the template's declaration, its use in the body and the instances' arguments.
    let f = two_files("w2 : Cell(spots = 4, per|_spot");
    let change = navigation::rename(&f.db, f.file, f.offset, "each").unwrap();
    assert!(
        apply(&f, &change, "cells.fab")
            .contains("each: Duration = 2 s) : station {\n    cycle = each * spots")
    );
    assert!(apply(&f, &change, "main.fab").contains("Cell(spots = 4, each = 3 s)"));
}

#[test]
fn rename_refuses_keywords_clashes_builtins_and_the_standard_library() {
    let f = fixture(&at(BODY_SHOP, "conveyor c|1"));
    assert_eq!(
        navigation::prepare_rename(&f.db, f.file, f.offset).map(|s| f.text(f.file, s)),
        Ok("c1".to_string())
    );
    assert!(navigation::rename(&f.db, f.file, f.offset, "station").is_err());
    assert!(navigation::rename(&f.db, f.file, f.offset, "1belt").is_err());
    assert!(navigation::rename(&f.db, f.file, f.offset, "a b").is_err());
    let clash = navigation::rename(&f.db, f.file, f.offset, "weld").unwrap_err();
    assert!(clash.0.contains("already declared"), "{clash:?}");
    let ok = navigation::rename(&f.db, f.file, f.offset, "belt").unwrap();
    let renamed = apply(&f, &ok, "main.fab");
    assert!(
        renamed.contains("conveyor belt {")
            && renamed.contains("-> belt ->")
            && renamed.contains("belt.speed")
    );
    let field = fixture(&at(BODY_SHOP, "spe|ed = 0.4"));
    assert!(navigation::prepare_rename(&field.db, field.file, field.offset).is_err());
    let library = fixture("import \"std/equipment.fab\"\nstation w1 : Weld$0Cell(spots = 14)\n");
    let refused =
        navigation::prepare_rename(&library.db, library.file, library.offset).unwrap_err();
    assert!(refused.0.contains("standard library"), "{refused:?}");
}

const SOURCE_TEMPLATE: &str = "product Body\ncomponent Src(gap: Duration) : source {\n    product = Body\n    interarrival = exponential(mean = gap)\n}\nsource s1 : Src(gap = 10 s)\nsink done\nflow s1 -> done\n";

#[test]
fn rename_refuses_a_name_that_would_mean_something_else_in_a_template_body() {
    // The parameter would take over `product = Body`.
    let f = fixture(&at(SOURCE_TEMPLATE, "Src(g|ap: Duration)"));
    let refused = navigation::rename(&f.db, f.file, f.offset, "Body").unwrap_err();
    assert_eq!(
        refused.0,
        "after the rename, `Body` in `Src` would mean the parameter `Body` of `Src` instead of a \
         product `Body`"
    );
    let renamed =
        apply(&f, &navigation::rename(&f.db, f.file, f.offset, "spacing").unwrap(), "main.fab");
    assert!(renamed.contains("mean = spacing)") && renamed.contains("Src(spacing = 10 s)"));
    // The product would be read as the parameter in the body.
    let f = fixture(&at(SOURCE_TEMPLATE, "product B|ody"));
    let refused = navigation::rename(&f.db, f.file, f.offset, "gap").unwrap_err();
    assert_eq!(
        refused.0,
        "after the rename, `gap` in `Src` would mean the parameter `gap` of `Src` instead of a \
         product `gap`"
    );
    assert!(navigation::rename(&f.db, f.file, f.offset, "Panel").is_ok());
    // A declaration would take over a strategy's name written as a value.
    let strategy = "station w {\n    cycle = 1 s\n    failure f {\n        after = 10 h\n        repair = 1 h\n    }\n    maintenance = reactive\n}\nproduct P$0art\n";
    let f = fixture(strategy);
    let refused = navigation::rename(&f.db, f.file, f.offset, "reactive").unwrap_err();
    assert!(refused.0.contains("instead of the built-in `reactive`"), "{refused:?}");
}

const PRESS_TEMPLATES: &str = "component Press(life: Duration) : station {\n    cycle = 30 s\n    failure bearing {\n        after = weibull(shape = 2.2, scale = life) of busy_time\n        repair = 1 h\n    }\n}\ncomponent BigPress(l2: Duration) : Press(life = l2) {\n    failure jam {\n        after = exponential(mean = 6 h) of calendar_time\n        repair = 5 min\n    }\n}\nsource src { interarrival = 40 s }\nstation p1 : Press(life = 900 h)\nstation p2 : BigPress(l2 = 500 h) {\n    failure wear {\n        after = 1000 h\n        repair = 2 h\n    }\n}\nsink done\nflow src -> p1 -> p2 -> done\n";

#[test]
fn rename_of_a_failure_mode_refuses_the_names_of_the_modes_along_its_template_chain() {
    let f = fixture(&at(PRESS_TEMPLATES, "failure b|earing"));
    // A template based on the owner has a mode of that name: it would replace the renamed one.
    let refused = navigation::rename(&f.db, f.file, f.offset, "jam").unwrap_err();
    assert_eq!(
        refused.0,
        "`BigPress` is based on `Press` and has its own failure `jam`, which would replace the \
         renamed failure"
    );
    // So does an instance's own body.
    let refused = navigation::rename(&f.db, f.file, f.offset, "wear").unwrap_err();
    assert!(refused.0.starts_with("`p2` is based on `Press`"), "{refused:?}");
    assert!(navigation::rename(&f.db, f.file, f.offset, "spindle").is_ok());
    // The base's mode would be replaced by the renamed one.
    let f = fixture(&at(PRESS_TEMPLATES, "failure j|am"));
    let refused = navigation::rename(&f.db, f.file, f.offset, "bearing").unwrap_err();
    assert_eq!(
        refused.0,
        "`BigPress` is based on `Press`, whose failure `bearing` the renamed failure would replace"
    );
    // A mode that replaces a base's of the same name would stop replacing it.
    let overriding = PRESS_TEMPLATES.replace("failure jam", "failure bearing");
    let f = fixture(&at(
        &overriding,
        "component Press(life: Duration) : station {\n    cycle = 30 s\n    failure b|earing",
    ));
    let refused = navigation::rename(&f.db, f.file, f.offset, "spindle").unwrap_err();
    assert!(refused.0.contains("replaces its failure `bearing` with its own"), "{refused:?}");
}

#[test]
fn highlights_in_one_file() {
    let f = fixture(&at(BODY_SHOP, "station ins|pect"));
    let found = navigation::highlights(&f.db, f.file, f.offset);
    assert_eq!(found.len(), 3);
}

// ----- symbols -----

#[test]
fn document_symbols_outline_items_and_their_members() {
    let f = fixture(BODY_SHOP);
    let symbols = outline::document_symbols(&f.db, f.file);
    let names: Vec<&str> = symbols.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "Body",
            "bodies",
            "load",
            "b1",
            "c1",
            "weld",
            "inspect",
            "done",
            "scrap",
            "flow bodies -> load -> b1 -> c1 -> weld -> inspect",
            "inspect",
            "baseline",
            "faster_conveyor"
        ]
    );
    let weld = &symbols[5];
    assert_eq!(weld.kind, outline::OutlineKind::Component);
    assert_eq!(weld.detail.as_deref(), Some("station"));
    let fields: Vec<&str> = weld.children.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(fields, ["cycle", "failure", "repair", "maintenance"]);
    assert_eq!(weld.children[0].detail.as_deref(), Some("= normal(mean = 52 s, sd = 4 s)"));
    assert_eq!(f.text(f.file, weld.selection), "weld");
    let press = fixture(PRESS_LINE);
    let symbols = outline::document_symbols(&press.db, press.file);
    let station = symbols.iter().find(|s| s.name == "press").unwrap();
    assert!(
        station
            .children
            .iter()
            .any(|c| c.name == "bearing" && c.kind == outline::OutlineKind::Nested)
    );
    assert!(station.children.iter().any(|c| c.name == "costs" && c.children.len() == 3));
}

#[test]
fn workspace_symbols_search_every_loaded_file() {
    let f = two_files("w1 : Ce|ll");
    let found = outline::workspace_symbols(&f.db, "w", 100);
    let names: Vec<&str> = found.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(&names[..2], ["w1", "w2"]);
    let cell = outline::workspace_symbols(&f.db, "cel", 100);
    assert_eq!(cell.len(), 1);
    assert_eq!(cell[0].file, f.file("cells.fab"));
    assert_eq!(cell[0].detail, "component");
}

// ----- completion -----

#[test]
fn completion_offers_item_keywords_at_the_top_level() {
    let (_, items) = complete(&format!("{BODY_SHOP}\n$0"));
    let station = items.iter().find(|i| i.label == "station").unwrap();
    assert!(station.is_snippet);
    assert_eq!(station.insert, "station ${1:name} {\n\tcycle = ${2}\n}");
    assert_eq!(items.iter().find(|i| i.label == "sink").unwrap().insert, "sink ${1:name}");
    for keyword in ["flow", "component", "import", "route", "experiment", "scenario"] {
        assert!(items.iter().any(|i| i.label == keyword), "{keyword}");
    }
}

#[test]
fn completion_offers_the_fields_of_the_kind_not_yet_set() {
    let (_, items) = complete(&at(BODY_SHOP, "    length = 12 m\n|"));
    let names: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(
        names,
        ["accel", "accumulating", "at"],
        "speed and spacing are set below the cursor"
    );
    let (_, items) = complete("conveyor c1 {\n    length = 12 m\n    $0\n}\n");
    let speed = items.iter().find(|i| i.label == "speed").unwrap();
    assert_eq!(speed.kind, CompletionKind::Field);
    assert_eq!(speed.detail.as_deref(), Some("Velocity, required"));
    assert_eq!(speed.documentation.as_deref(), Some("Belt speed."));
    assert_eq!(speed.insert, "speed = $0");
    assert_eq!(items[0].label, "spacing", "required fields first");
    // Records and nested items of a station.
    let station = labels("station w {\n    $0\n}\n");
    assert!(
        station.contains(&"costs".to_string())
            && station.contains(&"failure NAME { … }".to_string())
    );
    assert_eq!(station[0], "cycle");
    // Inside a record and a failure mode.
    let costs = labels("station w {\n    cycle = 1 s\n    costs {\n        $0\n    }\n}\n");
    assert_eq!(costs, ["downtime", "inspection", "operating", "per_part", "preventive", "repair"]);
    let mode = labels("station w {\n    cycle = 1 s\n    failure f {\n        af$0\n    }\n}\n");
    assert_eq!(mode[..2], ["after", "repair"]);
}

#[test]
fn completion_replaces_the_word_being_typed() {
    let (f, items) = complete("station w {\n    cyc$0\n}\n");
    let cycle = items.iter().find(|i| i.label == "cycle").unwrap();
    assert_eq!(f.text(f.file, cycle.replace), "cyc");
}

#[test]
fn completion_offers_distribution_families_with_named_parameter_snippets() {
    let (_, items) = complete(&at(BODY_SHOP, "cycle = |lognormal(mean = 40 s"));
    let lognormal: Vec<&CompletionItem> =
        items.iter().filter(|i| i.filter.as_deref() == Some("lognormal")).collect();
    assert_eq!(lognormal.len(), 2, "one item per parameter set");
    assert_eq!(lognormal[0].insert, "lognormal(mean = ${1}, cv = ${2})");
    assert_eq!(lognormal[1].insert, "lognormal(mean = ${1}, sd = ${2})");
    assert!(lognormal[0].detail.as_deref().unwrap().starts_with("Dist<Duration>"));
    let empirical = items.iter().find(|i| i.label == "empirical(file, column)").unwrap();
    assert_eq!(empirical.insert, "empirical(\"${1}\", column = \"${2}\")");
}

#[test]
fn completion_of_values_follows_the_field_type() {
    assert_eq!(labels(&at(BODY_SHOP, "capacity = |5")), ["unlimited"]);
    assert_eq!(labels(&at(BODY_SHOP, "product = |Body")), ["Body"]);
    assert_eq!(labels("buffer b {\n    capacity = 1\n    policy = $0\n}\n"), ["fifo", "lifo"]);
    assert_eq!(labels("conveyor c {\n    accumulating = $0\n}\n"), ["false", "true"]);
    let strategies = labels(&at(BODY_SHOP, "maintenance = |preventive"));
    assert!(strategies.contains(&"reactive".to_string()));
    assert!(strategies.contains(&"preventive(every, takes)".to_string()));
    assert!(strategies.contains(&"preventive(age, takes)".to_string()));
    assert!(strategies.contains(&"opportunistic(every, window, takes)".to_string()));
    assert_eq!(labels(&at(BODY_SHOP, "of |busy_time")), ["busy_time", "calendar_time"]);
}

#[test]
fn completion_of_units_after_a_number() {
    let (f, items) = complete(&at(BODY_SHOP, "repair = lognormal(mean = 25 |min"));
    let names: Vec<&str> = items.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(names, ["d", "h", "min", "ms", "s", "us", "wk"]);
    assert!(
        items
            .iter()
            .all(|i| i.kind == CompletionKind::Unit && f.text(f.file, i.replace).is_empty())
    );
    // A velocity: compound units, the SI one first; a partly written unit is replaced whole.
    let (f, items) = complete(&at(BODY_SHOP, "speed = 0.4 m/|s"));
    assert_eq!(items[0].label, "m/s");
    assert_eq!(f.text(f.file, items[0].replace), "m/");
    assert!(items.iter().any(|i| i.label == "km/h"));
}

#[test]
fn completion_of_parameters_inside_a_call() {
    assert_eq!(labels(&at(BODY_SHOP, "normal(|mean = 52 s")), ["mean", "sd"]);
    let given = labels("station w {\n    cycle = lognormal(mean = 1 s, $0)\n}\n");
    assert_eq!(given, ["cv", "sd", "location"]);
    let preventive = labels(&at(BODY_SHOP, "preventive(|every"));
    assert_eq!(preventive, ["takes", "age", "every", "restores"], "required ones first");
}

#[test]
fn completion_of_component_names_in_flows_and_routes() {
    // No source after `->` and no sink as a flow's first stage: either is E0605.
    let after_arrow = ["b1", "c1", "done", "inspect", "load", "scrap", "weld"];
    assert_eq!(labels(&at(BODY_SHOP, "-> weld -> |inspect")), after_arrow);
    let first = ["b1", "bodies", "c1", "inspect", "load", "weld"];
    assert_eq!(labels(&at(BODY_SHOP, "flow |bodies")), first);
    let route = labels(&at(BODY_SHOP, "    scrap = 3 %\n|"));
    assert!(route.contains(&"weld".to_string()) && route.contains(&"Body".to_string()));
    assert!(!route.contains(&"done".to_string()), "done is already routed");
}

#[test]
fn completion_of_paths_after_a_dot_in_scenarios() {
    let speed = labels(&at(BODY_SHOP, "c1.|speed"));
    assert_eq!(speed, ["length", "spacing", "speed", "accel", "accumulating", "at"]);
    let text = format!("{PRESS_LINE}\nscenario s : baseline {{\n    press.$0\n}}\n");
    let press = labels(&text);
    for expected in ["bearing", "jam", "tooling", "cycle", "costs"] {
        assert!(press.contains(&expected.to_string()), "{expected} in {press:?}");
    }
    let mode =
        labels(&format!("{PRESS_LINE}\nscenario s : baseline {{\n    press.bearing.$0\n}}\n"));
    assert_eq!(mode[..2], ["after", "repair"]);
    let costs =
        labels(&format!("{PRESS_LINE}\nscenario s : baseline {{\n    press.costs.$0\n}}\n"));
    assert!(costs.contains(&"downtime".to_string()));
    let roots = labels(&format!("{BODY_SHOP}\nscenario s : baseline {{\n    $0\n}}\n"));
    assert!(roots.contains(&"c1".to_string()) && roots.contains(&"horizon".to_string()));
}

#[test]
fn completion_of_templates_and_their_arguments() {
    let f = format!("import \"std/equipment.fab\"\n{CELLS_INLINE}station w : $0\n");
    let names = labels(&f);
    assert!(names.contains(&"WeldCell".to_string()) && names.contains(&"Cell".to_string()));
    assert!(
        !names.contains(&"RollerConveyor".to_string()),
        "a conveyor template cannot make a station"
    );
    let args = complete("import \"std/equipment.fab\"\nstation w : WeldCell($0)\n").1;
    let names: Vec<&str> = args.iter().map(|i| i.label.as_str()).collect();
    assert_eq!(names, ["spots", "per_spot", "tip_life"]);
    assert_eq!(args[1].detail.as_deref(), Some("Duration = 2.5 s"));
    // Inside a template's body, its parameters are values.
    let body = labels(&format!("{}\n", CELLS_INLINE.replace("per_spot * spots", "$0")));
    assert_eq!(body[..2], ["per_spot", "spots"]);
}

const CELLS_INLINE: &str = "component Cell(spots: Int, per_spot: Duration = 2 s) : station {\n    cycle = per_spot * spots\n}\n";

#[test]
fn no_completion_inside_comments_strings_or_numbers() {
    assert!(labels(&at(BODY_SHOP, "// minimum |pitch")).is_empty());
    assert!(labels("import \"std/$0").is_empty());
    assert!(labels(&at(BODY_SHOP, "capacity = 5|")).is_empty());
}

// ----- inlay hints -----

fn hints(text: &str) -> Vec<(String, String)> {
    let f = fixture(text);
    let all = Span::new(0, text.len());
    inlay::inlay_hints(&f.db, f.file, all)
        .into_iter()
        .map(|h| {
            let before = &f.file.text(&f.db)[..h.offset as usize];
            let word: String = before
                .chars()
                .rev()
                .take_while(|c| !c.is_whitespace())
                .collect::<Vec<_>>()
                .into_iter()
                .rev()
                .collect();
            (word, h.label)
        })
        .collect()
}

#[test]
fn inlay_hints_show_derived_values() {
    let found = hints(BODY_SHOP);
    assert!(found.contains(&("c1".to_string(), "holds 8 parts".to_string())), "{found:?}");
    assert!(found.contains(&("inspect".to_string(), "Σ 100 %".to_string())), "{found:?}");
    assert!(found.contains(&("s)".to_string(), "mean 26.67 s".to_string())), "{found:?}");
    assert!(found.contains(&("h)".to_string(), "mean 161.4 h".to_string())), "{found:?}");
    assert!(
        !found.iter().any(|(_, label)| label.starts_with("mean 40")),
        "lognormal states its mean"
    );
    let short = hints(&BODY_SHOP.replace("scrap = 3 %", "scrap = 1 %"));
    assert!(short.contains(&("inspect".to_string(), "Σ 98 %, 2 % left".to_string())), "{short:?}");
    let defaults = hints("import \"std/equipment.fab\"\nstation w1 : WeldCell(spots = 14)\n");
    assert_eq!(defaults, [("14)".to_string(), "per_spot = 2.5 s, tip_life = 20000".to_string())]);
}

// ----- quick fixes -----

fn fix_titles(text: &str) -> (Fixture, Vec<actions::CodeAction>) {
    let f = fixture(text);
    let found =
        actions::code_actions(&f.db, f.file, Span::new(f.offset as usize, f.offset as usize), &[]);
    (f, found)
}

#[test]
fn quick_fix_for_a_misspelt_field() {
    let text = "source s { interarrival = 1 min }\nsink k\nstation w { cyl$0ce = 3 s }\nflow s -> w -> k\n";
    let (f, found) = fix_titles(text);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].title, "Replace with `cycle`");
    assert!(found[0].is_preferred);
    assert_eq!(found[0].diagnostic.code, "E0201");
    let fixed = apply(&f, &found[0].change, "main.fab");
    assert!(fixed.contains("station w { cycle = 3 s }"));
    let again = fixture(&fixed);
    assert!(diagnostics::file_diagnostics(&again.db, again.file, &[]).is_empty());
}

#[test]
fn quick_fix_for_misspelt_names_units_and_families() {
    let base = "source s { interarrival = 1 min }\nsink k\nflow s -> w -> k\n";
    for (written, fixed) in [
        ("station w { cycle = 3 minn }", "cycle = 3 min"),
        ("station w { cycle = lognormal(mean = 3 s, cv = 0.1, sdd = 1 s) }", "sd = 1 s"),
        ("station w { cycle = lognorml(mean = 3 s, cv = 0.1) }", "lognormal(mean"),
        (
            "station w { cycle = 1 s\n maintenance = preventve(every = 1 h, takes = 1 min) }",
            "preventive(",
        ),
    ] {
        let text = format!("{base}{written}\n");
        let f = fixture(&text);
        let found = actions::code_actions(&f.db, f.file, Span::new(0, text.len()), &[]);
        assert!(!found.is_empty(), "{written}");
        assert!(
            apply(&f, &found[0].change, "main.fab").contains(fixed),
            "{written}: {:?}",
            found[0]
        );
    }
    let (f, found) = fix_titles(
        "source s { interarrival = 1 min }\nsink k\nstation w { cycle = 1 s }\nflow s -> w -> kk$0\n",
    );
    assert_eq!(found[0].title, "Replace with `k`");
    assert!(apply(&f, &found[0].change, "main.fab").ends_with("flow s -> w -> k\n"));
}

#[test]
fn quick_fix_adds_a_missing_unit() {
    let (f, found) = fix_titles(
        "source s { interarrival = 1 min }\nsink k\nstation w { cycle = 3$0 }\nflow s -> w -> k\n",
    );
    let titles: Vec<&str> = found.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(titles, ["Add the unit `ms`", "Add the unit `s`", "Add the unit `min`"]);
    assert!(!found[0].is_preferred);
    assert!(apply(&f, &found[1].change, "main.fab").contains("cycle = 3 s }"));
}

#[test]
fn quick_fix_completes_a_route_to_100_percent() {
    let text = BODY_SHOP.replace("done = 97 %", "done = 90 %");
    let f = fixture(&text);
    let at_route = text.find("route inspect").unwrap() + 6;
    let found = actions::code_actions(&f.db, f.file, Span::new(at_route, at_route + 7), &[]);
    let titles: Vec<&str> = found.iter().map(|a| a.title.as_str()).collect();
    assert_eq!(titles, ["Set `done` to 97 %", "Set `scrap` to 10 %"]);
    let fixed = apply(&f, &found[1].change, "main.fab");
    assert!(fixed.contains("scrap = 10 %"));
    let again = fixture(&fixed);
    assert!(diagnostics::file_diagnostics(&again.db, again.file, &[]).is_empty());
}

#[test]
fn quick_fix_closes_an_unclosed_brace() {
    let text = "source s { interarrival = 1 min }\nsink k\nstation w {\n    cycle = 1 s\nflow s -> w -> k\n";
    let f = fixture(text);
    let found = actions::code_actions(&f.db, f.file, Span::new(0, text.len()), &[]);
    assert_eq!(found[0].title, "Insert `}`");
    let fixed = apply(&f, &found[0].change, "main.fab");
    assert!(fixed.contains("cycle = 1 s\n}\nflow"), "{fixed}");
    let again = fixture(&fixed);
    assert!(diagnostics::file_diagnostics(&again.db, again.file, &[]).is_empty());
}

// ----- diagnostics -----

#[test]
fn file_diagnostics_are_those_of_the_file_checked_as_a_root() {
    let f = two_files("w1 : Ce|ll");
    assert!(diagnostics::file_diagnostics(&f.db, f.file, &[]).is_empty());
    let broken = fixture(
        "//- main.fab\nimport \"lib.fab\"\nsink k\n//- lib.fab\nstation x { cycle = 1 m }\n",
    );
    let main = diagnostics::file_diagnostics(&broken.db, broken.file, &[]);
    assert!(main.iter().all(|d| d.primary_location().unwrap().file == broken.file));
    let lib = diagnostics::file_diagnostics(&broken.db, broken.file("lib.fab"), &[]);
    assert!(lib.iter().any(|d| d.code == "E0303"), "{lib:?}");
}

/// `main.fab` imports `b.fab` and `c.fab`, which both declare `sink done`: `fab check main.fab`
/// reports E0102 in `c.fab`, and each part checked as its own model has other errors.
const SIBLING_CLASH: &str = "//- main.fab\nimport \"b.fab\"\nimport \"c.fab\"\nflow src -> s -> done\n//- b.fab\nsource src { interarrival = 1 min }\nsink done\n//- c.fab\nstation s { cycle = 1 s }\nsink done\n";

fn codes(diagnostics: &[fab_compiler::diagnostic::Diagnostic]) -> Vec<&str> {
    diagnostics.iter().map(|d| d.code).collect()
}

#[test]
fn a_file_shows_the_errors_of_the_open_models_that_import_it() {
    let f = fixture(SIBLING_CLASH);
    let (main, b, c) = (f.file("main.fab"), f.file("b.fab"), f.file("c.fab"));
    let everything = fab_compiler::check_model(&f.db, main);
    assert_eq!(codes(&everything), ["E0102"], "what `fab check main.fab` reports");
    // Opened alone, a part is its own model.
    assert_eq!(codes(&diagnostics::file_diagnostics(&f.db, c, &[])), ["E0601", "E0601"]);
    // Opened with the model that imports it, it is a part of that model, whether that model is
    // asked about the part or about every open file.
    for open in [vec![main, b, c], vec![c, main]] {
        assert_eq!(codes(&diagnostics::file_diagnostics(&f.db, c, &open)), ["E0102"]);
        assert!(diagnostics::file_diagnostics(&f.db, main, &open).is_empty());
    }
    let shown = diagnostics::open_files_diagnostics(&f.db, &[main]);
    let shown: Vec<(&str, Vec<&str>)> =
        shown.iter().map(|(file, found)| (file.path(&f.db).as_str(), codes(found))).collect();
    assert_eq!(shown, [("c.fab", vec!["E0102"]), ("main.fab", vec![])], "c.fab need not be open");
    assert_eq!(diagnostics::roots_shown(&f.db, &[b, c, main]), [main]);
}

#[test]
fn a_file_in_two_open_models_shows_the_errors_of_both_once() {
    let f = fixture(
        "//- a.fab\nimport \"lib.fab\"\nsink k\nflow s -> k\n//- z.fab\nimport \"lib.fab\"\nsink done\nflow s -> done\n//- lib.fab\nsource s { interarrival = 1 min }\nstation w { cycle = 3 m }\n",
    );
    let (a, z, lib) = (f.file("a.fab"), f.file("z.fab"), f.file("lib.fab"));
    let found = diagnostics::file_diagnostics(&f.db, lib, &[z, a]);
    // `w` is reached from no source in either model, and its E0303 (a Length for a Duration) is
    // in both: each is shown once, in source order.
    assert_eq!(codes(&found), ["E0601", "E0303"], "{found:?}");
    assert_eq!(diagnostics::roots_shown(&f.db, &[a, lib, z]), [a, z]);
    // Files that import each other make one model; each is a root.
    let f = fixture("//- a.fab\nimport \"b.fab\"\nsink k\n//- b.fab\nimport \"a.fab\"\nsink k\n");
    let (a, b) = (f.file("a.fab"), f.file("b.fab"));
    assert_eq!(diagnostics::roots_shown(&f.db, &[a, b]), [a, b]);
    // Checked from `b.fab`, its `k` is the second one; `k` is reached from no source either.
    assert_eq!(codes(&diagnostics::file_diagnostics(&f.db, b, &[a])), ["E0102", "E0601"]);
}

// ----- semantic tokens -----

#[test]
fn semantic_tokens_classify_names_by_meaning() {
    let f = fixture(BODY_SHOP);
    let tokens = semantic_tokens(&f.db, f.file);
    let find = |text: &str, delta: u32| {
        let start = BODY_SHOP.find(text).unwrap() as u32 + delta;
        *tokens
            .iter()
            .find(|t| t.span.start == start)
            .unwrap_or_else(|| panic!("a token at `{text}`"))
    };
    assert_eq!(find("station weld", 0).kind, TokenKind::Keyword);
    let weld = find("station weld", 8);
    assert_eq!((weld.kind, weld.modifiers), (TokenKind::Component, modifiers::DECLARATION));
    assert_eq!(find("weld ->", 0).kind, TokenKind::Component);
    assert_eq!(find("product = Body", 10).kind, TokenKind::Product);
    let cycle = find("cycle = normal", 0);
    assert_eq!((cycle.kind, cycle.modifiers), (TokenKind::Field, modifiers::DEFAULT_LIBRARY));
    assert_eq!(find("cycle = normal(", 8).kind, TokenKind::Function);
    assert_eq!(find("mean = 52", 0).kind, TokenKind::Argument);
    assert_eq!(find("52 s", 0).kind, TokenKind::Number);
    assert_eq!(find("52 s", 3).kind, TokenKind::Unit);
    assert_eq!(find("0.4 m/s", 4).span.len(), 3, "a unit expression is one token");
    assert_eq!(find("busy_time", 0).kind, TokenKind::Word);
    assert_eq!(find("baseline {", 0).kind, TokenKind::Study);
    assert_eq!(find("->", 0).kind, TokenKind::Operator);
    let comment = find("// minimum", 0);
    assert_eq!((comment.kind, comment.modifiers), (TokenKind::Comment, 0));
    assert_eq!(find("//! Body shop", 0).modifiers, modifiers::DOCUMENTATION);
    assert!(tokens.windows(2).all(|w| w[0].span.end <= w[1].span.start), "sorted and disjoint");
}

// ----- folding -----

#[test]
fn folding_ranges_for_bodies_comments_and_flows() {
    let f = fixture(BODY_SHOP);
    let folds = folding::folding_ranges(&f.db, f.file);
    let regions: Vec<String> = folds
        .iter()
        .filter(|fold| fold.kind == folding::FoldKind::Region)
        .map(|fold| f.text(f.file, fold.span).lines().next().unwrap_or_default().to_string())
        .collect();
    assert!(regions.contains(&"station weld {".to_string()), "{regions:?}");
    assert!(regions.contains(&"route inspect {".to_string()), "{regions:?}");
    let weld =
        folds.iter().find(|fold| f.text(f.file, fold.span).starts_with("station weld")).unwrap();
    assert!(f.text(f.file, weld.span).ends_with("40 min)\n"), "the closing brace stays visible");
    let comment = folds.iter().find(|fold| fold.kind == folding::FoldKind::Comment).unwrap();
    assert!(f.text(f.file, comment.span).starts_with("//! Body shop"));
    assert_eq!(f.text(f.file, comment.span).lines().count(), 8);
    let long = fixture(LONG_LINE);
    let folds = folding::folding_ranges(&long.db, long.file);
    assert!(folds.iter().any(|fold| long.text(long.file, fold.span).starts_with("flow parts")));
}

// ----- formatting -----

#[test]
fn formatting_uses_the_canonical_formatter() {
    let f = fixture("sink   done\nbuffer b{capacity=5}\n");
    let edit = format::format_file(&f.db, f.file).unwrap().expect("an edit");
    assert_eq!(edit.span, Span::new(0, f.file.text(&f.db).len()));
    assert_eq!(Ok(edit.replacement.clone()), fab_grammar::format(f.file.text(&f.db)));
    let formatted = fixture(&edit.replacement);
    assert_eq!(format::format_file(&formatted.db, formatted.file), Ok(None));
    let broken = fixture("station w {\n");
    assert!(format::format_file(&broken.db, broken.file).is_err());
}

#[test]
fn a_field_word_named_like_a_declaration_is_the_word_for_hover_and_references() {
    let model = "source feed { interarrival = 10 s }\nbuffer q { capacity = unlimited }\n\
                 station lifo { cycle = 8 s }\nsink done\nflow feed -> q -> lifo -> done\n\
                 experiment e { horizon = 1 h }\nscenario fifo : e { q.policy = fifo }\n";
    // `fifo` after `q.policy =` is the policy word, not the scenario called `fifo`.
    let (word, markdown) = hover_at(&at(model, "q.policy = fi|fo"));
    assert_eq!(word, "fifo");
    assert!(!markdown.contains("scenario fifo"), "{markdown}");
    let f = fixture(&at(model, "scenario fi|fo"));
    let found = navigation::find_references(&f.db, f.file, f.offset, true);
    assert_eq!(found.len(), 1, "only the declaration: {found:?}");
    // The station `lifo` is still a reference in the flow.
    let f = fixture(&at(model, "station li|fo"));
    assert_eq!(navigation::find_references(&f.db, f.file, f.offset, true).len(), 2);
}

#[test]
fn completion_offers_a_field_word_not_the_parameter_of_that_name() {
    let text = "component Queue(lifo: Duration) : buffer {\n    capacity = 1\n    policy = $0\n}\n";
    let (_, items) = complete(text);
    let found: Vec<(&str, CompletionKind)> =
        items.iter().map(|i| (i.label.as_str(), i.kind)).collect();
    assert_eq!(found, [("fifo", CompletionKind::Word), ("lifo", CompletionKind::Word)]);
}
