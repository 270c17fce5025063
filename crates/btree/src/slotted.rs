//! Changing node pages that the write transaction owns: the slotted-page mechanics.
//!
//! Whether a cell fits is decided here, by the code that then writes it: a cell of `n` bytes
//! needs `n + SLOT_SIZE` bytes between the end of the slot array and `cells_start`, after
//! compacting away dead cells if need be.

use pager_mmap::{PAGE_SIZE, PageBytes, PageId, PageType};
use zerocopy::little_endian::{U16, U64};
use zerocopy::{FromBytes, IntoBytes};

use crate::cells::Cells;
use crate::error::{Result, corrupt};
use crate::layout::{NODE_BODY, NODE_HEADER_SIZE, NodeHeader, SLOT_SIZE};
use crate::node::NodeRef;

fn header_mut(id: PageId, page: &mut PageBytes) -> Result<&mut NodeHeader> {
    NodeHeader::mut_from_prefix(page.as_mut_slice())
        .map(|(header, _)| header)
        .map_err(|_| corrupt(id, "a page is smaller than a node header"))
}

fn write_u16(id: PageId, page: &mut PageBytes, at: usize, value: usize) -> Result<()> {
    let value = u16::try_from(value).map_err(|_| corrupt(id, "offset does not fit 16 bits"))?;
    page.get_mut(at..at + SLOT_SIZE)
        .ok_or_else(|| corrupt(id, "slot beyond the page"))?
        .copy_from_slice(U16::new(value).as_bytes());
    Ok(())
}

/// Formats `page` as a node of type `page_type` at `level` holding `cells` in order, packed
/// at the end of the page (in key order, ascending); every other byte but the checksum is
/// zeroed.
pub(crate) fn write_cells(
    id: PageId,
    page: &mut PageBytes,
    page_type: PageType,
    level: u8,
    cells: &Cells,
) -> Result<()> {
    if cells.size() > NODE_BODY {
        return Err(corrupt(
            id,
            "cells do not fit in one page (a balancing bug)",
        ));
    }
    page.get_mut(8..).unwrap_or_default().fill(0);
    // Cells go in key order at ascending addresses, so that a scan reads the page forwards.
    let cells_start = PAGE_SIZE - cells.byte_len();
    let mut start = cells_start;
    for (index, cell) in cells.iter().enumerate() {
        let end = start + cell.len();
        page.get_mut(start..end)
            .ok_or_else(|| corrupt(id, "cell beyond the page"))?
            .copy_from_slice(cell);
        write_u16(id, page, NODE_HEADER_SIZE + SLOT_SIZE * index, start)?;
        start = end;
    }
    let end = cells_start;
    let header = header_mut(id, page)?;
    header.page.page_type = page_type.0;
    header.level = level;
    header.count = U16::new(u16::try_from(cells.len()).map_err(|_| corrupt(id, "too many cells"))?);
    header.cells_start = U16::new(u16::try_from(end).map_err(|_| corrupt(id, "bad cell start"))?);
    header.garbage = U16::new(0);
    Ok(())
}

/// Rewrites `page` with its live cells packed, dropping dead ones; the tree length and flags
/// stay.
fn compact(id: PageId, page: &mut PageBytes) -> Result<()> {
    let copy: Box<PageBytes> = Box::new(*page);
    let node = NodeRef::new(id, &copy, None)?;
    let cells = Cells::of(&node)?;
    let tree_len = node.tree_len()?;
    let flags = node.header()?.flags;
    write_cells(
        id,
        page,
        pager_mmap::page_type_of(&copy),
        node.level,
        &cells,
    )?;
    let header = header_mut(id, page)?;
    header.tree_len = U64::new(tree_len);
    header.flags = flags;
    Ok(())
}

/// Inserts `cell` as cell `index` if it fits; returns whether it did (nothing changes if not).
pub(crate) fn try_insert(
    id: PageId,
    page: &mut PageBytes,
    index: usize,
    cell: &[u8],
) -> Result<bool> {
    let node = NodeRef::new(id, page, None)?;
    let (count, garbage) = (node.count, usize::from(node.header()?.garbage.get()));
    if index > count {
        return Err(corrupt(id, format!("insert at {index} of {count} cells")));
    }
    let need = cell.len() + SLOT_SIZE;
    let mut start = usize::from(node.header()?.cells_start.get());
    let slots_end = NODE_HEADER_SIZE + SLOT_SIZE * count;
    let gap = start.saturating_sub(slots_end);
    if gap < need {
        if gap + garbage < need {
            return Ok(false);
        }
        compact(id, page)?;
        start = usize::from(header_mut(id, page)?.cells_start.get());
    }
    let new_start = start
        .checked_sub(cell.len())
        .ok_or_else(|| corrupt(id, "cell start below zero"))?;
    page.get_mut(new_start..start)
        .ok_or_else(|| corrupt(id, "cell beyond the page"))?
        .copy_from_slice(cell);
    let slot_at = NODE_HEADER_SIZE + SLOT_SIZE * index;
    if slot_at > slots_end || slots_end + SLOT_SIZE > new_start {
        return Err(corrupt(id, "slot array would overlap the cells"));
    }
    page.copy_within(slot_at..slots_end, slot_at + SLOT_SIZE);
    write_u16(id, page, slot_at, new_start)?;
    let header = header_mut(id, page)?;
    header.count = U16::new(u16::try_from(count + 1).map_err(|_| corrupt(id, "too many cells"))?);
    header.cells_start = U16::new(u16::try_from(new_start).map_err(|_| corrupt(id, "bad start"))?);
    Ok(true)
}

