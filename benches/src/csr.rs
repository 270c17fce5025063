//! The physical limit: the same graph as compressed sparse rows in memory. Out- and in-lists
//! are `u32` node ids in two arrays indexed by `u64` offsets (edge ids and types sit in
//! parallel arrays that the traversals never touch); node names and data are in one byte
//! arena. Built from the edge list by a counting sort, keeping insertion order in each list.

use std::time::{Duration, Instant};

use crate::Result;
use crate::algo::{self, Adjacent, Dir};
use crate::engine::Engine;
use crate::generate::{Generated, edge_weight};

/// One direction's lists.
#[derive(Debug)]
struct Rows {
    /// `offsets[n]..offsets[n + 1]` is node `n`'s slice of `targets`.
    offsets: Vec<u64>,
    targets: Vec<u32>,
    /// The edge id of each entry of `targets`.
    edges: Vec<u32>,
    /// The type of each entry of `targets`.
    types: Vec<u8>,
}

impl Rows {
    fn build(g: &Generated, reverse: bool) -> Rows {
        let n = g.nodes as usize;
        let mut offsets = vec![0u64; n + 1];
        for &(from, to) in &g.edges {
            let key = if reverse { to } else { from };
            offsets[key as usize + 1] += 1;
        }
        for i in 0..n {
            offsets[i + 1] += offsets[i];
        }
        let m = g.edges.len();
        let mut next: Vec<u64> = offsets[..n].to_vec();
        let mut targets = vec![0u32; m];
        let mut edges = vec![0u32; m];
        let mut types = vec![0u8; m];
        for (id, &(from, to)) in g.edges.iter().enumerate() {
            let (key, other) = if reverse { (to, from) } else { (from, to) };
            let at = next[key as usize] as usize;
            next[key as usize] += 1;
            targets[at] = other;
            edges[at] = id as u32;
            types[at] = g.edge_types[id];
        }
        Rows {
            offsets,
            targets,
            edges,
            types,
        }
    }

    fn row(&self, node: u64) -> &[u32] {
        let node = node as usize;
        match (self.offsets.get(node), self.offsets.get(node + 1)) {
            (Some(&start), Some(&end)) => &self.targets[start as usize..end as usize],
            _ => &[],
        }
    }

    /// Node `node`'s entries: neighbour, edge id, type.
    fn entries(&self, node: u64) -> impl Iterator<Item = (u32, u32, u8)> + '_ {
        let node = node as usize;
        let range = match (self.offsets.get(node), self.offsets.get(node + 1)) {
            (Some(&start), Some(&end)) => start as usize..end as usize,
            _ => 0..0,
        };
        self.targets[range.clone()]
            .iter()
            .zip(&self.edges[range.clone()])
            .zip(&self.types[range])
            .map(|((&n, &e), &t)| (n, e, t))
    }

    fn bytes(&self) -> u64 {
        (self.offsets.len() * 8 + self.targets.len() * 4 + self.edges.len() * 4 + self.types.len())
            as u64
    }
}

/// A graph in compressed sparse rows, in memory.
#[derive(Debug)]
pub struct Csr {
    nodes: u64,
    out: Rows,
    incoming: Rows,
    /// Per node: where its name starts in `text`, where its data starts, where it ends.
    node_ends: Vec<(u64, u32, u32)>,
    kinds: Vec<u8>,
    text: Vec<u8>,
}

impl Csr {
    /// Builds the CSR of `g`; returns it and the time the build took (both directions and the
    /// node arena).
    pub fn build(g: &Generated) -> (Csr, Duration) {
        let started = Instant::now();
        let mut text = Vec::new();
        let mut node_ends = Vec::with_capacity(g.nodes as usize);
        let mut kinds = Vec::with_capacity(g.nodes as usize);
        for i in 0..g.nodes {
            let node = g.node(i);
            let start = text.len() as u64;
            text.extend_from_slice(node.name.as_bytes());
            let name_end = text.len() as u32;
            text.extend_from_slice(node.data);
            node_ends.push((start, name_end, text.len() as u32));
            kinds.push(
                crate::generate::KINDS
                    .iter()
                    .position(|k| *k == node.kind)
                    .unwrap_or(0) as u8,
            );
        }
        let csr = Csr {
            nodes: g.nodes,
            out: Rows::build(g, false),
            incoming: Rows::build(g, true),
            node_ends,
            kinds,
            text,
        };
        (csr, started.elapsed())
    }

    /// The number of nodes.
    pub fn node_count(&self) -> u64 {
        self.nodes
    }

    /// `node`'s out-list (`incoming`: its in-list), in place.
    pub fn row(&self, node: u64, incoming: bool) -> &[u32] {
        if incoming {
            self.incoming.row(node)
        } else {
            self.out.row(node)
        }
    }

