//! A node or an edge as the exports see it: owned strings and decoded properties.

use graph::props::NO_LABEL;
use graph::{EdgeId, EdgeRef, GraphRead, NodeId, NodeRef, PropertyMap, PropertyRead};

use crate::error::Result;
use crate::properties::exported_properties;
use graph::external_ids;

/// One node, read for an export.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct NodeRecord {
    pub id: NodeId,
    /// The kind; empty for a node without one ([`NO_LABEL`]).
    pub kind: String,
    pub name: String,
    /// The labels beyond the kind, in byte order.
    pub labels: Vec<String>,
    pub external_id: Option<String>,
    pub properties: PropertyMap,
}

impl NodeRecord {
    /// `node` of snapshot `read`.
    pub fn read<R: GraphRead>(read: &R, node: &NodeRef<'_, R>) -> Result<NodeRecord> {
        let id = node.id();
        let kind = node.kind()?;
        // `node_labels` puts the kind first, unless the node has none.
        let has_kind = kind != NO_LABEL;
        let labels = read
            .node_labels(id)?
            .into_iter()
            .skip(usize::from(has_kind))
            .collect();
        let kind = if has_kind {
            kind.into_owned()
        } else {
            String::new()
        };
        Ok(NodeRecord {
            id,
            kind,
            name: node.name()?.into_owned(),
            labels,
            external_id: external_ids::external_of(read, id)?,
            properties: exported_properties(&node.data()?)?,
        })
    }
}

/// One edge, read for an export.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct EdgeRecord {
    pub id: EdgeId,
    pub from: NodeId,
    pub to: NodeId,
    pub edge_type: String,
    pub properties: PropertyMap,
}

impl EdgeRecord {
    /// `edge` of a snapshot.
    pub fn read<R: GraphRead>(edge: &EdgeRef<'_, R>) -> Result<EdgeRecord> {
        Ok(EdgeRecord {
            id: edge.id(),
            from: edge.from(),
            to: edge.to(),
            edge_type: edge.edge_type()?.into_owned(),
            properties: exported_properties(&edge.data()?)?,
        })
    }
}
