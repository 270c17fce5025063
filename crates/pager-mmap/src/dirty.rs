//! The pages a write transaction owns (allocated or copied), by page id: a two-level table,
//! chunks of [`CHUNK`] consecutive ids under a vector indexed by `id / CHUNK`.
//!
//! Every page a write transaction reads goes through [`DirtyPages::get`] first, so this lookup
//! is on the hottest path of every write. A hash map spread consecutive ids over its buckets:
//! two cache lines (control bytes, bucket) in tables far beyond the caches at tens of thousands
//! of pages, plus hashing and a key comparison. Here a lookup is two dependent loads with no
//! comparison: the chunk's pointer (the top vector is small: 8 bytes per 512 pages of the
//! file) and the page's pointer, beside those of its id's neighbours, which the structures
//! above (radix vectors, slot tables, record leaves) tend to allocate together.
//!
//! The price: a chunk of 4 KiB for every 512-id range that holds a page of the transaction, at
//! worst one per page for a commit whose pages are scattered over the free list, and the top
//! vector grows to the highest id owned (40 KiB for a file of 10 GB).

use crate::layout::{PageBytes, PageId};

/// Ids per chunk.
const CHUNK: usize = 512;

/// One chunk: the owned pages among `CHUNK` consecutive ids.
type Chunk = [Option<Box<PageBytes>>; CHUNK];

/// The pages a write transaction owns, by id.
#[derive(Default)]
pub(crate) struct DirtyPages {
    chunks: Vec<Option<Box<Chunk>>>,
    len: usize,
}

/// `id`'s chunk and its place in it, or `None` for an id beyond the address space (which no
/// allocation can return, but a damaged page can name).
#[inline]
fn split(id: PageId) -> Option<(usize, usize)> {
    let i = usize::try_from(id.0).ok()?;
    Some((i / CHUNK, i % CHUNK))
}

impl DirtyPages {
    /// Pages owned.
    pub(crate) fn len(&self) -> usize {
        self.len
    }

    /// Page `id`, if owned.
    #[inline]
    pub(crate) fn get(&self, id: PageId) -> Option<&PageBytes> {
        let (chunk, at) = split(id)?;
        self.chunks.get(chunk)?.as_deref()?.get(at)?.as_deref()
    }

    /// Page `id`, writable, if owned.
    #[inline]
    pub(crate) fn get_mut(&mut self, id: PageId) -> Option<&mut PageBytes> {
        let (chunk, at) = split(id)?;
        self.chunks
            .get_mut(chunk)?
            .as_deref_mut()?
            .get_mut(at)?
            .as_deref_mut()
    }

    /// Whether page `id` is owned.
    #[inline]
    pub(crate) fn contains(&self, id: PageId) -> bool {
        self.get(id).is_some()
    }

    /// Owns `page` as page `id` (replacing what was there); returns it, writable. `None` only
    /// for an id beyond the address space.
    pub(crate) fn insert(&mut self, id: PageId, page: Box<PageBytes>) -> Option<&mut PageBytes> {
        let (chunk, at) = split(id)?;
        if chunk >= self.chunks.len() {
            self.chunks.resize_with(chunk + 1, || None);
        }
        let chunk = self
            .chunks
            .get_mut(chunk)?
            .get_or_insert_with(|| Box::new([const { None }; CHUNK]));
        let slot = chunk.get_mut(at)?;
        if slot.is_none() {
            self.len += 1;
        }
        Some(slot.insert(page))
    }

    /// Gives up page `id`; returns it if it was owned.
    pub(crate) fn remove(&mut self, id: PageId) -> Option<Box<PageBytes>> {
        let (chunk, at) = split(id)?;
        let page = self
            .chunks
            .get_mut(chunk)?
            .as_deref_mut()?
            .get_mut(at)?
            .take()?;
        self.len -= 1;
        Some(page)
    }

    /// Every owned page, writable, in increasing id order.
    pub(crate) fn iter_mut(&mut self) -> impl Iterator<Item = (PageId, &mut PageBytes)> {
        (0u64..)
            .step_by(CHUNK)
            .zip(&mut self.chunks)
            .filter_map(|(base, chunk)| chunk.as_deref_mut().map(|c| (base, c)))
            .flat_map(|(base, chunk)| {
                (base..)
                    .zip(chunk.iter_mut())
                    .filter_map(|(id, page)| page.as_deref_mut().map(|p| (PageId(id), p)))
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::PAGE_SIZE;

    fn page(fill: u8) -> Box<PageBytes> {
        Box::new([fill; PAGE_SIZE])
    }

    #[test]
    fn pages_read_back_by_id_and_removed_ones_are_gone() {
        let mut dirty = DirtyPages::default();
        let ids = [3u64, 511, 512, 513, 100_000, 7];
        for (fill, &id) in (1u8..).zip(&ids) {
            assert!(dirty.insert(PageId(id), page(fill)).is_some());
        }
        assert_eq!(dirty.len(), ids.len());
        for (fill, &id) in (1u8..).zip(&ids) {
            assert_eq!(dirty.get(PageId(id)).map(|p| p[0]), Some(fill), "page {id}");
        }
        for id in [0, 4, 510, 514, 99_999, 100_001, 1 << 40, u64::MAX] {
            assert!(!dirty.contains(PageId(id)), "page {id}");
            assert!(dirty.remove(PageId(id)).is_none(), "page {id}");
        }
        assert_eq!(dirty.remove(PageId(512)).map(|p| p[0]), Some(3));
        assert!(!dirty.contains(PageId(512)));
        assert_eq!(dirty.len(), ids.len() - 1);
        if let Some(p) = dirty.get_mut(PageId(7)) {
            p[1] = 99;
        }
        assert_eq!(dirty.get(PageId(7)).map(|p| p[1]), Some(99));
    }

    #[test]
    fn replacing_a_page_keeps_the_count() {
        let mut dirty = DirtyPages::default();
        dirty.insert(PageId(9), page(1));
        dirty.insert(PageId(9), page(2));
        assert_eq!(dirty.len(), 1);
        assert_eq!(dirty.get(PageId(9)).map(|p| p[0]), Some(2));
    }

    #[test]
    fn iteration_visits_every_page_once_in_id_order() {
        let mut dirty = DirtyPages::default();
        let mut ids = vec![2000u64, 5, 511, 512, 9, 1024, 70_000];
        for &id in &ids {
            dirty.insert(PageId(id), page(id as u8));
        }
        dirty.remove(PageId(1024));
        ids.retain(|&id| id != 1024);
        ids.sort_unstable();
        let seen: Vec<(u64, u8)> = dirty.iter_mut().map(|(id, p)| (id.0, p[0])).collect();
        let expected: Vec<(u64, u8)> = ids.iter().map(|&id| (id, id as u8)).collect();
        assert_eq!(seen, expected);
    }
}
