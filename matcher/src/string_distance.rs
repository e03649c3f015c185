//! Jaro-Winkler and optimal-string-alignment distance on short ASCII words, without allocation.
//!
//! Screening compares a traveller's words with hundreds of listed words, and `strsim`'s versions
//! decode UTF-8 and allocate per call. These run on bytes with stack buffers and give exactly
//! `strsim`'s results (same algorithm, same arithmetic); anything that is not ASCII or longer than
//! [`MAX_FAST_LENGTH`] goes to `strsim`. [`jaro_winkler_short_words`] is the one departure: a
//! match window of at least one position, for words of up to three letters.

/// Longest word handled on the stack; longer ones (rare) use `strsim`.
pub const MAX_FAST_LENGTH: usize = 64;

fn fast_path(a: &str, b: &str) -> bool {
    a.len() <= MAX_FAST_LENGTH && b.len() <= MAX_FAST_LENGTH && a.is_ascii() && b.is_ascii()
}

/// Same value as `strsim::jaro_winkler`.
pub fn jaro_winkler(a: &str, b: &str) -> f64 {
    jaro_winkler_within(a, b, 0)
}

/// Jaro-Winkler whose match window reaches at least one position either way. Jaro's own
/// window, half the longer word less one, is zero up to three letters: a letter left out or
/// added (`LV`/`LEV`, `SM`/`SAM`) shifts the rest out of reach, and two such words met as
/// strangers. From four letters on this is exactly [`jaro_winkler`].
pub fn jaro_winkler_short_words(a: &str, b: &str) -> f64 {
    jaro_winkler_within(a, b, 1)
}

