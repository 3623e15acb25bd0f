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
    Command::new(env!("CARGO_BIN_EXE_fab"))
        .args(args)
        .env("NO_COLOR", "1")
        .current_dir(repo())
        .output()
        .expect("fab runs")
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
