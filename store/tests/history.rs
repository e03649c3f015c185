//! The history index against a real tantivy directory in a temporary directory.

use store::history::{
    Feeds, HistoryError, HistoryIndex, HistoryQuery, LinkKind, SharedLink, TravellerDoc,
    DEFAULT_WRITER_MEMORY,
};
use tempfile::TempDir;
use time::macros::{date, datetime};

fn traveller(traveller_id: i64, surname: &str, given_names: &str) -> TravellerDoc {
    TravellerDoc {
        traveller_id,
        version_id: traveller_id * 10,
        flight_id: 1,
        message_kind: "PAXLST".into(),
        surname: surname.into(),
        given_names: given_names.into(),
        birth_date: Some(date!(1980 - 01 - 01)),
        gender: Some("F".into()),
        nationality: Some("DEU".into()),
        document_numbers: vec![format!("P{traveller_id:08}")],
        carrier: "LH".into(),
        flight_number: "400".into(),
        origin: Some("FRA".into()),
        destination: Some("JFK".into()),
        departure_date: Some(date!(2026 - 06 - 15)),
        pnr_locators: vec![format!("PNR{traveller_id:03}")],
        emails: vec![format!("t{traveller_id}@example.org")],
        phones: vec![format!("+1 555 000 {traveller_id:04}")],
        payment_refs: vec![format!("CARD{traveller_id:04}")],
        received_at: datetime!(2026-06-14 10:00 UTC),
    }
}

/// An index in a temp dir holding `travellers`, committed with the highest version as watermark.
fn index_with(travellers: &[TravellerDoc]) -> (TempDir, HistoryIndex) {
    let dir = TempDir::new().expect("temp dir");
    let index = HistoryIndex::open(dir.path().join("history")).expect("open");
    let mut writer = index.writer(DEFAULT_WRITER_MEMORY).expect("writer");
    for traveller in travellers {
        writer.upsert(traveller).expect("upsert");
    }
    let watermark = travellers.iter().map(|t| t.version_id).max().unwrap_or(0);
    writer.commit(watermark).expect("commit");
    (dir, index)
}

fn ids(index: &HistoryIndex, query: HistoryQuery) -> Vec<i64> {
    index
        .search(&query)
        .expect("search")
        .into_iter()
        .map(|hit| hit.traveller.traveller_id)
        .collect()
}

fn by_name(surname: &str, given_names: Option<&str>) -> HistoryQuery {
    HistoryQuery {
        surname: Some(surname.into()),
        given_names: given_names.map(str::to_owned),
        ..HistoryQuery::default()
    }
}

fn people() -> Vec<TravellerDoc> {
    vec![
        traveller(1, "MUELLER", "ANNA MARIA"),
        traveller(2, "Müller", "Jürgen"),
        traveller(3, "SCHWARZENEGGER", "ARNOLD"),
        traveller(4, "OKONKWO", "CHIDI"),
        traveller(5, "JOHNSON", "ANNA"),
    ]
}

#[test]
fn exact_name_finds_the_traveller_first() {
    let (_dir, index) = index_with(&people());
    let hits = ids(&index, by_name("okonkwo", Some("chidi")));
    assert_eq!(hits, [4]);
}

#[test]
fn fuzzy_name_one_edit() {
    let (_dir, index) = index_with(&people());
    // One substitution in a five-letter token, one deletion in a long one.
    assert_eq!(ids(&index, by_name("OKONKWA", None)), [4]);
    assert_eq!(ids(&index, by_name("CHIDE", None)), [4]);
    assert_eq!(ids(&index, by_name("SCHWARZENEGER", None)), [3]);
}

#[test]
fn fuzzy_name_two_edits_only_for_long_tokens() {
    let (_dir, index) = index_with(&people());
    assert_eq!(ids(&index, by_name("SHWARZENEGER", Some("ARNOLD"))), [3]);
    // Two edits in a five-letter token are too many.
    assert!(ids(&index, by_name("CHAIDE", Some("OKONKWO"))).contains(&4));
    assert!(ids(&index, by_name("XHIDE", None)).is_empty());
}

