//! Who each SSR DOCS/DOCO/INFT and contact belongs to, decided once a PNR is read to its end (an
//! adult's group may carry the DOCS of an infant whose TIF comes later).
//!
//! Rules: an SSR in a traveller group belongs to that traveller; a PNR- or segment-level SSR to the
//! travellers its 9944 references name, else to the traveller its name matches, else to the only
//! traveller. An infant's document (DOCS gender `MI`/`FI`, DOCO `/I`) filed under an adult belongs to
//! the infant: to the infant's own traveller (TIF type `IN`) when the PNR has one, else to the adult's
//! lap infant. The traveller's gender, birth date and nationality come from their own first DOCS.

use model::pnr::{
    DocumentDetails, InfantDetails, LapInfant, OtherDocumentDetails, Pnr, PnrTraveller,
    ServiceDetails, TravelDocument,
};
use model::CompactString;

use super::country::to_alpha3;
use super::reader::{contact, IdentityEvent, IdentityKind, PnrInProgress, Scope};
use crate::syntax::issue::{Issue, IssueCode};

/// Places the identity and contact SSRs of a PNR on its travellers and returns the finished PNR.
pub(super) fn finish(progress: PnrInProgress) -> (Pnr, Vec<Issue>) {
    let PnrInProgress {
        mut pnr,
        identity,
        contacts,
        position,
    } = progress;
    let mut issues = Vec::new();
    if pnr.locators.is_empty() {
        let mut issue = Issue::warning(
            IssueCode::MissingValue,
            "PNR without a record locator (RCI)",
        );
        if let Some(position) = position {
            issue = issue.at_segment(position);
        }
        issues.push(issue);
    }

    // Documents first, then other documents, then infants: SCHEMA orders DOCS before DOCO. The
    // details are taken out of their SSR while travellers are updated, then put back.
    for pass in [
        IdentityKind::Document,
        IdentityKind::OtherDocument,
        IdentityKind::Infant,
    ] {
        for event in identity.iter().filter(|event| event.kind == pass) {
            let Some(details) = event
                .slot
                .service_mut(&mut pnr)
                .and_then(|s| s.details.take())
            else {
                continue;
            };
            match &*details {
                ServiceDetails::Document(d) => {
                    place_document(&mut pnr.travellers, event, d, &mut issues)
                }
                ServiceDetails::OtherDocument(d) => {
                    place_other_document(&mut pnr.travellers, event, d, &mut issues)
                }
                ServiceDetails::Infant(d) => place_infant(&mut pnr.travellers, event, d),
                _ => {}
            }
            if let Some(service) = event.slot.service_mut(&mut pnr) {
                service.details = Some(details);
            }
        }
    }

    pnr.contacts = contacts
        .iter()
        .map(|event| {
            let traveller = match &event.scope {
                Scope::Traveller { index, .. } => Some(*index),
                Scope::References(references) => match references.as_slice() {
                    [one] => by_reference(&pnr.travellers, one),
                    _ => None,
                },
            };
            contact(event, traveller)
        })
        .collect();
    (pnr, issues)
}

fn by_reference(travellers: &[PnrTraveller], reference: &str) -> Option<usize> {
    travellers
        .iter()
        .position(|t| t.name.reference.as_deref() == Some(reference))
}

fn is_infant_traveller(traveller: &PnrTraveller) -> bool {
    traveller
        .name
        .traveller_type
        .as_deref()
        .is_some_and(|t| t.eq_ignore_ascii_case("IN"))
}

/// Whether a traveller's TIF name fits a name written in an SSR (titles glued to TIF given names, as
/// in `JOHNMR`, are why the given name is compared by prefix of its first word).
fn name_fits(traveller: &PnrTraveller, surname: Option<&str>, given: Option<&str>) -> bool {
    let Some(surname) = surname else { return false };
    if !traveller.name.surname.eq_ignore_ascii_case(surname) {
        return false;
    }
    let first_given = given.and_then(|g| g.split_whitespace().next());
    match (first_given, traveller.name.given_names.as_deref()) {
        // ASCII case-insensitive prefix, compared in place.
        (Some(want), Some(have)) => have
            .as_bytes()
            .get(..want.len())
            .is_some_and(|prefix| prefix.eq_ignore_ascii_case(want.as_bytes())),
        _ => true,
    }
}

