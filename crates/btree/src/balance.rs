//! Keeping the tree balanced after a change: splitting overfull nodes, merging or
//! redistributing underfull ones, level by level up the copied path.
//!
//! A change to a leaf yields an [`Outcome`] for its parent; applying it to the parent yields
//! the parent's outcome for the grandparent, and so on until an outcome is [`Outcome::Done`]
//! or the root is reached ([`crate::tree::Tree`] then grows or shrinks the tree by a level).
//! The fill bounds these steps keep are derived in [`crate::layout`].

use pager_mmap::{PageId, PageType, WriteTxn};

use crate::cell::{branch_cell_at, encode_branch_cell, leaf_cell_at, shortest_separator};
use crate::cells::Cells;
use crate::error::{Result, corrupt};
use crate::layout::{
    BRANCH, LEAF, MERGE_BELOW, MIN_BRANCH_ENTRY, MIN_BRANCH_FILL, MIN_LEAF_FILL, NODE_BODY,
};
use crate::node::NodeRef;
use crate::slotted::{mark_underfull_beside_packed, remove, set_child, try_insert, write_cells};

/// What a changed node asks of its parent.
#[derive(Debug)]
pub(crate) enum Outcome {
    /// Nothing: the node is in place and within bounds.
    Done,
    /// The node is below [`MERGE_BELOW`]: merge it with a sibling if they fit together.
    Underfull,
    /// The node split: `right` follows it, holding the keys from `sep` on.
    Split {
        /// The separator between the node and `right`.
        sep: Vec<u8>,
        /// The new right sibling.
        right: PageId,
    },
}

/// How a list of cells is laid out in pages.
pub(crate) enum Arrangement {
    /// In one page.
    One(Cells),
    /// In two pages, with `sep` between them.
    Two {
        left: Cells,
        sep: Vec<u8>,
        right: Cells,
    },
}

/// The page type of a node of `level`.
pub(crate) fn node_type(level: u8) -> PageType {
    if level == 0 { LEAF } else { BRANCH }
}

/// The fill every non-root node of `level` keeps.
pub(crate) fn min_fill(level: u8) -> usize {
    if level == 0 {
        MIN_LEAF_FILL
    } else {
        MIN_BRANCH_FILL
    }
}

/// Where to divide an overfull node.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Split {
    /// Where the two sides differ least.
    Even,
    /// As far right as the minimum fill of the right side allows: the node overflowed by an
    /// entry added at its end, as ascending inserts do, and the left side will not grow.
    Append,
}

/// Where an overfull list of entries (their sizes, slot included) can be divided in two:
/// before entry `even` the two sides differ least; before entry `fullest` (if any) the left
/// side is as full as it can be with both sides keeping the minimum fill of `level`. `None`
/// for `even` when no division fits both sides in a page.
struct Division {
    even: Option<usize>,
    fullest: Option<usize>,
}

fn division(level: u8, sizes: &[usize]) -> Division {
    let total: usize = sizes.iter().sum();
    let mut best: Option<(usize, usize)> = None;
    let mut fullest = None;
    let mut left = 0;
    for (k, (before, at)) in sizes.iter().zip(sizes.iter().skip(1)).enumerate() {
        // Dividing before entry k + 1.
        let k = k + 1;
        left += before;
        let right = if level == 0 {
            total - left
        } else {
            MIN_BRANCH_ENTRY + (total - left - at)
        };
        if left <= NODE_BODY && right <= NODE_BODY {
            if left.min(right) >= min_fill(level) {
                fullest = Some(k);
            }
            let imbalance = left.abs_diff(right);
            if best.is_none_or(|(_, b)| imbalance < b) {
                best = Some((k, imbalance));
            }
        }
    }
    Division {
        even: best.map(|(k, _)| k),
        fullest,
    }
}

/// The separator between two leaves: the shortest key above the last of `left` and at most
/// the first of `right`.
pub(crate) fn leaf_separator(id: PageId, left: &Cells, right: &Cells) -> Result<Vec<u8>> {
    let last_left = left.last().ok_or_else(|| corrupt(id, "empty left side"))?;
    let first_right = right
        .first()
        .ok_or_else(|| corrupt(id, "empty right side"))?;
    let a = leaf_cell_at(last_left, 0, id)?.key;
    let b = leaf_cell_at(first_right, 0, id)?.key;
    Ok(shortest_separator(a, b).to_vec())
}

