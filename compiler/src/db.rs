//! The salsa database: its inputs, the file-system trait through which every file arrives, and the
//! event log that incremental tests read.
//!
//! Inputs are few. A [`SourceFile`] holds a `.fab` file's path and text; the [`Workspace`] singleton
//! maps paths to the source files loaded; a [`DataFile`] holds a data file a model reads (a CSV for
//! `empirical`). Everything else is derived by the queries of `syntax`, `scope`, `check`, `validate`
//! and `lower`.
//!
//! The compiler does no IO of its own: [`FileSystem`] is the one door, an OS implementation for the
//! CLI and the language server, an in-memory one for tests.

use salsa::Setter;
use std::collections::BTreeMap;
use std::sync::{Arc, Mutex};

/// A `.fab` file: its path as the workspace knows it (`examples/body_shop.fab`, `std/catalog.fab`)
/// and its text.
#[salsa::input(debug)]
pub struct SourceFile {
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub text: String,
}

/// Every loaded source file, by [`Db::file_key`].
#[salsa::input(singleton, debug)]
pub struct Workspace {
    #[returns(ref)]
    pub files: BTreeMap<String, SourceFile>,
    /// The `.fab` files an import names that are there but could not be read, by
    /// [`Db::file_key`], each with the reason ([`ReadError::reason`]): the checker says why at
    /// the import (E0104) rather than that the file cannot be found.
    #[returns(ref)]
    pub unreadable: BTreeMap<String, String>,
}

/// A data file a model reads, as text, or why it could not be read.
#[salsa::input(debug)]
pub struct DataFile {
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub contents: Result<Arc<str>, ReadError>,
}

/// The database trait the queries are written against.
#[salsa::db]
pub trait Db: salsa::Database {
    /// The input for the data file at `path` (relative paths are relative to the working
    /// directory), created and read on first use.
    fn data_file(&self, path: &str) -> DataFile;

    /// The key of the `.fab` file at `path` in the [`Workspace`]: one key however the path is
    /// spelled, so that a file two imports reach by different paths is loaded once. A file of
    /// the standard library (`std/…`) is its own key.
    fn file_key(&self, path: &str) -> String;
}

/// Why a file could not be read.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ReadError {
    /// What is wrong, in words: "no such file", "this is a folder, not a file", where the text
    /// is not UTF-8.
    pub reason: String,
    /// Whether there is no file at the path at all (rather than one that cannot be read).
    pub missing: bool,
    /// For a file that is not UTF-8 text: the line and column (from 1, in characters) of its
    /// first byte that is not part of a UTF-8 character.
    pub position: Option<(usize, usize)>,
}

impl ReadError {
    /// A file that is there but cannot be read, for `reason`.
    pub fn unreadable(reason: impl Into<String>) -> ReadError {
        ReadError { reason: reason.into(), missing: false, position: None }
    }

    /// No file at the path.
    pub fn missing() -> ReadError {
        ReadError { reason: "no such file".to_string(), missing: true, position: None }
    }

    /// An error of the system, in its words, except a folder, which is said to be one in words
    /// rather than as "Is a directory (os error 21)".
    fn io(error: &std::io::Error) -> ReadError {
        match error.kind() {
            std::io::ErrorKind::IsADirectory => ReadError::unreadable(FOLDER),
            std::io::ErrorKind::NotFound => {
                ReadError { missing: true, ..ReadError::io_words(error) }
            }
            _ => ReadError::io_words(error),
        }
    }

    fn io_words(error: &std::io::Error) -> ReadError {
        ReadError::unreadable(error.to_string())
    }

    /// Bytes that are not UTF-8 text from `at`, the offset of the first byte that is not part of
    /// a UTF-8 character: said with its line and column, so that it can be found in an editor.
    pub fn not_utf8(bytes: &[u8], at: usize) -> ReadError {
        // The bytes before `at` are UTF-8, so their lines and characters can be counted.
        let before = std::str::from_utf8(&bytes[..at]).unwrap_or_default();
        let line_start = before.rfind('\n').map_or(0, |newline| newline + 1);
        let line = before.matches('\n').count() + 1;
        let column = before[line_start..].chars().count() + 1;
        let byte = bytes.get(at).copied().unwrap_or_default();
        ReadError {
            reason: format!(
                "not UTF-8 text: byte 0x{byte:02X} at line {line}, column {column} (byte offset \
                 {at})"
            ),
            missing: false,
            position: Some((line, column)),
        }
    }
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.reason)
    }
}

/// What a folder is called where a file was expected.
const FOLDER: &str = "this is a folder, not a file";

