//! Retention policy: per data regime, from which moment the clock runs and when a record is masked
//! and deleted (privacy.md PNR-9, PNR-10, LDH-2, API-10). Defaults follow DESIGN.md: PNR masked six
//! months after receipt and deleted then unless linked to a confirmed case, everything deleted at five
//! years; API deleted 48 hours after receipt unless linked.
//!
//! Calendar arithmetic is in UTC: "six months after 31 August" is the last day of February, never a
//! day in March (a month is never longer than the law's month).

use serde::{Deserialize, Serialize};
use time::{Duration, Month, OffsetDateTime};

/// The legal regime a record is held under; each has its own clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Regime {
    /// PNR held by the Passenger Information Unit (PNR Directive, LED).
    PnrLawEnforcement,
    /// API held for border control (Regulation 2025/12, GDPR).
    ApiBorderControl,
    /// API held for law enforcement (Regulation 2025/13): processed like PNR.
    ApiLawEnforcement,
}

impl Regime {
    /// Whether data under this regime may serve law enforcement (PNR, and API the unit receives under
    /// Reg. 2025/13). API held for border control may not (privacy.md API-4; C-817/19 limits its reuse).
    pub fn serves_law_enforcement(self) -> bool {
        self != Regime::ApiBorderControl
    }
}

/// Why the unit holds the API data it receives (`[retention] api_held_for`). A national choice made once
/// per deployment: border control (Reg. 2025/12, the default), or law enforcement where the unit is the
/// Passenger Information Unit receiving API under Reg. 2025/13. It decides the regime, so the clock, of
/// every API record held, and whether analysts' law-enforcement views may show them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ApiHeldFor {
    #[default]
    BorderControl,
    LawEnforcement,
}

impl ApiHeldFor {
    pub fn regime(self) -> Regime {
        match self {
            ApiHeldFor::BorderControl => Regime::ApiBorderControl,
            ApiHeldFor::LawEnforcement => Regime::ApiLawEnforcement,
        }
    }
}

/// Where a regime's clock starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Anchor {
    /// Receipt by the unit (the raw message's received time).
    Receipt,
    /// Arrival of the flight; receipt when the arrival is not known (the earlier, so the stricter).
    Arrival,
}

/// A length of time in calendar months plus hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct Period {
    #[serde(default)]
    pub months: u32,
    #[serde(default)]
    pub hours: u32,
}

impl Period {
    pub const fn months(months: u32) -> Period {
        Period { months, hours: 0 }
    }

    pub const fn hours(hours: u32) -> Period {
        Period { months: 0, hours }
    }

    /// `from` plus this period: months first (clamped to the month's last day), then hours.
    pub fn after(self, from: OffsetDateTime) -> OffsetDateTime {
        add_months(from, i64::from(self.months)) + Duration::hours(i64::from(self.hours))
    }

    /// `from` minus this period: months back first (clamped to the month's last day), then hours.
    pub fn before(self, from: OffsetDateTime) -> OffsetDateTime {
        add_months(from, -i64::from(self.months)) - Duration::hours(i64::from(self.hours))
    }
}

fn add_months(from: OffsetDateTime, months: i64) -> OffsetDateTime {
    let total = i64::from(from.month() as u8) - 1 + months;
    let year = i64::from(from.year()) + total.div_euclid(12);
    let month_index = u8::try_from(total.rem_euclid(12) + 1).unwrap_or(1);
    let (Ok(year), Ok(month)) = (i32::try_from(year), Month::try_from(month_index)) else {
        return OffsetDateTime::new_utc(time::Date::MAX, time::Time::MIDNIGHT);
    };
    let last_day = month.length(year);
    let day = from.day().min(last_day);
    match time::Date::from_calendar_date(year, month, day) {
        Ok(date) => from.replace_date(date),
        Err(_) => OffsetDateTime::new_utc(time::Date::MAX, time::Time::MIDNIGHT),
    }
}

/// The clock of one regime.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegimePolicy {
    pub anchor: Anchor,
    /// After this, personal data are shown masked (and masked physically by the purge).
    pub mask_after: Period,
    /// After this, a record not linked to a confirmed case is deleted.
    pub delete_unlinked_after: Period,
    /// After this, everything is deleted, linked or not.
    pub delete_after: Period,
}

/// The retention policy of the whole service, one clock per regime (config section `[retention]`; a regime
/// left out keeps its default clock).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct RetentionPolicy {
    pub pnr_law_enforcement: RegimePolicy,
    pub api_border_control: RegimePolicy,
    pub api_law_enforcement: RegimePolicy,
    /// The regime API data are held under (border control unless configured).
    pub api_held_for: ApiHeldFor,
}

