//! Tests of the formatter: expected layouts, and the properties it must keep on every model of
//! the repository and on generated ones (same tree, same tokens, same comments, idempotent).
//!
//! These tests call the unchecked [`layout`] rather than [`format`], whose safety check would
//! hide a formatter bug by returning the source unchanged.

use std::path::{Path, PathBuf};

use proptest::prelude::*;

use super::*;
use crate::parser::parse;

fn is_unit(name: &str) -> bool {
    fab_stdlib::units::is_unit_name(name)
}

/// Formats `source`, which must parse cleanly, and checks every property on the way.
fn formatted(source: &str) -> String {
    let before = parse(source, &is_unit);
    assert!(before.errors.is_empty(), "the input has errors: {:#?}\n{source}", before.errors);
    let out = layout(source, &before, &is_unit);
    let after = parse(&out, &is_unit);
    assert!(after.errors.is_empty(), "the output has errors: {:#?}\n{out}", after.errors);
    assert_eq!(shape(&before.file), shape(&after.file), "the tree changed:\n{source}\n---\n{out}");
    assert_eq!(
        comment_texts(source, &before.comments),
        comment_texts(&out, &after.comments),
        "the comments changed:\n{source}\n---\n{out}"
    );
    assert!(
        equivalent(source, &before, &out, &after, &is_unit),
        "not equivalent:\n{source}\n---\n{out}"
    );
    let again = layout(&out, &after, &is_unit);
    assert_eq!(out, again, "not idempotent:\n{source}\n--- once:\n{out}\n--- twice:\n{again}");
    for (number, line) in out.lines().enumerate() {
        assert_eq!(line, line.trim_end(), "trailing whitespace on line {}:\n{out}", number + 1);
    }
    assert!(out.is_empty() || (out.ends_with('\n') && !out.ends_with("\n\n")), "{out:?}");
    assert!(!out.contains("\n\n\n") || has_block_comment(&before), "two blank lines:\n{out}");
    assert_eq!(format(source).as_deref(), Ok(out.as_str()));
    out
}

fn has_block_comment(parse: &Parse) -> bool {
    parse.comments.iter().any(|comment| comment.kind == CommentKind::Block)
}

#[track_caller]
fn check(source: &str, expected: &str) {
    let out = formatted(source);
    assert_eq!(out, expected, "\n--- got:\n{out}\n--- expected:\n{expected}");
}

#[test]
fn lays_out_members_one_per_line_with_four_spaces() {
    check(
        "station weld{cycle=normal(mean=52 s,sd=4 s)\n  failure=weibull( shape = 1.6 , scale = 180 h ) of busy_time;repair = 25 min}",
        "station weld {\n    cycle = normal(mean = 52 s, sd = 4 s)\n    failure = weibull(shape = 1.6, scale = 180 h) of busy_time\n    repair = 25 min\n}\n",
    );
}

#[test]
fn keeps_short_bodies_written_on_one_line() {
    check("buffer b1 {capacity=5}\n", "buffer b1 { capacity = 5 }\n");
    check("product p { a = 1; b = 2; c = 3, }", "product p { a = 1, b = 2, c = 3 }\n");
    check("buffer b1 {\ncapacity=5}\n", "buffer b1 {\n    capacity = 5\n}\n");
    check(
        "station s {\n    costs { a = 1 EUR, b = 2 EUR }\n}",
        "station s {\n    costs { a = 1 EUR, b = 2 EUR }\n}\n",
    );
    check("buffer b { ; , }\nsink k {\n}", "buffer b {}\nsink k {}\n");
    check(
        "station s { failure none {}, cycle = 1 s }",
        "station s { failure none {}, cycle = 1 s }\n",
    );
    check(
        "buffer b1 { capacity = 5 // trailing\n}",
        "buffer b1 {\n    capacity = 5 // trailing\n}\n",
    );
}

#[test]
fn breaks_a_one_line_body_that_does_not_fit() {
    let long = "x".repeat(80);
    check(
        &format!("product {long} {{ a = 1, b = 2 }}"),
        &format!("product {long} {{\n    a = 1\n    b = 2\n}}\n"),
    );
}