/// The largest file fab reads, model or data: 1 GiB. A larger one (or a device such as
/// `/dev/zero` that never ends, which is refused before this as not a regular file) would be
/// read whole into memory before anything could be said about it.
pub const MAX_FILE_BYTES: u64 = 1 << 30;

/// Where files come from.
pub trait FileSystem: Send + Sync {
    fn read_to_string(&self, path: &str) -> Result<String, ReadError>;

    /// The one name of the file at `path`, however the path is spelled (`../app/shared.fab` from
    /// the folder `app` is `shared.fab`): the absolute path, where there is a working directory
    /// to resolve a relative one against.
    fn absolute(&self, path: &str) -> String {
        crate::scope::normalize(path)
    }
}

/// The operating system's files.
#[derive(Default)]
pub struct OsFileSystem;

impl FileSystem for OsFileSystem {
    fn read_to_string(&self, path: &str) -> Result<String, ReadError> {
        read_text(std::path::Path::new(path), MAX_FILE_BYTES)
    }

    fn absolute(&self, path: &str) -> String {
        match std::env::current_dir() {
            Ok(folder) if !path.starts_with('/') => {
                crate::scope::normalize(&format!("{}/{path}", folder.to_string_lossy()))
            }
            _ => crate::scope::normalize(path),
        }
    }
}

/// The text of the file at `path`, read whole: the one place the compiler touches the disk.
///
/// Only a regular file is read: a folder is said to be one, and a pipe or a device is refused
/// before it is opened (a FIFO would block the reader until something writes to it, `/dev/zero`
/// never ends). At most `limit` bytes are read, so a file that grew past its size on the way is
/// refused too. Text that is not UTF-8 is said to be so at its first bad byte.
fn read_text(path: &std::path::Path, limit: u64) -> Result<String, ReadError> {
    use std::io::Read;
    let metadata = std::fs::metadata(path).map_err(|error| ReadError::io(&error))?;
    if metadata.is_dir() {
        return Err(ReadError::unreadable(FOLDER));
    }
    if !metadata.is_file() {
        return Err(ReadError::unreadable(
            "this is not a regular file (a pipe, a device or a socket); fab reads files",
        ));
    }
    let too_large = || {
        ReadError::unreadable(format!(
            "this file is larger than {}, the most fab reads",
            byte_size(limit)
        ))
    };
    if metadata.len() > limit {
        return Err(too_large());
    }
    let file = std::fs::File::open(path).map_err(|error| ReadError::io(&error))?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes).map_err(|error| ReadError::io(&error))?;
    if bytes.len() as u64 > limit {
        return Err(too_large());
    }
    String::from_utf8(bytes).map_err(|error| {
        let at = error.utf8_error().valid_up_to();
        ReadError::not_utf8(error.as_bytes(), at)
    })
}

/// A size in bytes in the largest binary unit that divides it: `1 GiB`, `16 bytes`.
fn byte_size(bytes: u64) -> String {
    for (unit, size) in [("GiB", 1u64 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)] {
        if bytes >= size && bytes.is_multiple_of(size) {
            return format!("{} {unit}", bytes / size);
        }
    }
    format!("{bytes} bytes")
}

/// Files held in memory, for tests and for the language server's unsaved buffers.
#[derive(Default)]
pub struct MemoryFileSystem {
    files: Mutex<BTreeMap<String, Result<String, ReadError>>>,
}

impl MemoryFileSystem {
    pub fn insert(&self, path: &str, text: &str) {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), Ok(text.to_string()));
    }

    /// A file at `path` that cannot be read, for `error`'s reason.
    pub fn insert_unreadable(&self, path: &str, error: ReadError) {
        self.files.lock().unwrap_or_else(|e| e.into_inner()).insert(path.to_string(), Err(error));
    }
}

impl FileSystem for MemoryFileSystem {
    fn read_to_string(&self, path: &str) -> Result<String, ReadError> {
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.get(path).cloned().unwrap_or_else(|| Err(ReadError::missing()))
    }
}

/// The names of the queries salsa executed, in order, when logging is on.
pub type EventLog = Arc<Mutex<Vec<String>>>;

/// The concrete database.
#[salsa::db]
#[derive(Clone)]
pub struct Database {
    storage: salsa::Storage<Self>,
    file_system: Arc<dyn FileSystem>,
    data_files: Arc<Mutex<BTreeMap<String, DataFile>>>,
}

impl Database {
    pub fn new(file_system: Arc<dyn FileSystem>) -> Database {
        Database { storage: salsa::Storage::new(None), file_system, data_files: Arc::default() }
    }

