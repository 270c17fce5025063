//! The input ids an import has seen, and their nodes.

use std::collections::HashMap;

use graph::NodeId;

/// How the input defines an id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Defined {
    /// By a node line (taxonomy, JSON): exactly once.
    Explicit,
    /// As an edge list's endpoint: made on first sight unless a node line defines it.
    Implicit,
}

/// What the import knows of an input id: how the input defines it, and its node once this
/// run has added it or found it in the database.
#[derive(Clone, Copy, Debug)]
pub(super) struct Known {
    /// How the input defines it.
    pub(super) defined: Defined,
    /// Its node, once added or found.
    pub(super) node: Option<NodeId>,
}

type Hasher = foldhash::fast::RandomState;

/// The input ids the check found, and their nodes as the writing passes learn them: one map
/// for all three passes (two maps of millions of ids, built one after the other, cost twice).
///
/// An id written as a decimal integer in its one canonical form (`0`, or digits without a
/// leading zero, up to `u64::MAX`), as taxonomy ids and most edge lists' are, is kept by its
/// value, any other id by its text, so `007` and `7` stay two ids. Numeric ids go into a
/// vector indexed by the id while the ids seen stay dense (the largest below twice their count
/// plus [`DENSE_SLACK`]), as sorted inputs' ids do: no hash, and neighbouring ids in
/// neighbouring memory. The first id that would break that moves them all into a hash map.
/// For the taxonomy's 2.6M ids the map cost a cache and TLB miss per access (12 % of the
/// import) where the vector costs a sequential read.
#[derive(Default)]
pub(super) struct Ids {
    /// By numeric id while [`Ids::dense_mode`]: each id's [`Slot`].
    dense: Vec<Slot>,
    /// The known ids in `dense`.
    dense_count: u64,
    /// Numeric ids once they are not dense (empty until then).
    numbers: HashMap<u64, Known, Hasher>,
    /// Ids that are not numbers in canonical form.
    names: HashMap<Box<str>, Known, Hasher>,
}

/// How far past twice the count of known numeric ids the largest may be while they are kept
/// in a vector: room for small inputs whose ids do not start at 0.
const DENSE_SLACK: u64 = 1 << 16;

/// One id's entry in [`Ids::dense`]: 0 when unknown; otherwise the top bit set for an id a
/// node line defines, the next set for a known id, and the low 62 bits the node plus one (0:
/// no node yet). Node ids are 40-bit, so they fit.
#[derive(Clone, Copy, Default)]
struct Slot(u64);

const EXPLICIT_BIT: u64 = 1 << 63;
const KNOWN_BIT: u64 = 1 << 62;
const NODE_BITS: u64 = KNOWN_BIT - 1;

impl Slot {
    fn of(known: Known) -> Slot {
        let defined = match known.defined {
            Defined::Explicit => EXPLICIT_BIT,
            Defined::Implicit => 0,
        };
        // `Ids::insert_dense` keeps larger nodes out.
        let node = known.node.map_or(0, |n| n.0.min(NODE_BITS - 1) + 1);
        Slot(KNOWN_BIT | defined | node)
    }

    fn known(self) -> Option<Known> {
        if self.0 & KNOWN_BIT == 0 {
            return None;
        }
        let defined = match self.0 & EXPLICIT_BIT {
            0 => Defined::Implicit,
            _ => Defined::Explicit,
        };
        let node = (self.0 & NODE_BITS).checked_sub(1).map(NodeId);
        Some(Known { defined, node })
    }
}

/// `ext` as a number, if it is one in canonical form.
fn number(ext: &str) -> Option<u64> {
    let digits = ext.as_bytes();
    let canonical = match digits {
        [] => false,
        [b'0'] => true,
        [first, ..] => *first != b'0' && digits.iter().all(u8::is_ascii_digit),
    };
    // `parse` accepts a leading `+`; the check above does not let one through.
    canonical.then(|| ext.parse().ok()).flatten()
}

