//! What an index is: its dimension, metric and HNSW parameters, and the header that records
//! them in the catalog with the index's entry point, counts and the roots of its tables.

use pager_mmap::RadixVec;

use crate::error::{Error, Result, corrupt};
use crate::metric::Metric;

/// The largest dimension an index takes.
pub const MAX_DIMENSION: usize = 4096;
/// The largest `m` (links per node above level 0; twice as many at level 0).
pub const MAX_M: usize = 64;
/// The largest `ef_construction`.
pub const MAX_EF_CONSTRUCTION: usize = 4096;
/// The longest index name, in bytes.
pub const MAX_INDEX_NAME_LEN: usize = 255;
/// Levels above this one are not drawn (with `m` = 2 a level this high has odds of 2⁻¹⁶).
pub const MAX_LEVEL: u8 = 16;

/// The most vectors an index holds: dense ids are `u32`s.
pub const MAX_VECTORS: u64 = u32::MAX as u64;

/// Where the radix vectors of the upper-link tables start in an encoded [`Header`].
const UPPER_AT: usize = 88;
/// The size of an encoded [`Header`]: 88 bytes, then a radix vector (root, height) for the
/// upper links of each level `1 ..= MAX_LEVEL`.
pub(crate) const HEADER_LEN: usize = UPPER_AT + 16 * MAX_LEVEL as usize;

/// The shape of an index, fixed when it is created.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndexSpec {
    /// Components per vector, 1 to [`MAX_DIMENSION`].
    pub dimension: usize,
    /// How vectors are compared.
    pub metric: Metric,
    /// HNSW links per node and level (2 to [`MAX_M`]); level 0 keeps up to `2 m`.
    pub m: usize,
    /// Candidates considered when linking a new vector (1 to [`MAX_EF_CONSTRUCTION`]).
    pub ef_construction: usize,
}

impl IndexSpec {
    /// A spec with the usual HNSW parameters: `m` = 16, `ef_construction` = 200.
    pub fn new(dimension: usize, metric: Metric) -> IndexSpec {
        IndexSpec {
            dimension,
            metric,
            m: 16,
            ef_construction: 200,
        }
    }

    /// Checks every field's range.
    pub fn validate(&self) -> Result<()> {
        let check = |what: &'static str, value: usize, low: usize, high: usize| {
            if (low..=high).contains(&value) {
                Ok(())
            } else {
                Err(Error::InvalidParameter {
                    what,
                    why: format!("{value}; it must be {low} to {high}"),
                })
            }
        };
        check("dimension", self.dimension, 1, MAX_DIMENSION)?;
        check("m", self.m, 2, MAX_M)?;
        check(
            "ef_construction",
            self.ef_construction,
            1,
            MAX_EF_CONSTRUCTION,
        )
    }

    /// The most links a node keeps at `level`.
    pub(crate) fn cap(&self, level: u8) -> usize {
        if level == 0 { 2 * self.m } else { self.m }
    }
}

/// Checks an index name: 1 to [`MAX_INDEX_NAME_LEN`] bytes.
pub(crate) fn check_name(name: &str) -> Result<()> {
    if name.is_empty() || name.len() > MAX_INDEX_NAME_LEN {
        return Err(Error::InvalidParameter {
            what: "index name",
            why: format!(
                "{} bytes; it must have 1 to {MAX_INDEX_NAME_LEN}",
                name.len()
            ),
        });
    }
    Ok(())
}

/// The entry point of searches: a node, its dense id and its level (the highest of any).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Entry {
    pub(crate) node: u64,
    pub(crate) id: u32,
    pub(crate) level: u8,
}

/// How the pages of an index's node slot table lay out each slot's node part and its vector
/// (`docs/format.md`, "Slot tables").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum SlotLayout {
    /// A slot's node part, then its vector, side by side: the indexes of graph layouts 4 to 7,
    /// still read and written as they are.
    Beside,
    /// A page's vectors first, from its second cache line on, then their node parts: a vector
    /// whose length is a multiple of 64 bytes starts a cache line and spans the fewest lines.
    /// Every index created since graph layout 8.
    Aligned,
}

impl SlotLayout {
    /// The layout's code in the header.
    fn code(self) -> u8 {
        match self {
            SlotLayout::Beside => 0,
            SlotLayout::Aligned => 1,
        }
    }

    fn from_code(code: u8) -> Option<SlotLayout> {
        match code {
            0 => Some(SlotLayout::Beside),
            1 => Some(SlotLayout::Aligned),
            _ => None,
        }
    }
}

