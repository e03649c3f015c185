//! AIRIMP free text carried inside SSR and OSI (IFT) segments: the slash-separated DOCS, DOCO, DOCA,
//! INFT, FOID and TKNE formats, and the `CTCx` contact codes with their e-mail escapes.

use chrono::NaiveDate;
use model::pnr::{
    AddressDetails, ContactKind, DocumentDetails, IdentificationDetails, InfantDetails,
    OtherDocumentDetails, TicketNumberDetails,
};
use model::CompactString;

use super::dates::{parse_ddmmmyy, Century};
use super::segments;

/// A field of the free text that was present but could not be read (reported as an issue; the rest of
/// the request is kept).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldProblem {
    pub field: &'static str,
    pub value: String,
}

/// The `/`-separated fields of an AIRIMP text, trimmed, in order. The text normally starts with `/`
/// (`/P/GBR/...`); some senders leave it out (` HERE VA/V/...`), so one leading slash is dropped
/// when present. Read lazily: the formats take their fields in order, so no list of them is built
/// (a list cost one allocation per request, and most requests are DOCS).
fn fields(text: &str) -> Fields<'_> {
    let text = segments::trim(text);
    Fields {
        rest: Some(text.strip_prefix('/').unwrap_or(text)),
    }
}

/// Iterator of [`fields`].
struct Fields<'t> {
    rest: Option<&'t str>,
}

impl<'t> Iterator for Fields<'t> {
    type Item = &'t str;

    fn next(&mut self) -> Option<&'t str> {
        let rest = self.rest?;
        // A byte search: `str::split` searched anew for every short field. `/` is ASCII, so every
        // cut is on a character boundary.
        match rest.as_bytes().iter().position(|&b| b == b'/') {
            Some(i) => {
                self.rest = rest.get(i + 1..);
                Some(segments::trim(rest.get(..i).unwrap_or_default()))
            }
            None => {
                self.rest = None;
                Some(segments::trim(rest))
            }
        }
    }
}

/// The next field as kept: absent when missing or empty.
fn field(fields: &mut Fields<'_>) -> Option<CompactString> {
    fields
        .next()
        .filter(|value| !value.is_empty())
        .map(CompactString::from)
}

fn date_field(
    fields: &mut Fields<'_>,
    name: &'static str,
    century: Century,
    problems: &mut Vec<FieldProblem>,
) -> Option<NaiveDate> {
    let raw = fields.next().filter(|value| !value.is_empty())?;
    let date = parse_ddmmmyy(raw, century);
    if date.is_none() {
        problems.push(FieldProblem {
            field: name,
            value: raw.to_string(),
        });
    }
    date
}

/// The century rules every document date follows, from the day the message was prepared.
#[derive(Debug, Clone, Copy)]
pub struct DateRules {
    pub birth: Century,
    pub other: Century,
}

impl DateRules {
    pub fn around(reference: NaiveDate) -> Self {
        Self {
            birth: Century::NotAfter(reference),
            other: Century::Nearest(reference),
        }
    }
}

/// SSR DOCS: `/P/GBR/509229987/GBR/01JUL78/F/12NOV22/BELT/ISABELLE RUTH/[MIDDLE]/[H]`, read into
/// `details` where it is kept (building the details aside and moving them into their box copied them
/// twice per request). Returns the fields that could not be read.
pub fn parse_docs(
    text: &str,
    dates: DateRules,
    details: &mut DocumentDetails,
) -> Vec<FieldProblem> {
    let mut f = fields(text);
    let mut problems = Vec::new();
    details.document_type = field(&mut f);
    details.issuing_country = field(&mut f);
    details.number = field(&mut f);
    details.nationality = field(&mut f);
    details.birth_date = date_field(&mut f, "birth date", dates.birth, &mut problems);
    details.gender = field(&mut f);
    details.expiry = date_field(&mut f, "expiry date", dates.other, &mut problems);
    details.surname = field(&mut f);
    details.given_names = field(&mut f);
    details.middle_names = field(&mut f);
    details.multi_passenger_holder = f.next().is_some_and(|v| v == "H");
    problems
}

