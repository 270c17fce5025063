//! Metrics and their distance kernels: smaller is nearer under every metric.
//!
//! The kernels read the stored side as little-endian bytes straight from the page, eight lanes
//! at a time into eight independent accumulators, so that the compiler keeps them in one SIMD
//! register each and vectorises the loop (safe Rust, no intrinsics; `benches` measures them).

use crate::error::{Error, Result};

/// Lanes summed side by side: eight `f32`s fill one 256-bit register.
const LANES: usize = 8;

/// How two vectors are compared.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Metric {
    /// `1 - cos(a, b)`. Vectors are stored normalised to length 1, so this is `1 - a·b`.
    Cosine,
    /// The squared Euclidean distance `|a - b|²` (same order as the distance itself).
    L2,
    /// `-a·b`: the largest inner product is the nearest.
    InnerProduct,
}

impl Metric {
    /// The byte that stands for the metric in an index header.
    pub(crate) fn code(self) -> u8 {
        match self {
            Metric::Cosine => 1,
            Metric::L2 => 2,
            Metric::InnerProduct => 3,
        }
    }

    /// The metric a header byte stands for.
    pub(crate) fn from_code(code: u8) -> Option<Metric> {
        match code {
            1 => Some(Metric::Cosine),
            2 => Some(Metric::L2),
            3 => Some(Metric::InnerProduct),
            _ => None,
        }
    }

    /// The metric's name: `cosine`, `l2` or `ip`.
    pub fn name(self) -> &'static str {
        match self {
            Metric::Cosine => "cosine",
            Metric::L2 => "l2",
            Metric::InnerProduct => "ip",
        }
    }

    /// The metric named `name` (`cosine`, `l2` or `ip`; also `euclidean`, `dot`).
    pub fn from_name(name: &str) -> Option<Metric> {
        match name {
            "cosine" => Some(Metric::Cosine),
            "l2" | "euclidean" => Some(Metric::L2),
            "ip" | "dot" | "inner_product" => Some(Metric::InnerProduct),
            _ => None,
        }
    }

    /// Checks `vector` for `dimension` and finite components and returns the form it is stored
    /// and searched in: normalised to length 1 under cosine, as given otherwise.
    pub fn prepare(self, dimension: usize, vector: &[f32]) -> Result<Vec<f32>> {
        if vector.len() != dimension {
            return Err(Error::WrongDimension {
                expected: dimension,
                got: vector.len(),
            });
        }
        if let Some(index) = vector.iter().position(|x| !x.is_finite()) {
            return Err(Error::NotFinite { index });
        }
        if self != Metric::Cosine {
            return Ok(vector.to_vec());
        }
        let norm = dot(vector, vector).sqrt();
        if norm == 0.0 || !norm.is_finite() {
            return Err(Error::ZeroVector);
        }
        Ok(vector.iter().map(|x| x / norm).collect())
    }

    /// The distance from `query` (prepared) to `stored` (prepared, as little-endian bytes).
    #[inline]
    pub fn distance_to_bytes(self, query: &[f32], stored: &[u8]) -> f32 {
        match self {
            Metric::Cosine => 1.0 - dot_bytes(query, stored),
            Metric::L2 => l2_bytes(query, stored),
            Metric::InnerProduct => -dot_bytes(query, stored),
        }
    }

    /// The distance between two prepared vectors.
    #[inline]
    pub fn distance(self, a: &[f32], b: &[f32]) -> f32 {
        match self {
            Metric::Cosine => 1.0 - dot(a, b),
            Metric::L2 => l2(a, b),
            Metric::InnerProduct => -dot(a, b),
        }
    }
}

fn sum_lanes(acc: [f32; LANES]) -> f32 {
    acc.iter().sum()
}

fn lane(bytes: &[u8], i: usize) -> f32 {
    let mut word = [0u8; 4];
    if let Some(b) = bytes.get(4 * i..4 * i + 4) {
        word.copy_from_slice(b);
    }
    f32::from_le_bytes(word)
}

/// `a·b` over two slices of `f32` (the shorter one's length).
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for ((s, p), q) in acc.iter_mut().zip(x).zip(y) {
            *s += p * q;
        }
    }
    sum_lanes(acc) + ra.iter().zip(rb).map(|(p, q)| p * q).sum::<f32>()
}

