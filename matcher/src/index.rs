//! The screening index: built once per list version, immutable, shareable behind an `Arc`.
//!
//! Candidate generation never scans the list. Distinct name tokens form a vocabulary; each
//! vocabulary token is reachable from hashed keys (phonetic form, consonant skeleton, their
//! one-deletion variants in the SymSpell manner, the stem without an attached particle, a 4-letter
//! prefix for MRZ-truncated words), and lists the names holding it. A traveller's tokens look up
//! their keys, keep the vocabulary tokens that really are similar, and vote for names; the best
//! voted names, plus entries whose document number is near the traveller's (also by key), are
//! scored in full.

use crate::document::{normalize_document, ocr_class, MIN_DOCUMENT_LENGTH};
use crate::evidence::{explain, Explanation, FieldOutcomes};
use crate::fold::{fold_words, Script};
use crate::listed_spellings::listed_spellings;
use crate::name::{
    is_arabic_allah, joined_arabic, joined_latin, latin_allah, tokenize, Token, TokenKind,
};
use crate::name_score::{align, pair_credit, token_weight, NameAlignment, MIN_TOKEN_SIMILARITY};
use crate::policy::MatchPolicy;
use crate::query::TravellerQuery;
use crate::string_distance::MAX_FAST_LENGTH;
use crate::token_similarity::{
    has_ocr_confusable, may_reach, ocr_form, ocr_form_in, token_similarity,
    token_similarity_reaching, SkeletonSketch, TokenSimilarity, NONE,
};
use compact_str::CompactString;
use model::watchlist::Entry;
use rustc_hash::{FxHashMap, FxHasher};
use std::hash::{Hash, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

/// Vocabulary tokens held by more names than this are too common to vote on their own
/// (`MUHAMMAD` in a million-name list); other tokens of the traveller find the candidates.
const COMMON_TOKEN_POSTINGS: usize = 2_000;

/// Postings read per traveller at most (after the first, rarest token's).
const POSTINGS_BUDGET: usize = 20_000;

/// Added to the most that left-out words could raise a name's rank, so that rounding never
/// makes the bound smaller than the rank it bounds (see [`WatchlistIndex::candidate_entries`]).
const RANK_ROUNDING_MARGIN: f32 = 1e-4;

/// Left-out words counted per name at most: a name holds a few words, each like a few of the
/// traveller's.
const LEFT_OUT_FOUND_MAX: usize = 16;

/// Left-out spellings of traveller words, the rarest, whose names are looked up pair by pair
/// (see [`WatchlistIndex::vote_for_names_holding_two_left_out_words`]): four words' worth of
/// [`SPELLINGS_PAIRED`] each.
const LEFT_OUT_PAIRED_MAX: usize = 4 * SPELLINGS_PAIRED;

/// Left-out spellings of one traveller word paired, its best-voted first (see
/// [`best_left_out_spellings`]).
const SPELLINGS_PAIRED: usize = 2;

/// What a traveller's initial counts for in a voted name's overlap when it starts a word of the
/// name: half a word, as [`token_weight`] weighs an initial.
const INITIAL_WEIGHT: f32 = 0.5;

/// Added to a voted name's rank when its entry's birth year is within a year of the traveller's.
const BIRTH_YEAR_BONUS: f32 = 0.3;

/// Share of the traveller's word weight a name's vote must reach to hold every word of it (see
/// [`MatchPolicy::max_covered_extra_names`]).
const COVERED_SHARE: f32 = 0.95;

/// Key families, mixed into the key hash so equal strings of different kinds do not meet.
#[derive(Clone, Copy)]
enum KeyKind {
    Phonetic = 1,
    PhoneticDeletion = 2,
    Skeleton = 3,
    SkeletonDeletion = 4,
    Prefix = 5,
    Document = 6,
    DocumentDeletion = 7,
    /// The name a word is a form of in another language ([`Token::cognate`]).
    Cognate = 8,
    /// A Latin word's spelling with the letters that OCR of the MRZ confuses merged
    /// ([`ocr_form`]): a misread short word (`AII` for `ALI`) is one substitution away, and
    /// words under [`MIN_DELETION_KEYED_LENGTH`] letters have no deletion keys to meet it by.
    Ocr = 9,
}

fn key(kind: KeyKind, text: &str) -> u64 {
    let mut h = FxHasher::default();
    h.write_u8(kind as u8);
    h.write(text.as_bytes());
    mix(h.finish())
}

/// Key of a hash a token already carries.
fn hashed_key(kind: KeyKind, hash: u64) -> u64 {
    let mut h = FxHasher::default();
    h.write_u8(kind as u8);
    h.write_u64(hash);
    mix(h.finish())
}

/// MurmurHash3's 64-bit finaliser: a bijection whose top bits depend on every input bit, so
/// that [`KeyTable`] can bucket keys by their top bits.
fn mix(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

/// Hashed keys to ids, as one sorted array: a few bytes per pair where a hash map of vectors
/// costs tens, which matters with ten keys per word and a million names. A directory by the
/// keys' top bits narrows each lookup to a few pairs: a binary search over ten million pairs
/// missed the cache at nearly every step, a tenth of screening time at a million names.
struct KeyTable {
    pairs: Box<[(u64, u32)]>,
    /// `buckets[b]..buckets[b + 1]` are the pairs whose key's top bits are `b`.
    buckets: Box<[u32]>,
    /// 64 minus the directory's bits.
    shift: u32,
}

/// Pairs per directory bucket aimed at: a bucket spans one or two cache lines.
const PAIRS_PER_BUCKET: usize = 4;

impl KeyTable {
    fn new(mut pairs: Vec<(u64, u32)>) -> KeyTable {
        pairs.sort_unstable();
        pairs.dedup();
        let bits = (pairs.len() / PAIRS_PER_BUCKET).max(2).ilog2().clamp(1, 24);
        let shift = 64 - bits;
        let mut buckets = vec![0u32; (1usize << bits) + 1];
        for &(k, _) in &pairs {
            buckets[(k >> shift) as usize + 1] += 1;
        }
        for b in 1..buckets.len() {
            buckets[b] += buckets[b - 1];
        }
        KeyTable {
            pairs: pairs.into_boxed_slice(),
            buckets: buckets.into_boxed_slice(),
            shift,
        }
    }

    /// The pairs holding `key`.
    fn get(&self, key: u64) -> &[(u64, u32)] {
        self.get_in(key, self.bucket(key))
    }

    /// The pairs of `key`'s bucket, by position.
    fn bucket(&self, key: u64) -> (u32, u32) {
        let bucket = (key >> self.shift) as usize;
        (self.buckets[bucket], self.buckets[bucket + 1])
    }

    /// The pairs holding `key`, within its [`Self::bucket`].
    fn get_in(&self, key: u64, (first, last): (u32, u32)) -> &[(u64, u32)] {
        let pairs = &self.pairs[first as usize..last as usize];
        let start = pairs.partition_point(|&(k, _)| k < key);
        let end = start + pairs[start..].partition_point(|&(k, _)| k == key);
        &pairs[start..end]
    }

    /// The pairs of each of `keys`, in their order. Each lookup is two cache misses at a million
    /// names (the directory, then the pairs) and a word looks up dozens of keys: the directory
    /// entries of all are fetched first, then the pairs of all, so the misses overlap.
    fn get_many<'t, 'k>(&'t self, keys: &'k [u64]) -> impl Iterator<Item = &'t [(u64, u32)]> + 'k
    where
        't: 'k,
    {
        for &key in keys {
            prefetch(&self.buckets[(key >> self.shift) as usize]);
        }
        let buckets: Vec<(u32, u32)> = keys.iter().map(|&key| self.bucket(key)).collect();
        for &(first, last) in &buckets {
            if first < last {
                prefetch(&self.pairs[first as usize]);
            }
        }
        keys.iter()
            .zip(buckets)
            .map(|(&key, bucket)| self.get_in(key, bucket))
    }
}

/// Reached words ahead of the one being compared whose sketch is fetched meanwhile.
const SKETCH_PREFETCH_DISTANCE: usize = 8;

/// Reached words ahead of the one being compared whose record is fetched meanwhile: a record
/// spans several cache lines, so fewer than the sketches' eight.
const WORD_PREFETCH_DISTANCE: usize = 4;

/// Postings ahead of the one being voted for whose name's vote slot is fetched meanwhile.
const VOTE_PREFETCH_DISTANCE: usize = 16;

/// Asks the processor to bring `item` into the cache; a hint only, with no effect on results.
fn prefetch<T: ?Sized>(item: &T) {
    prefetch_address((item as *const T).cast::<u8>());
}

/// [`prefetch`] of the cache line holding `address`.
fn prefetch_address(address: *const u8) {
    #[cfg(all(target_arch = "x86_64", target_feature = "sse"))]
    // SAFETY: the build enables SSE (the cfg above), which is all `_mm_prefetch` requires; a
    // prefetch never faults, whatever the address.
    unsafe {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        _mm_prefetch::<_MM_HINT_T0>(address.cast::<i8>());
    }
    #[cfg(not(all(target_arch = "x86_64", target_feature = "sse")))]
    let _ = address;
}

/// [`prefetch`] of every cache line `item` spans.
fn prefetch_record<T>(item: &T) {
    const LINE: usize = 64;
    let start = (item as *const T).cast::<u8>();
    let size = std::mem::size_of::<T>();
    for offset in (0..size).step_by(LINE) {
        prefetch_address(start.wrapping_add(offset));
    }
    // The last line, when the record does not start at a line's start.
    prefetch_address(start.wrapping_add(size.saturating_sub(1)));
}

/// Asks for the record in `table` of the name [`VOTE_PREFETCH_DISTANCE`] places after `at` in
/// `names`, when there is one.
fn prefetch_ahead<T>(names: &[u32], at: usize, table: &[T]) {
    if let Some(record) = names
        .get(at + VOTE_PREFETCH_DISTANCE)
        .and_then(|&ahead| table.get(ahead as usize))
    {
        prefetch(record);
    }
}

/// One-character deletions of an ASCII string.
fn deletions(text: &str) -> impl Iterator<Item = String> + '_ {
    (0..text.len()).map(move |i| {
        let mut s = String::with_capacity(text.len());
        s.push_str(&text[..i]);
        s.push_str(&text[i + 1..]);
        s
    })
}

struct IndexedName {
    entry: u32,
    /// Position of the name in `Entry::names`.
    position: u32,
    tokens: Box<[u32]>,
}

/// What ranking a voted name reads, side by side for every name: ranking reads it for thousands
/// of voted names per traveller, and through the name and its entry that was three cache misses
/// each (an eighth of screening time at a million names).
#[derive(Clone, Copy)]
struct NameRanking {
    /// The name's tokens by [`token_weight`] (a particle 0.3, an initial 0.5), the share of a
    /// vote each can carry: counted as whole words, the particle of `ABBAS, Abdul Hussein`
    /// ranked it under every two-word `X, Abbas`, and a traveller `ABBAS ABDUL` never saw it.
    weight: f32,
    /// Distinct birth years of the name's entry: `years[..year_count]`, or all of them in the
    /// entry when there are more than two (`year_count` is then [`MANY_YEARS`]).
    year_count: u8,
    years: [u16; 2],
    /// A bit per letter `A`..`Z` that starts a word of the name.
    initials: u32,
    /// A bit per word of the name, by [`word_signature`]: whether the name may hold a word left
    /// out of the vote is read with its rank, without the cache misses of reading its words.
    words: u64,
}

/// The bit of a vocabulary word in [`NameRanking::words`] (Fibonacci hashing of its id).
fn word_signature(vocab_id: u32) -> u64 {
    1 << (vocab_id.wrapping_mul(0x9E37_79B9) >> 26)
}

/// The bit of a letter in [`NameRanking::initials`], if it is one of `A`..`Z`.
fn initial_bit(token: &Token) -> u32 {
    match token.initial() {
        Some(c @ 'A'..='Z') => 1 << (c as u32 - 'A' as u32),
        _ => 0,
    }
}

/// [`NameRanking::year_count`] of an entry with more than two distinct birth years.
const MANY_YEARS: u8 = u8::MAX;

impl NameRanking {
    fn of(name: &IndexedName, entry: &Entry, vocabulary: &[Token]) -> NameRanking {
        let mut years: Vec<u16> = entry.birth_dates.iter().map(|d| d.year).collect();
        years.sort_unstable();
        years.dedup();
        let mut ranking = NameRanking {
            weight: name
                .tokens
                .iter()
                .map(|&v| token_weight(&vocabulary[v as usize]))
                .sum::<f32>()
                .max(1.0),
            year_count: if years.len() > 2 {
                MANY_YEARS
            } else {
                years.len() as u8
            },
            years: [0; 2],
            // A title's initial explains a traveller's initial but is no evidence for the name
            // (see `TokenMatchKind::Title`): it does not rank it.
            initials: name
                .tokens
                .iter()
                .map(|&v| &vocabulary[v as usize])
                .filter(|t| t.kind != TokenKind::Title)
                .fold(0, |bits, t| bits | initial_bit(t)),
            words: name
                .tokens
                .iter()
                .fold(0, |bits, &v| bits | word_signature(v)),
        };
        if years.len() <= 2 {
            ranking.years[..years.len()].copy_from_slice(&years);
        }
        ranking
    }

    /// Whether a birth year of the name's entry is within a year of `year`.
    fn dated(&self, year: i32, entry: impl FnOnce() -> u32, entries: &[Entry]) -> bool {
        let near = |y: u16| (i32::from(y) - year).abs() <= 1;
        if self.year_count == MANY_YEARS {
            entries[entry() as usize]
                .birth_dates
                .iter()
                .any(|d| near(d.year))
        } else {
            self.years[..usize::from(self.year_count)]
                .iter()
                .any(|&y| near(y))
        }
    }
}

/// A scored candidate entry for one traveller.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Candidate {
    /// Index into [`WatchlistIndex::entries`].
    pub entry: usize,
    pub score: f32,
}

/// Listed vocabulary words a traveller word reaches through its keys, with their similarity to
/// it, sorted by vocabulary id; words certainly below [`MIN_TOKEN_SIMILARITY`] are left out.
type Expansion = Arc<[(u32, TokenSimilarity)]>;

/// (vocabulary id, similarity) pairs kept in a thread's expansion cache at most (12 bytes each).
const EXPANSION_CACHE_PAIRS: usize = 1 << 20;

/// A listed name's vote from one traveller, and which of the traveller's words gave it (a bit
/// per word; the 32nd and later share the last bit). Side by side, so that a vote costs one
/// cache miss at a million names, not two.
#[derive(Debug, Clone, Copy, Default)]
struct NameVote {
    total: f32,
    voters: u32,
}

