//! Inline payloads: where they are (the leaf's own heap, or one of the heap pages the leaf
//! owns), placing one, packing a heap when its free tail is too short, and freeing heap pages
//! no payload uses any more.

use pager_mmap::{PageId, PageSource, WriteTxn};
use zerocopy::little_endian::U16;

use crate::error::{Error, Result};
use crate::layout::{
    FLAG_IN_SLOT, FLAG_LIVE, FLAG_OVERFLOW, HEAP_PAGE_BYTES, HEAP_PAGES, HeapPage, IN_SLOT_LIMIT,
    INLINE_LIMIT, LeafPage, RecordSlot, stored_page_id,
};
use crate::leaf::{own_heap, parts_mut, slots};

/// Whether `slot` holds a live payload in a heap (not in an overflow chain or the slot).
#[inline]
pub(crate) fn is_inline(slot: &RecordSlot) -> bool {
    slot.flags & FLAG_LIVE != 0 && slot.flags & (FLAG_OVERFLOW | FLAG_IN_SLOT) == 0
}

/// The payload `slot` keeps in itself, bounds-checked.
#[inline(always)]
pub(crate) fn in_slot_payload(slot: &RecordSlot) -> Result<&[u8]> {
    let len = slot.payload_len.get();
    // A length past `usize` is past the slot too.
    match slot.place.get(..usize::try_from(len).unwrap_or(usize::MAX)) {
        Some(payload) => Ok(payload),
        None => Err(payload_past_slot(len)),
    }
}

/// The error for a slot whose payload would end past it. Out of line, off the read path.
#[cold]
#[inline(never)]
fn payload_past_slot(len: u32) -> Error {
    Error::Corrupt(format!(
        "a payload of {len} bytes in a slot of {IN_SLOT_LIMIT}"
    ))
}

/// The heap area of `slot`'s payload when it is live and inline.
pub(crate) fn inline_area(slot: &RecordSlot) -> Option<u8> {
    is_inline(slot).then(|| slot.inline_place().0)
}

/// The heap page of `area` (1..=8) of `leaf`, if the leaf has one there.
fn heap_page_id(leaf: &LeafPage, area: u8) -> Option<PageId> {
    let index = usize::from(area).checked_sub(1)?;
    leaf.heap_pages
        .get(index)
        .map(|p| p.get())
        .filter(|p| *p != 0)
        .map(PageId)
}

/// The bytes of heap `area` of `leaf`, and how many of them are in use.
fn area_bytes<'a, S: PageSource>(
    src: &'a S,
    leaf: &'a LeafPage,
    slots_per_leaf: usize,
    area: u8,
) -> Result<(&'a [u8], usize)> {
    if area == 0 {
        return Ok((
            own_heap(leaf, slots_per_leaf)?,
            usize::from(leaf.heap_used.get()),
        ));
    }
    let page = heap_page_id(leaf, area)
        .ok_or_else(|| Error::Corrupt(format!("a payload in missing heap page {area}")))?;
    let heap = src.page_as::<HeapPage>(page)?;
    Ok((&heap.bytes[..], usize::from(heap.used.get())))
}

/// The inline payload of `slot` in `leaf`, bounds-checked.
pub(crate) fn inline_payload<'a, S: PageSource>(
    src: &'a S,
    leaf: &'a LeafPage,
    slots_per_leaf: usize,
    slot: &RecordSlot,
) -> Result<&'a [u8]> {
    let (area, offset) = slot.inline_place();
    let (bytes, used) = area_bytes(src, leaf, slots_per_leaf, area)?;
    let start = usize::from(offset);
    let len = usize::try_from(slot.payload_len.get()).unwrap_or(usize::MAX);
    start
        .checked_add(len)
        .filter(|end| *end <= used)
        .and_then(|end| bytes.get(start..end))
        .ok_or_else(|| {
            Error::Corrupt(format!(
                "an inline payload of {len} bytes at {start} leaves its heap"
            ))
        })
}