/// Lays out the cells of a node of `level` in one page if they fit, else in two, divided as
/// `split` asks. An even division is within one entry of balanced, so both sides keep the
/// minimum fill (see [`crate::layout`]); an append division is used only where both sides
/// keep it too. For a branch the first cell of the right side gives its key up as the
/// separator.
pub(crate) fn arrange(id: PageId, level: u8, cells: Cells, split: Split) -> Result<Arrangement> {
    let sizes = cells.sizes();
    if sizes.iter().sum::<usize>() <= NODE_BODY {
        return Ok(Arrangement::One(cells));
    }
    let Division { even, fullest } = division(level, &sizes);
    let even = even.ok_or_else(|| corrupt(id, "no division of an overfull node fits"))?;
    let k = match (split, fullest) {
        (Split::Append, Some(k)) => k.max(even),
        _ => even,
    };
    let mut left = cells;
    let mut right = left.split_off(k);
    let sep = if level == 0 {
        leaf_separator(id, &left, &right)?
    } else {
        let first_right = right
            .first()
            .ok_or_else(|| corrupt(id, "empty right side"))?;
        let promoted = branch_cell_at(first_right, 0, id)?;
        let sep = promoted.key.to_vec();
        right.replace_first(&encode_branch_cell(promoted.child, &[]));
        sep
    };
    Ok(Arrangement::Two { left, sep, right })
}

/// Makes room in the overfull leaf `child` (a page this transaction owns, child `index` of
/// `parent`) by moving its first entries into its left sibling instead of splitting it: as
/// many as fill the sibling with both leaves keeping the minimum fill. Ascending inserts (at
/// the right edge of a tree, or at the end of a run of keys inside it, as a kind's nodes in a
/// by-kind index) then leave every leaf they pass full; splits alone leave each at the fill
/// the new right side does not need, about 63 % of a page with small entries. `cells` are
/// the child's entries with the new one; they are taken only when entries move. The sibling's
/// entries are never read: its used bytes decide how many move, and those are added at its
/// end. Returns the parent's outcome (its separator before `child` changed), or `None` when
/// there is no left sibling or it has no room for the first entry.
pub(crate) fn shift_left(
    txn: &mut WriteTxn,
    (parent, index): (PageId, usize),
    child: PageId,
    cells: &mut Cells,
    parent_is_root: bool,
) -> Result<Option<Outcome>> {
    let Some(j) = index.checked_sub(1) else {
        return Ok(None);
    };
    let sibling = NodeRef::read(txn, parent, None)?.child(j)?;
    let (sibling_used, sibling_count) = {
        let node = NodeRef::read(txn, sibling, Some(0))?;
        if node.packed.is_some() {
            // A packed leaf takes no entries in place.
            return Ok(None);
        }
        (node.used()?, node.count)
    };
    let Some(moved) = entries_to_move(sibling_used, &cells.sizes()) else {
        return Ok(None);
    };
    let right = cells.split_off(moved);
    let sep = leaf_separator(child, cells, &right)?;
    let sibling = txn.cow(sibling)?;
    let page = txn.page_mut(sibling)?;
    for (at, cell) in (sibling_count..).zip(cells.iter()) {
        if !try_insert(sibling, page, at, cell)? {
            return Err(corrupt(
                sibling,
                "a leaf's used bytes promised room it did not have",
            ));
        }
    }
    cells.clear();
    write_cells(child, txn.page_mut(child)?, LEAF, 0, &right)?;
    let page = txn.page_mut(parent)?;
    set_child(parent, page, j, sibling)?;
    remove(parent, page, index)?;
    let cell = encode_branch_cell(child, &sep);
    insert_cell(txn, parent, index, cell, parent_is_root).map(Some)
}

/// How many of a leaf's first entries (their sizes, slot included) its left sibling, with
/// `sibling_used` bytes in use, takes: the most that fit with both leaves keeping the minimum
/// fill, and at least one (else `None`). The fullest division of the two leaves' entries
/// together ([`division`]) restricted to moving entries, found without the sibling's entries.
fn entries_to_move(sibling_used: usize, sizes: &[usize]) -> Option<usize> {
    let total: usize = sizes.iter().sum();
    let mut left = sibling_used;
    let mut moved = None;
    for (m, size) in sizes.iter().enumerate().take(sizes.len().saturating_sub(1)) {
        left += size;
        let right = total - (left - sibling_used);
        if left <= NODE_BODY && right <= NODE_BODY && left.min(right) >= MIN_LEAF_FILL {
            moved = Some(m + 1);
        }
    }
    moved
}

