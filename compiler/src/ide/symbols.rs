//! Every name a file writes, with what it means.
//!
//! [`occurrences`] walks a file's syntax tree and resolves each identifier the way the checker
//! does: through the template's parameters, then the file's scope, then the built-in tables of
//! `fab-stdlib`. A name's meaning depends on where it stands — `speed` is a field inside a
//! conveyor, `c1` in `c1.speed` is a component, `bearing` in `press.bearing.repair` is a failure
//! mode, `mean` inside `lognormal(…)` is a parameter of the family — so the walk carries that
//! context down the tree. The result is a flat list in source order that hover, navigation,
//! rename and semantic highlighting read.

use crate::check::{KPIS, MAX_TEMPLATE_CHAIN, check_item};
use crate::db::{Db, SourceFile};
use crate::eval::is_accepted_word;
use crate::scope::{Declaration, Scope, resolve_import, scope};
use crate::syntax::{ItemClass, ItemKey, ParsedItem, item_index, item_syntax, parse};
use fab_grammar::ast::{
    self, BaseRef, Body, DeclKind, Expr, ExprKind, Ident, Item, ItemKind, MemberKind, TypeExpr,
};
use fab_stdlib::catalog::{self, CallableDecl, FieldDecl, KindDecl, NestedDecl, ParamDecl};
use fab_stdlib::dist::{self, FamilyDecl};
use fab_stdlib::types::ValueType;
use fab_stdlib::units::{self, UnitDecl};

use super::Span;

/// Something the user declared, that a name can refer to: what go to definition, references
/// and rename work on.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum Definition {
    /// A top-level declaration: a component, product, template, experiment, scenario, …
    Declaration(Declaration),
    /// A parameter of a component template.
    Parameter { template: Declaration, name: String },
    /// A named nested item, such as the failure mode `bearing` of `press`, declared in `owner`.
    Nested { owner: Declaration, keyword: String, name: String },
}

/// What kind of bare word a name is, when it is not a declaration.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum WordKind {
    /// A clock that ages a failure mode (`busy_time`, `calendar_time`).
    Clock,
    /// A measure of an `optimize` objective (`throughput`).
    Kpi,
    /// A keyword value of a field (`unlimited`, `fifo`, `new`).
    Value,
}