#[test]
fn diacritics_and_case_are_folded() {
    let (_dir, index) = index_with(&people());
    // "Müller" is indexed as "muller": the ASCII spelling and the accented one both find it.
    let hits = ids(&index, by_name("MULLER", Some("JURGEN")));
    assert_eq!(hits, [2]);
    let hits = ids(&index, by_name("müller", Some("jürgen")));
    assert_eq!(hits, [2]);
}

#[test]
fn swapped_name_order_matches_and_right_order_ranks_first() {
    let mut travellers = people();
    travellers.push(traveller(6, "CHIDI", "OKONKWO"));
    let (_dir, index) = index_with(&travellers);
    let hits = index
        .search(&by_name("OKONKWO", Some("CHIDI")))
        .expect("search");
    let found: Vec<i64> = hits.iter().map(|hit| hit.traveller.traveller_id).collect();
    assert_eq!(found, [4, 6]);
    assert!(hits[0].score > hits[1].score);
    // Given names entered as the surname still find the traveller.
    assert_eq!(ids(&index, by_name("CHIDI OKONKWO", None)).len(), 2);
}

#[test]
fn every_name_token_must_match() {
    let (_dir, index) = index_with(&people());
    let hits = ids(&index, by_name("ANNA", None));
    assert_eq!(hits.len(), 2);
    assert!(hits.contains(&1) && hits.contains(&5));
    assert_eq!(ids(&index, by_name("JOHNSON", Some("ANNA"))), [5]);
    assert_eq!(
        ids(&index, by_name("JOHNSON", Some("MARIA"))),
        Vec::<i64>::new()
    );
}

#[test]
fn prefix_and_initial_match() {
    let (_dir, index) = index_with(&people());
    assert_eq!(ids(&index, by_name("SCHWARZ", None)), [3]);
    assert_eq!(ids(&index, by_name("OKONKWO", Some("C"))), [4]);
}

#[test]
fn document_number_exact_after_normalising() {
    let (_dir, index) = index_with(&people());
    let query = |number: &str| HistoryQuery {
        document_number: Some(number.into()),
        ..HistoryQuery::default()
    };
    assert_eq!(ids(&index, query("p0000-0003")), [3]);
    assert_eq!(ids(&index, query("P 00000003")), [3]);
    assert!(ids(&index, query("P00000009")).is_empty());
}

#[test]
fn birth_date_filter() {
    let mut travellers = people();
    travellers[2].birth_date = Some(date!(1947 - 07 - 30));
    travellers[3].birth_date = None;
    let (_dir, index) = index_with(&travellers);
    let query = |birth_date| HistoryQuery {
        birth_date: Some(birth_date),
        ..HistoryQuery::default()
    };
    assert_eq!(ids(&index, query(date!(1947 - 07 - 30))), [3]);
    assert_eq!(ids(&index, query(date!(1980 - 01 - 01))), [5, 2, 1]);
}

#[test]
fn departure_date_range_inclusive_and_open_ended() {
    let mut travellers = people();
    for (traveller, day) in travellers.iter_mut().zip([10u8, 11, 12, 13, 14]) {
        traveller.departure_date =
            time::Date::from_calendar_date(2026, time::Month::June, day).ok();
    }
    let (_dir, index) = index_with(&travellers);
    let range = |from, to| HistoryQuery {
        departure_from: from,
        departure_to: to,
        ..HistoryQuery::default()
    };
    assert_eq!(
        ids(
            &index,
            range(Some(date!(2026 - 06 - 11)), Some(date!(2026 - 06 - 13)))
        ),
        [4, 3, 2]
    );
    assert_eq!(
        ids(&index, range(Some(date!(2026 - 06 - 13)), None)),
        [5, 4]
    );
    assert_eq!(ids(&index, range(None, Some(date!(2026 - 06 - 10)))), [1]);
    let backwards = index.search(&range(
        Some(date!(2026 - 06 - 13)),
        Some(date!(2026 - 06 - 11)),
    ));
    assert!(matches!(backwards, Err(HistoryError::InvalidQuery { .. })));
}

