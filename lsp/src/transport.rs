//! The framing layer between the client and `tower-lsp-server`: it reads the client's messages
//! first, answers those the library would mishandle, and tells how the session ended.
//!
//! **Why it exists.** The library stops reading its input at the first body it cannot decode:
//! it answers the error, and then the server exits as if the client had said `exit`. JSON-RPC
//! 2.0 asks for the error and nothing more, and the stream is still in sync when the frame's
//! header was sound. The library also drops its `MethodNotFound` answer to every method that
//! starts with `$/`, notifications and requests alike, where the protocol requires the answer
//! for a request. And its `serve` returns nothing, so the process cannot tell an `exit` after
//! `shutdown` (status 0) from an `exit` without it or a closed input (status 1).
//!
//! **What it does.** Each frame the client sends is read here, its body checked with the
//! library's own message types, and then:
//!
//! | the body | what happens |
//! | --- | --- |
//! | a request, notification or response the library decodes | passed on as it is |
//! | a request (with an id) whose method starts with `$/` | answered `MethodNotFound` (-32601) here |
//! | not UTF-8 or not JSON | answered `Parse error` (-32700, id null) here |
//! | JSON but no message: `{}`, `[]`, a batch, a number, an object without a `method` or without a `result` or `error` | answered `Invalid request` (-32600) here, with the body's id when it has one |
//!
//! The protocol has no batches, so a batch is answered as one invalid request. A notification
//! that starts with `$/` is passed on: the library acts on `$/cancelRequest` and ignores the
//! rest, as the protocol allows.
//!
//! A frame whose header cannot be read (no `Content-Length`, a length that is not a number, the
//! input ending inside a frame) leaves no way to find where the next message starts: the
//! session ends there, as a failure whose reason the caller logs.
//!
//! **Output.** The library writes into a pipe read here; its frames and the answers made here go
//! through one writer, one whole frame at a time, so they never interleave on the way out.

use std::fmt;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use tokio::io::{
    AsyncBufRead, AsyncBufReadExt, AsyncRead, AsyncReadExt, AsyncWrite, AsyncWriteExt,
};
use tokio::sync::mpsc;
use tower_lsp_server::jsonrpc::{Error, Id, Request, Response};

/// How a session ended; only an `exit` after `shutdown` is a success.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionEnd {
    /// The client sent `exit` after `shutdown`.
    Exit,
    /// The client sent `exit` without `shutdown` first.
    ExitWithoutShutdown,
    /// The input ended before `exit`.
    InputClosed,
    /// A frame's header could not be read, so no later message could be found.
    BrokenFrame(String),
}

impl SessionEnd {
    /// Whether the process should exit with status 0 (LSP 3.17, the `exit` notification).
    pub fn is_success(&self) -> bool {
        *self == SessionEnd::Exit
    }
}

impl fmt::Display for SessionEnd {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SessionEnd::Exit => f.write_str("the client exited after shutdown"),
            SessionEnd::ExitWithoutShutdown => {
                f.write_str("the client sent `exit` without `shutdown` first")
            }
            SessionEnd::InputClosed => f.write_str("the client closed the input without `exit`"),
            SessionEnd::BrokenFrame(reason) => write!(f, "unreadable message frame: {reason}"),
        }
    }
}

/// The longest header line read, and the largest body: past these the input is not a client.
const MAX_HEADER_LINE: u64 = 8 * 1024;
const MAX_BODY: usize = 512 * 1024 * 1024;

/// The size of the in-memory pipes to and from the library.
const PIPE_SIZE: usize = 1 << 16;

/// Serves `service`'s frames through this layer: `client_input` and `client_output` are the
/// client's side, and `library` runs the library's server over the two pipes it is given.
/// `shutdown` is set by the server when it answers `shutdown`.
pub async fn serve_framed<I, O, F>(
    client_input: I,
    client_output: O,
    shutdown: Arc<AtomicBool>,
    library: impl FnOnce(tokio::io::DuplexStream, tokio::io::DuplexStream) -> F,
) -> SessionEnd
where
    I: AsyncRead + Unpin,
    O: AsyncWrite + Unpin,
    F: Future<Output = ()>,
{
    let (to_library, library_input) = tokio::io::duplex(PIPE_SIZE);
    let (library_output, from_library) = tokio::io::duplex(PIPE_SIZE);
    let (frames, outgoing) = mpsc::unbounded_channel::<Vec<u8>>();
    let gate = read_client(tokio::io::BufReader::new(client_input), to_library, frames.clone());
    let pump = pass_library_output(tokio::io::BufReader::new(from_library), frames);
    let (ended, (), (), ()) = tokio::join!(
        gate,
        library(library_input, library_output),
        pump,
        write_frames(outgoing, client_output)
    );
    match ended {
        Ended::Exit if shutdown.load(Ordering::SeqCst) => SessionEnd::Exit,
        Ended::Exit => SessionEnd::ExitWithoutShutdown,
        Ended::InputClosed => SessionEnd::InputClosed,
        Ended::BrokenFrame(reason) => SessionEnd::BrokenFrame(reason),
    }
}

