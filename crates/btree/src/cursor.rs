//! Ordered iteration: a [`Cursor`] walks the leaves through a stack of nodes from the root
//! (copy-on-write trees have no sibling links), and [`Range`] runs two cursors, one from each
//! end, towards each other.

use std::borrow::Cow;
use std::ops::{Bound, RangeBounds};

use pager_mmap::{PageId, PageSource};

use crate::cell::ValueRef;
use crate::error::Result;
use crate::node::NodeRef;
use crate::tree::{Tree, load_value};

/// One entry met by iteration: the key and value are read in place.
pub struct Entry<'a, S: PageSource> {
    src: &'a S,
    key: &'a [u8],
    value: ValueRef<'a>,
}

impl<'a, S: PageSource> Entry<'a, S> {
    /// The key, borrowed from its page.
    pub fn key(&self) -> &'a [u8] {
        self.key
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
            key: self.key,
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

/// A position in a tree: the nodes from the root to a leaf, with the index taken in each
/// (the child index in a branch, the entry index in the leaf).
struct Cursor<'a> {
    stack: Vec<(NodeRef<'a>, usize)>,
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
    /// A cursor on the entry `seek` asks for; `None` when there is none.
    fn seek<S: PageSource>(src: &'a S, tree: &Tree, seek: Seek<'_>) -> Result<Option<Cursor<'a>>> {
        if tree.root() == 0 {
            return Ok(None);
        }
        let mut node = NodeRef::read(src, PageId(tree.root()), Some(tree.root_level()?))?;
        let mut stack = Vec::with_capacity(usize::from(tree.height()));
        while !node.is_leaf {
            let index = match seek {
                Seek::Forward(Bound::Unbounded) => 0,
                Seek::Backward(Bound::Unbounded) => node.count.saturating_sub(1),
                Seek::Forward(Bound::Included(k) | Bound::Excluded(k))
                | Seek::Backward(Bound::Included(k) | Bound::Excluded(k)) => {
                    node.search_branch(k)?
                }
            };
            stack.push((node, index));
            node = NodeRef::read(src, node.child(index)?, Some(node.level - 1))?;
        }
        let mut cursor = Cursor { stack };
        match seek {
            Seek::Forward(bound) => {
                let index = match bound {
                    Bound::Unbounded => 0,
                    Bound::Included(k) => node.partition(k, false)?,
                    Bound::Excluded(k) => node.partition(k, true)?,
                };
                cursor.stack.push((node, index));
                if index >= node.count && !cursor.advance(src)? {
                    return Ok(None);
                }
            }
            Seek::Backward(bound) => {
                let after = match bound {
                    Bound::Unbounded => node.count,
                    Bound::Included(k) => node.partition(k, true)?,
                    Bound::Excluded(k) => node.partition(k, false)?,
                };
                cursor.stack.push((node, after.saturating_sub(1)));
                if after == 0 && !cursor.retreat(src)? {
                    return Ok(None);
                }
            }
        }
        Ok(Some(cursor))
    }

    /// The entry under the cursor.
    fn entry(&self) -> Result<Option<(&'a [u8], ValueRef<'a>)>> {
        match self.stack.last() {
            Some((leaf, index)) if *index < leaf.count => Ok(Some(leaf.entry(*index)?)),
            _ => Ok(None),
        }
    }

    /// Moves to the next entry; false when there is none.
    fn advance<S: PageSource>(&mut self, src: &'a S) -> Result<bool> {
        if let Some((leaf, index)) = self.stack.last_mut() {
            *index += 1;
            if *index < leaf.count {
                return Ok(true);
            }
        }
        // Climb to the first ancestor with a child to the right, then take the leftmost path
        // down from there. Empty leaves (only in corrupt trees) are stepped over.
        loop {
            self.stack.pop();
            let Some((node, index)) = self.stack.last_mut() else {
                return Ok(false);
            };
            *index += 1;
            if *index >= node.count {
                continue;
            }
            let (mut child, mut level) = (node.child(*index)?, node.level - 1);
            loop {
                let next = NodeRef::read(src, child, Some(level))?;
                self.stack.push((next, 0));
                if next.is_leaf || next.count == 0 {
                    break;
                }
                (child, level) = (next.child(0)?, level - 1);
            }
            if let Some((leaf, _)) = self.stack.last()
                && leaf.is_leaf
                && leaf.count > 0
            {
                return Ok(true);
            }
        }
    }

