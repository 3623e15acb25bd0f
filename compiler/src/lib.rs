//! The `.fab` compiler: from source text to a checked, lowered [`fab_runtime::Model`].
//!
//! The compiler is a salsa database with one documented query per stage:
//!
//! | stage | query | reads |
//! | --- | --- | --- |
//! | source text | [`db::SourceFile`] (input) | — |
//! | parse | [`syntax::parse`] | the text |
//! | item syntax | [`syntax::item_syntax`] | the parse (backdated per item) |
//! | item index | [`syntax::item_index`] | the parse (names and kinds only) |
//! | resolution | [`scope::scope`], [`scope::model_files`] | item indexes |
//! | types and units | [`check::check_item`] | one item's syntax, its scope, its templates |
//! | validation | [`validate::model_graph`], [`validate::validate_model`] | checked items |
//! | lowering | [`lower::lower`] (not memoized: the IR is built once per run) | checked items |
//!
//! [`check_model`] gathers every diagnostic of a model with absolute spans; [`compile`] adds the
//! lowered model when there is no error. The compiler does no IO: files arrive through
//! [`db::FileSystem`].

pub mod check;
pub mod data;
pub mod db;
pub mod diagnostic;
pub mod docs;
pub mod eval;
pub mod ide;
pub mod inputs;
pub mod lower;
pub mod render;
pub mod scope;
pub mod suggest;
pub mod syntax;
pub mod validate;
pub mod value;

use db::{Db, SourceFile};
use diagnostic::{Diagnostic, Location};
use fab_grammar::{NameRole, SyntaxError, SyntaxErrorKind};
use scope::model_files;
use syntax::{absolute_span, item_index, parse};

pub use db::Database;
pub use scope::load_model;

/// Every diagnostic of the model rooted at `root`, with absolute locations, sorted by file and
/// position (errors and warnings together).
pub fn check_model(db: &dyn Db, root: SourceFile) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    for &file in model_files(db, root) {
        for error in &parse(db, file).errors {
            out.push(syntax_diagnostic(file, file.text(db), error));
        }
        for entry in item_index(db, file) {
            out.extend(check::check_item(db, file, entry.key.clone()).diagnostics.iter().cloned());
        }
    }
    out.extend(validate::validate_model(db, root).iter().cloned());
    let absolute = |location: &mut Location| {
        location.span = absolute_span(db, location.file, location.item.as_ref(), location.span);
        location.item = None;
    };
    for diagnostic in &mut out {
        for label in &mut diagnostic.labels {
            absolute(&mut label.location);
        }
        for fix in &mut diagnostic.fixes {
            for edit in &mut fix.edits {
                absolute(&mut edit.location);
            }
        }
    }
    let order: Vec<SourceFile> = model_files(db, root).clone();
    out.sort_by_key(|d| {
        let location = d.primary_location();
        let file_rank =
            location.and_then(|l| order.iter().position(|f| *f == l.file)).unwrap_or(usize::MAX);
        (file_rank, location.map(|l| l.span.start).unwrap_or(0), d.code)
    });
    out.dedup();
    out
}

/// A run-time error of the model rooted at `root` as a diagnostic: its code, its headline, a label
/// at the declaration of the component it names, its reason as a note and its remedy as help.
/// `None` for an error without a code (the command line's numbers and names) or whose component
/// the model does not declare.
pub fn run_diagnostic(
    db: &dyn Db,
    root: SourceFile,
    error: &fab_runtime::RunError,
) -> Option<Diagnostic> {
    use fab_runtime::{LoopCause, RunError};
    let (code, component) = (error.code()?, error.component()?);
    let location = component_location(db, root, component)?;
    let label = match error {
        RunError::ZeroTimeLoop { cause: LoopCause::Parts, .. } => {
            "the last part to move moved here".to_string()
        }
        RunError::ZeroTimeLoop { cause: LoopCause::Failures { mode, .. }, .. }
        | RunError::FailuresDiverge { mode, .. } => format!("fails by its failure mode `{mode}`"),
        RunError::ZeroTimeLoop { cause: LoopCause::Maintenance, .. } => {
            "maintained here".to_string()
        }
        RunError::BufferOverflow { .. } => "this buffer".to_string(),
        RunError::DrawingLoop { .. } => "a part could pass this buffer twice".to_string(),
        RunError::HoldingLoop { .. } => "the loop starts and ends here".to_string(),
        RunError::NotFinite { path, .. } => format!("its `{}`", path[2..].join(".")),
        _ => "not simulated yet".to_string(),
    };
    let mut diagnostic = Diagnostic::error(code, error.headline()).primary(location, label);
    if let Some(reason) = error.reason() {
        // The reason follows the headline after a colon in one line; a note is a sentence.
        let mut letters = reason.chars();
        let first = letters.next().map(|c| c.to_ascii_uppercase()).unwrap_or_default();
        diagnostic = diagnostic.note(format!("{first}{}.", letters.as_str()));
    }
    if let Some(help) = error.help() {
        diagnostic = diagnostic.help(help);
    }
    Some(diagnostic)
}

