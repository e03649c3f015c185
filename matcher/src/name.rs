//! A name as a bag of comparable tokens: titles removed, particles recognised, initials marked.
//!
//! Order is not kept on purpose: API data splits and orders names badly, so matching treats a
//! name as a set of parts (see [`crate::name_score`]).

use crate::fold::{digits_to_letters, fold_words, ArabicEnding, FoldedWord, Script};
use crate::long_vowels::WrittenVowels;
use crate::phonetic::{arabic_skeleton, phonetic, skeleton};
use compact_str::CompactString;

/// What role a token plays in a name; it decides its weight and how it may match.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenKind {
    /// An ordinary name part.
    Word,
    /// A connective or family particle (`BIN`, `ABU`, `ABD`, `VAN`, `DE`...), folded to one spelling.
    Particle,
    /// A single letter standing for a given name.
    Initial,
    /// An honorific or rank (`HAJJI`, `SHEIKH`, `DR`) in a name of other words. Written on one
    /// side only it weighs nothing: lists and travellers add or leave titles out freely. It is
    /// kept because an initialised name initialises it too (`NUROW, Yusuf Ahmed Hajji` as
    /// `NUROW Y A H`), and because one both names write is often the family name (`SHEIKH,
    /// Umair Naeem`), which counts as a word both write.
    Title,
}

/// One comparable name part with its precomputed keys.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Token {
    /// Upper-case ASCII (for Arabic script: the consonant classes).
    pub folded: CompactString,
    /// [`phonetic`] form; equal to `folded` for Arabic script.
    pub phonetic: CompactString,
    /// Consonant skeleton.
    pub skeleton: CompactString,
    /// A second consonant skeleton: the Persian reading of an Arabic-script word, or a Latin
    /// skeleton without `V` (Persian `و` is written `V`, `W` or `OU`, and vowels are dropped).
    pub skeleton_alternative: Option<CompactString>,
    /// Phonetic form without an attached particle (`ALTIKRITI` → `TIKRITI`, `VANDERBERG` → `BERG`).
    pub stem: Option<CompactString>,
    pub kind: TokenKind,
    pub script: Script,
    /// How an Arabic-script word ends (`Unknown` for other scripts).
    pub arabic_ending: ArabicEnding,
    /// The long vowels an Arabic-script word writes between its consonants (empty otherwise).
    pub written_vowels: WrittenVowels,
    /// Further skeletons of a Latin word, read only against Arabic script: without an Arabic
    /// article attached to its front, and with `SH` as `S` then `H` (see
    /// [`crate::token_similarity::cross_script_skeletons`]). Empty for most words. A boxed slice,
    /// not a `Vec`: a token is a vocabulary record, and at 192 bytes it spans three cache lines.
    pub cross_script_skeletons: Box<[String]>,
    /// Hash of the word read as romanised Korean syllables ([`crate::korean::syllable_key`]),
    /// when it reads as one: compared for every listed word a traveller's keys reach, so read
    /// once per word.
    pub korean: Option<u64>,
    /// Hash of the name the word is a form of in another language: East Slavic
    /// ([`crate::east_slavic::cognate`]: `ULADZIMIR` and `VLADIMIR`, `NAUMAU` and `NAUMOV` share
    /// one) or scriptural ([`crate::scriptural`]: `DAVID` and `DAOUD`).
    pub cognate: Option<u64>,
    /// The letters of `folded` as a bit set ([`letter_set`]): a bound of its spelling
    /// similarity to another word without comparing them letter by letter.
    pub folded_letters: u32,
    /// The letters of `phonetic` as a bit set, for the same bound on phonetic forms.
    pub phonetic_letters: u32,
    /// The word as the Arabic-way romanisation writes it, when its name is in Somali orthography
    /// and it reads otherwise there ([`crate::somali`]: `MAXAMED` → `MAHAMED`).
    pub somali: Option<Box<Token>>,
}

/// A bit per letter of `word`, by its low five bits (letters that share a slot only make two
/// words look more alike, so a bound taken from these sets stays a bound).
pub fn letter_set(word: &str) -> u32 {
    word.bytes().fold(0, |set, b| set | 1 << (b & 31))
}

