//! A transaction shared with Python: behind a mutex, so any Python thread may use it (the Rust
//! read snapshot is `Send` but not `Sync`; the mutex makes one call at a time see it), and
//! taken out when it is committed or closed.
//!
//! Deadlock freedom with the GIL: a thread never waits for the mutex while it holds the GIL
//! (it releases the GIL to wait), and a call that released the GIL drops the mutex before it
//! takes the GIL back. A call that runs Python code while holding the mutex (a weight callable)
//! can be re-entered by its own thread: that is refused with `ClosedError` rather than waited for.

use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError, TryLockError};

use pyo3::prelude::*;

use crate::errors::ClosedError;

/// Numbers threads from 1, so 0 means "no holder".
static NEXT_THREAD: AtomicU64 = AtomicU64::new(1);

thread_local! {
    static THREAD: u64 = NEXT_THREAD.fetch_add(1, Ordering::Relaxed);
}

fn this_thread() -> u64 {
    THREAD.with(|t| *t)
}

/// A value used by one call at a time, from any thread, until it is taken.
pub(crate) struct Guarded<T> {
    slot: Mutex<Option<T>>,
    /// The thread that holds `slot`, or 0.
    holder: AtomicU64,
    /// What the value is, for the closed error: "read snapshot", "write transaction".
    what: &'static str,
}

/// The mutex's guard, recording its holder while it lives.
struct Held<'a, T> {
    guard: MutexGuard<'a, Option<T>>,
    holder: &'a AtomicU64,
}

impl<T> Drop for Held<'_, T> {
    fn drop(&mut self) {
        self.holder.store(0, Ordering::Release);
    }
}

impl<T: Send> Guarded<T> {
    /// `value`, shared.
    pub(crate) fn new(value: T, what: &'static str) -> Guarded<T> {
        Guarded {
            slot: Mutex::new(Some(value)),
            holder: AtomicU64::new(0),
            what,
        }
    }

    fn held<'a>(&'a self, guard: MutexGuard<'a, Option<T>>) -> Held<'a, T> {
        self.holder.store(this_thread(), Ordering::Release);
        Held {
            guard,
            holder: &self.holder,
        }
    }

    /// Locks with the GIL held: at once when free; refused when this thread holds it already;
    /// else waits with the GIL released.
    fn lock_attached<'a>(&'a self, py: Python<'_>) -> PyResult<Held<'a, T>> {
        loop {
            match self.slot.try_lock() {
                Ok(guard) => return Ok(self.held(guard)),
                Err(TryLockError::Poisoned(p)) => return Ok(self.held(p.into_inner())),
                Err(TryLockError::WouldBlock) => {
                    self.refuse_reentry()?;
                    py.detach(|| drop(self.slot.lock()));
                }
            }
        }
    }

    /// An error when this thread holds the mutex already (a callback using its own
    /// transaction), which waiting would deadlock on. Only this thread stores its own number.
    fn refuse_reentry(&self) -> PyResult<()> {
        if self.holder.load(Ordering::Acquire) == this_thread() {
            return Err(ClosedError::new_err(format!(
                "the {} is busy in a call of this thread (a callback may not use it)",
                self.what
            )));
        }
        Ok(())
    }

    fn closed(&self) -> PyErr {
        ClosedError::new_err(format!("the {} is closed", self.what))
    }

    /// Runs `f` on the value with the GIL held: short calls, and calls into Python.
    pub(crate) fn with<R>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut T) -> PyResult<R>,
    ) -> PyResult<R> {
        let mut held = self.lock_attached(py)?;
        match held.guard.as_mut() {
            Some(value) => f(value),
            None => Err(self.closed()),
        }
    }

    /// Runs `f` on the value with the GIL released: long calls that never touch Python.
    pub(crate) fn detached<R: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut T) -> PyResult<R> + Send,
    ) -> PyResult<R> {
        self.refuse_reentry()?;
        py.detach(|| {
            let guard = self.slot.lock().unwrap_or_else(PoisonError::into_inner);
            let mut held = self.held(guard);
            match held.guard.as_mut() {
                Some(value) => f(value),
                None => Err(self.closed()),
            }
        })
    }

    /// Takes the value out (a commit, an abort, a close); `None` if it was taken before.
    pub(crate) fn take(&self, py: Python<'_>) -> PyResult<Option<T>> {
        let mut held = self.lock_attached(py)?;
        Ok(held.guard.take())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_taken_value_is_closed_for_every_later_call() {
        Python::initialize();
        Python::attach(|py| {
            let shared = Guarded::new(5u32, "read snapshot");
            assert_eq!(shared.with(py, |v| Ok(*v)).ok(), Some(5));
            assert_eq!(shared.take(py).ok().flatten(), Some(5));
            let err = shared.with(py, |v| Ok(*v)).err();
            assert!(err.is_some_and(|e| e.is_instance_of::<ClosedError>(py)));
            assert!(shared.detached(py, |v| Ok(*v)).is_err());
        });
    }

    #[test]
    fn a_call_from_inside_a_call_of_the_same_thread_is_refused_not_deadlocked() {
        Python::initialize();
        Python::attach(|py| {
            let shared = Guarded::new(1u32, "read snapshot");
            let inner = shared.with(py, |_| Ok(shared.with(py, |v| Ok(*v)).is_err()));
            assert_eq!(inner.ok(), Some(true));
            let detached = shared.with(py, |_| Ok(shared.detached(py, |v| Ok(*v)).is_err()));
            assert_eq!(detached.ok(), Some(true));
            // The outer call's lock is released: a later call works.
            assert_eq!(shared.with(py, |v| Ok(*v)).ok(), Some(1));
        });
    }
}
