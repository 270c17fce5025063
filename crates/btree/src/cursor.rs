//! Ordered iteration: a [`Cursor`] walks the leaves through a stack of nodes from the root
//! (copy-on-write trees have no sibling links), and [`Range`] runs two cursors, one from each
//! end, towards each other. Neither allocates on slotted leaves: paths and short bounds are
//! held inline, keys and values read in place. A packed leaf's keys are decoded into a buffer
//! the cursor keeps (one allocation), and each key yielded is copied out of it.

use std::borrow::Cow;
use std::ops::{Bound, RangeBounds};

use pager_mmap::{PageId, PageSource};

use crate::cell::ValueRef;
use crate::error::Result;
use crate::key_buf::KeyBuf;
use crate::node::{NodeRef, cmp_keys};
use crate::packed::Position;
use crate::path::NodePath;
use crate::tree::{Tree, load_value};

/// A key met by iteration: in its page (a slotted leaf), or copied out of the cursor's buffer
/// (a packed leaf, whose keys are not whole in the page). Both forms are a pointer and a
/// length: iteration moves entries by value, and a larger or unevenly laid out key (an inline
/// copy) measured a tenth slower on the adjacency delta's scans, in store-forwarding stalls.
#[derive(Clone, Debug)]
enum EntryKey<'a> {
    Page(&'a [u8]),
    Copied(Box<[u8]>),
}

impl EntryKey<'_> {
    #[inline]
    fn as_slice(&self) -> &[u8] {
        match self {
            EntryKey::Page(key) => key,
            EntryKey::Copied(key) => key,
        }
    }
}

/// One entry met by iteration: the value is read in place, and so is the key in a slotted
/// leaf.
pub struct Entry<'a, S: PageSource> {
    src: &'a S,
    key: EntryKey<'a>,
    value: ValueRef<'a>,
}

impl<'a, S: PageSource> Entry<'a, S> {
    /// The key.
    pub fn key(&self) -> &[u8] {
        self.key.as_slice()
    }

    /// The key, borrowed from its page when it is there whole (a slotted leaf), copied
    /// otherwise (a packed leaf, written by [`Tree::bulk_load_packed`]).
    pub fn into_key(self) -> Cow<'a, [u8]> {
        match self.key {
            EntryKey::Page(key) => Cow::Borrowed(key),
            key => Cow::Owned(key.as_slice().to_vec()),
        }
    }

    /// The value: borrowed from its page when inline, read from overflow pages otherwise.
    pub fn value(&self) -> Result<Cow<'a, [u8]>> {
        load_value(self.src, self.value)
    }

    /// The value's length, without reading it.
    pub fn value_len(&self) -> usize {
        self.value.len()
    }

    /// Whether the value lives in overflow pages (so [`Entry::value`] copies it).
    pub fn is_overflow(&self) -> bool {
        matches!(self.value, ValueRef::Overflow { .. })
    }
}

impl<S: PageSource> Clone for Entry<'_, S> {
    fn clone(&self) -> Self {
        Entry {
            src: self.src,
            key: self.key.clone(),
            value: self.value,
        }
    }
}

impl<S: PageSource> std::fmt::Debug for Entry<'_, S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Entry")
            .field("key", &self.key)
            .field("value_len", &self.value.len())
            .finish()
    }
}

/// A position in a tree: the branches from the root down, each with the child index taken,
/// and the leaf below them with the entry index (which may be one past the last entry).
/// Held inline: see [`NodePath`] for why the depth is bounded.
struct Cursor<'a> {
    branches: NodePath,
    leaf: Option<(NodeRef<'a>, usize)>,
    /// The entry last decoded in a packed leaf.
    packed: Position<'a>,
}

