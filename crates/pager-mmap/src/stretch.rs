//! Stretches of consecutive free pages, for placing a write transaction's new pages.
//!
//! A durable commit writes its pages and syncs. On the disks this was measured on, eleven
//! pages at scattered offsets sync for about six times as long as eleven consecutive ones
//! (`docs/benchmarks.md`): each separate stretch is a separate device request. So the
//! allocator hands a transaction its pages from one stretch of consecutive free pages when
//! there is one long enough, and the commit writes them with one `pwrite`.

use crate::layout::PageId;

/// One reusable free page and the index of the free-list chunk that holds it.
pub(crate) type FreePage = (PageId, usize);

/// The free pages a transaction may take, grouped into stretches of consecutive ids.
#[derive(Clone, Debug, Default)]
pub(crate) struct Stretches {
    /// Each stretch's pages, highest id first (so `pop` gives the lowest); the stretches
    /// ordered so that the best one is last.
    stretches: Vec<Vec<FreePage>>,
}

impl Stretches {
    /// Groups `pages` (in any order, each id once) into stretches of consecutive ids.
    /// The best stretch is the longest; among equally long ones, the one in the chunk highest
    /// on the free-list stack (taking from it rewrites the fewest chunks), then the lowest.
    pub(crate) fn new(mut pages: Vec<FreePage>) -> Stretches {
        pages.sort_unstable_by_key(|&(id, _)| id);
        let mut stretches: Vec<Vec<FreePage>> = Vec::new();
        for page in pages {
            match stretches.last_mut() {
                Some(stretch) if stretch.last().is_some_and(|p| p.0.0 + 1 == page.0.0) => {
                    stretch.push(page);
                }
                _ => stretches.push(vec![page]),
            }
        }
        for stretch in &mut stretches {
            stretch.reverse();
        }
        stretches.sort_by_key(|s| {
            let highest_chunk = s.iter().map(|p| p.1).max().unwrap_or(0);
            let lowest_id = s.last().map_or(0, |p| p.0.0);
            (s.len(), highest_chunk, std::cmp::Reverse(lowest_id))
        });
        Stretches { stretches }
    }

    /// The length of the best stretch left (0 when none is).
    pub(crate) fn best_len(&self) -> usize {
        self.stretches.last().map_or(0, Vec::len)
    }

    /// Takes the best stretch: its pages, highest id first.
    pub(crate) fn take_best(&mut self) -> Option<Vec<FreePage>> {
        self.stretches.pop()
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
