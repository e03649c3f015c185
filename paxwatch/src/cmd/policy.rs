//! The matching policy every screening command takes: a JSON file (`--policy`, `match_policy`) or the
//! built-in default.

use std::fs::File;
use std::path::Path;

use anyhow::Context;
use matcher::MatchPolicy;

/// Reads the policy at `path`, or the default policy without one.
pub fn load(path: Option<&Path>) -> anyhow::Result<MatchPolicy> {
    let Some(path) = path else {
        return Ok(MatchPolicy::default());
    };
    let file = File::open(path).with_context(|| format!("opening policy {}", path.display()))?;
    serde_json::from_reader(file).with_context(|| format!("reading policy {}", path.display()))
}
