//! The list formats paxwatch imports, and one entry point that reads any of them into a
//! list version.

use crate::version::{HashingReader, ListVersion};
use crate::{canada_xml, ftm, ofac_csv, ofac_xml, paxwatch_csv, un_xml, Import, ImportError};
use serde::{Deserialize, Serialize};
use std::io::{BufReader, Read};

/// A list file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SourceFormat {
    /// paxwatch's own CSV (`csv`).
    PaxwatchCsv,
    /// OpenSanctions / FollowTheMoney JSON lines (`ftm`).
    Ftm,
    /// OFAC `sdn.csv`, optionally with `alt.csv` (`ofac`).
    OfacCsv,
    /// OFAC `<sdnList>` XML: `sdn.xml` or the consolidated list (`ofac-xml`).
    OfacXml,
    /// UN Security Council consolidated XML (`un`).
    Un,
    /// Canada SEMA XML (`ca`).
    Canada,
}

impl SourceFormat {
    pub const ALL: [SourceFormat; 6] = [
        SourceFormat::PaxwatchCsv,
        SourceFormat::Ftm,
        SourceFormat::OfacCsv,
        SourceFormat::OfacXml,
        SourceFormat::Un,
        SourceFormat::Canada,
    ];

    /// The name used on the command line.
    pub fn name(self) -> &'static str {
        match self {
            SourceFormat::PaxwatchCsv => "csv",
            SourceFormat::Ftm => "ftm",
            SourceFormat::OfacCsv => "ofac",
            SourceFormat::OfacXml => "ofac-xml",
            SourceFormat::Un => "un",
            SourceFormat::Canada => "ca",
        }
    }

    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|format| format.name() == name)
    }

    /// The list name used when none is given.
    pub fn default_list(self) -> &'static str {
        match self {
            SourceFormat::PaxwatchCsv => "paxwatch",
            SourceFormat::Ftm => "OPENSANCTIONS",
            SourceFormat::OfacCsv | SourceFormat::OfacXml => ofac_csv::LIST,
            SourceFormat::Un => un_xml::LIST,
            SourceFormat::Canada => canada_xml::LIST,
        }
    }
}

impl std::fmt::Display for SourceFormat {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Reads one list file in `format` as a new version of `list`.
///
/// `aliases` is OFAC's `alt.csv` (only read for [`SourceFormat::OfacCsv`]). The version's
/// sha256 is of the bytes read from `input`; its label is the file's own date when it has
/// one, else derived from the content hash (and the aliases' hash, when given).
pub fn import<R: Read>(
    input: R,
    format: SourceFormat,
    list: &str,
    aliases: Option<&ofac_csv::Aliases>,
) -> Result<(ListVersion, Import), ImportError> {
    let mut hashing = HashingReader::new(input);
    let import = {
        let buffered = BufReader::with_capacity(64 * 1024, &mut hashing);
        match format {
            SourceFormat::PaxwatchCsv => paxwatch_csv::read(buffered)?,
            SourceFormat::Ftm => ftm::read(buffered, list)?,
            SourceFormat::OfacCsv => ofac_csv::read(buffered, aliases)?,
            SourceFormat::OfacXml => ofac_xml::read(buffered, list)?,
            SourceFormat::Un => un_xml::read(buffered)?,
            SourceFormat::Canada => canada_xml::read(buffered)?,
        }
    };
    // Importers may stop before the end (an XML error); hash the rest so the version's
    // sha256 is always that of the whole file.
    std::io::copy(&mut hashing, &mut std::io::sink())?;
    let content = hashing.finish();
    let aliases_hash = match (format, aliases) {
        (SourceFormat::OfacCsv, Some(aliases)) => Some(aliases.sha256.clone()),
        _ => None,
    };
    let version = ListVersion::new(list, format, &import, content, aliases_hash);
    Ok((version, import))
}
