//! CUSRES message → `model::response::CustomsResponse` (iAPI board / no-board directives and
//! acknowledgements, `reference/edifact.md` §4.1). Group members are accepted in any order.

use model::response::{CustomsResponse, PassengerResponse};

use crate::syntax::Message;

pub fn read(message: &Message) -> CustomsResponse {
    let mut response = CustomsResponse {
        reference: message.reference.clone(),
        version: message.identifier.version_release(),
        ..CustomsResponse::default()
    };
    for s in message.body() {
        match s.tag() {
            "BGM" => response.document_code = s.component(0, 0).map(str::to_owned),
            "ERP" => response.responses.push(PassengerResponse {
                level: s.component(0, 0).map(str::to_owned),
                ..PassengerResponse::default()
            }),
            "RFF" => {
                let value = s.component(0, 1).map(str::to_owned);
                let current = response.responses.last_mut();
                match (s.component(0, 0), current) {
                    (Some("AVF"), Some(p)) => p.pnr_locator = value,
                    (Some("ABO"), Some(p)) => p.airline_passenger_id = value,
                    (Some("TN"), None) => response.transaction_reference = value,
                    (Some("AF"), None) => response.flights.extend(value),
                    _ => {}
                }
            }
            "ERC" => {
                if let (Some(p), Some(code)) = (response.responses.last_mut(), s.component(0, 0)) {
                    p.codes.push(code.to_owned());
                }
            }
            "FTX" => {
                if let Some(p) = response.responses.last_mut() {
                    let text: Vec<&str> = s.components(3).filter(|c| !c.is_empty()).collect();
                    if !text.is_empty() {
                        p.texts.push(text.join(" "));
                    }
                }
            }
            _ => {}
        }
    }
    response
}
