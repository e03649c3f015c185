//! Responses exchanged with airlines: CUSRES (iAPI boarding directives and acknowledgements) and
//! CONTRL (syntax and service reports) as read from the wire.

use serde::{Deserialize, Serialize};

/// One CUSRES message.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CustomsResponse {
    /// UNH 0062.
    pub reference: String,
    /// `D:05B`.
    pub version: String,
    /// BGM 1001: 962 document response, 132 unsolicited status change, 312 acknowledgement ...
    pub document_code: Option<String>,
    /// RFF TN: the transaction this answers.
    pub transaction_reference: Option<String>,
    /// RFF AF: flights concerned, in order.
    pub flights: Vec<String>,
    /// SG4 (ERP ...): one response per passenger or for the whole message.
    pub responses: Vec<PassengerResponse>,
}

/// SG4 of CUSRES: ERP, RFF, ERC, FTX.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassengerResponse {
    /// ERP 1 message level, 2 passenger level.
    pub level: Option<String>,
    pub pnr_locator: Option<String>,
    pub airline_passenger_id: Option<String>,
    /// ERC codes: `0Z` OK to board, `1Z` no board ...
    pub codes: Vec<String>,
    pub texts: Vec<String>,
}

/// One CONTRL message: what the receiver thought of one of our interchanges.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SyntaxReport {
    pub reference: String,
    /// `4:1` or `D:3`.
    pub version: String,
    /// UCI: the interchange reported on.
    pub interchange_reference: Option<String>,
    pub interchange_sender: Option<String>,
    pub interchange_recipient: Option<String>,
    /// 0083: 4 rejected, 7 acknowledged, 8 received.
    pub action: Option<String>,
    /// 0085 when the interchange level has an error.
    pub error: Option<String>,
    /// UCM (with their UCS/UCD) per message reported on.
    pub messages: Vec<MessageReport>,
}

/// UCM and its UCS/UCD.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct MessageReport {
    pub reference: Option<String>,
    pub message_type: Option<String>,
    pub action: Option<String>,
    pub error: Option<String>,
    /// UCS: segment position and 0085 code.
    pub segment_errors: Vec<(String, Option<String>)>,
}
