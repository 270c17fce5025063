//! A dense id and its distance packed into one `u64` that orders as [`Scored`] does (distance
//! by `total_cmp`, then id): the HNSW walk's heaps compare one integer per step instead of a
//! float and then an id, and hold 8 bytes an entry instead of 16.
//!
//! The high 32 bits are the distance's bits mapped so that unsigned order is `total_cmp`'s
//! order (a positive float gets its sign bit set, a negative one all its bits flipped); the low
//! 32 bits are the dense id.

use crate::error::Result;
use crate::scored::Scored;

/// A dense id with its distance, ordered by distance, then by id.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Ranked(u64);

const SIGN: u32 = 1 << 31;

impl Ranked {
    /// Dense id `id` at `distance`.
    #[inline]
    pub(crate) fn new(distance: f32, id: u32) -> Ranked {
        let bits = distance.to_bits();
        let key = if bits & SIGN == 0 { bits | SIGN } else { !bits };
        Ranked((u64::from(key) << 32) | u64::from(id))
    }

    /// `scored`, whose id must be a dense id.
    #[inline]
    pub(crate) fn of(scored: Scored) -> Result<Ranked> {
        Ok(Ranked::new(scored.distance, scored.dense()?))
    }

    /// The distance, exactly as given.
    #[inline]
    pub(crate) fn distance(self) -> f32 {
        let key = (self.0 >> 32) as u32;
        f32::from_bits(if key & SIGN != 0 { key & !SIGN } else { !key })
    }

    /// The dense id.
    #[inline]
    pub(crate) fn id(self) -> u32 {
        self.0 as u32
    }

    /// As a [`Scored`].
    #[inline]
    pub(crate) fn scored(self) -> Scored {
        Scored {
            distance: self.distance(),
            id: u64::from(self.id()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn any_distance() -> impl Strategy<Value = f32> {
        prop_oneof![
            any::<f32>(),
            Just(0.0f32),
            Just(-0.0f32),
            Just(f32::INFINITY),
            Just(f32::NEG_INFINITY),
            Just(f32::NAN),
            -2.0f32..2.0,
        ]
    }

    proptest! {
        #[test]
        fn ranks_order_as_scored_ones_do(
            a in any_distance(), b in any_distance(), i in 0u32..4, j in 0u32..4
        ) {
            let scored = |d: f32, id: u32| Scored { distance: d, id: u64::from(id) };
            prop_assert_eq!(
                Ranked::new(a, i).cmp(&Ranked::new(b, j)),
                scored(a, i).cmp(&scored(b, j))
            );
        }

        #[test]
        fn a_rank_gives_back_its_distance_and_id_exactly(d in any_distance(), id in any::<u32>()) {
            let r = Ranked::new(d, id);
            prop_assert_eq!(r.distance().to_bits(), d.to_bits());
            prop_assert_eq!(r.id(), id);
            prop_assert_eq!(r.scored().id, u64::from(id));
        }
    }
}
