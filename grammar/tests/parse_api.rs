//! Tests of the public API beyond the data files: degenerate inputs, the nesting bound, the span
//! visitor and the attachment of docs.

use fab_grammar::ast::{ExprKind, ItemKind, MemberKind, Span, for_each_span_mut};
use fab_grammar::lexer::{MAX_NESTING, MAX_OPERATORS, STACK_SIZE};
use fab_grammar::{SyntaxError, SyntaxErrorKind, dump, parse};
use fab_stdlib::units::is_unit_name;

#[test]
fn empty_and_comment_only_files_parse_to_nothing() {
    for text in
        ["", "\n\n", "   ", "// only a comment", "/* block */\n/* /* nested */ */", "//! Docs."]
    {
        let parse = parse(text, &is_unit_name);
        assert!(parse.errors.is_empty(), "{text:?}: {:?}", parse.errors);
        assert!(parse.file.items.is_empty(), "{text:?}");
    }
    assert_eq!(parse("//! Docs.", &is_unit_name).file.docs.as_deref(), Some("Docs."));
}

#[test]
fn a_huge_number_is_reported_and_kept() {
    let parse = parse("product p { x = 1e999 }", &is_unit_name);
    let kinds: Vec<&SyntaxErrorKind> = parse.errors.iter().map(|error| &error.kind).collect();
    assert_eq!(kinds, [&SyntaxErrorKind::InvalidNumber]);
    let ItemKind::Decl(decl) = &parse.file.items[0].kind else { panic!("not a decl") };
    let MemberKind::Field { value, .. } = &decl.body.as_ref().unwrap().members[0].kind else {
        panic!("not a field")
    };
    let ExprKind::Number(number) = &value.kind else { panic!("not a number") };
    assert!(number.value.is_infinite());
    assert_eq!(number.text, "1e999");
}

/// Runs `f` on a thread with the stack the passes over the deepest tree need, as `fab` does: a
/// test thread's 2 MiB holds a few hundred levels in an unoptimized build.
fn on_deep_stack(f: impl FnOnce() + Send + 'static) {
    std::thread::Builder::new().stack_size(STACK_SIZE).spawn(f).unwrap().join().unwrap();
}

#[test]
fn deep_nesting_is_cut_and_reported_without_exhausting_the_stack() {
    on_deep_stack(|| {
        let nesting = SyntaxErrorKind::NestingTooDeep { limit: MAX_NESTING };
        let operators = SyntaxErrorKind::TooManyOperators { limit: MAX_OPERATORS };
        let deep = [
            (format!("product p {{ x = {} }}", "(".repeat(100_000)), &nesting),
            (format!("product p {{ x = {}1 }}", "-".repeat(100_000)), &nesting),
            (format!("product p {{ x = {}1 }}", "1 + ".repeat(100_000)), &operators),
            (format!("product p {{ x = {}1 }}", "2 ^ ".repeat(100_000)), &operators),
            (format!("product p {{ x = {} }}", "[".repeat(100_000)), &nesting),
            (format!("product p {{ x = {} }}", "f(".repeat(100_000)), &nesting),
            ("product p { a { ".repeat(100_000), &nesting),
            (format!("component c(x: {}Int) : station", "Dist<".repeat(100_000)), &operators),
        ];
        for (text, kind) in &deep {
            let parse = parse(text, &is_unit_name);
            let cut: Vec<&SyntaxError> =
                parse.errors.iter().filter(|error| error.kind == **kind).collect();
            assert_eq!(cut.len(), 1, "{}: {:?}", &text[..40], parse.errors);
            assert_eq!(parse.unread.len(), 1, "{}", &text[..40]);
            assert_eq!(parse.unread[0].start, cut[0].span.start);
            assert_eq!(parse.unread[0].end as usize, text.len());
            assert!(!dump(&parse.file).is_empty());
        }
    });
}

#[test]
fn nesting_within_the_bound_is_fine() {
    on_deep_stack(|| {
        let wide = format!("product p {{ x = [{}1] }}", "1, ".repeat(50_000));
        let long = "product p {\n    x = 1 + 2 * 3 - (4 / 5)\n}\n".repeat(5_000);
        // The body's brace is a level: 255 more make the most there may be.
        let levels = MAX_NESTING - 1;
        let deep = format!("product p {{ x = {}1{} }}", "(".repeat(levels), ")".repeat(levels));
        let negated = format!("product p {{ x = {}1 }}", "- ".repeat(levels));
        // A flat chain is no nesting: 257 terms were refused as "nesting deeper than 256 levels".
        let sum = format!("product p {{ x = {}1 ms }}", "1 ms + ".repeat(MAX_OPERATORS));
        let powers = format!("product p {{ x = {}2 }}", "2 ^ ".repeat(MAX_OPERATORS));
        let both = format!(
            "product p {{ x = {}{}1{} }}",
            "(- ".repeat(levels / 2),
            "1 - ".repeat(MAX_OPERATORS),
            ")".repeat(levels / 2)
        );
        for text in [wide, long, deep, negated, sum, powers, both] {
            let parse = parse(&text, &is_unit_name);
            assert!(parse.errors.is_empty(), "{:?}", parse.errors.first());
            assert!(parse.unread.is_empty());
        }
    });
}

