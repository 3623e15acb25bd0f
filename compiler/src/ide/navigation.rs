//! Go to definition, find references, highlights and rename.
//!
//! All four start from the [`Definition`] the name under the cursor means. References are found by
//! resolving every name of every loaded file and keeping those that mean the same definition, so a
//! component declared in an imported file is found where the importing file uses it, and a rename
//! edits both files. Only user declarations are renamed: a built-in field or unit is not the
//! user's to rename, and a declaration of the standard library is not either.

use crate::db::{Db, SourceFile};
use crate::scope::Declaration;
use crate::scope::model_files;
use crate::syntax::{ItemClass, item_index, item_syntax, parse};
use crate::validate::name_location;
use fab_grammar::ast::MemberKind;
use fab_grammar::lexer::{Token, lex};

use super::symbols::{
    Conflict, Definition, Renaming, Symbol, WordKind, occurrence_at, occurrences, template_chain,
    template_params, weigh_rename,
};
use super::values::members;
use super::{FileSpan, SourceChange, Span, TextEdit, workspace_files};

/// One place a definition is named.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Reference {
    pub file: SourceFile,
    pub span: Span,
    /// Whether this is the declaration itself.
    pub is_definition: bool,
}

/// The definition the name at `offset` means, when it means one the user wrote.
pub fn definition_at(db: &dyn Db, file: SourceFile, offset: u32) -> Option<(Span, Definition)> {
    let offset = super::clamp_offset(file.text(db), offset);
    let occurrence = occurrence_at(db, file, offset)?;
    match occurrence.symbol {
        Symbol::Definition(definition) => Some((occurrence.span, definition)),
        _ => None,
    }
}

/// Where the name at `offset` is declared: a declaration, a template parameter, a failure mode,
/// or the file an `import` names.
pub fn goto_definition(db: &dyn Db, file: SourceFile, offset: u32) -> Vec<FileSpan> {
    let offset = super::clamp_offset(file.text(db), offset);
    let Some(occurrence) = occurrence_at(db, file, offset) else { return Vec::new() };
    match occurrence.symbol {
        Symbol::Definition(definition) => definition_span(db, &definition).into_iter().collect(),
        Symbol::File(target) => vec![FileSpan { file: target, span: Span::default() }],
        _ => Vec::new(),
    }
}

/// Where a definition's name is written.
pub fn definition_span(db: &dyn Db, definition: &Definition) -> Option<FileSpan> {
    match definition {
        Definition::Declaration(declaration) => {
            let location = name_location(db, declaration);
            let offset = parse(db, declaration.file).item(&declaration.key)?.offset;
            Some(FileSpan { file: declaration.file, span: location.span.shift(offset as i64) })
        }
        Definition::Parameter { template, name } => {
            let param = template_params(db, template).into_iter().find(|p| p.name.name == *name)?;
            let offset = parse(db, template.file).item(&template.key)?.offset;
            Some(FileSpan { file: template.file, span: param.name.span.shift(offset as i64) })
        }
        Definition::Nested { owner, name, .. } => {
            let item = item_syntax(db, owner.file, owner.key.clone()).clone()?;
            let span = members(&item).into_iter().find_map(|member| match &member.kind {
                MemberKind::Nested { name: n, .. } if n.name == *name => Some(n.span),
                _ => None,
            })?;
            let offset = parse(db, owner.file).item(&owner.key)?.offset;
            Some(FileSpan { file: owner.file, span: span.shift(offset as i64) })
        }
    }
}

/// Every place in the loaded files that names `definition`, in file and source order.
pub fn references_to(db: &dyn Db, definition: &Definition) -> Vec<Reference> {
    let mut out = Vec::new();
    for file in workspace_files(db) {
        for occurrence in occurrences(db, file) {
            if let Symbol::Definition(found) = &occurrence.symbol
                && found == definition
            {
                out.push(Reference {
                    file,
                    span: occurrence.span,
                    is_definition: occurrence.is_definition,
                });
            }
        }
    }
    out
}

/// The references of the name at `offset`, with or without its declaration.
pub fn find_references(
    db: &dyn Db,
    file: SourceFile,
    offset: u32,
    include_declaration: bool,
) -> Vec<Reference> {
    let Some((_, definition)) = definition_at(db, file, offset) else { return Vec::new() };
    let mut found = references_to(db, &definition);
    if !include_declaration {
        found.retain(|r| !r.is_definition);
    }
    found
}

