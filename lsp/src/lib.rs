//! The `.fab` language server: `fab lsp` speaks the Language Server Protocol over stdio.
//!
//! This crate is transport and translation only (ARCHITECTURE.md): it keeps the open documents
//! in sync with the compiler's database, maps positions between the protocol's lines and UTF-16
//! columns and the compiler's byte offsets, debounces diagnostics, and converts what the
//! compiler's protocol-free IDE functions (`fab_compiler::ide`) return into protocol types. What
//! to show — a hover's text, which completions, which quick fixes — is decided there, not here.
//!
//! | module | owns |
//! | --- | --- |
//! | `server` | the `LanguageServer` methods, snapshots and cancellation, the diagnostics worker |
//! | `workspace` | the database, the open documents over the disk, URIs and paths |
//! | `position` | byte offsets against lines and UTF-16 columns |
//! | `convert` | IDE data to protocol types |
//! | `transport` | the framing layer before the library: malformed messages, `$/` requests, how a session ended |
//!
//! Built on `tower-lsp-server`, the maintained continuation of `tower-lsp`.

mod convert;
pub mod position;
mod server;
mod transport;
mod workspace;

pub use server::{Backend, DEFAULT_DIAGNOSTICS_DELAY};
use std::sync::Arc;
use std::sync::atomic::AtomicBool;
use tower_lsp_server::{LspService, Server};
pub use transport::SessionEnd;

/// Serves the protocol over `input` and `output` until the client exits or the input ends, and
/// says how the session ended. The client's messages pass through the framing layer of
/// `transport` before the library sees them.
pub async fn serve<I, O>(input: I, output: O) -> SessionEnd
where
    I: tokio::io::AsyncRead + Unpin,
    O: tokio::io::AsyncWrite + Unpin,
{
    let shutdown = Arc::new(AtomicBool::new(false));
    let (service, socket) = {
        let shutdown = shutdown.clone();
        LspService::new(move |client| Backend::new(client, shutdown))
    };
    transport::serve_framed(input, output, shutdown, |library_input, library_output| {
        Server::new(library_input, library_output, socket).serve(service)
    })
    .await
}

/// Runs the server on stdin and stdout; returns how the session ended, or the reason the
/// runtime could not start.
pub fn run_stdio() -> Result<SessionEnd, String> {
    // The compiler runs on the blocking threads, which need its stack as `fab` itself does.
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_io()
        .enable_time()
        .thread_stack_size(fab_grammar::lexer::STACK_SIZE)
        // Each reserves that stack (mapped only as used): a few suffice for one editor, and
        // tokio's default of 512 would reserve 128 GiB of address space.
        .max_blocking_threads(8)
        .build()
        .map_err(|error| error.to_string())?;
    let ended = runtime.block_on(serve(tokio::io::stdin(), tokio::io::stdout()));
    // Reading stdin blocks a thread that cannot be interrupted; do not wait for it.
    runtime.shutdown_background();
    Ok(ended)
}
