//! Property tests: any name, in any script or none, is tokenised, compared, indexed and screened
//! without a panic, and every score stays in [0, 1]. Names mix the alphabets lists and passports
//! use with punctuation, digits and the letters the Somali reading rewrites, so the readings
//! and splits that index bytes (`somali`, attached `ABD`, particles) see awkward input.

use matcher::name::tokenize;
use matcher::name_score::align;
use matcher::token_similarity::token_similarity;
use matcher::{MatchPolicy, TravellerQuery, WatchlistIndex};
use model::watchlist::Entry;
use proptest::prelude::*;

/// A name: words of Latin (Somali-marked letters included), Arabic, Cyrillic, Han or any
/// character, with the separators lists write.
fn name() -> impl Strategy<Value = String> {
    let word = prop_oneof![
        "[ACDEHIKLMORSUXW]{1,9}",
        "[A-Za-z'-]{1,12}",
        "(ABD|ABDUL|BIN|AL|BINAL|SHEIKH|HAJJI|DR)?[A-Z]{0,8}",
        "[ابتثجحخدذرسشصضطظعغفقكلمنهوي]{1,7}",
        "[абвгдежзийклмнопрстуфхцчшщыэюя]{1,10}",
        "[一-龥]{1,3}",
        ".{0,6}",
    ];
    prop::collection::vec(word, 0..6).prop_flat_map(|words| {
        let separator = prop::sample::select(vec![" ", ", ", "-", " (", ") ", "; ", " or "]);
        let separators = prop::collection::vec(separator, words.len());
        (Just(words), separators).prop_map(|(words, separators)| {
            words
                .iter()
                .zip(separators)
                .map(|(w, s)| format!("{w}{s}"))
                .collect::<String>()
        })
    })
}

fn entry(id: usize, names: Vec<String>) -> Entry {
    Entry {
        id: format!("e-{id}"),
        list: "TEST".to_string(),
        names,
        birth_dates: Vec::new(),
        nationalities: Vec::new(),
        gender: None,
        documents: Vec::new(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn any_two_names_compare_within_bounds(a in name(), b in name()) {
        let (x, y) = (tokenize(&a), tokenize(&b));
        for p in &x {
            for q in &y {
                let s = token_similarity(p, q, true).score;
                prop_assert!((0.0..=1.0).contains(&s), "{a:?} {b:?}: {s}");
            }
        }
        let (xr, yr): (Vec<_>, Vec<_>) = (x.iter().collect(), y.iter().collect());
        let alignment = align(&xr, &yr, |i, j| token_similarity(xr[i], yr[j], false));
        prop_assert!((0.0..=1.0).contains(&alignment.score), "{a:?} {b:?}: {alignment:?}");
    }

    #[test]
    fn any_list_screens_any_traveller(
        listed in prop::collection::vec(prop::collection::vec(name(), 1..3), 1..6),
        surname in name(),
        given_names in name(),
    ) {
        let entries: Vec<Entry> = listed.into_iter().enumerate().map(|(i, n)| entry(i, n)).collect();
        let index = WatchlistIndex::build(entries);
        let traveller = TravellerQuery {
            surname,
            given_names,
            birth_date: None,
            gender: None,
            nationality: None,
            document_number: None,
        };
        let found = index.screen(&traveller, &MatchPolicy::default(), &mut index.scratch());
        for candidate in found {
            prop_assert!((0.0..=1.0).contains(&candidate.score), "{candidate:?}");
        }
    }

    #[test]
    fn a_somali_reading_has_no_letter_it_rewrites(words in prop::collection::vec("[ACDEHIKLMORSUXW]{2,9}", 1..5)) {
        for token in tokenize(&words.join(" ")) {
            if let Some(reading) = &token.somali {
                prop_assert!(!reading.folded.contains('X'), "{token:?}");
                prop_assert!(reading.somali.is_none());
            }
        }
    }
}
