//! Editor latency on a 5,000-line model: `cargo bench -p fab-lsp --bench editor`.
//!
//! The server runs in process and is driven over JSON-RPC through in-memory pipes, the same
//! bytes `fab lsp` reads and writes on stdio, so every figure includes the protocol: framing,
//! JSON, position mapping, the snapshot and the blocking thread.
//!
//! - **diagnostics after an edit**: a one-character edit inside one station's field, then the
//!   time until `publishDiagnostics` for that version arrives; with the default debounce delay
//!   (which is part of what the user waits) and with none (the work alone);
//! - **completion**: the time to answer a completion request at a field's value, after an edit;
//! - the same two measured on the IDE functions alone, without the protocol.
//!
//! Targets (DESIGN.md): diagnostics within 50 ms of an edit, completion within 20 ms. Each figure
//! is the median and the worst of many runs, in wall-clock time on the machine it runs on.

use fab_compiler::db::MemoryFileSystem;
use fab_compiler::ide::{completion, diagnostics};
use fab_compiler::scope::set_file;
use fab_compiler::{Database, load_model};
use serde_json::{Value, json};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader, DuplexStream};

/// A serial line of `stations` stations with buffers, about ten lines per station.
fn model(stations: usize, edited_cycle: &str) -> String {
    let mut text = String::from(
        "//! A generated line.\n\nsource arrivals {\n    interarrival = exponential(mean = 1 min)\n}\n\n",
    );
    let mut flow = vec!["arrivals".to_string()];
    for index in 0..stations {
        let cycle = if index == stations / 2 { edited_cycle } else { "30 s" };
        text.push_str(&format!(
            "/// Station {index}.\nstation s{index} {{\n    cycle = lognormal(mean = {cycle}, cv = 0.2)\n    failure = exponential(mean = 8 h) of calendar_time\n    repair = exponential(mean = 20 min)\n}}\n\nbuffer b{index} {{ capacity = 5 }}\n\n"
        ));
        flow.push(format!("s{index}"));
        flow.push(format!("b{index}"));
    }
    text.push_str("sink done\n\n");
    flow.push("done".to_string());
    text.push_str(&format!(
        "flow {}\n\nexperiment baseline {{\n    horizon = 30 d\n}}\n",
        flow.join("\n    -> ")
    ));
    text
}

/// The protocol position of a byte offset (the model is ASCII).
fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let character = offset - before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    json!({ "line": line, "character": character })
}

struct Client {
    writer: DuplexStream,
    reader: BufReader<DuplexStream>,
    next_id: u64,
}

impl Client {
    async fn send(&mut self, message: Value) {
        let body = message.to_string();
        let framed = format!("Content-Length: {}\r\n\r\n{body}", body.len());
        self.writer.write_all(framed.as_bytes()).await.expect("write");
    }

    async fn receive(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.reader.read_line(&mut line).await.expect("read");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length:") {
                length = value.trim().parse().expect("a length");
            }
        }
        let mut body = vec![0; length];
        self.reader.read_exact(&mut body).await.expect("a body");
        serde_json::from_slice(&body).expect("JSON")
    }

    async fn request(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params })).await;
        loop {
            let message = self.receive().await;
            if message["id"] == id && message.get("method").is_none() {
                return message;
            }
        }
    }

    async fn notify(&mut self, method: &str, params: Value) {
        self.send(json!({ "jsonrpc": "2.0", "method": method, "params": params })).await;
    }

    /// Waits for the diagnostics of `version`.
    async fn diagnostics(&mut self, version: i64) -> Value {
        loop {
            let message = self.receive().await;
            if message["method"] == "textDocument/publishDiagnostics"
                && message["params"]["version"] == version
            {
                return message["params"]["diagnostics"].clone();
            }
        }
    }
}

/// Median and worst of a set of durations, in milliseconds.
fn summary(mut times: Vec<Duration>) -> String {
    times.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1e3;
    format!(
        "median {:.1} ms, worst {:.1} ms ({} runs)",
        ms(times[times.len() / 2]),
        ms(times[times.len() - 1]),
        times.len()
    )
}

