//! Reassembly of passenger lists split into parts (UNH S010 `01:C`, `02`, ..., `nn:F`).
//!
//! Parts share the common access reference (UNH 0068) and usually the message reference, come in
//! any order and are sometimes sent twice. A series is complete when parts 1..N are present and
//! part N is marked final. Time-outs are the caller's (the library has no clock): it can take an
//! incomplete series out with [`Reassembler::take_incomplete`].

use std::collections::{BTreeMap, HashMap};

use model::api::{Part, PassengerList};
use model::CompactString;

/// What identifies one split list.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SeriesKey {
    /// UNB sender and recipient ids.
    pub sender: String,
    pub recipient: String,
    /// UNH 0068.
    pub common_access_reference: Option<CompactString>,
    /// BGM 1001 and the message version: a crew list and a passenger list of the same flight
    /// are different series.
    pub document_code: Option<CompactString>,
    pub version: String,
}

impl SeriesKey {
    pub fn new(sender: &str, recipient: &str, list: &PassengerList) -> Self {
        SeriesKey {
            sender: sender.to_owned(),
            recipient: recipient.to_owned(),
            common_access_reference: list.common_access_reference.clone(),
            document_code: list.document_code.clone(),
            version: list.version.to_string(),
        }
    }
}

/// The result of offering one part.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PartOutcome {
    /// The whole list, parts merged in part order.
    Complete(Box<PassengerList>),
    /// Parts are still missing.
    Waiting {
        received: usize,
        /// Known once the final part has arrived.
        expected: Option<u32>,
    },
    /// The same part with the same content was already received; nothing changed.
    Duplicate,
    /// The same part number arrived again with different content; the later one is kept.
    Replaced { received: usize },
}

#[derive(Debug, Default)]
struct Series {
    parts: BTreeMap<u32, PassengerList>,
    final_part: Option<u32>,
}

impl Series {
    fn is_complete(&self) -> bool {
        match self.final_part {
            Some(n) => (1..=n).all(|k| self.parts.contains_key(&k)),
            None => false,
        }
    }
}

/// Collects parts until their series is complete.
#[derive(Debug, Default)]
pub struct Reassembler {
    series: HashMap<SeriesKey, Series>,
}

impl Reassembler {
    pub fn new() -> Self {
        Reassembler::default()
    }

    /// Offers one part. A single-part list (`01:F` or no S010) is complete at once.
    pub fn offer(&mut self, key: SeriesKey, list: PassengerList) -> PartOutcome {
        let number = list.part.number;
        if number == 1 && list.part.last && !self.series.contains_key(&key) {
            return PartOutcome::Complete(Box::new(list));
        }
        let series = self.series.entry(key.clone()).or_default();
        if list.part.last {
            series.final_part = Some(number);
        }
        let replaced = match series.parts.get(&number) {
            Some(existing) if *existing == list => return PartOutcome::Duplicate,
            Some(_) => true,
            None => false,
        };
        series.parts.insert(number, list);
        if series.is_complete() {
            let Some(series) = self.series.remove(&key) else {
                // Just looked up under the same key; cannot be absent.
                return PartOutcome::Waiting {
                    received: 0,
                    expected: None,
                };
            };
            return PartOutcome::Complete(Box::new(merge(series.parts.into_values())));
        }
        let received = series.parts.len();
        if replaced {
            PartOutcome::Replaced { received }
        } else {
            PartOutcome::Waiting {
                received,
                expected: series.final_part,
            }
        }
    }

    /// Series still waiting for parts.
    pub fn pending(&self) -> impl Iterator<Item = &SeriesKey> {
        self.series.keys()
    }

    /// Takes an incomplete series out (after the caller's time-out), merging what arrived.
    /// The result's `part.last` is false, so it is recognisable as incomplete.
    pub fn take_incomplete(&mut self, key: &SeriesKey) -> Option<PassengerList> {
        let series = self.series.remove(key)?;
        let mut merged = merge(series.parts.into_values());
        merged.part.last = false;
        Some(merged)
    }
}

/// Merges parts given in part order: header and flight legs from the first, travellers of all.
fn merge(parts: impl Iterator<Item = PassengerList>) -> PassengerList {
    let mut merged: Option<PassengerList> = None;
    for part in parts {
        match merged.as_mut() {
            None => merged = Some(part),
            Some(m) => {
                m.travellers.extend(part.travellers);
                if m.declared_count.is_none() {
                    m.declared_count = part.declared_count;
                }
            }
        }
    }
    let mut merged = merged.unwrap_or_else(empty_list);
    merged.part = Part {
        number: 1,
        last: true,
    };
    merged
}