/// The places in `file` that name the same definition as the name at `offset`.
pub fn highlights(db: &dyn Db, file: SourceFile, offset: u32) -> Vec<Reference> {
    let Some((_, definition)) = definition_at(db, file, offset) else { return Vec::new() };
    occurrences(db, file)
        .into_iter()
        .filter(|o| matches!(&o.symbol, Symbol::Definition(d) if *d == definition))
        .map(|o| Reference { file, span: o.span, is_definition: o.is_definition })
        .collect()
}

/// Why a rename cannot be done, in words for the user.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct RenameError(pub String);

/// The span of the name a rename at `offset` would change.
pub fn prepare_rename(db: &dyn Db, file: SourceFile, offset: u32) -> Result<Span, RenameError> {
    let Some((span, definition)) = definition_at(db, file, offset) else {
        return Err(RenameError("only names declared in the model can be renamed".to_string()));
    };
    renamable(db, &definition)?;
    Ok(span)
}

fn renamable(db: &dyn Db, definition: &Definition) -> Result<(), RenameError> {
    let declared_in = match definition {
        Definition::Declaration(declaration) => declaration.file,
        Definition::Parameter { template, .. } => template.file,
        Definition::Nested { owner, .. } => owner.file,
    };
    if fab_stdlib::library::file(declared_in.path(db)).is_some() {
        return Err(RenameError(format!(
            "`{}` belongs to the standard library",
            declared_in.path(db)
        )));
    }
    Ok(())
}

/// Renames the name at `offset`, everywhere it is used, to `new_name`.
pub fn rename(
    db: &dyn Db,
    file: SourceFile,
    offset: u32,
    new_name: &str,
) -> Result<SourceChange, RenameError> {
    let Some((_, definition)) = definition_at(db, file, offset) else {
        return Err(RenameError("only names declared in the model can be renamed".to_string()));
    };
    renamable(db, &definition)?;
    if !is_identifier(new_name) {
        return Err(RenameError(format!("`{new_name}` is not a valid name")));
    }
    if let Some(existing) = clash(db, &definition, new_name) {
        return Err(RenameError(existing));
    }
    let renaming = Renaming { definition: &definition, new_name };
    let mut change = SourceChange::default();
    for file in workspace_files(db) {
        let (names, conflict) = weigh_rename(db, file, &renaming);
        if let Some(conflict) = conflict {
            return Err(RenameError(describe_conflict(&conflict, &renaming)));
        }
        let edits: Vec<TextEdit> = names
            .into_iter()
            .filter(|o| matches!(&o.symbol, Symbol::Definition(d) if *d == definition))
            .map(|o| TextEdit { span: o.span, replacement: new_name.to_string() })
            .collect();
        if !edits.is_empty() {
            change.edits.push((file, edits));
        }
    }
    for (_, edits) in &mut change.edits {
        edits.sort_by_key(|e| (e.span.start, e.span.end));
        edits.dedup();
    }
    Ok(change)
}

/// Whether `name` lexes as one identifier (not a keyword, not a number, nothing more).
fn is_identifier(name: &str) -> bool {
    let lexed = lex(name, &|_| false);
    lexed.errors.is_empty()
        && matches!(lexed.tokens.as_slice(), [(0, Token::Ident(word), end)] if word == name && *end == name.len())
}

/// Why a name would mean something else after the rename, in words.
fn describe_conflict(conflict: &Conflict, renaming: &Renaming) -> String {
    format!(
        "after the rename, `{}` in `{}` would mean {} instead of {}",
        conflict.written,
        conflict.item,
        meaning(&conflict.after, &conflict.written, renaming),
        meaning(&conflict.before, &conflict.written, renaming),
    )
}