/// Why the reading of the client's input stopped.
enum Ended {
    Exit,
    InputClosed,
    BrokenFrame(String),
}

/// Reads the client's frames: passes messages on to the library, answers the others through
/// `answers`, and stops after `exit`. Returning drops `to_library`, which ends the library's
/// input too.
async fn read_client(
    mut input: impl AsyncBufRead + Unpin,
    mut to_library: tokio::io::DuplexStream,
    answers: mpsc::UnboundedSender<Vec<u8>>,
) -> Ended {
    loop {
        let body = match read_frame(&mut input).await {
            Ok(Some(body)) => body,
            Ok(None) => return Ended::InputClosed,
            Err(reason) => return Ended::BrokenFrame(reason),
        };
        match check_message(&body) {
            Checked::PassOn { exit } => {
                // The library stops reading only after `exit`, so a failed write means it is gone.
                if write_frame(&mut to_library, &body).await.is_err() {
                    return Ended::InputClosed;
                }
                if exit {
                    return Ended::Exit;
                }
            }
            Checked::Answer(response) => {
                let answer = serde_json::to_vec(&response).unwrap_or_default();
                let _ = answers.send(answer);
            }
        }
    }
}

/// Passes each frame the library writes on to the single writer.
async fn pass_library_output(
    mut from_library: impl AsyncBufRead + Unpin,
    frames: mpsc::UnboundedSender<Vec<u8>>,
) {
    // The library writes well-formed frames; its output ends when its server returns.
    while let Ok(Some(body)) = read_frame(&mut from_library).await {
        if frames.send(body).is_err() {
            return;
        }
    }
}

/// The single writer of the client's output.
async fn write_frames(
    mut outgoing: mpsc::UnboundedReceiver<Vec<u8>>,
    mut output: impl AsyncWrite + Unpin,
) {
    while let Some(body) = outgoing.recv().await {
        if write_frame(&mut output, &body).await.is_err() {
            // The client is gone; keep draining so that no sender blocks or errs.
            continue;
        }
    }
}

async fn write_frame(output: &mut (impl AsyncWrite + Unpin), body: &[u8]) -> std::io::Result<()> {
    output.write_all(format!("Content-Length: {}\r\n\r\n", body.len()).as_bytes()).await?;
    output.write_all(body).await?;
    output.flush().await
}

/// What to do with a body.
#[derive(Debug, PartialEq)]
enum Checked {
    /// The library decodes it; `exit` says whether it is the `exit` notification.
    PassOn { exit: bool },
    /// This layer answers it.
    Answer(Response),
}

/// Checks a body with the library's own message types, in the order its decoder tries them.
fn check_message(body: &[u8]) -> Checked {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(body) else {
        return Checked::Answer(Response::from_error(Id::Null, Error::parse_error()));
    };
    // The library's types also take objects that are no message at all, filling in missing
    // fields (`{"jsonrpc":"2.0"}` passes as a notification of the method ""), so the members
    // JSON-RPC requires are checked first: a response has an id and a result or an error, a
    // request or notification has a method.
    let has = |key: &str| value.get(key).is_some();
    let is_response = has("id") && (has("result") || has("error")) && !has("method");
    if is_response && serde_json::from_value::<Response>(value.clone()).is_ok() {
        return Checked::PassOn { exit: false };
    }
    if has("method")
        && !is_response
        && let Ok(request) = serde_json::from_value::<Request>(value.clone())
    {
        return match request.id() {
            Some(id) if request.method().starts_with("$/") => {
                let mut error = Error::method_not_found();
                error.data = Some(serde_json::Value::String(request.method().to_string()));
                Checked::Answer(Response::from_error(id.clone(), error))
            }
            // The library stops reading after `exit` whether or not it came with an id, so
            // this layer stops too rather than wait for input no one will read.
            _ => Checked::PassOn { exit: request.method() == "exit" },
        };
    }
    let id = value
        .get("id")
        .and_then(|id| serde_json::from_value::<Id>(id.clone()).ok())
        .unwrap_or(Id::Null);
    let mut error = Error::invalid_request();
    if value.is_array() {
        error.message = "Invalid request: the protocol has no batches".into();
    }
    Checked::Answer(Response::from_error(id, error))
}

