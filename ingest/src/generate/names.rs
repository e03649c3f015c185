//! Synthetic names in several scripts, and their transliteration as airlines send them.
//!
//! Names are common given names and surnames combined at random: no entry is a real person. Each
//! nationality has a pool in its own script; the "as sent" form follows what reservation systems put in
//! PAXLST/PNRGOV: Latin upper case, ICAO 9303 for German/Nordic letters (`Ü` → `UE`, `Å` → `AA`), ICAO
//! Cyrillic (via `deunicode`, whose table matches it), Pinyin/Revised Romanization/Arabic written as the
//! airline would (fixed per entry, as no table gives one right answer).

/// One name in its own script and, where no table applies, the romanised form airlines use.
#[derive(Debug, Clone, Copy)]
pub struct NameEntry {
    pub native: &'static str,
    pub romanised: Option<&'static str>,
}

const fn auto(native: &'static str) -> NameEntry {
    NameEntry {
        native,
        romanised: None,
    }
}

const fn fixed(native: &'static str, romanised: &'static str) -> NameEntry {
    NameEntry {
        native,
        romanised: Some(romanised),
    }
}

/// Names of one nationality: surnames, female and male given names.
pub struct NamePool {
    /// ISO 3166-1 alpha-3 nationality and issuing state.
    pub country: &'static str,
    pub surnames: &'static [NameEntry],
    pub female: &'static [NameEntry],
    pub male: &'static [NameEntry],
}

pub const POOLS: &[NamePool] = &[
    NamePool {
        country: "DEU",
        surnames: &[
            auto("Müller"),
            auto("Schröder"),
            auto("Groß"),
            auto("Weiß"),
            auto("Köhler"),
            auto("Schmidt"),
        ],
        female: &[
            auto("Jürgen-Anne"),
            auto("Käthe"),
            auto("Sophie"),
            auto("Lena Marie"),
        ],
        male: &[
            auto("Jürgen"),
            auto("Björn"),
            auto("Lukas"),
            auto("Hans Peter"),
        ],
    },
    NamePool {
        country: "NOR",
        surnames: &[
            auto("Sørensen"),
            auto("Ødegård"),
            auto("Berg"),
            auto("Dahl"),
        ],
        female: &[auto("Åse"), auto("Ingrid"), auto("Sølvi")],
        male: &[auto("Bjørn"), auto("Øyvind"), auto("Håkon")],
    },
    NamePool {
        country: "FRA",
        surnames: &[
            auto("Lefèvre"),
            auto("Dubois"),
            auto("D'Almeida"),
            auto("Garçon"),
            auto("Le Gall"),
        ],
        female: &[auto("Hélène"), auto("Zoé"), auto("Anne-Sophie")],
        male: &[auto("François"), auto("Jérôme"), auto("Jean-Luc")],
    },
    NamePool {
        country: "ESP",
        surnames: &[
            auto("Núñez"),
            auto("Peña"),
            auto("García López"),
            auto("Ibáñez"),
        ],
        female: &[auto("María José"), auto("Begoña"), auto("Lucía")],
        male: &[auto("José"), auto("Ángel"), auto("Iñigo")],
    },
    NamePool {
        country: "IRL",
        surnames: &[
            auto("O'Brien"),
            auto("Ó Súilleabháin"),
            auto("McCarthy"),
            auto("O'Neill"),
        ],
        female: &[auto("Siobhán"), auto("Aoife"), auto("Máire")],
        male: &[auto("Seán"), auto("Pádraig"), auto("Ciarán")],
    },
    NamePool {
        country: "RUS",
        surnames: &[
            auto("Иванов"),
            auto("Щукин"),
            auto("Кузнецов"),
            auto("Смирнов"),
        ],
        female: &[auto("Юлия"), auto("Наталья"), auto("Ксения")],
        male: &[auto("Сергей"), auto("Дмитрий"), auto("Алексей")],
    },
    NamePool {
        country: "UKR",
        surnames: &[auto("Шевченко"), auto("Коваленко"), auto("Бондаренко")],
        female: &[auto("Оксана"), auto("Олена")],
        male: &[auto("Андрій"), auto("Юрій")],
    },
    NamePool {
        country: "GRC",
        surnames: &[auto("Παπαδόπουλος"), auto("Βλάχος"), auto("Γεωργίου")],
        female: &[auto("Ελένη"), auto("Μαρία")],
        male: &[auto("Γιώργος"), auto("Νίκος")],
    },
    NamePool {
        country: "EGY",
        surnames: &[
            fixed("عبد الرحمن", "ABDEL RAHMAN"),
            fixed("حسن", "HASSAN"),
            fixed("المصري", "ELMASRY"),
        ],
        female: &[fixed("فاطمة", "FATMA"), fixed("نور", "NOUR")],
        male: &[
            fixed("محمد", "MOHAMED"),
            fixed("أحمد", "AHMED"),
            fixed("عمر", "OMAR"),
        ],
    },
    NamePool {
        country: "SAU",
        surnames: &[fixed("القحطاني", "ALQAHTANI"), fixed("الغامدي", "ALGHAMDI")],
        female: &[fixed("نورة", "NOURAH"), fixed("سارة", "SARAH")],
        male: &[fixed("محمد", "MOHAMMED"), fixed("عبدالله", "ABDULLAH")],
    },
    NamePool {
        country: "CHN",
        surnames: &[
            fixed("王", "WANG"),
            fixed("李", "LI"),
            fixed("张", "ZHANG"),
            fixed("欧阳", "OUYANG"),
        ],
        female: &[
            fixed("小红", "XIAOHONG"),
            fixed("娜", "NA"),
            fixed("静怡", "JINGYI"),
        ],
        male: &[
            fixed("小明", "XIAOMING"),
            fixed("伟", "WEI"),
            fixed("子轩", "ZIXUAN"),
        ],
    },
    NamePool {
        country: "KOR",
        surnames: &[fixed("김", "KIM"), fixed("이", "LEE"), fixed("박", "PARK")],
        female: &[fixed("서연", "SEOYEON"), fixed("지우", "JIWOO")],
        male: &[fixed("민준", "MINJUN"), fixed("도윤", "DOYUN")],
    },
    NamePool {
        country: "VNM",
        surnames: &[auto("Nguyễn"), auto("Trần"), auto("Phạm")],
        female: &[auto("Thị Lan"), auto("Ngọc Anh")],
        male: &[auto("Văn An"), auto("Đức Minh")],
    },
    NamePool {
        country: "TUR",
        surnames: &[auto("Çelik"), auto("Şahin"), auto("Yılmaz"), auto("Öztürk")],
        female: &[auto("Ayşe"), auto("Gülşen")],
        male: &[auto("Ömer"), auto("İsmail")],
    },
    NamePool {
        country: "GBR",
        surnames: &[
            auto("Smith"),
            auto("Jones"),
            auto("Taylor-Wood"),
            auto("Ng"),
        ],
        female: &[auto("Olivia"), auto("Amelia Rose")],
        male: &[auto("Oliver"), auto("Harry")],
    },
    NamePool {
        country: "USA",
        surnames: &[
            auto("Johnson"),
            auto("Williams"),
            auto("St. John"),
            auto("O"),
        ],
        female: &[auto("Emma"), auto("Ava")],
        male: &[auto("Liam"), auto("Noah")],
    },
];

