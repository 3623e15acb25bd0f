//! Which files make up a model and which declarations each file sees.
//!
//! A model is its root file and every file reachable through `import`. A file sees its own
//! declarations and those of every file its imports bring in, directly or through their own
//! imports: what a file sees is exactly what it would bring into a model, so a name that joins the
//! model (and counts for clashes) through an import can also be named. Names are unique across the
//! whole model, which `validate` checks; lookups here return the first declaration of a name, the
//! file's own before imported ones.
//!
//! An import path is relative to the importing file's folder, except `std/…`, which names the
//! standard library shipped inside fab. A file is known by one key however its path is spelled
//! ([`Db::file_key`]: its absolute path), and keeps the spelling it was first met by, which
//! diagnostics show.

use crate::db::{Db, SourceFile, Workspace};
use crate::syntax::{ItemClass, ItemKey, item_index};
use std::collections::BTreeMap;

/// A declaration somewhere in the model.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Declaration {
    pub name: String,
    pub file: SourceFile,
    pub key: ItemKey,
    pub class: ItemClass,
}

impl Declaration {
    /// Whether `location` lies in this declaration's item: what a scenario writes itself, as
    /// against what it inherits from the model.
    pub fn writes(&self, location: &crate::diagnostic::Location) -> bool {
        location.file == self.file && location.item.as_ref() == Some(&self.key)
    }
}

/// The declarations one file sees, by name.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct Scope {
    pub names: BTreeMap<String, Vec<Declaration>>,
}

impl Scope {
    pub fn lookup(&self, name: &str) -> Option<&Declaration> {
        self.names.get(name).and_then(|declarations| declarations.first())
    }

    /// Every name, for "did you mean" suggestions.
    pub fn names(&self) -> impl Iterator<Item = &str> {
        self.names.keys().map(String::as_str)
    }
}

/// The path of the file an import names, seen from the file at `from_path`. `std/…` names a file
/// of the standard library; any other path is relative to the importing file's folder (a
/// library file's own imports stay in the library). A folder of the user's named `std` keeps
/// the `./` it is written with, so it is never taken for the library.
pub fn import_target(from_path: &str, import: &str) -> String {
    if import.starts_with("std/") {
        return normalize(import);
    }
    let target = relative_to(from_path, import);
    if is_library_path(from_path) { target } else { disk_path(&target) }
}

/// The normalized path a file names when it writes `path` (an import, a data file): relative to
/// its own folder, or absolute as written.
pub fn relative_to(from_path: &str, path: &str) -> String {
    let folder = match from_path.rfind('/') {
        Some(index) => &from_path[..index],
        None => "",
    };
    if folder.is_empty() || path.starts_with('/') {
        normalize(path)
    } else {
        normalize(&format!("{folder}/{path}"))
    }
}

/// Whether `path` names a file of the standard library shipped inside fab.
pub fn is_library_path(path: &str) -> bool {
    path.starts_with("std/")
}

/// A path of a file on the disk (the command line's model, a user's import), normalized, and
/// never one of the library's.
fn disk_path(path: &str) -> String {
    let path = normalize(path);
    if is_library_path(&path) { format!("./{path}") } else { path }
}

/// Removes `.` segments and folds `dir/..`.
pub fn normalize(path: &str) -> String {
    let absolute = path.starts_with('/');
    let mut parts: Vec<&str> = Vec::new();
    for part in path.split('/') {
        match part {
            "" | "." => {}
            ".." if parts.last().is_some_and(|last| *last != "..") => {
                parts.pop();
            }
            _ => parts.push(part),
        }
    }
    let joined = parts.join("/");
    if absolute { format!("/{joined}") } else { joined }
}

/// The file an import of `file` names, when it is loaded.
pub fn resolve_import(db: &dyn Db, file: SourceFile, import: &str) -> Option<SourceFile> {
    let key = db.file_key(&import_target(file.path(db), import));
    Workspace::try_get(db).and_then(|workspace| workspace.files(db).get(&key).copied())
}