/// SSR DOCO: `/PARIS FR/V/12345123/NEW YORK CITY/12OCT07/US[/I]`, read into `details` (as DOCS).
pub fn parse_doco(
    text: &str,
    dates: DateRules,
    details: &mut OtherDocumentDetails,
) -> Vec<FieldProblem> {
    let mut f = fields(text);
    let mut problems = Vec::new();
    details.birth_place = field(&mut f);
    details.document_type = field(&mut f);
    details.number = field(&mut f);
    details.issue_place = field(&mut f);
    details.issued = date_field(&mut f, "issue date", dates.other, &mut problems);
    details.applicable_country = field(&mut f);
    details.infant = f.next().is_some_and(|v| v == "I");
    problems
}

/// SSR DOCA: `/R/GBR/1 HIGH STREET/LONDON/LDN/W1A1AA[/I]`.
pub fn parse_doca(text: &str) -> AddressDetails {
    let mut f = fields(text);
    // Fields in order: struct fields are evaluated as written.
    AddressDetails {
        address_type: field(&mut f),
        country: field(&mut f),
        street: field(&mut f),
        city: field(&mut f),
        region: field(&mut f),
        postcode: field(&mut f),
        infant: f.next().is_some_and(|v| v == "I"),
    }
}

/// SSR INFT: `BELT/SOPHY 20SEP12` or `SURNAME/GIVEN/10AUG11`: surname, given names, then a birth date.
pub fn parse_inft(text: &str, dates: DateRules) -> (InfantDetails, Vec<FieldProblem>) {
    let mut f = fields(text);
    let mut problems = Vec::new();
    let surname = field(&mut f);
    let rest: Vec<&str> = f.flat_map(|part| part.split_whitespace()).collect();
    let (given, birth_date) = match rest.split_last() {
        Some((last, given))
            if last.len() >= 7 && last.bytes().next().is_some_and(|b| b.is_ascii_digit()) =>
        {
            let date = parse_ddmmmyy(last, dates.birth);
            if date.is_none() {
                problems.push(FieldProblem {
                    field: "infant birth date",
                    value: last.to_string(),
                });
            }
            (given.to_vec(), date)
        }
        _ => (rest, None),
    };
    let given_names = (!given.is_empty()).then(|| given.join(" ").into());
    let details = InfantDetails {
        surname,
        given_names,
        birth_date,
    };
    (details, problems)
}

/// SSR FOID: `PP123456789` (two-letter kind, then the number), with or without a leading slash.
pub fn parse_foid(text: &str) -> Option<IdentificationDetails> {
    let text = text.trim().trim_start_matches('/').trim();
    if text.is_empty() {
        return None;
    }
    let kind = text
        .get(..2)
        .filter(|k| k.bytes().all(|b| b.is_ascii_alphabetic()));
    match kind {
        Some(kind) if text.len() > 2 => Some(IdentificationDetails {
            kind: Some(kind.into()),
            number: text[2..].trim().into(),
        }),
        _ => Some(IdentificationDetails {
            kind: None,
            number: text.into(),
        }),
    }
}

/// SSR TKNE: `1392178947000C2`, `INF1392178947000C2` (infant), `.1393534576000C1` (stray dot).
/// Anything that is not a ticket number (a sentence, a name) is not read as one.
pub fn parse_tkne(text: &str) -> Option<TicketNumberDetails> {
    let text = text.trim().trim_start_matches(['/', '.']).trim();
    let (infant, rest) = match text.strip_prefix("INF") {
        Some(rest) => (true, rest),
        None => (false, text),
    };
    let (number, coupon) = match rest.rsplit_once('C') {
        Some((number, coupon))
            if !coupon.is_empty() && coupon.bytes().all(|b| b.is_ascii_digit()) =>
        {
            (number, Some(CompactString::from(coupon)))
        }
        _ => (rest, None),
    };
    let is_ticket_number = number.len() >= 3 && number.bytes().all(|b| b.is_ascii_digit());
    is_ticket_number.then(|| TicketNumberDetails {
        number: number.into(),
        coupon,
        infant,
    })
}

