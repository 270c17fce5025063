//! `check`: the pager's invariants for one snapshot, verified from the bytes.

use crate::error::{Error, Result};
use crate::freelist::Allocator;
use crate::layout::{FIRST_DATA_PAGE, PageId, PageType, checksum_matches, page_type_of};
use crate::pager::{read_meta, snapshot_page};
use crate::read::ReadTxn;

/// Problems beyond this many are counted, not listed.
const MAX_LISTED_PROBLEMS: usize = 100;

/// What a check found. Clean when `problems` is empty.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CheckReport {
    /// Pages in the snapshot's file format.
    pub page_count: u64,
    /// Pages on the free list.
    pub free_pages: u64,
    /// Pages holding the free list itself.
    pub free_list_pages: u64,
    /// Pages the upper structures reach.
    pub structure_pages: u64,
    /// Problems found, one sentence each (at most the first hundred).
    pub problems: Vec<String>,
    /// Problems found in all, listed or not.
    pub problem_count: u64,
}

impl CheckReport {
    /// Whether nothing is wrong.
    pub fn is_clean(&self) -> bool {
        self.problem_count == 0
    }

    /// Records a problem.
    pub fn problem(&mut self, what: String) {
        self.problem_count += 1;
        if self.problems.len() < MAX_LISTED_PROBLEMS {
            self.problems.push(what);
        }
    }
}

/// One bit per page: accounted for or not.
struct PageBitmap {
    bits: Vec<u64>,
    len: u64,
}

impl PageBitmap {
    fn new(len: u64) -> PageBitmap {
        PageBitmap {
            bits: vec![0; usize::try_from(len.div_ceil(64)).unwrap_or(0)],
            len,
        }
    }

    /// Marks `id`; false if it was already marked or is out of range.
    fn mark(&mut self, id: PageId) -> bool {
        if id.0 >= self.len {
            return false;
        }
        let Some(word) = usize::try_from(id.0 / 64)
            .ok()
            .and_then(|w| self.bits.get_mut(w))
        else {
            return false;
        };
        let bit = 1u64 << (id.0 % 64);
        let fresh = *word & bit == 0;
        *word |= bit;
        fresh
    }

    fn unmarked(&self) -> impl Iterator<Item = PageId> + '_ {
        (0..self.len)
            .filter(|i| {
                let word = usize::try_from(i / 64)
                    .ok()
                    .and_then(|w| self.bits.get(w))
                    .copied()
                    .unwrap_or(0);
                word & (1 << (i % 64)) == 0
            })
            .map(PageId)
    }
}

impl ReadTxn {
    /// Verifies the pager's invariants for this snapshot: a valid meta page on disk, a valid
    /// free list, every page in `owned` (the pages the caller's structures reach) in range,
    /// of a structure type and matching its checksum, and every page of the file either
    /// owned once or free, never both and never neither.
    pub fn check(&self, owned: &[PageId]) -> Result<CheckReport> {
        let meta = &self.snapshot.meta;
        let mut report = CheckReport {
            page_count: meta.page_count,
            ..CheckReport::default()
        };
        self.check_meta_pages(&mut report)?;
        let mut bitmap = PageBitmap::new(meta.page_count);
        for fixed in 0..FIRST_DATA_PAGE {
            bitmap.mark(PageId(fixed));
        }
        match Allocator::load(
            meta.page_count,
            meta.free_list_head,
            meta.free_page_count,
            |id| snapshot_page(&self.snapshot, id).ok(),
        ) {
            Ok(free_list) => {
                let (chunk_pages, entries) = free_list.chunk_pages_and_entries();
                report.free_list_pages = chunk_pages.len() as u64;
                report.free_pages = entries.len() as u64;
                for id in chunk_pages.into_iter().chain(entries) {
                    if !bitmap.mark(id) {
                        report.problem(format!("page {id} is on the free list twice"));
                    }
                }
            }
            Err(e) => report.problem(format!("free list: {e}")),
        }
        report.structure_pages = owned.len() as u64;
        for &id in owned {
            match snapshot_page(&self.snapshot, id) {
                Err(e) => report.problem(format!("structure page {id}: {e}")),
                Ok(page) => {
                    let tag = page_type_of(page);
                    if [
                        PageType(0),
                        PageType::FILE_HEADER,
                        PageType::META,
                        PageType::FREE_LIST,
                    ]
                    .contains(&tag)
                    {
                        report.problem(format!(
                            "structure page {id} has the pager's type tag {}",
                            tag.0
                        ));
                    }
                    if !checksum_matches(id, page) {
                        report.problem(format!("page {id} fails its checksum"));
                    }
                    if !bitmap.mark(id) {
                        report.problem(format!("page {id} is reached twice, or is also free"));
                    }
                }
            }
        }
        let leaked: Vec<PageId> = bitmap.unmarked().collect();
        if let Some(first) = leaked.first() {
            report.problem(format!(
                "{} pages are neither free nor reached (first: {first})",
                leaked.len()
            ));
        }
        Ok(report)
    }

    fn check_meta_pages(&self, report: &mut CheckReport) -> Result<()> {
        let storage = &*self.shared.storage;
        let file_len = storage.file_len().map_err(Error::Io)?;
        match (read_meta(storage, 0), read_meta(storage, 1)) {
            (Err(a), Err(b)) => report.problem(format!("no valid meta page on disk: {a}; {b}")),
            (a, b) => {
                for meta in [a, b].into_iter().flatten() {
                    let needed = meta.page_count.saturating_mul(crate::PAGE_SIZE_U64);
                    if needed > file_len {
                        report.problem(format!(
                            "the commit of txn {} needs {needed} bytes; the file has {file_len}",
                            meta.txn_id
                        ));
                    }
                }
            }
        }
        Ok(())
    }
}
