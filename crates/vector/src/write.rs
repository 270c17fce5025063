//! Changing an index: setting a node's vector (insert or replace), deleting it, and keeping
//! the HNSW links symmetric on the way.
//!
//! Links are kept symmetric: `a` lists `b` at level `l` exactly when `b` lists `a`. So the
//! nodes linked to a deleted node are the ones it lists, and a delete unlinks it from them and
//! repairs each by linking it to its nearest former co-neighbours, without a rebuild. A list
//! that overflows its cap is cut back with the HNSW neighbour heuristic, and every node it
//! drops drops the list's owner in turn.

use pager_mmap::WriteTxn;

use crate::error::{Result, corrupt};
use crate::index::Index;
use crate::record::{NodeRecord, key, vector_bytes, vector_of};
use crate::scored::Scored;
use crate::spec::MAX_LEVEL;

/// How many former co-neighbours a delete links each of the deleted node's neighbours to.
const REPAIR_LINKS: usize = 2;

/// The level of `node`: drawn from a hash of its id with the HNSW distribution
/// (`P(level >= l) = m^-l`), so a node keeps its level when its vector is replaced and a
/// build is reproducible.
pub(crate) fn level_of(node: u64, m: usize) -> u8 {
    let mut z = node.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^= z >> 31;
    // A uniform number in (0, 1]: never 0, whose logarithm is infinite.
    let uniform = ((z >> 11) as f64 + 1.0) / (1u64 << 53) as f64;
    let level = -uniform.ln() / (m as f64).ln();
    if level >= f64::from(MAX_LEVEL) {
        MAX_LEVEL
    } else {
        level as u8
    }
}

impl Index {
    /// Sets `node`'s vector, replacing the one it had. Checks the vector first (dimension,
    /// finite components, not zero under cosine): a refused vector changes nothing.
    pub fn set(&mut self, txn: &mut WriteTxn, node: u64, vector: &[f32]) -> Result<()> {
        let spec = self.header.spec;
        let vector = spec.metric.prepare(spec.dimension, vector)?;
        self.delete(txn, node)?;
        let level = level_of(node, spec.m);
        let mut record = NodeRecord {
            level,
            vector: vector_bytes(&vector),
            links: vec![Vec::new(); usize::from(level) + 1],
        };
        let Some((_, top)) = self.header.entry else {
            self.put(txn, node, &record)?;
            self.header.entry = Some((node, level));
            return Ok(());
        };
        let Some(start) = self.descend(txn, &vector, level)? else {
            return Err(corrupt("an index with an entry point has no start"));
        };
        let mut entry = vec![start];
        for l in (0..=level.min(top)).rev() {
            let found = self.search_level(txn, &vector, &entry, spec.ef_construction, l, None)?;
            *record.list_mut(l)? = self.select(txn, &found, spec.m)?;
            entry = found;
        }
        self.put(txn, node, &record)?;
        for (l, list) in (0u8..).zip(&record.links) {
            for &neighbour in list {
                self.link(txn, neighbour, node, l)?;
            }
        }
        if level > top {
            self.header.entry = Some((node, level));
        }
        Ok(())
    }

    /// Deletes `node`'s vector, unlinking it and repairing its neighbours' lists; returns
    /// whether it had one. Deleting the entry point elects the highest-level node left, which
    /// scans the index's records (one delete in many).
    pub fn delete(&mut self, txn: &mut WriteTxn, node: u64) -> Result<bool> {
        let Some(bytes) = self.raw(txn, node)? else {
            return Ok(false);
        };
        let record = self.view(&bytes)?.to_record()?;
        self.tree.remove(txn, &key(node))?;
        for (l, list) in (0u8..).zip(&record.links) {
            for &neighbour in list {
                self.unlink(txn, neighbour, node, l)?;
            }
            for &neighbour in list {
                self.repair(txn, neighbour, list, l)?;
            }
        }
        if self.header.entry.is_some_and(|(entry, _)| entry == node) {
            self.header.entry = self.highest(txn)?;
        }
        Ok(true)
    }

    /// Links `neighbour` to the nearest of `others` (a deleted node's list at `level`) that
    /// it does not list yet.
    fn repair(
        &mut self,
        txn: &mut WriteTxn,
        neighbour: u64,
        others: &[u64],
        level: u8,
    ) -> Result<()> {
        let bytes = self.linked(txn, neighbour)?;
        let view = self.view(&bytes)?;
        let have = view.links(level)?;
        let base = vector_of(view.vector());
        let mut candidates = Vec::new();
        for &other in others {
            if other != neighbour && !have.contains(&other) {
                candidates.push(Scored {
                    distance: self.distance_to(txn, &base, other)?,
                    node: other,
                });
            }
        }
        candidates.sort_unstable();
        for c in candidates.into_iter().take(REPAIR_LINKS) {
            self.link(txn, neighbour, c.node, level)?;
            if self.lists(txn, neighbour, c.node, level)? {
                self.link(txn, c.node, neighbour, level)?;
            }
        }
        Ok(())
    }

