//! `fab explain CODE`: the long page of a diagnostic code.

use fab_compiler::diagnostic::{CODES, code_info};
use std::process::ExitCode;

pub fn run(code: Option<&str>) -> ExitCode {
    let Some(code) = code else {
        for info in CODES {
            outln!("{}  {}", info.code, info.summary);
        }
        return ExitCode::SUCCESS;
    };
    match code_info(code) {
        Some(info) => {
            out!("{}", info.page);
            ExitCode::SUCCESS
        }
        None => {
            errln!("error: no diagnostic code `{code}`");
            errln!("help: `fab explain` with no code lists them all");
            ExitCode::from(2)
        }
    }
}
