//! The diagnostics an editor shows, given the files it has open.
//!
//! `fab check ROOT` reports every diagnostic of the model rooted at `ROOT`, wherever it is: an
//! E0102 between two files the root imports is reported in the second of them. An editor has
//! several files open, and a file may be part of several models, so the rule is:
//!
//! - **The models shown** are those of the open files that no other open file imports (directly
//!   or through other files). A file opened next to a model that imports it is shown as part of
//!   that model, not as a model of its own; opened alone, it is its own model. Files that import
//!   each other make one model, and each of them is checked as a root.
//! - **A file shows** every diagnostic of those models whose primary label is in it, whether it is
//!   open or not, once each, in source order. A diagnostic with no location is shown in its root.
//!
//! So what a file shows is what `fab check` reports about it for every open model that contains
//! it. The work is one [`check_model`] per model shown, over memoized salsa queries: an edit
//! re-checks only what it changed, whichever file it is in.

use std::collections::BTreeMap;

use crate::check_model;
use crate::db::{Db, SourceFile};
use crate::diagnostic::Diagnostic;
use crate::scope::model_files;

/// The diagnostics of every file in the models shown when `open` are the open files (see the
/// module's documentation): each open file, diagnostics or not, and each other file with at least
/// one diagnostic, in path order.
pub fn open_files_diagnostics(
    db: &dyn Db,
    open: &[SourceFile],
) -> Vec<(SourceFile, Vec<Diagnostic>)> {
    let open = sorted(db, open.iter().copied());
    let mut by_path: BTreeMap<String, (SourceFile, Vec<Diagnostic>)> =
        open.iter().map(|&file| (file.path(db).clone(), (file, Vec::new()))).collect();
    for root in roots_shown(db, &open) {
        for diagnostic in check_model(db, root) {
            let file = diagnostic.primary_location().map_or(root, |l| l.file);
            by_path
                .entry(file.path(db).clone())
                .or_insert_with(|| (file, Vec::new()))
                .1
                .push(diagnostic);
        }
    }
    by_path
        .into_values()
        .map(|(file, diagnostics)| (file, in_source_order(diagnostics)))
        .filter(|(file, diagnostics)| !diagnostics.is_empty() || open.contains(file))
        .collect()
}

/// The diagnostics `file` shows when `open` are the open files; `file` counts as open. With
/// `open` empty, these are the diagnostics of `file` checked as its own model: what
/// `fab check FILE` reports about that file.
pub fn file_diagnostics(db: &dyn Db, file: SourceFile, open: &[SourceFile]) -> Vec<Diagnostic> {
    let open = sorted(db, open.iter().copied().chain([file]));
    let mut found = Vec::new();
    for root in roots_shown(db, &open) {
        if !model_files(db, root).contains(&file) {
            continue;
        }
        found.extend(
            check_model(db, root)
                .into_iter()
                .filter(|d| d.primary_location().map_or(root, |l| l.file) == file),
        );
    }
    in_source_order(found)
}

/// The open files whose models are shown: those that no other open file imports, directly or
/// not, unless they import it too. `open` is sorted by path and so is the answer.
pub fn roots_shown(db: &dyn Db, open: &[SourceFile]) -> Vec<SourceFile> {
    open.iter()
        .copied()
        .filter(|&file| {
            !open.iter().any(|&other| {
                other != file
                    && model_files(db, other).contains(&file)
                    && !model_files(db, file).contains(&other)
            })
        })
        .collect()
}

/// `files` sorted by path, without repeats.
fn sorted(db: &dyn Db, files: impl Iterator<Item = SourceFile>) -> Vec<SourceFile> {
    let mut files: Vec<SourceFile> = files.collect();
    files.sort_by(|a, b| a.path(db).cmp(b.path(db)));
    files.dedup();
    files
}

/// One file's diagnostics, gathered from one model or several: by position then code (the order
/// of [`check_model`] within a file), each once.
fn in_source_order(mut diagnostics: Vec<Diagnostic>) -> Vec<Diagnostic> {
    let key = |d: &Diagnostic| (d.primary_location().map_or(0, |l| l.span.start), d.code);
    diagnostics.sort_by_key(key);
    let mut unique: Vec<Diagnostic> = Vec::with_capacity(diagnostics.len());
    for diagnostic in diagnostics {
        // Equal diagnostics have equal keys, so only the run of the same key can hold it.
        let mut same_key = unique.iter().rev().take_while(|d| key(d) == key(&diagnostic));
        if !same_key.any(|d| *d == diagnostic) {
            unique.push(diagnostic);
        }
    }
    unique
}
