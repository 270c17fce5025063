//! `check` and `stats`: every structure walked, every page accounted for, and the structures
//! verified against each other (records, adjacency, indexes, string tables).

use std::collections::{BTreeMap, HashSet};

use pager_mmap::{PageId, PageSource, page_type_of};

use crate::error::Result;
use crate::graph::{Graph, ReadTxn};
use crate::read::{GraphRead, sealed::Access};
use crate::schema::{EdgeAttrs, edge_of_data_key, kind_key, name_key};
use crate::strings::{self, Label};

/// Problems beyond this many are counted, not listed.
const MAX_LISTED: usize = 100;

/// What [`Graph::check`] found. Clean when `problem_count` is 0.
#[derive(Clone, Debug, Default)]
pub struct CheckReport {
    /// Live nodes.
    pub nodes: u64,
    /// Live edges.
    pub edges: u64,
    /// Pages the structures reach.
    pub pages: u64,
    /// Free pages.
    pub free_pages: u64,
    /// Pages in the file's format.
    pub page_count: u64,
    /// Problems found, one sentence each (the first hundred).
    pub problems: Vec<String>,
    /// Problems found in all.
    pub problem_count: u64,
}

impl CheckReport {
    /// Whether nothing is wrong.
    pub fn is_clean(&self) -> bool {
        self.problem_count == 0
    }

    fn problem(&mut self, what: String) {
        self.problem_count += 1;
        if self.problems.len() < MAX_LISTED {
            self.problems.push(what);
        }
    }

    fn problems(&mut self, context: &str, found: impl IntoIterator<Item = String>) {
        for p in found {
            self.problem(format!("{context}: {p}"));
        }
    }
}

/// Bytes in one page of the file: what each page that [`Stats`] counts takes.
pub const PAGE_SIZE: u64 = pager_mmap::PAGE_SIZE_U64;

/// Counts describing a graph at one commit.
#[derive(Clone, Debug, Default)]
pub struct Stats {
    /// The commit the counts describe.
    pub txn_id: u64,
    /// Live nodes.
    pub nodes: u64,
    /// Live edges.
    pub edges: u64,
    /// Kinds ever used.
    pub kinds: u64,
    /// Edge types ever used.
    pub edge_types: u64,
    /// Pages in the file's format.
    pub page_count: u64,
    /// Free pages.
    pub free_pages: u64,
    /// The file's length in bytes (pre-allocated space included).
    pub file_len: u64,
    /// Pages the structures reach, by page type.
    pub pages_by_type: BTreeMap<&'static str, u64>,
    /// The same pages by the structure that reaches them: "node records", "edge records",
    /// "adjacency", "edge data", "string table", "kind index", "name index", "vector
    /// indexes", "property columns", each key-value space as "key-value space NAME", the
    /// graph's own spaces (property indexes) as "property indexes" and the catalog of spaces
    /// as "key-value catalog". Structures without pages are left out.
    pub pages_by_structure: BTreeMap<String, u64>,
}

/// Where a graph's pages go, in bytes per live node and per live edge ([`Stats::footprint`]);
/// `None` where there is nothing to divide by. Pages shared by every structure (radix
/// vectors, overflow chains) and vector indexes are in none of them.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Footprint {
    /// Node record pages (the records, their heaps, property columns) per node.
    pub records_per_node: Option<f64>,
    /// Index pages per node: B+tree pages (kind, name, label and property indexes, string
    /// tables, external ids that are not numbers, key-value spaces, edge data) and the id maps
    /// of external ids that are numbers.
    pub indexes_per_node: Option<f64>,
    /// Adjacency pages (both directions: leaves, runs, hubs and their segments, and the delta's
    /// B+tree pages) per edge.
    pub adjacency_per_edge: Option<f64>,
    /// Edge record pages per edge.
    pub records_per_edge: Option<f64>,
}

/// The page types that hold node records, B+trees, adjacency lists and edge records.
const NODE_RECORD_PAGES: [&str; 4] = [
    "record leaf",
    "record leaf (packed)",
    "record heap",
    "column slots",
];
const INDEX_PAGES: [&str; 4] = [
    "btree leaf",
    "btree leaf (packed)",
    "btree branch",
    "id-map leaf",
];
const ADJACENCY_PAGES: [&str; 6] = [
    "adjacency leaf",
    "adjacency pair",
    "adjacency run",
    "adjacency hub",
    "adjacency segment",
    DELTA_PAGES,
];
/// The name [`Stats::pages_by_type`] gives the B+tree pages of the adjacency delta.
const DELTA_PAGES: &str = "adjacency delta";
const EDGE_RECORD_PAGES: [&str; 1] = ["attribute leaf"];

