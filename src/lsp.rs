//! `fab lsp`: the language server, over stdin and stdout (the `fab-lsp` crate).
//!
//! The exit status follows LSP 3.17: 0 after `shutdown` then `exit`, 1 when the session ended
//! any other way (an `exit` without `shutdown`, the input closed, an unreadable frame), with the
//! reason on stderr, and 2 when the server could not start.

use std::process::ExitCode;

pub fn run() -> ExitCode {
    match fab_lsp::run_stdio() {
        Ok(ended) if ended.is_success() => ExitCode::SUCCESS,
        Ok(ended) => {
            errln!("error: the language server stopped: {ended}");
            ExitCode::from(1)
        }
        Err(reason) => {
            errln!("error: cannot start the language server: {reason}");
            ExitCode::from(2)
        }
    }
}
