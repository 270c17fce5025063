//! Views of a leaf page: its slot array and its own heap, whose sizes depend on the table's
//! slots per leaf, checked against what the leaf records.

use zerocopy::FromBytes;
use zerocopy::little_endian::{U16, U64};

use crate::dense::DenseLeaf;
use crate::error::{Error, Result};
use crate::layout::{LeafPage, RecordSlot, SLOT_SIZE};

impl DenseLeaf for LeafPage {
    #[inline]
    fn first_id(&self) -> u64 {
        self.first_id.get()
    }

    #[inline]
    fn slot_count(&self) -> usize {
        usize::from(self.slot_count.get())
    }

    fn live(&self) -> u16 {
        self.live.get()
    }

    fn init(&mut self, first_id: u64, slot_count: usize) {
        self.first_id = U64::new(first_id);
        // A record table's slots per leaf is at most `MAX_SLOTS` < 2^16, checked at open.
        self.slot_count = U16::new(u16::try_from(slot_count).unwrap_or(u16::MAX));
    }
}

/// The slots of `leaf`, which must have `slots` of them.
#[inline]
pub(crate) fn slots(leaf: &LeafPage, slots: usize) -> Result<&[RecordSlot]> {
    let bytes = slot_bytes(leaf, slots)?;
    <[RecordSlot]>::ref_from_bytes(bytes).map_err(|_| Error::Corrupt("leaf slot array".into()))
}

#[inline]
fn slot_bytes(leaf: &LeafPage, slots: usize) -> Result<&[u8]> {
    if usize::from(leaf.slot_count.get()) != slots {
        return Err(Error::Corrupt(format!(
            "a leaf has {} slots, its table {slots}",
            leaf.slot_count.get()
        )));
    }
    leaf.body
        .get(..slots * SLOT_SIZE)
        .ok_or_else(|| Error::Corrupt(format!("{slots} slots do not fit a leaf")))
}

/// The slot of `index` in `leaf`, which must have `slots_per_leaf` slots.
///
/// Sliced out on its own: taking it from [`slots`] checked that the whole slot array is a
/// multiple of the slot size (a division) on every record read.
#[inline]
pub(crate) fn slot(leaf: &LeafPage, slots_per_leaf: usize, index: usize) -> Result<&RecordSlot> {
    if index < slots_per_leaf && usize::from(leaf.slot_count.get()) == slots_per_leaf {
        // `index` is below the slot count, a `u16`, so the multiplication cannot overflow.
        let start = index * SLOT_SIZE;
        let bytes = leaf.body.get(start..start + SLOT_SIZE);
        if let Some(slot) = bytes.and_then(|bytes| RecordSlot::ref_from_bytes(bytes).ok()) {
            return Ok(slot);
        }
    }
    Err(no_slot(leaf, slots_per_leaf, index))
}

/// The error for slot `index` missing from `leaf`. Out of line, off the read path.
#[cold]
#[inline(never)]
fn no_slot(leaf: &LeafPage, slots_per_leaf: usize, index: usize) -> Error {
    Error::Corrupt(format!(
        "no slot {index} in a leaf of {} slots, its table {slots_per_leaf}",
        leaf.slot_count.get()
    ))
}

/// The slots and the own heap of `leaf`, writable.
pub(crate) fn parts_mut(
    leaf: &mut LeafPage,
    slots: usize,
) -> Result<(&mut [RecordSlot], &mut [u8])> {
    if usize::from(leaf.slot_count.get()) != slots || slots * SLOT_SIZE > leaf.body.len() {
        return Err(Error::Corrupt(format!(
            "a leaf has {} slots, its table {slots}",
            leaf.slot_count.get()
        )));
    }
    let (slot_bytes, heap) = leaf.body.split_at_mut(slots * SLOT_SIZE);
    let slots = <[RecordSlot]>::mut_from_bytes(slot_bytes)
        .map_err(|_| Error::Corrupt("leaf slot array".into()))?;
    Ok((slots, heap))
}

/// The slot of `index` in `leaf`, writable.
pub(crate) fn slot_mut(
    leaf: &mut LeafPage,
    slots_per_leaf: usize,
    index: usize,
) -> Result<&mut RecordSlot> {
    parts_mut(leaf, slots_per_leaf)?
        .0
        .get_mut(index)
        .ok_or_else(|| Error::Corrupt(format!("no slot {index}")))
}

/// The own heap of `leaf`.
#[inline]
pub(crate) fn own_heap(leaf: &LeafPage, slots: usize) -> Result<&[u8]> {
    slot_bytes(leaf, slots)?;
    leaf.body
        .get(slots * SLOT_SIZE..)
        .ok_or_else(|| Error::Corrupt("leaf heap".into()))
}