#[test]
fn name_and_date_range_combine() {
    let mut travellers = people();
    travellers[0].departure_date = Some(date!(2026 - 01 - 01));
    let (_dir, index) = index_with(&travellers);
    let query = HistoryQuery {
        given_names: Some("ANNA".into()),
        departure_from: Some(date!(2026 - 06 - 01)),
        departure_to: Some(date!(2026 - 06 - 30)),
        ..HistoryQuery::default()
    };
    assert_eq!(ids(&index, query), [5]);
}

#[test]
fn route_carrier_and_flight_filters() {
    let mut travellers = people();
    travellers[1].origin = Some("MUC".into());
    travellers[2].destination = Some("LHR".into());
    travellers[3].carrier = "BA".into();
    travellers[3].flight_number = "0117".into();
    let (_dir, index) = index_with(&travellers);
    let origin = HistoryQuery {
        origin: Some("muc".into()),
        ..HistoryQuery::default()
    };
    assert_eq!(ids(&index, origin), [2]);
    let route = HistoryQuery {
        origin: Some("FRA".into()),
        destination: Some("LHR".into()),
        ..HistoryQuery::default()
    };
    assert_eq!(ids(&index, route), [3]);
    let destination_only = HistoryQuery {
        destination: Some("JFK".into()),
        ..HistoryQuery::default()
    };
    assert_eq!(ids(&index, destination_only), [5, 4, 2, 1]);
    let flight = HistoryQuery {
        carrier: Some("ba".into()),
        flight_number: Some("117".into()),
        ..HistoryQuery::default()
    };
    assert_eq!(ids(&index, flight), [4]);
    let wrong_carrier = HistoryQuery {
        carrier: Some("LH".into()),
        flight_number: Some("117".into()),
        ..HistoryQuery::default()
    };
    assert!(ids(&index, wrong_carrier).is_empty());
}

#[test]
fn pnr_email_and_phone_filters() {
    let mut travellers = people();
    travellers[2].emails = vec!["Arnold.S@Example.ORG".into()];
    travellers[3].phones = vec!["+44 20 7946 0000".into()];
    let (_dir, index) = index_with(&travellers);
    let pnr = HistoryQuery {
        pnr_locator: Some("pnr002".into()),
        ..HistoryQuery::default()
    };
    assert_eq!(ids(&index, pnr), [2]);
    let email = HistoryQuery {
        email: Some("arnold.s@example.org".into()),
        ..HistoryQuery::default()
    };
    assert_eq!(ids(&index, email), [3]);
    let phone = HistoryQuery {
        phone: Some("00442079460000".into()),
        ..HistoryQuery::default()
    };
    assert_eq!(ids(&index, phone), [4]);
    let not_a_phone = HistoryQuery {
        phone: Some("none".into()),
        ..HistoryQuery::default()
    };
    assert!(matches!(
        index.search(&not_a_phone),
        Err(HistoryError::InvalidQuery { field: "phone", .. })
    ));
}

#[test]
fn unrelated_queries_find_nothing() {
    let (_dir, index) = index_with(&people());
    assert!(ids(&index, by_name("NAKAMURA", Some("HIROSHI"))).is_empty());
    let unknown_pnr = HistoryQuery {
        pnr_locator: Some("ZZZZZZ".into()),
        ..HistoryQuery::default()
    };
    assert!(ids(&index, unknown_pnr).is_empty());
}