/// ICAO 9303 (MRZ) spellings of Latin letters where they differ from simply dropping the accent.
fn icao_latin(c: char) -> Option<&'static str> {
    Some(match c {
        'Ä' | 'ä' | 'Æ' | 'æ' => "AE",
        'Ö' | 'ö' | 'Ø' | 'ø' | 'Œ' | 'œ' => "OE",
        'Ü' | 'ü' => "UE",
        'Å' | 'å' => "AA",
        'ß' => "SS",
        'Þ' | 'þ' => "TH",
        'Ð' | 'ð' => "D",
        'Ĳ' | 'ĳ' => "IJ",
        _ => return None,
    })
}

/// The name as a reservation system sends it: Latin capitals, digits, spaces, and the hyphens and
/// apostrophes airlines keep (apostrophe is the default segment terminator, so it must be released).
pub fn as_sent(entry: &NameEntry) -> String {
    if let Some(romanised) = entry.romanised {
        return romanised.to_owned();
    }
    let mut latin = String::with_capacity(entry.native.len() + 4);
    for c in entry.native.chars() {
        match icao_latin(c) {
            Some(mapped) => latin.push_str(mapped),
            None => latin.push(c),
        }
    }
    let ascii = deunicode::deunicode(&latin).to_ascii_uppercase();
    let kept: String = ascii
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '\'' | '.'))
        .collect();
    kept.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn icao_spellings() {
        assert_eq!(as_sent(&auto("Müller")), "MUELLER");
        assert_eq!(as_sent(&auto("Groß")), "GROSS");
        assert_eq!(as_sent(&auto("Åse")), "AASE");
        assert_eq!(as_sent(&auto("Sørensen")), "SOERENSEN");
        assert_eq!(as_sent(&auto("Юлия")), "IULIIA");
        assert_eq!(as_sent(&auto("Щукин")), "SHCHUKIN");
        assert_eq!(as_sent(&auto("Παπαδόπουλος")), "PAPADOPOULOS");
        assert_eq!(as_sent(&auto("O'Brien")), "O'BRIEN");
        assert_eq!(as_sent(&auto("Nguyễn")), "NGUYEN");
        assert_eq!(as_sent(&fixed("王", "WANG")), "WANG");
    }

    #[test]
    fn every_pool_entry_transliterates_to_non_empty_latin() {
        for pool in POOLS {
            for entry in pool.surnames.iter().chain(pool.female).chain(pool.male) {
                let sent = as_sent(entry);
                assert!(!sent.is_empty(), "{}", entry.native);
                assert!(sent.is_ascii(), "{sent}");
                assert_eq!(sent, sent.to_ascii_uppercase());
            }
        }
    }
}
