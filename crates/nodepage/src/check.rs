//! `check` for a record table: every page, slot, payload and count, verified from the bytes.

use pager_mmap::{PageId, PageSource, U40, overflow_chain_pages};

use crate::dense::LeafFindings;
use crate::error::Result;
use crate::heap::{in_slot_payload, inline_area, inline_payload};
use crate::layout::{FLAG_IN_SLOT, FLAG_LIVE, FLAG_OVERFLOW, HeapPage, LeafPage, RecordSlot};
use crate::leaf::{own_heap, slots};
use crate::packed::{RecordLeaf, check_packed};
use crate::table::RecordTable;

impl RecordTable {
    /// Walks the whole table: radix pages and leaves of the right type at the right depth, each
    /// leaf at its id with the table's slots per leaf, its live count right, no live slot at or
    /// past `next_id`, heap pages of the right type and used, each slot's `place` in one form
    /// with zeros after what that form uses, in-slot payloads inside their slot, heap payloads
    /// inside their heap's used bytes and not overlapping, overflow chains valid, and the live
    /// total equal to the root's. Appends every page the table reaches to `pages` (for the
    /// pager's check) and returns the problems found.
    pub fn check<S: PageSource>(&self, src: &S, pages: &mut Vec<PageId>) -> Result<Vec<String>> {
        let per_leaf = self.slots_per_leaf();
        Ok(self
            .dense()
            .check_leaves(src, pages, |findings, id, leaf, first_id| match leaf {
                RecordLeaf::Plain(leaf) => leaf_slots(findings, src, per_leaf, id, leaf, first_id),
                RecordLeaf::Packed(leaf) => check_packed(findings, per_leaf, id, leaf, first_id),
            }))
    }
}

/// Checks the heap pages and slots of one leaf.
fn leaf_slots<S: PageSource>(
    findings: &mut LeafFindings<'_>,
    src: &S,
    per_leaf: usize,
    id: PageId,
    leaf: &LeafPage,
    first_id: u64,
) -> Result<()> {
    let all = slots(leaf, per_leaf)?;
    let own = own_heap(leaf, per_leaf).map_or(0, <[u8]>::len);
    if usize::from(leaf.heap_used.get()) > own {
        findings.problems.push(format!(
            "leaf {id} uses {} heap bytes of {own}",
            leaf.heap_used.get()
        ));
    }
    for (i, page) in leaf.heap_pages.iter().enumerate() {
        if page.get() == 0 {
            continue;
        }
        let page = PageId(page.get());
        findings.pages.push(page);
        if let Err(e) = src.page_as::<HeapPage>(page) {
            findings
                .problems
                .push(format!("leaf {id} heap page {i}: {e}"));
        }
        let area = i as u8 + 1;
        if !all.iter().any(|s| inline_area(s) == Some(area)) {
            findings.problems.push(format!(
                "leaf {id} keeps heap page {page}, which no payload uses"
            ));
        }
    }
    let mut ranges = Vec::new();
    for (i, slot) in all.iter().enumerate() {
        if slot.flags & FLAG_LIVE == 0 {
            continue;
        }
        let record = first_id.saturating_add(i as u64);
        findings.live_record(record);
        let len = u64::from(slot.payload_len.get());
        if let Some(problem) = place_problem(slot) {
            findings
                .problems
                .push(format!("record {record}: {problem}"));
        }
        match slot.flags & (FLAG_IN_SLOT | FLAG_OVERFLOW) {
            FLAG_OVERFLOW => match overflow_chain_pages(src, slot.overflow_head(), len) {
                Ok(chain) => findings.pages.extend(chain),
                Err(e) => findings
                    .problems
                    .push(format!("record {record}: overflow chain: {e}")),
            },
            0 => match inline_payload(src, leaf, per_leaf, slot) {
                Err(e) => findings.problems.push(format!("record {record}: {e}")),
                Ok(_) if len > 0 => {
                    let (area, offset) = slot.inline_place();
                    let start = usize::from(offset);
                    ranges.push((area, start, start + len as usize, record));
                }
                Ok(_) => {}
            },
            // In the slot, or both at once: `place_problem` has checked it.
            _ => {}
        }
    }
    ranges.sort_unstable();
    for pair in ranges.windows(2) {
        if let [(area_a, _, end, a), (area_b, start, _, b)] = pair
            && area_a == area_b
            && start < end
        {
            findings
                .problems
                .push(format!("records {a} and {b} share heap bytes in leaf {id}"));
        }
    }
    Ok(())
}

/// What is wrong with the `place` of a live slot, if anything: both the in-slot and the
/// overflow flag, an in-slot payload longer than the slot, or nonzero bytes after what the
/// slot's form uses (the payload in the slot; the 5-byte location of a heap or overflow place).
fn place_problem(slot: &RecordSlot) -> Option<String> {
    let used = match slot.flags & (FLAG_IN_SLOT | FLAG_OVERFLOW) {
        FLAG_IN_SLOT => match in_slot_payload(slot) {
            Ok(payload) => payload.len(),
            Err(e) => return Some(e.to_string()),
        },
        both if both == FLAG_IN_SLOT | FLAG_OVERFLOW => {
            return Some("both in its slot and in an overflow chain".into());
        }
        _ => size_of::<U40>(),
    };
    let rest = slot.place.get(used..).unwrap_or_default();
    rest.iter()
        .any(|b| *b != 0)
        .then(|| "bytes after its place in the slot are not zero".into())
}