/// Honorifics, ranks and titles that lists and travellers add or leave out freely.
const TITLES: &[&str] = &[
    "MR",
    "MRS",
    "MS",
    "MISS",
    "MX",
    "SIR",
    "DAME",
    "LORD",
    "LADY",
    "DR",
    "DOCTOR",
    "PROF",
    "PROFESSOR",
    "ENG",
    "ENGINEER",
    "GENERAL",
    "GEN",
    "COLONEL",
    "COL",
    "MAJOR",
    "CAPTAIN",
    "CAPT",
    "LIEUTENANT",
    "LT",
    "BRIGADIER",
    "ADMIRAL",
    "SERGEANT",
    "SHEIKH",
    "SHEIK",
    "SHAIKH",
    "SHAYKH",
    "SHEKH",
    "CHEIKH",
    "HAJI",
    "HAJJI",
    "HADJI",
    "HAJ",
    "HAJJ",
    "ALHAJI",
    "ALHAJ",
    "ALHAJJ",
    "MULLAH",
    "MULLA",
    "MOLLAH",
    "MOLLA",
    "MAULANA",
    "MAWLANA",
    "MOULANA",
    "MAULVI",
    "MAWLAWI",
    "MOULVI",
    "MAULAWI",
    "MAULAVI",
    "MAWLAVI",
    "MOULAVI",
    "MOLVI",
    // Reciter of the Quran, used before the name like MAULANA.
    "QARI",
    "MUFTI",
    "IMAM",
    "USTADH",
    "USTAZ",
    "USTAD",
    "AYATOLLAH",
    "HOJATOLESLAM",
    "EMIR",
    "REV",
    "REVEREND",
    "FATHER",
];

/// Arabic articles: dropped when detached, stripped into a stem when attached.
const ARTICLES: &[&str] = &[
    "AL", "EL", "UL", "AD", "AR", "AS", "ASH", "AT", "AZ", "ADH", "ATH",
];

/// Particles folded to one canonical spelling each.
const PARTICLES: &[(&str, &str)] = &[
    ("BIN", "BIN"),
    ("BINT", "BIN"),
    ("BINTI", "BIN"),
    ("IBN", "BIN"),
    // Malay and Indonesian `IBNU`, French `IBNOU`.
    ("IBNU", "BIN"),
    ("IBNOU", "BIN"),
    ("BINTE", "BIN"),
    ("BEN", "BIN"),
    ("BENT", "BIN"),
    ("BI", "BIN"),
    ("ABU", "ABU"),
    ("ABOU", "ABU"),
    // South Asian and older English spelling (`ABOO BAKR`).
    ("ABOO", "ABU"),
    ("ABO", "ABU"),
    ("ABI", "ABU"),
    ("UMM", "UMM"),
    ("UM", "UMM"),
    ("OUM", "UMM"),
    ("ABD", "ABD"),
    ("ABDUL", "ABD"),
    ("ABDEL", "ABD"),
    ("ABDOUL", "ABD"),
    ("ABDAL", "ABD"),
    ("ABDUR", "ABD"),
    ("ABDER", "ABD"),
    ("ABDOL", "ABD"),
    ("ABDU", "ABD"),
    ("VAN", "VAN"),
    ("VON", "VAN"),
    ("DER", "DER"),
    ("DEN", "DER"),
    ("TER", "DER"),
    ("DE", "DE"),
    ("DA", "DE"),
    ("DI", "DE"),
    ("DU", "DE"),
    ("DEL", "DE"),
    ("DELA", "DE"),
    ("DELLA", "DE"),
    ("DOS", "DE"),
    ("DAS", "DE"),
];

/// Arabic-script particles as written (alif and ya forms unified, see
/// [`crate::fold::FoldedWord::spelling`]), with their canonical form. By spelling, not by folded
/// consonants: `عبيد` (UBAYD) and `بنا` (BANNA) fold like `عبد` and `بن` but are names.
const ARABIC_PARTICLES: &[(&str, &str)] = &[
    ("بن", "BIN"),
    ("ابن", "BIN"),
    ("بنت", "BIN"),
    ("ابو", "ABU"),
    ("ابي", "ABU"),
    ("ابا", "ABU"),
    ("عبد", "ABD"),
];

/// `الله` folded inside a word (its alif is no word-initial vowel there).
const ATTACHED_ALLAH: &str = "LLH";

/// `الله` as written: a word of its own, or attached at the end of a compound (`عبیدالله`,
/// `خيرالله` = `KHAIRULLAH`).
const ALLAH_SPELLING: &str = "الله";

/// `الله` after folding. It is nearly always the second half of a compound written apart
/// (`عبد الله`, `هدايت الله` = `HIDAYATULLAH`), whose Latin skeleton ends in a single `L`.
const ARABIC_ALLAH: &str = "ALLH";

/// Prefixes that attach to a name part without a space: the remainder becomes the stem. A
/// particle and its article attach together too (`BINALSHIBH` is `BIN AL SHIBH`, whose detached
/// article is dropped), longest first.
const ATTACHED_PREFIXES: &[&str] = &[
    "VANDER", "VANDEN", "VANDE", "VAN", "VON", "DELA", "DEL", "BINAL", "BENAL", "IBNAL", "ABUAL",
    "ABOUL", "ABUL", "AL", "EL", "UL",
];