/// Removes cell `index`; its bytes become garbage (or free space, if lowest).
pub(crate) fn remove(id: PageId, page: &mut PageBytes, index: usize) -> Result<()> {
    let node = NodeRef::new(id, page, None)?;
    let count = node.count;
    let offset = node.slot(index)?;
    let len = node.cell_bytes(index)?.len();
    let header = node.header()?;
    let start = usize::from(header.cells_start.get());
    let garbage = usize::from(header.garbage.get());
    let slot_at = NODE_HEADER_SIZE + SLOT_SIZE * index;
    let slots_end = NODE_HEADER_SIZE + SLOT_SIZE * count;
    page.copy_within(slot_at + SLOT_SIZE..slots_end, slot_at);
    let (start, garbage) = if count == 1 {
        (PAGE_SIZE, 0)
    } else if offset == start {
        (start + len, garbage)
    } else {
        (start, garbage + len)
    };
    let header = header_mut(id, page)?;
    header.count = U16::new(u16::try_from(count - 1).map_err(|_| corrupt(id, "bad count"))?);
    header.cells_start = U16::new(u16::try_from(start).map_err(|_| corrupt(id, "bad start"))?);
    header.garbage = U16::new(u16::try_from(garbage).map_err(|_| corrupt(id, "bad garbage"))?);
    Ok(())
}

/// Points cell `index` of a branch at `child`, in place.
pub(crate) fn set_child(
    id: PageId,
    page: &mut PageBytes,
    index: usize,
    child: PageId,
) -> Result<()> {
    let offset = NodeRef::new(id, page, None)?.slot(index)?;
    page.get_mut(offset..offset + 8)
        .ok_or_else(|| corrupt(id, "branch cell beyond the page"))?
        .copy_from_slice(U64::new(child.0).as_bytes());
    Ok(())
}

/// Marks the slotted leaf `id` as left below the minimum fill beside packed leaves.
pub(crate) fn mark_underfull_beside_packed(id: PageId, page: &mut PageBytes) -> Result<()> {
    header_mut(id, page)?.flags |= crate::layout::UNDERFULL_BESIDE_PACKED;
    Ok(())
}

/// Records the tree's entry count in its root page.
pub(crate) fn set_tree_len(id: PageId, page: &mut PageBytes, len: u64) -> Result<()> {
    header_mut(id, page)?.tree_len = U64::new(len);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::{ValueRef, encode_leaf_cell};
    use crate::layout::LEAF;

    fn leaf(cells: &[Vec<u8>]) -> Box<PageBytes> {
        let mut page: Box<PageBytes> = Box::new([0; PAGE_SIZE]);
        let cells: Cells = cells.iter().map(Vec::as_slice).collect();
        write_cells(PageId(5), &mut page, LEAF, 0, &cells).expect("write");
        page
    }

    fn keys(page: &PageBytes) -> Vec<Vec<u8>> {
        let node = NodeRef::new(PageId(5), page, Some(0)).expect("node");
        (0..node.count)
            .map(|i| node.key(i).expect("key").to_vec())
            .collect()
    }

    fn cell(key: &[u8], value_len: usize) -> Vec<u8> {
        encode_leaf_cell(key, &ValueRef::Inline(&vec![7; value_len]))
    }

    #[test]
    fn inserts_and_removes_keep_order_and_account_for_every_byte() {
        let mut page = leaf(&[cell(b"b", 10), cell(b"d", 10)]);
        assert!(try_insert(PageId(5), &mut page, 1, &cell(b"c", 3)).expect("insert"));
        assert!(try_insert(PageId(5), &mut page, 0, &cell(b"a", 0)).expect("insert"));
        assert_eq!(keys(&page), [b"a", b"b", b"c", b"d"]);
        remove(PageId(5), &mut page, 2).expect("remove");
        assert_eq!(keys(&page), [b"a", b"b", b"d"]);
        let node = NodeRef::new(PageId(5), &page, Some(0)).expect("node");
        assert_eq!(node.used().expect("used"), 3 * SLOT_SIZE + 5 + 15 + 15);
    }

    #[test]
    fn a_page_fills_exactly_and_garbage_is_reclaimed_by_compaction() {
        // Cells of 100 bytes: 102 per entry with the slot; NODE_BODY / 102 fit.
        let mut page = leaf(&[]);
        let fit = NODE_BODY / 102;
        for i in 0..fit {
            let key = [(i / 256) as u8, (i % 256) as u8];
            let c = cell(&key, 100 - 4 - 2);
            assert!(try_insert(PageId(5), &mut page, i, &c).expect("insert"));
        }
        assert!(!try_insert(PageId(5), &mut page, fit, &cell(b"\xff\xff", 94)).expect("full"));
        // Removing a middle cell leaves garbage, which a later insert compacts away.
        remove(PageId(5), &mut page, 3).expect("remove");
        assert!(try_insert(PageId(5), &mut page, 3, &cell(&[0, 3], 94)).expect("reinsert"));
        assert_eq!(keys(&page).len(), fit);
    }
}
