//! Inline payloads in a leaf page's heap: placing one, packing the heap when its free tail is
//! too short, and reading one back with its bounds checked.

use crate::error::{Error, Result};
use crate::layout::{FLAG_LIVE, FLAG_OVERFLOW, HEAP_SIZE, INLINE_LIMIT, LeafPage, RecordSlot};
use zerocopy::little_endian::U16;

/// The inline payload of `slot` within `heap`, bounds-checked.
pub(crate) fn inline_payload<'a>(slot: &RecordSlot, heap: &'a [u8; HEAP_SIZE]) -> Result<&'a [u8]> {
    let start = usize::from(slot.heap_offset.get());
    let len = usize::try_from(slot.payload_len.get()).unwrap_or(usize::MAX);
    start
        .checked_add(len)
        .and_then(|end| heap.get(start..end))
        .ok_or_else(|| {
            Error::Corrupt(format!(
                "an inline payload of {len} bytes at {start} leaves the heap"
            ))
        })
}

fn is_inline(slot: &RecordSlot) -> bool {
    slot.flags & FLAG_LIVE != 0 && slot.flags & FLAG_OVERFLOW == 0
}

/// Stores `payload` inline for slot `index`, packing the other inline payloads if the free tail
/// is too short. Returns false, changing nothing, when it cannot fit (or is over the inline
/// limit). The slot's own previous inline bytes count as free. Sets the slot's offset, not its
/// flags or length.
pub(crate) fn place_inline(leaf: &mut LeafPage, index: usize, payload: &[u8]) -> Result<bool> {
    if payload.len() > INLINE_LIMIT {
        return Ok(false);
    }
    let used = usize::from(leaf.heap_used.get());
    if let Some(dst) = used
        .checked_add(payload.len())
        .and_then(|end| leaf.heap.get_mut(used..end))
    {
        dst.copy_from_slice(payload);
        set_offset(leaf, index, used)?;
        leaf.heap_used = U16::new(u16::try_from(used + payload.len()).unwrap_or(u16::MAX));
        return Ok(true);
    }
    let mut packed = [0u8; HEAP_SIZE];
    let mut end = 0usize;
    let mut offsets = [None; crate::layout::SLOTS_PER_LEAF];
    for (i, slot) in leaf.slots.iter().enumerate() {
        if i == index || !is_inline(slot) {
            continue;
        }
        let bytes = inline_payload(slot, &leaf.heap)?;
        let Some(dst) = packed.get_mut(end..end + bytes.len()) else {
            return Ok(false);
        };
        dst.copy_from_slice(bytes);
        if let Some(o) = offsets.get_mut(i) {
            *o = Some(end);
        }
        end += bytes.len();
    }
    let Some(dst) = packed.get_mut(end..end + payload.len()) else {
        return Ok(false);
    };
    dst.copy_from_slice(payload);
    for (i, offset) in offsets.iter().enumerate() {
        if let Some(offset) = offset {
            set_offset(leaf, i, *offset)?;
        }
    }
    set_offset(leaf, index, end)?;
    leaf.heap = packed;
    // `end + payload.len() <= HEAP_SIZE < 2^16`, checked by the `get_mut` above.
    leaf.heap_used = U16::new(u16::try_from(end + payload.len()).unwrap_or(u16::MAX));
    Ok(true)
}

fn set_offset(leaf: &mut LeafPage, index: usize, offset: usize) -> Result<()> {
    let slot = leaf
        .slots
        .get_mut(index)
        .ok_or_else(|| Error::Corrupt(format!("slot {index} does not exist")))?;
    // Offsets are below HEAP_SIZE < 2^16.
    slot.heap_offset = U16::new(u16::try_from(offset).unwrap_or(u16::MAX));
    Ok(())
}
