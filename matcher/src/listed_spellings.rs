//! How a listed name is read: lists write alternatives inside one name, in brackets
//! (`DIKIY (DIKY), Aleksey`) or joined by a lower-case `or` (Canada's lists: `Aleksandr or
//! Alexander`, `Katsiaryna or Katerina Smuschkovich`, `Hanna Borisovna Liavusik or Anna Borisovna
//! Leusik`). Each reading is indexed as a spelling of the name; an `or` itself never becomes a
//! name part.

use crate::string_distance::jaro_winkler;

/// The spellings of a listed name to index. A bracketed remark or alternative is read both with
/// and without it; a name of `or` alternatives is read once per alternative, not as written.
pub fn listed_spellings(name: &str) -> Vec<String> {
    let mut spellings = Vec::new();
    for reading in or_readings(name) {
        let without = reading.contains('(').then(|| without_brackets(&reading));
        spellings.push(reading);
        spellings.extend(without);
    }
    spellings
}

/// Words at least this alike on both sides of an `or` are two spellings of one name part
/// (`Evgenyevich or Evgenievich`); less alike, the `or` separates whole names.
const SAME_PART: f64 = 0.8;

/// The readings of a name written with `or`: whole names when every alternative has two words or
/// more and the words meeting at each `or` differ (`Елена Петровна Тимченко or Елена Ермакова`),
/// otherwise one name part at a time (`Aleksandr Evgenyevich or Evgenievich Kon'kov`: the middle
/// part has two spellings). The name as written when it has no such `or`.
fn or_readings(name: &str) -> Vec<String> {
    let words: Vec<&str> = name.split_whitespace().collect();
    // Lower case only: in a list's mixed-case names a name part is capitalised (`Or` is a given name).
    let segments: Vec<&[&str]> = words.split(|w| *w == "or").collect();
    if segments.len() < 2 || segments.iter().any(|s| s.is_empty()) {
        return vec![name.to_string()];
    }
    let part = |word: &str| word.trim_end_matches([',', ';']).to_uppercase();
    let alike = segments.windows(2).any(|pair| {
        let (before, after) = (pair[0][pair[0].len() - 1], pair[1][0]);
        jaro_winkler(&part(before), &part(after)) >= SAME_PART
    });
    if !alike && segments.iter().all(|s| s.len() >= 2) {
        return segments.iter().map(|s| s.join(" ")).collect();
    }
    // One slot per name part; the words joined by `or` are the alternatives of one slot.
    let mut slots: Vec<Vec<&str>> = Vec::new();
    let mut after_or = false;
    for (i, word) in words.iter().enumerate() {
        if *word == "or" {
            after_or = true;
            continue;
        }
        // A comma before `or` (`Alexander, or Alexandr`) marks the alternative, not a family name.
        let word = if words.get(i + 1) == Some(&"or") {
            word.trim_end_matches([',', ';'])
        } else {
            word
        };
        match slots.last_mut() {
            Some(slot) if after_or => slot.push(word),
            _ => slots.push(vec![word]),
        }
        after_or = false;
    }
    // Reading k takes the k-th alternative of every slot (the last one of a shorter slot): every
    // alternative is read once, without multiplying the slots' alternatives out.
    let readings = slots.iter().map(Vec::len).max().unwrap_or(1);
    (0..readings)
        .map(|k| {
            slots
                .iter()
                .map(|slot| slot[k.min(slot.len() - 1)])
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect()
}

/// The name with bracketed parts removed.
fn without_brackets(name: &str) -> String {
    let mut depth = 0usize;
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_name_without_alternatives_is_read_as_written() {
        assert_eq!(
            listed_spellings("AL-TIKRITI, Bashar"),
            ["AL-TIKRITI, Bashar"]
        );
        // Upper-case OR is a name part, not a conjunction.
        assert_eq!(listed_spellings("COHEN, OR"), ["COHEN, OR"]);
    }

    #[test]
    fn brackets_are_read_with_and_without() {
        assert_eq!(
            listed_spellings("DIKIY (DIKY), Aleksey"),
            ["DIKIY (DIKY), Aleksey", "DIKIY , Aleksey"]
        );
    }

    #[test]
    fn regression_or_between_alternatives_became_a_name_part() {
        // `Aleksandr or Alexander` was one three-part name: `ALEXANDER ALEXANDRA` met two of them.
        assert_eq!(
            listed_spellings("Aleksandr or Alexander"),
            ["Aleksandr", "Alexander"]
        );
        assert_eq!(
            listed_spellings("Katsiaryna or Katerina Smuschkovich"),
            ["Katsiaryna Smuschkovich", "Katerina Smuschkovich"]
        );
        assert_eq!(
            listed_spellings("Aleksandr Evgenyevich or Evgenievich Kon’kov"),
            [
                "Aleksandr Evgenyevich Kon’kov",
                "Aleksandr Evgenievich Kon’kov"
            ]
        );
        assert_eq!(
            listed_spellings("Alexander, or Alexandr Valerievich Kalinin"),
            [
                "Alexander Valerievich Kalinin",
                "Alexandr Valerievich Kalinin"
            ]
        );
    }

    #[test]
    fn or_between_whole_names_gives_each_name() {
        assert_eq!(
            listed_spellings("Hanna Borisovna Liavusik or Anna Borisovna Leusik"),
            ["Hanna Borisovna Liavusik", "Anna Borisovna Leusik"]
        );
        assert_eq!(
            listed_spellings("Елена Петровна Тимченко or Елена Ермакова"),
            ["Елена Петровна Тимченко", "Елена Ермакова"]
        );
    }

    #[test]
    fn several_alternatives_of_several_parts_are_each_read_once() {
        let readings = listed_spellings(
            "Vasilievich or Vasilyevich Maximavich or Maksimavich or Maximovich or Maksimovich",
        );
        assert_eq!(
            readings,
            [
                "Vasilievich Maximavich",
                "Vasilyevich Maksimavich",
                "Vasilyevich Maximovich",
                "Vasilyevich Maksimovich"
            ]
        );
    }

    #[test]
    fn a_dangling_or_is_left_as_written() {
        assert_eq!(listed_spellings("or Alexander"), ["or Alexander"]);
        assert_eq!(listed_spellings("Alexander or"), ["Alexander or"]);
    }
}