    /// Whether `a` lists `b` at `level`.
    fn lists(&self, txn: &WriteTxn, a: u64, b: u64, level: u8) -> Result<bool> {
        let bytes = self.linked(txn, a)?;
        Ok(self.view(&bytes)?.links(level)?.contains(&b))
    }

    /// Adds `b` to `a`'s list at `level`; if the list overflows, cuts it back with the
    /// heuristic and unlinks every node it drops from `a`.
    fn link(&mut self, txn: &mut WriteTxn, a: u64, b: u64, level: u8) -> Result<()> {
        let bytes = self.linked(txn, a)?;
        let mut record = self.view(&bytes)?.to_record()?;
        let list = record.list_mut(level)?;
        if list.contains(&b) || a == b {
            return Ok(());
        }
        list.push(b);
        let members = list.clone();
        let mut dropped = Vec::new();
        let cap = self.header.spec.cap(level);
        if members.len() > cap {
            let base = vector_of(&record.vector);
            let mut scored = Vec::with_capacity(members.len());
            for &node in &members {
                scored.push(Scored {
                    distance: self.distance_to(txn, &base, node)?,
                    node,
                });
            }
            scored.sort_unstable();
            let kept = self.select(txn, &scored, cap)?;
            dropped = members.into_iter().filter(|n| !kept.contains(n)).collect();
            *record.list_mut(level)? = kept;
        }
        self.put(txn, a, &record)?;
        for node in dropped {
            self.unlink(txn, node, a, level)?;
        }
        Ok(())
    }

    /// Removes `b` from `a`'s list at `level`, if `a` still has a vector and lists it.
    fn unlink(&mut self, txn: &mut WriteTxn, a: u64, b: u64, level: u8) -> Result<()> {
        let Some(bytes) = self.raw(txn, a)? else {
            return Ok(());
        };
        let mut record = self.view(&bytes)?.to_record()?;
        if level > record.level {
            return Ok(());
        }
        let list = record.list_mut(level)?;
        let before = list.len();
        list.retain(|&n| n != b);
        if list.len() != before {
            self.put(txn, a, &record)?;
        }
        Ok(())
    }

    /// The HNSW neighbour heuristic: from `candidates` (nearest first), each one nearer to the
    /// base than to every one kept before it, then the nearest of the rest, up to `m`.
    pub(crate) fn select(
        &self,
        txn: &WriteTxn,
        candidates: &[Scored],
        m: usize,
    ) -> Result<Vec<u64>> {
        let metric = self.header.spec.metric;
        let mut kept: Vec<(u64, Vec<f32>)> = Vec::with_capacity(m);
        let mut rest = Vec::new();
        for c in candidates {
            if kept.len() >= m {
                break;
            }
            let bytes = self.linked(txn, c.node)?;
            let vector = vector_of(self.view(&bytes)?.vector());
            if kept
                .iter()
                .all(|(_, k)| metric.distance(&vector, k) > c.distance)
            {
                kept.push((c.node, vector));
            } else {
                rest.push(c.node);
            }
        }
        let mut chosen: Vec<u64> = kept.into_iter().map(|(node, _)| node).collect();
        let room = m.saturating_sub(chosen.len());
        chosen.extend(rest.into_iter().take(room));
        Ok(chosen)
    }

    /// The node with the highest level (the lowest id among equals), for a new entry point.
    fn highest(&self, txn: &WriteTxn) -> Result<Option<(u64, u8)>> {
        let mut best: Option<(u64, u8)> = None;
        for entry in self.tree.iter(txn) {
            let entry = entry?;
            let level = *entry
                .value()?
                .first()
                .ok_or_else(|| corrupt("an empty record"))?;
            if best.is_none_or(|(_, l)| level > l) {
                best = Some((crate::record::node_of_key(entry.key())?, level));
            }
        }
        Ok(best)
    }

    /// Writes `node`'s record.
    fn put(&mut self, txn: &mut WriteTxn, node: u64, record: &NodeRecord) -> Result<()> {
        self.tree.insert(txn, &key(node), &record.encode())?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_follow_the_hnsw_distribution() {
        let m = 16;
        let n = 100_000u64;
        let above_0 = (0..n).filter(|&i| level_of(i, m) >= 1).count() as f64 / n as f64;
        let above_1 = (0..n).filter(|&i| level_of(i, m) >= 2).count() as f64 / n as f64;
        assert!(
            (above_0 - 1.0 / 16.0).abs() < 0.005,
            "P(level >= 1) = {above_0}"
        );
        assert!(
            (above_1 - 1.0 / 256.0).abs() < 0.001,
            "P(level >= 2) = {above_1}"
        );
        assert_eq!(level_of(7, m), level_of(7, m));
    }
}
