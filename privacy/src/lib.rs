//! Data protection by construction (DESIGN.md, `../shared/reference/privacy.md`): the retention
//! policy and its clock, the sensitive-data filter applied before anything is stored, admission (flight
//! scope, late API), the registry of comparison sources screening may use, and the hash-chained audit log. Pure logic, no I/O: the store and the service apply it.

pub mod admission;
pub mod audit;
pub mod clock;
pub mod masking;
pub mod purpose;
pub mod raw_redaction;
pub mod retention;
pub mod sealing;
pub mod sensitive;
pub mod sources;

pub use admission::{
    AdmissionPolicy, Feed, FlightFacts, FlightScope, IntraEuMode, IntraEuScope, Refusal, ScopeError,
};
pub use audit::{
    AuditAction, AuditEvent, ChainBreak, ChainedRecord, Checkpoint, PruneMark, Verified, Verifier,
    AUDIT_RETENTION,
};
pub use clock::{Clock, FixedClock, OffsetClock, SystemClock};
pub use masking::{is_masked_record, mask_explanation, mask_traveller_record, MASK};
pub use purpose::Purpose;
pub use raw_redaction::{redact_raw, RedactedRaw, RedactedSegment};
pub use retention::{
    Anchor, ApiHeldFor, Deadlines, Period, RecordClock, Regime, RegimePolicy, RetentionAction,
    RetentionPolicy,
};
pub use sealing::{RecordSealer, SealBroken};
pub use sensitive::{filter_pnr, filter_push, Redactions};
pub use sources::{
    ComparisonSource, ComparisonSources, DataSubjects, SourceConfigError, SourceKind, SourceRefusal,
};
