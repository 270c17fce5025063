//! The generated graphs every engine loads: uniform random graphs and R-MAT (Kronecker) graphs,
//! from fixed seeds, so that every run and every engine sees exactly the same nodes and edges.
//!
//! Nodes are numbered `0..nodes`. Each has a kind (one of [`KINDS`]), a unique name (`n<i>`)
//! and small JSON data (`{"id":<i>}`); each edge has a type (one of [`EDGE_TYPES`]) and no data.
//! Self-loops and parallel edges are kept (R-MAT makes many): every engine stores the same
//! multigraph.

use std::fmt::Write as _;

/// The node kinds, assigned pseudo-randomly.
pub const KINDS: [&str; 4] = ["function", "module", "file", "symbol"];

/// The edge types, assigned pseudo-randomly.
pub const EDGE_TYPES: [&str; 4] = ["calls", "imports", "contains", "references"];

/// The weight of edge `id` of type `edge_type` (an index into [`EDGE_TYPES`]) in the weighted
/// reads: an integer from 1 to 11, a function of the type and a hash of the id, so that every
/// engine computes it from what its adjacency holds and sums of weights are exact in `f64`.
pub fn edge_weight(id: u64, edge_type: u8) -> u64 {
    1 + u64::from(edge_type) + (id.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 61)
}

/// SplitMix64: a tiny generator whose output is fixed by its seed forever (no dependency whose
/// algorithm could change between versions).
#[derive(Clone, Debug)]
pub struct SplitMix64(u64);

impl SplitMix64 {
    /// A generator starting from `seed`.
    pub fn new(seed: u64) -> SplitMix64 {
        SplitMix64(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0), by multiply-shift (bias below 2^-32 for the sizes here).
    pub fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// A number in `[0, 1)` with 53 random bits.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }
}

/// How to generate a graph.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Shape {
    /// `edges` edges whose ends are drawn uniformly from `nodes` nodes.
    Uniform {
        /// Nodes.
        nodes: u64,
        /// Edges.
        edges: u64,
    },
    /// R-MAT (the Graph500 Kronecker generator): `2^scale` nodes, `edge_factor * 2^scale`
    /// edges, quadrant probabilities `a`, `b`, `c` (and `1 - a - b - c`), node ids permuted
    /// at random afterwards so that id order says nothing about degree.
    Rmat {
        /// log2 of the node count.
        scale: u32,
        /// Edges per node.
        edge_factor: u64,
        /// Probability of the top-left quadrant.
        a: f64,
        /// Probability of the top-right quadrant.
        b: f64,
        /// Probability of the bottom-left quadrant.
        c: f64,
    },
}

/// A named graph to generate.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphSpec {
    /// The name used on the command line and in the tables.
    pub name: String,
    /// What to generate.
    pub shape: Shape,
    /// The generator's seed.
    pub seed: u64,
}

impl GraphSpec {
    /// The graphs known by name: `small` (uniform 10K nodes / 50K edges), `medium` (uniform
    /// 100K / 1M) and `kron` (R-MAT scale 20, edge factor 16: 1,048,576 nodes, 16,777,216
    /// edges, a = 0.57, b = c = 0.19). Also `uniform:<nodes>:<edges>` and
    /// `rmat:<scale>:<edge factor>` for any size.
    pub fn parse(name: &str) -> Option<GraphSpec> {
        let shape = match name {
            "small" => Shape::Uniform {
                nodes: 10_000,
                edges: 50_000,
            },
            "medium" => Shape::Uniform {
                nodes: 100_000,
                edges: 1_000_000,
            },
            "kron" => Shape::Rmat {
                scale: 20,
                edge_factor: 16,
                a: 0.57,
                b: 0.19,
                c: 0.19,
            },
            _ => {
                let parts: Vec<&str> = name.split(':').collect();
                match parts.as_slice() {
                    ["uniform", n, m] => Shape::Uniform {
                        nodes: n.parse().ok().filter(|&n| n > 0)?,
                        edges: m.parse().ok()?,
                    },
                    ["rmat", s, ef] => Shape::Rmat {
                        scale: s.parse().ok().filter(|&s| (1..=30).contains(&s))?,
                        edge_factor: ef.parse().ok()?,
                        a: 0.57,
                        b: 0.19,
                        c: 0.19,
                    },
                    _ => return None,
                }
            }
        };
        Some(GraphSpec {
            name: name.to_string(),
            shape,
            seed: 0x6D6D_6772_6170_6800 ^ fnv(name),
        })
    }

