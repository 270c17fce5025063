//! `check`: every invariant of a tree, verified from the bytes.

use std::collections::HashSet;

use pager_mmap::{PAGE_SIZE, PageId, PageSource, checksum_matches};

use crate::balance::min_fill;
use crate::cell::ValueRef;
use crate::error::Result;
use crate::layout::{
    INLINE_PAYLOAD_MAX, MAX_KEY_LEN, MAX_VALUE_LEN, NODE_BODY, NODE_HEADER_SIZE, SLOT_SIZE,
    UNDERFULL_BESIDE_PACKED,
};
use crate::node::NodeRef;
use crate::tree::Tree;
use pager_mmap::overflow_chain_pages;

/// Problems beyond this many are counted, not listed.
const MAX_LISTED_PROBLEMS: usize = 100;

/// What a check found. Clean when no problem was found.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TreeReport {
    /// Every page the tree reaches (nodes and overflow pages), each once: pass them, with
    /// the pages of the other structures, to [`pager_mmap::ReadTxn::check`].
    pub pages: Vec<PageId>,
    /// Problems found, one sentence each (at most the first hundred).
    pub problems: Vec<String>,
    /// Problems found in all, listed or not.
    pub problem_count: u64,
    /// Entries counted in the leaves.
    pub entries: u64,
    /// Leaf pages.
    pub leaf_pages: u64,
    /// Branch pages.
    pub branch_pages: u64,
    /// Overflow pages.
    pub overflow_pages: u64,
    /// Bytes in use (slots and live cells) over all node pages.
    pub used_bytes: u64,
}

impl TreeReport {
    /// Whether nothing is wrong.
    pub fn is_clean(&self) -> bool {
        self.problem_count == 0
    }

    /// The average fraction of node page bodies in use (1.0 for an empty tree).
    pub fn fill(&self) -> f64 {
        let nodes = self.leaf_pages + self.branch_pages;
        if nodes == 0 {
            return 1.0;
        }
        self.used_bytes as f64 / (nodes as f64 * NODE_BODY as f64)
    }

    /// Records a problem.
    pub fn problem(&mut self, what: String) {
        self.problem_count += 1;
        if self.problems.len() < MAX_LISTED_PROBLEMS {
            self.problems.push(what);
        }
    }

    /// Adds another report's pages, problems (prefixed with `context`) and counts.
    pub fn absorb(&mut self, context: &str, other: TreeReport) {
        self.pages.extend(other.pages);
        for problem in &other.problems {
            self.problem(format!("{context}: {problem}"));
        }
        self.problem_count += other
            .problem_count
            .saturating_sub(other.problems.len() as u64);
        self.entries += other.entries;
        self.leaf_pages += other.leaf_pages;
        self.branch_pages += other.branch_pages;
        self.overflow_pages += other.overflow_pages;
        self.used_bytes += other.used_bytes;
    }
}

struct Checker<'a, S: PageSource> {
    src: &'a S,
    checksums: bool,
    seen: HashSet<PageId>,
    report: TreeReport,
}

impl<'a, S: PageSource> Checker<'a, S> {
    /// Marks `id` reached; false (and a problem) if it was reached before.
    fn reach(&mut self, id: PageId) -> bool {
        if !self.seen.insert(id) {
            self.report.problem(format!("page {id} is reached twice"));
            return false;
        }
        self.report.pages.push(id);
        true
    }

    fn checksum(&mut self, id: PageId) {
        if !self.checksums {
            return;
        }
        match self.src.page(id) {
            Ok(page) if checksum_matches(id, page) => {}
            Ok(_) => self.report.problem(format!("page {id} fails its checksum")),
            Err(e) => self.report.problem(format!("page {id}: {e}")),
        }
    }

    /// Checks the subtree at `id`, a node at `level` whose keys lie in `[lower, upper)`.
    fn node(
        &mut self,
        id: PageId,
        level: u8,
        lower: Option<&'a [u8]>,
        upper: Option<&'a [u8]>,
        is_root: bool,
    ) {
        if !self.reach(id) {
            return;
        }
        self.checksum(id);
        let node = match NodeRef::read(self.src, id, Some(level)) {
            Ok(node) => node,
            Err(e) => return self.report.problem(format!("page {id}: {e}")),
        };
        if let Err(e) = self.node_inner(&node, lower, upper, is_root) {
            self.report.problem(format!("page {id}: {e}"));
        }
    }