/// Attached `ABD` forms that split off as their own particle (`ABDULRAHMAN` → `ABD` `RAHMAN`).
pub(crate) const ATTACHED_ABD: &[&str] = &[
    "ABDOUL", "ABDUL", "ABDEL", "ABDAL", "ABDUR", "ABDER", "ABDAR", "ABDOR", "ABDOL", "ABDES",
    "ABDAS", "ABDUS", "ABDEN", "ABDAN", "ABDU",
];

/// Spellings of `ALLAH` after an attached `ABD`; also without the final `H`, as passports write
/// ABDULLA (Central Asia) and ABDALLA (Sudan): left whole, that word met no listed ABDULLAH.
pub(crate) const ABD_ALLAH_ENDINGS: &[&str] = &[
    "ULLAH", "ALLAH", "OLLAH", "ELLAH", "ULAH", "ALAH", "OLAH", "ELAH", "LLAH", "LAH", "ULLA",
    "ALLA", "OLLA", "ELLA",
];

/// Abbreviations of a name written in its place on documents and in lists: `MOHD` and `MUHD`
/// (Malaysia, Singapore, Brunei), `MHD` (Syria) for MUHAMMAD. Read as the name, which then
/// meets any of its spellings.
const ABBREVIATED_NAMES: &[(&str, &str)] = &[
    ("MOHD", "MUHAMMAD"),
    ("MUHD", "MUHAMMAD"),
    ("MHD", "MUHAMMAD"),
];

fn unabbreviated(word: String) -> String {
    match ABBREVIATED_NAMES.iter().find(|(short, _)| *short == word) {
        Some((_, name)) => name.to_string(),
        None => word,
    }
}

/// The spellings of the particle `ABD` written apart (`ABD`, `ABDUL`, `ABDEL`...).
pub(crate) fn abd_spellings() -> impl Iterator<Item = &'static str> {
    PARTICLES
        .iter()
        .filter(|(_, canonical)| *canonical == "ABD")
        .map(|(spelling, _)| *spelling)
}

fn canonical_particle(word: &str) -> Option<&'static str> {
    PARTICLES
        .iter()
        .find(|(spelling, _)| *spelling == word)
        .map(|(_, canonical)| *canonical)
}

impl Token {
    /// A token romanised to Latin letters (Latin, Cyrillic, Greek, CJK...) from a folded word.
    pub(crate) fn latin(folded: String, kind: TokenKind, script: Script) -> Token {
        let phonetic_form = if script == Script::Cjk {
            crate::phonetic::phonetic_of_east_asian
        } else {
            phonetic
        };
        let phonetic = phonetic_form(&folded);
        let skeleton = skeleton(&phonetic);
        let stem = if kind == TokenKind::Word {
            ATTACHED_PREFIXES
                .iter()
                .find(|prefix| folded.starts_with(*prefix) && folded.len() >= prefix.len() + 3)
                .map(|prefix| phonetic_form(&folded[prefix.len()..]))
        } else {
            None
        };
        let without_v: String = skeleton.chars().filter(|&c| c != 'V').collect();
        let skeleton_alternative =
            (without_v.len() != skeleton.len() && !without_v.is_empty()).then_some(without_v);
        let cross_script_skeletons = if kind == TokenKind::Word {
            crate::token_similarity::cross_script_skeletons(&folded, &phonetic).into_boxed_slice()
        } else {
            Box::default()
        };
        let korean = (kind == TokenKind::Word)
            .then(|| crate::korean::syllable_key_hash(&folded))
            .flatten();
        // The scriptural table first: its names are given names, which the East Slavic table
        // would otherwise read by their endings as surnames (`YAAKOV` as `YAAK-OV`).
        let cognate = (kind == TokenKind::Word)
            .then(|| {
                crate::scriptural::key_hash(&phonetic)
                    .or_else(|| crate::east_slavic::cognate_key_hash(&folded, &phonetic))
            })
            .flatten();
        Token {
            folded_letters: letter_set(&folded),
            phonetic_letters: letter_set(&phonetic),
            folded: folded.into(),
            phonetic: phonetic.into(),
            skeleton: skeleton.into(),
            skeleton_alternative: skeleton_alternative.map(CompactString::from),
            stem: stem.map(CompactString::from),
            kind,
            script,
            arabic_ending: ArabicEnding::Unknown,
            written_vowels: WrittenVowels::default(),
            korean,
            cognate,
            cross_script_skeletons,
            somali: None,
        }
    }

    fn arabic(folded: String, kind: TokenKind) -> Token {
        let skeleton = arabic_skeleton(&folded);
        Token {
            folded_letters: letter_set(&folded),
            phonetic_letters: letter_set(&folded),
            phonetic: CompactString::from(folded.as_str()),
            folded: folded.into(),
            skeleton: skeleton.into(),
            skeleton_alternative: None,
            stem: None,
            kind,
            script: Script::Arabic,
            arabic_ending: ArabicEnding::Unknown,
            written_vowels: WrittenVowels::default(),
            cross_script_skeletons: Box::default(),
            korean: None,
            cognate: None,
            somali: None,
        }
    }