/// An index's catalog entry: its spec, entry point, counts, the two free lists and the roots of
/// its map and slot tables (`docs/format.md`, "Vector indexes").
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) spec: IndexSpec,
    /// How its node slots lie in their pages.
    pub(crate) layout: SlotLayout,
    /// Where searches start, if the index holds a vector.
    pub(crate) entry: Option<Entry>,
    /// Vectors in the index.
    pub(crate) len: u64,
    /// Dense ids handed out so far: every id below is live or on the free list.
    pub(crate) next_id: u32,
    /// The first free dense id plus one (0: none).
    pub(crate) free_id: u32,
    /// Upper ids (of nodes above level 0) handed out so far.
    pub(crate) next_upper: u32,
    /// The first free upper id plus one (0: none).
    pub(crate) free_upper: u32,
    /// The root of the B+tree from node id to dense id (0: empty).
    pub(crate) map_root: u64,
    /// The pages of the node slots (node id, level, level-0 links, vector).
    pub(crate) slots: RadixVec,
    /// The pages of the upper-link slots of each level `1 ..= MAX_LEVEL`, by upper id.
    pub(crate) upper: [RadixVec; MAX_LEVEL as usize],
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    if let Some(b) = bytes.get(at..at + 8) {
        word.copy_from_slice(b);
    }
    u64::from_le_bytes(word)
}

fn u32_at(bytes: &[u8], at: usize) -> u32 {
    let mut word = [0u8; 4];
    if let Some(b) = bytes.get(at..at + 4) {
        word.copy_from_slice(b);
    }
    u32::from_le_bytes(word)
}

fn radix_at(bytes: &[u8], at: usize) -> Result<RadixVec> {
    RadixVec::open(u64_at(bytes, at), u64_at(bytes, at + 8))
        .map_err(|e| corrupt(format!("an index header names a bad radix vector: {e}")))
}

impl Header {
    /// The header of an empty index, in the current layout.
    pub(crate) fn empty(spec: IndexSpec) -> Header {
        Header {
            spec,
            layout: SlotLayout::Aligned,
            entry: None,
            len: 0,
            next_id: 0,
            free_id: 0,
            next_upper: 0,
            free_upper: 0,
            map_root: 0,
            slots: RadixVec::default(),
            upper: [RadixVec::default(); MAX_LEVEL as usize],
        }
    }

    /// The header's [`HEADER_LEN`] bytes (`docs/format.md`, "Vector indexes").
    pub(crate) fn encode(&self) -> Vec<u8> {
        let entry = self.entry.unwrap_or(Entry {
            node: 0,
            id: 0,
            level: 0,
        });
        let mut out = Vec::with_capacity(HEADER_LEN);
        out.extend_from_slice(
            &u32::try_from(self.spec.dimension)
                .unwrap_or(u32::MAX)
                .to_le_bytes(),
        );
        out.push(self.spec.metric.code());
        out.push(u8::try_from(self.spec.m).unwrap_or(u8::MAX));
        out.extend_from_slice(
            &u16::try_from(self.spec.ef_construction)
                .unwrap_or(u16::MAX)
                .to_le_bytes(),
        );
        out.push(u8::from(self.entry.is_some()));
        out.push(entry.level);
        out.push(self.layout.code());
        out.push(0);
        out.extend_from_slice(&entry.id.to_le_bytes());
        out.extend_from_slice(&entry.node.to_le_bytes());
        out.extend_from_slice(&self.len.to_le_bytes());
        for word in [self.next_id, self.free_id, self.next_upper, self.free_upper] {
            out.extend_from_slice(&word.to_le_bytes());
        }
        out.extend_from_slice(&self.map_root.to_le_bytes());
        out.extend_from_slice(&self.slots.root.to_le_bytes());
        out.extend_from_slice(&self.slots.height.to_le_bytes());
        // 16 bytes zero, where graph layout 3 kept a second table.
        out.extend_from_slice(&[0; 16]);
        for radix in &self.upper {
            out.extend_from_slice(&radix.root.to_le_bytes());
            out.extend_from_slice(&radix.height.to_le_bytes());
        }
        out
    }

