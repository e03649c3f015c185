//! Whether a committed write survives a crash of the machine, as the database reports it.

/// The settings that decide whether a commit is on stable storage when it returns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Durability {
    /// Name and value of each setting read back from the database, for the start-up log.
    pub settings: Vec<(String, String)>,
    /// True when every commit is flushed to stable storage before it returns.
    pub durable_commits: bool,
}
