//! The keywords, declared once in `lexer::KEYWORDS`: the list the diagnostics name when a keyword
//! stands where a name belongs. It is held here to the tokens the lexer makes, to the grammar's
//! terminals and to the list in the language reference, so that none of them can drift from it.

use std::path::Path;

use fab_grammar::ast::ItemKind;
use fab_grammar::lexer::{KEYWORDS, Token, lex};
use fab_grammar::{NameRole, SyntaxErrorKind, parse};
use fab_stdlib::units::is_unit_name;

#[test]
fn every_keyword_lexes_as_its_own_token() {
    for keyword in KEYWORDS {
        let tokens = lex(keyword, &is_unit_name).tokens;
        assert_eq!(tokens.len(), 1, "{keyword}");
        let token = &tokens[0].1;
        assert!(!matches!(token, Token::Ident(_)), "{keyword} lexes as a name");
        assert_eq!(token.to_string(), keyword);
    }
}

/// The words among the grammar's terminals (`"station" => Token::Station`) are the keywords.
#[test]
fn the_grammar_terminals_that_are_words_are_the_keywords() {
    let grammar =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("src/grammar.lalrpop"))
            .expect("the grammar");
    let terminals: Vec<&str> = grammar
        .lines()
        .filter_map(|line| line.trim().strip_prefix('"')?.split_once("\" => Token::"))
        .map(|(word, _)| word)
        .filter(|word| word.chars().all(|c| c.is_ascii_lowercase()))
        .collect();
    assert_eq!(terminals, KEYWORDS);
}

/// The block under "These words are keywords" in `docs/language.md`.
#[test]
fn the_language_reference_lists_the_keywords() {
    let reference =
        std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/language.md"))
            .expect("the language reference");
    let listed = reference
        .split("These words are keywords")
        .nth(1)
        .and_then(|rest| rest.split("```text\n").nth(1))
        .and_then(|block| block.split("```").next())
        .expect("the keyword block");
    let words: Vec<&str> = listed.split_whitespace().collect();
    assert_eq!(words, KEYWORDS);
}

/// A keyword where a new name belongs is one error, and is the name in the tree: the item and
/// the flow that names it parse whole.
#[test]
fn a_keyword_as_a_name_is_read_as_the_name() {
    let parse = parse("station buffer { cycle = 5 s }\nflow a -> buffer -> b\n", &is_unit_name);
    let found: Vec<(&SyntaxErrorKind, u32)> =
        parse.errors.iter().map(|error| (&error.kind, error.span.start)).collect();
    let buffer = SyntaxErrorKind::KeywordAsName { keyword: "buffer".into(), role: NameRole::Given };
    assert_eq!(found, [(&buffer, 8), (&buffer, 41)]);
    let [first, second] = &parse.file.items[..] else { panic!("two items") };
    let (ItemKind::Decl(decl), ItemKind::Flow(flow)) = (&first.kind, &second.kind) else {
        panic!("a declaration and a flow")
    };
    assert_eq!(decl.name.name, "buffer");
    assert!(decl.body.is_some());
    let stages: Vec<&str> = flow.stages.iter().map(|stage| stage.name.as_str()).collect();
    assert_eq!(stages, ["a", "buffer", "b"]);
}

/// The keywords that are field names (`product = Body`, `failure = …`, `costs { … }`): written
/// where a field, a path segment or an argument is named, they are that name, without an error.
const FIELD_NAMES: [&str; 12] = [
    "product",
    "source",
    "station",
    "buffer",
    "conveyor",
    "robot",
    "transport",
    "resource",
    "sink",
    "failure",
    "maintenance",
    "costs",
];

/// The `KeywordAsName` errors of `text`, as (keyword, offset, role), and that it has no other
/// error.
#[track_caller]
fn keyword_errors(text: &str) -> Vec<(String, u32, NameRole)> {
    let parse = parse(text, &is_unit_name);
    parse
        .errors
        .iter()
        .map(|error| match &error.kind {
            SyntaxErrorKind::KeywordAsName { keyword, role } => {
                assert_eq!(error.span.len() as usize, keyword.len(), "{text:?}: {error:?}");
                (keyword.clone(), error.span.start, *role)
            }
            other => panic!("{text:?}: an error other than a keyword as a name: {other:?}"),
        })
        .collect()
}