/// Where to place a cursor.
#[derive(Clone, Copy)]
enum Seek<'k> {
    /// At the first entry within the lower bound.
    Forward(Bound<&'k [u8]>),
    /// At the last entry within the upper bound.
    Backward(Bound<&'k [u8]>),
}

impl<'a> Cursor<'a> {
    /// A cursor on no entry.
    fn new() -> Cursor<'a> {
        Cursor {
            branches: NodePath::new(),
            leaf: None,
            packed: Position::default(),
        }
    }

    /// Places the cursor on the entry `seek` asks for; false when there is none.
    fn seek<S: PageSource>(&mut self, src: &'a S, tree: &Tree, seek: Seek<'_>) -> Result<bool> {
        self.branches.clear();
        self.leaf = None;
        if tree.root() == 0 {
            return Ok(false);
        }
        let mut node = NodeRef::read(src, PageId(tree.root()), Some(tree.root_level()?))?;
        while !node.is_leaf {
            let index = match seek {
                Seek::Forward(Bound::Unbounded) => 0,
                Seek::Backward(Bound::Unbounded) => node.count.saturating_sub(1),
                Seek::Forward(Bound::Included(k) | Bound::Excluded(k))
                | Seek::Backward(Bound::Included(k) | Bound::Excluded(k)) => {
                    node.search_branch(k)?
                }
            };
            self.branches.push(&node, index)?;
            node = NodeRef::read(src, node.child(index)?, Some(node.level - 1))?;
        }
        match seek {
            Seek::Forward(bound) => {
                let index = match bound {
                    Bound::Unbounded => 0,
                    Bound::Included(k) => self.partition(&node, k, false)?,
                    Bound::Excluded(k) => self.partition(&node, k, true)?,
                };
                self.leaf = Some((node, index));
                if index >= node.count {
                    return self.advance(src);
                }
            }
            Seek::Backward(bound) => {
                let after = match bound {
                    Bound::Unbounded => node.count,
                    Bound::Included(k) => node.partition(k, true)?,
                    Bound::Excluded(k) => node.partition(k, false)?,
                };
                self.leaf = Some((node, after.saturating_sub(1)));
                if after == 0 {
                    return self.retreat(src);
                }
            }
        }
        Ok(true)
    }

    /// The number of entries of the leaf `node` below `key` (`or_equal`: at most `key`); in a
    /// packed leaf, the entry the search stopped at stays decoded for [`Cursor::entry`].
    fn partition(&mut self, node: &NodeRef<'a>, key: &[u8], or_equal: bool) -> Result<usize> {
        match &node.packed {
            Some(packed) => self.packed.partition(packed, key, or_equal),
            None => node.partition(key, or_equal),
        }
    }

    /// The entry under the cursor, decoded once.
    fn entry(&mut self) -> Result<Option<(EntryKey<'a>, ValueRef<'a>)>> {
        let Some((leaf, index)) = self.leaf else {
            return Ok(None);
        };
        if index >= leaf.count {
            return Ok(None);
        }
        let Some(packed) = &leaf.packed else {
            let (key, value) = leaf.entry(index)?;
            return Ok(Some((EntryKey::Page(key), value)));
        };
        self.packed.seek(packed, index)?;
        let value = self
            .packed
            .value
            .ok_or_else(|| crate::error::corrupt(leaf.id, "a packed entry without a value"))?;
        Ok(Some((
            EntryKey::Copied(self.packed.key.as_slice().into()),
            value,
        )))
    }

    /// Moves to the next entry; false when there is none.
    fn advance<S: PageSource>(&mut self, src: &'a S) -> Result<bool> {
        if let Some((leaf, index)) = &mut self.leaf {
            *index += 1;
            if *index < leaf.count {
                return Ok(true);
            }
        }
        // Climb to the nearest branch with a child to the right, then take the leftmost path
        // down from there. Empty nodes (only in corrupt trees) are stepped over.
        loop {
            let Some((node, index)) = self.branches.last(src)? else {
                self.leaf = None;
                return Ok(false);
            };
            let index = index + 1;
            if index >= node.count {
                self.branches.pop();
                continue;
            }
            self.branches.set_last_index(index);
            let (mut child, mut level) = (node.child(index)?, node.level - 1);
            loop {
                let next = NodeRef::read(src, child, Some(level))?;
                if next.is_leaf {
                    self.leaf = Some((next, 0));
                    if next.count > 0 {
                        return Ok(true);
                    }
                    break;
                }
                self.branches.push(&next, 0)?;
                if next.count == 0 {
                    break;
                }
                (child, level) = (next.child(0)?, level - 1);
            }
        }
    }

    /// Moves to the previous entry; false when there is none.
    fn retreat<S: PageSource>(&mut self, src: &'a S) -> Result<bool> {
        if let Some((_, index)) = &mut self.leaf
            && *index > 0
        {
            *index -= 1;
            return Ok(true);
        }
        loop {
            let Some((node, index)) = self.branches.last(src)? else {
                self.leaf = None;
                return Ok(false);
            };
            let Some(index) = index.checked_sub(1) else {
                self.branches.pop();
                continue;
            };
            self.branches.set_last_index(index);
            let (mut child, mut level) = (node.child(index)?, node.level - 1);
            loop {
                let next = NodeRef::read(src, child, Some(level))?;
                let last = next.count.saturating_sub(1);
                if next.is_leaf {
                    self.leaf = Some((next, last));
                    if next.count > 0 {
                        return Ok(true);
                    }
                    break;
                }
                self.branches.push(&next, last)?;
                if next.count == 0 {
                    break;
                }
                (child, level) = (next.child(last)?, level - 1);
            }
        }
    }
}