/// The outcome for a node that changed in place: underfull or done.
pub(crate) fn node_state(txn: &WriteTxn, id: PageId, is_root: bool) -> Result<Outcome> {
    if is_root {
        return Ok(Outcome::Done);
    }
    let used = NodeRef::read(txn, id, None)?.used()?;
    Ok(if used < MERGE_BELOW {
        Outcome::Underfull
    } else {
        Outcome::Done
    })
}

/// Writes `cells` as the node `id` at `level` (a page this transaction owns), splitting off a
/// new right sibling if they do not fit.
pub(crate) fn store(
    txn: &mut WriteTxn,
    id: PageId,
    level: u8,
    cells: Cells,
    is_root: bool,
    split: Split,
) -> Result<Outcome> {
    let page_type = node_type(level);
    match arrange(id, level, cells, split)? {
        Arrangement::One(cells) => {
            write_cells(id, txn.page_mut(id)?, page_type, level, &cells)?;
            node_state(txn, id, is_root)
        }
        Arrangement::Two { left, sep, right } => {
            write_cells(id, txn.page_mut(id)?, page_type, level, &left)?;
            let (right_id, page) = txn.alloc(page_type)?;
            write_cells(right_id, page, page_type, level, &right)?;
            Ok(Outcome::Split {
                sep,
                right: right_id,
            })
        }
    }
}

/// Applies the outcome of each changed node to its parent, from the leaf up. `path` holds
/// the branches from the root down, each with the index of the child taken; all are pages
/// this transaction owns. Returns the root's outcome.
pub(crate) fn propagate(
    txn: &mut WriteTxn,
    path: &[(PageId, usize)],
    mut outcome: Outcome,
) -> Result<Outcome> {
    for (depth, &(parent, index)) in path.iter().enumerate().rev() {
        let is_root = depth == 0;
        outcome = match outcome {
            Outcome::Done => return Ok(Outcome::Done),
            Outcome::Split { sep, right } => {
                let cell = encode_branch_cell(right, &sep);
                insert_cell(txn, parent, index + 1, cell, is_root)?
            }
            Outcome::Underfull => rebalance(txn, parent, index, is_root)?,
        };
    }
    Ok(outcome)
}

/// Inserts `cell` at `index` of branch `parent`, in place if it fits, else by rewriting (and
/// maybe splitting) the branch.
fn insert_cell(
    txn: &mut WriteTxn,
    parent: PageId,
    index: usize,
    cell: Vec<u8>,
    is_root: bool,
) -> Result<Outcome> {
    if try_insert(parent, txn.page_mut(parent)?, index, &cell)? {
        return node_state(txn, parent, is_root);
    }
    let node = NodeRef::read(txn, parent, None)?;
    let level = node.level;
    let mut cells = Cells::of(&node)?;
    if index > cells.len() {
        return Err(corrupt(parent, "insert beyond the last cell"));
    }
    cells.insert(index, &cell);
    let split = if index + 1 == cells.len() {
        Split::Append
    } else {
        Split::Even
    };
    store(txn, parent, level, cells, is_root, split)
}

/// Brings child `index` of `parent` (an underfull page this transaction owns) back within
/// bounds: merges it with a sibling when the two fit in one page, otherwise, if it is below
/// the minimum fill, shares a sibling's entries with it. Packed leaves ([`crate::packed`]) are
/// never joined: a leaf whose only siblings are packed stays as it is (marked, if below the
/// minimum fill: [`crate::layout::UNDERFULL_BESIDE_PACKED`]), or is dropped from the parent if
/// it is empty.
fn rebalance(txn: &mut WriteTxn, parent: PageId, index: usize, is_root: bool) -> Result<Outcome> {
    let p = NodeRef::read(txn, parent, None)?;
    if p.count < 2 {
        // No sibling to work with: the parent itself must go (it is underfull too).
        return node_state(txn, parent, is_root);
    }
    let level = p
        .level
        .checked_sub(1)
        .ok_or_else(|| corrupt(parent, "a leaf as a parent"))?;
    let child = p.child(index)?;
    // Pairs (j, j + 1) of adjacent children that include the child: left sibling first.
    let mut pairs = Vec::with_capacity(2);
    if index > 0 {
        pairs.push(index - 1);
    }
    if index + 1 < p.count {
        pairs.push(index);
    }
    let (used, count) = {
        let node = NodeRef::read(txn, child, Some(level))?;
        (node.used()?, node.count)
    };
    let mut joinable = Vec::with_capacity(2);
    for &j in &pairs {
        let sibling = NodeRef::read(
            txn,
            p.child(if j == index { j + 1 } else { j })?,
            Some(level),
        )?;
        if sibling.packed.is_some() {
            continue;
        }
        joinable.push(j);
        // A branch merge moves the separator down into the right node's first cell.
        let separator = if level == 0 { 0 } else { p.key(j + 1)?.len() };
        if used + sibling.used()? + separator <= NODE_BODY {
            return join(txn, parent, j, child, level, is_root);
        }
    }
    match joinable.first() {
        Some(&j) if used < min_fill(level) => join(txn, parent, j, child, level, is_root),
        None if count == 0 => drop_child(txn, parent, index, is_root),
        None if used < min_fill(level) => {
            mark_underfull_beside_packed(child, txn.page_mut(child)?)?;
            Ok(Outcome::Done)
        }
        _ => Ok(Outcome::Done),
    }
}

