//! The reader registry and snapshot publication: the concurrent heart of the pager.
//!
//! The writer publishes each committed snapshot (meta state plus the mapping that covers it)
//! under a mutex. A reader, under the same mutex, takes the current snapshot and claims a slot
//! in which it records the snapshot's transaction id. Because a reader registers while holding
//! the lock that publication also takes, a writer that later scans the slots sees every reader
//! of every snapshot older than the one it last published. Ending a read is one atomic store.
//!
//! The writer uses [`Registry::oldest_reader`] to decide which freed pages are safe to reuse:
//! a page freed by transaction T is reused only if no registered reader holds a snapshot older
//! than T. Mappings are retired by reference counting: a snapshot holds an `Arc` of its mapping.

use crossbeam_utils::CachePadded;

use crate::sync::{Arc, AtomicU64, AtomicUsize, Mutex, Ordering, lock};

/// A value of a free slot; transaction ids start at 1.
const FREE_SLOT: u64 = 0;

/// Something published to readers, identified by the transaction that committed it.
pub(crate) trait Published {
    /// The id of the transaction that committed this snapshot.
    fn txn_id(&self) -> u64;
}

/// Reader slots plus the current snapshot.
pub(crate) struct Registry<S> {
    current: Mutex<Arc<S>>,
    slots: Box<[CachePadded<AtomicU64>]>,
    next_slot: AtomicUsize,
}

/// No free reader slot was found.
#[derive(Debug)]
pub(crate) struct RegistryFull;

impl<S: Published> Registry<S> {
    /// A registry publishing `initial`, with room for `max_readers` concurrent readers.
    pub(crate) fn new(initial: Arc<S>, max_readers: usize) -> Registry<S> {
        let slots = (0..max_readers.max(1))
            .map(|_| CachePadded::new(AtomicU64::new(FREE_SLOT)))
            .collect();
        Registry {
            current: Mutex::new(initial),
            slots,
            next_slot: AtomicUsize::new(0),
        }
    }

    /// Number of reader slots.
    pub(crate) fn capacity(&self) -> usize {
        self.slots.len()
    }

    /// Begins a read: the current snapshot and the slot that registers it.
    pub(crate) fn begin(&self) -> Result<(Arc<S>, usize), RegistryFull> {
        let start = self.next_slot.fetch_add(1, Ordering::Relaxed);
        let current = lock(&self.current);
        let txn = current.txn_id();
        let n = self.slots.len();
        for i in 0..n {
            let slot = (start + i) % n;
            let claimed = self.slots.get(slot).is_some_and(|s| {
                s.compare_exchange(FREE_SLOT, txn, Ordering::AcqRel, Ordering::Relaxed)
                    .is_ok()
            });
            if claimed {
                return Ok((Arc::clone(&current), slot));
            }
        }
        Err(RegistryFull)
    }

    /// Ends the read registered in `slot`. The reader must not touch its snapshot's pages
    /// afterwards; the release store orders its reads before the slot becomes free.
    pub(crate) fn end(&self, slot: usize) {
        if let Some(s) = self.slots.get(slot) {
            s.store(FREE_SLOT, Ordering::Release);
        }
    }

    /// Makes `next` the snapshot that new readers get.
    pub(crate) fn publish(&self, next: Arc<S>) {
        *lock(&self.current) = next;
    }

    /// The snapshot new readers get.
    pub(crate) fn current(&self) -> Arc<S> {
        Arc::clone(&lock(&self.current))
    }

    /// The oldest snapshot any registered reader holds, if any reader is registered.
    pub(crate) fn oldest_reader(&self) -> Option<u64> {
        self.slots
            .iter()
            .map(|s| s.load(Ordering::Acquire))
            .filter(|t| *t != FREE_SLOT)
            .min()
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    struct Snap(u64);
    impl Published for Snap {
        fn txn_id(&self) -> u64 {
            self.0
        }
    }

    #[test]
    fn oldest_reader_tracks_registered_snapshots() {
        let reg = Registry::new(Arc::new(Snap(1)), 4);
        assert_eq!(reg.oldest_reader(), None);
        let (_, a) = reg.begin().expect("slot");
        reg.publish(Arc::new(Snap(2)));
        let (s, b) = reg.begin().expect("slot");
        assert_eq!(s.0, 2);
        assert_eq!(reg.oldest_reader(), Some(1));
        reg.end(a);
        assert_eq!(reg.oldest_reader(), Some(2));
        reg.end(b);
        assert_eq!(reg.oldest_reader(), None);
    }

    #[test]
    fn a_full_registry_refuses_a_reader() {
        let reg = Registry::new(Arc::new(Snap(1)), 2);
        let _a = reg.begin().expect("slot");
        let _b = reg.begin().expect("slot");
        assert!(reg.begin().is_err());
    }
}

#[cfg(all(test, loom))]
mod loom_tests {
    //! Run with `RUSTFLAGS="--cfg loom" cargo test -p pager-mmap --lib loom_tests --release`.
    use super::*;
    use loom::sync::atomic::AtomicBool;

