//! End-to-end tests of `fab fmt`, run through the built binary: rewriting in place, `--check`,
//! files with syntax errors, several files at once, and the repository's own models.

mod support;

use support::{fab, repo, stderr, stdout, temp_dir};

/// Writes each `(name, text)` to a fresh folder (tests run in parallel) and returns the paths.
fn write_files(files: &[(&str, &str)]) -> Vec<String> {
    let dir = temp_dir("fmt");
    files
        .iter()
        .map(|(name, text)| {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            path.to_string_lossy().into_owned()
        })
        .collect()
}

fn read(path: &str) -> String {
    std::fs::read_to_string(path).unwrap()
}

const MESSY: &str = "station weld{cycle=30 s // fast\n  repair =  2 min}\nsink done";
const CANONICAL: &str =
    "station weld {\n    cycle = 30 s // fast\n    repair = 2 min\n}\n\nsink done\n";
const BROKEN: &str = "station weld {\n    cycle = \n}\n";

#[test]
fn fmt_rewrites_files_in_place_and_says_which() {
    let paths = write_files(&[("messy.fab", MESSY), ("canonical.fab", CANONICAL)]);
    let output = fab(&["fmt", &paths[0], &paths[1]]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(read(&paths[0]), CANONICAL);
    assert_eq!(read(&paths[1]), CANONICAL);
    let text = stderr(&output);
    assert!(text.contains(&format!("formatted {}", paths[0])), "{text}");
    assert!(!text.contains(&format!("formatted {}", paths[1])), "{text}");
    assert!(text.contains("2 files: 1 reformatted"), "{text}");

    let again = fab(&["fmt", &paths[0], &paths[1]]);
    assert_eq!(again.status.code(), Some(0));
    assert!(stderr(&again).contains("2 files already formatted"), "{}", stderr(&again));
}

#[test]
fn fmt_check_writes_nothing_lists_files_and_exits_1() {
    let paths = write_files(&[("messy.fab", MESSY), ("canonical.fab", CANONICAL)]);
    let output = fab(&["fmt", "--check", &paths[0], &paths[1]]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(read(&paths[0]), MESSY, "--check wrote the file");
    let listing = stdout(&output);
    assert!(listing.contains(&format!("would reformat {}", paths[0])), "{listing}");
    assert!(!listing.contains(&format!("would reformat {}", paths[1])), "{listing}");
    assert!(listing.contains("@@ -1,3 +1,6 @@"), "{listing}");
    assert!(listing.contains("-station weld{cycle=30 s // fast"), "{listing}");
    assert!(listing.contains("+station weld {\n+    cycle = 30 s // fast\n"), "{listing}");
    assert!(stderr(&output).contains("2 files: 1 would be reformatted"), "{}", stderr(&output));

    let clean = fab(&["fmt", "--check", &paths[1]]);
    assert_eq!(clean.status.code(), Some(0));
    assert!(stdout(&clean).is_empty());
    assert!(stderr(&clean).contains("1 file already formatted"), "{}", stderr(&clean));
}

/// Two changes far apart are two hunks, with the unchanged lines around them as context and
/// those between them not shown; a line changed between two kept ones is one `-` and one `+`.
/// The old diff showed the first change only, and resynchronized on two equal lines, so the one
/// line kept between the two changes of the second item showed as removed and added.
#[test]
fn fmt_check_shows_every_change_as_a_minimal_hunk() {
    let messy = "station weld {\n    cycle=30 s\n    repair = 2 min\n    parallel = 2\n}\n\n\
                 sink a\nsink b\nsink c\nsink d\n\nstation paint {\n    cycle = 1 min\n    \
                 repair=5 min\n    parallel = 1\n    setup=1 min\n}\n";
    let paths = write_files(&[("two.fab", messy)]);
    let output = fab(&["fmt", "--check", &paths[0]]);
    assert_eq!(output.status.code(), Some(1));
    let path = &paths[0];
    let expected = format!(
        "would reformat {path}\n--- {path}\n+++ {path} (formatted)\n\
         @@ -1,5 +1,5 @@\n station weld {{\n-    cycle=30 s\n+    cycle = 30 s\n     repair = 2 min\n     parallel = 2\n }}\n\
         @@ -11,7 +11,7 @@\n \n station paint {{\n     cycle = 1 min\n-    repair=5 min\n+    repair = 5 min\n     parallel = 1\n-    setup=1 min\n+    setup = 1 min\n }}\n"
    );
    assert_eq!(stdout(&output), expected);
    assert!(stderr(&output).contains("1 file: 1 would be reformatted"), "{}", stderr(&output));
}

#[test]
fn fmt_leaves_files_with_syntax_errors_untouched() {
    let paths = write_files(&[("broken.fab", BROKEN), ("messy.fab", MESSY)]);
    for args in [vec!["fmt"], vec!["fmt", "--check"]] {
        let mut args = args.clone();
        args.extend(paths.iter().map(String::as_str));
        let output = fab(&args);
        assert_eq!(output.status.code(), Some(1), "{args:?}");
        assert_eq!(read(&paths[0]), BROKEN, "a broken file was rewritten");
        let text = stderr(&output);
        assert!(text.contains("E0001") && text.contains("broken.fab:3:1"), "{text}");
        assert!(text.contains("1 not formatted because of syntax errors"), "{text}");
    }
    // The file without errors beside it was still formatted (by the run without `--check`).
    assert_eq!(read(&paths[1]), CANONICAL);
}

#[test]
fn fmt_usage_and_io_errors_exit_2() {
    let missing = fab(&["fmt", "no/such/file.fab"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("cannot read `no/such/file.fab`"));
    assert!(
        stderr(&missing).contains("1 file: 1 could not be read or written"),
        "the summary counts it: {}",
        stderr(&missing)
    );
    assert_eq!(fab(&["fmt"]).status.code(), Some(2));
    assert_eq!(fab(&["fmt", "--check"]).status.code(), Some(2));
}

#[cfg(unix)]
#[test]
fn fmt_reads_regular_files_only() {
    // `fab fmt` read files its own way: a FIFO blocked it until something wrote to it, where
    // `fab check` refuses it at once. A folder and a file that is not UTF-8 are said to be so.
    let folder = temp_dir("fmt_fifo");
    let fifo = folder.join("pipe.fab");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    assert!(made.is_ok_and(|s| s.success()), "mkfifo makes a FIFO");
    // Should the formatter open the FIFO after all, it gets a line after a while rather than
    // block the test for ever (and then fails it). Refused, the FIFO is never opened to read,
    // and this writer waits on in its thread until the test ends.
    let writer = fifo.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(10));
        let _ = std::fs::write(writer, "source late { interarrival = 1 s }\n");
    });
    std::fs::write(folder.join("latin1.fab"), b"source caf\xe9 { interarrival = 1 s }\n").unwrap();
    for (file, reason) in [
        ("pipe.fab", "this is not a regular file"),
        (".", "this is a folder, not a file"),
        ("latin1.fab", "byte 0xE9 at line 1, column 11"),
    ] {
        let path = folder.join(file).to_string_lossy().into_owned();
        let output = fab(&["fmt", "--check", &path]);
        let text = stderr(&output);
        assert_eq!(output.status.code(), Some(2), "{file}: {text}");
        assert!(text.contains(&format!("cannot read `{path}`: ")), "{file}: {text}");
        assert!(text.contains(reason), "{file}: {text}");
    }
}

