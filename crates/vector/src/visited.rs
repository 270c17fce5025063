//! The set of dense ids a search has visited: an array of epochs indexed by dense id, kept per
//! thread and reused, so that starting a search costs an increment, not an allocation or a
//! clear, and a lookup is one load (no hashing).

use std::cell::RefCell;

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

thread_local! {
    static VISITED: RefCell<Visited> = RefCell::new(Visited::default());
}

/// Runs `f` with an empty visited set for ids below `len`: the thread's own, or a fresh one
/// when the thread's is in use (a search inside a search's filter).
pub(crate) fn with_visited<R>(len: usize, f: impl FnOnce(&mut Visited) -> R) -> R {
    VISITED.with(|cell| match cell.try_borrow_mut() {
        Ok(mut visited) => {
            visited.reset(len);
            f(&mut visited)
        }
        Err(_) => {
            let mut visited = Visited::default();
            visited.reset(len);
            f(&mut visited)
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_search_starts_with_an_empty_set() {
        with_visited(10, |v| {
            assert!(v.insert(3));
            assert!(!v.insert(3));
            assert!(v.insert(11));
        });
        with_visited(10, |v| {
            assert!(v.insert(3));
            // Nested: a fresh set, the outer one untouched.
            with_visited(10, |inner| assert!(inner.insert(3)));
            assert!(!v.insert(3));
        });
    }
}
