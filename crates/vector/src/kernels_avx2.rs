//! Distance kernels for x86-64 CPUs with AVX2 and FMA, chosen at run time.
//!
//! The workspace is compiled for the baseline x86-64 (SSE2), so the portable kernels in
//! [`crate::kernels`] use four-lane registers and separate multiplies and adds. Here `pulp`
//! detects AVX2 and FMA once per process and runs the loop in a function compiled with those
//! features (its safe `vectorize`), so this crate stays free of `unsafe`: eight lanes a
//! register, four registers summed side by side, one fused multiply-add per lane and step.
//!
//! Both sides are read as bytes: x86-64 is little-endian, so the bytes of a `&[f32]` and the
//! little-endian bytes of a stored vector are the same `f32`s, and one kernel serves both.

use std::marker::PhantomData;
use std::sync::LazyLock;

use pulp::x86::V3;
use pulp::{NullaryFnOnce, Simd, f32x8};

use crate::kernels::looks_after;

/// Bytes of one `f32x8` register.
const REGISTER: usize = 32;
/// Bytes summed per step: four registers, so that four fused multiply-adds are in flight.
const BLOCK: usize = 4 * REGISTER;
/// Steps between two looks at a bounded sum's partial total ([`Avx2::l2_within`]): 256 bytes,
/// four cache lines.
const STEPS_PER_LOOK: usize = 2;

/// AVX2 and FMA, if this CPU has them (detected once).
static DETECTED: LazyLock<Option<V3>> = LazyLock::new(V3::try_new);

/// The AVX2 + FMA kernels; only [`detected`] makes one, on a CPU that has both.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Avx2(V3);

/// The kernels, if this CPU can run them.
#[inline]
pub(crate) fn detected() -> Option<Avx2> {
    DETECTED.map(Avx2)
}

impl Avx2 {
    /// `a·b` over two little-endian `f32` byte strings (the shorter one's whole `f32`s).
    #[inline]
    pub(crate) fn dot(self, a: &[u8], b: &[u8]) -> f32 {
        self.0
            .vectorize(Sum::<Product, false>::new(self.0, a, b, f32::INFINITY))
    }

    /// `|a - b|²` over two little-endian `f32` byte strings (the shorter one's whole `f32`s).
    #[inline]
    pub(crate) fn l2(self, a: &[u8], b: &[u8]) -> f32 {
        self.0.vectorize(Sum::<SquaredDifference, false>::new(
            self.0,
            a,
            b,
            f32::INFINITY,
        ))
    }

    /// `|a - b|²` if it is at most `bound`; otherwise a partial sum above `bound` (at most the
    /// whole sum), returned as soon as one is seen: every four cache lines from the middle of
    /// the vectors on ([`crate::kernels::looks_after`]).
    #[inline]
    pub(crate) fn l2_within(self, a: &[u8], b: &[u8], bound: f32) -> f32 {
        self.0
            .vectorize(Sum::<SquaredDifference, true>::new(self.0, a, b, bound))
    }
}

/// What a kernel adds up for each pair of components.
trait Term {
    /// `acc` plus the term of each lane of `a` and `b`.
    fn lanes(simd: V3, acc: f32x8, a: f32x8, b: f32x8) -> f32x8;
    /// `acc` plus the term of `a` and `b`.
    fn one(acc: f32, a: f32, b: f32) -> f32;
}

/// `a * b`, for the inner product.
enum Product {}

/// `(a - b)²`, for the squared Euclidean distance.
enum SquaredDifference {}

impl Term for Product {
    #[inline(always)]
    fn lanes(simd: V3, acc: f32x8, a: f32x8, b: f32x8) -> f32x8 {
        simd.mul_add_f32s(a, b, acc)
    }

    #[inline(always)]
    fn one(acc: f32, a: f32, b: f32) -> f32 {
        acc + a * b
    }
}

impl Term for SquaredDifference {
    #[inline(always)]
    fn lanes(simd: V3, acc: f32x8, a: f32x8, b: f32x8) -> f32x8 {
        let d = simd.sub_f32s(a, b);
        simd.mul_add_f32s(d, d, acc)
    }

    #[inline(always)]
    fn one(acc: f32, a: f32, b: f32) -> f32 {
        acc + (a - b) * (a - b)
    }
}

/// One kernel call: the sum of `T`'s terms over `a` and `b`, run by `V3::vectorize` inside a
/// function compiled for AVX2 and FMA (everything below is inlined into it). `BOUNDED` sums
/// stop at the first partial total above `bound`: with terms that are never negative, every
/// accumulator only grows and so does the fixed order in which they are added up, so that
/// total is at most the whole sum, which is then above `bound` too.
struct Sum<'a, T, const BOUNDED: bool> {
    simd: V3,
    a: &'a [u8],
    b: &'a [u8],
    bound: f32,
    term: PhantomData<T>,
}

impl<'a, T: Term, const BOUNDED: bool> Sum<'a, T, BOUNDED> {
    #[inline(always)]
    fn new(simd: V3, a: &'a [u8], b: &'a [u8], bound: f32) -> Self {
        let len = a.len().min(b.len()) / 4 * 4;
        Sum {
            simd,
            a: a.get(..len).unwrap_or_default(),
            b: b.get(..len).unwrap_or_default(),
            bound,
            term: PhantomData,
        }
    }
}

/// The four accumulators added up in the one order both the final sum and a bounded sum's
/// looks use.
#[inline(always)]
fn total(simd: V3, [first, second, third, fourth]: [f32x8; 4]) -> f32x8 {
    simd.add_f32s(simd.add_f32s(first, second), simd.add_f32s(third, fourth))
}

impl<T: Term, const BOUNDED: bool> NullaryFnOnce for Sum<'_, T, BOUNDED> {
    type Output = f32;

    #[inline(always)]
    fn call(self) -> f32 {
        let simd = self.simd;
        let zero = simd.splat_f32s(0.0);
        let mut acc = [zero; 4];
        let (a_blocks, a_rest) = pulp::as_arrays::<BLOCK, u8>(self.a);
        let (b_blocks, b_rest) = pulp::as_arrays::<BLOCK, u8>(self.b);
        let first_look = a_blocks.len() / 2;
        for (step, (x, y)) in a_blocks.iter().zip(b_blocks).enumerate() {
            let x: [f32x8; 4] = pulp::cast(*x);
            let y: [f32x8; 4] = pulp::cast(*y);
            for ((s, p), q) in acc.iter_mut().zip(x).zip(y) {
                *s = T::lanes(simd, *s, p, q);
            }
            if BOUNDED && looks_after(step, first_look, STEPS_PER_LOOK) {
                let partial = simd.reduce_sum_f32s(total(simd, acc));
                if partial > self.bound {
                    return partial;
                }
            }
        }
        let (a_registers, a_tail) = pulp::as_arrays::<REGISTER, u8>(a_rest);
        let (b_registers, b_tail) = pulp::as_arrays::<REGISTER, u8>(b_rest);
        let [mut first, second, third, fourth] = acc;
        for (x, y) in a_registers.iter().zip(b_registers) {
            first = T::lanes(simd, first, pulp::cast(*x), pulp::cast(*y));
        }
        let total = total(simd, [first, second, third, fourth]);
        let (a_words, _) = pulp::as_arrays::<4, u8>(a_tail);
        let (b_words, _) = pulp::as_arrays::<4, u8>(b_tail);
        a_words
            .iter()
            .zip(b_words)
            .fold(simd.reduce_sum_f32s(total), |sum, (x, y)| {
                T::one(sum, f32::from_le_bytes(*x), f32::from_le_bytes(*y))
            })
    }
}