/// Removes the empty child `index` from `parent` and frees it. When it was the first child,
/// the next one takes its place with the first cell's empty key: its keys are above the old
/// separator, which lies within the parent's range.
fn drop_child(txn: &mut WriteTxn, parent: PageId, index: usize, is_root: bool) -> Result<Outcome> {
    let (child, next) = {
        let p = NodeRef::read(txn, parent, None)?;
        let next = if index == 0 { Some(p.child(1)?) } else { None };
        (p.child(index)?, next)
    };
    txn.free(child)?;
    let page = txn.page_mut(parent)?;
    match next {
        Some(next) => {
            remove(parent, page, 1)?;
            set_child(parent, page, 0, next)?;
        }
        None => remove(parent, page, index)?,
    }
    node_state(txn, parent, is_root)
}

/// The cells of two adjacent nodes of one level as one list, in order: for branches, the
/// separator `sep` between them moves down into the right node's first cell.
pub(crate) fn joined_cells(left: &NodeRef<'_>, right: &NodeRef<'_>, sep: &[u8]) -> Result<Cells> {
    let mut cells = Cells::of(left)?;
    if left.is_leaf {
        cells.append(&Cells::of(right)?);
    } else {
        cells.push(&encode_branch_cell(right.child(0)?, sep));
        for i in 1..right.count {
            cells.push(right.cell_bytes(i)?);
        }
    }
    Ok(cells)
}

