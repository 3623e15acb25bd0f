//! End-to-end tests of `fab reliability`, run through the built binary: the published MLEs of the
//! classic lifetime data sets, an event log whose lives are counted by hand, the Azure PdM files
//! read as they are, B10 and the wear-out test on samples drawn from known laws, the failure block
//! checked in a model, errors naming file and row, and well-formed SVG.

mod support;

use fab_stdlib::dist::Distribution;
use fab_stdlib::random::Stream;
use serde_json::Value;
use support::{data_dir, fab, stderr, stdout, svg_elements, temp_dir};

/// `fab reliability ARGS --json`, asserting success, parsed.
#[track_caller]
fn report(args: &[&str]) -> Value {
    let output = fab(&[&["reliability"], args, &["--json"]].concat());
    assert!(output.status.success(), "fab reliability {args:?}: {}", stderr(&output));
    serde_json::from_str(&stdout(&output))
        .unwrap_or_else(|e| panic!("invalid JSON ({e}):\n{}", stdout(&output)))
}

/// The group called `name`.
#[track_caller]
fn group<'a>(document: &'a Value, name: &str) -> &'a Value {
    let groups = document["groups"].as_array().expect("groups");
    groups.iter().find(|g| g["group"] == name).unwrap_or_else(|| panic!("no group {name}"))
}

/// A group's lives, failures, lives censored by maintenance and lives censored at the end.
fn counts(group: &Value) -> (u64, u64, u64, u64) {
    let count = |key: &str| group[key].as_u64().unwrap_or_else(|| panic!("no count {key}"));
    (count("lives"), count("failures"), count("censored_by_maintenance"), count("censored_at_end"))
}

/// The value of parameter `name` of the fit of `family` in a group.
#[track_caller]
fn parameter(group: &Value, family: &str, name: &str) -> f64 {
    let fits = group["fits"].as_array().expect("fits");
    let fit = fits.iter().find(|f| f["family"] == family).unwrap_or_else(|| panic!("no {family}"));
    let parameters = fit["parameters"].as_array().unwrap();
    parameters.iter().find(|p| p["name"] == name).unwrap()["value"].as_f64().unwrap()
}

/// `value` agrees with `published` to the precision it was published with: within half a unit of
/// its last printed digit.
#[track_caller]
fn agrees(value: f64, published: &str) {
    let decimals = published.split('.').nth(1).map_or(0, str::len) as i32;
    let target: f64 = published.parse().unwrap();
    let tolerance = 0.5 * 10f64.powi(-decimals);
    assert!(
        (value - target).abs() <= tolerance,
        "{value} does not agree with the published {published} (±{tolerance})"
    );
}

/// Ball bearings (Lieblein and Zelen 1956), 23 complete lives: the published Weibull MLE
/// β̂ = 2.102, η̂ = 81.88 with log-likelihood −113.691, and lognormal μ̂ = 4.15, σ̂ = 0.522 to
/// three significant digits (ORACLES.md §10).
#[test]
fn ball_bearings_match_the_published_mles() {
    let Some(data) = data_dir() else { return };
    let file = data.join("reliability/classic_weibull/ball_bearings_lieblein_zelen_1956.csv");
    let document = report(&[
        file.to_str().unwrap(),
        "--life",
        "cycles_millions",
        "--status",
        "status",
        "--unit",
        "Mrev",
    ]);
    assert_eq!(document["format"], "lives");
    let all = group(&document, "all");
    assert_eq!((all["lives"].as_u64(), all["failures"].as_u64()), (Some(23), Some(23)));
    agrees(parameter(all, "weibull", "shape"), "2.102");
    agrees(parameter(all, "weibull", "scale"), "81.88");
    let fits = all["fits"].as_array().unwrap();
    let weibull = fits.iter().find(|f| f["family"] == "weibull").unwrap();
    agrees(weibull["log_likelihood"].as_f64().unwrap(), "-113.691");
    agrees(parameter(all, "lognormal", "mu"), "4.15");
    agrees(parameter(all, "lognormal", "sigma"), "0.522");
    // A plain label, not a unit of time: no failure block.
    assert!(all["failure_block"].is_null());
}