impl Default for RetentionPolicy {
    fn default() -> Self {
        let five_years = Period::months(60);
        let pnr_law_enforcement = RegimePolicy {
            anchor: Anchor::Receipt,
            mask_after: Period::months(6),
            delete_unlinked_after: Period::months(6),
            delete_after: five_years,
        };
        // API received by the unit for law enforcement (Reg. 2025/13) is processed as PNR: the PNR
        // clocks (privacy.md API-12, DESIGN's `inherit = "pnr_le"`).
        RetentionPolicy {
            api_law_enforcement: pnr_law_enforcement,
            pnr_law_enforcement,
            api_border_control: RegimePolicy {
                anchor: Anchor::Receipt,
                mask_after: Period::months(6),
                delete_unlinked_after: Period::hours(48),
                delete_after: five_years,
            },
            api_held_for: ApiHeldFor::BorderControl,
        }
    }
}

/// What the clock says about one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RetentionAction {
    /// Shown in clear to those allowed to see it.
    Keep,
    /// Kept, personal data masked (unmasking needs an approval).
    Mask,
    /// Must be gone.
    Delete,
}

/// The facts about a record the decision needs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RecordClock {
    pub regime: Regime,
    pub received_at: OffsetDateTime,
    pub arrival_at: Option<OffsetDateTime>,
    /// Linked to a confirmed case (recorded with who and why); an unreviewed automated hit is not a link.
    pub linked_to_confirmed_case: bool,
}

/// When a record will be masked and deleted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Deadlines {
    pub mask_at: OffsetDateTime,
    pub delete_at: OffsetDateTime,
}

impl RetentionPolicy {
    /// The regime of API data, as configured.
    pub fn api_regime(&self) -> Regime {
        self.api_held_for.regime()
    }

    pub fn regime(&self, regime: Regime) -> &RegimePolicy {
        match regime {
            Regime::PnrLawEnforcement => &self.pnr_law_enforcement,
            Regime::ApiBorderControl => &self.api_border_control,
            Regime::ApiLawEnforcement => &self.api_law_enforcement,
        }
    }

    pub fn deadlines(&self, record: &RecordClock) -> Deadlines {
        let policy = self.regime(record.regime);
        let start = match (policy.anchor, record.arrival_at) {
            (Anchor::Arrival, Some(arrival)) => arrival,
            _ => record.received_at,
        };
        let hard = policy.delete_after.after(start);
        let delete_at = if record.linked_to_confirmed_case {
            hard
        } else {
            policy.delete_unlinked_after.after(start).min(hard)
        };
        Deadlines {
            mask_at: policy.mask_after.after(start).min(delete_at),
            delete_at,
        }
    }

