//! Long neighbour lists: a hub page with, per edge type, a radix vector of segments.
//!
//! Appending touches the last segment of its type and the path above it: O(log degree), never
//! O(degree). Removing an entry moves the type's last entry into its place, so every segment
//! but the last stays full and a type's entries are `count` long without holes.

use pager_mmap::{PageId, PageSource, RadixVec, WriteTxn};
use zerocopy::little_endian::{U16, U32, U64};

use crate::Neighbor;
use crate::error::{Error, Result};
use crate::layout::{
    AdjEntry, HUB_THRESHOLD, HUB_TYPE_CAPACITY, HubPage, HubType, SEGMENT, SEGMENT_CAPACITY,
    SegEntry, SegmentPage,
};

/// The radix vector of segments of one type.
pub(crate) fn segments(t: &HubType) -> Result<RadixVec> {
    Ok(RadixVec::open(
        t.segments_root.get(),
        t.segments_height.get(),
    )?)
}

/// Where entry `i` of a type lies: segment index and position.
fn position(i: u64) -> (u64, usize) {
    // `% SEGMENT_CAPACITY` makes the cast lossless.
    (
        i / SEGMENT_CAPACITY as u64,
        (i % SEGMENT_CAPACITY as u64) as usize,
    )
}

/// The types of a hub, copied out, with their index in the page.
fn types(hub: &HubPage) -> Result<Vec<HubType>> {
    hub_types(hub).map(<[HubType]>::to_vec)
}

/// The entries of one segment of a type.
pub(crate) fn segment_entries<'a, S: PageSource>(
    src: &'a S,
    t: &HubType,
    index: u64,
) -> Result<&'a [SegEntry]> {
    let page = segments(t)?.get(src, index)?.ok_or_else(|| {
        Error::Corrupt(format!("type {} lacks segment {index}", t.edge_type.get()))
    })?;
    let seg = src.page_as::<SegmentPage>(page)?;
    let n = usize::from(seg.count.get());
    let expected = usize::try_from(
        t.count
            .get()
            .saturating_sub(index * SEGMENT_CAPACITY as u64),
    )
    .unwrap_or(usize::MAX)
    .min(SEGMENT_CAPACITY);
    if n != expected || seg.edge_type.get() != t.edge_type.get() {
        return Err(Error::Corrupt(format!(
            "segment {page} holds {n} entries of type {}, expected {expected} of {}",
            seg.edge_type.get(),
            t.edge_type.get()
        )));
    }
    seg.entries
        .get(..n)
        .ok_or_else(|| Error::Corrupt(format!("segment {page} count")))
}

/// Makes a new, empty hub page for `node`'s list in `direction`.
pub(crate) fn create(txn: &mut WriteTxn, node: u64, direction: u8) -> Result<PageId> {
    let (id, hub) = txn.alloc_as::<HubPage>()?;
    hub.node = U64::new(node);
    hub.direction = direction;
    Ok(id)
}

/// Appends `e` (already in range: its stored form) to the (writable) hub.
pub(crate) fn push(txn: &mut WriteTxn, hub_id: PageId, e: AdjEntry) -> Result<()> {
    let edge_type = u32::from(e.edge_type.get());
    let hub = txn.page_as::<HubPage>(hub_id)?;
    let all = types(hub)?;
    let (ti, mut t) = match all
        .iter()
        .enumerate()
        .find(|(_, t)| t.edge_type.get() == edge_type)
    {
        Some((ti, t)) => (ti, *t),
        None if all.len() < HUB_TYPE_CAPACITY => (
            all.len(),
            HubType {
                edge_type: U32::new(edge_type),
                reserved: U32::ZERO,
                count: U64::ZERO,
                segments_root: U64::ZERO,
                segments_height: U64::ZERO,
            },
        ),
        None => {
            return Err(Error::TooManyTypes {
                node: hub.node.get(),
                limit: HUB_TYPE_CAPACITY,
                threshold: HUB_THRESHOLD,
            });
        }
    };
    let mut segs = segments(&t)?;
    let (index, pos) = position(t.count.get());
    let path = segs
        .leaf_mut(txn, index, Some(SEGMENT))?
        .ok_or_else(|| Error::Corrupt("segment not created".into()))?;
    let seg = txn.page_mut_as::<SegmentPage>(path.leaf)?;
    if path.created {
        seg.edge_type = U32::new(edge_type);
    }
    let slot = seg
        .entries
        .get_mut(pos)
        .ok_or_else(|| Error::Corrupt("segment position".into()))?;
    *slot = SegEntry {
        neighbor: e.neighbor,
        edge: e.edge,
    };
    // `pos < SEGMENT_CAPACITY` < 2^16.
    seg.count = U16::new(pos as u16 + 1);
    t.count = U64::new(
        t.count
            .get()
            .checked_add(1)
            .ok_or_else(|| Error::Corrupt("a hub type count overflows".into()))?,
    );
    t.segments_root = U64::new(segs.root);
    t.segments_height = U64::new(segs.height);
    let hub = txn.page_mut_as::<HubPage>(hub_id)?;
    set_type(hub, ti, t)?;
    if ti == all.len() {
        hub.type_count = U32::new(hub.type_count.get() + 1);
    }
    hub.degree = U64::new(
        hub.degree
            .get()
            .checked_add(1)
            .ok_or_else(|| Error::Corrupt("a hub degree overflows".into()))?,
    );
    Ok(())
}

