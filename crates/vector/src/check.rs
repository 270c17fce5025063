//! Verifying the indexes of a catalog: every record readable, every link in range and
//! returned, levels consistent, the entry point valid.

use std::collections::HashMap;

use btree::{Tree, TreeReport};
use pager_mmap::PageSource;

use crate::catalog::{names, open};
use crate::error::Result;
use crate::index::Index;
use crate::record::node_of_key;

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
                let tree_report = index.tree.check(src)?;
                let clean = tree_report.is_clean();
                report.absorb(&format!("vector index {name:?}"), tree_report);
                if clean {
                    for problem in index.check_links(src)? {
                        report.problem(format!("vector index {name:?}: {problem}"));
                    }
                }
            }
            Err(e) => report.problem(format!("vector index {name:?}: {e}")),
        }
    }
    Ok(report)
}

impl Index {
    /// The problems of the index's records and links, one sentence each.
    pub fn check_links<S: PageSource>(&self, src: &S) -> Result<Vec<String>> {
        let mut problems = Vec::new();
        let mut levels = HashMap::new();
        let mut all = Vec::new();
        for entry in self.tree.iter(src) {
            let entry = entry?;
            let node = node_of_key(entry.key())?;
            let bytes = entry.value()?;
            let read = self.view(&bytes).and_then(|view| {
                let links = view.all_links()?;
                let finite = crate::record::vector_of(view.vector())
                    .iter()
                    .all(|x| x.is_finite());
                Ok((view.level(), links, finite))
            });
            match read {
                Ok((level, links, finite)) => {
                    if !finite {
                        problems.push(format!("node {node}'s vector is not finite"));
                    }
                    levels.insert(node, level);
                    all.push((node, links));
                }
                Err(e) => problems.push(format!("node {node}'s record: {e}")),
            }
        }
        for (node, links) in &all {
            for (l, list) in (0u8..).zip(links) {
                if list.len() > self.header.spec.cap(l) {
                    problems.push(format!("node {node} has {} links at level {l}", list.len()));
                }
                for (i, other) in list.iter().enumerate() {
                    if other == node || list.get(..i).is_some_and(|before| before.contains(other)) {
                        problems.push(format!("node {node} lists {other} twice or itself"));
                    }
                    match levels.get(other) {
                        None => problems.push(format!(
                            "node {node} links at level {l} to node {other}, which has no vector"
                        )),
                        Some(&level) if level < l => problems.push(format!(
                            "node {node} links at level {l} to node {other} of level {level}"
                        )),
                        Some(_) => {
                            let back = all
                                .binary_search_by_key(other, |(n, _)| *n)
                                .ok()
                                .and_then(|i| all.get(i))
                                .and_then(|(_, links)| links.get(usize::from(l)));
                            if !back.is_some_and(|b| b.contains(node)) {
                                problems.push(format!(
                                    "node {node} links to {other} at level {l} but not back"
                                ));
                            }
                        }
                    }
                }
            }
        }
        match self.header.entry {
            None if !levels.is_empty() => problems.push("no entry point".to_owned()),
            Some((entry, level)) => match levels.get(&entry) {
                None => problems.push(format!("entry point {entry} has no vector")),
                Some(&l) if l != level => problems.push(format!(
                    "entry point {entry} has level {l}, the header says {level}"
                )),
                Some(_) => {
                    if let Some((node, l)) = levels.iter().find(|(_, l)| **l > level) {
                        problems.push(format!(
                            "node {node} has level {l}, above the entry point's {level}"
                        ));
                    }
                }
            },
            None => {}
        }
        Ok(problems)
    }
}