/// Per-thread working memory for screening; reuse one per worker thread.
pub struct Scratch {
    /// The index this memory belongs to ([`WatchlistIndex::id`]): vocabulary ids mean nothing
    /// in another.
    index: u64,
    votes: Vec<NameVote>,
    touched: Vec<u32>,
    similarity_cache: FxHashMap<u64, TokenSimilarity>,
    /// Vocabulary words reached by the keys of the word being expanded, as a bit per word (a
    /// hash set cost a hash per posting, thousands per Arabic-script word) and as a list.
    seen_vocab: Vec<u64>,
    reached_vocab: Vec<u32>,
    /// Expansions of traveller words screened before, by hash of (word, may be truncated):
    /// traveller names repeat (given names and common surnames far more than the rest), and a
    /// word's expansion is most of what screening costs. Emptied when it holds more than
    /// [`EXPANSION_CACHE_PAIRS`] pairs, and [`EXPANSION_CACHE_LIFETIME`] after it was last
    /// emptied: the index keeps its working memory between batches, and travellers' name words
    /// are personal data, kept no longer than screening needs them.
    expansions: FxHashMap<u64, Vec<(Token, bool, Expansion)>>,
    expansion_pairs: usize,
    expansions_since: Instant,
}

impl Scratch {
    /// Gives `name` the vote of the traveller words `bits`, unless one of them voted for it
    /// already: a traveller word votes once per name.
    #[inline]
    fn vote_for(&mut self, name: u32, vote: f32, bits: u32) {
        let slot = &mut self.votes[name as usize];
        if slot.voters & bits != 0 {
            return;
        }
        if slot.voters == 0 {
            self.touched.push(name);
        }
        slot.voters |= bits;
        slot.total += vote;
    }

    /// Empties the expansion cache and starts its lifetime again.
    fn forget_expansions(&mut self) {
        self.expansions.clear();
        self.expansion_pairs = 0;
        self.expansions_since = Instant::now();
    }
}

/// How long a thread's expansion cache keeps traveller words at most.
const EXPANSION_CACHE_LIFETIME: Duration = Duration::from_secs(3600);

fn expansion_hash(token: &Token, truncated: bool) -> u64 {
    let mut h = FxHasher::default();
    token.hash(&mut h);
    truncated.hash(&mut h);
    h.finish()
}

/// Ids for indexes, so that working memory is never used with another index than its own.
static NEXT_INDEX_ID: AtomicU64 = AtomicU64::new(1);

/// A traveller prepared for screening.
struct PreparedQuery<'q> {
    query: &'q TravellerQuery,
    tokens: Vec<Token>,
    /// The index of the token that may have been cut at the MRZ length limit.
    truncated: Option<usize>,
    document: Option<String>,
    /// Neighbouring words of one script joined into one ([`joined_pairs`]), with the vote bits
    /// of their two halves: they only find candidates (scoring reads compounds itself).
    joined: Vec<(Token, u32)>,
    /// Long Arabic-script words cut in two ([`split_halves`]), and Latin words the list does not
    /// know ([`halves_of_unknown_latin_words`]), with their vote bits; also only for finding
    /// candidates.
    halves: Vec<(Token, u32)>,
    /// A second reading of the tokens when the word that may have been cut starts with `ABD`
    /// ([`cut_inside_abd`]); scoring takes the better of the two.
    cut_abd_reading: Option<Vec<Token>>,
}

/// The traveller's tokens with a final word that may have been cut inside an `ABD` compound
/// read as the particle alone. The list splits `ABDALLAH` into `ABD` + `LAH` and `ABDULRAHMAN`
/// into `ABD` + `RAHMAN`, so the cut `ABDA` of `... MUSA ABDALLAH` meets neither half, and a
/// name that agreed everywhere else scored as a conflict. Only `ABD` is certain of such a word;
/// the rest of the listed compound is then a part left out. A second reading rather than a
/// replacement: `ABDI` is also a whole name.
fn cut_inside_abd(tokens: &[Token], cut: usize) -> Option<Vec<Token>> {
    let word = tokens.get(cut)?;
    if word.kind != TokenKind::Word
        || word.script != Script::Latin
        || word.folded.len() <= 3
        || !word.folded.starts_with("ABD")
    {
        return None;
    }
    let mut reading = tokens.to_vec();
    *reading.get_mut(cut)? = Token::latin("ABD".to_string(), TokenKind::Particle, Script::Latin);
    Some(reading)
}

/// An Arabic-script word this long (in letters) may be two names written together.
const MIN_SPLIT_LETTERS: usize = 6;
/// Letters each half of a split word keeps at least.
const MIN_SPLIT_HALF_LETTERS: usize = 3;
/// Long Arabic-script words split per traveller at most.
const MAX_SPLIT_WORDS: usize = 4;

/// Long Arabic-script words cut in two at every place that leaves both halves a few letters
/// (`صفرعلی` = SAFAR ALI, `خسروپناه` = KHOSROW PANAH): Persian and Arabic compounds are written
/// as one word in the script and as two in the lists. The halves only find candidates. Each
/// word's first halves share one vote bit and its second halves another (from the top bits,
/// away from the words'), so a name gets at most one vote from each side of one word.
fn split_halves(query: &TravellerQuery) -> Vec<(Token, u32)> {
    let mut halves = Vec::new();
    let words = fold_words(&format!("{} {}", query.surname, query.given_names));
    let long = words.iter().filter(|w| {
        w.script == Script::Arabic
            && w.spelling.chars().count() >= MIN_SPLIT_LETTERS
            // Attached `عبد` and `الله` are split off by the tokenizer already.
            && !w.spelling.starts_with("عبد")
            && !w.spelling.ends_with("الله")
    });
    for (k, word) in long.take(MAX_SPLIT_WORDS).enumerate() {
        let (first_bit, second_bit) = half_bits(k);
        for (first, second) in cuts_in_two(&word.spelling, MIN_SPLIT_HALF_LETTERS) {
            for (half, bit) in [(first, first_bit), (second, second_bit)] {
                halves.extend(
                    tokenize(half)
                        .into_iter()
                        .filter(|t| t.kind == TokenKind::Word)
                        .map(|t| (t, bit)),
                );
            }
        }
    }
    halves
}

/// The vote bits of the first and second halves of the `k`-th word cut in two: from the top
/// bits, away from the words' own.
fn half_bits(k: usize) -> (u32, u32) {
    (1u32 << (31 - 2 * k), 1u32 << (30 - 2 * k))
}

/// `word` cut in two at every place that leaves both halves `min_letters` letters or more.
fn cuts_in_two(word: &str, min_letters: usize) -> impl Iterator<Item = (&str, &str)> {
    let letters = word.chars().count();
    word.char_indices()
        .map(|(at, _)| at)
        .take((letters + 1).saturating_sub(min_letters))
        .skip(min_letters)
        .map(move |at| (&word[..at], &word[at..]))
}

/// A Latin word shorter than this is never cut in two.
const MIN_UNKNOWN_SPLIT_LETTERS: usize = 5;
/// Letters each half of a cut Latin word keeps at least (`LN` of `LNCHUN`).
const MIN_UNKNOWN_HALF_LETTERS: usize = 2;

/// Latin words that reached no listed word at all, cut in two at every place that leaves both
/// halves two letters or more: a word the list does not know may be two it does, written joined
/// (`O / LNCHUN` against the listed `O, ln-chun`). Only such words: a word the list knows is
/// not cut, as the halves of every long word (a patronymic, a joined Persian name) voted for
/// thousands of names and crowded the right one out. The vote bits continue those of
/// [`split_halves`].
fn halves_of_unknown_latin_words(
    prepared: &PreparedQuery,
    expansions: &[Expansion],
) -> Vec<(Token, u32)> {
    let split_before = prepared
        .halves
        .iter()
        .map(|&(_, bit)| bit)
        .fold(0u32, |bits, bit| bits | bit)
        .count_ones() as usize
        / 2;
    let unknown = prepared
        .tokens
        .iter()
        .zip(expansions)
        .filter(|(token, expansion)| {
            token.kind == TokenKind::Word
                && token.script == Script::Latin
                && token.folded.is_ascii()
                && token.folded.len() >= MIN_UNKNOWN_SPLIT_LETTERS
                && expansion.is_empty()
        })
        .map(|(token, _)| token);
    let mut halves = Vec::new();
    for (k, token) in (split_before..MAX_SPLIT_WORDS).zip(unknown) {
        let (first_bit, second_bit) = half_bits(k);
        for (first, second) in cuts_in_two(&token.folded, MIN_UNKNOWN_HALF_LETTERS) {
            for (half, bit) in [(first, first_bit), (second, second_bit)] {
                halves.push((
                    Token::latin(half.to_string(), TokenKind::Word, Script::Latin),
                    bit,
                ));
            }
        }
    }
    halves
}

/// The vote bit of a traveller word (see [`NameVote::voters`]).
fn voter_bit(position: usize) -> u32 {
    1u32 << position.min(31)
}

/// Pairs of words next to each other in reading order (given names, then the surname), joined
/// where both are Arabic-script words (`الله, هدايت` is HIDAYATULLAH) or both Latin words (`MEHDI
/// / ALI ZAHEER` against `MEHDI, Alizaheer`). Each carries the bits of both halves, so a name
/// gets one vote from the pair, as a compound or from its halves, not both.
fn joined_pairs(query: &TravellerQuery, tokens: &[Token]) -> Vec<(Token, u32)> {
    let words = tokens.iter().filter(|t| t.kind == TokenKind::Word).count();
    if words < 2 {
        return Vec::new();
    }
    let bit = |token: &Token| tokens.iter().position(|t| t == token).map(voter_bit);
    let reading: Vec<Token> = tokenize(&query.given_names)
        .into_iter()
        .chain(tokenize(&query.surname))
        .collect();
    reading
        .windows(2)
        .filter_map(|pair| {
            let joined =
                joined_arabic(&pair[0], &pair[1]).or_else(|| joined_latin(&pair[0], &pair[1]))?;
            Some((joined, bit(&pair[0])? | bit(&pair[1])?))
        })
        .collect()
}

/// MRZ name fields hold 39 (TD3) or 31 (TD2) characters; a name this long may have been cut.
const MRZ_TRUNCATION_LENGTH: usize = 30;

impl<'q> PreparedQuery<'q> {
    fn new(query: &'q TravellerQuery) -> Self {
        let tokens = tokenize(&format!("{} {}", query.surname, query.given_names));
        let mrz_length = query.surname.chars().count() + 2 + query.given_names.chars().count();
        let truncated =
            (mrz_length >= MRZ_TRUNCATION_LENGTH && !tokens.is_empty()).then(|| tokens.len() - 1);
        let document = query
            .document_number
            .as_deref()
            .map(normalize_document)
            .filter(|d| d.len() >= MIN_DOCUMENT_LENGTH);
        let joined = joined_pairs(query, &tokens);
        let halves = split_halves(query);
        let cut_abd_reading = truncated.and_then(|cut| cut_inside_abd(&tokens, cut));
        PreparedQuery {
            query,
            tokens,
            truncated,
            document,
            joined,
            halves,
            cut_abd_reading,
        }
    }
}

/// The immutable screening index over one list version.
pub struct WatchlistIndex {
    /// Unique per built index in this process.
    id: u64,
    entries: Vec<Entry>,
    /// Normalized document numbers per entry.
    documents: Vec<Vec<String>>,
    /// Name ids per entry.
    entry_names: Vec<Vec<u32>>,
    names: Vec<IndexedName>,
    /// [`NameRanking`] of each name, by name id.
    rankings: Vec<NameRanking>,
    vocabulary: Vec<Token>,
    /// [`SkeletonSketch`] of each vocabulary word, side by side so that ruling a word out reads
    /// a few contiguous bytes rather than the word.
    sketches: Vec<SkeletonSketch>,
    /// A bit per vocabulary word, set for words in Arabic script: the only listed words whose
    /// sketch can rule out a comparison with a traveller word in another script.
    arabic_vocab: Vec<u64>,
    postings: Vec<Vec<u32>>,
    /// Names holding a vocabulary word twice or more (`ALI, Ali Abdul Karim`), by word: where a
    /// traveller's repeated word votes (see [`WatchlistIndex::candidate_entries`]).
    repeated_postings: FxHashMap<u32, Vec<u32>>,
    token_keys: KeyTable,
    document_keys: KeyTable,
    /// Names holding two common words (each in more than [`COMMON_TOKEN_POSTINGS`] names; not
    /// particles), by [`common_pair_key`]: where two such words of a traveller find names
    /// together, without reading tens of thousands of postings each.
    common_pair_names: KeyTable,
    /// Names holding a common word (as above) whose entry has a birth year, by
    /// [`common_dated_key`] of the word and each such year.
    common_dated_names: KeyTable,
    /// Working memory given back by [`PooledScratch`], [`MAX_SPARE_SCRATCHES`] at most.
    spare_scratches: Mutex<Vec<Scratch>>,
}

/// Spare working memories an index keeps: one per core and one more (the alerts' explanations
/// are computed beside screening), each up to tens of megabytes at a million names.
static MAX_SPARE_SCRATCHES: std::sync::LazyLock<usize> =
    std::sync::LazyLock::new(|| std::thread::available_parallelism().map_or(1, |n| n.get()) + 1);

/// [`Scratch`] lent by [`WatchlistIndex::pooled_scratch`], given back to the index on drop.
pub struct PooledScratch<'i> {
    index: &'i WatchlistIndex,
    /// Always `Some` until dropped.
    scratch: Option<Scratch>,
}

impl std::ops::Deref for PooledScratch<'_> {
    type Target = Scratch;
    fn deref(&self) -> &Scratch {
        self.scratch.as_ref().expect("present until dropped")
    }
}

impl std::ops::DerefMut for PooledScratch<'_> {
    fn deref_mut(&mut self) -> &mut Scratch {
        self.scratch.as_mut().expect("present until dropped")
    }
}

impl Drop for PooledScratch<'_> {
    fn drop(&mut self) {
        // Memory of a screening that panicked is given back too: screening clears what an
        // unfinished one left behind before it starts.
        let Some(scratch) = self.scratch.take() else {
            return;
        };
        let mut spares = self
            .index
            .spare_scratches
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if spares.len() < *MAX_SPARE_SCRATCHES {
            spares.push(scratch);
        }
    }
}