    /// The action due for `record` at `now`.
    pub fn action(&self, record: &RecordClock, now: OffsetDateTime) -> RetentionAction {
        let deadlines = self.deadlines(record);
        if now >= deadlines.delete_at {
            RetentionAction::Delete
        } else if now >= deadlines.mask_at {
            RetentionAction::Mask
        } else {
            RetentionAction::Keep
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn pnr(received: OffsetDateTime, linked: bool) -> RecordClock {
        RecordClock {
            regime: Regime::PnrLawEnforcement,
            received_at: received,
            arrival_at: None,
            linked_to_confirmed_case: linked,
        }
    }

    #[test]
    fn pnr_is_clear_for_six_months_then_deleted_unless_linked() {
        let policy = RetentionPolicy::default();
        let received = datetime!(2026-01-15 08:00 UTC);
        let unlinked = pnr(received, false);
        assert_eq!(
            policy.action(&unlinked, datetime!(2026-07-15 07:59 UTC)),
            RetentionAction::Keep
        );
        assert_eq!(
            policy.action(&unlinked, datetime!(2026-07-16 08:00 UTC)),
            RetentionAction::Delete
        );
        let linked = pnr(received, true);
        assert_eq!(
            policy.action(&linked, datetime!(2026-07-16 08:00 UTC)),
            RetentionAction::Mask
        );
        assert_eq!(
            policy.action(&linked, datetime!(2031-01-15 07:59 UTC)),
            RetentionAction::Mask
        );
        assert_eq!(
            policy.action(&linked, datetime!(2031-01-15 08:00 UTC)),
            RetentionAction::Delete
        );
    }

    #[test]
    fn api_is_deleted_48_hours_after_receipt_unless_linked() {
        let policy = RetentionPolicy::default();
        let record = RecordClock {
            regime: Regime::ApiBorderControl,
            received_at: datetime!(2026-03-01 10:00 UTC),
            arrival_at: None,
            linked_to_confirmed_case: false,
        };
        assert_eq!(
            policy.action(&record, datetime!(2026-03-03 09:59 UTC)),
            RetentionAction::Keep
        );
        assert_eq!(
            policy.action(&record, datetime!(2026-03-03 10:00 UTC)),
            RetentionAction::Delete
        );
        let linked = RecordClock {
            linked_to_confirmed_case: true,
            ..record
        };
        assert_eq!(
            policy.action(&linked, datetime!(2026-03-03 10:00 UTC)),
            RetentionAction::Keep
        );
    }

    #[test]
    fn six_months_after_the_31st_ends_on_the_last_day_of_the_shorter_month() {
        assert_eq!(
            Period::months(6).after(datetime!(2025-08-31 12:00 UTC)),
            datetime!(2026-02-28 12:00 UTC)
        );
        assert_eq!(
            Period::months(6).after(datetime!(2027-08-31 12:00 UTC)),
            datetime!(2028-02-29 12:00 UTC)
        );
        assert_eq!(
            Period::months(60).after(datetime!(2024-02-29 00:00 UTC)),
            datetime!(2029-02-28 00:00 UTC)
        );
    }

    #[test]
    fn an_arrival_anchor_without_a_known_arrival_runs_from_receipt() {
        let mut policy = RetentionPolicy::default();
        policy.api_border_control.anchor = Anchor::Arrival;
        let received = datetime!(2026-03-01 10:00 UTC);
        let record = RecordClock {
            regime: Regime::ApiBorderControl,
            received_at: received,
            arrival_at: None,
            linked_to_confirmed_case: false,
        };
        assert_eq!(
            policy.deadlines(&record).delete_at,
            datetime!(2026-03-03 10:00 UTC)
        );
        let with_arrival = RecordClock {
            arrival_at: Some(datetime!(2026-03-02 06:00 UTC)),
            ..record
        };
        assert_eq!(
            policy.deadlines(&with_arrival).delete_at,
            datetime!(2026-03-04 06:00 UTC)
        );
    }

    #[test]
    fn api_for_law_enforcement_follows_the_pnr_clocks() {
        let policy = RetentionPolicy::default();
        let received = datetime!(2026-01-31 23:30 UTC);
        for linked in [false, true] {
            let api_le = RecordClock {
                regime: Regime::ApiLawEnforcement,
                ..pnr(received, linked)
            };
            assert_eq!(
                policy.deadlines(&api_le),
                policy.deadlines(&pnr(received, linked))
            );
            for hours in [0, 47, 48, 24 * 183, 24 * 184, 24 * 1826, 24 * 1827] {
                let now = received + time::Duration::hours(hours);
                assert_eq!(
                    policy.action(&api_le, now),
                    policy.action(&pnr(received, linked), now),
                    "linked {linked}, {hours} h after receipt"
                );
            }
            // Not the border-control clock: kept past 48 hours.
            assert_eq!(
                policy.action(&api_le, received + time::Duration::hours(49)),
                RetentionAction::Keep
            );
        }
    }

    #[test]
    fn api_is_held_for_border_control_unless_configured_and_only_then_serves_law_enforcement() {
        let policy = RetentionPolicy::default();
        assert_eq!(policy.api_regime(), Regime::ApiBorderControl);
        assert!(!policy.api_regime().serves_law_enforcement());
        assert!(Regime::PnrLawEnforcement.serves_law_enforcement());
        // A policy written before the setting existed reads as border control.
        let mut older = serde_json::to_value(policy).expect("serialises");
        older
            .as_object_mut()
            .expect("an object")
            .remove("api_held_for");
        let read: RetentionPolicy = serde_json::from_value(older).expect("reads");
        assert_eq!(read.api_held_for, ApiHeldFor::BorderControl);
        let law_enforcement = RetentionPolicy {
            api_held_for: ApiHeldFor::LawEnforcement,
            ..policy
        };
        assert_eq!(law_enforcement.api_regime(), Regime::ApiLawEnforcement);
        assert!(law_enforcement.api_regime().serves_law_enforcement());
    }

    #[test]
    fn the_policy_reads_from_toml_shaped_config() {
        let policy = RetentionPolicy::default();
        let json = serde_json::to_string(&policy).expect("serialises");
        let back: RetentionPolicy = serde_json::from_str(&json).expect("reads back");
        assert_eq!(back, policy);
    }
}
