//! Short neighbour lists: contiguous runs in the run pages a leaf owns.
//!
//! A leaf's slots say where each run is (page index in the leaf's `pages`, offset, count), so
//! the live entries of a run page are derived from the slots; nothing else records them. A new
//! list's run reserves exactly its entries. A run that outgrows its capacity grows in place when
//! the entries after it are free, and otherwise moves to a page with room (packing that page
//! first if its free space is fragmented). A page left without runs is freed.

use pager_mmap::{PageId, PageSource, WriteTxn};
use zerocopy::FromZeros;
use zerocopy::little_endian::{U16, U64};

use crate::error::{Error, Result};
use crate::layout::{
    AdjEntry, AdjLeafPage, FORM_EMPTY, FORM_HUB, FORM_RUN, HUB_THRESHOLD, INLINE_CAPACITY,
    LEAF_PAGES, ListSlot, RUN_CAPACITY, RunPage,
};

/// A slot of the leaf, copied out.
#[inline]
pub(crate) fn slot(leaf: &AdjLeafPage, index: usize) -> Result<ListSlot> {
    leaf.slots
        .get(index)
        .copied()
        .ok_or_else(|| Error::Corrupt(format!("no list slot {index}")))
}

/// Overwrites a slot of the leaf.
pub(crate) fn set_slot(
    txn: &mut WriteTxn,
    leaf: PageId,
    index: usize,
    value: ListSlot,
) -> Result<()> {
    let page = txn.page_mut_as::<AdjLeafPage>(leaf)?;
    let slot = page
        .slots
        .get_mut(index)
        .ok_or_else(|| Error::Corrupt(format!("no list slot {index}")))?;
    *slot = value;
    Ok(())
}

/// An empty slot.
pub(crate) const EMPTY: ListSlot = ListSlot {
    form: FORM_EMPTY,
    reserved: 0,
    capacity: U16::ZERO,
    page: U16::ZERO,
    offset: U16::ZERO,
    count: U16::ZERO,
};

/// The page id at `index` of the leaf's page array (an inline leaf owns none).
#[inline]
pub(crate) fn owned_page(leaf: &AdjLeafPage, index: u16) -> Result<PageId> {
    if leaf.is_inline() {
        return Err(Error::Corrupt(format!(
            "a list of an inline leaf refers to page slot {index}"
        )));
    }
    match leaf.pages.get(usize::from(index)).map(|p| p.get()) {
        Some(id) if id != 0 => Ok(PageId(id)),
        _ => Err(Error::Corrupt(format!(
            "list refers to empty page slot {index}"
        ))),
    }
}

/// The entries of the leaf's run page `index`, where its runs' offsets point: the run page's,
/// or an inline leaf's own (whose runs all name page 0).
#[inline]
pub(crate) fn run_area<'a, S: PageSource>(
    src: &'a S,
    leaf: &'a AdjLeafPage,
    index: u16,
) -> Result<&'a [AdjEntry]> {
    if leaf.is_inline() && index == 0 {
        return Ok(leaf.inline_entries());
    }
    Ok(&src.page_as::<RunPage>(owned_page(leaf, index)?)?.entries)
}

/// Turns an inline leaf (writable) into one with a run page: the entries move to a new run
/// page at the same offsets, page 0 of the leaf, so no slot changes. Every writer of a leaf's
/// runs and pages works on leaves in this form.
pub(crate) fn expand_inline(txn: &mut WriteTxn, leaf: PageId) -> Result<()> {
    let page = txn.page_as::<AdjLeafPage>(leaf)?;
    if !page.is_inline() {
        return Ok(());
    }
    let entries = *page.inline_entries();
    let used = page.inline_used;
    if usize::from(used.get()) > INLINE_CAPACITY {
        return Err(Error::Corrupt(format!(
            "inline leaf {leaf} uses {} of {INLINE_CAPACITY} entries",
            used.get()
        )));
    }
    let (id, run_page) = txn.alloc_as::<RunPage>()?;
    run_page
        .entries
        .get_mut(..entries.len())
        .ok_or_else(|| Error::Corrupt("a run page smaller than an inline leaf".into()))?
        .copy_from_slice(&entries);
    run_page.used = used;
    let page = txn.page_mut_as::<AdjLeafPage>(leaf)?;
    page.pages.fill(U64::ZERO);
    *page
        .pages
        .first_mut()
        .ok_or_else(|| Error::Corrupt("a leaf without page slots".into()))? = U64::new(id.0);
    page.inline_used = U16::ZERO;
    Ok(())
}

