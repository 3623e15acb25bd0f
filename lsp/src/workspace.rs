//! The server's state: the compiler's database, the open documents, and the way between URIs and
//! the compiler's paths.
//!
//! The compiler knows files by path and reads them through its `FileSystem`. An editor's unsaved
//! buffers must win over the disk, so the server's file system is an overlay: the text of open
//! documents, then the disk. An open document is also set in the database directly, and its
//! imports are loaded through the overlay, so a file that another open file imports is read from
//! its buffer when it is open and from the disk when it is not.
//!
//! The `.fab` files of the workspace folders the client names at `initialize` are loaded too
//! (not opened: they are read from the disk, and no diagnostics are published for them), so that
//! references, rename and workspace symbols cover the files that import a declaration even when
//! they are not open. A rename or a search for references first walks the folders again and
//! reads again every loaded file that is not open (see [`Workspace::sync_with_disk`]), so a
//! rename's edits are computed on the text the client will edit, watchers or not.
//!
//! Two kinds of file have no path of their own on disk, and the server writes them once to a
//! cache folder so that an editor can open them: the standard library (`std/equipment.fab`, for
//! go to definition into it) and the pages of `fab explain` (a diagnostic's code links to its
//! page).

use fab_compiler::Database;
use fab_compiler::db::{FileSystem, OsFileSystem, ReadError, SourceFile};
use fab_compiler::scope::{load_model, set_file};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::sync::{Arc, Mutex};
use tower_lsp_server::ls_types::Uri;

use crate::position::LineIndex;

/// The text of open documents over the disk.
#[derive(Default)]
pub struct Overlay {
    open: Mutex<BTreeMap<String, String>>,
    disk: OsFileSystem,
}

impl Overlay {
    fn set(&self, path: &str, text: Option<String>) {
        let mut open = self.open.lock().unwrap_or_else(|e| e.into_inner());
        match text {
            Some(text) => open.insert(path.to_string(), text),
            None => open.remove(path),
        };
    }
}

impl FileSystem for Overlay {
    fn read_to_string(&self, path: &str) -> Result<String, ReadError> {
        if let Some(text) = self.open.lock().unwrap_or_else(|e| e.into_inner()).get(path) {
            return Ok(text.clone());
        }
        self.disk.read_to_string(path)
    }
}

/// An open document.
#[derive(Clone, Debug)]
pub struct Document {
    pub uri: Uri,
    pub version: i32,
    /// The buffer as the client holds it; the client's edits apply to it.
    pub text: Arc<String>,
    /// The text the compiler analyses, and its lines: the buffer's, except in a copy of the
    /// standard library, which keeps its built-in text (see [`Workspace::set_document`]).
    pub analysed: Arc<String>,
    pub lines: Arc<LineIndex>,
}

/// Everything a request needs, taken under the lock and used without it.
pub struct Snapshot {
    pub db: Database,
    pub file: SourceFile,
    pub text: Arc<String>,
    pub lines: Arc<LineIndex>,
    pub paths: Paths,
    /// Every open document's file, which decides the models whose diagnostics are shown.
    pub open: Arc<Vec<SourceFile>>,
}

/// An open document as the diagnostics worker needs it.
pub struct OpenFile {
    pub uri: Uri,
    pub version: i32,
    pub file: SourceFile,
    pub text: Arc<String>,
    pub lines: Arc<LineIndex>,
}

/// The mapping between URIs and the compiler's paths.
#[derive(Clone, Debug, Default)]
pub struct Paths {
    /// Where the standard library's files were written, when they could be.
    library: Option<PathBuf>,
}

impl Paths {
    /// The compiler's path for a URI: a file path, `std/…` for a copy of the standard library,
    /// or the URI itself for documents that are not files (`untitled:`).
    pub fn path(&self, uri: &Uri) -> String {
        let is_file = uri.scheme().as_str().eq_ignore_ascii_case("file");
        match uri.to_file_path().filter(|_| is_file) {
            Some(path) => {
                if let Some(library) = &self.library
                    && let Ok(rest) = path.strip_prefix(library)
                {
                    return format!("std/{}", rest.to_string_lossy().replace('\\', "/"));
                }
                path.to_string_lossy().replace('\\', "/")
            }
            None => uri.as_str().to_string(),
        }
    }

