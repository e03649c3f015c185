//! Measures the store on the database given by URL (default: a fresh SQLite file in a temp dir):
//! durable raw inserts (sequential and concurrent), duplicate deliveries, and a watchlist import and reload.
//!
//! `cargo run --release -p store --example store_throughput -- [URL] [MESSAGES] [ENTRIES]` (an empty URL
//! means the default)
//!
//! Use an empty database: the run inserts into it and does not clean up.

use std::time::Instant;

use model::watchlist::{Entry, PartialDate};
use store::{ContentHash, NewWatchlistVersion, Store};
use time::OffsetDateTime;

#[tokio::main(flavor = "multi_thread")]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let dir = tempfile::tempdir()?;
    let url = args
        .next()
        .filter(|url| !url.is_empty())
        .unwrap_or_else(|| format!("sqlite://{}/throughput.db?mode=rwc", dir.path().display()));
    let messages: u32 = args
        .next()
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(2_000)
        .max(16);
    let entries: u32 = args
        .next()
        .map(|n| n.parse())
        .transpose()?
        .unwrap_or(200_000);

    let store = Store::open(&url).await?;
    println!(
        "backend {:?}, {:?}",
        store.backend_kind(),
        store.durability().await?.settings
    );
    // A run tag keeps repeated runs on the same database from turning into duplicates.
    let run = OffsetDateTime::now_utc().unix_timestamp_nanos();
    let message = |n: u32| -> Vec<u8> {
        let mut bytes =
            format!("UNB+UNOA:4+TESTAIR+AGENCY+{run}+{n}'UNH+1+PAXLST:D:05B:UN:IATA'").into_bytes();
        // About the size of a PAXLST for a narrow-body flight.
        bytes.resize(12_000, b'X');
        bytes
    };

    let started = Instant::now();
    let mut latencies = Vec::with_capacity(messages as usize);
    for n in 0..messages {
        let one = Instant::now();
        store
            .insert_raw("TESTAIR", &message(n), OffsetDateTime::now_utc())
            .await?;
        latencies.push(one.elapsed());
    }
    let elapsed = started.elapsed();
    latencies.sort();
    let percentile = |p: usize| latencies[(latencies.len() - 1) * p / 100];
    println!(
        "sequential inserts: {messages} x 12 kB in {elapsed:.2?} = {:.0}/s, latency p50 {:.2?} p99 {:.2?}",
        f64::from(messages) / elapsed.as_secs_f64(),
        percentile(50),
        percentile(99)
    );

    let tasks = 16;
    let started = Instant::now();
    let handles: Vec<_> = (0..tasks)
        .map(|task| {
            let store = store.clone();
            let batch: Vec<Vec<u8>> = (0..messages / tasks)
                .map(|i| message(messages + task * (messages / tasks) + i))
                .collect();
            tokio::spawn(async move {
                for bytes in batch {
                    store
                        .insert_raw("TESTAIR", &bytes, OffsetDateTime::now_utc())
                        .await?;
                }
                Ok::<_, store::StoreError>(())
            })
        })
        .collect();
    for handle in handles {
        handle.await??;
    }
    let elapsed = started.elapsed();
    let concurrent = messages / tasks * tasks;
    println!(
        "concurrent inserts ({tasks} tasks): {concurrent} in {elapsed:.2?} = {:.0}/s",
        f64::from(concurrent) / elapsed.as_secs_f64()
    );

    let started = Instant::now();
    for n in 0..messages {
        store
            .insert_raw("TESTAIR", &message(n), OffsetDateTime::now_utc())
            .await?;
    }
    let elapsed = started.elapsed();
    println!(
        "duplicate deliveries: {messages} in {elapsed:.2?} = {:.0}/s",
        f64::from(messages) / elapsed.as_secs_f64()
    );

    let list: Vec<Entry> = (0..entries)
        .map(|i| Entry {
            id: format!("bench-{i}"),
            list: "BENCH".into(),
            names: vec![format!("PERSON {i} EXAMPLE"), format!("P. {i} EXAMPLE")],
            birth_dates: vec![PartialDate {
                year: 1950 + (i % 50) as u16,
                month: Some(1),
                day: None,
            }],
            nationalities: vec!["XXA".into()],
            gender: None,
            documents: vec![],
        })
        .collect();
    let version = NewWatchlistVersion {
        list_name: "BENCH".into(),
        source_format: "synthetic".into(),
        version_label: run.to_string(),
        source_sha256: ContentHash::of(run.to_string().as_bytes()),
        imported_at: OffsetDateTime::now_utc(),
    };
    let started = Instant::now();
    let stored = store.import_watchlist_version(&version, &list).await?;
    let imported = started.elapsed();
    let started = Instant::now();
    let loaded = store.watchlist_entries(stored.id).await?;
    let reloaded = started.elapsed();
    assert_eq!(loaded.len(), list.len());
    println!(
        "watchlist: import {entries} entries in {imported:.2?} ({:.0}/s), reload in {reloaded:.2?} ({:.0}/s)",
        f64::from(entries) / imported.as_secs_f64(),
        f64::from(entries) / reloaded.as_secs_f64()
    );
    store.close().await;
    Ok(())
}