#[test]
fn spaces_operators_and_keeps_numbers_and_units_as_written() {
    check(
        "product p {\n  a=1.50+2*-x\n  b = 12m/0.4 m / s\n  c=2^3^2\n  d = 1_000..=1e-3\n  e = (1+2)*3\n  f=[1,2,3,]\n  g = (1,)\n  h = a.b>=3\n  i = f( )\n}",
        "product p {\n    a = 1.50 + 2 * -x\n    b = 12 m / 0.4 m/s\n    c = 2 ^ 3 ^ 2\n    d = 1_000..=1e-3\n    e = (1 + 2) * 3\n    f = [1, 2, 3]\n    g = (1,)\n    h = a.b >= 3\n    i = f()\n}\n",
    );
}

#[test]
fn keeps_a_line_break_that_ends_a_unit() {
    // Joined on one line, `12 m / s` would be the quantity `12 m/s`.
    check("product p {\n    a = (12 m\n / s)\n}", "product p {\n    a = (12 m\n        / s)\n}\n");
    check("product p {\n    a = 12 m /\n s\n}", "product p {\n    a = 12 m /\n        s\n}\n");
    check("product p {\n    a = 12 m / s\n}", "product p {\n    a = 12 m/s\n}\n");
}

#[test]
fn writes_templates_types_and_bases() {
    check(
        "component Cell( t :Duration, d: Dist < Duration > = 2 s , p:(Length,Length)) :station{ cycle = t }\nstation w1:Cell(t=2 s)\nscenario fast:base{c1.speed=0.6 m/s}",
        "component Cell(t: Duration, d: Dist<Duration> = 2 s, p: (Length, Length)) : station { cycle = t }\nstation w1 : Cell(t = 2 s)\nscenario fast : base { c1.speed = 0.6 m/s }\n",
    );
}

#[test]
fn separates_items_by_one_blank_line_but_keeps_one_line_items_together() {
    check(
        "sink a; sink b, sink c\n\n\n\nsink d\nstation s { cycle = 1 s } station t {\ncycle = 2 s }\nflow a -> b\nflow b -> c",
        "sink a\nsink b\nsink c\n\nsink d\nstation s { cycle = 1 s }\n\nstation t {\n    cycle = 2 s\n}\n\nflow a -> b\nflow b -> c\n",
    );
}

#[test]
fn wraps_long_flows_one_hop_per_line() {
    let stages: Vec<String> = (1..=12).map(|index| format!("station_{index:02}")).collect();
    let flow = format!("flow {}", stages.join(" -> "));
    let expected = format!("flow {}\n", stages.join("\n    -> "));
    check(&flow, &expected);
    check("flow a\n  -> b\n  -> c", "flow a -> b -> c\n");
}

#[test]
fn breaks_long_argument_lists_one_per_line() {
    check(
        "sync line1 : baseline {\n    feed = mqtt(\"mqtts://broker.plant:8883\", topic = \"spBv1.0/Plant1/DDATA/Line1/#\", ca = \"certs/ca.pem\")\n}",
        "sync line1 : baseline {\n    feed = mqtt(\n        \"mqtts://broker.plant:8883\",\n        topic = \"spBv1.0/Plant1/DDATA/Line1/#\",\n        ca = \"certs/ca.pem\",\n    )\n}\n",
    );
    check(
        "product p {\n    a = f(\n        x = 1,\n        y = 2,\n    )\n}",
        "product p {\n    a = f(x = 1, y = 2)\n}\n",
    );
}

#[test]
fn breaks_the_same_list_again_in_a_second_pass() {
    // The trailing comma inside `f(1.50,)` is dropped; counted, it made the tuple the widest list
    // in the first pass, and the list beside it was the widest in the second.
    let long = "\"a long string to push the line of this member past the hundredth column\"";
    check(
        &format!("product p {{\n    a = [{long}, f() / m] >= (f(1.50,) of busy_time,)\n}}"),
        &format!(
            "product p {{\n    a = [\n        {long},\n        f() / m,\n    ] >= (f(1.50) of busy_time,)\n}}\n"
        ),
    );
    // A line comment's trailing spaces, which the output drops, do not make its line too long.
    let pad = format!("\"{}\"", "x".repeat(82));
    check(
        &format!("product p {{\n    a = f({pad}, // c   \n    y)\n}}"),
        &format!("product p {{\n    a = f({pad}, // c\n        y)\n}}\n"),
    );
}

