//! Helpers shared by the compiler's integration tests: check in-memory models.

#![allow(dead_code)]

use fab_compiler::diagnostic::Diagnostic;
use fab_compiler::render::line_column;
use fab_compiler::{Database, check_model, db::MemoryFileSystem, load_model};
use std::sync::Arc;

/// Checks `root_text` as `main.fab` beside `extra` files; returns the database, root and diagnostics.
pub fn check_files(
    root_text: &str,
    extra: &[(String, String)],
) -> (Database, fab_compiler::db::SourceFile, Vec<Diagnostic>) {
    let fs = Arc::new(MemoryFileSystem::default());
    fs.insert("main.fab", root_text);
    for (name, text) in extra {
        fs.insert(name, text);
    }
    let mut db = Database::new(fs);
    let root = load_model(&mut db, "main.fab").expect("main.fab is in memory");
    let diagnostics = check_model(&db, root);
    (db, root, diagnostics)
}

/// `(line, code)` of each diagnostic's primary label, 1-based lines.
pub fn lines_and_codes(db: &Database, diagnostics: &[Diagnostic]) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = diagnostics
        .iter()
        .map(|d| {
            let location = d.primary_location().expect("every diagnostic has a label");
            let (line, _) = line_column(location.file.text(db), location.span.start as usize);
            (line, d.code.to_string())
        })
        .collect();
    out.sort();
    out
}

/// The text of every model in `examples/`, in file-name order.
#[allow(clippy::disallowed_methods)] // tests read the repository's files directly
pub fn examples() -> Vec<String> {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples");
    let mut paths: Vec<_> =
        std::fs::read_dir(folder).unwrap().flatten().map(|e| e.path()).collect();
    paths.retain(|p| p.extension().is_some_and(|e| e == "fab"));
    paths.sort();
    paths.iter().map(|p| std::fs::read_to_string(p).unwrap()).collect()
}
