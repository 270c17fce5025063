//! Large values: chains of overflow pages.
//!
//! A value that does not fit inline is split into [`OVERFLOW_PAYLOAD`]-byte pieces, one per
//! page, linked by `next`. Every page but the last is full, so the chain of a value of `len`
//! bytes has exactly `ceil(len / OVERFLOW_PAYLOAD)` pages; reading stops after that many,
//! which makes a cyclic chain an error rather than a hang. Chains are never changed in
//! place: replacing a value writes a new chain and frees the old one.

use pager_mmap::{PageId, PageSource, WriteTxn};
use zerocopy::little_endian::{U32, U64};

use crate::error::{Result, corrupt};
use crate::layout::{OVERFLOW_PAYLOAD, OverflowPage};

/// The number of pages a chain holding `len` bytes has.
pub(crate) fn chain_pages(len: usize) -> usize {
    len.div_ceil(OVERFLOW_PAYLOAD)
}

/// Writes `value` into a new chain and returns its first page.
pub(crate) fn write_chain(txn: &mut WriteTxn, value: &[u8]) -> Result<PageId> {
    let mut next = PageId(0);
    // Written last piece first, so that each page can name its successor.
    for piece in value.chunks(OVERFLOW_PAYLOAD).rev() {
        let (id, page) = txn.alloc_as::<OverflowPage>()?;
        page.header.next = U64::new(next.0);
        page.header.used = U32::new(u32::try_from(piece.len()).unwrap_or(u32::MAX));
        page.payload
            .get_mut(..piece.len())
            .ok_or_else(|| corrupt(id, "overflow piece larger than a page"))?
            .copy_from_slice(piece);
        next = id;
    }
    Ok(next)
}

/// Visits the pages of the chain at `first` holding `len` bytes, in order, with each page's
/// piece of the value; checks the chain's shape on the way.
pub(crate) fn walk_chain<'a, S: PageSource>(
    src: &'a S,
    first: PageId,
    len: usize,
    mut visit: impl FnMut(PageId, &'a [u8]) -> Result<()>,
) -> Result<()> {
    let pages = chain_pages(len);
    let mut id = first;
    let mut remaining = len;
    for index in 0..pages {
        let page: &OverflowPage = src.page_as(id)?;
        let used = page.header.used.get() as usize;
        let expected = remaining.min(OVERFLOW_PAYLOAD);
        if used != expected {
            return Err(corrupt(
                id,
                format!("overflow page {index} holds {used} bytes, expected {expected}"),
            ));
        }
        let piece = page
            .payload
            .get(..used)
            .ok_or_else(|| corrupt(id, "overflow length beyond the page"))?;
        visit(id, piece)?;
        remaining -= used;
        let next = PageId(page.header.next.get());
        let last = index + 1 == pages;
        if last != (next.0 == 0) {
            return Err(corrupt(
                id,
                format!("overflow chain of {pages} pages has a wrong link at page {index}"),
            ));
        }
        id = next;
    }
    if pages == 0 {
        return Err(corrupt(first, "an overflow reference to an empty value"));
    }
    Ok(())
}

/// Reads the value held by the chain at `first`.
pub(crate) fn read_chain<S: PageSource>(src: &S, first: PageId, len: usize) -> Result<Vec<u8>> {
    // Capacity grows with the pages actually read, so a corrupt length allocates nothing.
    let mut value = Vec::new();
    walk_chain(src, first, len, |_, piece| {
        value.extend_from_slice(piece);
        Ok(())
    })?;
    Ok(value)
}

/// The pages of the chain at `first` holding `len` bytes.
pub(crate) fn chain_page_ids<S: PageSource>(
    src: &S,
    first: PageId,
    len: usize,
) -> Result<Vec<PageId>> {
    let mut ids = Vec::new();
    walk_chain(src, first, len, |id, _| {
        ids.push(id);
        Ok(())
    })?;
    Ok(ids)
}

/// Frees every page of the chain at `first` holding `len` bytes.
pub(crate) fn free_chain(txn: &mut WriteTxn, first: PageId, len: usize) -> Result<()> {
    for id in chain_page_ids(txn, first, len)? {
        txn.free(id)?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use pager_mmap::{MemStorage, Options, Pager};

    #[test]
    fn values_round_trip_through_chains_of_the_computed_length() {
        let pager =
            Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("pager");
        let mut txn = pager.begin_write().expect("write");
        for len in [
            1,
            OVERFLOW_PAYLOAD - 1,
            OVERFLOW_PAYLOAD,
            OVERFLOW_PAYLOAD + 1,
            3 * OVERFLOW_PAYLOAD + 17,
        ] {
            let value: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let first = write_chain(&mut txn, &value).expect("write");
            assert_eq!(read_chain(&txn, first, len).expect("read"), value);
            let ids = chain_page_ids(&txn, first, len).expect("ids");
            assert_eq!(ids.len(), chain_pages(len));
            // A wrong length is an error, not a short or long read.
            assert!(read_chain(&txn, first, len + OVERFLOW_PAYLOAD).is_err());
            if len > 1 {
                assert!(read_chain(&txn, first, len - 1).is_err());
            }
            free_chain(&mut txn, first, len).expect("free");
        }
    }
}
