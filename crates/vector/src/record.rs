//! One node's record in an index's B+tree: its level, its vector and its links per level.
//!
//! Layout (the value under the node id's 8-byte big-endian key): `level` (1 byte), the vector
//! (`dimension` little-endian `f32`s), then for each level `0 ..= level` a count (1 byte) and
//! that many node ids (8 bytes little-endian each).

use crate::error::{Result, corrupt};
use crate::spec::MAX_LEVEL;

/// A record taken apart, for changing it.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct NodeRecord {
    /// The highest level the node is linked on.
    pub(crate) level: u8,
    /// The vector, as stored (little-endian `f32`s).
    pub(crate) vector: Vec<u8>,
    /// Links per level, `links[l]` for level `l`; `level + 1` lists.
    pub(crate) links: Vec<Vec<u64>>,
}

/// The key of `node`'s record.
pub(crate) fn key(node: u64) -> [u8; 8] {
    btree::keys::u64_key(node)
}

/// The node a record key names.
pub(crate) fn node_of_key(key: &[u8]) -> Result<u64> {
    btree::keys::decode_u64(key)
        .ok_or_else(|| corrupt(format!("a record key has {} bytes, not 8", key.len())))
}

/// The little-endian bytes of `vector`.
pub(crate) fn vector_bytes(vector: &[f32]) -> Vec<u8> {
    vector.iter().flat_map(|x| x.to_le_bytes()).collect()
}

/// The `f32`s of little-endian `bytes`.
pub(crate) fn vector_of(bytes: &[u8]) -> Vec<f32> {
    bytes
        .chunks_exact(4)
        .map(|b| <[u8; 4]>::try_from(b).map_or(0.0, f32::from_le_bytes))
        .collect()
}

/// A stored record, read in place.
#[derive(Clone, Copy)]
pub(crate) struct RecordView<'a> {
    bytes: &'a [u8],
    dimension: usize,
}

impl<'a> RecordView<'a> {
    /// Checks the level and that the vector is there; the lists are checked as they are read.
    pub(crate) fn new(bytes: &'a [u8], dimension: usize) -> Result<RecordView<'a>> {
        let level = *bytes.first().ok_or_else(|| corrupt("an empty record"))?;
        if level > MAX_LEVEL {
            return Err(corrupt(format!(
                "a record's level {level} is above {MAX_LEVEL}"
            )));
        }
        if bytes.len() < 1 + 4 * dimension {
            return Err(corrupt("a record is shorter than its vector"));
        }
        Ok(RecordView { bytes, dimension })
    }

    /// The highest level the node is linked on.
    pub(crate) fn level(&self) -> u8 {
        self.bytes.first().copied().unwrap_or(0)
    }

    /// The vector's bytes.
    pub(crate) fn vector(&self) -> &'a [u8] {
        self.bytes.get(1..1 + 4 * self.dimension).unwrap_or(&[])
    }

    /// The links at every level, `0 ..= level`.
    pub(crate) fn all_links(&self) -> Result<Vec<Vec<u64>>> {
        let mut rest = self.lists();
        let mut links = Vec::with_capacity(usize::from(self.level()) + 1);
        for _ in 0..=self.level() {
            let (ids, tail) = next_list(rest)?;
            links.push(ids.collect());
            rest = tail;
        }
        if !rest.is_empty() {
            return Err(corrupt("a record has bytes after its links"));
        }
        Ok(links)
    }

    /// The links at `level` (none above the node's level). Reads only the lists up to it: the
    /// search's hot path.
    pub(crate) fn links(&self, level: u8) -> Result<Vec<u64>> {
        if level > self.level() {
            return Ok(Vec::new());
        }
        let mut rest = self.lists();
        for _ in 0..level {
            rest = next_list(rest)?.1;
        }
        Ok(next_list(rest)?.0.collect())
    }

    /// The bytes after the vector: the lists.
    fn lists(&self) -> &'a [u8] {
        self.bytes.get(1 + 4 * self.dimension..).unwrap_or(&[])
    }

    /// The record taken apart.
    pub(crate) fn to_record(self) -> Result<NodeRecord> {
        Ok(NodeRecord {
            level: self.level(),
            vector: self.vector().to_vec(),
            links: self.all_links()?,
        })
    }
}

/// The ids of the list at the start of `bytes`, and the bytes after it.
fn next_list(bytes: &[u8]) -> Result<(impl Iterator<Item = u64> + '_, &[u8])> {
    let (&count, tail) = bytes
        .split_first()
        .ok_or_else(|| corrupt("a record ends before its links"))?;
    let len = 8 * usize::from(count);
    let ids = tail
        .get(..len)
        .ok_or_else(|| corrupt("a record's link list runs past its end"))?;
    let ids = ids
        .chunks_exact(8)
        .map(|b| <[u8; 8]>::try_from(b).map_or(0, u64::from_le_bytes));
    Ok((ids, tail.get(len..).unwrap_or(&[])))
}

impl NodeRecord {
    /// The record's stored bytes. Lists hold at most 255 ids (`2 m` <= 128).
    pub(crate) fn encode(&self) -> Vec<u8> {
        let links: usize = self.links.iter().map(|l| 1 + 8 * l.len()).sum();
        let mut out = Vec::with_capacity(1 + self.vector.len() + links);
        out.push(self.level);
        out.extend_from_slice(&self.vector);
        for list in &self.links {
            out.push(u8::try_from(list.len()).unwrap_or(u8::MAX));
            for id in list.iter().take(usize::from(u8::MAX)) {
                out.extend_from_slice(&id.to_le_bytes());
            }
        }
        out
    }

    /// The list at `level`, made if missing (never above the record's level).
    pub(crate) fn list_mut(&mut self, level: u8) -> Result<&mut Vec<u64>> {
        self.links
            .get_mut(usize::from(level))
            .ok_or_else(|| corrupt(format!("a record has no list at level {level}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_round_trip_through_their_bytes() {
        let record = NodeRecord {
            level: 2,
            vector: vector_bytes(&[1.0, -2.5, 3.25]),
            links: vec![vec![1, 2, 3], vec![], vec![1 << 39]],
        };
        let bytes = record.encode();
        let view = RecordView::new(&bytes, 3).unwrap();
        assert_eq!(view.level(), 2);
        assert_eq!(vector_of(view.vector()), [1.0, -2.5, 3.25]);
        assert_eq!(view.links(0).unwrap(), [1, 2, 3]);
        assert_eq!(view.links(3).unwrap(), Vec::<u64>::new());
        assert_eq!(view.to_record().unwrap(), record);
    }

    #[test]
    fn truncated_or_padded_records_are_damage() {
        let record = NodeRecord {
            level: 1,
            vector: vector_bytes(&[1.0, 2.0]),
            links: vec![vec![7], vec![8, 9]],
        };
        let bytes = record.encode();
        for len in 0..bytes.len() {
            let ok = RecordView::new(&bytes[..len], 2).and_then(|v| v.all_links());
            assert!(ok.is_err(), "a record cut to {len} bytes was read");
        }
        let mut longer = bytes.clone();
        longer.push(0);
        assert!(RecordView::new(&longer, 2).unwrap().all_links().is_err());
        assert!(RecordView::new(&[MAX_LEVEL + 1, 0, 0, 0, 0], 1).is_err());
    }
}