    /// A database that records every query execution in the returned log.
    pub fn with_event_log(file_system: Arc<dyn FileSystem>) -> (Database, EventLog) {
        let log = EventLog::default();
        let sink = log.clone();
        let callback = Box::new(move |event: salsa::Event| {
            if let salsa::EventKind::WillExecute { database_key } = event.kind {
                sink.lock().unwrap_or_else(|e| e.into_inner()).push(format!("{database_key:?}"));
            }
        });
        let database = Database {
            storage: salsa::Storage::new(Some(callback)),
            file_system,
            data_files: Arc::default(),
        };
        (database, log)
    }

    pub fn file_system(&self) -> &dyn FileSystem {
        &*self.file_system
    }

    /// The paths of the data files asked for so far (those of `empirical(…)` and `fit(…)`), read
    /// or not.
    pub fn data_paths(&self) -> Vec<String> {
        self.data_files.lock().unwrap_or_else(|e| e.into_inner()).keys().cloned().collect()
    }

    /// Reads every data file asked for so far again, and gives each whose text changed (fixed,
    /// created or deleted on disk since) its new contents, so that the checks that read it run
    /// again. Returns whether any changed. A command reads each file once; the language server,
    /// which lives as long as the editor, calls this when files change on disk.
    pub fn read_data_files_again(&mut self) -> bool {
        let files: Vec<(String, DataFile)> = self
            .data_files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .iter()
            .map(|(path, file)| (path.clone(), *file))
            .collect();
        let mut changed = false;
        for (path, file) in files {
            let contents = self.file_system.read_to_string(&path).map(Arc::from);
            if *file.contents(self) != contents {
                let _previous = file.set_contents(self).to(contents);
                changed = true;
            }
        }
        changed
    }
}

impl Default for Database {
    fn default() -> Database {
        Database::new(Arc::new(OsFileSystem))
    }
}

#[salsa::db]
impl salsa::Database for Database {}

#[salsa::db]
impl Db for Database {
    fn data_file(&self, path: &str) -> DataFile {
        let mut files = self.data_files.lock().unwrap_or_else(|e| e.into_inner());
        if let Some(file) = files.get(path) {
            return *file;
        }
        let contents = self.file_system.read_to_string(path).map(Arc::from);
        let file = DataFile::new(self, path.to_string(), contents);
        files.insert(path.to_string(), file);
        file
    }

    fn file_key(&self, path: &str) -> String {
        if crate::scope::is_library_path(path) {
            path.to_string()
        } else {
            self.file_system.absolute(path)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A fresh folder for one test's files.
    #[allow(clippy::disallowed_methods)]
    fn folder(name: &str) -> std::path::PathBuf {
        let folder = std::env::temp_dir().join(format!("fab-db-{}-{name}", std::process::id()));
        let _ = std::fs::remove_dir_all(&folder);
        std::fs::create_dir_all(&folder).unwrap();
        folder
    }

    #[test]
    #[allow(clippy::disallowed_methods)]
    fn text_that_is_not_utf8_is_said_so_at_its_first_bad_byte() {
        let folder = folder("utf8");
        let path = folder.join("latin1.fab");
        // `ü` in Latin-1 is the single byte 0xFC, on line 2 after `ab` and a two-byte `é`.
        std::fs::write(&path, b"sink d\nab\xC3\xA9\xFCx\n").unwrap();
        let error = read_text(&path, MAX_FILE_BYTES).unwrap_err();
        assert_eq!(error.position, Some((2, 4)));
        assert!(!error.missing);
        assert_eq!(error.reason, "not UTF-8 text: byte 0xFC at line 2, column 4 (byte offset 11)");
    }

    #[test]
    #[allow(clippy::disallowed_methods)]
    fn only_a_regular_file_within_the_limit_is_read() {
        let folder = folder("regular");
        let error = read_text(&folder, MAX_FILE_BYTES).unwrap_err();
        assert_eq!(error.reason, "this is a folder, not a file");
        let missing = read_text(&folder.join("none.fab"), MAX_FILE_BYTES).unwrap_err();
        assert!(missing.missing, "{missing:?}");
        let path = folder.join("big.csv");
        std::fs::write(&path, "x\n1234567890\n").unwrap();
        assert_eq!(read_text(&path, 13).unwrap(), "x\n1234567890\n");
        let error = read_text(&path, 12).unwrap_err();
        assert_eq!(error.reason, "this file is larger than 12 bytes, the most fab reads");
        assert_eq!(byte_size(MAX_FILE_BYTES), "1 GiB");
        assert_eq!(byte_size(3 << 20), "3 MiB");
        #[cfg(unix)]
        {
            // A device that never ends, refused before a byte of it is read.
            let error = read_text(std::path::Path::new("/dev/zero"), MAX_FILE_BYTES).unwrap_err();
            assert_eq!(
                error.reason,
                "this is not a regular file (a pipe, a device or a socket); fab reads files"
            );
        }
    }
}