    /// Decodes and validates a header.
    pub(crate) fn decode(bytes: &[u8]) -> Result<Header> {
        if bytes.len() != HEADER_LEN {
            return Err(corrupt(format!(
                "an index header has {} bytes, not {HEADER_LEN}",
                bytes.len()
            )));
        }
        let byte = |at: usize| bytes.get(at).copied().unwrap_or(0);
        let metric = Metric::from_code(byte(4))
            .ok_or_else(|| corrupt(format!("unknown metric code {}", byte(4))))?;
        let spec = IndexSpec {
            dimension: u32_at(bytes, 0) as usize,
            metric,
            m: byte(5) as usize,
            ef_construction: u16::from_le_bytes([byte(6), byte(7)]) as usize,
        };
        spec.validate()
            .map_err(|e| corrupt(format!("an index header holds an invalid spec: {e}")))?;
        let entry = match byte(8) {
            0 => None,
            1 => Some(Entry {
                node: u64_at(bytes, 16),
                id: u32_at(bytes, 12),
                level: byte(9),
            }),
            other => return Err(corrupt(format!("entry flag {other} is neither 0 nor 1"))),
        };
        let layout = SlotLayout::from_code(byte(10))
            .ok_or_else(|| corrupt(format!("unknown slot layout code {}", byte(10))))?;
        if entry.is_some_and(|e| e.level > MAX_LEVEL) {
            return Err(corrupt("the entry point's level is above the maximum"));
        }
        if byte(11) != 0
            || bytes
                .get(72..UPPER_AT)
                .is_none_or(|b| b.iter().any(|&x| x != 0))
        {
            return Err(corrupt("an index header's reserved bytes are not zero"));
        }
        let mut upper = [RadixVec::default(); MAX_LEVEL as usize];
        for (i, radix) in upper.iter_mut().enumerate() {
            *radix = radix_at(bytes, UPPER_AT + 16 * i)?;
        }
        let header = Header {
            spec,
            layout,
            entry,
            len: u64_at(bytes, 24),
            next_id: u32_at(bytes, 32),
            free_id: u32_at(bytes, 36),
            next_upper: u32_at(bytes, 40),
            free_upper: u32_at(bytes, 44),
            map_root: u64_at(bytes, 48),
            slots: radix_at(bytes, 56)?,
            upper,
        };
        if header.len > u64::from(header.next_id)
            || header.free_id > header.next_id
            || header.free_upper > header.next_upper
            || header.entry.is_some_and(|e| e.id >= header.next_id)
            || header.entry.is_none() != (header.len == 0)
        {
            return Err(corrupt(
                "an index header's counts, free lists and entry point disagree",
            ));
        }
        Ok(header)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trips() {
        let mut upper = [RadixVec::default(); MAX_LEVEL as usize];
        upper[3] = RadixVec {
            root: 99,
            height: 2,
        };
        let header = Header {
            spec: IndexSpec {
                dimension: 4096,
                metric: Metric::InnerProduct,
                m: 64,
                ef_construction: 4096,
            },
            layout: SlotLayout::Beside,
            entry: Some(Entry {
                node: 123_456_789,
                id: 17,
                level: 7,
            }),
            len: 20,
            next_id: 21,
            free_id: 5,
            next_upper: 3,
            free_upper: 0,
            map_root: 42,
            slots: RadixVec { root: 7, height: 1 },
            upper,
        };
        let bytes = header.encode();
        assert_eq!(bytes.len(), HEADER_LEN);
        assert_eq!(Header::decode(&bytes).unwrap(), header);
        let empty = Header::empty(header.spec);
        assert_eq!(empty.layout, SlotLayout::Aligned);
        assert_eq!(Header::decode(&empty.encode()).unwrap(), empty);
        // Where layout 3 kept its vector table: a header that names one is damage.
        let mut old = bytes;
        old[72] = 9;
        assert!(Header::decode(&old).is_err());
    }

    #[test]
    fn spec_limits_are_enforced() {
        let ok = IndexSpec::new(128, Metric::L2);
        assert!(ok.validate().is_ok());
        for bad in [
            IndexSpec { dimension: 0, ..ok },
            IndexSpec {
                dimension: MAX_DIMENSION + 1,
                ..ok
            },
            IndexSpec { m: 1, ..ok },
            IndexSpec { m: MAX_M + 1, ..ok },
            IndexSpec {
                ef_construction: 0,
                ..ok
            },
        ] {
            assert!(matches!(
                bad.validate(),
                Err(Error::InvalidParameter { .. })
            ));
        }
    }

    #[test]
    fn damaged_headers_are_errors() {
        let good = Header::empty(IndexSpec::new(3, Metric::Cosine)).encode();
        let mut bytes = good.clone();
        bytes[4] = 9;
        assert!(matches!(Header::decode(&bytes), Err(Error::Corrupt(_))));
        // Vectors but no entry point.
        let mut bytes = good.clone();
        bytes[24] = 1;
        bytes[32] = 1;
        assert!(matches!(Header::decode(&bytes), Err(Error::Corrupt(_))));
        // An unknown slot layout, and the reserved byte after it set.
        for (at, value) in [(10, 2), (11, 1)] {
            let mut bytes = good.clone();
            bytes[at] = value;
            assert!(matches!(Header::decode(&bytes), Err(Error::Corrupt(_))));
        }
        // A radix vector taller than any.
        let mut bytes = good;
        bytes[64] = 200;
        assert!(matches!(Header::decode(&bytes), Err(Error::Corrupt(_))));
        assert!(matches!(
            Header::decode(&bytes[..10]),
            Err(Error::Corrupt(_))
        ));
    }
}