/// Live inline payload bytes in each area, not counting slot `except`.
fn live_by_area(all: &[RecordSlot], except: usize) -> [usize; HEAP_PAGES + 1] {
    let mut live = [0usize; HEAP_PAGES + 1];
    for (i, s) in all.iter().enumerate() {
        if i != except
            && let Some(area) = inline_area(s)
            && let Some(l) = live.get_mut(usize::from(area))
        {
            *l += s.payload_len.get() as usize;
        }
    }
    live
}

/// Stores `payload` inline for slot `index` of the (writable) leaf: at the end of the first
/// heap with room, else in the first heap that has room once packed, else in a new heap page.
/// Returns false, changing nothing, when none of that is possible (or the payload is over the
/// inline limit). Sets the slot's area and offset, not its flags or length.
pub(crate) fn place_inline(
    txn: &mut WriteTxn,
    leaf_id: PageId,
    slots_per_leaf: usize,
    index: usize,
    payload: &[u8],
) -> Result<bool> {
    if payload.len() > INLINE_LIMIT {
        return Ok(false);
    }
    let leaf = txn.page_as::<LeafPage>(leaf_id)?;
    let live = live_by_area(slots(leaf, slots_per_leaf)?, index);
    let own_capacity = own_heap(leaf, slots_per_leaf)?.len();
    let mut tail_fit = None;
    let mut packed_fit = None;
    let mut free_page = None;
    for area in 0..=HEAP_PAGES as u8 {
        let (capacity, used) = match area {
            0 => (own_capacity, usize::from(leaf.heap_used.get())),
            _ => match heap_page_id(leaf, area) {
                Some(page) => (
                    HEAP_PAGE_BYTES,
                    usize::from(txn.page_as::<HeapPage>(page)?.used.get()),
                ),
                None => {
                    free_page = free_page.or(Some(area));
                    continue;
                }
            },
        };
        if used + payload.len() <= capacity && tail_fit.is_none() {
            tail_fit = Some(area);
        }
        let live_here = live.get(usize::from(area)).copied().unwrap_or(0);
        if live_here + payload.len() <= capacity && packed_fit.is_none() {
            packed_fit = Some(area);
        }
    }
    let area = match (tail_fit, packed_fit, free_page) {
        (Some(area), _, _) => area,
        (None, Some(area), _) => {
            pack(txn, leaf_id, slots_per_leaf, area, index)?;
            area
        }
        (None, None, Some(area)) => {
            let (page, _) = txn.alloc_as::<HeapPage>()?;
            set_heap_page(txn, leaf_id, area, page)?;
            area
        }
        (None, None, None) => return Ok(false),
    };
    let offset = append(txn, leaf_id, slots_per_leaf, area, payload)?;
    let (all, _) = parts_mut(txn.page_mut_as::<LeafPage>(leaf_id)?, slots_per_leaf)?;
    let slot = all
        .get_mut(index)
        .ok_or_else(|| Error::Corrupt(format!("no slot {index}")))?;
    slot.set_inline_place(area, offset);
    Ok(true)
}

/// Records `page` (0 for none) as the leaf's heap page of `area`; an error, changing nothing,
/// when its id does not fit the leaf's 40 bits.
fn set_heap_page(txn: &mut WriteTxn, leaf_id: PageId, area: u8, page: PageId) -> Result<()> {
    let stored = stored_page_id(page)?;
    let leaf = txn.page_mut_as::<LeafPage>(leaf_id)?;
    let entry = usize::from(area)
        .checked_sub(1)
        .and_then(|i| leaf.heap_pages.get_mut(i))
        .ok_or_else(|| Error::Corrupt(format!("heap area {area}")))?;
    *entry = stored;
    Ok(())
}

/// The writable heap page of `area`, repointing the leaf at the copy.
fn heap_page_mut(txn: &mut WriteTxn, leaf_id: PageId, area: u8) -> Result<PageId> {
    let old = heap_page_id(txn.page_as::<LeafPage>(leaf_id)?, area)
        .ok_or_else(|| Error::Corrupt(format!("heap area {area} has no page")))?;
    let new = txn.cow(old)?;
    if new != old {
        set_heap_page(txn, leaf_id, area, new)?;
    }
    Ok(new)
}