fn empty_list() -> PassengerList {
    PassengerList {
        reference: String::new().into(),
        version: String::new().into(),
        document_code: None,
        kind: None,
        document_id: None,
        function: model::api::ListFunction::Original,
        transaction_reference: None,
        common_access_reference: None,
        part: Part {
            number: 1,
            last: true,
        },
        reporting_party: None,
        legs: Vec::new(),
        travellers: Vec::new(),
        declared_count: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::api::{Traveller, TravellerRole};

    fn part(number: u32, last: bool, names: &[&str]) -> PassengerList {
        let mut list = empty_list();
        list.common_access_reference = Some("XY123/130521/1200".into());
        list.document_code = Some("745".into());
        list.version = "D:05B".into();
        list.part = Part { number, last };
        list.travellers = names
            .iter()
            .map(|n| {
                let mut t = Traveller::new(TravellerRole::Passenger);
                t.surname = Some((*n).into());
                t
            })
            .collect();
        list
    }

    fn key(list: &PassengerList) -> SeriesKey {
        SeriesKey::new("XY", "GOVAPI", list)
    }

    fn surnames(list: &PassengerList) -> Vec<&str> {
        list.travellers
            .iter()
            .filter_map(|t| t.surname.as_deref())
            .collect()
    }

    #[test]
    fn parts_out_of_order_are_merged_in_part_order() {
        let mut r = Reassembler::new();
        let p3 = part(3, true, &["E"]);
        let p1 = part(1, false, &["A", "B"]);
        let p2 = part(2, false, &["C", "D"]);
        assert_eq!(
            r.offer(key(&p3), p3),
            PartOutcome::Waiting {
                received: 1,
                expected: Some(3)
            }
        );
        assert_eq!(
            r.offer(key(&p1), p1),
            PartOutcome::Waiting {
                received: 2,
                expected: Some(3)
            }
        );
        let p2k = key(&p2);
        match r.offer(p2k, p2) {
            PartOutcome::Complete(list) => {
                assert_eq!(surnames(&list), ["A", "B", "C", "D", "E"]);
                assert_eq!(
                    list.part,
                    Part {
                        number: 1,
                        last: true
                    }
                );
            }
            other => panic!("expected a complete list, got {other:?}"),
        }
        assert_eq!(r.pending().count(), 0);
    }

    #[test]
    fn a_part_sent_twice_is_idempotent() {
        let mut r = Reassembler::new();
        let p1 = part(1, false, &["A"]);
        assert!(matches!(
            r.offer(key(&p1), p1.clone()),
            PartOutcome::Waiting { .. }
        ));
        assert_eq!(r.offer(key(&p1), p1), PartOutcome::Duplicate);
        let p2 = part(2, true, &["B"]);
        match r.offer(key(&p2), p2) {
            PartOutcome::Complete(list) => assert_eq!(surnames(&list), ["A", "B"]),
            other => panic!("expected a complete list, got {other:?}"),
        }
    }

    #[test]
    fn a_resent_part_with_new_content_replaces_the_old_one() {
        let mut r = Reassembler::new();
        let p1 = part(1, false, &["A"]);
        let p1b = part(1, false, &["A2"]);
        r.offer(key(&p1), p1);
        assert_eq!(
            r.offer(key(&p1b), p1b),
            PartOutcome::Replaced { received: 1 }
        );
        let p2 = part(2, true, &["B"]);
        match r.offer(key(&p2), p2) {
            PartOutcome::Complete(list) => assert_eq!(surnames(&list), ["A2", "B"]),
            other => panic!("expected a complete list, got {other:?}"),
        }
    }

    #[test]
    fn missing_final_part_stays_pending_and_can_be_forced_out() {
        let mut r = Reassembler::new();
        let p1 = part(1, false, &["A"]);
        let p2 = part(2, false, &["B"]);
        let k = key(&p1);
        r.offer(k.clone(), p1);
        r.offer(key(&p2), p2);
        assert_eq!(r.pending().count(), 1);
        let partial = r.take_incomplete(&k);
        assert_eq!(partial.as_ref().map(surnames), Some(vec!["A", "B"]));
        assert_eq!(partial.map(|l| l.part.last), Some(false));
        assert_eq!(r.pending().count(), 0);
    }

    #[test]
    fn single_part_list_is_complete_at_once() {
        let mut r = Reassembler::new();
        let p = part(1, true, &["A"]);
        assert!(matches!(r.offer(key(&p), p), PartOutcome::Complete(_)));
    }

    #[test]
    fn crew_and_passenger_series_of_one_flight_are_kept_apart() {
        let mut r = Reassembler::new();
        let pax = part(1, false, &["P"]);
        let mut crew = part(1, false, &["C"]);
        crew.document_code = Some("250".into());
        r.offer(key(&pax), pax);
        r.offer(key(&crew), crew);
        assert_eq!(r.pending().count(), 2);
    }
}
