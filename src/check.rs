//! `fab check`: diagnostics for each model, then a one-line summary.

use fab_compiler::diagnostic::Diagnostic;
use fab_compiler::{Database, check_model, load_model, render};
use std::process::ExitCode;

pub fn run(files: &[String], json: bool, verbose: bool) -> ExitCode {
    let mut db = Database::default();
    let mut errors = 0;
    let mut warnings = 0;
    // The files that could not be read: said at once, in JSON as an object of their own, and
    // counted apart in the summary, which counts the errors of the models that were checked.
    let mut unreadable = 0;
    // Every model is loaded before any is checked, so what one says (a name declared in a file it
    // does not import) does not depend on the order of the arguments.
    let mut roots = Vec::new();
    for path in files {
        match load_model(&mut db, path) {
            Ok(root) => roots.push((path, root)),
            Err(error) => {
                if json {
                    out!("{}", render::render_json_unreadable(path, &error));
                } else {
                    errln!("error: cannot read `{path}`: {error}");
                }
                unreadable += 1;
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
        errln!("{}", summary(files.len() - unreadable, errors, warnings, unreadable));
    }
    crate::keep_until_exit(db);
    if unreadable > 0 {
        ExitCode::from(2)
    } else if errors > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    }
}

/// `checked 2 files: 1 error, 0 warnings; 1 file could not be read`: the files that could not
/// be read are not counted as checked, nor their reasons as the models' errors.
fn summary(checked: usize, errors: usize, warnings: usize, unreadable: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    let mut parts = Vec::new();
    if checked > 0 {
        let problems = if errors == 0 && warnings == 0 {
            "no problems".to_string()
        } else {
            format!("{}, {}", plural(errors, "error"), plural(warnings, "warning"))
        };
        parts.push(format!("checked {}: {problems}", plural(checked, "file")));
    }
    if unreadable > 0 {
        parts.push(format!("{} could not be read", plural(unreadable, "file")));
    }
    parts.join("; ")
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_summary_counts_unreadable_files_apart() {
        // An unreadable file was counted as checked, with "0 errors, 0 warnings", exiting 2.
        assert_eq!(super::summary(0, 0, 0, 1), "1 file could not be read");
        assert_eq!(super::summary(1, 0, 0, 0), "checked 1 file: no problems");
        assert_eq!(
            super::summary(2, 1, 0, 2),
            "checked 2 files: 1 error, 0 warnings; 2 files could not be read"
        );
        assert_eq!(
            super::summary(1, 0, 0, 1),
            "checked 1 file: no problems; 1 file could not be read"
        );
    }
}