/// Comments inside an item, as a probe wrote them: on a line of its own between two hops of a
/// flow and before a `{`, between a number and its unit, and in a member too long for one line.
const COMMENTED: &str = "source arr {
    product = Part
    interarrival = exponential(mean = 50 /* c */ s)
    cycle = normal(mean = 50 s, sd = 5 s /* a fairly long block comment inside this call, past 100 */)
}

conveyor c1
// before the brace
{
    length = 12 m
}

flow arr -> c1
    // own-line comment between hops
    -> done
";
const COMMENTED_CANONICAL: &str = "source arr {
    product = Part
    interarrival = exponential(mean = 50 /* c */ s)
    cycle = normal(
        mean = 50 s,
        sd = 5 s, /* a fairly long block comment inside this call, past 100 */
    )
}

conveyor c1
// before the brace
{
    length = 12 m
}

flow arr
    -> c1
    // own-line comment between hops
    -> done
";

#[test]
fn fmt_keeps_comments_on_their_lines_and_between_their_tokens() {
    let paths =
        write_files(&[("commented.fab", COMMENTED), ("canonical.fab", COMMENTED_CANONICAL)]);
    let output = fab(&["fmt", &paths[0]]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert_eq!(read(&paths[0]), COMMENTED_CANONICAL);
    let check = fab(&["fmt", "--check", &paths[0], &paths[1]]);
    assert_eq!(check.status.code(), Some(0), "not a fixed point:\n{}", stdout(&check));
}

#[test]
fn the_repository_models_are_canonical() {
    let mut files: Vec<String> = std::fs::read_dir(repo().join("examples"))
        .unwrap()
        .flatten()
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "fab"))
        .map(|path| path.to_string_lossy().into_owned())
        .collect();
    assert!(files.len() >= 4);
    files.push(repo().join("bench/line.fab").to_string_lossy().into_owned());
    let mut args = vec!["fmt", "--check"];
    args.extend(files.iter().map(String::as_str));
    let output = fab(&args);
    assert_eq!(output.status.code(), Some(0), "run `fab fmt` on them:\n{}", stdout(&output));
}

#[test]
fn the_example_of_the_language_reference_formats_as_shown() {
    let reference = read(&repo().join("docs/language.md").to_string_lossy());
    let section = &reference[reference.find("\n## Formatting\n").expect("the section exists")..];
    let mut blocks = Vec::new();
    let mut current: Option<String> = None;
    for line in section.lines() {
        match &mut current {
            None if line == "```fab snippet" => current = Some(String::new()),
            Some(block) if line == "```" => {
                blocks.push(std::mem::take(block));
                current = None;
            }
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    let [before, after, ..] = blocks.as_slice() else { panic!("two examples expected") };
    assert_eq!(fab_grammar::format(before).as_ref(), Ok(after));
}