impl WatchlistIndex {
    /// Builds the index. Entries keep their order; candidates refer to them by position.
    pub fn build(entries: Vec<Entry>) -> WatchlistIndex {
        let mut vocabulary: Vec<Token> = Vec::new();
        let mut vocabulary_ids: FxHashMap<(Script, TokenKind, CompactString), u32> =
            FxHashMap::default();
        let mut postings: Vec<Vec<u32>> = Vec::new();
        let mut repeated_postings: FxHashMap<u32, Vec<u32>> = FxHashMap::default();
        let mut names = Vec::new();
        let mut entry_names = Vec::with_capacity(entries.len());
        let mut documents = Vec::with_capacity(entries.len());
        let mut document_keys: Vec<(u64, u32)> = Vec::new();

        for (entry_index, entry) in entries.iter().enumerate() {
            // Invariant: lists hold far fewer than 4 billion entries or names.
            let entry_id = entry_index as u32;
            let mut own_names: Vec<u32> = Vec::new();
            let mut seen_token_sets: Vec<Vec<u32>> = Vec::new();
            let spellings = entry.names.iter().enumerate().flat_map(|(position, name)| {
                listed_spellings(name)
                    .into_iter()
                    .map(move |spelling| (position, spelling))
            });
            for (position, name) in spellings {
                let tokens = tokenize(&name);
                if tokens.is_empty() {
                    continue;
                }
                let mut ids = Vec::with_capacity(tokens.len());
                for token in tokens {
                    let k = (token.script, token.kind, token.folded.clone());
                    let id = match vocabulary_ids.get(&k) {
                        Some(&id) => {
                            // A spelling is one vocabulary word (the vote looks one up per
                            // traveller word): read the Somali way in one name, it is read so in
                            // all. Spellings with a reading (`CIISE`, `MAXAMED`) are Somali
                            // wherever lists write them.
                            let word = &mut vocabulary[id as usize];
                            if word.somali.is_none() {
                                word.somali = token.somali;
                            }
                            id
                        }
                        None => {
                            let id = vocabulary.len() as u32;
                            vocabulary_ids.insert(k, id);
                            vocabulary.push(token);
                            postings.push(Vec::new());
                            id
                        }
                    };
                    ids.push(id);
                }
                let mut sorted = ids.clone();
                sorted.sort_unstable();
                // A spelling that differs only by a title (`HAJI HOSSEINI, Mostafa` beside
                // `HOSSEINI, Mostafa`) is the same name: kept twice, it took two of the
                // candidate places at every vote.
                let mut without_titles = sorted.clone();
                without_titles.retain(|&v| vocabulary[v as usize].kind != TokenKind::Title);
                if seen_token_sets.contains(&without_titles) {
                    continue;
                }
                seen_token_sets.push(without_titles);
                let name_id = names.len() as u32;
                for run in sorted.chunk_by(|a, b| a == b).filter(|run| run.len() > 1) {
                    repeated_postings.entry(run[0]).or_default().push(name_id);
                }
                sorted.dedup();
                for id in sorted {
                    postings[id as usize].push(name_id);
                }
                names.push(IndexedName {
                    entry: entry_id,
                    position: position as u32,
                    tokens: ids.into_boxed_slice(),
                });
                own_names.push(name_id);
            }
            entry_names.push(own_names);

            let normalized: Vec<String> = entry
                .documents
                .iter()
                .map(|d| normalize_document(&d.number))
                .filter(|d| d.len() >= MIN_DOCUMENT_LENGTH)
                .collect();
            for number in &normalized {
                let class = ocr_class(number);
                let mut keys = vec![key(KeyKind::Document, &class)];
                keys.extend(deletions(&class).map(|d| key(KeyKind::DocumentDeletion, &d)));
                for k in keys {
                    document_keys.push((k, entry_id));
                }
            }
            documents.push(normalized);
        }

        renumber_by_skeleton(
            &mut vocabulary,
            &mut postings,
            &mut repeated_postings,
            &mut names,
        );
        renumber_by_common_words(
            &mut names,
            &mut postings,
            &mut repeated_postings,
            &mut entry_names,
        );

        let mut token_keys: Vec<(u64, u32)> = Vec::new();
        for (id, token) in vocabulary.iter().enumerate() {
            if token.kind != TokenKind::Word {
                continue;
            }
            for k in index_keys(token) {
                token_keys.push((k, id as u32));
            }
        }
        let token_keys = KeyTable::new(token_keys);
        let document_keys = KeyTable::new(document_keys);
        let mut common_pairs: Vec<(u64, u32)> = Vec::new();
        let mut common_dated: Vec<(u64, u32)> = Vec::new();
        let mut common_words: Vec<u32> = Vec::new();
        let mut years: Vec<u16> = Vec::new();
        for (name_id, name) in names.iter().enumerate() {
            common_words.clear();
            common_words.extend(name.tokens.iter().filter(|&&v| {
                vocabulary[v as usize].kind == TokenKind::Word
                    && postings[v as usize].len() > COMMON_TOKEN_POSTINGS
            }));
            common_words.sort_unstable();
            common_words.dedup();
            for (i, &first) in common_words.iter().enumerate() {
                for &second in &common_words[i + 1..] {
                    common_pairs.push((common_pair_key(first, second), name_id as u32));
                }
            }
            if common_words.is_empty() {
                continue;
            }
            years.clear();
            years.extend(
                entries[name.entry as usize]
                    .birth_dates
                    .iter()
                    .map(|d| d.year),
            );
            years.sort_unstable();
            years.dedup();
            for &word in &common_words {
                for &year in &years {
                    common_dated.push((common_dated_key(word, year), name_id as u32));
                }
            }
        }
        let common_pair_names = KeyTable::new(common_pairs);
        let common_dated_names = KeyTable::new(common_dated);
        let sketches = vocabulary.iter().map(SkeletonSketch::of).collect();
        let mut arabic_vocab = vec![0u64; vocabulary.len().div_ceil(64)];
        for (id, token) in vocabulary.iter().enumerate() {
            if token.script == Script::Arabic {
                arabic_vocab[id / 64] |= 1 << (id % 64);
            }
        }
        let rankings = names
            .iter()
            .map(|name| NameRanking::of(name, &entries[name.entry as usize], &vocabulary))
            .collect();
        WatchlistIndex {
            id: NEXT_INDEX_ID.fetch_add(1, Ordering::Relaxed),
            entries,
            documents,
            entry_names,
            names,
            rankings,
            vocabulary,
            sketches,
            arabic_vocab,
            postings,
            repeated_postings,
            token_keys,
            document_keys,
            common_pair_names,
            common_dated_names,
            spare_scratches: Mutex::new(Vec::new()),
        }
    }

    pub fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// Number of indexed (distinct per entry) names.
    pub fn name_count(&self) -> usize {
        self.names.len()
    }

    /// Number of distinct name tokens.
    pub fn vocabulary_size(&self) -> usize {
        self.vocabulary.len()
    }

    /// Working memory sized for this index.
    pub fn scratch(&self) -> Scratch {
        Scratch {
            index: self.id,
            votes: vec![NameVote::default(); self.names.len()],
            touched: Vec::new(),
            similarity_cache: FxHashMap::default(),
            seen_vocab: vec![0; self.vocabulary.len().div_ceil(64)],
            reached_vocab: Vec::new(),
            expansions: FxHashMap::default(),
            expansion_pairs: 0,
            expansions_since: Instant::now(),
        }
    }

    /// Scores the traveller against its candidate entries: best first, at most
    /// `policy.max_reported`, each at least `policy.report_threshold`.
    pub fn screen(
        &self,
        query: &TravellerQuery,
        policy: &MatchPolicy,
        scratch: &mut Scratch,
    ) -> Vec<Candidate> {
        if scratch.index != self.id {
            *scratch = self.scratch();
        }
        let mut prepared = PreparedQuery::new(query);
        scratch.similarity_cache.clear();
        let expansions = self.expansions(&prepared, scratch);
        let unknown_halves = halves_of_unknown_latin_words(&prepared, &expansions);
        prepared.halves.extend(unknown_halves);
        // Halves reach listed words by their exact forms only ([`exact_keys`]): a name cut at each
        // of several places gives many short halves, and one-edit keys of short skeletons reach
        // thousands of words (they once raised the p99 latency at a million names by a third).
        let mut joined_expansions: Vec<Expansion> = Vec::new();
        for (token, _) in &prepared.joined {
            // Latin halves joined reach listed compounds by their exact skeletons only: written
            // apart, the halves' vowels are what varies, and every pair of a traveller's
            // neighbouring words is joined (full keys would add an expansion per pair).
            joined_expansions.push(if token.script == Script::Arabic {
                self.cached_expansion(token, false, scratch)
            } else {
                self.reach(token, false, &skeleton_keys(token), scratch)
            });
        }
        for (token, _) in &prepared.halves {
            joined_expansions.push(self.reach(token, false, &exact_keys(token), scratch));
        }
        let candidate_entries =
            self.candidate_entries(&prepared, &expansions, &joined_expansions, policy, scratch);
        self.prefetch_candidates(&candidate_entries);
        let mut scored: Vec<Candidate> = candidate_entries
            .into_iter()
            .map(|entry| {
                let (score, _, _) = self.assess(&prepared, &expansions, entry, policy, scratch);
                Candidate { entry, score }
            })
            .filter(|c| c.score >= policy.report_threshold)
            .collect();
        scored.sort_by(|a, b| b.score.total_cmp(&a.score).then(a.entry.cmp(&b.entry)));
        scored.truncate(policy.max_reported);
        scored
    }

    /// Asks for what scoring `entries` reads, one level of the tables at a time (the entries,
    /// their fields and names, the names' words, the words' records): at a million names each
    /// is a cache miss, and scoring reads them one after the other, each waiting for the one
    /// before.
    fn prefetch_candidates(&self, entries: &[usize]) {
        for &entry in entries {
            prefetch(&self.entry_names[entry]);
            prefetch_record(&self.entries[entry]);
            prefetch(&self.documents[entry]);
        }
        for &entry in entries {
            for &name in &self.entry_names[entry] {
                prefetch(&self.names[name as usize]);
            }
            let listed = &self.entries[entry];
            prefetch(listed.birth_dates.as_slice());
            prefetch(listed.nationalities.as_slice());
            prefetch(self.documents[entry].as_slice());
        }
        for &entry in entries {
            for &name in &self.entry_names[entry] {
                prefetch(&*self.names[name as usize].tokens);
            }
        }
        for &entry in entries {
            for &name in &self.entry_names[entry] {
                for &word in &self.names[name as usize].tokens {
                    prefetch_record(&self.vocabulary[word as usize]);
                }
            }
        }
    }

    /// Screens many travellers on the current rayon pool, one working memory per worker thread
    /// (rayon may split the work into many more jobs than threads). Results keep input order.
    pub fn screen_many(
        &self,
        queries: &[TravellerQuery],
        policy: &MatchPolicy,
    ) -> Vec<Vec<Candidate>> {
        use rayon::prelude::*;
        let threads = rayon::current_num_threads().max(1);
        let pool: Vec<Mutex<Option<PooledScratch<'_>>>> =
            (0..threads).map(|_| Mutex::new(None)).collect();
        queries
            .par_iter()
            .map(|query| {
                let slot = rayon::current_thread_index().unwrap_or(0) % threads;
                // A poisoned slot only means another traveller's screening panicked; its scratch
                // is reset on the next use, so carry on with it.
                let mut guard = pool[slot]
                    .lock()
                    .unwrap_or_else(|poisoned| poisoned.into_inner());
                let scratch = guard.get_or_insert_with(|| self.pooled_scratch());
                self.screen(query, policy, scratch)
            })
            .collect()
    }