impl Stats {
    /// Bytes of pages per node and per edge, by what holds them: what `mmgraph stats` prints,
    /// so that a change in the layout's cost shows.
    pub fn footprint(&self) -> Footprint {
        let bytes = |types: &[&str]| -> u64 {
            types
                .iter()
                .filter_map(|t| self.pages_by_type.get(t))
                .sum::<u64>()
                * pager_mmap::PAGE_SIZE_U64
        };
        let per =
            |types: &[&str], count: u64| (count > 0).then(|| bytes(types) as f64 / count as f64);
        Footprint {
            records_per_node: per(&NODE_RECORD_PAGES, self.nodes),
            indexes_per_node: per(&INDEX_PAGES, self.nodes),
            adjacency_per_edge: per(&ADJACENCY_PAGES, self.edges),
            records_per_edge: per(&EDGE_RECORD_PAGES, self.edges),
        }
    }
}

/// A name for each page type tag the graph's structures use.
pub fn page_type_name(tag: u8) -> &'static str {
    match tag {
        4 => "overflow",
        5 => "radix",
        16 => "btree leaf",
        17 => "btree branch",
        18 => "btree leaf (packed)",
        33 => "record leaf",
        34 => "record heap",
        35 => "attribute leaf",
        36 => "id-map leaf",
        37 => "record leaf (packed)",
        48 => "adjacency leaf",
        49 => "adjacency run",
        50 => "adjacency hub",
        51 => "adjacency segment",
        52 => "adjacency pair",
        64 => "column slots",
        81 => "vector node slots (beside)",
        82 => "vector upper links",
        83 => "vector node slots",
        _ => "other",
    }
}

/// A walk's pages counted by structure as the walk adds them.
struct Tally<'t> {
    tally: &'t mut dyn FnMut(&str, u64),
    /// Pages already reported.
    counted: usize,
}

impl Tally<'_> {
    /// Reports the pages added to `pages` since the last report as `name`'s.
    fn up_to(&mut self, name: &str, pages: &[PageId]) {
        (self.tally)(name, (pages.len() - self.counted) as u64);
        self.counted = pages.len();
    }

    /// Reports `count` of the pages added since the last report as `name`'s.
    fn part(&mut self, name: &str, count: u64) {
        (self.tally)(name, count);
        self.counted += count as usize;
    }
}

/// Two bits per edge id: seen in its source's out-list, seen in its target's in-list.
struct Seen {
    out: Vec<bool>,
    incoming: Vec<bool>,
}

impl Graph {
    /// Walks every structure of the latest commit and verifies every invariant and checksum:
    /// see [`ReadTxn::check`].
    pub fn check(&self) -> Result<CheckReport> {
        self.begin_read()?.check()
    }

    /// Counts of the latest commit: see [`ReadTxn::stats`].
    pub fn stats(&self) -> Result<Stats> {
        let mut stats = self.begin_read()?.stats()?;
        stats.file_len = self.storage_stats()?.file_len;
        Ok(stats)
    }
}

