//! Canonical view of a PAXLST message (SCHEMA.md "MESSAGE for PAXLST").

use chrono::NaiveDate;
use model::api::{
    FlightLeg, LegRole, ListKind, LocalDateTime, PassengerList, TravelDocument, Traveller,
    TravellerRole,
};
use serde_json::{json, Map, Value};

use super::insert_opt;

pub(super) fn extend(out: &mut Map<String, Value>, list: &PassengerList) {
    let kind = match list.kind {
        Some(ListKind::Passengers) => Some("passengers"),
        Some(ListKind::Crew | ListKind::CrewAndConveyance) => Some("crew"),
        _ => None,
    };
    insert_opt(out, "list", kind);
    insert_opt(out, "function", list.document_code.as_deref());
    insert_opt(out, "function_id", list.document_id.as_deref());
    out.insert(
        "part".into(),
        json!({ "number": list.part.number, "last": list.part.last }),
    );
    insert_opt(
        out,
        "common_access_reference",
        list.common_access_reference.as_deref(),
    );
    insert_opt(
        out,
        "transaction_reference",
        list.transaction_reference.as_deref(),
    );
    let flights: Vec<Value> = list.legs.iter().map(flight).collect();
    out.insert("flights".into(), flights.into());
    let travellers: Vec<Value> = list.travellers.iter().map(traveller).collect();
    out.insert("travellers".into(), travellers.into());
    if let Some(count) = &list.declared_count {
        out.insert("declared_count".into(), count.value.into());
    }
}

fn flight(leg: &FlightLeg) -> Value {
    let mut out = Map::new();
    insert_opt(&mut out, "carrier", leg.carrier.as_deref());
    insert_opt(&mut out, "number", leg.number.as_deref());
    insert_opt(&mut out, "origin", leg.origin.as_deref());
    insert_opt(&mut out, "destination", leg.destination.as_deref());
    if let Some(departure) = &leg.departure {
        out.insert("departure".into(), date_time(departure).into());
    }
    if let Some(arrival) = &leg.arrival {
        out.insert("arrival".into(), date_time(arrival).into());
    }
    let role = match leg.role {
        LegRole::Border => "border",
        LegRole::Other => "other",
    };
    out.insert("role".into(), role.into());
    Value::Object(out)
}

fn traveller(t: &Traveller) -> Value {
    let mut out = Map::new();
    let role = match &t.role {
        TravellerRole::Passenger => "passenger",
        TravellerRole::Crew => "crew",
        TravellerRole::TransitPassenger => "transit_passenger",
        TravellerRole::TransitCrew => "transit_crew",
        TravellerRole::Other(_) => "other",
    };
    out.insert("role".into(), role.into());
    insert_opt(&mut out, "surname", t.surname.as_deref());
    if !t.given_names.is_empty() {
        out.insert("given_names".into(), t.given_names.join(" ").into());
    }
    insert_opt(&mut out, "gender", t.gender.as_deref());
    if let Some(birth) = t.birth_date {
        out.insert("birth_date".into(), date(birth).into());
    }
    insert_opt(&mut out, "nationality", t.nationality.as_deref());
    insert_opt(
        &mut out,
        "residence_country",
        t.residence_country.as_deref(),
    );
    insert_opt(&mut out, "birth_place", t.birth_country.as_deref());
    insert_opt(&mut out, "embarkation", t.embarkation.as_deref());
    insert_opt(&mut out, "debarkation", t.debarkation.as_deref());
    insert_opt(&mut out, "pnr_locator", t.pnr_locator.as_deref());
    insert_opt(&mut out, "seat", t.seat.as_deref());
    insert_opt(&mut out, "ticket_number", t.ticket_number.as_deref());
    if t.bags.count.is_some() || t.bags.weight.is_some() || !t.bags.tags.is_empty() {
        let mut bags = Map::new();
        if let Some(count) = t.bags.count {
            bags.insert("count".into(), count.into());
        }
        insert_opt(&mut bags, "weight", t.bags.weight.as_deref());
        insert_opt(&mut bags, "weight_unit", t.bags.weight_unit.as_deref());
        let tags: Vec<Value> = t
            .bags
            .tags
            .iter()
            .map(|tag| json!({ "tag": tag.tag, "consecutive": tag.consecutive }))
            .collect();
        bags.insert("tags".into(), tags.into());
        out.insert("bags".into(), Value::Object(bags));
    }
    let documents: Vec<Value> = t.documents.iter().map(document).collect();
    out.insert("documents".into(), documents.into());
    Value::Object(out)
}

fn document(d: &TravelDocument) -> Value {
    let mut out = Map::new();
    insert_opt(&mut out, "type", d.doc_type.as_deref());
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

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

/// `2013-05-21T12:00`, or the date alone when no time was sent.
fn date_time(value: &LocalDateTime) -> String {
    match value.time {
        Some(time) => format!("{}T{}", date(value.date), time.format("%H:%M")),
        None => date(value.date),
    }
}
