//! The fixed-size slots of an index's graph, by dense id: a node slot (the node id, its level,
//! its upper id and its level-0 links) and, for nodes above level 0, an upper slot per level
//! (that level's links). Links are dense ids (`u32`), so a search never leaves dense ids.
//!
//! Node slot, `16 + 8 m` bytes: `node` `u64` (for a free slot, the next free dense id plus
//! one), `level` `u8` ([`FREE`] for a free slot), `count` `u8`, 2 bytes zero, `upper` `u32`,
//! then `2 m` link ids `u32` of which the first `count` are links. Upper slot, `8 + 4 m`
//! bytes: `count` `u8`, `free` `u8` (1 for a free upper id, in the level-1 table only), 2 bytes
//! zero, `next_free` `u32` (the next free upper id plus one), then `m` link ids `u32`.

use crate::error::{Result, corrupt};
use crate::spec::MAX_LEVEL;

/// The `level` of a free node slot.
pub(crate) const FREE: u8 = 0xFF;
/// Where the links start in a node slot.
const NODE_LINKS_AT: usize = 16;
/// Where the links start in an upper slot.
const UPPER_LINKS_AT: usize = 8;

/// The length of a node slot under `m`.
pub(crate) fn node_slot_len(m: usize) -> usize {
    NODE_LINKS_AT + 8 * m
}

/// The length of an upper slot under `m`.
pub(crate) fn upper_slot_len(m: usize) -> usize {
    UPPER_LINKS_AT + 4 * m
}

fn word<const N: usize>(bytes: &[u8], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    if let Some(b) = bytes.get(at..at + N) {
        out.copy_from_slice(b);
    }
    out
}

/// The dense ids in little-endian `bytes`.
pub(crate) fn ids(bytes: &[u8]) -> impl Iterator<Item = u32> + '_ {
    bytes
        .chunks_exact(4)
        .map(|b| <[u8; 4]>::try_from(b).map_or(0, u32::from_le_bytes))
}

/// The first `count` ids of the list at `at`, checked against the slot's end.
fn list(bytes: &[u8], count: u8, at: usize) -> Result<&[u8]> {
    bytes
        .get(at..at + 4 * usize::from(count))
        .ok_or_else(|| corrupt(format!("a link list of {count} runs past its slot")))
}

/// Writes `links` as the list at `at` with its count at `count_at`.
fn put_list(slot: &mut [u8], count_at: usize, at: usize, links: &[u32]) -> Result<()> {
    let count = u8::try_from(links.len()).map_err(|_| corrupt("a link list of over 255"))?;
    let room = slot
        .get_mut(at..at + 4 * links.len())
        .ok_or_else(|| corrupt("a link list longer than its slot"))?;
    for (chunk, id) in room.chunks_exact_mut(4).zip(links) {
        chunk.copy_from_slice(&id.to_le_bytes());
    }
    if let Some(c) = slot.get_mut(count_at) {
        *c = count;
    }
    Ok(())
}

/// A node slot, read in place.
#[derive(Clone, Copy)]
pub(crate) struct NodeSlot<'a>(pub(crate) &'a [u8]);

impl<'a> NodeSlot<'a> {
    /// The node (of a live slot).
    pub(crate) fn node(&self) -> u64 {
        u64::from_le_bytes(word(self.0, 0))
    }

    /// The level, [`FREE`] for a free slot.
    pub(crate) fn raw_level(&self) -> u8 {
        self.0.get(8).copied().unwrap_or(FREE)
    }

    /// Whether the slot is on the free list.
    pub(crate) fn is_free(&self) -> bool {
        self.raw_level() == FREE
    }

    /// The level of a live slot, checked.
    pub(crate) fn level(&self) -> Result<u8> {
        match self.raw_level() {
            l if l <= MAX_LEVEL => Ok(l),
            FREE => Err(corrupt("a link names a free slot")),
            l => Err(corrupt(format!(
                "a node slot's level {l} is above {MAX_LEVEL}"
            ))),
        }
    }

    /// The next free dense id plus one (of a free slot; 0 ends the list).
    pub(crate) fn next_free(&self) -> u64 {
        self.node()
    }

    /// The node's upper id (meaningful above level 0).
    pub(crate) fn upper(&self) -> u32 {
        u32::from_le_bytes(word(self.0, 12))
    }

    /// The level-0 links' bytes.
    pub(crate) fn links(&self) -> Result<&'a [u8]> {
        list(self.0, self.0.get(9).copied().unwrap_or(0), NODE_LINKS_AT)
    }
}

