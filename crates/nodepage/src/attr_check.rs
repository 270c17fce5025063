//! `check` for an attribute table: every page, slot flag and count, verified from the bytes.

use pager_mmap::{PageId, PageSource};

use crate::attr_leaf::AttrLeafPage;
use crate::attr_table::AttrTable;
use crate::error::Result;
use crate::layout::FLAG_LIVE;

impl AttrTable {
    /// Walks the whole table: radix pages and leaves of the right type at the right depth, each
    /// leaf's `first_id` right, slot flags only 0 or 1, its live count equal to its live slots,
    /// no live slot at or past `next_id`, and the live total equal to the root's. Appends every
    /// page the table reaches to `pages` (for the pager's check) and returns the problems
    /// found; a corrupt table gives problems, not an error.
    pub fn check<S: PageSource>(&self, src: &S, pages: &mut Vec<PageId>) -> Result<Vec<String>> {
        Ok(self
            .dense()
            .check_leaves(src, pages, |findings, _, leaf: &AttrLeafPage, first_id| {
                for (i, slot) in leaf.slots.iter().enumerate() {
                    let record = first_id.saturating_add(i as u64);
                    match slot.flags {
                        0 => {}
                        FLAG_LIVE => findings.live_record(record),
                        flags => findings
                            .problems
                            .push(format!("attribute record {record} has flags {flags}")),
                    }
                }
                Ok(())
            }))
    }
}