/// Shock absorbers (O'Connor; Meeker and Escobar 1998): 11 failures and 27 right-censored units;
/// the SMRD MLE is η̂ = 27 718.7 km and β̂ = 3.16.
#[test]
fn shock_absorbers_match_the_published_censored_mle() {
    let Some(data) = data_dir() else { return };
    let file = data.join("reliability/classic_weibull/shock_absorber_oconnor_meeker_escobar.csv");
    let document =
        report(&[file.to_str().unwrap(), "--life", "km", "--status", "status", "--unit", "km"]);
    let all = group(&document, "all");
    assert_eq!((all["failures"].as_u64(), all["censored"].as_u64()), (Some(11), Some(27)));
    agrees(parameter(all, "weibull", "scale"), "27718.7");
    agrees(parameter(all, "weibull", "shape"), "3.16");
    // MTBF is the total distance on test over the failures.
    let total = all["total_time"].as_f64().unwrap();
    assert_eq!(total, 625_000.0);
    assert_eq!(all["mtbf"]["value"].as_f64().unwrap(), total / 11.0);

    // Its two failure modes as competing risks: each counts all 38 units, the other mode's
    // failures censoring it (7 failures of Mode1: units 1, 13, 19, 20, 32, 34, 36; 4 of Mode2).
    let by_mode_args = [
        file.to_str().unwrap(),
        "--life",
        "km",
        "--status",
        "status",
        "--unit",
        "km",
        "--mode",
        "failure_mode",
    ];
    let by_mode = report(&by_mode_args);
    assert_eq!(by_mode["by"], serde_json::json!(["mode"]));
    for (mode, failures) in [("Mode1", 7), ("Mode2", 4)] {
        let g = group(&by_mode, mode);
        assert_eq!((g["lives"].as_u64(), g["failures"].as_u64()), (Some(38), Some(failures)));
    }
    // The text counts the units: 27 censored, not the 65 lives censored across the two modes.
    let text = stdout(&fab(&[&["reliability"][..], &by_mode_args].concat()));
    assert!(text.contains("11 failures, 27 censored"), "{text}");
}

/// `tests/reliability/events.csv`, counted by hand (hours; "M" a preventive maintenance, "C" the
/// end of observation, repairs in brackets):
///
/// - press1/bearing: M Jan 1 → F Jan 11 (240 h) [4 h] → F Jan 20 04:00 (216 h) [2 h] → M Jan 26
///   06:00 (144 h, censored by maintenance) → F Feb 5 06:00 (240 h) [6 h] → end of the log Feb 10
///   (108 h, censored at the end);
/// - press1/seal: M Jan 1 → F Jan 16 (360 h) [3 h]; the maintenance row at the failure's moment
///   is its replacement; then to Feb 10 (597 h, censored at the end);
/// - press2/bearing: F Jan 3 opens (the time before it was not observed) [5 h] → F Jan 15 05:00
///   (288 h) [1 h] → `censored` Jan 20 (114 h) → M Feb 1 opens → F Feb 8 (168 h) [3 h] → Feb 10
///   (45 h);
/// - press2/seal: M Jan 2 12:00 → `censored` Feb 10 (924 h).
#[test]
fn an_event_log_is_cut_into_the_lives_counted_by_hand() {
    let document = report(&["tests/reliability/events.csv", "--by", "asset,mode"]);
    assert_eq!(document["format"], "event log");
    assert_eq!(document["until"], "2025-02-10 00:00");
    // (group, lives, failures, censored by maintenance, censored at the end, total hours,
    //  repairs, mean repair)
    let expected = [
        ("press1 / bearing", 5, 3, 1, 1, 948.0, 3, 4.0),
        ("press1 / seal", 2, 1, 0, 1, 957.0, 1, 3.0),
        ("press2 / bearing", 4, 2, 0, 2, 615.0, 3, 3.0),
        ("press2 / seal", 1, 0, 0, 1, 924.0, 0, f64::NAN),
    ];
    assert_eq!(document["groups"].as_array().unwrap().len(), expected.len());
    for (name, lives, failures, maintenance, end, total, repairs, mttr) in expected {
        let g = group(&document, name);
        assert_eq!(counts(g), (lives, failures, maintenance, end), "{name}");
        assert!((g["total_time"].as_f64().unwrap() - total).abs() < 1e-9, "{name}");
        if repairs == 0 {
            assert!(g["mttr"].is_null() && g["availability"].is_null(), "{name}");
        } else {
            assert_eq!(g["mttr"]["repairs"].as_u64(), Some(repairs), "{name}");
            assert!((g["mttr"]["value"].as_f64().unwrap() - mttr).abs() < 1e-9, "{name}");
            let mtbf = total / failures as f64;
            let availability = g["availability"].as_f64().unwrap();
            assert!((availability - mtbf / (mtbf + mttr)).abs() < 1e-12, "{name}");
        }
    }
    // Too few failures to fit: said, not guessed.
    let seal = group(&document, "press2 / seal");
    assert!(seal["fits"].is_null() && seal["mtbf"].is_null());
    assert!(seal["not_fitted"].as_str().unwrap().contains("0 failures"));
}