/// Where one end of a [`Range`] stands.
#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    /// Its cursor is not placed yet.
    Unplaced,
    /// Its cursor is on the next entry to yield.
    Placed,
    /// Its cursor is on the entry last yielded: move past it first.
    Pending,
}

/// The entries of a tree within bounds, in key order; also iterates backwards. Created by
/// [`Tree::range`], [`Tree::iter`] and [`Tree::prefix`]. Yields an error (and then ends) if
/// a page turns out corrupt.
///
/// Creating one allocates nothing for bounds of up to 62 bytes: the cursors' paths and short
/// bounds are held inline.
pub struct Range<'a, S: PageSource> {
    src: &'a S,
    tree: Tree,
    start: Bound<KeyBuf>,
    end: Bound<KeyBuf>,
    front: Cursor<'a>,
    back: Cursor<'a>,
    /// Each end's state. An end that has yielded an entry ([`End::Pending`]) has its cursor
    /// on it: the other end stops before that entry, so that the ends do not cross.
    front_end: End,
    back_end: End,
    done: bool,
}

impl<'a, S: PageSource> Range<'a, S> {
    pub(crate) fn new(src: &'a S, tree: Tree, start: Bound<KeyBuf>, end: Bound<KeyBuf>) -> Self {
        let empty = match (&start, &end) {
            (Bound::Included(s), Bound::Included(e)) => s > e,
            (Bound::Included(s) | Bound::Excluded(s), Bound::Excluded(e))
            | (Bound::Excluded(s), Bound::Included(e)) => s >= e,
            _ => false,
        };
        Range {
            src,
            tree,
            start,
            end,
            front: Cursor::new(),
            back: Cursor::new(),
            front_end: End::Unplaced,
            back_end: End::Unplaced,
            done: empty,
        }
    }

    fn step(&mut self, forward: bool) -> Result<Option<Entry<'a, S>>> {
        let src = self.src;
        let (cursor, end, other, other_end, seek) = if forward {
            (
                &mut self.front,
                &mut self.front_end,
                &mut self.back,
                self.back_end,
                Seek::Forward(as_ref(&self.start)),
            )
        } else {
            (
                &mut self.back,
                &mut self.back_end,
                &mut self.front,
                self.front_end,
                Seek::Backward(as_ref(&self.end)),
            )
        };
        let placed = match *end {
            End::Unplaced => cursor.seek(src, &self.tree, seek)?,
            End::Placed => true,
            End::Pending if forward => cursor.advance(src)?,
            End::Pending => cursor.retreat(src)?,
        };
        *end = End::Placed;
        if !placed {
            return Ok(None);
        }
        let Some((key, value)) = cursor.entry()? else {
            return Ok(None);
        };
        *end = End::Pending;
        let bytes = key.as_slice();
        let within = if forward {
            before_end(bytes, &self.end)
        } else {
            after_start(bytes, &self.start)
        };
        // The other end's cursor is on the last entry it yielded, if it yielded one.
        let crossed = other_end == End::Pending
            && match other.entry()? {
                Some((last, _)) if forward => cmp_keys(bytes, last.as_slice()).is_ge(),
                Some((last, _)) => cmp_keys(bytes, last.as_slice()).is_le(),
                None => false,
            };
        if !within || crossed {
            return Ok(None);
        }
        Ok(Some(Entry { src, key, value }))
    }

    fn next_from(&mut self, forward: bool) -> Option<Result<Entry<'a, S>>> {
        if self.done {
            return None;
        }
        match self.step(forward) {
            Ok(Some(entry)) => Some(Ok(entry)),
            Ok(None) => {
                self.done = true;
                None
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}

fn as_ref(bound: &Bound<KeyBuf>) -> Bound<&[u8]> {
    match bound {
        Bound::Included(k) => Bound::Included(k.as_slice()),
        Bound::Excluded(k) => Bound::Excluded(k.as_slice()),
        Bound::Unbounded => Bound::Unbounded,
    }
}

fn before_end(key: &[u8], end: &Bound<KeyBuf>) -> bool {
    match end {
        Bound::Included(e) => cmp_keys(key, e.as_slice()).is_le(),
        Bound::Excluded(e) => cmp_keys(key, e.as_slice()).is_lt(),
        Bound::Unbounded => true,
    }
}

fn after_start(key: &[u8], start: &Bound<KeyBuf>) -> bool {
    match start {
        Bound::Included(s) => cmp_keys(key, s.as_slice()).is_ge(),
        Bound::Excluded(s) => cmp_keys(key, s.as_slice()).is_gt(),
        Bound::Unbounded => true,
    }
}

impl<'a, S: PageSource> Iterator for Range<'a, S> {
    type Item = Result<Entry<'a, S>>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_from(true)
    }
}