/// `|a - b|²` over two slices of `f32` (the shorter one's length).
pub fn l2(a: &[f32], b: &[f32]) -> f32 {
    let mut acc = [0f32; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for ((s, p), q) in acc.iter_mut().zip(x).zip(y) {
            let d = p - q;
            *s += d * d;
        }
    }
    sum_lanes(acc)
        + ra.iter()
            .zip(rb)
            .map(|(p, q)| (p - q) * (p - q))
            .sum::<f32>()
}

/// `a·b` with `b` as little-endian bytes, as stored in a page.
fn dot_bytes(a: &[f32], b: &[u8]) -> f32 {
    let mut acc = [0f32; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(4 * LANES));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for (i, (s, p)) in acc.iter_mut().zip(x).enumerate() {
            *s += p * lane(y, i);
        }
    }
    let tail: f32 = ra.iter().enumerate().map(|(i, p)| p * lane(rb, i)).sum();
    sum_lanes(acc) + tail
}

/// `|a - b|²` with `b` as little-endian bytes, as stored in a page.
fn l2_bytes(a: &[f32], b: &[u8]) -> f32 {
    let mut acc = [0f32; LANES];
    let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(4 * LANES));
    let (ra, rb) = (ca.remainder(), cb.remainder());
    for (x, y) in ca.zip(cb) {
        for (i, (s, p)) in acc.iter_mut().zip(x).enumerate() {
            let d = p - lane(y, i);
            *s += d * d;
        }
    }
    let tail: f32 = ra
        .iter()
        .enumerate()
        .map(|(i, p)| (p - lane(rb, i)) * (p - lane(rb, i)))
        .sum();
    sum_lanes(acc) + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bytes(v: &[f32]) -> Vec<u8> {
        v.iter().flat_map(|x| x.to_le_bytes()).collect()
    }

    #[test]
    fn byte_kernels_equal_slice_kernels_bit_for_bit() {
        let a: Vec<f32> = (0..37).map(|i| (i as f32 * 0.37).sin()).collect();
        let b: Vec<f32> = (0..37).map(|i| (i as f32 * 0.11).cos()).collect();
        for metric in [Metric::Cosine, Metric::L2, Metric::InnerProduct] {
            assert_eq!(
                metric.distance(&a, &b).to_bits(),
                metric.distance_to_bytes(&a, &bytes(&b)).to_bits()
            );
        }
    }

    #[test]
    fn kernels_agree_with_naive_sums() {
        let a: Vec<f32> = (0..21).map(|i| i as f32).collect();
        let b: Vec<f32> = (0..21).map(|i| 1.0 - i as f32).collect();
        let naive_dot: f32 = a.iter().zip(&b).map(|(x, y)| x * y).sum();
        let naive_l2: f32 = a.iter().zip(&b).map(|(x, y)| (x - y) * (x - y)).sum();
        assert!((dot(&a, &b) - naive_dot).abs() < 1e-3 * naive_dot.abs());
        assert!((l2(&a, &b) - naive_l2).abs() < 1e-3 * naive_l2);
    }

    #[test]
    fn prepare_refuses_bad_vectors() {
        assert!(matches!(
            Metric::L2.prepare(3, &[1.0, 2.0]),
            Err(Error::WrongDimension {
                expected: 3,
                got: 2
            })
        ));
        assert!(matches!(
            Metric::L2.prepare(2, &[1.0, f32::NAN]),
            Err(Error::NotFinite { index: 1 })
        ));
        assert!(matches!(
            Metric::InnerProduct.prepare(1, &[f32::INFINITY]),
            Err(Error::NotFinite { index: 0 })
        ));
        assert!(matches!(
            Metric::Cosine.prepare(2, &[0.0, 0.0]),
            Err(Error::ZeroVector)
        ));
        assert!(Metric::L2.prepare(2, &[0.0, 0.0]).is_ok());
    }

    #[test]
    fn cosine_vectors_are_stored_with_unit_length() {
        let v = Metric::Cosine.prepare(2, &[3.0, 4.0]).unwrap();
        assert!((dot(&v, &v) - 1.0).abs() < 1e-6);
        assert_eq!(
            Metric::from_name(Metric::Cosine.name()),
            Some(Metric::Cosine)
        );
    }
}
