//! `fab lsp` over its real transport: the built binary, JSON-RPC on its stdin and stdout, the
//! examples and the fixture files of `tests/lsp/`.

mod lsp_support;
mod support;

use lsp_support::{Client, position, position_of, temp_dir, uri};
use serde_json::{Value, json};
use std::path::{Path, PathBuf};

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).to_path_buf()
}

fn example(name: &str) -> (String, String) {
    let path = repo().join("examples").join(name);
    (uri(&path), std::fs::read_to_string(&path).unwrap())
}

fn fixture(name: &str) -> (String, String) {
    let path = repo().join("tests/lsp").join(name);
    (uri(&path), std::fs::read_to_string(&path).unwrap())
}

fn doc(uri: &str) -> Value {
    json!({ "uri": uri })
}

fn at(uri: &str, position: Value) -> Value {
    json!({ "textDocument": doc(uri), "position": position })
}

#[test]
fn initialize_announces_every_feature() {
    let mut client = Client::start("capabilities");
    let capabilities = client.capabilities.clone();
    for feature in [
        "hoverProvider",
        "completionProvider",
        "definitionProvider",
        "referencesProvider",
        "renameProvider",
        "documentSymbolProvider",
        "workspaceSymbolProvider",
        "codeActionProvider",
        "inlayHintProvider",
        "semanticTokensProvider",
        "foldingRangeProvider",
        "documentFormattingProvider",
    ] {
        assert!(capabilities.get(feature).is_some(), "{feature}: {capabilities}");
    }
    assert_eq!(capabilities["textDocumentSync"], 2, "incremental sync");
    assert_eq!(capabilities["positionEncoding"], "utf-16");
    let legend = &capabilities["semanticTokensProvider"]["legend"];
    assert!(legend["tokenTypes"].as_array().unwrap().contains(&json!("unit")));
    // A second `initialize` is refused, as the protocol requires.
    assert!(client.request_raw("initialize", json!({ "capabilities": {} })).get("error").is_some());
    let (uri, text) = example("body_shop.fab");
    client.open(&uri, &text);
    let published = client.diagnostics_for(&uri);
    assert_eq!(published["diagnostics"], json!([]), "the example checks clean");
    assert_eq!(published["version"], 1);
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn diagnostics_link_their_explain_page_and_follow_edits() {
    let mut client = Client::start("diagnostics");
    let (uri, text) = example("body_shop.fab");
    let broken = text.replace(
        "    cycle = normal(mean = 52 s, sd = 4 s)",
        "    cylce = normal(mean = 52 s, sd = 4 s)\n    repair = 1 h",
    );
    client.open(&uri, &broken);
    let published = client.diagnostics_for(&uri);
    let diagnostics = published["diagnostics"].as_array().unwrap();
    let unknown = diagnostics.iter().find(|d| d["code"] == "E0201").expect("E0201");
    assert_eq!(unknown["range"]["start"], position_of(&broken, "cylce", 0));
    assert!(unknown["message"].as_str().unwrap().contains("help: Did you mean `cycle`?"));
    assert_eq!(unknown["source"], "fab");
    let href = unknown["codeDescription"]["href"].as_str().unwrap();
    let page = href.strip_prefix("file://").expect("a file URI");
    assert_eq!(
        std::fs::read_to_string(page).unwrap(),
        std::fs::read_to_string(repo().join("docs/diagnostics/E0201.md")).unwrap(),
        "the link opens the page `fab explain E0201` prints"
    );
    // A field set twice: the first one is related information.
    let twice = diagnostics.iter().find(|d| d["code"] == "E0202").expect("E0202");
    let related = &twice["relatedInformation"][0];
    assert_eq!(related["location"]["uri"], uri);
    assert_eq!(related["message"], "first set here");
    // An incremental edit that fixes both.
    let start = broken.find("cylce").unwrap();
    let end = broken.find("    repair = 1 h\n").unwrap() + "    repair = 1 h".len();
    client.notify(
        "textDocument/didChange",
        json!({
            "textDocument": { "uri": uri, "version": 2 },
            "contentChanges": [
                { "range": { "start": position(&broken, end - "\n    repair = 1 h".len()), "end": position(&broken, end) }, "text": "" },
                { "range": { "start": position(&broken, start), "end": position(&broken, start + 5) }, "text": "cycle" },
            ]
        }),
    );
    let published = client.diagnostics_for(&uri);
    assert_eq!(published["version"], 2);
    assert_eq!(published["diagnostics"], json!([]));
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn hover_definition_references_and_rename_across_files() {
    let mut client = Client::start("navigation");
    let (line_uri, line) = fixture("line.fab");
    let (cells_uri, cells) = fixture("cells.fab");
    client.open(&line_uri, &line);
    assert_eq!(client.diagnostics_for(&line_uri)["diagnostics"], json!([]));

    let hover =
        client.request("textDocument/hover", at(&line_uri, position_of(&line, "w1 : Cell", 6)));
    let markdown = hover["contents"]["value"].as_str().unwrap();
    assert!(
        markdown.contains("component Cell(spots: Int, per_spot: Duration = 2.5 s) : station"),
        "{markdown}"
    );
    assert!(markdown.contains("A welding cell"), "{markdown}");

    let definition = client
        .request("textDocument/definition", at(&line_uri, position_of(&line, "w1 : Cell", 6)));
    assert_eq!(definition[0]["uri"], cells_uri);
    assert_eq!(definition[0]["range"]["start"], position_of(&cells, "Cell(", 0));

    let references = client.request(
        "textDocument/references",
        json!({ "textDocument": doc(&line_uri), "position": position_of(&line, "w2 : Cell", 6), "context": { "includeDeclaration": true } }),
    );
    let uris: Vec<&str> =
        references.as_array().unwrap().iter().map(|r| r["uri"].as_str().unwrap()).collect();
    assert_eq!(uris, [cells_uri.as_str(), line_uri.as_str(), line_uri.as_str()]);

    let prepared = client
        .request("textDocument/prepareRename", at(&line_uri, position_of(&line, "w2 : Cell", 7)));
    assert_eq!(prepared["start"], position_of(&line, "Cell(spots = 14", 0));
    let edit = client.request(
        "textDocument/rename",
        json!({ "textDocument": doc(&line_uri), "position": position_of(&line, "w2 : Cell", 6), "newName": "WeldCell" }),
    );
    assert_eq!(edit["changes"][&line_uri].as_array().unwrap().len(), 2);
    assert_eq!(edit["changes"][&cells_uri][0]["newText"], "WeldCell");
    let refused = client.request_raw(
        "textDocument/rename",
        json!({ "textDocument": doc(&line_uri), "position": position_of(&line, "w2 : Cell", 6), "newName": "station" }),
    );
    assert!(
        refused["error"]["message"].as_str().unwrap().contains("not a valid name"),
        "{refused}"
    );

    let highlights = client
        .request("textDocument/documentHighlight", at(&line_uri, position_of(&line, "-> w1", 3)));
    assert_eq!(highlights.as_array().unwrap().len(), 2);
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn an_imported_file_that_changes_on_disk_is_read_again() {
    let mut client = Client::start("watched");
    let dir = temp_dir("watched");
    let (main, lib) = (dir.join("main.fab"), dir.join("lib.fab"));
    let text = "import \"lib.fab\"\nsource s { interarrival = 1 min }\nstation w : Cell(spots = 2)\nsink k\nflow s -> w -> k\n";
    std::fs::write(&main, text).unwrap();
    std::fs::write(&lib, "component Cell(spots: Int) : station { cycle = 1 s * spots }\n").unwrap();
    let main_uri = uri(&main);
    client.open(&main_uri, text);
    assert_eq!(client.diagnostics_for(&main_uri)["diagnostics"], json!([]));
    std::fs::write(&lib, "component Cell(count: Int) : station { cycle = 1 s * count }\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&lib), "type": 2 }] }),
    );
    let published = client.diagnostics_for(&main_uri);
    assert!(
        codes(&published).contains(&"E0502".to_string()),
        "the old argument name is refused now: {published}"
    );
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_data_file_that_changes_on_disk_is_read_again() {
    // A release schedule out of order (E0404), then put in order on disk: the server held the
    // first text for its whole life and kept publishing the error (a probe's finding). Then a
    // schedule that is missing, and appears.
    let mut client = Client::start("data-watched");
    let dir = temp_dir("data-watched");
    let (main, schedule) = (dir.join("main.fab"), dir.join("releases.csv"));
    let text = "source s { schedule = \"releases.csv\" }\nstation m { cycle = 10 s }\nsink k\nflow s -> m -> k\n";
    std::fs::write(&main, text).unwrap();
    std::fs::write(&schedule, "time\n0\n10\n5\n").unwrap();
    let main_uri = uri(&main);
    client.open(&main_uri, text);
    assert_eq!(codes(&client.diagnostics_for(&main_uri)), ["E0404"]);
    let changed = |client: &mut Client| {
        client.notify(
            "workspace/didChangeWatchedFiles",
            json!({ "changes": [{ "uri": uri(&schedule), "type": 2 }] }),
        );
    };
    std::fs::write(&schedule, "time\n0\n5\n10\n").unwrap();
    changed(&mut client);
    assert_eq!(client.diagnostics_for(&main_uri)["diagnostics"], json!([]));
    std::fs::remove_file(&schedule).unwrap();
    changed(&mut client);
    assert_eq!(codes(&client.diagnostics_for(&main_uri)), ["E0404"], "missing now");
    std::fs::write(&schedule, "time\n0\n").unwrap();
    changed(&mut client);
    assert_eq!(client.diagnostics_for(&main_uri)["diagnostics"], json!([]));
    assert_eq!(client.shutdown(), Some(0));
}

/// A model that instantiates the standard library's `WeldCell`, written to disk and opened clean:
/// its URI, its text, and where go-to-definition on `WeldCell` leads (the library's cached copy).
const WELD_MODEL: &str = "import \"std/equipment.fab\"\nsource s { interarrival = 1 min }\nstation w : WeldCell(spots = 3)\nsink k\nflow s -> w -> k\n";

fn open_weld_model(client: &mut Client, name: &str) -> (String, String) {
    let path = temp_dir(name).join("weld.fab");
    std::fs::write(&path, WELD_MODEL).unwrap();
    let main = uri(&path);
    client.open(&main, WELD_MODEL);
    assert_eq!(client.diagnostics_for(&main)["diagnostics"], json!([]));
    let definition = client
        .request("textDocument/definition", at(&main, position_of(WELD_MODEL, "WeldCell", 1)));
    let copy = definition[0]["uri"].as_str().unwrap().to_string();
    (main, copy)
}

#[test]
fn go_to_definition_into_the_standard_library() {
    let mut client = Client::start("library");
    let (_, copy) = open_weld_model(&mut client, "library");
    let target = copy.as_str();
    let copied = target.strip_prefix("file://").unwrap();
    assert!(copied.starts_with(client.cache.to_str().unwrap()), "{copied}");
    let library = std::fs::read_to_string(copied).unwrap();
    assert!(library.contains("component WeldCell("));
    // Opening the copy works on the library file itself: its outline lists the templates.
    client.open(target, &library);
    let symbols =
        client.request("textDocument/documentSymbol", json!({ "textDocument": doc(target) }));
    assert!(symbols.as_array().unwrap().iter().any(|s| s["name"] == "WeldCell"));
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn completion_symbols_and_hints() {
    let mut client = Client::start("editing");
    let (uri, text) = example("body_shop.fab");
    let edited = text.replace("cycle = lognormal(mean = 40 s, cv = 0.15)", "cycle = ");
    client.open(&uri, &edited);
    client.diagnostics_for(&uri);
    let items =
        client.request("textDocument/completion", at(&uri, position_of(&edited, "cycle = \n", 8)));
    let lognormal = items
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["label"] == "lognormal(mean, cv)")
        .expect("lognormal");
    assert_eq!(lognormal["insertTextFormat"], 2);
    assert_eq!(lognormal["textEdit"]["newText"], "lognormal(mean = ${1}, cv = ${2})");
    assert_eq!(lognormal["kind"], 3);

    let symbols =
        client.request("textDocument/documentSymbol", json!({ "textDocument": doc(&uri) }));
    let weld = symbols.as_array().unwrap().iter().find(|s| s["name"] == "weld").unwrap();
    assert_eq!(weld["detail"], "station");
    assert_eq!(weld["children"].as_array().unwrap().len(), 4);

    let found = client.request("workspace/symbol", json!({ "query": "weld" }));
    assert_eq!(found[0]["name"], "weld");
    assert_eq!(found[0]["location"]["uri"], uri);

    let hints = client.request(
        "textDocument/inlayHint",
        json!({ "textDocument": doc(&uri), "range": { "start": position(&edited, 0), "end": position(&edited, edited.len()) } }),
    );
    let labels: Vec<&str> =
        hints.as_array().unwrap().iter().map(|h| h["label"].as_str().unwrap()).collect();
    assert!(labels.contains(&"holds 8 parts") && labels.contains(&"Σ 100 %"), "{labels:?}");

    let folds = client.request("textDocument/foldingRange", json!({ "textDocument": doc(&uri) }));
    assert!(
        folds
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f["kind"] == "comment" && f["startLine"] == 0 && f["endLine"] == 7)
    );

    let tokens =
        client.request("textDocument/semanticTokens/full", json!({ "textDocument": doc(&uri) }));
    let data = tokens["data"].as_array().unwrap();
    assert!(data.len() > 100 && data.len().is_multiple_of(5));
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn quick_fixes_and_formatting() {
    let mut client = Client::start("fixes");
    let (uri, text) = example("assembly.fab");
    let broken = text.replace("done = 92 %", "done = 90 %");
    client.open(&uri, &broken);
    let published = client.diagnostics_for(&uri);
    let route = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "E0603")
        .expect("E0603")
        .clone();
    let actions = client.request(
        "textDocument/codeAction",
        json!({ "textDocument": doc(&uri), "range": route["range"], "context": { "diagnostics": [route] } }),
    );
    let titles: Vec<&str> =
        actions.as_array().unwrap().iter().map(|a| a["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Set `done` to 92 %", "Set `rework` to 10 %"]);
    let first = &actions[0];
    assert_eq!(first["kind"], "quickfix");
    assert_eq!(first["diagnostics"][0]["code"], "E0603");
    let edit = &first["edit"]["changes"][&uri][0];
    assert_eq!(edit["newText"], "92 %");
    assert_eq!(edit["range"]["start"], position_of(&broken, "90 %", 0));

    let messy = "sink   done\nbuffer b{capacity=5}\n";
    let (messy_uri, _) = (format!("{uri}.messy.fab"), ());
    client.open(&messy_uri, messy);
    let edits = client.request("textDocument/formatting", json!({ "textDocument": doc(&messy_uri), "options": { "tabSize": 4, "insertSpaces": true } }));
    assert_eq!(edits[0]["newText"], fab_grammar::format(messy).unwrap());
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn positions_are_utf16_columns() {
    let mut client = Client::start("utf16");
    let dir = temp_dir("utf16");
    let path = dir.join("units.fab");
    // `⌊` takes three bytes and one UTF-16 unit; `𝜇` four bytes and two units.
    let text = "conveyor c1 { length = 12 m, speed = 0.4 m/s, spacing = 1.5 m } // ⌊12 / 1.5⌋ 𝜇 = 8\nsource s { interarrival = 1 min }\nsink k\nflow s -> c1 -> k\n";
    std::fs::write(&path, text).unwrap();
    let file = uri(&path);
    client.open(&file, text);
    client.diagnostics_for(&file);
    let hover = client.request("textDocument/hover", at(&file, position_of(text, "c1 -> k", 0)));
    assert_eq!(hover["range"]["start"], position_of(text, "c1 -> k", 0));
    assert!(hover["contents"]["value"].as_str().unwrap().contains("conveyor c1"));
    // The comment's token ends at the line's end in UTF-16 units.
    let tokens =
        client.request("textDocument/semanticTokens/full", json!({ "textDocument": doc(&file) }));
    let data: Vec<u64> =
        tokens["data"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    let mut line = 0;
    let mut column = 0;
    let mut comment = None;
    for token in data.chunks(5) {
        line += token[0];
        column = if token[0] == 0 { column + token[1] } else { token[1] };
        if line == 0 && column as usize == text.find("//").unwrap() {
            comment = Some(token[2]);
        }
    }
    let comment_units: usize =
        text.lines().next().unwrap()[text.find("//").unwrap()..].chars().map(char::len_utf16).sum();
    assert_eq!(comment, Some(comment_units as u64));
    assert_eq!(client.shutdown(), Some(0));
}

/// A smaller version of the IDE's prefix property, over the transport: the examples typed out in
/// growing prefixes, with requests at the cursor after each change. Every request gets an answer
/// (a result, or `ContentModified` when an edit overtook it) and the server stays up.
#[test]
fn answers_every_request_on_prefixes_of_the_examples() {
    let mut client = Client::start_with("prefixes", json!({ "diagnosticsDelay": 5 }));
    for name in ["body_shop.fab", "press_line.fab", "assembly.fab"] {
        let (uri, text) = example(name);
        client.open(&uri, "");
        let cuts: Vec<usize> = (1..=24).map(|i| text.len() * i / 24).collect();
        for (version, cut) in cuts.into_iter().enumerate() {
            let mut cut = cut;
            while !text.is_char_boundary(cut) {
                cut -= 1;
            }
            let prefix = &text[..cut];
            client.notify(
                "textDocument/didChange",
                json!({ "textDocument": { "uri": uri, "version": version + 2 }, "contentChanges": [{ "text": prefix }] }),
            );
            let here = position(prefix, prefix.len());
            for (method, params) in [
                ("textDocument/hover", at(&uri, here.clone())),
                ("textDocument/completion", at(&uri, here.clone())),
                ("textDocument/definition", at(&uri, here.clone())),
                ("textDocument/documentSymbol", json!({ "textDocument": doc(&uri) })),
                ("textDocument/semanticTokens/full", json!({ "textDocument": doc(&uri) })),
                ("textDocument/foldingRange", json!({ "textDocument": doc(&uri) })),
                (
                    "textDocument/inlayHint",
                    json!({ "textDocument": doc(&uri), "range": { "start": position(prefix, 0), "end": here } }),
                ),
                (
                    "textDocument/codeAction",
                    json!({ "textDocument": doc(&uri), "range": { "start": position(prefix, 0), "end": here }, "context": { "diagnostics": [] } }),
                ),
                (
                    "textDocument/formatting",
                    json!({ "textDocument": doc(&uri), "options": { "tabSize": 4, "insertSpaces": true } }),
                ),
            ] {
                let response = client.request_raw(method, params);
                let answered =
                    response.get("result").is_some() || response["error"]["code"] == -32801;
                assert!(answered, "{name} at {cut}: {method}: {response}");
            }
        }
        let published = client.diagnostics_for(&uri);
        assert!(published["diagnostics"].is_array());
    }
    assert_eq!(client.shutdown(), Some(0));
}

// ----- line endings -----

/// A position given by hand, for texts whose line ends are not `\n`.
fn line_character(line: u32, character: u32) -> Value {
    json!({ "line": line, "character": character })
}

/// Sends one incremental change of `range` to `text` as version `version`.
fn change(client: &mut Client, uri: &str, version: i32, edits: &[(Value, Value, &str)]) {
    let changes: Vec<Value> = edits
        .iter()
        .map(|(start, end, text)| json!({ "range": { "start": start, "end": end }, "text": text }))
        .collect();
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": changes }),
    );
}

/// What the server says about a document, without its URI: diagnostics (code and range), the
/// outline, semantic tokens and formatting.
fn views(client: &mut Client, uri: &str) -> Value {
    let published = client.diagnostics_for(uri);
    let diagnostics: Vec<Value> = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| json!([d["code"], d["range"]]))
        .collect();
    let symbols =
        client.request("textDocument/documentSymbol", json!({ "textDocument": doc(uri) }));
    let tokens =
        client.request("textDocument/semanticTokens/full", json!({ "textDocument": doc(uri) }));
    json!({ "diagnostics": diagnostics, "symbols": symbols, "tokens": tokens })
}

/// Edits `before` with `edits` incrementally and checks that the server then sees the document
/// exactly as a fresh open of `after`; returns that view.
fn edits_match_a_fresh_open(
    client: &mut Client,
    name: &str,
    before: &str,
    edits: &[(Value, Value, &str)],
    after: &str,
) -> Value {
    let edited = format!("untitled:{name}-edited");
    client.open(&edited, before);
    client.diagnostics_for(&edited);
    change(client, &edited, 2, edits);
    let incremental = views(client, &edited);
    let fresh = format!("untitled:{name}-fresh");
    client.open(&fresh, after);
    let opened = views(client, &fresh);
    assert_eq!(incremental, opened, "{name}: the edited copy differs from a fresh open");
    opened
}

#[test]
fn crlf_positions_past_the_end_of_a_line_stay_before_the_carriage_return() {
    let mut client = Client::start("crlf");
    let view = edits_match_a_fresh_open(
        &mut client,
        "crlf",
        "sink a\r\nsink b\r\n",
        &[(line_character(0, 999), line_character(0, 999), "x")],
        "sink ax\r\nsink b\r\n",
    );
    assert!(!view["diagnostics"].to_string().contains("E0001"), "no syntax error: {view}");
    assert_eq!(view["symbols"][0]["name"], "ax");
    // A range that ends past a line's end replaces the whole line's text, not its `\r`.
    edits_match_a_fresh_open(
        &mut client,
        "crlf-range",
        "sink a\r\nsink b\r\n",
        &[(line_character(1, 5), line_character(1, 400), "c")],
        "sink a\r\nsink c\r\n",
    );
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_lone_carriage_return_ends_a_line() {
    let mut client = Client::start("lone-cr");
    let text = "product P\rsource s { interarrival = 5 sx }\rsink done\rflow s -> done\r";
    let uri = "untitled:lone-cr";
    client.open(uri, text);
    let published = client.diagnostics_for(uri);
    let unit = published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "E0301")
        .unwrap_or_else(|| panic!("E0301: {published}"))
        .clone();
    let sx = "source s { interarrival = 5 ".len() as u32;
    assert_eq!(unit["range"]["start"], line_character(1, sx), "{unit}");
    let symbols =
        client.request("textDocument/documentSymbol", json!({ "textDocument": doc(uri) }));
    let done = symbols.as_array().unwrap().iter().find(|s| s["name"] == "done").unwrap();
    assert_eq!(done["selectionRange"]["start"], line_character(2, 5));
    // Edits on lines after a lone `\r`, one of them past the end of its line.
    edits_match_a_fresh_open(
        &mut client,
        "lone-cr",
        text,
        &[
            (line_character(1, sx + 1), line_character(1, sx + 2), ""),
            (line_character(2, 5), line_character(2, 99), "end"),
            (line_character(3, 10), line_character(3, 99), "end"),
        ],
        "product P\rsource s { interarrival = 5 s }\rsink end\rflow s -> end\r",
    );
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn crlf_ranges_and_tokens_stop_at_the_end_of_the_line() {
    let mut client = Client::start("crlf-ranges");
    // An unterminated string: its diagnostic runs to the end of the line, not onto the `\r`.
    let line = "source s { interarrival = empirical(\"abc";
    let text = format!("{line}\r\nsink k\r\nflow s -> k\r\n");
    let uri = "untitled:crlf-string";
    client.open(uri, &text);
    let published = client.diagnostics_for(uri);
    let diagnostics = published["diagnostics"].as_array().unwrap();
    assert!(!diagnostics.is_empty(), "{published}");
    for diagnostic in diagnostics {
        for end in [&diagnostic["range"]["start"], &diagnostic["range"]["end"]] {
            if end["line"] == 0 {
                assert!(end["character"].as_u64().unwrap() <= line.len() as u64, "{diagnostic}");
            }
        }
    }
    // A block comment over lines: each piece of its token is as long as its line's text.
    let text = "/* a\r\n  bc\r\n*/\r\nsink k\r\n";
    let uri = "untitled:crlf-comment";
    client.open(uri, text);
    client.diagnostics_for(uri);
    let tokens =
        client.request("textDocument/semanticTokens/full", json!({ "textDocument": doc(uri) }));
    let data: Vec<u64> =
        tokens["data"].as_array().unwrap().iter().map(|v| v.as_u64().unwrap()).collect();
    let comment: Vec<(u64, u64, u64)> =
        data.chunks(5).take(3).map(|t| (t[0], t[1], t[2])).collect();
    assert_eq!(comment, [(0, 0, 4), (1, 0, 4), (1, 0, 2)], "{data:?}");
    assert_eq!(client.shutdown(), Some(0));
}

// ----- the transport: exit status, `$/` requests, malformed messages -----

#[test]
fn the_exit_status_says_whether_shutdown_came_first() {
    let mut client = Client::start("exit-alone");
    assert_eq!(client.exit_without_shutdown(), Some(1), "exit without shutdown");
    assert!(client.stderr().contains("without `shutdown`"));
    let mut client = Client::start("exit-closed");
    assert_eq!(client.close_input(), Some(1), "input closed without exit");
    assert!(client.stderr().contains("closed the input"));
    // `exit` sent as a request (with an id) still ends the server rather than leaving it waiting.
    let mut client = Client::start("exit-request");
    client.send(&json!({ "jsonrpc": "2.0", "id": 99, "method": "exit" }));
    assert_eq!(client.exit_code(), Some(1));
    // `shutdown` then `exit`: success.
    assert_eq!(Client::start("exit-clean").shutdown(), Some(0));
}

#[test]
fn unknown_dollar_requests_are_method_not_found_and_dollar_notifications_ignored() {
    let mut client = Client::start("dollar");
    let refused = client.request_raw("$/foo", json!({}));
    assert_eq!(refused["error"]["code"], -32601, "{refused}");
    client.notify("$/bar", json!({}));
    client.notify("$/cancelRequest", json!({ "id": 999 }));
    // The server still answers.
    let found = client.request("workspace/symbol", json!({ "query": "" }));
    assert!(found.is_array());
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn malformed_messages_are_answered_and_the_server_carries_on() {
    let mut client = Client::start("garbage");
    let (uri, text) = example("body_shop.fab");
    client.open(&uri, &text);
    assert_eq!(client.diagnostics_for(&uri)["diagnostics"], json!([]));
    for (body, code) in [
        (&b"{abc}"[..], -32700),
        (b"\xff\xfe\xfd", -32700),
        (b"{}", -32600),
        (b"[]", -32600),
        (br#"[{"jsonrpc":"2.0","id":81,"method":"foo/bar"}]"#, -32600),
    ] {
        client.send_body(body);
        let answered = client.response(&Value::Null);
        assert_eq!(
            answered["error"]["code"],
            code,
            "{}: {answered}",
            String::from_utf8_lossy(body)
        );
        // Still up, with the document still open.
        let symbols =
            client.request("textDocument/documentSymbol", json!({ "textDocument": doc(&uri) }));
        assert!(symbols.as_array().unwrap().iter().any(|s| s["name"] == "weld"));
    }
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn an_unreadable_frame_header_ends_the_session_as_a_failure() {
    let mut client = Client::start("broken-frame");
    client.send_bytes(b"Content-Length: abc\r\n\r\n{}");
    assert_eq!(client.exit_code(), Some(1));
    assert!(client.stderr().contains("Content-Length `abc` is not a number"));
}

// ----- files on disk -----

fn codes(published: &Value) -> Vec<String> {
    published["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_string())
        .collect()
}

#[test]
fn an_imported_file_deleted_or_created_on_disk_updates_the_diagnostics() {
    let mut client = Client::start("watched-created");
    let dir = temp_dir("watched-created");
    let (main, lib) = (dir.join("main.fab"), dir.join("newlib.fab"));
    let text = "import \"newlib.fab\"\nsource s { interarrival = 1 min }\nstation w : Cell(spots = 2)\nsink k\nflow s -> w -> k\n";
    std::fs::write(&main, text).unwrap();
    let main_uri = uri(&main);
    client.open(&main_uri, text);
    assert!(codes(&client.diagnostics_for(&main_uri)).contains(&"E0104".to_string()));
    // The import appears on disk.
    std::fs::write(&lib, "component Cell(spots: Int) : station { cycle = 1 s * spots }\n").unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&lib), "type": 1 }] }),
    );
    assert_eq!(client.diagnostics_for(&main_uri)["diagnostics"], json!([]), "created");
    // And disappears again.
    std::fs::remove_file(&lib).unwrap();
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": uri(&lib), "type": 3 }] }),
    );
    assert!(codes(&client.diagnostics_for(&main_uri)).contains(&"E0104".to_string()), "deleted");
    assert_eq!(client.shutdown(), Some(0));
}

/// `main.fab` imports `b.fab` and `c.fab`, which both declare `sink done`, written to a folder:
/// the URIs of main, b and c and main's text.
fn sibling_clash(name: &str) -> (String, String, String, String) {
    let dir = temp_dir(name);
    let main = "import \"b.fab\"\nimport \"c.fab\"\nflow src -> s -> done\n";
    let files = [
        ("main.fab", main),
        ("b.fab", "source src { interarrival = 20 s }\nsink done\n"),
        ("c.fab", "station s { cycle = 15 s }\nsink done\n"),
    ];
    for (file, text) in files {
        std::fs::write(dir.join(file), text).unwrap();
    }
    let [main_uri, b, c] = files.map(|(file, _)| uri(&dir.join(file)));
    (main_uri, b, c, main.to_string())
}

/// Replaces a document's whole text.
fn replace(client: &mut Client, uri: &str, version: i32, text: &str) {
    client.notify(
        "textDocument/didChange",
        json!({ "textDocument": { "uri": uri, "version": version }, "contentChanges": [{ "text": text }] }),
    );
}

#[test]
fn an_error_of_the_model_in_an_imported_file_is_shown_there() {
    let mut client = Client::start("sibling-clash");
    let (main, b, c, main_text) = sibling_clash("sibling-clash");
    for file in [&main, &b, &c] {
        let text = std::fs::read_to_string(file.strip_prefix("file://").unwrap()).unwrap();
        client.open(file, &text);
    }
    // A change after every open: the round that publishes version 2 saw all three open.
    replace(&mut client, &main, 2, &main_text);
    let shown = client.diagnostics_until(|p| p["uri"] == main && p["version"] == 2);
    // What `fab check main.fab` reports: the second `done` clashes with the first. b.fab and
    // c.fab are parts of main's model, not models of their own with a source and a station that
    // flow nowhere.
    assert_eq!(codes(&shown[&c]), ["E0102"], "{shown:?}");
    assert_eq!(shown[&c]["version"], 1);
    assert_eq!(shown[&c]["diagnostics"][0]["range"]["start"], json!({ "line": 1, "character": 5 }));
    assert_eq!(codes(&shown[&b]), Vec::<String>::new(), "{shown:?}");
    assert_eq!(codes(&shown[&main]), Vec::<String>::new(), "{shown:?}");
    // Closed, main no longer makes b.fab and c.fab parts of a model: each is its own again.
    client.notify("textDocument/didClose", json!({ "textDocument": doc(&main) }));
    let cleared = client.diagnostics_for(&main);
    assert_eq!(cleared["diagnostics"], json!([]));
    let shown = client.diagnostics_until(|p| p["uri"] == c);
    assert_eq!(codes(&shown[&c]), ["E0601", "E0601"], "{shown:?}");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn an_error_of_an_open_model_is_published_to_its_file_that_is_not_open() {
    let mut client = Client::start("sibling-clash-closed");
    let (main, _, c, main_text) = sibling_clash("sibling-clash-closed");
    client.open(&main, &main_text);
    let shown = client.diagnostics_until(|p| p["uri"] == main);
    assert_eq!(codes(&shown[&c]), ["E0102"], "c.fab is not open: {shown:?}");
    assert_eq!(shown[&c]["version"], Value::Null);
    // Once main.fab no longer imports c.fab, c.fab's diagnostics are cleared.
    let without_c = main_text.replace("import \"c.fab\"\n", "");
    replace(&mut client, &main, 2, &without_c);
    let shown = client.diagnostics_until(|p| p["uri"] == c);
    assert_eq!(shown[&c]["diagnostics"], json!([]), "{shown:?}");
    assert_eq!(client.shutdown(), Some(0));
}

// ----- the workspace folders -----

/// The repro of a library whose components two models use: `lib.fab` declares `station s`, which
/// `main.fab` uses in a flow and a scenario path and `other.fab` in a flow; `unrelated.fab`, which
/// imports nothing, declares `sink k`. Returns the folder.
fn library_and_importers(name: &str) -> PathBuf {
    let dir = temp_dir(name);
    for (file, text) in [
        ("lib.fab", "source src { interarrival = 20 s }\nstation s { cycle = 15 s }\nsink done\n"),
        (
            "main.fab",
            "import \"lib.fab\"\nflow src -> s -> done\nexperiment base { horizon = 2 d }\nscenario slow : base { s.cycle = 18 s }\n",
        ),
        ("models/other.fab", "import \"../lib.fab\"\nflow src -> s -> done\n"),
        ("unrelated.fab", "source a { interarrival = 1 min }\nsink k\nflow a -> k\n"),
        // Not part of the workspace's models: hidden and build folders are skipped.
        (".hidden/copy.fab", "import \"../lib.fab\"\nflow src -> s -> done\n"),
        ("target/copy.fab", "import \"../lib.fab\"\nflow src -> s -> done\n"),
    ] {
        let path = dir.join(file);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// The number of edits a workspace edit makes to each file, by file name relative to `dir`.
fn edits_per_file(edit: &Value, dir: &Path) -> Vec<(String, usize)> {
    let mut found: Vec<(String, usize)> = edit["changes"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(file, edits)| {
            let relative = file.strip_prefix(&format!("{}/", uri(dir))).unwrap_or(file);
            (relative.to_string(), edits.as_array().unwrap().len())
        })
        .collect();
    found.sort();
    found
}

#[test]
fn rename_and_references_cover_the_workspace_folder_files_that_are_not_open() {
    let dir = library_and_importers("workspace-rename");
    let mut client = Client::start_in("workspace-rename", json!({ "rootUri": uri(&dir) }));
    let lib = uri(&dir.join("lib.fab"));
    let text = std::fs::read_to_string(dir.join("lib.fab")).unwrap();
    client.open(&lib, &text);
    client.diagnostics_for(&lib);
    let at_s = at(&lib, position_of(&text, "station s", 8));
    let references = client.request(
        "textDocument/references",
        json!({ "textDocument": doc(&lib), "position": at_s["position"], "context": { "includeDeclaration": false } }),
    );
    assert_eq!(references.as_array().unwrap().len(), 3, "{references}");
    // `unrelated.fab` declares `k`, but it is not in a model with `s`: the name is free.
    let edit = client.request(
        "textDocument/rename",
        json!({ "textDocument": doc(&lib), "position": at_s["position"], "newName": "k" }),
    );
    let expected = [("lib.fab", 1), ("main.fab", 2), ("models/other.fab", 1)];
    let expected: Vec<(String, usize)> =
        expected.iter().map(|(f, n)| (f.to_string(), *n)).collect();
    assert_eq!(edits_per_file(&edit, &dir), expected, "{edit}");
    // A name another file of the model declares is refused, whichever file declares it.
    let refused = client.request_raw(
        "textDocument/rename",
        json!({ "textDocument": doc(&lib), "position": at_s["position"], "newName": "done" }),
    );
    assert!(
        refused["error"]["message"].as_str().unwrap().contains("already declared"),
        "{refused}"
    );
    // Files changed and created on disk without a word from the client: a rename reads them
    // first, so its edits fit the text the client will edit.
    std::fs::write(
        dir.join("models/other.fab"),
        "import \"../lib.fab\"\n\n\nflow src -> s -> done\n",
    )
    .unwrap();
    std::fs::write(dir.join("third.fab"), "import \"lib.fab\"\nflow src -> s -> done\n").unwrap();
    let edit = client.request(
        "textDocument/rename",
        json!({ "textDocument": doc(&lib), "position": at_s["position"], "newName": "mill" }),
    );
    let expected = [("lib.fab", 1), ("main.fab", 2), ("models/other.fab", 1), ("third.fab", 1)];
    let expected: Vec<(String, usize)> =
        expected.iter().map(|(f, n)| (f.to_string(), *n)).collect();
    assert_eq!(edits_per_file(&edit, &dir), expected, "{edit}");
    let other = &edit["changes"][uri(&dir.join("models/other.fab"))][0];
    assert_eq!(other["range"]["start"], json!({ "line": 3, "character": 12 }), "{other}");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn workspace_folders_are_read_from_workspace_folders_too() {
    let dir = library_and_importers("workspace-folders");
    let folders = json!([{ "uri": uri(&dir.join("models")), "name": "models" }]);
    let mut client = Client::start_in("workspace-folders", json!({ "workspaceFolders": folders }));
    let lib = uri(&dir.join("lib.fab"));
    let text = std::fs::read_to_string(dir.join("lib.fab")).unwrap();
    client.open(&lib, &text);
    client.diagnostics_for(&lib);
    let edit = client.request(
        "textDocument/rename",
        json!({ "textDocument": doc(&lib), "position": position_of(&text, "station s", 8), "newName": "mill" }),
    );
    // Only `models/` is a workspace folder: main.fab, outside it and not open, is not read.
    let expected: Vec<(String, usize)> = [("lib.fab", 1), ("models/other.fab", 1)]
        .iter()
        .map(|(f, n)| (f.to_string(), *n))
        .collect();
    assert_eq!(edits_per_file(&edit, &dir), expected, "{edit}");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn a_closed_document_that_is_on_no_disk_is_forgotten() {
    let mut client = Client::start("untitled-closed");
    let untitled = "untitled:Untitled-1";
    client.open(untitled, "product Body\nbuffer body_buffer { capacity = 4 }\n");
    client.diagnostics_for(untitled);
    let found = client.request("workspace/symbol", json!({ "query": "Body" }));
    assert_eq!(found.as_array().unwrap().len(), 2, "{found}");
    client.notify("textDocument/didClose", json!({ "textDocument": doc(untitled) }));
    let found = client.request("workspace/symbol", json!({ "query": "Body" }));
    assert_eq!(found, json!([]), "closed and on no disk");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn the_server_registers_a_watcher_for_fab_files_when_the_client_lets_it() {
    let capabilities =
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let mut client = Client::start_as("register", json!({}), capabilities);
    let registered = client.server_request("client/registerCapability");
    let registration = &registered["registrations"][0];
    assert_eq!(registration["method"], "workspace/didChangeWatchedFiles");
    let watchers = &registration["registerOptions"]["watchers"];
    assert_eq!(watchers[0]["globPattern"], "**/*.fab");
    assert_eq!(watchers[1]["globPattern"], "**/*.csv", "data files too");
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn rename_options_only_for_a_client_that_supports_prepare_rename() {
    let client = Client::start("rename-plain");
    assert_eq!(client.capabilities["renameProvider"], json!(true));
    assert_eq!(client.shutdown(), Some(0));
    let capabilities = json!({ "textDocument": { "rename": { "prepareSupport": true } } });
    let client = Client::start_as("rename-prepare", json!({}), capabilities);
    assert_eq!(client.capabilities["renameProvider"], json!({ "prepareProvider": true }));
    assert_eq!(client.shutdown(), Some(0));
}

#[test]
fn edits_to_a_copy_of_the_standard_library_do_not_change_the_models() {
    let mut client = Client::start("library-edit");
    let (main, copy) = open_weld_model(&mut client, "library-edit");
    let text = WELD_MODEL;
    let library = std::fs::read_to_string(copy.strip_prefix("file://").unwrap()).unwrap();
    client.open(&copy, &library);
    // Rename the template in the copy, unsaved.
    let at_name = position_of(&library, "WeldCell(", 0);
    let after_name = position_of(&library, "WeldCell(", "WeldCell".len());
    change(&mut client, &copy, 2, &[(at_name, after_name, "WeldCellX")]);
    // Requests see every edit before them: the model still finds `WeldCell`.
    let definition =
        client.request("textDocument/definition", at(&main, position_of(text, "WeldCell", 1)));
    assert_eq!(definition[0]["uri"], copy.as_str(), "{definition}");
    // The copy's buffer still follows its edits: undoing the rename applies cleanly.
    let at_name = position_of(&library, "WeldCell(", 0);
    let after_edit = position_of(&library, "WeldCell(", "WeldCellX".len());
    change(&mut client, &copy, 3, &[(at_name, after_edit, "WeldCell")]);
    let symbols =
        client.request("textDocument/documentSymbol", json!({ "textDocument": doc(&copy) }));
    assert!(symbols.as_array().unwrap().iter().any(|s| s["name"] == "WeldCell"));
    assert_eq!(client.shutdown(), Some(0));
}
