//! Reports and reference text generated from the checked model and the stdlib declarations.

use crate::check::check_item;
use crate::db::{Db, SourceFile};
use crate::scope::model_files;
use crate::syntax::{absolute_span, item_index};

/// What every `fit(…)` of the model chose: a first line with where the call is and the `.fab`
/// expression of the chosen family (in the SI display unit of the variable), then indented lines
/// with the estimates and their standard errors, the runner-up, the goodness of fit and any
/// warning.
pub fn fitted_report(db: &dyn Db, root: SourceFile) -> Vec<String> {
    use fab_stdlib::fit::{self, significant};
    let mut lines = Vec::new();
    // A call in a template is reported once, though the template and each instance record it.
    let mut seen = std::collections::HashSet::new();
    for &file in model_files(db, root) {
        for entry in item_index(db, file) {
            let checked = check_item(db, file, entry.key.clone());
            for report in &checked.fits {
                let location = &report.location;
                if !seen.insert((location.clone(), report.path.clone(), report.column.clone())) {
                    continue;
                }
                let file = location.file;
                let span = absolute_span(db, file, location.item.as_ref(), location.span);
                let text = file.text(db);
                let start = (span.start as usize).min(text.len());
                let line = 1 + text[..start].matches('\n').count();
                let ranking = &report.fitted.ranking;
                let Some(best) = ranking.best() else { continue };
                let (unit, display_factor) =
                    fab_stdlib::units::display_unit(report.dimension).unwrap_or(("", 1.0));
                // File units → the display unit.
                let scale = report.unit_factor / display_factor;
                let expression =
                    fit::expression_of(best.family, &best.distribution.scaled(scale), unit);
                // The families the criterion compared with the best: bounded ones listed after
                // regular ones are not.
                let compared = (0..ranking.fits.len()).filter(|&i| ranking.is_compared(i)).count();
                // The call's `unit`, in the unit it names when there is one of that size.
                let unit_argument = if report.unit_factor == 1.0 {
                    String::new()
                } else {
                    let named = fab_stdlib::units::UNITS.iter().find(|u| {
                        u.dimension == report.dimension && u.to_si() == report.unit_factor
                    });
                    match named {
                        Some(named) => format!(", unit = 1 {}", named.name),
                        None => format!(
                            ", unit = {} {unit}",
                            significant(report.unit_factor / display_factor, 6)
                        )
                        .trim_end()
                        .to_string(),
                    }
                };
                lines.push(format!(
                    "{}:{line}: `{}`: fit(\"{}\", column = \"{}\"{unit_argument}) chose {expression}, best by {} of {} {}",
                    file.path(db),
                    entry.key.name,
                    report.path,
                    report.column,
                    ranking.criterion.name(),
                    compared,
                    if compared == 1 { "family" } else { "families" },
                ));
                let estimates: Vec<String> = best
                    .parameters
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let value = best.family.rescaled_parameter(i, p.value, scale);
                        // A standard error moves as a difference of two values does: `μ`'s
                        // shift cancels out.
                        let factor = if best.family.parameter_has_unit(i) { scale } else { 1.0 };
                        let suffix = if best.family.parameter_has_unit(i) && !unit.is_empty() {
                            format!(" {unit}")
                        } else {
                            String::new()
                        };
                        match p.standard_error {
                            Some(se) => format!(
                                "{} = {} ± {}{suffix}",
                                p.name,
                                significant(value, 4),
                                significant(se * factor, 2)
                            ),
                            None => {
                                format!("{} = {}{suffix}", p.name, significant(value, 4))
                            }
                        }
                    })
                    .collect();
                lines.push(format!(
                    "  {} estimates (± standard error): {}",
                    best.family.label(),
                    estimates.join(", ")
                ));
                // A bounded family listed after regular ones is not compared by the criterion.
                if let (Some(second), Some(delta), true) =
                    (ranking.fits.get(1), ranking.deltas().get(1), ranking.is_compared(1))
                {
                    lines.push(format!(
                        "  runner-up: {} (Δ{} {})",
                        second.family.label(),
                        ranking.criterion.name(),
                        significant(*delta, 3)
                    ));
                }
                if let Some(goodness) = &report.fitted.goodness {
                    let ks = &goodness.kolmogorov_smirnov;
                    let mut parts = vec![format!("KS D = {}", significant(ks.statistic, 3))];
                    if let Some(p) = ks.p_value {
                        parts.push(format!("p = {} ({})", significant(p, 2), ks.basis.describe()));
                    }
                    if let Some(ad) = &goodness.anderson_darling {
                        let mut text = format!("AD A² = {}", significant(ad.statistic, 3));
                        if let Some(p) = ad.p_value {
                            text.push_str(&format!(
                                ", p = {} ({})",
                                significant(p, 2),
                                ad.basis.describe()
                            ));
                        }
                        parts.push(text);
                    }
                    lines.push(format!("  goodness of fit: {}", parts.join(", ")));
                }
                for warning in &ranking.warnings {
                    lines.push(format!("  warning: {}", warning.message()));
                }
                // As `fab fit` does: say when the chosen law fails its own tests.
                if let Some(goodness) = &report.fitted.goodness {
                    let rejections = goodness.rejections(
                        &goodness.kolmogorov_smirnov,
                        goodness.anderson_darling.as_ref(),
                    );
                    if let Some(warning) =
                        fab_stdlib::fit::gof::rejection_warning(best.family.label(), &rejections)
                    {
                        lines.push(format!("  warning: {warning}"));
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
                field.shown_type(),
                presence(field.presence),
                field.doc.replace('|', "\\|")
            );
        }
    };
    out.push_str("\n## Item keywords\n\nItems that declare no kind of their own.\n\n");
    out.push_str("| keyword | form | meaning |\n| --- | --- | --- |\n");
    for keyword in catalog::ITEM_KEYWORDS {
        let _ = writeln!(
            out,
            "| `{}` | `{}` | {} |",
            keyword.name,
            keyword.form.replace('|', "\\|"),
            keyword.doc.replace('|', "\\|")
        );
    }
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
        let mut params: Vec<String> = callable
            .params
            .iter()
            .filter(|p| !callable.choose_one.contains(&p.name))
            .map(|p| if p.optional { format!("{}?", p.name) } else { p.name.to_string() })
            .collect();
        if !callable.choose_one.is_empty() {
            params.insert(0, callable.choose_one.join(" \\| "));
        }
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
    let delivered: Vec<String> = catalog::MEASURES
        .iter()
        .filter(|measure| measure.of_parts_delivered)
        .map(|measure| format!("`{}`", measure.name))
        .collect();
    let _ = write!(
        out,
        "\n## Measures\n\nWhat `sensitivity` `measures`, `optimize` objectives and constraints, and \
         `fab run --select --measure` name (money in the model's currency). The range holds every \
         value a measure can take, in its unit: an `optimize` constraint that no value in it \
         meets is refused (E0707), and one that every value meets is warned of (W0707), but not \
         on a measure of the parts delivered ({}): it has no value at a point where some \
         replication delivered no part, and such a point breaks every constraint on it.\n\n\
         | measure | unit | range | better | meaning |\n| --- | --- | --- | --- | --- |\n",
        delivered.join(", ")
    );
    for measure in catalog::MEASURES {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            measure.name,
            if measure.unit.is_empty() { "—" } else { measure.unit },
            measure.range.describe(units::tidy_number).unwrap_or_else(|| "any".to_string()),
            if measure.larger_is_better { "larger" } else { "smaller" },
            measure.doc
        );
    }
    out.push_str(
        "\n## Units\n\n| unit | dimension | value in SI | meaning |\n| --- | --- | --- | --- |\n",
    );
    for unit in units::UNITS {
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            unit.name,
            unit.dimension,
            unit.to_si(),
            unit.doc
        );
    }
    out.push_str("\n## Quantity types\n\n| type | dimension |\n| --- | --- |\n");
    for (dimension, name) in units::QUANTITY_NAMES {
        let _ = writeln!(out, "| `{name}` | {} |", dimension.formula());
    }
    out.push_str(
        "\nA template's parameter may also be declared with these types; in a parameter list \
         they take the place of a quantity type of the same name.\n\n\
         | type | meaning |\n| --- | --- |\n",
    );
    for entry in fab_stdlib::types::PARAM_TYPE_NAMES {
        let _ = writeln!(out, "| `{}` | {} |", entry.written(), entry.doc);
    }
    out
}
