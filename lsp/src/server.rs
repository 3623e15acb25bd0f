//! The `LanguageServer` implementation: one short method per request, each a translation around
//! one IDE function.
//!
//! **Concurrency.** The state (database and documents) sits behind one mutex, held only to read
//! or write it, never across an `.await` and never while computing. A request takes a snapshot
//! (a clone of the salsa database, which shares its memoized results) and computes on a blocking
//! thread. An edit writes the new text into the database under the lock; salsa then cancels the
//! snapshots still computing and waits for them to drop, so a request that raced an edit
//! answers `ContentModified` and the editor asks again. A panic in an IDE function becomes an
//! internal error for that request, not the end of the server.
//!
//! **Diagnostics.** Edits only bump a generation counter and wake a worker; the worker waits
//! until the debounce delay has passed since the last edit arrived (applying an edit, which
//! parses the new text, takes part of that delay), checks the models of the open documents on a
//! snapshot and publishes, unless another edit came meanwhile, in which case it starts over. It
//! publishes to every open document, and to each file that is not open but has diagnostics in
//! one of those models (`diagnostics::open_files_diagnostics` decides); such a file is cleared
//! once it has none.

use fab_compiler::Database;
use fab_compiler::db::SourceFile;
use fab_compiler::ide::{
    actions, completion, diagnostics, folding, format, highlight, hover, inlay, navigation, outline,
};
use std::collections::BTreeMap;
use std::panic::AssertUnwindSafe;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, Instant};
use tokio::sync::Notify;
use tower_lsp_server::jsonrpc::{Error, Result};
use tower_lsp_server::ls_types as lsp;
use tower_lsp_server::{Client, LanguageServer};

use crate::convert::{self, FileText};
use crate::workspace::{
    MAX_WORKSPACE_FILES, MAX_WORKSPACE_FOLDERS, OpenFile, Paths, Snapshot, Workspace, cache_dir,
    fab_files_in, write_explain_pages,
};

/// The delay between the last edit and the diagnostics, when the client does not set one.
pub const DEFAULT_DIAGNOSTICS_DELAY: Duration = Duration::from_millis(10);

/// What the diagnostics worker shares with the edit handlers.
struct Edits {
    /// Bumped at every change to the documents.
    generation: AtomicU64,
    changed: Notify,
    /// When the latest edit arrived: the debounce delay runs from there, so the time an edit
    /// takes to apply (parsing the new text) counts towards it.
    last: Mutex<Instant>,
    delay: Mutex<Duration>,
}

/// The language server.
pub struct Backend {
    client: Client,
    state: Arc<Mutex<Workspace>>,
    edits: Arc<Edits>,
    /// Where the pages of `fab explain` were written, for the diagnostics' links.
    explain: Option<PathBuf>,
    /// Set once `shutdown` is answered: an `exit` then ends the process with success.
    shutdown: Arc<AtomicBool>,
    /// Whether the client lets the server register file watchers (set by `initialize`).
    can_register_watchers: AtomicBool,
}

fn lock<T>(mutex: &Mutex<T>) -> MutexGuard<'_, T> {
    mutex.lock().unwrap_or_else(|e| e.into_inner())
}

impl Backend {
    /// A server for `client`; it sets `shutdown` when the client asks it to shut down.
    pub fn new(client: Client, shutdown: Arc<AtomicBool>) -> Backend {
        let cache = cache_dir();
        Backend {
            client,
            state: Arc::new(Mutex::new(Workspace::new(Some(&cache)))),
            edits: Arc::new(Edits {
                generation: AtomicU64::new(0),
                changed: Notify::new(),
                last: Mutex::new(Instant::now()),
                delay: Mutex::new(DEFAULT_DIAGNOSTICS_DELAY),
            }),
            explain: write_explain_pages(&cache.join("explain")),
            shutdown,
            can_register_watchers: AtomicBool::new(false),
        }
    }

