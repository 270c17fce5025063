//! A zero-copy view of one record.

use std::borrow::Cow;

use pager_mmap::{PageSource, overflow_pieces};

use pager_mmap::PageId;

use crate::error::{Error, Result};
use crate::layout::Attrs;

/// One live record, read in place from its leaf page. Lives as long as the transaction.
pub struct Record<'a, S> {
    pub(crate) src: &'a S,
    pub(crate) id: u64,
    pub(crate) attrs: &'a Attrs,
    pub(crate) payload_len: u32,
    pub(crate) payload: Payload<'a>,
}

/// Where a record's payload is.
#[derive(Clone, Copy)]
pub(crate) enum Payload<'a> {
    /// In the leaf (its slot, a heap, or a packed leaf's body): exactly `payload_len` bytes.
    InPage(&'a [u8]),
    /// In the overflow chain starting at this page.
    Overflow(PageId),
}

impl<'a, S: PageSource> Record<'a, S> {
    /// The record's id.
    #[inline]
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The caller-defined attributes.
    #[inline]
    pub fn attrs(&self) -> &'a Attrs {
        self.attrs
    }

    /// The payload's length.
    #[inline]
    pub fn payload_len(&self) -> usize {
        usize::try_from(self.payload_len).unwrap_or(usize::MAX)
    }

    /// The whole payload, borrowed, when it lies in the leaf (its slot, a heap, or a packed
    /// leaf's page); `None` when it is in an overflow chain, which [`Record::payload_range`] reads.
    #[inline]
    pub fn in_page(&self) -> Option<&'a [u8]> {
        match self.payload {
            Payload::InPage(bytes) => Some(bytes),
            Payload::Overflow(_) => None,
        }
    }

    /// The whole payload: borrowed from the page when inline, read from the overflow chain
    /// otherwise.
    #[inline]
    pub fn payload(&self) -> Result<Cow<'a, [u8]>> {
        self.payload_range(0, self.payload_len())
    }

    /// `len` bytes of the payload from `start`; from an overflow chain, only the pages up to
    /// the end of the range are read.
    #[inline]
    pub fn payload_range(&self, start: usize, len: usize) -> Result<Cow<'a, [u8]>> {
        match self.payload {
            // An in-page payload is exactly the payload, so the slice's bounds are the payload's.
            Payload::InPage(bytes) => {
                match start.checked_add(len).and_then(|end| bytes.get(start..end)) {
                    Some(range) => Ok(Cow::Borrowed(range)),
                    None => Err(self.range_error(start, len)),
                }
            }
            Payload::Overflow(head) => self.overflow_range(head, start, len),
        }
    }

    /// The error for a range that ends past the payload. Out of line, off the read path.
    #[cold]
    #[inline(never)]
    fn range_error(&self, start: usize, len: usize) -> Error {
        Error::Corrupt(format!(
            "payload range {start}+{len} beyond its {} bytes",
            self.payload_len()
        ))
    }

    /// `len` bytes from `start` of an overflowed payload, copied out of its chain. Kept out of
    /// line: [`Record::payload_range`] is inlined for the in-page case.
    fn overflow_range(&self, head: PageId, start: usize, len: usize) -> Result<Cow<'a, [u8]>> {
        let Some(end) = start
            .checked_add(len)
            .filter(|end| *end <= self.payload_len())
        else {
            return Err(self.range_error(start, len));
        };
        let mut out = Vec::with_capacity(end - start);
        let mut at = 0usize;
        for piece in overflow_pieces(self.src, head, self.payload_len() as u64) {
            if at >= end {
                break;
            }
            let (_, bytes) = piece?;
            let piece_end = at + bytes.len();
            if piece_end > start {
                let from = start.saturating_sub(at);
                let to = end.min(piece_end) - at;
                out.extend_from_slice(bytes.get(from..to).unwrap_or_default());
            }
            at = piece_end;
        }
        Ok(Cow::Owned(out))
    }
}

impl<S> std::fmt::Debug for Record<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Record")
            .field("id", &self.id)
            .field("payload_len", &self.payload_len)
            .finish()
    }
}
