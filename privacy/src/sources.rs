//! The registry of comparison sources (PNR-3, LDH-8; privacy.md §8.2 `[comparison_sources.NAME]`): the
//! lists travellers may be matched against automatically. Each watchlist must be registered under its list
//! name with the kind of database it is and the legal basis for comparing against it; only a database on
//! persons or objects **sought or under alert** may be used for automated matching (Directive Art. 6(3)(a),
//! C-817/19 paras 183–192). A list that is not registered, or is registered as another kind (material for
//! intelligence analysis), is stored but never screened against. With no registry configured nothing is
//! screened: the service says so at start.
//!
//! Each registration also says who the people on the list are, in the categories of the Law Enforcement
//! Directive (Art. 6, LED-6: suspects, convicted persons, victims, other parties): an alert on a list of
//! missing persons is not an alert on a suspect, and the officer sees which it is.

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

/// Who the people on a source are (LED Art. 6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DataSubjects {
    /// Persons suspected of having committed or being about to commit a criminal offence.
    Suspects,
    /// Persons convicted of a criminal offence.
    Convicted,
    /// Victims, or persons believed to be victims (missing persons, trafficked persons).
    Victims,
    /// Other parties: witnesses, contacts, associates, persons under sanctions.
    OtherParties,
}

impl DataSubjects {
    pub fn as_str(self) -> &'static str {
        match self {
            DataSubjects::Suspects => "suspects",
            DataSubjects::Convicted => "convicted",
            DataSubjects::Victims => "victims",
            DataSubjects::OtherParties => "other_parties",
        }
    }

    /// How an officer reads it.
    pub fn label(self) -> &'static str {
        match self {
            DataSubjects::Suspects => "suspects",
            DataSubjects::Convicted => "convicted persons",
            DataSubjects::Victims => "victims or possible victims",
            DataSubjects::OtherParties => {
                "other parties (witnesses, contacts, persons under sanctions)"
            }
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
    /// Who the people on it are; required, so no list is screened without saying so.
    pub data_subjects: DataSubjects,
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

    /// Every source registered as sought or under alert under `legal_basis`, as lists of suspects: for tests
    /// and benchmarks that screen their own generated lists.
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
                            data_subjects: DataSubjects::Suspects,
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

    /// The registration of the list called `list`, whatever its kind.
    pub fn get(&self, list: &str) -> Option<&ComparisonSource> {
        self.sources.get(list)
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
            data_subjects = "other_parties"
            review_due = "2027-06-30"

            [ANALYSIS]
            kind = "intelligence_analysis"
            legal_basis = "PIU analysis mandate"
            data_subjects = "suspects"
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
        let no_basis = registry("[L]\nkind = \"sought_or_under_alert\"\nlegal_basis = \" \"\ndata_subjects = \"suspects\"\n");
        assert_eq!(
            no_basis.validate(),
            Err(SourceConfigError::NoLegalBasis("L".into()))
        );
        let bad_date = registry(
            "[L]\nkind = \"sought_or_under_alert\"\nlegal_basis = \"act\"\ndata_subjects = \"victims\"\nreview_due = \"soon\"\n",
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
            "[L]\nkind = \"sought_or_under_alert\"\nlegal_basis = \"act\"\ndata_subjects = \"convicted\"\n\
             review_due = \"2026-06-30\"\n\
             [M]\nkind = \"sought_or_under_alert\"\nlegal_basis = \"act\"\ndata_subjects = \"victims\"\n",
        );
        assert!(sources
            .reviews_overdue(datetime!(2026-06-30 23:00 UTC))
            .is_empty());
        let overdue = sources.reviews_overdue(datetime!(2026-07-01 00:00 UTC));
        assert_eq!(overdue.len(), 1);
        assert_eq!(overdue[0].0, "L");
    }

    #[test]
    fn every_registration_says_who_the_people_on_the_list_are() {
        let sources = registry(
            "[MISSING]\nkind = \"sought_or_under_alert\"\nlegal_basis = \"act\"\n\
             data_subjects = \"victims\"\n",
        );
        let source = sources.permits_screening("MISSING").unwrap();
        assert_eq!(source.data_subjects, DataSubjects::Victims);
        assert_eq!(source.data_subjects.as_str(), "victims");
        let missing = toml::from_str::<ComparisonSources>(
            "[L]\nkind = \"sought_or_under_alert\"\nlegal_basis = \"act\"\n",
        );
        assert!(
            missing.unwrap_err().to_string().contains("data_subjects"),
            "a registration without its data subjects is refused at load"
        );
        assert!(toml::from_str::<ComparisonSources>(
            "[L]\nkind = \"sought_or_under_alert\"\nlegal_basis = \"act\"\ndata_subjects = \"travellers\"\n"
        )
        .is_err());
    }
}
