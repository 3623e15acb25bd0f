//! End-to-end tests of the `fab` command line, run through the built binary.

mod support;

use support::{fab, fab_blocks, repo, stderr, stdout, write_temp};

/// A standard error whose reader has gone away (`fab check … 2>&1 | head`) is no panic: the
/// command ends with its own exit code.
#[test]
fn a_closed_standard_error_is_no_panic() {
    let model = write_temp("closed_stderr.fab", "station s { cylce = 3 s }\n");
    for (args, code) in [(vec!["check", &model], 1), (vec!["run", "no/such/model.fab"], 2)] {
        let (reader, writer) = std::io::pipe().unwrap();
        drop(reader);
        let status = std::process::Command::new(env!("CARGO_BIN_EXE_fab"))
            .args(&args)
            .stdout(std::process::Stdio::null())
            .stderr(writer)
            .status()
            .unwrap();
        assert_eq!(status.code(), Some(code), "fab {args:?}");
    }
}

#[test]
fn every_example_checks_clean() {
    let mut examples: Vec<_> =
        std::fs::read_dir(repo().join("examples")).unwrap().flatten().map(|e| e.path()).collect();
    examples.retain(|p| p.extension().is_some_and(|e| e == "fab"));
    assert!(examples.len() >= 4);
    for example in examples {
        let output = fab(&["check", example.to_str().unwrap()]);
        assert!(output.status.success(), "{}:\n{}", example.display(), stderr(&output));
        assert!(stderr(&output).contains("no problems"), "{}", stderr(&output));
    }
}

#[test]
fn check_exit_codes_and_summary() {
    let bad = write_temp(
        "bad.fab",
        "source s { interarrival = 1 min }\nsink k\nstation w { cylce = 3 s }\nflow s -> w -> k\n",
    );
    let output = fab(&["check", &bad]);
    assert_eq!(output.status.code(), Some(1));
    let text = stderr(&output);
    assert!(text.contains("E0201") && text.contains("Did you mean `cycle`?"), "{text}");
    assert!(text.contains("checked 1 file: 2 errors, 0 warnings"), "{text}");
    assert!(!text.contains('\u{1b}'), "NO_COLOR output has no escape codes");

    let missing = fab(&["check", "no/such/file.fab"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("cannot read `no/such/file.fab`"));

    let usage = fab(&["check"]);
    assert_eq!(usage.status.code(), Some(2));
}

#[test]
fn check_json_lines() {
    let bad = write_temp(
        "json.fab",
        "source s { interarrival = 1 min }\nsink k\nstation w {\n  cycle = 3 m\n}\nflow s -> w -> k\n",
    );
    let output = fab(&["check", "--format", "json", &bad]);
    assert_eq!(output.status.code(), Some(1));
    let lines: Vec<serde_json::Value> =
        stdout(&output).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1);
    let d = &lines[0];
    assert_eq!(d["code"], "E0303");
    assert_eq!(d["severity"], "error");
    assert_eq!((d["line"].as_u64(), d["column"].as_u64()), (Some(4), Some(11)));
    assert!(d["file"].as_str().unwrap().ends_with("json.fab"));
    assert_eq!(d["labels"][0]["primary"], true);
    assert!(d["message"].as_str().unwrap().contains("expects a Duration, found a Length"));
}

#[test]
fn explain_prints_pages() {
    let output = fab(&["explain", "E0201"]);
    assert!(output.status.success());
    assert!(stdout(&output).starts_with("# E0201"));
    let lower = fab(&["explain", "e0603"]);
    assert!(stdout(&lower).starts_with("# E0603"));
    let all = fab(&["explain"]);
    assert!(stdout(&all).lines().count() >= 30);
    let unknown = fab(&["explain", "E9999"]);
    assert_eq!(unknown.status.code(), Some(2));
}

