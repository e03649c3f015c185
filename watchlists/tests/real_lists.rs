//! Imports of the real public list files in `shared/eval/lists/`, checked against counts
//! computed independently from the files and against the evaluation watchlist
//! `shared/eval/watchlist.csv`, which was derived from the same files by other tools.

use model::watchlist::Entry;
use model::watchlist::Gender;
use std::collections::HashMap;
use std::fs::File;
use std::io::BufReader;
use watchlists::{birth_date, canada_xml, ofac_csv, ofac_xml, paxwatch_csv, un_xml, Import};

macro_rules! list_file {
    ($name:literal) => {
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/eval/lists/",
            $name
        )
    };
}

fn open(path: &str) -> BufReader<File> {
    BufReader::new(File::open(path).unwrap_or_else(|e| panic!("{path}: {e}")))
}

fn evaluation_watchlist() -> HashMap<String, Entry> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/eval/watchlist.csv"
    );
    let import = paxwatch_csv::read(open(path)).unwrap();
    import
        .entries
        .into_iter()
        .map(|e| (e.id.clone(), e))
        .collect()
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
            agreement
                .names
                .push(format!("{}: {name:?} not in {:?}", entry.id, entry.names));
        }
        if expected.birth_dates != entry.birth_dates {
            agreement.birth_dates.push(format!(
                "{}: {:?} vs {:?}",
                entry.id, expected.birth_dates, entry.birth_dates
            ));
        }
        if expected.nationalities != entry.nationalities {
            agreement.nationalities.push(format!(
                "{}: {:?} vs {:?}",
                entry.id, expected.nationalities, entry.nationalities
            ));
        }
        if expected.gender != entry.gender {
            agreement.gender.push(format!(
                "{}: {:?} vs {:?}",
                entry.id, expected.gender, entry.gender
            ));
        }
        if expected.documents != entry.documents {
            agreement.documents.push(format!(
                "{}: {:?} vs {:?}",
                entry.id, expected.documents, entry.documents
            ));
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
        for line in list.iter().take(8) {
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
    // Known, accepted differences: we expand `circa 1979-1982` per year (one entry); we read
    // `D.N.I.` as a national identity number and skip OFAC's free-form document notes that the
    // evaluation kept, or the reverse (about 90 entries).
    assert!(
        agreement.names.is_empty()
            && agreement.gender.is_empty()
            && agreement.nationalities.is_empty()
    );
    assert!(
        agreement.birth_dates.len() <= 1,
        "{:?}",
        agreement.birth_dates
    );
    assert!(
        agreement.documents.len() <= 100,
        "{}",
        agreement.documents.len()
    );
    let zawahiri = import
        .entries
        .iter()
        .find(|e| e.id == "ofac-2676")
        .expect("ofac-2676 is listed");
    assert_eq!(zawahiri.names[0], "AL ZAWAHIRI, Dr. Ayman");
    assert!(
        zawahiri.names.iter().any(|n| n == "SALIM, Ahmad Fuad"),
        "alias from alt.csv"
    );
    assert_eq!(
        zawahiri
            .birth_dates
            .iter()
            .map(birth_date::format_iso)
            .collect::<Vec<_>>(),
        ["1951-06-19"]
    );
    assert_eq!(zawahiri.documents[0].number, "1084010");
    assert_eq!(zawahiri.documents[0].country.as_deref(), Some("EGY"));
}

#[test]
fn un_consolidated_xml_imports_every_individual() {
    let import = un_xml::read(open(list_file!("un_sc_consolidated_2025-04-19.xml"))).unwrap();
    // 684 <INDIVIDUAL> and 193 <ENTITY> records (PROVENANCE.md; `grep -c '<INDIVIDUAL>'` and
    // `grep -c '<ENTITY>'` on the file).
    assert_eq!(import.entries.len(), 684);
    assert_eq!(import.skipped_non_persons, 193);
    assert!(import.rejected.is_empty(), "{:?}", import.rejected);
    assert_eq!(
        import.published.as_deref(),
        Some("2025-04-19T23:00:04.625Z")
    );
    let agreement = compare(&import, "UN");
    report(&agreement);
    assert_eq!(agreement.compared, 684);
    // Accepted differences: the evaluation read the nationality `na` as Namibia; six
    // documents whose type or number the evaluation wrote differently.
    assert!(
        agreement.names.is_empty()
            && agreement.birth_dates.is_empty()
            && agreement.gender.is_empty()
    );
    assert!(
        agreement.nationalities.len() <= 1 && agreement.documents.len() <= 6,
        "{agreement:?}"
    );
    let ngabu = import
        .entries
        .iter()
        .find(|e| e.id == "un-CDi.021")
        .expect("un-CDi.021 is listed");
    assert_eq!(ngabu.names[0], "FLORIBERT NGABU NJABU");
    assert_eq!(
        ngabu
            .birth_dates
            .iter()
            .map(birth_date::format_iso)
            .collect::<Vec<_>>(),
        ["1971-05-23"]
    );
    assert_eq!(
        (
            ngabu.documents[0].number.as_str(),
            ngabu.documents[0].country.as_deref()
        ),
        ("OB 0243318", Some("COD"))
    );
    let anwari = import
        .entries
        .iter()
        .find(|e| e.id == "un-TAi.005")
        .expect("un-TAi.005 is listed");
    assert!(
        anwari.names.iter().any(|n| n == "محمد طاهر أنوري"),
        "original-script name kept"
    );
    assert_eq!(anwari.nationalities, ["AFG"]);
}

#[test]
fn ofac_consolidated_xml_imports_every_individual() {
    let import = ofac_xml::read(
        open(list_file!("ofac_consolidated_nonsdn_2025-03-28.xml")),
        "OFAC-CONS",
    )
    .unwrap();
    // 443 <sdnEntry> records, 80 with <sdnType>Individual</sdnType> (`grep -c` on the file).
    assert_eq!(import.entries.len(), 80);
    assert_eq!(import.skipped_non_persons, 443 - 80);
    assert!(import.rejected.is_empty(), "{:?}", import.rejected);
    assert_eq!(import.published.as_deref(), Some("2025-03-28"));
    let haniya = import
        .entries
        .iter()
        .find(|e| e.id == "ofac-9639")
        .expect("HANIYA is listed");
    assert_eq!(
        haniya.names[..3],
        [
            "HANIYA, Ismail Abdul Salah",
            "HANIYA, Ismail",
            "HANIYYA, Ismaeel"
        ]
    );
    assert_eq!(
        haniya
            .birth_dates
            .iter()
            .map(birth_date::format_iso)
            .collect::<Vec<_>>(),
        ["1962"]
    );
    let zahhar = import
        .entries
        .iter()
        .find(|e| e.id == "ofac-9647")
        .expect("ZAHHAR is listed");
    assert_eq!(zahhar.gender, Some(Gender::Male));
    assert_eq!(zahhar.nationalities, ["PSE"]);
}

#[test]
fn canada_sema_xml_imports_every_person() {
    let import = canada_xml::read(open(list_file!("canada_sema_2025.xml"))).unwrap();
    // 4,759 <record>s; 3,334 have a LastName or GivenName (PROVENANCE.md; python re over the
    // records: 3,331 with both, 3 with LastName only, 1,425 with neither).
    assert_eq!(import.entries.len(), 3_334);
    assert_eq!(import.skipped_non_persons, 4_759 - 3_334);
    assert!(import.rejected.is_empty(), "{:?}", import.rejected);
    let agreement = compare(&import, "CA-SEMA");
    report(&agreement);
    assert_eq!(agreement.compared, 3_334);
    // Accepted differences: eight alias fields where the evaluation kept comma-joined spellings
    // as one name and we split them at the commas.
    assert!(
        agreement.birth_dates.is_empty()
            && agreement.documents.is_empty()
            && agreement.nationalities.is_empty()
    );
    assert!(agreement.names.len() <= 8, "{:?}", agreement.names);
    let first = &import.entries[0];
    assert_eq!(
        (first.id.as_str(), first.names[0].as_str()),
        ("ca-0001", "Atabekov, Khazalbek Bakhtibekovich")
    );
    let third = &import.entries[2];
    assert_eq!(
        third
            .birth_dates
            .iter()
            .map(birth_date::format_iso)
            .collect::<Vec<_>>(),
        ["1965-04-29"]
    );
}
