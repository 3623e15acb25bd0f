//! `fab fmt`: rewrites `.fab` files in their canonical layout, or with `--check` lists the files
//! that are not in it, each with a unified diff to its layout (`diff.rs`), and writes nothing.
//!
//! The layout is [`fab_grammar::format`]'s. A file with syntax errors is never rewritten: its
//! errors are reported as `fab check` reports them. Exit codes: 0 when every file is canonical (or
//! was rewritten), 1 when `--check` found a file to reformat or a file has syntax errors, 2 when a
//! file cannot be read or written.

use std::process::ExitCode;

use fab_compiler::db::{FileSystem, OsFileSystem};
use fab_compiler::diagnostic::Diagnostic;
use fab_compiler::{Database, check_model, render, scope};

mod diff;

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
            out!("{}", diff::unified_diff(path, &text, &formatted));
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