    /// The URI of a compiler path.
    pub fn uri(&self, path: &str) -> Option<Uri> {
        if let Some(rest) = path.strip_prefix("std/")
            && fab_stdlib::library::file(path).is_some()
        {
            let library = self.library.as_ref()?;
            return Uri::from_file_path(library.join(rest));
        }
        if Path::new(path).is_absolute() {
            return Uri::from_file_path(path);
        }
        Uri::from_str(path).ok()
    }
}

/// The database and the open documents.
pub struct Workspace {
    pub db: Database,
    overlay: Arc<Overlay>,
    pub documents: BTreeMap<String, Document>,
    pub paths: Paths,
    /// The workspace folders the client named at `initialize`, whose `.fab` files are loaded.
    folders: Vec<PathBuf>,
}

/// At most this many `.fab` files are loaded from the workspace folders, and at most this many
/// folders are looked into.
pub const MAX_WORKSPACE_FILES: usize = 2000;
pub const MAX_WORKSPACE_FOLDERS: usize = 10_000;

impl Workspace {
    pub fn new(cache: Option<&Path>) -> Workspace {
        let overlay = Arc::new(Overlay::default());
        let db = Database::new(overlay.clone());
        let library = cache.and_then(|dir| write_library(&dir.join("std")));
        Workspace {
            db,
            overlay,
            documents: BTreeMap::new(),
            paths: Paths { library },
            folders: Vec::new(),
        }
    }

    /// Sets the workspace folders (from `initialize`); [`Workspace::sync_with_disk`] loads them.
    pub fn set_folders(&mut self, folders: Vec<PathBuf>) {
        self.folders = folders;
    }

    /// The workspace folders and the path mapping, for [`fab_files_in`].
    pub fn folders(&self) -> (Vec<PathBuf>, Paths) {
        (self.folders.clone(), self.paths.clone())
    }

    /// Reads every loaded file that is not open again from the disk (forgetting those that are
    /// gone) and loads the files of `found` (the workspace folders' `.fab` files) not loaded yet,
    /// so that the database holds what the disk holds even when the client reports no changes.
    /// Returns whether anything changed.
    pub fn sync_with_disk(&mut self, found: &[String]) -> bool {
        let loaded_before = self.loaded_paths();
        let mut changed = false;
        for path in &loaded_before {
            changed |= self.read_again(path);
        }
        for path in found {
            let _ = load_model(&mut self.db, path);
        }
        changed || self.loaded_paths() != loaded_before
    }

    /// Whether `path` is a `.fab` file in a workspace folder.
    fn in_folders(&self, path: &str) -> bool {
        path.ends_with(".fab")
            && self.folders.iter().any(|folder| Path::new(path).starts_with(folder))
    }

    /// Opens or changes a document: the overlay, the database, and any file it now imports.
    ///
    /// The copies of the standard library are read-only: they are written for go to definition,
    /// and every model is checked against the built-in library whatever the copy on disk says.
    /// So an edit in such a buffer is kept for the buffer's sake (later edits apply to it) but
    /// does not reach the compiler, which goes on reading the built-in text; requests on that
    /// buffer are answered about the built-in text too.
    pub fn set_document(&mut self, uri: Uri, version: i32, text: String) {
        let path = self.paths.path(&uri);
        let text = Arc::new(text);
        let analysed = match fab_stdlib::library::file(&path) {
            Some(built_in) if built_in != text.as_str() => Arc::new(built_in.to_string()),
            _ => text.clone(),
        };
        self.overlay.set(&path, Some(analysed.to_string()));
        set_file(&mut self.db, &path, analysed.to_string());
        // Loads the imports (the root is read back from the overlay, unchanged).
        let _ = load_model(&mut self.db, &path);
        let lines = Arc::new(LineIndex::new(&analysed));
        self.documents.insert(path, Document { uri, version, text, analysed, lines });
    }

