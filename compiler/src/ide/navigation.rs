//! Go to definition, find references, highlights and rename.
//!
//! All four start from the [`Definition`] the name under the cursor means. References are found by
//! resolving every name of every loaded file and keeping those that mean the same definition, so a
//! component declared in an imported file is found where the importing file uses it, and a rename
//! edits both files. Only user declarations are renamed: a built-in field or unit is not the
//! user's to rename, and a declaration of the standard library is not either.

use crate::db::{Db, SourceFile};
use crate::scope::model_files;
use crate::syntax::{item_syntax, parse};
use crate::validate::name_location;
use fab_grammar::ast::MemberKind;
use fab_grammar::lexer::{Token, lex};

use super::symbols::{Definition, Symbol, occurrence_at, occurrences, template_params};
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
    let mut change = SourceChange::default();
    for reference in references_to(db, &definition) {
        let edit = TextEdit { span: reference.span, replacement: new_name.to_string() };
        match change.edits.iter_mut().find(|(f, _)| *f == reference.file) {
            Some((_, edits)) => edits.push(edit),
            None => change.edits.push((reference.file, vec![edit])),
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
        Definition::Nested { owner, keyword, .. } => {
            let item = item_syntax(db, owner.file, owner.key.clone()).clone()?;
            let taken = members(&item).into_iter().any(|member| {
                matches!(&member.kind, MemberKind::Nested { name, .. } if name.name == new_name)
            });
            taken.then(|| format!("`{}` already has a {keyword} `{new_name}`", owner.name))
        }
    }
}