/// Fills a new, empty hub with `entries` (their stored form), as pushing each in order would,
/// but a segment page at a time: entries are grouped by type in order of first appearance (the
/// order `push` gives the hub's types), each type's run cut into full segments written whole.
pub(crate) fn fill(txn: &mut WriteTxn, hub_id: PageId, entries: &[AdjEntry]) -> Result<()> {
    let node = txn.page_as::<HubPage>(hub_id)?.node.get();
    let mut by_type: Vec<(u16, Vec<SegEntry>)> = Vec::new();
    for e in entries {
        let seg_entry = SegEntry {
            neighbor: e.neighbor,
            edge: e.edge,
        };
        let types = by_type.len();
        match by_type.iter_mut().find(|(t, _)| *t == e.edge_type.get()) {
            Some((_, list)) => list.push(seg_entry),
            None if types < HUB_TYPE_CAPACITY => {
                by_type.push((e.edge_type.get(), vec![seg_entry]));
            }
            None => {
                return Err(Error::TooManyTypes {
                    node,
                    limit: HUB_TYPE_CAPACITY,
                    threshold: HUB_THRESHOLD,
                });
            }
        }
    }
    let mut types = Vec::with_capacity(by_type.len());
    for (edge_type, list) in &by_type {
        let mut segs = RadixVec::default();
        for (index, chunk) in list.chunks(SEGMENT_CAPACITY).enumerate() {
            let path = segs
                .leaf_mut(txn, index as u64, Some(SEGMENT))?
                .ok_or_else(|| Error::Corrupt("segment not created".into()))?;
            let seg = txn.page_mut_as::<SegmentPage>(path.leaf)?;
            seg.edge_type = U32::new(u32::from(*edge_type));
            seg.entries
                .get_mut(..chunk.len())
                .ok_or_else(|| Error::Corrupt("segment position".into()))?
                .copy_from_slice(chunk);
            // `chunk.len() <= SEGMENT_CAPACITY` < 2^16.
            seg.count = U16::new(chunk.len() as u16);
        }
        types.push(HubType {
            edge_type: U32::new(u32::from(*edge_type)),
            reserved: U32::ZERO,
            count: U64::new(list.len() as u64),
            segments_root: U64::new(segs.root),
            segments_height: U64::new(segs.height),
        });
    }
    let hub = txn.page_mut_as::<HubPage>(hub_id)?;
    hub.types
        .get_mut(..types.len())
        .ok_or_else(|| Error::Corrupt("hub types".into()))?
        .copy_from_slice(&types);
    // At most HUB_TYPE_CAPACITY types (checked above).
    hub.type_count = U32::new(types.len() as u32);
    hub.degree = U64::new(entries.len() as u64);
    Ok(())
}

fn set_type(hub: &mut HubPage, ti: usize, t: HubType) -> Result<()> {
    let slot = hub
        .types
        .get_mut(ti)
        .ok_or_else(|| Error::Corrupt(format!("hub type slot {ti}")))?;
    *slot = t;
    Ok(())
}

