//! Where results go: standard output, as text for people, one JSON document, or JSON lines.
//! Every write returns its error instead of panicking as `println!` does, so that a reader that
//! stops early (`mmgraph node ... | head`) ends the command quietly: see
//! [`Error::is_closed_pipe`](crate::error::Error::is_closed_pipe).

use std::fmt::Display;
use std::io::{BufWriter, StdoutLock, Write};

use serde::Serialize;

use crate::error::Result;

/// How results are printed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Style {
    /// Text for people.
    Text,
    /// One JSON document per command.
    Json,
    /// Listings as one JSON object per line, written as they are found; other results as one
    /// JSON document.
    JsonLines,
}

/// Standard output, buffered, in a [`Style`].
pub struct Output {
    style: Style,
    writer: BufWriter<StdoutLock<'static>>,
}

impl Output {
    /// Standard output in `style`.
    pub fn stdout(style: Style) -> Output {
        Output {
            style,
            writer: BufWriter::with_capacity(1 << 16, std::io::stdout().lock()),
        }
    }

    /// Whether results are JSON (either JSON style).
    pub fn json(&self) -> bool {
        self.style != Style::Text
    }

    /// Whether results are JSON lines (`--jsonl`).
    pub fn json_lines(&self) -> bool {
        self.style == Style::JsonLines
    }

    /// Writes `text` and a line end.
    pub fn line(&mut self, text: impl Display) -> Result<()> {
        writeln!(self.writer, "{text}")?;
        Ok(())
    }

    /// Writes `value` as one line of JSON.
    pub fn value(&mut self, value: &impl Serialize) -> Result<()> {
        serde_json::to_writer(&mut self.writer, value).map_err(std::io::Error::from)?;
        self.writer.write_all(b"\n")?;
        Ok(())
    }

    /// Writes out what is buffered.
    pub fn flush(&mut self) -> Result<()> {
        self.writer.flush()?;
        Ok(())
    }
}

/// A listing, printed as each style wants it: text lines and then a summary for people; with
/// `--json` one document, the summary's fields and the records under one key; with `--jsonl`
/// each record on its own line as soon as it is found, and no summary.
pub struct Listing<'o> {
    out: &'o mut Output,
    key: &'static str,
    /// The records of a `--json` document.
    records: Vec<serde_json::Value>,
}

impl<'o> Listing<'o> {
    /// A listing whose records go under `key` in a `--json` document.
    pub fn new(out: &'o mut Output, key: &'static str) -> Listing<'o> {
        Listing {
            out,
            key,
            records: Vec::new(),
        }
    }

    /// One record: `text` for people, `json` for scripts (each built only when needed).
    pub fn record(
        &mut self,
        text: impl FnOnce() -> Result<String>,
        json: impl FnOnce() -> Result<serde_json::Value>,
    ) -> Result<()> {
        match self.out.style {
            Style::Text => self.out.line(text()?),
            Style::Json => {
                self.records.push(json()?);
                Ok(())
            }
            Style::JsonLines => self.out.value(&json()?),
        }
    }

    /// Ends the listing: `text` lines for people, or the `json` summary's fields with the
    /// records (nothing more with `--jsonl`).
    pub fn finish(
        self,
        text: impl FnOnce() -> Result<Vec<String>>,
        json: impl FnOnce() -> Result<serde_json::Map<String, serde_json::Value>>,
    ) -> Result<()> {
        match self.out.style {
            Style::Text => {
                for line in text()? {
                    self.out.line(line)?;
                }
                Ok(())
            }
            Style::Json => {
                let mut document = json()?;
                document.insert(self.key.to_owned(), serde_json::Value::Array(self.records));
                self.out.value(&document)
            }
            Style::JsonLines => Ok(()),
        }
    }
}