    fn state(&self) -> MutexGuard<'_, Workspace> {
        lock(&self.state)
    }

    /// Notes that an edit arrived (before applying it).
    fn editing(&self) {
        *lock(&self.edits.last) = Instant::now();
    }

    /// Wakes the diagnostics worker once an edit is applied.
    fn edited(&self) {
        self.edits.generation.fetch_add(1, Ordering::SeqCst);
        self.edits.changed.notify_one();
    }

    /// Brings the files that are not open up to date with the disk and loads the workspace
    /// folders' new files (on a blocking thread), for requests that answer about every file.
    async fn sync_with_disk(&self) {
        if sync_with_disk(self.state.clone()).await.0 {
            self.edited();
        }
    }

    /// Runs `f` on a snapshot of `uri`'s document on a blocking thread.
    async fn on_document<T: Send + 'static>(
        &self,
        uri: &lsp::Uri,
        f: impl FnOnce(&Snapshot) -> T + Send + 'static,
    ) -> Result<Option<T>> {
        let Some(snapshot) = self.state().snapshot(uri) else { return Ok(None) };
        compute(move || f(&snapshot)).await.map(Some)
    }

    /// The diagnostics worker: publishes every open document's diagnostics once edits pause.
    async fn publish_diagnostics_when_idle(
        client: Client,
        state: Arc<Mutex<Workspace>>,
        edits: Arc<Edits>,
        explain: Option<PathBuf>,
    ) {
        // The files that are not open to which the last round published diagnostics.
        let mut shown_not_open: BTreeMap<String, lsp::Uri> = BTreeMap::new();
        loop {
            edits.changed.notified().await;
            loop {
                let seen = edits.generation.load(Ordering::SeqCst);
                let quiet_from = *lock(&edits.last) + *lock(&edits.delay);
                tokio::time::sleep_until(tokio::time::Instant::from_std(quiet_from)).await;
                if edits.generation.load(Ordering::SeqCst) != seen {
                    continue;
                }
                let (db, paths, open) = {
                    let workspace = lock(&state);
                    let (db, paths) = workspace.database();
                    (db, paths, workspace.open_files())
                };
                let open_uris: Vec<String> =
                    open.iter().map(|o| o.uri.as_str().to_string()).collect();
                let explain = explain.clone();
                let computed =
                    compute(move || diagnostics_to_publish(&db, &paths, &open, explain.as_deref()))
                        .await;
                match computed {
                    Ok(published) if edits.generation.load(Ordering::SeqCst) == seen => {
                        let mut shown_now = BTreeMap::new();
                        for (uri, version, found) in published {
                            if version.is_none() {
                                shown_now.insert(uri.as_str().to_string(), uri.clone());
                            }
                            client.publish_diagnostics(uri, found, version).await;
                        }
                        // A file that is not open and showed diagnostics last time, but shows
                        // none now (fixed, or no open model imports it any more), is cleared.
                        for (key, uri) in &shown_not_open {
                            if !shown_now.contains_key(key) && !open_uris.contains(key) {
                                client.publish_diagnostics(uri.clone(), Vec::new(), None).await;
                            }
                        }
                        shown_not_open = shown_now;
                        break;
                    }
                    // Cancelled or outdated by an edit: start over once edits pause again.
                    _ => continue,
                }
            }
        }
    }
}

/// Brings the files that are not open up to date with the disk and loads the workspace folders'
/// `.fab` files, on a blocking thread: the folders are walked without the lock. Returns whether
/// anything changed and whether the folders held more than is loaded.
async fn sync_with_disk(state: Arc<Mutex<Workspace>>) -> (bool, bool) {
    let synced = tokio::task::spawn_blocking(move || {
        let (folders, paths) = lock(&state).folders();
        let (found, truncated) = fab_files_in(&folders, &paths);
        (lock(&state).sync_with_disk(&found), truncated)
    })
    .await;
    synced.unwrap_or((false, false))
}

