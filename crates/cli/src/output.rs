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
