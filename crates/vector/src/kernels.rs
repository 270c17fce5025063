//! Distance kernels: the inner product and the squared Euclidean distance, over two `f32`
//! slices or with the stored side as the little-endian bytes of a page.
//!
//! Each kernel runs the AVX2 + FMA version ([`crate::kernels_avx2`]) on an x86-64 CPU that has
//! both, found at run time, and the portable version otherwise. The portable kernels read eight
//! lanes at a time into eight independent accumulators, so that the compiler keeps them in SIMD
//! registers and vectorises the loop for whatever target it builds (safe Rust, no intrinsics).
//! Both versions sum in a different order than a plain loop, so results agree with it within
//! float rounding, not bit for bit; the slice and byte forms of one version agree exactly.
//! `benches` measures them (`vector_kernels`).

/// `a·b` over two slices of `f32` (the shorter one's length).
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if let Some(avx2) = crate::kernels_avx2::detected() {
        return avx2.dot(as_bytes(a), as_bytes(b));
    }
    portable::dot(a, b)
}

/// `|a - b|²` over two slices of `f32` (the shorter one's length).
#[inline]
pub fn l2(a: &[f32], b: &[f32]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if let Some(avx2) = crate::kernels_avx2::detected() {
        return avx2.l2(as_bytes(a), as_bytes(b));
    }
    portable::l2(a, b)
}

/// `a·b` with `b` as little-endian bytes, as stored in a page.
#[inline]
pub(crate) fn dot_bytes(a: &[f32], b: &[u8]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if let Some(avx2) = crate::kernels_avx2::detected() {
        return avx2.dot(as_bytes(a), b);
    }
    portable::dot_bytes(a, b)
}

/// `|a - b|²` with `b` as little-endian bytes, as stored in a page.
#[inline]
pub(crate) fn l2_bytes(a: &[f32], b: &[u8]) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if let Some(avx2) = crate::kernels_avx2::detected() {
        return avx2.l2(as_bytes(a), b);
    }
    portable::l2_bytes(a, b)
}

/// `|a - b|²` with `b` as little-endian bytes if it is at most `bound`; otherwise some value
/// above `bound` and at most `|a - b|²`, returned as soon as a partial sum past the middle of
/// the vectors ([`looks_after`]) exceeds `bound`, so
/// that a search that keeps only distances up to a bound need not read the rest of `b`. A
/// result at most `bound` is `l2_bytes(a, b)` bit for bit.
#[inline]
pub(crate) fn l2_bytes_within(a: &[f32], b: &[u8], bound: f32) -> f32 {
    #[cfg(target_arch = "x86_64")]
    if let Some(avx2) = crate::kernels_avx2::detected() {
        return avx2.l2_within(as_bytes(a), b, bound);
    }
    portable::l2_bytes_within(a, b, bound)
}

/// Whether a bounded sum looks at its partial total after step `step` (from 0) of a sum whose
/// first look comes after step `first_look`, then every `every` steps. Sums start looking
/// halfway: a walk asks the CPU for the first half of a long vector ahead of its distance, and
/// a neighbour that ends past the bound seldom passes it before (on 384-d sentence
/// embeddings, after 79 % of the terms on average); looking from the start costs more than it
/// saves (`docs/benchmarks.md`, "Distances that stop at the bound").
#[inline(always)]
pub(crate) fn looks_after(step: usize, first_look: usize, every: usize) -> bool {
    step + 1 >= first_look && (step + 1).is_multiple_of(every)
}

/// The bytes of `v`: little-endian `f32`s on x86-64, the only target that uses them.
#[cfg(target_arch = "x86_64")]
#[inline]
fn as_bytes(v: &[f32]) -> &[u8] {
    pulp::bytemuck::cast_slice(v)
}

/// The kernels every target can run, vectorised by the compiler for the target it builds: what
/// the kernels above fall back to without AVX2 and FMA. Public so that `benches` can set them
/// beside the dispatched ones in one run.
pub mod portable {
    /// Lanes summed side by side: eight `f32`s fill one 256-bit register (two SSE2 ones).
    const LANES: usize = 8;

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

