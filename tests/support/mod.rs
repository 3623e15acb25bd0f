//! Test support shared by the end-to-end tests.

#![allow(dead_code)]

mod data;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The repository root.
pub fn repo() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The reference data folder: `FAB_DATA_DIR`, by default `../shared/data` beside the repository.
/// Returns `None` (and says so) when it is absent; with `FAB_REQUIRE_DATA=1`, as CI sets, absence
/// fails the test instead.
pub fn data_dir() -> Option<PathBuf> {
    data::reference_data(repo())
}

/// The shared folder holding the language specification: the data folder's parent.
pub fn shared_dir() -> Option<PathBuf> {
    data_dir().and_then(|d| d.parent().map(Path::to_path_buf))
}

/// Runs the built `fab` binary with `NO_COLOR` set.
pub fn fab(args: &[&str]) -> Output {
    fab_in(repo(), args)
}

/// `fab` run with `folder` as its working directory.
pub fn fab_in(folder: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_fab"))
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(folder)
        .output()
        .expect("fab runs")
}

/// `fab` run with, on Unix, at most 3 GB of address space, killed if it has not finished within
/// `seconds`: for input that once made it read without end (`/dev/zero`), wait forever (a FIFO)
/// or run without end (a loop of buffers). `None` when it had to be killed.
pub fn fab_bounded(args: &[&str], seconds: u64) -> Option<Output> {
    use std::process::Stdio;
    let fab = env!("CARGO_BIN_EXE_fab");
    #[cfg(unix)]
    let mut command = Command::new("sh");
    #[cfg(unix)]
    command.args(["-c", "ulimit -v 3000000; exec \"$0\" \"$@\"", fab]);
    #[cfg(not(unix))]
    let mut command = Command::new(fab);
    let mut child = command
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(repo())
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("fab runs");
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(seconds);
    while child.try_wait().expect("fab is waited for").is_none() {
        if std::time::Instant::now() > deadline {
            let _ = child.kill();
            let _ = child.wait();
            return None;
        }
        std::thread::sleep(std::time::Duration::from_millis(20));
    }
    Some(child.wait_with_output().expect("fab's output"))
}

/// A FIFO named `name` in a fresh temporary folder: a file that waits for a writer when read.
#[cfg(unix)]
pub fn fifo(name: &str) -> PathBuf {
    let fifo = temp_dir("fifo").join(name);
    let made = Command::new("mkfifo").arg(&fifo).status().expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", fifo.display());
    fifo
}

/// `fab ARGS` (bounded) refuses `file`, which it reads, as not a regular file, with exit 2.
#[cfg(unix)]
#[track_caller]
pub fn assert_refused_as_no_file(args: &[&str], file: &str) {
    let output = fab_bounded(args, 20).unwrap_or_else(|| panic!("`fab {args:?}` did not finish"));
    let error = stderr(&output);
    assert_eq!(output.status.code(), Some(2), "{args:?}: {error}");
    let refusal =
        format!("cannot read `{file}`: this is not a regular file (a pipe, a device or a socket)");
    assert!(error.contains(&refusal), "{args:?}: {error}");
}

pub fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The ```fab blocks of a Markdown text.
pub fn fab_blocks(markdown: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current: Option<String> = None;
    for line in markdown.lines() {
        let trimmed = line.trim_start();
        match &mut current {
            None if trimmed == "```fab" => current = Some(String::new()),
            Some(_) if trimmed.starts_with("```") => out.extend(current.take()),
            Some(block) => {
                block.push_str(line);
                block.push('\n');
            }
            None => {}
        }
    }
    out
}

/// A standalone SVG document, well formed (`fab_runtime::chart::well_formed_svg`); returns the
/// element names.
pub fn svg_elements(svg: &str) -> Vec<String> {
    assert!(
        svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
        "{}",
        &svg[..60.min(svg.len())]
    );
    fab_runtime::chart::well_formed_svg(svg)
}

/// A fresh, empty folder unique to this process and call, under the folder Cargo keeps for
/// integration tests' files (`target/tmp`): test runs do not litter the system's temporary
/// folder, and `cargo clean` removes what they leave.
pub fn temp_dir(tag: &str) -> PathBuf {
    static NEXT: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let call = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join(format!("fab-test-{}-{tag}-{call}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Writes `text` to a file named `name` in a fresh folder; returns its path.
pub fn write_temp(name: &str, text: &str) -> String {
    let path = temp_dir("file").join(name);
    std::fs::write(&path, text).unwrap();
    path.to_string_lossy().into_owned()
}

/// The six time shares of a station in replication `i`, summed: 1 for every station whose books
/// balance.
pub fn share_total(station: &fab_runtime::results::StationResults, i: usize) -> f64 {
    [
        &station.working,
        &station.starved,
        &station.blocked,
        &station.down,
        &station.maintenance,
        &station.setup,
    ]
    .iter()
    .map(|share| share.values[i])
    .sum()
}