fn jaro_winkler_within(a: &str, b: &str, min_range: usize) -> f64 {
    if !fast_path(a, b) {
        // Non-ASCII or over-long words: `strsim`'s window (the wider one matters for short ASCII
        // names only, which always take the fast path).
        return strsim::jaro_winkler(a, b);
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let sim = jaro(a, b, min_range);
    if sim > 0.7 {
        let prefix_length = a.iter().take(4).zip(b).take_while(|(x, y)| x == y).count();
        sim + 0.1 * prefix_length as f64 * (1.0 - sim)
    } else {
        sim
    }
}

/// `strsim::generic_jaro` on bytes (both at most [`MAX_FAST_LENGTH`] long), with a match window
/// of at least `min_range`.
fn jaro(a: &[u8], b: &[u8], min_range: usize) -> f64 {
    let (a_len, b_len) = (a.len(), b.len());
    if a_len == 0 && b_len == 0 {
        return 1.0;
    } else if a_len == 0 || b_len == 0 {
        return 0.0;
    }
    let search_range = (a_len.max(b_len) / 2).saturating_sub(1).max(min_range);
    // Matched positions as bits (both words are at most 64 bytes): no flag arrays to clear,
    // and the transposition count walks the set bits in order.
    let (mut a_flags, mut b_flags) = (0u64, 0u64);
    let mut matches = 0usize;
    for (i, &x) in a.iter().enumerate() {
        let min_bound = i.saturating_sub(search_range);
        let max_bound = b_len.min(i + search_range + 1);
        for (j, &y) in b.iter().enumerate().take(max_bound).skip(min_bound) {
            if y == x && b_flags & (1 << j) == 0 {
                a_flags |= 1 << i;
                b_flags |= 1 << j;
                matches += 1;
                break;
            }
        }
    }
    if matches == 0 {
        return 0.0;
    }
    let mut transpositions = 0usize;
    let mut b_left = b_flags;
    let mut a_left = a_flags;
    while a_left != 0 {
        let i = a_left.trailing_zeros() as usize;
        let k = b_left.trailing_zeros() as usize;
        if a[i] != b[k] {
            transpositions += 1;
        }
        a_left &= a_left - 1;
        b_left &= b_left - 1;
    }
    transpositions /= 2;
    ((matches as f64 / a_len as f64)
        + (matches as f64 / b_len as f64)
        + ((matches - transpositions) as f64 / matches as f64))
        / 3.0
}

/// Same value as `strsim::osa_distance`.
pub fn osa_distance(a: &str, b: &str) -> usize {
    if !fast_path(a, b) {
        return strsim::osa_distance(a, b);
    }
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if !a.is_empty() && a.iter().all(u8::is_ascii_uppercase) {
        return osa_bit_parallel(a, b);
    }
    let width = b.len() + 1;
    // Three rolling rows: two back (for transpositions), previous, current.
    let mut rows = [[0u8; MAX_FAST_LENGTH + 1]; 3];
    for (j, cell) in rows[0][..width].iter_mut().enumerate() {
        *cell = j as u8;
    }
    rows[1] = rows[0];
    let (mut two_back, mut previous, mut current) = (0usize, 1usize, 2usize);
    for (i, &x) in a.iter().enumerate() {
        rows[current][0] = (i + 1) as u8;
        for (j, &y) in b.iter().enumerate() {
            let cost = u8::from(x != y);
            let mut best = (rows[current][j] + 1)
                .min(rows[previous][j + 1] + 1)
                .min(rows[previous][j] + cost);
            if i > 0 && j > 0 && x != y && x == b[j - 1] && y == a[i - 1] {
                best = best.min(rows[two_back][j - 1] + 1);
            }
            rows[current][j + 1] = best;
        }
        (two_back, previous, current) = (previous, current, two_back);
    }
    usize::from(rows[previous][b.len()])
}

/// OSA distance by Hyyrö's bit-parallel algorithm (2003), one machine word per column of the
/// table: `a` is 1 to 64 upper-case ASCII letters, `b` any bytes. The table's recurrence is the
/// one [`osa_distance`]'s rows compute, a column at a time in bits: vertical deltas (`vp`, `vn`),
/// the diagonal-zero set (`d0`), and a transposition where this byte of `b` and the one before
/// meet a swapped pair of `a`.
fn osa_bit_parallel(a: &[u8], b: &[u8]) -> usize {
    let m = a.len();
    let mut letters = [0u64; 32];
    for (i, &c) in a.iter().enumerate() {
        letters[usize::from(c & 31)] |= 1 << i;
    }
    let matches_of = |c: u8| {
        if c.is_ascii_uppercase() {
            letters[usize::from(c & 31)]
        } else {
            0
        }
    };
    let last = 1u64 << (m - 1);
    let (mut vp, mut vn, mut d0, mut previous_matches) = (u64::MAX, 0u64, 0u64, 0u64);
    let mut distance = m;
    for &c in b {
        let matches = matches_of(c);
        let transposition = ((!d0 & matches) << 1) & previous_matches;
        d0 = (((matches & vp).wrapping_add(vp)) ^ vp) | matches | vn | transposition;
        let hp = vn | !(d0 | vp);
        let hn = d0 & vp;
        if hp & last != 0 {
            distance += 1;
        } else if hn & last != 0 {
            distance -= 1;
        }
        let hp = (hp << 1) | 1;
        let hn = hn << 1;
        vp = hn | !(d0 | hp);
        vn = hp & d0;
        previous_matches = matches;
    }
    distance
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Words over a small alphabet (so that matches and transpositions are frequent), plus the
    /// edge cases: empty, one letter, non-ASCII and over-long words that take the fallback.
    fn words() -> Vec<String> {
        let mut rng = fastrand::Rng::with_seed(7);
        let mut words: Vec<String> = (0..400)
            .map(|_| {
                let len = rng.usize(0..14);
                (0..len).map(|_| (b'A' + rng.u8(0..5)) as char).collect()
            })
            .collect();
        words.extend(
            [
                "", "A", "MARTHA", "MARHTA", "DWAYNE", "DUANE", "ÉMILE", "EMILE", "MUHAMMAD",
                "MOHAMMED", "abc", "aBC", "A1B", "[A]", "AB-BA",
            ]
            .map(String::from),
        );
        words.push("AB".repeat(40));
        words.push("BA".repeat(33));
        words
    }

    #[test]
    fn jaro_winkler_equals_strsim() {
        let words = words();
        for a in &words {
            for b in words.iter().step_by(7) {
                assert_eq!(
                    jaro_winkler(a, b).to_bits(),
                    strsim::jaro_winkler(a, b).to_bits(),
                    "{a} / {b}"
                );
            }
        }
    }

    #[test]
    fn short_word_jaro_winkler_differs_only_up_to_three_letters() {
        let words = words();
        for a in &words {
            for b in words.iter().step_by(7) {
                if a.len().max(b.len()) >= 4 {
                    assert_eq!(
                        jaro_winkler_short_words(a, b).to_bits(),
                        jaro_winkler(a, b).to_bits(),
                        "{a} / {b}"
                    );
                } else {
                    assert!(
                        jaro_winkler_short_words(a, b) >= jaro_winkler(a, b),
                        "{a} / {b}"
                    );
                }
            }
        }
    }

    #[test]
    fn regression_a_letter_left_out_of_a_short_word_left_it_a_stranger() {
        assert!(jaro_winkler("LV", "LEV") < 0.7);
        assert!((jaro_winkler_short_words("LV", "LEV") - 0.9).abs() < 1e-9);
        assert!(jaro_winkler_short_words("SM", "SAM") > 0.85);
        assert!(jaro_winkler_short_words("LV", "AB") < 0.5);
    }

    #[test]
    fn bit_parallel_osa_equals_strsim_up_to_a_machine_word() {
        let mut rng = fastrand::Rng::with_seed(8);
        let word = |rng: &mut fastrand::Rng, len: usize| -> String {
            (0..len).map(|_| (b'A' + rng.u8(0..4)) as char).collect()
        };
        for _ in 0..3_000 {
            let (a_len, b_len) = (rng.usize(1..=64), rng.usize(0..=64));
            let (a, b) = (word(&mut rng, a_len), word(&mut rng, b_len));
            assert_eq!(
                osa_distance(&a, &b),
                strsim::osa_distance(&a, &b),
                "{a} / {b}"
            );
        }
    }

    #[test]
    fn osa_distance_equals_strsim() {
        let words = words();
        for a in &words {
            for b in words.iter().step_by(7) {
                assert_eq!(osa_distance(a, b), strsim::osa_distance(a, b), "{a} / {b}");
            }
        }
    }
}