/// Makes the leaf's page `index` writable, repointing the leaf at the copy.
pub(crate) fn cow_owned(txn: &mut WriteTxn, leaf: PageId, index: u16) -> Result<PageId> {
    let old = owned_page(txn.page_as::<AdjLeafPage>(leaf)?, index)?;
    let new = txn.cow(old)?;
    if new != old {
        set_owned(txn, leaf, index, new)?;
    }
    Ok(new)
}

fn set_owned(txn: &mut WriteTxn, leaf: PageId, index: u16, page: PageId) -> Result<()> {
    let entry = txn
        .page_mut_as::<AdjLeafPage>(leaf)?
        .pages
        .get_mut(usize::from(index))
        .ok_or_else(|| Error::Corrupt(format!("no page slot {index}")))?;
    *entry = U64::new(page.0);
    Ok(())
}

/// Puts a new page into the leaf's first free page slot.
pub(crate) fn adopt(txn: &mut WriteTxn, leaf: PageId, page: PageId) -> Result<u16> {
    let free = txn
        .page_as::<AdjLeafPage>(leaf)?
        .pages
        .iter()
        .position(|p| p.get() == 0);
    // The leaf has page slots for its worst case (asserted in `layout`).
    let index =
        free.ok_or_else(|| Error::Corrupt("an adjacency leaf has no free page slot".into()))?;
    let index = u16::try_from(index).map_err(|_| Error::Corrupt("page slot index".into()))?;
    set_owned(txn, leaf, index, page)?;
    Ok(index)
}

/// Frees the leaf's page `index` and clears its slot.
pub(crate) fn release(txn: &mut WriteTxn, leaf: PageId, index: u16) -> Result<()> {
    let page = owned_page(txn.page_as::<AdjLeafPage>(leaf)?, index)?;
    txn.free(page)?;
    clear_owned(txn, leaf, index)
}

/// Clears the leaf's page slot `index` (its page already freed).
pub(crate) fn clear_owned(txn: &mut WriteTxn, leaf: PageId, index: u16) -> Result<()> {
    set_owned(txn, leaf, index, PageId(0))
}

/// The capacity a run of `count` entries gets when it moves: room to grow by half (at least 4
/// entries), within a short list's limit. Growing by half rather than doubling keeps a third
/// less slack for about one more move per list.
pub(crate) fn grown_capacity(count: usize) -> usize {
    (count + count / 2).clamp(4, HUB_THRESHOLD).max(count)
}

/// The entries of a run, copied out of its page.
pub(crate) fn run_entries(page: &RunPage, slot: &ListSlot) -> Result<Vec<AdjEntry>> {
    let start = usize::from(slot.offset.get());
    let end = start + usize::from(slot.count.get());
    page.entries
        .get(start..end)
        .map(<[AdjEntry]>::to_vec)
        .ok_or_else(|| Error::Corrupt(format!("a run {start}..{end} beyond its page")))
}

/// Appends `new` to the list in slot `index` (empty, or a run), which must stay within
/// [`HUB_THRESHOLD`] entries. A new list's run reserves exactly its entries: most lists never
/// grow, so slack is given only to a list that does. A run with spare capacity takes the entries
/// in place; one that outgrows it gets room to grow by half, in place if the entries after it
/// are free, else by moving. A run moves only after growing by half since its last move, so the
/// copying amortises to O(1) per appended entry.
pub(crate) fn append(
    txn: &mut WriteTxn,
    leaf: PageId,
    index: usize,
    new: &[AdjEntry],
) -> Result<()> {
    if new.is_empty() {
        return Ok(());
    }
    let current = slot(txn.page_as::<AdjLeafPage>(leaf)?, index)?;
    if current.form != FORM_RUN {
        return place(txn, leaf, index, new, new.len(), None);
    }
    let total = usize::from(current.count.get()) + new.len();
    if total <= usize::from(current.capacity.get()) {
        return fill(txn, leaf, index, current, new);
    }
    let capacity = grown_capacity(total);
    if let Some(grown) = grow_in_place(txn, leaf, index, current, capacity)? {
        return fill(txn, leaf, index, grown, new);
    }
    let page = owned_page(txn.page_as::<AdjLeafPage>(leaf)?, current.page.get())?;
    let mut entries = run_entries(txn.page_as::<RunPage>(page)?, &current)?;
    entries.extend_from_slice(new);
    place(
        txn,
        leaf,
        index,
        &entries,
        capacity,
        Some(current.page.get()),
    )
}