impl Ids {
    /// What is known of `ext`.
    pub(super) fn get(&self, ext: &str) -> Option<Known> {
        match number(ext) {
            Some(n) if self.dense_mode() => usize::try_from(n)
                .ok()
                .and_then(|i| self.dense.get(i))
                .and_then(|slot| slot.known()),
            Some(n) => self.numbers.get(&n).copied(),
            None => self.names.get(ext).copied(),
        }
    }

    /// Whether `ext` is known.
    pub(super) fn contains(&self, ext: &str) -> bool {
        self.get(ext).is_some()
    }

    /// Records `known` for `ext`, replacing what was known.
    pub(super) fn insert(&mut self, ext: &str, known: Known) {
        match number(ext) {
            Some(n) if self.dense_mode() => self.insert_dense(n, known),
            Some(n) => {
                self.numbers.insert(n, known);
            }
            None => {
                self.names.insert(ext.into(), known);
            }
        }
    }

    /// Records `known` for numeric id `n` in the vector, or moves every numeric id to the map
    /// if keeping `n` there would make it sparse.
    fn insert_dense(&mut self, n: u64, known: Known) {
        let limit = self
            .dense_count
            .saturating_add(1)
            .saturating_mul(2)
            .saturating_add(DENSE_SLACK);
        // A node id too large for a slot (none is: they are 40-bit) goes to the map too.
        let fits = known.node.is_none_or(|node| node.0 < NODE_BITS);
        let index = usize::try_from(n).ok().filter(|_| n < limit && fits);
        let Some(index) = index else {
            self.leave_dense_mode();
            self.numbers.insert(n, known);
            return;
        };
        if index >= self.dense.len() {
            self.dense.resize(index + 1, Slot::default());
        }
        if let Some(slot) = self.dense.get_mut(index) {
            if slot.known().is_none() {
                self.dense_count += 1;
            }
            *slot = Slot::of(known);
        }
    }

    /// Whether numeric ids are kept in `dense`: until the first that would make it sparse
    /// goes into `numbers`.
    fn dense_mode(&self) -> bool {
        self.numbers.is_empty()
    }

    /// Moves the numeric ids from the vector to the map, for good (the caller adds one more).
    fn leave_dense_mode(&mut self) {
        let dense = std::mem::take(&mut self.dense);
        for (n, slot) in (0u64..).zip(dense) {
            if let Some(known) = slot.known() {
                self.numbers.insert(n, known);
            }
        }
        self.dense_count = 0;
    }

    /// The node of `ext`, if this run has added it or found it.
    pub(super) fn node_of(&self, ext: &str) -> Option<NodeId> {
        self.get(ext).and_then(|known| known.node)
    }

