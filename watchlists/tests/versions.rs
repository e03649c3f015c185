//! Importing successive versions of a list: version labels, hashes, storage and diffs.

use std::fs::File;
use std::io::BufReader;
use watchlists::{
    import, ofac_csv, ChangedEntry, Diff, DirectoryStore, EntryField, SourceFormat, VersionStore,
};

const HEADER: &str = "id,list,names,birth_dates,nationalities,gender,documents\n";

fn csv_version(rows: &str) -> String {
    format!("{HEADER}{rows}")
}

#[test]
fn a_newer_version_diffs_against_the_stored_one() {
    let data = tempfile::tempdir().unwrap();
    let store = DirectoryStore::new(data.path());
    let first = csv_version(
        "x-1,TEST,Alpha One,1970,AFG,M,\n\
         x-2,TEST,Bravo Two,,,,\n\
         x-3,TEST,Charlie Three,1980-02,,F,P:C123:IRN\n",
    );
    let (version, imported) =
        import(first.as_bytes(), SourceFormat::PaxwatchCsv, "TEST", None).unwrap();
    assert_eq!(version.entry_count, 3);
    assert!(
        version.label.starts_with("sha256-"),
        "no date in a CSV: label from the hash"
    );
    assert_eq!(&version.label["sha256-".len()..], &version.sha256[..16]);
    assert!(store.latest("TEST").unwrap().is_none());
    store.save(version.clone(), &imported.entries).unwrap();

    let second = csv_version(
        "x-1,TEST,Alpha One,1970,AFG,M,\n\
         x-3,TEST,Charlie Three;Charly Three,1980-02,,F,P:C124:IRN\n\
         x-4,TEST,Delta Four,,,,\n",
    );
    let (newer, imported) =
        import(second.as_bytes(), SourceFormat::PaxwatchCsv, "TEST", None).unwrap();
    assert_ne!(newer.sha256, version.sha256);
    let (previous, previous_entries) = store.latest("TEST").unwrap().unwrap();
    assert_eq!(previous, version);
    let diff = Diff::between(&previous_entries, &imported.entries);
    assert_eq!(diff.added, ["x-4"]);
    assert_eq!(diff.removed, ["x-2"]);
    assert_eq!(
        diff.changed,
        [ChangedEntry {
            id: "x-3".into(),
            fields: vec![EntryField::Names, EntryField::Documents]
        }]
    );
    store.save(newer.clone(), &imported.entries).unwrap();
    let versions = store.versions("TEST").unwrap();
    assert_eq!(versions, [version, newer]);
}

#[test]
fn un_version_is_labelled_with_the_files_date_and_hash() {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/eval/lists/un_sc_consolidated_2025-04-19.xml"
    );
    let (version, _) = import(File::open(path).unwrap(), SourceFormat::Un, "UN", None).unwrap();
    assert_eq!(version.label, "2025-04-19T23:00:04.625Z");
    // SHA-256 from shared/eval/lists/PROVENANCE.md.
    assert_eq!(
        version.sha256,
        "929a40ec48a927547c3365bb64481f674b86560ed8115d35542009f68732aeb0"
    );
    assert_eq!(version.entry_count, 684);
}

#[test]
fn ofac_aliases_change_the_version_and_show_as_name_changes() {
    let lists = concat!(env!("CARGO_MANIFEST_DIR"), "/../../shared/eval/lists/");
    let sdn = || File::open(format!("{lists}ofac_sdn_2024-05-03.csv")).unwrap();
    let alt = File::open(format!("{lists}ofac_sdn_alt_2026-06.csv")).unwrap();
    let aliases = ofac_csv::read_aliases(BufReader::new(alt)).unwrap();
    assert_eq!(
        aliases.sha256,
        "fda2c60a91e4197938d39bd28744cae2dec5be6c76b90feaf15a62190c91d3cf"
    );
    let (without, bare) = import(sdn(), SourceFormat::OfacCsv, "OFAC-SDN", None).unwrap();
    let (with, joined) = import(sdn(), SourceFormat::OfacCsv, "OFAC-SDN", Some(&aliases)).unwrap();
    assert_eq!(
        without.sha256,
        "210ca6b4a8187a34e0850be69ecc6e918f23ad7778b8b5b2f9c9d5fbbaf4e0cb"
    );
    assert_eq!(with.sha256, without.sha256);
    assert_ne!(
        with.label, without.label,
        "the aliases are part of the version"
    );
    let diff = Diff::between(&bare.entries, &joined.entries);
    assert!(diff.added.is_empty() && diff.removed.is_empty());
    assert!(diff.changed.iter().all(|c| c.fields == [EntryField::Names]));
    // Individuals gaining a name from alt.csv: 3,264 individuals have alias rows (8,089 rows),
    // and for 3 of them every alias repeats the primary name (python csv module over both
    // files, whitespace collapsed).
    assert_eq!(diff.changed.len(), 3_261);
}
