//! The syntax tree of a `.fab` file.
//!
//! The tree is plain data: every node owns its children and carries the byte [`Span`] of the text it
//! came from. It holds what the user wrote and nothing more; names are not resolved, units are not
//! checked and no field is known to be valid. Semantic facts live in the compiler's side tables.
//!
//! One shape serves almost every item: `KEYWORD NAME [: BASE[(ARGS)]] [{ BODY }]`. Products, sources,
//! stations, buffers, conveyors, robots, transports, resources, sinks, routes, experiments, scenarios,
//! `optimize` and `sync` blocks are all [`Decl`]s that differ only in their [`DeclKind`]; what a body
//! may contain is the compiler's business. Only `import`, `component` templates and `flow` have shapes
//! of their own.
//!
//! A parse that met an error still yields a tree: the broken item or member becomes an `Error` node
//! covering the text that was skipped, and the error itself is reported beside the tree.

use std::fmt;

/// A half-open byte range `[start, end)` into the source text.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(start: usize, end: usize) -> Span {
        Span { start: start as u32, end: end as u32 }
    }

    /// The smallest span covering both.
    pub fn cover(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    pub fn len(self) -> u32 {
        self.end - self.start
    }

    pub fn is_empty(self) -> bool {
        self.start == self.end
    }

    pub fn contains(self, offset: u32) -> bool {
        self.start <= offset && offset <= self.end
    }

    /// This span moved by `delta` bytes (to make it relative to, or absolute from, an item's start).
    pub fn shift(self, delta: i64) -> Span {
        Span { start: (self.start as i64 + delta) as u32, end: (self.end as i64 + delta) as u32 }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }
}

impl fmt::Debug for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// A name as written, with where it was written.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Ident {
    pub name: String,
    pub span: Span,
}

/// A whole file.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct SourceFile {
    /// The text of the `//!` lines at the top of the file, joined by newlines, markers removed.
    pub docs: Option<String>,
    pub items: Vec<Item>,
}

/// A top-level item with its `///` documentation.
#[derive(Clone, PartialEq, Debug)]
pub struct Item {
    pub docs: Option<String>,
    pub kind: ItemKind,
    /// From the first token of the item (not its doc comment) to its last.
    pub span: Span,
}

#[derive(Clone, PartialEq, Debug)]
pub enum ItemKind {
    /// `import "path"`
    Import(Import),
    /// `KEYWORD NAME [: BASE] [{ … }]`
    Decl(Decl),
    /// `component NAME(PARAMS) : KIND { … }`
    Template(Template),
    /// `flow A -> B -> C`
    Flow(Flow),
    /// Text that could not be parsed as an item; the error is in the parse's error list.
    Error,
}

#[derive(Clone, PartialEq, Debug)]
pub struct Import {
    pub path: StringLit,
}

#[derive(Clone, PartialEq, Debug)]
pub struct StringLit {
    /// The value with escapes processed.
    pub value: String,
    /// The span of the literal including its quotes.
    pub span: Span,
}

/// The keyword that opens a [`Decl`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum DeclKind {
    Product,
    Source,
    Station,
    Buffer,
    Conveyor,
    Robot,
    Transport,
    Resource,
    Sink,
    Route,
    Experiment,
    Scenario,
    Optimize,
    Sensitivity,
    Sync,
}

impl DeclKind {
    pub const ALL: [DeclKind; 15] = [
        DeclKind::Product,
        DeclKind::Source,
        DeclKind::Station,
        DeclKind::Buffer,
        DeclKind::Conveyor,
        DeclKind::Robot,
        DeclKind::Transport,
        DeclKind::Resource,
        DeclKind::Sink,
        DeclKind::Route,
        DeclKind::Experiment,
        DeclKind::Scenario,
        DeclKind::Optimize,
        DeclKind::Sensitivity,
        DeclKind::Sync,
    ];

