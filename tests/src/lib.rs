//! End-to-end tests against the real `paxwatch` binary live in `tests/tests/`. This library only
//! finds the binary the workspace built.

use std::path::PathBuf;

/// The `paxwatch` binary of the profile these tests were built with (`target/<profile>/paxwatch`),
/// found beside the test executable (`target/<profile>/deps/<test>`).
pub fn paxwatch_binary() -> PathBuf {
    let exe = std::env::current_exe().expect("the test executable has a path");
    let profile_dir = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test executables live in target/<profile>/deps");
    let binary = profile_dir.join("paxwatch");
    assert!(
        binary.exists(),
        "{} is missing: build it first (cargo build --workspace with the same profile)",
        binary.display()
    );
    binary
}

/// A path relative to the workspace root (where `samples/` is, and `../shared`).
pub fn workspace_path(relative: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("..")
        .join(relative)
}

/// Registers the end-to-end tests' list `TESTLIST` as a comparison source on persons sought (a TOML table
/// appended to a server configuration): without it the server screens against nothing (LDH-8).
pub const TESTLIST_SOURCE: &str = "[comparison_sources.TESTLIST]\n\
    kind = \"sought_or_under_alert\"\n\
    legal_basis = \"test: synthetic persons sought\"\n\
    data_subjects = \"suspects\"\n";
