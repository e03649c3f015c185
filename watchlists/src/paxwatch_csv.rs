//! paxwatch's own watchlist CSV: `id,list,names,birth_dates,nationalities,gender,documents`.
//!
//! UTF-8, header row, RFC 4180 quoting; multi-valued fields separate values with `;`;
//! documents are `TYPE:NUMBER:COUNTRY`. The format is defined in `shared/eval/README.md`.
//! A row with any unreadable value is rejected whole (with its line) so that a half-read
//! person never reaches screening.

use crate::birth_date;
use crate::{Import, ImportError, RejectedRow};
use model::watchlist::{Entry, Gender, ListedDocument};

/// The columns, in the order this module writes them. Readers look them up by name.
pub const COLUMNS: [&str; 7] = [
    "id",
    "list",
    "names",
    "birth_dates",
    "nationalities",
    "gender",
    "documents",
];

/// Column positions found in the header.
struct ColumnIndex([usize; 7]);

impl ColumnIndex {
    fn from_header(header: &csv::StringRecord) -> Result<Self, ImportError> {
        let mut positions = [0usize; 7];
        for (slot, name) in positions.iter_mut().zip(COLUMNS) {
            *slot = header
                .iter()
                .position(|h| h.trim_start_matches('\u{feff}').trim() == name)
                .ok_or(ImportError::MissingColumn(name))?;
        }
        Ok(Self(positions))
    }

    fn field<'r>(&self, record: &'r csv::StringRecord, column: usize) -> Result<&'r str, String> {
        // `column` is always < 7: callers pass indices into COLUMNS.
        let position = self.0[column];
        record.get(position).ok_or_else(|| {
            format!(
                "missing `{}` field (row has {} fields)",
                COLUMNS[column],
                record.len()
            )
        })
    }
}

/// Reads a paxwatch watchlist CSV. Rows that cannot be read are returned as rejected rows.
pub fn read<R: std::io::Read>(reader: R) -> Result<Import, ImportError> {
    read_with_progress(reader, |_| {})
}

/// Like [`read`], calling `on_record` with the byte offset reached after each record.
pub fn read_with_progress<R: std::io::Read>(
    reader: R,
    mut on_record: impl FnMut(u64),
) -> Result<Import, ImportError> {
    let mut csv_reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(reader);
    let header = csv_reader.headers().map_err(csv_error)?.clone();
    let columns = ColumnIndex::from_header(&header)?;
    let mut import = Import::default();
    let mut record = csv::StringRecord::new();
    loop {
        let line = csv_reader.position().line();
        match csv_reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(line, |p| p.line());
                match parse_row(&columns, &record) {
                    Ok(entry) => import.entries.push(entry),
                    Err(reason) => import.rejected.push(RejectedRow { line, reason }),
                }
            }
            Err(err) => {
                if let csv::ErrorKind::Io(_) = err.kind() {
                    return Err(csv_error(err));
                }
                let line = err.position().map_or(line, |p| p.line());
                import.rejected.push(RejectedRow {
                    line,
                    reason: err.to_string(),
                });
            }
        }
        on_record(csv_reader.position().byte());
    }
    Ok(import)
}

fn csv_error(err: csv::Error) -> ImportError {
    if err.is_io_error() {
        match err.into_kind() {
            csv::ErrorKind::Io(io) => ImportError::Io(io),
            other => ImportError::Csv(format!("{other:?}")),
        }
    } else {
        ImportError::Csv(err.to_string())
    }
}

fn values(field: &str) -> impl Iterator<Item = &str> {
    field.split(';').map(str::trim).filter(|v| !v.is_empty())
}

fn parse_row(columns: &ColumnIndex, record: &csv::StringRecord) -> Result<Entry, String> {
    let id = columns.field(record, 0)?.trim();
    if id.is_empty() {
        return Err("empty id".into());
    }
    let list = columns.field(record, 1)?.trim();
    if list.is_empty() {
        return Err(format!("{id}: empty list"));
    }
    let names: Vec<String> = values(columns.field(record, 2)?)
        .map(str::to_owned)
        .collect();
    if names.is_empty() {
        return Err(format!("{id}: no name"));
    }
    let birth_dates = values(columns.field(record, 3)?)
        .map(|d| birth_date::parse_iso(d).ok_or_else(|| format!("{id}: bad birth date `{d}`")))
        .collect::<Result<Vec<_>, _>>()?;
    let nationalities = values(columns.field(record, 4)?)
        .map(|n| {
            if n.len() == 3 && n.bytes().all(|b| b.is_ascii_uppercase()) {
                Ok(n.to_owned())
            } else {
                Err(format!("{id}: bad nationality `{n}` (want ISO alpha-3)"))
            }
        })
        .collect::<Result<Vec<_>, _>>()?;
    let gender = match columns.field(record, 5)?.trim() {
        "" => None,
        "M" => Some(Gender::Male),
        "F" => Some(Gender::Female),
        other => return Err(format!("{id}: bad gender `{other}` (want M, F or empty)")),
    };
    let documents = values(columns.field(record, 6)?)
        .map(|d| {
            parse_document(d)
                .ok_or_else(|| format!("{id}: bad document `{d}` (want TYPE:NUMBER:COUNTRY)"))
        })
        .collect::<Result<Vec<_>, _>>()?;
    Ok(Entry {
        id: id.to_owned(),
        list: list.to_owned(),
        names,
        birth_dates,
        nationalities,
        gender,
        documents,
    })
}

