//! Admission in the pipeline: each read message's flight is put to `privacy::AdmissionPolicy` before any
//! of it is mapped into the store (intra-EU flight scope, late API). What is refused is never stored; a
//! raw message with nothing admitted is erased, and the refusal goes to a [`RefusalLog`] (the service's
//! audit chain) with its reason code only.

use std::future::Future;
use std::pin::Pin;

use privacy::{AdmissionPolicy, Feed, FlightFacts, Refusal};
use store::{MessageId, MessageKind};
use time::OffsetDateTime;

use crate::airport::{self, LOCAL_TIME_SLACK};
use crate::mapping::MappedMessage;

/// Where refusals are recorded before the message is erased. Errors are reported, never fatal: data are
/// not kept longer for want of a log line.
pub trait RefusalLog: Send + Sync {
    fn message_refused(
        &self,
        message: MessageId,
        refusal: Refusal,
    ) -> Pin<Box<dyn Future<Output = Result<(), String>> + Send + '_>>;
}

/// The admission decision for one mapped message; messages without a flight (nothing to store) pass.
pub(crate) fn admit(
    policy: &AdmissionPolicy,
    message: &MappedMessage,
    received_at: OffsetDateTime,
) -> Result<(), Refusal> {
    let Some(flight) = message.flight.as_ref().and_then(|f| f.to_new_flight()) else {
        return Ok(());
    };
    let country = |code: &str| airport::by_iata(code).map(|a| a.country);
    let departure_country = country(&flight.departure_airport);
    let arrival_country = flight.arrival_airport.as_deref().and_then(country);
    let departure_country = departure_country
        .as_ref()
        .and_then(|c| std::str::from_utf8(c).ok());
    let arrival_country = arrival_country
        .as_ref()
        .and_then(|c| std::str::from_utf8(c).ok());
    let facts = FlightFacts {
        feed: match message.kind {
            MessageKind::Paxlst => Feed::Api,
            MessageKind::Pnrgov => Feed::Pnr,
        },
        departure_airport: &flight.departure_airport,
        arrival_airport: flight.arrival_airport.as_deref(),
        departure_country,
        arrival_country,
        departed_by: Some(
            flight
                .departure_utc
                .unwrap_or(flight.departure_approx_utc + LOCAL_TIME_SLACK),
        ),
    };
    policy.admit(&facts, received_at)
}
