//! A readable dump of a syntax tree, one node per line, indented by depth, with spans.
//!
//! The data tests in `tests/data` compare dumps, so the format favours diffs: every node starts
//! its own line as `Kind@start..end` followed by its leaf facts (names with their spans, literal
//! text, operators), and its children follow, indented by two spaces. Documentation is shown on a
//! `docs:` line under the node it belongs to.

use std::fmt::Write;

use crate::ast::{
    Arg, BaseRef, Body, Expr, ExprKind, Ident, Item, ItemKind, Member, MemberKind, Path, Sense,
    SourceFile, TypeExpr,
};

/// The tree of `file` as indented text (see the module documentation for the format).
pub fn dump(file: &SourceFile) -> String {
    let mut dumper = Dumper { out: String::new() };
    dumper.line(0, "SourceFile".to_owned());
    if let Some(docs) = &file.docs {
        dumper.line(1, format!("docs: {docs:?}"));
    }
    for item in &file.items {
        dumper.item(1, item);
    }
    dumper.out
}

struct Dumper {
    out: String,
}

/// `name@start..end`.
fn ident(ident: &Ident) -> String {
    format!("{}@{:?}", ident.name, ident.span)
}

impl Dumper {
    fn line(&mut self, depth: usize, text: String) {
        let _ = writeln!(self.out, "{:indent$}{text}", "", indent = depth * 2);
    }

    fn docs(&mut self, depth: usize, docs: &Option<String>) {
        if let Some(docs) = docs {
            self.line(depth, format!("docs: {docs:?}"));
        }
    }

    fn item(&mut self, depth: usize, item: &Item) {
        let span = item.span;
        match &item.kind {
            ItemKind::Import(import) => {
                self.line(
                    depth,
                    format!("Import@{span:?} {:?}@{:?}", import.path.value, import.path.span),
                );
                self.docs(depth + 1, &item.docs);
            }
            ItemKind::Decl(decl) => {
                self.line(
                    depth,
                    format!(
                        "Decl@{span:?} {}@{:?} {}",
                        decl.kind.keyword(),
                        decl.keyword_span,
                        ident(&decl.name)
                    ),
                );
                self.docs(depth + 1, &item.docs);
                if let Some(base) = &decl.base {
                    self.base(depth + 1, base);
                }
                if let Some(body) = &decl.body {
                    self.body(depth + 1, body);
                }
            }
            ItemKind::Template(template) => {
                self.line(depth, format!("Template@{span:?} {}", ident(&template.name)));
                self.docs(depth + 1, &item.docs);
                for param in &template.params {
                    self.line(depth + 1, format!("Param@{:?} {}", param.span, ident(&param.name)));
                    self.ty(depth + 2, &param.ty);
                    if let Some(default) = &param.default {
                        self.line(depth + 2, "default".to_owned());
                        self.expr(depth + 3, default);
                    }
                }
                self.base(depth + 1, &template.base);
                if let Some(body) = &template.body {
                    self.body(depth + 1, body);
                }
            }
            ItemKind::Flow(flow) => {
                let stages: Vec<String> = flow.stages.iter().map(ident).collect();
                self.line(depth, format!("Flow@{span:?} {}", stages.join(" -> ")));
                self.docs(depth + 1, &item.docs);
            }
            ItemKind::Error => {
                self.line(depth, format!("ItemError@{span:?}"));
                self.docs(depth + 1, &item.docs);
            }
        }
    }

    fn base(&mut self, depth: usize, base: &BaseRef) {
        let parentheses = if base.args.is_some() { " ()" } else { "" };
        self.line(depth, format!("Base@{:?} {}{parentheses}", base.span, ident(&base.name)));
        for arg in base.args.iter().flatten() {
            self.arg(depth + 1, arg);
        }
    }

    fn ty(&mut self, depth: usize, ty: &TypeExpr) {
        match ty {
            TypeExpr::Named { name, args, span } => {
                self.line(depth, format!("Type@{span:?} {}", ident(name)));
                for arg in args {
                    self.ty(depth + 1, arg);
                }
            }
            TypeExpr::Tuple { elements, span } => {
                self.line(depth, format!("TupleType@{span:?}"));
                for element in elements {
                    self.ty(depth + 1, element);
                }
            }
            TypeExpr::List { element, span } => {
                self.line(depth, format!("ListType@{span:?}"));
                self.ty(depth + 1, element);
            }
            TypeExpr::Error { span } => self.line(depth, format!("TypeError@{span:?}")),
        }
    }

    fn body(&mut self, depth: usize, body: &Body) {
        self.line(depth, format!("Body@{:?}", body.span));
        for member in &body.members {
            self.member(depth + 1, member);
        }
    }

