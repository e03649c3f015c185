//! Canonical view of a PNRGOV message (SCHEMA.md "MESSAGE for PNRGOV").
//!
//! Dates are local as sent, `YYYY-MM-DDTHH:MM` (seconds only when sent and not zero; the date alone
//! when no time was sent). Country codes are alpha-3 where the sent code is a known ISO code.

use chrono::{NaiveDate, Timelike};
use model::pnr::{
    ContactKind, DateAndTime, Pnr, PnrPush, PnrTraveller, PushKind, TravelDocument, TravelSegment,
};
use serde_json::{Map, Value};

use super::insert_opt;

pub(super) fn extend(out: &mut Map<String, Value>, push: &PnrPush) {
    let kind = push.kind.as_ref().map(|kind| match kind {
        PushKind::Full => "full",
        PushKind::Changes => "changes",
        PushKind::Other(code) => code.as_str(),
    });
    insert_opt(out, "push", kind);
    if let Some(flight) = &push.flight {
        out.insert("flight".into(), segment(flight));
    }
    if let Some(count) = push.declared_pnr_count {
        out.insert("declared_pnr_count".into(), count.into());
    }
    let pnrs: Vec<Value> = push.pnrs.iter().map(pnr).collect();
    out.insert("pnrs".into(), pnrs.into());
}

fn pnr(pnr: &Pnr) -> Value {
    let mut out = Map::new();
    if let Some(own) = pnr.own_locator() {
        out.insert("locator".into(), own.locator.as_str().into());
        insert_opt(&mut out, "airline", own.airline.as_deref());
        if let Some(created) = &own.created {
            out.insert("created".into(), date_time(created).into());
        }
    }
    let travellers: Vec<Value> = pnr.travellers.iter().map(traveller).collect();
    out.insert("travellers".into(), travellers.into());
    let itinerary: Vec<Value> = pnr
        .itinerary
        .iter()
        .map(|leg| segment(&leg.flight))
        .collect();
    out.insert("itinerary".into(), itinerary.into());
    let emails: Vec<Value> = pnr
        .contacts
        .iter()
        .filter(|c| c.kind == ContactKind::Email)
        .map(|c| c.value.as_str().into())
        .collect();
    out.insert("emails".into(), emails.into());
    let phones: Vec<Value> = pnr
        .contacts
        .iter()
        .filter(|c| c.kind.is_traveller_phone())
        .map(|c| c.value.as_str().into())
        .collect();
    out.insert("phones".into(), phones.into());
    Value::Object(out)
}

fn traveller(t: &PnrTraveller) -> Value {
    let mut out = Map::new();
    out.insert("surname".into(), t.name.surname.as_str().into());
    insert_opt(&mut out, "given_names", t.name.given_names.as_deref());
    insert_opt(&mut out, "type", t.name.traveller_type.as_deref());
    insert_opt(&mut out, "reference", t.name.reference.as_deref());
    insert_opt(&mut out, "gender", t.gender.as_deref());
    if let Some(birth) = t.birth_date {
        out.insert("birth_date".into(), date(birth).into());
    }
    insert_opt(&mut out, "nationality", t.nationality.as_deref());
    let documents: Vec<Value> = t.documents.iter().map(document).collect();
    out.insert("documents".into(), documents.into());
    if let Some(membership) = t.frequent_flyers.first() {
        let value = match &membership.airline {
            Some(airline) => format!("{airline}:{}", membership.number),
            None => membership.number.to_string(),
        };
        out.insert("frequent_flyer".into(), value.into());
    }
    Value::Object(out)
}

fn document(d: &TravelDocument) -> Value {
    let mut out = Map::new();
    insert_opt(&mut out, "type", d.document_type.as_deref());
    insert_opt(&mut out, "number", d.number.as_deref());
    insert_opt(&mut out, "issuing_country", d.issuing_country.as_deref());
    if let Some(expiry) = d.expiry {
        out.insert("expiry".into(), date(expiry).into());
    }
    if let Some(issued) = d.issued {
        out.insert("issued".into(), date(issued).into());
    }
    Value::Object(out)
}

/// A TVL: the reported flight or an itinerary leg (a codeshare shows its operating side as well).
fn segment(flight: &TravelSegment) -> Value {
    let mut out = Map::new();
    insert_opt(&mut out, "carrier", flight.carrier.as_deref());
    insert_opt(&mut out, "number", flight.number.as_deref());
    insert_opt(&mut out, "origin", flight.origin.as_deref());
    insert_opt(&mut out, "destination", flight.destination.as_deref());
    if let Some(departure) = &flight.departure {
        out.insert("departure".into(), date_time(departure).into());
    }
    if let Some(arrival) = &flight.arrival {
        out.insert("arrival".into(), date_time(arrival).into());
    }
    if let Some(operating) = &flight.operating {
        insert_opt(&mut out, "operating_carrier", operating.carrier.as_deref());
        insert_opt(&mut out, "operating_number", operating.number.as_deref());
    }
    Value::Object(out)
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn date_time(at: &DateAndTime) -> String {
    match at.time {
        Some(time) if time.second() != 0 => {
            format!("{}T{}", date(at.date), time.format("%H:%M:%S"))
        }
        Some(time) => format!("{}T{}", date(at.date), time.format("%H:%M")),
        None => date(at.date),
    }
}
