//! The VS Code extension's TextMate grammar names built-ins (units, distribution families,
//! strategies, clocks, keyword values, type names, declaration keywords) so that highlighting
//! works before the server answers. Those names are declared once, in `fab-stdlib` and the
//! grammar crate; this test keeps the grammar's lists equal to them. Refresh the grammar with
//! `UPDATE_EXPECT=1 cargo test -p fab-lsp --test textmate`.

use fab_grammar::ast::DeclKind;
use fab_stdlib::catalog::{self, FieldDecl, ParamType};
use fab_stdlib::types::ValueType;
use fab_stdlib::{dist, units};
use serde_json::Value;
use std::path::Path;

fn words_of(ty: &ValueType, out: &mut Vec<&'static str>) {
    match ty {
        ValueType::Word(words) => out.extend(words.iter().copied()),
        ValueType::OneOf(alternatives) => alternatives.iter().for_each(|a| words_of(a, out)),
        ValueType::Clocked { value, .. } | ValueType::List(value) => words_of(value, out),
        ValueType::Tuple(elements) => elements.iter().for_each(|e| words_of(e, out)),
        ValueType::Record(fields) => fields.iter().for_each(|f| words_of(&f.ty, out)),
        _ => {}
    }
}

/// Every keyword value a field or strategy parameter accepts, in declaration order.
fn keyword_values() -> Vec<&'static str> {
    let mut out = Vec::new();
    let fields = |fields: &[FieldDecl], out: &mut Vec<&'static str>| {
        fields.iter().for_each(|f| words_of(&f.ty, out));
    };
    for kind in catalog::KINDS {
        fields(kind.fields, &mut out);
        for nested in kind.nested {
            fields(nested.fields, &mut out);
        }
    }
    for callable in catalog::CALLABLES {
        for param in callable.params {
            if let ParamType::Fixed(ty) = param.ty {
                words_of(&ty, &mut out);
            }
        }
    }
    out.extend(catalog::RESTORE_WORDS.iter().copied());
    let mut unique = Vec::new();
    for word in out {
        if !unique.contains(&word) {
            unique.push(word);
        }
    }
    unique
}

/// The regexes the grammar must hold, by JSON pointer.
fn expected() -> Vec<(&'static str, String)> {
    let join = |names: Vec<&str>| names.join("|");
    let declarations = join(DeclKind::ALL.iter().map(|k| k.keyword()).collect());
    let unit_names = join(units::UNITS.iter().map(|u| u.name).filter(|n| *n != "%").collect());
    let families = join(dist::FAMILIES_DECLS.iter().map(|f| f.name).collect());
    let strategies = join(catalog::CALLABLES.iter().map(|c| c.name).collect());
    let clocks = join(catalog::CLOCKS.to_vec());
    let mut types: Vec<&str> = units::QUANTITY_NAMES.iter().map(|(_, name)| *name).collect();
    types.extend(["Int", "Real", "Bool", "String", "Dist"]);
    vec![
        (
            "/repository/declaration/match",
            format!("\\b({declarations})\\b[ \\t]+([A-Za-z_][A-Za-z0-9_]*)"),
        ),
        (
            "/repository/keywords/patterns/0/match",
            format!("\\b(import|flow|component|{declarations})\\b"),
        ),
        (
            "/repository/quantities/match",
            format!(
                "(?<![A-Za-z0-9_.])([0-9][0-9_]*(?:\\.[0-9][0-9_]*)?(?:[eE][+-]?[0-9][0-9_]*)?)(?:[ \\t]*((?:%|[A-Za-z_][A-Za-z0-9_]*)(?:\\^-?[0-9]+)?(?:[ \\t]*[/*][ \\t]*(?:{unit_names})(?![A-Za-z0-9_])(?:\\^-?[0-9]+)?)*))?"
            ),
        ),
        ("/repository/calls/patterns/0/match", format!("\\b({families})\\b(?=[ \\t]*\\()")),
        ("/repository/calls/patterns/1/match", format!("\\b({strategies})\\b")),
        ("/repository/words/patterns/0/match", format!("\\b({clocks})\\b")),
        ("/repository/words/patterns/1/match", format!("\\b({})\\b", join(keyword_values()))),
        ("/repository/types/match", format!("\\b({})\\b", join(types))),
    ]
}

#[test]
fn grammar_lists_the_builtins_of_the_standard_library() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../editors/vscode/syntaxes/fab.tmLanguage.json");
    let text = std::fs::read_to_string(&path).expect("the grammar");
    let mut grammar: Value = serde_json::from_str(&text).expect("JSON");
    let mut stale = Vec::new();
    for (pointer, regex) in expected() {
        let current = grammar.pointer(pointer).and_then(Value::as_str).unwrap_or_default();
        if current != regex {
            stale.push(format!("{pointer}:\n  grammar:  {current}\n  expected: {regex}"));
            if let Some(slot) = grammar.pointer_mut(pointer) {
                *slot = Value::String(regex);
            }
        }
    }
    if stale.is_empty() {
        return;
    }
    if std::env::var_os("UPDATE_EXPECT").is_some() {
        let written = serde_json::to_string_pretty(&grammar).expect("JSON") + "\n";
        std::fs::write(&path, written).expect("write the grammar");
        return;
    }
    panic!(
        "the TextMate grammar is out of date (refresh it with UPDATE_EXPECT=1):\n{}",
        stale.join("\n")
    );
}
