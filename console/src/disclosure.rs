//! What a view may show of personal data, now: the one place the retention policy is applied at read time
//! (privacy.md §8.1: "every read computes the state from the clock, so a late job never leaks data").
//!
//! Every traveller version knows its regime (PNR from PNRGOV, API from PAXLST) and its anchor (the receipt
//! of its message). Against [`crate::server::AppState::clock`] and the configured
//! [`privacy::RetentionPolicy`], a version is shown in clear, masked, or not at all:
//!
//! - past its deletion deadline (API after 48 hours, PNR after 6 months unless linked to a confirmed case,
//!   anything after 5 years) it is **gone**: views leave it out as if it had been deleted, whatever the
//!   [`Disclosure`];
//! - past its masking deadline it is **masked** ([`privacy::mask_traveller_record`]) unless the caller holds
//!   an approved unmask ([`Disclosure::Full`]);
//! - before that it is **clear**.
//!
//! The purge later makes the same decisions physical; until it runs, this is what keeps them.

use privacy::{RecordClock, Regime, RetentionAction, RetentionPolicy, MASK};
use serde_json::Value;
use store::MessageKind;
use time::OffsetDateTime;

use crate::server::AppState;

/// How much of masked data a caller may see.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Disclosure {
    /// The default: data past the masking deadline are masked.
    Masked,
    /// An approved unmask: masked data are shown in clear. Data past deletion are still gone.
    Full,
}

/// What a view shows of one record.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    Clear,
    Masked,
    Gone,
}

/// What a view serves. Officers screen travellers before arrival from both feeds; analysts' historical
/// search, timelines and co-travellers, and their unmasked views, serve law enforcement, which API held for
/// border control may not (privacy.md API-4): for them such records are gone.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewFor {
    Screening,
    LawEnforcementAnalysis,
}

/// The regime a traveller version is held under, by the message it came from and the configured regime of
/// API data.
pub fn regime(policy: &RetentionPolicy, kind: MessageKind) -> Regime {
    match kind {
        MessageKind::Pnrgov => Regime::PnrLawEnforcement,
        MessageKind::Paxlst => policy.api_regime(),
    }
}

/// The message kind of an index document (`PAXLST` / `PNRGOV`); an unknown one is treated as PNR.
pub fn kind_named(name: &str) -> MessageKind {
    if name.eq_ignore_ascii_case("PAXLST") {
        MessageKind::Paxlst
    } else {
        MessageKind::Pnrgov
    }
}

/// The policy, the time and the caller's disclosure, fixed for one request.
#[derive(Debug, Clone, Copy)]
pub struct Retention {
    policy: RetentionPolicy,
    now: OffsetDateTime,
    disclosure: Disclosure,
    view_for: ViewFor,
}

impl Retention {
    /// For screening; [`Retention::for_analysis`] narrows it.
    pub fn new(policy: RetentionPolicy, now: OffsetDateTime, disclosure: Disclosure) -> Retention {
        Retention {
            policy,
            now,
            disclosure,
            view_for: ViewFor::Screening,
        }
    }

    /// For a screening request on `state`: its configured policy at its clock's now.
    pub fn of(state: &AppState, disclosure: Disclosure) -> Retention {
        Retention::new(state.config.retention, state.clock.now(), disclosure)
    }

    /// For an analyst's request on `state` (law enforcement).
    pub fn for_analysis(state: &AppState, disclosure: Disclosure) -> Retention {
        Retention::of(state, disclosure).serving(ViewFor::LawEnforcementAnalysis)
    }

    pub fn serving(self, view_for: ViewFor) -> Retention {
        Retention { view_for, ..self }
    }

    pub fn disclosure(&self) -> Disclosure {
        self.disclosure
    }

    /// What may be shown of a record from a `kind` message received at `received_at`.
    pub fn shown(&self, kind: MessageKind, received_at: OffsetDateTime, linked: bool) -> Shown {
        let clock = RecordClock {
            regime: regime(&self.policy, kind),
            received_at,
            arrival_at: None,
            linked_to_confirmed_case: linked,
        };
        if self.view_for == ViewFor::LawEnforcementAnalysis
            && !clock.regime.serves_law_enforcement()
        {
            return Shown::Gone;
        }
        match (self.policy.action(&clock, self.now), self.disclosure) {
            (RetentionAction::Delete, _) => Shown::Gone,
            (RetentionAction::Mask, Disclosure::Masked) => Shown::Masked,
            (RetentionAction::Mask, Disclosure::Full) | (RetentionAction::Keep, _) => Shown::Clear,
        }
    }
}

impl Shown {
    pub fn is_gone(self) -> bool {
        self == Shown::Gone
    }

    pub fn is_masked(self) -> bool {
        self == Shown::Masked
    }

    /// A traveller record as shown; `None` when gone.
    pub fn record(self, record: Value) -> Option<Value> {
        match self {
            Shown::Clear => Some(record),
            Shown::Masked => Some(privacy::mask_traveller_record(&record)),
            Shown::Gone => None,
        }
    }

    /// An alert explanation as shown (its traveller-side name parts masked).
    pub fn explanation(self, explanation: Value) -> Value {
        match self {
            Shown::Clear => explanation,
            Shown::Masked | Shown::Gone => privacy::mask_explanation(&explanation),
        }
    }

