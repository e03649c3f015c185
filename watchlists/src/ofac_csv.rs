//! OFAC's SDN list as CSV (`sdn.csv`, no header, 12 columns, `-0- ` for null) joined on
//! `ent_num` with its aliases file (`alt.csv`: `ent_num, alt_num, alt_type, alt_name,
//! alt_remarks`). Individuals only; birth dates, nationalities, gender and documents are
//! read from the remarks column (see [`crate::ofac_remarks`]).
//!
//! OFAC has published these files in Windows-1252; a field that is valid UTF-8 is taken
//! as UTF-8, any other as Windows-1252, so both old and new files read correctly.

use crate::entry_builder::EntryBuilder;
use crate::import::csv_error;
use crate::import::Collector;
use crate::version::HashingReader;
use crate::{ofac_remarks, Import, ImportError, RejectedRow};
use std::collections::HashMap;
use std::io::Read;

/// The list label OFAC SDN entries carry.
pub const LIST: &str = "OFAC-SDN";

const ENT_NUM: usize = 0;
const SDN_NAME: usize = 1;
const SDN_TYPE: usize = 2;
const REMARKS: usize = 11;
const SDN_COLUMNS: usize = 12;
const ALT_NAME: usize = 3;

/// Aliases by `ent_num`, in file order, and the alias rows that could not be read.
#[derive(Debug, Default)]
pub struct Aliases {
    by_entity: HashMap<String, Vec<String>>,
    pub rejected: Vec<RejectedRow>,
    /// SHA-256 of the aliases file, hex: part of the list version's identity.
    pub sha256: String,
}

impl Aliases {
    pub fn count(&self) -> usize {
        self.by_entity.values().map(Vec::len).sum()
    }
}

/// Decodes a field: UTF-8 when valid, else Windows-1252. OFAC's null `-0-` becomes empty.
fn field_text(bytes: &[u8]) -> String {
    let text = match std::str::from_utf8(bytes) {
        Ok(text) => text.to_owned(),
        Err(_) => encoding_rs::WINDOWS_1252
            .decode_without_bom_handling(bytes)
            .0
            .into_owned(),
    };
    if text.trim() == "-0-" {
        String::new()
    } else {
        text
    }
}

/// OFAC files end with a DOS end-of-file byte (0x1A) on a line of its own.
fn is_end_of_file_marker(record: &csv::ByteRecord) -> bool {
    record.len() == 1
        && record
            .get(0)
            .is_some_and(|f| f.iter().all(|b| *b == 0x1a || b.is_ascii_whitespace()))
}

/// Records end at `\n` only: with the crate's default CRLF handling a record's reported line
/// is one short in CRLF files (the `\n` is consumed with the next record). A `\r` left at the
/// end of the last field is trimmed with the rest of the field's whitespace.
fn csv_reader<R: Read>(reader: R) -> csv::Reader<R> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(reader)
}

/// Reads `alt.csv`.
pub fn read_aliases<R: Read>(reader: R) -> Result<Aliases, ImportError> {
    let mut aliases = Aliases::default();
    let mut hashing = HashingReader::new(reader);
    let mut reader = csv_reader(&mut hashing);
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                if is_end_of_file_marker(&record) {
                    continue;
                }
                let line = record.position().map_or(0, |p| p.line());
                let ent_num = record.get(ENT_NUM).map(field_text).unwrap_or_default();
                let name = record.get(ALT_NAME).map(field_text).unwrap_or_default();
                if ent_num.trim().is_empty() || name.trim().is_empty() {
                    aliases.rejected.push(RejectedRow {
                        line,
                        reason: format!(
                            "aliases file: no ent_num or alt_name ({} fields)",
                            record.len()
                        ),
                    });
                    continue;
                }
                aliases
                    .by_entity
                    .entry(ent_num.trim().to_owned())
                    .or_default()
                    .push(name);
            }
            Err(err) if err.is_io_error() => return Err(csv_error(err)),
            Err(err) => aliases.rejected.push(RejectedRow {
                line: err.position().map_or(0, |p| p.line()),
                reason: format!("aliases file: {err}"),
            }),
        }
    }
    drop(reader);
    std::io::copy(&mut hashing, &mut std::io::sink())?;
    aliases.sha256 = hashing.finish().sha256;
    Ok(aliases)
}

