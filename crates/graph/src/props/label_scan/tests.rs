use proptest::prelude::*;

use super::{STRIDE, for_each_labelled_node};
use crate::props::{PropertyMap, PropertyRead};
use crate::{Graph, GraphRead, NodeId, Result};

/// The ids the record-by-record scan visits.
fn visited<T: GraphRead + ?Sized>(txn: &T, label: &str) -> Result<Vec<NodeId>> {
    let mut ids = Vec::new();
    for_each_labelled_node(txn, label, |node| -> Result<()> {
        ids.push(node.id());
        Ok(())
    })?;
    Ok(ids)
}

/// A graph of `count` nodes, node `i` of kind `L` when `every` divides it (else `M`), some
/// with `L` as an extra label, some deleted.
fn graph(count: u64, every: u64, deleted: u64) -> Result<Graph> {
    let graph = Graph::in_memory()?;
    let mut txn = graph.begin_write()?;
    for i in 0..count {
        let kind = if i % every == 0 { "L" } else { "M" };
        let id = txn.add_node_with(&[kind], &PropertyMap::new())?;
        if i % 7 == 3 {
            txn.add_label(id, "L")?;
        }
    }
    for i in (0..count).step_by(usize::try_from(deleted.max(1)).unwrap_or(1)) {
        if deleted > 0 {
            txn.delete_node(NodeId(i))?;
        }
    }
    txn.commit()?;
    Ok(graph)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(16))]

    #[test]
    fn the_record_scan_visits_what_the_label_index_lists(
        count in 0u64..(3 * STRIDE),
        every in prop::sample::select(vec![1u64, 2, 9, 40, 5000]),
        deleted in 0u64..50,
    ) {
        let graph = graph(count, every, deleted)?;
        let read = graph.begin_read()?;
        for label in ["L", "M", "none"] {
            prop_assert_eq!(visited(&read, label)?, read.nodes_with_label(label)?);
        }
    }
}

#[test]
fn a_sparse_kind_switches_to_the_index_and_misses_nothing() -> Result<()> {
    // One node in 1,000 has the kind: the pass gives up after the first stride.
    let graph = graph(3 * STRIDE + 17, 1000, 0)?;
    let read = graph.begin_read()?;
    assert_eq!(visited(&read, "L")?, read.nodes_with_label("L")?);
    Ok(())
}