    /// A one-line description for the tables.
    pub fn describe(&self) -> String {
        match self.shape {
            Shape::Uniform { nodes, edges } => {
                format!(
                    "uniform random, {nodes} nodes, {edges} edges, seed {:#x}",
                    self.seed
                )
            }
            Shape::Rmat {
                scale,
                edge_factor,
                a,
                b,
                c,
            } => format!(
                "R-MAT scale {scale} (2^{scale} = {} nodes), edge factor {edge_factor} ({} edges), \
                 a={a} b={b} c={c}, ids permuted, seed {:#x}",
                1u64 << scale,
                edge_factor << scale,
                self.seed
            ),
        }
    }

    /// Generates the graph.
    pub fn generate(&self) -> Generated {
        let mut rng = SplitMix64::new(self.seed);
        let (nodes, edges) = match self.shape {
            Shape::Uniform { nodes, edges } => {
                let list = (0..edges)
                    .map(|_| (rng.below(nodes) as u32, rng.below(nodes) as u32))
                    .collect();
                (nodes, list)
            }
            Shape::Rmat {
                scale,
                edge_factor,
                a,
                b,
                c,
            } => {
                let nodes = 1u64 << scale;
                let mut list: Vec<(u32, u32)> = (0..edge_factor << scale)
                    .map(|_| rmat_edge(&mut rng, scale, a, b, c))
                    .collect();
                // Graph500 permutes the vertex labels: hubs land anywhere in the id space.
                let mut perm: Vec<u32> = (0..nodes as u32).collect();
                for i in (1..perm.len()).rev() {
                    perm.swap(i, rng.below(i as u64 + 1) as usize);
                }
                for (from, to) in &mut list {
                    *from = perm[*from as usize];
                    *to = perm[*to as usize];
                }
                (nodes, list)
            }
        };
        let edge_types = (0..edges.len())
            .map(|_| rng.below(EDGE_TYPES.len() as u64) as u8)
            .collect();
        let mut text = String::new();
        let mut ends = Vec::with_capacity(nodes as usize);
        let mut kinds = Vec::with_capacity(nodes as usize);
        for i in 0..nodes {
            let name_start = text.len();
            write!(text, "n{i}").expect("writing to a String cannot fail");
            let name_end = text.len();
            write!(text, "{{\"id\":{i}}}").expect("writing to a String cannot fail");
            ends.push((name_start as u64, name_end as u32, text.len() as u32));
            kinds.push(rng.below(KINDS.len() as u64) as u8);
        }
        Generated {
            nodes,
            edges,
            edge_types,
            kinds,
            text,
            ends,
        }
    }
}

/// One R-MAT edge: `scale` quadrant choices.
fn rmat_edge(rng: &mut SplitMix64, scale: u32, a: f64, b: f64, c: f64) -> (u32, u32) {
    let (mut from, mut to) = (0u32, 0u32);
    for bit in 0..scale {
        let r = rng.unit();
        let (row, col) = if r < a {
            (0, 0)
        } else if r < a + b {
            (0, 1)
        } else if r < a + b + c {
            (1, 0)
        } else {
            (1, 1)
        };
        from |= row << bit;
        to |= col << bit;
    }
    (from, to)
}

