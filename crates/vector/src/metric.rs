//! Metrics: how two vectors are compared (smaller is nearer under every metric), through the
//! kernels of [`crate::kernels`], which read the stored side as little-endian bytes straight
//! from the page.

use crate::error::{Error, Result};
use crate::kernels::{dot, dot_bytes, l2, l2_bytes, l2_bytes_within};

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

    /// The distance from `query` to `stored` (as [`Metric::distance_to_bytes`]) if it is at most
    /// `bound`; otherwise some value above `bound` (and at most the distance). Under L2 the sum
    /// stops once it passes `bound`, so a search that keeps only nearer vectors need not read
    /// the rest of a farther one; a cosine or inner-product sum can fall again, so those read
    /// the whole vector.
    #[inline]
    pub fn distance_within(self, query: &[f32], stored: &[u8], bound: f32) -> f32 {
        if !self.stops_at_bound() {
            return self.distance_to_bytes(query, stored);
        }
        l2_bytes_within(query, stored, bound)
    }

    /// Whether [`Metric::distance_within`] can stop before the end of a vector: its terms are
    /// never negative (L2), so a partial sum past the bound stays past it.
    #[inline]
    pub fn stops_at_bound(self) -> bool {
        self == Metric::L2
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
    fn only_l2_distances_stop_at_the_bound() {
        let a: Vec<f32> = (0..300).map(|i| (i as f32 * 0.37).sin()).collect();
        let b: Vec<f32> = (0..300).map(|i| (i as f32 * 0.11).cos()).collect();
        for metric in [Metric::Cosine, Metric::L2, Metric::InnerProduct] {
            let full = metric.distance_to_bytes(&a, &bytes(&b));
            let near = metric.distance_within(&a, &bytes(&b), f32::NEG_INFINITY);
            assert_eq!(near == full, !metric.stops_at_bound(), "{metric:?}");
            assert_eq!(
                metric.distance_within(&a, &bytes(&b), full).to_bits(),
                full.to_bits()
            );
        }
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
