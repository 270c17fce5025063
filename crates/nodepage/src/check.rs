//! `check` for a record table: every page, slot, payload and count, verified from the bytes.

use pager_mmap::{PageId, PageSource, overflow_chain_pages};

use crate::error::Result;
use crate::heap::{inline_area, inline_payload};
use crate::layout::{FLAG_LIVE, FLAG_OVERFLOW, HeapPage, LeafPage};
use crate::leaf::{own_heap, slots};
use crate::table::RecordTable;

/// What walking the leaves found.
struct Walk<'p> {
    pages: &'p mut Vec<PageId>,
    problems: Vec<String>,
    live: u64,
}

impl RecordTable {
    /// Walks the whole table: radix pages and leaves of the right type at the right depth, each
    /// leaf at its id with the table's slots per leaf, its live count right, no live slot at or
    /// past `next_id`, heap pages of the right type and used, inline payloads inside their heap's
    /// used bytes and not overlapping, overflow chains valid, and the live total equal to the
    /// root's. Appends every page the table reaches to `pages` (for the pager's check)
    /// and returns the problems found.
    pub fn check<S: PageSource>(&self, src: &S, pages: &mut Vec<PageId>) -> Result<Vec<String>> {
        let mut leaves = Vec::new();
        let mut problems = Vec::new();
        let visit = |index, page| {
            leaves.push((index, page));
            Ok(())
        };
        if let Err(e) = self.leaves().walk(src, visit, pages) {
            problems.push(format!("radix pages: {e}"));
        }
        let mut walk = Walk {
            pages,
            problems,
            live: 0,
        };
        for (index, page) in leaves {
            walk.pages.push(page);
            match src.page_as::<LeafPage>(page) {
                Ok(leaf) => walk.leaf(self, src, page, leaf, index),
                Err(e) => walk.problems.push(format!("leaf {page}: {e}")),
            }
        }
        if walk.live != self.len() {
            walk.problems.push(format!(
                "the root counts {} live records, the leaves {}",
                self.len(),
                walk.live
            ));
        }
        Ok(walk.problems)
    }
}

impl Walk<'_> {
    fn leaf<S: PageSource>(
        &mut self,
        table: &RecordTable,
        src: &S,
        id: PageId,
        leaf: &LeafPage,
        index: u64,
    ) {
        let per_leaf = table.slots_per_leaf();
        let first_id = index.saturating_mul(per_leaf as u64);
        if leaf.first_id.get() != first_id {
            self.problems.push(format!(
                "leaf {id} says it starts at id {}, its position says {first_id}",
                leaf.first_id.get()
            ));
        }
        let all = match slots(leaf, per_leaf) {
            Ok(all) => all,
            Err(e) => return self.problems.push(format!("leaf {id}: {e}")),
        };
        let own = own_heap(leaf, per_leaf).map_or(0, <[u8]>::len);
        if usize::from(leaf.heap_used.get()) > own {
            self.problems.push(format!(
                "leaf {id} uses {} heap bytes of {own}",
                leaf.heap_used.get()
            ));
        }
        for (i, page) in leaf.heap_pages.iter().enumerate() {
            if page.get() == 0 {
                continue;
            }
            let page = PageId(page.get());
            self.pages.push(page);
            if let Err(e) = src.page_as::<HeapPage>(page) {
                self.problems.push(format!("leaf {id} heap page {i}: {e}"));
            }
            let area = i as u8 + 1;
            if !all.iter().any(|s| inline_area(s) == Some(area)) {
                self.problems.push(format!(
                    "leaf {id} keeps heap page {page}, which no payload uses"
                ));
            }
        }
        let mut live = 0u16;
        let mut ranges = Vec::new();
        for (i, slot) in all.iter().enumerate() {
            if slot.flags & FLAG_LIVE == 0 {
                continue;
            }
            live += 1;
            let record = first_id + i as u64;
            if record >= table.next_id() {
                self.problems.push(format!(
                    "record {record} is live but at or past next id {}",
                    table.next_id()
                ));
            }
            let len = u64::from(slot.payload_len.get());
            if slot.flags & FLAG_OVERFLOW != 0 {
                match overflow_chain_pages(src, slot.overflow_head(), len) {
                    Ok(chain) => self.pages.extend(chain),
                    Err(e) => self
                        .problems
                        .push(format!("record {record}: overflow chain: {e}")),
                }
            } else if let Err(e) = inline_payload(src, leaf, per_leaf, slot) {
                self.problems.push(format!("record {record}: {e}"));
            } else if len > 0 {
                let (area, offset) = slot.inline_place();
                let start = usize::from(offset);
                ranges.push((area, start, start + len as usize, record));
            }
        }
        ranges.sort_unstable();
        for pair in ranges.windows(2) {
            if let [(area_a, _, end, a), (area_b, start, _, b)] = pair
                && area_a == area_b
                && start < end
            {
                self.problems
                    .push(format!("records {a} and {b} share heap bytes in leaf {id}"));
            }
        }
        if live != leaf.live.get() {
            self.problems.push(format!(
                "leaf {id} counts {} live records, its slots {live}",
                leaf.live.get()
            ));
        }
        if live == 0 {
            self.problems
                .push(format!("leaf {id} is empty and should have been freed"));
        }
        self.live += u64::from(live);
    }
}