#[test]
fn no_name_lists_newest_first_and_pages() {
    let (_dir, index) = index_with(&people());
    assert_eq!(ids(&index, HistoryQuery::default()), [5, 4, 3, 2, 1]);
    let page = |offset| HistoryQuery {
        limit: 2,
        offset,
        ..HistoryQuery::default()
    };
    assert_eq!(ids(&index, page(0)), [5, 4]);
    assert_eq!(ids(&index, page(2)), [3, 2]);
    assert_eq!(ids(&index, page(4)), [1]);
    let too_many = HistoryQuery {
        limit: 0,
        ..HistoryQuery::default()
    };
    assert!(matches!(
        index.search(&too_many),
        Err(HistoryError::InvalidQuery { .. })
    ));
}

#[test]
fn hits_carry_the_stored_fields() {
    let travellers = people();
    let (_dir, index) = index_with(&travellers);
    let hits = index
        .search(&by_name("Müller", Some("Jürgen")))
        .expect("search");
    assert_eq!(hits.len(), 1);
    let mut expected = travellers[1].clone();
    // Identifiers come back normalised.
    expected.phones = vec!["15550000002".into()];
    expected.emails = vec!["t2@example.org".into()];
    assert_eq!(hits[0].traveller, expected);
    assert!(hits[0].score > 0.0);
}

#[test]
fn upsert_replaces_the_earlier_version() {
    let dir = TempDir::new().expect("temp dir");
    let index = HistoryIndex::open(dir.path()).expect("open");
    let mut writer = index.writer(DEFAULT_WRITER_MEMORY).expect("writer");
    let first = traveller(7, "SMITH", "JOHN");
    writer.upsert(&first).expect("upsert");
    writer.commit(first.version_id).expect("commit");
    let mut second = first.clone();
    second.version_id = 71;
    second.surname = "SMYTH".into();
    second.document_numbers = vec!["X1234567".into()];
    writer.upsert(&second).expect("upsert");
    // Same traveller twice in one batch: the last one wins too.
    let mut third = second.clone();
    third.version_id = 72;
    third.flight_number = "401".into();
    writer.upsert(&third).expect("upsert");
    writer.commit(third.version_id).expect("commit");

    assert_eq!(index.document_count(), 1);
    // The old spelling still finds the traveller (one edit away), once.
    assert_eq!(ids(&index, by_name("SMITH", Some("JOHN"))), [7]);
    let found = index.get(7).expect("get").expect("indexed");
    assert_eq!(found.version_id, 72);
    assert_eq!(found.surname, "SMYTH");
    let old_document = HistoryQuery {
        document_number: Some("P00000007".into()),
        ..HistoryQuery::default()
    };
    assert!(ids(&index, old_document).is_empty());
    let old_flight = HistoryQuery {
        flight_number: Some("400".into()),
        ..HistoryQuery::default()
    };
    assert!(ids(&index, old_flight).is_empty());
}

#[test]
fn watermark_survives_reopen() {
    let dir = TempDir::new().expect("temp dir");
    {
        let index = HistoryIndex::open(dir.path()).expect("open");
        assert_eq!(index.watermark().expect("watermark"), None);
        let mut writer = index.writer(DEFAULT_WRITER_MEMORY).expect("writer");
        writer
            .upsert(&traveller(1, "ADEYEMI", "TOLU"))
            .expect("upsert");
        writer.commit(10).expect("commit");
        writer.upsert(&traveller(2, "BERG", "LIV")).expect("upsert");
        writer.commit(20).expect("commit");
        // Uncommitted work is lost at a crash (here: a drop without commit) and the watermark says so.
        writer.upsert(&traveller(3, "CRUZ", "ANA")).expect("upsert");
        assert_eq!(writer.watermark().expect("watermark"), Some(20));
    }
    let index = HistoryIndex::open(dir.path()).expect("reopen");
    assert_eq!(index.watermark().expect("watermark"), Some(20));
    assert_eq!(index.document_count(), 2);
    assert_eq!(ids(&index, by_name("BERG", None)), [2]);
}

