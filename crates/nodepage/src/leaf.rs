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

/// The slot of `index` in `leaf`.
#[inline]
pub(crate) fn slot(leaf: &LeafPage, slots_per_leaf: usize, index: usize) -> Result<&RecordSlot> {
    slots(leaf, slots_per_leaf)?
        .get(index)
        .ok_or_else(|| Error::Corrupt(format!("no slot {index}")))
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