/// What a name means.
#[derive(Clone, Debug)]
pub enum Symbol {
    Definition(Definition),
    /// A declaration keyword (`station`) or the component kind a template makes.
    Kind(&'static KindDecl),
    /// The keyword of a named nested item (`failure`).
    NestedKind(&'static NestedDecl),
    /// A keyword that starts an item of no declaration kind (`flow`, `component`, `import`).
    ItemKeyword(&'static catalog::ItemKeywordDecl),
    /// A built-in field; `owner` says whose (`station`, `failure`, `costs`, `experiment`).
    Field {
        field: &'static FieldDecl,
        owner: &'static str,
    },
    /// A free attribute of a declaration whose kind allows them (a product's `color`).
    Attribute,
    Family(&'static FamilyDecl),
    Callable(&'static CallableDecl),
    /// A parameter of a distribution family or a built-in callable.
    Argument {
        param: &'static ParamDecl,
        callee: &'static str,
    },
    Unit(&'static UnitDecl),
    Word(WordKind),
    /// A type name in a template's parameter list (`Duration`, `Int`, `Dist`).
    Type {
        known: bool,
    },
    /// The file an `import` names.
    File(SourceFile),
    /// A name that means nothing here (the checker reports it).
    Unresolved,
}

/// One name in a file.
#[derive(Clone, Debug)]
pub struct Occurrence {
    /// Absolute span of the name.
    pub span: Span,
    pub symbol: Symbol,
    /// Whether this is where the symbol is declared.
    pub is_definition: bool,
}

/// Every name of a file, in source order.
pub fn occurrences(db: &dyn Db, file: SourceFile) -> Vec<Occurrence> {
    let mut out = Vec::new();
    for item in &parse(db, file).items {
        item_occurrences(db, file, item, &mut out);
    }
    out
}

/// The name at `offset`: one whose span contains it, or ends right at it (the cursor just after a
/// word). When two touch the offset, the one starting there wins.
pub fn occurrence_at(db: &dyn Db, file: SourceFile, offset: u32) -> Option<Occurrence> {
    let item = super::item_at(db, file, offset)?;
    let mut found = Vec::new();
    item_occurrences(db, file, item, &mut found);
    let mut best: Option<Occurrence> = None;
    for occurrence in found {
        if occurrence.span.start <= offset && offset <= occurrence.span.end {
            let better = match &best {
                None => true,
                Some(current) => occurrence.span.start > current.span.start,
            };
            if better {
                best = Some(occurrence);
            }
        }
    }
    best
}

/// The names of one parsed item.
pub fn item_occurrences(
    db: &dyn Db,
    file: SourceFile,
    item: &ParsedItem,
    out: &mut Vec<Occurrence>,
) {
    let mut walker = Walker::new(db, file, item, out, None);
    walker.item(&item.syntax);
}

/// A rename being weighed: the definition and its new name.
pub struct Renaming<'r> {
    pub definition: &'r Definition,
    pub new_name: &'r str,
}

impl Renaming<'_> {
    /// The name the definition has now.
    pub fn old_name(&self) -> &str {
        match self.definition {
            Definition::Declaration(declaration) => &declaration.name,
            Definition::Parameter { name, .. } | Definition::Nested { name, .. } => name,
        }
    }
}

/// A name of a file whose meaning a rename would change.
#[derive(Clone, Debug)]
pub struct Conflict {
    /// The item it is written in.
    pub item: String,
    /// The name as it would read after the rename.
    pub written: String,
    pub before: Symbol,
    pub after: Symbol,
}

/// Every name of `file`, as [`occurrences`] gives them, and the first that would mean something
/// else once `renaming` is done: a name of the definition that something else would take over (a
/// template parameter, a word a field accepts), or a name of something else that the renamed
/// definition would take over. Each name the rename touches is resolved twice, as it reads now
/// and as it would read after the rename, by the same rules, so a rename is refused exactly when
/// it would change what a name means; one walk gives both the names to edit and the refusal.
pub fn weigh_rename(
    db: &dyn Db,
    file: SourceFile,
    renaming: &Renaming,
) -> (Vec<Occurrence>, Option<Conflict>) {
    let mut out = Vec::new();
    for item in &parse(db, file).items {
        let mut walker = Walker::new(db, file, item, &mut out, Some(renaming));
        walker.item(&item.syntax);
        if let Some(conflict) = walker.conflict.take() {
            return (out, Some(conflict));
        }
    }
    (out, None)
}

/// Whether two readings of one name mean the same thing.
fn same_meaning(a: &Symbol, b: &Symbol) -> bool {
    match (a, b) {
        (Symbol::Definition(a), Symbol::Definition(b)) => a == b,
        (Symbol::Callable(a), Symbol::Callable(b)) => std::ptr::eq(*a, *b),
        (Symbol::Word(a), Symbol::Word(b)) => a == b,
        (Symbol::Unresolved, Symbol::Unresolved) => true,
        _ => false,
    }
}

/// The declaration an item of a file makes, when it makes one.
pub fn declaration_of(db: &dyn Db, file: SourceFile, key: &ItemKey) -> Option<Declaration> {
    let entry = item_index(db, file).iter().find(|entry| &entry.key == key)?;
    matches!(entry.class, ItemClass::Decl(_) | ItemClass::Template).then(|| Declaration {
        name: key.name.clone(),
        file,
        key: key.clone(),
        class: entry.class,
    })
}

/// What a bare word is, when it is one of the words the built-in tables accept.
pub fn known_word(word: &str) -> Option<WordKind> {
    if catalog::CLOCKS.contains(&word) {
        return Some(WordKind::Clock);
    }
    if KPIS.contains(&word) {
        return Some(WordKind::Kpi);
    }
    let in_fields = |fields: &[FieldDecl]| fields.iter().any(|f| type_accepts_word(&f.ty, word));
    let in_kinds = catalog::KINDS
        .iter()
        .any(|kind| in_fields(kind.fields) || kind.nested.iter().any(|n| in_fields(n.fields)));
    let in_callables = catalog::CALLABLES.iter().any(|callable| {
        callable.params.iter().any(|p| match p.ty {
            catalog::ParamType::Fixed(ty) => type_accepts_word(&ty, word),
            _ => false,
        })
    });
    (in_kinds || in_callables).then_some(WordKind::Value)
}

/// Whether `ty` accepts the bare word `word`.
pub fn type_accepts_word(ty: &ValueType, word: &str) -> bool {
    match ty {
        ValueType::Word(words) => words.contains(&word),
        ValueType::OneOf(alternatives) => alternatives.iter().any(|a| type_accepts_word(a, word)),
        ValueType::Clocked { value, clocks } => {
            clocks.contains(&word) || type_accepts_word(value, word)
        }
        ValueType::List(element) => type_accepts_word(element, word),
        ValueType::Tuple(elements) => elements.iter().any(|e| type_accepts_word(e, word)),
        ValueType::Record(fields) => fields.iter().any(|f| type_accepts_word(&f.ty, word)),
        _ => false,
    }
}

/// The parameter `name` of a distribution family, from any of its signatures.
pub fn family_param(family: &'static FamilyDecl, name: &str) -> Option<&'static ParamDecl> {
    family.signatures.iter().flat_map(|s| s.iter()).find(|p| p.name == name)
}

/// The parameters of the template a declaration names, in order.
pub fn template_params(db: &dyn Db, template: &Declaration) -> Vec<ast::Param> {
    if template.class != ItemClass::Template {
        return Vec::new();
    }
    match item_syntax(db, template.file, template.key.clone()).as_deref() {
        Some(Item { kind: ItemKind::Template(definition), .. }) => definition.params.clone(),
        _ => Vec::new(),
    }
}

/// The component kind a template makes, following its base templates.
pub fn template_kind(db: &dyn Db, template: &Declaration) -> Option<DeclKind> {
    if let Some(body) = &check_item(db, template.file, template.key.clone()).body {
        return Some(body.kind);
    }
    match item_syntax(db, template.file, template.key.clone()).as_deref() {
        Some(Item { kind: ItemKind::Template(definition), .. }) => {
            DeclKind::from_keyword(&definition.base.name.name)
        }
        _ => None,
    }
}

/// A declaration or template, then the template it is based on, that template's base, and so on
/// (at most [`MAX_TEMPLATE_CHAIN`] templates, stopping where the chain loops): every item whose
/// members it is given, its own first.
pub fn template_chain(db: &dyn Db, declaration: &Declaration) -> Vec<Declaration> {
    let mut chain = vec![declaration.clone()];
    let mut current = declaration.clone();
    for _ in 0..MAX_TEMPLATE_CHAIN {
        let base = match item_syntax(db, current.file, current.key.clone()).as_deref() {
            Some(Item { kind: ItemKind::Template(definition), .. }) => &definition.base,
            Some(Item { kind: ItemKind::Decl(ast::Decl { base: Some(base), .. }), .. }) => base,
            _ => break,
        };
        match scope(db, current.file).lookup(&base.name.name) {
            Some(next) if next.class == ItemClass::Template && !chain.contains(next) => {
                chain.push(next.clone());
                current = next.clone();
            }
            _ => break,
        }
    }
    chain
}

/// How the members of a body are read.
#[derive(Clone, Copy)]
enum BodyContext {
    /// Fields declared by the catalog (a component's, a failure mode's, a record's).
    Fields {
        fields: &'static [FieldDecl],
        kind: Option<&'static KindDecl>,
        owner: &'static str,
        free: bool,
    },
    /// `route NAME { TARGET = share }` or `{ PRODUCT = TARGET }`.
    Route,
    /// `{ PRODUCT = n }` (an assembly's inputs).
    Map,
    /// A scenario, `optimize` or `sync` block.
    Study(DeclKind),
}

/// Where a name is read, which decides what it can mean and in which order of precedence.
#[derive(Clone, Copy)]
enum Site<'t> {
    /// Only a declaration: a flow's stage, a base, a route's owner, a scenario's component.
    Declaration,
    /// A value where a value of the type is expected, when that is known: a word the type
    /// accepts, else a parameter of the template, a declaration, a strategy or another word.
    Value(Option<&'t ValueType>),
    /// An objective's or a constraint's bare name: a measure, else a declaration.
    Measure,
    /// The name of an argument of `: Template(…)`: one of the template's parameters.
    Argument { template: Option<&'t Declaration>, params: &'t [String] },
}

struct Walker<'a> {
    db: &'a dyn Db,
    file: SourceFile,
    scope: &'a Scope,
    /// The item's offset in the file: the tree's spans are relative to it.
    base: u32,
    out: &'a mut Vec<Occurrence>,
    /// Inside a template: the template and its parameters' names.
    params: Option<(Declaration, Vec<String>)>,
    key: ItemKey,
    /// When a rename is being weighed: it, and the names whose meaning it would change.
    weighing: Option<&'a Renaming<'a>>,
    /// The first name whose meaning the rename being weighed would change.
    conflict: Option<Conflict>,
}

impl<'a> Walker<'a> {
    fn new(
        db: &'a dyn Db,
        file: SourceFile,
        item: &ParsedItem,
        out: &'a mut Vec<Occurrence>,
        weighing: Option<&'a Renaming<'a>>,
    ) -> Self {
        Walker {
            db,
            file,
            scope: scope(db, file),
            base: item.offset,
            out,
            params: None,
            key: item.key.clone(),
            weighing,
            conflict: None,
        }
    }

    fn emit(&mut self, span: Span, symbol: Symbol, is_definition: bool) {
        if span.is_empty() {
            return;
        }
        let span = span.shift(self.base as i64);
        self.out.push(Occurrence { span, symbol, is_definition });
    }

    fn this_declaration(&self, class: ItemClass) -> Declaration {
        Declaration { name: self.key.name.clone(), file: self.file, key: self.key.clone(), class }
    }

    fn lookup(&self, name: &str) -> Option<Declaration> {
        self.scope.lookup(name).cloned()
    }

    /// A name that refers to a declaration.
    fn reference(&mut self, ident: &Ident) -> Option<Declaration> {
        match self.name(ident, Site::Declaration) {
            Symbol::Definition(Definition::Declaration(declaration)) => Some(declaration),
            _ => None,
        }
    }

    /// Resolves a name read at `site`, emits it and gives what it means. When a rename is being
    /// weighed and the name is one it touches, also resolves it as it would read afterwards.
    fn name(&mut self, ident: &Ident, site: Site) -> Symbol {
        let symbol = self.resolve(&ident.name, site, false);
        if let Some(renaming) = self.weighing
            && self.conflict.is_none()
        {
            // The renamed definition's own names are those that resolve to it now.
            let renamed = ident.name == renaming.old_name()
                && matches!(&symbol, Symbol::Definition(d) if d == renaming.definition);
            if renamed || ident.name == renaming.new_name {
                let written = if renamed { renaming.new_name } else { ident.name.as_str() };
                let after = self.resolve(written, site, true);
                if !same_meaning(&symbol, &after) {
                    self.conflict = Some(Conflict {
                        item: self.key.name.clone(),
                        written: written.to_string(),
                        before: symbol.clone(),
                        after,
                    });
                }
            }
        }
        self.emit(ident.span, symbol.clone(), false);
        symbol
    }

    /// What `name` means at `site`, as the file reads now or, with `after`, once the rename
    /// being weighed is done.
    fn resolve(&self, name: &str, site: Site, after: bool) -> Symbol {
        let declaration = |name: &str| match self.declaration_named(name, after) {
            Some(declaration) => Symbol::Definition(Definition::Declaration(declaration)),
            None => Symbol::Unresolved,
        };
        match site {
            Site::Declaration => declaration(name),
            Site::Measure if KPIS.contains(&name) => Symbol::Word(WordKind::Kpi),
            Site::Measure => declaration(name),
            Site::Argument { template: Some(template), params } => self
                .parameter_named(template, params, name, after)
                .map_or(Symbol::Unresolved, Symbol::Definition),
            Site::Argument { template: None, .. } => Symbol::Unresolved,
            Site::Value(Some(ty)) if is_accepted_word(ty, name) => {
                Symbol::Word(known_word(name).unwrap_or(WordKind::Value))
            }
            Site::Value(_) => {
                if let Some((template, params)) = &self.params
                    && let Some(parameter) = self.parameter_named(template, params, name, after)
                {
                    return Symbol::Definition(parameter);
                }
                if let Symbol::Definition(found) = declaration(name) {
                    return Symbol::Definition(found);
                }
                if let Some(callable) = catalog::callable(name) {
                    return Symbol::Callable(callable);
                }
                match known_word(name) {
                    Some(kind) => Symbol::Word(kind),
                    None => Symbol::Unresolved,
                }
            }
        }
    }

    /// The declaration `name` means in this file; with `after`, once the rename being weighed is
    /// done (a renamed declaration is found by its new name where its old one found it).
    fn declaration_named(&self, name: &str, after: bool) -> Option<Declaration> {
        if after
            && let Some(renaming) = self.weighing
            && let Definition::Declaration(renamed) = renaming.definition
            && self.scope.lookup(&renamed.name) == Some(renamed)
        {
            if name == renaming.new_name {
                return Some(renamed.clone());
            }
            if name == renamed.name {
                return None;
            }
        }
        self.lookup(name)
    }

    /// The parameter `name` of `template`, whose parameters are `params`; with `after`, once the
    /// rename being weighed is done. A parameter keeps the name it has now as its identity.
    fn parameter_named(
        &self,
        template: &Declaration,
        params: &[String],
        name: &str,
        after: bool,
    ) -> Option<Definition> {
        let renamed = match (after, self.weighing.map(|r| (r.definition, r.new_name))) {
            (true, Some((Definition::Parameter { template: t, name: old }, new)))
                if t == template =>
            {
                Some((old.as_str(), new))
            }
            _ => None,
        };
        let found = params.iter().find(|param| match renamed {
            Some((old, new)) if param.as_str() == old => name == new,
            _ => param.as_str() == name,
        })?;
        Some(Definition::Parameter { template: template.clone(), name: found.clone() })
    }

    fn item(&mut self, item: &Item) {
        let keyword = match &item.kind {
            ItemKind::Import(_) => catalog::item_keyword("import"),
            ItemKind::Template(_) => catalog::item_keyword("component"),
            ItemKind::Flow(_) => catalog::item_keyword("flow"),
            ItemKind::Decl(_) | ItemKind::Error => None,
        };
        if let Some(keyword) = keyword {
            // The item's span starts at its first token, the keyword.
            let start = item.span.start as usize;
            let span = Span::new(start, start + keyword.name.len());
            self.emit(span, Symbol::ItemKeyword(keyword), false);
        }
        match &item.kind {
            ItemKind::Import(import) => {
                let symbol = match resolve_import(self.db, self.file, &import.path.value) {
                    Some(target) => Symbol::File(target),
                    None => Symbol::Unresolved,
                };
                self.emit(import.path.span, symbol, false);
            }
            ItemKind::Decl(decl) => self.decl(decl),
            ItemKind::Template(template) => self.template(template),
            ItemKind::Flow(flow) => {
                for stage in &flow.stages {
                    self.reference(stage);
                }
            }
            ItemKind::Error => {}
        }
    }

    fn decl(&mut self, decl: &ast::Decl) {
        let kind = catalog::kind(decl.kind.keyword());
        if let Some(kind) = kind {
            self.emit(decl.keyword_span, Symbol::Kind(kind), false);
        }
        let this = self.this_declaration(ItemClass::Decl(decl.kind));
        if decl.kind == DeclKind::Route {
            self.reference(&decl.name);
        } else {
            let symbol = Symbol::Definition(Definition::Declaration(this.clone()));
            self.emit(decl.name.span, symbol, true);
        }
        let study = matches!(
            decl.kind,
            DeclKind::Scenario | DeclKind::Optimize | DeclKind::Sensitivity | DeclKind::Sync
        );
        if let Some(base) = &decl.base {
            if study {
                self.reference(&base.name);
                self.args(base, None);
            } else {
                let template = self.reference(&base.name);
                self.args(base, template);
            }
        }
        let Some(body) = &decl.body else { return };
        let context = match (decl.kind, kind) {
            (DeclKind::Route, _) => BodyContext::Route,
            (
                DeclKind::Scenario | DeclKind::Optimize | DeclKind::Sensitivity | DeclKind::Sync,
                _,
            ) => BodyContext::Study(decl.kind),
            (_, Some(kind)) => BodyContext::Fields {
                fields: kind.fields,
                kind: Some(kind),
                owner: kind.name,
                free: kind.free_fields,
            },
            (_, None) => return,
        };
        self.body(body, context, &this);
    }

    fn template(&mut self, template: &ast::Template) {
        let this = self.this_declaration(ItemClass::Template);
        let symbol = Symbol::Definition(Definition::Declaration(this.clone()));
        self.emit(template.name.span, symbol, true);
        let names: Vec<String> = template.params.iter().map(|p| p.name.name.clone()).collect();
        for param in &template.params {
            let definition =
                Definition::Parameter { template: this.clone(), name: param.name.name.clone() };
            self.emit(param.name.span, Symbol::Definition(definition), true);
            self.type_expr(&param.ty);
            if let Some(default) = &param.default {
                self.expr(default);
            }
        }
        self.params = Some((this.clone(), names));
        let made = match DeclKind::from_keyword(&template.base.name.name) {
            Some(kind) => {
                if let Some(decl) = catalog::kind(kind.keyword()) {
                    self.emit(template.base.name.span, Symbol::Kind(decl), false);
                }
                self.args(&template.base, None);
                Some(kind)
            }
            None => {
                let base = self.reference(&template.base.name);
                self.args(&template.base, base);
                template_kind(self.db, &this)
            }
        };
        if let (Some(body), Some(kind)) =
            (&template.body, made.and_then(|k| catalog::kind(k.keyword())))
        {
            let context = BodyContext::Fields {
                fields: kind.fields,
                kind: Some(kind),
                owner: kind.name,
                free: kind.free_fields,
            };
            self.body(body, context, &this);
        }
        self.params = None;
    }

    fn type_expr(&mut self, ty: &TypeExpr) {
        match ty {
            TypeExpr::Named { name, args, .. } => {
                let known = crate::check::names_a_type(&name.name);
                self.emit(name.span, Symbol::Type { known }, false);
                for arg in args {
                    self.type_expr(arg);
                }
            }
            TypeExpr::Tuple { elements, .. } => {
                for element in elements {
                    self.type_expr(element);
                }
            }
            TypeExpr::List { element, .. } => self.type_expr(element),
            TypeExpr::Error { .. } => {}
        }
    }

    /// The arguments of `: Template(…)`: their names are the template's parameters.
    fn args(&mut self, base: &BaseRef, template: Option<Declaration>) {
        let Some(args) = &base.args else { return };
        let template = template.filter(|t| t.class == ItemClass::Template);
        let params: Vec<String> = match &template {
            Some(t) => template_params(self.db, t).into_iter().map(|p| p.name.name).collect(),
            None => Vec::new(),
        };
        for arg in args {
            if let Some(name) = &arg.name {
                self.name(name, Site::Argument { template: template.as_ref(), params: &params });
            }
            self.expr(&arg.value);
        }
    }

    fn body(&mut self, body: &Body, context: BodyContext, this: &Declaration) {
        for member in &body.members {
            match context {
                BodyContext::Fields { fields, kind, owner, free } => {
                    self.field_member(member, fields, kind, owner, free, this)
                }
                BodyContext::Route | BodyContext::Map => {
                    if let MemberKind::Field { path, value } = &member.kind {
                        if let Some(first) = path.segments.first() {
                            self.reference(first);
                        }
                        self.expr(value);
                    }
                }
                BodyContext::Study(kind) => self.study_member(member, kind),
            }
        }
    }

    fn field_member(
        &mut self,
        member: &ast::Member,
        fields: &'static [FieldDecl],
        kind: Option<&'static KindDecl>,
        owner: &'static str,
        free: bool,
        this: &Declaration,
    ) {
        match &member.kind {
            MemberKind::Field { path, value } => {
                let mut expected = None;
                if let [name] = path.segments.as_slice() {
                    let field = catalog::find_field(fields, &name.name);
                    expected = field.map(|f| &f.ty);
                    let symbol = match field {
                        Some(field) => Symbol::Field { field, owner },
                        None if free => Symbol::Attribute,
                        None => Symbol::Unresolved,
                    };
                    self.emit(name.span, symbol, false);
                } else {
                    for segment in &path.segments {
                        self.emit(segment.span, Symbol::Unresolved, false);
                    }
                }
                self.expr_expecting(value, expected);
            }
            MemberKind::Record { name, body } => {
                let field = catalog::find_field(fields, &name.name);
                let symbol = match field {
                    Some(field) => Symbol::Field { field, owner },
                    None => Symbol::Unresolved,
                };
                self.emit(name.span, symbol, false);
                match field.map(|f| f.ty) {
                    Some(ValueType::Record(record)) => {
                        let context = BodyContext::Fields {
                            fields: record,
                            kind,
                            owner: field_name(field),
                            free: false,
                        };
                        self.body(body, context, this);
                    }
                    Some(ValueType::Map { .. }) => self.body(body, BodyContext::Map, this),
                    _ => {}
                }
            }
            MemberKind::Nested { keyword, name, body } => {
                let nested = kind.and_then(|k| k.nested(&keyword.name));
                let symbol = match nested {
                    Some(nested) => Symbol::NestedKind(nested),
                    None => Symbol::Unresolved,
                };
                self.emit(keyword.span, symbol, false);
                let definition = Definition::Nested {
                    owner: this.clone(),
                    keyword: keyword.name.clone(),
                    name: name.name.clone(),
                };
                self.emit(name.span, Symbol::Definition(definition), true);
                if let (Some(body), Some(nested)) = (body, nested) {
                    let context = BodyContext::Fields {
                        fields: nested.fields,
                        kind,
                        owner: nested.keyword,
                        free: false,
                    };
                    self.body(body, context, this);
                }
            }
            MemberKind::Vary { .. }
            | MemberKind::Objective { .. }
            | MemberKind::Constraint { .. }
            | MemberKind::Bind { .. } => self.study_clause(&member.kind),
            MemberKind::Error => {}
        }
    }

    /// The members of studies that are clauses rather than fields: `vary`, `minimize` and
    /// `maximize`, `subject to` and `<-`.
    fn study_clause(&mut self, kind: &MemberKind) {
        match kind {
            MemberKind::Vary { path, domain } => {
                self.study_path(path);
                self.expr(domain);
            }
            MemberKind::Objective { target, .. } => self.study_expr(target),
            MemberKind::Constraint { condition } => self.study_expr(condition),
            MemberKind::Bind { path, source } => {
                if let Some(first) = path.segments.first() {
                    self.reference(first);
                }
                self.expr(source);
            }
            _ => {}
        }
    }

    fn study_member(&mut self, member: &ast::Member, kind: DeclKind) {
        match &member.kind {
            MemberKind::Field { path, value } => {
                let mut expected = None;
                if kind == DeclKind::Scenario || path.segments.len() > 1 {
                    expected = self.study_path(path).map(|f| &f.ty);
                } else if let (Some(name), Some(decl)) =
                    (path.segments.first(), catalog::kind(kind.keyword()))
                {
                    let field = decl.field(&name.name);
                    expected = field.map(|f| &f.ty);
                    let symbol = match field {
                        Some(field) => Symbol::Field { field, owner: decl.name },
                        None if decl.free_fields => Symbol::Attribute,
                        None => Symbol::Unresolved,
                    };
                    self.emit(name.span, symbol, false);
                }
                self.expr_expecting(value, expected);
            }
            MemberKind::Vary { .. }
            | MemberKind::Objective { .. }
            | MemberKind::Constraint { .. }
            | MemberKind::Bind { .. } => self.study_clause(&member.kind),
            MemberKind::Record { name, .. } | MemberKind::Nested { name, .. } => {
                self.emit(name.span, Symbol::Unresolved, false);
            }
            MemberKind::Error => {}
        }
    }

    /// `horizon`, `c1.speed`, `press.costs.repair`, `press.bearing.repair`: emits the symbols of
    /// the path and gives the field it ends on, when it ends on one.
    fn study_path(&mut self, path: &ast::Path) -> Option<&'static FieldDecl> {
        let segments = &path.segments;
        let experiment = catalog::kind("experiment");
        let [first, rest @ ..] = segments.as_slice() else { return None };
        if rest.is_empty() {
            let field = experiment.and_then(|e| e.field(&first.name));
            let symbol = match field {
                Some(field) => Symbol::Field { field, owner: "experiment" },
                None => Symbol::Unresolved,
            };
            self.emit(first.span, symbol, false);
            return field;
        }
        let target = self.reference(first);
        let kind = target.as_ref().and_then(|t| match t.class {
            ItemClass::Decl(kind) => catalog::kind(kind.keyword()),
            _ => None,
        });
        let (Some(target), Some(kind)) = (target, kind) else {
            for segment in rest {
                self.emit(segment.span, Symbol::Unresolved, false);
            }
            return None;
        };
        let second = &rest[0];
        if let Some(field) = kind.field(&second.name) {
            self.emit(second.span, Symbol::Field { field, owner: kind.name }, false);
            let third = rest.get(1);
            if let (ValueType::Record(record), Some(third)) = (field.ty, third) {
                let inner = catalog::find_field(record, &third.name);
                let symbol = match inner {
                    Some(inner) => Symbol::Field { field: inner, owner: field.name },
                    None => Symbol::Unresolved,
                };
                self.emit(third.span, symbol, false);
                return inner;
            }
            return third.is_none().then_some(field);
        }
        match nested_definition(self.db, &target, &second.name) {
            Some((definition, keyword)) => {
                self.emit(second.span, Symbol::Definition(definition), false);
                let third = rest.get(1)?;
                let fields = kind.nested(&keyword).map(|n| n.fields).unwrap_or(&[]);
                let field = catalog::find_field(fields, &third.name);
                let symbol = match field {
                    Some(field) => Symbol::Field { field, owner: "failure" },
                    None => Symbol::Unresolved,
                };
                self.emit(third.span, symbol, false);
                field
            }
            None => {
                self.emit(second.span, Symbol::Unresolved, false);
                None
            }
        }
    }

    /// An objective or constraint: measures, fields and arithmetic over them.
    fn study_expr(&mut self, expr: &Expr) {
        match &expr.kind {
            ExprKind::Path(path) if path.segments.len() == 1 => {
                self.name(&path.segments[0], Site::Measure);
            }
            ExprKind::Path(path) => {
                self.study_path(path);
            }
            ExprKind::Binary { lhs, rhs, .. } => {
                self.study_expr(lhs);
                self.study_expr(rhs);
            }
            _ => self.expr(expr),
        }
    }

    fn expr(&mut self, expr: &Expr) {
        self.expr_expecting(expr, None);
    }

    /// The symbols of a value where a value of type `expected` goes, when that is known: a bare
    /// name is then resolved as the evaluator resolves it (see [`is_accepted_word`]).
    fn expr_expecting(&mut self, expr: &Expr, expected: Option<&ValueType>) {
        match &expr.kind {
            ExprKind::Number(_) | ExprKind::String(_) | ExprKind::Bool(_) | ExprKind::Error => {}
            ExprKind::Quantity { unit, .. } => {
                for factor in &unit.factors {
                    let symbol = match units::lookup(&factor.name.name) {
                        Some(unit) => Symbol::Unit(unit),
                        None => Symbol::Unresolved,
                    };
                    self.emit(factor.name.span, symbol, false);
                }
            }
            ExprKind::Path(path) => {
                if let [name] = path.segments.as_slice() {
                    self.name(name, Site::Value(expected));
                } else {
                    self.study_path(path);
                }
            }
            ExprKind::Call { callee, args } => {
                let family = dist::family(&callee.name);
                let callable = catalog::callable(&callee.name);
                let symbol = match (family, callable) {
                    (Some(family), _) => Symbol::Family(family),
                    (None, Some(callable)) => Symbol::Callable(callable),
                    _ => Symbol::Unresolved,
                };
                self.emit(callee.span, symbol, false);
                for (index, arg) in args.iter().enumerate() {
                    // A strategy's parameter, by name or by position.
                    let param =
                        callable.filter(|_| family.is_none()).and_then(|c| match &arg.name {
                            Some(name) => c.params.iter().find(|p| p.name == name.name),
                            None => c.params.get(index),
                        });
                    if let Some(name) = &arg.name {
                        let symbol = match (family, callable) {
                            (Some(family), _) => family_param(family, &name.name)
                                .map(|p| Symbol::Argument { param: p, callee: family.name }),
                            (None, Some(callable)) => {
                                param.map(|p| Symbol::Argument { param: p, callee: callable.name })
                            }
                            _ => None,
                        };
                        self.emit(name.span, symbol.unwrap_or(Symbol::Unresolved), false);
                    }
                    // A strategy's argument is evaluated as its parameter's type (a distribution's
                    // is not), so the same names are words there.
                    let ty = param.and_then(|p| match &p.ty {
                        catalog::ParamType::Fixed(ty) => Some(ty),
                        _ => None,
                    });
                    self.expr_expecting(&arg.value, ty);
                }
            }
            ExprKind::Unary { operand, .. } => self.expr_expecting(operand, expected),
            ExprKind::Binary { lhs, rhs, .. } => {
                self.expr(lhs);
                self.expr(rhs);
            }
            ExprKind::Tuple(elements) => {
                let types: Option<&[ValueType]> = match expected {
                    Some(ValueType::Tuple(types)) => Some(types),
                    _ => None,
                };
                for (index, element) in elements.iter().enumerate() {
                    self.expr_expecting(element, types.and_then(|t| t.get(index)));
                }
            }
            ExprKind::List(elements) => {
                let element_type = match expected {
                    Some(ValueType::List(element)) => Some(*element),
                    _ => None,
                };
                for element in elements {
                    self.expr_expecting(element, element_type);
                }
            }
            ExprKind::Range { start, end, .. } => {
                self.expr(start);
                self.expr(end);
            }
            ExprKind::Of { value, clock } => {
                self.expr_expecting(value, crate::eval::clocked_value(expected));
                let symbol = if catalog::CLOCKS.contains(&clock.name.as_str()) {
                    Symbol::Word(WordKind::Clock)
                } else {
                    Symbol::Unresolved
                };
                self.emit(clock.span, symbol, false);
            }
        }
    }
}

fn field_name(field: Option<&'static FieldDecl>) -> &'static str {
    field.map(|f| f.name).unwrap_or("record")
}

/// The nested item `name` of a declaration (its own, or one its template gives it): where it is
/// declared, and its keyword.
pub fn nested_definition(
    db: &dyn Db,
    owner: &Declaration,
    name: &str,
) -> Option<(Definition, String)> {
    let checked = check_item(db, owner.file, owner.key.clone());
    let nested = checked.body.as_ref()?.nested.iter().find(|n| n.name == name)?;
    let key = nested.location.item.as_ref()?;
    let declared_in = declaration_of(db, nested.location.file, key)?;
    let definition = Definition::Nested {
        owner: declared_in,
        keyword: nested.keyword.clone(),
        name: name.to_string(),
    };
    Some((definition, nested.keyword.clone()))
}