    /// Records that `ext` is `node` (an edge list's end, if it was not known).
    pub(super) fn learned(&mut self, ext: &str, node: NodeId) {
        let defined = self.get(ext).map_or(Defined::Implicit, |k| k.defined);
        let known = Known {
            defined,
            node: Some(node),
        };
        self.insert(ext, known);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn only_canonical_decimal_ids_are_kept_as_numbers() {
        assert_eq!(number("0"), Some(0));
        assert_eq!(number("9606"), Some(9606));
        assert_eq!(number("18446744073709551615"), Some(u64::MAX));
        for text in [
            "",
            "007",
            "00",
            "+7",
            "-7",
            "7 ",
            "1e3",
            "18446744073709551616",
            "٣",
        ] {
            assert_eq!(number(text), None, "{text:?}");
        }
    }

    #[test]
    fn an_id_and_its_zero_padded_spelling_are_two_ids() {
        let mut ids = Ids::default();
        ids.learned("7", NodeId(1));
        ids.learned("007", NodeId(2));
        ids.learned("seven", NodeId(3));
        assert_eq!(ids.node_of("7"), Some(NodeId(1)));
        assert_eq!(ids.node_of("007"), Some(NodeId(2)));
        assert_eq!(ids.node_of("seven"), Some(NodeId(3)));
        assert_eq!(ids.node_of("07"), None);
        assert!(!ids.contains("8"));
    }

    #[test]
    fn learning_a_defined_id_keeps_how_it_was_defined() {
        let mut ids = Ids::default();
        let explicit = Known {
            defined: Defined::Explicit,
            node: None,
        };
        ids.insert("42", explicit);
        ids.insert("x", explicit);
        ids.learned("42", NodeId(5));
        ids.learned("x", NodeId(6));
        for (ext, node) in [("42", 5), ("x", 6)] {
            let known = ids.get(ext);
            assert_eq!(known.map(|k| k.defined), Some(Defined::Explicit));
            assert_eq!(known.and_then(|k| k.node), Some(NodeId(node)));
        }
    }

    #[test]
    fn a_sparse_numeric_id_moves_the_dense_ones_to_the_map() {
        let mut ids = Ids::default();
        for n in 0..1000u64 {
            ids.learned(&n.to_string(), NodeId(n + 10));
        }
        assert!(ids.dense_mode());
        ids.learned("4000000000", NodeId(1));
        assert!(!ids.dense_mode());
        assert!(ids.dense.is_empty());
        for n in 0..1000u64 {
            assert_eq!(ids.node_of(&n.to_string()), Some(NodeId(n + 10)));
        }
        assert_eq!(ids.node_of("4000000000"), Some(NodeId(1)));
        assert_eq!(ids.node_of("1000"), None);
    }

    /// One change to the ids.
    #[derive(Clone, Debug)]
    enum Op {
        Insert(String, bool, Option<u64>),
        Learned(String, u64),
    }

    /// Ids that are dense numbers, sparse numbers, numbers written otherwise, or names.
    fn ext() -> impl Strategy<Value = String> {
        prop_oneof![
            6 => (0u64..300).prop_map(|n| n.to_string()),
            1 => (0u64..u64::MAX).prop_map(|n| n.to_string()),
            1 => (0u64..300).prop_map(|n| format!("0{n}")),
            1 => "[a-c]{1,3}",
        ]
    }

    fn op() -> impl Strategy<Value = Op> {
        let node = 0u64..(1 << 40);
        prop_oneof![
            (ext(), any::<bool>(), prop::option::of(node.clone()))
                .prop_map(|(e, explicit, n)| Op::Insert(e, explicit, n)),
            (ext(), node).prop_map(|(e, n)| Op::Learned(e, n)),
        ]
    }

    proptest! {
        /// Whether numeric ids sit in the vector or the map, the ids answer as a map of their
        /// text would.
        #[test]
        fn ids_behave_as_a_map_of_their_text(ops in prop::collection::vec(op(), 0..200)) {
            let mut ids = Ids::default();
            let mut model: HashMap<String, (bool, Option<u64>)> = HashMap::new();
            for op in &ops {
                match op {
                    Op::Insert(ext, explicit, node) => {
                        let defined = if *explicit { Defined::Explicit } else { Defined::Implicit };
                        ids.insert(ext, Known { defined, node: node.map(NodeId) });
                        model.insert(ext.clone(), (*explicit, *node));
                    }
                    Op::Learned(ext, node) => {
                        ids.learned(ext, NodeId(*node));
                        let explicit = model.get(ext).is_some_and(|k| k.0);
                        model.insert(ext.clone(), (explicit, Some(*node)));
                    }
                }
            }
            for op in &ops {
                let (Op::Insert(ext, ..) | Op::Learned(ext, _)) = op;
                let got = ids
                    .get(ext)
                    .map(|k| (k.defined == Defined::Explicit, k.node.map(|n| n.0)));
                prop_assert_eq!(got, model.get(ext).copied(), "{}", ext);
                let other = format!("{ext}x");
                prop_assert_eq!(ids.contains(&other), model.contains_key(&other));
            }
        }
    }
}