#[test]
fn clear_empties_the_index_and_its_watermark() {
    let (dir, index) = index_with(&people());
    let mut writer = index.writer(DEFAULT_WRITER_MEMORY).expect("writer");
    writer.clear().expect("clear");
    assert_eq!(index.document_count(), 0);
    assert_eq!(index.watermark().expect("watermark"), None);
    assert!(ids(&index, HistoryQuery::default()).is_empty());
    writer
        .upsert(&traveller(9, "DIALLO", "AWA"))
        .expect("upsert");
    writer.commit(90).expect("commit");
    writer.finish().expect("finish");
    let reopened = HistoryIndex::open(dir.path().join("history")).expect("reopen");
    assert_eq!(reopened.watermark().expect("watermark"), Some(90));
    assert_eq!(ids(&reopened, HistoryQuery::default()), [9]);
}

#[test]
fn index_of_another_schema_version_is_refused_and_recreated() {
    let (dir, index) = index_with(&people());
    drop(index);
    let path = dir.path().join("history");
    std::fs::write(path.join("paxwatch-history-schema"), "0\n").expect("write version");
    let refused = HistoryIndex::open(&path);
    assert!(matches!(
        refused,
        Err(HistoryError::IncompatibleSchema { ref found, .. }) if found == "0"
    ));
    let rebuilt = HistoryIndex::recreate(&path).expect("recreate");
    assert_eq!(rebuilt.document_count(), 0);
    assert_eq!(rebuilt.watermark().expect("watermark"), None);
    drop(rebuilt);
    HistoryIndex::open(&path).expect("opens after recreate");
}

#[test]
fn recreate_refuses_a_directory_that_is_not_an_index() {
    let dir = TempDir::new().expect("temp dir");
    std::fs::write(dir.path().join("notes.txt"), "keep me").expect("write");
    assert!(matches!(
        HistoryIndex::recreate(dir.path()),
        Err(HistoryError::NotAnIndex { .. })
    ));
    assert!(dir.path().join("notes.txt").exists());
}

/// Travellers 1 and 2 share a PNR, 1 and 3 an e-mail (spelt differently), 1 and 4 a phone (in another
/// format), 1 and 5 a payment reference; 6 shares nothing.
fn linked_people() -> Vec<TravellerDoc> {
    let mut travellers: Vec<TravellerDoc> = (1..=6)
        .map(|id| traveller(id, &format!("PERSON{id}"), "TEST"))
        .collect();
    travellers[0].pnr_locators = vec!["ABC123".into()];
    travellers[0].emails = vec!["family@example.org".into()];
    travellers[0].phones = vec!["+44 20 7946 0000".into()];
    travellers[0].payment_refs = vec!["VI-4111".into()];
    travellers[1].pnr_locators = vec!["abc123".into()];
    travellers[2].emails = vec!["Family@Example.org".into()];
    travellers[3].phones = vec!["00442079460000".into()];
    travellers[4].payment_refs = vec!["VI4111".into()];
    travellers
}

#[test]
fn co_travellers_by_each_link_kind() {
    let (_dir, index) = index_with(&linked_people());
    let mut found = index.co_travellers(1, 50).expect("co-travellers");
    found.sort_by_key(|co| co.traveller.traveller_id);
    let summary: Vec<(i64, Vec<SharedLink>)> = found
        .into_iter()
        .map(|co| (co.traveller.traveller_id, co.shared))
        .collect();
    let link = |kind, value: &str| SharedLink {
        kind,
        value: value.into(),
    };
    assert_eq!(
        summary,
        [
            (2, vec![link(LinkKind::PnrLocator, "ABC123")]),
            (3, vec![link(LinkKind::Email, "family@example.org")]),
            (4, vec![link(LinkKind::Phone, "442079460000")]),
            (5, vec![link(LinkKind::PaymentRef, "VI4111")]),
        ]
    );
}