/// Where the model rooted at `root` declares component `name`: the name in its declaration.
fn component_location(db: &dyn Db, root: SourceFile, name: &str) -> Option<Location> {
    let node =
        validate::model_graph(db, root).nodes.iter().find(|node| node.declaration.name == name)?;
    let mut location = node.name_location.clone();
    location.span = absolute_span(db, location.file, location.item.as_ref(), location.span);
    location.item = None;
    Some(location)
}

/// The standstills a run found (`Results::deadlocks`; for a study of many models, each with the
/// model it happened in: "point 3", "`small`") as warnings (W0908), one per set of components that
/// stood still, in the order they first did: a label at each component, naming what it waits for,
/// and a note with the runs and the times. `runs` is how many replications the run made (over all
/// its models, for a study).
pub fn deadlock_diagnostics(
    db: &dyn Db,
    root: SourceFile,
    deadlocks: &[(Option<String>, &fab_runtime::results::Deadlock)],
    runs: u32,
) -> Vec<Diagnostic> {
    // Labels beyond these many make a wall; the headline counts the rest.
    const LABELS: usize = 6;
    let mut groups: Vec<Vec<&(Option<String>, &fab_runtime::results::Deadlock)>> = Vec::new();
    for entry in deadlocks {
        match groups.iter_mut().find(|g| g[0].1.components == entry.1.components) {
            Some(group) => group.push(entry),
            None => groups.push(vec![entry]),
        }
    }
    groups
        .into_iter()
        .map(|group| {
            let first = group[0].1;
            let names: Vec<&str> = first.components.iter().map(|c| c.name.as_str()).collect();
            let mut diagnostic = Diagnostic::warning(
                "W0908",
                format!("the line comes to a standstill: {}", wait_on_one_another(&names)),
            );
            for (k, stuck) in first.components.iter().take(LABELS).enumerate() {
                let Some(location) = component_location(db, root, &stuck.name) else { continue };
                let label = format!("no room, and its parts wait for {}", either(&stuck.waits_for));
                diagnostic = if k == 0 {
                    diagnostic.primary(location, label)
                } else {
                    diagnostic.secondary(location, label)
                };
            }
            let stopped = group.len();
            let mut when: Vec<String> = group
                .iter()
                .take(5)
                .map(|(model, d)| {
                    let model = model.as_ref().map(|m| format!("{m}, ")).unwrap_or_default();
                    format!("{model}replication {} from {}", d.replication, moment(d.since_s))
                })
                .collect();
            if stopped > when.len() {
                when.push(format!("{} more", stopped - when.len()));
            }
            let of = if group[0].0.is_some() {
                format!("{runs} runs of the study")
            } else {
                format!("{runs} replication{}", if runs == 1 { "" } else { "s" })
            };
            diagnostic = diagnostic.note(format!(
                "In {stopped} of {of} ({}): each of them waits for room that only the others \
                 could make, so none of their parts moves again, and the statistics count the \
                 standstill, up to the horizon, as the line's work.",
                when.join(", ")
            ));
            if !first.behind.is_empty() {
                let behind: Vec<String> = first.behind.iter().map(|n| format!("`{n}`")).collect();
                diagnostic =
                    diagnostic.note(format!("Stuck behind them: {}.", list(&behind, "and")));
            }
            diagnostic.help(
                "Parts sent back into a full buffer block the station that sends them: give the \
                 loop room for every part that can be in it (a larger buffer on the way back, or \
                 `capacity = unlimited`), or let fewer parts into it.",
            )
        })
        .collect()
}

