//! `fit(…)` in a model: the families it is restricted to, an unknown family's diagnostic, the
//! memoized fit, and the report `fab check --verbose` prints.

mod common;

use fab_compiler::check::check_item;
use fab_compiler::db::{Database, MemoryFileSystem};
use fab_compiler::scope::set_file;
use fab_compiler::syntax::item_index;
use fab_compiler::{check_model, load_model};
use fab_stdlib::dist::Distribution;
use std::sync::Arc;

/// Cycle times in minutes, drawn by hand around 0.5 min with a right tail.
const CYCLES: &str =
    "minutes\n0.52\n0.48\n0.55\n0.51\n0.47\n0.53\n0.61\n0.50\n0.58\n0.49\n0.66\n0.54\n";

/// The distribution of station `name`'s `cycle` in a checked model.
fn cycle_of(db: &Database, root: fab_compiler::db::SourceFile, name: &str) -> Option<Distribution> {
    let entry = item_index(db, root).iter().find(|e| e.key.name == name)?;
    let checked = check_item(db, root, entry.key.clone());
    checked.body.as_ref()?.fields.get("cycle")?.value.dist().cloned()
}

fn model(cycle: &str) -> String {
    format!(
        "source s {{ interarrival = exponential(mean = 1 min) }}\nstation weld {{ cycle = {cycle} }}\nsink done\nflow s -> weld -> done\n"
    )
}

