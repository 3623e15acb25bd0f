//! `docs/reference/builtins.md` is generated from the stdlib declarations and must stay current.

// Tests read and refresh their fixture files directly.
#![allow(clippy::disallowed_methods)]

#[test]
fn builtins_reference_is_current() {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../docs/reference/builtins.md");
    let generated = fab_compiler::docs::builtins_reference();
    if std::env::var("UPDATE_EXPECT").is_ok_and(|v| v == "1") {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, &generated).unwrap();
    }
    let written = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        written == generated,
        "docs/reference/builtins.md is stale: run `UPDATE_EXPECT=1 cargo test -p fab-compiler --test builtins_doc`"
    );
}
