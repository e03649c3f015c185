//! Count checks: what a message declared it carries (PAXLST `CNT`, PNRGOV `EQN`) against what it carried,
//! per flight, for the carrier portal's data quality. A split PAXLST repeats the whole list's total in
//! every part, so its parts are checked together once they are all in. Counts only, never traveller data.

use std::collections::{BTreeMap, HashMap};

use time::OffsetDateTime;

use crate::raw::MessageId;
use crate::stored_time::{from_unix_micros, to_storage_precision, unix_micros};
use crate::travel::{FlightId, MAX_KEY_LEN};
use crate::{Backend, Store, StoreError};

/// What one message declared and carried for one flight.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListCountReport {
    pub flight_id: FlightId,
    pub message_id: MessageId,
    /// Which message of the file (from 0): one file may hold several, such as every part of a split list.
    pub position: u32,
    /// The message's sender, as read back ([`Store::list_count_checks`]); not written (the raw message has it).
    pub sender: String,
    /// What is counted: `42` passengers or `41` crew (CNT 6069 as sent), `EQN` PNRs.
    pub qualifier: String,
    pub declared: u64,
    /// How many of what is counted the message itself holds.
    pub carried: u64,
    /// Set when the message is one part of a split list.
    pub part: Option<ListPart>,
    pub reported_at: OffsetDateTime,
}

/// One part of a split list (UNH S010).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ListPart {
    /// Names the list on its flight: the parts of one list share it.
    pub series: String,
    pub number: u32,
    pub last: bool,
}

/// One declared count checked: a whole message, or the parts of a split list taken together.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CountCheck {
    /// Who sent the message(s) (the carrier code they were stored under): a carrier's portal shows only
    /// its own. Parts from different senders are different lists.
    pub sender: String,
    pub qualifier: String,
    /// As the newest message (part) declared it.
    pub declared: u64,
    /// Held by the message, or by the parts received so far (a part sent again counts once, as resent).
    pub carried: u64,
    /// The messages read, oldest first.
    pub message_ids: Vec<MessageId>,
    /// For a split list: part numbers received, and how many parts there are once the last has come.
    pub parts: Option<PartsReceived>,
    /// When the newest of those messages arrived.
    pub reported_at: OffsetDateTime,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PartsReceived {
    pub received: Vec<u32>,
    pub expected: Option<u32>,
}

/// How a declared count compares with what came.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CountOutcome {
    Matches,
    Differs,
    /// A split list still missing parts: not comparable yet.
    Incomplete,
}

impl CountCheck {
    pub fn outcome(&self) -> CountOutcome {
        if let Some(parts) = &self.parts {
            let complete = parts
                .expected
                .is_some_and(|n| (1..=n).all(|k| parts.received.contains(&k)));
            if !complete {
                return CountOutcome::Incomplete;
            }
        }
        if self.declared == self.carried {
            CountOutcome::Matches
        } else {
            CountOutcome::Differs
        }
    }

    /// What is counted, in words.
    pub fn counted(&self) -> &'static str {
        match self.qualifier.as_str() {
            "42" => "passengers",
            "41" => "crew",
            "EQN" => "PNRs",
            _ => "travellers",
        }
    }
}

/// Reports of one flight, oldest first → its checks: whole messages each on their own, the parts of a split
/// list (same sender, qualifier and series) together, a part number sent again replacing the earlier one.
pub fn count_checks(reports: &[ListCountReport]) -> Vec<CountCheck> {
    let mut checks: Vec<CountCheck> = Vec::new();
    // (qualifier, series) → index in `checks`, and its parts by number.
    type SeriesParts<'a> = (usize, BTreeMap<u32, &'a ListCountReport>);
    let mut series: HashMap<(&str, &str, &str), SeriesParts> = HashMap::new();
    for report in reports {
        let Some(part) = &report.part else {
            checks.push(CountCheck {
                sender: report.sender.clone(),
                qualifier: report.qualifier.clone(),
                declared: report.declared,
                carried: report.carried,
                message_ids: vec![report.message_id],
                parts: None,
                reported_at: report.reported_at,
            });
            continue;
        };
        let (index, parts) = series
            .entry((
                report.sender.as_str(),
                report.qualifier.as_str(),
                part.series.as_str(),
            ))
            .or_insert_with(|| {
                checks.push(CountCheck {
                    sender: report.sender.clone(),
                    qualifier: report.qualifier.clone(),
                    declared: 0,
                    carried: 0,
                    message_ids: Vec::new(),
                    parts: None,
                    reported_at: report.reported_at,
                });
                (checks.len() - 1, BTreeMap::new())
            });
        parts.insert(part.number, report);
        let check = &mut checks[*index];
        check.declared = report.declared;
        check.reported_at = report.reported_at;
        check.carried = parts.values().map(|r| r.carried).sum();
        check.message_ids = parts.values().map(|r| r.message_id).collect();
        check.message_ids.sort();
        check.message_ids.dedup();
        check.parts = Some(PartsReceived {
            received: parts.keys().copied().collect(),
            expected: parts
                .values()
                .filter_map(|r| r.part.as_ref().filter(|p| p.last).map(|p| p.number))
                .max(),
        });
    }
    checks
}