/// `TYPE:NUMBER:COUNTRY`; the number may itself hold `:`, so type and country are split off
/// the ends.
fn parse_document(text: &str) -> Option<ListedDocument> {
    let (kind, rest) = text.split_once(':')?;
    let (number, country) = rest.rsplit_once(':')?;
    let (kind, number, country) = (kind.trim(), number.trim(), country.trim());
    if kind.is_empty() || number.is_empty() {
        return None;
    }
    let country = match country {
        "" => None,
        c if c.len() == 3 && c.bytes().all(|b| b.is_ascii_uppercase()) => Some(c.to_owned()),
        _ => return None,
    };
    Some(ListedDocument {
        kind: kind.to_owned(),
        number: number.to_owned(),
        country,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use model::watchlist::PartialDate;

    const HEADER: &str = "id,list,names,birth_dates,nationalities,gender,documents\n";

    #[test]
    fn reads_every_field() {
        let text = format!(
            "{HEADER}un-CDi.040,UN,AHMAD MAHMOOD HASSAN;ABU WAQAS,1997-07-21;1993,TZA,M,P:AB850901:TZA;I:12 34:\n"
        );
        let import = read(text.as_bytes()).unwrap();
        assert!(import.rejected.is_empty(), "{:?}", import.rejected);
        let entry = &import.entries[0];
        assert_eq!(entry.id, "un-CDi.040");
        assert_eq!(entry.list, "UN");
        assert_eq!(entry.names, ["AHMAD MAHMOOD HASSAN", "ABU WAQAS"]);
        assert_eq!(
            entry.birth_dates,
            [
                PartialDate {
                    year: 1997,
                    month: Some(7),
                    day: Some(21)
                },
                PartialDate {
                    year: 1993,
                    month: None,
                    day: None
                }
            ]
        );
        assert_eq!(entry.nationalities, ["TZA"]);
        assert_eq!(entry.gender, Some(Gender::Male));
        assert_eq!(
            entry.documents,
            [
                ListedDocument {
                    kind: "P".into(),
                    number: "AB850901".into(),
                    country: Some("TZA".into())
                },
                ListedDocument {
                    kind: "I".into(),
                    number: "12 34".into(),
                    country: None
                },
            ]
        );
    }

    #[test]
    fn quoted_names_with_commas_stay_whole() {
        let text = format!("{HEADER}ofac-1,OFAC-SDN,\"AL ZAWAHIRI, Dr. Ayman;\"\"X\"\" Y\",,,,\n");
        let import = read(text.as_bytes()).unwrap();
        assert_eq!(
            import.entries[0].names,
            ["AL ZAWAHIRI, Dr. Ayman", "\"X\" Y"]
        );
        assert_eq!(import.entries[0].gender, None);
    }

    #[test]
    fn bad_rows_are_rejected_with_their_line_and_the_rest_imported() {
        let text = format!(
            "{HEADER}a-1,L,Good One,,,,\n\
             a-2,L,Bad Date,1971-02-30,,,\n\
             a-3,L,Bad Gender,,,X,\n\
             ,L,No Id,,,,\n\
             a-5,L,,,,,\n\
             a-6,L,Too Short\n\
             a-7,L,Bad Doc,,,,P\n\
             a-8,L,Bad Nationality,,Iran,,\n\
             a-9,L,\"Multi\nLine\",,,F,\n\
             a-10,L,Good Two,1980,,M,\n"
        );
        let import = read(text.as_bytes()).unwrap();
        let ids: Vec<&str> = import.entries.iter().map(|e| e.id.as_str()).collect();
        assert_eq!(ids, ["a-1", "a-9", "a-10"]);
        let lines: Vec<u64> = import.rejected.iter().map(|r| r.line).collect();
        assert_eq!(lines, [3, 4, 5, 6, 7, 8, 9]);
        assert!(
            import.rejected[0].reason.contains("1971-02-30"),
            "{}",
            import.rejected[0].reason
        );
        assert!(import.rejected[3].reason.contains("no name"));
        assert!(import.rejected[4].reason.contains("missing `birth_dates`"));
    }

    #[test]
    fn invalid_utf8_rejects_only_that_row() {
        let mut bytes = HEADER.as_bytes().to_vec();
        bytes.extend_from_slice(b"a-1,L,Caf\xe9,,,,\na-2,L,Fine,,,,\n");
        let import = read(bytes.as_slice()).unwrap();
        assert_eq!(import.entries.len(), 1);
        assert_eq!(import.entries[0].id, "a-2");
        assert_eq!(import.rejected.len(), 1);
        assert_eq!(import.rejected[0].line, 2);
    }

    #[test]
    fn missing_column_fails_the_import() {
        let err = read("id,list,names\n".as_bytes()).unwrap_err();
        assert!(matches!(err, ImportError::MissingColumn("birth_dates")));
    }

    #[test]
    fn evaluation_watchlist_has_10872_entries_and_20812_names() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../shared/eval/watchlist.csv"
        );
        let file = std::fs::File::open(path).unwrap();
        let import = read(std::io::BufReader::new(file)).unwrap();
        assert!(
            import.rejected.is_empty(),
            "{:?}",
            &import.rejected[..import.rejected.len().min(5)]
        );
        assert_eq!(import.entries.len(), 10_872);
        assert_eq!(
            import.entries.iter().map(|e| e.names.len()).sum::<usize>(),
            20_812
        );
        let by_list = |list: &str| import.entries.iter().filter(|e| e.list == list).count();
        assert_eq!(
            (by_list("UN"), by_list("OFAC-SDN"), by_list("CA-SEMA")),
            (684, 6_854, 3_334)
        );
        let entry = import
            .entries
            .iter()
            .find(|e| e.id == "un-CDi.021")
            .unwrap();
        assert_eq!(entry.names[0], "FLORIBERT NGABU NJABU");
        assert_eq!(entry.documents[0].number, "OB 0243318");
    }
}