    /// An Arabic-script particle: its canonical form (`ABU`) to meet a Latin one, and the
    /// skeleton of its written consonants (`ابو` AB), which is what it adds to a compound
    /// written as one word in Latin (`أبو بكر` / ABUBAKAR, skeleton ABBKR).
    fn arabic_particle(canonical: &str, written: &str) -> Token {
        let mut token = Token::arabic(canonical.to_string(), TokenKind::Particle);
        token.skeleton = arabic_skeleton(written).into();
        token
    }

    /// An Arabic-script word with its Persian reading as the alternative skeleton.
    fn arabic_word(folded: String, persian: &str) -> Token {
        let mut token = Token::arabic(folded, TokenKind::Word);
        let persian = arabic_skeleton(persian);
        if persian != token.skeleton && !persian.is_empty() {
            token.skeleton_alternative = Some(persian.into());
        }
        token
    }

    /// The first letter, for initials.
    pub fn initial(&self) -> Option<char> {
        self.folded.chars().next()
    }
}

/// Two Arabic-script words written apart, read as one word (`هدايت الله` = HIDAYATULLAH,
/// `ارلنی زاده` = ARLANIZADEH): lists write many such compounds as one word, which neither half
/// alone comes near. `None` unless both are Arabic-script name words.
pub fn joined_arabic(first: &Token, second: &Token) -> Option<Token> {
    let word = |t: &Token| t.script == Script::Arabic && t.kind == TokenKind::Word;
    if !word(first) || !word(second) {
        return None;
    }
    let folded = format!("{}{}", first.folded, second.folded);
    // The Persian readings, where a half has one (its alternative skeleton), else its letters.
    let persian = format!(
        "{}{}",
        first
            .skeleton_alternative
            .as_deref()
            .unwrap_or(&first.folded),
        second
            .skeleton_alternative
            .as_deref()
            .unwrap_or(&second.folded)
    );
    Some(Token::arabic_word(folded, &persian))
}

/// Two Latin words written apart, read as one word (`ALI ZAHEER` = ALIZAHEER, `MOHAMMAD REZA` =
/// MOHAMMADREZA): South Asian and Persian given names are compounds that lists and documents
/// write joined or apart. `None` unless both are Latin name words (not particles or titles) of
/// two letters or more.
pub fn joined_latin(first: &Token, second: &Token) -> Option<Token> {
    let word =
        |t: &Token| t.script == Script::Latin && t.kind == TokenKind::Word && t.folded.len() >= 2;
    if !word(first) || !word(second) {
        return None;
    }
    Some(Token::latin(
        format!("{}{}", first.folded, second.folded),
        TokenKind::Word,
        Script::Latin,
    ))
}

/// `الله` as a token's folded form: skeleton `L`, the end of a compound's Latin skeleton
/// (`HIDAYATULLAH`).
const ALLAH_FOLDED: &str = "L";

/// `الله` as a token.
fn allah() -> Token {
    Token::arabic(ALLAH_FOLDED.to_string(), TokenKind::Word)
}

/// Whether `token` is the Arabic-script `الله` written as a word of its own (`عبد الله`).
pub(crate) fn is_arabic_allah(token: &Token) -> bool {
    token.script == Script::Arabic && token.kind == TokenKind::Word && token.folded == ALLAH_FOLDED
}

/// The word a Latin `ABDULLAH` gives besides its `ABD` (see [`tokenize`]): what the
/// Arabic-script `الله` meets in a Latin name.
pub(crate) fn latin_allah() -> Token {
    Token::latin("LAH".to_string(), TokenKind::Word, Script::Latin)
}