#[test]
fn keeps_comments_where_they_were() {
    check(
        "//! File docs.\n\n\n// Leading.\n/* block */ sink done /* after */\n/// Docs.\nstation s { // on the brace\n  cycle = 1 s // trailing\n\n\n  // own line\n  repair = /* inside */ 2 min\n  // dangling\n}\n// end",
        "//! File docs.\n\n// Leading.\n/* block */ sink done /* after */\n\n/// Docs.\nstation s { // on the brace\n    cycle = 1 s // trailing\n\n    // own line\n    repair = /* inside */ 2 min\n    // dangling\n}\n// end\n",
    );
}

#[test]
fn continues_a_member_after_a_line_comment_inside_it() {
    check(
        "product p {\n  a = f(1, // first\n 2)\n  b = 1 + // one\n 2\n}",
        "product p {\n    a = f(1, // first\n        2)\n    b = 1 + // one\n        2\n}\n",
    );
}

#[test]
fn keeps_own_line_comments_on_their_lines_inside_flows_headers_and_members() {
    // Between two hops: the flow goes one hop per line, the comment on its own line between them.
    check(
        "flow arr -> mill\n    // between hops\n    -> done",
        "flow arr\n    -> mill\n    // between hops\n    -> done\n",
    );
    check("flow a ->\n// c\nb", "flow a\n    ->\n    // c\n    b\n");
    check("flow a\n\n\n    // c\n    -> b", "flow a\n\n    // c\n    -> b\n");
    // Between a header and its `{`: at the indentation of the `{`, which starts a line.
    check(
        "conveyor c1\n// c\n{\n    length = 12 m\n}",
        "conveyor c1\n// c\n{\n    length = 12 m\n}\n",
    );
    check(
        "scenario fast : baseline\n    // c\n{ c1.speed = 0.6 m/s }",
        "scenario fast : baseline\n// c\n{ c1.speed = 0.6 m/s }\n",
    );
    check(
        "station s {\n    failure wear\n        // c\n    { repair = 1 h }\n}",
        "station s {\n    failure wear\n    // c\n    { repair = 1 h }\n}\n",
    );
    // Between two tokens of a header or a member: four spaces further in, as after a line comment.
    check(
        "scenario fast :\n// c\nbaseline { c1.speed = 0.6 m/s }",
        "scenario fast :\n    // c\n    baseline { c1.speed = 0.6 m/s }\n",
    );
    check(
        "product p {\n    a = f(x = 1,\n  // c\n  /// d\n  y = 2)\n    b = 1 + // one\n    // two\n    2\n}",
        "product p {\n    a = f(x = 1,\n        // c\n        /// d\n        y = 2)\n    b = 1 + // one\n        // two\n        2\n}\n",
    );
    // A block comment that starts a line starts one; one on a line of its own keeps it.
    check(
        "product p {\n    a = f(1,\n /* c */ 2)\n    b = 1 +\n    /* c */\n    2\n    c = 1 + /* c */\n    2\n}",
        "product p {\n    a = f(1,\n        /* c */ 2)\n    b = 1 +\n        /* c */\n        2\n    c = 1 + /* c */ 2\n}\n",
    );
    // A line break that ends a unit, before an own-line comment, is not doubled.
    check(
        "product p {\n    a = (12 m\n /* c */ / s)\n}",
        "product p {\n    a = (12 m\n        /* c */ / s)\n}\n",
    );
}

#[test]
fn keeps_a_comment_inside_a_quantity_between_the_same_two_tokens() {
    check(
        "product p {\n    a = f(mean = 50 /* c */ s)\n    b = 12 m /* c */ / s\n    c = 2  /* x */ /* y */ m\n}",
        "product p {\n    a = f(mean = 50 /* c */ s)\n    b = 12 m /* c */ /s\n    c = 2 /* x */ /* y */ m\n}\n",
    );
    // A body holding such a comment holds a comment, so it is not kept on one line.
    check(
        "buffer b { capacity = 5 /* c */ parts }",
        "buffer b {\n    capacity = 5 /* c */ parts\n}\n",
    );
}

