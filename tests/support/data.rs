//! Where the reference data lives, for every crate's tests: the root's end-to-end tests include it
//! through `support`, a library crate's integration tests with
//! `#[path = "../../tests/support/data.rs"] mod data;`.

use std::path::{Path, PathBuf};

/// The reference data folder: `FAB_DATA_DIR`, by default `../shared/data` beside the repository
/// whose root is `repo`. Returns `None` (and says so) when it is absent; with `FAB_REQUIRE_DATA=1`,
/// as CI sets, absence fails the test instead.
pub fn reference_data(repo: &Path) -> Option<PathBuf> {
    let dir = std::env::var_os("FAB_DATA_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo.join("../shared/data"));
    if dir.is_dir() {
        return Some(dir);
    }
    if std::env::var("FAB_REQUIRE_DATA").is_ok_and(|v| v == "1") {
        panic!("reference data not found at {} and FAB_REQUIRE_DATA=1", dir.display());
    }
    eprintln!("skipped: reference data not found at {} (set FAB_DATA_DIR)", dir.display());
    None
}