impl ReadTxn {
    /// Every page the graph's structures reach, and the problems found while walking them.
    /// With `seen`, every adjacency entry is also matched against its edge record.
    /// `tally` is called with each structure's name and the pages it added (a name may come
    /// more than once).
    fn walk(
        &self,
        report: &mut CheckReport,
        mut seen: Option<&mut Seen>,
        tally: &mut dyn FnMut(&str, u64),
    ) -> Result<Vec<PageId>> {
        let src = self.source();
        let roots = self.roots();
        let mut pages = Vec::new();
        let mut tally = Tally { tally, counted: 0 };
        let cross_check = seen.is_some();
        let problems = roots.nodes.check(src, &mut pages)?;
        report.problems("node records", problems);
        tally.up_to("node records", &pages);
        let problems = roots.edges.check(src, &mut pages)?;
        report.problems("edge records", problems);
        tally.up_to("edge records", &pages);
        let mut entry_problems = Vec::new();
        let problems = roots
            .adjacency
            .check(src, &mut pages, |node, direction, n| {
                let Some(seen) = seen.as_deref_mut() else {
                    return;
                };
                let record = match roots.edges.get(src, n.edge) {
                    Ok(Some(attrs)) => EdgeAttrs::read(attrs),
                    Ok(None) => {
                        return entry_problems.push(format!(
                            "node {node} lists edge {} that does not exist",
                            n.edge
                        ));
                    }
                    Err(e) => return entry_problems.push(format!("edge {}: {e}", n.edge)),
                };
                let (here, there, bits) = match direction {
                    edges::Direction::Out => (record.from.get(), record.to.get(), &mut seen.out),
                    edges::Direction::In => {
                        (record.to.get(), record.from.get(), &mut seen.incoming)
                    }
                };
                if here != node
                    || there != n.node
                    || u32::from(record.edge_type.get()) != n.edge_type
                {
                    entry_problems.push(format!(
                        "node {node} {direction:?} lists edge {} wrongly",
                        n.edge
                    ));
                }
                match usize::try_from(n.edge).ok().and_then(|i| bits.get_mut(i)) {
                    Some(bit) if *bit => entry_problems.push(format!(
                        "edge {} is listed twice {direction:?} at node {node}",
                        n.edge
                    )),
                    Some(bit) => *bit = true,
                    None => entry_problems.push(format!("edge {} is beyond the edge ids", n.edge)),
                }
            })?;
        report.problems("adjacency", problems);
        report.problems("adjacency", entry_problems);
        tally.up_to("adjacency", &pages);
        for (name, tree) in [
            ("edge data", roots.edge_data),
            ("string table", roots.strings),
            ("kind index", roots.by_kind),
            ("name index", roots.by_name),
        ] {
            let tree_report = tree.check(src)?;
            report.problems(name, tree_report.problems);
            pages.extend(tree_report.pages);
            tally.up_to(name, &pages);
        }
        for (name, map) in [
            ("external ids, number -> node", &roots.external_nodes),
            ("external ids, node -> number", &roots.external_numbers),
        ] {
            let problems = map.check(src, &mut pages)?;
            report.problems(name, problems);
            tally.up_to(name, &pages);
        }
        let (kv_report, by_space) = crate::kv::check(src)?;
        report.problems("key-value spaces", kv_report.problems);
        pages.extend(kv_report.pages);
        for (space, count) in &by_space {
            tally.part(space, *count);
        }
        tally.up_to("key-value catalog", &pages);
        let vector_report = crate::vector::check(src, &roots.nodes)?;
        report.problems("vector indexes", vector_report.problems);
        pages.extend(vector_report.pages);
        tally.up_to("vector indexes", &pages);
        let problems = crate::props::column::check(self, &mut pages, cross_check)?;
        report.problems("property columns", problems);
        tally.up_to("property columns", &pages);
        Ok(pages)
    }

