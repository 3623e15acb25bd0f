//! The first queries: parse a file, cut it into items, and index their names.
//!
//! [`parse`] runs the grammar over a file's text and stores each item with its spans made relative to
//! the item's first byte, together with the item's offset. An item's syntax is then the same value
//! wherever the item sits in the file, so [`item_syntax`] is backdated for every item an edit did not
//! touch, and the per-item checking queries that read it are not re-run. This is the firewall that
//! keeps editing one station from re-checking the other 4,999.
//!
//! Items are identified by an [`ItemKey`]: the declared name and how many earlier items of the file
//! share it, which stays stable while the user edits bodies.

use crate::db::{Db, SourceFile};
use fab_grammar::SyntaxError;
use fab_grammar::ast::{self, DeclKind, Item, ItemKind, Span};
use std::collections::HashMap;
use std::sync::Arc;

/// A stable identity for an item within its file.
#[derive(Clone, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub struct ItemKey {
    /// The declared name; `flow`, `import` or `error` for items without one.
    pub name: String,
    /// How many earlier items of the same file have the same name.
    pub ordinal: u32,
}

/// An item of a parsed file.
#[derive(Clone, PartialEq, Debug)]
pub struct ParsedItem {
    pub key: ItemKey,
    /// The byte offset of the item's first token in the file.
    pub offset: u32,
    /// The item with every span relative to `offset`.
    pub syntax: Arc<Item>,
}

/// A parsed file.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct ParsedFile {
    pub docs: Option<String>,
    pub items: Vec<ParsedItem>,
    /// Syntax errors with absolute spans.
    pub errors: Vec<SyntaxError>,
    /// The text that was not read, after an expression or a body nested past the bounds on depth
    /// (absolute spans; see `fab_grammar::Parse::unread`).
    pub unread: Vec<Span>,
    /// Each item's position in `items`, by key: the per-item queries look items up one by one,
    /// and a scan would make checking a file quadratic in its items.
    positions: HashMap<ItemKey, usize>,
}

impl ParsedFile {
    pub fn item(&self, key: &ItemKey) -> Option<&ParsedItem> {
        self.positions.get(key).map(|&i| &self.items[i])
    }
}

/// What an item declares, without its contents: the index entry of an item.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum ItemClass {
    Decl(DeclKind),
    Template,
    Flow,
    Import,
    Error,
}

impl ItemClass {
    /// A phrase for messages: `a station`, `a component template`.
    pub fn describe(self) -> String {
        match self {
            ItemClass::Decl(kind) => {
                let keyword = kind.keyword();
                let article =
                    if keyword.starts_with(['a', 'e', 'i', 'o', 'u']) { "an" } else { "a" };
                format!("{article} {keyword}")
            }
            ItemClass::Template => "a component template".to_string(),
            ItemClass::Flow => "a flow".to_string(),
            ItemClass::Import => "an import".to_string(),
            ItemClass::Error => "an unparsable item".to_string(),
        }
    }
}

/// The name and class of an item, without spans or contents.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct IndexEntry {
    pub key: ItemKey,
    pub class: ItemClass,
    /// For imports, the path as written.
    pub import: Option<String>,
}

/// Parses a file into items with item-relative spans.
#[salsa::tracked(returns(ref))]
pub fn parse(db: &dyn Db, file: SourceFile) -> ParsedFile {
    let parse = fab_grammar::parse(file.text(db), &fab_stdlib::units::is_unit_name);
    let mut items = Vec::with_capacity(parse.file.items.len());
    let mut seen: HashMap<String, u32> = HashMap::with_capacity(parse.file.items.len());
    for mut item in parse.file.items {
        let offset = item.span.start;
        ast::for_each_span_mut(&mut item, &mut |span: &mut Span| {
            *span = span.shift(-(offset as i64))
        });
        let name = item_name(&item);
        let ordinal = seen.entry(name.clone()).or_insert(0);
        let key = ItemKey { name, ordinal: *ordinal };
        *ordinal += 1;
        items.push(ParsedItem { key, offset, syntax: Arc::new(item) });
    }
    let positions = items.iter().enumerate().map(|(i, item)| (item.key.clone(), i)).collect();
    ParsedFile {
        docs: parse.file.docs,
        items,
        errors: parse.errors,
        unread: parse.unread,
        positions,
    }
}

fn item_name(item: &Item) -> String {
    match &item.kind {
        ItemKind::Decl(decl) => decl.name.name.clone(),
        ItemKind::Template(template) => template.name.name.clone(),
        ItemKind::Flow(_) => "flow".to_string(),
        ItemKind::Import(_) => "import".to_string(),
        ItemKind::Error => "error".to_string(),
    }
}

fn item_class(item: &Item) -> ItemClass {
    match &item.kind {
        ItemKind::Decl(decl) => ItemClass::Decl(decl.kind),
        ItemKind::Template(_) => ItemClass::Template,
        ItemKind::Flow(_) => ItemClass::Flow,
        ItemKind::Import(_) => ItemClass::Import,
        ItemKind::Error => ItemClass::Error,
    }
}

/// One item's syntax, with spans relative to its start. Unchanged (and so backdated) when an edit
/// elsewhere in the file moves it.
#[salsa::tracked(returns(ref))]
pub fn item_syntax(db: &dyn Db, file: SourceFile, key: ItemKey) -> Option<Arc<Item>> {
    parse(db, file).item(&key).map(|item| item.syntax.clone())
}

/// The names and classes of a file's items: unchanged by edits inside item bodies.
#[salsa::tracked(returns(ref))]
pub fn item_index(db: &dyn Db, file: SourceFile) -> Vec<IndexEntry> {
    parse(db, file)
        .items
        .iter()
        .map(|item| IndexEntry {
            key: item.key.clone(),
            class: item_class(&item.syntax),
            import: match &item.syntax.kind {
                ItemKind::Import(import) => Some(import.path.value.clone()),
                _ => None,
            },
        })
        .collect()
}

/// Whether some of the file's text was not read (an expression or a body nested past the bounds
/// on depth): what the model lacks may be there. A query of its own, so that the model-wide
/// checks that read it are not re-run by every edit of the file, as they would be by the parse.
#[salsa::tracked]
pub fn has_unread_text(db: &dyn Db, file: SourceFile) -> bool {
    !parse(db, file).unread.is_empty()
}

/// The absolute span of a location.
pub fn absolute_span(db: &dyn Db, file: SourceFile, item: Option<&ItemKey>, span: Span) -> Span {
    match item.and_then(|key| parse(db, file).item(key)) {
        Some(parsed) => span.shift(parsed.offset as i64),
        None => span,
    }
}
