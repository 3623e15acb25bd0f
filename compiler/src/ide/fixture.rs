//! A one-file fixture for the IDE's unit tests: `main.fab` in memory, with a `$0` cursor.

use crate::Database;
use crate::db::{MemoryFileSystem, SourceFile};
use crate::load_model;
use std::sync::Arc;

/// The database holding `text` (without its `$0`) as `main.fab`, the file and the cursor.
pub fn fixture(text: &str) -> (Database, SourceFile, u32) {
    let cursor = text.find("$0").expect("a `$0` cursor");
    let text = text.replacen("$0", "", 1);
    let files = Arc::new(MemoryFileSystem::default());
    files.insert("main.fab", &text);
    let mut db = Database::new(files);
    let file = load_model(&mut db, "main.fab").expect("the fixture loads");
    (db, file, cursor as u32)
}