    /// Closes a document: the file goes back to what the disk holds. A document that is on no
    /// disk (an `untitled:` buffer, a file never saved) is gone with its buffer: workspace
    /// symbols stop listing it, and a file that imports it reports the import missing, as
    /// `fab check` would.
    pub fn close_document(&mut self, uri: &Uri) {
        let path = self.paths.path(uri);
        self.documents.remove(&path);
        self.overlay.set(&path, None);
        let on_disk = fab_stdlib::library::file(&path)
            .map(str::to_string)
            .map(Ok)
            .unwrap_or_else(|| self.overlay.read_to_string(&path));
        match on_disk {
            Ok(text) => {
                set_file(&mut self.db, &path, text);
            }
            Err(_) => fab_compiler::scope::remove_file(&mut self.db, &path),
        }
    }

    /// Files changed, appeared or disappeared on disk (`workspace/didChangeWatchedFiles`).
    /// A loaded file that is not open takes its new text, or is forgotten when it cannot be read
    /// any more (its importers then report it missing); a `.fab` file that appeared in a
    /// workspace folder is loaded; then the imports of the open documents are loaded again, which
    /// reads a file that was missing and now exists. The data files the models read (schedules,
    /// `empirical(…)`, `fit(…)`) are read again too, whatever path the client reported: they
    /// are few, and one may be named by several spellings. Returns whether anything changed.
    pub fn files_changed_on_disk(&mut self, uris: &[Uri]) -> bool {
        let loaded_before = self.loaded_paths();
        let mut changed = self.db.read_data_files_again();
        for uri in uris {
            let path = self.paths.path(uri);
            changed |= self.read_again(&path);
            // A file of a workspace folder that appeared.
            if self.in_folders(&path) && !loaded_before.contains(&path) {
                let _ = load_model(&mut self.db, &path);
            }
        }
        let open: Vec<String> = self.documents.keys().cloned().collect();
        for path in open {
            let _ = load_model(&mut self.db, &path);
        }
        changed || self.loaded_paths() != loaded_before
    }

    /// Reads a loaded file again from the disk, unless it is open (its buffer wins) or part of
    /// the standard library (built in; the copies on disk are for reading).
    fn read_again(&mut self, path: &str) -> bool {
        if self.documents.contains_key(path) || fab_stdlib::library::file(path).is_some() {
            return false;
        }
        let Some(file) = fab_compiler::db::Workspace::try_get(&self.db)
            .and_then(|w| w.files(&self.db).get(path).copied())
        else {
            return false;
        };
        match self.overlay.read_to_string(path) {
            Ok(text) if *file.text(&self.db) == text => false,
            Ok(text) => {
                set_file(&mut self.db, path, text);
                true
            }
            Err(_) => {
                fab_compiler::scope::remove_file(&mut self.db, path);
                true
            }
        }
    }

    /// The paths of every loaded file.
    fn loaded_paths(&self) -> Vec<String> {
        fab_compiler::db::Workspace::try_get(&self.db)
            .map(|w| w.files(&self.db).keys().cloned().collect())
            .unwrap_or_default()
    }

    pub fn document(&self, uri: &Uri) -> Option<&Document> {
        self.documents.get(&self.paths.path(uri))
    }

    /// A snapshot for a request about `uri`, when the document is open.
    pub fn snapshot(&self, uri: &Uri) -> Option<Snapshot> {
        let path = self.paths.path(uri);
        let document = self.documents.get(&path)?;
        let file =
            fab_compiler::db::Workspace::try_get(&self.db)?.files(&self.db).get(&path).copied()?;
        Some(Snapshot {
            db: self.db.clone(),
            file,
            text: document.analysed.clone(),
            lines: document.lines.clone(),
            paths: self.paths.clone(),
            open: Arc::new(self.open_files().into_iter().map(|open| open.file).collect()),
        })
    }

