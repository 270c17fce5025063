//! Changing an index: setting a node's vector (insert or replace), deleting it, and keeping
//! the HNSW links symmetric on the way.
//!
//! Links are kept symmetric: `a` lists `b` at level `l` exactly when `b` lists `a`. So the
//! nodes linked to a deleted node are the ones it lists, and a delete unlinks it from them and
//! repairs each by linking it to its nearest former co-neighbours, without a rebuild; one left
//! with no link at a level is linked again by an insert's walk. A list that overflows its cap
//! is cut back with the HNSW neighbour heuristic, and every node it drops drops the list's
//! owner in turn, but never a node's last link: no node is left where no walk reaches it.

use pager_mmap::WriteTxn;

use crate::error::{Error, Result, corrupt};
use crate::index::{Index, key};
use crate::node_slot::{
    NodeSlot, UpperSlot, ids, put_free_node, put_node, put_node_links, put_upper, put_upper_links,
    vector_bytes, vector_of,
};
use crate::scored::Scored;
use crate::search::{Leaves, LevelWalk};
use crate::slots::LeafCache;
use crate::spec::{Entry, MAX_LEVEL};
use crate::walk_state::with_walk;

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
    /// finite components, not zero under cosine): a refused vector changes nothing. The
    /// transaction then prefers huge pages ([`WriteTxn::prefer_huge_pages`]): a search reads
    /// vectors all over the index, a TLB miss for each page it reads through 4 KiB mappings.
    pub fn set(&mut self, txn: &mut WriteTxn, node: u64, vector: &[f32]) -> Result<()> {
        let spec = self.header.spec;
        let vector = spec.metric.prepare(spec.dimension, vector)?;
        txn.prefer_huge_pages();
        let replaces = self.contains(txn, node)?;
        if !replaces && self.header.len >= crate::spec::MAX_VECTORS {
            return Err(Error::InvalidParameter {
                what: "vector count",
                why: format!("the index holds {} vectors already", self.header.len),
            });
        }
        self.delete(txn, node)?;
        let level = level_of(node, spec.m);
        let id = self.add_slots(txn, node, level, &vector)?;
        let Some(top) = self.header.entry else {
            self.header.entry = Some(Entry { node, id, level });
            return Ok(());
        };
        let remember = Leaves::Remember(txn.placement());
        let Some(start) = self.descend(txn, &vector, level, remember)? else {
            return Err(corrupt("an index with an entry point has no start"));
        };
        let mut entry = vec![start];
        let mut chosen = Vec::with_capacity(usize::from(level) + 1);
        for l in (0..=level.min(top.level)).rev() {
            // Writes between the walks may move pages: each walk takes the placement anew.
            let walk = LevelWalk {
                ef: spec.ef_construction,
                level: l,
                filter: None,
                leaves: Leaves::Remember(txn.placement()),
            };
            let found = self.search_level(txn, &vector, &entry, walk)?;
            let list = self.select(txn, &found, spec.m)?;
            self.put_links(txn, id, l, &list)?;
            chosen.push((l, list));
            entry = found;
        }
        for (l, list) in chosen {
            for neighbour in list {
                self.link(txn, neighbour, id, l)?;
            }
        }
        if level > top.level {
            self.header.entry = Some(Entry { node, id, level });
        }
        Ok(())
    }

    /// Takes a dense id (and an upper id above level 0) for `node` and writes its vector and
    /// slots, without links; maps the node to it.
    fn add_slots(
        &mut self,
        txn: &mut WriteTxn,
        node: u64,
        level: u8,
        vector: &[f32],
    ) -> Result<u32> {
        let id = self.take_id(txn)?;
        let upper = if level > 0 { self.take_upper(txn)? } else { 0 };
        self.slots
            .write(txn, id, self.vector_field().start, &vector_bytes(vector))?;
        let field = self.node_field();
        put_node(self.slots.slot_mut(txn, id, field)?, node, level, upper);
        for l in 1..=level {
            let table = self.upper_table_mut(l)?;
            put_upper(table.whole_slot_mut(txn, upper)?, None);
        }
        self.map.insert(txn, &key(node), &id.to_le_bytes())?;
        self.header.len += 1;
        Ok(id)
    }

    /// A dense id from the free list, or the next new one.
    fn take_id(&mut self, txn: &mut WriteTxn) -> Result<u32> {
        if let Some(id) = self.header.free_id.checked_sub(1) {
            let slot = self.slot(txn, id)?;
            if !slot.is_free() {
                return Err(corrupt(format!("free dense id {id} is in use")));
            }
            self.header.free_id = u32::try_from(slot.next_free())
                .map_err(|_| corrupt("a free list names an id beyond u32"))?;
            return Ok(id);
        }
        let id = self.header.next_id;
        self.header.next_id = id
            .checked_add(1)
            .ok_or_else(|| corrupt("dense ids are exhausted"))?;
        Ok(id)
    }

    /// An upper id from the free list, or the next new one.
    fn take_upper(&mut self, txn: &mut WriteTxn) -> Result<u32> {
        if let Some(upper) = self.header.free_upper.checked_sub(1) {
            let slot = UpperSlot(self.upper_table(1)?.whole_slot(txn, upper)?);
            if !slot.is_free() {
                return Err(corrupt(format!("free upper id {upper} is in use")));
            }
            self.header.free_upper = slot.next_free();
            return Ok(upper);
        }
        let upper = self.header.next_upper;
        self.header.next_upper = upper
            .checked_add(1)
            .ok_or_else(|| corrupt("upper ids are exhausted"))?;
        Ok(upper)
    }

    fn upper_table_mut(&mut self, level: u8) -> Result<&mut crate::slots::SlotTable> {
        self.upper
            .get_mut(usize::from(level).wrapping_sub(1))
            .ok_or_else(|| corrupt(format!("no upper-link table for level {level}")))
    }

    /// The links of live dense id `id` at `level`, copied.
    fn links_of(&self, txn: &WriteTxn, id: u32, level: u8) -> Result<Vec<u32>> {
        Ok(ids(self.links(txn, id, level)?).collect())
    }

    /// Replaces the links of live dense id `id` at `level` (at most its level).
    fn put_links(&mut self, txn: &mut WriteTxn, id: u32, level: u8, links: &[u32]) -> Result<()> {
        if level == 0 {
            let field = self.node_field();
            return put_node_links(self.slots.slot_mut(txn, id, field)?, links);
        }
        let upper = self.slot(txn, id)?.upper();
        put_upper_links(
            self.upper_table_mut(level)?.whole_slot_mut(txn, upper)?,
            links,
        )
    }

    /// Deletes `node`'s vector, unlinking it and repairing its neighbours' lists; returns
    /// whether it had one. Its dense id (and upper id) go to the free lists for the next
    /// insert. Deleting the entry point elects the highest-level node left, which scans the
    /// node slots (one delete in many).
    pub fn delete(&mut self, txn: &mut WriteTxn, node: u64) -> Result<bool> {
        let Some(id) = self.id_of(txn, node)? else {
            return Ok(false);
        };
        let slot = self.slot(txn, id)?;
        if slot.is_free() || slot.node() != node {
            return Err(corrupt(format!(
                "node {node} maps to dense id {id}, whose slot is not its own"
            )));
        }
        let (level, upper) = (slot.level()?, slot.upper());
        let lists = (0..=level)
            .map(|l| self.links_of(txn, id, l))
            .collect::<Result<Vec<_>>>()?;
        self.map.remove(txn, &key(node))?;
        self.release(txn, id, level, upper)?;
        for (l, list) in (0u8..).zip(&lists) {
            for &neighbour in list {
                self.unlink(txn, neighbour, id, l)?;
            }
            for &neighbour in list {
                self.repair(txn, neighbour, list, l)?;
            }
        }
        if self.header.entry.is_some_and(|e| e.id == id) {
            self.header.entry = self.highest(txn)?;
        }
        for (l, list) in (0u8..).zip(&lists) {
            for &neighbour in list {
                self.reconnect(txn, neighbour, l)?;
            }
        }
        Ok(true)
    }

    /// Links live dense id `id` again at `level` if a delete took its last link there: to the
    /// nodes the insert's own walk finds for its vector, or, when no walk reaches another node
    /// of the level (the entry point itself cut off), the nearest of all that have it.
    fn reconnect(&mut self, txn: &mut WriteTxn, id: u32, level: u8) -> Result<()> {
        let slot = self.slot(txn, id)?;
        if slot.is_free() || level > slot.level()? || !self.links_of(txn, id, level)?.is_empty() {
            return Ok(());
        }
        let spec = self.header.spec;
        let vector = vector_of(&self.vector(txn, id)?);
        let Some(start) = self.descend(txn, &vector, level, Leaves::Remember(txn.placement()))?
        else {
            return Ok(());
        };
        let walk = LevelWalk {
            ef: spec.ef_construction,
            level,
            filter: None,
            leaves: Leaves::Remember(txn.placement()),
        };
        let mut found = self.search_level(txn, &vector, &[start], walk)?;
        found.retain(|s| s.id != u64::from(id));
        if found.is_empty() {
            found = self.nearest_of_level(txn, &vector, level, id)?;
        }
        for other in self.select(txn, &found, spec.m)? {
            self.link_both(txn, id, other, level)?;
        }
        Ok(())
    }

    /// The live dense ids of `level` or above but `except`, nearest to `vector` first, by
    /// comparing with each: O(vectors), for a node no walk reaches.
    fn nearest_of_level(
        &self,
        txn: &WriteTxn,
        vector: &[f32],
        level: u8,
        except: u32,
    ) -> Result<Vec<Scored>> {
        let mut found = Vec::new();
        for other in 0..self.header.next_id {
            let slot = self.slot(txn, other)?;
            if other != except && !slot.is_free() && slot.level()? >= level {
                found.push(Scored {
                    distance: self.distance_to(txn, vector, other)?,
                    id: u64::from(other),
                });
            }
        }
        found.sort_unstable();
        Ok(found)
    }

    /// Puts dense id `id` (and its upper id, above level 0) on the free lists.
    fn release(&mut self, txn: &mut WriteTxn, id: u32, level: u8, upper: u32) -> Result<()> {
        let field = self.node_field();
        put_free_node(self.slots.slot_mut(txn, id, field)?, self.header.free_id);
        self.header.free_id = id + 1;
        if level > 0 {
            let next = self.header.free_upper;
            put_upper(
                self.upper_table_mut(1)?.whole_slot_mut(txn, upper)?,
                Some(next),
            );
            self.header.free_upper = upper + 1;
        }
        self.header.len = self.header.len.saturating_sub(1);
        Ok(())
    }

    /// Links `neighbour` to the nearest of `others` (a deleted node's list at `level`) that
    /// it does not list yet.
    fn repair(
        &mut self,
        txn: &mut WriteTxn,
        neighbour: u32,
        others: &[u32],
        level: u8,
    ) -> Result<()> {
        let have = self.links_of(txn, neighbour, level)?;
        let base = vector_of(&self.vector(txn, neighbour)?);
        let mut candidates = Vec::new();
        for &other in others {
            if other != neighbour && !have.contains(&other) {
                candidates.push(Scored {
                    distance: self.distance_to(txn, &base, other)?,
                    id: u64::from(other),
                });
            }
        }
        candidates.sort_unstable();
        for c in candidates.into_iter().take(REPAIR_LINKS) {
            self.link_both(txn, neighbour, c.dense()?, level)?;
        }
        Ok(())
    }

    /// Links `a` and `b` at `level` both ways: `a` to `b`, then, if `a`'s list kept `b` (a
    /// full list may cut it back), `b` to `a`.
    fn link_both(&mut self, txn: &mut WriteTxn, a: u32, b: u32, level: u8) -> Result<()> {
        self.link(txn, a, b, level)?;
        if self.lists(txn, a, b, level)? {
            self.link(txn, b, a, level)?;
        }
        Ok(())
    }

    /// Whether `a` lists `b` at `level`.
    fn lists(&self, txn: &WriteTxn, a: u32, b: u32, level: u8) -> Result<bool> {
        Ok(ids(self.links(txn, a, level)?).any(|n| n == b))
    }

    /// Adds `b` to `a`'s list at `level`; if the list overflows, cuts it back with the
    /// heuristic and unlinks every node it drops from `a`. Writes `a`'s slot only.
    fn link(&mut self, txn: &mut WriteTxn, a: u32, b: u32, level: u8) -> Result<()> {
        let mut members = self.links_of(txn, a, level)?;
        if members.contains(&b) || a == b {
            return Ok(());
        }
        members.push(b);
        let cap = self.header.spec.cap(level);
        if members.len() <= cap {
            return self.put_links(txn, a, level, &members);
        }
        let kept = self.with_vector_leaves(txn, |leaves| {
            let base = vector_of(&self.vector_via(txn, a, Some(leaves))?);
            let mut scored = Vec::with_capacity(members.len());
            for &id in &members {
                scored.push(Scored {
                    distance: self.distance_via(txn, &base, id, Some(leaves))?,
                    id: u64::from(id),
                });
            }
            scored.sort_unstable();
            self.select_via(txn, &scored, cap, leaves)
        })?;
        let kept = self.spare_last_links(txn, a, level, kept, &members)?;
        self.put_links(txn, a, level, &kept)?;
        for dropped in members.into_iter().filter(|n| !kept.contains(n)) {
            self.unlink(txn, dropped, a, level)?;
        }
        Ok(())
    }

    /// `kept`, the heuristic's choice among `members` (`a`'s list at `level` and one more),
    /// changed so that no member it drops loses its last link: such a member takes the place
    /// of the last kept one that has other links. Links are symmetric, so a member `a` drops
    /// drops `a` in turn, and one listing only `a` would be left where no walk reaches it.
    fn spare_last_links(
        &self,
        txn: &WriteTxn,
        a: u32,
        level: u8,
        mut kept: Vec<u32>,
        members: &[u32],
    ) -> Result<Vec<u32>> {
        let dropped: Vec<u32> = members
            .iter()
            .copied()
            .filter(|n| !kept.contains(n))
            .collect();
        for dropped in dropped {
            if ids(self.links(txn, dropped, level)?).any(|n| n != a) {
                continue;
            }
            let mut spare = None;
            for (i, &k) in kept.iter().enumerate().rev() {
                if ids(self.links(txn, k, level)?).any(|n| n != a) {
                    spare = Some(i);
                    break;
                }
            }
            if let Some(slot) = spare.and_then(|i| kept.get_mut(i)) {
                *slot = dropped;
            }
        }
        Ok(kept)
    }

    /// Removes `b` from `a`'s list at `level`, if `a` is live, of that level, and lists it.
    fn unlink(&mut self, txn: &mut WriteTxn, a: u32, b: u32, level: u8) -> Result<()> {
        let slot = self.slot(txn, a)?;
        if slot.is_free() || level > slot.level()? {
            return Ok(());
        }
        let mut list = self.links_of(txn, a, level)?;
        let before = list.len();
        list.retain(|&n| n != b);
        if list.len() != before {
            self.put_links(txn, a, level, &list)?;
        }
        Ok(())
    }

    /// Runs `f` with the vector table's leaves remembered under `txn`'s placement, as the
    /// build's walks remember them (see [`crate::slots::LeafCache`]).
    fn with_vector_leaves<R>(&self, txn: &WriteTxn, f: impl FnOnce(&mut LeafCache) -> R) -> R {
        let ids = u64::from(self.header.next_id);
        let placement = Some(txn.placement());
        with_walk(ids as usize, self.slots.scope(ids, placement), |state| {
            f(&mut state.leaves)
        })
    }

    /// The HNSW neighbour heuristic: from `candidates` (nearest first), each one nearer to the
    /// base than to every one kept before it, then the nearest of the rest, up to `m`.
    pub(crate) fn select(
        &self,
        txn: &WriteTxn,
        candidates: &[Scored],
        m: usize,
    ) -> Result<Vec<u32>> {
        self.with_vector_leaves(txn, |leaves| self.select_via(txn, candidates, m, leaves))
    }

    /// [`Index::select`], the vectors' leaves found through `leaves`.
    fn select_via(
        &self,
        txn: &WriteTxn,
        candidates: &[Scored],
        m: usize,
        leaves: &mut LeafCache,
    ) -> Result<Vec<u32>> {
        let metric = self.header.spec.metric;
        let mut kept: Vec<(u32, Vec<f32>)> = Vec::with_capacity(m);
        let mut rest = Vec::new();
        for c in candidates {
            if kept.len() >= m {
                break;
            }
            let id = c.dense()?;
            let bytes = self.vector_via(txn, id, Some(leaves))?;
            if kept
                .iter()
                .all(|(_, k)| metric.distance_within(k, &bytes, c.distance) > c.distance)
            {
                kept.push((id, vector_of(&bytes)));
            } else {
                rest.push(id);
            }
        }
        let mut chosen: Vec<u32> = kept.into_iter().map(|(id, _)| id).collect();
        let room = m.saturating_sub(chosen.len());
        chosen.extend(rest.into_iter().take(room));
        Ok(chosen)
    }

    /// The live node with the highest level (the lowest dense id among equals), for a new
    /// entry point.
    fn highest(&self, txn: &WriteTxn) -> Result<Option<Entry>> {
        let mut best: Option<Entry> = None;
        for id in 0..self.header.next_id {
            let slot: NodeSlot<'_> = self.slot(txn, id)?;
            if slot.is_free() {
                continue;
            }
            let level = slot.level()?;
            if best.is_none_or(|b| level > b.level) {
                best = Some(Entry {
                    node: slot.node(),
                    id,
                    level,
                });
            }
        }
        Ok(best)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::spec::{Header, SlotLayout};
    use crate::{IndexSpec, Metric, catalog};
    use pager_mmap::{MemStorage, Options, Pager};

    const SLOT: usize = 3;

    fn pager() -> Pager {
        Pager::with_storage(Box::new(MemStorage::new()), Options::default()).unwrap()
    }

    fn point(i: u64, dim: usize) -> Vec<f32> {
        (0..dim)
            .map(|j| ((i * 31 + j as u64 * 7) % 97) as f32 - 48.0)
            .collect()
    }

    #[test]
    fn deleted_dense_ids_are_taken_by_the_next_inserts() {
        let pager = pager();
        let mut txn = pager.begin_write().unwrap();
        let mut index =
            catalog::create(&mut txn, SLOT, "v", IndexSpec::new(4, Metric::L2)).unwrap();
        for node in 0..200 {
            index.set(&mut txn, node, &point(node, 4)).unwrap();
        }
        let (next_id, next_upper) = (index.header.next_id, index.header.next_upper);
        for node in (0..200).step_by(5) {
            assert!(index.delete(&mut txn, node).unwrap());
        }
        for node in 1000..1040 {
            index.set(&mut txn, node, &point(node, 4)).unwrap();
        }
        // Replacing keeps the id count too.
        for node in 1000..1010 {
            index.set(&mut txn, node, &point(node + 1, 4)).unwrap();
        }
        assert_eq!(index.header.next_id, next_id);
        assert!(index.header.next_upper <= next_upper + 2);
        assert_eq!(index.len(), 200);
        assert_eq!(index.check_links(&txn).unwrap(), Vec::<String>::new());
    }

    /// An empty index `v` of `spec` whose node slots lie in `layout` (the beside one is what
    /// the files of graph layout 7 hold).
    fn create_in(txn: &mut WriteTxn, spec: IndexSpec, layout: SlotLayout) -> Index {
        let made = catalog::create(txn, SLOT, "v", spec).unwrap();
        let index = Index::new(
            "v",
            Header {
                layout,
                ..made.header
            },
            made.map,
        );
        catalog::save(txn, SLOT, &index).unwrap();
        index
    }

    #[test]
    fn vectors_and_links_stay_right_through_deletes_and_replacements_in_either_slot_layout() {
        for layout in [SlotLayout::Aligned, SlotLayout::Beside] {
            deletes_and_replacements_across_commits(layout);
        }
    }

    fn deletes_and_replacements_across_commits(layout: SlotLayout) {
        // Deletes free pages and a later transaction copies them: the leaves the build's walks
        // remember from walk to walk must follow every move.
        let pager = pager();
        let dim = 8;
        let mut rng = fastrand::Rng::with_seed(16);
        let mut random = || -> Vec<f32> { (0..dim).map(|_| rng.f32()).collect() };
        let mut model = std::collections::BTreeMap::new();
        let mut txn = pager.begin_write().unwrap();
        let mut index = create_in(&mut txn, IndexSpec::new(dim, Metric::L2), layout);
        for node in 0..400 {
            let v = random();
            index.set(&mut txn, node, &v).unwrap();
            model.insert(node, v);
        }
        catalog::save(&mut txn, SLOT, &index).unwrap();
        txn.commit().unwrap();
        let mut txn = pager.begin_write().unwrap();
        let mut index = catalog::open(&txn, SLOT, "v").unwrap();
        for node in 400..600 {
            let v = random();
            index.set(&mut txn, node, &v).unwrap();
            model.insert(node, v);
            if node % 3 == 0 {
                assert!(index.delete(&mut txn, node - 300).unwrap());
                model.remove(&(node - 300));
            }
            if node % 7 == 0 {
                let v = random();
                index.set(&mut txn, node - 350, &v).unwrap();
                model.insert(node - 350, v);
            }
        }
        catalog::save(&mut txn, SLOT, &index).unwrap();
        txn.commit().unwrap();
        let read = pager.begin_read().unwrap();
        assert!(crate::check(&read, SLOT).unwrap().is_clean());
        let index = catalog::open(&read, SLOT, "v").unwrap();
        assert_eq!(index.header.layout, layout);
        assert_eq!(
            index.nodes(&read).unwrap(),
            model.keys().copied().collect::<Vec<_>>()
        );
        let mut found = 0;
        for (&node, v) in &model {
            assert_eq!(
                index.get(&read, node).unwrap().as_ref(),
                Some(v),
                "node {node}"
            );
            found += usize::from(index.search(&read, v, 1, 64, None).unwrap()[0].node == node);
        }
        // A graph built from wrong vectors or lost links finds far fewer.
        assert!(
            found * 100 >= model.len() * 99,
            "{found} of {} found",
            model.len()
        );
    }

    #[test]
    fn check_finds_a_link_that_is_not_returned() {
        let pager = pager();
        let mut txn = pager.begin_write().unwrap();
        let mut index =
            catalog::create(&mut txn, SLOT, "v", IndexSpec::new(3, Metric::L2)).unwrap();
        for node in 0..20 {
            index.set(&mut txn, node, &point(node, 3)).unwrap();
        }
        let id = index.id_of(&txn, 7).unwrap().unwrap();
        let mut links = index.links_of(&txn, id, 0).unwrap();
        let gone = links.pop().unwrap();
        index.put_links(&mut txn, id, 0, &links).unwrap();
        let problems = index.check_links(&txn).unwrap();
        assert!(
            problems.iter().any(|p| p.contains("but not back")),
            "{problems:?} (dropped {gone})"
        );
    }

    #[test]
    fn vectors_above_a_page_span_pages_and_read_back_whole() {
        let pager = pager();
        let dim = 2000;
        let mut txn = pager.begin_write().unwrap();
        let mut index =
            catalog::create(&mut txn, SLOT, "v", IndexSpec::new(dim, Metric::L2)).unwrap();
        for node in 0..12 {
            index.set(&mut txn, node, &point(node, dim)).unwrap();
        }
        catalog::save(&mut txn, SLOT, &index).unwrap();
        txn.commit().unwrap();
        let read = pager.begin_read().unwrap();
        let index = catalog::open(&read, SLOT, "v").unwrap();
        assert_eq!(index.get(&read, 5).unwrap().unwrap(), point(5, dim));
        let hits = index.search(&read, &point(9, dim), 1, 10, None).unwrap();
        assert_eq!(hits[0].node, 9);
        assert!(crate::check(&read, SLOT).unwrap().is_clean());
    }

    /// Live dense ids whose list at `level` (at most their own level) is empty.
    fn cut_off(index: &Index, txn: &WriteTxn, level: u8) -> Vec<u32> {
        (0..index.header.next_id)
            .filter(|&id| {
                let slot = index.slot(txn, id).unwrap();
                !slot.is_free()
                    && slot.level().unwrap() >= level
                    && index.links_of(txn, id, level).unwrap().is_empty()
            })
            .collect()
    }

    #[test]
    fn sets_and_deletes_leave_no_node_without_links() {
        // Small indexes with small M, where a cut-back list or a delete most easily takes a
        // node's last link (a fuzzed sequence of sets and deletes on six vectors once left one
        // that no walk reached).
        for seed in 0..300 {
            let pager = pager();
            let mut txn = pager.begin_write().unwrap();
            let mut rng = fastrand::Rng::with_seed(seed);
            let spec = IndexSpec {
                m: rng.usize(2..5),
                ..IndexSpec::new(2, Metric::L2)
            };
            let mut index = catalog::create(&mut txn, SLOT, "v", spec).unwrap();
            let nodes = rng.u64(4..40);
            for step in 0..150 {
                let node = rng.u64(0..nodes);
                let deletes = rng.u8(0..3) == 0;
                if deletes {
                    index.delete(&mut txn, node).unwrap();
                } else {
                    let v = [rng.f32() * 4.0, rng.f32() * 4.0];
                    index.set(&mut txn, node, &v).unwrap();
                }
                if index.len() >= 2 {
                    assert_eq!(
                        cut_off(&index, &txn, 0),
                        Vec::<u32>::new(),
                        "seed {seed}, step {step}, node {node}, delete {deletes}"
                    );
                }
            }
            assert_eq!(index.check_links(&txn).unwrap(), Vec::<String>::new());
        }
    }

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