/// The folders of the workspace: `workspaceFolders`, else `rootUri`, else `rootPath`; those that
/// are not local folders are left out.
#[allow(deprecated)] // `rootUri` and `rootPath`, which older clients send alone.
fn workspace_folders(params: &lsp::InitializeParams) -> Vec<PathBuf> {
    let from_uri = |uri: &lsp::Uri| {
        let is_file = uri.scheme().as_str().eq_ignore_ascii_case("file");
        uri.to_file_path().filter(|_| is_file).map(|path| path.into_owned())
    };
    match (&params.workspace_folders, &params.root_uri, &params.root_path) {
        (Some(folders), _, _) => folders.iter().filter_map(|f| from_uri(&f.uri)).collect(),
        (None, Some(root), _) => from_uri(root).into_iter().collect(),
        (None, None, Some(root)) => vec![PathBuf::from(root)],
        (None, None, None) => Vec::new(),
    }
}

/// The diagnostics to publish, given the open documents: for each open document (with its
/// version) and each file that is not open but has diagnostics in a model shown (without one),
/// in path order. The rule is `diagnostics::open_files_diagnostics`'.
fn diagnostics_to_publish(
    db: &Database,
    paths: &Paths,
    open: &[OpenFile],
    explain: Option<&Path>,
) -> Vec<(lsp::Uri, Option<i32>, Vec<lsp::Diagnostic>)> {
    let files: Vec<SourceFile> = open.iter().map(|o| o.file).collect();
    // One index of each file the diagnostics' labels point into, for the whole batch.
    let mut locations = convert::Locations::new(db, paths);
    diagnostics::open_files_diagnostics(db, &files)
        .into_iter()
        .filter_map(|(file, found)| {
            let (uri, version, text) = match open.iter().find(|o| o.file == file) {
                Some(o) => (
                    o.uri.clone(),
                    Some(o.version),
                    FileText { text: o.text.clone(), lines: o.lines.clone() },
                ),
                None => (paths.uri(file.path(db))?, None, FileText::of(db, file)),
            };
            let converted = found
                .iter()
                .map(|d| convert::diagnostic(&mut locations, &text, explain, d))
                .collect();
            Some((uri, version, converted))
        })
        .collect()
}

/// Runs `f` on a blocking thread, turning salsa's cancellation into `ContentModified` and a
/// panic into an internal error.
async fn compute<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    let task = tokio::task::spawn_blocking(move || salsa::Cancelled::catch(AssertUnwindSafe(f)));
    match task.await {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(_cancelled)) => Err(Error::content_modified()),
        Err(_panic) => Err(Error::internal_error()),
    }
}

/// What the server offers, given what the client supports.
fn capabilities(client: &lsp::ClientCapabilities) -> lsp::ServerCapabilities {
    // `RenameOptions` may only be sent to a client that supports `prepareRename`.
    let prepare_rename = client
        .text_document
        .as_ref()
        .and_then(|t| t.rename.as_ref())
        .and_then(|r| r.prepare_support)
        .unwrap_or(false);
    let rename_provider = if prepare_rename {
        lsp::OneOf::Right(lsp::RenameOptions {
            prepare_provider: Some(true),
            work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
        })
    } else {
        lsp::OneOf::Left(true)
    };
    lsp::ServerCapabilities {
        position_encoding: Some(lsp::PositionEncodingKind::UTF16),
        text_document_sync: Some(lsp::TextDocumentSyncCapability::Kind(
            lsp::TextDocumentSyncKind::INCREMENTAL,
        )),
        hover_provider: Some(lsp::HoverProviderCapability::Simple(true)),
        completion_provider: Some(lsp::CompletionOptions {
            trigger_characters: Some(
                [".", ">", "(", ",", "=", ":", " "].iter().map(|c| c.to_string()).collect(),
            ),
            ..lsp::CompletionOptions::default()
        }),
        definition_provider: Some(lsp::OneOf::Left(true)),
        references_provider: Some(lsp::OneOf::Left(true)),
        document_highlight_provider: Some(lsp::OneOf::Left(true)),
        document_symbol_provider: Some(lsp::OneOf::Left(true)),
        workspace_symbol_provider: Some(lsp::OneOf::Left(true)),
        code_action_provider: Some(lsp::CodeActionProviderCapability::Options(
            lsp::CodeActionOptions {
                code_action_kinds: Some(vec![lsp::CodeActionKind::QUICKFIX]),
                ..lsp::CodeActionOptions::default()
            },
        )),
        document_formatting_provider: Some(lsp::OneOf::Left(true)),
        rename_provider: Some(rename_provider),
        folding_range_provider: Some(lsp::FoldingRangeProviderCapability::Simple(true)),
        semantic_tokens_provider: Some(
            lsp::SemanticTokensServerCapabilities::SemanticTokensOptions(
                lsp::SemanticTokensOptions {
                    legend: convert::semantic_tokens_legend(),
                    full: Some(lsp::SemanticTokensFullOptions::Bool(true)),
                    range: None,
                    work_done_progress_options: lsp::WorkDoneProgressOptions::default(),
                },
            ),
        ),
        inlay_hint_provider: Some(lsp::OneOf::Left(true)),
        ..lsp::ServerCapabilities::default()
    }
}