    /// One identifying text as shown.
    pub fn text(self, text: String) -> String {
        match self {
            Shown::Clear => text,
            Shown::Masked | Shown::Gone => MASK.to_owned(),
        }
    }

    /// An optional identifying text as shown.
    pub fn optional_text(self, text: Option<String>) -> Option<String> {
        text.map(|text| self.text(text))
    }

    /// A list of identifying texts as shown (masked: one mask for a non-empty list, so the count is hidden).
    pub fn texts(self, texts: Vec<String>) -> Vec<String> {
        match self {
            Shown::Clear => texts,
            _ if texts.is_empty() => texts,
            Shown::Masked | Shown::Gone => vec![MASK.to_owned()],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;
    use time::macros::datetime;

    const RECEIVED: OffsetDateTime = datetime!(2026-01-10 09:00 UTC);

    fn at(now: OffsetDateTime, disclosure: Disclosure) -> Retention {
        Retention::new(RetentionPolicy::default(), now, disclosure)
    }

    #[test]
    fn pnr_six_months_and_a_day_old_is_masked_when_linked_and_gone_when_not() {
        let later = at(datetime!(2026-07-11 09:00 UTC), Disclosure::Masked);
        assert_eq!(
            later.shown(MessageKind::Pnrgov, RECEIVED, true),
            Shown::Masked
        );
        assert_eq!(
            later.shown(MessageKind::Pnrgov, RECEIVED, false),
            Shown::Gone
        );
        let before = at(datetime!(2026-07-10 08:59 UTC), Disclosure::Masked);
        assert_eq!(
            before.shown(MessageKind::Pnrgov, RECEIVED, false),
            Shown::Clear
        );
    }

    #[test]
    fn an_approved_unmask_shows_masked_data_but_never_deleted_data() {
        let later = at(datetime!(2026-07-11 09:00 UTC), Disclosure::Full);
        assert_eq!(
            later.shown(MessageKind::Pnrgov, RECEIVED, true),
            Shown::Clear
        );
        assert_eq!(
            later.shown(MessageKind::Pnrgov, RECEIVED, false),
            Shown::Gone
        );
        let five_years = at(datetime!(2031-01-10 09:00 UTC), Disclosure::Full);
        assert_eq!(
            five_years.shown(MessageKind::Pnrgov, RECEIVED, true),
            Shown::Gone
        );
    }

    #[test]
    fn api_data_are_gone_48_hours_after_receipt() {
        let retention = at(datetime!(2026-01-12 09:00 UTC), Disclosure::Full);
        assert_eq!(
            retention.shown(MessageKind::Paxlst, RECEIVED, false),
            Shown::Gone
        );
        let just_before = at(datetime!(2026-01-12 08:59 UTC), Disclosure::Masked);
        assert_eq!(
            just_before.shown(MessageKind::Paxlst, RECEIVED, false),
            Shown::Clear
        );
    }

    #[test]
    fn border_control_api_is_gone_for_law_enforcement_analysis_and_api_held_for_it_is_not() {
        let now = datetime!(2026-01-11 09:00 UTC);
        let analysis = at(now, Disclosure::Full).serving(ViewFor::LawEnforcementAnalysis);
        assert_eq!(
            analysis.shown(MessageKind::Paxlst, RECEIVED, true),
            Shown::Gone
        );
        assert_eq!(
            analysis.shown(MessageKind::Pnrgov, RECEIVED, false),
            Shown::Clear
        );
        // Screening sees the same record.
        assert_eq!(
            at(now, Disclosure::Masked).shown(MessageKind::Paxlst, RECEIVED, false),
            Shown::Clear
        );
        // API the unit holds for law enforcement follows the PNR clock and serves analysis.
        let held_for_law_enforcement = RetentionPolicy {
            api_held_for: privacy::ApiHeldFor::LawEnforcement,
            ..RetentionPolicy::default()
        };
        let analysis = Retention::new(held_for_law_enforcement, now, Disclosure::Masked)
            .serving(ViewFor::LawEnforcementAnalysis);
        assert_eq!(
            analysis.shown(MessageKind::Paxlst, RECEIVED, false),
            Shown::Clear
        );
        let three_days_later = Retention::new(
            held_for_law_enforcement,
            datetime!(2026-01-13 10:00 UTC),
            Disclosure::Masked,
        );
        assert_eq!(
            three_days_later.shown(MessageKind::Paxlst, RECEIVED, false),
            Shown::Clear
        );
    }

    #[test]
    fn masked_texts_hide_values_and_counts() {
        let record = json!({"surname": "DOE", "seat": "1A"});
        assert_eq!(Shown::Gone.record(record.clone()), None);
        let masked = Shown::Masked.record(record).expect("kept");
        assert_eq!(masked["surname"], json!(MASK));
        assert_eq!(
            Shown::Masked.texts(vec!["a@b".into(), "c@d".into()]),
            vec![MASK.to_owned()]
        );
        assert_eq!(Shown::Masked.texts(Vec::new()), Vec::<String>::new());
        assert_eq!(Shown::Clear.text("DOE".into()), "DOE");
    }
}