    /// Working memory for this index, taken from the index's spares when one is free and given
    /// back when dropped: a fresh one zeroes a vote per listed name (megabytes at a million
    /// names) and starts with an empty expansion cache, for every batch screened.
    pub fn pooled_scratch(&self) -> PooledScratch<'_> {
        let spare = self
            .spare_scratches
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .pop();
        PooledScratch {
            index: self,
            scratch: Some(spare.unwrap_or_else(|| self.scratch())),
        }
    }

    /// The explanation of the score of `entry` (an index into [`Self::entries`]) for the traveller.
    pub fn explain(
        &self,
        query: &TravellerQuery,
        entry: usize,
        policy: &MatchPolicy,
        scratch: &mut Scratch,
    ) -> Option<Explanation> {
        if scratch.index != self.id {
            *scratch = self.scratch();
        }
        let prepared = PreparedQuery::new(query);
        scratch.similarity_cache.clear();
        let listed_entry = self.entries.get(entry)?;
        let expansions = self.expansions(&prepared, scratch);
        let (_, name_id, alignment) = self.assess(&prepared, &expansions, entry, policy, scratch);
        let outcomes = FieldOutcomes::compare(
            query,
            prepared.document.as_deref(),
            listed_entry,
            &self.documents[entry],
        );
        let (listed_name, listed_tokens): (&str, &[u32]) = match name_id {
            Some(id) => {
                let name = &self.names[id as usize];
                (
                    listed_entry
                        .names
                        .get(name.position as usize)
                        .map(String::as_str)
                        .unwrap_or(""),
                    &name.tokens,
                )
            }
            None => ("", &[]),
        };
        Some(explain(
            listed_entry,
            listed_name,
            &alignment,
            |i| {
                prepared
                    .tokens
                    .get(i)
                    .map(|t| t.folded.to_string())
                    .unwrap_or_default()
            },
            |j| {
                listed_tokens
                    .get(j)
                    .map(|&v| self.vocabulary[v as usize].folded.to_string())
                    .unwrap_or_default()
            },
            &outcomes,
            &policy.weights,
        ))
    }

    /// One listed name aligned with one reading of the traveller's tokens (`reading` 0 is the
    /// tokens as written; in another, the cut word's similarities are its own, not the cached ones).
    fn align_name(
        &self,
        prepared: &PreparedQuery,
        expansions: &[Expansion],
        query_refs: &[&Token],
        reading: usize,
        name: &IndexedName,
        scratch: &mut Scratch,
    ) -> NameAlignment {
        let listed_refs: Vec<&Token> = name
            .tokens
            .iter()
            .map(|&v| &self.vocabulary[v as usize])
            .collect();
        align(query_refs, &listed_refs, |i, j| {
            let may_be_cut = prepared.truncated == Some(i);
            if reading > 0 && may_be_cut {
                return token_similarity(query_refs[i], listed_refs[j], false);
            }
            let vocab_id = name.tokens[j];
            if let Some(expansion) = expansions.get(i) {
                if let Ok(at) = expansion.binary_search_by_key(&vocab_id, |&(v, _)| v) {
                    return expansion[at].1;
                }
            }
            let cache_key = ((i as u64) << 32) | u64::from(vocab_id);
            // Pairs below the floor are not aligned, so they need not be scored exactly.
            *scratch
                .similarity_cache
                .entry(cache_key)
                .or_insert_with(|| {
                    token_similarity_reaching(
                        query_refs[i],
                        listed_refs[j],
                        may_be_cut,
                        MIN_TOKEN_SIMILARITY,
                    )
                    .unwrap_or(NONE)
                })
        })
    }

    /// Full score of one entry: the best of its names, then the other fields.
    fn assess(
        &self,
        prepared: &PreparedQuery,
        expansions: &[Expansion],
        entry: usize,
        policy: &MatchPolicy,
        scratch: &mut Scratch,
    ) -> (f32, Option<u32>, NameAlignment) {
        let mut best: Option<(u32, NameAlignment)> = None;
        let readings = std::iter::once(&prepared.tokens).chain(&prepared.cut_abd_reading);
        let mut query_refs: Vec<&Token> = Vec::with_capacity(prepared.tokens.len());
        for (reading, tokens) in readings.enumerate() {
            query_refs.clear();
            query_refs.extend(tokens);
            for &name_id in &self.entry_names[entry] {
                let name = &self.names[name_id as usize];
                let alignment =
                    self.align_name(prepared, expansions, &query_refs, reading, name, scratch);
                if best.as_ref().is_none_or(|(_, b)| alignment.score > b.score) {
                    best = Some((name_id, alignment));
                }
            }
        }
        let (name_id, alignment) = match best {
            Some((id, a)) => (Some(id), a),
            None => (
                None,
                NameAlignment {
                    score: 0.0,
                    pairs: Vec::new(),
                    unmatched_query: Vec::new(),
                    unmatched_listed: Vec::new(),
                },
            ),
        };
        let outcomes = FieldOutcomes::compare(
            prepared.query,
            prepared.document.as_deref(),
            &self.entries[entry],
            &self.documents[entry],
        );
        (
            outcomes.combine(alignment.score, &policy.weights),
            name_id,
            alignment,
        )
    }

    /// For each traveller token, the listed words its keys reach with their similarity (empty for
    /// particles and initials), from the thread's cache when the word was screened before.
    fn expansions(&self, prepared: &PreparedQuery, scratch: &mut Scratch) -> Vec<Expansion> {
        if scratch.expansions_since.elapsed() > EXPANSION_CACHE_LIFETIME {
            scratch.forget_expansions();
        }
        prepared
            .tokens
            .iter()
            .enumerate()
            .map(|(i, token)| {
                if token.kind != TokenKind::Word {
                    return Arc::from(Vec::new());
                }
                self.cached_expansion(token, prepared.truncated == Some(i), scratch)
            })
            .collect()
    }

    /// [`Self::expand`] through the thread's cache of traveller words screened before.
    fn cached_expansion(&self, token: &Token, truncated: bool, scratch: &mut Scratch) -> Expansion {
        let hash = expansion_hash(token, truncated);
        if let Some(found) = scratch.expansions.get(&hash).and_then(|bucket| {
            bucket
                .iter()
                .find(|(t, tr, _)| *tr == truncated && t == token)
                .map(|(_, _, e)| Arc::clone(e))
        }) {
            return found;
        }
        let expansion = self.expand(token, truncated, scratch);
        if scratch.expansion_pairs + expansion.len() > EXPANSION_CACHE_PAIRS {
            scratch.forget_expansions();
        }
        scratch.expansion_pairs += expansion.len();
        scratch.expansions.entry(hash).or_default().push((
            token.clone(),
            truncated,
            Arc::clone(&expansion),
        ));
        expansion
    }

    /// The listed words reached by the keys of a traveller word, with their similarity to it.
    fn expand(&self, token: &Token, truncated: bool, scratch: &mut Scratch) -> Expansion {
        self.reach(token, truncated, &query_keys(token, truncated), scratch)
    }

    /// The listed words reached by `keys`, with their similarity to `token`.
    fn reach(
        &self,
        token: &Token,
        truncated: bool,
        keys: &[u64],
        scratch: &mut Scratch,
    ) -> Expansion {
        // The last expansion's bits are cleared here rather than at its end, so that one that
        // did not finish (it panicked) leaves nothing behind either.
        for &id in &scratch.reached_vocab {
            scratch.seen_vocab[id as usize / 64] = 0;
        }
        scratch.reached_vocab.clear();
        for pairs in self.token_keys.get_many(keys) {
            for &(_, id) in pairs {
                let (word, bit) = (id as usize / 64, 1u64 << (id % 64));
                if scratch.seen_vocab[word] & bit == 0 {
                    scratch.seen_vocab[word] |= bit;
                    scratch.reached_vocab.push(id);
                }
            }
        }
        // Read in increasing id order: neighbours in the vocabulary's order lie together.
        scratch.reached_vocab.sort_unstable();
        // Words certainly below the vote's floor are left out: they cannot vote, and scoring a
        // candidate computes any pair it lacks. Only comparisons with Arabic script on a side
        // can be ruled out by the sketch, so only those read it; the sketches of the words a few
        // places ahead are fetched meanwhile (each is a cache miss at a million names, and a
        // mispredicted branch on the one before would otherwise stall the next).
        let query_arabic = token.script == Script::Arabic;
        let reached_vocab = &scratch.reached_vocab;
        let needs_sketch = |vocab_id: u32| {
            query_arabic || self.arabic_vocab[vocab_id as usize / 64] & (1 << (vocab_id % 64)) != 0
        };
        let mut reached: Vec<(u32, TokenSimilarity)> = Vec::new();
        for (i, &vocab_id) in reached_vocab.iter().enumerate() {
            if let Some(&ahead) = reached_vocab.get(i + SKETCH_PREFETCH_DISTANCE) {
                if needs_sketch(ahead) {
                    prefetch(&self.sketches[ahead as usize]);
                }
            }
            if let Some(&ahead) = reached_vocab.get(i + WORD_PREFETCH_DISTANCE) {
                prefetch_record(&self.vocabulary[ahead as usize]);
            }
            if needs_sketch(vocab_id)
                && !may_reach(
                    token,
                    &self.sketches[vocab_id as usize],
                    MIN_TOKEN_SIMILARITY,
                )
            {
                continue;
            }
            let listed = &self.vocabulary[vocab_id as usize];
            if let Some(similarity) =
                token_similarity_reaching(token, listed, truncated, MIN_TOKEN_SIMILARITY)
            {
                reached.push((vocab_id, similarity));
            }
        }
        // In increasing id order, as `reached_vocab` is: what lookups by binary search need.
        debug_assert!(reached.windows(2).all(|pair| pair[0].0 < pair[1].0));
        Arc::from(reached)
    }

    /// Adds to the vote of `name` what the traveller's left-out words give it, and says whether
    /// they gave anything. A word too common to look its names up (`MUHAMMAD` in a million
    /// names), or past the postings budget, finds no names; but among the names the rarer words
    /// found, one that holds it too is the likelier. Without this, at a million names
    /// `ZHURAVLEV, Alexey Alexandrovich` ranked below every two-word `ZHURAVLEV X` (a shorter
    /// name with the same vote overlaps more) and was never scored. `left_out` is (vocabulary
    /// id, vote, the word's bits), sorted by id; a traveller word still votes once per name, its
    /// best vote first (among the first [`LEFT_OUT_FOUND_MAX`] left-out words the name holds).
    fn count_left_out_words(
        &self,
        left_out: &[(u32, f32, u32)],
        name: u32,
        vote: &mut NameVote,
    ) -> bool {
        let mut found = [(0.0f32, 0u32); LEFT_OUT_FOUND_MAX];
        let mut count = 0;
        for &v in self.names[name as usize].tokens.iter() {
            let start = left_out.partition_point(|&(id, _, _)| id < v);
            for &(_, word_vote, bit) in left_out[start..].iter().take_while(|&&(id, _, _)| id == v)
            {
                if count < LEFT_OUT_FOUND_MAX {
                    found[count] = (word_vote, bit);
                    count += 1;
                }
            }
        }
        let found = &mut found[..count];
        found.sort_by(|a, b| b.0.total_cmp(&a.0));
        let mut changed = false;
        for &(word_vote, bit) in found.iter() {
            if vote.voters & bit == 0 {
                vote.voters |= bit;
                vote.total += word_vote;
                changed = true;
            }
        }
        changed
    }

    /// Finds the names that hold two of the traveller's words by spellings left out of the vote
    /// (`best`, from [`best_left_out_spellings`]), and gives them both votes. Alone a left-out
    /// word finds no names, so a traveller named only in common words (`ALI MUHAMMAD` in a
    /// million names, 31,000 and 28,000 names each) was found only through rarer spellings
    /// (`ALIY`), and the listed `'ALI, Muhammad` with the traveller's birth date was never a
    /// candidate. Two common words together are rare (about 130 such names there): the names
    /// holding both are read from [`WatchlistIndex::common_pair_names`]. A word left out only
    /// for the postings budget is not common, and its short list is intersected with the
    /// other's.
    fn vote_for_names_holding_two_left_out_words(
        &self,
        mut best: Vec<(u32, f32, u32)>,
        scratch: &mut Scratch,
    ) {
        if best.len() < 2 {
            return;
        }
        best.sort_by_key(|&(v, _, _)| self.postings[v as usize].len());
        best.truncate(LEFT_OUT_PAIRED_MAX);
        // The pairs' names read, within the budget of postings a traveller reads.
        let mut spent = 0usize;
        for (i, &(first, first_vote, first_bit)) in best.iter().enumerate() {
            // Two spellings of one traveller word are no pair.
            for &(second, second_vote, second_bit) in &best[i + 1..] {
                if second_bit == first_bit {
                    continue;
                }
                let mut vote_for = |name_id: u32| {
                    scratch.vote_for(name_id, first_vote, first_bit);
                    scratch.vote_for(name_id, second_vote, second_bit);
                };
                let (first_names, second_names) = (
                    &self.postings[first as usize],
                    &self.postings[second as usize],
                );
                if first_names.len().min(second_names.len()) > COMMON_TOKEN_POSTINGS {
                    let names = self.common_pair_names.get(common_pair_key(first, second));
                    if spent + names.len() > POSTINGS_BUDGET {
                        continue;
                    }
                    spent += names.len();
                    for &(_, name_id) in names {
                        vote_for(name_id);
                    }
                } else {
                    // A word left out only for the budget: its list is short, so walking it
                    // costs little.
                    for_each_in_both(first_names, second_names, vote_for);
                }
            }
        }
    }

    /// A traveller whose name has one word, too common to look its names up (`AHMAD A`, born
    /// 1971, in a million names), was found only through rarer spellings, and there is no
    /// second word to pair it with: the names holding that word whose entry has a birth year
    /// within a year of the traveller's are read from [`WatchlistIndex::common_dated_names`]
    /// (a few hundred where the word alone holds tens of thousands) and get its vote.
    fn vote_for_dated_names_holding_a_lone_left_out_word(
        &self,
        word: (u32, f32, u32),
        year: i32,
        scratch: &mut Scratch,
    ) {
        let (vocab_id, vote, bit) = word;
        if self.postings[vocab_id as usize].len() <= COMMON_TOKEN_POSTINGS {
            return;
        }
        let mut spent = 0usize;
        for near in year - 1..=year + 1 {
            let Ok(near) = u16::try_from(near) else {
                continue;
            };
            let names = self
                .common_dated_names
                .get(common_dated_key(vocab_id, near));
            if spent + names.len() > POSTINGS_BUDGET {
                continue;
            }
            spent += names.len();
            for &(_, name_id) in names {
                scratch.vote_for(name_id, vote, bit);
            }
        }
    }

    /// Whether left-out words could lift `name`, ranked `rank` with its `vote`, to `cut`.
    fn may_reach(
        &self,
        rank: f32,
        name: u32,
        vote: &NameVote,
        left_out_bound: &LeftOutBound,
        query_weight: f32,
        cut: f32,
    ) -> bool {
        let ranking = &self.rankings[name as usize];
        let most = left_out_bound.most_for(vote.voters, ranking.words);
        // The margin covers rounding: the bound must never fall below the rank.
        rank + 2.0 * most / (query_weight + ranking.weight) + RANK_ROUNDING_MARGIN >= cut
    }

    /// Entries worth scoring in full: those of the best-voted names and of near document numbers.
    fn candidate_entries(
        &self,
        prepared: &PreparedQuery,
        expansions: &[Expansion],
        joined_expansions: &[Expansion],
        policy: &MatchPolicy,
        scratch: &mut Scratch,
    ) -> Vec<usize> {
        // Leftovers of a screening that did not finish (it panicked): clear them first.
        for &n in &scratch.touched {
            scratch.votes[n as usize] = NameVote::default();
        }
        scratch.touched.clear();
        // (vocabulary id, vote, the traveller word's bit) for every listed token reached by a key
        // of a traveller token and really similar to it.
        let mut hits: Vec<(u32, f32, u32)> = Vec::new();
        // A word the traveller's name holds twice (`ALI ALI ABDUL KARIM`) votes a second time
        // only for names holding it twice: both used to vote for every name with one `ALI`, so
        // dozens of two-word `X, Ali` names outranked the listed name written exactly so.
        let mut repeat_hits: Vec<(&[u32], f32, u32)> = Vec::new();
        let tokens = &prepared.tokens;
        let words =
            tokens
                .iter()
                .zip(expansions)
                .enumerate()
                .map(|(position, (token, expansion))| {
                    let repeated = token.kind == TokenKind::Word
                        && tokens[..position].iter().any(|earlier| {
                            earlier.kind == TokenKind::Word && earlier.folded == token.folded
                        });
                    (token, expansion, voter_bit(position), repeated)
                });
        let joined = prepared
            .joined
            .iter()
            .chain(&prepared.halves)
            .zip(joined_expansions)
            .map(|((token, bits), expansion)| (token, expansion, *bits, false));
        for (token, expansion, bit, repeated) in words.chain(joined) {
            let weight = token_weight(token);
            for &(vocab_id, similarity) in expansion.iter() {
                if similarity.score < MIN_TOKEN_SIMILARITY {
                    continue;
                }
                let vote = weight * pair_credit(similarity).max(0.05);
                if !repeated {
                    hits.push((vocab_id, vote, bit));
                } else if let Some(names) = self.repeated_postings.get(&vocab_id) {
                    repeat_hits.push((names, vote, bit));
                }
            }
        }
        let any_rare = hits
            .iter()
            .any(|(v, _, _)| self.postings[*v as usize].len() <= COMMON_TOKEN_POSTINGS);
        // Rarest tokens first, within a budget of postings per traveller: rare tokens say most
        // about who this is, and the budget bounds the worst case on huge lists.
        hits.sort_by_key(|&(v, _, _)| self.postings[v as usize].len());
        let mut spent = 0usize;
        let mut admitted = 0usize;
        for &(vocab_id, _, _) in &hits {
            let postings = self.postings[vocab_id as usize].len();
            if any_rare && postings > COMMON_TOKEN_POSTINGS {
                break;
            }
            if spent > 0 && spent + postings > POSTINGS_BUDGET {
                break;
            }
            spent += postings;
            admitted += 1;
        }
        // Words left out of the vote (too common, or past the budget) find no names, but still
        // count for the names the others found (see below), by vocabulary id.
        let mut left_out = hits.split_off(admitted);
        left_out.sort_unstable_by_key(|&(v, _, _)| v);
        // A traveller word votes once per name, with its best listed word there: a name holding
        // several words like it (`شيماء (Abu-Shaima, Abu- Shayma)` for SHAIMI) once collected
        // a vote for each, and names under half that vote, the right one among them, were
        // never ranked. Best votes first, so a word's first vote for a name is its best.
        hits.sort_by(|a, b| b.1.total_cmp(&a.1));
        repeat_hits.sort_by(|a, b| b.1.total_cmp(&a.1));
        let votes = hits
            .iter()
            .map(|&(vocab_id, vote, bit)| (self.postings[vocab_id as usize].as_slice(), vote, bit))
            .chain(repeat_hits.iter().copied());
        for (names, vote, bit) in votes {
            for (at, &name_id) in names.iter().enumerate() {
                // A name's vote slot is a random place in a table of one per listed name (8 MB at
                // a million names): fetched ahead, its cache miss overlaps the votes before it.
                prefetch_ahead(names, at, &scratch.votes);
                scratch.vote_for(name_id, vote, bit);
            }
        }
        let word_bits = tokens
            .iter()
            .enumerate()
            .filter(|(_, t)| t.kind == TokenKind::Word)
            .fold(0u32, |bits, (position, _)| bits | voter_bit(position));
        let best = best_left_out_spellings(&left_out, word_bits);
        let words = tokens.iter().filter(|t| t.kind == TokenKind::Word).count();
        match (best.first(), prepared.query.birth_date) {
            (Some(&word), Some(date)) if words == 1 => {
                self.vote_for_dated_names_holding_a_lone_left_out_word(
                    word,
                    i32::from(date.year),
                    scratch,
                );
            }
            _ => self.vote_for_names_holding_two_left_out_words(best, scratch),
        }
        // Rank voted names by a Dice-like overlap (a name of about the traveller's length first),
        // the traveller's initials in it as half words, with a bonus when the entry's birth year
        // is within a year of the traveller's (with a common surname, the date is what tells the
        // right one among thousands).
        let year = prepared.query.birth_date.map(|d| i32::from(d.year));
        let query_initials: Vec<u32> = prepared
            .tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Initial)
            .map(initial_bit)
            .filter(|&bit| bit != 0)
            .collect();
        let words_weight: f32 = prepared
            .tokens
            .iter()
            .filter(|t| t.kind == TokenKind::Word)
            .map(token_weight)
            .sum();
        let query_weight = (words_weight + INITIAL_WEIGHT * query_initials.len() as f32).max(1.0);
        let mut best_vote = 0.0f32;
        for (at, &n) in scratch.touched.iter().enumerate() {
            prefetch_ahead(&scratch.touched, at, &scratch.votes);
            best_vote = best_vote.max(scratch.votes[n as usize].total);
        }
        let rank = |n: u32, total: f32| {
            let ranking = &self.rankings[n as usize];
            // Initials never vote (a letter starts too many words), but they are part of the
            // name: each that starts a word of the name counts as that word half matched, as
            // many as the name has words the vote left unmatched. Counted only beside the vote,
            // `ALI / A A K` ranked the two-word `X, Ali` names above `Ali, Ali Abdul Karim`.
            let initials = query_initials
                .iter()
                .filter(|&&bit| ranking.initials & bit != 0)
                .count() as f32;
            // Most travellers have no initials; `ceil` is a library call on this target.
            let matched = if initials > 0.0 {
                let unmatched_words = (ranking.weight - total).max(0.0).ceil();
                total + INITIAL_WEIGHT * initials.min(unmatched_words)
            } else {
                total
            };
            let overlap = 2.0 * matched / (query_weight + ranking.weight);
            let dated = year
                .is_some_and(|y| ranking.dated(y, || self.names[n as usize].entry, &self.entries));
            overlap + if dated { BIRTH_YEAR_BONUS } else { 0.0 }
        };
        // Names with under half the best vote cannot reach the top: they are not ranked. But
        // left-out words count only later: a name under half that they could lift to it (`weak`)
        // is looked at once the others have counted theirs. At a million names `HIJAZI,
        // Muhammad Husayn` had HIJAZI's vote alone, under half that of namesakes holding rare
        // spellings of both given names, and was never ranked.
        let half = 0.5 * best_vote;
        let left_out_bound = LeftOutBound::of(&left_out);
        let mut voted: Vec<(f32, u32)> = Vec::new();
        let mut weak: Vec<u32> = Vec::new();
        for (at, &n) in scratch.touched.iter().enumerate() {
            // The names voted for are scattered over the tables of a million names: their votes
            // and ranking records are fetched ahead.
            prefetch_ahead(&scratch.touched, at, &scratch.votes);
            prefetch_ahead(&scratch.touched, at, &self.rankings);
            let vote = &scratch.votes[n as usize];
            if vote.total >= half {
                voted.push((rank(n, vote.total), n));
            } else if vote.total + left_out_bound.most_for(vote.voters, u64::MAX) >= half {
                weak.push(n);
            }
        }
        let keep = policy.max_candidate_names;
        if !left_out.is_empty() {
            // Left-out words only raise ranks, so the rank that makes the cut can only rise: a
            // name they could not lift to it even all together is not looked at (reading a
            // name's words is a cache miss at a million names, for thousands of names).
            let cut = kth_best_rank(&voted, keep);
            for (r, n) in &mut voted {
                let vote = &mut scratch.votes[*n as usize];
                if !self.may_reach(*r, *n, vote, &left_out_bound, query_weight, cut) {
                    continue;
                }
                if self.count_left_out_words(&left_out, *n, vote) {
                    *r = rank(*n, vote.total);
                }
            }
            // The cut once those have counted their words is higher: most weak names (one rare
            // spelling of a common word, thousands of them) cannot reach it.
            let cut = if weak.is_empty() {
                cut
            } else {
                kth_best_rank(&voted, keep)
            };
            for n in weak {
                let vote = &mut scratch.votes[n as usize];
                let r = rank(n, vote.total);
                if !self.may_reach(r, n, vote, &left_out_bound, query_weight, cut) {
                    continue;
                }
                self.count_left_out_words(&left_out, n, vote);
                if vote.total >= half {
                    voted.push((rank(n, vote.total), n));
                }
            }
        }
        if voted.len() > keep {
            let order = |a: &(f32, u32), b: &(f32, u32)| b.0.total_cmp(&a.0).then(a.1.cmp(&b.1));
            voted.select_nth_unstable_by(keep, order);
            // Names past the cut whose vote holds every word of the traveller's name: a few are
            // kept besides. Undated, `Mahmoud, Ali Habib` ranked below forty dated `ALI` names
            // with a `MUHAMMAD` spelling for `MAHMOUD / ALI`, as a birth year within one adds 0.3.
            let covers = |n: u32| {
                words_weight > 0.0
                    && scratch.votes[n as usize].total >= COVERED_SHARE * words_weight
            };
            let mut extra: Vec<(f32, u32)> = voted[keep..]
                .iter()
                .filter(|&&(_, n)| covers(n))
                .copied()
                .collect();
            extra.sort_by(order);
            extra.truncate(policy.max_covered_extra_names);
            voted.truncate(keep);
            voted.extend(extra);
        }
        for &n in &scratch.touched {
            scratch.votes[n as usize] = NameVote::default();
        }
        scratch.touched.clear();
        let mut entries: Vec<usize> = voted
            .iter()
            .map(|&(_, n)| self.names[n as usize].entry as usize)
            .collect();
        if let Some(number) = &prepared.document {
            let class = ocr_class(number);
            let mut keys = vec![
                key(KeyKind::Document, &class),
                key(KeyKind::DocumentDeletion, &class),
            ];
            for d in deletions(&class) {
                keys.push(key(KeyKind::Document, &d));
                keys.push(key(KeyKind::DocumentDeletion, &d));
            }
            for k in keys {
                entries.extend(self.document_keys.get(k).iter().map(|&(_, e)| e as usize));
            }
        }
        entries.sort_unstable();
        entries.dedup();
        entries
    }
}