    /// Walks every structure and verifies every invariant and checksum: the pager's (every
    /// page reachable once or free), each structure's own, and their agreement: every edge
    /// listed once in its source's out-list and once in its target's in-list and nowhere else,
    /// its endpoints alive, every node in the kind and name indexes and nothing else there,
    /// every kind and edge type in the string table, edge data only for live edges.
    pub fn check(&self) -> Result<CheckReport> {
        let src = self.source();
        let roots = self.roots();
        let mut report = CheckReport {
            nodes: roots.nodes.len(),
            edges: roots.edges.len(),
            ..CheckReport::default()
        };
        let ids = usize::try_from(roots.edges.next_id()).unwrap_or(0);
        let mut seen = Seen {
            out: vec![false; ids],
            incoming: vec![false; ids],
        };
        let pages = self.walk(&mut report, Some(&mut seen), &mut |_, _| {})?;

        let mut string_problems = Vec::new();
        let kinds = strings::check(&roots.strings, src, Label::Kind, &mut string_problems)?;
        let types = strings::check(&roots.strings, src, Label::EdgeType, &mut string_problems)?;
        report.problems("string table", string_problems);

        for edge in self.edges() {
            let edge = edge?;
            let id = edge.id().0;
            let listed = usize::try_from(id)
                .ok()
                .map(|i| (seen.out.get(i), seen.incoming.get(i)));
            if listed != Some((Some(&true), Some(&true))) {
                report.problem(format!("edge {id} is missing from an endpoint's list"));
            }
            for node in [edge.from(), edge.to()] {
                if self.node(node)?.is_none() {
                    report.problem(format!(
                        "edge {id} touches node {node}, which does not exist"
                    ));
                }
            }
            if u64::from(edge.edge_type_id()) >= types {
                report.problem(format!(
                    "edge {id} has unknown type id {}",
                    edge.edge_type_id()
                ));
            }
        }
        // The nodes whose by-name key is there.
        let mut name_keys = 0;
        for node in self.nodes() {
            let node = node?;
            let id = node.id().0;
            if u64::from(node.kind_id()) >= kinds {
                report.problem(format!("node {id} has unknown kind id {}", node.kind_id()));
            }
            if !roots
                .by_kind
                .contains_key(src, &kind_key(node.kind_id(), id))?
            {
                report.problem(format!("node {id} is missing from the kind index"));
            }
            let name = node.name()?;
            let keyed = roots
                .by_name
                .contains_key(src, &name_key(name.as_bytes(), id))?;
            if keyed {
                name_keys += 1;
            } else if !name.is_empty() {
                report.problem(format!("node {id} is missing from the name index"));
            }
        }
        for entry in roots.edge_data.iter(src) {
            let entry = entry?;
            match edge_of_data_key(entry.key()) {
                Ok(edge) if !roots.edges.contains(src, edge)? => {
                    report.problem(format!("edge {edge} has data but does not exist"));
                }
                Ok(edge) if entry.value_len() == 0 => {
                    report.problem(format!("edge {edge} has an empty data entry"));
                }
                Ok(_) => {}
                Err(e) => report.problem(format!("edge data: {e}")),
            }
        }
        // Every node has a by-kind key; a named node has a by-name key, and so may an unnamed
        // one that a layout before 7 wrote: any other key names no node of that name.
        for (name, tree, nodes) in [
            ("kind index", roots.by_kind, roots.nodes.len()),
            ("name index", roots.by_name, name_keys),
        ] {
            if tree.len() != nodes {
                report.problem(format!(
                    "the {name} has {} entries for {nodes} nodes",
                    tree.len(),
                ));
            }
        }

        // A node's external number names it (a number may name a node that has another id
        // since, or has been deleted: ids are kept).
        for entry in roots.external_numbers.iter(src)? {
            let (node, number) = entry?;
            if roots.external_nodes.get(src, number)? != Some(node) {
                report.problem(format!(
                    "node {node} has external id {number}, which names another node or none"
                ));
            }
        }

        let pager_report = self.source().check(&pages)?;
        report.pages = pages.len() as u64;
        report.free_pages = pager_report.free_pages;
        report.page_count = pager_report.page_count;
        let unlisted = pager_report
            .problem_count
            .saturating_sub(pager_report.problems.len() as u64);
        report.problems("pages", pager_report.problems);
        report.problem_count += unlisted;
        Ok(report)
    }

    /// Counts of this snapshot: nodes, edges, kinds, edge types, and pages by type.
    pub fn stats(&self) -> Result<Stats> {
        let src = self.source();
        let mut pages_by_structure = BTreeMap::new();
        let pages = self.walk(&mut CheckReport::default(), None, &mut |name, count| {
            if count > 0 {
                *pages_by_structure.entry(name.to_owned()).or_insert(0) += count;
            }
        })?;
        // The adjacency delta's tiers are B+tree pages; they count as adjacency.
        let mut delta = Vec::new();
        self.roots().adjacency.delta_pages(src, &mut delta)?;
        let delta: HashSet<PageId> = delta.into_iter().collect();
        let mut pages_by_type = BTreeMap::new();
        for page in pages {
            let name = if delta.contains(&page) {
                DELTA_PAGES
            } else {
                page_type_name(page_type_of(src.page(page)?).0)
            };
            *pages_by_type.entry(name).or_insert(0) += 1;
        }
        Ok(Stats {
            txn_id: self.txn_id(),
            nodes: self.node_count(),
            edges: self.edge_count(),
            kinds: self.kinds()?.len() as u64,
            edge_types: self.edge_types()?.len() as u64,
            page_count: src.page_count(),
            free_pages: src.free_page_count(),
            file_len: 0,
            pages_by_type,
            pages_by_structure,
        })
    }
}

#[cfg(test)]
mod tests {
    use crate::schema::name_key;
    use crate::{Graph, GraphRead, NodeId};