/// The maintenance a run never did (W0910): each station or robot with a maintenance strategy
/// whose maintenance came due in none of the run's replications (in the observed period), with
/// what keeps it from coming due where the model shows it. A plan that never runs makes a
/// comparison of strategies a comparison with running to failure; this says so. `model` is the
/// model as the run simulated it (a scenario's overrides applied).
pub fn idle_maintenance_diagnostics(
    db: &dyn Db,
    root: SourceFile,
    model: &fab_runtime::Model,
    results: &fab_runtime::results::Results,
) -> Vec<Diagnostic> {
    use fab_runtime::model::{ComponentKind, Maintenance, PreventivePolicy, Restoration};
    let runs = results.replications;
    let mut out = Vec::new();
    for id in model.component_ids() {
        let component = model.component(id);
        let station = match &component.kind {
            ComponentKind::Station(station) => station,
            ComponentKind::Robot(robot) => &robot.station,
            _ => continue,
        };
        let (what, policy) = match &station.maintenance {
            Maintenance::Reactive => continue,
            Maintenance::Preventive { every, clock, policy, .. } => {
                (strategy_phrase("preventive maintenance", *every, *clock, *policy), Some(*policy))
            }
            Maintenance::Opportunistic { every, clock, policy, .. } => (
                strategy_phrase("opportunistic maintenance", *every, *clock, *policy),
                Some(*policy),
            ),
            Maintenance::Predictive { .. } => ("predictive maintenance".to_string(), None),
        };
        let Some(stats) = results.stations.get(&component.name) else { continue };
        let actions = &stats.maintenance_actions.values;
        if actions.is_empty() || actions.iter().any(|&n| n != 0.0) {
            continue;
        }
        let Some(location) = component_location(db, root, &component.name) else { continue };
        let observed = results.horizon_s - results.warmup_s;
        let of = format!("{runs} replication{}", if runs == 1 { "" } else { "s" });
        let mut diagnostic = Diagnostic::warning(
            "W0910",
            format!("the maintenance of `{}` never came due", component.name),
        )
        .primary(location, format!("{what}: none in {of}"))
        .note(format!(
            "{} in the observed period ({}), so this run is a run to failure of `{}`.",
            if runs == 1 {
                "In the one replication its maintenance did not come due".to_string()
            } else {
                format!("In none of the {of} did its maintenance come due")
            },
            moment(observed),
            component.name
        ));
        let renewing: Vec<String> = station
            .failures
            .iter()
            .filter(|mode| mode.restores == Restoration::New)
            .map(|mode| format!("`{}`", mode.name))
            .collect();
        let failures = stats.failures.mean;
        diagnostic = match policy {
            Some(PreventivePolicy::Age) if !renewing.is_empty() && failures > 0.0 => diagnostic
                .note(format!(
                    "The age restarts at every renewal, and the repair of a mode that restores \
                     `new` is one: {} {}, and `{}` failed {} a replication, too often for the \
                     age to reach its mark between two failures.",
                    list(&renewing, "and"),
                    if renewing.len() == 1 { "does" } else { "do" },
                    component.name,
                    match fab_stdlib::fit::significant(failures, 3) {
                        one if one == "1" => "once".to_string(),
                        times => format!("{times} times"),
                    }
                ))
                .help(
                    "Give the modes whose repair leaves the station as worn as it was \
                     `restores = old` (a jam cleared, say), or shorten `age`.",
                ),
            Some(_) => diagnostic.help(
                "Shorten the interval or lengthen the run; leave `maintenance` out where none is \
                 meant.",
            ),
            None => diagnostic
                .note(format!(
                    "Inspections: {} a replication; coming failures detected: {}.",
                    fab_stdlib::fit::significant(stats.maintenance_detail.inspections.mean, 3),
                    fab_stdlib::fit::significant(stats.maintenance_detail.detections.mean, 3)
                ))
                .help(
                    "Detect earlier or more surely: a lower `threshold`, a shorter \
                     `inspect_every`, a higher `detection`; a `lead` longer than the time from \
                     detection to failure lets every failure come first.",
                ),
        };
        out.push(diagnostic);
    }
    out
}

/// `preventive maintenance every 400 h of busy time`, `… at an age of 350 h of calendar time`.
fn strategy_phrase(
    name: &str,
    every: f64,
    clock: fab_runtime::model::Clock,
    policy: fab_runtime::model::PreventivePolicy,
) -> String {
    use fab_runtime::model::{Clock, PreventivePolicy};
    let when = match policy {
        PreventivePolicy::Interval => "every",
        PreventivePolicy::Age => "at an age of",
    };
    let clock = match clock {
        Clock::BusyTime => "busy time",
        Clock::CalendarTime => "calendar time",
    };
    format!("{name} {when} {} of {clock}", duration(every))
}

