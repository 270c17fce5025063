//! What an index is: its dimension, metric and HNSW parameters, and the header that records
//! them with the index's entry point and tree in the catalog.

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

/// The size of an encoded [`Header`].
pub(crate) const HEADER_LEN: usize = 40;

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

/// An index's catalog entry: its spec, entry point and the root of its tree of records.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Header {
    pub(crate) spec: IndexSpec,
    /// The node searches start from and its level (the highest of any record), if any.
    pub(crate) entry: Option<(u64, u8)>,
    /// The root page of the records' B+tree (0: empty).
    pub(crate) root: u64,
}

fn u64_at(bytes: &[u8], at: usize) -> u64 {
    let mut word = [0u8; 8];
    if let Some(b) = bytes.get(at..at + 8) {
        word.copy_from_slice(b);
    }
    u64::from_le_bytes(word)
}

impl Header {
    /// The header's 40 bytes (`docs/format.md`, "Vector indexes").
    pub(crate) fn encode(&self) -> Vec<u8> {
        let (has_entry, entry, level) = match self.entry {
            Some((node, level)) => (1u8, node, level),
            None => (0, 0, 0),
        };
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
        out.push(has_entry);
        out.push(level);
        out.extend_from_slice(&[0; 6]);
        out.extend_from_slice(&entry.to_le_bytes());
        out.extend_from_slice(&self.root.to_le_bytes());
        out.extend_from_slice(&[0; 8]);
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
        let mut dim = [0u8; 4];
        dim.copy_from_slice(bytes.get(0..4).unwrap_or(&[0; 4]));
        let metric = Metric::from_code(byte(4))
            .ok_or_else(|| corrupt(format!("unknown metric code {}", byte(4))))?;
        let spec = IndexSpec {
            dimension: u32::from_le_bytes(dim) as usize,
            metric,
            m: byte(5) as usize,
            ef_construction: u16::from_le_bytes([byte(6), byte(7)]) as usize,
        };
        spec.validate()
            .map_err(|e| corrupt(format!("an index header holds an invalid spec: {e}")))?;
        let entry = match byte(8) {
            0 => None,
            1 => Some((u64_at(bytes, 16), byte(9))),
            other => return Err(corrupt(format!("entry flag {other} is neither 0 nor 1"))),
        };
        if entry.is_some_and(|(_, level)| level > MAX_LEVEL) {
            return Err(corrupt("the entry point's level is above the maximum"));
        }
        Ok(Header {
            spec,
            entry,
            root: u64_at(bytes, 24),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_round_trips() {
        let header = Header {
            spec: IndexSpec {
                dimension: 4096,
                metric: Metric::InnerProduct,
                m: 64,
                ef_construction: 4096,
            },
            entry: Some((123_456_789, 7)),
            root: 42,
        };
        assert_eq!(Header::decode(&header.encode()).unwrap(), header);
        let empty = Header {
            entry: None,
            ..header
        };
        assert_eq!(Header::decode(&empty.encode()).unwrap(), empty);
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
        let mut bytes = Header {
            spec: IndexSpec::new(3, Metric::Cosine),
            entry: None,
            root: 0,
        }
        .encode();
        bytes[4] = 9;
        assert!(matches!(Header::decode(&bytes), Err(Error::Corrupt(_))));
        assert!(matches!(
            Header::decode(&bytes[..10]),
            Err(Error::Corrupt(_))
        ));
    }
}