#[test]
fn past_a_bound_the_rest_of_the_item_is_skipped_and_the_next_item_read() {
    on_deep_stack(|| {
        // The rest of the file used to be dropped, and what was said of it was wrong: the
        // closing `}` inserted at the cut was "unexpected", and the flows after it were missing.
        let sum = format!("{}1 ms", "1 ms + ".repeat(MAX_OPERATORS + 1));
        let nested = format!("{}1{}", "(".repeat(MAX_NESTING + 1), ")".repeat(MAX_NESTING + 1));
        for (deep, kind) in [
            (&sum, SyntaxErrorKind::TooManyOperators { limit: MAX_OPERATORS }),
            (&nested, SyntaxErrorKind::NestingTooDeep { limit: MAX_NESTING }),
        ] {
            let text = format!(
                "station s {{\n    parallel = 2\n    cycle = {deep} + (\n    setup = 1 s\n}}\n\
                 sink done\nflow s -> done\n"
            );
            let parse = parse(&text, &is_unit_name);
            let kinds: Vec<&SyntaxErrorKind> = parse.errors.iter().map(|e| &e.kind).collect();
            assert_eq!(kinds, [&kind], "{:?}", parse.errors);
            let resumed = text.find("sink done").unwrap();
            assert_eq!(parse.unread.len(), 1);
            assert_eq!(parse.unread[0].end as usize, resumed);
            assert_eq!(parse.file.items.len(), 3, "the items after the cut are read");
            let ItemKind::Decl(station) = &parse.file.items[0].kind else { panic!("a station") };
            let members: Vec<bool> = station
                .body
                .as_ref()
                .unwrap()
                .members
                .iter()
                .map(|member| matches!(member.kind, MemberKind::Error))
                .collect();
            assert_eq!(members, [false, true], "the member where reading stopped is broken");
        }
    });
}

#[test]
fn the_span_visitor_reaches_every_span_in_the_dump() {
    let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/ok");
    for entry in std::fs::read_dir(folder).expect("the ok folder exists") {
        let path = entry.expect("the folder is readable").path();
        if path.extension().is_none_or(|extension| extension != "fab") {
            continue;
        }
        let text = std::fs::read_to_string(&path).expect("test files are readable");
        let mut parse = parse(&text, &is_unit_name);
        // Shift every span past the end of the text: a span the visitor misses stays small.
        let delta = 1_000_000;
        for item in &mut parse.file.items {
            for_each_span_mut(item, &mut |span| *span = span.shift(delta));
        }
        let dumped = dump(&parse.file);
        for (index, _) in dumped.match_indices('@') {
            let start: String =
                dumped[index + 1..].chars().take_while(char::is_ascii_digit).collect();
            let start: i64 = start.parse().expect("a span follows every @");
            assert!(
                start >= delta,
                "{}: a span was not visited near {}",
                path.display(),
                &dumped[index..]
            );
        }
    }
}

#[test]
fn the_span_visitor_can_make_spans_relative_to_the_item() {
    let text = "sink a\nstation weld {\n    cycle = normal(mean = 52 s, sd = 4 s)\n}";
    let mut whole = parse(text, &is_unit_name);
    let item = &mut whole.file.items[1];
    let start = item.span.start;
    for_each_span_mut(item, &mut |span| *span = span.shift(-(start as i64)));
    assert_eq!(item.span, Span::new(0, text.len() - 7));
    let relative = parse(&text[7..], &is_unit_name);
    assert_eq!(relative.file.items[0], *item);
}

#[test]
fn docs_attach_to_the_next_item_or_member_only() {
    let text = concat!(
        "/// On the product.\n",
        "product p {\n",
        "    x = 1\n",
        "    /// At the end of a body, documenting nothing: dropped.\n",
        "}\n",
        "/// On the sink, across a blank line.\n",
        "\n",
        "sink s\n",
    );
    let parse = parse(text, &is_unit_name);
    assert!(parse.errors.is_empty());
    let docs: Vec<Option<&str>> =
        parse.file.items.iter().map(|item| item.docs.as_deref()).collect();
    assert_eq!(docs, [Some("On the product."), Some("On the sink, across a blank line.")]);
}

#[test]
fn unit_gluing_uses_the_callers_predicate() {
    let text = "product p { x = 2 s * spots, y = 2 s * m }";
    let none = parse(text, &|_: &str| false);
    let all = parse(text, &|_: &str| true);
    assert_ne!(dump(&none.file), dump(&all.file));
    assert!(dump(&none.file).contains("Quantity@16..19 2 s"));
    assert!(dump(&all.file).contains("Quantity@16..27 2 s*spots"));
}

#[test]
fn unit_names_keep_their_own_spans_inside_a_quantity() {
    let text = "station w { x = 25 minutes * m/s^2 }";
    let parse = fab_grammar::parse(text, &fab_stdlib::units::is_unit_name);
    let fab_grammar::ast::ItemKind::Decl(decl) = &parse.file.items[0].kind else { panic!() };
    let fab_grammar::ast::MemberKind::Field { value, .. } =
        &decl.body.as_ref().unwrap().members[0].kind
    else {
        panic!()
    };
    let fab_grammar::ast::ExprKind::Quantity { unit, .. } = &value.kind else {
        panic!("{value:?}")
    };
    let names: Vec<&str> = unit.factors.iter().map(|f| &text[f.name.span.range()]).collect();
    assert_eq!(names, ["minutes", "m", "s"]);
    assert_eq!(&text[unit.span.range()], "minutes * m/s^2");
}
