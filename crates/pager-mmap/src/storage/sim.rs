//! Crash simulation: a memory storage that also models what a power loss would leave on disk.
//!
//! Every write and growth is applied to the volatile bytes at once (what the page cache and
//! the mapping show) and queued as pending. `sync_data` makes everything pending durable. A
//! simulated power loss stops the storage (every later call fails), and [`SimStorage::crash_image`]
//! then builds a disk image from the durable bytes plus an arbitrary subset of the pending
//! operations, each either lost, kept, torn at a 512-byte sector boundary, or garbled (one
//! sector of junk, as a device without sector atomicity may leave).

use std::io;
use std::sync::{Mutex, MutexGuard};

use super::memory::MemStorage;
use super::region::Region;
use super::{Cut, Storage};

/// Sector size for torn writes: a device writes whole sectors or nothing.
const SECTOR: usize = 512;

/// A fault to inject into a simulated storage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SimFault {
    /// The power fails at the `n`-th mutating call from now (0 = the next one): that call and
    /// every later one fail.
    PowerLossAfter(u64),
    /// The `n`-th write from now fails with an I/O error (as on a full disk); the storage keeps
    /// working afterwards.
    WriteErrorAfter(u64),
    /// The `n`-th sync from now fails with an I/O error; the storage keeps working afterwards.
    SyncErrorAfter(u64),
    /// The `n`-th growth from now fails as if the disk were full.
    GrowErrorAfter(u64),
}

enum Pending {
    Write { offset: u64, data: Vec<u8> },
    Grow { len: u64 },
    Truncate { len: u64 },
}

#[derive(Default)]
struct SimState {
    durable: Vec<u8>,
    pending: Vec<Pending>,
    fault: Option<SimFault>,
    power_lost: bool,
    syncs: u64,
    /// Offset and length of every completed write, in order.
    writes: Vec<(u64, u64)>,
}

/// A storage for crash tests. See the module documentation.
pub struct SimStorage {
    volatile: MemStorage,
    state: Mutex<SimState>,
}

impl Default for SimStorage {
    fn default() -> Self {
        SimStorage::new()
    }
}

impl SimStorage {
    /// An empty storage, nothing durable yet.
    pub fn new() -> SimStorage {
        SimStorage {
            volatile: MemStorage::new(),
            state: Mutex::new(SimState::default()),
        }
    }

    /// A storage whose durable and volatile contents are `image` (a disk after a reboot).
    pub fn from_image(image: &[u8]) -> io::Result<SimStorage> {
        let volatile = MemStorage::from_bytes(image)?;
        let state = SimState {
            durable: image.to_vec(),
            ..SimState::default()
        };
        Ok(SimStorage {
            volatile,
            state: Mutex::new(state),
        })
    }

    /// Arms a fault; it replaces any fault armed before.
    pub fn inject(&self, fault: SimFault) {
        self.lock().fault = Some(fault);
    }

    /// Whether a simulated power loss has happened.
    pub fn power_lost(&self) -> bool {
        self.lock().power_lost
    }

    /// Number of completed `sync_data` calls.
    pub fn sync_count(&self) -> u64 {
        self.lock().syncs
    }

    /// Number of completed `write_at` calls.
    pub fn write_count(&self) -> u64 {
        self.lock().writes.len() as u64
    }

    /// Offset and length of every completed `write_at` call, in order.
    pub fn write_spans(&self) -> Vec<(u64, u64)> {
        self.lock().writes.clone()
    }

    /// Only what was synced: the disk after a power loss that kept nothing pending.
    pub fn durable_image(&self) -> Vec<u8> {
        self.lock().durable.clone()
    }

    /// A disk image after a power loss now: the durable bytes plus each pending operation
    /// lost, kept, torn or garbled, chosen by a generator seeded with `seed`.
    pub fn crash_image(&self, seed: u64) -> Vec<u8> {
        let state = self.lock();
        let mut rng = SplitMix(seed);
        let mut image = state.durable.clone();
        let mut len = image.len() as u64;
        for op in &state.pending {
            match op {
                Pending::Grow { len: grown } => {
                    if rng.below(2) == 0 {
                        len = len.max(*grown);
                    }
                }
                Pending::Truncate { len: cut } => {
                    if rng.below(2) == 0 {
                        len = len.min(*cut);
                    }
                }
                Pending::Write { offset, data } => {
                    let sectors = data.len().div_ceil(SECTOR) as u64;
                    match rng.below(5) {
                        0 => {}
                        1 => {
                            let kept = (rng.below(sectors + 1) as usize * SECTOR).min(data.len());
                            apply(&mut image, *offset, &data[..kept]);
                        }
                        2 => {
                            // A device without sector atomicity: one sector holds junk.
                            let mut garbled = data.clone();
                            let start = rng.below(sectors) as usize * SECTOR;
                            let end = (start + SECTOR).min(garbled.len());
                            for byte in garbled.get_mut(start..end).unwrap_or_default() {
                                *byte = rng.next() as u8;
                            }
                            apply(&mut image, *offset, &garbled);
                        }
                        _ => apply(&mut image, *offset, data),
                    }
                }
            }
        }
        let len = usize::try_from(len).unwrap_or(usize::MAX);
        // Growth that did not persist takes the writes beyond the old end with it.
        image.resize(len, 0);
        image
    }