/// "`a` and `b` wait on each other", "`a`, `b` and `c` wait on one another", "`a` waits on
/// itself", with at most six names.
fn wait_on_one_another(names: &[&str]) -> String {
    let quoted: Vec<String> = names.iter().take(6).map(|n| format!("`{n}`")).collect();
    match names.len() {
        1 => format!("{} waits on itself", quoted[0]),
        2 => format!("{} wait on each other", list(&quoted, "and")),
        n if n <= 6 => format!("{} wait on one another", list(&quoted, "and")),
        n => format!("{} and {} more wait on one another", quoted.join(", "), n - 6),
    }
}

/// "`a`", "`a` or `b`", "`a`, `b` or `c`".
fn either(names: &[String]) -> String {
    let quoted: Vec<String> = names.iter().map(|n| format!("`{n}`")).collect();
    list(&quoted, "or")
}

/// "a", "a and b", "a, b and c".
fn list(items: &[String], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., tail] => format!("{} {last} {tail}", init.join(", ")),
    }
}

/// A duration in the largest unit that keeps it readable: a whole number of the largest unit that
/// gives one (`30 d`, `400 h`, `750 min`, `90 s`), else one decimal of the largest unit it is ten
/// of (`12.5 h` for 12.51 h), and under a second in the unit a model writes it in, to six
/// significant digits (`250 ms`, `1 us`, `0.25 ns`; `1e-16 s` below a millionth of a nanosecond):
/// the run table's horizon and warm-up, the times in a maintenance warning.
pub fn duration(seconds: f64) -> String {
    let units = [(86_400.0, "d"), (3_600.0, "h"), (60.0, "min")];
    for (size, unit) in units {
        if seconds >= size && (seconds / size).fract() == 0.0 {
            return format!("{} {unit}", seconds / size);
        }
    }
    for (size, unit) in units {
        if seconds >= 10.0 * size {
            return format!("{:.1} {unit}", seconds / size);
        }
    }
    if seconds > 0.0 && seconds < 1.0 {
        // The largest unit the value, rounded to six significant digits, is at least one of
        // (0.9999996 s is `1 s`, not `1000 ms`); under a millionth of a nanosecond, in seconds.
        let six = |value: f64| {
            let digits = 5usize.saturating_sub(libm::floor(libm::log10(value)).max(0.0) as usize);
            let shown = format!("{value:.digits$}");
            let shown = if shown.contains('.') {
                shown.trim_end_matches('0').trim_end_matches('.').to_string()
            } else {
                shown
            };
            (shown.parse::<f64>().unwrap_or(value), shown)
        };
        let units = [(1.0, "s"), (1e3, "ms"), (1e6, "us"), (1e9, "ns")];
        for (per_second, unit) in units {
            let (rounded, shown) = six(seconds * per_second);
            if rounded >= 1.0 || (unit == "ns" && rounded > 0.0) {
                return format!("{shown} {unit}");
            }
        }
        return format!("{seconds:e} s");
    }
    format!("{seconds} s")
}

/// A moment of a run, s, in a unit that reads at a glance.
fn moment(seconds: f64) -> String {
    if seconds < 120.0 {
        format!("{seconds:.1} s")
    } else if seconds < 7_200.0 {
        format!("{:.1} min", seconds / 60.0)
    } else if seconds < 172_800.0 {
        format!("{:.2} h", seconds / 3_600.0)
    } else {
        format!("{:.2} d", seconds / 86_400.0)
    }
}

/// The result of compiling a model.
pub struct Compilation {
    pub diagnostics: Vec<Diagnostic>,
    /// The lowered model, when there is no error.
    pub model: Option<fab_runtime::Model>,
}

/// Checks a model and, when it has no errors, lowers it.
pub fn compile(db: &dyn Db, root: SourceFile) -> Compilation {
    let diagnostics = check_model(db, root);
    let model = (!diagnostics.iter().any(Diagnostic::is_error)).then(|| lower::lower(db, root));
    Compilation { diagnostics, model }
}

fn describe_token(found: &str) -> String {
    match found {
        "\n" => "a line break".to_string(),
        "" => "the end of the file".to_string(),
        text => format!("`{text}`"),
    }
}

fn expected_list(expected: &[String]) -> String {
    let shown: Vec<String> = expected
        .iter()
        .map(|e| if e.starts_with('"') { format!("`{}`", e.trim_matches('"')) } else { e.clone() })
        .collect();
    match shown.as_slice() {
        [] => "something else".to_string(),
        [one] => one.clone(),
        [init @ .., last] if init.len() < 6 => format!("{} or {last}", init.join(", ")),
        _ => format!("{}, …", shown[..6].join(", ")),
    }
}