#[test]
fn families_restrict_the_candidates() {
    let data = [("cycles.csv".to_string(), CYCLES.to_string())];
    for (families, expected) in [
        (r#"["gamma"]"#, "gamma"),
        (r#"["lognormal3"]"#, "lognormal"),
        (r#"["exponential"]"#, "exponential"),
        (r#"["normal", "uniform"]"#, ""),
    ] {
        let cycle = format!(
            r#"fit("cycles.csv", column = "minutes", unit = 1 min, families = {families})"#
        );
        let (db, root, diagnostics) = common::check_files(&model(&cycle), &data);
        assert!(diagnostics.iter().all(|d| !d.is_error()), "{families}: {diagnostics:?}");
        let chosen = cycle_of(&db, root, "weld").unwrap();
        if expected.is_empty() {
            assert!(matches!(chosen, Distribution::Normal { .. } | Distribution::Uniform { .. }));
        } else {
            assert_eq!(chosen.family_name(), expected, "{families}: {chosen:?}");
        }
        // In SI: the file's minutes became seconds.
        assert!((chosen.mean() - 32.0).abs() < 3.0, "{families}: {chosen:?}");
    }
    // A 3-parameter lognormal has its location, below the smallest value (0.47 min = 28.2 s).
    let cycle = r#"fit("cycles.csv", column = "minutes", unit = 1 min, families = ["lognormal3"])"#;
    let (db, root, _) = common::check_files(&model(cycle), &data);
    let Some(Distribution::Lognormal { location, .. }) = cycle_of(&db, root, "weld") else {
        panic!("not a lognormal")
    };
    assert!(location > 0.0 && location < 28.2, "{location}");
}

#[test]
fn an_unknown_family_suggests_the_closest() {
    let data = [("cycles.csv".to_string(), CYCLES.to_string())];
    let cycle = r#"fit("cycles.csv", column = "minutes", families = ["gamma", "weibul"])"#;
    let (db, _, diagnostics) = common::check_files(&model(cycle), &data);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    let diagnostic = &diagnostics[0];
    assert_eq!(diagnostic.code, "E0403");
    assert_eq!(diagnostic.help.as_deref(), Some("Did you mean `weibull`?"));
    let fix = &diagnostic.fixes[0];
    assert_eq!(fix.edits[0].replacement, "\"weibull\"");
    let location = &fix.edits[0].location;
    assert_eq!(
        &location.file.text(&db)[location.span.start as usize..location.span.end as usize],
        "\"weibul\""
    );
    insta::assert_snapshot!(fab_compiler::render::render_human(&db, &diagnostics, false));
}

#[test]
fn families_that_cannot_apply_are_an_error_with_their_reasons() {
    let data = [("signed.csv".to_string(), "x\n-1.5\n2.0\n0.5\n-0.2\n1.1\n".to_string())];
    let cycle = r#"fit("signed.csv", column = "x", families = ["lognormal"])"#;
    let (_, _, diagnostics) = common::check_files(&model(cycle), &data);
    assert_eq!(diagnostics.len(), 1, "{diagnostics:?}");
    assert_eq!(diagnostics[0].code, "E0404");
    let help = diagnostics[0].help.clone().unwrap_or_default();
    assert!(help.contains("needs failures above 0"), "{help}");
}

/// The fit is a query on the data file and the request: two stations fitting the same column
/// share one fit, and editing a field elsewhere does not refit.
#[test]
fn a_fit_is_computed_once_per_file_contents() {
    let fs = Arc::new(MemoryFileSystem::default());
    let text = "source s { interarrival = exponential(mean = 1 min) }\n\
                station a { cycle = fit(\"cycles.csv\", column = \"minutes\", unit = 1 min) }\n\
                station b { cycle = fit(\"cycles.csv\", column = \"minutes\", unit = 1 min) }\n\
                sink done\nflow s -> a -> b -> done\n";
    fs.insert("main.fab", text);
    fs.insert("cycles.csv", CYCLES);
    let (mut db, log) = Database::with_event_log(fs);
    let root = load_model(&mut db, "main.fab").unwrap();
    assert!(check_model(&db, root).is_empty());
    let fits = |log: &fab_compiler::db::EventLog| {
        log.lock().unwrap().iter().filter(|e| e.starts_with("fitted_column(")).count()
    };
    assert_eq!(fits(&log), 1, "{:?}", log.lock().unwrap());
    log.lock().unwrap().clear();
    set_file(&mut db, "main.fab", text.replace("mean = 1 min", "mean = 2 min"));
    assert!(check_model(&db, root).is_empty());
    assert_eq!(fits(&log), 0, "{:?}", log.lock().unwrap());
}

#[test]
fn the_verbose_report_names_the_choice_and_its_uncertainty() {
    let data = [("cycles.csv".to_string(), CYCLES.to_string())];
    let cycle =
        r#"fit("cycles.csv", column = "minutes", unit = 1 min, families = ["lognormal", "gamma"])"#;
    let (db, root, _) = common::check_files(&model(cycle), &data);
    let report = fab_compiler::docs::fitted_report(&db, root);
    let text = report.join("\n");
    // The call as written, with its unit (it was left out).
    assert!(
        report[0].starts_with(
            "main.fab:2: `weld`: fit(\"cycles.csv\", column = \"minutes\", unit = 1 min) chose "
        ),
        "{text}"
    );
    // `lognormal` names both lognormals, with and without a location.
    assert!(report[0].ends_with("best by AIC of 3 families"), "{text}");
    // Shown in seconds, the SI display unit of a duration.
    assert!(report[0].contains(" s, sd = ") || report[0].contains(" s)"), "{text}");
    assert!(text.contains("estimates (± standard error): "), "{text}");
    assert!(text.contains("runner-up: "), "{text}");
    assert!(text.contains("goodness of fit: KS D = "), "{text}");
    assert!(text.contains("warning: only 12 observed values"), "{text}");
}

/// The estimates are shown in the display unit, as the chosen law is: a lognormal's `μ` too. It
/// was left in the logarithm of the file's unit (minutes) beside a location in seconds; the same
/// values written in seconds now give the same estimates line.
#[test]
fn the_verbose_estimates_do_not_depend_on_the_files_unit() {
    let seconds: String = CYCLES
        .lines()
        .skip(1)
        .map(|minutes| {
            format!("{}\n", (minutes.parse::<f64>().unwrap() * 60.0 * 1e6).round() / 1e6)
        })
        .collect();
    let estimates = |file: &str, contents: String, unit: &str| {
        let data = [(file.to_string(), contents)];
        let cycle =
            format!(r#"fit("{file}", column = "t", unit = {unit}, families = ["lognormal"])"#);
        let (db, root, _) = common::check_files(&model(&cycle), &data);
        let report = fab_compiler::docs::fitted_report(&db, root);
        report.iter().find(|line| line.contains("estimates")).cloned().expect("estimates")
    };
    let in_minutes = estimates("minutes.csv", CYCLES.replacen("minutes", "t", 1), "1 min");
    let in_seconds = estimates("seconds.csv", format!("t\n{seconds}"), "1 s");
    assert_eq!(in_minutes, in_seconds);
    // The fitted median, location + e^μ in seconds, is near the sample's (31.5 s); with μ in the
    // logarithm of minutes it read 26.9 s.
    let number = |name: &str| -> f64 {
        let start = in_seconds.find(&format!("{name} = ")).expect(name) + name.len() + 3;
        in_seconds[start..].split(' ').next().unwrap().parse().unwrap()
    };
    let median = number("location") + number("mu").exp();
    assert!((median / 31.5 - 1.0).abs() < 0.05, "{median} s: {in_seconds}");
}