#[test]
fn breaks_long_lines_that_hold_comments() {
    let comment = "/* a fairly long block comment inside this call, past the hundredth column */";
    check(
        &format!("source arr {{\n    interarrival = exponential(mean = 50 s {comment})\n}}"),
        &format!(
            "source arr {{\n    interarrival = exponential(\n        mean = 50 s, {comment}\n    )\n}}\n"
        ),
    );
    check(
        &format!("product p {{\n    a = f(/* x */ x = 1, {comment} y = 2, z = (3, 4))\n}}"),
        &format!(
            "product p {{\n    a = f(/* x */\n        x = 1, {comment}\n        y = 2,\n        z = (3, 4),\n    )\n}}\n"
        ),
    );
    // A line comment ends its line; the list breaks when another line of the member is too long.
    let long = "\"a rather long string, to push this line well past the hundredth column of the file it is in\"";
    check(
        &format!(
            "product p {{\n    a = f(x = 1, // first\n    y = {long}, z = 3 // last\n    )\n}}"
        ),
        &format!(
            "product p {{\n    a = f(\n        x = 1, // first\n        y = {long},\n        z = 3, // last\n    )\n}}\n"
        ),
    );
    // Own-line comments in a broken list keep their lines; one before `)` follows the comma.
    check(
        &format!(
            "product p {{\n    a = f(x = 1,\n    // own\n    y = {long}\n    // end\n    )\n}}"
        ),
        &format!(
            "product p {{\n    a = f(\n        x = 1,\n        // own\n        y = {long},\n        // end\n    )\n}}\n"
        ),
    );
    // A block comment that starts a line keeps what followed it on its line.
    check(
        &format!("product p {{\n    a = f(x = 1,\n    /* own */ y = {long})\n}}"),
        &format!(
            "product p {{\n    a = f(\n        x = 1,\n        /* own */ y = {long},\n    )\n}}\n"
        ),
    );
    // A header too: the widest list of a template's parameters breaks.
    check(
        &format!("component Cell(t: Duration, {comment} d: Duration) : station {{ cycle = t }}"),
        &format!(
            "component Cell(\n    t: Duration, {comment}\n    d: Duration,\n) : station {{ cycle = t }}\n"
        ),
    );
}

