//! Reports and reference text generated from the checked model and the stdlib declarations.

use crate::check::check_item;
use crate::db::{Db, SourceFile};
use crate::scope::model_files;
use crate::syntax::{item_index, item_syntax};
use fab_grammar::ast::{ExprKind, ItemKind, MemberKind};

/// One line per `fit(…)` in the model: where it is and the distribution it chose.
pub fn fitted_report(db: &dyn Db, root: SourceFile) -> Vec<String> {
    let mut lines = Vec::new();
    for &file in model_files(db, root) {
        for entry in item_index(db, file) {
            let Some(item) = item_syntax(db, file, entry.key.clone()).clone() else { continue };
            let ItemKind::Decl(decl) = &item.kind else { continue };
            let Some(body) = &decl.body else { continue };
            let checked = check_item(db, file, entry.key.clone());
            for member in &body.members {
                if let MemberKind::Field { path, value } = &member.kind
                    && let ExprKind::Call { callee, .. } = &value.kind
                    && callee.name == "fit"
                {
                    let field = path.dotted();
                    let chosen = checked
                        .body
                        .as_ref()
                        .and_then(|b| b.fields.get(&field))
                        .and_then(|f| f.value.dist().cloned());
                    if let Some(distribution) = chosen {
                        lines.push(format!("{}.{field}: fitted {distribution:?}", decl.name.name));
                    }
                }
            }
        }
    }
    lines
}
