//! Semantic tests written as Markdown: `tests/semantic/*.md`.
//!
//! Each ```fab block is one model checked as `main.fab`. A diagnostic is expected on a line by a
//! trailing comment `// error: [E0201]` or `// warning: [W0401]` (several codes may follow); every
//! other line must produce none. ```fab file=NAME and ```csv file=NAME blocks provide extra files to
//! the next model. The test also checks that every registered code is expected somewhere, so each
//! rule has a test that triggers it.

// Tests read their fixture files directly; the ban is for the compiler's own code.
#![allow(clippy::disallowed_methods)]

mod common;

use fab_compiler::diagnostic::{CODES, Stage};
use std::collections::BTreeSet;
use std::path::Path;

struct Block {
    info: String,
    text: String,
    line: usize,
}

fn blocks(markdown: &str) -> Vec<Block> {
    let mut out = Vec::new();
    let mut current: Option<Block> = None;
    for (index, line) in markdown.lines().enumerate() {
        let trimmed = line.trim_start();
        match &mut current {
            None if trimmed.starts_with("```") => {
                current = Some(Block {
                    info: trimmed[3..].trim().to_string(),
                    text: String::new(),
                    line: index + 2,
                });
            }
            Some(_) if trimmed.starts_with("```") => out.extend(current.take()),
            Some(block) => {
                block.text.push_str(line);
                block.text.push('\n');
            }
            None => {}
        }
    }
    out
}

/// The expected `(line, code)` pairs of a model, from its annotations.
fn expectations(text: &str) -> Vec<(usize, String)> {
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let Some(position) = line.find("// error:").or_else(|| line.find("// warning:")) else {
            continue;
        };
        for part in line[position..].split('[').skip(1) {
            if let Some(code) = part.split(']').next() {
                out.push((index + 1, code.trim().to_string()));
            }
        }
    }
    out.sort();
    out
}

#[test]
fn semantic_markdown_cases() {
    let folder = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/semantic");
    let mut files: Vec<_> = std::fs::read_dir(&folder)
        .expect("tests/semantic exists")
        .flatten()
        .map(|e| e.path())
        .collect();
    files.retain(|p| p.extension().is_some_and(|e| e == "md"));
    files.sort();
    let mut failures = Vec::new();
    let mut covered = BTreeSet::new();
    let mut models = 0;
    for path in &files {
        let markdown = std::fs::read_to_string(path).expect("readable");
        let mut extra: Vec<(String, String)> = Vec::new();
        for block in blocks(&markdown) {
            if let Some(name) = block.info.split_whitespace().find_map(|w| w.strip_prefix("file="))
            {
                extra.push((name.to_string(), block.text));
                continue;
            }
            if block.info != "fab" {
                continue;
            }
            models += 1;
            let expected = expectations(&block.text);
            covered.extend(expected.iter().map(|(_, code)| code.clone()));
            let (db, _, diagnostics) = common::check_files(&block.text, &extra);
            let found = common::lines_and_codes(&db, &diagnostics);
            if found != expected {
                let rendered = fab_compiler::render::render_human(&db, &diagnostics, false);
                failures.push(format!(
                    "{}:{}: expected {expected:?}\n  found {found:?}\n{rendered}",
                    path.display(),
                    block.line
                ));
            }
            extra.clear();
        }
    }
    assert!(models > 0, "no semantic test models found in {}", folder.display());
    assert!(
        failures.is_empty(),
        "{} semantic case(s) failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    // The engine's codes (stage `Run`) cannot come from checking: `tests/run.rs` runs each one's
    // page.
    let missing: Vec<&str> = CODES
        .iter()
        .filter(|c| c.stage == Stage::Check)
        .map(|c| c.code)
        .filter(|c| !covered.contains(*c))
        .collect();
    assert!(missing.is_empty(), "codes no semantic test triggers: {missing:?}");
}

#[test]
fn every_code_has_a_page() {
    for info in CODES {
        assert!(
            info.page.starts_with(&format!("# {}", info.code)),
            "page of {} must start with its code",
            info.code
        );
        assert!(!info.page.contains("PAGE PENDING"), "page of {} is not written", info.code);
        assert!(info.page.contains("```fab"), "page of {} has no example", info.code);
    }
}