/// An AIRIMP e-mail address with its escapes resolved: `//` is `@`, `..` is `_`
/// (`STACY..CHENNAPRAGADA//GMAIL.COM` is `STACY_CHENNAPRAGADA@GMAIL.COM`).
pub fn resolve_email(text: &str) -> CompactString {
    let text = text.trim();
    // The free text may start with the field slash: `/A//B.COM`; `//` at the start would be an `@`.
    let text = match text.strip_prefix('/') {
        Some(rest) if !rest.starts_with('/') => rest,
        _ => text,
    };
    // One pass, into an inline string: addresses are mostly short.
    let bytes = text.as_bytes();
    let mut resolved = CompactString::default();
    // Escapes are ASCII pairs, so every cut below is on a character boundary.
    let (mut copied, mut at) = (0, 0);
    while let (Some(&first), Some(&second)) = (bytes.get(at), bytes.get(at + 1)) {
        let escape = match (first, second) {
            (b'/', b'/') => '@',
            (b'.', b'.') => '_',
            _ => {
                at += 1;
                continue;
            }
        };
        resolved.push_str(text.get(copied..at).unwrap_or_default());
        resolved.push(escape);
        at += 2;
        copied = at;
    }
    resolved.push_str(text.get(copied..).unwrap_or_default());
    CompactString::from(resolved.trim())
}

/// SSR CTCM: `/15551234567/US` or `15551234567`: the number is the first field.
pub fn parse_phone(text: &str) -> Option<CompactString> {
    fields(text)
        .find(|f| !f.is_empty())
        .map(CompactString::from)
}

/// The contact kind of an AIRIMP `CTCx` code.
pub fn contact_kind(code: &str) -> Option<ContactKind> {
    let kind = match code {
        "CTCE" => ContactKind::Email,
        "CTCM" => ContactKind::Mobile,
        "CTCH" => ContactKind::Home,
        "CTCB" => ContactKind::Business,
        "CTCP" => ContactKind::Phone,
        "CTCT" | "CTCA" => ContactKind::Agency,
        other
            if other.len() == 4
                && other.starts_with("CTC")
                && other.as_bytes().get(3).is_some_and(u8::is_ascii_alphabetic) =>
        {
            ContactKind::Other(other.into())
        }
        _ => return None,
    };
    Some(kind)
}

