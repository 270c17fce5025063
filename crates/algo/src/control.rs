//! Progress reports and cancellation for long runs.

use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};

/// How far a run has come: `done` of `total` units of `stage` (iterations, nodes, sources).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Progress {
    /// What is being counted, e.g. "iteration" or "node".
    pub stage: &'static str,
    /// Units finished.
    pub done: u64,
    /// Units in all (0 when not known in advance, e.g. Louvain's passes).
    pub total: u64,
}

/// What a caller lends a run: a flag that cancels it and a callback that hears its progress.
/// Every algorithm checks the flag at least once per iteration, level or source, and the
/// single-pass ones (and the set-up pass of every view) every [`Control::EVERY`] nodes; a set
/// flag makes the run return [`Error::Cancelled`], having written nothing.
#[derive(Default)]
pub struct Control<'a> {
    cancel: Option<&'a AtomicBool>,
    progress: Option<Box<dyn FnMut(Progress) + 'a>>,
}

impl std::fmt::Debug for Control<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Control")
            .field("cancel", &self.cancel)
            .field("progress", &self.progress.is_some())
            .finish()
    }
}

impl<'a> Control<'a> {
    /// How many nodes a pass handles between two checks of the flag.
    pub const EVERY: u64 = 1 << 14;

    /// No cancellation, no reports.
    pub fn new() -> Control<'a> {
        Control::default()
    }

    /// Cancels the run when `flag` becomes true.
    pub fn cancel_on(mut self, flag: &'a AtomicBool) -> Control<'a> {
        self.cancel = Some(flag);
        self
    }

    /// Calls `report` with the run's progress at each check.
    pub fn on_progress(mut self, report: impl FnMut(Progress) + 'a) -> Control<'a> {
        self.progress = Some(Box::new(report));
        self
    }

    /// Reports progress and fails with [`Error::Cancelled`] if the flag is set.
    pub(crate) fn check(&mut self, stage: &'static str, done: u64, total: u64) -> Result<()> {
        if let Some(report) = self.progress.as_mut() {
            report(Progress { stage, done, total });
        }
        if self.cancel.is_some_and(|flag| flag.load(Ordering::Relaxed)) {
            return Err(Error::Cancelled);
        }
        Ok(())
    }

    /// [`Control::check`] every [`Control::EVERY`] units of a pass (`done` counts them).
    #[inline]
    pub(crate) fn tick(&mut self, stage: &'static str, done: u64, total: u64) -> Result<()> {
        if done.is_multiple_of(Self::EVERY) {
            self.check(stage, done, total)
        } else {
            Ok(())
        }
    }
}
