//! A node's cells copied out of its page, to be divided, joined or rewritten (a packed
//! leaf's entries as the plain cells they would be).

use crate::error::Result;
use crate::layout::SLOT_SIZE;
use crate::node::NodeRef;

/// Cells in key order, held outside any page: their bytes back to back in one buffer and where
/// each ends. Copying a node's cells out (when it splits, shares entries with a sibling or is
/// rewritten) costs two allocations, not one per cell: splits are a large part of an ascending
/// load, and a per-cell allocation was most of their time.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Cells {
    /// The cells' bytes, in order.
    bytes: Vec<u8>,
    /// Where each cell ends in `bytes` (it starts where the one before it ends).
    ends: Vec<usize>,
}

impl Cells {
    /// The cells of `node`, in order.
    pub(crate) fn of(node: &NodeRef<'_>) -> Result<Cells> {
        if let Some(packed) = &node.packed {
            return packed.cells();
        }
        let mut cells = Cells {
            bytes: Vec::with_capacity(crate::layout::NODE_BODY),
            ends: Vec::with_capacity(node.count),
        };
        for i in 0..node.count {
            cells.push(node.cell_bytes(i)?);
        }
        Ok(cells)
    }

    /// The number of cells.
    pub(crate) fn len(&self) -> usize {
        self.ends.len()
    }

    /// Whether there are none.
    pub(crate) fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    /// Where cell `index` starts in `bytes`.
    fn start(&self, index: usize) -> usize {
        match index.checked_sub(1) {
            Some(before) => self.ends.get(before).copied().unwrap_or(self.bytes.len()),
            None => 0,
        }
    }

    /// Cell `index`, if there is one.
    pub(crate) fn get(&self, index: usize) -> Option<&[u8]> {
        let end = *self.ends.get(index)?;
        self.bytes.get(self.start(index)..end)
    }

    /// The first cell.
    pub(crate) fn first(&self) -> Option<&[u8]> {
        self.get(0)
    }

    /// The last cell.
    pub(crate) fn last(&self) -> Option<&[u8]> {
        self.get(self.len().checked_sub(1)?)
    }

    /// Each cell in order.
    pub(crate) fn iter(&self) -> impl ExactSizeIterator<Item = &[u8]> + '_ {
        (0..self.len()).map(|i| self.get(i).unwrap_or_default())
    }

    /// Each cell's size in a node body: its bytes and its slot.
    pub(crate) fn sizes(&self) -> Vec<usize> {
        self.iter().map(|c| SLOT_SIZE + c.len()).collect()
    }

    /// The size of all of them in a node body: slots plus cell bytes.
    pub(crate) fn size(&self) -> usize {
        SLOT_SIZE * self.len() + self.bytes.len()
    }

    /// The bytes of all of them, back to back.
    pub(crate) fn byte_len(&self) -> usize {
        self.bytes.len()
    }

    /// Adds `cell` after the last.
    pub(crate) fn push(&mut self, cell: &[u8]) {
        self.bytes.extend_from_slice(cell);
        self.ends.push(self.bytes.len());
    }

    /// Adds `cell` as cell `index` (at most [`Cells::len`]), moving the ones from there on.
    pub(crate) fn insert(&mut self, index: usize, cell: &[u8]) {
        let index = index.min(self.len());
        let at = self.start(index);
        self.bytes.splice(at..at, cell.iter().copied());
        for end in self.ends.get_mut(index..).unwrap_or_default() {
            *end += cell.len();
        }
        self.ends.insert(index, at + cell.len());
    }

    /// Adds every cell of `other` after the last.
    pub(crate) fn append(&mut self, other: &Cells) {
        let base = self.bytes.len();
        self.bytes.extend_from_slice(&other.bytes);
        self.ends.extend(other.ends.iter().map(|end| base + end));
    }

    /// Keeps the first `at` cells (at most all of them) and returns the rest.
    pub(crate) fn split_off(&mut self, at: usize) -> Cells {
        let at = at.min(self.len());
        let start = self.start(at);
        let bytes = self.bytes.split_off(start);
        let ends = self
            .ends
            .split_off(at)
            .iter()
            .map(|end| end - start)
            .collect();
        Cells { bytes, ends }
    }

    /// Replaces the first cell with `cell` (a branch's right side gives its first key up).
    pub(crate) fn replace_first(&mut self, cell: &[u8]) {
        let Some(&old_end) = self.ends.first() else {
            self.push(cell);
            return;
        };
        self.bytes.splice(0..old_end, cell.iter().copied());
        for end in &mut self.ends {
            *end = *end - old_end + cell.len();
        }
    }

    /// Removes every cell.
    pub(crate) fn clear(&mut self) {
        self.bytes.clear();
        self.ends.clear();
    }
}