/// Where a word goes in the vocabulary: by script, skeleton, phonetic form, spelling, kind (the
/// last two tell every word apart).
fn vocabulary_order(t: &Token) -> (u8, &str, &str, &str, u8) {
    (
        t.script as u8,
        &t.skeleton,
        &t.phonetic,
        &t.folded,
        t.kind as u8,
    )
}

/// Renumbers the vocabulary in order of script, skeleton, phonetic form and spelling, and what
/// refers to it by id. The words a traveller word reaches mostly share its skeleton or one a
/// letter from it: numbered so, their records lie near each other, and
/// [`WatchlistIndex::reach`] reads them in increasing order. At a million names the words are
/// 150 MB, and in first-seen order each read was a cache miss of its own.
fn renumber_by_skeleton(
    vocabulary: &mut Vec<Token>,
    postings: &mut Vec<Vec<u32>>,
    repeated_postings: &mut FxHashMap<u32, Vec<u32>>,
    names: &mut [IndexedName],
) {
    // Each word moves with its postings and its old id, so nothing is looked up twice.
    let mut words: Vec<(Token, Vec<u32>, u32)> = vocabulary
        .drain(..)
        .zip(postings.drain(..))
        .zip(0u32..)
        .map(|((token, names), old_id)| (token, names, old_id))
        .collect();
    words.sort_by(|a, b| vocabulary_order(&a.0).cmp(&vocabulary_order(&b.0)));
    let mut new_id = vec![0u32; words.len()];
    for (to, (token, names, old_id)) in (0u32..).zip(words) {
        new_id[old_id as usize] = to;
        vocabulary.push(token);
        postings.push(names);
    }
    *repeated_postings = std::mem::take(repeated_postings)
        .into_iter()
        .map(|(id, names)| (new_id[id as usize], names))
        .collect();
    for name in names {
        for id in name.tokens.iter_mut() {
            *id = new_id[*id as usize];
        }
    }
}

/// Words of a name that decide where [`renumber_by_common_words`] puts it.
const NAME_ORDER_WORDS: usize = 3;

/// Renumbers the names so that names sharing their commonest word lie together (then their next
/// commonest), and what refers to them by id. Voting and ranking read a slot per name voted for:
/// in list order the names of one word's postings were scattered over the tables of a million
/// names, a cache miss each; numbered so, most of them share cache lines and pages. Ties at the
/// candidate cut are broken by this order, no longer by the list's: at a million names the
/// evaluation list's own names came before the padding, and of thousands of tied `AHMAD, A…`
/// names the listed one was kept because it came first.
fn renumber_by_common_words(
    names: &mut Vec<IndexedName>,
    postings: &mut [Vec<u32>],
    repeated_postings: &mut FxHashMap<u32, Vec<u32>>,
    entry_names: &mut [Vec<u32>],
) {
    // Words by decreasing number of names holding them (the same number: by id).
    let mut commonest: Vec<u32> = (0..postings.len() as u32).collect();
    commonest.sort_unstable_by_key(|&v| (std::cmp::Reverse(postings[v as usize].len()), v));
    let mut word_rank = vec![0u32; postings.len()];
    for (rank, &v) in (0u32..).zip(&commonest) {
        word_rank[v as usize] = rank;
    }
    let order = |name: &IndexedName| {
        let mut ranks = [u32::MAX; NAME_ORDER_WORDS];
        for &v in name.tokens.iter() {
            let rank = word_rank[v as usize];
            // Insert into the few smallest ranks, kept sorted.
            if let Some(at) = ranks.iter().position(|&r| rank <= r) {
                if ranks[at] != rank {
                    ranks[at..].rotate_right(1);
                    ranks[at] = rank;
                }
            }
        }
        ranks
    };
    let mut ordered: Vec<([u32; NAME_ORDER_WORDS], u32, IndexedName)> = names
        .drain(..)
        .zip(0u32..)
        .map(|(name, old_id)| (order(&name), old_id, name))
        .collect();
    ordered.sort_unstable_by_key(|&(key, old_id, _)| (key, old_id));
    let mut new_id = vec![0u32; ordered.len()];
    for (to, (_, old_id, name)) in (0u32..).zip(ordered) {
        new_id[old_id as usize] = to;
        names.push(name);
    }
    let renumber = |ids: &mut Vec<u32>| {
        for id in ids.iter_mut() {
            *id = new_id[*id as usize];
        }
    };
    for list in postings.iter_mut().chain(repeated_postings.values_mut()) {
        renumber(list);
        list.sort_unstable();
    }
    for list in entry_names.iter_mut() {
        renumber(list);
    }
}

/// Per traveller word (one bit), its [`SPELLINGS_PAIRED`] best left-out spellings (vocabulary
/// id, vote, bit), best first, even where an admitted spelling of the word voted more: the
/// admitted one found its own names, but a left-out one finds names only through the pair. Kept
/// only where it beat the admitted ones, the listed `AL-MAHMUD, Khalid` with the traveller's
/// birth date was never a candidate at a million names for `AL-MAHMUD / HALID` (`HALID`, a
/// listed word too, voted 1.0 and `KHALID` 0.97), nor `HUSAYN, Muhammad` for `HUSAYN /
/// MUHAMRNAD` (a rare spelling voted as much as `MUHAMMAD`). More than one: a word's spellings
/// often vote alike (`علي` meets ALI and ALLA alike, and ALLA came first), and the best may not
/// be the list's (`Husayn / Alee Ahmad` against `HUSSEIN, Ali Ahmed`). A compound of two words
/// (`MOHAMMADREZA` for `MOHAMMAD REZA`, two bits) is no spelling of either.
///
/// Only the traveller's own words (`word_bits`): the halves of a word cut in two are guesses at
/// where it splits, and at a million names the left-out spellings of halves of `إبراهيم` and
/// `سبعاوي` (IBARRA, SAAB) took the four places then paired, so the names holding two of the
/// traveller's words were never looked up.
fn best_left_out_spellings(left_out: &[(u32, f32, u32)], word_bits: u32) -> Vec<(u32, f32, u32)> {
    let mut spellings: Vec<(u32, f32, u32)> = left_out
        .iter()
        .filter(|&&(_, _, bit)| bit.count_ones() == 1 && bit & word_bits != 0)
        .copied()
        .collect();
    // By word, best vote first; equal votes keep vocabulary order (the sort is stable).
    spellings.sort_by(|a, b| a.2.cmp(&b.2).then(b.1.total_cmp(&a.1)));
    let mut best: Vec<(u32, f32, u32)> = Vec::new();
    for spelling in spellings {
        let of_word = best.iter().filter(|kept| kept.2 == spelling.2).count();
        if of_word < SPELLINGS_PAIRED {
            best.push(spelling);
        }
    }
    best
}

/// Key of a vocabulary word and a birth year in [`WatchlistIndex::common_dated_names`]: a
/// bijection of the two, so distinct ones never share a key.
fn common_dated_key(word: u32, year: u16) -> u64 {
    mix(u64::from(word) << 16 | u64::from(year))
}