/// A contact written as OSI text: `CTCE A..B//EXAMPLE.COM`, `AM CTCP MEX1800 002 5200` (airline first).
/// The code must be a word of its own; the value is the rest of the text.
pub fn contact_in_text(text: &str) -> Option<(ContactKind, CompactString)> {
    let mut rest = text.trim_start();
    while !rest.is_empty() {
        let end = rest.find(char::is_whitespace).unwrap_or(rest.len());
        let (word, after) = rest.split_at(end);
        if let Some(kind) = contact_kind(word) {
            let value = match kind {
                ContactKind::Email => resolve_email(after),
                _ => after.trim().into(),
            };
            return (!value.is_empty()).then_some((kind, value));
        }
        rest = after.trim_start();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn email_escapes_resolve_as_the_replace_chain_did() {
        // The single pass must give what `replace("//", "@").replace("..", "_")` gave.
        for text in [
            "STACY..CHENNAPRAGADA//GMAIL.COM",
            "/A//B.COM",
            "//A.COM",
            "A///B",
            "A...B",
            "..//..",
            "A.//.B",
            " /X..Y//Z ",
            "PLAIN",
            "",
        ] {
            let trimmed = text.trim();
            let body = match trimmed.strip_prefix('/') {
                Some(rest) if !rest.starts_with('/') => rest,
                _ => trimmed,
            };
            let expected = body.replace("//", "@").replace("..", "_");
            assert_eq!(resolve_email(text), expected.trim(), "{text:?}");
        }
    }

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).expect("valid test date")
    }

    fn rules() -> DateRules {
        DateRules::around(day(2013, 5, 27))
    }

    fn docs(text: &str) -> (DocumentDetails, Vec<FieldProblem>) {
        let mut details = DocumentDetails::default();
        let problems = parse_docs(text, rules(), &mut details);
        (details, problems)
    }

    fn doco(text: &str) -> (OtherDocumentDetails, Vec<FieldProblem>) {
        let mut details = OtherDocumentDetails::default();
        let problems = parse_doco(text, rules(), &mut details);
        (details, problems)
    }

    #[test]
    fn docs_all_fields() {
        let (d, problems) = docs("/P/GBR/509229987/GBR/01JUL78/F/12NOV22/BELT/ISABELLE RUTH/");
        assert!(problems.is_empty());
        assert_eq!(d.document_type.as_deref(), Some("P"));
        assert_eq!(d.issuing_country.as_deref(), Some("GBR"));
        assert_eq!(d.number.as_deref(), Some("509229987"));
        assert_eq!(d.nationality.as_deref(), Some("GBR"));
        assert_eq!(d.birth_date, Some(day(1978, 7, 1)));
        assert_eq!(d.gender.as_deref(), Some("F"));
        assert_eq!(d.expiry, Some(day(2022, 11, 12)));
        assert_eq!(d.surname.as_deref(), Some("BELT"));
        assert_eq!(d.given_names.as_deref(), Some("ISABELLE RUTH"));
        assert_eq!(d.middle_names, None);
        assert!(!d.multi_passenger_holder);
        assert!(!d.is_infant());
    }

    #[test]
    fn docs_without_document_keeps_identity_fields_in_place() {
        let (d, problems) = docs("/////21APR66/M//JACKS/JAMES");
        assert!(problems.is_empty());
        assert_eq!(d.document_type, None);
        assert_eq!(d.number, None);
        assert_eq!(d.birth_date, Some(day(1966, 4, 21)));
        assert_eq!(d.gender.as_deref(), Some("M"));
        assert_eq!(d.surname.as_deref(), Some("JACKS"));
        assert_eq!(d.given_names.as_deref(), Some("JAMES"));
    }

    #[test]
    fn docs_middle_name_and_multi_passenger_holder() {
        let (d, _) = docs("/P/USA/548721687/USA/04JUL80/M/12JAN19/VANDENBERG/KEVIN/MICHAEL/H");
        assert_eq!(d.given_names.as_deref(), Some("KEVIN"));
        assert_eq!(d.middle_names.as_deref(), Some("MICHAEL"));
        assert!(d.multi_passenger_holder);
    }

    #[test]
    fn docs_bad_birth_date_is_a_problem_not_a_lost_document() {
        let (d, problems) = docs("/P/GBR/123/GBR/31FEB80/M/12JAN19/DOE/JOHN");
        assert_eq!(d.birth_date, None);
        assert_eq!(d.number.as_deref(), Some("123"));
        assert_eq!(d.expiry, Some(day(2019, 1, 12)));
        assert_eq!(
            problems,
            vec![FieldProblem {
                field: "birth date",
                value: "31FEB80".into()
            }]
        );
    }

    #[test]
    fn docs_infant_gender_marks_an_infant_document() {
        let (d, _) = docs("/P/GBR/512731999/GBR/20SEP12/FI/25OCT17/BELT/SOPHY OLIVIA/");
        assert!(d.is_infant());
        assert_eq!(d.birth_date, Some(day(2012, 9, 20)));
    }

    #[test]
    fn doco_visa_without_leading_slash() {
        let (d, problems) = doco(" HERE VA/V/8675309/OTHER PLACE/22DEC06/LI");
        assert!(problems.is_empty());
        assert_eq!(d.birth_place.as_deref(), Some("HERE VA"));
        assert_eq!(d.document_type.as_deref(), Some("V"));
        assert_eq!(d.number.as_deref(), Some("8675309"));
        assert_eq!(d.issue_place.as_deref(), Some("OTHER PLACE"));
        assert_eq!(d.issued, Some(day(2006, 12, 22)));
        assert_eq!(d.applicable_country.as_deref(), Some("LI"));
        assert!(!d.infant);
    }

    #[test]
    fn doco_infant_visa() {
        let (d, _) = doco("/PARIS FR/V/12345123/NEW YORK CITY/12OCT07/US/I");
        assert!(d.infant);
        assert_eq!(d.issued, Some(day(2007, 10, 12)));
    }

    #[test]
    fn doca_destination_address() {
        let d = parse_doca("/D/AUS/13 SHORE AVENUE/BROADBEACH/QLD/4215");
        assert_eq!(d.address_type.as_deref(), Some("D"));
        assert_eq!(d.country.as_deref(), Some("AUS"));
        assert_eq!(d.street.as_deref(), Some("13 SHORE AVENUE"));
        assert_eq!(d.city.as_deref(), Some("BROADBEACH"));
        assert_eq!(d.region.as_deref(), Some("QLD"));
        assert_eq!(d.postcode.as_deref(), Some("4215"));
    }

    #[test]
    fn inft_both_layouts() {
        let (a, _) = parse_inft("BELT/SOPHY 20SEP12", rules());
        assert_eq!(a.surname.as_deref(), Some("BELT"));
        assert_eq!(a.given_names.as_deref(), Some("SOPHY"));
        assert_eq!(a.birth_date, Some(day(2012, 9, 20)));
        let (b, _) = parse_inft("TESTSURNAMETWO/TESTNAMETWO/10AUG11", rules());
        assert_eq!(b.surname.as_deref(), Some("TESTSURNAMETWO"));
        assert_eq!(b.given_names.as_deref(), Some("TESTNAMETWO"));
        assert_eq!(b.birth_date, Some(day(2011, 8, 10)));
        let (c, _) = parse_inft("DOE/BABY MISS", rules());
        assert_eq!(c.given_names.as_deref(), Some("BABY MISS"));
        assert_eq!(c.birth_date, None);
    }

    #[test]
    fn tkne_adult_infant_and_noise() {
        let t = parse_tkne("1392178947000C2").expect("ticket");
        assert_eq!(
            (t.number.as_str(), t.coupon.as_deref(), t.infant),
            ("1392178947000", Some("2"), false)
        );
        let i = parse_tkne("INF1392178947000C3").expect("infant ticket");
        assert_eq!(
            (i.number.as_str(), i.coupon.as_deref(), i.infant),
            ("1392178947000", Some("3"), true)
        );
        let d = parse_tkne(".1393534576000C1").expect("ticket after a stray dot");
        assert_eq!(d.number, "1393534576000");
        assert_eq!(parse_tkne("TKT NBR 0.291204 20FEB20 E REUBENSERIO"), None);
    }

    #[test]
    fn foid_kind_and_number() {
        let f = parse_foid("PP123456789").expect("foid");
        assert_eq!(
            (f.kind.as_deref(), f.number.as_str()),
            (Some("PP"), "123456789")
        );
        let n = parse_foid("/NI78001").expect("foid");
        assert_eq!(n.kind.as_deref(), Some("NI"));
        assert_eq!(parse_foid("  "), None);
    }

    #[test]
    fn ctce_escapes_are_resolved() {
        assert_eq!(
            resolve_email("STACY..CHENNAPRAGADA//GMAIL.COM"),
            "STACY_CHENNAPRAGADA@GMAIL.COM"
        );
        assert_eq!(resolve_email("/A..B//EXAMPLE.COM "), "A_B@EXAMPLE.COM");
        assert_eq!(
            resolve_email("PETER.NUTTALL//YAHOO.COM"),
            "PETER.NUTTALL@YAHOO.COM"
        );
    }

    #[test]
    fn osi_contacts_with_and_without_airline_prefix() {
        assert_eq!(
            contact_in_text("CTCE REUBEN..SERIO//GMAIL.COM"),
            Some((ContactKind::Email, "REUBEN_SERIO@GMAIL.COM".into()))
        );
        assert_eq!(
            contact_in_text("AM CTCP MEX1800 002 5200 DOMESTIC TOLL FREE"),
            Some((
                ContactKind::Phone,
                "MEX1800 002 5200 DOMESTIC TOLL FREE".into()
            ))
        );
        assert_eq!(
            contact_in_text("CTCH 1234536789"),
            Some((ContactKind::Home, "1234536789".into()))
        );
        assert_eq!(contact_in_text("THIS PASSENGER IS A VIP"), None);
        // A city glued to CTC is not a contact code we can trust.
        assert_eq!(contact_in_text("AM CTCBOG 571-600 5820"), None);
    }

    #[test]
    fn ctcm_number_is_the_first_field() {
        assert_eq!(
            parse_phone("/15551234567/US").as_deref(),
            Some("15551234567")
        );
        assert_eq!(parse_phone("15551234567").as_deref(), Some("15551234567"));
        assert_eq!(parse_phone(" "), None);
    }
}
