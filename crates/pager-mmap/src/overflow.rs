//! Values too large for the page that refers to them: a chain of overflow pages.
//!
//! Every structure that stores large values (B+tree values, node and edge data) uses this one
//! chain format. The referring record keeps the head page and the value's length; the chain is
//! validated against that length while it is read, so a corrupt or cyclic chain is an error.

use zerocopy::little_endian::{U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::error::{Error, Result};
use crate::layout::{PAGE_SIZE, Page, PageHeader, PageId, PageType};
use crate::read::PageSource;
use crate::write::WriteTxn;

/// Bytes of value one overflow page holds.
pub const OVERFLOW_CAPACITY: usize = PAGE_SIZE - 32;

/// One page of an overflow chain.
#[repr(C)]
#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
pub struct OverflowPage {
    /// Type [`PageType::OVERFLOW`].
    pub header: PageHeader,
    /// The next page of the chain, or 0 on the last page.
    pub next: U64,
    /// Bytes of `data` in use: [`OVERFLOW_CAPACITY`] on every page but the last.
    pub used: U32,
    /// Zero.
    pub reserved: U32,
    /// The value's bytes.
    pub data: [u8; OVERFLOW_CAPACITY],
}
const _: () = assert!(size_of::<OverflowPage>() == PAGE_SIZE);

impl Page for OverflowPage {
    const TYPE: PageType = PageType::OVERFLOW;
}

/// Pages a value of `len` bytes occupies.
pub fn overflow_page_count(len: u64) -> u64 {
    len.div_ceil(OVERFLOW_CAPACITY as u64)
}

/// Writes `value` (not empty) to a new chain and returns its head.
pub fn write_overflow(txn: &mut WriteTxn, value: &[u8]) -> Result<PageId> {
    let mut next = 0u64;
    // Written back to front, so each page knows its successor when it is filled.
    let parts: Vec<&[u8]> = value.chunks(OVERFLOW_CAPACITY).collect();
    if parts.is_empty() {
        return Err(Error::PageMisuse {
            page: PageId(0),
            what: "an empty value needs no overflow chain",
        });
    }
    for part in parts.into_iter().rev() {
        let (id, page) = txn.alloc_as::<OverflowPage>()?;
        page.next = U64::new(next);
        // `part.len() <= OVERFLOW_CAPACITY` < 2^32.
        page.used = U32::new(part.len() as u32);
        if let Some(dst) = page.data.get_mut(..part.len()) {
            dst.copy_from_slice(part);
        }
        next = id.0;
    }
    Ok(PageId(next))
}

/// The pieces of the value of `len` bytes whose chain starts at `head`, in order, read in place.
/// Each item checks its page: type, position in the chain, and the bytes it claims.
pub fn overflow_pieces<'a, S: PageSource>(
    src: &'a S,
    head: PageId,
    len: u64,
) -> impl Iterator<Item = Result<(PageId, &'a [u8])>> + 'a {
    let pages = overflow_page_count(len);
    let mut next = head.0;
    let mut remaining = len;
    (0..pages).map(move |index| {
        let id = PageId(next);
        if id.0 == 0 {
            return Err(Error::Corrupt(format!(
                "overflow chain ends after {index} of {pages} pages"
            )));
        }
        let page = src.page_as::<OverflowPage>(id)?;
        let used = u64::from(page.used.get());
        let expected = remaining.min(OVERFLOW_CAPACITY as u64);
        if used != expected {
            return Err(Error::Corrupt(format!(
                "overflow page {id} holds {used} bytes, expected {expected}"
            )));
        }
        next = page.next.get();
        let is_last = index + 1 == pages;
        if is_last != (next == 0) {
            return Err(Error::Corrupt(format!(
                "overflow chain at page {id} has the wrong length"
            )));
        }
        remaining -= used;
        // `used <= OVERFLOW_CAPACITY`, checked above.
        Ok((id, page.data.get(..used as usize).unwrap_or_default()))
    })
}

/// Reads the whole value of `len` bytes whose chain starts at `head`.
pub fn read_overflow(src: &impl PageSource, head: PageId, len: u64) -> Result<Vec<u8>> {
    let mut value = Vec::with_capacity(usize::try_from(len).unwrap_or(0).min(1 << 30));
    for piece in overflow_pieces(src, head, len) {
        value.extend_from_slice(piece?.1);
    }
    Ok(value)
}

/// Frees the chain of the value of `len` bytes that starts at `head`.
pub fn free_overflow(txn: &mut WriteTxn, head: PageId, len: u64) -> Result<()> {
    let pages = overflow_chain_pages(txn, head, len)?;
    for id in pages {
        txn.free(id)?;
    }
    Ok(())
}

/// The pages of the chain, validated (for `check` and for freeing).
pub fn overflow_chain_pages(src: &impl PageSource, head: PageId, len: u64) -> Result<Vec<PageId>> {
    overflow_pieces(src, head, len)
        .map(|piece| piece.map(|(id, _)| id))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{MemStorage, Options, Pager};

    fn pager() -> Pager {
        Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open")
    }

    #[test]
    fn values_round_trip_at_every_size_boundary() {
        let pager = pager();
        for len in [
            1usize,
            100,
            OVERFLOW_CAPACITY - 1,
            OVERFLOW_CAPACITY,
            OVERFLOW_CAPACITY + 1,
            3 * OVERFLOW_CAPACITY,
            1 << 20,
        ] {
            let value: Vec<u8> = (0..len).map(|i| (i * 31 % 251) as u8).collect();
            let mut txn = pager.begin_write().expect("write");
            let head = write_overflow(&mut txn, &value).expect("write");
            txn.set_root(0, head.0).expect("root");
            txn.commit().expect("commit");
            let read = pager.begin_read().expect("read");
            let head = PageId(read.root(0).expect("root"));
            assert_eq!(
                read_overflow(&read, head, len as u64).expect("read"),
                value,
                "len {len}"
            );
            assert_eq!(
                overflow_chain_pages(&read, head, len as u64)
                    .expect("pages")
                    .len() as u64,
                overflow_page_count(len as u64)
            );
            let mut txn = pager.begin_write().expect("write");
            free_overflow(&mut txn, head, len as u64).expect("free");
            txn.commit().expect("commit");
            let read = pager.begin_read().expect("read");
            assert!(
                read.check(&[]).expect("check").is_clean(),
                "every page came back"
            );
        }
    }

    #[test]
    fn a_wrong_length_or_a_cycle_is_an_error() {
        let pager = pager();
        let mut txn = pager.begin_write().expect("write");
        let head = write_overflow(&mut txn, &vec![7u8; 3 * OVERFLOW_CAPACITY]).expect("write");
        // Point the last page back at the head: a cycle.
        let second = PageId(txn.page_as::<OverflowPage>(head).expect("head").next.get());
        let third = PageId(
            txn.page_as::<OverflowPage>(second)
                .expect("second")
                .next
                .get(),
        );
        txn.page_mut_as::<OverflowPage>(third).expect("third").next = U64::new(head.0);
        assert!(read_overflow(&txn, head, 3 * OVERFLOW_CAPACITY as u64).is_err());
        assert!(read_overflow(&txn, head, 2 * OVERFLOW_CAPACITY as u64).is_err());
        assert!(read_overflow(&txn, head, 10).is_err());
    }
}
