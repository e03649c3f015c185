//! Edit distance that knows how people mistype: a key next to the intended one, a doubled or
//! neighbouring key pressed twice, two letters swapped, cost half of an arbitrary edit.
//!
//! Hand-written because the usual crates (`strsim`, `rapidfuzz`) offer unit or uniform weights only.

/// QWERTY rows with their horizontal offset in key widths.
const ROWS: [(&[u8], f32); 3] = [
    (b"QWERTYUIOP", 0.0),
    (b"ASDFGHJKL", 0.25),
    (b"ZXCVBNM", 0.75),
];

fn key_position(c: u8) -> Option<(usize, f32)> {
    ROWS.iter().enumerate().find_map(|(row, (keys, offset))| {
        keys.iter()
            .position(|&k| k == c)
            .map(|col| (row, col as f32 + offset))
    })
}

/// Neighbouring keys on a QWERTY keyboard (same key included).
pub fn adjacent_keys(a: u8, b: u8) -> bool {
    if a == b {
        return true;
    }
    match (letter_index(a), letter_index(b)) {
        (Some(x), Some(y)) => adjacency()[x] & (1 << y) != 0,
        _ => false,
    }
}

fn letter_index(c: u8) -> Option<usize> {
    c.is_ascii_uppercase().then(|| usize::from(c - b'A'))
}

/// For each letter, the set of its neighbouring keys as a bit mask (bit 0 = `A`), computed once
/// from the key positions: the distance table asks this for every pair of letters it compares.
fn adjacency() -> &'static [u32; 26] {
    static TABLE: std::sync::OnceLock<[u32; 26]> = std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut table = [0u32; 26];
        for (x, row) in table.iter_mut().enumerate() {
            for y in 0..26 {
                if geometrically_adjacent(b'A' + x as u8, b'A' + y as u8) {
                    *row |= 1 << y;
                }
            }
        }
        table
    })
}

fn geometrically_adjacent(a: u8, b: u8) -> bool {
    match (key_position(a), key_position(b)) {
        (Some((ra, ca)), Some((rb, cb))) => match ra.abs_diff(rb) {
            0 => (ca - cb).abs() <= 1.0,
            1 => (ca - cb).abs() <= 0.75,
            _ => false,
        },
        _ => false,
    }
}

/// Cost of a typing slip (adjacent key, doubled key, transposition) relative to a plain edit.
const SLIP_COST: f32 = 0.5;

/// Words up to this length are compared in a table on the stack.
const STACK_WORD_LENGTH: usize = 24;

/// Cost of inserting (or deleting) each letter of `word`: a slip when the letter repeats or
/// neighbours the letter before or after it.
fn insertion_costs(word: &[u8], costs: &mut [f32]) {
    for (at, cost) in costs.iter_mut().enumerate().take(word.len()) {
        let c = word[at];
        let near = |k: Option<&u8>| k.is_some_and(|&k| adjacent_keys(c, k));
        *cost = if near(at.checked_sub(1).and_then(|p| word.get(p))) || near(word.get(at + 1)) {
            SLIP_COST
        } else {
            1.0
        };
    }
}

/// Cost of writing `y` for `x`: nothing when equal, a slip for a neighbouring key.
fn substitution_cost(x: u8, y: u8) -> f32 {
    if x == y {
        0.0
    } else if adjacent_keys(x, y) {
        SLIP_COST
    } else {
        1.0
    }
}

/// Optimal-string-alignment distance over ASCII upper-case words with slip-aware costs.
pub fn typing_distance(a: &str, b: &str) -> f32 {
    typing_distance_within(a, b, f32::INFINITY)
}

