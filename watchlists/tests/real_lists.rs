//! Imports of the real public list files in `shared/eval/lists/`, checked against counts
//! computed independently from the files and against the evaluation watchlist
//! `shared/eval/watchlist.csv`, which was derived from the same files by other tools.

use model::watchlist::Entry;
use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use watchlists::{ofac_csv, paxwatch_csv, Import};

macro_rules! list_file {
    ($name:literal) => {
        concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/eval/lists/", $name)
    };
}

fn open(path: &str) -> BufReader<File> {
    BufReader::new(File::open(path).unwrap_or_else(|e| panic!("{path}: {e}")))
}

fn evaluation_watchlist() -> HashMap<String, Entry> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/eval/watchlist.csv");
    let import = paxwatch_csv::read(open(path)).unwrap();
    import.entries.into_iter().map(|e| (e.id.clone(), e)).collect()
}

/// How many of `import`'s entries of `list` disagree with the evaluation watchlist, per field.
/// Names: every evaluation name must be among the imported ones (the evaluation withheld some).
#[derive(Debug, Default)]
struct Agreement {
    compared: usize,
    missing_from_evaluation: usize,
    names: Vec<String>,
    birth_dates: Vec<String>,
    nationalities: Vec<String>,
    gender: Vec<String>,
    documents: Vec<String>,
}

fn compare(import: &Import, list: &str) -> Agreement {
    let evaluation = evaluation_watchlist();
    let mut agreement = Agreement::default();
    for entry in &import.entries {
        let Some(expected) = evaluation.get(&entry.id).filter(|e| e.list == list) else {
            agreement.missing_from_evaluation += 1;
            continue;
        };
        agreement.compared += 1;
        if let Some(name) = expected.names.iter().find(|n| !entry.names.contains(n)) {
            agreement.names.push(format!("{}: {name:?} not in {:?}", entry.id, entry.names));
        }
        if expected.birth_dates != entry.birth_dates {
            agreement.birth_dates.push(format!("{}: {:?} vs {:?}", entry.id, expected.birth_dates, entry.birth_dates));
        }
        if expected.nationalities != entry.nationalities {
            agreement.nationalities.push(format!("{}: {:?} vs {:?}", entry.id, expected.nationalities, entry.nationalities));
        }
        if expected.gender != entry.gender {
            agreement.gender.push(format!("{}: {:?} vs {:?}", entry.id, expected.gender, entry.gender));
        }
        if expected.documents != entry.documents {
            agreement.documents.push(format!("{}: {:?} vs {:?}", entry.id, expected.documents, entry.documents));
        }
    }
    agreement
}

fn report(agreement: &Agreement) {
    eprintln!(
        "compared {} (not in evaluation: {}); disagreements: names {}, birth dates {}, nationalities {}, gender {}, documents {}",
        agreement.compared,
        agreement.missing_from_evaluation,
        agreement.names.len(),
        agreement.birth_dates.len(),
        agreement.nationalities.len(),
        agreement.gender.len(),
        agreement.documents.len()
    );
    for (field, list) in [
        ("names", &agreement.names),
        ("birth_dates", &agreement.birth_dates),
        ("nationalities", &agreement.nationalities),
        ("gender", &agreement.gender),
        ("documents", &agreement.documents),
    ] {
        for line in list.iter().take(400) {
            eprintln!("  {field}: {line}");
        }
    }
}

fn ofac_sdn_import() -> Import {
    let aliases = ofac_csv::read_aliases(open(list_file!("ofac_sdn_alt_2026-06.csv"))).unwrap();
    // 20,260 alias rows (PROVENANCE.md; `python3 -c "import csv; print(sum(1 for r in
    // csv.reader(open('ofac_sdn_alt_2026-06.csv')) if len(r) == 5))"`).
    assert_eq!(aliases.count(), 20_260);
    ofac_csv::read(open(list_file!("ofac_sdn_2024-05-03.csv")), Some(&aliases)).unwrap()
}

#[test]
fn ofac_sdn_csv_imports_every_individual() {
    let import = ofac_sdn_import();
    // 6,854 rows of type `individual` out of 14,965 (python csv module, cp1252, column 3).
    assert_eq!(import.entries.len(), 6_854);
    assert_eq!(import.skipped_non_persons, 14_965 - 6_854);
    assert!(import.rejected.is_empty(), "{:?}", import.rejected);
    let agreement = compare(&import, "OFAC-SDN");
    report(&agreement);
    assert_eq!(agreement.compared, 6_854);
}