/// Every keyword in every place where a name is written — a template's argument, a call's
/// argument, a field, a binding, a path's segment, a value, a parameter, a scenario, an
/// experiment, a failure mode — is one error at the keyword, or none where the word is a name
/// there (a field name, `route` after a `.`) or a value (`true`, `false`). It used to be one
/// error only as a declaration's, a parameter's or a base's name and as a flow's stage:
/// `Press(in = 3 s)` gave two syntax errors, `missing argument` and `arguments are given by
/// name`; `cycle = in` then a line break took the next field into the error.
#[test]
fn a_keyword_where_any_name_belongs_is_one_error() {
    for keyword in KEYWORDS {
        let field_name = FIELD_NAMES.contains(&keyword);
        let value = matches!(keyword, "true" | "false");
        // (text with `@` where the keyword goes, whether that place reads it without an error)
        let places = [
            ("station s : Press(@ = 3 s)\n", field_name),
            ("station s : Press(t = 1, @ = 3 s)\n", field_name),
            ("station s { cycle = normal(@ = 3 s, sd = 1 s) }\n", field_name),
            ("station s {\n    @ = 3 s\n    repair = 1 h\n}\n", field_name),
            ("sync s : base {\n    @ <- x\n}\n", field_name),
            ("scenario s : base {\n    w.@ = 3 s\n}\n", field_name || keyword == "route"),
            ("scenario s : base {\n    w.@.x = 3 s\n}\n", field_name || keyword == "route"),
            ("station s {\n    cycle = @\n    repair = 1 h\n}\n", field_name || value),
            ("station s {\n    cycle = 2 * @\n}\n", field_name || value),
            ("station s {\n    cycle = w.@\n}\n", field_name || keyword == "route"),
            ("component P(@: Duration) : station { cycle = 1 s }\n", false),
            ("scenario @ : base { w.cycle = 3 s }\n", false),
            ("experiment @ { horizon = 1 h }\n", false),
            ("station s {\n    failure @ { repair = 1 h }\n}\n", false),
        ];
        for (place, clean) in places {
            let text = place.replace('@', keyword);
            let found = keyword_errors(&text);
            let at = place.find('@').expect("a place") as u32;
            let expected =
                if clean { Vec::new() } else { vec![(keyword.to_owned(), at, NameRole::Given)] };
            assert_eq!(found, expected, "{text}");
        }
    }
}

/// A keyword written as a name in one place is the name there, so the item parses whole: the
/// template's parameter `in`, its use and an instance's argument `in` name one parameter.
#[test]
fn a_keyword_as_a_parameter_name_is_the_name_at_each_use() {
    let text = "component Press(in: Duration) : station {\n    cycle = in\n    repair = 1 h\n}\n\
                station s : Press(in = 3 s)\n";
    let parse = parse(text, &is_unit_name);
    let uses: Vec<u32> = text.match_indices("in").map(|(at, _)| at as u32).collect();
    assert_eq!(
        keyword_errors(text),
        uses.iter().map(|at| ("in".to_owned(), *at, NameRole::Given)).collect::<Vec<_>>()
    );
    assert_eq!(uses.len(), 3);
    let [template, instance] = &parse.file.items[..] else { panic!("two items") };
    let (ItemKind::Template(template), ItemKind::Decl(instance)) = (&template.kind, &instance.kind)
    else {
        panic!("a template and an instance")
    };
    assert_eq!(template.params[0].name.name, "in");
    assert_eq!(template.body.as_ref().map(|body| body.members.len()), Some(2));
    let args = instance.base.as_ref().and_then(|base| base.args.as_ref()).expect("arguments");
    assert_eq!(args[0].name.as_ref().map(|name| name.name.as_str()), Some("in"));
}

