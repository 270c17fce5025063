//! Input files: opened, decompressed by extension, and read line by line with line numbers.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

use super::reading::{HowRead, Reading};
use crate::cli::FileOptions;
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
    /// How its lines are read, and why.
    pub how: HowRead,
    compression: Compression,
    /// Its length on disk.
    pub len: u64,
    /// The key of its progress record (see [`super::resume`]).
    pub key: Vec<u8>,
    /// The line number of its header row; 0 when it has none.
    header_line: u64,
}

/// The number and text of the first line of `path` that is not blank, if any (a header row,
/// perhaps).
fn first_line(path: &Path, compression: Compression) -> Result<(u64, Option<String>)> {
    let mut lines = open_lines(path, compression, Arc::default())?;
    while let Some(line) = lines.next_line()? {
        match line {
            Line::Text(_, text) if text.trim().is_empty() => {}
            Line::Text(number, text) => return Ok((number, Some(text.to_owned()))),
            Line::NotUtf8(number) => return Ok((number, None)),
        }
    }
    Ok((0, None))
}

impl Input {
    /// `path`, read as `options`, its header row or its extension say.
    pub fn new(path: &Path, options: &FileOptions) -> Result<Input> {
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
        let canonical = path.canonicalize().map_err(|source| Error::File {
            path: path.to_owned(),
            source,
        })?;
        let (header_line, first) = first_line(path, compression)?;
        let how = HowRead::choose(stem, first.as_deref(), options)
            .map_err(|what| Error::Invalid(format!("{}: {what}", path.display())))?;
        let key = super::resume::key(&canonical, len, &how.key())?;
        let header_line = match how.reading {
            Reading::Table { header: true, .. } => header_line,
            _ => 0,
        };
        Ok(Input {
            path: path.to_owned(),
            how,
            compression,
            len,
            key,
            header_line,
        })
    }

    /// Whether line `number` is the header row (not a record).
    pub fn is_header(&self, number: u64) -> bool {
        number == self.header_line
    }

    /// The file's lines from the start; `read` counts the bytes taken from the disk.
    pub fn lines(&self, read: Arc<AtomicU64>) -> Result<Lines> {
        open_lines(&self.path, self.compression, read)
    }
}

/// The lines of `path`, decompressed; `read` counts the bytes taken from the disk.
/// A compressed file is decompressed on a thread of its own, so that on two cores or more the
/// decompression (a tenth of the NCBI taxonomy's import) overlaps the import itself.
fn open_lines(path: &Path, compression: Compression, read: Arc<AtomicU64>) -> Result<Lines> {
    let file = File::open(path).map_err(|source| Error::File {
        path: path.to_owned(),
        source,
    })?;
    let counted = Counted { inner: file, read };
    let reader: Box<dyn Read> = match compression {
        Compression::None => Ok(Box::new(counted) as Box<dyn Read>),
        Compression::Gzip => {
            decompressing(flate2::read::MultiGzDecoder::new(BufReader::new(counted)))
        }
        Compression::Xz => decompressing(xz2::read::XzDecoder::new_multi_decoder(BufReader::new(
            counted,
        ))),
    }
    .map_err(|source| Error::File {
        path: path.to_owned(),
        source,
    })?;
    Ok(Lines {
        reader: BufReader::with_capacity(1 << 18, reader),
        buffer: Vec::new(),
        number: 0,
        path: path.to_owned(),
    })
}

/// A reader that counts the bytes it reads.
struct Counted<R> {
    inner: R,
    read: Arc<AtomicU64>,
}

impl<R: Read> Read for Counted<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.read.fetch_add(n as u64, Ordering::Relaxed);
        Ok(n)
    }
}

/// Bytes a decompressing thread hands over at a time.
const CHUNK: usize = 1 << 20;
/// Chunks decompressed ahead of the reader.
const CHUNKS_AHEAD: usize = 4;

/// `decoder` read on a thread of its own, a chunk at a time: the thread ends at the end of the
/// input, at its first error (which the reader then gets), or when the reader is dropped.
fn decompressing(decoder: impl Read + Send + 'static) -> std::io::Result<Box<dyn Read>> {
    let (send, receive) = sync_channel(CHUNKS_AHEAD);
    std::thread::Builder::new()
        .name("decompress".into())
        .spawn(move || decompress(decoder, &send))?;
    Ok(Box::new(Chunks {
        receive,
        chunk: Vec::new(),
        at: 0,
    }))
}

/// Sends `decoder`'s bytes in chunks until the end, an error (sent too) or a closed channel.
fn decompress(mut decoder: impl Read, send: &SyncSender<std::io::Result<Vec<u8>>>) {
    loop {
        let mut chunk = vec![0; CHUNK];
        let mut filled = 0;
        while filled < CHUNK {
            match decoder.read(&mut chunk[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    let _ = send.send(Err(e));
                    return;
                }
            }
        }
        chunk.truncate(filled);
        if filled == 0 || send.send(Ok(chunk)).is_err() {
            return;
        }
    }
}

/// The reading end of [`decompressing`]: the chunks in order, then the end of the input.
struct Chunks {
    receive: Receiver<std::io::Result<Vec<u8>>>,
    chunk: Vec<u8>,
    at: usize,
}

impl Read for Chunks {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.chunk.len() {
            match self.receive.recv() {
                Ok(chunk) => (self.chunk, self.at) = (chunk?, 0),
                // The thread ended after its last chunk.
                Err(_) => return Ok(0),
            }
        }
        let rest = self.chunk.get(self.at..).unwrap_or_default();
        let n = rest.len().min(buf.len());
        buf[..n].copy_from_slice(&rest[..n]);
        self.at += n;
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
