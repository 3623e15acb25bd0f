//! `fab lsp`: the language server, over stdin and stdout (the `fab-lsp` crate).

use std::process::ExitCode;

pub fn run() -> ExitCode {
    match fab_lsp::run_stdio() {
        Ok(()) => ExitCode::SUCCESS,
        Err(reason) => {
            errln!("error: cannot start the language server: {reason}");
            ExitCode::from(2)
        }
    }
}