    /// Layout 7 keeps unnamed nodes out of the name index; files of earlier layouts hold a key
    /// for each. Both must check clean, find no node by the empty name, list only named nodes
    /// by prefix, and delete an unnamed node with or without its key; a key for a node that
    /// is gone, or a named node without one, is still reported.
    #[test]
    fn unnamed_nodes_check_clean_with_or_without_a_key_from_an_earlier_layout() -> crate::Result<()>
    {
        let graph = Graph::in_memory()?;
        let mut txn = graph.begin_write()?;
        let named = txn.add_node("k", "named", b"")?;
        let unnamed = txn.add_node("k", "", b"")?;
        let legacy = txn.add_node("k", "", b"")?;
        let doomed = txn.add_node("k", "", b"")?;
        let (index, pages) = txn.name_index_for_test();
        assert_eq!(index.len(), 1);
        // What a layout-6 build wrote for two of the unnamed nodes.
        for node in [legacy, doomed] {
            index.insert(pages, &name_key(b"", node.0), &[])?;
        }
        txn.commit()?;
        let report = graph.check()?;
        assert!(report.is_clean(), "{:?}", report.problems);
        let read = graph.begin_read()?;
        assert_eq!(read.nodes_by_name("").count(), 0);
        let by_prefix: Vec<NodeId> = read
            .nodes_by_name_prefix("")
            .collect::<crate::Result<_>>()?;
        assert_eq!(by_prefix, vec![named]);
        drop(read);

        let mut txn = graph.begin_write()?;
        txn.delete_node(unnamed)?;
        txn.delete_node(doomed)?;
        assert_eq!(
            txn.name_index_for_test().0.len(),
            2,
            "the deleted node's old key went with it"
        );
        txn.commit()?;
        assert!(graph.check()?.is_clean());

        // A stray key for a node that no longer exists, and a named node without its key.
        let mut txn = graph.begin_write()?;
        let (index, pages) = txn.name_index_for_test();
        index.insert(pages, &name_key(b"", 99), &[])?;
        index.delete(pages, &name_key(b"named", named.0))?;
        txn.commit()?;
        let problems = graph.check()?.problems;
        assert!(
            problems
                .iter()
                .any(|p| p.contains("missing from the name index")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("the name index has 2 entries for 1 nodes")),
            "{problems:?}"
        );
        Ok(())
    }

    #[test]
    fn the_footprint_divides_each_structures_pages_by_its_count() -> crate::Result<()> {
        let graph = Graph::in_memory()?;
        let empty = graph.stats()?.footprint();
        assert_eq!(empty, super::Footprint::default());
        let mut txn = graph.begin_write()?;
        let a = txn.add_node("k", "a", b"")?;
        let b = txn.add_node("k", "b", b"")?;
        txn.commit()?;
        let nodes_only = graph.stats()?;
        let footprint = nodes_only.footprint();
        let record_pages = nodes_only.pages_by_type.get("record leaf").copied();
        assert_eq!(
            footprint.records_per_node,
            record_pages.map(|pages| pages as f64 * 4096.0 / 2.0)
        );
        assert!(footprint.indexes_per_node > Some(0.0));
        assert_eq!(footprint.adjacency_per_edge, None);
        let mut txn = graph.begin_write()?;
        txn.add_edge(a, b, "t", b"")?;
        txn.commit()?;
        let footprint = graph.stats()?.footprint();
        assert!(footprint.adjacency_per_edge >= Some(4096.0));
        assert!(footprint.records_per_edge >= Some(4096.0));
        Ok(())
    }

    #[test]
    fn pages_by_structure_count_every_page_once_and_name_each_space() -> crate::Result<()> {
        let graph = Graph::in_memory()?;
        assert!(graph.stats()?.pages_by_structure.is_empty());
        let mut txn = graph.begin_write()?;
        let a = txn.add_node("k", "a", b"")?;
        let b = txn.add_node("k", "b", b"")?;
        txn.add_edge(a, b, "t", b"")?;
        for i in 0u32..2000 {
            txn.kv_insert("big", format!("{i:05}").as_bytes(), &[7; 100])?;
        }
        txn.kv_insert("small", b"k", b"v")?;
        txn.commit()?;
        let stats = graph.stats()?;
        let by_structure = &stats.pages_by_structure;
        assert_eq!(
            by_structure.values().sum::<u64>(),
            stats.pages_by_type.values().sum::<u64>()
        );
        for structure in [
            "node records",
            "edge records",
            "adjacency",
            "kind index",
            "name index",
            "string table",
            "key-value space small",
            "key-value catalog",
        ] {
            assert!(by_structure.get(structure) >= Some(&1), "{structure}");
        }
        // 2,000 entries of about 110 bytes: dozens of leaves.
        assert!(by_structure.get("key-value space big") > Some(&40));
        assert!(!by_structure.contains_key("vector indexes"));
        Ok(())
    }
}