/// A comment at the end of a line counts in its width: a member, a flow, a header or a one-line
/// body that fits in 100 columns only without it is laid out as one that does not fit. The
/// comment stays at the end of the line where the code ends. It used to be left out, so such
/// lines stayed past the hundredth column.
#[test]
fn counts_a_comment_at_the_end_of_a_line_in_its_width() {
    let comment = format!("// {}", "c".repeat(40));
    // A member breaks its widest list; the comment follows the `)`.
    check(
        &format!(
            "station weld {{\n    cycle = normal(mean = 52 s, sd = 4 s, location = 3 s) {comment}\n}}"
        ),
        &format!(
            "station weld {{\n    cycle = normal(\n        mean = 52 s,\n        sd = 4 s,\n        location = 3 s,\n    ) {comment}\n}}\n"
        ),
    );
    // Already broken, the list is not joined again (which would make the line too long).
    check(
        &format!(
            "station weld {{\n    cycle = normal(\n        mean = 52 s,\n        sd = 4 s,\n        location = 3 s,\n    ) {comment}\n}}\n"
        ),
        &format!(
            "station weld {{\n    cycle = normal(\n        mean = 52 s,\n        sd = 4 s,\n        location = 3 s,\n    ) {comment}\n}}\n"
        ),
    );
    // Shorter, the same line fits and is joined.
    check(
        "station weld {\n    cycle = normal(\n        mean = 52 s,\n        sd = 4 s,\n    ) // short\n}\n",
        "station weld {\n    cycle = normal(mean = 52 s, sd = 4 s) // short\n}\n",
    );
    // After a dropped separator, and after a block comment, too.
    check(
        &format!(
            "station weld {{\n    cycle = normal(mean = 52 s, sd = 4 s, location = 3 s), /* b */ {comment}\n}}"
        ),
        &format!(
            "station weld {{\n    cycle = normal(\n        mean = 52 s,\n        sd = 4 s,\n        location = 3 s,\n    ) /* b */ {comment}\n}}\n"
        ),
    );
    // A one-line body goes one member per line; the comment follows its `}`.
    check(
        &format!("station weld {{ cycle = normal(mean = 52 s, sd = 4 s) }} {comment} and more"),
        &format!(
            "station weld {{\n    cycle = normal(mean = 52 s, sd = 4 s)\n}} {comment} and more\n"
        ),
    );
    // A flow goes one hop per line.
    check(
        &format!("flow arrivals -> press -> paint_shop -> inspection -> done {comment}"),
        &format!(
            "flow arrivals\n    -> press\n    -> paint_shop\n    -> inspection\n    -> done {comment}\n"
        ),
    );
    // A header counts the comments after its `{`, or before it.
    let long = format!("// {}", "z".repeat(60));
    check(
        &format!("station weld : Cell(a = 1, b = 2, c = 3) {{ {long}\n    cycle = 1 s\n}}"),
        &format!(
            "station weld : Cell(\n    a = 1,\n    b = 2,\n    c = 3,\n) {{ {long}\n    cycle = 1 s\n}}\n"
        ),
    );
    check(
        &format!(
            "station weld : Cell(a = 1, b = 2, c = 3) /* b */ {long}\n{{\n    cycle = 1 s\n}}"
        ),
        &format!(
            "station weld : Cell(\n    a = 1,\n    b = 2,\n    c = 3,\n) /* b */ {long}\n{{\n    cycle = 1 s\n}}\n"
        ),
    );
    // A `///` comment goes on a line of its own, above the member it documents: it does not count.
    let doc = format!("/// {}", "d".repeat(40));
    check(
        &format!(
            "station weld {{\n    cycle = normal(mean = 52 s, sd = 4 s, location = 3 s) {doc}\n    repair = 1 h\n}}"
        ),
        &format!(
            "station weld {{\n    cycle = normal(mean = 52 s, sd = 4 s, location = 3 s)\n    {doc}\n    repair = 1 h\n}}\n"
        ),
    );
    // With nothing to break, the line stays as long as it is: comments are never moved.
    let line = format!("    a = some_long_name.other_long_name + yet_another_name {comment}");
    assert!(line.chars().count() > 100);
    check(&format!("product p {{\n{line}\n}}"), &format!("product p {{\n{line}\n}}\n"));
}

#[test]
fn keeps_a_separator_that_a_stray_doc_comment_documents() {
    // The doc comment documents the `;`, not `b`: dropping the `;` would give `b` docs.
    check(
        "product p {\n    a = 1\n    /// stray\n    ;\n    b = 2\n}",
        "product p {\n    a = 1\n    /// stray\n    ;\n    b = 2\n}\n",
    );
    check(
        "product p {\n    a = 1\n    /// docs of b\n    b = 2\n}",
        "product p {\n    a = 1\n    /// docs of b\n    b = 2\n}\n",
    );
    // Without the `;`, the `//!` line would become the file's documentation.
    check(";\n//! not the file's docs\nsink a", ";\n//! not the file's docs\nsink a\n");
    check(";\n\n//! docs\nsink a;\n//! late\nsink b", ";\n\n//! docs\nsink a\n//! late\nsink b\n");
}

#[test]
fn empty_and_comment_only_files() {
    check("", "");
    check("\n\n  \n", "");
    check("// only a comment\n\n\n/* and a block */\n", "// only a comment\n\n/* and a block */\n");
}

#[test]
fn normalizes_line_endings_and_trailing_whitespace() {
    check(
        "sink a   \r\n/* one\r\n two */  \r\nsink b // c  \r\n",
        "sink a\n/* one\n two */\nsink b // c\n",
    );
}

#[test]
fn syntax_errors_are_returned_and_nothing_is_formatted() {
    let errors = format("station s {\n    cycle = \n").expect_err("a broken file");
    assert!(!errors.is_empty());
    assert!(format("sink a\n$\n").is_err());
}