impl LanguageServer for Backend {
    async fn initialize(&self, params: lsp::InitializeParams) -> Result<lsp::InitializeResult> {
        // `initializationOptions: { "diagnosticsDelay": milliseconds }`.
        if let Some(ms) = params
            .initialization_options
            .as_ref()
            .and_then(|o| o.get("diagnosticsDelay"))
            .and_then(|v| v.as_u64())
        {
            *lock(&self.edits.delay) = Duration::from_millis(ms.min(10_000));
        }
        let can_register_watchers = params
            .capabilities
            .workspace
            .as_ref()
            .and_then(|w| w.did_change_watched_files.as_ref())
            .and_then(|w| w.dynamic_registration)
            .unwrap_or(false);
        self.can_register_watchers.store(can_register_watchers, Ordering::SeqCst);
        self.state().set_folders(workspace_folders(&params));
        Ok(lsp::InitializeResult {
            capabilities: capabilities(&params.capabilities),
            server_info: Some(lsp::ServerInfo {
                name: "fab".to_string(),
                version: Some(env!("CARGO_PKG_VERSION").to_string()),
            }),
            offset_encoding: None,
        })
    }

    async fn initialized(&self, _: lsp::InitializedParams) {
        tokio::spawn(Backend::publish_diagnostics_when_idle(
            self.client.clone(),
            self.state.clone(),
            self.edits.clone(),
            self.explain.clone(),
        ));
        // Load the `.fab` files of the workspace folders, for references and rename.
        let (state, edits, client) = (self.state.clone(), self.edits.clone(), self.client.clone());
        tokio::spawn(async move {
            let (changed, truncated) = sync_with_disk(state).await;
            if changed {
                edits.generation.fetch_add(1, Ordering::SeqCst);
                edits.changed.notify_one();
            }
            if truncated {
                let message = format!(
                    "fab: the workspace folders hold more than {MAX_WORKSPACE_FILES} .fab files \
                     or {MAX_WORKSPACE_FOLDERS} folders; references and rename cover the files \
                     found before that and the files that open models import"
                );
                client.show_message(lsp::MessageType::WARNING, message).await;
            }
        });
        // Ask the client to report changes to `.fab` and `.csv` files on disk, so that an
        // imported file or a data file is read again in any editor, not only where an
        // extension watches files itself.
        if self.can_register_watchers.load(Ordering::SeqCst) {
            let client = self.client.clone();
            tokio::spawn(async move {
                let watch = |pattern: &str| lsp::FileSystemWatcher {
                    glob_pattern: lsp::GlobPattern::String(pattern.to_string()),
                    kind: None,
                };
                let options = lsp::DidChangeWatchedFilesRegistrationOptions {
                    watchers: vec![watch("**/*.fab"), watch("**/*.csv")],
                };
                let registration = lsp::Registration {
                    id: "fab-watch-fab-files".to_string(),
                    method: "workspace/didChangeWatchedFiles".to_string(),
                    register_options: serde_json::to_value(options).ok(),
                };
                // A client that refuses leaves things as they were; nothing else to do.
                let _ = client.register_capability(vec![registration]).await;
            });
        }
    }

