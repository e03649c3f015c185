//! paxwatch's own watchlist CSV: `id,list,names,birth_dates,nationalities,gender,documents`.
//!
//! UTF-8, header row, RFC 4180 quoting; multi-valued fields separate values with `;`;
//! documents are `TYPE:NUMBER:COUNTRY`. The format is defined in `shared/eval/README.md`.
//! A row with any unreadable value is rejected whole (with its line) so that a half-read
//! person never reaches screening.

use crate::birth_date;
use crate::import::csv_error;
use crate::import::Collector;
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
    // `\n` alone ends a record so that line numbers stay right in CRLF files too; the `\r`
    // left on the last field is trimmed like any other surrounding whitespace.
    let mut csv_reader = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .terminator(csv::Terminator::Any(b'\n'))
        .from_reader(reader);
    let header = csv_reader.headers().map_err(csv_error)?.clone();
    let columns = ColumnIndex::from_header(&header)?;
    let mut import = Collector::default();
    let mut record = csv::StringRecord::new();
    loop {
        let line = csv_reader.position().line();
        match csv_reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {
                let line = record.position().map_or(line, |p| p.line());
                match parse_row(&columns, &record) {
                    Ok(entry) => import.accept(entry, line),
                    Err(reason) => import.rejected.push(RejectedRow { line, reason }),
                }
            }
            Err(err) if err.is_io_error() => return Err(csv_error(err)),
            Err(err) => {
                let line = err.position().map_or(line, |p| p.line());
                import.rejected.push(RejectedRow {
                    line,
                    reason: err.to_string(),
                });
            }
        }
    }
    Ok(import.finish())
}

/// Why entries could not be written in this format.
#[derive(Debug, thiserror::Error)]
pub enum WriteError {
    #[error("writing the list: {0}")]
    Csv(#[from] csv::Error),
    #[error("{id}: `{value}` holds `;`, which separates values in this format")]
    HoldsSeparator { id: String, value: String },
}

/// Writes `entries` in this format, one row each, so that [`read`] gives them back: a header,
/// then per entry its values joined by `;`, dates as `YYYY`, `YYYY-MM` or `YYYY-MM-DD`.
pub fn write<W: std::io::Write>(entries: &[Entry], out: W) -> Result<(), WriteError> {
    let mut writer = csv::Writer::from_writer(out);
    writer.write_record(COLUMNS)?;
    for entry in entries {
        let names = joined(&entry.id, &entry.names)?;
        let birth_dates = joined(
            &entry.id,
            entry.birth_dates.iter().map(birth_date::format_iso),
        )?;
        let nationalities = joined(&entry.id, &entry.nationalities)?;
        let documents = joined(
            &entry.id,
            entry.documents.iter().map(|d| {
                format!(
                    "{}:{}:{}",
                    d.kind,
                    d.number,
                    d.country.as_deref().unwrap_or_default()
                )
            }),
        )?;
        let gender = match entry.gender {
            Some(Gender::Male) => "M",
            Some(Gender::Female) => "F",
            None => "",
        };
        writer.write_record([
            entry.id.as_str(),
            entry.list.as_str(),
            &names,
            &birth_dates,
            &nationalities,
            gender,
            &documents,
        ])?;
    }
    writer.flush().map_err(csv::Error::from)?;
    Ok(())
}

/// One field's values joined by `;`, refused when a value holds it (it would read back as two).
fn joined<S: AsRef<str>>(
    id: &str,
    values: impl IntoIterator<Item = S>,
) -> Result<String, WriteError> {
    let mut field = String::new();
    for (at, value) in values.into_iter().enumerate() {
        let value = value.as_ref();
        if value.contains(';') {
            return Err(WriteError::HoldsSeparator {
                id: id.to_owned(),
                value: value.to_owned(),
            });
        }
        if at > 0 {
            field.push(';');
        }
        field.push_str(value);
    }
    Ok(field)
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
    fn duplicate_ids_keep_the_first_row() {
        let text = format!("{HEADER}a-1,L,First,,,,\na-2,L,Other,,,,\na-1,L,Second,,,,\n");
        let import = read(text.as_bytes()).unwrap();
        assert_eq!(import.entries.len(), 2);
        assert_eq!(import.entries[0].names, ["First"]);
        assert_eq!(import.rejected.len(), 1);
        assert_eq!(import.rejected[0].line, 4);
        assert!(import.rejected[0]
            .reason
            .contains("duplicate id (first at line 2)"));
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
    fn crlf_line_ends_keep_line_numbers_right() {
        let text = "id,list,names,birth_dates,nationalities,gender,documents\r\n\
                    a-1,L,One,,,M,\r\n\
                    a-2,L,Two,1971-13,,,\r\n\
                    a-3,L,Three,,,F,P:X1:\r\n";
        let import = read(text.as_bytes()).unwrap();
        assert_eq!(
            import.rejected.iter().map(|r| r.line).collect::<Vec<_>>(),
            [3]
        );
        assert_eq!(import.entries[1].gender, Some(Gender::Female));
        assert_eq!(import.entries[1].documents[0].number, "X1");
    }

    #[test]
    fn missing_column_fails_the_import() {
        let err = read("id,list,names\n".as_bytes()).unwrap_err();
        assert!(matches!(err, ImportError::MissingColumn("birth_dates")));
    }

    #[test]
    fn written_entries_read_back_the_same() {
        let entries = vec![
            Entry {
                id: "un-QDi.001".into(),
                list: "UN".into(),
                names: vec![
                    "AL ZAWAHIRI, Dr. Ayman".into(),
                    "Ayman \"the Doctor\"".into(),
                    "أيمن".into(),
                ],
                birth_dates: vec![
                    PartialDate {
                        year: 1951,
                        month: Some(6),
                        day: Some(19),
                    },
                    PartialDate {
                        year: 1952,
                        month: Some(3),
                        day: None,
                    },
                    PartialDate {
                        year: 1953,
                        month: None,
                        day: None,
                    },
                ],
                nationalities: vec!["EGY".into(), "AFG".into()],
                gender: Some(Gender::Male),
                documents: vec![
                    ListedDocument {
                        kind: "P".into(),
                        number: "1084010".into(),
                        country: Some("EGY".into()),
                    },
                    ListedDocument {
                        kind: "I".into(),
                        number: "19:83 2".into(),
                        country: None,
                    },
                ],
            },
            Entry {
                id: "gen-1".into(),
                list: "GENERATED".into(),
                names: vec!["Olga González".into()],
                birth_dates: Vec::new(),
                nationalities: Vec::new(),
                gender: None,
                documents: Vec::new(),
            },
        ];
        let mut written = Vec::new();
        write(&entries, &mut written).expect("writes");
        let import = read(&written[..]).expect("reads");
        assert!(import.rejected.is_empty(), "{:?}", import.rejected);
        assert_eq!(import.entries, entries);
    }

    #[test]
    fn a_value_holding_the_separator_is_refused() {
        let entry = Entry {
            id: "x-1".into(),
            list: "X".into(),
            names: vec!["A;B".into()],
            birth_dates: Vec::new(),
            nationalities: Vec::new(),
            gender: None,
            documents: Vec::new(),
        };
        let error = write(&[entry], Vec::new()).expect_err("refused");
        assert!(
            matches!(error, WriteError::HoldsSeparator { .. }),
            "{error}"
        );
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