#[test]
fn co_travellers_sharing_more_come_first() {
    let mut travellers = linked_people();
    travellers[5].pnr_locators = vec!["ABC123".into()];
    travellers[5].emails = vec!["family@example.org".into()];
    let (_dir, index) = index_with(&travellers);
    let found = index.co_travellers(1, 50).expect("co-travellers");
    assert_eq!(found[0].traveller.traveller_id, 6);
    assert_eq!(found[0].shared.len(), 2);
    assert_eq!(found.len(), 5);
}

#[test]
fn co_travellers_none_for_unrelated_and_error_for_unknown() {
    let (_dir, index) = index_with(&linked_people());
    assert!(index
        .co_travellers(6, 50)
        .expect("co-travellers")
        .is_empty());
    assert!(matches!(
        index.co_travellers(99, 50),
        Err(HistoryError::TravellerNotFound(99))
    ));
}

#[test]
fn equal_name_scores_come_newest_first() {
    let travellers: Vec<TravellerDoc> = [3, 1, 4, 2]
        .into_iter()
        .map(|id| traveller(id, "NGUYEN", "AN"))
        .collect();
    let (_dir, index) = index_with(&travellers);
    let hits = index
        .search(&by_name("NGUYEN", Some("AN")))
        .expect("search");
    let found: Vec<i64> = hits.iter().map(|hit| hit.traveller.traveller_id).collect();
    assert_eq!(found, [4, 3, 2, 1]);
    assert!(hits.iter().all(|hit| hit.score == hits[0].score));
}

/// `traveller` on flight `flight_id` departing `day` of June 2026.
fn on_flight(mut traveller: TravellerDoc, flight_id: i64, day: u8) -> TravellerDoc {
    traveller.flight_id = flight_id;
    traveller.flight_number = format!("{}", 400 + flight_id);
    traveller.departure_date =
        Some(time::Date::from_calendar_date(2026, time::Month::June, day).unwrap());
    traveller
}

fn trip_ids(index: &HistoryIndex, traveller_id: i64) -> Vec<(i64, &'static str)> {
    index
        .timeline(traveller_id)
        .expect("timeline")
        .expect("indexed")
        .into_iter()
        .map(|trip| (trip.traveller.traveller_id, trip.by.as_str()))
        .collect()
}

#[test]
fn a_timeline_follows_a_person_by_document_or_by_name_and_birth_date_never_by_name_alone() {
    let anna = traveller(1, "Lindqvist", "Anna");
    let mut renewed_passport = on_flight(traveller(2, "LINDQVIST", "ANNA"), 2, 20);
    renewed_passport.document_numbers = vec!["N00000002".into()];
    let mut same_passport = on_flight(traveller(3, "Lindquist", "Anna"), 3, 25);
    same_passport.document_numbers = anna.document_numbers.clone();
    same_passport.birth_date = None;
    // Namesakes: same name, another birth date; same name and birth date with a longer name.
    let mut namesake = on_flight(traveller(4, "Lindqvist", "Anna"), 4, 26);
    namesake.birth_date = Some(date!(1991 - 05 - 05));
    let longer = on_flight(traveller(5, "Lindqvist", "Anna Maria"), 5, 27);
    let (_dir, index) = index_with(&[anna, renewed_passport, same_passport, namesake, longer]);

    assert_eq!(
        trip_ids(&index, 1),
        vec![(3, "document"), (2, "name_and_birth_date"), (1, "itself")],
        "newest departure first"
    );
    assert_eq!(index.timeline(99).expect("timeline"), None);
    // Without document or birth date nothing else is the same person.
    let mut nameless = on_flight(traveller(6, "Lindqvist", "Anna"), 6, 28);
    nameless.document_numbers.clear();
    nameless.birth_date = None;
    let (_dir, index) = index_with(&[traveller(1, "Lindqvist", "Anna"), nameless]);
    assert_eq!(trip_ids(&index, 6), vec![(6, "itself")]);
}