    /// A mapping that records whether it has been unmapped (dropped).
    struct Mapping {
        unmapped: Arc<AtomicBool>,
    }
    impl Drop for Mapping {
        fn drop(&mut self) {
            self.unmapped.store(true, Ordering::SeqCst);
        }
    }

    /// A snapshot: its txn, the page holding its data, and the mapping it reads through.
    struct Snap {
        txn: u64,
        page: usize,
        mapping: Arc<Mapping>,
    }
    impl Published for Snap {
        fn txn_id(&self) -> u64 {
            self.txn
        }
    }

    /// Two pages whose contents the writer overwrites only when the protocol allows it.
    struct Pages([AtomicU64; 2]);

    /// The writer's reclamation rule, as the pager applies it.
    fn may_reuse(reg: &Registry<Snap>, freed_by: u64, latest: u64) -> bool {
        freed_by <= reg.oldest_reader().unwrap_or(u64::MAX).min(latest)
    }

    #[test]
    fn a_page_freed_at_t_is_not_reused_while_an_older_reader_lives() {
        loom::model(|| {
            let pages = Arc::new(Pages([AtomicU64::new(1), AtomicU64::new(0)]));
            let unmapped = Arc::new(AtomicBool::new(false));
            let first = Arc::new(Mapping {
                unmapped: unmapped.clone(),
            });
            let reg = Arc::new(Registry::new(
                Arc::new(Snap {
                    txn: 1,
                    page: 0,
                    mapping: first,
                }),
                2,
            ));

            let reader = {
                let (reg, pages, unmapped) = (reg.clone(), pages.clone(), unmapped.clone());
                loom::thread::spawn(move || {
                    let (snap, slot) = reg.begin().expect("slot");
                    let value = pages.0[snap.page].load(Ordering::SeqCst);
                    assert_eq!(
                        value, snap.txn,
                        "reader of txn {} saw a reused page",
                        snap.txn
                    );
                    let _ = &snap.mapping;
                    if snap.txn == 1 {
                        assert!(
                            !unmapped.load(Ordering::SeqCst),
                            "first mapping retired under a reader"
                        );
                    }
                    reg.end(slot);
                })
            };

            // Txn 2 copies page 0 to page 1 (a new mapping after growth) and frees page 0.
            pages.0[1].store(2, Ordering::SeqCst);
            let second = Arc::new(Mapping {
                unmapped: Arc::new(AtomicBool::new(false)),
            });
            reg.publish(Arc::new(Snap {
                txn: 2,
                page: 1,
                mapping: second,
            }));
            // Txn 3 wants a page: page 0 (freed by txn 2) is reusable only under the rule.
            if may_reuse(&reg, 2, 2) {
                pages.0[0].store(99, Ordering::SeqCst);
            }
            reader.join().expect("reader");
        });
    }

    #[test]
    fn concurrent_readers_claim_distinct_slots() {
        loom::model(|| {
            let reg = Arc::new(Registry::new(
                Arc::new(Snap {
                    txn: 1,
                    page: 0,
                    mapping: Arc::new(Mapping {
                        unmapped: Arc::new(AtomicBool::new(false)),
                    }),
                }),
                2,
            ));
            let handles: Vec<_> = (0..2)
                .map(|_| {
                    let reg = reg.clone();
                    loom::thread::spawn(move || reg.begin().expect("two slots for two readers").1)
                })
                .collect();
            let slots: Vec<usize> = handles
                .into_iter()
                .map(|h| h.join().expect("reader"))
                .collect();
            assert_ne!(slots[0], slots[1]);
            assert_eq!(reg.oldest_reader(), Some(1));
        });
    }
}
