//! Stretches of consecutive free pages, for placing a write transaction's new pages.
//!
//! A durable commit writes its pages and syncs. On the disks this was measured on, eleven
//! pages at scattered offsets sync for about six times as long as eleven consecutive ones
//! (`docs/benchmarks.md`): each separate stretch is a separate device request. So the
//! allocator hands a transaction its pages from one stretch of consecutive free pages when
//! there is one long enough, and the commit writes them with one `pwrite`.

use std::ops::Range;

use crate::layout::PageId;

/// One reusable free page and the index of the free-list chunk that holds it.
pub(crate) type FreePage = (PageId, usize);

/// The free pages a transaction may take, grouped into stretches of consecutive ids.
#[derive(Clone, Debug, Default)]
pub(crate) struct Stretches {
    /// The pages, by id.
    pages: Vec<FreePage>,
    /// Each stretch as the range of `pages` it covers (built once, without an allocation per
    /// stretch: the top chunks may list a thousand pages, most of them alone).
    stretches: Vec<Range<usize>>,
}

impl Stretches {
    /// Groups `pages` (in any order, each id once) into stretches of consecutive ids.
    pub(crate) fn new(mut pages: Vec<FreePage>) -> Stretches {
        pages.sort_unstable_by_key(|&(id, _)| id);
        let mut stretches = Vec::new();
        let mut start = 0;
        for (i, pair) in pages.windows(2).enumerate() {
            if let [(a, _), (b, _)] = pair
                && a.0 + 1 != b.0
            {
                stretches.push(start..i + 1);
                start = i + 1;
            }
        }
        if start < pages.len() {
            stretches.push(start..pages.len());
        }
        Stretches { pages, stretches }
    }

    /// Where the best stretch is in `stretches`: the longest; among equally long ones, the
    /// one in the chunk highest on the free-list stack (taking from it rewrites the fewest
    /// chunks), then the lowest.
    fn best(&self) -> Option<usize> {
        let key = |range: &Range<usize>| {
            let pages = self.pages.get(range.clone()).unwrap_or_default();
            let highest_chunk = pages.iter().map(|p| p.1).max().unwrap_or(0);
            (range.len(), highest_chunk, std::cmp::Reverse(range.start))
        };
        (0..self.stretches.len()).max_by_key(|&i| self.stretches.get(i).map(key))
    }

    /// The length of the best stretch left (0 when none is).
    pub(crate) fn best_len(&self) -> usize {
        self.best()
            .and_then(|i| self.stretches.get(i))
            .map_or(0, Range::len)
    }

    /// Takes the best stretch: its pages, highest id first (so `pop` gives the lowest).
    pub(crate) fn take_best(&mut self) -> Option<Vec<FreePage>> {
        let range = self.stretches.swap_remove(self.best()?);
        let mut pages = self.pages.get(range).unwrap_or_default().to_vec();
        pages.reverse();
        Some(pages)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ids(stretch: &[FreePage]) -> Vec<u64> {
        stretch.iter().map(|p| p.0.0).collect()
    }

    #[test]
    fn the_longest_stretch_comes_first_with_its_lowest_page_popped_first() {
        let pages = [9, 3, 20, 4, 5, 21, 11, 10]
            .into_iter()
            .map(|id| (PageId(id), 0))
            .collect();
        let mut s = Stretches::new(pages);
        assert_eq!(s.best_len(), 3);
        let mut first = s.take_best().expect("a stretch");
        assert_eq!(ids(&first), [5, 4, 3]);
        assert_eq!(first.pop().map(|p| p.0), Some(PageId(3)));
        let mut lens = Vec::new();
        while let Some(stretch) = s.take_best() {
            lens.push(stretch.len());
        }
        assert_eq!(lens, [3, 2]);
        assert_eq!(s.best_len(), 0);
    }

    #[test]
    fn among_equal_stretches_the_one_higher_on_the_stack_wins() {
        let pages = vec![
            (PageId(7), 1),
            (PageId(8), 1),
            (PageId(40), 4),
            (PageId(41), 4),
        ];
        let mut s = Stretches::new(pages);
        assert_eq!(s.take_best().map(|s| ids(&s)), Some(vec![41, 40]));
        assert_eq!(s.take_best().map(|s| ids(&s)), Some(vec![8, 7]));
    }
}
