//! The registry of comparison sources (PNR-3, LDH-8; privacy.md §8.2 `[comparison_sources.NAME]`): the
//! lists travellers may be matched against automatically. Each watchlist must be registered under its list
//! name with the kind of database it is and the legal basis for comparing against it; only a database on
//! persons or objects **sought or under alert** may be used for automated matching (Directive Art. 6(3)(a),
//! C-817/19 paras 183–192). A list that is not registered, or is registered as another kind (material for
//! intelligence analysis), is stored but never screened against. With no registry configured nothing is
//! screened: the service says so at start.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use time::{Date, OffsetDateTime};

/// What a comparison source holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SourceKind {
    /// A database on persons or objects sought or under alert (wanted persons, sanctions, SIS II alerts):
    /// the only kind automated matching may use.
    SoughtOrUnderAlert,
    /// Material for intelligence analysis: may be consulted by analysts, never matched automatically.
    IntelligenceAnalysis,
}

impl SourceKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::SoughtOrUnderAlert => "sought_or_under_alert",
            SourceKind::IntelligenceAnalysis => "intelligence_analysis",
        }
    }
}

/// One registered source (`[comparison_sources.NAME]`; NAME is the list name its versions are imported under).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ComparisonSource {
    pub kind: SourceKind,
    /// The national or Union act that allows comparing passenger data against this source.
    pub legal_basis: String,
    /// When the registration is due for review (`YYYY-MM-DD`); an overdue review is reported at start.
    #[serde(default)]
    pub review_due: Option<String>,
}

/// Why a list may not be screened against.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum SourceRefusal {
    #[error("not registered as a comparison source")]
    NotRegistered,
    #[error("registered as {}, not as a database on persons sought or under alert", .0.as_str())]
    NotSoughtOrUnderAlert(SourceKind),
}

/// A registration that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SourceConfigError {
    #[error("comparison source {0:?}: the legal basis is empty")]
    NoLegalBasis(String),
    #[error("comparison source {0:?}: review_due is not a YYYY-MM-DD date")]
    BadReviewDate(String),
    #[error("a comparison source has an empty name")]
    EmptyName,
}

/// The registry: list name → registration.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct ComparisonSources {
    sources: BTreeMap<String, ComparisonSource>,
}

impl ComparisonSources {
    pub fn new(sources: BTreeMap<String, ComparisonSource>) -> ComparisonSources {
        ComparisonSources { sources }
    }

    /// Every source registered as sought or under alert under `legal_basis`: for tests and benchmarks
    /// that screen their own generated lists.
    pub fn sought<'a>(
        lists: impl IntoIterator<Item = &'a str>,
        legal_basis: &str,
    ) -> ComparisonSources {
        ComparisonSources {
            sources: lists
                .into_iter()
                .map(|list| {
                    (
                        list.to_owned(),
                        ComparisonSource {
                            kind: SourceKind::SoughtOrUnderAlert,
                            legal_basis: legal_basis.to_owned(),
                            review_due: None,
                        },
                    )
                })
                .collect(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.sources.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = (&str, &ComparisonSource)> {
        self.sources
            .iter()
            .map(|(name, source)| (name.as_str(), source))
    }

    /// Checks every registration: a name, a legal basis, a readable review date.
    pub fn validate(&self) -> Result<(), SourceConfigError> {
        for (name, source) in &self.sources {
            if name.trim().is_empty() {
                return Err(SourceConfigError::EmptyName);
            }
            if source.legal_basis.trim().is_empty() {
                return Err(SourceConfigError::NoLegalBasis(name.clone()));
            }
            if let Some(due) = &source.review_due {
                parse_day(due).ok_or_else(|| SourceConfigError::BadReviewDate(name.clone()))?;
            }
        }
        Ok(())
    }

    /// Whether travellers may be matched automatically against the list called `list`.
    pub fn permits_screening(&self, list: &str) -> Result<&ComparisonSource, SourceRefusal> {
        let source = self.sources.get(list).ok_or(SourceRefusal::NotRegistered)?;
        match source.kind {
            SourceKind::SoughtOrUnderAlert => Ok(source),
            other => Err(SourceRefusal::NotSoughtOrUnderAlert(other)),
        }
    }

    /// Sources whose review date has passed at `now`, with that date.
    pub fn reviews_overdue(&self, now: OffsetDateTime) -> Vec<(&str, Date)> {
        self.sources
            .iter()
            .filter_map(|(name, source)| {
                let due = parse_day(source.review_due.as_deref()?)?;
                (due < now.date()).then_some((name.as_str(), due))
            })
            .collect()
    }
}

fn parse_day(text: &str) -> Option<Date> {
    crate::admission::parse_date("review_due", text).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    fn registry(toml_text: &str) -> ComparisonSources {
        toml::from_str(toml_text).expect("parses")
    }

    #[test]
    fn only_a_registered_source_sought_or_under_alert_may_be_screened() {
        let sources = registry(
            r#"
            [OFAC]
            kind = "sought_or_under_alert"
            legal_basis = "national sanctions act, s. 12"
            review_due = "2027-06-30"

            [ANALYSIS]
            kind = "intelligence_analysis"
            legal_basis = "PIU analysis mandate"
            "#,
        );
        sources.validate().unwrap();
        assert_eq!(
            sources.permits_screening("OFAC").unwrap().legal_basis,
            "national sanctions act, s. 12"
        );
        assert_eq!(
            sources.permits_screening("ANALYSIS"),
            Err(SourceRefusal::NotSoughtOrUnderAlert(
                SourceKind::IntelligenceAnalysis
            ))
        );
        assert_eq!(
            sources.permits_screening("UNKNOWN"),
            Err(SourceRefusal::NotRegistered)
        );
        assert_eq!(
            sources.permits_screening("ofac"),
            Err(SourceRefusal::NotRegistered),
            "list names are exact"
        );
        assert_eq!(
            ComparisonSources::default().permits_screening("OFAC"),
            Err(SourceRefusal::NotRegistered),
            "no registry: nothing is screened"
        );
    }

    #[test]
    fn a_registration_needs_a_legal_basis_and_a_readable_review_date() {
        let no_basis = registry("[L]\nkind = \"sought_or_under_alert\"\nlegal_basis = \" \"\n");
        assert_eq!(
            no_basis.validate(),
            Err(SourceConfigError::NoLegalBasis("L".into()))
        );
        let bad_date = registry(
            "[L]\nkind = \"sought_or_under_alert\"\nlegal_basis = \"act\"\nreview_due = \"soon\"\n",
        );
        assert_eq!(
            bad_date.validate(),
            Err(SourceConfigError::BadReviewDate("L".into()))
        );
        assert!(toml::from_str::<ComparisonSources>(
            "[L]\nkind = \"anything\"\nlegal_basis = \"a\"\n"
        )
        .is_err());
        assert!(toml::from_str::<ComparisonSources>("[L]\nlegal_basis = \"a\"\n").is_err());
    }

    #[test]
    fn an_overdue_review_is_reported() {
        let sources = registry(
            "[L]\nkind = \"sought_or_under_alert\"\nlegal_basis = \"act\"\nreview_due = \"2026-06-30\"\n\
             [M]\nkind = \"sought_or_under_alert\"\nlegal_basis = \"act\"\n",
        );
        assert!(sources
            .reviews_overdue(datetime!(2026-06-30 23:00 UTC))
            .is_empty());
        let overdue = sources.reviews_overdue(datetime!(2026-07-01 00:00 UTC));
        assert_eq!(overdue.len(), 1);
        assert_eq!(overdue[0].0, "L");
    }
}
