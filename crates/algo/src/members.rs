//! The set of nodes an algorithm runs on: one bit per node id below the graph's id bound.

use graph::NodeId;

/// A set of node ids below a bound, as bits, with its size.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Members {
    bits: Vec<u64>,
    bound: usize,
    len: usize,
}

impl Members {
    /// The empty set of ids below `bound`.
    pub(crate) fn empty(bound: usize) -> Members {
        Members {
            bits: vec![0; bound.div_ceil(64)],
            bound,
            len: 0,
        }
    }

    /// Every id below `bound`.
    pub(crate) fn full(bound: usize) -> Members {
        let mut bits = vec![u64::MAX; bound.div_ceil(64)];
        if let Some(last) = bits.last_mut()
            && !bound.is_multiple_of(64)
        {
            *last = (1u64 << (bound % 64)) - 1;
        }
        Members {
            bits,
            bound,
            len: bound,
        }
    }

    /// Adds `node`, which must be below the bound (ids past it are ignored).
    pub(crate) fn insert(&mut self, node: NodeId) {
        let i = index(node);
        if i >= self.bound {
            return;
        }
        if let Some(word) = self.bits.get_mut(i / 64) {
            let bit = 1u64 << (i % 64);
            if *word & bit == 0 {
                *word |= bit;
                self.len += 1;
            }
        }
    }

    /// Whether `node` is in the set.
    #[inline]
    pub fn contains(&self, node: NodeId) -> bool {
        let i = index(node);
        i < self.bound
            && self
                .bits
                .get(i / 64)
                .is_some_and(|word| word & (1u64 << (i % 64)) != 0)
    }

    /// How many nodes the set holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether the set is empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// One more than the largest id the set can hold: the length of a dense vector by node id.
    pub fn bound(&self) -> usize {
        self.bound
    }

    /// The nodes, in id order.
    pub fn iter(&self) -> impl Iterator<Item = NodeId> + '_ {
        self.bits.iter().enumerate().flat_map(|(w, &word)| {
            let mut rest = word;
            std::iter::from_fn(move || {
                if rest == 0 {
                    return None;
                }
                let bit = rest.trailing_zeros() as usize;
                rest &= rest - 1;
                Some(NodeId((w * 64 + bit) as u64))
            })
        })
    }
}

/// `node`'s position in a dense vector. Node ids index vectors of [`Members::bound`] entries,
/// which exist in memory, so every id that passes a bound check fits in `usize`.
#[inline(always)]
pub(crate) fn index(node: NodeId) -> usize {
    usize::try_from(node.0).unwrap_or(usize::MAX)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn members_behave_as_a_set(bound in 0usize..300, ids in proptest::collection::vec(0u64..400, 0..100)) {
            let mut set = Members::empty(bound);
            let mut model = std::collections::BTreeSet::new();
            for &id in &ids {
                set.insert(NodeId(id));
                if (id as usize) < bound {
                    model.insert(id);
                }
            }
            prop_assert_eq!(set.len(), model.len());
            prop_assert_eq!(set.iter().map(|n| n.0).collect::<Vec<_>>(), model.iter().copied().collect::<Vec<_>>());
            for id in 0..400 {
                prop_assert_eq!(set.contains(NodeId(id)), model.contains(&id));
            }
        }

        #[test]
        fn the_full_set_is_every_id_inserted(bound in 0usize..300) {
            let mut set = Members::empty(bound);
            for id in 0..bound as u64 + 70 {
                set.insert(NodeId(id));
            }
            prop_assert_eq!(Members::full(bound), set);
        }
    }
}