/// A count as stored (both backends keep `BIGINT`): counts beyond `i64::MAX` are refused.
fn stored(value: u64, field: &'static str) -> Result<i64, StoreError> {
    i64::try_from(value).map_err(|_| StoreError::InvalidInput {
        field,
        problem: "too large".into(),
    })
}

type Row = (
    i64,
    i64,
    String,
    String,
    i64,
    i64,
    Option<String>,
    Option<i64>,
    Option<bool>,
    OffsetDateTime,
);

impl Store {
    /// Records what message `report.position` of `report.message_id` declared and carried for a flight. The
    /// same message again records nothing (re-processing).
    pub async fn record_list_count(&self, report: &ListCountReport) -> Result<(), StoreError> {
        if report.qualifier.is_empty() || report.qualifier.len() > MAX_KEY_LEN {
            return Err(StoreError::InvalidInput {
                field: "qualifier",
                problem: format!("must be 1 to {MAX_KEY_LEN} bytes"),
            });
        }
        if let Some(part) = &report.part {
            if part.number == 0 || part.series.len() > MAX_KEY_LEN {
                return Err(StoreError::InvalidInput {
                    field: "part",
                    problem: format!(
                        "number must be 1 or more and series at most {MAX_KEY_LEN} bytes"
                    ),
                });
            }
        }
        let declared = stored(report.declared, "declared")?;
        let carried = stored(report.carried, "carried")?;
        let series = report.part.as_ref().map(|p| p.series.as_str());
        let number = report.part.as_ref().map(|p| i64::from(p.number));
        let last = report.part.as_ref().map(|p| p.last);
        let at = to_storage_precision(report.reported_at)?;
        match &self.backend {
            Backend::Sqlite(backend) => {
                sqlx::query(
                    "INSERT INTO list_count_report (flight_id, message_id, position, qualifier, declared, \
                     carried, series, part_number, last_part, reported_at_us) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) \
                     ON CONFLICT (flight_id, message_id, position) DO NOTHING",
                )
                .bind(report.flight_id.get())
                .bind(report.message_id.get())
                .bind(i64::from(report.position))
                .bind(&report.qualifier)
                .bind(declared)
                .bind(carried)
                .bind(series)
                .bind(number)
                .bind(last)
                .bind(unix_micros(at)?)
                .execute(backend.pool())
                .await
                .map_err(StoreError::database("record list count"))?;
            }
            Backend::Postgres(backend) => {
                sqlx::query(
                    "INSERT INTO list_count_report (flight_id, message_id, position, qualifier, declared, \
                     carried, series, part_number, last_part, reported_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
                     ON CONFLICT (flight_id, message_id, position) DO NOTHING",
                )
                .bind(report.flight_id.get())
                .bind(report.message_id.get())
                .bind(i64::from(report.position))
                .bind(&report.qualifier)
                .bind(declared)
                .bind(carried)
                .bind(series)
                .bind(number)
                .bind(last)
                .bind(at)
                .execute(backend.pool())
                .await
                .map_err(StoreError::database("record list count"))?;
            }
        }
        Ok(())
    }