/// Writes `new` after the run `current` of slot `index`, whose capacity has room for them.
fn fill(
    txn: &mut WriteTxn,
    leaf: PageId,
    index: usize,
    current: ListSlot,
    new: &[AdjEntry],
) -> Result<()> {
    let page_id = cow_owned(txn, leaf, current.page.get())?;
    let at = usize::from(current.offset.get()) + usize::from(current.count.get());
    let dst = txn
        .page_mut_as::<RunPage>(page_id)?
        .entries
        .get_mut(at..at + new.len())
        .ok_or_else(|| Error::Corrupt(format!("run entry {at} beyond its page")))?;
    dst.copy_from_slice(new);
    // The run stays within its capacity (at most HUB_THRESHOLD < 2^16), so the count fits.
    let grown = ListSlot {
        count: U16::new(current.count.get() + new.len() as u16),
        ..current
    };
    set_slot(txn, leaf, index, grown)
}

/// Widens the run `current` of slot `index` to `capacity` entries where it is, if the entries
/// after its reserved range are free that far (no other run starts there and the page has
/// room); returns the widened slot (not yet stored with a new count), or `None`.
fn grow_in_place(
    txn: &mut WriteTxn,
    leaf: PageId,
    index: usize,
    current: ListSlot,
    capacity: usize,
) -> Result<Option<ListSlot>> {
    let leaf_page = txn.page_as::<AdjLeafPage>(leaf)?;
    let start = usize::from(current.offset.get());
    // Reserved ranges do not overlap, so the first run starting after this one's start bounds
    // its room.
    let next = leaf_page
        .slots
        .iter()
        .enumerate()
        .filter(|(i, s)| *i != index && s.form == FORM_RUN && s.page == current.page)
        .map(|(_, s)| usize::from(s.offset.get()))
        .filter(|offset| *offset > start)
        .min()
        .unwrap_or(RUN_CAPACITY);
    if start + capacity > next {
        return Ok(None);
    }
    let page_id = cow_owned(txn, leaf, current.page.get())?;
    let page = txn.page_mut_as::<RunPage>(page_id)?;
    // `capacity <= start + capacity <= RUN_CAPACITY` < 2^16.
    let end = (start + capacity) as u16;
    if page.used.get() < end {
        page.used = U16::new(end);
    }
    let grown = ListSlot {
        capacity: U16::new(capacity as u16),
        ..current
    };
    set_slot(txn, leaf, index, grown)?;
    Ok(Some(grown))
}

/// Stores `entries` as the run of slot `index` with room for `capacity` entries, moving it from
/// page `from` (if given).
pub(crate) fn place(
    txn: &mut WriteTxn,
    leaf: PageId,
    index: usize,
    entries: &[AdjEntry],
    capacity: usize,
    from: Option<u16>,
) -> Result<()> {
    set_slot(txn, leaf, index, EMPTY)?;
    let target = match find_room(txn, leaf, capacity, from)? {
        Some(page) => page,
        None => {
            let (id, _) = txn.alloc_as::<RunPage>()?;
            adopt(txn, leaf, id)?
        }
    };
    let page_id = cow_owned(txn, leaf, target)?;
    let page = txn.page_mut_as::<RunPage>(page_id)?;
    let offset = page.used.get();
    let dst = page
        .entries
        .get_mut(usize::from(offset)..usize::from(offset) + entries.len())
        .ok_or_else(|| Error::Corrupt("no room where room was found".into()))?;
    dst.copy_from_slice(entries);
    // `offset + capacity <= RUN_CAPACITY` < 2^16 (found room).
    page.used = U16::new(offset + capacity as u16);
    let count = U16::new(entries.len() as u16);
    let moved = ListSlot {
        form: FORM_RUN,
        reserved: 0,
        capacity: U16::new(capacity as u16),
        page: U16::new(target),
        offset: U16::new(offset),
        count,
    };
    set_slot(txn, leaf, index, moved)?;
    if let Some(from) = from
        && from != target
    {
        release_if_unused(txn, leaf, from)?;
    }
    Ok(())
}

