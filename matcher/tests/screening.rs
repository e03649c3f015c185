//! Screening through the index on a small synthetic list: candidates, scores, explanations.

use matcher::{parse_birth_date, MatchPolicy, TravellerQuery, WatchlistIndex};
use model::watchlist::{Entry, Gender, ListedDocument, PartialDate};
use std::sync::Arc;

fn entry(
    id: &str,
    names: &[&str],
    birth: Option<(u16, u8, u8)>,
    nationality: &str,
    document: Option<&str>,
) -> Entry {
    Entry {
        id: id.to_string(),
        list: "TEST".to_string(),
        names: names.iter().map(|n| n.to_string()).collect(),
        birth_dates: birth
            .map(|(y, m, d)| PartialDate {
                year: y,
                month: Some(m),
                day: Some(d),
            })
            .into_iter()
            .collect(),
        nationalities: vec![nationality.to_string()],
        gender: Some(Gender::Male),
        documents: document
            .map(|n| ListedDocument {
                kind: "P".to_string(),
                number: n.to_string(),
                country: None,
            })
            .into_iter()
            .collect(),
    }
}

fn synthetic_list() -> WatchlistIndex {
    WatchlistIndex::build(vec![
        entry(
            "t-1",
            &["PETROVSKY, Ivan Sergeevich", "Иван Сергеевич Петровский"],
            Some((1970, 3, 12)),
            "RUS",
            None,
        ),
        entry(
            "t-2",
            &["AL-QASIMI, Muhammad Abd al-Rahman"],
            Some((1965, 7, 1)),
            "SYR",
            Some("N0123456"),
        ),
        entry(
            "t-3",
            &["KOWALCZYK, Anna Maria"],
            Some((1980, 1, 30)),
            "POL",
            None,
        ),
        entry(
            "t-4",
            &["OSTERHAGEN, Lukas"],
            None,
            "DEU",
            Some("C7X9K2LM4"),
        ),
    ])
}

fn traveller(surname: &str, given: &str, birth: &str, nationality: &str) -> TravellerQuery {
    TravellerQuery {
        surname: surname.to_string(),
        given_names: given.to_string(),
        birth_date: parse_birth_date(birth).expect("test dates are valid"),
        gender: Some(Gender::Male),
        nationality: Some(nationality.to_string()),
        document_number: None,
    }
}

fn top(index: &WatchlistIndex, query: &TravellerQuery) -> Option<(String, f32)> {
    let policy = MatchPolicy::default();
    let mut scratch = index.scratch();
    index
        .screen(query, &policy, &mut scratch)
        .first()
        .map(|c| (index.entries()[c.entry].id.clone(), c.score))
}

#[test]
fn exact_name_and_date_scores_top() {
    let index = synthetic_list();
    let (id, score) = top(
        &index,
        &traveller("PETROVSKY", "IVAN SERGEEVICH", "1970-03-12", "RUS"),
    )
    .expect("found");
    assert_eq!(id, "t-1");
    assert!(score > 0.99, "{score}");
}

#[test]
fn typo_transliteration_and_order_swap_are_found() {
    let index = synthetic_list();
    for (surname, given) in [
        ("PETROVSKII", "IVAN SERGEYEVICH"),
        ("IVAN SERGEEVICH", "PETROVSKY"),
        ("PETRPVSKY", "IVAN"),
        ("ПЕТРОВСКИЙ", "ИВАН СЕРГЕЕВИЧ"),
    ] {
        let found = top(&index, &traveller(surname, given, "1970-03-12", "RUS"));
        assert_eq!(
            found.map(|f| f.0).as_deref(),
            Some("t-1"),
            "{surname} {given}"
        );
    }
}

#[test]
fn arabic_name_variants_meet() {
    let index = synthetic_list();
    for (surname, given) in [
        ("AL QASIMI", "MOHAMMED ABDEL RAHMAN"),
        ("ALQASSIMI", "MUHAMAD ABDULRAHMAN"),
    ] {
        let (id, score) =
            top(&index, &traveller(surname, given, "1965-07-01", "SYR")).expect("found");
        assert_eq!(id, "t-2", "{surname} {given}");
        assert!(score > 0.9, "{surname} {given}: {score}");
    }
}

