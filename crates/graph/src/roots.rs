//! The roots of every structure of a graph, as one transaction sees them.

use btree::Tree;
use edges::Adjacency;
use nodepage::{AttrTable, IdMap, RecordTable, TableRoot};
use pager_mmap::{PageSource, WriteTxn};

use crate::error::{Error, Result};
use crate::schema::{
    GRAPH_MARKER, LAYOUT_READ_ALSO, LAYOUT_VERSION, NODE_SLOTS, SLOT_ADJACENCY,
    SLOT_ADJACENCY_DELTA, SLOT_BY_KIND, SLOT_BY_NAME, SLOT_EDGE_DATA, SLOT_EDGES,
    SLOT_EXTERNAL_NODES, SLOT_EXTERNAL_NUMBERS, SLOT_MARKER, SLOT_NODES, SLOT_STRINGS,
    SLOT_VERSION, table_from_slots,
};

/// Where each structure starts: node and edge records, edge data, adjacency, string table,
/// indexes, the numeric external ids.
#[derive(Clone, Debug)]
pub struct Roots {
    pub(crate) nodes: RecordTable,
    pub(crate) edges: AttrTable,
    pub(crate) edge_data: Tree,
    pub(crate) adjacency: Adjacency,
    pub(crate) strings: Tree,
    pub(crate) by_kind: Tree,
    pub(crate) by_name: Tree,
    /// External ids that are numbers: number -> node.
    pub(crate) external_nodes: IdMap,
    /// External ids that are numbers: node -> number.
    pub(crate) external_numbers: IdMap,
}

fn words(src: &impl PageSource, first: usize) -> Result<[u64; 4]> {
    Ok([
        src.root(first)?,
        src.root(first + 1)?,
        src.root(first + 2)?,
        src.root(first + 3)?,
    ])
}

impl Roots {
    /// Reads the roots from the pager's root slots, checking the graph marker and version.
    pub(crate) fn load(src: &impl PageSource) -> Result<Roots> {
        let marker = src.root(SLOT_MARKER)?;
        if marker != GRAPH_MARKER {
            return Err(Error::NotAGraph(format!(
                "root slot 0 holds {marker:#x}, not the graph marker"
            )));
        }
        let version = src.root(SLOT_VERSION)?;
        if version != LAYOUT_VERSION && !LAYOUT_READ_ALSO.contains(&version) {
            return Err(Error::UnsupportedLayout {
                found: version,
                supported: LAYOUT_VERSION,
            });
        }
        Ok(Roots {
            nodes: table_from_slots(words(src, SLOT_NODES)?, NODE_SLOTS)?,
            edges: AttrTable::open(TableRoot::from_words(words(src, SLOT_EDGES)?))?,
            edge_data: Tree::from_slot(src, SLOT_EDGE_DATA)?,
            adjacency: Adjacency::open(
                src,
                src.root(SLOT_ADJACENCY)?,
                src.root(SLOT_ADJACENCY + 1)?,
                src.root(SLOT_ADJACENCY_DELTA)?,
            )?,
            strings: Tree::from_slot(src, SLOT_STRINGS)?,
            by_kind: Tree::from_slot(src, SLOT_BY_KIND)?,
            by_name: Tree::from_slot(src, SLOT_BY_NAME)?,
            external_nodes: IdMap::open(TableRoot::from_words(words(src, SLOT_EXTERNAL_NODES)?))?,
            external_numbers: IdMap::open(TableRoot::from_words(words(
                src,
                SLOT_EXTERNAL_NUMBERS,
            )?))?,
        })
    }

    /// The roots of an empty graph.
    pub(crate) fn empty() -> Result<Roots> {
        Ok(Roots {
            nodes: RecordTable::new(NODE_SLOTS)?,
            edges: AttrTable::new(),
            edge_data: Tree::EMPTY,
            adjacency: Adjacency::default(),
            strings: Tree::EMPTY,
            by_kind: Tree::EMPTY,
            by_name: Tree::EMPTY,
            external_nodes: IdMap::new(),
            external_numbers: IdMap::new(),
        })
    }

    /// Writes the roots into the pager's root slots, for the commit.
    pub(crate) fn save(&self, txn: &mut WriteTxn) -> Result<()> {
        txn.set_root(SLOT_MARKER, GRAPH_MARKER)?;
        txn.set_root(SLOT_VERSION, LAYOUT_VERSION)?;
        for (first, root) in [
            (SLOT_NODES, self.nodes.root()),
            (SLOT_EDGES, self.edges.root()),
            (SLOT_EXTERNAL_NODES, self.external_nodes.root()),
            (SLOT_EXTERNAL_NUMBERS, self.external_numbers.root()),
        ] {
            for (i, word) in root.to_words().into_iter().enumerate() {
                txn.set_root(first + i, word)?;
            }
        }
        self.edge_data.save_to_slot(txn, SLOT_EDGE_DATA)?;
        txn.set_root(SLOT_ADJACENCY, self.adjacency.root().root)?;
        txn.set_root(SLOT_ADJACENCY + 1, self.adjacency.root().height)?;
        txn.set_root(SLOT_ADJACENCY_DELTA, self.adjacency.delta_root())?;
        self.strings.save_to_slot(txn, SLOT_STRINGS)?;
        self.by_kind.save_to_slot(txn, SLOT_BY_KIND)?;
        self.by_name.save_to_slot(txn, SLOT_BY_NAME)?;
        Ok(())
    }
}