/// The name without the labels lists put before a spelling (`Russian: Галина Книжонак`,
/// `Belarusian: Зiнаiда ...`, `ARABIC: محمد ...`): a word followed by a colon annotates the name
/// and is no part of it.
fn without_labels(name: &str) -> std::borrow::Cow<'_, str> {
    if !name.contains(':') {
        return std::borrow::Cow::Borrowed(name);
    }
    let mut out = String::with_capacity(name.len());
    for c in name.chars() {
        if c == ':' {
            let kept = out.trim_end().len();
            out.truncate(kept);
            while out.ends_with(|c: char| c.is_alphanumeric()) {
                out.pop();
            }
            out.push(' ');
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A word after a detached `عبد` without the article folding kept (`الحق`: too short to tell
/// from a root's `ال` alone): there it begins the name `عبد` starts, `عبد الحق` = ABDUL HAQ.
fn without_article_after_abd(
    text: String,
    persian: String,
    spelling: String,
) -> (String, String, String) {
    match (text.strip_prefix("AL"), spelling.strip_prefix("ال")) {
        // The Persian reading keeps a word-initial article as `AL` too (its `L` is assimilated
        // only inside a compound).
        (Some(rest), Some(spelled_rest)) if !rest.is_empty() => (
            rest.to_string(),
            persian.strip_prefix("AL").unwrap_or(&persian).to_string(),
            spelled_rest.to_string(),
        ),
        _ => (text, persian, spelling),
    }
}

/// Tokens of a full name string in any script and order.
/// Whether word `at` is a single letter written onto a word of its name with a hyphen
/// (`SHAMS-U-RAHMAN`, `RAIS-O-SADAT`, `Il-U`, `One-P`): a connective or a syllable, which an
/// initial of a given name is not. Read as one, `“One-P”` met any traveller whose surname starts
/// with P. Not a letter between letters (`J-P`, an initialised Jean-Paul).
fn letter_on_a_word(words: &[FoldedWord], at: usize) -> bool {
    let word = |w: &FoldedWord| w.text.len() >= 2;
    words[at].script == Script::Latin
        && words[at].text.len() == 1
        && ((words[at].after_hyphen && at > 0 && word(&words[at - 1]))
            || words
                .get(at + 1)
                .is_some_and(|next| next.after_hyphen && word(next)))
}

pub fn tokenize(name: &str) -> Vec<Token> {
    let words = fold_words(&without_labels(name));
    let count = words.len();
    // Read before the words are taken apart below; most names have no single letter to ask for.
    let letters_on_words: Vec<bool> = if words.iter().any(|w| w.text.len() == 1) {
        (0..count).map(|at| letter_on_a_word(&words, at)).collect()
    } else {
        Vec::new()
    };
    let somali = crate::somali::is_somali_orthography(
        words
            .iter()
            .filter(|w| w.script == Script::Latin)
            .map(|w| w.text.as_str()),
    );
    let mut tokens = Vec::with_capacity(count);
    for (
        position,
        FoldedWord {
            text,
            script,
            persian,
            arabic_ending,
            spelling,
            ..
        },
    ) in words.into_iter().enumerate()
    {
        let is_last = position + 1 == count;
        match script {
            Script::Arabic => {
                if text.is_empty() {
                    continue;
                }
                if text == ARABIC_ALLAH {
                    tokens.push(allah());
                    continue;
                }
                let (text, persian, spelling) = match tokens.last() {
                    Some(abd) if abd.kind == TokenKind::Particle && abd.folded == "ABD" => {
                        without_article_after_abd(text, persian, spelling)
                    }
                    _ => (text, persian, spelling),
                };
                let first_new = tokens.len();
                match ARABIC_PARTICLES
                    .iter()
                    .find(|(written, _)| *written == spelling)
                {
                    Some((_, canonical)) if !is_last => {
                        tokens.push(Token::arabic_particle(canonical, &text))
                    }
                    Some(_) => tokens.push(Token::arabic_word(text, &persian)),
                    None if spelling.starts_with("عبد")
                        && text.starts_with("ABD")
                        && text.len() >= 5 =>
                    {
                        // Attached `عبد` (`عبدالمنان`): split like Latin `ABDULMANAN`, dropping the
                        // article's `L` that follows it.
                        tokens.push(Token::arabic("ABD".to_string(), TokenKind::Particle));
                        let rest = &text[3..];
                        let rest = if rest.starts_with('L') && rest.len() >= 2 {
                            &rest[1..]
                        } else {
                            rest
                        };
                        tokens.push(Token::arabic(rest.to_string(), TokenKind::Word));
                    }
                    None if spelling.chars().count() >= ALLAH_SPELLING.chars().count() + 2
                        && spelling.ends_with(ALLAH_SPELLING)
                        && text.ends_with(ATTACHED_ALLAH)
                        && text.len() > ATTACHED_ALLAH.len() =>
                    {
                        // Attached `الله` (`عبیدالله`, `نورالله`): the first part, then `الله` as
                        // when written apart, so that both meet a Latin compound (UBAIDULLAH).
                        let first = &text[..text.len() - ATTACHED_ALLAH.len()];
                        let first_persian = persian
                            .strip_suffix(ATTACHED_ALLAH)
                            .unwrap_or(persian.as_str());
                        tokens.push(Token::arabic_word(first.to_string(), first_persian));
                        tokens.push(allah());
                    }
                    // One consonant alone, in a name of several words: an abbreviated name
                    // (`عدنان س. حسن`), as a Latin letter alone is.
                    None if count > 1
                        && spelling.chars().count() == 1
                        && text.len() == 1
                        && !spelling
                            .chars()
                            .any(crate::arabic::is_initial_vowel_carrier) =>
                    {
                        tokens.push(Token::arabic(text, TokenKind::Initial))
                    }
                    None => tokens.push(Token::arabic_word(text, &persian)),
                }
                // A word kept whole (not split into parts) gets the long vowels written inside it.
                if tokens.len() == first_new + 1 && tokens[first_new].kind == TokenKind::Word {
                    tokens[first_new].written_vowels = WrittenVowels::of_spelling(&spelling);
                }
                if let Some(last) = tokens[first_new..]
                    .iter_mut()
                    .rfind(|t| t.kind == TokenKind::Word)
                {
                    last.arabic_ending = arabic_ending;
                }
            }
            Script::Latin | Script::Cjk => {
                let mut text = unabbreviated(digits_to_letters(&text));
                let mut somali_reading = somali
                    .then(|| crate::somali::somali_reading(&text))
                    .flatten();
                // `CABDULLAHI`, `CABDI`: the Somali reading's `ABD` is split off as any other.
                if let Some(reading) = somali_reading.take_if(|r| r.starts_with("ABD")) {
                    text = reading;
                }
                if TITLES.contains(&text.as_str()) && count > 1 {
                    tokens.push(Token::latin(text, TokenKind::Title, script));
                    continue;
                }
                if ARTICLES.contains(&text.as_str()) && !is_last {
                    continue;
                }
                if let Some(canonical) = canonical_particle(&text) {
                    if count > 1 {
                        tokens.push(Token::latin(
                            canonical.to_string(),
                            TokenKind::Particle,
                            script,
                        ));
                        continue;
                    }
                }
                if ABD_ALLAH_ENDINGS.iter().any(|ending| {
                    text.len() == 3 + ending.len()
                        && text.starts_with("ABD")
                        && text.ends_with(ending)
                }) {
                    // ABDULLAH, ABDALLAH, ABDALAH, ABDOLLAH: one name, `ABD` + `ALLAH`.
                    tokens.push(Token::latin("ABD".to_string(), TokenKind::Particle, script));
                    tokens.push(Token::latin("LAH".to_string(), TokenKind::Word, script));
                    continue;
                }
                if let Some(prefix) = ATTACHED_ABD
                    .iter()
                    .find(|p| text.starts_with(*p) && text.len() >= p.len() + 3)
                {
                    tokens.push(Token::latin("ABD".to_string(), TokenKind::Particle, script));
                    tokens.push(Token::latin(
                        text[prefix.len()..].to_string(),
                        TokenKind::Word,
                        script,
                    ));
                    continue;
                }
                let kind = if text.len() == 1 && letters_on_words.get(position) == Some(&true) {
                    TokenKind::Particle
                } else if text.len() == 1 {
                    TokenKind::Initial
                } else {
                    TokenKind::Word
                };
                let mut token = Token::latin(text, kind, script);
                if kind == TokenKind::Word {
                    token.somali = somali_reading
                        .map(|reading| Box::new(Token::latin(reading, TokenKind::Word, script)));
                }
                tokens.push(token);
            }
        }
    }
    // Titles are all there is (a name that is only `SHEIKH MULLAH`): keep the words as written.
    if tokens.iter().all(|t| t.kind == TokenKind::Title) {
        tokens.clear();
        for word in fold_words(name) {
            match word.script {
                Script::Arabic => tokens.push(Token::arabic_word(word.text, &word.persian)),
                script => tokens.push(Token::latin(
                    digits_to_letters(&word.text),
                    TokenKind::Word,
                    script,
                )),
            }
        }
    }
    tokens
}

#[cfg(test)]
mod tests {
    use super::*;

    fn folded(name: &str) -> Vec<String> {
        tokenize(name)
            .into_iter()
            .map(|t| t.folded.to_string())
            .collect()
    }

    #[test]
    fn regression_the_article_after_a_detached_abd_stayed_in_the_name() {
        // `عبد الحق` folded to ABD + ALHK: `الحق` is too short for folding to drop its article
        // alone, and ALHK met no listed HAQ, so `عبد الحق` found no `Abdul Haq` at all.
        assert_eq!(folded("عبد الحق"), ["ABD", "HK"]);
        assert_eq!(folded("عبد الحی عظیم"), ["ABD", "H", "ADM"]);
        // Attached, as before; and with no `عبد` before it, the word is kept whole.
        assert_eq!(folded("عبدالحق"), ["ABD", "HK"]);
        assert_eq!(folded("الحق"), ["ALHK"]);
    }

    #[test]
    fn regression_an_arabic_letter_alone_was_a_name_not_an_initial() {
        // `عدنان س. حسن` kept `س` as a word S, which met neither the listed initial `S.` nor any
        // word: an unexplained part on both sides.
        let tokens = tokenize("احمد عدنان س. حسن");
        assert_eq!(tokens[2].kind, TokenKind::Initial);
        assert_eq!(tokens[2].initial(), Some('S'));
        let listed = tokenize("ADNAN S. HASAN");
        let met = crate::token_similarity::token_similarity(&tokens[2], &listed[1], false);
        assert_eq!(
            (met.score, met.kind),
            (1.0, crate::token_similarity::TokenMatchKind::Initial)
        );
        // A word of one letter alone stays a word.
        assert_eq!(tokenize("س")[0].kind, TokenKind::Word);
    }

    /// The folded tokens that are no title.
    fn folded_without_titles(name: &str) -> Vec<String> {
        tokenize(name)
            .into_iter()
            .filter(|t| t.kind != TokenKind::Title)
            .map(|t| t.folded.to_string())
            .collect()
    }

    #[test]
    fn a_token_fits_three_cache_lines() {
        // Vocabulary records are read at random at a million names: at 200 bytes (the Somali
        // reading added to 192) they straddled a fourth line, and screening was 2–4 % slower.
        assert!(std::mem::size_of::<Token>() <= 192);
    }

    #[test]
    fn titles_are_set_apart() {
        assert_eq!(
            folded_without_titles("AL ZAWAHIRI, Dr. Ayman"),
            ["ZAWAHIRI", "AYMAN"]
        );
        assert_eq!(
            folded_without_titles("MURAT MAGOMEDOVICH MR"),
            ["MURAT", "MAGOMEDOVICH"]
        );
        assert_eq!(folded_without_titles("SHEIKH SHAFI"), ["SHAFI"]);
        let kinds: Vec<TokenKind> = tokenize("NUROW, Yusuf Ahmed Hajji")
            .into_iter()
            .map(|t| t.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                TokenKind::Word,
                TokenKind::Word,
                TokenKind::Word,
                TokenKind::Title
            ]
        );
    }

    #[test]
    fn a_name_that_is_only_titles_is_kept() {
        assert_eq!(folded("General"), ["GENERAL"]);
        assert_eq!(folded("SHEIKH MULLAH"), ["SHEIKH", "MULLAH"]);
        assert!(tokenize("SHEIKH MULLAH")
            .iter()
            .all(|t| t.kind == TokenKind::Word));
    }

    #[test]
    fn detached_articles_drop_and_particles_fold() {
        assert_eq!(folded("AL-TIKRITI"), ["TIKRITI"]);
        assert_eq!(folded("Usama bin Laden"), ["USAMA", "BIN", "LADEN"]);
        assert_eq!(folded("USAMA IBN LADEN"), ["USAMA", "BIN", "LADEN"]);
        assert_eq!(folded("ABOU BAKR"), ["ABU", "BAKR"]);
    }

    #[test]
    fn regression_an_attached_del_was_not_set_aside() {
        // `FATIMA DELROCIO` against `Fatima del Rocio`: `DELA` was an attached prefix, `DEL` not.
        let token = &tokenize("DELROCIO")[0];
        assert_eq!(token.stem.as_deref(), Some(phonetic("ROCIO").as_str()));
        assert_eq!(
            tokenize("DELAROSA")[0].stem.as_deref(),
            Some(phonetic("ROSA").as_str())
        );
    }

    #[test]
    fn regression_a_particle_attached_with_its_article_had_no_stem() {
        // `BINALSHIBH` against `BIN AL SHIBH`: the detached article is dropped, leaving `BIN`
        // `SHIBH`, and the joined word had no stem for `SHIBH` to meet.
        let token = &tokenize("BINALSHIBH")[0];
        assert_eq!(token.stem.as_deref(), Some(phonetic("SHIBH").as_str()));
        assert_eq!(
            tokenize("ABULHASAN")[0].stem.as_deref(),
            Some(phonetic("HASAN").as_str())
        );
        let met =
            crate::token_similarity::token_similarity(&tokenize("BIN AL SHIBH")[1], token, false);
        assert_eq!(met.kind, crate::token_similarity::TokenMatchKind::Stem);
    }

    #[test]
    fn regression_aboo_and_ibnu_were_names_not_particles() {
        // A word never meets a particle, so `ABOO HAFS` missed `ABU HAFS` by a whole word.
        assert_eq!(folded("ABOO HAFS"), ["ABU", "HAFS"]);
        assert_eq!(folded("BILAL IBNU MARWAN"), ["BILAL", "BIN", "MARWAN"]);
        assert_eq!(folded("IBNOU KHALDOUN"), ["BIN", "KHALDOUN"]);
    }

    #[test]
    fn regression_a_list_label_before_a_spelling_was_read_as_a_name_part() {
        assert_eq!(folded("Russian: Ирина Прадун"), folded("Ирина Прадун"));
        assert_eq!(
            folded("ПАЛЬЧИК, RUSSIAN : АНДРЕЙ"),
            folded("ПАЛЬЧИК, АНДРЕЙ")
        );
        assert_eq!(folded("PRADUN, BELARUSSIAN: IRYNA"), ["PRADUN", "IRYNA"]);
    }

    #[test]
    fn abd_forms_meet() {
        assert_eq!(folded("ABD AL-RAHIM"), ["ABD", "RAHIM"]);
        assert_eq!(folded("ABDEL RAHIM"), ["ABD", "RAHIM"]);
        assert_eq!(folded("ABDULRAHIM"), ["ABD", "RAHIM"]);
        assert_eq!(folded("ABDALAH"), ["ABD", "LAH"]);
        assert_eq!(folded("ABDULLAH"), ["ABD", "LAH"]);
    }

    #[test]
    fn regression_abdulla_without_final_h_met_no_listed_abdullah() {
        assert_eq!(folded("ABDULLA"), ["ABD", "LAH"]);
        assert_eq!(folded("ABDALLA HAMDOK"), ["ABD", "LAH", "HAMDOK"]);
        // A longer word is no ABD + ALLAH: it splits like any attached ABDUL.
        assert_eq!(folded("ABDULLAEV"), ["ABD", "LAEV"]);
    }

    #[test]
    fn regression_a_letter_written_onto_a_word_was_read_as_an_initial() {
        let kinds = |name: &str| tokenize(name).iter().map(|t| t.kind).collect::<Vec<_>>();
        use TokenKind::*;
        assert_eq!(kinds("“One-P”"), [Word, Particle]);
        assert_eq!(kinds("SHAMS-U-RAHMAN"), [Word, Particle, Word]);
        assert_eq!(kinds("CHO Il-U"), [Word, Word, Particle]);
        // Written apart, or between letters (an initialised Jean-Paul), a letter is an initial.
        assert_eq!(kinds("SHAMS U RAHMAN"), [Word, Initial, Word]);
        assert_eq!(kinds("SARTRE J-P"), [Word, Initial, Initial]);
        assert_eq!(kinds("SARTRE J.-P."), [Word, Initial, Initial]);
    }

    #[test]
    fn regression_mohd_was_no_spelling_of_muhammad() {
        assert_eq!(folded("SHAH MOHD YUSUF"), ["SHAH", "MUHAMMAD", "YUSUF"]);
        assert_eq!(folded("Mhd Amer"), ["MUHAMMAD", "AMER"]);
        assert_eq!(folded("MUHD"), ["MUHAMMAD"]);
    }

    #[test]
    fn attached_prefixes_give_a_stem() {
        let t = tokenize("ALTIKRITI");
        assert_eq!(t[0].stem.as_deref(), Some("TIKRITI"));
        let t = tokenize("VANDERBERG");
        assert_eq!(t[0].stem.as_deref(), Some("BERG"));
    }

    #[test]
    fn single_letters_are_initials() {
        let t = tokenize("SAKHAROVA T. A.");
        assert_eq!(t[1].kind, TokenKind::Initial);
        assert_eq!(t[2].kind, TokenKind::Initial);
    }

    #[test]
    fn arabic_particles_and_compounds() {
        assert_eq!(folded("عبدالمنان محمد"), ["ABD", "MNN", "MHMD"]);
        assert_eq!(folded("محمد بن بلقاسم"), ["MHMD", "BIN", "BLKSM"]);
        assert_eq!(folded("هدايت الله"), ["HDT", "L"]);
        let persian = tokenize("رضوانی");
        assert_eq!(persian[0].skeleton, "RDN");
        assert_eq!(persian[0].skeleton_alternative.as_deref(), Some("RZN"));
        let latin = tokenize("REZVANI");
        assert_eq!(latin[0].skeleton_alternative.as_deref(), Some("RZN"));
    }

    #[test]
    fn regression_names_folding_like_a_particle_were_taken_for_one() {
        // `عبيد` (UBAYD) folds like `عبد`, `بنا` (BANNA) like `بن`: only the spelling tells them.
        let ubayd = tokenize("عبيد ماهر");
        assert_eq!(ubayd[0].kind, TokenKind::Word);
        assert_eq!(tokenize("البنا حسن")[0].kind, TokenKind::Word);
        assert_eq!(tokenize("عبد الرحيم")[0].kind, TokenKind::Particle);
        assert_eq!(tokenize("أبو بكر")[0].kind, TokenKind::Particle);
        assert_eq!(tokenize("محمد بن سلمان")[1].kind, TokenKind::Particle);
    }

    #[test]
    fn attached_allah_is_split_like_allah_written_apart() {
        assert_eq!(folded("عبیدالله آخوند"), ["ABD", "L", "AHND"]);
        assert_eq!(tokenize("عبیدالله")[0].kind, TokenKind::Word);
        assert_eq!(folded("نورالله"), folded("نور الله"));
        // `عبدالله` stays `عبد` + the rest, as before.
        assert_eq!(folded("عبدالله"), ["ABD", "LH"]);
        // The article of `الحی` after an attached `عبد` goes even when one consonant is left.
        assert_eq!(folded("عبدالحی"), ["ABD", "H"]);
    }

    #[test]
    fn ocr_digits_in_names_read_as_letters() {
        assert_eq!(folded("VLADIMIR0VICH"), ["VLADIMIROVICH"]);
    }
}
