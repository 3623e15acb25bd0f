//! `fab check`: diagnostics for each model, then a one-line summary.

use fab_compiler::diagnostic::Diagnostic;
use fab_compiler::{Database, check_model, load_model, render};
use std::process::ExitCode;

pub fn run(files: &[String], json: bool, verbose: bool) -> ExitCode {
    let mut db = Database::default();
    let mut errors = 0;
    let mut warnings = 0;
    let mut io_failure = false;
    // Every model is loaded before any is checked, so what one says (a name declared in a file it
    // does not import) does not depend on the order of the arguments.
    let mut roots = Vec::new();
    for path in files {
        match load_model(&mut db, path) {
            Ok(root) => roots.push((path, root)),
            Err(reason) => {
                errln!("error: cannot read `{path}`: {reason}");
                io_failure = true;
            }
        }
    }
    for (path, root) in roots {
        let diagnostics = check_model(&db, root);
        errors += diagnostics.iter().filter(|d| d.is_error()).count();
        warnings += diagnostics.iter().filter(|d| !d.is_error()).count();
        if json {
            out!("{}", render::render_json(&db, &diagnostics));
        } else {
            err!("{}", render::render_human(&db, &diagnostics, crate::use_color()));
            if verbose && !diagnostics.iter().any(Diagnostic::is_error) {
                let model = fab_compiler::lower::lower(&db, root);
                errln!(
                    "{path}: {} components, {} flows, {} products, {} experiments, {} scenarios",
                    model.graph.node_count(),
                    model.graph.edge_count(),
                    model.products.len(),
                    model.experiments.len(),
                    model.scenarios.len()
                );
                for line in fab_compiler::docs::fitted_report(&db, root) {
                    errln!("  {line}");
                }
            }
        }
    }
    if !json {
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        let checked = plural(files.len(), "file");
        if errors == 0 && warnings == 0 && !io_failure {
            errln!("checked {checked}: no problems");
        } else {
            errln!(
                "checked {checked}: {}, {}",
                plural(errors, "error"),
                plural(warnings, "warning")
            );
        }
    }
    if io_failure {
        ExitCode::from(2)
    } else if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}
