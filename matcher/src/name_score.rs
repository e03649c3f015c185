//! Name similarity: the best one-to-one alignment of token bags, order ignored.
//!
//! Each token carries a weight (word 1, initial 0.5, particle 0.3). A matched pair earns twice the
//! smaller weight times its credit; weight left unmatched on either side (a dropped middle name,
//! an added one, the rest of an initialised given name) counts half against the score, so
//! `ANTIPOV IGOR` against `ANTIPOV IGOR YURIEVICH` scores about 0.89, a shared surname alone about 0.57.

use crate::name::{Token, TokenKind};
use crate::token_similarity::{TokenMatchKind, TokenSimilarity};

/// Pairs below this similarity are not aligned at all.
pub const MIN_TOKEN_SIMILARITY: f32 = 0.75;

/// Weight of a token in the alignment.
pub fn token_weight(token: &Token) -> f32 {
    match token.kind {
        TokenKind::Particle => 0.3,
        TokenKind::Initial => 0.5,
        TokenKind::Word if token.folded.len() <= 2 => 0.6,
        TokenKind::Word => 1.0,
    }
}

/// Credit of an aligned pair: close to the similarity near the top, falling to 0 at the cut-off.
pub fn pair_credit(similarity: f32) -> f32 {
    if similarity >= 0.9 {
        similarity
    } else {
        (0.9 * (similarity - MIN_TOKEN_SIMILARITY) / (0.9 - MIN_TOKEN_SIMILARITY)).max(0.0)
    }
}

/// One aligned pair: query token index, listed token index(es), how they matched.
#[derive(Debug, Clone, PartialEq)]
pub struct AlignedPair {
    pub query: usize,
    /// Usually one listed token; two when a joined query word matches a split listed compound.
    pub listed: Vec<usize>,
    pub similarity: TokenSimilarity,
}

/// The outcome of aligning two names.
#[derive(Debug, Clone, PartialEq)]
pub struct NameAlignment {
    pub score: f32,
    pub pairs: Vec<AlignedPair>,
    pub unmatched_query: Vec<usize>,
    pub unmatched_listed: Vec<usize>,
}

/// Aligns `query` with `listed`; `similarity(i, j)` compares query token i with listed token j.
pub fn align(
    query: &[&Token],
    listed: &[&Token],
    mut similarity: impl FnMut(usize, usize) -> TokenSimilarity,
) -> NameAlignment {
    let mut candidates: Vec<(f32, usize, usize, TokenSimilarity)> = Vec::with_capacity(query.len() * listed.len());
    for i in 0..query.len() {
        for j in 0..listed.len() {
            let s = similarity(i, j);
            if s.score >= MIN_TOKEN_SIMILARITY {
                // Sort key: credit weighted by the pair's weight, so a word pair wins over an initial.
                let w = token_weight(query[i]).min(token_weight(listed[j]));
                candidates.push((pair_credit(s.score) * w, i, j, s));
            }
        }
    }
    candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut query_used = vec![false; query.len()];
    let mut listed_used = vec![false; listed.len()];
    let mut pairs = Vec::new();
    for (_, i, j, s) in candidates {
        if query_used[i] || listed_used[j] {
            continue;
        }
        query_used[i] = true;
        listed_used[j] = true;
        pairs.push(AlignedPair { query: i, listed: vec![j], similarity: s });
    }
    join_split_compounds(query, listed, &mut query_used, &mut listed_used, &mut pairs);

    let mut total = 0.0f32;
    let mut matched = 0.0f32;
    let mut paired_weight = 0.0f32;
    total += query.iter().map(|t| token_weight(t)).sum::<f32>();
    total += listed.iter().map(|t| token_weight(t)).sum::<f32>();
    let mut any_word = false;
    for pair in &pairs {
        let wq = token_weight(query[pair.query]);
        let wl: f32 = pair.listed.iter().map(|&j| token_weight(listed[j])).sum();
        let w = wq.min(wl);
        // A joined compound stands for both listed parts.
        let w = if pair.listed.len() > 1 { (wq + wl) / 2.0 } else { w };
        matched += 2.0 * w * pair_credit(pair.similarity.score);
        paired_weight += 2.0 * w;
        any_word |= query[pair.query].kind == TokenKind::Word
            && pair.listed.iter().any(|&j| listed[j].kind == TokenKind::Word)
            && pair.similarity.kind != TokenMatchKind::Initial;
    }
    let unmatched = (total - paired_weight).max(0.0);
    let score = if any_word && total > 0.0 { (matched / (total - 0.5 * unmatched)).clamp(0.0, 1.0) } else { 0.0 };
    NameAlignment {
        score,
        pairs,
        unmatched_query: (0..query.len()).filter(|&i| !query_used[i]).collect(),
        unmatched_listed: (0..listed.len()).filter(|&j| !listed_used[j]).collect(),
    }
}