/// Reads `sdn.csv`, joining the aliases (when given) on `ent_num`.
pub fn read<R: Read>(sdn: R, aliases: Option<&Aliases>) -> Result<Import, ImportError> {
    let mut import = Collector::default();
    if let Some(aliases) = aliases {
        import.rejected.extend(aliases.rejected.iter().cloned());
    }
    let mut reader = csv_reader(sdn);
    let mut record = csv::ByteRecord::new();
    loop {
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                if is_end_of_file_marker(&record) {
                    continue;
                }
                let line = record.position().map_or(0, |p| p.line());
                read_record(&record, line, aliases, &mut import);
            }
            Err(err) if err.is_io_error() => return Err(csv_error(err)),
            Err(err) => import.rejected.push(RejectedRow {
                line: err.position().map_or(0, |p| p.line()),
                reason: err.to_string(),
            }),
        }
    }
    Ok(import.finish())
}

fn read_record(
    record: &csv::ByteRecord,
    line: u64,
    aliases: Option<&Aliases>,
    import: &mut Collector,
) {
    if record.len() != SDN_COLUMNS {
        let reason = format!("expected {SDN_COLUMNS} fields, found {}", record.len());
        import.rejected.push(RejectedRow { line, reason });
        return;
    }
    let field = |index: usize| record.get(index).map(field_text).unwrap_or_default();
    let sdn_type = field(SDN_TYPE);
    if !sdn_type.trim().eq_ignore_ascii_case("individual") {
        import.skipped_non_persons += 1;
        return;
    }
    let ent_num = field(ENT_NUM).trim().to_owned();
    if ent_num.is_empty() || !ent_num.bytes().all(|b| b.is_ascii_digit()) {
        import.rejected.push(RejectedRow {
            line,
            reason: format!("bad ent_num `{ent_num}`"),
        });
        return;
    }
    let mut builder = EntryBuilder::default();
    builder.name(&field(SDN_NAME));
    for alias in aliases
        .and_then(|a| a.by_entity.get(&ent_num))
        .into_iter()
        .flatten()
    {
        builder.name(alias);
    }
    let unread = ofac_remarks::apply(&field(REMARKS), &mut builder);
    for remark in unread.0 {
        import.warnings.push(RejectedRow {
            line,
            reason: format!("ofac-{ent_num}: unreadable `{remark}`"),
        });
    }
    match builder.build(format!("ofac-{ent_num}"), LIST) {
        Some(entry) => import.accept(entry, line),
        None => import.rejected.push(RejectedRow {
            line,
            reason: format!("ofac-{ent_num}: no name"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::watchlist::Gender;

    const SDN: &[u8] = b"2676,\"AL ZAWAHIRI, Dr. Ayman\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,\"DOB 19 Jun 1951; Passport 1084010 (Egypt); Gender Male.\"\r\n\
36,\"AEROCARIBBEAN AIRLINES\",-0- ,\"CUBA\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\
77,\"BROKEN\",\"individual\"\r\n\
2680,\"M\xdcLLER, J\xf6rg\",\"individual\",\"SDGT\",-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- ,-0- \r\n\
\x1a";
    const ALT: &[u8] = b"2676,1,\"aka\",\"AL-ZAWAHIRI, Ayman\",-0- \r\n36,2,\"aka\",\"AERO-CARIBBEAN\",-0- \r\n2676\r\n\x1a";

    #[test]
    fn joins_aliases_and_skips_non_individuals() {
        let aliases = read_aliases(ALT).unwrap();
        assert_eq!(aliases.count(), 2);
        let import = read(SDN, Some(&aliases)).unwrap();
        assert_eq!(import.entries.len(), 2);
        assert_eq!(import.skipped_non_persons, 1);
        let first = &import.entries[0];
        assert_eq!(first.id, "ofac-2676");
        assert_eq!(first.list, "OFAC-SDN");
        assert_eq!(
            first.names,
            ["AL ZAWAHIRI, Dr. Ayman", "AL-ZAWAHIRI, Ayman"]
        );
        assert_eq!(first.gender, Some(Gender::Male));
        assert_eq!(first.documents[0].country.as_deref(), Some("EGY"));
        // The alias row without a name and the short SDN row are rejected with their lines.
        let lines: Vec<u64> = import.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 3]);
        assert!(import.rejected[0].reason.starts_with("aliases file"));
    }

    #[test]
    fn windows_1252_names_are_decoded() {
        let import = read(SDN, None).unwrap();
        assert_eq!(import.entries[1].names, ["MÜLLER, Jörg"]);
    }
}