    /// The keyword as written in source.
    pub fn keyword(self) -> &'static str {
        match self {
            DeclKind::Product => "product",
            DeclKind::Source => "source",
            DeclKind::Station => "station",
            DeclKind::Buffer => "buffer",
            DeclKind::Conveyor => "conveyor",
            DeclKind::Robot => "robot",
            DeclKind::Transport => "transport",
            DeclKind::Resource => "resource",
            DeclKind::Sink => "sink",
            DeclKind::Route => "route",
            DeclKind::Experiment => "experiment",
            DeclKind::Scenario => "scenario",
            DeclKind::Optimize => "optimize",
            DeclKind::Sensitivity => "sensitivity",
            DeclKind::Sync => "sync",
        }
    }

    pub fn from_keyword(word: &str) -> Option<DeclKind> {
        DeclKind::ALL.into_iter().find(|kind| kind.keyword() == word)
    }
}

/// `KEYWORD NAME [: BASE[(ARGS)]] [{ BODY }]`, e.g. `station weld { … }`,
/// `station w1 : Cell(spots = 14)`, `scenario fast : baseline { … }`, `sink done`.
#[derive(Clone, PartialEq, Debug)]
pub struct Decl {
    pub kind: DeclKind,
    /// The span of the keyword.
    pub keyword_span: Span,
    pub name: Ident,
    pub base: Option<BaseRef>,
    pub body: Option<Body>,
}

/// `: NAME` or `: NAME(ARGS)` after a declaration's name: a template instantiation for components,
/// the base experiment for scenarios, `optimize` and `sync`.
#[derive(Clone, PartialEq, Debug)]
pub struct BaseRef {
    pub name: Ident,
    /// `None` when no parentheses were written; `Some(vec![])` for `Name()`.
    pub args: Option<Vec<Arg>>,
    pub span: Span,
}

/// `{ member; member … }`: the members of a declaration, template, nested item or record.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct Body {
    pub members: Vec<Member>,
    /// From `{` to `}` inclusive.
    pub span: Span,
}

#[derive(Clone, PartialEq, Debug)]
pub struct Member {
    /// `///` documentation written before the member.
    pub docs: Option<String>,
    pub kind: MemberKind,
    pub span: Span,
}