    /// The bytes the CSR takes in memory (both directions and the node arena).
    pub fn memory_bytes(&self) -> u64 {
        self.out.bytes()
            + self.incoming.bytes()
            + self.node_ends.len() as u64 * 16
            + self.kinds.len() as u64
            + self.text.len() as u64
    }
}

impl Csr {
    /// The nodes a BFS from `start` reaches, and the deepest level.
    pub fn reach(&self, start: u64) -> Result<(usize, u32)> {
        let order = self.direct_bfs(start, None)?;
        Ok((order.len(), order.last().map_or(0, |&(_, d)| d)))
    }

    /// [`algo::bfs`] reading the rows in place (no copy of each list): the tightest loop.
    fn direct_bfs(&self, start: u64, max_depth: Option<u32>) -> Result<Vec<(u32, u32)>> {
        if start >= self.nodes {
            return Err(format!("no node {start}").into());
        }
        let mut visited = vec![0u64; self.nodes.div_ceil(64) as usize];
        visited[(start / 64) as usize] |= 1 << (start % 64);
        let mut order = vec![(start as u32, 0u32)];
        let mut head = 0;
        while let Some(&(node, depth)) = order.get(head) {
            head += 1;
            if max_depth.is_some_and(|max| depth >= max) {
                continue;
            }
            for &n in self.out.row(u64::from(node)) {
                let word = &mut visited[(n / 64) as usize];
                let bit = 1u64 << (n % 64);
                if *word & bit == 0 {
                    *word |= bit;
                    order.push((n, depth + 1));
                }
            }
        }
        Ok(order)
    }
}

impl Adjacent for Csr {
    fn append_neighbors(
        &mut self,
        node: u64,
        dir: Dir,
        types: Option<&[u8]>,
        out: &mut Vec<u64>,
    ) -> Result<()> {
        let rows = match dir {
            Dir::Out => &self.out,
            Dir::In => &self.incoming,
        };
        match types {
            None => out.extend(rows.row(node).iter().map(|&n| u64::from(n))),
            Some(types) => out.extend(
                rows.entries(node)
                    .filter(|(_, _, t)| types.contains(t))
                    .map(|(n, _, _)| u64::from(n)),
            ),
        }
        Ok(())
    }
}

impl algo::Weighted for Csr {
    fn for_each_out_edge(&mut self, node: u64, mut visit: impl FnMut(u64, u64)) -> Result<()> {
        for (n, edge, t) in self.out.entries(node) {
            visit(u64::from(n), edge_weight(u64::from(edge), t));
        }
        Ok(())
    }
}

impl Engine for Csr {
    fn name(&self) -> &'static str {
        "CSR"
    }

    fn get_node(&mut self, id: u64) -> Result<u64> {
        let &(start, name_end, end) = self
            .node_ends
            .get(id as usize)
            .ok_or_else(|| format!("no node {id}"))?;
        let name = std::str::from_utf8(&self.text[start as usize..name_end as usize])?;
        let data = &self.text[name_end as usize..end as usize];
        std::hint::black_box((self.kinds[id as usize], name, data));
        Ok((name.len() + data.len()) as u64)
    }

    fn get_node_with_kind(&mut self, id: u64) -> Result<u64> {
        let len = self.get_node(id)?;
        let kind = crate::generate::KINDS[usize::from(self.kinds[id as usize])];
        Ok(len + kind.len() as u64)
    }

    fn out_neighbors(&mut self, id: u64) -> Result<u64> {
        Ok(self.out.row(id).iter().map(|&n| u64::from(n) + 1).sum())
    }

    fn bfs(&mut self, start: u64) -> Result<u64> {
        let order = self.direct_bfs(start, None)?;
        Ok(order.iter().map(|&(_, d)| u64::from(d) + 1).sum())
    }

    fn k_hop(&mut self, start: u64, k: u32) -> Result<u64> {
        Ok(self.direct_bfs(start, Some(k))?.len() as u64 - 1)
    }

    fn shortest_path(&mut self, from: u64, to: u64) -> Result<u64> {
        Ok(algo::shortest_path(self, from, to, None)?.map_or(0, |p| p.len() as u64))
    }

    fn filtered_bfs(&mut self, start: u64, types: &[u8]) -> Result<u64> {
        let nodes = self.nodes;
        let order = algo::bfs(self, nodes, start, Some(types), None)?;
        Ok(order.iter().map(|&(_, d)| u64::from(d) + 1).sum())
    }

    fn filtered_shortest_path(&mut self, from: u64, to: u64, types: &[u8]) -> Result<u64> {
        Ok(algo::shortest_path(self, from, to, Some(types))?.map_or(0, |p| p.len() as u64))
    }

    fn dijkstra(&mut self, from: u64, to: u64) -> Result<Option<u64>> {
        Ok(Some(algo::dijkstra(self, from, to)?.map_or(0, |c| c + 1)))
    }
}