    fn node_inner(
        &mut self,
        node: &NodeRef<'a>,
        lower: Option<&'a [u8]>,
        upper: Option<&'a [u8]>,
        is_root: bool,
    ) -> Result<()> {
        let id = node.id;
        match &node.packed {
            Some(_) if node.header()?.garbage.get() != 0 => {
                self.report
                    .problem(format!("page {id}: a packed leaf records garbage"));
            }
            Some(_) => {}
            None => self.layout(node)?,
        }
        let used = node.used()?;
        self.report.used_bytes += used as u64;
        if !is_root && node.tree_len()? != 0 {
            self.report
                .problem(format!("page {id}: a non-root page records a tree length"));
        }
        let flags = node.header()?.flags;
        let exempt = flags == UNDERFULL_BESIDE_PACKED && node.is_leaf && node.packed.is_none();
        if flags != 0 && !exempt {
            self.report.problem(format!(
                "page {id}: flags {flags:#x} on a page that cannot have them"
            ));
        }
        // Packed leaves keep no minimum fill: they are never joined with a neighbour.
        if !is_root && node.packed.is_none() && !exempt && used < min_fill(node.level) {
            self.report.problem(format!(
                "page {id}: uses {used} bytes, below the minimum fill {}",
                min_fill(node.level)
            ));
        }
        let mut previous: Option<&[u8]> = None;
        if node.is_leaf {
            self.report.leaf_pages += 1;
            if node.count == 0 && !is_root {
                self.report.problem(format!("page {id}: an empty leaf"));
            }
            if let Some(packed) = &node.packed {
                // The key before, copied into one buffer (a packed leaf's keys are decoded).
                let mut previous = Vec::new();
                let mut first = true;
                packed.for_each(|key, value| {
                    self.key(id, key, (!first).then_some(&previous[..]), lower, upper);
                    previous.clear();
                    previous.extend_from_slice(key);
                    first = false;
                    self.value(id, key, value);
                    Ok(())
                })?;
            } else {
                for index in 0..node.count {
                    let (key, value) = node.entry(index)?;
                    self.key(id, key, previous, lower, upper);
                    previous = Some(key);
                    self.value(id, key, value);
                }
            }
            self.report.entries += node.count as u64;
        } else {
            self.report.branch_pages += 1;
            if node.count < 2 {
                self.report
                    .problem(format!("page {id}: a branch with {} children", node.count));
            }
            let mut child_lower = lower;
            for index in 0..node.count {
                let cell = node.branch_cell(index)?;
                if index == 0 {
                    if !cell.key.is_empty() {
                        self.report.problem(format!("page {id}: cell 0 has a key"));
                    }
                } else {
                    // A separator must leave room on both sides: lower < key < upper.
                    if lower.is_some_and(|l| cell.key <= l) {
                        self.report.problem(format!(
                            "page {id}: separator {index} at or below the page's lower bound"
                        ));
                    }
                    self.key(id, cell.key, previous, None, upper);
                    previous = Some(cell.key);
                }
                let child_upper = if index + 1 < node.count {
                    Some(node.branch_cell(index + 1)?.key)
                } else {
                    upper
                };
                if index > 0 {
                    child_lower = Some(cell.key);
                }
                self.node(cell.child, node.level - 1, child_lower, child_upper, false);
            }
        }
        Ok(())
    }

    /// Checks the slot array and cells: within the page, not overlapping, and the garbage
    /// count accounting for every other byte.
    fn layout(&mut self, node: &NodeRef<'a>) -> Result<()> {
        let id = node.id;
        let header = node.header()?;
        let cells_start = usize::from(header.cells_start.get());
        let mut cells = Vec::with_capacity(node.count);
        for index in 0..node.count {
            let offset = node.slot(index)?;
            let len = node.cell_bytes(index)?.len();
            if offset < cells_start || offset + len > PAGE_SIZE {
                self.report.problem(format!(
                    "page {id}: cell {index} lies outside the cell area"
                ));
            }
            cells.push((offset, len));
        }
        cells.sort_unstable();
        for pair in cells.windows(2) {
            if let [(a, a_len), (b, _)] = pair
                && a + a_len > *b
            {
                self.report
                    .problem(format!("page {id}: cells at {a} and {b} overlap"));
            }
        }
        let live: usize = cells.iter().map(|(_, len)| len).sum();
        let garbage = usize::from(header.garbage.get());
        if (PAGE_SIZE - cells_start).checked_sub(live) != Some(garbage) {
            self.report.problem(format!(
                "page {id}: {garbage} bytes of garbage recorded, the cell area has {} unused",
                (PAGE_SIZE - cells_start).saturating_sub(live)
            ));
        }
        if NODE_HEADER_SIZE + SLOT_SIZE * node.count > cells_start {
            self.report
                .problem(format!("page {id}: slots overlap the cells"));
        }
        Ok(())
    }