#[derive(Clone, PartialEq, Debug)]
pub enum MemberKind {
    /// `PATH = EXPR`: a field (`cycle = 30 s`), or in a scenario an override (`c1.speed = 0.6 m/s`).
    /// Field names may be keywords that name fields (`failure = …`, `maintenance = …`).
    Field { path: Path, value: Expr },
    /// `NAME { … }`: a record of fields, e.g. `costs { … }`, `assemble { Body = 1 }`.
    Record { name: Ident, body: Body },
    /// `KEYWORD NAME [{ … }]`: a named nested item, e.g. `failure bearing { … }`.
    Nested { keyword: Ident, name: Ident, body: Option<Body> },
    /// `vary PATH in EXPR` (`optimize`, designed experiments, sensitivity).
    Vary { path: Path, domain: Expr },
    /// `minimize EXPR` / `maximize EXPR`.
    Objective { sense: Sense, target: Expr },
    /// `subject to EXPR`: a constraint of an `optimize` block.
    Constraint { condition: Expr },
    /// `PATH <- EXPR`: a `sync` binding of a model signal to a feed address.
    Bind { path: Path, source: Expr },
    /// A member that could not be parsed; the error is in the parse's error list.
    Error,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Sense {
    Minimize,
    Maximize,
}

/// A dotted name: `weld`, `c1.speed`, `weld.cycle.mean`.
#[derive(Clone, PartialEq, Debug)]
pub struct Path {
    /// At least one segment (a parse error may leave an empty name in the last segment, as in `weld.`).
    pub segments: Vec<Ident>,
    pub span: Span,
}

impl Path {
    /// The segments joined by `.`.
    pub fn dotted(&self) -> String {
        let names: Vec<&str> = self.segments.iter().map(|s| s.name.as_str()).collect();
        names.join(".")
    }
}

/// `component NAME(PARAMS) : KIND [{ … }]`.
#[derive(Clone, PartialEq, Debug)]
pub struct Template {
    pub name: Ident,
    pub params: Vec<Param>,
    /// The component kind this template makes (`station`, `conveyor`, …) or another template's name.
    pub base: BaseRef,
    pub body: Option<Body>,
}

/// `NAME: TYPE [= DEFAULT]`.
#[derive(Clone, PartialEq, Debug)]
pub struct Param {
    pub name: Ident,
    pub ty: TypeExpr,
    pub default: Option<Expr>,
    pub span: Span,
}

/// A type as written: `Duration`, `Dist<Duration>`, `(Length, Length)`, `[Int]`.
#[derive(Clone, PartialEq, Debug)]
pub enum TypeExpr {
    /// `NAME` or `NAME<ARGS>`.
    Named {
        name: Ident,
        args: Vec<TypeExpr>,
        span: Span,
    },
    Tuple {
        elements: Vec<TypeExpr>,
        span: Span,
    },
    List {
        element: Box<TypeExpr>,
        span: Span,
    },
    Error {
        span: Span,
    },
}

impl TypeExpr {
    pub fn span(&self) -> Span {
        match self {
            TypeExpr::Named { span, .. }
            | TypeExpr::Tuple { span, .. }
            | TypeExpr::List { span, .. }
            | TypeExpr::Error { span } => *span,
        }
    }
}

/// `flow A -> B -> C`: each stage is a component name.
#[derive(Clone, PartialEq, Debug)]
pub struct Flow {
    pub stages: Vec<Ident>,
}

/// `NAME = EXPR` or a bare `EXPR` in a call.
#[derive(Clone, PartialEq, Debug)]
pub struct Arg {
    pub name: Option<Ident>,
    pub value: Expr,
    pub span: Span,
}

#[derive(Clone, PartialEq, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub span: Span,
}

#[derive(Clone, PartialEq, Debug)]
pub enum ExprKind {
    /// A plain number: `42`, `3.5`, `1e-3`, `1_000`.
    Number(Number),
    /// A number directly followed by a unit expression: `12 m`, `0.4 m/s`, `3 %`, `20000 cycles`.
    Quantity {
        value: Number,
        unit: UnitExpr,
    },
    String(String),
    Bool(bool),
    /// A name or dotted path: `unlimited`, `fifo`, `busy_time`, `cycle_time`, `b1.capacity`.
    Path(Path),
    /// `NAME(ARGS)`: a distribution (`normal(mean = 52 s, sd = 4 s)`), a strategy (`preventive(…)`),
    /// a feed (`mqtt(…)`).
    Call {
        callee: Ident,
        args: Vec<Arg>,
    },
    Unary {
        op: UnaryOp,
        operand: Box<Expr>,
    },
    Binary {
        op: BinaryOp,
        lhs: Box<Expr>,
        rhs: Box<Expr>,
    },
    /// `(a, b)` or `(a, b, c)`; a parenthesized single expression is not a tuple but its content.
    Tuple(Vec<Expr>),
    /// `[a, b, …]`
    List(Vec<Expr>),
    /// `a..b` or `a..=b`.
    Range {
        start: Box<Expr>,
        end: Box<Expr>,
        inclusive: bool,
    },
    /// `LAW of CLOCK`: `weibull(…) of busy_time`, `400 h of busy_time`.
    Of {
        value: Box<Expr>,
        clock: Ident,
    },
    /// An expression that could not be parsed.
    Error,
}

/// A numeric literal: its value and the text as written (kept for exact display and formatting).
#[derive(Clone, PartialEq, Debug)]
pub struct Number {
    pub value: f64,
    pub text: String,
    /// `true` when written without a fraction or exponent (`42`, `1_000`), so it can be an `Int`.
    pub is_integer: bool,
}

