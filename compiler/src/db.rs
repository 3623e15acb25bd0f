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
}

/// A data file a model reads, as text, or the reason it could not be read.
#[salsa::input(debug)]
pub struct DataFile {
    #[returns(ref)]
    pub path: String,
    #[returns(ref)]
    pub contents: Result<Arc<str>, String>,
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

/// Where files come from.
pub trait FileSystem: Send + Sync {
    fn read_to_string(&self, path: &str) -> Result<String, String>;

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
    // The one place the compiler touches the disk. A folder is said to be one in words, not as
    // the system's "Is a directory (os error 21)".
    #[allow(clippy::disallowed_methods)]
    fn read_to_string(&self, path: &str) -> Result<String, String> {
        std::fs::read_to_string(path).map_err(|error| match error.kind() {
            std::io::ErrorKind::IsADirectory => "this is a folder, not a file".to_string(),
            _ => error.to_string(),
        })
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

/// Files held in memory, for tests and for the language server's unsaved buffers.
#[derive(Default)]
pub struct MemoryFileSystem {
    files: Mutex<BTreeMap<String, String>>,
}

impl MemoryFileSystem {
    pub fn insert(&self, path: &str, text: &str) {
        self.files
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(path.to_string(), text.to_string());
    }
}

impl FileSystem for MemoryFileSystem {
    fn read_to_string(&self, path: &str) -> Result<String, String> {
        let files = self.files.lock().unwrap_or_else(|e| e.into_inner());
        files.get(path).cloned().ok_or_else(|| "no such file".to_string())
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