impl<S: PageSource> DoubleEndedIterator for Range<'_, S> {
    fn next_back(&mut self) -> Option<Self::Item> {
        self.next_from(false)
    }
}

impl<S: PageSource> std::iter::FusedIterator for Range<'_, S> {}

/// The smallest key above every key that starts with `prefix`, or `None` when there is no
/// such key (the prefix is empty or all `0xFF`).
pub fn prefix_end(prefix: &[u8]) -> Option<Vec<u8>> {
    let mut end = prefix.to_vec();
    while let Some(last) = end.pop() {
        if last < u8::MAX {
            end.push(last + 1);
            return Some(end);
        }
    }
    None
}

impl Tree {
    /// The entries whose keys lie within `bounds`, in key order (and backwards with
    /// [`DoubleEndedIterator::next_back`]). `tree.range(&src, &b"a"[..]..&b"c"[..])`;
    /// for all entries use [`Tree::iter`].
    pub fn range<'a, S, K, R>(&self, src: &'a S, bounds: R) -> Range<'a, S>
    where
        S: PageSource,
        K: AsRef<[u8]> + ?Sized,
        R: RangeBounds<K>,
    {
        let own = |b: Bound<&K>| b.map(|k| KeyBuf::new(k.as_ref()));
        Range::new(
            src,
            *self,
            own(bounds.start_bound()),
            own(bounds.end_bound()),
        )
    }

    /// Every entry, in key order.
    pub fn iter<'a, S: PageSource>(&self, src: &'a S) -> Range<'a, S> {
        Range::new(src, *self, Bound::Unbounded, Bound::Unbounded)
    }

    /// The entries whose keys start with `prefix`, in key order.
    pub fn prefix<'a, S: PageSource>(&self, src: &'a S, prefix: &[u8]) -> Range<'a, S> {
        let end = KeyBuf::prefix_end(prefix).map_or(Bound::Unbounded, Bound::Excluded);
        Range::new(src, *self, Bound::Included(KeyBuf::new(prefix)), end)
    }

    /// The entry with the smallest key.
    pub fn first<'a, S: PageSource>(&self, src: &'a S) -> Result<Option<Entry<'a, S>>> {
        self.iter(src).next().transpose()
    }

    /// The entry with the largest key.
    pub fn last<'a, S: PageSource>(&self, src: &'a S) -> Result<Option<Entry<'a, S>>> {
        self.iter(src).next_back().transpose()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefix_ends_are_the_next_key_after_the_prefix() {
        assert_eq!(prefix_end(b"abc"), Some(b"abd".to_vec()));
        assert_eq!(prefix_end(b"ab\xff"), Some(b"ac".to_vec()));
        assert_eq!(prefix_end(b"\xff\xff"), None);
        assert_eq!(prefix_end(b""), None);
    }
}
