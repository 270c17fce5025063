//! What one walk of a level keeps, per thread and reused so that starting a walk costs an
//! increment, not an allocation or a clear: the set of dense ids visited (an array of epochs
//! indexed by dense id: a lookup is one load, no hashing) and the leaf pages of the vector and
//! node tables found so far (a leaf read again skips its radix descent).

use std::cell::RefCell;

use crate::slots::LeafCache;

/// Dense ids visited in the current epoch.
#[derive(Debug, Default)]
pub(crate) struct Visited {
    marks: Vec<u32>,
    epoch: u32,
}

impl Visited {
    /// Empties the set for ids below `len`.
    fn reset(&mut self, len: usize) {
        if self.epoch == u32::MAX {
            self.marks.fill(0);
            self.epoch = 0;
        }
        self.epoch += 1;
        if self.marks.len() < len {
            self.marks.resize(len, 0);
        }
    }

    /// Adds `id`; whether it was new. An id beyond the set's range counts as new (reading its
    /// slot then reports the damage).
    #[inline]
    pub(crate) fn insert(&mut self, id: u32) -> bool {
        match self.marks.get_mut(id as usize) {
            Some(mark) if *mark == self.epoch => false,
            Some(mark) => {
                *mark = self.epoch;
                true
            }
            None => true,
        }
    }
}

/// The state of one walk.
#[derive(Debug, Default)]
pub(crate) struct WalkState {
    /// Dense ids visited.
    pub(crate) visited: Visited,
    /// Leaves of the vector table.
    pub(crate) vector_leaves: LeafCache,
    /// Leaves of the node table.
    pub(crate) node_leaves: LeafCache,
}

impl WalkState {
    fn reset(&mut self, ids: usize, vector_leaves: u64, node_leaves: u64) {
        self.visited.reset(ids);
        self.vector_leaves.reset(vector_leaves);
        self.node_leaves.reset(node_leaves);
    }
}

thread_local! {
    static WALK: RefCell<WalkState> = RefCell::new(WalkState::default());
}

/// Runs `f` with an empty walk state for dense ids below `ids` and tables of `vector_leaves`
/// and `node_leaves` leaves: the thread's own, or a fresh one when the thread's is in use (a
/// search inside a search's filter).
pub(crate) fn with_walk<R>(
    ids: usize,
    vector_leaves: u64,
    node_leaves: u64,
    f: impl FnOnce(&mut WalkState) -> R,
) -> R {
    WALK.with(|cell| match cell.try_borrow_mut() {
        Ok(mut state) => {
            state.reset(ids, vector_leaves, node_leaves);
            f(&mut state)
        }
        Err(_) => {
            let mut state = WalkState::default();
            state.reset(ids, vector_leaves, node_leaves);
            f(&mut state)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_walk_starts_with_an_empty_set() {
        with_walk(10, 1, 1, |w| {
            assert!(w.visited.insert(3));
            assert!(!w.visited.insert(3));
            assert!(w.visited.insert(11));
        });
        with_walk(10, 1, 1, |w| {
            assert!(w.visited.insert(3));
            // Nested: a fresh state, the outer one untouched.
            with_walk(10, 1, 1, |inner| assert!(inner.visited.insert(3)));
            assert!(!w.visited.insert(3));
        });
    }
}