/// The travellers whose 9944 reference is among `references`.
fn named_by(travellers: &[PnrTraveller], references: &[CompactString]) -> Vec<usize> {
    travellers
        .iter()
        .enumerate()
        .filter(|(_, t)| {
            t.name
                .reference
                .as_ref()
                .is_some_and(|r| references.contains(r))
        })
        .map(|(i, _)| i)
        .collect()
}

/// The travellers an SSR is filed for (before infant routing).
fn owners(
    travellers: &[PnrTraveller],
    scope: &Scope,
    surname: Option<&str>,
    given: Option<&str>,
) -> Vec<usize> {
    match scope {
        Scope::Traveller { index, references } => {
            // Some senders file every traveller's SSRs in the first traveller's group, each with
            // its own reference: follow a reference that names other travellers of the PNR.
            let own = travellers
                .get(*index)
                .and_then(|t| t.name.reference.as_ref());
            let names_others =
                !references.is_empty() && own.is_none_or(|r| !references.contains(r));
            let named = named_by(travellers, references);
            if names_others && !named.is_empty() {
                named
            } else {
                vec![*index]
            }
        }
        Scope::References(references) => {
            let named = named_by(travellers, references);
            if !named.is_empty() {
                return named;
            }
            let fitting: Vec<usize> = travellers
                .iter()
                .enumerate()
                .filter(|(_, t)| name_fits(t, surname, given))
                .map(|(i, _)| i)
                .collect();
            match (fitting.as_slice(), travellers.len()) {
                ([one], _) => vec![*one],
                (_, 1) => vec![0],
                _ => Vec::new(),
            }
        }
    }
}

/// Where an infant's document goes when filed under `owner`.
enum InfantTarget {
    Traveller(usize),
    LapOf(usize),
}

fn infant_target(
    travellers: &[PnrTraveller],
    owner: usize,
    surname: Option<&str>,
    given: Option<&str>,
) -> InfantTarget {
    let infants: Vec<usize> = travellers
        .iter()
        .enumerate()
        .filter(|(_, t)| is_infant_traveller(t))
        .map(|(i, _)| i)
        .collect();
    let fitting: Vec<usize> = infants
        .iter()
        .copied()
        .filter(|&i| {
            travellers
                .get(i)
                .is_some_and(|t| name_fits(t, surname, given))
        })
        .collect();
    match (fitting.as_slice(), infants.as_slice()) {
        ([one], _) => InfantTarget::Traveller(*one),
        (_, [only]) => InfantTarget::Traveller(*only),
        _ => InfantTarget::LapOf(owner),
    }
}

fn push_unique(documents: &mut Vec<TravelDocument>, document: TravelDocument) {
    if !documents.contains(&document) {
        documents.push(document);
    }
}

fn not_placed(event: &IdentityEvent, code: &str, issues: &mut Vec<Issue>) {
    let mut issue = Issue::warning(
        IssueCode::MissingValue,
        format!("SSR {code} names no traveller of the PNR; kept with the SSRs only"),
    );
    if let Some(position) = event.position {
        issue = issue.at_segment(position);
    }
    issues.push(issue);
}

