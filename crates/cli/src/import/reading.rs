//! How an input file is read, and why: chosen by `--format` or `--columns` for the files after
//! them, by a header row in the Neo4j convention, or by the file's extension. Errors on a line
//! name the choice and how to make another.

use super::table::Layout;
use crate::cli::{FileOptions, InputFormat};

/// The way an input's lines are read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Reading {
    /// `src dst [type]` per line (SNAP).
    EdgeList,
    /// `id<TAB>parent<TAB>rank<TAB>name` per line (NCBI taxonomy).
    Taxonomy,
    /// A JSON object per line.
    JsonLines,
    /// A delimited table; `header` says whether its first line is a header row.
    Table {
        /// The columns.
        layout: Layout,
        /// Whether the first line names the columns (and is not a record).
        header: bool,
    },
}

/// What chose the reading of a file.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Chosen {
    /// `--format`.
    Format,
    /// `--columns`.
    Columns,
    /// The first line, a header row.
    Header,
    /// The file's extension.
    Extension,
}

/// An input file's reading and what chose it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HowRead {
    /// How its lines are read.
    pub reading: Reading,
    /// Why.
    pub chosen: Chosen,
}

impl HowRead {
    /// How to read a file named `name` (lower case, compression suffix removed) whose first
    /// line is `first`, given `options`.
    pub fn choose(
        name: &str,
        first: Option<&str>,
        options: &FileOptions,
    ) -> Result<HowRead, String> {
        let by_extension = if name.ends_with(".tsv") {
            Some('\t')
        } else if name.ends_with(".csv") {
            Some(',')
        } else {
            None
        };
        if let Some(spec) = &options.columns {
            let delimiter = match options.format {
                Some(InputFormat::Csv) => ',',
                Some(InputFormat::Tsv) | None => by_extension.unwrap_or('\t'),
                Some(other) => {
                    return Err(format!(
                        "--columns reads CSV or TSV files, not --format {}",
                        other.name()
                    ));
                }
            };
            return Ok(HowRead {
                reading: Reading::Table {
                    layout: Layout::from_spec(spec, delimiter)?,
                    header: false,
                },
                chosen: Chosen::Columns,
            });
        }
        let header = |delimiter: char| first.and_then(|line| Layout::from_header(line, delimiter));
        match options.format {
            Some(format @ (InputFormat::Csv | InputFormat::Tsv)) => {
                let delimiter = if format == InputFormat::Csv {
                    ','
                } else {
                    '\t'
                };
                match header(delimiter) {
                    Some(layout) => Ok(HowRead {
                        reading: Reading::Table {
                            layout: layout?,
                            header: true,
                        },
                        chosen: Chosen::Format,
                    }),
                    None => Err(format!(
                        "--format {} needs a header row with :ID (nodes) or :START_ID and :END_ID (edges); for a file without one give --columns",
                        format.name()
                    )),
                }
            }
            Some(format) => Ok(HowRead {
                reading: match format {
                    InputFormat::Edges => Reading::EdgeList,
                    InputFormat::Taxonomy => Reading::Taxonomy,
                    _ => Reading::JsonLines,
                },
                chosen: Chosen::Format,
            }),
            None => {
                if let Some(layout) = header(by_extension.unwrap_or('\t')) {
                    return Ok(HowRead {
                        reading: Reading::Table {
                            layout: layout?,
                            header: true,
                        },
                        chosen: Chosen::Header,
                    });
                }
                let reading = if name.ends_with(".tsv") {
                    Reading::Taxonomy
                } else if [".jsonl", ".ndjson", ".json"]
                    .iter()
                    .any(|e| name.ends_with(e))
                {
                    Reading::JsonLines
                } else {
                    Reading::EdgeList
                };
                Ok(HowRead {
                    reading,
                    chosen: Chosen::Extension,
                })
            }
        }
    }

    /// What the file was read as, and why, for people.
    pub fn describe(&self) -> String {
        let what = match &self.reading {
            Reading::EdgeList => "an edge list (src dst [type])".to_owned(),
            Reading::Taxonomy => "taxonomy TSV (id, parent, rank, name)".to_owned(),
            Reading::JsonLines => "JSON lines".to_owned(),
            Reading::Table { layout, .. } => format!(
                "a {} table of {} ({})",
                if layout.delimiter == ',' {
                    "CSV"
                } else {
                    "TSV"
                },
                if layout.edges { "edges" } else { "nodes" },
                layout.describe()
            ),
        };
        let why = match self.chosen {
            Chosen::Format => "as --format said",
            Chosen::Columns => "as --columns said",
            Chosen::Header => "by its header row",
            Chosen::Extension => "by its extension",
        };
        format!("{what}, {why}")
    }

    /// The reading as text that changes whenever the reading does (for the resume record).
    pub fn key(&self) -> String {
        match &self.reading {
            Reading::EdgeList => "edges".to_owned(),
            Reading::Taxonomy => "taxonomy".to_owned(),
            Reading::JsonLines => "jsonl".to_owned(),
            Reading::Table { layout, header } => format!(
                "table {:?} {} {}",
                layout.delimiter,
                if *header { "header" } else { "columns" },
                layout.describe()
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn choose(
        name: &str,
        first: &str,
        format: Option<InputFormat>,
        columns: Option<&str>,
    ) -> HowRead {
        let options = FileOptions {
            format,
            columns: columns.map(str::to_owned),
        };
        HowRead::choose(name, Some(first), &options).expect("a reading")
    }

    #[test]
    fn a_header_row_decides_before_the_extension() {
        let how = choose("people.tsv", "id:ID\tname\t:LABEL", None, None);
        assert_eq!(how.chosen, Chosen::Header);
        assert!(matches!(how.reading, Reading::Table { header: true, .. }));
        let how = choose("knows.csv", ":START_ID,:END_ID,:TYPE", None, None);
        assert!(
            how.describe().starts_with("a CSV table of edges"),
            "{}",
            how.describe()
        );
        let how = choose("tax.tsv", "1\t1\tno rank\troot", None, None);
        assert_eq!(
            (how.reading, how.chosen),
            (Reading::Taxonomy, Chosen::Extension)
        );
    }

    #[test]
    fn columns_and_format_choose_for_headerless_files() {
        let how = choose(
            "nodes.tsv",
            "noun.Tops\tsynset\tentity\tx",
            None,
            Some("id,kind,name,data.text"),
        );
        assert_eq!(how.chosen, Chosen::Columns);
        assert!(matches!(how.reading, Reading::Table { header: false, .. }));
        let how = choose("edges.txt", "a b", Some(InputFormat::Jsonl), None);
        assert_eq!(how.reading, Reading::JsonLines);
        let options = FileOptions {
            format: Some(InputFormat::Csv),
            columns: None,
        };
        assert!(HowRead::choose("x.csv", Some("1,2"), &options).is_err());
        let options = FileOptions {
            format: Some(InputFormat::Jsonl),
            columns: Some("id".into()),
        };
        assert!(HowRead::choose("x.csv", Some("1"), &options).is_err());
    }
}