/// [`typing_distance`] when it is at most `limit`, else some value above `limit`: the table
/// stops once two rows in a row are above it (a cell reads the row before and, for a
/// transposition, the one before that, and no cost is negative, so no later cell can come back
/// under it).
fn typing_distance_within(a: &str, b: &str, limit: f32) -> f32 {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let (n, m) = (a.len(), b.len());
    if n <= STACK_WORD_LENGTH && m <= STACK_WORD_LENGTH {
        let mut rows = [0.0f32; 3 * (STACK_WORD_LENGTH + 1)];
        let mut a_costs = [0.0f32; STACK_WORD_LENGTH];
        let mut b_costs = [0.0f32; STACK_WORD_LENGTH];
        distance_table(a, b, limit, &mut rows, &mut a_costs, &mut b_costs)
    } else {
        let mut rows = vec![0.0f32; 3 * (m + 1)];
        let (mut a_costs, mut b_costs) = (vec![0.0f32; n], vec![0.0f32; m]);
        distance_table(a, b, limit, &mut rows, &mut a_costs, &mut b_costs)
    }
}

/// Runs the (n+1) x (m+1) distance table in three rolling rows of `rows` (row `i` of the table
/// at `i % 3`; transpositions read two rows back) and returns the distance, or the smallest
/// cell of a row once that and the row before are both above `limit`. Three rows rather than
/// the whole table: zeroing a table for the longest words cost more than filling the cells of
/// most pairs.
fn distance_table(
    a: &[u8],
    b: &[u8],
    limit: f32,
    rows: &mut [f32],
    a_costs: &mut [f32],
    b_costs: &mut [f32],
) -> f32 {
    let (n, m) = (a.len(), b.len());
    let width = m + 1;
    insertion_costs(a, a_costs);
    insertion_costs(b, b_costs);
    rows[0] = 0.0;
    for j in 1..=m {
        rows[j] = rows[j - 1] + b_costs[j - 1];
    }
    let mut previous_row_above = false;
    for i in 1..=n {
        let (current, previous, two_back) = (
            (i % 3) * width,
            ((i - 1) % 3) * width,
            ((i + 1) % 3) * width,
        );
        rows[current] = rows[previous] + a_costs[i - 1];
        let mut row_least = rows[current];
        for j in 1..=m {
            let substitution = substitution_cost(a[i - 1], b[j - 1]);
            let mut best = (rows[previous + j - 1] + substitution)
                .min(rows[previous + j] + a_costs[i - 1])
                .min(rows[current + j - 1] + b_costs[j - 1]);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(rows[two_back + j - 2] + SLIP_COST);
            }
            rows[current + j] = best;
            row_least = row_least.min(best);
        }
        if row_least > limit {
            if previous_row_above {
                return row_least;
            }
            previous_row_above = true;
        } else {
            previous_row_above = false;
        }
    }
    rows[(n % 3) * width + m]
}

/// `1 - distance / longer length`, in [0, 1].
pub fn typing_similarity(a: &str, b: &str) -> f32 {
    typing_similarity_above(a, b, f32::NEG_INFINITY)
}

/// [`typing_similarity`] when it is `needed` or more, else either it or 0: the distance table
/// stops early for most pairs that cannot reach `needed`.
pub fn typing_similarity_above(a: &str, b: &str, needed: f32) -> f32 {
    let longest = a.len().max(b.len());
    if longest == 0 {
        return 1.0;
    }
    // Similarity `needed` or more is distance at most this; the margin keeps rounding on the
    // side of computing the table in full.
    let limit = (1.0 - needed) * longest as f32 + TYPING_LIMIT_MARGIN;
    let distance = typing_distance_within(a, b, limit);
    if distance > limit {
        return 0.0;
    }
    (1.0 - distance / longest as f32).max(0.0)
}