/// Every `.fab` file of the repository that parses cleanly.
fn repository_models() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let folders = ["examples", "tests/oracles", "tests/runs", "grammar/tests/data/ok"];
    let mut files: Vec<PathBuf> = folders
        .iter()
        .flat_map(|folder| std::fs::read_dir(root.join(folder)).expect("the folder exists"))
        .map(|entry| entry.expect("the folder is readable").path())
        .filter(|path| path.extension().is_some_and(|extension| extension == "fab"))
        .collect();
    files.push(root.join("bench/line.fab"));
    files.sort();
    files
}

#[test]
fn every_repository_model_formats_to_an_equivalent_fixed_point() {
    let files = repository_models();
    assert!(files.len() >= 30, "found only {} models", files.len());
    for file in files {
        let source = std::fs::read_to_string(&file).expect("readable");
        let out = formatted(&source);
        assert!(
            parse(&out, &is_unit).comments.len() == parse(&source, &is_unit).comments.len(),
            "{}",
            file.display()
        );
    }
}

/// A small deterministic generator of valid, oddly written models (splitmix64).
struct Generator {
    state: u64,
    out: String,
}

impl Generator {
    fn next(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, bound: usize) -> usize {
        (self.next() % bound.max(1) as u64) as usize
    }

    fn chance(&mut self, percent: usize) -> bool {
        self.below(100) < percent
    }