    async fn shutdown(&self) -> Result<()> {
        self.shutdown.store(true, Ordering::SeqCst);
        Ok(())
    }

    async fn did_open(&self, params: lsp::DidOpenTextDocumentParams) {
        self.editing();
        let document = params.text_document;
        self.state().set_document(document.uri, document.version, document.text);
        self.edited();
    }

    async fn did_change(&self, params: lsp::DidChangeTextDocumentParams) {
        self.editing();
        let uri = params.text_document.uri;
        {
            let mut state = self.state();
            let Some(document) = state.document(&uri) else { return };
            let mut text = document.text.as_ref().clone();
            for change in params.content_changes {
                match change.range {
                    Some(range) => {
                        let lines = crate::position::LineIndex::new(&text);
                        let start = lines.offset(&text, range.start) as usize;
                        let end = (lines.offset(&text, range.end) as usize).max(start);
                        text.replace_range(start..end, &change.text);
                    }
                    None => text = change.text,
                }
            }
            state.set_document(uri, params.text_document.version, text);
        }
        self.edited();
    }

    async fn did_close(&self, params: lsp::DidCloseTextDocumentParams) {
        self.editing();
        let uri = params.text_document.uri;
        self.state().close_document(&uri);
        self.client.publish_diagnostics(uri, Vec::new(), None).await;
        self.edited();
    }

    async fn did_change_watched_files(&self, params: lsp::DidChangeWatchedFilesParams) {
        self.editing();
        let uris: Vec<lsp::Uri> = params.changes.into_iter().map(|event| event.uri).collect();
        let changed = self.state().files_changed_on_disk(&uris);
        if changed {
            self.edited();
        }
    }

    async fn hover(&self, params: lsp::HoverParams) -> Result<Option<lsp::Hover>> {
        let at = params.text_document_position_params;
        let position = at.position;
        let found = self
            .on_document(&at.text_document.uri, move |s| {
                let offset = s.lines.offset(&s.text, position);
                let found = hover::hover(&s.db, s.file, offset)?;
                Some(lsp::Hover {
                    contents: lsp::HoverContents::Markup(lsp::MarkupContent {
                        kind: lsp::MarkupKind::Markdown,
                        value: found.markdown,
                    }),
                    range: Some(s.lines.range(&s.text, found.span.start, found.span.end)),
                })
            })
            .await?;
        Ok(found.flatten())
    }

    async fn goto_definition(
        &self,
        params: lsp::GotoDefinitionParams,
    ) -> Result<Option<lsp::GotoDefinitionResponse>> {
        let at = params.text_document_position_params;
        let position = at.position;
        let found = self
            .on_document(&at.text_document.uri, move |s| {
                let offset = s.lines.offset(&s.text, position);
                let mut locations = convert::Locations::new(&s.db, &s.paths);
                navigation::goto_definition(&s.db, s.file, offset)
                    .into_iter()
                    .filter_map(|target| locations.location(target))
                    .collect::<Vec<_>>()
            })
            .await?;
        Ok(found.filter(|l| !l.is_empty()).map(lsp::GotoDefinitionResponse::Array))
    }

    async fn references(&self, params: lsp::ReferenceParams) -> Result<Option<Vec<lsp::Location>>> {
        self.sync_with_disk().await;
        let at = params.text_document_position;
        let position = at.position;
        let include = params.context.include_declaration;
        self.on_document(&at.text_document.uri, move |s| {
            let offset = s.lines.offset(&s.text, position);
            let mut locations = convert::Locations::new(&s.db, &s.paths);
            navigation::find_references(&s.db, s.file, offset, include)
                .into_iter()
                .filter_map(|r| {
                    locations.location(fab_compiler::ide::FileSpan { file: r.file, span: r.span })
                })
                .collect()
        })
        .await
    }

