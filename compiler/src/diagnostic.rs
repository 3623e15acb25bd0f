//! Diagnostics as values: a stable code, a severity, a headline, labelled spans, a help line and
//! the fixes an editor can apply.
//!
//! The checker builds [`Diagnostic`]s from facts; the words are composed at the place a diagnostic is
//! made, in one style: a lowercase headline without a final period, labels that say what the user
//! wrote, and `help:` as a full sentence. Rendering lives in `render` (ariadne for terminals, JSON
//! lines for machines) and, later, in the language server; nothing here knows about either.
//!
//! A diagnostic that knows its remedy exactly also carries it as data: a [`Fix`] is a titled list of
//! text edits (replace `cylce` with `cycle`, add ` s` after a bare number, set a route share so the
//! route sums to 100 %). The language server offers them as quick fixes; nothing reads the message
//! text to guess an edit.
//!
//! Every code is declared once in [`CODES`] with its long page from `docs/diagnostics/`, which
//! `fab explain` prints. A test checks that every code has a page and that some test triggers it.

use crate::db::SourceFile;
use crate::syntax::ItemKey;
use fab_grammar::ast::Span;

#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
        }
    }
}

/// Where a label points: a span in a file, either absolute or relative to the start of an item
/// (the form the per-item queries produce so that they do not depend on where the item sits).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Location {
    pub file: SourceFile,
    /// When set, `span` is relative to this item's first byte.
    pub item: Option<ItemKey>,
    pub span: Span,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Label {
    pub location: Location,
    pub message: String,
    pub primary: bool,
}

#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Diagnostic {
    pub code: &'static str,
    pub severity: Severity,
    pub message: String,
    pub labels: Vec<Label>,
    pub help: Option<String>,
    pub notes: Vec<String>,
    /// Machine-applicable fixes, best first.
    pub fixes: Vec<Fix>,
}

/// A change to the source that resolves a diagnostic.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Fix {
    /// What the fix does, for a menu: ``Replace with `cycle` ``.
    pub title: String,
    pub edits: Vec<Edit>,
}

/// One text edit: the text at `location` becomes `replacement` (an empty span inserts).
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub struct Edit {
    pub location: Location,
    pub replacement: String,
}

impl Diagnostic {
    pub fn error(code: &'static str, message: impl Into<String>) -> Diagnostic {
        debug_assert!(code_info(code).is_some(), "undeclared diagnostic code {code}");
        Diagnostic {
            code,
            severity: Severity::Error,
            message: message.into(),
            labels: Vec::new(),
            help: None,
            notes: Vec::new(),
            fixes: Vec::new(),
        }
    }

    pub fn warning(code: &'static str, message: impl Into<String>) -> Diagnostic {
        Diagnostic { severity: Severity::Warning, ..Diagnostic::error(code, message) }
    }

    pub fn primary(mut self, location: Location, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label { location, message: message.into(), primary: true });
        self
    }

    pub fn secondary(mut self, location: Location, message: impl Into<String>) -> Diagnostic {
        self.labels.push(Label { location, message: message.into(), primary: false });
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    pub fn note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    /// Adds a fix made of one edit.
    pub fn fix(
        mut self,
        title: impl Into<String>,
        location: Location,
        replacement: impl Into<String>,
    ) -> Diagnostic {
        let edit = Edit { location, replacement: replacement.into() };
        self.fixes.push(Fix { title: title.into(), edits: vec![edit] });
        self
    }

    /// The "did you mean" remedy: a help line naming `best`, and the fix that writes `best` over
    /// the misspelt name at `location`.
    pub fn suggest(self, location: Location, best: &str) -> Diagnostic {
        self.help(format!("Did you mean `{best}`?")).fix(
            format!("Replace with `{best}`"),
            location,
            best,
        )
    }

    /// The remedy for a name that is not one of a known list: "did you mean" the closest (with the
    /// fix that writes it) when one is close, and in any case `listing`, a sentence naming the
    /// names that would do, so that a name too far from all of them still gets them.
    pub fn suggest_or_list(
        self,
        location: Location,
        best: Option<&str>,
        listing: String,
    ) -> Diagnostic {
        match best {
            Some(best) => self.help(format!("Did you mean `{best}`? {listing}")).fix(
                format!("Replace with `{best}`"),
                location,
                best,
            ),
            None => self.help(listing),
        }
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }

    /// The primary label's location (the first label when none is marked primary).
    pub fn primary_location(&self) -> Option<&Location> {
        self.labels.iter().find(|label| label.primary).or(self.labels.first()).map(|l| &l.location)
    }
}

/// Names in a sentence: `a`, `a and b`, `a, b and c`.
pub fn and_list<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [one] => one.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", init.join(", "), last.as_ref())
        }
    }
}