#[test]
fn people_on_two_of_the_same_flights_travel_together() {
    let person =
        |id, surname: &str, flight, day| on_flight(traveller(id, surname, "Test"), flight, day);
    let mut docs = vec![
        // Origin: three trips with one passport.
        person(1, "Origin", 1, 1),
        person(2, "Origin", 2, 2),
        person(3, "Origin", 3, 3),
        // Companion on flights 1, 2 and 3 (one passport).
        person(11, "Often", 1, 1),
        person(12, "Often", 2, 2),
        person(13, "Often", 3, 3),
        // On flights 1 and 3.
        person(21, "Twice", 1, 1),
        person(22, "Twice", 3, 3),
        // On flight 2 only, and on a flight the origin never took.
        person(31, "Once", 2, 2),
        person(32, "Once", 9, 9),
    ];
    for doc in &mut docs {
        let surname = doc.surname.clone();
        if surname != "Origin" {
            doc.document_numbers = vec![format!("P-{surname}")];
        } else {
            doc.document_numbers = vec!["P-ORIGIN".into()];
        }
    }
    // On flights 1 and 2 without document or birth date: cannot be followed, left out.
    let mut unknown_a = person(41, "Unknown", 1, 1);
    let mut unknown_b = person(42, "Unknown", 2, 2);
    for doc in [&mut unknown_a, &mut unknown_b] {
        doc.document_numbers.clear();
        doc.birth_date = None;
    }
    docs.extend([unknown_a, unknown_b]);
    let (_dir, index) = index_with(&docs);

    let companions = index
        .travelling_together(2, 10)
        .expect("companions")
        .expect("indexed");
    let found: Vec<(String, Vec<i64>)> = companions
        .iter()
        .map(|c| {
            (
                c.traveller.surname.clone(),
                c.trips.iter().map(|t| t.flight_id).collect(),
            )
        })
        .collect();
    assert_eq!(
        found,
        vec![
            ("Often".to_owned(), vec![3, 2, 1]),
            ("Twice".to_owned(), vec![3, 1])
        ]
    );
    assert_eq!(index.travelling_together(2, 1).unwrap().unwrap().len(), 1);
    assert_eq!(index.travelling_together(99, 10).unwrap(), None);
}

#[test]
fn a_pnr_only_view_never_finds_looks_up_or_links_api_documents() {
    let pnr = |mut doc: TravellerDoc| {
        doc.message_kind = "PNRGOV".into();
        doc
    };
    // The same person on two flights: API and PNR on flight 1, API only on flight 2. A companion shares
    // both flights, on flight 2 only through API; a co-traveller shares the PNR locator only in API.
    let mut docs = vec![
        on_flight(traveller(1, "Origin", "Test"), 1, 1),
        pnr(on_flight(traveller(2, "Origin", "Test"), 1, 1)),
        on_flight(traveller(3, "Origin", "Test"), 2, 2),
        pnr(on_flight(traveller(11, "Companion", "Test"), 1, 1)),
        on_flight(traveller(12, "Companion", "Test"), 2, 2),
        on_flight(traveller(21, "Booked", "Together"), 1, 1),
    ];
    for doc in &mut docs[..3] {
        doc.document_numbers = vec!["P-ORIGIN".into()];
        doc.pnr_locators = vec!["ABC123".into()];
    }
    for doc in &mut docs[3..5] {
        doc.document_numbers = vec!["P-COMPANION".into()];
    }
    docs[5].pnr_locators = vec!["ABC123".into()];
    let (_dir, index) = index_with(&docs);
    let pnr_only = index.seeing(Feeds::PnrOnly);
    assert_eq!(pnr_only.feeds(), Feeds::PnrOnly);

    // Search: every document for all feeds, PNR documents only for the view, by name and by filter alone.
    assert_eq!(ids(&index, by_name("Origin", None)).len(), 3);
    assert_eq!(ids(&pnr_only, by_name("Origin", None)), vec![2]);
    let carrier = HistoryQuery {
        carrier: Some("LH".into()),
        ..HistoryQuery::default()
    };
    let mut found = ids(&pnr_only, carrier);
    found.sort();
    assert_eq!(found, vec![2, 11]);
    // Look-up, timeline, travelling together and co-travellers.
    assert!(index.get(1).expect("get").is_some());
    assert_eq!(pnr_only.get(1).expect("get"), None);
    assert_eq!(pnr_only.timeline(1).expect("timeline"), None);
    assert_eq!(trip_ids(&pnr_only, 2), vec![(2, "itself")]);
    assert_eq!(trip_ids(&index, 2).len(), 3);
    assert_eq!(
        index
            .travelling_together(2, 10)
            .expect("companions")
            .expect("indexed")
            .len(),
        1
    );
    assert!(pnr_only
        .travelling_together(2, 10)
        .expect("companions")
        .expect("indexed")
        .is_empty());
    let co_ids = |index: &HistoryIndex| -> Vec<i64> {
        let mut ids: Vec<i64> = index
            .co_travellers(2, 50)
            .expect("co-travellers")
            .into_iter()
            .map(|co| co.traveller.traveller_id)
            .collect();
        ids.sort();
        ids
    };
    assert_eq!(co_ids(&index), vec![1, 3, 21]);
    assert!(co_ids(&pnr_only).is_empty());
    assert!(matches!(
        pnr_only.co_travellers(1, 50),
        Err(HistoryError::TravellerNotFound(1))
    ));
}

