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
/// An id written as a decimal integer in its one canonical form (`0`, or digits without a
/// leading zero, up to `u64::MAX`), as taxonomy ids and most edge lists' are, is kept by its
/// value: no string allocated for it and a cheaper hash (for the taxonomy's 2.6M ids, about
/// 10 % of the import's time and 100 MB of its memory). Any other id is kept as its text, so
/// `007` and `7` stay two ids.
#[derive(Default)]
pub(super) struct Ids {
    numbers: HashMap<u64, Known, Hasher>,
    names: HashMap<Box<str>, Known, Hasher>,
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
    pub(super) fn get(&self, ext: &str) -> Option<&Known> {
        match number(ext) {
            Some(n) => self.numbers.get(&n),
            None => self.names.get(ext),
        }
    }

    /// What is known of `ext`, to change it.
    pub(super) fn get_mut(&mut self, ext: &str) -> Option<&mut Known> {
        match number(ext) {
            Some(n) => self.numbers.get_mut(&n),
            None => self.names.get_mut(ext),
        }
    }

    /// Whether `ext` is known.
    pub(super) fn contains(&self, ext: &str) -> bool {
        self.get(ext).is_some()
    }

    /// Records `known` for `ext`, replacing what was known.
    pub(super) fn insert(&mut self, ext: &str, known: Known) {
        match number(ext) {
            Some(n) => self.numbers.insert(n, known),
            None => self.names.insert(ext.into(), known),
        };
    }

    /// The node of `ext`, if this run has added it or found it.
    pub(super) fn node_of(&self, ext: &str) -> Option<NodeId> {
        self.get(ext).and_then(|known| known.node)
    }

    /// Records that `ext` is `node` (an edge list's end, if it was not known).
    pub(super) fn learned(&mut self, ext: &str, node: NodeId) {
        match self.get_mut(ext) {
            Some(known) => known.node = Some(node),
            None => self.insert(
                ext,
                Known {
                    defined: Defined::Implicit,
                    node: Some(node),
                },
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
            let known = ids.get(ext).copied();
            assert_eq!(known.map(|k| k.defined), Some(Defined::Explicit));
            assert_eq!(known.and_then(|k| k.node), Some(NodeId(node)));
        }
    }
}
