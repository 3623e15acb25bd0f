//! A small Language Server Protocol client for the tests: it starts the built `fab lsp`, speaks
//! JSON-RPC over the child's stdin and stdout, and keeps the notifications it receives.

#![allow(dead_code)]

use serde_json::{Value, json};
use std::collections::VecDeque;
use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

/// How long a test waits for any one message.
const TIMEOUT: Duration = Duration::from_secs(20);

/// A running `fab lsp` and the messages it sent that no one has read yet.
pub struct Client {
    child: Child,
    /// The server's input; `None` once the test closed it.
    stdin: Option<ChildStdin>,
    /// Reads what the server writes on stderr (and passes it on to the test's stderr).
    stderr: Option<std::thread::JoinHandle<String>>,
    messages: Receiver<Value>,
    pending: VecDeque<Value>,
    next_id: u64,
    /// The cache folder the server writes the library and explain pages to.
    pub cache: PathBuf,
    /// The capabilities the server announced.
    pub capabilities: Value,
}

pub use crate::support::temp_dir;

/// The `file://` URI of a path.
pub fn uri(path: &Path) -> String {
    format!("file://{}", path.to_string_lossy().replace(' ', "%20"))
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some((name, value)) = line.split_once(':')
            && name.eq_ignore_ascii_case("content-length")
        {
            length = value.trim().parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

impl Client {
    /// Starts `fab lsp`, initializes it and waits for nothing else.
    pub fn start(name: &str) -> Client {
        Client::start_with(name, json!({ "diagnosticsDelay": 0 }))
    }

    pub fn start_with(name: &str, options: Value) -> Client {
        Client::start_as(name, options, json!({}))
    }

    /// Starts `fab lsp` for a client with these initialization options and capabilities.
    pub fn start_as(name: &str, options: Value, capabilities: Value) -> Client {
        Client::launch(name, options, capabilities, json!({ "rootUri": null }))
    }

    /// Starts `fab lsp` on a workspace: `root` holds `rootUri`, `workspaceFolders` or both.
    pub fn start_in(name: &str, root: Value) -> Client {
        Client::launch(name, json!({ "diagnosticsDelay": 0 }), json!({}), root)
    }

    fn launch(name: &str, options: Value, capabilities: Value, root: Value) -> Client {
        let cache = temp_dir(&format!("{name}-cache"));
        let mut child = Command::new(env!("CARGO_BIN_EXE_fab"))
            .arg("lsp")
            .env("XDG_CACHE_HOME", &cache)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("fab lsp starts");
        let stdin = child.stdin.take().expect("piped stdin");
        let stdout = child.stdout.take().expect("piped stdout");
        let mut server_stderr = child.stderr.take().expect("piped stderr");
        let stderr = std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut server_stderr, &mut text);
            eprint!("{text}");
            text
        });
        let (sender, messages) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    break;
                }
            }
        });
        let mut client = Client {
            child,
            stdin: Some(stdin),
            stderr: Some(stderr),
            messages,
            pending: VecDeque::new(),
            next_id: 0,
            cache,
            capabilities: Value::Null,
        };
        let mut params = json!({ "processId": null, "capabilities": capabilities, "initializationOptions": options });
        for (key, value) in root.as_object().expect("an object") {
            params[key] = value.clone();
        }
        let result = client.request("initialize", params);
        client.capabilities = result["capabilities"].clone();
        client.notify("initialized", json!({}));
        client
    }

    pub fn send(&mut self, message: &Value) {
        self.send_body(message.to_string().as_bytes());
    }

    /// Sends `body` in one well-formed frame, whatever the body holds.
    pub fn send_body(&mut self, body: &[u8]) {
        let mut frame = format!("Content-Length: {}\r\n\r\n", body.len()).into_bytes();
        frame.extend_from_slice(body);
        self.send_bytes(&frame);
    }

    /// Writes `bytes` to the server as they are.
    pub fn send_bytes(&mut self, bytes: &[u8]) {
        let stdin = self.stdin.as_mut().expect("the input is open");
        stdin.write_all(bytes).expect("write to fab lsp");
        stdin.flush().expect("flush");
    }

    /// The next response whose id is `id` (`null` for errors about unreadable messages).
    pub fn response(&mut self, id: &Value) -> Value {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.next_message(deadline);
            if message.get("id") == Some(id) && message.get("method").is_none() {
                return message;
            }
            self.pending.push_back(message);
        }
    }

    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    fn next_message(&mut self, deadline: Instant) -> Value {
        let left = deadline.saturating_duration_since(Instant::now());
        match self.messages.recv_timeout(left) {
            Ok(message) => message,
            Err(RecvTimeoutError::Timeout) => panic!("no message from fab lsp within {TIMEOUT:?}"),
            Err(RecvTimeoutError::Disconnected) => panic!("fab lsp closed its output"),
        }
    }

    /// Sends a request and returns its whole response (`result` or `error`).
    pub fn request_raw(&mut self, method: &str, params: Value) -> Value {
        self.next_id += 1;
        let id = self.next_id;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.next_message(deadline);
            if message.get("id") == Some(&json!(id)) && message.get("method").is_none() {
                return message;
            }
            self.pending.push_back(message);
        }
    }

    /// Sends a request and returns its result, failing on an error response.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let response = self.request_raw(method, params);
        assert!(response.get("error").is_none(), "{method}: {response}");
        response["result"].clone()
    }

    /// The next notification of `method`, skipping others.
    pub fn notification(&mut self, method: &str) -> Value {
        if let Some(index) = self.pending.iter().position(|m| m["method"] == method) {
            return self.pending.remove(index).expect("an index found")["params"].clone();
        }
        let deadline = Instant::now() + TIMEOUT;
        loop {
            let message = self.next_message(deadline);
            if message["method"] == method {
                return message["params"].clone();
            }
            if message.get("id").is_some() && message.get("method").is_some() {
                // A request from the server (none is expected); answer it so it does not wait.
                let id = message["id"].clone();
                self.send(&json!({ "jsonrpc": "2.0", "id": id, "result": null }));
            }
        }
    }

    /// The next request of `method` the server sends; it is answered with a null result.
    pub fn server_request(&mut self, method: &str) -> Value {
        let is_it = |m: &Value| m["method"] == method && m.get("id").is_some();
        let message = match self.pending.iter().position(is_it) {
            Some(index) => self.pending.remove(index).expect("an index found"),
            None => {
                let deadline = Instant::now() + TIMEOUT;
                loop {
                    let message = self.next_message(deadline);
                    if is_it(&message) {
                        break message;
                    }
                    self.pending.push_back(message);
                }
            }
        };
        self.send(&json!({ "jsonrpc": "2.0", "id": message["id"], "result": null }));
        message["params"].clone()
    }

    /// The next diagnostics published for `uri`.
    pub fn diagnostics_for(&mut self, uri: &str) -> Value {
        loop {
            let published = self.notification("textDocument/publishDiagnostics");
            if published["uri"] == uri {
                return published;
            }
        }
    }

    /// Every diagnostics notification until the first one `last` accepts (included): the latest
    /// one of each URI, by URI. The server publishes a round's files in path order, so when `last`
    /// picks the final file of a round, every file of that round is as that round left it.
    pub fn diagnostics_until(
        &mut self,
        last: impl Fn(&Value) -> bool,
    ) -> std::collections::BTreeMap<String, Value> {
        let mut latest = std::collections::BTreeMap::new();
        loop {
            let published = self.notification("textDocument/publishDiagnostics");
            let done = last(&published);
            latest.insert(published["uri"].as_str().unwrap_or_default().to_string(), published);
            if done {
                return latest;
            }
        }
    }

    pub fn open(&mut self, uri: &str, text: &str) {
        self.notify(
            "textDocument/didOpen",
            json!({ "textDocument": { "uri": uri, "languageId": "fab", "version": 1, "text": text } }),
        );
    }

    /// Shuts the server down and returns its exit code.
    pub fn shutdown(mut self) -> Option<i32> {
        self.request("shutdown", Value::Null);
        self.notify("exit", Value::Null);
        self.exit_code()
    }

    /// Sends `exit` without `shutdown` and returns the exit code.
    pub fn exit_without_shutdown(&mut self) -> Option<i32> {
        self.notify("exit", Value::Null);
        self.exit_code()
    }

    /// Closes the server's input and returns the exit code.
    pub fn close_input(&mut self) -> Option<i32> {
        self.stdin = None;
        self.exit_code()
    }

    /// Everything the server wrote on stderr; call it once the server has exited.
    pub fn stderr(&mut self) -> String {
        self.stderr.take().and_then(|reader| reader.join().ok()).unwrap_or_default()
    }

    /// Waits for the server to exit and returns its exit code.
    pub fn exit_code(&mut self) -> Option<i32> {
        let deadline = Instant::now() + TIMEOUT;
        loop {
            if let Ok(Some(status)) = self.child.try_wait() {
                return status.code();
            }
            if Instant::now() > deadline {
                let _ = self.child.kill();
                panic!("fab lsp did not exit");
            }
            std::thread::sleep(Duration::from_millis(10));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

/// A position in the protocol's terms.
pub fn position(text: &str, offset: usize) -> Value {
    let before = &text[..offset];
    let line = before.matches('\n').count();
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let character: usize = before[line_start..].chars().map(char::len_utf16).sum();
    json!({ "line": line, "character": character })
}

/// The position of the first `needle` in `text`, plus `delta` bytes.
pub fn position_of(text: &str, needle: &str, delta: usize) -> Value {
    let at = text.find(needle).unwrap_or_else(|| panic!("`{needle}` in the text"));
    position(text, at + delta)
}