/// Removes the entry of `n.edge` (of type `n.edge_type`) from the (writable) hub; false if it is
/// not there. Returns the hub's degree afterwards.
pub(crate) fn remove(txn: &mut WriteTxn, hub_id: PageId, n: Neighbor) -> Result<Option<u64>> {
    let all = types(txn.page_as::<HubPage>(hub_id)?)?;
    let Some((ti, &t)) = all
        .iter()
        .enumerate()
        .find(|(_, t)| t.edge_type.get() == n.edge_type)
    else {
        return Ok(None);
    };
    let mut t = t;
    let mut found = None;
    for index in 0..t.count.get().div_ceil(SEGMENT_CAPACITY as u64) {
        if let Some(pos) = segment_entries(&*txn, &t, index)?
            .iter()
            .position(|e| e.edge.get() == n.edge)
        {
            found = Some((index, pos));
            break;
        }
    }
    let Some((index, pos)) = found else {
        return Ok(None);
    };
    let mut segs = segments(&t)?;
    let (last_index, last_pos) = position(t.count.get() - 1);
    let last_path = segs
        .leaf_mut(txn, last_index, None)?
        .ok_or_else(|| Error::Corrupt("last segment missing".into()))?;
    let last_seg = txn.page_mut_as::<SegmentPage>(last_path.leaf)?;
    let moved = *last_seg
        .entries
        .get(last_pos)
        .ok_or_else(|| Error::Corrupt("last entry".into()))?;
    // `last_pos < SEGMENT_CAPACITY` < 2^16.
    last_seg.count = U16::new(last_pos as u16);
    if (index, pos) != (last_index, last_pos) {
        let path = segs
            .leaf_mut(txn, index, None)?
            .ok_or_else(|| Error::Corrupt("segment missing".into()))?;
        let seg = txn.page_mut_as::<SegmentPage>(path.leaf)?;
        *seg.entries
            .get_mut(pos)
            .ok_or_else(|| Error::Corrupt("segment position".into()))? = moved;
    }
    if last_pos == 0 {
        let path = segs
            .leaf_mut(txn, last_index, None)?
            .ok_or_else(|| Error::Corrupt("last segment missing".into()))?;
        segs.remove_leaf(txn, path)?;
    }
    t.count = U64::new(t.count.get() - 1);
    t.segments_root = U64::new(segs.root);
    t.segments_height = U64::new(segs.height);
    let hub = txn.page_mut_as::<HubPage>(hub_id)?;
    if t.count.get() == 0 {
        // The type's last entry goes; the hub's last type takes its place.
        let last = hub.type_count.get().saturating_sub(1) as usize;
        let last_type = *hub
            .types
            .get(last)
            .ok_or_else(|| Error::Corrupt("hub types".into()))?;
        set_type(hub, ti, last_type)?;
        hub.type_count = U32::new(last as u32);
    } else {
        set_type(hub, ti, t)?;
    }
    hub.degree = U64::new(
        hub.degree
            .get()
            .checked_sub(1)
            .ok_or_else(|| Error::Corrupt("a hub with entries claims degree 0".into()))?,
    );
    Ok(Some(hub.degree.get()))
}

/// Every entry of the hub, type by type.
pub(crate) fn entries(src: &impl PageSource, hub_id: PageId) -> Result<Vec<Neighbor>> {
    let mut out = Vec::new();
    for t in hub_types(src.page_as::<HubPage>(hub_id)?)? {
        for index in 0..t.count.get().div_ceil(SEGMENT_CAPACITY as u64) {
            for e in segment_entries(src, t, index)? {
                out.push(Neighbor {
                    node: e.neighbor.get(),
                    edge: e.edge.get(),
                    edge_type: t.edge_type.get(),
                });
            }
        }
    }
    Ok(out)
}

/// Frees the hub page and all its segments.
pub(crate) fn free(txn: &mut WriteTxn, hub_id: PageId) -> Result<()> {
    for t in types(txn.page_as::<HubPage>(hub_id)?)? {
        segments(&t)?.free_all(txn)?;
    }
    txn.free(hub_id)?;
    Ok(())
}

/// The types of a hub with their counts, read in place (a traversal reads them for every hub
/// it passes, so they are not copied).
pub(crate) fn hub_types(hub: &HubPage) -> Result<&[HubType]> {
    let n = usize::try_from(hub.type_count.get()).unwrap_or(usize::MAX);
    hub.types
        .get(..n)
        .ok_or_else(|| Error::Corrupt(format!("a hub claims {n} types")))
}