/// `SMITHJONES` against `SMITH JONES` (hyphenated compounds joined or split): an unmatched query
/// word that spells two consecutive unmatched listed words.
fn join_split_compounds(
    query: &[&Token],
    listed: &[&Token],
    query_used: &mut [bool],
    listed_used: &mut [bool],
    pairs: &mut Vec<AlignedPair>,
) {
    for i in 0..query.len() {
        if query_used[i] || query[i].kind != TokenKind::Word {
            continue;
        }
        for j in 0..listed.len().saturating_sub(1) {
            if listed_used[j] || listed_used[j + 1] {
                continue;
            }
            let joined = format!("{}{}", listed[j].phonetic, listed[j + 1].phonetic);
            let s = strsim::jaro_winkler(&query[i].phonetic, &joined) as f32;
            if s >= 0.93 {
                query_used[i] = true;
                listed_used[j] = true;
                listed_used[j + 1] = true;
                pairs.push(AlignedPair {
                    query: i,
                    listed: vec![j, j + 1],
                    similarity: TokenSimilarity { score: s, kind: TokenMatchKind::Fuzzy },
                });
                break;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::name::tokenize;
    use crate::token_similarity::token_similarity;

    fn score(query: &str, listed: &str) -> f32 {
        let q = tokenize(query);
        let l = tokenize(listed);
        let qr: Vec<&Token> = q.iter().collect();
        let lr: Vec<&Token> = l.iter().collect();
        align(&qr, &lr, |i, j| token_similarity(qr[i], lr[j], false)).score
    }

    #[test]
    fn identical_names_score_one_in_any_order() {
        assert!((score("IVANOV IGOR", "Igor Ivanov") - 1.0).abs() < 1e-6);
    }

    #[test]
    fn a_dropped_middle_name_costs_a_little() {
        let s = score("ANTIPOV IGOR", "ANTIPOV, Igor Yurievich");
        assert!(s > 0.85 && s < 0.95, "{s}");
    }

    #[test]
    fn a_shared_surname_alone_is_weak() {
        let s = score("ANTIPOV SERGEY", "ANTIPOV, Igor Yurievich");
        assert!(s < 0.65, "{s}");
    }

    #[test]
    fn initials_count_for_given_names() {
        let s = score("SAKHAROVA T A", "SAKHAROVA, Tatiana Anatolyevna");
        assert!(s > 0.85, "{s}");
        let wrong = score("SAKHAROVA O P", "SAKHAROVA, Tatiana Anatolyevna");
        assert!(wrong < s - 0.2, "{wrong}");
    }

    #[test]
    fn only_initials_in_common_is_no_match() {
        assert_eq!(score("T A", "SAKHAROVA, Tatiana Anatolyevna"), 0.0);
    }

    #[test]
    fn joined_compound_matches_split_one() {
        let s = score("VANDERBERG JAN", "VAN DER BERG, Jan");
        assert!(s > 0.8, "{s}");
        let s = score("SMITHJONES ANNA", "SMITH-JONES, Anna");
        assert!(s > 0.9, "{s}");
    }
}
