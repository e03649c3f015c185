//! CONTRL message → `model::response::SyntaxReport`: an airline's (or state's) verdict on an
//! interchange (`reference/edifact.md` §4.2).

use model::response::{MessageReport, SyntaxReport};

use crate::syntax::Message;

pub fn read(message: &Message) -> SyntaxReport {
    let mut report = SyntaxReport {
        reference: message.reference.clone(),
        version: message.identifier.version_release(),
        ..SyntaxReport::default()
    };
    let owned = |v: Option<&str>| v.map(str::to_owned);
    for s in message.body() {
        match s.tag() {
            "UCI" => {
                report.interchange_reference = owned(s.element(0));
                report.interchange_sender = owned(s.element(1));
                report.interchange_recipient = owned(s.element(2));
                report.action = owned(s.element(3));
                report.error = owned(s.element(4));
            }
            "UCM" => report.messages.push(MessageReport {
                reference: owned(s.element(0)),
                message_type: owned(s.component(1, 0)),
                action: owned(s.element(2)),
                error: owned(s.element(3)),
                segment_errors: Vec::new(),
            }),
            "UCS" => {
                if let (Some(m), Some(position)) = (report.messages.last_mut(), s.element(0)) {
                    m.segment_errors
                        .push((position.to_owned(), owned(s.element(1))));
                }
            }
            _ => {}
        }
    }
    report
}