async fn over_the_protocol(
    text: &str,
    delay_ms: u64,
    edits: usize,
) -> (Vec<Duration>, Vec<Duration>, Duration) {
    let (client_write, server_read) = tokio::io::duplex(1 << 20);
    let (server_write, client_read) = tokio::io::duplex(1 << 20);
    tokio::spawn(fab_lsp::serve(server_read, server_write));
    let mut client =
        Client { writer: client_write, reader: BufReader::new(client_read), next_id: 0 };
    client
        .request("initialize", json!({ "capabilities": {}, "initializationOptions": { "diagnosticsDelay": delay_ms } }))
        .await;
    client.notify("initialized", json!({})).await;
    let uri = "file:///bench/line.fab";
    let start = Instant::now();
    client
        .notify("textDocument/didOpen", json!({ "textDocument": { "uri": uri, "languageId": "fab", "version": 1, "text": text } }))
        .await;
    let first = client.diagnostics(1).await;
    assert_eq!(first, json!([]), "the generated model checks clean");
    let open = start.elapsed();

    // The edited station's cycle: `30 s` ↔ `31 s`, one character.
    let edited = "station s250 {\n    cycle = lognormal(mean = 3";
    let digit = text.find(edited).expect("the edited station") + edited.len();
    let mut edit_times = Vec::new();
    let mut completion_times = Vec::new();
    let value = "station s100 {\n    cycle = ";
    let value_at = text.find(value).expect("a station") + value.len();
    for edit in 0..edits {
        let version = edit as i64 + 2;
        let digit_text = if edit % 2 == 0 { "1" } else { "0" };
        let start = Instant::now();
        client
            .notify(
                "textDocument/didChange",
                json!({
                    "textDocument": { "uri": uri, "version": version },
                    "contentChanges": [{ "range": { "start": position(text, digit), "end": position(text, digit + 1) }, "text": digit_text }]
                }),
            )
            .await;
        let found = client.diagnostics(version).await;
        edit_times.push(start.elapsed());
        assert_eq!(found, json!([]));
        let start = Instant::now();
        let items = client
            .request(
                "textDocument/completion",
                json!({ "textDocument": { "uri": uri }, "position": position(text, value_at) }),
            )
            .await;
        completion_times.push(start.elapsed());
        assert!(items["result"].as_array().is_some_and(|items| !items.is_empty()));
    }
    client.request("shutdown", Value::Null).await;
    (edit_times, completion_times, open)
}

fn ide_alone(text: &str, edits: usize) -> (Vec<Duration>, Vec<Duration>) {
    let fs = Arc::new(MemoryFileSystem::default());
    fs.insert("line.fab", text);
    let mut db = Database::new(fs);
    let file = load_model(&mut db, "line.fab").expect("in memory");
    assert!(diagnostics::file_diagnostics(&db, file, &[]).is_empty());
    let value = "station s100 {\n    cycle = ";
    let value_at = (text.find(value).expect("a station") + value.len()) as u32;
    let mut edit_times = Vec::new();
    let mut completion_times = Vec::new();
    for edit in 0..edits {
        let edited = model(500, if edit % 2 == 0 { "31 s" } else { "30 s" });
        let start = Instant::now();
        set_file(&mut db, "line.fab", edited);
        let found = diagnostics::file_diagnostics(&db, file, &[]);
        edit_times.push(start.elapsed());
        assert!(found.is_empty());
        let start = Instant::now();
        let items = completion::completions(&db, file, value_at);
        completion_times.push(start.elapsed());
        assert!(!items.is_empty());
    }
    (edit_times, completion_times)
}

fn main() {
    let text = model(500, "30 s");
    let lines = text.lines().count();
    assert!(lines >= 5_000, "{lines} lines");
    let runtime =
        tokio::runtime::Builder::new_current_thread().enable_all().build().expect("a runtime");
    let delay = fab_lsp::DEFAULT_DIAGNOSTICS_DELAY.as_millis() as u64;
    println!(
        "editor latency on a generated model of {lines} lines (targets: diagnostics 50 ms, completion 20 ms)"
    );
    let (edits, completions, open) = runtime.block_on(over_the_protocol(&text, delay, 40));
    println!("  open, first diagnostics:                {:.1} ms", open.as_secs_f64() * 1e3);
    println!("  edit -> diagnostics, {delay} ms debounce:     {}", summary(edits));
    println!("  completion after an edit:               {}", summary(completions));
    let (edits, _, _) = runtime.block_on(over_the_protocol(&text, 0, 40));
    println!("  edit -> diagnostics, no debounce:       {}", summary(edits));
    let (edits, completions) = ide_alone(&text, 40);
    println!("  IDE functions alone: re-check           {}", summary(edits));
    println!("  IDE functions alone: completion         {}", summary(completions));
}
