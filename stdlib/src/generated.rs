//! Source files generated from a definition and committed (the ziggurat's and `fastexp`'s
//! tables): a test keeps each equal to what its generator writes now, and refreshes it with
//! `UPDATE_EXPECT=1 cargo test -p fab-stdlib`, as the project's other generated files are.

use std::path::Path;

/// Asserts that `src/RELATIVE` holds exactly `generated`; rewrites it first under
/// `UPDATE_EXPECT=1`.
pub fn check_current(relative: &str, generated: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("src").join(relative);
    if std::env::var("UPDATE_EXPECT").is_ok_and(|v| v == "1") {
        std::fs::write(&path, generated).unwrap();
    }
    let written = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        written == generated,
        "stdlib/src/{relative} is stale: run `UPDATE_EXPECT=1 cargo test -p fab-stdlib`"
    );
}