/// The files of the model rooted at `root`, root first, then imports in the order met.
#[salsa::tracked(returns(ref))]
pub fn model_files(db: &dyn Db, root: SourceFile) -> Vec<SourceFile> {
    let mut files = vec![root];
    let mut next = 0;
    while next < files.len() {
        let file = files[next];
        next += 1;
        for entry in item_index(db, file) {
            if let Some(import) = &entry.import
                && let Some(target) = resolve_import(db, file, import)
                && !files.contains(&target)
            {
                files.push(target);
            }
        }
    }
    files
}

/// The model's files with every file after the files it imports (imports in the order written),
/// as if each import were replaced by the file it names: the order in which declarations are
/// defined. A name an importing file declares again is the redefinition, and the model's
/// declarations, flows and experiments come in this order (the first experiment is the first
/// one defined).
#[salsa::tracked(returns(ref))]
pub fn files_in_definition_order(db: &dyn Db, root: SourceFile) -> Vec<SourceFile> {
    fn visit(db: &dyn Db, file: SourceFile, seen: &mut Vec<SourceFile>, out: &mut Vec<SourceFile>) {
        if seen.contains(&file) {
            return;
        }
        seen.push(file);
        for entry in item_index(db, file) {
            if let Some(import) = &entry.import
                && let Some(target) = resolve_import(db, file, import)
            {
                visit(db, target, seen, out);
            }
        }
        out.push(file);
    }
    let (mut seen, mut out) = (Vec::new(), Vec::new());
    visit(db, root, &mut seen, &mut out);
    out
}

/// A file of the workspace, other than `file` and the files it sees, that declares `name`: where
/// to point when a name cannot be found because its file is not imported.
pub fn declared_out_of_sight(db: &dyn Db, file: SourceFile, name: &str) -> Option<SourceFile> {
    let workspace = Workspace::try_get(db)?;
    let visible = model_files(db, file);
    workspace.files(db).values().copied().find(|other| {
        !visible.contains(other)
            && item_index(db, *other).iter().any(|entry| {
                entry.key.name == name
                    && matches!(entry.class, ItemClass::Decl(_) | ItemClass::Template)
            })
    })
}

/// The declarations `file` sees: its own, then those of the files its imports bring in,
/// transitively, in the order [`model_files`] meets them.
#[salsa::tracked(returns(ref))]
pub fn scope(db: &dyn Db, file: SourceFile) -> Scope {
    let mut scope = Scope::default();
    let add_file = |scope: &mut Scope, source: SourceFile| {
        for entry in item_index(db, source) {
            // A route shares its component's name; it is not a declaration of its own to look up.
            let is_route = entry.class == ItemClass::Decl(fab_grammar::ast::DeclKind::Route);
            if matches!(entry.class, ItemClass::Decl(_) | ItemClass::Template) && !is_route {
                scope.names.entry(entry.key.name.clone()).or_default().push(Declaration {
                    name: entry.key.name.clone(),
                    file: source,
                    key: entry.key.clone(),
                    class: entry.class,
                });
            }
        }
    };
    for &source in model_files(db, file) {
        add_file(&mut scope, source);
    }
    scope
}

/// Why the `.fab` file an import names could not be read, when it is there but unreadable (not
/// UTF-8, a folder, …); `None` when it is loaded, or not there at all.
pub fn unreadable_import(db: &dyn Db, file: SourceFile, import: &str) -> Option<String> {
    let key = db.file_key(&import_target(file.path(db), import));
    Workspace::try_get(db).and_then(|workspace| workspace.unreadable(db).get(&key).cloned())
}