#[test]
fn a_conflicting_birth_year_lowers_the_score() {
    let index = synthetic_list();
    let (_, same) = top(
        &index,
        &traveller("KOWALCZYK", "ANNA MARIA", "1980-01-30", "POL"),
    )
    .expect("found");
    let (_, other) = top(
        &index,
        &traveller("KOWALCZYK", "ANNA MARIA", "1955-06-02", "POL"),
    )
    .expect("found");
    assert!(other < same - 0.25, "same {same}, other {other}");
}

/// Everything but the surname agrees: a woman listed under her maiden name, or an alias surname.
/// With the whole birth date worth 0.15 the pair stayed at 0.85, below the alert threshold.
#[test]
fn regression_another_surname_with_the_same_whole_birth_date_never_alerted() {
    let index = synthetic_list();
    let policy = MatchPolicy::default();
    let (id, score) = top(
        &index,
        &traveller("NOWAK", "ANNA MARIA", "1980-01-30", "POL"),
    )
    .expect("found");
    assert_eq!(id, "t-3");
    assert!(policy.alerts(score), "{score}");
    // The year alone is not enough for the same names.
    let (_, year_only) =
        top(&index, &traveller("NOWAK", "ANNA MARIA", "1980", "POL")).expect("found");
    assert!(!policy.alerts(year_only), "{year_only}");
}

/// `ALI ALI ABDUL KARIM` holds `ALI` twice: both used to vote for every name with one `ALI`, so
/// dozens of dated two-word `X, Ali` names outranked the listed name written exactly so, which
/// then was never scored.
#[test]
fn regression_a_name_with_a_repeated_word_lost_its_exact_listed_name_to_namesakes() {
    let first = ["KO", "BRA", "ZUL", "MEN", "TAR", "VIS", "GOR", "PEL"];
    let second = [
        "DANIK", "MOVEC", "STRIN", "LABOR", "FUSTEK", "GRAMEL", "TOPIRS", "WEXAN",
    ];
    let mut entries = vec![entry(
        "target",
        &["ALI, Ali Abdul Karim"],
        None,
        "SYR",
        None,
    )];
    for (i, (a, b)) in first
        .iter()
        .flat_map(|a| second.iter().map(move |b| (a, b)))
        .enumerate()
    {
        entries.push(entry(
            &format!("namesake-{i}"),
            &[&format!("{a}{b}, Ali")],
            Some((1962, 5, 1)),
            "SYR",
            None,
        ));
    }
    let index = WatchlistIndex::build(entries);
    let (id, score) = top(
        &index,
        &traveller("ALI", "ALI ABDUL KARIM", "1962-12-27", "SYR"),
    )
    .expect("found");
    assert_eq!(id, "target");
    assert!(score > 0.99, "{score}");
}

/// 2,197 distinct words made of three syllables, none like a name the tests screen.
fn filler_words() -> Vec<String> {
    let syllables = [
        "BO", "DU", "GI", "PA", "TE", "NI", "RU", "SO", "KE", "MI", "FA", "LU", "VO",
    ];
    let mut fillers = Vec::new();
    for a in syllables {
        for b in syllables {
            for c in syllables {
                fillers.push(format!("{a}{b}{c}"));
            }
        }
    }
    fillers
}

/// Entries `{prefix}-{i}` named `{filler}, {given}`, one per filler word, `count` of them: more
/// than 2,000 make `given` too common a word to look its names up.
fn common_given_name(given: &str, count: usize, fillers: &[String]) -> Vec<Entry> {
    fillers
        .iter()
        .take(count)
        .enumerate()
        .map(|(i, filler)| {
            entry(
                &format!("{given}-{i}"),
                &[&format!("{filler}, {given}")],
                None,
                "SYR",
                None,
            )
        })
        .collect()
}

#[test]
fn regression_a_traveller_named_only_in_common_words_was_found_only_through_rarer_spellings() {
    let fillers = filler_words();
    let mut entries = vec![entry(
        "target",
        &["'ALI, Muhammad"],
        Some((1985, 8, 30)),
        "SYR",
        None,
    )];
    entries.extend(common_given_name("Ali", 2_050, &fillers));
    entries.extend(common_given_name("Muhammad", 2_050, &fillers));
    // A rarer spelling of one of the words: it alone was looked up.
    entries.extend(common_given_name("Aliy", 5, &fillers));
    let index = WatchlistIndex::build(entries);
    let (id, score) =
        top(&index, &traveller("ALI", "MUHAMMAD", "1985-08-30", "SYR")).expect("found");
    assert_eq!(id, "target");
    assert!(score > 0.99, "{score}");
}