impl Number {
    /// Whether `value` is the number written, to an `f64`'s full precision: finite, and not a
    /// literal other than zero rounded to zero or to a subnormal (closer to zero than
    /// `f64::MIN_POSITIVE`, about 2.2·10⁻³⁰⁸, where digits are lost). The lexer reports any other
    /// literal (E0002) and the compiler does not evaluate it, so `1e-400` is not silently 0 as
    /// `1e400` is not silently infinite.
    pub fn is_representable(&self) -> bool {
        if !self.value.is_finite() {
            return false;
        }
        if self.value == 0.0 {
            let mantissa = self.text.split(['e', 'E']).next().unwrap_or_default();
            return !mantissa.bytes().any(|digit| matches!(digit, b'1'..=b'9'));
        }
        self.value.abs() >= f64::MIN_POSITIVE
    }
}

/// The unit after a number: factors joined by `*` and `/`, each with an integer power.
/// `m/s^2` is `[m^1, s^-2]`; `EUR/h` is `[EUR^1, h^-1]`; `%` is `[%^1]`.
#[derive(Clone, PartialEq, Debug)]
pub struct UnitExpr {
    pub factors: Vec<UnitFactor>,
    pub span: Span,
}

#[derive(Clone, PartialEq, Debug)]
pub struct UnitFactor {
    /// The unit's name as written (`m`, `kWh`, `%`).
    pub name: Ident,
    /// The power with the sign of the operator before it folded in: `/s^2` is `-2`.
    pub power: i32,
}