#[test]
fn a_traveller_sent_in_both_feeds_has_one_document_per_feed() {
    let mut booking = traveller(1, "Origin", "Test");
    booking.message_kind = "PNRGOV".into();
    booking.version_id = 10;
    booking.pnr_locators = vec!["ABC123".into()];
    let mut check_in = traveller(1, "Origin", "Test");
    check_in.version_id = 20;
    check_in.pnr_locators.clear();
    // Another person on the same flight and on a second one, by the same passport: one trip per traveller.
    let mut other_booking = on_flight(traveller(2, "Origin", "Test"), 2, 20);
    other_booking.message_kind = "PNRGOV".into();
    let mut other_check_in = other_booking.clone();
    other_check_in.message_kind = "PAXLST".into();
    other_check_in.version_id += 1;
    for doc in [&mut other_booking, &mut other_check_in] {
        doc.document_numbers = check_in.document_numbers.clone();
    }
    let (_dir, index) = index_with(&[booking.clone(), check_in, other_booking, other_check_in]);
    assert_eq!(index.document_count(), 4);
    // The check-in did not hide the booking's locator.
    let by_locator = HistoryQuery {
        pnr_locator: Some("ABC123".into()),
        ..HistoryQuery::default()
    };
    assert_eq!(ids(&index, by_locator), vec![1]);
    assert_eq!(index.get(1).expect("get").expect("indexed").version_id, 20);
    let pnr_only = index.seeing(Feeds::PnrOnly);
    assert_eq!(
        pnr_only.get(1).expect("get").expect("indexed").version_id,
        10
    );
    assert_eq!(trip_ids(&index, 1), vec![(2, "document"), (1, "itself")]);

    // A newer booking replaces only the booking's document; deleting the traveller removes both.
    let mut writer = index.writer(DEFAULT_WRITER_MEMORY).expect("writer");
    let mut rebooked = booking;
    rebooked.version_id = 30;
    rebooked.pnr_locators = vec!["XYZ789".into()];
    writer.upsert(&rebooked).expect("upsert");
    writer.commit(30).expect("commit");
    assert_eq!(index.document_count(), 4);
    assert_eq!(
        pnr_only.get(1).expect("get").expect("indexed").version_id,
        30
    );
    writer.delete(1);
    writer.commit(30).expect("commit");
    assert_eq!(index.document_count(), 2);
    assert_eq!(index.get(1).expect("get"), None);
}