    /// Moves to the previous entry; false when there is none.
    fn retreat<S: PageSource>(&mut self, src: &'a S) -> Result<bool> {
        if let Some((_, index)) = self.stack.last_mut()
            && *index > 0
        {
            *index -= 1;
            return Ok(true);
        }
        loop {
            self.stack.pop();
            let Some((node, index)) = self.stack.last_mut() else {
                return Ok(false);
            };
            if *index == 0 {
                continue;
            }
            *index -= 1;
            let (mut child, mut level) = (node.child(*index)?, node.level - 1);
            loop {
                let next = NodeRef::read(src, child, Some(level))?;
                let last = next.count.saturating_sub(1);
                self.stack.push((next, last));
                if next.is_leaf || next.count == 0 {
                    break;
                }
                (child, level) = (next.child(last)?, level - 1);
            }
            if let Some((leaf, _)) = self.stack.last()
                && leaf.is_leaf
                && leaf.count > 0
            {
                return Ok(true);
            }
        }
    }
}

/// One end of a [`Range`].
enum End<'a> {
    /// Not placed yet.
    Unplaced,
    /// On the next entry to yield (`pending`: after first moving past the one last yielded).
    Placed { cursor: Cursor<'a>, pending: bool },
}

/// The entries of a tree within bounds, in key order; also iterates backwards. Created by
/// [`Tree::range`], [`Tree::iter`] and [`Tree::prefix`]. Yields an error (and then ends) if
/// a page turns out corrupt.
pub struct Range<'a, S: PageSource> {
    src: &'a S,
    tree: Tree,
    start: Bound<Vec<u8>>,
    end: Bound<Vec<u8>>,
    front: End<'a>,
    back: End<'a>,
    /// The keys last yielded from each end: the ends must not cross.
    front_last: Option<&'a [u8]>,
    back_last: Option<&'a [u8]>,
    done: bool,
}

impl<'a, S: PageSource> Range<'a, S> {
    pub(crate) fn new(src: &'a S, tree: Tree, start: Bound<Vec<u8>>, end: Bound<Vec<u8>>) -> Self {
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
            front: End::Unplaced,
            back: End::Unplaced,
            front_last: None,
            back_last: None,
            done: empty,
        }
    }

    fn step(&mut self, forward: bool) -> Result<Option<Entry<'a, S>>> {
        let src = self.src;
        let (end, seek) = if forward {
            (&mut self.front, Seek::Forward(as_ref(&self.start)))
        } else {
            (&mut self.back, Seek::Backward(as_ref(&self.end)))
        };
        let cursor = match end {
            End::Unplaced => match Cursor::seek(src, &self.tree, seek)? {
                Some(cursor) => {
                    *end = End::Placed {
                        cursor,
                        pending: false,
                    };
                    match end {
                        End::Placed { cursor, .. } => cursor,
                        End::Unplaced => return Ok(None),
                    }
                }
                None => return Ok(None),
            },
            End::Placed { cursor, pending } => {
                if *pending {
                    *pending = false;
                    let moved = if forward {
                        cursor.advance(src)?
                    } else {
                        cursor.retreat(src)?
                    };
                    if !moved {
                        return Ok(None);
                    }
                }
                cursor
            }
        };
        let Some((key, value)) = cursor.entry()? else {
            return Ok(None);
        };
        if let End::Placed { pending, .. } = end {
            *pending = true;
        }
        let within = if forward {
            before_end(key, &self.end) && self.back_last.is_none_or(|b| key < b)
        } else {
            after_start(key, &self.start) && self.front_last.is_none_or(|f| key > f)
        };
        if !within {
            return Ok(None);
        }
        if forward {
            self.front_last = Some(key);
        } else {
            self.back_last = Some(key);
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

fn as_ref(bound: &Bound<Vec<u8>>) -> Bound<&[u8]> {
    match bound {
        Bound::Included(k) => Bound::Included(k),
        Bound::Excluded(k) => Bound::Excluded(k),
        Bound::Unbounded => Bound::Unbounded,
    }
}

fn before_end(key: &[u8], end: &Bound<Vec<u8>>) -> bool {
    match end {
        Bound::Included(e) => key <= e.as_slice(),
        Bound::Excluded(e) => key < e.as_slice(),
        Bound::Unbounded => true,
    }
}

fn after_start(key: &[u8], start: &Bound<Vec<u8>>) -> bool {
    match start {
        Bound::Included(s) => key >= s.as_slice(),
        Bound::Excluded(s) => key > s.as_slice(),
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
        let own = |b: Bound<&K>| b.map(|k| k.as_ref().to_vec());
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
        let end = prefix_end(prefix).map_or(Bound::Unbounded, Bound::Excluded);
        Range::new(src, *self, Bound::Included(prefix.to_vec()), end)
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
