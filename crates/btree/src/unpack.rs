//! Unpacking: a write that reaches a packed leaf ([`crate::packed`]) first rewrites it as
//! slotted leaves, so that inserts, removals, splits and merges only ever change slotted pages.
//!
//! A packed leaf's entries, as plain cells, may need more than two pages. Those that fit two
//! (at most [`UNPACK_MAX`] bytes) are written as one or two slotted leaves, a split like any
//! insert's; larger ones are divided into two packed halves, and the write's next descent
//! unpacks the half it reaches (so a write pays for the entries near its key, never more than
//! a few page writes). Each step is a change of its own: the path is copied, the parent takes
//! the new separator and the tree's root and height are brought up to date.

use pager_mmap::{PageId, WriteTxn};

use crate::balance::{Outcome, Split, leaf_separator, propagate, store};
use crate::cells::Cells;
use crate::error::{Result, corrupt};
use crate::layout::{MAX_LEAF_ENTRY, NODE_BODY, PACKED_LEAF};
use crate::node::NodeRef;
use crate::packed::{Packer, pack_cells};
use crate::tree::Tree;

/// The most plain-cell bytes a packed leaf may hold to be unpacked in one step: an even
/// division of this many bytes leaves each side within a page (see [`crate::layout`]).
pub(crate) const UNPACK_MAX: usize = 2 * NODE_BODY - MAX_LEAF_ENTRY;

impl Tree {
    /// Rewrites `leaf`, a packed leaf this transaction owns reached through `path` (the
    /// branches from the root down, each with the child index taken, all owned too): as slotted
    /// leaves when its entries fit two, else as two packed halves.
    pub(crate) fn unpack(
        &mut self,
        txn: &mut WriteTxn,
        path: &[(PageId, usize)],
        leaf: PageId,
    ) -> Result<()> {
        let (mut cells, middle_group) = {
            let node = NodeRef::read(txn, leaf, Some(0))?;
            let packed = node
                .packed
                .ok_or_else(|| corrupt(leaf, "unpacking a slotted leaf"))?;
            (Cells::of(&node)?, packed.middle_group()?)
        };
        let is_root = path.is_empty();
        let outcome = if cells.size() <= UNPACK_MAX {
            store(txn, leaf, 0, cells, is_root, Split::Even)?
        } else {
            let at = match middle_group {
                Some(at) => at,
                None => one_group_division(leaf, &cells)?,
            };
            let right = cells.split_off(at);
            let sep = leaf_separator(leaf, &cells, &right)?;
            let (Some(left_page), Some(right_page)) =
                (one_page(leaf, &cells)?, one_page(leaf, &right)?)
            else {
                return Err(corrupt(
                    leaf,
                    "half a packed leaf does not fit a page (a packing bug)",
                ));
            };
            left_page.write(leaf, txn.page_mut(leaf)?)?;
            let (right_id, page) = txn.alloc(PACKED_LEAF)?;
            right_page.write(right_id, page)?;
            Outcome::Split {
                sep,
                right: right_id,
            }
        };
        let top = propagate(txn, path, outcome)?;
        let len = self.len();
        self.finish(txn, top, len)
    }
}

/// `cells` packed, if they fit one page.
fn one_page(id: PageId, cells: &Cells) -> Result<Option<Packer>> {
    let mut pages = pack_cells(id, cells)?;
    Ok(if pages.len() == 1 { pages.pop() } else { None })
}

/// Where to divide the entries of a packed leaf with one group (at most 16 entries, so trying
/// each place costs little): the division whose larger side packs smallest, among those where
/// both sides fit a page. The right side's first key is stored whole where it shared bytes
/// with the key before it, and those bytes are on the left side already, so a division that
/// fits exists whenever the leaf has two entries.
fn one_group_division(id: PageId, cells: &Cells) -> Result<usize> {
    let mut best: Option<(usize, usize)> = None;
    for at in 1..cells.len() {
        let mut left = cells.clone();
        let right = left.split_off(at);
        if let (Some(l), Some(r)) = (one_page(id, &left)?, one_page(id, &right)?) {
            let larger = l.size().max(r.size());
            if best.is_none_or(|(_, b)| larger < b) {
                best = Some((at, larger));
            }
        }
    }
    best.map(|(at, _)| at).ok_or_else(|| {
        corrupt(
            id,
            "no division of a packed leaf fits two pages (a packing bug)",
        )
    })
}
