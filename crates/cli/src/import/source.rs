//! Input files: opened, decompressed by extension, and read line by line with line numbers.

use std::cell::Cell;
use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::cli::InputFormat;
use crate::error::{Error, Result};

/// How a file is compressed, from its extension.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Compression {
    None,
    Gzip,
    Xz,
}

/// One input file and the format its lines are in.
#[derive(Clone, Debug)]
pub struct Input {
    /// The file.
    pub path: PathBuf,
    /// How its lines are read.
    pub format: InputFormat,
    compression: Compression,
    /// Its length on disk.
    pub len: u64,
    /// The key of its progress record (see [`super::resume`]).
    pub key: Vec<u8>,
}

impl Input {
    /// `path`, in `format` or the one its extension names.
    pub fn new(path: &Path, format: Option<InputFormat>) -> Result<Input> {
        let len = std::fs::metadata(path)
            .map_err(|source| Error::File {
                path: path.to_owned(),
                source,
            })?
            .len();
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().to_lowercase())
            .unwrap_or_default();
        let (stem, compression) = if let Some(stem) = name.strip_suffix(".xz") {
            (stem, Compression::Xz)
        } else if let Some(stem) = name.strip_suffix(".gz") {
            (stem, Compression::Gzip)
        } else {
            (name.as_str(), Compression::None)
        };
        let format = format.unwrap_or(if stem.ends_with(".tsv") {
            InputFormat::Tsv
        } else if [".jsonl", ".ndjson", ".json"]
            .iter()
            .any(|e| stem.ends_with(e))
        {
            InputFormat::Jsonl
        } else {
            InputFormat::Edges
        });
        let canonical = path.canonicalize().map_err(|source| Error::File {
            path: path.to_owned(),
            source,
        })?;
        let reading = format!("{format:?}").to_lowercase();
        Ok(Input {
            path: path.to_owned(),
            format,
            compression,
            len,
            key: super::resume::key(&canonical, len, &reading)?,
        })
    }

    /// The file's lines from the start; `read` counts the bytes taken from the disk.
    pub fn lines(&self, read: Rc<Cell<u64>>) -> Result<Lines> {
        let file = File::open(&self.path).map_err(|source| Error::File {
            path: self.path.clone(),
            source,
        })?;
        let counted = Counted { inner: file, read };
        let reader: Box<dyn Read> = match self.compression {
            Compression::None => Box::new(counted),
            Compression::Gzip => {
                Box::new(flate2::read::MultiGzDecoder::new(BufReader::new(counted)))
            }
            Compression::Xz => Box::new(xz2::read::XzDecoder::new_multi_decoder(BufReader::new(
                counted,
            ))),
        };
        Ok(Lines {
            reader: BufReader::with_capacity(1 << 18, reader),
            buffer: Vec::new(),
            number: 0,
            path: self.path.clone(),
        })
    }
}

/// A reader that counts the bytes it reads.
struct Counted<R> {
    inner: R,
    read: Rc<Cell<u64>>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.set(self.read.get() + n as u64);
        Ok(n)
    }
}

/// The lines of one input.
pub struct Lines {
    reader: BufReader<Box<dyn Read>>,
    buffer: Vec<u8>,
    number: u64,
    path: PathBuf,
}

/// One line, without its line ending.
pub enum Line<'a> {
    /// The text of line `number` (1-based).
    Text(u64, &'a str),
    /// Line `number` is not UTF-8.
    NotUtf8(u64),
}

impl Lines {
    /// The next line, or `None` at the end of the file.
    pub fn next_line(&mut self) -> Result<Option<Line<'_>>> {
        self.buffer.clear();
        let n = self
            .reader
            .read_until(b'\n', &mut self.buffer)
            .map_err(|source| Error::File {
                path: self.path.clone(),
                source,
            })?;
        if n == 0 {
            return Ok(None);
        }
        self.number += 1;
        let mut line = &self.buffer[..];
        line = line.strip_suffix(b"\n").unwrap_or(line);
        line = line.strip_suffix(b"\r").unwrap_or(line);
        Ok(Some(match std::str::from_utf8(line) {
            Ok(text) => Line::Text(self.number, text),
            Err(_) => Line::NotUtf8(self.number),
        }))
    }
}