/// Loads a model: reads `root_path` and every file it imports (transitively) through the
/// database's file system and registers them in the workspace. Returns the root, or why the root
/// could not be read; an import that cannot be read is reported by the checker (E0104), with the
/// reason kept here when the file is there ([`unreadable_import`]).
pub fn load_model(
    db: &mut crate::db::Database,
    root_path: &str,
) -> Result<SourceFile, crate::db::ReadError> {
    let root_path = disk_path(root_path);
    let text = db.file_system().read_to_string(&root_path)?;
    let root = set_file(db, &root_path, text);
    let mut pending = vec![root];
    while let Some(file) = pending.pop() {
        let imports: Vec<String> =
            item_index(db, file).iter().filter_map(|entry| entry.import.clone()).collect();
        for import in imports {
            let target = import_target(file.path(db), &import);
            let key = db.file_key(&target);
            if Workspace::try_get(db).is_some_and(|w| w.files(db).contains_key(&key)) {
                continue;
            }
            // A `std/…` path the library does not have is not looked for on the disk, nor is a
            // file that is not a model (the checker says so at the import).
            let text = if !target.ends_with(".fab") {
                None
            } else if is_library_path(&target) {
                fab_stdlib::library::file(&target).map(str::to_string)
            } else {
                match db.file_system().read_to_string(&target) {
                    Ok(text) => Some(text),
                    Err(error) => {
                        let reason = (!error.missing).then_some(error.reason);
                        set_unreadable(db, &key, reason);
                        None
                    }
                }
            };
            if let Some(text) = text {
                pending.push(set_file(db, &target, text));
            }
        }
    }
    Ok(root)
}

/// The workspace, created empty the first time.
fn workspace(db: &mut crate::db::Database) -> Workspace {
    match Workspace::try_get(db) {
        Some(workspace) => workspace,
        None => Workspace::new(db, BTreeMap::new(), BTreeMap::new()),
    }
}

/// Records why the file of workspace key `key` could not be read, or (`None`) that there is
/// nothing to say: it was read, or it is not there.
fn set_unreadable(db: &mut crate::db::Database, key: &str, reason: Option<String>) {
    use salsa::Setter;
    let workspace = workspace(db);
    if workspace.unreadable(db).get(key) == reason.as_ref() {
        return;
    }
    let mut unreadable = workspace.unreadable(db).clone();
    match reason {
        Some(reason) => unreadable.insert(key.to_string(), reason),
        None => unreadable.remove(key),
    };
    workspace.set_unreadable(db).to(unreadable);
}

/// Registers (or updates) a source file in the workspace and returns it.
/// A file already loaded under another spelling of its path keeps its first one.
pub fn set_file(db: &mut crate::db::Database, path: &str, text: String) -> SourceFile {
    use salsa::Setter;
    let workspace = workspace(db);
    let key = db.file_key(path);
    set_unreadable(db, &key, None);
    if let Some(file) = workspace.files(db).get(&key).copied() {
        if file.text(db) != &text {
            file.set_text(db).to(text);
        }
        return file;
    }
    let file = SourceFile::new(db, path.to_string(), text);
    let mut files = workspace.files(db).clone();
    files.insert(key, file);
    workspace.set_files(db).to(files);
    file
}

/// Takes the file at `path` out of the workspace (it was deleted): a model that imports it then
/// reports the import unresolved.
pub fn remove_file(db: &mut crate::db::Database, path: &str) {
    use salsa::Setter;
    let Some(workspace) = Workspace::try_get(db) else { return };
    let key = db.file_key(path);
    if !workspace.files(db).contains_key(&key) {
        return;
    }
    let mut files = workspace.files(db).clone();
    files.remove(&key);
    workspace.set_files(db).to(files);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn import_paths_are_relative_to_the_importing_file() {
        assert_eq!(import_target("examples/line.fab", "cells.fab"), "examples/cells.fab");
        assert_eq!(import_target("examples/line.fab", "../lib/a.fab"), "lib/a.fab");
        assert_eq!(import_target("line.fab", "./a.fab"), "a.fab");
        assert_eq!(import_target("examples/line.fab", "std/equipment.fab"), "std/equipment.fab");
        // A folder of one's own named `std` is not the library.
        assert_eq!(import_target("line.fab", "./std/equipment.fab"), "./std/equipment.fab");
        assert_eq!(import_target("./std/a.fab", "b.fab"), "./std/b.fab");
        // The library's own imports stay in it.
        assert_eq!(import_target("std/a.fab", "b.fab"), "std/b.fab");
        assert_eq!(disk_path("std/a.fab"), "./std/a.fab");
    }
}