/// Slack for f32 rounding in [`typing_similarity_above`]'s limit.
const TYPING_LIMIT_MARGIN: f32 = 1e-3;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn neighbouring_keys() {
        assert!(adjacent_keys(b'S', b'Z'));
        assert!(adjacent_keys(b'K', b'O'));
        assert!(!adjacent_keys(b'Q', b'P'));
    }

    #[test]
    fn slips_cost_half() {
        assert_eq!(typing_distance("SADR", "ZADR"), 0.5);
        assert_eq!(typing_distance("IGOR", "IGKOR"), 0.5);
        assert_eq!(typing_distance("MALEKI", "MALEKKI"), 0.5);
        assert_eq!(typing_distance("THITSAR", "THITSRA"), 0.5);
        assert_eq!(typing_distance("SADR", "PADR"), 1.0);
        assert_eq!(typing_distance("", "AB"), 2.0);
    }

    /// The table in full, as the distance is defined: the oracle of the rolling rows.
    fn full_table_distance(a: &[u8], b: &[u8]) -> f32 {
        let (n, m) = (a.len(), b.len());
        let width = m + 1;
        let (mut a_costs, mut b_costs) = (vec![0.0f32; n], vec![0.0f32; m]);
        insertion_costs(a, &mut a_costs);
        insertion_costs(b, &mut b_costs);
        let mut d = vec![0.0f32; (n + 1) * width];
        for i in 1..=n {
            d[i * width] = d[(i - 1) * width] + a_costs[i - 1];
        }
        for j in 1..=m {
            d[j] = d[j - 1] + b_costs[j - 1];
        }
        for i in 1..=n {
            for j in 1..=m {
                let substitution = substitution_cost(a[i - 1], b[j - 1]);
                let mut best = (d[(i - 1) * width + j - 1] + substitution)
                    .min(d[(i - 1) * width + j] + a_costs[i - 1])
                    .min(d[i * width + j - 1] + b_costs[j - 1]);
                if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                    best = best.min(d[(i - 2) * width + j - 2] + SLIP_COST);
                }
                d[i * width + j] = best;
            }
        }
        d[n * width + m]
    }

    #[test]
    fn rolling_rows_give_the_distance_of_the_full_table() {
        let mut rng = fastrand::Rng::with_seed(21);
        let letters = b"SADZXQWERT";
        let words: Vec<String> = (0..300)
            .map(|_| {
                (0..rng.usize(0..30))
                    .map(|_| letters[rng.usize(..letters.len())] as char)
                    .collect()
            })
            .collect();
        for a in &words {
            for b in words.iter().step_by(3) {
                let full = full_table_distance(a.as_bytes(), b.as_bytes());
                assert_eq!(typing_distance(a, b).to_bits(), full.to_bits(), "{a} {b}");
                // Stopped early, the table still gives the distance wherever it is within the
                // limit, and something above the limit elsewhere.
                for limit in [0.5f32, 1.0, 2.0, 3.5] {
                    let within = typing_distance_within(a, b, limit);
                    if full <= limit {
                        assert_eq!(within.to_bits(), full.to_bits(), "{a} {b} {limit}");
                    } else {
                        assert!(within > limit, "{a} {b} {limit}: {within}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_similarity_needed_is_exact_wherever_it_is_reached() {
        let mut rng = fastrand::Rng::with_seed(5);
        let letters = b"SADZXQWERT";
        for _ in 0..20_000 {
            let mut word = || -> String {
                (0..rng.usize(0..12))
                    .map(|_| letters[rng.usize(..letters.len())] as char)
                    .collect()
            };
            let (a, b) = (word(), word());
            let exact = typing_similarity(&a, &b);
            for needed in [0.0f32, 0.5, 0.75, 0.8, 0.875, 0.9] {
                let above = typing_similarity_above(&a, &b, needed);
                if exact >= needed {
                    assert_eq!(above.to_bits(), exact.to_bits(), "{a} {b} {needed}");
                } else {
                    assert!(above == exact || above == 0.0, "{a} {b} {needed}: {above}");
                }
            }
        }
    }

    #[test]
    fn long_words_take_the_heap_table_with_the_same_costs() {
        let long_a = "SADR".repeat(8);
        let long_b = "ZADR".repeat(8);
        assert_eq!(typing_distance(&long_a, &long_b), 4.0);
    }

    #[test]
    fn adjacency_table_agrees_with_key_geometry() {
        for a in b'A'..=b'Z' {
            for b in b'A'..=b'Z' {
                assert_eq!(
                    adjacent_keys(a, b),
                    a == b || geometrically_adjacent(a, b),
                    "{} {}",
                    a as char,
                    b as char
                );
            }
        }
        assert!(!adjacent_keys(b'1', b'2'));
        assert!(adjacent_keys(b'1', b'1'));
    }
}