#[test]
fn regression_a_traveller_named_in_one_common_word_and_initials_was_found_only_through_rarer_spellings(
) {
    let fillers = filler_words();
    let mut entries = vec![entry(
        "target",
        &["AHMAD, Ayman"],
        Some((1971, 2, 1)),
        "SYR",
        None,
    )];
    // Namesakes of every other birth year, and more without one.
    for (i, filler) in fillers.iter().take(2_050).enumerate() {
        let year = 1930 + (i % 70) as u16;
        let birth = (year.abs_diff(1971) > 1 && i % 2 == 0).then_some((year, 6, 1));
        entries.push(entry(
            &format!("Ahmad-{i}"),
            &[&format!("AHMAD, {filler}")],
            birth,
            "SYR",
            None,
        ));
    }
    // A rarer spelling of the word: it alone was looked up.
    entries.extend(common_given_name("Ahmadu", 5, &fillers));
    let index = WatchlistIndex::build(entries);
    let (id, score) = top(&index, &traveller("AHMAD", "A", "1971-02-01", "SYR")).expect("found");
    assert_eq!(id, "target");
    assert!(score >= MatchPolicy::default().alert_threshold, "{score}");
}

#[test]
fn regression_a_name_under_half_the_best_vote_was_dropped_before_its_common_word_counted() {
    let fillers = filler_words();
    let mut entries = vec![entry(
        "target",
        &["HIJAZI, Muhammad"],
        Some((1974, 10, 10)),
        "LBN",
        None,
    )];
    entries.extend(common_given_name("Muhammad", 2_050, &fillers));
    // Namesakes holding the rare words of the traveller's name: over twice the target's vote
    // before MUHAMMAD, too common to look up, counted for it.
    for i in 0..5 {
        entries.push(entry(
            &format!("namesake-{i}"),
            &["HIJAZI, Muhammadi Husayn"],
            None,
            "LBN",
            None,
        ));
    }
    let index = WatchlistIndex::build(entries);
    let query = traveller("HIJAZI", "MUHAMMAD HUSAYN", "1974-10-10", "LBN");
    let policy = MatchPolicy::default();
    let mut scratch = index.scratch();
    let found = index.screen(&query, &policy, &mut scratch);
    let target = found
        .iter()
        .find(|c| index.entries()[c.entry].id == "target")
        .expect("the target is a candidate");
    assert!(target.score >= policy.alert_threshold, "{}", target.score);
}

#[test]
fn regression_words_too_common_to_vote_left_the_full_name_ranked_below_shorter_namesakes() {
    let fillers = filler_words();
    let mut entries = vec![entry(
        "target",
        &["ZHURAVLEV, Alexey Alexandrovich"],
        None,
        "RUS",
        None,
    )];
    // More names than a word may have and still look its names up: these two are too common.
    for common in ["Alexey", "Alexandrovich"] {
        entries.extend(common_given_name(common, 2_050, &fillers));
    }
    // Namesakes with a shorter name, more than the candidates kept.
    for (i, filler) in fillers.iter().take(60).enumerate() {
        entries.push(entry(
            &format!("namesake-{i}"),
            &[&format!("ZHURAVLEV, {filler}")],
            None,
            "RUS",
            None,
        ));
    }
    let index = WatchlistIndex::build(entries);
    let (id, score) = top(
        &index,
        &traveller("ZHURAVLEV", "ALEXEY ALEXANDROVICH", "1975-01-01", "RUS"),
    )
    .expect("found");
    assert_eq!(id, "target");
    assert!(score > 0.99, "{score}");
}