    fn lock(&self) -> MutexGuard<'_, SimState> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// Counts a mutating call against the armed fault; returns the error to fail it with.
    fn check_fault(state: &mut SimState, kind: OpKind) -> io::Result<()> {
        if state.power_lost {
            return Err(io::Error::other("simulated power loss"));
        }
        let Some(fault) = state.fault else {
            return Ok(());
        };
        let (n, applies, power) = match fault {
            SimFault::PowerLossAfter(n) => (n, true, true),
            SimFault::WriteErrorAfter(n) => (n, kind == OpKind::Write, false),
            SimFault::SyncErrorAfter(n) => (n, kind == OpKind::Sync, false),
            SimFault::GrowErrorAfter(n) => (n, kind == OpKind::Grow, false),
        };
        if !applies {
            return Ok(());
        }
        if n > 0 {
            state.fault = Some(match fault {
                SimFault::PowerLossAfter(_) => SimFault::PowerLossAfter(n - 1),
                SimFault::WriteErrorAfter(_) => SimFault::WriteErrorAfter(n - 1),
                SimFault::SyncErrorAfter(_) => SimFault::SyncErrorAfter(n - 1),
                SimFault::GrowErrorAfter(_) => SimFault::GrowErrorAfter(n - 1),
            });
            return Ok(());
        }
        state.fault = None;
        if power {
            state.power_lost = true;
            return Err(io::Error::other("simulated power loss"));
        }
        Err(match kind {
            OpKind::Grow | OpKind::Write => {
                io::Error::new(io::ErrorKind::StorageFull, "simulated full disk")
            }
            OpKind::Sync => io::Error::other("simulated sync failure"),
        })
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum OpKind {
    Write,
    Sync,
    Grow,
}

fn apply(image: &mut Vec<u8>, offset: u64, data: &[u8]) {
    let Ok(start) = usize::try_from(offset) else {
        return;
    };
    let end = start.saturating_add(data.len());
    if image.len() < end {
        image.resize(end, 0);
    }
    if let Some(dst) = image.get_mut(start..end) {
        dst.copy_from_slice(data);
    }
}

/// A small deterministic generator (SplitMix64), so a crash image is reproducible from a seed.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 { 0 } else { self.next() % n }
    }
}

impl Storage for SimStorage {
    fn file_len(&self) -> io::Result<u64> {
        if self.lock().power_lost {
            return Err(io::Error::other("simulated power loss"));
        }
        self.volatile.file_len()
    }

    fn read_at(&self, offset: u64, buf: &mut [u8]) -> io::Result<()> {
        if self.lock().power_lost {
            return Err(io::Error::other("simulated power loss"));
        }
        self.volatile.read_at(offset, buf)
    }

    fn write_at(&self, offset: u64, data: &[u8]) -> io::Result<()> {
        let mut state = self.lock();
        Self::check_fault(&mut state, OpKind::Write)?;
        self.volatile.write_at(offset, data)?;
        state.pending.push(Pending::Write {
            offset,
            data: data.to_vec(),
        });
        state.writes.push((offset, data.len() as u64));
        Ok(())
    }

    fn sync_data(&self) -> io::Result<()> {
        let mut state = self.lock();
        Self::check_fault(&mut state, OpKind::Sync)?;
        let pending = std::mem::take(&mut state.pending);
        for op in pending {
            match op {
                Pending::Write { offset, data } => apply(&mut state.durable, offset, &data),
                Pending::Grow { len } => {
                    let len = usize::try_from(len).unwrap_or(usize::MAX);
                    if state.durable.len() < len {
                        state.durable.resize(len, 0);
                    }
                }
                Pending::Truncate { len } => {
                    let len = usize::try_from(len).unwrap_or(usize::MAX);
                    state.durable.truncate(len);
                }
            }
        }
        state.syncs += 1;
        Ok(())
    }

    fn grow(&self, len: u64, _cut: Cut) -> io::Result<()> {
        let mut state = self.lock();
        Self::check_fault(&mut state, OpKind::Grow)?;
        self.volatile.grow(len, Cut::Short)?;
        state.pending.push(Pending::Grow { len });
        Ok(())
    }

    fn map(&self, len: u64) -> io::Result<Region> {
        self.volatile.map(len)
    }

    fn truncate(&self, len: u64) -> io::Result<()> {
        let mut state = self.lock();
        Self::check_fault(&mut state, OpKind::Grow)?;
        self.volatile.truncate(len)?;
        state.pending.push(Pending::Truncate { len });
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn synced_writes_survive_and_unsynced_may_not() {
        let sim = SimStorage::new();
        sim.grow(4096, Cut::Short).expect("grow");
        sim.write_at(0, &[1; 4096]).expect("write");
        sim.sync_data().expect("sync");
        sim.write_at(0, &[2; 4096]).expect("write");
        assert_eq!(sim.durable_image(), vec![1; 4096]);
        let mut seen = std::collections::HashSet::new();
        for seed in 0..64 {
            let image = sim.crash_image(seed);
            assert_eq!(image.len(), 4096);
            seen.insert(image.iter().filter(|b| **b == 2).count());
        }
        assert!(
            seen.contains(&0) && seen.contains(&4096) && seen.len() > 2,
            "lost, kept and torn or garbled: {seen:?}"
        );
    }

    #[test]
    fn power_loss_stops_every_later_call() {
        let sim = SimStorage::new();
        sim.inject(SimFault::PowerLossAfter(1));
        sim.grow(4096, Cut::Short).expect("first call passes");
        assert!(sim.write_at(0, &[1]).is_err());
        assert!(sim.sync_data().is_err());
        assert!(sim.power_lost());
    }

    #[test]
    fn unsynced_growth_may_be_lost() {
        let sim = SimStorage::new();
        sim.grow(8192, Cut::Short).expect("grow");
        let lens: std::collections::HashSet<usize> =
            (0..32).map(|s| sim.crash_image(s).len()).collect();
        assert_eq!(lens, [0, 8192].into_iter().collect());
    }
}
