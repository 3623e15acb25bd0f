//! Fixtures for the IDE tests: in-memory files with a `$0` cursor marker, as rust-analyzer writes
//! them.
//!
//! A fixture is one file (`main.fab`) or several, each introduced by a line `//- path`. One `$0`
//! marks the cursor; a fixture without one puts the cursor at offset 0 of `main.fab`.

#![allow(dead_code)]

use fab_compiler::Database;
use fab_compiler::db::{MemoryFileSystem, SourceFile};
use fab_compiler::load_model;
use fab_compiler::syntax::ItemKey;
use std::sync::Arc;

/// A loaded fixture: the database, the file holding the cursor and the cursor's byte offset.
pub struct Fixture {
    pub db: Database,
    pub file: SourceFile,
    pub offset: u32,
    /// Every file, by path, in fixture order.
    pub files: Vec<(String, SourceFile)>,
}

impl Fixture {
    pub fn file(&self, path: &str) -> SourceFile {
        self.files.iter().find(|(p, _)| p == path).map(|(_, f)| *f).expect("fixture file")
    }

    /// The text of `file` at `span`.
    pub fn text(&self, file: SourceFile, span: fab_grammar::ast::Span) -> String {
        file.text(&self.db)[span.range()].to_string()
    }

    /// The offset of the first occurrence of `needle` in `path`, plus `delta`.
    pub fn offset_of(&self, path: &str, needle: &str, delta: u32) -> u32 {
        let text = self.file(path).text(&self.db);
        text.find(needle).expect("needle in fixture") as u32 + delta
    }
}

/// Loads a fixture.
pub fn fixture(text: &str) -> Fixture {
    let mut files: Vec<(String, String)> = Vec::new();
    for line in text.split_inclusive('\n') {
        if let Some(path) = line.strip_prefix("//- ") {
            files.push((path.trim().to_string(), String::new()));
        } else {
            if files.is_empty() {
                files.push(("main.fab".to_string(), String::new()));
            }
            files.last_mut().expect("a file").1.push_str(line);
        }
    }
    let mut cursor: Option<(String, u32)> = None;
    for (path, text) in &mut files {
        if let Some(at) = text.find("$0") {
            cursor = Some((path.clone(), at as u32));
            text.replace_range(at..at + 2, "");
        }
    }
    let fs = Arc::new(MemoryFileSystem::default());
    for (path, text) in &files {
        fs.insert(path, text);
    }
    let mut db = Database::new(fs);
    let mut loaded = Vec::new();
    for (path, _) in &files {
        let file = load_model(&mut db, path).expect("fixture file loads");
        loaded.push((path.clone(), file));
    }
    let (cursor_path, offset) = cursor.unwrap_or_else(|| (files[0].0.clone(), 0));
    let file =
        loaded.iter().find(|(p, _)| *p == cursor_path).map(|(_, f)| *f).expect("cursor file");
    Fixture { db, file, offset, files: loaded }
}

/// An item key, for tests that name items.
pub fn key(name: &str) -> ItemKey {
    ItemKey { name: name.to_string(), ordinal: 0 }
}