/// A diagnostic code with its one-line summary and long page.
#[derive(Debug)]
pub struct CodeInfo {
    pub code: &'static str,
    pub summary: &'static str,
    /// Who finds it: the checker, or the engine while it simulates.
    pub stage: Stage,
    /// The Markdown page printed by `fab explain`.
    pub page: &'static str,
}

/// Where a diagnostic code is found.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Stage {
    /// By the checker, in the source: `fab check`, the language server, before any run.
    Check,
    /// By the engine while it simulates (`fab run` and the studies): what the model does that no
    /// check can foresee. The runtime's `RunError::code` names these.
    Run,
}

macro_rules! codes {
    (
        check { $($code:literal => $summary:literal,)* }
        run { $($run_code:literal => $run_summary:literal,)* }
    ) => {
        /// Every diagnostic code, declared once.
        pub const CODES: &[CodeInfo] = &[
            $(CodeInfo {
                code: $code,
                summary: $summary,
                stage: Stage::Check,
                page: include_str!(concat!("../../docs/diagnostics/", $code, ".md")),
            },)*
            $(CodeInfo {
                code: $run_code,
                summary: $run_summary,
                stage: Stage::Run,
                page: include_str!(concat!("../../docs/diagnostics/", $run_code, ".md")),
            },)*
        ];
    };
}

codes! {
    check {
        "E0001" => "syntax error",
        "E0002" => "invalid token",
        "E0101" => "unknown name",
        "E0102" => "name defined more than once",
        "E0103" => "name refers to the wrong kind of declaration",
        "E0104" => "imported file not found or unreadable",
        "E0201" => "unknown field",
        "E0202" => "field set more than once",
        "E0203" => "missing required field",
        "E0204" => "value of the wrong type",
        "E0205" => "value out of range",
        "E0206" => "conflicting or incomplete fields",
        "W0205" => "opportunistic window as long as the interval",
        "W0206" => "field that does not change the simulation",
        "W0207" => "time shorter than the engine's nanosecond",
        "W0208" => "maintenance that takes as long as its interval",
        "E0301" => "unknown unit",
        "E0302" => "mismatched dimensions in an expression",
        "E0303" => "value of the wrong dimension",
        "E0304" => "number without a unit",
        "E0305" => "more than one currency",
        "E0306" => "dimension exponent out of range",
        "E0401" => "unknown distribution or function",
        "E0402" => "wrong parameters for a distribution or function",
        "E0403" => "invalid distribution parameters",
        "E0404" => "data file cannot be used",
        "W0401" => "normal distribution truncated at zero",
        "W0402" => "a repair that keeps age of a life that has an end",
        "W0403" => "a repair ratio that never removes the age maintenance leaves",
        "E0501" => "cycle of component templates, or a chain of them too long",
        "E0502" => "wrong template arguments",
        "E0601" => "component not reachable from a source",
        "E0602" => "component does not reach a sink",
        "E0603" => "route does not sum to 100 %",
        "E0604" => "route leaves out a successor",
        "E0605" => "flow into a source or out of a sink",
        "E0606" => "conveyor spacing larger than its length",
        "E0607" => "a station's crew among the resources it needs",
        "E0608" => "a source that floods the model at one instant",
        "E0701" => "scenario path names no field",
        "E0702" => "study based on something that is not an experiment",
        "E0703" => "`vary` names something that cannot be varied",
        "E0704" => "objective or constraint `optimize` cannot measure",
        "E0705" => "study based on a designed experiment",
        "E0706" => "input uncertainty with nothing it can redraw",
        "E0707" => "constraint that no point can meet",
        "W0707" => "constraint that rules out no point",
        "W0708" => "scenario override that its experiment's design replaces",
        "E0801" => "incomplete assembly station",
        "E0802" => "robot path point beyond reach",
        "E0803" => "part heavier than a robot's payload",
        "E0804" => "product that reaches an assembly station which does not assemble it",
        "W0801" => "parts of several assembled products in one line before an assembly station",
    }
    run {
        "E0901" => "parts circulate without time passing",
        "E0902" => "failures repeat without time passing",
        "E0903" => "maintenance repeats without time passing",
        "E0904" => "failures come ever faster under repairs that keep age",
        "E0905" => "a buffer fills to the engine's bound",
        "E0906" => "a construct the runtime does not simulate yet",
        "E0907" => "a buffer of capacity 0 that draws, in a loop of such buffers",
        "W0908" => "the line comes to a standstill",
        "E0909" => "a result that overflows the range of numbers",
        "W0910" => "maintenance that never came due",
        "E0911" => "a loop of buffers only, which a part can go round without time passing",
    }
}

/// Looks a code up.
pub fn code_info(code: &str) -> Option<&'static CodeInfo> {
    CODES.iter().find(|info| info.code.eq_ignore_ascii_case(code))
}
