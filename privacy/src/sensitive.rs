//! The sensitive-data filter (privacy.md PNR-1, PNR-15, LDH-3): only Annex I data are kept from a
//! PNR. Special service requests are kept only when their code is on the allow-list (documents,
//! contacts, tickets, seats, unaccompanied minors, frequent flyer, baggage); every other SSR — meal
//! codes (religion), medical and assistance codes (health) and anything unknown — and every free-text
//! remark except unaccompanied-minor information is removed, in the PNR, in its travellers and in
//! its history, before anything is persisted.
//!
//! An allow-list rather than a block-list: a code nobody thought of is dropped, not kept.

use model::pnr::{Pnr, PnrPush, Remark, SpecialService};
use serde::Serialize;

/// SSR codes that carry Annex I data (items 5, 8, 10, 12, 13, 14, 16, 18).
const ALLOWED_SSR_CODES: &[&str] = &[
    // API data (item 18) and identity documents.
    "DOCS", "DOCO", "DOCA", "FOID", "PSPT", "INFT", "CHLD",
    // Contact information (item 5).
    "CTCE", "CTCM", "CTCH", "CTCB", "CTCR", // Ticketing (item 13).
    "TKNE", "TKNA", "TKNM", "TKTL", // Seat (item 14).
    "SEAT", "RQST", "NSST", "SMST", // Frequent flyer (item 8).
    "FQTV", "FQTR", "FQTS", "FQTU", // Unaccompanied minors (item 12).
    "UMNR", // Baggage (item 16).
    "XBAG", "BAGO", "SPEQ", "BIKE", "SKIS", "GOLF", // Travel status (item 10).
    "GRPS", "OTHS",
];

/// Codes the filter removes that a reviewer may want to see named in the redaction report: meal
/// codes reveal religion or health, the rest health or disability.
const KNOWN_SENSITIVE_SSR_CODES: &[&str] = &[
    "AVML", "BBML", "BLML", "CHML", "DBML", "FPML", "GFML", "HFML", "HNML", "JNML", "JPML", "KSML",
    "LCML", "LFML", "LPML", "LSML", "MOML", "NLML", "NSML", "ORML", "PFML", "RVML", "SFML", "SPML",
    "VGML", "VJML", "VLML", "VOML", "MEDA", "WCHR", "WCHS", "WCHC", "WCBD", "WCBW", "WCMP", "WCOB",
    "BLND", "DEAF", "DPNA", "STCR", "OXYG", "MAAS", "ESAN", "SVAN", "PETC",
];

/// Remark kinds that may carry unaccompanied-minor information, the only general remark Annex I
/// keeps; within them only lines mentioning UM/UMNR are kept.
pub fn is_unaccompanied_minor_text(line: &str) -> bool {
    let upper = line.to_ascii_uppercase();
    upper.contains("UMNR")
        || upper
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w == "UM")
}

/// Whether `code` is one of the meal, medical or assistance codes named in redaction reports.
pub fn is_known_sensitive_code(code: &str) -> bool {
    let code = code.trim();
    KNOWN_SENSITIVE_SSR_CODES
        .iter()
        .any(|known| known.eq_ignore_ascii_case(code))
}

/// Whether an SSR with this code may be stored.
pub fn ssr_is_allowed(code: &str) -> bool {
    let code = code.trim();
    ALLOWED_SSR_CODES
        .iter()
        .any(|allowed| allowed.eq_ignore_ascii_case(code))
}

/// What the filter removed, by kind; holds codes and counts, never the removed text.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Redactions {
    /// Removed SSRs by code (codes only; unknown codes are reported as `OTHER`).
    pub special_services: std::collections::BTreeMap<String, u32>,
    /// Removed free-text remark lines.
    pub remark_lines: u32,
}

impl Redactions {
    pub fn is_empty(&self) -> bool {
        self.special_services.is_empty() && self.remark_lines == 0
    }

    fn removed_ssr(&mut self, code: &str) {
        let key = if is_known_sensitive_code(code) {
            code.trim().to_ascii_uppercase()
        } else {
            "OTHER".to_owned()
        };
        *self.special_services.entry(key).or_insert(0) += 1;
    }

    fn merge(&mut self, other: Redactions) {
        for (code, count) in other.special_services {
            *self.special_services.entry(code).or_insert(0) += count;
        }
        self.remark_lines += other.remark_lines;
    }
}

fn filter_services(services: &mut Vec<SpecialService>, redactions: &mut Redactions) {
    services.retain(|service| {
        let keep = ssr_is_allowed(&service.code);
        if !keep {
            redactions.removed_ssr(&service.code);
        }
        keep
    });
}

fn filter_remarks(remarks: &mut Vec<Remark>, redactions: &mut Redactions) {
    for remark in remarks.iter_mut() {
        let before = remark.lines.len();
        remark
            .lines
            .retain(|line| is_unaccompanied_minor_text(line));
        redactions.remark_lines += u32::try_from(before - remark.lines.len()).unwrap_or(u32::MAX);
    }
    remarks.retain(|remark| !remark.lines.is_empty());
}