#[test]
fn graph_as_dot_and_json() {
    let dot = fab(&["graph", "examples/body_shop.fab"]);
    assert!(dot.status.success(), "{}", stderr(&dot));
    let text = stdout(&dot);
    assert!(text.starts_with("digraph model {"));
    assert!(text.contains("\"weld\" -> \"inspect\";"));
    assert!(text.contains("\"inspect\" -> \"scrap\" [label=\"3%\"];"), "{text}");

    let json = fab(&["graph", "--format", "json", "examples/body_shop.fab"]);
    let document: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    let nodes = document["nodes"].as_array().unwrap();
    assert_eq!(nodes.len(), 8);
    assert_eq!(document["edges"].as_array().unwrap().len(), 7);
    assert_eq!(nodes.iter().find(|n| n["name"] == "c1").unwrap()["kind"], "conveyor");

    let bad = write_temp("graph.fab", "sink k\nflow k -> nowhere\n");
    assert_eq!(fab(&["graph", &bad]).status.code(), Some(1));

    // A route by product labels its edges with the products, and the JSON lists the products its
    // routing refers to by index.
    let sorted = write_temp(
        "graph_by_product.fab",
        "product A\nproduct B\nsource sa { product = A, interarrival = 60 s }\n\
         source sb { product = B, interarrival = 70 s }\nstation sorter { cycle = 5 s }\n\
         sink y\nsink z\nflow sa -> sorter\nflow sb -> sorter\nroute sorter {\n A = z\n B = y\n}\n",
    );
    let text = stdout(&fab(&["graph", &sorted]));
    assert!(text.contains("\"sorter\" -> \"z\" [label=\"A\"];"), "{text}");
    let json = fab(&["graph", "--format", "json", &sorted]);
    let document: serde_json::Value = serde_json::from_str(&stdout(&json)).unwrap();
    assert_eq!(document["products"][1]["name"], "B");
    let sorter = document["nodes"].as_array().unwrap().iter().find(|n| n["name"] == "sorter");
    let targets = &sorter.unwrap()["routing"]["targets"];
    let z = document["nodes"].as_array().unwrap().iter().position(|n| n["name"] == "z").unwrap();
    assert_eq!(targets[0], serde_json::json!([0, z]), "product 0 (A) goes to z");
}

#[test]
fn language_reference_examples_check_clean() {
    let reference = std::fs::read_to_string(repo().join("docs/language.md")).unwrap();
    let blocks = fab_blocks(&reference);
    assert!(blocks.len() >= 5);
    let body_shop = std::fs::read_to_string(repo().join("examples/body_shop.fab")).unwrap();
    for (index, block) in blocks.iter().enumerate() {
        check_block_clean(&format!("docs/language.md block {}", index + 1), block, &body_shop);
    }
}

#[test]
fn specification_core_examples_check_clean() {
    let Some(shared) = support::shared_dir() else { return };
    let specification = std::fs::read_to_string(shared.join("LANGUAGE.md")).unwrap();
    let blocks = fab_blocks(&specification);
    let body_shop = blocks[0].clone();
    for (index, block) in blocks.iter().enumerate() {
        check_block_clean(&format!("LANGUAGE.md block {}", index + 1), block, &body_shop);
    }
}

/// A block must check without errors on its own, or, when it is a fragment, inside the body shop
/// (the specification's §10 and §11 extend §1) or inside a minimal line that feeds its components.
fn check_block_clean(what: &str, block: &str, body_shop: &str) {
    let attempts = [
        block.to_string(),
        format!("{body_shop}\n{block}"),
        format!(
            "{block}\nsource fragment_source {{ interarrival = 1 min }}\nsink fragment_sink\n{}",
            feed_components(block)
        ),
    ];
    let mut last = String::new();
    for attempt in attempts {
        let path = write_temp("block.fab", &attempt);
        let output = fab(&["check", &path]);
        if output.status.success() {
            return;
        }
        last = stderr(&output);
    }
    panic!("{what} has errors in every setting:\n{block}\n{last}");
}

/// `flow fragment_source -> X -> fragment_sink` for each station, buffer or conveyor a fragment declares.
fn feed_components(block: &str) -> String {
    let mut flows = String::new();
    for line in block.lines() {
        let words: Vec<&str> = line.split_whitespace().collect();
        if let [kind, name, ..] = words.as_slice()
            && ["station", "buffer", "conveyor", "robot"].contains(kind)
        {
            flows.push_str(&format!("flow fragment_source -> {name} -> fragment_sink\n"));
        }
    }
    flows
}