    /// The open documents whose file is loaded, in path order.
    pub fn open_files(&self) -> Vec<OpenFile> {
        let Some(workspace) = fab_compiler::db::Workspace::try_get(&self.db) else {
            return Vec::new();
        };
        let files = workspace.files(&self.db);
        self.documents
            .iter()
            .filter_map(|(path, document)| {
                Some(OpenFile {
                    uri: document.uri.clone(),
                    version: document.version,
                    file: files.get(path).copied()?,
                    text: document.analysed.clone(),
                    lines: document.lines.clone(),
                })
            })
            .collect()
    }

    /// A snapshot of the database alone, for requests about every file.
    pub fn database(&self) -> (Database, Paths) {
        (self.db.clone(), self.paths.clone())
    }
}

/// The paths of the `.fab` files under `folders`, each folder's files by name before its
/// subfolders (also by name), at most [`MAX_WORKSPACE_FILES`] of them from at most
/// [`MAX_WORKSPACE_FOLDERS`] folders, and whether there was more to look at. Hidden folders
/// (`.git`, …), `target` and `node_modules` are skipped, symbolic links are not followed, and the
/// copies of the standard library are left out (the built-in library is used).
/// It reads folders and no file, so it is called without the lock.
pub fn fab_files_in(folders: &[PathBuf], paths: &Paths) -> (Vec<String>, bool) {
    let mut found = Vec::new();
    let mut pending: Vec<PathBuf> = folders.iter().rev().cloned().collect();
    let mut visited = 0;
    while let Some(folder) = pending.pop() {
        if visited == MAX_WORKSPACE_FOLDERS {
            return (found, true);
        }
        visited += 1;
        let Ok(entries) = std::fs::read_dir(&folder) else { continue };
        let mut entries: Vec<(String, std::fs::FileType, PathBuf)> = entries
            .filter_map(Result::ok)
            .filter_map(|e| {
                Some((e.file_name().to_str()?.to_string(), e.file_type().ok()?, e.path()))
            })
            .collect();
        entries.sort_by(|a, b| a.0.cmp(&b.0));
        let mut subfolders = Vec::new();
        for (name, kind, path) in entries {
            if kind.is_dir() {
                if !name.starts_with('.') && name != "target" && name != "node_modules" {
                    subfolders.push(path);
                }
            } else if kind.is_file() && name.ends_with(".fab") {
                let in_library = paths.library.as_ref().is_some_and(|l| path.starts_with(l));
                if in_library {
                    continue;
                }
                if found.len() == MAX_WORKSPACE_FILES {
                    return (found, true);
                }
                found.push(path.to_string_lossy().replace('\\', "/"));
            }
        }
        pending.extend(subfolders.into_iter().rev());
    }
    (found, false)
}

/// Writes the standard library's files under `dir` (once; they are read-only copies).
fn write_library(dir: &Path) -> Option<PathBuf> {
    for (path, text) in fab_stdlib::library::FILES {
        let target = dir.join(path.strip_prefix("std/").unwrap_or(path));
        write_if_changed(&target, text).ok()?;
    }
    Some(dir.to_path_buf())
}

/// Writes the page of every diagnostic code under `dir`, returning the folder.
pub fn write_explain_pages(dir: &Path) -> Option<PathBuf> {
    for info in fab_compiler::diagnostic::CODES {
        write_if_changed(&dir.join(format!("{}.md", info.code)), info.page).ok()?;
    }
    Some(dir.to_path_buf())
}

fn write_if_changed(path: &Path, text: &str) -> std::io::Result<()> {
    if std::fs::read_to_string(path).is_ok_and(|existing| existing == text) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, text)
}

/// The folder the server writes its copies to: `$XDG_CACHE_HOME/fab-lsp/VERSION`, else
/// `~/.cache/…`, else the temporary folder.
pub fn cache_dir() -> PathBuf {
    let base = std::env::var_os("XDG_CACHE_HOME")
        .map(PathBuf::from)
        .filter(|p| p.is_absolute())
        .or_else(|| std::env::var_os("HOME").map(|home| PathBuf::from(home).join(".cache")))
        .unwrap_or_else(std::env::temp_dir);
    base.join("fab-lsp").join(env!("CARGO_PKG_VERSION"))
}