fn place_document(
    travellers: &mut [PnrTraveller],
    event: &IdentityEvent,
    details: &DocumentDetails,
    issues: &mut Vec<Issue>,
) {
    let targets = owners(
        travellers,
        &event.scope,
        details.surname.as_deref(),
        details.given_names.as_deref(),
    );
    if targets.is_empty() {
        not_placed(event, "DOCS", issues);
    }
    let document =
        (details.document_type.is_some() || details.number.is_some()).then(|| TravelDocument {
            document_type: details.document_type.clone(),
            number: details.number.clone(),
            issuing_country: details.issuing_country.as_deref().map(to_alpha3),
            expiry: details.expiry,
            ..TravelDocument::default()
        });
    let nationality = details.nationality.as_deref().map(to_alpha3);
    for owner in targets {
        let owner_is_infant = travellers.get(owner).is_some_and(is_infant_traveller);
        let target = if details.is_infant() && !owner_is_infant {
            infant_target(
                travellers,
                owner,
                details.surname.as_deref(),
                details.given_names.as_deref(),
            )
        } else {
            InfantTarget::Traveller(owner)
        };
        match target {
            InfantTarget::Traveller(index) => {
                let Some(traveller) = travellers.get_mut(index) else {
                    continue;
                };
                traveller.gender = traveller.gender.take().or_else(|| details.gender.clone());
                traveller.birth_date = traveller.birth_date.or(details.birth_date);
                traveller.nationality =
                    traveller.nationality.take().or_else(|| nationality.clone());
                if let Some(document) = &document {
                    push_unique(&mut traveller.documents, document.clone());
                }
            }
            InfantTarget::LapOf(index) => {
                let Some(traveller) = travellers.get_mut(index) else {
                    continue;
                };
                let infant = traveller.infant.get_or_insert_with(LapInfant::default);
                infant.surname = infant.surname.take().or_else(|| details.surname.clone());
                infant.given_names = infant
                    .given_names
                    .take()
                    .or_else(|| details.given_names.clone());
                infant.gender = infant.gender.take().or_else(|| details.gender.clone());
                infant.birth_date = infant.birth_date.or(details.birth_date);
                infant.nationality = infant.nationality.take().or_else(|| nationality.clone());
                if let Some(document) = &document {
                    push_unique(&mut infant.documents, document.clone());
                }
            }
        }
    }
}

fn place_other_document(
    travellers: &mut [PnrTraveller],
    event: &IdentityEvent,
    details: &OtherDocumentDetails,
    issues: &mut Vec<Issue>,
) {
    let targets = owners(travellers, &event.scope, None, None);
    if targets.is_empty() {
        not_placed(event, "DOCO", issues);
    }
    if details.document_type.is_none() && details.number.is_none() {
        return;
    }
    let document = TravelDocument {
        document_type: details.document_type.clone(),
        number: details.number.clone(),
        issued: details.issued,
        applicable_country: details.applicable_country.as_deref().map(to_alpha3),
        ..TravelDocument::default()
    };
    for owner in targets {
        let owner_is_infant = travellers.get(owner).is_some_and(is_infant_traveller);
        let target = if details.infant && !owner_is_infant {
            infant_target(travellers, owner, None, None)
        } else {
            InfantTarget::Traveller(owner)
        };
        match target {
            InfantTarget::Traveller(index) => {
                if let Some(traveller) = travellers.get_mut(index) {
                    push_unique(&mut traveller.documents, document.clone());
                }
            }
            InfantTarget::LapOf(index) => {
                if let Some(traveller) = travellers.get_mut(index) {
                    let infant = traveller.infant.get_or_insert_with(LapInfant::default);
                    push_unique(&mut infant.documents, document.clone());
                }
            }
        }
    }
}

/// SSR INFT is filed for the adult; it names the infant. It completes the infant's own traveller when
/// there is one (birth date only, never overriding DOCS), else the adult's lap infant.
fn place_infant(travellers: &mut [PnrTraveller], event: &IdentityEvent, details: &InfantDetails) {
    // The INFT is filed for the adult: match references/position, not the infant's name.
    let targets = owners(travellers, &event.scope, None, None);
    for owner in targets {
        let owner_is_infant = travellers.get(owner).is_some_and(is_infant_traveller);
        let target = if owner_is_infant {
            InfantTarget::Traveller(owner)
        } else {
            infant_target(
                travellers,
                owner,
                details.surname.as_deref(),
                details.given_names.as_deref(),
            )
        };
        match target {
            InfantTarget::Traveller(index) => {
                if let Some(infant) = travellers.get_mut(index) {
                    infant.birth_date = infant.birth_date.or(details.birth_date);
                }
            }
            InfantTarget::LapOf(index) => {
                if let Some(traveller) = travellers.get_mut(index) {
                    let infant = traveller.infant.get_or_insert_with(LapInfant::default);
                    infant.surname = infant.surname.take().or_else(|| details.surname.clone());
                    infant.given_names = infant
                        .given_names
                        .take()
                        .or_else(|| details.given_names.clone());
                    infant.birth_date = infant.birth_date.or(details.birth_date);
                }
            }
        }
    }
}