/// The rank a name needs to be among the `keep` best of `voted` (rank, name): the `keep`-th
/// best rank, or no bar when fewer are voted.
fn kth_best_rank(voted: &[(f32, u32)], keep: usize) -> f32 {
    if keep == 0 {
        f32::INFINITY
    } else if voted.len() > keep {
        let mut ranks: Vec<f32> = voted.iter().map(|&(r, _)| r).collect();
        let (_, &mut kth, _) = ranks.select_nth_unstable_by(keep - 1, |a, b| b.total_cmp(a));
        kth
    } else {
        f32::NEG_INFINITY
    }
}

/// Key of a pair of vocabulary words in [`WatchlistIndex::common_pair_names`], whichever comes
/// first: [`mix`] is a bijection, so distinct pairs never share a key.
fn common_pair_key(a: u32, b: u32) -> u64 {
    let (low, high) = if a <= b { (a, b) } else { (b, a) };
    mix(u64::from(low) << 32 | u64::from(high))
}

/// Calls `found` with each id in both sorted lists. It walks the shorter list and gallops
/// through the longer, so a short list against a long one reads little of the long one.
fn for_each_in_both(a: &[u32], b: &[u32], mut found: impl FnMut(u32)) {
    let (short, mut long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    for &id in short {
        let mut step = 1;
        while step < long.len() && long[step] < id {
            step *= 2;
        }
        let skipped = long[..(step + 1).min(long.len())].partition_point(|&other| other < id);
        long = &long[skipped..];
        match long.first() {
            None => return,
            Some(&other) if other == id => {
                found(id);
                long = &long[1..];
            }
            Some(_) => {}
        }
    }
}

/// The most that left-out words (vocabulary id, vote, the traveller word's bits) can add to a
/// name's vote, given the traveller words that already voted for it and its word signature.
struct LeftOutBound {
    sets: Vec<LeftOutSet>,
}

/// The left-out words of one set of traveller-word bits.
struct LeftOutSet {
    bits: u32,
    /// The union of the words' [`word_signature`]s.
    signature: u64,
    /// (signature, vote) of each word, best vote first.
    words: Vec<(u64, f32)>,
}

impl LeftOutBound {
    fn of(left_out: &[(u32, f32, u32)]) -> LeftOutBound {
        let mut sets: Vec<LeftOutSet> = Vec::new();
        for &(vocab_id, vote, bits) in left_out {
            let signature = word_signature(vocab_id);
            match sets.iter_mut().find(|set| set.bits == bits) {
                Some(set) => {
                    set.signature |= signature;
                    set.words.push((signature, vote));
                }
                None => sets.push(LeftOutSet {
                    bits,
                    signature,
                    words: vec![(signature, vote)],
                }),
            }
        }
        for set in &mut sets {
            set.words.sort_by(|a, b| b.1.total_cmp(&a.1));
        }
        LeftOutBound { sets }
    }

    /// A left-out word adds only to a name that holds it (so its signature bit is among the
    /// name's `words`) and none of whose traveller words voted for the name yet. Words whose
    /// bits overlap cannot both add: at most one per distinct set of bits does, so the sum of
    /// each such set's best vote the name may hold bounds what they add. `words` all ones
    /// bounds it for any name.
    fn most_for(&self, voters: u32, words: u64) -> f32 {
        self.sets
            .iter()
            .filter(|set| set.bits & voters == 0 && set.signature & words != 0)
            .filter_map(|set| {
                set.words
                    .iter()
                    .find(|&&(signature, _)| signature & words != 0)
            })
            .map(|&(_, vote)| vote)
            .sum()
    }
}

/// Keys under which a listed vocabulary word is found.
fn index_keys(token: &Token) -> Vec<u64> {
    let mut keys = Vec::new();
    if token.script != Script::Arabic {
        index_form_keys(&token.phonetic, &mut keys);
        if spelled_otherwise(token) {
            index_form_keys(&token.folded, &mut keys);
        }
        if let Some(stem) = &token.stem {
            keys.push(key(KeyKind::Phonetic, stem));
        }
        if token.phonetic.len() >= 5 {
            keys.push(key(KeyKind::Prefix, &token.phonetic[..4]));
        }
        keys.extend(token.cognate.map(|h| hashed_key(KeyKind::Cognate, h)));
        if let Some(reading) = &token.somali {
            keys.extend(index_keys(reading));
        }
        if ocr_keyed(token) && has_ocr_confusable(&token.folded) {
            keys.push(ocr_key(&token.folded));
        }
    }
    for skeleton in std::iter::once(&token.skeleton).chain(token.skeleton_alternative.as_ref()) {
        if skeleton.len() >= 2 {
            keys.push(key(KeyKind::Skeleton, skeleton));
        }
        if skeleton.len() >= 3 {
            keys.extend(deletions(skeleton).map(|d| key(KeyKind::SkeletonDeletion, &d)));
        }
    }
    keys
}

/// Whether a word is keyed by its [`KeyKind::Ocr`] form: Latin words, which the MRZ carries.
fn ocr_keyed(token: &Token) -> bool {
    token.script == Script::Latin && token.kind == TokenKind::Word
}

/// The [`KeyKind::Ocr`] key of a spelling, its OCR form written into a buffer on the stack where
/// it fits ([`ocr_form_in`]): a traveller's every Latin word looks it up, and [`ocr_form`]
/// allocates twice.
fn ocr_key(folded: &str) -> u64 {
    let mut buffer = [0u8; MAX_FAST_LENGTH];
    match ocr_form_in(folded, &mut buffer) {
        Some(form) => key(KeyKind::Ocr, form),
        None => key(KeyKind::Ocr, &ocr_form(folded)),
    }
}

/// Words shorter than this are keyed without their deletions: a letter left out of three leaves
/// two, which thousands of words share.
const MIN_DELETION_KEYED_LENGTH: usize = 4;

/// A listed word's form (phonetic, or spelling) and its one-letter deletions.
fn index_form_keys(form: &str, keys: &mut Vec<u64>) {
    keys.push(key(KeyKind::Phonetic, form));
    if form.len() >= MIN_DELETION_KEYED_LENGTH {
        keys.extend(deletions(form).map(|d| key(KeyKind::PhoneticDeletion, &d)));
    }
}

/// What a traveller word's form looks up: the form and its deletions, each against listed forms
/// and their deletions (one edit either way).
fn query_form_keys(form: &str, keys: &mut Vec<u64>) {
    keys.push(key(KeyKind::Phonetic, form));
    keys.push(key(KeyKind::PhoneticDeletion, form));
    if form.len() >= MIN_DELETION_KEYED_LENGTH {
        for d in deletions(form) {
            keys.push(key(KeyKind::Phonetic, &d));
            keys.push(key(KeyKind::PhoneticDeletion, &d));
        }
    }
}

/// Whether a Latin word's spelling is keyed besides its phonetic form: where the two differ, a
/// slip in the spelling can be two edits in the phonetic form (`HAMCOH` is `HAMKOH`, `HAMCHO`
/// `HAMCO`; `KHALLOMF` `HALOMF`, `KHALLOUF` `HALUF`), out of the one-deletion keys' reach.
/// Spellings share the phonetic keys' space: a spelling that is another word's phonetic form
/// only finds a word that scoring then rules out.
fn spelled_otherwise(token: &Token) -> bool {
    token.script == Script::Latin && token.kind == TokenKind::Word && token.folded != token.phonetic
}

/// Keys of a word's own skeletons, without edits.
fn skeleton_keys(token: &Token) -> Vec<u64> {
    std::iter::once(&token.skeleton)
        .chain(token.skeleton_alternative.as_ref())
        .filter(|skeleton| skeleton.len() >= 2)
        .map(|skeleton| key(KeyKind::Skeleton, skeleton))
        .collect()
}

/// Keys of a word's own form, without edits: its skeletons in Arabic script (where the vowels
/// are unwritten), its phonetic form otherwise (the skeleton of a short Latin half is a letter
/// or two, which thousands of words share).
fn exact_keys(token: &Token) -> Vec<u64> {
    if token.script == Script::Arabic {
        skeleton_keys(token)
    } else {
        vec![key(KeyKind::Phonetic, &token.phonetic)]
    }
}

/// Keys a traveller word looks up: its own keys and its deletions against listed words and their
/// deletions (one edit either way), the stem, and the prefix when the word may be truncated.
fn query_keys(token: &Token, truncated: bool) -> Vec<u64> {
    let mut keys = Vec::new();
    if token.script != Script::Arabic {
        query_form_keys(&token.phonetic, &mut keys);
        if spelled_otherwise(token) {
            query_form_keys(&token.folded, &mut keys);
        }
        if let Some(stem) = &token.stem {
            keys.push(key(KeyKind::Phonetic, stem));
        }
        if truncated && token.phonetic.len() >= 4 {
            keys.push(key(KeyKind::Prefix, &token.phonetic[..4]));
        }
        keys.extend(token.cognate.map(|h| hashed_key(KeyKind::Cognate, h)));
        if let Some(reading) = &token.somali {
            keys.extend(query_keys(reading, false));
        }
        if ocr_keyed(token) {
            // A misreading has no confusable letter left to merge (`AII`): the word's own
            // spelling is its OCR form then.
            keys.push(ocr_key(&token.folded));
        }
    }
    if token.skeleton.len() >= 2 {
        keys.push(key(KeyKind::Skeleton, &token.skeleton));
    }
    if is_arabic_allah(token) {
        // Its skeleton, one letter, is keyed by no one: it meets the Latin `LAH` of a listed
        // `ABDULLAH` by that word's phonetic form.
        keys.push(key(KeyKind::Phonetic, &latin_allah().phonetic));
    }
    if token.script == Script::Arabic {
        for skeleton in std::iter::once(&token.skeleton).chain(token.skeleton_alternative.as_ref())
        {
            if skeleton.len() < 3 {
                if skeleton.len() == 2 {
                    keys.push(key(KeyKind::Skeleton, skeleton));
                }
                continue;
            }
            keys.push(key(KeyKind::Skeleton, skeleton));
            keys.push(key(KeyKind::SkeletonDeletion, skeleton));
            for d in deletions(skeleton) {
                keys.push(key(KeyKind::Skeleton, &d));
                keys.push(key(KeyKind::SkeletonDeletion, &d));
            }
        }
    }
    keys
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::token_similarity::TokenMatchKind;
    use model::watchlist::PartialDate;

    #[test]
    fn kept_working_memory_forgets_traveller_words_after_its_lifetime() {
        let index = WatchlistIndex::build(vec![Entry {
            id: "e".to_string(),
            list: "TEST".to_string(),
            names: vec!["HALVORSEN, Tormod".to_string()],
            birth_dates: Vec::new(),
            nationalities: Vec::new(),
            gender: None,
            documents: Vec::new(),
        }]);
        let policy = MatchPolicy::default();
        let traveller = |surname: &str| TravellerQuery {
            surname: surname.to_string(),
            given_names: String::new(),
            birth_date: None,
            gender: None,
            nationality: None,
            document_number: None,
        };
        let mut scratch = index.pooled_scratch();
        index.screen(&traveller("HALVORSEN"), &policy, &mut scratch);
        assert_eq!(scratch.expansions.len(), 1);
        index.screen(&traveller("HALVORSON"), &policy, &mut scratch);
        assert_eq!(
            scratch.expansions.len(),
            2,
            "within its lifetime the cache keeps words"
        );
        let Some(long_ago) = Instant::now().checked_sub(EXPANSION_CACHE_LIFETIME * 2) else {
            return; // a clock this young cannot be set back; nothing to check
        };
        scratch.expansions_since = long_ago;
        index.screen(&traveller("TORMODSEN"), &policy, &mut scratch);
        assert_eq!(
            scratch.expansions.len(),
            1,
            "only the word screened after emptying"
        );
    }

    /// A traveller known by name only.
    fn named_traveller(surname: &str, given_names: &str) -> TravellerQuery {
        TravellerQuery {
            surname: surname.to_string(),
            given_names: given_names.to_string(),
            birth_date: None,
            gender: None,
            nationality: None,
            document_number: None,
        }
    }

    /// Whether the screening found entry `id` above the alert cut of the evaluation (0.9).
    fn found_above_cut(index: &WatchlistIndex, found: &[Candidate], id: &str) -> bool {
        found
            .iter()
            .any(|c| index.entries()[c.entry].id == id && c.score > 0.9)
    }

    /// Whether entry `id`, if found at all, scored under `most`.
    fn found_below(index: &WatchlistIndex, found: &[Candidate], id: &str, most: f32) -> bool {
        found
            .iter()
            .all(|c| index.entries()[c.entry].id != id || c.score < most)
    }

    /// An entry of one name and nothing else.
    fn named_entry(id: &str, name: &str) -> Entry {
        Entry {
            id: id.to_string(),
            list: "TEST".to_string(),
            names: vec![name.to_string()],
            birth_dates: Vec::new(),
            nationalities: Vec::new(),
            gender: None,
            documents: Vec::new(),
        }
    }

    #[test]
    fn regression_tied_names_at_the_candidate_cut_were_chosen_by_list_order() {
        // Sixty `AHMAD, A…` names tie for `AHMAD / A`, and forty are candidates. The first forty
        // of the list were kept, so at a million names the evaluation list's own names, which
        // come before the padding, gave way to none of the padding's.
        let given = |i: usize| {
            let letter = |n: usize| char::from(b'B' + (n % 20) as u8);
            format!("A{}{}AN", letter(i / 20), letter(i))
        };
        let entries: Vec<Entry> = (0..60)
            .map(|i| named_entry(&format!("e{i}"), &format!("AHMAD, {}", given(i))))
            .collect();
        let policy = MatchPolicy {
            report_threshold: 0.0,
            max_reported: 1000,
            ..MatchPolicy::default()
        };
        let found = |entries: Vec<Entry>| {
            let index = WatchlistIndex::build(entries);
            let mut ids: Vec<String> = index
                .screen(
                    &named_traveller("AHMAD", "A"),
                    &policy,
                    &mut index.scratch(),
                )
                .iter()
                .map(|c| index.entries()[c.entry].id.clone())
                .collect();
            ids.sort();
            ids
        };
        let in_list_order = found(entries.clone());
        assert!(
            (policy.max_candidate_names..60).contains(&in_list_order.len()),
            "the cut falls among the tied names: {}",
            in_list_order.len()
        );
        let reversed = found(entries.into_iter().rev().collect());
        assert_eq!(in_list_order, reversed);
    }

    #[test]
    fn regression_two_typos_in_a_short_given_name_outweighed_the_exact_surname_and_birth_date() {
        // `MMQOUN` for `MAMOUN` (two slips in six letters, 0.78 alike) earned almost no credit, so
        // the exact surname and whole birth date together scored 0.85 and never alerted.
        let born = PartialDate {
            year: 1958,
            month: Some(8),
            day: Some(4),
        };
        let index = WatchlistIndex::build(vec![Entry {
            birth_dates: vec![born],
            ..named_entry("listed", "VESTERGAARD, Mamoun")
        }]);
        let policy = MatchPolicy::default();
        let best = |given_names: &str| {
            let traveller = TravellerQuery {
                birth_date: Some(born),
                ..named_traveller("VESTERGAARD", given_names)
            };
            index
                .screen(&traveller, &policy, &mut index.scratch())
                .first()
                .map_or(0.0, |c| c.score)
        };
        let two_typos = best("MMQOUN");
        assert!(policy.alerts(two_typos), "{two_typos}");
        // Another given name, with the same surname and birth date, is still someone else.
        let other = best("HAKIMI");
        assert!(!policy.alerts(other), "{other}");
    }

    /// Screens `traveller` against 45 namesakes (`namesake` of each given name made of
    /// `syllables` and nine endings, more than the names kept) and one entry `target` named
    /// `target_name`: the candidates found.
    fn screened_beside_namesakes(
        syllables: [&str; 5],
        namesake: impl Fn(&str) -> String,
        target: &str,
        target_name: &str,
        traveller: &TravellerQuery,
    ) -> (WatchlistIndex, Vec<Candidate>) {
        let policy = MatchPolicy::default();
        let endings = [
            "RIN", "DOS", "BEL", "VAN", "SOK", "TIM", "GAR", "PEL", "HUN",
        ];
        let mut entries: Vec<Entry> = syllables
            .iter()
            .flat_map(|s| endings.iter().map(move |e| format!("{s}{e}")))
            .map(|given| named_entry(&given, &namesake(&given)))
            .collect();
        assert!(entries.len() > policy.max_candidate_names);
        entries.push(named_entry(target, target_name));
        let index = WatchlistIndex::build(entries);
        let found = index.screen(traveller, &policy, &mut index.scratch());
        (index, found)
    }

    #[test]
    fn regression_a_particle_counted_as_a_whole_word_kept_a_name_from_the_candidates() {
        // `ABBAS, Abdul Hussein` counted three tokens, as many as every `X, Abbas Y` sharing only
        // ABBAS with a traveller `ABBAS ABDUL`: it tied with them all and fell past the names kept.
        let (index, found) = screened_beside_namesakes(
            ["KA", "LO", "MI", "NE", "TU"],
            |given| format!("NORDHAUG, {given} VESTLI"),
            "particle",
            "NORDHAUG, Abdul Hussein",
            &named_traveller("NORDHAUG", "ABDUL"),
        );
        assert!(
            found
                .iter()
                .any(|c| index.entries()[c.entry].id == "particle"),
            "{found:?}"
        );
    }

    #[test]
    fn regression_initials_counted_beside_the_vote_ranked_short_namesakes_first() {
        // `ALI / A A K`: the one word voted for every `X, Ali`, and an initial only added a
        // tenth to a name's rank, so the two-word names whose word starts with one of the
        // initials all ranked above `Ali, Ali Abdul Karim`, which starts with every one of them.
        let (index, found) = screened_beside_namesakes(
            ["KA", "KO", "AR", "AL", "VE"],
            |given| format!("NORDHAUG, {given}"),
            "initials",
            "NORDHAUG, Arne Karl Vidar",
            &named_traveller("NORDHAUG", "A K V"),
        );
        assert!(
            found
                .iter()
                .any(|c| index.entries()[c.entry].id == "initials"),
            "{found:?}"
        );
    }

    #[test]
    fn regression_an_undated_name_holding_every_word_lost_its_place_to_dated_namesakes() {
        // `MAHMOUD / ALI`, born 1966: forty-odd dated `ALI` names with a `MUHAMMAD` spelling,
        // each with a birth year within one, ranked above the undated `Mahmoud, Ali Habib`,
        // which holds both words, and it was never scored.
        let year = |y: u16| PartialDate {
            year: y,
            month: None,
            day: None,
        };
        let given = [
            "Yassin", "Omar", "Karim", "Said", "Nabil", "Hadi", "Samir", "Tariq",
        ];
        let mohamed = [
            "Mohamed", "Muhammad", "Mohammed", "Mohamad", "Muhamad", "Mohammad",
        ];
        let mut entries: Vec<Entry> = Vec::new();
        for (i, g) in given.iter().enumerate() {
            for (j, m) in mohamed.iter().enumerate() {
                entries.push(Entry {
                    birth_dates: vec![year(1966)],
                    ..named_entry(&format!("dated-{i}-{j}"), &format!("ALI, {g} {m}"))
                });
            }
        }
        entries.push(named_entry("undated", "Mahmoud, Ali Habib"));
        let index = WatchlistIndex::build(entries);
        let traveller = TravellerQuery {
            birth_date: Some(year(1966)),
            ..named_traveller("MAHMOUD", "ALI")
        };
        let found = index.screen(&traveller, &MatchPolicy::default(), &mut index.scratch());
        assert!(found_above_cut(&index, &found, "undated"), "{found:?}");
    }

    #[test]
    fn regression_a_name_in_somali_orthography_never_met_its_arabic_way_spelling() {
        // `CABDULLAHI CUSMAN MAXAMED` is ABDULLAHI OSMAN MOHAMED: C writes `ع` and X `ح`. Only
        // the surname met, at 0.36; and `CIISE` met `ISSE` by spelling alone, under the cut.
        let index = WatchlistIndex::build(vec![
            named_entry("arabic-way", "ABDULLAHI OSMAN MOHAMED CADDOW"),
            named_entry("isse", "ADEN, Mahad Isse"),
            named_entry("somali", "CUMAR, Cabdiraxman Maxamed"),
            named_entry("other", "OSMAN, Mohamed"),
        ]);
        for (surname, given_names, expected) in [
            ("CADDOW", "CABDULLAHI CUSMAN MAXAMED", "arabic-way"),
            ("AADAN", "MAHAD CIISE", "isse"),
            ("UMAR", "ABDIRAHMAN MOHAMED", "somali"),
        ] {
            let traveller = named_traveller(surname, given_names);
            let found = index.screen(&traveller, &MatchPolicy::default(), &mut index.scratch());
            assert!(
                found_above_cut(&index, &found, expected),
                "{surname} {given_names}: {found:?}"
            );
        }
        // A Spanish name with C before vowels is not read the Somali way.
        let garcia = tokenize("GARCIA ALBERICO");
        assert!(garcia.iter().all(|t| t.somali.is_none()));
    }

    #[test]
    fn regression_a_spelling_differing_only_by_a_title_took_two_candidate_places() {
        // `HAJI HOSSEINI, Mostafa` beside `HOSSEINI, Mostafa`: once titles were kept as tokens,
        // both were indexed, and at a common surname the second copy pushed `Hosseini, Seyed
        // Sadegh` out of the names kept.
        let index = WatchlistIndex::build(vec![Entry {
            names: vec![
                "HAJI HOSSEINI, Mostafa".to_string(),
                "HOSSEINI, Mostafa".to_string(),
                "HOSSEINI, Mustafa".to_string(),
            ],
            ..named_entry("titled", "")
        }]);
        assert_eq!(index.entry_names[0].len(), 2);
        // The spelling kept first keeps its title.
        let first = &index.names[index.entry_names[0][0] as usize];
        assert!(first
            .tokens
            .iter()
            .any(|&v| index.vocabulary[v as usize].kind == TokenKind::Title));
    }

    #[test]
    fn regression_a_name_with_three_words_like_the_travellers_hid_an_exact_one() {
        // `أبو شيماء (Abu-Shaima, Abu- Shayma)` holds three words like SHAIMI: each voted, and
        // `SHAIMI, Husayn`, under half that vote, was never ranked.
        let index = WatchlistIndex::build(vec![
            named_entry("many", "أبو شيماء (Abu-Shaima, Abu- Shayma)"),
            named_entry("exact", "SHAIMI, Husayn"),
        ]);
        let traveller = named_traveller("SHAIMI", "");
        let found = index.screen(&traveller, &MatchPolicy::default(), &mut index.scratch());
        assert!(
            found.iter().any(|c| index.entries()[c.entry].id == "exact"),
            "{found:?}"
        );
    }

    #[test]
    fn regression_arabic_compounds_written_apart_or_together_were_never_candidates() {
        // `الله, هدايت` is the listed HIDAYATULLAH and `خسروپناه` the listed KHOSROW PANAH: no
        // word of either traveller alone reached a listed word, so neither entry was scored.
        let index = WatchlistIndex::build(vec![
            named_entry("joined", "HIDAYATULLAH"),
            named_entry("split", "PANAH, Khosrow"),
            named_entry("other", "KARIMI, Hamid"),
        ]);
        for (surname, given_names, expected) in
            [("الله", "هدايت", "joined"), ("خسروپناه", "", "split")]
        {
            let traveller = named_traveller(surname, given_names);
            let found = index.screen(&traveller, &MatchPolicy::default(), &mut index.scratch());
            assert!(
                found_above_cut(&index, &found, expected),
                "{surname} {given_names}: {found:?}"
            );
        }
    }

    /// Distinct made-up surnames, `count` of them.
    fn made_up_surnames(count: usize) -> impl Iterator<Item = String> {
        let syllables = [
            "BRO", "DEL", "FAN", "GUR", "HOS", "JEK", "LIP", "MOR", "NUV", "PAT", "ROK", "SEV",
            "TOL", "VUN", "WES", "ZIL",
        ];
        (0..count).map(move |i| {
            let at = |n: usize| syllables[n % syllables.len()];
            format!("{}{}{}", at(i), at(i / 16), at(i / 256))
        })
    }

    #[test]
    fn regression_latin_given_names_written_apart_never_found_their_listed_compound() {
        // `MEHDI / ALI ZAHEER`, born 1973, against the listed `MEHDI, Alizaheer Mohammad`: only
        // MEHDI voted for it (neither ALI nor ZAHEER reaches ALIZAHEER), and the dated `X, Ali`
        // names ranked above it; it was never scored, though it scores 1.0 when it is.
        let born = PartialDate {
            year: 1973,
            month: Some(5),
            day: Some(14),
        };
        let mut entries: Vec<Entry> = made_up_surnames(60)
            .map(|surname| Entry {
                birth_dates: vec![born],
                ..named_entry(&surname, &format!("{surname}, Ali"))
            })
            .collect();
        entries.push(Entry {
            birth_dates: vec![born],
            ..named_entry("listed", "MEHDI, Alizaheer Mohammad")
        });
        let index = WatchlistIndex::build(entries);
        let traveller = TravellerQuery {
            birth_date: Some(born),
            ..named_traveller("MEHDI", "ALI ZAHEER")
        };
        let found = index.screen(&traveller, &MatchPolicy::default(), &mut index.scratch());
        assert!(found_above_cut(&index, &found, "listed"), "{found:?}");
    }

    #[test]
    fn regression_a_word_the_list_does_not_know_written_for_two_it_does_found_no_candidate() {
        // `O / LNCHUN` against the listed `O, ln-chun`: the one-letter surname is an initial,
        // which never votes, and LNCHUN reached no listed word, so nothing voted for any name.
        let index = WatchlistIndex::build(vec![
            named_entry("listed", "O, ln-chun"),
            named_entry("other", "KIM, Jong Chun"),
        ]);
        let traveller = named_traveller("O", "LNCHUN");
        let found = index.screen(&traveller, &MatchPolicy::default(), &mut index.scratch());
        assert!(found_above_cut(&index, &found, "listed"), "{found:?}");
    }

    #[test]
    fn regression_a_compound_of_two_common_words_kept_the_names_holding_both_apart_from_the_vote() {
        // `ALI / MOHAMMAD REZA`: all three words are too common to read their names, so the
        // names holding two of them are found through the pairs. The joined MOHAMMADREZA,
        // rarer, counted as the best spelling of both its halves, so they were never paired,
        // and `ALI, Mohammad Reza` was never a candidate.
        let common = COMMON_TOKEN_POSTINGS + 1;
        let mut surnames = made_up_surnames(3 * common + 50);
        let mut entries: Vec<Entry> = Vec::new();
        for given in ["Ali", "Mohammad", "Reza", "Mohammadreza"] {
            let count = if given == "Mohammadreza" { 50 } else { common };
            for surname in surnames.by_ref().take(count) {
                entries.push(named_entry(&surname, &format!("{surname}, {given}")));
            }
        }
        entries.push(named_entry("listed", "ALI, Mohammad Reza"));
        let index = WatchlistIndex::build(entries);
        let traveller = named_traveller("ALI", "MOHAMMAD REZA");
        let found = index.screen(&traveller, &MatchPolicy::default(), &mut index.scratch());
        assert!(found_above_cut(&index, &found, "listed"), "{found:?}");
    }

    #[test]
    fn regression_a_short_word_misread_by_ocr_never_reached_its_listed_word() {
        // `YUNUS / AII` against the listed `YUNUS, Ali` (undated): AII is ALI with the L read as
        // an I, but a word of three letters has no deletion keys, so it reached no listed word.
        // YUNUS alone voted, and the namesakes born within a year of the traveller ranked first.
        let born = PartialDate {
            year: 1968,
            month: Some(11),
            day: Some(15),
        };
        let mut entries: Vec<Entry> = made_up_surnames(60)
            .map(|given| Entry {
                birth_dates: vec![born],
                ..named_entry(&given, &format!("YUNUS, {given}"))
            })
            .collect();
        entries.push(named_entry("listed", "YUNUS, Ali"));
        let index = WatchlistIndex::build(entries);
        let traveller = TravellerQuery {
            birth_date: Some(born),
            ..named_traveller("YUNUS", "AII")
        };
        let found = index.screen(&traveller, &MatchPolicy::default(), &mut index.scratch());
        assert!(found_above_cut(&index, &found, "listed"), "{found:?}");
    }

    #[test]
    fn regression_a_common_word_left_out_was_never_paired_when_a_rarer_spelling_voted_more() {
        // `AL-MAHMUD / HALID` against the listed `AL-MAHMUD, Khalid`, same birth date: MAHMUD and
        // KHALID are too common to read their names, and HALID, a listed word too, voted 1.0
        // where KHALID would have voted 0.97. A left-out word was paired only where it beat
        // every admitted spelling of its traveller word, so the listed name was never voted for.
        let born = PartialDate {
            year: 1984,
            month: Some(9),
            day: Some(20),
        };
        let common = COMMON_TOKEN_POSTINGS + 1;
        let mut surnames = made_up_surnames(2 * common + 5);
        let mut entries: Vec<Entry> = Vec::new();
        for (given, count) in [("Mahmud", common), ("Khalid", common), ("Halid", 5)] {
            for surname in surnames.by_ref().take(count) {
                entries.push(named_entry(&surname, &format!("{surname}, {given}")));
            }
        }
        entries.push(Entry {
            birth_dates: vec![born],
            ..named_entry("listed", "AL-MAHMUD, Khalid")
        });
        let index = WatchlistIndex::build(entries);
        let traveller = TravellerQuery {
            birth_date: Some(born),
            ..named_traveller("AL-MAHMUD", "HALID")
        };
        let found = index.screen(&traveller, &MatchPolicy::default(), &mut index.scratch());
        assert!(found_above_cut(&index, &found, "listed"), "{found:?}");
    }

    #[test]
    fn regression_only_the_best_spelling_of_a_word_was_paired_when_the_list_wrote_another() {
        // `HUSAYN / AHMAD` against the listed `HUSSEIN, Ahmed`, same birth date, where all four
        // spellings are too common to read their names (a rarer HUSAYNI voted): each word's best
        // spelling is its own, and the names holding HUSAYN and AHMAD were the only pair looked
        // up. At a million names `Husayn / Alee Ahmad` never found `HUSSEIN, Ali Ahmed` so.
        let born = PartialDate {
            year: 1980,
            month: Some(1),
            day: Some(25),
        };
        let common = COMMON_TOKEN_POSTINGS + 1;
        let mut entries: Vec<Entry> = Vec::new();
        for (given, count) in [
            ("Husayn", common),
            ("Hussein", common),
            ("Ahmad", common),
            ("Ahmed", common),
            ("Husayni", 5),
        ] {
            for surname in made_up_surnames(count) {
                entries.push(named_entry(
                    &format!("{given}-{surname}"),
                    &format!("{surname}, {given}"),
                ));
            }
        }
        entries.push(Entry {
            birth_dates: vec![born],
            ..named_entry("listed", "HUSSEIN, Ahmed")
        });
        let index = WatchlistIndex::build(entries);
        let traveller = TravellerQuery {
            birth_date: Some(born),
            ..named_traveller("HUSAYN", "AHMAD")
        };
        let found = index.screen(&traveller, &MatchPolicy::default(), &mut index.scratch());
        assert!(found_above_cut(&index, &found, "listed"), "{found:?}");
    }

    #[test]
    fn regression_an_arabic_script_allah_written_apart_never_met_a_listed_abdullah() {
        // `عبد الله / امیر` against the listed `ABDULLAH, Amir`, same birth date: the list's
        // ABDULLAH is `ABD` + `LAH`, the traveller's `عبد الله` `ABD` + `الله`, whose one-letter
        // skeleton has no key, so it reached no listed word; AMIR alone is too common to read
        // its names, and with two words in the name there was nothing to pair it with.
        let born = PartialDate {
            year: 1972,
            month: Some(9),
            day: Some(17),
        };
        let common = COMMON_TOKEN_POSTINGS + 1;
        let mut entries: Vec<Entry> = Vec::new();
        for surname in made_up_surnames(common) {
            entries.push(named_entry(
                &format!("amir-{surname}"),
                &format!("{surname}, Amir"),
            ));
            entries.push(named_entry(
                &format!("abdullah-{surname}"),
                &format!("ABDULLAH, {surname}"),
            ));
        }
        for surname in made_up_surnames(5) {
            entries.push(named_entry(
                &format!("ameer-{surname}"),
                &format!("{surname}, Ameer"),
            ));
        }
        entries.push(Entry {
            birth_dates: vec![born],
            ..named_entry("listed", "ABDULLAH, Amir")
        });
        let index = WatchlistIndex::build(entries);
        let traveller = TravellerQuery {
            birth_date: Some(born),
            ..named_traveller("عبد الله", "امیر")
        };
        let found = index.screen(&traveller, &MatchPolicy::default(), &mut index.scratch());
        assert!(found_above_cut(&index, &found, "listed"), "{found:?}");
    }

    #[test]
    fn regression_the_halves_of_a_word_cut_in_two_took_the_places_of_the_words_paired() {
        // `التكريتي / عمر سبعاوي إبراهيم حسن` at a million names: the left-out spellings of the
        // long words' halves (IBARRA, SAAB, rarer than the words' own) were among the best, and
        // the rarest four are paired, so TIKRITI and HASAN were never paired.
        let (first_half, second_half) = half_bits(0);
        let (tikriti, hasan) = (voter_bit(0), voter_bit(3));
        let left_out = [
            (10, 0.92, tikriti),
            (11, 0.9, first_half),
            (12, 0.9, hasan),
            (13, 0.9, second_half),
            (14, 0.8, hasan),
        ];
        let best = best_left_out_spellings(&left_out, tikriti | hasan);
        let ids: Vec<u32> = best.iter().map(|&(id, _, _)| id).collect();
        assert_eq!(
            ids,
            [10, 12, 14],
            "the words' spellings, best first, and no half's"
        );
    }

    #[test]
    fn regression_a_slip_that_is_two_edits_in_the_phonetic_form_found_no_listed_word() {
        // `HAMCOH` is `HAMKOH` phonetically, `HAMCHO` `HAMCO`; `KHALLOMF` `HALOMF`, `KHALLOUF`
        // `HALUF`; `FAXZLI` `FAKSZLI`: one slip each, two edits apart in phonetic form, where the
        // keys reach one. Alone in the traveller's name, the word found no candidate.
        let index = WatchlistIndex::build(vec![
            named_entry("hamcho", "HAMCHO, Fadi"),
            named_entry("khallouf", "KHALLOUF, Samir"),
            named_entry("fazli", "FAZLI, Yusuf"),
        ]);
        for (surname, expected) in [
            ("HAMCOH", "hamcho"),
            ("KHALLOMF", "khallouf"),
            ("FAXZLI", "fazli"),
        ] {
            let traveller = named_traveller(surname, "");
            let found = index.screen(&traveller, &MatchPolicy::default(), &mut index.scratch());
            assert!(
                found
                    .iter()
                    .any(|c| index.entries()[c.entry].id == expected),
                "{surname}: {found:?}"
            );
        }
    }

    #[test]
    fn regression_a_russian_name_never_reached_its_belarusian_form() {
        // The list gives `NAUMAU, Uladzimir Uladzimiravich`, the passport the Russian form: no
        // word reached a listed word by spelling, so the entry was not even scored.
        let index = WatchlistIndex::build(vec![
            named_entry("belarusian", "NAUMAU, Uladzimir Uladzimiravich"),
            named_entry("other", "NAUMENKO, Vladislav"),
        ]);
        let traveller = named_traveller("NAUMOV", "VLADIMIR VLADIMIROVICH");
        let found = index.screen(&traveller, &MatchPolicy::default(), &mut index.scratch());
        assert!(found_above_cut(&index, &found, "belarusian"), "{found:?}");
        assert!(found_below(&index, &found, "other", 0.9), "{found:?}");
    }

    #[test]
    fn regression_a_listed_hebrew_or_english_name_never_met_its_arabic_form() {
        // `DAVID, Yafi` travels as `YAFEE / DAOUD`: `DAOUD` is `DAVID` in Arabic, two letters in
        // place, and the name scored 0.77 with the whole birth date in common.
        let born = PartialDate {
            year: 1969,
            month: Some(8),
            day: Some(25),
        };
        let index = WatchlistIndex::build(vec![
            Entry {
                birth_dates: vec![born],
                ..named_entry("listed", "DAVID, Yafi")
            },
            named_entry("other", "DAOUDI, Yassin"),
        ]);
        let traveller = TravellerQuery {
            birth_date: Some(born),
            ..named_traveller("YAFEE", "DAOUD")
        };
        let found = index.screen(&traveller, &MatchPolicy::default(), &mut index.scratch());
        assert!(found_above_cut(&index, &found, "listed"), "{found:?}");
        assert!(found_below(&index, &found, "other", 0.6), "{found:?}");
        // A translation is weaker evidence than the same name romanised otherwise.
        let translated = token_similarity(&tokenize("DAOUD")[0], &tokenize("DAVID")[0], false);
        let romanised =
            token_similarity(&tokenize("VOLODYMYR")[0], &tokenize("VLADIMIR")[0], false);
        assert_eq!(translated.kind, TokenMatchKind::Cognate);
        assert_eq!(romanised.kind, TokenMatchKind::Cognate);
        assert!(
            translated.score < romanised.score,
            "{translated:?} {romanised:?}"
        );
    }

    #[test]
    fn regression_a_passport_name_cut_inside_abdallah_met_neither_abd_nor_allah() {
        // The MRZ keeps 39 characters: `AL<JUBURI<<MAYSAR<ALI<MUSA<ABDA` is `... ABDALLAH` cut.
        // The list's ABDALLAH is read ABD + LAH, which the cut word met neither of (0.79).
        let index = WatchlistIndex::build(vec![named_entry(
            "listed",
            "AL-JUBURI, Maysar Ali Musa Abdallah",
        )]);
        let cut = named_traveller("AL JUBURI", "MAYSAR ALI MUSA ABDA");
        let found = index.screen(&cut, &MatchPolicy::default(), &mut index.scratch());
        assert!(found_above_cut(&index, &found, "listed"), "{found:?}");
        // A short name ending in an ABD word is not read as cut: `ABDI` stays a name of its own.
        let short = named_traveller("JUBURI", "MAYSAR ABDI");
        assert!(PreparedQuery::new(&short).cut_abd_reading.is_none());
    }

    #[test]
    fn a_vocabulary_renumbered_by_skeleton_keeps_every_name_and_posting() {
        let names = [
            "KARIMOV Rustam",
            "Ali Ali Abdul Karim",
            "Mohammed KARIMI",
            "Иван Петров",
            "محمد كريم",
            "RUSTAMOV Karim",
        ];
        let entries: Vec<Entry> = names
            .iter()
            .enumerate()
            .map(|(i, name)| named_entry(&format!("e{i}"), name))
            .collect();
        let index = WatchlistIndex::build(entries);
        assert!(index
            .vocabulary
            .windows(2)
            .all(|pair| vocabulary_order(&pair[0]) < vocabulary_order(&pair[1])));
        for (name_id, name) in index.names.iter().enumerate() {
            let listed = &index.entries[name.entry as usize].names[name.position as usize];
            let written: Vec<String> = tokenize(listed)
                .iter()
                .map(|t| t.folded.to_string())
                .collect();
            let indexed: Vec<String> = name
                .tokens
                .iter()
                .map(|&v| index.vocabulary[v as usize].folded.to_string())
                .collect();
            assert_eq!(indexed, written);
            for &v in name.tokens.iter() {
                assert!(index.postings[v as usize].contains(&(name_id as u32)));
            }
        }
        for (v, names) in index.postings.iter().enumerate() {
            assert!(names.windows(2).all(|pair| pair[0] < pair[1]));
            for &n in names {
                assert!(index.names[n as usize].tokens.contains(&(v as u32)));
            }
        }
        let ali = index
            .vocabulary
            .iter()
            .position(|t| t.folded == "ALI")
            .expect("ALI indexed") as u32;
        assert_eq!(index.repeated_postings.get(&ali).map(Vec::len), Some(1));
        assert_eq!(index.repeated_postings.len(), 1);
    }

    #[test]
    fn a_key_table_finds_exactly_the_pairs_of_a_key_whatever_its_size() {
        let mut rng = fastrand::Rng::with_seed(3);
        for size in [0usize, 1, 2, 7, 100, 5_000] {
            // Few distinct keys, so that keys hold several ids, and both ends of the key range.
            let keys: Vec<u64> = (0..size / 3 + 2)
                .map(|i| match i {
                    0 => 0,
                    1 => u64::MAX,
                    _ => mix(rng.u64(..)),
                })
                .collect();
            let pairs: Vec<(u64, u32)> = (0..size)
                .map(|_| (keys[rng.usize(..keys.len())], rng.u32(..50)))
                .collect();
            let table = KeyTable::new(pairs.clone());
            for &k in keys.iter().chain(&[12_345, mix(1)]) {
                let mut expected: Vec<(u64, u32)> =
                    pairs.iter().copied().filter(|&(pk, _)| pk == k).collect();
                expected.sort_unstable();
                expected.dedup();
                assert_eq!(table.get(k), expected.as_slice(), "size {size}, key {k}");
            }
        }
    }

    #[test]
    fn galloping_intersection_finds_exactly_the_ids_in_both_lists() {
        let mut rng = fastrand::Rng::with_seed(5);
        let sorted_ids = |rng: &mut fastrand::Rng, len: usize, range: u32| {
            let mut ids: Vec<u32> = (0..len).map(|_| rng.u32(..range)).collect();
            ids.sort_unstable();
            ids.dedup();
            ids
        };
        for (a_len, b_len, range) in [
            (0, 10, 50),
            (1, 1, 2),
            (5, 3_000, 10_000),
            (800, 900, 2_000),
        ] {
            for _ in 0..20 {
                let a = sorted_ids(&mut rng, a_len, range);
                let b = sorted_ids(&mut rng, b_len, range);
                let expected: Vec<u32> = a.iter().copied().filter(|x| b.contains(x)).collect();
                for (first, second) in [(&a, &b), (&b, &a)] {
                    let mut found = Vec::new();
                    for_each_in_both(first, second, |id| found.push(id));
                    assert_eq!(found, expected, "{a_len} against {b_len} in {range}");
                }
            }
        }
    }

    #[test]
    fn left_out_words_never_add_more_than_their_bound() {
        let mut rng = fastrand::Rng::with_seed(9);
        let words = [
            "ALI", "MUHAMMAD", "HASAN", "AHMAD", "HUSAYN", "ABDALLAH", "UMAR", "YUSUF",
        ];
        let entries: Vec<Entry> = (0..300)
            .map(|i| {
                let mut name: Vec<&str> = (0..rng.usize(1..5))
                    .map(|_| words[rng.usize(..words.len())])
                    .collect();
                name.dedup();
                Entry {
                    id: format!("e-{i}"),
                    list: "TEST".to_string(),
                    names: vec![name.join(" ")],
                    birth_dates: Vec::new(),
                    nationalities: Vec::new(),
                    gender: None,
                    documents: Vec::new(),
                }
            })
            .collect();
        let index = WatchlistIndex::build(entries);
        let vocabulary = index.vocabulary_size() as u32;
        for _ in 0..200 {
            // Left-out words: random listed words, votes and traveller-word bits (some joined).
            let mut left_out: Vec<(u32, f32, u32)> = (0..rng.usize(1..8))
                .map(|_| {
                    let bits = match rng.usize(..4) {
                        0 => voter_bit(rng.usize(..3)) | voter_bit(rng.usize(..3)),
                        _ => voter_bit(rng.usize(..3)),
                    };
                    (rng.u32(..vocabulary), rng.f32(), bits)
                })
                .collect();
            left_out.sort_unstable_by_key(|&(v, _, _)| v);
            let bound = LeftOutBound::of(&left_out);
            for name in 0..index.names.len() as u32 {
                let voters = voter_bit(rng.usize(..4)) * u32::from(rng.bool());
                let mut vote = NameVote { total: 0.0, voters };
                let words = index.rankings[name as usize].words;
                index.count_left_out_words(&left_out, name, &mut vote);
                let most = bound.most_for(voters, words);
                assert!(vote.total <= most + 1e-6, "{} > {most}", vote.total);
                assert!(most <= bound.most_for(voters, u64::MAX) + 1e-6);
            }
        }
    }
}