/// A run page of the leaf (preferring `prefer`) with room for `needed` more entries after the
/// used mark, packing it first if only its fragmented space would fit them.
fn find_room(
    txn: &mut WriteTxn,
    leaf: PageId,
    needed: usize,
    prefer: Option<u16>,
) -> Result<Option<u16>> {
    let page = txn.page_as::<AdjLeafPage>(leaf)?;
    // Entries reserved on each page by the leaf's runs, in one pass over the slots (0 for hub
    // pages and unused page slots).
    let mut reserved = [0u16; LEAF_PAGES];
    for s in page.slots.iter().filter(|s| s.form == FORM_RUN) {
        if let Some(r) = reserved.get_mut(usize::from(s.page.get())) {
            *r = r.saturating_add(s.capacity.get());
        }
    }
    let fits = |i: u16| {
        reserved
            .get(usize::from(i))
            .is_some_and(|r| usize::from(*r) + needed <= RUN_CAPACITY)
    };
    // The page the list is leaving comes first (its other runs are still on it).
    let others = (0..LEAF_PAGES as u16)
        .filter(|i| Some(*i) != prefer && reserved.get(usize::from(*i)).is_some_and(|r| *r > 0));
    let Some(target) = prefer.into_iter().chain(others).find(|i| fits(*i)) else {
        return Ok(None);
    };
    let page_id = cow_owned(txn, leaf, target)?;
    if usize::from(txn.page_as::<RunPage>(page_id)?.used.get()) + needed > RUN_CAPACITY {
        pack(txn, leaf, target, page_id)?;
    }
    Ok(Some(target))
}

/// Moves the runs of a (writable) run page together at its start.
fn pack(txn: &mut WriteTxn, leaf: PageId, index: u16, page_id: PageId) -> Result<()> {
    let slots: Vec<(usize, ListSlot)> = txn
        .page_as::<AdjLeafPage>(leaf)?
        .slots
        .iter()
        .copied()
        .enumerate()
        .filter(|(_, s)| s.form == FORM_RUN && s.page.get() == index)
        .collect();
    let mut packed: Vec<AdjEntry> = Vec::with_capacity(RUN_CAPACITY);
    let mut moved = Vec::with_capacity(slots.len());
    {
        let page = txn.page_as::<RunPage>(page_id)?;
        for (i, s) in &slots {
            // `packed.len() <= RUN_CAPACITY` < 2^16: the reserved capacities fit the page.
            moved.push((
                *i,
                ListSlot {
                    offset: U16::new(packed.len() as u16),
                    ..*s
                },
            ));
            let entries = run_entries(page, s)?;
            let spare = usize::from(s.capacity.get()).saturating_sub(entries.len());
            packed.extend(entries);
            packed.extend(std::iter::repeat_n(AdjEntry::new_zeroed(), spare));
        }
    }
    let page = txn.page_mut_as::<RunPage>(page_id)?;
    let dst = page
        .entries
        .get_mut(..packed.len())
        .ok_or_else(|| Error::Corrupt("a run page over capacity".into()))?;
    dst.copy_from_slice(&packed);
    page.used = U16::new(packed.len() as u16);
    for (i, s) in moved {
        set_slot(txn, leaf, i, s)?;
    }
    Ok(())
}

/// Frees run page `index` if no run lives on it any more.
pub(crate) fn release_if_unused(txn: &mut WriteTxn, leaf: PageId, index: u16) -> Result<()> {
    let page = txn.page_as::<AdjLeafPage>(leaf)?;
    let in_use = page
        .slots
        .iter()
        .any(|s| (s.form == FORM_RUN || s.form == FORM_HUB) && s.page.get() == index);
    if !in_use {
        release(txn, leaf, index)?;
    }
    Ok(())
}

/// Removes the entry of edge `edge` from the run of slot `index`; false if it is not there.
pub(crate) fn remove(txn: &mut WriteTxn, leaf: PageId, index: usize, edge: u64) -> Result<bool> {
    let current = slot(txn.page_as::<AdjLeafPage>(leaf)?, index)?;
    let page_id = owned_page(txn.page_as::<AdjLeafPage>(leaf)?, current.page.get())?;
    let entries = run_entries(txn.page_as::<RunPage>(page_id)?, &current)?;
    let Some(pos) = entries.iter().position(|e| e.edge.get() == edge) else {
        return Ok(false);
    };
    let page_id = cow_owned(txn, leaf, current.page.get())?;
    let page = txn.page_mut_as::<RunPage>(page_id)?;
    let start = usize::from(current.offset.get());
    let last = start + entries.len() - 1;
    if let Some(moved) = page.entries.get(last).copied()
        && let Some(hole) = page.entries.get_mut(start + pos)
    {
        *hole = moved;
    }
    let count = current.count.get() - 1;
    if count == 0 {
        set_slot(txn, leaf, index, EMPTY)?;
        release_if_unused(txn, leaf, current.page.get())?;
    } else {
        set_slot(
            txn,
            leaf,
            index,
            ListSlot {
                count: U16::new(count),
                ..current
            },
        )?;
    }
    Ok(true)
}