    fn key(
        &mut self,
        id: PageId,
        key: &[u8],
        previous: Option<&[u8]>,
        lower: Option<&[u8]>,
        upper: Option<&[u8]>,
    ) {
        if key.len() > MAX_KEY_LEN {
            self.report
                .problem(format!("page {id}: a key of {} bytes", key.len()));
        }
        if previous.is_some_and(|p| p >= key) {
            self.report.problem(format!("page {id}: keys out of order"));
        }
        if lower.is_some_and(|l| key < l) {
            self.report
                .problem(format!("page {id}: a key below the page's lower bound"));
        }
        if upper.is_some_and(|u| key >= u) {
            self.report.problem(format!(
                "page {id}: a key at or above the page's upper bound"
            ));
        }
    }

    fn value(&mut self, id: PageId, key: &[u8], value: ValueRef<'a>) {
        let ValueRef::Overflow { first, len } = value else {
            if key.len() + value.len() > INLINE_PAYLOAD_MAX {
                self.report
                    .problem(format!("page {id}: an inline value too long"));
            }
            return;
        };
        let len = len as usize;
        if key.len() + len <= INLINE_PAYLOAD_MAX || len > MAX_VALUE_LEN {
            self.report
                .problem(format!("page {id}: an overflow value of {len} bytes"));
        }
        let chain = match overflow_chain_pages(self.src, first, len as u64) {
            Ok(chain) => chain,
            Err(e) => {
                self.report
                    .problem(format!("overflow chain from page {id}: {e}"));
                Vec::new()
            }
        };
        for page in chain {
            if self.reach(page) {
                self.report.overflow_pages += 1;
                self.checksum(page);
            }
        }
    }
}

impl Tree {
    /// Verifies every invariant of the tree in `src`: page types, levels (all leaves at the
    /// same depth), checksums, slot and cell layout, key order within and across pages,
    /// minimum fill, overflow chains, the recorded length, and that no page is reached
    /// twice. Reports the pages it reached. Use on committed trees: pages a write
    /// transaction has changed are sealed only at commit (see [`Tree::check_uncommitted`]).
    pub fn check<S: PageSource>(&self, src: &S) -> Result<TreeReport> {
        Ok(self.check_with(src, true))
    }

    /// [`Tree::check`] without checksums, for use inside a write transaction.
    pub fn check_uncommitted<S: PageSource>(&self, src: &S) -> Result<TreeReport> {
        Ok(self.check_with(src, false))
    }

    fn check_with<S: PageSource>(&self, src: &S, checksums: bool) -> TreeReport {
        let mut checker = Checker {
            src,
            checksums,
            seen: HashSet::new(),
            report: TreeReport::default(),
        };
        if self.root() == 0 {
            if !self.is_empty() || self.height() != 0 {
                checker
                    .report
                    .problem("an empty tree with a length or height".into());
            }
            return checker.report;
        }
        let root = PageId(self.root());
        match self.root_level() {
            Ok(level) => checker.node(root, level, None, None, true),
            Err(e) => checker.report.problem(e.to_string()),
        }
        let entries = checker.report.entries;
        match NodeRef::read(src, root, None).and_then(|n| n.tree_len()) {
            Ok(recorded) if recorded == entries && self.len() == entries => {}
            Ok(recorded) => checker.report.problem(format!(
                "the root records {recorded} entries, the handle {}, the leaves hold {entries}",
                self.len()
            )),
            Err(e) => checker.report.problem(e.to_string()),
        }
        if entries == 0 {
            checker
                .report
                .problem("a tree with a root page and no entries".into());
        }
        checker.report
    }
}