/// A keyword where one of the language's own names belongs — a parameter's type, a call's
/// function, a clock after `of` — is one error at the keyword, which says what it was to name; and
/// a keyword in the places found cascading after those (a template's base, a record's name, a
/// path that starts with `true`, `in` or `of` ending a line after `minimize`, `.` or a nested
/// item's keyword) is one error too, or none where the word is a name there. Each of these was
/// two to four syntax errors, and a broken parameter list lost its template ("cannot find template
/// `Cell`") and a broken `of` its station ("cannot find component `w1`").
#[test]
fn a_keyword_where_the_language_names_something_is_one_error() {
    use NameRole::{Clock, Function, Given, Type};
    for keyword in KEYWORDS {
        let field_name = FIELD_NAMES.contains(&keyword);
        let value = matches!(keyword, "true" | "false");
        let kind = fab_grammar::ast::DeclKind::from_keyword(keyword).is_some();
        // (text with `@` where the keyword goes, the role it is read in, or none where the place
        // reads it without an error)
        let places = [
            ("component C(t: @, n: Int = 1) : station { cycle = t }\n", Some(Type)),
            ("component C(t: Dist<@>, n: Int) : station { cycle = t }\n", Some(Type)),
            ("component C(t: @<Duration>) : station { cycle = t }\n", Some(Type)),
            ("station s {\n    cycle = @(mean = 5 s)\n    parallel = 2\n}\n", Some(Function)),
            ("station s { cycle = 2 * @(mean = 5 s, sd = 1 s) + 1 s }\n", Some(Function)),
            ("station s {\n    failure = 1 h of @\n    repair = 1 h\n}\n", Some(Clock)),
            (
                "station s { maintenance = preventive(every = 1 h of @, takes = 1 h) }\n",
                Some(Clock),
            ),
            ("component C(t: Duration) : @ { cycle = t }\n", (!kind).then_some(Given)),
            (
                "station s {\n    @ { repair = 1 h }\n    cycle = 1 s\n}\n",
                (!field_name).then_some(Given),
            ),
            ("experiment e {\n    vary @.cycle in 1 s..2 s\n}\n", (!field_name).then_some(Given)),
            ("station s {\n    cycle = @.cycle * 2\n}\n", (!field_name).then_some(Given)),
            (
                "optimize o : b {\n    minimize @\n    subject to x > 1\n}\n",
                (!field_name && !value).then_some(Given),
            ),
            (
                "station s {\n    cycle = w.@\n    repair = 1 h\n}\n",
                (!field_name && keyword != "route").then_some(Given),
            ),
            ("station s {\n    failure @\n    failure b { repair = 1 h }\n}\n", Some(Given)),
        ];
        for (place, role) in places {
            let text = place.replace('@', keyword);
            let found = keyword_errors(&text);
            let at = place.find('@').expect("a place") as u32;
            let expected: Vec<_> =
                role.map(|role| (keyword.to_owned(), at, role)).into_iter().collect();
            assert_eq!(found, expected, "{text}");
        }
    }
}

/// A keyword as a type, a function or a clock names nothing, so the tree holds what was meant to be
/// read without it: a type not understood, an operand that failed, the value before `of` on its
/// field's default clock. The template, its parameters and the fields after stay whole.
#[test]
fn a_keyword_as_a_type_function_or_clock_leaves_the_rest_whole() {
    use fab_grammar::ast::{ExprKind, MemberKind, TypeExpr};
    let text = "component Cell(takt: station, cv: Ratio = 0.2) : station {\n    \
                cycle = flow(mean = takt)\n    failure = 1 h of to\n    repair = 1 h\n}\n";
    let parse = parse(text, &is_unit_name);
    let found: Vec<(String, NameRole)> =
        keyword_errors(text).into_iter().map(|(keyword, _, role)| (keyword, role)).collect();
    let expected =
        [("station", NameRole::Type), ("flow", NameRole::Function), ("to", NameRole::Clock)]
            .map(|(keyword, role)| (keyword.to_owned(), role));
    assert_eq!(found, expected);
    let [item] = &parse.file.items[..] else { panic!("one item") };
    let ItemKind::Template(template) = &item.kind else { panic!("a template") };
    assert!(matches!(template.params[0].ty, TypeExpr::Error { .. }));
    assert_eq!(template.params[1].name.name, "cv");
    let members = &template.body.as_ref().expect("a body").members;
    let values: Vec<&ExprKind> = members
        .iter()
        .map(|member| match &member.kind {
            MemberKind::Field { value, .. } => &value.kind,
            other => panic!("a field, not {other:?}"),
        })
        .collect();
    let [cycle, failure, repair] = values[..] else { panic!("three fields") };
    assert_eq!(*cycle, ExprKind::Error);
    assert!(matches!(failure, ExprKind::Quantity { .. }), "{failure:?}");
    assert!(matches!(repair, ExprKind::Quantity { .. }), "{repair:?}");
}
