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

/// `docs/reference/builtins.md`: every built-in declared in `fab-stdlib`, rendered as Markdown.
/// A test keeps the file equal to this (refresh it with `UPDATE_EXPECT=1 cargo test`).
pub fn builtins_reference() -> String {
    use fab_stdlib::{catalog, dist, units};
    use std::fmt::Write as _;
    let mut out = String::from(
        "# Built-ins of the `.fab` language\n\n\
         Generated from the declarations in `fab-stdlib` by `fab_compiler::docs::builtins_reference`; do not edit by hand.\n",
    );
    let presence = |p: catalog::Presence| match p {
        catalog::Presence::Required => "required".to_string(),
        catalog::Presence::Optional => "optional".to_string(),
        catalog::Presence::Default(catalog::DefaultValue::Number(v)) => format!("default {v} (SI)"),
        catalog::Presence::Default(catalog::DefaultValue::Word(w)) => format!("default `{w}`"),
        catalog::Presence::Default(catalog::DefaultValue::Bool(b)) => format!("default `{b}`"),
    };
    let fields_table = |out: &mut String, fields: &[catalog::FieldDecl]| {
        out.push_str("| field | type | presence | meaning |\n| --- | --- | --- | --- |\n");
        for field in fields {
            let _ = writeln!(
                out,
                "| `{}` | `{}` | {} | {} |",
                field.name,
                field.ty,
                presence(field.presence),
                field.doc.replace('|', "\\|")
            );
        }
    };
    out.push_str("\n## Declaration kinds\n");
    for kind in catalog::KINDS {
        let directional =
            if kind.directional { " *(directional: checked, not yet simulated)*" } else { "" };
        let _ = write!(out, "\n### `{}`{directional}\n\n{}\n\n", kind.name, kind.doc);
        if kind.fields.is_empty() {
            out.push_str("No fixed fields.");
        } else {
            fields_table(&mut out, kind.fields);
        }
        if kind.free_fields {
            out.push_str("\nOther fields are allowed (free attributes, targets or overrides).\n");
        }
        for nested in kind.nested {
            let _ = write!(out, "\n#### `{} NAME {{ … }}`\n\n{}\n\n", nested.keyword, nested.doc);
            fields_table(&mut out, nested.fields);
        }
    }
    out.push_str("\n### Records\n\n`costs { … }`:\n\n");
    fields_table(&mut out, catalog::COST_FIELDS);
    out.push_str("\n## Distribution families\n\n| family | parameters | support | meaning |\n| --- | --- | --- | --- |\n");
    for family in dist::FAMILIES_DECLS {
        let signatures: Vec<String> = family
            .signatures
            .iter()
            .map(|s| {
                format!(
                    "({})",
                    s.iter()
                        .map(|p| if p.optional {
                            format!("{}?", p.name)
                        } else {
                            p.name.to_string()
                        })
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            })
            .collect();
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            family.name,
            signatures.join(" or "),
            family.support,
            family.doc
        );
    }
    out.push_str("\n## Maintenance strategies and feeds\n\n| name | kind | parameters | meaning |\n| --- | --- | --- | --- |\n");
    for callable in catalog::CALLABLES {
        let params: Vec<String> = callable
            .params
            .iter()
            .map(|p| if p.optional { format!("{}?", p.name) } else { p.name.to_string() })
            .collect();
        let directional = if callable.directional { " *(directional)*" } else { "" };
        let _ = writeln!(
            out,
            "| `{}` | {} | ({}) | {}{directional} |",
            callable.name,
            callable.kind.describe(),
            params.join(", "),
            callable.doc
        );
    }
    let _ = write!(
        out,
        "\nClocks: {}.\n",
        catalog::CLOCKS.iter().map(|c| format!("`{c}`")).collect::<Vec<_>>().join(", ")
    );
    out.push_str(
        "\n## Units\n\n| unit | dimension | value in SI | meaning |\n| --- | --- | --- | --- |\n",
    );
    for unit in units::UNITS {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            unit.name, unit.dimension, unit.to_si, unit.doc
        );
    }
    out.push_str("\n## Quantity types\n\n| type | dimension |\n| --- | --- |\n");
    for (dimension, name) in units::QUANTITY_NAMES {
        let _ = writeln!(out, "| `{name}` | {} |", dimension.formula());
    }
    out
}
