//! Arabic and Persian letters to Latin consonant classes.
//!
//! The lists write Arabic-script names without short vowels, and long vowels (ا و ي) are written
//! as vowels or semivowels in romanisations (`و` is `W`, `U`, `OU`...). So vowels, hamza carriers
//! and `ع` (romanised `'`, `A` or nothing) are dropped, and each consonant maps to the class its
//! common romanisations (UN, BGN/PCGN, French) fold to in [`crate::phonetic::skeleton`]:
//! `خ` KH→H, `ق` Q→K, `ش` SH→S, `ذ` DH→D, `ث` TH→T. Pashto letters join the class of their usual
//! romanisation (`ځ` Z as in ZADRAN, `څ` S, `ټ` T, `ډ` D, `ړ` R, `ڼ` N, `ګ` G).

/// True for letters of the Arabic blocks (including Persian and Urdu letters).
pub fn is_arabic_letter(c: char) -> bool {
    matches!(c, '\u{0620}'..='\u{064A}' | '\u{066E}'..='\u{06D3}' | '\u{06D5}' | '\u{06EE}'..='\u{06FF}' | '\u{0750}'..='\u{077F}')
}

/// Vowel signs, shadda, sukun, tatweel and other marks that carry no consonant.
pub fn is_arabic_mark(c: char) -> bool {
    matches!(c, '\u{0610}'..='\u{061A}' | '\u{064B}'..='\u{065F}' | '\u{0670}' | '\u{0640}' | '\u{06D6}'..='\u{06ED}')
}

/// The skeleton letters of one Arabic-script letter (empty for vowels and hamza carriers).
pub fn skeleton_letters(c: char) -> &'static str {
    match c {
        'ب' => "B",
        'ت' | 'ث' | 'ط' | 'ٹ' | 'ټ' => "T",
        'ج' => "J",
        'ح' | 'خ' | 'ه' | 'ھ' | 'ۀ' => "H",
        // `ظ` is DH in Arabic romanisation as `ذ` is (`كاظم` KADHIM, `ظاهر` DHAHIR, Somali DAHIR);
        // its Z (KAZEM, ZAHIR) is the Persian reading's.
        'د' | 'ذ' | 'ض' | 'ظ' | 'ڈ' | 'ډ' => "D",
        'ر' | 'ڑ' | 'ړ' => "R",
        // Pashto `ځ` (DZ, romanised Z) and `ږ` (romanised ZH or G, folded as Z).
        'ز' | 'ځ' | 'ږ' => "Z",
        'ژ' => "J",
        // Pashto `څ` (TS, romanised S) and `ښ` (romanised SH or KH, folded as S).
        'س' | 'ش' | 'ص' | 'څ' | 'ښ' => "S",
        'غ' | 'گ' | 'ګ' => "G",
        'ف' => "F",
        'ق' | 'ك' | 'ک' => "K",
        'ل' => "L",
        'م' => "M",
        'ن' | 'ں' | 'ڼ' => "N",
        'پ' => "P",
        'چ' => "C",
        'ڤ' => "V",
        // Vowels, semivowels, hamza and its carriers, ta marbuta, ain: no consonant class.
        _ => "",
    }
}

/// Letters that, at the start of a word, stand for the vowel a romanisation starts with
/// (`احمد` AHMAD, `عمر` OMAR, `يوسف` YUSUF, `وليد` WALID → `OUALID`).
pub fn is_initial_vowel_carrier(c: char) -> bool {
    matches!(
        c,
        'ا' | 'أ' | 'إ' | 'آ' | 'ٱ' | 'ع' | 'ي' | 'ی' | 'و' | 'ى' | 'ئ' | 'ؤ' | 'ء'
    )
}

/// Persian readings of the letters whose Arabic and Persian romanisations differ
/// (`ضیا` ZIA not DIA, `قمی` GHOMI not QUMMI, `ثابت` SABET not THABIT); the rest as in Arabic.
pub fn persian_skeleton_letters(c: char) -> &'static str {
    match c {
        'ض' | 'ذ' | 'ظ' => "Z",
        'ث' => "S",
        'ق' => "G",
        other => skeleton_letters(other),
    }
}

/// Letters the article's `L` assimilates to when said (`نورالدین` NURUDDIN, `فضل الرحمن`
/// FAZLURRAHMAN): the "sun letters".
fn is_sun_letter(c: char) -> bool {
    matches!(
        c,
        'ت' | 'ث' | 'د' | 'ذ' | 'ر' | 'ز' | 'س' | 'ش' | 'ص' | 'ض' | 'ط' | 'ظ' | 'ن'
    )
}

/// Whether the letter just read is the `ل` of an article inside a compound that Persian, Urdu
/// and Turkish romanisations write assimilated (NURUDDIN, NUREDDIN) where Arabic ones keep it
/// (NUR AL-DIN). `written` is the word's spelling so far, that letter included; `next` the
/// letter after it. The first part must have three letters or more: in `خالد` (KHALID) or
/// `جمالزاده` (JAMALZADEH) the `ال` belongs to the root.
pub fn is_assimilated_article(written: &str, next: Option<char>) -> bool {
    let Some(before_alif) = written
        .strip_suffix('ل')
        .and_then(|before| before.strip_suffix('ا'))
    else {
        return false;
    };
    before_alif.chars().count() >= 3 && next.is_some_and(is_sun_letter)
}
