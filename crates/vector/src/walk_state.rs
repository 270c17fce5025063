//! What one walk of a level keeps, per thread and reused so that starting a walk costs an
//! increment, not an allocation or a clear: the set of dense ids visited (an array of epochs
//! indexed by dense id: a lookup is one load, no hashing) and the leaf pages of the vector and
//! node tables found so far (a leaf read again skips its radix descent; in a write transaction
//! they outlive the walk, see [`LeafCache`]).

use std::cell::RefCell;

use crate::slots::{LeafCache, LeafScope};

/// Dense ids visited in the current epoch. The marks grow as ids are met, never past the
/// index's count, and only for an id whose slot was read: what a damaged header claims does not
/// size them.
#[derive(Debug, Default)]
pub(crate) struct Visited {
    marks: Vec<u32>,
    epoch: u32,
    /// The index's dense id count: no id at or above it is marked.
    limit: usize,
}

impl Visited {
    /// Empties the set for ids below `limit`.
    fn reset(&mut self, limit: usize) {
        if self.epoch == u32::MAX {
            self.marks.fill(0);
            self.epoch = 0;
        }
        self.epoch += 1;
        self.limit = limit;
    }

    /// Adds `id`: whether it was new, or `None` for an id beyond the marks so far (read its
    /// slot, then [`Visited::grow`]).
    #[inline]
    pub(crate) fn insert(&mut self, id: u32) -> Option<bool> {
        let mark = self.marks.get_mut(id as usize)?;
        if *mark == self.epoch {
            Some(false)
        } else {
            *mark = self.epoch;
            Some(true)
        }
    }

    /// Makes room for `id` (below the limit), doubling the marks so that growth is amortised.
    pub(crate) fn grow(&mut self, id: u32) {
        let want = (id as usize).saturating_add(1);
        if want > self.marks.len() && want <= self.limit {
            let len = want.max(self.marks.len().saturating_mul(2)).min(self.limit);
            self.marks.resize(len, 0);
        }
    }
}

/// The state of one walk.
#[derive(Debug, Default)]
pub(crate) struct WalkState {
    /// Dense ids visited.
    pub(crate) visited: Visited,
    /// Leaves of the node slots' table.
    pub(crate) leaves: LeafCache,
}

impl WalkState {
    fn reset(&mut self, ids: usize, leaves: LeafScope) {
        self.visited.reset(ids);
        self.leaves.prepare(leaves);
    }
}

thread_local! {
    static WALK: RefCell<WalkState> = RefCell::new(WalkState::default());
}

/// Runs `f` with a walk state for dense ids below `ids`, with no id visited, remembering
/// leaves of the node slots' table within `leaves`: the thread's own, or a fresh one when the
/// thread's is in use (a search inside a search's filter).
pub(crate) fn with_walk<R>(
    ids: usize,
    leaves: LeafScope,
    f: impl FnOnce(&mut WalkState) -> R,
) -> R {
    WALK.with(|cell| match cell.try_borrow_mut() {
        Ok(mut state) => {
            state.reset(ids, leaves);
            f(&mut state)
        }
        Err(_) => {
            let mut state = WalkState::default();
            state.reset(ids, leaves);
            f(&mut state)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_walk_starts_with_an_empty_set() {
        let visit = |v: &mut Visited, id: u32| {
            v.insert(id).or_else(|| {
                v.grow(id);
                v.insert(id)
            })
        };
        with_walk(10, LeafScope::default(), |w| {
            assert_eq!(visit(&mut w.visited, 3), Some(true));
            assert_eq!(visit(&mut w.visited, 3), Some(false));
            // Beyond the index's count: never marked.
            assert_eq!(visit(&mut w.visited, 11), None);
        });
        with_walk(10, LeafScope::default(), |w| {
            assert_eq!(visit(&mut w.visited, 3), Some(true));
            // Nested: a fresh state, the outer one untouched.
            with_walk(10, LeafScope::default(), |inner| {
                assert_eq!(visit(&mut inner.visited, 3), Some(true))
            });
            assert_eq!(visit(&mut w.visited, 3), Some(false));
        });
    }
}