/// Reads one frame and returns its body; `None` when the input ends between frames. An error is
/// a frame whose header cannot be read, after which no later frame can be found.
async fn read_frame(input: &mut (impl AsyncBufRead + Unpin)) -> Result<Option<Vec<u8>>, String> {
    let mut length = None;
    let mut any_header = false;
    loop {
        let mut line = Vec::new();
        let read = (&mut *input)
            .take(MAX_HEADER_LINE)
            .read_until(b'\n', &mut line)
            .await
            .map_err(|error| error.to_string())?;
        if read == 0 {
            return if any_header {
                Err("the input ended inside a header".to_string())
            } else {
                Ok(None)
            };
        }
        if !line.ends_with(b"\n") {
            return Err(if read as u64 == MAX_HEADER_LINE {
                "a header line is too long".to_string()
            } else {
                "the input ended inside a header".to_string()
            });
        }
        let line = String::from_utf8_lossy(&line);
        let line = line.trim_end_matches(['\r', '\n']);
        if line.is_empty() {
            if any_header {
                break;
            }
            // A blank line between frames: nothing to read yet.
            continue;
        }
        any_header = true;
        let Some((name, value)) = line.split_once(':') else {
            return Err(format!("`{line}` is not a header"));
        };
        if name.trim().eq_ignore_ascii_case("content-length") {
            let value = value.trim();
            let parsed = value
                .parse::<usize>()
                .map_err(|_| format!("Content-Length `{value}` is not a number"))?;
            if parsed > MAX_BODY {
                return Err(format!("Content-Length {parsed} is too large"));
            }
            length = Some(parsed);
        }
    }
    let Some(length) = length else { return Err("a header without Content-Length".to_string()) };
    let mut body = vec![0; length];
    input
        .read_exact(&mut body)
        .await
        .map_err(|_| "the input ended inside a message".to_string())?;
    Ok(Some(body))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn answer(body: &[u8]) -> serde_json::Value {
        match check_message(body) {
            Checked::Answer(response) => serde_json::to_value(response).unwrap(),
            passed => panic!("{passed:?}: {}", String::from_utf8_lossy(body)),
        }
    }

    #[test]
    fn messages_the_library_decodes_are_passed_on() {
        for body in [
            json!({ "jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {} }),
            json!({ "jsonrpc": "2.0", "method": "$/cancelRequest", "params": { "id": 1 } }),
            json!({ "jsonrpc": "2.0", "method": "$/unknown" }),
            json!({ "jsonrpc": "2.0", "id": "a", "method": "foo/bar" }),
            json!({ "jsonrpc": "2.0", "id": 4, "result": null }),
        ] {
            let body = body.to_string();
            assert_eq!(check_message(body.as_bytes()), Checked::PassOn { exit: false }, "{body}");
        }
        let exit = json!({ "jsonrpc": "2.0", "method": "exit" }).to_string();
        assert_eq!(check_message(exit.as_bytes()), Checked::PassOn { exit: true });
        let exit_with_id = json!({ "jsonrpc": "2.0", "id": 9, "method": "exit" }).to_string();
        assert_eq!(check_message(exit_with_id.as_bytes()), Checked::PassOn { exit: true });
    }

    #[test]
    fn unknown_dollar_requests_are_method_not_found() {
        let body = json!({ "jsonrpc": "2.0", "id": 78, "method": "$/foo", "params": {} });
        let answered = answer(body.to_string().as_bytes());
        assert_eq!(answered["id"], 78);
        assert_eq!(answered["error"]["code"], -32601);
        assert_eq!(answered["error"]["data"], "$/foo");
    }

    #[test]
    fn malformed_bodies_are_answered_here() {
        for (body, code) in [
            (&b"{abc}"[..], -32700),
            (b"\xff\xfe\xfd", -32700),
            (b"", -32700),
            (b"{}", -32600),
            (b"[]", -32600),
            (br#"[{"jsonrpc":"2.0","id":81,"method":"foo/bar"}]"#, -32600),
            (b"42", -32600),
        ] {
            let answered = answer(body);
            assert_eq!(answered["error"]["code"], code, "{}", String::from_utf8_lossy(body));
            assert_eq!(answered["id"], serde_json::Value::Null);
        }
        // Objects the library would take for a message and drop or misread.
        for body in [
            &br#"{"jsonrpc":"2.0"}"#[..],
            br#"{"jsonrpc":"2.0","id":7,"params":{}}"#,
            br#"{"jsonrpc":"2.0","id":1,"meth":1}"#,
        ] {
            assert_eq!(answer(body)["error"]["code"], -32600, "{}", String::from_utf8_lossy(body));
        }
        // A body that is no message but has a usable id gets its id back.
        let answered = answer(br#"{"jsonrpc":"1.0","id":7,"method":"initialize"}"#);
        assert_eq!(
            (answered["id"].clone(), answered["error"]["code"].clone()),
            (json!(7), json!(-32600))
        );
    }

    #[tokio::test]
    async fn frames_are_read_whole_and_broken_headers_are_fatal() {
        let input = b"Content-Length: 2\r\n\r\n{}Content-Type: x\r\ncontent-length:3\n\n[1]";
        let mut reader = &input[..];
        assert_eq!(read_frame(&mut reader).await, Ok(Some(b"{}".to_vec())));
        assert_eq!(read_frame(&mut reader).await, Ok(Some(b"[1]".to_vec())));
        assert_eq!(read_frame(&mut reader).await, Ok(None));
        for broken in [
            &b"Content-Length: abc\r\n\r\n{}"[..],
            b"Content-Type: x\r\n\r\n{}",
            b"Content-Length: 10\r\n\r\n{}",
            b"Content-Length: 2\r\n",
        ] {
            let mut reader = broken;
            assert!(read_frame(&mut reader).await.is_err(), "{}", String::from_utf8_lossy(broken));
        }
    }
}