    fn member(&mut self, depth: usize, member: &Member) {
        let span = member.span;
        match &member.kind {
            MemberKind::Field { path, value } => {
                self.line(depth, format!("Field@{span:?}"));
                self.docs(depth + 1, &member.docs);
                self.path(depth + 1, path);
                self.expr(depth + 1, value);
            }
            MemberKind::Record { name, body } => {
                self.line(depth, format!("Record@{span:?} {}", ident(name)));
                self.docs(depth + 1, &member.docs);
                self.body(depth + 1, body);
            }
            MemberKind::Nested { keyword, name, body } => {
                self.line(depth, format!("Nested@{span:?} {} {}", ident(keyword), ident(name)));
                self.docs(depth + 1, &member.docs);
                if let Some(body) = body {
                    self.body(depth + 1, body);
                }
            }
            MemberKind::Vary { path, domain } => {
                self.line(depth, format!("Vary@{span:?}"));
                self.docs(depth + 1, &member.docs);
                self.path(depth + 1, path);
                self.expr(depth + 1, domain);
            }
            MemberKind::Objective { sense, target } => {
                let sense = match sense {
                    Sense::Minimize => "Minimize",
                    Sense::Maximize => "Maximize",
                };
                self.line(depth, format!("{sense}@{span:?}"));
                self.docs(depth + 1, &member.docs);
                self.expr(depth + 1, target);
            }
            MemberKind::Constraint { condition } => {
                self.line(depth, format!("Constraint@{span:?}"));
                self.docs(depth + 1, &member.docs);
                self.expr(depth + 1, condition);
            }
            MemberKind::Bind { path, source } => {
                self.line(depth, format!("Bind@{span:?}"));
                self.docs(depth + 1, &member.docs);
                self.path(depth + 1, path);
                self.expr(depth + 1, source);
            }
            MemberKind::Error => {
                self.line(depth, format!("MemberError@{span:?}"));
                self.docs(depth + 1, &member.docs);
            }
        }
    }

    fn path(&mut self, depth: usize, path: &Path) {
        self.line(depth, format!("Path@{:?} {}", path.span, path_segments(path)));
    }

    fn arg(&mut self, depth: usize, arg: &Arg) {
        match &arg.name {
            Some(name) => self.line(depth, format!("Arg@{:?} {}", arg.span, ident(name))),
            None => self.line(depth, format!("Arg@{:?}", arg.span)),
        }
        self.expr(depth + 1, &arg.value);
    }

    fn expr(&mut self, depth: usize, expr: &Expr) {
        let span = expr.span;
        match &expr.kind {
            ExprKind::Number(number) => {
                let value = number.value.to_string();
                if value == number.text {
                    self.line(depth, format!("Number@{span:?} {}", number.text));
                } else {
                    self.line(depth, format!("Number@{span:?} {} = {value}", number.text));
                }
            }
            ExprKind::Quantity { value, unit } => {
                let factors: Vec<String> = unit
                    .factors
                    .iter()
                    .map(|factor| {
                        format!("{}^{}@{:?}", factor.name.name, factor.power, factor.name.span)
                    })
                    .collect();
                self.line(depth, format!("Quantity@{span:?} {} {}", value.text, unit.display()));
                self.line(depth + 1, format!("Unit@{:?} {}", unit.span, factors.join(" ")));
            }
            ExprKind::String(value) => self.line(depth, format!("String@{span:?} {value:?}")),
            ExprKind::Bool(value) => self.line(depth, format!("Bool@{span:?} {value}")),
            ExprKind::Path(path) => {
                self.line(depth, format!("Path@{:?} {}", path.span, path_segments(path)));
            }
            ExprKind::Call { callee, args } => {
                self.line(depth, format!("Call@{span:?} {}", ident(callee)));
                for arg in args {
                    self.arg(depth + 1, arg);
                }
            }
            ExprKind::Unary { operand, .. } => {
                self.line(depth, format!("Neg@{span:?}"));
                self.expr(depth + 1, operand);
            }
            ExprKind::Binary { op, lhs, rhs } => {
                self.line(depth, format!("Binary@{span:?} {}", op.symbol()));
                self.expr(depth + 1, lhs);
                self.expr(depth + 1, rhs);
            }
            ExprKind::Tuple(elements) => {
                self.line(depth, format!("Tuple@{span:?}"));
                for element in elements {
                    self.expr(depth + 1, element);
                }
            }
            ExprKind::List(elements) => {
                self.line(depth, format!("List@{span:?}"));
                for element in elements {
                    self.expr(depth + 1, element);
                }
            }
            ExprKind::Range { start, end, inclusive } => {
                let op = if *inclusive { "..=" } else { ".." };
                self.line(depth, format!("Range@{span:?} {op}"));
                self.expr(depth + 1, start);
                self.expr(depth + 1, end);
            }
            ExprKind::Of { value, clock } => {
                self.line(depth, format!("Of@{span:?} {}", ident(clock)));
                self.expr(depth + 1, value);
            }
            ExprKind::Error => self.line(depth, format!("ExprError@{span:?}")),
        }
    }
}

/// The segments of a path with their spans, joined by ` . `: `c1@4..6 . speed@7..12`.
fn path_segments(path: &Path) -> String {
    let segments: Vec<String> = path.segments.iter().map(ident).collect();
    segments.join(" . ")
}
