//! `fab fmt`: rewrites `.fab` files in their canonical layout, or with `--check` lists the files
//! that are not in it (with their first difference) and writes nothing.
//!
//! The layout is [`fab_grammar::format`]'s. A file with syntax errors is never rewritten: its
//! errors are reported as `fab check` reports them. Exit codes: 0 when every file is canonical (or
//! was rewritten), 1 when `--check` found a file to reformat or a file has syntax errors, 2 when a
//! file cannot be read or written.

use std::process::ExitCode;

use fab_compiler::db::{FileSystem, OsFileSystem};
use fab_compiler::diagnostic::Diagnostic;
use fab_compiler::{Database, check_model, render, scope};

pub fn run(files: &[String], check: bool) -> ExitCode {
    // Files that could not be read or written.
    let mut failed = 0;
    let mut broken = 0;
    let mut changed = 0;
    for path in files {
        // Read as every command reads models: a regular file only (a FIFO blocked the
        // formatter until something wrote to it), at most 1 GiB, UTF-8 said where it is not.
        let text = match OsFileSystem.read_to_string(path) {
            Ok(text) => text,
            Err(reason) => {
                errln!("error: cannot read `{path}`: {reason}");
                failed += 1;
                continue;
            }
        };
        let formatted = match fab_grammar::format(&text) {
            Ok(formatted) => formatted,
            Err(_) => {
                err!("{}", syntax_errors(path, text));
                broken += 1;
                continue;
            }
        };
        if formatted == text {
            continue;
        }
        if check {
            outln!("would reformat {path}");
            out!("{}", first_difference(path, &text, &formatted));
        } else if let Err(reason) = std::fs::write(path, &formatted) {
            errln!("error: cannot write `{path}`: {reason}");
            failed += 1;
            continue;
        } else {
            errln!("formatted {path}");
        }
        changed += 1;
    }
    errln!("{}", summary(files.len(), changed, broken, failed, check));
    if failed > 0 {
        ExitCode::from(2)
    } else if broken > 0 || (check && changed > 0) {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// The syntax errors of a file, rendered as `fab check` renders them.
fn syntax_errors(path: &str, text: String) -> String {
    let mut db = Database::default();
    let file = scope::set_file(&mut db, path, text);
    // E0001 and E0002 are the codes of syntax errors; the model's other problems are not the
    // formatter's business.
    let diagnostics: Vec<Diagnostic> = check_model(&db, file)
        .into_iter()
        .filter(|diagnostic| matches!(diagnostic.code, "E0001" | "E0002"))
        .collect();
    render::render_human(&db, &diagnostics, crate::use_color())
}

/// `3 files: 1 reformatted, 1 not formatted because of syntax errors`.
fn summary(files: usize, changed: usize, broken: usize, failed: usize, check: bool) -> String {
    let files = format!("{files} file{}", if files == 1 { "" } else { "s" });
    let mut parts = Vec::new();
    if changed > 0 {
        parts.push(format!(
            "{changed} {}",
            if check { "would be reformatted" } else { "reformatted" }
        ));
    }
    if broken > 0 {
        parts.push(format!("{broken} not formatted because of syntax errors"));
    }
    if failed > 0 {
        parts.push(format!("{failed} could not be read or written"));
    }
    if parts.is_empty() {
        return format!("{files} already formatted");
    }
    format!("{files}: {}", parts.join(", "))
}

/// At most this many removed and this many added lines are shown.
const SHOWN_LINES: usize = 12;

/// Lines of context around the first difference.
const CONTEXT: usize = 2;

/// A unified-style diff of the first place where `old` and `new` differ: one hunk, with a little
/// context, cut to [`SHOWN_LINES`] lines each way; a last line says when more changes follow. A
/// last line without a line break differs from the same line with one, and is marked as `diff`
/// marks it, so a file whose only difference is its end shows that change.
fn first_difference(path: &str, old: &str, new: &str) -> String {
    let old = lines(old);
    let new = lines(new);
    let same = old.iter().zip(&new).take_while(|(a, b)| a == b).count();
    let (removed, added) = resynchronize(&old[same..], &new[same..]);
    let before = same.saturating_sub(CONTEXT);
    let after_old = &old[same + removed..];
    let after_new = &new[same + added..];
    let trailing = after_old.iter().zip(after_new).take_while(|(a, b)| a == b).count();
    let context_after = trailing.min(CONTEXT);
    // A range of no lines starts at the line before it, as in `diff -u` (`-0,0` for an empty file).
    let range = |count: usize| {
        let start = if count == 0 { before } else { before + 1 };
        format!("{start},{count}")
    };
    let mut out = format!("--- {path}\n+++ {path} (formatted)\n");
    out.push_str(&format!(
        "@@ -{} +{} @@\n",
        range(same - before + removed + context_after),
        range(same - before + added + context_after)
    ));
    for line in &old[before..same] {
        push_line(&mut out, ' ', line);
    }
    push_cut(&mut out, '-', &old[same..same + removed]);
    push_cut(&mut out, '+', &new[same..same + added]);
    for line in &after_old[..context_after] {
        push_line(&mut out, ' ', line);
    }
    if trailing < after_old.len().max(after_new.len()) {
        out.push_str("… more changes below\n");
    }
    out
}

/// A line of a text, and whether a line break ends it (only a text's last line may lack one).
type Line<'a> = (&'a str, bool);

/// The lines of a text; a final line break ends the last line rather than starting an empty one,
/// and an empty text has none.
fn lines(text: &str) -> Vec<Line<'_>> {
    if text.is_empty() {
        return Vec::new();
    }
    let mut lines: Vec<Line<'_>> = text.split('\n').map(|line| (line, true)).collect();
    if text.ends_with('\n') {
        lines.pop();
    } else if let Some(last) = lines.last_mut() {
        last.1 = false;
    }
    lines
}

