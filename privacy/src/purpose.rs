//! Why personal data are processed: the closed set of purposes (privacy.md PNR-2: every processing
//! operation carries one; an operation without a purpose is refused). Requests name theirs in the
//! `X-Paxwatch-Purpose` header; each audited route has a default.

/// A purpose from the closed set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Purpose {
    /// Art. 6(2)(a): assessment of passengers before arrival or departure.
    PreArrivalAssessment,
    /// Art. 6(2)(b): a case-by-case reply to a duly reasoned request of a competent authority.
    CaseRequest,
    /// Art. 6(2)(c): analysis to create or update assessment criteria.
    CriteriaAnalysis,
    /// API data for border control (Dir. 2004/82, Reg. 2025/12).
    BorderCheck,
    /// The carrier's transfer of data to the unit (collection).
    CarrierTransfer,
    /// The data-protection officer's oversight (Art. 6(7)).
    DpoOversight,
    /// A data subject's request for access (LED Arts. 13–18).
    SubjectAccess,
    /// The independent approver's review of an unmask request (Art. 12(3)(b)).
    UnmaskReview,
    /// Administration of the system's accounts, carriers and watchlists (security of processing).
    Administration,
}

impl Purpose {
    pub const ALL: [Purpose; 9] = [
        Purpose::PreArrivalAssessment,
        Purpose::CaseRequest,
        Purpose::CriteriaAnalysis,
        Purpose::BorderCheck,
        Purpose::CarrierTransfer,
        Purpose::DpoOversight,
        Purpose::SubjectAccess,
        Purpose::UnmaskReview,
        Purpose::Administration,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Purpose::PreArrivalAssessment => "pre_arrival_assessment",
            Purpose::CaseRequest => "case_request",
            Purpose::CriteriaAnalysis => "criteria_analysis",
            Purpose::BorderCheck => "border_check",
            Purpose::CarrierTransfer => "carrier_transfer",
            Purpose::DpoOversight => "dpo_oversight",
            Purpose::SubjectAccess => "subject_access",
            Purpose::UnmaskReview => "unmask_review",
            Purpose::Administration => "administration",
        }
    }

    pub fn from_code(code: &str) -> Option<Purpose> {
        Purpose::ALL.into_iter().find(|p| p.as_str() == code)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_unknown_codes_are_refused() {
        for purpose in Purpose::ALL {
            assert_eq!(Purpose::from_code(purpose.as_str()), Some(purpose));
        }
        assert_eq!(Purpose::from_code(""), None);
        assert_eq!(Purpose::from_code("curiosity"), None);
    }
}