    /// `a` and `b` cut to the shorter one's length.
    fn common<'a>(a: &'a [f32], b: &'a [f32]) -> (&'a [f32], &'a [f32]) {
        let n = a.len().min(b.len());
        (
            a.get(..n).unwrap_or_default(),
            b.get(..n).unwrap_or_default(),
        )
    }

    /// `a` and the bytes of `b` cut to the `f32`s they have in common.
    fn common_bytes<'a>(a: &'a [f32], b: &'a [u8]) -> (&'a [f32], &'a [u8]) {
        let n = a.len().min(b.len() / 4);
        (
            a.get(..n).unwrap_or_default(),
            b.get(..4 * n).unwrap_or_default(),
        )
    }

    /// `a·b` over two slices of `f32` (the shorter one's length).
    pub fn dot(a: &[f32], b: &[f32]) -> f32 {
        let (a, b) = common(a, b);
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
        let (a, b) = common(a, b);
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
    pub fn dot_bytes(a: &[f32], b: &[u8]) -> f32 {
        let (a, b) = common_bytes(a, b);
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
    pub fn l2_bytes(a: &[f32], b: &[u8]) -> f32 {
        l2_bytes_bounded::<false>(a, b, f32::INFINITY)
    }

    /// `|a - b|²` with `b` as little-endian bytes if it is at most `bound`; otherwise a
    /// partial sum above `bound` (at most the whole sum), returned as soon as one is seen from
    /// the middle of the vectors on.
    pub fn l2_bytes_within(a: &[f32], b: &[u8], bound: f32) -> f32 {
        l2_bytes_bounded::<true>(a, b, bound)
    }

    /// Steps of [`LANES`] between two looks at a bounded sum's partial total: 256 bytes.
    const STEPS_PER_LOOK: usize = 8;

    /// `l2_bytes`, and with `BOUNDED` the first partial total above `bound`: the terms are
    /// never negative, so each lane and the sum of the lanes only grow and that total is at
    /// most the whole sum.
    fn l2_bytes_bounded<const BOUNDED: bool>(a: &[f32], b: &[u8], bound: f32) -> f32 {
        let (a, b) = common_bytes(a, b);
        let mut acc = [0f32; LANES];
        let (ca, cb) = (a.chunks_exact(LANES), b.chunks_exact(4 * LANES));
        let (ra, rb) = (ca.remainder(), cb.remainder());
        let first_look = ca.len() / 2;
        for (step, (x, y)) in ca.zip(cb).enumerate() {
            for (i, (s, p)) in acc.iter_mut().zip(x).enumerate() {
                let d = p - lane(y, i);
                *s += d * d;
            }
            if BOUNDED && super::looks_after(step, first_look, STEPS_PER_LOOK) {
                let partial = sum_lanes(acc);
                if partial > bound {
                    return partial;
                }
            }
        }
        let tail: f32 = ra
            .iter()
            .enumerate()
            .map(|(i, p)| (p - lane(rb, i)) * (p - lane(rb, i)))
            .sum();
        sum_lanes(acc) + tail
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn bytes(v: &[f32]) -> Vec<u8> {
        v.iter().flat_map(|x| x.to_le_bytes()).collect()
    }

    /// The reference: one term at a time, summed in `f64`; and the sum of the terms' sizes,
    /// which bounds the rounding error of any order of `f32` sums.
    fn reference(a: &[f32], b: &[f32], term: fn(f64, f64) -> f64) -> (f64, f64) {
        let terms = a
            .iter()
            .zip(b)
            .map(|(&x, &y)| term(f64::from(x), f64::from(y)));
        terms.fold((0.0, 0.0), |(sum, size), t| (sum + t, size + t.abs()))
    }

    fn product(x: f64, y: f64) -> f64 {
        x * y
    }

    fn squared_difference(x: f64, y: f64) -> f64 {
        (x - y) * (x - y)
    }

    /// Whether `got` is `want` within float rounding: `f32` sums of up to a few thousand terms
    /// stay within 1e-4 of the terms' total size.
    fn close(got: f32, (want, size): (f64, f64)) -> bool {
        (f64::from(got) - want).abs() <= 1e-4 * size + 1e-6
    }

    fn pair() -> impl Strategy<Value = (Vec<f32>, Vec<f32>)> {
        (0usize..700).prop_flat_map(|n| {
            (
                proptest::collection::vec(-10f32..10.0, n),
                proptest::collection::vec(-10f32..10.0, n),
            )
        })
    }

    proptest! {
        #[test]
        fn dispatched_kernels_match_the_scalar_reference((a, b) in pair()) {
            let (ip, sq) = (reference(&a, &b, product), reference(&a, &b, squared_difference));
            prop_assert!(close(dot(&a, &b), ip));
            prop_assert!(close(l2(&a, &b), sq));
            prop_assert!(close(dot_bytes(&a, &bytes(&b)), ip));
            prop_assert!(close(l2_bytes(&a, &bytes(&b)), sq));
        }

        #[test]
        fn portable_kernels_match_the_scalar_reference((a, b) in pair()) {
            let (ip, sq) = (reference(&a, &b, product), reference(&a, &b, squared_difference));
            prop_assert!(close(portable::dot(&a, &b), ip));
            prop_assert!(close(portable::l2(&a, &b), sq));
            prop_assert!(close(portable::dot_bytes(&a, &bytes(&b)), ip));
            prop_assert!(close(portable::l2_bytes(&a, &bytes(&b)), sq));
        }

        #[test]
        fn bounded_sums_stop_above_the_bound_or_give_the_distance(
            (a, b) in pair(),
            share in 0f32..1.5,
        ) {
            let stored = bytes(&b);
            let full = l2_bytes(&a, &stored);
            let portable_full = portable::l2_bytes(&a, &stored);
            for bound in [full * share, full, f32::INFINITY] {
                let got = l2_bytes_within(&a, &stored, bound);
                if full <= bound {
                    prop_assert_eq!(got.to_bits(), full.to_bits());
                } else {
                    prop_assert!(bound < got && got <= full, "{bound} {got} {full}");
                }
                let got = portable::l2_bytes_within(&a, &stored, bound);
                if portable_full <= bound {
                    prop_assert_eq!(got.to_bits(), portable_full.to_bits());
                } else {
                    prop_assert!(bound < got && got <= portable_full);
                }
            }
        }

        #[test]
        fn byte_kernels_equal_slice_kernels_at_any_byte_offset(
            (a, b) in pair(),
            offset in 0usize..4,
        ) {
            // A stored vector need not start at an aligned address in a private page buffer.
            let mut buffer = vec![0xAB; offset];
            buffer.extend(bytes(&b));
            let stored = &buffer[offset..];
            prop_assert_eq!(dot(&a, &b).to_bits(), dot_bytes(&a, stored).to_bits());
            prop_assert_eq!(l2(&a, &b).to_bits(), l2_bytes(&a, stored).to_bits());
        }
    }

    #[test]
    fn kernels_read_the_shorter_length() {
        let a = [1.0f32; 19];
        let b = [2.0f32; 40];
        // The stored side of 19 `f32`s and 3 stray bytes: the bytes count for nothing.
        let mut stored = bytes(&a);
        stored.extend([7, 7, 7]);
        assert_eq!(dot(&a, &b), 38.0);
        assert_eq!(l2(&b, &a), 19.0);
        assert_eq!(dot_bytes(&a, &bytes(&b)), 38.0);
        assert_eq!(l2_bytes(&b, &stored), 19.0);
        assert_eq!(portable::dot(&a, &b), 38.0);
        assert_eq!(portable::l2(&b, &a), 19.0);
        assert_eq!(portable::dot_bytes(&a, &bytes(&b)), 38.0);
        assert_eq!(portable::l2_bytes(&b, &stored), 19.0);
    }
}