#[test]
fn document_typo_is_found_with_a_weak_name() {
    let index = synthetic_list();
    let mut query = traveller("OSTERHAGEN", "L", "1990-05-05", "DEU");
    query.document_number = Some("C7X9K2IM4".to_string());
    let policy = MatchPolicy::default();
    let mut scratch = index.scratch();
    let candidates = index.screen(&query, &policy, &mut scratch);
    let best = candidates.first().expect("found");
    assert_eq!(index.entries()[best.entry].id, "t-4");
    let explanation = index
        .explain(&query, best.entry, &policy, &mut scratch)
        .expect("explained");
    let json = serde_json::to_value(&explanation).expect("serialisable");
    assert_eq!(json["document"]["outcome"], "ocr_equivalent");
    assert!(json["document"]["adjustment"].as_f64().expect("number") > 0.0);
}

#[test]
fn an_unrelated_traveller_gets_no_candidate() {
    let index = synthetic_list();
    assert_eq!(
        top(
            &index,
            &traveller("NAKAMURA", "HARUTO", "1992-02-02", "JPN")
        ),
        None
    );
}

#[test]
fn explanation_names_each_field() {
    let index = synthetic_list();
    let query = traveller("PETROVSKY", "IVAN", "1970-12-03", "RUS");
    let policy = MatchPolicy::default();
    let mut scratch = index.scratch();
    let best = index.screen(&query, &policy, &mut scratch)[0];
    let explanation = index
        .explain(&query, best.entry, &policy, &mut scratch)
        .expect("explained");
    assert_eq!(explanation.entry_id, "t-1");
    assert!((explanation.score - best.score).abs() < 1e-6);
    let json = serde_json::to_value(&explanation).expect("serialisable");
    assert_eq!(json["birth_date"]["outcome"], "day_month_swapped");
    assert_eq!(json["nationality"]["outcome"], "match");
    assert_eq!(json["name"]["unmatched_listed"][0], "SERGEEVICH");
    assert!(json["name"]["pairs"]
        .as_array()
        .expect("pairs")
        .iter()
        .any(|p| p["how"] == "exact"));
}

#[test]
fn the_index_is_shared_across_threads() {
    let index = Arc::new(synthetic_list());
    let handles: Vec<_> = (0..2)
        .map(|_| {
            let index = Arc::clone(&index);
            std::thread::spawn(move || {
                top(&index, &traveller("KOWALCZYK", "ANNA", "1980-01-30", "POL")).map(|t| t.0)
            })
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().expect("thread finished").as_deref(), Some("t-3"));
    }
}

#[test]
fn mrz_truncated_given_name_matches_by_prefix() {
    let index = WatchlistIndex::build(vec![entry(
        "t-9",
        &["GRESHNEVIKOVSKY, Anatoly Nikolaevich"],
        Some((1956, 8, 29)),
        "RUS",
        None,
    )]);
    let (id, score) = top(
        &index,
        &traveller("GRESHNEVIKOVSKY", "ANATOLY NIKOLAE", "1956-08-29", "RUS"),
    )
    .expect("found");
    assert_eq!(id, "t-9");
    assert!(score > 0.95, "{score}");
}

fn screening_travellers() -> Vec<TravellerQuery> {
    vec![
        traveller("PETROVSKY", "IVAN", "1970-03-12", "RUS"),
        traveller("QASIMI", "MOHAMMED", "1965-07-01", "SYR"),
        traveller("PETROVSKI", "IVAN SERGEEVICH", "1970-03-12", "RUS"),
        traveller("KOVALCZYK", "ANNA", "1980-01-30", "POL"),
        traveller("PETROVSKY", "IVAN", "1970-03-12", "RUS"),
        traveller("ПЕТРОВСКИЙ", "ИВАН", "1970-03-12", "RUS"),
        traveller("OSTERHAGEN", "LUKAS", "1990-05-05", "DEU"),
    ]
}

#[test]
fn reused_working_memory_screens_like_fresh_memory() {
    // A reused scratch answers repeated words from its expansion cache; the results must be the
    // ones a fresh scratch computes.
    let index = synthetic_list();
    let policy = MatchPolicy::default();
    let mut reused = index.scratch();
    for round in 0..2 {
        for query in screening_travellers() {
            let fresh = index.screen(&query, &policy, &mut index.scratch());
            let cached = index.screen(&query, &policy, &mut reused);
            assert_eq!(fresh, cached, "round {round}, {}", query.surname);
            if let Some(best) = fresh.first() {
                assert_eq!(
                    index.explain(&query, best.entry, &policy, &mut index.scratch()),
                    index.explain(&query, best.entry, &policy, &mut reused)
                );
            }
        }
    }
}

