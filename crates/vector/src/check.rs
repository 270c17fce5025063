//! Verifying the indexes of a catalog: every table's pages of the right type and in range,
//! every live slot's vector finite and its links in range, live, of a high enough level and
//! returned, both free lists whole, the node map and the slots in agreement, the entry point
//! valid.

use std::collections::{HashMap, HashSet};

use btree::{Tree, TreeReport};
use pager_mmap::{PageId, PageSource};

use crate::catalog::{names, open};
use crate::error::Result;
use crate::index::{Index, id_of_value, node_of_key};
use crate::node_slot::{UpperSlot, ids, vector_of};

/// Checks the catalog in `slot` and every index in it. The report lists every page they use
/// (for the pager's accounting) and the problems found.
pub fn check<S: PageSource>(src: &S, slot: usize) -> Result<TreeReport> {
    let mut report = Tree::from_slot(src, slot)?.check(src)?;
    if !report.is_clean() {
        return Ok(report);
    }
    for name in names(src, slot)? {
        match open(src, slot, &name) {
            Ok(index) => {
                let map_report = index.map.check(src)?;
                let clean = map_report.is_clean();
                report.absorb(&format!("vector index {name:?}"), map_report);
                if clean {
                    let mut problems = Vec::new();
                    report.pages.extend(index.check_tables(src, &mut problems));
                    for problem in problems {
                        report.problem(format!("vector index {name:?}: {problem}"));
                    }
                }
            }
            Err(e) => report.problem(format!("vector index {name:?}: {e}")),
        }
    }
    Ok(report)
}

/// What the scan of the node slots found of one live dense id.
struct Live {
    node: u64,
    level: u8,
    /// Links per level `0 ..= level`.
    links: Vec<Vec<u32>>,
}