fn push_line(out: &mut String, sign: char, (line, ends): &Line<'_>) {
    out.push_str(&format!("{sign}{line}\n"));
    if !ends {
        out.push_str("\\ No newline at end of file\n");
    }
}

fn push_cut(out: &mut String, sign: char, lines: &[Line<'_>]) {
    for line in lines.iter().take(SHOWN_LINES) {
        push_line(out, sign, line);
    }
    if lines.len() > SHOWN_LINES {
        out.push_str(&format!("{sign}… {} more lines\n", lines.len() - SHOWN_LINES));
    }
}

/// How many lines of `old` and of `new` (which differ on their first line) to take as the first
/// change: the fewest, in total, after which two lines agree again (or both texts end).
fn resynchronize<T: PartialEq>(old: &[T], new: &[T]) -> (usize, usize) {
    const SEARCH: usize = 400;
    let agree = |i: usize, j: usize| {
        let ends = i >= old.len() && j >= new.len();
        let two_lines = (0..2).all(|k| match (old.get(i + k), new.get(j + k)) {
            (Some(a), Some(b)) => a == b,
            (None, None) => true,
            _ => false,
        });
        ends || (i < old.len() && j < new.len() && two_lines)
    };
    for total in 1..=SEARCH.min(old.len() + new.len()) {
        for removed in 0..=total {
            let added = total - removed;
            if removed <= old.len() && added <= new.len() && agree(removed, added) {
                return (removed, added);
            }
        }
    }
    (old.len(), new.len())
}

#[cfg(test)]
mod tests {
    use super::first_difference;

    /// A file that differs only in its end shows the line that changes, marked as `diff` marks a
    /// line without a line break; it used to show a hunk of context lines only.
    #[test]
    fn a_difference_at_the_end_of_the_file_is_shown() {
        let shown = first_difference(
            "a.fab",
            "sink done\nflow parts -> done",
            "sink done\nflow parts -> done\n",
        );
        assert_eq!(
            shown,
            "--- a.fab\n+++ a.fab (formatted)\n@@ -1,2 +1,2 @@\n sink done\n-flow parts -> done\n\
             \\ No newline at end of file\n+flow parts -> done\n"
        );
        // Formatted to nothing: the new side is an empty range.
        let shown = first_difference("b.fab", "\n\n   \n", "");
        assert_eq!(shown, "--- b.fab\n+++ b.fab (formatted)\n@@ -1,3 +0,0 @@\n-\n-\n-   \n");
    }
}