/// FNV-1a of a name, to give each graph its own seed.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xCBF2_9CE4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01B3)
    })
}

/// A generated graph, in memory: the edge list and every node's kind, name and data.
#[derive(Clone, Debug)]
pub struct Generated {
    /// Nodes, numbered `0..nodes`.
    pub nodes: u64,
    /// Edges as (from, to), in insertion order; edge `i` has id `i`.
    pub edges: Vec<(u32, u32)>,
    /// Each edge's type, an index into [`EDGE_TYPES`].
    pub edge_types: Vec<u8>,
    /// Each node's kind, an index into [`KINDS`].
    kinds: Vec<u8>,
    /// Every node's name then data, concatenated.
    text: String,
    /// Per node: where its name starts, where its name ends and its data starts, where its
    /// data ends (offsets into `text`).
    ends: Vec<(u64, u32, u32)>,
}

/// One node's attributes, borrowed from a [`Generated`] graph.
#[derive(Clone, Copy, Debug)]
pub struct NodeAttrs<'a> {
    /// The node's kind.
    pub kind: &'static str,
    /// The node's name.
    pub name: &'a str,
    /// The node's data.
    pub data: &'a [u8],
}

impl Generated {
    /// Node `i`'s kind, name and data.
    pub fn node(&self, i: u64) -> NodeAttrs<'_> {
        let (start, name_end, end) = self.ends[i as usize];
        NodeAttrs {
            kind: KINDS[usize::from(self.kinds[i as usize])],
            name: &self.text[start as usize..name_end as usize],
            data: &self.text.as_bytes()[name_end as usize..end as usize],
        }
    }

    /// Edge `i`'s type name.
    pub fn edge_type(&self, i: usize) -> &'static str {
        EDGE_TYPES[usize::from(self.edge_types[i])]
    }

    /// Every edge as `WriteTxn::add_edges` takes it, without data: edge `i` joins node ids
    /// `edges[i]`, typed [`Generated::edge_type`]`(i)`.
    pub fn new_edges(&self) -> impl Iterator<Item = graph::NewEdge<'_>> + '_ {
        self.edges
            .iter()
            .enumerate()
            .map(|(i, &(from, to))| graph::NewEdge {
                from: graph::NodeId(u64::from(from)),
                to: graph::NodeId(u64::from(to)),
                edge_type: self.edge_type(i),
                data: b"",
            })
    }

    /// Every node's out-degree.
    pub fn out_degrees(&self) -> Vec<u32> {
        let mut degrees = vec![0u32; self.nodes as usize];
        for &(from, _) in &self.edges {
            degrees[from as usize] += 1;
        }
        degrees
    }

    /// The bytes of every node's name and data together (for size comparisons).
    pub fn payload_bytes(&self) -> u64 {
        self.text.len() as u64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generation_is_fixed_by_the_seed() {
        let spec = GraphSpec::parse("uniform:100:500").expect("a valid spec");
        let a = spec.generate();
        let b = spec.generate();
        assert_eq!(a.edges, b.edges);
        assert_eq!(a.edge_types, b.edge_types);
        assert_eq!(a.edges.len(), 500);
        assert!(a.edges.iter().all(|&(f, t)| f < 100 && t < 100));
        assert_eq!(a.node(7).name, "n7");
        assert_eq!(a.node(7).data, b"{\"id\":7}");
    }

    #[test]
    fn rmat_is_skewed_and_in_range() {
        let spec = GraphSpec::parse("rmat:10:16").expect("a valid spec");
        let g = spec.generate();
        assert_eq!(g.nodes, 1024);
        assert_eq!(g.edges.len(), 16 * 1024);
        let degrees = g.out_degrees();
        let max = degrees.iter().copied().max().unwrap_or(0);
        // A uniform graph of this size has a maximum out-degree near 30; R-MAT's hubs are far
        // above it.
        assert!(max > 100, "max out-degree {max}");
    }
}
