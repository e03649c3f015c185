//! The list versions screening reads, swapped in whole while screening goes on.
//!
//! A new version (its entries and whatever index the matcher builds over them) is built
//! completely off to the side, then published with one atomic pointer swap. A reader takes
//! an `Arc` snapshot and keeps it for a whole screening: it sees either the old version or
//! the new one, never a mix, and an index is never mutated once published.

use crate::ListVersion;
use arc_swap::{ArcSwap, ArcSwapOption};
use std::collections::HashMap;
use std::sync::Arc;

/// One published version of a list with the index built for it.
#[derive(Debug)]
pub struct LoadedVersion<I> {
    pub version: ListVersion,
    pub index: I,
}

/// The current version of one list.
#[derive(Debug)]
pub struct ActiveList<I> {
    current: ArcSwapOption<LoadedVersion<I>>,
}

impl<I> Default for ActiveList<I> {
    fn default() -> Self {
        Self {
            current: ArcSwapOption::empty(),
        }
    }
}

impl<I> ActiveList<I> {
    pub fn new() -> Self {
        Self::default()
    }

    /// The version readers see now; `None` before the first publish.
    pub fn snapshot(&self) -> Option<Arc<LoadedVersion<I>>> {
        self.current.load_full()
    }

    /// Makes a fully built version current and returns the one it replaced. Readers holding
    /// the old snapshot keep using it until they drop it.
    pub fn publish(&self, version: ListVersion, index: I) -> Option<Arc<LoadedVersion<I>>> {
        self.current
            .swap(Some(Arc::new(LoadedVersion { version, index })))
    }
}

/// The current versions of every list, read as one consistent set.
#[derive(Debug)]
pub struct ListRegistry<I> {
    lists: ArcSwap<HashMap<String, Arc<LoadedVersion<I>>>>,
}

impl<I> Default for ListRegistry<I> {
    fn default() -> Self {
        Self {
            lists: ArcSwap::from_pointee(HashMap::new()),
        }
    }
}

impl<I> ListRegistry<I> {
    pub fn new() -> Self {
        Self::default()
    }

    /// Every list's current version, as one snapshot (a swap of one list during a screening
    /// does not show up half-way through it).
    pub fn snapshot(&self) -> Arc<HashMap<String, Arc<LoadedVersion<I>>>> {
        self.lists.load_full()
    }

    /// The current version of one list.
    pub fn get(&self, list: &str) -> Option<Arc<LoadedVersion<I>>> {
        self.lists.load().get(list).cloned()
    }

    /// Makes `version` (with its fully built `index`) current for its list; returns the
    /// version it replaced. Concurrent publishes of different lists are both kept.
    pub fn publish(&self, version: ListVersion, index: I) -> Option<Arc<LoadedVersion<I>>> {
        let loaded = Arc::new(LoadedVersion { version, index });
        let list = loaded.version.list.clone();
        let previous = self.lists.rcu(|lists| {
            let mut next = HashMap::clone(lists);
            next.insert(list.clone(), Arc::clone(&loaded));
            next
        });
        previous.get(&list).cloned()
    }

    /// Takes a list out of screening; returns the version it held.
    pub fn withdraw(&self, list: &str) -> Option<Arc<LoadedVersion<I>>> {
        let previous = self.lists.rcu(|lists| {
            let mut next = HashMap::clone(lists);
            next.remove(list);
            next
        });
        previous.get(list).cloned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::SourceFormat;
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Barrier;

    fn version(list: &str, label: &str, entry_count: usize) -> ListVersion {
        ListVersion {
            list: list.into(),
            format: SourceFormat::PaxwatchCsv,
            label: label.into(),
            entry_count,
            imported_at: chrono::Utc::now(),
            sha256: String::new(),
            aliases_sha256: None,
        }
    }

    /// An index whose every element carries the generation it was built for, so a reader can
    /// tell whether it ever saw parts of two versions at once.
    fn index(generation: usize, size: usize) -> Vec<usize> {
        vec![generation; size]
    }

    #[test]
    fn readers_never_see_a_half_published_version() {
        let registry = Arc::new(ListRegistry::<Vec<usize>>::new());
        let active = Arc::new(ActiveList::<Vec<usize>>::new());
        registry.publish(version("UN", "0", 1000), index(0, 1000));
        active.publish(version("UN", "0", 1000), index(0, 1000));
        let stop = Arc::new(AtomicBool::new(false));
        // Publishing starts once every reader has read once, so reads and swaps overlap.
        let started = Arc::new(Barrier::new(5));
        let readers: Vec<_> = (0..4)
            .map(|_| {
                let (registry, active, stop) = (
                    Arc::clone(&registry),
                    Arc::clone(&active),
                    Arc::clone(&stop),
                );
                let started = Arc::clone(&started);
                std::thread::spawn(move || {
                    let mut reads = 0u64;
                    let mut last_generation = 0;
                    let mut first = true;
                    while first || !stop.load(Ordering::Relaxed) {
                        for loaded in [registry.get("UN").unwrap(), active.snapshot().unwrap()] {
                            let generation: usize = loaded.version.label.parse().unwrap();
                            assert_eq!(loaded.index.len(), loaded.version.entry_count);
                            assert!(
                                loaded.index.iter().all(|g| *g == generation),
                                "mixed versions"
                            );
                            last_generation = last_generation.max(generation);
                        }
                        reads += 1;
                        if first {
                            first = false;
                            started.wait();
                        }
                    }
                    (reads, last_generation)
                })
            })
            .collect();
        started.wait();
        for generation in 1..=200 {
            let size = 1000 + generation;
            registry.publish(
                version("UN", &generation.to_string(), size),
                index(generation, size),
            );
            active.publish(
                version("UN", &generation.to_string(), size),
                index(generation, size),
            );
        }
        stop.store(true, Ordering::Relaxed);
        for reader in readers {
            let (reads, _) = reader
                .join()
                .expect("reader thread saw an inconsistent version");
            assert!(reads > 0);
        }
        assert_eq!(registry.get("UN").unwrap().version.label, "200");
    }

    #[test]
    fn a_held_snapshot_survives_the_swap() {
        let registry = ListRegistry::new();
        registry.publish(version("UN", "old", 1), vec!["old entry"]);
        let held = registry.snapshot();
        let replaced = registry.publish(version("UN", "new", 1), vec!["new entry"]);
        assert_eq!(replaced.unwrap().version.label, "old");
        assert_eq!(held["UN"].index, ["old entry"]);
        assert_eq!(registry.get("UN").unwrap().index, ["new entry"]);
    }

    #[test]
    fn lists_are_published_independently() {
        let registry = ListRegistry::new();
        registry.publish(version("UN", "1", 0), ());
        registry.publish(version("OFAC-SDN", "1", 0), ());
        registry.publish(version("UN", "2", 0), ());
        let snapshot = registry.snapshot();
        assert_eq!(snapshot.len(), 2);
        assert_eq!(snapshot["UN"].version.label, "2");
        assert_eq!(
            registry.withdraw("OFAC-SDN").unwrap().version.list,
            "OFAC-SDN"
        );
        assert!(registry.get("OFAC-SDN").is_none());
        assert_eq!(snapshot["OFAC-SDN"].version.label, "1");
    }
}