impl Index {
    /// The problems of the index's tables, slots and links, one sentence each.
    pub fn check_links<S: PageSource>(&self, src: &S) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        self.check_tables(src, &mut problems);
        Ok(problems)
    }

    /// The pages of the index's tables; appends the problems found in them to `problems`. A
    /// slot that cannot be read is a problem, not an error.
    fn check_tables<S: PageSource>(&self, src: &S, problems: &mut Vec<String>) -> Vec<PageId> {
        let mut pages = Vec::new();
        let (next_id, next_upper) = (
            u64::from(self.header.next_id),
            u64::from(self.header.next_upper),
        );
        let tables = [(&self.slots, next_id)]
            .into_iter()
            .chain(self.upper.iter().map(|t| (t, next_upper)));
        for (table, count) in tables {
            match table.pages(src, count, problems) {
                Ok(found) => pages.extend(found),
                Err(e) => problems.push(format!("a slot table cannot be walked: {e}")),
            }
        }
        if problems.is_empty()
            && let Err(e) = self.check_slots(src, problems)
        {
            problems.push(format!("a slot cannot be read: {e}"));
        }
        pages
    }

    fn check_slots<S: PageSource>(&self, src: &S, problems: &mut Vec<String>) -> Result<()> {
        let header = &self.header;
        let mut live: Vec<Option<Live>> = Vec::with_capacity(header.next_id as usize);
        let mut by_node = HashMap::new();
        let mut uppers = HashSet::new();
        for id in 0..header.next_id {
            let slot = self.slot(src, id)?;
            if slot.is_free() {
                live.push(None);
                continue;
            }
            let level = slot.level()?;
            let node = slot.node();
            if by_node.insert(node, id).is_some() {
                problems.push(format!("node {node} has two dense ids"));
            }
            if level > 0 && (slot.upper() >= header.next_upper || !uppers.insert(slot.upper())) {
                problems.push(format!(
                    "node {node}'s upper id {} is out of range or shared",
                    slot.upper()
                ));
                live.push(None);
                continue;
            }
            if !vector_of(&self.vector(src, id)?)
                .iter()
                .all(|x| x.is_finite())
            {
                problems.push(format!("node {node}'s vector is not finite"));
            }
            let links = (0..=level)
                .map(|l| Ok(ids(self.links(src, id, l)?).collect()))
                .collect::<Result<Vec<Vec<u32>>>>()?;
            live.push(Some(Live { node, level, links }));
        }
        let live_count = live.iter().flatten().count() as u64;
        if live_count != header.len {
            problems.push(format!(
                "{live_count} live slots, the header counts {}",
                header.len
            ));
        }
        self.check_free_lists(src, &live, &uppers, problems)?;
        self.check_link_lists(&live, problems);
        for entry in self.map.iter(src) {
            let entry = entry?;
            let node = node_of_key(entry.key())?;
            let id = id_of_value(&entry.value()?)?;
            if by_node.get(&node) != Some(&id) {
                problems.push(format!(
                    "the map sends node {node} to dense id {id}, whose slot is not its own"
                ));
            }
        }
        let highest = live.iter().flatten().map(|l| l.level).max();
        match header.entry {
            None if live_count > 0 => problems.push("no entry point".to_owned()),
            Some(entry) => match live.get(entry.id as usize).and_then(Option::as_ref) {
                Some(l) if l.node == entry.node && l.level == entry.level => {
                    if highest.is_some_and(|h| h > entry.level) {
                        problems.push(format!(
                            "a node has a level above the entry point's {}",
                            entry.level
                        ));
                    }
                }
                _ => problems.push(format!(
                    "entry point {} (dense id {}, level {}) is not a live slot of that level",
                    entry.node, entry.id, entry.level
                )),
            },
            None => {}
        }
        Ok(())
    }

    /// Both free lists: every id on them free, none twice, and with the live ones all ids.
    fn check_free_lists<S: PageSource>(
        &self,
        src: &S,
        live: &[Option<Live>],
        uppers: &HashSet<u32>,
        problems: &mut Vec<String>,
    ) -> Result<()> {
        let header = &self.header;
        let mut free = HashSet::new();
        let mut next = header.free_id;
        while let Some(id) = next.checked_sub(1) {
            let slot = self.slot(src, id)?;
            if !slot.is_free() || !free.insert(id) {
                problems.push(format!(
                    "the free list runs into dense id {id}, in use or seen"
                ));
                break;
            }
            next = u32::try_from(slot.next_free()).unwrap_or(u32::MAX);
        }
        if free.len() + live.iter().flatten().count() != header.next_id as usize {
            problems.push("dense ids are lost: neither live nor free".to_owned());
        }
        let mut free_upper = HashSet::new();
        let mut next = header.free_upper;
        while let Some(upper) = next.checked_sub(1) {
            if upper >= header.next_upper {
                problems.push(format!("the upper free list names {upper}, out of range"));
                break;
            }
            let slot = UpperSlot(self.upper_table(1)?.whole_slot(src, upper)?);
            if !slot.is_free() || uppers.contains(&upper) || !free_upper.insert(upper) {
                problems.push(format!(
                    "the upper free list runs into {upper}, in use or seen"
                ));
                break;
            }
            next = slot.next_free();
        }
        if free_upper.len() + uppers.len() != header.next_upper as usize {
            problems.push("upper ids are lost: neither in use nor free".to_owned());
        }
        Ok(())
    }

    /// Every list: within its cap, no repeats or self links, every link to a live slot of a
    /// high enough level that links back.
    fn check_link_lists(&self, live: &[Option<Live>], problems: &mut Vec<String>) {
        for (id, l) in live.iter().enumerate() {
            let Some(l) = l else { continue };
            for (level, list) in (0u8..).zip(&l.links) {
                if list.len() > self.header.spec.cap(level) {
                    problems.push(format!(
                        "node {} has {} links at level {level}",
                        l.node,
                        list.len()
                    ));
                }
                for (i, &other) in list.iter().enumerate() {
                    if other as usize == id || list.get(..i).is_some_and(|b| b.contains(&other)) {
                        problems.push(format!("node {} lists {other} twice or itself", l.node));
                    }
                    match live.get(other as usize).and_then(Option::as_ref) {
                        None => problems.push(format!(
                            "node {} links at level {level} to dense id {other}, which is not live",
                            l.node
                        )),
                        Some(o) if o.level < level => problems.push(format!(
                            "node {} links at level {level} to node {} of level {}",
                            l.node, o.node, o.level
                        )),
                        Some(o) => {
                            let back = o.links.get(usize::from(level));
                            if !back.is_some_and(|b| b.contains(&(id as u32))) {
                                problems.push(format!(
                                    "node {} links to {} at level {level} but not back",
                                    l.node, o.node
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
}