/// What a name written `written` means, in words; the renamed definition under its new name.
fn meaning(symbol: &Symbol, written: &str, renaming: &Renaming) -> String {
    let renamed = matches!(symbol, Symbol::Definition(d) if d == renaming.definition);
    let name = |name: &str| if renamed { renaming.new_name.to_string() } else { name.to_string() };
    match symbol {
        Symbol::Definition(Definition::Declaration(declaration)) => {
            format!("{} `{}`", declaration.class.describe(), name(&declaration.name))
        }
        Symbol::Definition(Definition::Parameter { template, name: parameter }) => {
            format!("the parameter `{}` of `{}`", name(parameter), template.name)
        }
        Symbol::Definition(Definition::Nested { owner, keyword, name: nested }) => {
            format!("the {keyword} `{}` of `{}`", name(nested), owner.name)
        }
        Symbol::Callable(callable) => format!("the built-in `{}`", callable.name),
        Symbol::Word(WordKind::Clock) => format!("the clock `{written}`"),
        Symbol::Word(WordKind::Kpi) => format!("the measure `{written}`"),
        Symbol::Word(WordKind::Value) => format!("the word `{written}`"),
        _ => "an undeclared name".to_string(),
    }
}

/// A declaration the new name would collide with, in words.
fn clash(db: &dyn Db, definition: &Definition, new_name: &str) -> Option<String> {
    match definition {
        Definition::Declaration(declaration) => {
            // A clash is in a model that holds the declaration: one rooted at a loaded file
            // whose files include the declaration's. Other models may use the name freely.
            let seen_from = std::iter::once(declaration.file).chain(
                workspace_files(db)
                    .into_iter()
                    .filter(|&file| model_files(db, file).contains(&declaration.file)),
            );
            for file in seen_from {
                if let Some(other) = crate::scope::scope(db, file).lookup(new_name)
                    && other != declaration
                {
                    return Some(format!(
                        "`{new_name}` is already declared as {}",
                        other.class.describe()
                    ));
                }
            }
            None
        }
        Definition::Parameter { template, .. } => template_params(db, template)
            .iter()
            .any(|p| p.name.name == new_name)
            .then(|| format!("`{}` already has a parameter `{new_name}`", template.name)),
        Definition::Nested { owner, keyword, name } => {
            nested_clash(db, owner, keyword, name, new_name)
        }
    }
}

/// A nested item the renamed one would be confused with. An item is given the nested items of
/// every template along its chain of bases, one of a name replacing a base's of the same name, so
/// each item whose chain holds the owner (the owner, the templates based on it, their instances)
/// must have no other nested item called `new_name`, which the renamed one would replace or be
/// replaced by, and none other called `old_name`, which replaces it now and would no longer.
fn nested_clash(
    db: &dyn Db,
    owner: &Declaration,
    keyword: &str,
    old_name: &str,
    new_name: &str,
) -> Option<String> {
    // The keyword of the nested item `name` an item declares itself, if it does.
    let declared = |item: &Declaration, name: &str| {
        let syntax = item_syntax(db, item.file, item.key.clone()).clone()?;
        members(&syntax).into_iter().find_map(|member| match &member.kind {
            MemberKind::Nested { keyword, name: n, .. } if n.name == name => {
                Some(keyword.name.clone())
            }
            _ => None,
        })
    };
    if let Some(other) = declared(owner, new_name) {
        return Some(format!("`{}` already has a {other} `{new_name}`", owner.name));
    }
    for file in workspace_files(db) {
        for entry in item_index(db, file) {
            if !matches!(entry.class, ItemClass::Decl(_) | ItemClass::Template) {
                continue;
            }
            let item = Declaration {
                name: entry.key.name.clone(),
                file,
                key: entry.key.clone(),
                class: entry.class,
            };
            let chain = template_chain(db, &item);
            let Some(at) = chain.iter().position(|link| link == owner) else { continue };
            for (index, other) in chain.iter().enumerate().filter(|(index, _)| *index != at) {
                let (o, t) = (&owner.name, &other.name);
                let based = index < at;
                if let Some(kind) = declared(other, new_name) {
                    return Some(if based {
                        format!(
                            "`{t}` is based on `{o}` and has its own {kind} `{new_name}`, which \
                             would replace the renamed {keyword}"
                        )
                    } else {
                        format!(
                            "`{o}` is based on `{t}`, whose {kind} `{new_name}` the renamed \
                             {keyword} would replace"
                        )
                    });
                }
                if let Some(kind) = declared(other, old_name) {
                    return Some(if based {
                        format!(
                            "`{t}` is based on `{o}` and replaces its {keyword} `{old_name}` \
                             with its own {kind}, which the rename would leave as it is"
                        )
                    } else {
                        format!(
                            "`{o}` is based on `{t}` and its {keyword} `{old_name}` replaces the \
                             {kind} of `{t}`, which would come back once the rename is done"
                        )
                    });
                }
            }
        }
    }
    None
}