    async fn document_highlight(
        &self,
        params: lsp::DocumentHighlightParams,
    ) -> Result<Option<Vec<lsp::DocumentHighlight>>> {
        let at = params.text_document_position_params;
        let position = at.position;
        self.on_document(&at.text_document.uri, move |s| {
            let offset = s.lines.offset(&s.text, position);
            navigation::highlights(&s.db, s.file, offset)
                .into_iter()
                .map(|r| lsp::DocumentHighlight {
                    range: s.lines.range(&s.text, r.span.start, r.span.end),
                    kind: Some(if r.is_definition {
                        lsp::DocumentHighlightKind::WRITE
                    } else {
                        lsp::DocumentHighlightKind::READ
                    }),
                })
                .collect()
        })
        .await
    }

    async fn prepare_rename(
        &self,
        params: lsp::TextDocumentPositionParams,
    ) -> Result<Option<lsp::PrepareRenameResponse>> {
        let position = params.position;
        let found = self
            .on_document(&params.text_document.uri, move |s| {
                let offset = s.lines.offset(&s.text, position);
                navigation::prepare_rename(&s.db, s.file, offset)
                    .map(|span| s.lines.range(&s.text, span.start, span.end))
            })
            .await?;
        match found {
            Some(Ok(range)) => Ok(Some(lsp::PrepareRenameResponse::Range(range))),
            Some(Err(refused)) => Err(Error::invalid_params(refused.0)),
            None => Ok(None),
        }
    }

    async fn rename(&self, params: lsp::RenameParams) -> Result<Option<lsp::WorkspaceEdit>> {
        // The edits to files that are not open apply to the disk: compute them on its text.
        self.sync_with_disk().await;
        let at = params.text_document_position;
        let position = at.position;
        let new_name = params.new_name;
        let found = self
            .on_document(&at.text_document.uri, move |s| {
                let offset = s.lines.offset(&s.text, position);
                navigation::rename(&s.db, s.file, offset, &new_name)
                    .map(|change| convert::workspace_edit(&s.db, &s.paths, &change))
            })
            .await?;
        match found {
            Some(Ok(edit)) => Ok(Some(edit)),
            Some(Err(refused)) => Err(Error::invalid_params(refused.0)),
            None => Ok(None),
        }
    }

    async fn document_symbol(
        &self,
        params: lsp::DocumentSymbolParams,
    ) -> Result<Option<lsp::DocumentSymbolResponse>> {
        let found = self
            .on_document(&params.text_document.uri, move |s| {
                let text = FileText { text: s.text.clone(), lines: s.lines.clone() };
                outline::document_symbols(&s.db, s.file)
                    .iter()
                    .map(|item| convert::document_symbol(&text, item))
                    .collect()
            })
            .await?;
        Ok(found.map(lsp::DocumentSymbolResponse::Nested))
    }

    async fn symbol(
        &self,
        params: lsp::WorkspaceSymbolParams,
    ) -> Result<Option<lsp::WorkspaceSymbolResponse>> {
        let (db, paths) = self.state().database();
        let query = params.query;
        let found = compute(move || {
            let mut locations = convert::Locations::new(&db, &paths);
            outline::workspace_symbols(&db, &query, 256)
                .iter()
                .filter_map(|symbol| convert::workspace_symbol(&mut locations, symbol))
                .collect()
        })
        .await?;
        Ok(Some(lsp::WorkspaceSymbolResponse::Nested(found)))
    }

    async fn completion(
        &self,
        params: lsp::CompletionParams,
    ) -> Result<Option<lsp::CompletionResponse>> {
        let at = params.text_document_position;
        let position = at.position;
        let found = self
            .on_document(&at.text_document.uri, move |s| {
                let offset = s.lines.offset(&s.text, position);
                let text = FileText { text: s.text.clone(), lines: s.lines.clone() };
                completion::completions(&s.db, s.file, offset)
                    .iter()
                    .enumerate()
                    .map(|(index, item)| convert::completion_item(&text, index, item))
                    .collect::<Vec<_>>()
            })
            .await?;
        Ok(found.map(lsp::CompletionResponse::Array))
    }