impl<'a> FromIterator<&'a [u8]> for Cells {
    fn from_iter<I: IntoIterator<Item = &'a [u8]>>(cells: I) -> Cells {
        let mut all = Cells::default();
        for cell in cells {
            all.push(cell);
        }
        all
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// One change to a list of cells.
    #[derive(Clone, Debug)]
    enum Op {
        Push(Vec<u8>),
        Insert(usize, Vec<u8>),
        SplitOff(usize),
        Append(Vec<Vec<u8>>),
        ReplaceFirst(Vec<u8>),
        Clear,
    }

    fn cell() -> impl Strategy<Value = Vec<u8>> {
        prop::collection::vec(any::<u8>(), 0..12)
    }

    fn op() -> impl Strategy<Value = Op> {
        prop_oneof![
            4 => cell().prop_map(Op::Push),
            3 => (0..20usize, cell()).prop_map(|(i, c)| Op::Insert(i, c)),
            1 => (0..20usize).prop_map(Op::SplitOff),
            1 => prop::collection::vec(cell(), 0..5).prop_map(Op::Append),
            1 => cell().prop_map(Op::ReplaceFirst),
            1 => Just(Op::Clear),
        ]
    }

    proptest! {
        /// Every change leaves the cells a list of byte strings kept in one buffer would be.
        #[test]
        fn cells_behave_as_a_list_of_byte_strings(ops in prop::collection::vec(op(), 0..40)) {
            let mut cells = Cells::default();
            let mut model: Vec<Vec<u8>> = Vec::new();
            for op in ops {
                match op {
                    Op::Push(c) => {
                        cells.push(&c);
                        model.push(c);
                    }
                    Op::Insert(i, c) => {
                        cells.insert(i, &c);
                        model.insert(i.min(model.len()), c);
                    }
                    Op::SplitOff(i) => {
                        let rest = cells.split_off(i);
                        let model_rest = model.split_off(i.min(model.len()));
                        prop_assert_eq!(rest.iter().map(<[u8]>::to_vec).collect::<Vec<_>>(), model_rest);
                    }
                    Op::Append(more) => {
                        cells.append(&more.iter().map(Vec::as_slice).collect());
                        model.extend(more);
                    }
                    Op::ReplaceFirst(c) => {
                        cells.replace_first(&c);
                        match model.first_mut() {
                            Some(first) => *first = c,
                            None => model.push(c),
                        }
                    }
                    Op::Clear => {
                        cells.clear();
                        model.clear();
                    }
                }
                prop_assert_eq!(cells.iter().map(<[u8]>::to_vec).collect::<Vec<_>>(), model.clone());
                prop_assert_eq!(cells.len(), model.len());
                prop_assert_eq!(cells.is_empty(), model.is_empty());
                prop_assert_eq!(cells.first(), model.first().map(Vec::as_slice));
                prop_assert_eq!(cells.last(), model.last().map(Vec::as_slice));
                let size: usize = model.iter().map(|c| SLOT_SIZE + c.len()).sum();
                prop_assert_eq!(cells.size(), size);
                prop_assert_eq!(cells.sizes().iter().sum::<usize>(), size);
                prop_assert_eq!(cells.byte_len(), model.iter().map(Vec::len).sum::<usize>());
            }
        }
    }
}