    fn pick<'a>(&mut self, options: &[&'a str]) -> &'a str {
        options[self.below(options.len())]
    }

    fn push(&mut self, text: &str) {
        self.out.push_str(text);
    }

    /// Whitespace where any is allowed on one line, sometimes with a block comment.
    fn space(&mut self) {
        let space = self.pick(&["", " ", " ", "  ", "\t"]);
        self.push(space);
        if self.chance(6) {
            // A space first: `/` then `/* c */` would make a line comment.
            let comment =
                self.pick(&["/* c */", "/**/", "/* a /* nested */ b */", "/* two\n  lines */"]);
            self.push(" ");
            self.push(comment);
            self.push(" ");
        }
    }

    /// Whitespace after a token that lets the line go on: may hold line breaks and line comments.
    fn loose(&mut self) {
        self.space();
        if self.chance(10) {
            let comment = self.pick(&["// note", "/// stray doc", "//// four", "// trailing   "]);
            self.push(" ");
            self.push(comment);
            self.push("\n");
        } else if self.chance(8) {
            self.push("\n  ");
        }
        self.space();
    }

    fn name(&mut self) -> String {
        let names = ["weld", "b1", "s", "m", "x_2", "Body", "press", "costs_a"];
        self.pick(&names).to_owned()
    }

    fn number(&mut self) -> &'static str {
        self.pick(&["1", "42", "1.50", "1_000", "1e-3", "0.4", "3.5", "20000"])
    }

    fn quantity(&mut self) {
        let number = self.number();
        self.push(number);
        let gap = self.pick(&[" ", "", "  "]);
        self.push(gap);
        let unit = self
            .pick(&["m", "s", "m/s", "m / s", "m/s^2", "EUR/h", "%", "kg*m", "min", "1/h", "m^-1"]);
        // `1/h` is not a unit spelling: write it as a division by a path instead.
        let unit = if unit == "1/h" { "h" } else { unit };
        self.push(unit);
    }

    fn expression(&mut self, depth: usize) {
        if depth > 3 {
            return self.atom(depth);
        }
        match self.below(10) {
            0..=3 => self.atom(depth),
            4..=6 => {
                self.atom(depth);
                self.space();
                let operator = self.pick(&["+", "-", "*", "/", "^", "<", ">=", "=="]);
                self.push(operator);
                self.loose();
                if operator == "^" {
                    // After a quantity, `^ 2` would be read as the unit's power.
                    let name = self.name();
                    self.push(&name);
                } else {
                    self.atom(depth + 1);
                }
            }
            7 => {
                self.atom(depth);
                self.space();
                let operator = self.pick(&["..", "..="]);
                self.push(operator);
                self.space();
                self.atom(depth + 1);
            }
            8 => {
                self.atom(depth);
                self.push(" of ");
                self.loose();
                self.push("busy_time");
            }
            _ => {
                self.push("-");
                self.space();
                self.atom(depth + 1);
            }
        }
    }

    fn atom(&mut self, depth: usize) {
        match self.below(if depth > 3 { 5 } else { 10 }) {
            0 => {
                let number = self.number();
                self.push(number);
            }
            1 => self.quantity(),
            2 => {
                let name = self.name();
                self.push(&name);
                // A unit name after a quantity's `/` or `*` joins its unit, so it takes no field.
                if name != "s" && name != "m" && self.chance(30) {
                    self.push(".");
                    let field = self.name();
                    self.push(&field);
                }
            }
            3 => {
                let text = self.pick(&[
                    "\"text\"",
                    "\"a \\\"quoted\\\" b\"",
                    "true",
                    "false",
                    "\"é→ ünïcode\"",
                    "\"a rather long string, to push a line past the hundredth column\"",
                ]);
                self.push(text);
            }
            4 => self.quantity(),
            5 | 6 => {
                let callee = self.pick(&["normal", "f", "lognormal", "mqtt"]);
                self.push(callee);
                self.push("(");
                self.list(depth, true);
                self.push(")");
            }
            7 => {
                self.push("(");
                self.loose();
                self.expression(depth + 1);
                self.loose();
                match self.below(3) {
                    0 => {}
                    1 => self.push(","),
                    _ => {
                        self.push(",");
                        self.loose();
                        self.expression(depth + 1);
                    }
                }
                self.push(")");
            }
            8 => {
                self.push("[");
                self.list(depth, false);
                self.push("]");
            }
            _ => {
                self.push("(");
                self.space();
                self.expression(depth + 1);
                self.space();
                self.push(")");
            }
        }
    }

    /// Arguments or list elements, with an optional trailing comma.
    fn list(&mut self, depth: usize, named: bool) {
        let count = self.below(4);
        for index in 0..count {
            self.loose();
            if named && self.chance(60) {
                let name = self.pick(&["mean", "sd", "cv", "shape", "product", "topic"]);
                self.push(name);
                self.space();
                self.push("=");
                self.loose();
            }
            self.expression(depth + 1);
            self.space();
            if index + 1 < count || self.chance(30) {
                self.push(",");
            }
        }
        self.loose();
    }

    fn separator(&mut self) {
        let separator =
            self.pick(&["\n", "\n", "\n\n", "\n\n\n", ";", " ; ", ", ", ";\n", "\n;\n"]);
        self.push(separator);
        if self.chance(15) {
            let comment = self.pick(&[
                "// between\n",
                "/// doc\n",
                "/* between */ ",
                "\n// after a blank\n",
                " // a comment at the end of an item's line, long enough to take it past 100 columns\n",
            ]);
            self.push(comment);
        }
    }

    fn indent(&mut self) {
        let indent = self.pick(&["", "  ", "    ", "\t", "       "]);
        self.push(indent);
    }

    fn body(&mut self, depth: usize) {
        let open = self.pick_static(&[" {", "{", "\n{", " { ", " /* before */ {", " // before\n{"]);
        self.push(open);
        let multiline = self.chance(60);
        if multiline {
            self.push("\n");
        }
        let count = self.below(if depth > 1 { 3 } else { 5 });
        for index in 0..count {
            if multiline {
                self.indent();
            }
            self.member(depth);
            if index + 1 < count {
                if multiline {
                    self.separator();
                } else {
                    let separator = self.pick(&[", ", "; ", ",", " ;"]);
                    self.push(separator);
                }
            }
        }
        if multiline {
            self.push("\n");
        }
        if self.chance(10) {
            self.push(if multiline { "// closing ünïcode\n" } else { " /* closing */ " });
        }
        self.push("}");
    }

    fn pick_static(&mut self, options: &[&'static str]) -> &'static str {
        options[self.below(options.len())]
    }

    fn member(&mut self, depth: usize) {
        if self.chance(10) {
            self.push("/// Member docs.\n");
            self.indent();
        }
        match self.below(if depth > 2 { 6 } else { 9 }) {
            0..=3 => {
                let name = self.name();
                self.push(&name);
                if self.chance(20) {
                    self.push(".speed");
                }
                self.space();
                self.push("=");
                self.loose();
                self.expression(0);
            }
            4 => {
                self.push("vary b1.capacity in ");
                self.expression(2);
            }
            5 => {
                let sense = self.pick(&["minimize ", "maximize ", "subject to "]);
                self.push(sense);
                self.expression(1);
            }
            6 => {
                self.push("costs");
                self.body(depth + 1);
            }
            7 => {
                self.push("failure ");
                let name = self.name();
                self.push(&name);
                if self.chance(70) {
                    self.body(depth + 1);
                }
            }
            _ => {
                self.push("weld.state <- ");
                self.expression(2);
            }
        }
        if self.chance(15) {
            let comment = self.pick(&[
                " // trailing",
                "  /* trailing */",
                " /// trailing doc",
                " // a trailing comment long enough to take the line of a member past 100 columns",
                " /* a long block comment */ // and a line comment after it, both at the end of a line",
            ]);
            self.push(comment);
            if comment.contains("//") {
                self.push("\n");
                self.indent();
            }
        }
    }

    fn item(&mut self) {
        if self.chance(15) {
            self.push("/// Item docs.\n");
        }
        match self.below(10) {
            0..=4 => {
                let keyword = self.pick(&[
                    "station",
                    "buffer",
                    "product",
                    "sink",
                    "experiment",
                    "scenario",
                    "sync",
                ]);
                self.push(keyword);
                self.push(" ");
                self.space();
                let name = self.name();
                self.push(&name);
                if self.chance(30) {
                    self.space();
                    self.push(":");
                    self.space();
                    self.push("Cell");
                    if self.chance(60) {
                        self.push("(");
                        self.list(1, true);
                        self.push(")");
                    }
                }
                if self.chance(80) {
                    self.body(0);
                }
            }
            5 => {
                self.push("component Cell(");
                let count = self.below(3);
                for index in 0..count {
                    self.loose();
                    self.push("p");
                    self.push(&index.to_string());
                    self.space();
                    self.push(":");
                    self.space();
                    let ty = self.pick(&[
                        "Duration",
                        "Dist<Duration>",
                        "(Length, Length)",
                        "[Int]",
                        "Dist < Tuple<A,B> >",
                    ]);
                    self.push(ty);
                    if self.chance(40) {
                        self.push(" = ");
                        self.expression(2);
                    }
                    if index + 1 < count {
                        self.push(",");
                    }
                }
                self.push(") : station");
                self.body(0);
            }
            6..=8 => {
                self.push("flow ");
                let long = self.chance(20);
                let count = 2 + self.below(if long { 30 } else { 4 });
                for index in 0..count {
                    if index > 0 {
                        match self.below(6) {
                            0 => self.push("\n    -> "),
                            1 => self.push(" ->\n "),
                            2 => self.push(" -> /* hop */ "),
                            3 => self.push(" // hop\n  -> "),
                            4 => self.push(" -> // hop\n "),
                            _ => self.push(" -> "),
                        }
                    }
                    self.push(&format!("stage_{index}"));
                }
            }
            _ => self.push("import \"std/lib.fab\""),
        }
    }

    fn model(seed: u64, items: usize) -> String {
        let mut generator = Generator { state: seed, out: String::new() };
        if generator.chance(5) {
            generator.push(";\n//! Not the file's docs.\n");
        }
        if generator.chance(40) {
            generator.push("//! File docs.\n//!\n//!   indented\n\n");
        }
        for index in 0..items {
            generator.item();
            if index + 1 < items {
                generator.separator();
            }
        }
        if generator.chance(30) {
            generator.push("\n// The end.");
        }
        if generator.chance(10) {
            generator.out = generator.out.replace('\n', "\r\n");
        }
        generator.out
    }
}

#[test]
fn the_generator_makes_valid_models() {
    for seed in 0..500 {
        let model = Generator::model(seed, 6);
        let parse = parse(&model, &is_unit);
        assert!(parse.errors.is_empty(), "seed {seed}: {:#?}\n{model}", parse.errors);
    }
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 400,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn generated_models_format_to_an_equivalent_fixed_point(seed in any::<u64>(), items in 1usize..10) {
        let model = Generator::model(seed, items);
        formatted(&model);
    }
}