/// Writes a live node slot with no links.
pub(crate) fn put_node(slot: &mut [u8], node: u64, level: u8, upper: u32) {
    slot.fill(0);
    if let Some(b) = slot.get_mut(0..8) {
        b.copy_from_slice(&node.to_le_bytes());
    }
    if let Some(b) = slot.get_mut(8) {
        *b = level;
    }
    if let Some(b) = slot.get_mut(12..16) {
        b.copy_from_slice(&upper.to_le_bytes());
    }
}

/// Writes a free node slot whose successor on the free list is `next` (id plus one).
pub(crate) fn put_free_node(slot: &mut [u8], next: u32) {
    put_node(slot, u64::from(next), FREE, 0);
}

/// Writes the level-0 links of a node slot.
pub(crate) fn put_node_links(slot: &mut [u8], links: &[u32]) -> Result<()> {
    put_list(slot, 9, NODE_LINKS_AT, links)
}

/// An upper slot, read in place.
#[derive(Clone, Copy)]
pub(crate) struct UpperSlot<'a>(pub(crate) &'a [u8]);

impl<'a> UpperSlot<'a> {
    /// Whether the upper id is on the free list (level-1 slots only).
    pub(crate) fn is_free(&self) -> bool {
        self.0.get(1).copied() == Some(1)
    }

    /// The next free upper id plus one (of a free slot; 0 ends the list).
    pub(crate) fn next_free(&self) -> u32 {
        u32::from_le_bytes(word(self.0, 4))
    }

    /// The links' bytes.
    pub(crate) fn links(&self) -> Result<&'a [u8]> {
        list(self.0, self.0.first().copied().unwrap_or(0), UPPER_LINKS_AT)
    }
}

/// Writes an upper slot with no links; `free_next` makes it a free one with that successor.
pub(crate) fn put_upper(slot: &mut [u8], free_next: Option<u32>) {
    slot.fill(0);
    if let Some(next) = free_next {
        if let Some(b) = slot.get_mut(1) {
            *b = 1;
        }
        if let Some(b) = slot.get_mut(4..8) {
            b.copy_from_slice(&next.to_le_bytes());
        }
    }
}

/// Writes the links of an upper slot.
pub(crate) fn put_upper_links(slot: &mut [u8], links: &[u32]) -> Result<()> {
    put_list(slot, 0, UPPER_LINKS_AT, links)
}

/// The little-endian bytes of `vector`.
pub(crate) fn vector_bytes(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// The `f32`s of little-endian `bytes`.
pub(crate) fn vector_of(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|b| <[u8; 4]>::try_from(b).map_or(0.0, f32::from_le_bytes))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn node_slots_round_trip_through_their_bytes() {
        let mut slot = vec![0xAAu8; node_slot_len(4)];
        put_node(&mut slot, 1 << 40, 3, 9);
        put_node_links(&mut slot, &[1, 2, u32::MAX]).unwrap();
        let view = NodeSlot(&slot);
        assert_eq!(view.node(), 1 << 40);
        assert_eq!(view.level().unwrap(), 3);
        assert_eq!(view.upper(), 9);
        assert!(!view.is_free());
        assert_eq!(
            ids(view.links().unwrap()).collect::<Vec<_>>(),
            [1, 2, u32::MAX]
        );
        put_free_node(&mut slot, 12);
        let view = NodeSlot(&slot);
        assert!(view.is_free());
        assert_eq!(view.next_free(), 12);
        assert!(view.level().is_err());
    }

    #[test]
    fn upper_slots_round_trip_and_free_ones_say_so() {
        let mut slot = vec![0u8; upper_slot_len(2)];
        put_upper(&mut slot, None);
        put_upper_links(&mut slot, &[5, 6]).unwrap();
        assert_eq!(
            ids(UpperSlot(&slot).links().unwrap()).collect::<Vec<_>>(),
            [5, 6]
        );
        assert!(!UpperSlot(&slot).is_free());
        put_upper(&mut slot, Some(4));
        assert!(UpperSlot(&slot).is_free());
        assert_eq!(UpperSlot(&slot).next_free(), 4);
    }

    #[test]
    fn lists_longer_than_their_slot_are_refused_or_damage() {
        let mut slot = vec![0u8; node_slot_len(2)];
        assert!(put_node_links(&mut slot, &[1, 2, 3, 4, 5]).is_err());
        slot[9] = 200;
        assert!(NodeSlot(&slot).links().is_err());
        slot[8] = MAX_LEVEL + 1;
        assert!(NodeSlot(&slot).level().is_err());
    }
}