/// The bytes of heap `area` of the (writable) leaf and its used mark, writable.
fn area_mut(
    txn: &mut WriteTxn,
    leaf_id: PageId,
    slots_per_leaf: usize,
    area: u8,
) -> Result<(&mut [u8], &mut U16)> {
    if area == 0 {
        let leaf = txn.page_mut_as::<LeafPage>(leaf_id)?;
        let heap = leaf
            .body
            .get_mut(slots_per_leaf * crate::layout::SLOT_SIZE..)
            .ok_or_else(|| Error::Corrupt("leaf heap".into()))?;
        return Ok((heap, &mut leaf.heap_used));
    }
    let page = heap_page_mut(txn, leaf_id, area)?;
    let heap = txn.page_mut_as::<HeapPage>(page)?;
    Ok((&mut heap.bytes[..], &mut heap.used))
}

/// Appends `payload` at the used mark of heap `area` (which has room) and returns its offset.
fn append(
    txn: &mut WriteTxn,
    leaf_id: PageId,
    slots_per_leaf: usize,
    area: u8,
    payload: &[u8],
) -> Result<u16> {
    let (bytes, used) = area_mut(txn, leaf_id, slots_per_leaf, area)?;
    let start = usize::from(used.get());
    let dst = bytes
        .get_mut(start..start + payload.len())
        .ok_or_else(|| Error::Corrupt("no room where room was found".into()))?;
    dst.copy_from_slice(payload);
    // Heaps are smaller than 2^16 bytes (const-asserted in `layout`).
    *used = U16::new((start + payload.len()) as u16);
    Ok(start as u16)
}

/// Moves the live payloads of heap `area` (but slot `except`'s) together at its start.
fn pack(
    txn: &mut WriteTxn,
    leaf_id: PageId,
    slots_per_leaf: usize,
    area: u8,
    except: usize,
) -> Result<()> {
    let mut packed = Vec::new();
    let mut moved = Vec::new();
    {
        let leaf = txn.page_as::<LeafPage>(leaf_id)?;
        for (i, s) in slots(leaf, slots_per_leaf)?.iter().enumerate() {
            if i != except && inline_area(s) == Some(area) {
                // Heaps are smaller than 2^16 bytes.
                moved.push((i, packed.len() as u16));
                packed.extend_from_slice(inline_payload(txn, leaf, slots_per_leaf, s)?);
            }
        }
    }
    let (all, _) = parts_mut(txn.page_mut_as::<LeafPage>(leaf_id)?, slots_per_leaf)?;
    for (i, offset) in moved {
        if let Some(s) = all.get_mut(i) {
            s.set_inline_place(area, offset);
        }
    }
    let (bytes, used) = area_mut(txn, leaf_id, slots_per_leaf, area)?;
    bytes
        .get_mut(..packed.len())
        .ok_or_else(|| Error::Corrupt("packed heap overflows".into()))?
        .copy_from_slice(&packed);
    *used = U16::new(packed.len() as u16);
    Ok(())
}

/// Frees the heap pages of the (writable) leaf that no live payload uses.
pub(crate) fn release_unused(
    txn: &mut WriteTxn,
    leaf_id: PageId,
    slots_per_leaf: usize,
) -> Result<()> {
    let leaf = txn.page_as::<LeafPage>(leaf_id)?;
    let mut unused = Vec::new();
    for area in 1..=HEAP_PAGES as u8 {
        // Counted by slot, not by bytes: empty payloads live in a heap too.
        if let Some(page) = heap_page_id(leaf, area)
            && !slots(leaf, slots_per_leaf)?
                .iter()
                .any(|s| inline_area(s) == Some(area))
        {
            unused.push((area, page));
        }
    }
    for (area, page) in unused {
        txn.free(page)?;
        set_heap_page(txn, leaf_id, area, PageId(0))?;
    }
    Ok(())
}