/// Removes from one PNR everything outside Annex I; returns what was removed.
pub fn filter_pnr(pnr: &mut Pnr) -> Redactions {
    let mut redactions = Redactions::default();
    filter_services(&mut pnr.special_services, &mut redactions);
    filter_remarks(&mut pnr.remarks, &mut redactions);
    for traveller in &mut pnr.travellers {
        filter_services(&mut traveller.special_services, &mut redactions);
        filter_remarks(&mut traveller.remarks, &mut redactions);
    }
    for leg in &mut pnr.itinerary {
        filter_services(&mut leg.special_services, &mut redactions);
        filter_remarks(&mut leg.remarks, &mut redactions);
    }
    for record in &mut pnr.history {
        for change in &mut record.changes {
            if let Some(service) = &change.special_service {
                if !ssr_is_allowed(&service.code) {
                    redactions.removed_ssr(&service.code);
                    change.special_service = None;
                }
            }
            if let Some(remark) = &mut change.remark {
                let mut one = vec![std::mem::take(remark)];
                filter_remarks(&mut one, &mut redactions);
                change.remark = one.pop();
            }
        }
    }
    // LTS lines are free text (history as typed by agents): never Annex I as such.
    let dropped = pnr.history_text.len();
    pnr.history_text.clear();
    redactions.remark_lines += u32::try_from(dropped).unwrap_or(u32::MAX);
    redactions
}

/// Filters every PNR of a push.
pub fn filter_push(push: &mut PnrPush) -> Redactions {
    let mut redactions = Redactions::default();
    for pnr in &mut push.pnrs {
        redactions.merge(filter_pnr(pnr));
    }
    redactions
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::pnr::{HistoryChange, HistoryRecord, PnrTraveller};

    fn ssr(code: &str) -> SpecialService {
        SpecialService {
            code: code.into(),
            ..SpecialService::default()
        }
    }

    fn remark(lines: &[&str]) -> Remark {
        Remark {
            lines: lines.iter().map(|l| (*l).into()).collect(),
            ..Remark::default()
        }
    }

    #[test]
    fn meal_and_medical_ssrs_are_removed_everywhere_and_counted_by_code() {
        let mut pnr = Pnr {
            special_services: vec![ssr("MOML"), ssr("DOCS")],
            travellers: vec![PnrTraveller {
                special_services: vec![ssr("KSML"), ssr("WCHR"), ssr("TKNE"), ssr("ctce")],
                ..PnrTraveller::default()
            }],
            history: vec![HistoryRecord {
                changes: vec![HistoryChange {
                    special_service: Some(ssr("HNML")),
                    ..HistoryChange::default()
                }],
                ..HistoryRecord::default()
            }],
            ..Pnr::default()
        };
        let redactions = filter_pnr(&mut pnr);
        assert_eq!(pnr.special_services, vec![ssr("DOCS")]);
        assert_eq!(
            pnr.travellers[0].special_services,
            vec![ssr("TKNE"), ssr("ctce")]
        );
        assert_eq!(pnr.history[0].changes[0].special_service, None);
        let codes: Vec<(&str, u32)> = redactions
            .special_services
            .iter()
            .map(|(c, n)| (c.as_str(), *n))
            .collect();
        assert_eq!(
            codes,
            vec![("HNML", 1), ("KSML", 1), ("MOML", 1), ("WCHR", 1)]
        );
    }

    #[test]
    fn unknown_ssr_codes_are_removed_and_reported_without_their_code() {
        let mut pnr = Pnr {
            special_services: vec![ssr("ZZZZ")],
            ..Pnr::default()
        };
        let redactions = filter_pnr(&mut pnr);
        assert!(pnr.special_services.is_empty());
        assert_eq!(redactions.special_services.get("OTHER"), Some(&1));
    }

    #[test]
    fn free_text_is_removed_except_unaccompanied_minor_lines() {
        let mut pnr = Pnr {
            remarks: vec![
                remark(&["PAX REQUESTS PRAYER ROOM", "UMNR 9YRS ACCOMP TO GATE"]),
                remark(&["VIP CLIENT"]),
            ],
            history_text: vec!["AGENT NOTE".into()],
            ..Pnr::default()
        };
        let redactions = filter_pnr(&mut pnr);
        assert_eq!(pnr.remarks, vec![remark(&["UMNR 9YRS ACCOMP TO GATE"])]);
        assert!(pnr.history_text.is_empty());
        assert_eq!(redactions.remark_lines, 3);
    }

    #[test]
    fn a_clean_pnr_is_left_as_it_was() {
        let mut pnr = Pnr {
            special_services: vec![ssr("DOCS"), ssr("SEAT"), ssr("FQTV")],
            ..Pnr::default()
        };
        let before = pnr.clone();
        assert!(filter_pnr(&mut pnr).is_empty());
        assert_eq!(pnr, before);
    }
}