#[test]
fn regression_working_memory_of_another_index_of_the_same_size_is_not_reused() {
    // Scratch memory was once checked by name count only: an index of another list with as
    // many names would have read the first list's cached vocabulary ids.
    let first = synthetic_list();
    let second = WatchlistIndex::build(vec![
        entry("u-1", &["OSTERHAGEN, Lukas"], None, "DEU", None),
        entry("u-2", &["KOWALCZYK, Anna Maria"], None, "POL", None),
        entry("u-3", &["AL-QASIMI, Muhammad"], None, "SYR", None),
        entry(
            "u-4",
            &["PETROVSKY, Ivan", "Иван Петровский"],
            None,
            "RUS",
            None,
        ),
    ]);
    assert_eq!(first.name_count(), second.name_count());
    let policy = MatchPolicy::default();
    let mut scratch = first.scratch();
    for query in screening_travellers() {
        let _ = first.screen(&query, &policy, &mut scratch);
    }
    for query in screening_travellers() {
        assert_eq!(
            second.screen(&query, &policy, &mut scratch),
            second.screen(&query, &policy, &mut second.scratch()),
            "{}",
            query.surname
        );
    }
}

#[test]
fn batches_screened_with_the_index_s_kept_working_memory_screen_like_fresh_memory() {
    // `screen_many` takes working memory kept by the index from earlier batches (warm expansion
    // caches, votes left to clear); every batch must still get what fresh memory computes.
    let index = synthetic_list();
    let policy = MatchPolicy::default();
    let travellers = screening_travellers();
    let fresh: Vec<_> = travellers
        .iter()
        .map(|query| index.screen(query, &policy, &mut index.scratch()))
        .collect();
    for round in 0..3 {
        assert_eq!(
            index.screen_many(&travellers, &policy),
            fresh,
            "round {round}"
        );
        let mut lent = index.pooled_scratch();
        for (query, expected) in travellers.iter().zip(&fresh) {
            assert_eq!(&index.screen(query, &policy, &mut lent), expected);
        }
    }
}

#[test]
fn a_birth_year_bonus_counts_every_birth_date_of_an_entry() {
    // Ranking reads an entry's birth years from a compact copy that holds two years; an entry
    // with more must still be ranked by all of them. Among many namesakes only the ranking's
    // birth-year bonus brings the one born near the traveller's year into the scored candidates.
    let mut entries: Vec<Entry> = (0..200)
        .map(|i| {
            entry(
                &format!("n-{i}"),
                &["HALVORSEN, Tormod"],
                Some((1950, 1, 1)),
                "NOR",
                None,
            )
        })
        .collect();
    let mut dated = entry(
        "dated",
        &["HALVORSEN, Tormod"],
        Some((1931, 1, 1)),
        "NOR",
        None,
    );
    for year in [1935, 1941, 1977, 1988] {
        dated.birth_dates.push(PartialDate {
            year,
            month: None,
            day: None,
        });
    }
    entries.push(dated);
    let index = WatchlistIndex::build(entries);
    let found = top(
        &index,
        &traveller("HALVORSEN", "TORMOD", "1988-06-01", "NOR"),
    );
    assert_eq!(found.map(|(id, _)| id).as_deref(), Some("dated"));
}

#[test]
fn an_initial_brings_its_name_among_many_namesakes_into_the_candidates() {
    // Initials never vote, so among 200 entries sharing the surname only the ranking's initials
    // bonus brings the one whose given name starts with the traveller's initial into the 40
    // names scored in full; it was left to the order of the list.
    let given = [
        "Anders", "Bjorn", "Kari", "Lars", "Nils", "Olav", "Per", "Rune",
    ];
    let mut entries: Vec<Entry> = (0..200)
        .map(|i| {
            let name = format!("HALVORSEN, {}", given[i % given.len()]);
            entry(&format!("n-{i}"), &[&name], None, "NOR", None)
        })
        .collect();
    entries.push(entry("t", &["HALVORSEN, Tormod"], None, "NOR", None));
    let index = WatchlistIndex::build(entries);
    let found = top(&index, &traveller("HALVORSEN", "T", "1960-01-01", "NOR"));
    assert_eq!(found.map(|(id, _)| id).as_deref(), Some("t"));
}