impl UnitExpr {
    /// The unit as text in a canonical spelling, e.g. `m/s^2`.
    pub fn display(&self) -> String {
        let mut out = String::new();
        for (index, factor) in self.factors.iter().enumerate() {
            if factor.power < 0 {
                out.push_str(if index == 0 { "1/" } else { "/" });
            } else if index > 0 {
                out.push('*');
            }
            out.push_str(&factor.name.name);
            if factor.power.abs() != 1 {
                out.push_str(&format!("^{}", factor.power.abs()));
            }
        }
        out
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum UnaryOp {
    Neg,
}

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum BinaryOp {
    Add,
    Sub,
    Mul,
    Div,
    Pow,
    Lt,
    Le,
    Gt,
    Ge,
    Eq,
}

impl BinaryOp {
    pub fn symbol(self) -> &'static str {
        match self {
            BinaryOp::Add => "+",
            BinaryOp::Sub => "-",
            BinaryOp::Mul => "*",
            BinaryOp::Div => "/",
            BinaryOp::Pow => "^",
            BinaryOp::Lt => "<",
            BinaryOp::Le => "<=",
            BinaryOp::Gt => ">",
            BinaryOp::Ge => ">=",
            BinaryOp::Eq => "==",
        }
    }
}

/// Calls `f` on every span inside `item`: the item's own, and those of its idents, paths,
/// expressions, unit expressions, bodies, members, arguments, parameters, types and string
/// literals. The compiler uses it to make an item's spans relative to the item's start, so that
/// editing one item leaves the others' trees unchanged.
pub fn for_each_span_mut(item: &mut Item, f: &mut impl FnMut(&mut Span)) {
    f(&mut item.span);
    match &mut item.kind {
        ItemKind::Import(import) => f(&mut import.path.span),
        ItemKind::Decl(decl) => {
            f(&mut decl.keyword_span);
            f(&mut decl.name.span);
            if let Some(base) = &mut decl.base {
                base_ref_spans(base, f);
            }
            if let Some(body) = &mut decl.body {
                body_spans(body, f);
            }
        }
        ItemKind::Template(template) => {
            f(&mut template.name.span);
            for param in &mut template.params {
                f(&mut param.span);
                f(&mut param.name.span);
                type_spans(&mut param.ty, f);
                if let Some(default) = &mut param.default {
                    expr_spans(default, f);
                }
            }
            base_ref_spans(&mut template.base, f);
            if let Some(body) = &mut template.body {
                body_spans(body, f);
            }
        }
        ItemKind::Flow(flow) => {
            for stage in &mut flow.stages {
                f(&mut stage.span);
            }
        }
        ItemKind::Error => {}
    }
}

fn base_ref_spans(base: &mut BaseRef, f: &mut impl FnMut(&mut Span)) {
    f(&mut base.span);
    f(&mut base.name.span);
    for arg in base.args.iter_mut().flatten() {
        arg_spans(arg, f);
    }
}

fn body_spans(body: &mut Body, f: &mut impl FnMut(&mut Span)) {
    f(&mut body.span);
    for member in &mut body.members {
        f(&mut member.span);
        match &mut member.kind {
            MemberKind::Field { path, value: expr }
            | MemberKind::Vary { path, domain: expr }
            | MemberKind::Bind { path, source: expr } => {
                path_spans(path, f);
                expr_spans(expr, f);
            }
            MemberKind::Record { name, body } => {
                f(&mut name.span);
                body_spans(body, f);
            }
            MemberKind::Nested { keyword, name, body } => {
                f(&mut keyword.span);
                f(&mut name.span);
                if let Some(body) = body {
                    body_spans(body, f);
                }
            }
            MemberKind::Objective { target: expr, .. }
            | MemberKind::Constraint { condition: expr } => {
                expr_spans(expr, f);
            }
            MemberKind::Error => {}
        }
    }
}

fn path_spans(path: &mut Path, f: &mut impl FnMut(&mut Span)) {
    f(&mut path.span);
    for segment in &mut path.segments {
        f(&mut segment.span);
    }
}

fn arg_spans(arg: &mut Arg, f: &mut impl FnMut(&mut Span)) {
    f(&mut arg.span);
    if let Some(name) = &mut arg.name {
        f(&mut name.span);
    }
    expr_spans(&mut arg.value, f);
}

fn type_spans(ty: &mut TypeExpr, f: &mut impl FnMut(&mut Span)) {
    match ty {
        TypeExpr::Named { name, args, span } => {
            f(span);
            f(&mut name.span);
            for arg in args {
                type_spans(arg, f);
            }
        }
        TypeExpr::Tuple { elements, span } => {
            f(span);
            for element in elements {
                type_spans(element, f);
            }
        }
        TypeExpr::List { element, span } => {
            f(span);
            type_spans(element, f);
        }
        TypeExpr::Error { span } => f(span),
    }
}

fn expr_spans(expr: &mut Expr, f: &mut impl FnMut(&mut Span)) {
    f(&mut expr.span);
    match &mut expr.kind {
        ExprKind::Quantity { unit, .. } => {
            f(&mut unit.span);
            for factor in &mut unit.factors {
                f(&mut factor.name.span);
            }
        }
        ExprKind::Path(path) => path_spans(path, f),
        ExprKind::Call { callee, args } => {
            f(&mut callee.span);
            for arg in args {
                arg_spans(arg, f);
            }
        }
        ExprKind::Unary { operand, .. } => expr_spans(operand, f),
        ExprKind::Binary { lhs, rhs, .. } => {
            expr_spans(lhs, f);
            expr_spans(rhs, f);
        }
        ExprKind::Tuple(elements) | ExprKind::List(elements) => {
            for element in elements {
                expr_spans(element, f);
            }
        }
        ExprKind::Range { start, end, .. } => {
            expr_spans(start, f);
            expr_spans(end, f);
        }
        ExprKind::Of { value, clock } => {
            expr_spans(value, f);
            f(&mut clock.span);
        }
        ExprKind::Number(_) | ExprKind::String(_) | ExprKind::Bool(_) | ExprKind::Error => {}
    }
}