/// Rewrites children `j` and `j + 1` of `parent`, one of which is `child` (a page this
/// transaction owns), as one node if their entries fit in a page, else as two nodes with
/// the entries divided evenly. The other child's page is freed (and replaced by a new one
/// if two nodes remain).
fn join(
    txn: &mut WriteTxn,
    parent: PageId,
    j: usize,
    child: PageId,
    level: u8,
    is_root: bool,
) -> Result<Outcome> {
    let (cells, a, b) = {
        let p = NodeRef::read(txn, parent, None)?;
        let (a, b) = (p.child(j)?, p.child(j + 1)?);
        let left = NodeRef::read(txn, a, Some(level))?;
        let right = NodeRef::read(txn, b, Some(level))?;
        (joined_cells(&left, &right, p.key(j + 1)?)?, a, b)
    };
    let sibling = if child == a { b } else { a };
    let page_type = node_type(level);
    match arrange(child, level, cells, Split::Even)? {
        Arrangement::One(cells) => {
            txn.free(sibling)?;
            let page = txn.page_mut(child)?;
            write_cells(child, page, page_type, level, &cells)?;
            if level == 0 && cells.size() < MIN_LEAF_FILL {
                // Two leaves below the minimum fill joined: one had been left so beside a
                // packed leaf, and the joined one stays below it with the same excuse.
                mark_underfull_beside_packed(child, page)?;
            }
            let page = txn.page_mut(parent)?;
            set_child(parent, page, j, child)?;
            remove(parent, page, j + 1)?;
            node_state(txn, parent, is_root)
        }
        Arrangement::Two { left, sep, right } => {
            txn.free(sibling)?;
            let (new, page) = txn.alloc(page_type)?;
            let (left_id, right_id) = if child == a {
                (child, new)
            } else {
                (new, child)
            };
            write_cells(
                new,
                page,
                page_type,
                level,
                if new == left_id { &left } else { &right },
            )?;
            let kept = if child == left_id { &left } else { &right };
            write_cells(child, txn.page_mut(child)?, page_type, level, kept)?;
            let page = txn.page_mut(parent)?;
            set_child(parent, page, j, left_id)?;
            remove(parent, page, j + 1)?;
            insert_cell(
                txn,
                parent,
                j + 1,
                encode_branch_cell(right_id, &sep),
                is_root,
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cell::{ValueRef, encode_leaf_cell};
    use crate::layout::{MAX_BRANCH_ENTRY, MAX_KEY_LEN, MAX_LEAF_ENTRY, SLOT_SIZE};

    fn sizes(cells: &Cells) -> usize {
        cells.size()
    }

    /// A shift into the left sibling, found from the sibling's used bytes alone, moves as
    /// many entries as the fullest division of both leaves' entries that moves any.
    #[test]
    fn entries_to_move_matches_the_fullest_division_of_both_leaves() {
        let mut rng = fastrand::Rng::with_seed(19);
        for _ in 0..20_000 {
            let entry = |rng: &mut fastrand::Rng| SLOT_SIZE + rng.usize(4..=MAX_LEAF_ENTRY / 4);
            let mut sibling = Vec::new();
            let fill = rng.usize(0..=NODE_BODY);
            while sibling.iter().sum::<usize>() < fill {
                sibling.push(entry(&mut rng));
            }
            if sibling.iter().sum::<usize>() > NODE_BODY {
                sibling.pop();
            }
            let child: Vec<usize> = (0..rng.usize(1..120)).map(|_| entry(&mut rng)).collect();
            let all: Vec<usize> = sibling.iter().chain(&child).copied().collect();
            let want = division(0, &all)
                .fullest
                .filter(|&k| k > sibling.len())
                .map(|k| k - sibling.len());
            assert_eq!(
                entries_to_move(sibling.iter().sum(), &child),
                want,
                "sibling {sibling:?}, child {child:?}"
            );
        }
    }

    /// Random overfull cell lists (up to a page plus one maximal entry, or an underfull node
    /// plus a full sibling) always divide into two pages within the minimum fill.
    #[test]
    fn every_overfull_node_divides_within_the_fill_bounds() {
        let mut rng = fastrand::Rng::with_seed(7);
        for round in 0..3000 {
            let level = (round % 2) as u8;
            let max_key = if rng.bool() {
                MAX_KEY_LEN
            } else {
                rng.usize(1..64)
            };
            let mut cells = Cells::default();
            // An insert overfills a node by at most one entry; a redistribution joins a node
            // below the minimum fill with a full sibling (and, for branches, a separator).
            let extra = match (level, rng.bool()) {
                (0, true) => MAX_LEAF_ENTRY,
                (0, false) => MIN_LEAF_FILL,
                (_, true) => MAX_BRANCH_ENTRY,
                (_, false) => MIN_BRANCH_FILL + MAX_BRANCH_ENTRY,
            };
            let limit = NODE_BODY + extra;
            loop {
                let key: Vec<u8> = {
                    let mut k = vec![0u8; rng.usize(1..=max_key)];
                    // Keys stay sorted: a growing prefix followed by filler.
                    k[0] = cells.len() as u8;
                    k
                };
                let cell = if level == 0 {
                    let room = crate::layout::INLINE_PAYLOAD_MAX - key.len();
                    encode_leaf_cell(&key, &ValueRef::Inline(&vec![1; rng.usize(0..=room)]))
                } else if cells.is_empty() {
                    encode_branch_cell(PageId(3), &[])
                } else {
                    encode_branch_cell(PageId(3), &key)
                };
                if sizes(&cells) + SLOT_SIZE + cell.len() > limit {
                    break;
                }
                cells.push(&cell);
            }
            if sizes(&cells) <= NODE_BODY {
                continue;
            }
            let split = if rng.bool() {
                Split::Even
            } else {
                Split::Append
            };
            match arrange(PageId(9), level, cells, split).expect("arrange") {
                Arrangement::One(_) => panic!("an overfull node fit one page"),
                Arrangement::Two { left, right, .. } => {
                    for side in [&left, &right] {
                        assert!(sizes(side) <= NODE_BODY);
                        assert!(sizes(side) >= min_fill(level), "round {round}");
                    }
                }
            }
        }
    }
}