    async fn inlay_hint(
        &self,
        params: lsp::InlayHintParams,
    ) -> Result<Option<Vec<lsp::InlayHint>>> {
        let range = params.range;
        self.on_document(&params.text_document.uri, move |s| {
            let start = s.lines.offset(&s.text, range.start);
            let end = s.lines.offset(&s.text, range.end);
            let text = FileText { text: s.text.clone(), lines: s.lines.clone() };
            inlay::inlay_hints(&s.db, s.file, fab_compiler::ide::Span { start, end })
                .iter()
                .map(|hint| convert::inlay_hint(&text, hint))
                .collect()
        })
        .await
    }

    async fn code_action(
        &self,
        params: lsp::CodeActionParams,
    ) -> Result<Option<lsp::CodeActionResponse>> {
        let range = params.range;
        let explain = self.explain.clone();
        self.on_document(&params.text_document.uri, move |s| {
            let start = s.lines.offset(&s.text, range.start);
            let end = s.lines.offset(&s.text, range.end);
            let text = FileText { text: s.text.clone(), lines: s.lines.clone() };
            let mut locations = convert::Locations::new(&s.db, &s.paths);
            actions::code_actions(&s.db, s.file, fab_compiler::ide::Span { start, end }, &s.open)
                .iter()
                .map(|action| {
                    let diagnostic = convert::diagnostic(
                        &mut locations,
                        &text,
                        explain.as_deref(),
                        &action.diagnostic,
                    );
                    lsp::CodeActionOrCommand::CodeAction(lsp::CodeAction {
                        title: action.title.clone(),
                        kind: Some(lsp::CodeActionKind::QUICKFIX),
                        diagnostics: Some(vec![diagnostic]),
                        edit: Some(convert::workspace_edit(&s.db, &s.paths, &action.change)),
                        is_preferred: Some(action.is_preferred),
                        ..lsp::CodeAction::default()
                    })
                })
                .collect()
        })
        .await
    }

    async fn semantic_tokens_full(
        &self,
        params: lsp::SemanticTokensParams,
    ) -> Result<Option<lsp::SemanticTokensResult>> {
        let found = self
            .on_document(&params.text_document.uri, move |s| {
                let text = FileText { text: s.text.clone(), lines: s.lines.clone() };
                convert::semantic_tokens(&text, &highlight::semantic_tokens(&s.db, s.file))
            })
            .await?;
        Ok(found.map(|data| {
            lsp::SemanticTokensResult::Tokens(lsp::SemanticTokens { result_id: None, data })
        }))
    }

    async fn folding_range(
        &self,
        params: lsp::FoldingRangeParams,
    ) -> Result<Option<Vec<lsp::FoldingRange>>> {
        self.on_document(&params.text_document.uri, move |s| {
            let text = FileText { text: s.text.clone(), lines: s.lines.clone() };
            folding::folding_ranges(&s.db, s.file)
                .iter()
                .filter_map(|fold| convert::folding_range(&text, fold))
                .collect()
        })
        .await
    }

    async fn formatting(
        &self,
        params: lsp::DocumentFormattingParams,
    ) -> Result<Option<Vec<lsp::TextEdit>>> {
        let found = self
            .on_document(&params.text_document.uri, move |s| {
                format::format_file(&s.db, s.file).map(|edit| {
                    edit.map(|edit| lsp::TextEdit {
                        range: s.lines.range(&s.text, edit.span.start, edit.span.end),
                        new_text: edit.replacement,
                    })
                })
            })
            .await?;
        match found {
            Some(Ok(edit)) => Ok(Some(edit.into_iter().collect())),
            // A file with syntax errors is not formatted; its diagnostics say why.
            Some(Err(_)) | None => Ok(None),
        }
    }
}