/// Whether the unexpected token `found` at `span` is an operator that starts its line (after
/// blanks): an expression meant to go on from the line before, which only `->` does.
fn starts_line_with_operator(text: &str, span: fab_grammar::ast::Span, found: &str) -> bool {
    const OPERATORS: [&str; 12] =
        ["+", "-", "*", "/", "^", "<", "<=", ">", ">=", "==", "..", "..="];
    let before = text.get(..span.start as usize).unwrap_or_default();
    let line = before.rsplit('\n').next().unwrap_or_default();
    OPERATORS.contains(&found) && line.trim().is_empty() && before.contains('\n')
}

/// A syntax error in words.
fn syntax_diagnostic(file: SourceFile, text: &str, error: &SyntaxError) -> Diagnostic {
    let at = Location { file, item: None, span: error.span };
    match &error.kind {
        SyntaxErrorKind::UnexpectedToken { found, expected } => {
            let diagnostic =
                Diagnostic::error("E0001", format!("expected {}, found {}", expected_list(expected), describe_token(found)))
                    .primary(at, "unexpected here");
            if starts_line_with_operator(text, error.span, found) {
                diagnostic.help(format!(
                    "A line that starts with `{found}` does not continue the line before it. End \
                     the line before with `{found}` instead, or wrap the whole expression in \
                     parentheses: a newline inside `( … )` is skipped."
                ))
            } else if expected.iter().any(|e| e == "\"=\"") && found != "\n" {
                diagnostic.help("A field is written `name = value`.")
            } else {
                diagnostic
            }
        }
        SyntaxErrorKind::KeywordAsName { keyword, role: NameRole::Type } => {
            Diagnostic::error("E0001", format!("`{keyword}` is a keyword, so it cannot name a type"))
                .primary(at, "a keyword")
                .help(check::param_types_help())
        }
        SyntaxErrorKind::KeywordAsName { keyword, role: NameRole::Function } => {
            let (best, listing) = eval::callees(keyword, false);
            Diagnostic::error("E0001", format!("`{keyword}` is a keyword, so it cannot name a distribution or function"))
                .primary(at.clone(), "a keyword")
                .suggest_or_list(at, best, listing)
        }
        SyntaxErrorKind::KeywordAsName { keyword, role: NameRole::Clock } => {
            let clocks: Vec<String> =
                fab_stdlib::catalog::CLOCKS.iter().map(|clock| format!("`{clock}`")).collect();
            Diagnostic::error("E0001", format!("`{keyword}` is a keyword, so it cannot name a clock"))
                .primary(at, "a keyword")
                .help(format!(
                    "The clocks are {}; a field written without `of` takes its default clock.",
                    list(&clocks, "and")
                ))
        }
        SyntaxErrorKind::KeywordAsName { keyword, role: NameRole::Given } => {
            let renamed = format!("{keyword}_1");
            let keywords: Vec<String> =
                fab_grammar::lexer::KEYWORDS.iter().map(|k| format!("`{k}`")).collect();
            Diagnostic::error("E0001", format!("`{keyword}` is a keyword, so it cannot be a name"))
                .primary(at.clone(), "a keyword")
                .help(format!(
                    "Give it another name, such as `{renamed}`, here and wherever the name is used."
                ))
                .note(format!("The keywords are {}.", list(&keywords, "and")))
                .fix(format!("Rename to `{renamed}`"), at, renamed)
        }
        SyntaxErrorKind::UnexpectedEof { expected } => {
            Diagnostic::error("E0001", format!("unexpected end of file, expected {}", expected_list(expected)))
                .primary(at, "the file ends here")
        }
        SyntaxErrorKind::UnclosedDelimiter { delimiter, expected_at } => {
            let closing = match delimiter.as_str() {
                "{" => "}",
                "(" => ")",
                _ => "]",
            };
            let expected = Location { file, item: None, span: *expected_at };
            // The delimiter gets a line of its own where the text around allows it: after the
            // last token of a line, or at the start of the next item's line.
            let insert_at = expected_at.start as usize;
            let rest_of_line =
                text.get(insert_at..).map(|rest| rest.split('\n').next().unwrap_or(""));
            let at_line_start =
                insert_at > 0 && text.as_bytes().get(insert_at - 1) == Some(&b'\n');
            let inserted = if at_line_start {
                format!("{closing}\n")
            } else if rest_of_line.is_some_and(|r| r.trim().is_empty()) && insert_at < text.len() {
                format!("\n{closing}")
            } else {
                closing.to_string()
            };
            Diagnostic::error("E0001", format!("unclosed `{delimiter}`"))
                .primary(at, "opened here")
                .secondary(expected.clone(), format!("`{closing}` expected here"))
                .help(format!("Add the closing `{closing}`."))
                .fix(format!("Insert `{closing}`"), expected, inserted)
        }
        SyntaxErrorKind::InvalidCharacter => {
            let written = text.get(error.span.start as usize..error.span.end as usize);
            match written.filter(|run| run.chars().all(char::is_alphabetic)) {
                // The lexer reads it as part of the name around it, so this is the one error.
                Some(letters) => Diagnostic::error("E0002", "invalid character")
                    .primary(at, "a letter outside ASCII, in a name")
                    .help(format!("Names use ASCII letters (`a`–`z`, `A`–`Z`), digits and `_`: write the name without `{letters}`, in those letters alone. Other text goes in a string, in double quotes.")),
                None => Diagnostic::error("E0002", "invalid character")
                    .primary(at, "no token starts with this")
                    .help("Names use ASCII letters (`a`–`z`, `A`–`Z`), digits and `_`; other text goes in a string, in double quotes."),
            }
        }
        SyntaxErrorKind::UnterminatedString => Diagnostic::error("E0002", "unterminated string")
            .primary(at, "this string has no closing `\"`")
            .help("Close the string on the same line."),
        SyntaxErrorKind::UnterminatedComment => Diagnostic::error("E0002", "unterminated block comment")
            .primary(at, "this `/*` is never closed")
            .help("Close it with `*/`; block comments nest."),
        SyntaxErrorKind::InvalidEscape => Diagnostic::error("E0002", "invalid escape in a string")
            .primary(at, "not an escape")
            .help("The escapes are `\\\"`, `\\\\` and `\\n`."),
        SyntaxErrorKind::NestingTooDeep { limit } => Diagnostic::error("E0001", format!("nesting deeper than {limit} levels"))
            .primary(at, "too deep here")
            .help("The rest of the item was not read; flatten the expression or the blocks."),
        SyntaxErrorKind::TooManyOperators { limit } => Diagnostic::error("E0001", format!("more than {limit} operators in one expression"))
            .primary(at, "one too many here")
            .help("The rest of the item was not read; write the expression shorter, e.g. a repeated term as a product (`300 * 1 ms`)."),
        SyntaxErrorKind::LoneCarriageReturn => Diagnostic::error("E0002", "carriage return without a line feed")
            .primary(at, "a line ends with `\\r` alone here")
            .help("Save the file with LF or CRLF line endings: a lone carriage return (old Mac OS) does not end a line in `.fab`."),
        SyntaxErrorKind::InvalidNumber => Diagnostic::error("E0002", "number out of range")
            .primary(at, "too large to represent")
            .help("Use a unit to keep numbers in a sensible range, e.g. `3 km` rather than `3000000 mm`."),
        SyntaxErrorKind::TinyNumber => Diagnostic::error("E0002", "number out of range")
            .primary(at, "too close to zero to represent")
            .help("A number other than 0 is at least about 2.2e-308 in size, or it would read as 0 or lose digits: check the exponent, or write 0 if zero is meant."),
    }
}

#[cfg(test)]
mod tests {
    use super::duration;

    #[test]
    fn a_duration_reads_in_the_largest_unit_that_keeps_it_readable() {
        let cases = [
            (30.0 * 86_400.0, "30 d"),
            (400.0 * 3_600.0, "400 h"),
            (12.5 * 3_600.0, "750 min"),
            (12.51 * 3_600.0, "12.5 h"),
            (90.0, "90 s"),
            (1.5, "1.5 s"),
            (0.25, "250 ms"),
            (0.5, "500 ms"),
            (1e-6, "1 us"),
            (3e-6, "3 us"),
            (123.456789e-6, "123.457 us"),
            (2.5e-10, "0.25 ns"),
            (0.9999996, "1 s"),
            (0.0009999999, "1 ms"),
            (1e-16, "1e-16 s"),
            (0.0, "0 s"),
        ];
        for (seconds, shown) in cases {
            assert_eq!(duration(seconds), shown, "{seconds} s");
        }
    }
}