    /// The count checks of each of `flights` that has any (one query for the lot), oldest first.
    pub async fn list_count_checks(
        &self,
        flights: &[FlightId],
    ) -> Result<HashMap<FlightId, Vec<CountCheck>>, StoreError> {
        let ids: Vec<i64> = flights.iter().map(|id| id.get()).collect();
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows: Vec<Row> = match &self.backend {
            Backend::Sqlite(backend) => {
                let ids = crate::retention::id_array(&ids);
                type SqliteRow = (
                    i64,
                    i64,
                    String,
                    String,
                    i64,
                    i64,
                    Option<String>,
                    Option<i64>,
                    Option<bool>,
                    i64,
                );
                sqlx::query_as::<_, SqliteRow>(
                    "SELECT l.flight_id, l.message_id, r.sender, l.qualifier, l.declared, l.carried, l.series, \
                     l.part_number, l.last_part, l.reported_at_us FROM list_count_report l \
                     JOIN raw_message r ON r.id = l.message_id \
                     WHERE l.flight_id IN (SELECT value FROM json_each(?1)) ORDER BY l.id",
                )
                .bind(ids)
                .fetch_all(backend.pool())
                .await
                .map_err(StoreError::database("read list counts"))?
                .into_iter()
                .map(|(f, m, sender, q, d, c, s, n, l, micros)| {
                    Ok((f, m, sender, q, d, c, s, n, l, from_unix_micros(micros)?))
                })
                .collect::<Result<_, StoreError>>()?
            }
            Backend::Postgres(backend) => sqlx::query_as(
                "SELECT l.flight_id, l.message_id, r.sender, l.qualifier, l.declared, l.carried, l.series, \
                 l.part_number, l.last_part, l.reported_at FROM list_count_report l \
                 JOIN raw_message r ON r.id = l.message_id WHERE l.flight_id = ANY($1) ORDER BY l.id",
            )
            .bind(&ids)
            .fetch_all(backend.pool())
            .await
            .map_err(StoreError::database("read list counts"))?,
        };
        let mut by_flight: HashMap<FlightId, Vec<ListCountReport>> = HashMap::new();
        for (flight, message, sender, qualifier, declared, carried, series, number, last, at) in
            rows
        {
            let corrupt = |what: &str| StoreError::CorruptRow {
                what: format!("list count {what}"),
            };
            let part = match (series, number, last) {
                (Some(series), Some(number), Some(last)) => Some(ListPart {
                    series,
                    number: u32::try_from(number).map_err(|_| corrupt("part number"))?,
                    last,
                }),
                (None, None, None) => None,
                _ => return Err(corrupt("part")),
            };
            let flight_id = FlightId::new(flight);
            by_flight
                .entry(flight_id)
                .or_default()
                .push(ListCountReport {
                    flight_id,
                    message_id: MessageId::new(message),
                    position: 0, // not read back: the checks only need the order
                    sender,
                    qualifier,
                    declared: u64::try_from(declared).map_err(|_| corrupt("declared"))?,
                    carried: u64::try_from(carried).map_err(|_| corrupt("carried"))?,
                    part,
                    reported_at: at,
                });
        }
        Ok(by_flight
            .into_iter()
            .map(|(flight, reports)| (flight, count_checks(&reports)))
            .collect())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn report(message: i64, qualifier: &str, declared: u64, carried: u64) -> ListCountReport {
        ListCountReport {
            flight_id: FlightId::new(1),
            message_id: MessageId::new(message),
            position: 0,
            sender: "XA".into(),
            qualifier: qualifier.into(),
            declared,
            carried,
            part: None,
            reported_at: OffsetDateTime::UNIX_EPOCH + time::Duration::minutes(message),
        }
    }

    fn part(message: i64, carried: u64, number: u32, last: bool) -> ListCountReport {
        ListCountReport {
            part: Some(ListPart {
                series: "LIST1".into(),
                number,
                last,
            }),
            ..report(message, "42", 5, carried)
        }
    }

    #[test]
    fn a_whole_message_is_checked_on_its_own() {
        let checks = count_checks(&[report(1, "42", 3, 3), report(2, "41", 2, 1)]);
        assert_eq!(checks.len(), 2);
        assert_eq!(checks[0].outcome(), CountOutcome::Matches);
        assert_eq!(checks[1].outcome(), CountOutcome::Differs);
        assert_eq!(checks[1].counted(), "crew");
    }

    #[test]
    fn the_parts_of_a_split_list_are_added_up_once_all_are_in() {
        // Parts 2/2/1 of a 5-passenger list, arriving 3, 1, then 2 (each part declares the total).
        let third = part(1, 1, 3, true);
        let first = part(2, 2, 1, false);
        let mut checks = count_checks(&[third.clone(), first.clone()]);
        assert_eq!(checks.len(), 1);
        assert_eq!(checks[0].outcome(), CountOutcome::Incomplete);
        assert_eq!(
            checks[0].parts,
            Some(PartsReceived {
                received: vec![1, 3],
                expected: Some(3)
            })
        );
        checks = count_checks(&[third, first, part(3, 2, 2, false)]);
        assert_eq!(checks[0].carried, 5);
        assert_eq!(checks[0].outcome(), CountOutcome::Matches);
        assert_eq!(
            checks[0].message_ids,
            vec![MessageId::new(1), MessageId::new(2), MessageId::new(3)]
        );
    }

    #[test]
    fn a_part_sent_again_counts_once() {
        let checks = count_checks(&[
            part(1, 2, 1, false),
            part(2, 3, 2, true),
            part(3, 2, 1, false),
        ]);
        assert_eq!(checks[0].carried, 5);
        assert_eq!(checks[0].outcome(), CountOutcome::Matches);
    }

    #[test]
    fn a_split_list_short_of_its_declared_total_differs() {
        let checks = count_checks(&[part(1, 2, 1, false), part(2, 1, 2, true)]);
        assert_eq!(checks[0].carried, 3);
        assert_eq!(checks[0].outcome(), CountOutcome::Differs);
    }

    #[test]
    fn parts_without_a_last_part_stay_incomplete() {
        let checks = count_checks(&[part(1, 2, 1, false), part(2, 3, 2, false)]);
        assert_eq!(checks[0].outcome(), CountOutcome::Incomplete);
    }
}