#[test]
fn a_horizon_beyond_the_clock_is_refused() {
    // Time is whole nanoseconds in a u64 (below 2⁶³): about 292 years. A longer horizon is an
    // error, not a run cut short that reports the requested horizon; on the command line, a usage
    // error before the model is read.
    let output = fab(&["run", "examples/maintenance_plan.fab", "--horizon", "3000000h"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("longer than the longest run"), "{}", stderr(&output));
}

/// A `max_replications` below `replications` is refused where it is written: it was raised to
/// `replications` without a word, `max_replications = 1` running 3.
#[test]
fn a_max_replications_below_replications_is_refused() {
    let model = write_temp(
        "max_below.fab",
        "source a { interarrival = exponential(mean = 50 s) }\nsink done\nflow a -> done\n\
         experiment e {\n    horizon = 2 d\n    replications = 3\n    precision = 1 %\n    \
         max_replications = 1\n}\n",
    );
    for command in ["check", "run"] {
        let output = fab(&[command, &model]);
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{command}: {text}");
        assert!(
            text.contains("[E0205] Error: `max_replications` is below `replications`")
                && text.contains("3 run first")
                && text.contains("give `max_replications` at least 3"),
            "{command}: {text}"
        );
        assert_eq!(stdout(&output), "", "{command}");
    }
}

#[test]
fn the_run_table_lists_resources() {
    let output = fab(&[
        "run",
        "examples/press_line.fab",
        "--scenario",
        "one_fitter",
        "--replications",
        "2",
        "--horizon",
        "20d",
        "--warmup",
        "1d",
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    let table = stdout(&output);
    assert!(table.contains("resource      utilisation    mean wait"), "{table}");
    let fitters = table.lines().find(|l| l.trim_start().starts_with("fitters")).expect(&table);
    assert!(!fitters.contains(" 0.0%"), "the crew worked: {fitters}");
}

/// `fab run … --json --out DIR | head -c 1`: the reader closes the pipe after one byte, long
/// before the results document (a few hundred kilobytes) is written. The run ends quietly, with
/// success, and still writes `DIR`: it used to exit at the broken pipe, before writing the files.
#[test]
fn a_reader_that_goes_away_ends_the_run_quietly() {
    use std::io::Read;
    use std::process::{Command, Stdio};
    let out = support::temp_dir("reader_gone").join("out");
    let mut child = Command::new(env!("CARGO_BIN_EXE_fab"))
        .args(["run", "examples/long_line.fab", "--json", "--replications", "2"])
        .args(["--out", &out.to_string_lossy()])
        .current_dir(repo())
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = [0u8; 1];
    child.stdout.take().unwrap().read_exact(&mut first).unwrap();
    // The read end is dropped here.
    let output = child.wait_with_output().unwrap();
    let text = stderr(&output);
    assert!(output.status.success(), "exit {:?}: {text}", output.status);
    assert!(!text.contains("panicked"), "{text}");
    let document = std::fs::read_to_string(out.join("results.json")).unwrap();
    let document: serde_json::Value = serde_json::from_str(&document).unwrap();
    assert_eq!(document["replications"], 2);
    for name in ["stations.csv", "replications.csv", "stations.svg"] {
        assert!(std::fs::metadata(out.join(name)).unwrap().len() > 0, "{name}");
    }
}

/// Writes `files` (path, text) under `folder`, making their folders.
fn write_files(folder: &std::path::Path, files: &[(&str, &str)]) {
    for (path, text) in files {
        let path = folder.join(path);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
}

#[test]
fn a_data_file_that_is_a_folder_is_called_one() {
    // `schedule = "."` beside a model checked from its own folder named no file and gave the
    // wrong reason ("cannot read data file ``", "No such file or directory"); a folder's name
    // gave the system's "Is a directory (os error 21)".
    let folder = support::temp_dir("folder_as_data");
    let model = |name: &str| {
        format!("source parts {{ schedule = \"{name}\" }}\nsink done\nflow parts -> done\n")
    };
    write_files(&folder, &[("dot.fab", &model(".")), ("sub.fab", &model("sub")), ("sub/a", "")]);
    for (file, named) in [("dot.fab", "`.`"), ("sub.fab", "`sub`")] {
        let output = support::fab_in(&folder, &["check", file]);
        let text = stdout(&output) + &stderr(&output);
        assert!(!output.status.success(), "{text}");
        assert!(text.contains(&format!("cannot read data file {named}")), "{text}");
        assert!(text.contains("this is a folder, not a file"), "{text}");
    }
}

#[test]
fn a_file_reached_by_two_paths_is_one_file() {
    // `app/main.fab` imports `shared.fab` and `../lib/a.fab`, which imports `../app/shared.fab`:
    // one file. Checked from inside `app`, the second path used to leave the folder and come
    // back as another file, whose declarations then clashed with the first's (E0102). The same
    // with an absolute path beside a relative one.
    let folder = support::temp_dir("two_paths");
    let shared = "product P\nsink done\n";
    let main = "import \"shared.fab\"\nimport \"../lib/a.fab\"\n\
                source parts { product = P, interarrival = 1 min }\nflow parts -> cell -> done\n";
    let absolute = folder.join("app/shared.fab");
    let lib = format!(
        "import \"{}\"\nstation cell {{ cycle = 30 s }}\n",
        absolute.to_string_lossy().replace('\\', "/")
    );
    write_files(
        &folder,
        &[
            ("app/shared.fab", shared),
            ("app/main.fab", main),
            ("lib/a.fab", "import \"../app/shared.fab\"\nstation cell { cycle = 30 s }\n"),
            (
                "abs/main.fab",
                &main.replace("shared.fab", "../app/shared.fab").replace("../lib/a.fab", "lib.fab"),
            ),
            ("abs/lib.fab", &lib),
        ],
    );
    for (from, model) in [("app", "main.fab"), (".", "app/main.fab"), ("app", "../abs/main.fab")] {
        let output = support::fab_in(&folder.join(from), &["check", model]);
        assert!(output.status.success(), "from {from}: {}", stderr(&output));
    }
}

#[test]
fn std_names_the_library_and_dot_std_a_folder_of_ones_own() {
    // `std/…` is the standard library wherever the model is and whatever the working directory:
    // a path the library lacks is E0104, not a file of that name read from the working
    // directory. `./std/…` is a folder of one's own, even beside the model at the top.
    let folder = support::temp_dir("std_paths");
    let cells = |cycle: &str| format!("component Cell() : station {{ cycle = {cycle} }}\n");
    let main = |import: &str| {
        format!(
            "import \"{import}\"\nsource parts {{ interarrival = 1 min }}\nstation s : Cell()\n\
             sink done\nflow parts -> s -> done\n"
        )
    };
    write_files(
        &folder,
        &[
            ("std/cells.fab", &cells("99 s")),
            ("sub/std/cells.fab", &cells("15 s")),
            ("sub/main.fab", &main("std/cells.fab")),
            ("own.fab", &main("./std/cells.fab")),
            (
                "sub/library.fab",
                &main("std/equipment.fab").replace("Cell()", "ManualStation(mean = 30 s)"),
            ),
        ],
    );
    let output = support::fab_in(&folder, &["check", "sub/library.fab"]);
    assert!(output.status.success(), "{}", stderr(&output));
    for (from, model) in [(".", "sub/main.fab"), ("sub", "main.fab")] {
        let output = support::fab_in(&folder.join(from), &["check", model]);
        assert_eq!(output.status.code(), Some(1), "from {from}");
        assert!(
            stderr(&output).contains("the standard library has no file `std/cells.fab`"),
            "{}",
            stderr(&output)
        );
    }
    let output = support::fab_in(&folder, &["check", "own.fab"]);
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn an_import_stands_for_the_file_it_names() {
    // A part goes to the first successor in flow order that can take it, so the order of flows
    // matters. With the first flow moved into an imported file, imported first, the model is the
    // same: the same results bit for bit. Imported files used to come after the importing one,
    // which swapped the flows. The first experiment is likewise the imported one.
    let folder = support::temp_dir("import_order");
    let head = "product P\nsource src { product = P, interarrival = exponential(mean = 20 s) }\n\
                station a { cycle = lognormal(mean = 30 s, cv = 0.3) }\n\
                station b { cycle = lognormal(mean = 30 s, cv = 0.3) }\nsink done\n\
                flow src -> a -> done\nexperiment first { horizon = 1 d, replications = 2 }\n";
    let tail = "flow src -> b -> done\nexperiment second { horizon = 2 d, replications = 2 }\n";
    write_files(
        &folder,
        &[
            ("single.fab", &format!("{head}{tail}")),
            ("lib.fab", head),
            ("split.fab", &format!("import \"lib.fab\"\n{tail}")),
        ],
    );
    let run = |model: &str| {
        let output = support::fab_in(&folder, &["run", model, "--json"]);
        assert!(output.status.success(), "{}", stderr(&output));
        let mut d: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        d.as_object_mut().unwrap().remove("model_hash");
        d
    };
    let single = run("single.fab");
    assert_eq!(single["experiment"], "first");
    assert_eq!(single, run("split.fab"));
}

#[test]
fn the_model_hash_is_the_same_from_any_folder() {
    // examples/variation.fab reads a data file. The hash used to take in the data file's path as
    // the run spelled it, so the same model hashed three ways from three folders.
    let hash = |folder: &std::path::Path, model: &str| {
        let args = ["run", model, "--json", "--replications", "1", "--horizon", "2d"];
        let output = support::fab_in(folder, &args);
        assert!(output.status.success(), "{}", stderr(&output));
        let d: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        d["model_hash"].as_str().unwrap().to_string()
    };
    let absolute = repo().join("examples/variation.fab");
    let from_root = hash(repo(), "examples/variation.fab");
    assert_eq!(from_root, hash(&repo().join("examples"), "variation.fab"));
    assert_eq!(from_root, hash(&repo().join("tests"), &absolute.to_string_lossy()));
}

#[test]
fn the_model_hash_is_of_what_ran_not_of_the_files_other_studies() {
    // The hash took in the whole model IR, experiments and scenarios included: a scenario never
    // run changed the base run's hash with its results bit-identical, and a seed set in the file,
    // by `--seed` or by a scenario gave three hashes for one run. The run's settings are fields
    // beside the hash; the hash is of what is simulated.
    let folder = support::temp_dir("model_hash_studies");
    let line = "source parts { interarrival = exponential(mean = 1 min) }\n\
                station s { cycle = exponential(mean = 50 s) }\nsink done\n\
                flow parts -> s -> done\n\
                experiment e {\n    horizon = 2 d\n    replications = 2\n    seed = 3\n}\n";
    let studies = "scenario seed_four : e { seed = 4 }\n\
                   scenario slower : e { s.cycle = exponential(mean = 55 s) }\n\
                   experiment other {\n    horizon = 5 d\n}\n";
    write_files(&folder, &[("base.fab", line), ("studies.fab", &format!("{line}{studies}"))]);
    let run = |args: &[&str]| {
        let output = support::fab_in(&folder, &[&["run", "--json"], args].concat());
        assert!(output.status.success(), "{args:?}: {}", stderr(&output));
        let d: serde_json::Value = serde_json::from_str(&stdout(&output)).unwrap();
        (d["model_hash"].as_str().unwrap().to_string(), d["seed"].clone())
    };
    let (base, seed) = run(&["base.fab"]);
    assert_eq!(seed, 3);
    assert_eq!(run(&["studies.fab", "--experiment", "e"]).0, base, "studies not run");
    let (by_scenario, seed) = run(&["studies.fab", "--scenario", "seed_four"]);
    assert_eq!((by_scenario, seed), (base.clone(), serde_json::json!(4)));
    let (by_flag, seed) = run(&["base.fab", "--seed", "4"]);
    assert_eq!((by_flag, seed), (base.clone(), serde_json::json!(4)));
    assert_ne!(run(&["studies.fab", "--scenario", "slower"]).0, base, "a station changed");
}

#[test]
fn fab_check_of_several_files_says_the_same_in_any_order() {
    // `uses.fab` names a template that only `lib.fab` declares. Checked after `lib.fab` was
    // loaded, the error said where the template is; checked first, it did not.
    let folder = support::temp_dir("check_order");
    write_files(
        &folder,
        &[
            ("lib.fab", "component Cell() : station { cycle = 30 s }\n"),
            (
                "uses.fab",
                "source parts { interarrival = 1 min }\nstation s : Cell()\nsink done\n\
                 flow parts -> s -> done\n",
            ),
        ],
    );
    for order in [["uses.fab", "lib.fab"], ["lib.fab", "uses.fab"]] {
        let output = support::fab_in(&folder, &["check", order[0], order[1]]);
        assert!(
            stderr(&output).contains("`Cell` is declared in `lib.fab`, which this file does not"),
            "{order:?}: {}",
            stderr(&output)
        );
    }
}

#[test]
fn a_model_that_is_not_utf8_is_said_so_where_and_not_counted_as_checked() {
    // It said "stream did not contain valid UTF-8" with no position, then "checked 1 file:
    // 0 errors, 0 warnings" while exiting 2; `--format json` printed nothing on stdout.
    let folder = support::temp_dir("not_utf8_model");
    std::fs::write(folder.join("latin1.fab"), b"sink done\nproduct Fl\xFCgel\n").unwrap();
    let output = support::fab_in(&folder, &["check", "latin1.fab"]);
    assert_eq!(output.status.code(), Some(2));
    let text = stderr(&output);
    assert!(
        text.contains(
            "error: cannot read `latin1.fab`: not UTF-8 text: byte 0xFC at line 2, column 11 \
             (byte offset 20)"
        ),
        "{text}"
    );
    assert!(text.ends_with("1 file could not be read\n"), "{text}");
    assert!(!text.contains("0 errors"), "{text}");

    let output = support::fab_in(&folder, &["check", "--format", "json", "latin1.fab"]);
    assert_eq!(output.status.code(), Some(2));
    let lines: Vec<serde_json::Value> =
        stdout(&output).lines().map(|l| serde_json::from_str(l).unwrap()).collect();
    assert_eq!(lines.len(), 1, "{}", stdout(&output));
    let object = &lines[0];
    assert_eq!(object["file"], "latin1.fab");
    assert_eq!((object["line"].as_u64(), object["column"].as_u64()), (Some(2), Some(11)));
    assert_eq!(object["severity"], "error");
    assert!(object["code"].is_null());
    assert!(object["message"].as_str().unwrap().contains("not UTF-8 text"), "{object}");
}

#[test]
fn an_import_that_is_there_but_unreadable_says_why() {
    // Both said "cannot find imported file", labelled "no such file".
    let folder = support::temp_dir("unreadable_import");
    let model = |import: &str| {
        format!(
            "import \"{import}\"\nsource parts {{ interarrival = 1 min }}\nsink done\nflow parts -> done\n"
        )
    };
    write_files(
        &folder,
        &[
            ("a.fab", &model("latin1.fab")),
            ("b.fab", &model("folder.fab")),
            ("c.fab", &model("none.fab")),
        ],
    );
    std::fs::write(folder.join("latin1.fab"), b"sink caf\xE9\n").unwrap();
    std::fs::create_dir_all(folder.join("folder.fab")).unwrap();
    for (file, message, label) in [
        (
            "a.fab",
            "cannot read imported file `latin1.fab`",
            "not UTF-8 text: byte 0xE9 at line 1, column 9 (byte offset 8)",
        ),
        ("b.fab", "cannot read imported file `folder.fab`", "this is a folder, not a file"),
        ("c.fab", "cannot find imported file `none.fab`", "no such file"),
    ] {
        let output = support::fab_in(&folder, &["check", file]);
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{text}");
        assert!(text.contains(&format!("[E0104] Error: {message}")), "{text}");
        assert!(text.contains(label), "{text}");
    }
}

#[cfg(unix)]
#[test]
fn a_data_file_that_is_not_a_regular_file_is_refused_without_reading_it() {
    // A FIFO blocked `check` and `run` forever; `/dev/zero` was read to 3.6 GB, then E0404 said
    // "out of memory".
    let folder = support::temp_dir("fifo_data");
    let status = std::process::Command::new("mkfifo").arg(folder.join("fifo.csv")).status();
    assert!(status.is_ok_and(|s| s.success()), "mkfifo makes a FIFO");
    let model = |data: &str| {
        format!(
            "source parts {{ interarrival = 1 min }}\nstation s {{ cycle = empirical(\"{data}\", \
             column = \"x\") }}\nsink done\nflow parts -> s -> done\n"
        )
    };
    write_files(&folder, &[("fifo.fab", &model("fifo.csv")), ("zero.fab", &model("/dev/zero"))]);
    for file in ["fifo.fab", "zero.fab"] {
        let output = support::fab_in(&folder, &["check", file]);
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(1), "{text}");
        assert!(text.contains("[E0404] Error: cannot read data file"), "{text}");
        assert!(text.contains("this is not a regular file"), "{text}");
    }
}

#[test]
fn a_time_under_the_clock_tick_is_shown_as_written() {
    // W0207's label once trimmed the zeros of an exponent: 1e-19 s (1e-10 ns) read "1e-1 ns".
    let path = support::write_temp(
        "ticks.fab",
        "source parts { interarrival = 1 min }\nstation s { cycle = 1e-19 s }\n\
         station t { cycle = 0.9996e-9 s }\nstation u { cycle = 2.5e-10 s }\nsink done\n\
         flow parts -> s -> t -> u -> done\nexperiment b { horizon = 1 h }\n",
    );
    let output = fab(&["check", &path]);
    let text = stderr(&output) + &stdout(&output);
    for label in [
        "1e-10 ns, which the engine runs as 0 ns",
        "0.9996 ns, which the engine runs as 1 ns",
        "0.25 ns, which the engine runs as 0 ns",
    ] {
        assert!(text.contains(label), "{label}: {text}");
    }
}