/// A maintenance system's export quotes a text with a comma in it; the cells after it keep their
/// columns, and the lives are those of the same log without the note.
#[test]
fn a_quoted_comma_keeps_the_columns_in_place() {
    let plain = std::fs::read_to_string("tests/reliability/events.csv").unwrap();
    let noted: String = plain
        .lines()
        .enumerate()
        .map(|(row, line)| {
            let (asset, rest) = line.split_once(',').unwrap();
            let note = if row == 0 { "note" } else { r#""Press, west bay ""A""""# };
            format!("{asset},{note},{rest}\n")
        })
        .collect();
    let path = temp_dir("quoted").join("log.csv");
    std::fs::write(&path, noted).unwrap();
    let with_note = report(&[path.to_str().unwrap(), "--by", "asset,mode"]);
    let without = report(&["tests/reliability/events.csv", "--by", "asset,mode"]);
    assert_eq!(with_note["groups"], without["groups"]);
}

/// Pooled by mode, the bearing has 5 failures and 6 repairs: its block has a fitted repair law,
/// and pasted into a station it checks clean.
#[test]
fn the_failure_block_checks_in_a_model() {
    let document = report(&["tests/reliability/events.csv", "--by", "mode"]);
    let bearing = group(&document, "bearing");
    assert_eq!((bearing["lives"].as_u64(), bearing["failures"].as_u64()), (Some(9), Some(5)));
    assert_eq!(bearing["mttr"]["repairs"].as_u64(), Some(6));
    let block = bearing["failure_block"].as_str().expect("a block");
    assert!(block.contains("failure bearing {") && block.contains("of calendar_time"), "{block}");
    assert!(block.contains("    repair = "), "{block}");
    check_in_a_station(block);
    // Grouped without the mode, the lives of several modes would be pooled as one law, counting
    // each asset's time once per mode: refused. (Pooled, press1's bearing and seal lives read as
    // 7 lives and 4 failures over twice its calendar.)
    let output = fab(&["reliability", "tests/reliability/events.csv", "--by", "asset"]);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{message}");
    assert!(message.contains("2 failure modes (`bearing` and `seal`)"), "{message}");
    assert!(message.contains("`asset,mode`"), "{message}");
    // The text report prints the same block.
    let text = stdout(&fab(&["reliability", "tests/reliability/events.csv", "--by", "mode"]));
    assert!(text.contains(block.lines().nth(2).unwrap()), "{text}");
}

/// Writes `block` into a minimal model's station and runs `fab check` on it.
#[track_caller]
fn check_in_a_station(block: &str) {
    let model = format!(
        "source parts {{ interarrival = 1 min }}\nstation press {{\n    cycle = 30 s\n{}\n}}\n\
         sink done\nflow parts -> press -> done\n",
        block.lines().map(|l| format!("    {l}")).collect::<Vec<_>>().join("\n")
    );
    let path = temp_dir("block").join("model.fab");
    std::fs::write(&path, &model).unwrap();
    let output = fab(&["check", path.to_str().unwrap()]);
    assert!(output.status.success(), "{model}\n{}{}", stdout(&output), stderr(&output));
}

/// The Azure PdM files as they are (CRLF, quoted cells). The counts were verified once with an
/// independent Python script applying the documented mapping: 3297 lives, 761 failures; per
/// component (lives, failures, censored by maintenance, censored at the end, total hours).
#[test]
fn the_azure_files_are_read_as_they_are() {
    let Some(data) = data_dir() else { return };
    let folder = data.join("reliability/azure_pdm");
    let document = report(&[folder.to_str().unwrap()]);
    assert_eq!(document["format"], "azure-pdm");
    assert_eq!(
        (document["lives"].as_u64(), document["failures"].as_u64()),
        (Some(3297), Some(761))
    );
    assert_eq!(document["rows"]["PdM_failures.csv"].as_u64(), Some(761));
    assert_eq!(document["rows"]["PdM_maint.csv"].as_u64(), Some(3286));
    assert_eq!(document["until"], "2016-01-01 06:00:00");
    assert_eq!(document["by"], serde_json::json!(["mode"]), "400 pairs: pooled by default");
    let expected = [
        ("comp1", 811, 192, 521, 98, 1_129_320.0),
        ("comp2", 864, 259, 507, 98, 1_160_280.0),
        ("comp3", 809, 131, 580, 98, 1_150_200.0),
        ("comp4", 813, 179, 535, 99, 1_157_040.0),
    ];
    for (name, lives, failures, maintenance, end, total) in expected {
        let g = group(&document, name);
        assert_eq!(counts(g), (lives, failures, maintenance, end), "{name}");
        assert!((g["total_time"].as_f64().unwrap() - total).abs() < 1e-6, "{name}");
        assert!(g["mttr"].is_null(), "no repair durations in these files");
        assert_eq!(g["shape_test"]["trend"], "increasing", "{name}");
    }
    let notes = document["notes"].as_array().unwrap();
    assert!(notes.iter().any(|n| n.as_str().unwrap().contains("18 have none")), "{notes:?}");
    // The block says the repair law is missing; with one written in, it checks.
    let block = group(&document, "comp1")["failure_block"].as_str().unwrap();
    assert!(block.contains("// repair: these data record no repair durations"), "{block}");
    assert!(!block.contains("repair ="), "{block}");
    check_in_a_station(&block.replace("    // repair:", "    repair = 8 h // repair:"));

    let by_model = report(&[folder.to_str().unwrap(), "--by", "model,mode"]);
    assert_eq!(by_model["groups"].as_array().unwrap().len(), 16);
    assert_eq!(group(&by_model, "model1 / comp1")["lives"].as_u64(), Some(126));
    // One group per machine and component: the text keeps to the summary table.
    let text = stdout(&fab(&["reliability", folder.to_str().unwrap(), "--by", "asset,mode"]));
    assert!(text.contains("400 groups (by asset, mode)"), "{text}");
    assert!(text.contains("details, fits and failure blocks are in `--json`"), "{text}");
}

/// Writes `count` lives drawn from `law` (stream of seed 7) as a lives table; returns its path.
fn drawn(law: Distribution, count: usize, tag: &str) -> String {
    let sampler = law.sampler();
    let mut stream = Stream::new(7, 0, "tests/reliability", tag);
    let mut text = String::from("hours,status\n");
    for _ in 0..count {
        text.push_str(&format!("{:.4},failure\n", sampler.sample(&mut stream)));
    }
    let path = temp_dir(tag).join("lives.csv");
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// 300 lives of a Weibull with shape 2 and scale 100 h: the B10 interval holds the true B10,
/// `100 (−ln 0.9)^(1/2)` = 32.46 h, the shape interval holds 2, and the test finds wear-out. 300
/// lives of an exponential: no evidence of wear-out, and the shape interval holds 1.
#[test]
fn b10_and_the_wear_out_test_on_known_laws() {
    let weibull = Distribution::Weibull { shape: 2.0, scale: 100.0, location: 0.0 };
    let path = drawn(weibull, 300, "weibull");
    let document = report(&[&path, "--life", "hours", "--status", "status"]);
    let all = group(&document, "all");
    let b10 = &all["b10_weibull"];
    let truth = 100.0 * (-(0.9f64).ln()).sqrt();
    let (low, high) = (b10["low"].as_f64().unwrap(), b10["high"].as_f64().unwrap());
    assert!(low < truth && truth < high, "{truth} outside {low}..{high}");
    let test = &all["shape_test"];
    assert_eq!(test["trend"], "increasing");
    assert!(test["p_value"].as_f64().unwrap() < 0.001);
    let shape = &test["shape"];
    assert!(shape["low"].as_f64().unwrap() < 2.0 && 2.0 < shape["high"].as_f64().unwrap());
    // The block carries the fitted law on calendar time.
    let block = all["failure_block"].as_str().unwrap();
    assert!(block.contains("after = weibull(shape = "), "{block}");
    check_in_a_station(&block.replace("    // repair:", "    repair = 1 h // repair:"));

    let path = drawn(Distribution::Exponential { mean: 50.0 }, 300, "exponential");
    let document = report(&[&path, "--life", "hours", "--status", "status"]);
    let test = &group(&document, "all")["shape_test"];
    assert_eq!(test["trend"], "constant");
    let shape = &test["shape"];
    assert!(shape["low"].as_f64().unwrap() < 1.0 && 1.0 < shape["high"].as_f64().unwrap());
}

/// Each mistake names the file and the row, with a help line; a missing column is a usage error.
#[test]
fn bad_input_names_the_file_and_row() {
    let cases = [
        (
            "asset,mode,time,event\np1,a,1,failure\np1,a,2,broke\n",
            1,
            "row 3",
            "`broke` is not an event",
        ),
        (
            "asset,mode,timestamp,event\np1,a,2025-01-01,failure\np1,a,2025-13-01,failure\n",
            1,
            "row 3",
            "`2025-13-01` is not a date-time",
        ),
        ("asset,when,event\np1,1,failure\n", 2, "no column named `time`", "the columns are"),
        (
            "asset,mode,time,event\np1,a,1,maintenance\np1,a,2,repaired\n",
            1,
            "row 3",
            "a repair end",
        ),
        // A failure while the last one's repair still runs contradicts the log.
        (
            "asset,mode,time,event,repair\np1,a,1,failure,5\np1,a,3,failure,1\n",
            1,
            "row 3",
            "during the repair of its failure at row 2",
        ),
        ("asset,mode,time,event\np1,a,1,failure\np1,a,\"2,failure\n", 1, "row 3", "never closed"),
        // A comma in an unquoted note would shift every cell after it.
        (
            "asset,note,mode,time,event\np1,ok,a,1,failure\np1,west, bay,a,2,failure\n",
            1,
            "row 3",
            "6 cells, but the header names 5 columns",
        ),
        // Which of two columns of one name is meant would be left to chance.
        (
            "asset,mode,time,event,time\np1,a,1,failure,9\n",
            1,
            "row 1",
            "names column `time` twice (columns 3 and 5)",
        ),
    ];
    for (text, code, place, message) in cases {
        let path = temp_dir("bad").join("log.csv");
        std::fs::write(&path, text).unwrap();
        let output = fab(&["reliability", path.to_str().unwrap()]);
        let err = stderr(&output);
        assert_eq!(output.status.code(), Some(code), "{err}");
        assert!(err.contains(path.to_str().unwrap()) && err.contains(place), "{err}");
        assert!(err.contains(message), "{err}");
        assert!(!err.contains("panicked"), "{err}");
    }
    // A spreadsheet's byte-order mark is not part of the first column's name.
    let path = temp_dir("bom").join("log.csv");
    std::fs::write(&path, "\u{feff}asset,mode,time,event\r\np1,a,1,failure\r\np1,a,4,failure\r\n")
        .unwrap();
    let output = fab(&["reliability", path.to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let output = fab(&["reliability", "tests/reliability/events.csv", "--unit", "m"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("not a unit of time"), "{}", stderr(&output));
}

/// `--plot` writes a Weibull probability plot, a hazard plot and a cumulative hazard plot per
/// fitted group, each well-formed SVG with its points and lines.
#[test]
fn plots_are_well_formed_svg() {
    let dir = temp_dir("plots");
    let document =
        report(&["tests/reliability/events.csv", "--by", "mode", "--plot", dir.to_str().unwrap()]);
    let written = document["plots"].as_array().unwrap();
    assert_eq!(written.len(), 3, "{written:?}: only the bearing has enough failures");
    for name in ["weibull-bearing.svg", "hazard-bearing.svg", "cumulative-hazard-bearing.svg"] {
        let svg = std::fs::read_to_string(dir.join(name)).unwrap();
        let elements = svg_elements(&svg);
        assert!(elements.iter().any(|e| e == "polyline" || e == "path"), "{name}: {elements:?}");
    }
    let weibull = std::fs::read_to_string(dir.join("weibull-bearing.svg")).unwrap();
    let points = weibull.matches(r#"fill-opacity="0.8"/>"#).count();
    assert_eq!(points, 5, "one point per failure (the legend's marker is opaque)");
}

/// The example report in `docs/reliability.md` is what the command prints today: every line of
/// it (the page elides some with `…`) appears in the output.
#[test]
fn the_documented_report_is_current() {
    let page = std::fs::read_to_string(support::repo().join("docs/reliability.md")).unwrap();
    let shown = page.split("```text\n").nth(1).and_then(|b| b.split("```").next()).unwrap();
    let output = stdout(&fab(&["reliability", "tests/reliability/events.csv", "--by", "mode"]));
    let printed: Vec<&str> = output.lines().collect();
    for line in shown.lines().filter(|l| !l.trim().is_empty() && l.trim() != "…") {
        assert!(printed.contains(&line), "docs/reliability.md shows a line not printed:\n{line}");
    }
}

/// The interval of parameter `name` of the fit of `family` in a group.
#[track_caller]
fn interval(group: &Value, family: &str, name: &str) -> (f64, f64) {
    let fits = group["fits"].as_array().expect("fits");
    let fit = fits.iter().find(|f| f["family"] == family).unwrap_or_else(|| panic!("no {family}"));
    let parameters = fit["parameters"].as_array().unwrap();
    let p = parameters.iter().find(|p| p["name"] == name).unwrap();
    (p["interval"][0].as_f64().unwrap(), p["interval"][1].as_f64().unwrap())
}

#[test]
fn a_simulated_failure_trace_gives_back_its_law() {
    // `fab run --trace` writes the failure log of a simulated line; `fab reliability` reads it like
    // field data. The calendar-time mode of `lives.fab` is weibull(shape = 2.5, scale = 10 h),
    // renewed by every repair: the fitted law's 95 % intervals must hold the true parameters.
    let dir = temp_dir("trace");
    let trace = dir.join("trace.csv");
    let trace = trace.to_string_lossy();
    let output = fab(&[
        "run",
        "tests/oracles/lives.fab",
        "--replications",
        "1",
        "--horizon",
        "10000h",
        "--trace",
        &trace,
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let document = report(&[&trace, "--unit", "s"]);
    let wear = group(&document, "wear / bearing");
    assert!(wear["failures"].as_f64().unwrap() >= 1000.0, "{wear}");
    let (low, high) = interval(wear, "weibull", "shape");
    assert!(low <= 2.5 && 2.5 <= high, "shape interval {low}–{high} misses 2.5");
    let (low, high) = interval(wear, "weibull", "scale");
    assert!(low <= 36_000.0 && 36_000.0 <= high, "scale interval {low}–{high} s misses 10 h");
    assert_eq!(wear["shape_test"]["trend"], "increasing", "{}", wear["shape_test"]);
}

/// The round trip the documentation gives, `fab run MODEL --trace trace.csv` then
/// `fab reliability trace.csv --unit s`, reads back every failure of the run, per station and mode.
/// Read as a plant's log, each mode's first event used to open its first life only: the first
/// failure of every mode was lost (367 of `press_line`'s 372), and a mode that failed once had
/// no failure at all.
#[test]
fn the_trace_round_trip_reads_back_every_failure() {
    let dir = temp_dir("round_trip");
    let trace = dir.join("trace.csv");
    let trace = trace.to_string_lossy();
    let run = ["run", "examples/press_line.fab", "--replications", "1", "--horizon", "30d"];
    let output = fab(&[&run[..], &["--trace", &trace, "--json"]].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    let results: Value = serde_json::from_str(&stdout(&output)).unwrap();
    let simulated = results["events"]["failures"]["values"][0].as_f64().unwrap();
    // The failures of each station and mode, counted in the trace.
    let text = std::fs::read_to_string(&*trace).unwrap();
    let mut per_mode = std::collections::BTreeMap::<String, u64>::new();
    for row in text.lines().skip(1) {
        let cells: Vec<&str> = row.split(',').collect();
        let count = per_mode.entry(format!("{} / {}", cells[0], cells[1])).or_default();
        *count += u64::from(cells[3] == "failure");
    }
    assert_eq!(per_mode.values().sum::<u64>() as f64, simulated, "the trace holds the run's");
    assert!(per_mode.values().filter(|&&n| n > 0).count() >= 3, "{per_mode:?}");
    let document = report(&[&trace, "--unit", "s"]);
    assert_eq!(document["failures"].as_f64(), Some(simulated), "{}", document["failures"]);
    for (name, failures) in per_mode {
        assert_eq!(group(&document, &name)["failures"].as_u64(), Some(failures), "{name}");
    }
}

/// A failure at the instant its previous repair ends is a life of zero, read after that repair end
/// whatever the order of the rows. Failures used to be read first at one instant: a log whose every
/// life is zero gave MTBF 2 s, MTTR 0 s and availability 100 %, the same log ending with a censoring
/// was refused, and so was fab's own trace of a line whose lives are sometimes under 1 ns.
#[test]
fn a_failure_as_its_repair_ends_is_a_life_of_zero() {
    // failure 0, repaired 2, failure 2, repaired 4, failure 4, repaired 6, failure 6.
    let document = report(&["tests/reliability/tie_swap.csv", "--unit", "s"]);
    let g = group(&document, "a / f");
    assert_eq!(counts(g), (3, 3, 0, 0));
    assert_eq!(g["total_time"].as_f64(), Some(0.0));
    assert_eq!(g["mtbf"]["value"].as_f64(), Some(0.0));
    assert_eq!(g["mttr"]["value"].as_f64(), Some(2.0));
    assert_eq!(g["mttr"]["repairs"].as_u64(), Some(3));
    assert_eq!(g["availability"].as_f64(), Some(0.0));

    // failure 0, repaired 2, failure 2, repaired 4, censored 10.
    let document = report(&["tests/reliability/tie_reject.csv", "--unit", "s"]);
    let g = group(&document, "a / f");
    assert_eq!(counts(g), (2, 1, 0, 1));
    assert_eq!(g["total_time"].as_f64(), Some(6.0));
    assert_eq!(g["mttr"]["value"].as_f64(), Some(2.0));
    assert_eq!(g["availability"].as_f64(), Some(0.75));

    let dir = temp_dir("zero-life");
    let trace = dir.join("trace.csv");
    let trace = trace.to_string_lossy();
    let output =
        fab(&["run", "tests/reliability/trace_zero_life.fab", "--threads", "1", "--trace", &trace]);
    assert!(output.status.success(), "{}", stderr(&output));
    // What the trace holds, counted here: its failures, repairs, zero lives and time on test.
    let text = std::fs::read_to_string(&*trace).unwrap();
    let (mut failures, mut repairs, mut zero, mut total) = (0u64, 0u64, 0u64, 0.0);
    // Where the open life started; the trace's `start` row opens the first at 0.
    let mut opened: Option<f64> = None;
    for row in text.lines().skip(1) {
        let cells: Vec<&str> = row.split(',').collect();
        let time: f64 = cells[2].parse().unwrap();
        match cells[3] {
            "start" => {
                assert_eq!((time, opened, failures), (0.0, None, 0), "one start, first: {row}");
                opened = Some(time);
            }
            "failure" => {
                failures += 1;
                let start = opened.take().expect("every failure ends a life");
                total += time - start;
                zero += u64::from(time == start);
            }
            "repaired" => {
                repairs += 1;
                opened = Some(time);
            }
            other => panic!("unexpected event {other} in {row}"),
        }
    }
    assert!(zero > 0, "the trace has no life of zero: the test tests nothing");
    let document = report(&[&trace, "--unit", "s"]);
    let g = group(&document, "a / wear");
    // Every failure ends a life: the first one too, of the life that began with the run.
    assert_eq!(g["failures"].as_u64(), Some(failures));
    assert_eq!(g["mttr"]["repairs"].as_u64(), Some(repairs));
    assert!((g["mttr"]["value"].as_f64().unwrap() - 1.0).abs() < 1e-9, "{}", g["mttr"]);
    let total_time = g["total_time"].as_f64().unwrap();
    assert!(
        (total_time - total).abs() <= 1e-9 * total,
        "{total_time} s on test, {total} s by hand"
    );
}

/// A window that ends before it starts is a usage error, not an empty report; a negative life
/// names its row; a group whose lives no family can fit (zeros) says `not fitted`, not that it
/// has too few failures.
#[test]
fn impossible_windows_negative_lives_and_unfittable_groups_say_why() {
    let dir = temp_dir("why");
    let log = dir.join("log.csv");
    std::fs::write(&log, "asset,time,event\np1,0,maintenance\np1,5,failure\np1,9,failure\n")
        .unwrap();
    let output = fab(&["reliability", log.to_str().unwrap(), "--since", "6", "--until", "4"]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(
        stderr(&output).contains("`--until` must be later than `--since`"),
        "{}",
        stderr(&output)
    );

    let lives = dir.join("lives.csv");
    std::fs::write(&lives, "life,status\n5,1\n\n7,1\n-1,1\n").unwrap();
    let output =
        fab(&["reliability", lives.to_str().unwrap(), "--life", "life", "--status", "status"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(stderr(&output).contains("row 5"), "{}", stderr(&output));

    std::fs::write(&lives, "life,status\n0,1\n0,1\n0,1\n3,1\n").unwrap();
    let output =
        fab(&["reliability", lives.to_str().unwrap(), "--life", "life", "--status", "status"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let text = stdout(&output);
    let row = text.lines().find(|l| l.trim_start().starts_with("all ")).unwrap();
    assert!(row.ends_with("not fitted"), "{row}");
}

/// A later `--since` on the Azure files: every row before it only dates the last renewal, so the
/// failures read are exactly those from that date on (425 of the 761 rows, counted with awk), and
/// no life stretches across a preventive replacement before it.
#[test]
fn a_later_azure_start_reads_the_failures_from_it_on() {
    let Some(data) = data_dir() else { return };
    let folder = data.join("reliability/azure_pdm");
    let document = report(&[folder.to_str().unwrap(), "--since", "2015-06-01 00:00:00"]);
    assert_eq!(document["failures"].as_u64(), Some(425), "{}", document["notes"]);
    let notes = document["notes"].as_array().unwrap();
    assert!(
        notes.iter().any(|n| n.as_str().unwrap().contains("and 336 failures before 2015-06-01")),
        "{notes:?}"
    );
}

#[test]
fn plots_of_groups_with_one_file_name_are_refused() {
    // `a b` and `a_b` both become `a_b` in a file name: one plot would overwrite the other.
    let dir = temp_dir("slug");
    let log = dir.join("log.csv");
    let mut text = String::from("asset,mode,time,event\n");
    for asset in ["a b", "a_b"] {
        text.push_str(&format!("{asset},m,0,maintenance\n"));
        for t in [10, 25, 41, 60] {
            text.push_str(&format!("{asset},m,{t},failure\n"));
        }
    }
    std::fs::write(&log, text).unwrap();
    let plots = dir.join("plots");
    let output = fab(&["reliability", &log.to_string_lossy(), "--plot", &plots.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(2), "{}", stderr(&output));
    assert!(stderr(&output).contains("both plot to"), "{}", stderr(&output));
    // Refused before anything is written: no half of the plots, no folder.
    assert!(!plots.exists(), "{} was left behind", plots.display());
}

/// The input is read as a model reads its data: a device that never ends (`/dev/zero`) or a FIFO
/// that waits for a writer is refused before it is opened, in every form (an event log, a table of
/// lives), not read without end into memory or waited on forever.
#[cfg(unix)]
#[test]
fn a_device_or_a_fifo_is_refused_before_it_is_read() {
    let fifo = support::fifo("f.csv");
    for file in [fifo.to_str().unwrap(), "/dev/zero"] {
        for form in [&[][..], &["--life", "x"][..]] {
            let args = [&["reliability", file][..], form].concat();
            support::assert_refused_as_no_file(&args, file);
        }
    }
}

/// Text that is not UTF-8 is said to be so where it stops being, as a model's data file is.
#[test]
fn a_file_that_is_not_utf8_is_said_so_where() {
    let path = temp_dir("nonutf8").join("nonutf8.csv");
    std::fs::write(&path, b"x\n1\n2\xff\n3\n").unwrap();
    for form in [&[][..], &["--life", "x"][..]] {
        let args = [&["reliability", path.to_str().unwrap()][..], form].concat();
        let output = fab(&args);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {}", stderr(&output));
        assert!(
            stderr(&output)
                .contains("not UTF-8 text: byte 0xFF at line 3, column 2 (byte offset 5)"),
            "{args:?}: {}",
            stderr(&output)
        );
    }
}

/// `--plot` is checked as `fab run --out` is: a device or a file is not a folder, said so.
#[test]
fn a_plot_folder_that_is_not_a_folder_is_said_to_be_what_it_is() {
    let file = temp_dir("plot").join("a_file");
    std::fs::write(&file, "").unwrap();
    let mut cases = vec![(file.to_str().unwrap(), "a file")];
    if cfg!(unix) {
        cases.push(("/dev/null", "a device, a pipe or a socket"));
    }
    for (plot, what) in cases {
        let output = fab(&["reliability", "tests/reliability/events.csv", "--plot", plot]);
        assert_eq!(output.status.code(), Some(2), "{plot}: {}", stderr(&output));
        let expected = format!("cannot write into `{plot}`: it is {what}, not a folder");
        assert!(stderr(&output).contains(&expected), "{plot}: {}", stderr(&output));
    }
}

/// Whether `text` prints a number that is none: `NaN` or `inf` as a word (not `infant`).
fn unnumbered(text: &str) -> bool {
    text.split(|c: char| !c.is_alphanumeric()).any(|word| word == "NaN" || word == "inf")
}

/// `fab reliability` on lives of `text` (a `life` column), the text report and the one group of
/// the JSON document.
fn lives_report(text: &str) -> (String, Value) {
    let path = temp_dir("extreme").join("lives.csv");
    std::fs::write(&path, text).unwrap();
    let args = [path.to_str().unwrap(), "--life", "life"];
    let output = fab(&[&["reliability"][..], &args].concat());
    assert!(output.status.success(), "{}", stderr(&output));
    (stdout(&output), report(&args)["groups"][0].clone())
}

/// Lives at the ends of what a number holds: an interval that cannot be computed reads "no
/// interval" (`null` in JSON), an MTBF beyond the largest number "–", never NaN or inf; and a law
/// that a model cannot hold (a Weibull scale of 1.9e-310 h, closer to 0 than the smallest normal
/// number; one of 2.3e306 h, beyond the largest in seconds) is not offered to paste but said so.
/// A law near the end that a model holds is offered, and checks clean.
#[test]
fn lives_at_the_ends_of_the_numbers_print_no_nan_and_no_unwritable_law() {
    let (text, group) = lives_report("life\n1e-308\n2e-308\n5e-324\n");
    assert!(!unnumbered(&text), "{text}");
    assert!(text.contains("0.0896 (no interval)"), "the table: {text}");
    // The wider cell widens its column: the columns after it stay under their headings.
    let lines: Vec<&str> = text.lines().collect();
    let heading = lines.iter().position(|l| l.contains("shape β (CI)")).expect(&text);
    let column = |line: &str, of: &str| line.find(of).map(|at| line[..at].chars().count());
    assert_eq!(
        column(lines[heading], "B10 (CI)").unwrap(),
        column(lines[heading + 1], "0.0896 (no interval)").unwrap()
            + "0.0896 (no interval)".len()
            + 1,
        "{text}"
    );
    assert!(text.contains("shape β = 0.08963, 95 % CI no interval;"), "the details: {text}");
    assert!(!text.contains("paste into the station"), "{text}");
    assert!(text.contains("no failure block: the law fitted, `weibull(shape = 0.08963, scale = 1.936e-310 h)`, is refused in a model (E0002 number out of range: too close to zero to represent)"), "{text}");
    assert_eq!(group["failure_block"], Value::Null);
    assert_eq!(group["shape_test"]["shape"]["low"], Value::Null);
    assert_eq!(group["shape_test"]["shape"]["high"], Value::Null);

    let (text, group) = lives_report("life\n0\n1e308\n1.7e308\n");
    assert!(!unnumbered(&text), "{text}");
    assert_eq!(group["mtbf"]["value"], Value::Null, "{group}");

    let (text, group) = lives_report("life\n1e306\n2e306\n3e306\n");
    let why = "`weibull(shape = 2.739, scale = 2.259e306 h)`, is refused in a model (E0205 the \
               value is not a finite number: this overflows)";
    assert!(text.contains(why), "{text}");
    assert_eq!(group["failure_block"], Value::Null);

    let (text, group) = lives_report("life\n1e300\n3e300\n2e300\n5e300\n");
    assert!(!unnumbered(&text), "{text}");
    // Lives alone record no repair: the block says to write one, as the model needs.
    let block = group["failure_block"].as_str().expect("a block");
    let repair = "    // repair: these data record no repair durations; a failure mode needs one: write it here";
    assert!(block.contains(repair), "{block}");
    check_in_a_station(&block.replace(repair, "    repair = 1 min"));
}
