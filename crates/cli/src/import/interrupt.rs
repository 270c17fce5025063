//! SIGINT and SIGTERM during an import: instead of ending the process at once, they set a flag
//! that the import looks at after every line, so that it can drop its open transaction and say
//! what it committed and how to finish.

use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use crate::error::{Error, Result};

/// The exit status of an interrupted import: 128 + SIGINT, as a shell reports Ctrl-C.
pub const EXIT_STATUS: u8 = 130;

/// Whether a stop was asked for.
#[derive(Clone)]
pub struct Stop(Arc<AtomicBool>);

impl Stop {
    /// Catches SIGINT and SIGTERM from now on, for the rest of the process.
    pub fn catch() -> Result<Stop> {
        let flag = Arc::new(AtomicBool::new(false));
        let set = Arc::clone(&flag);
        ctrlc::set_handler(move || set.store(true, Ordering::Relaxed))
            .map_err(|e| Error::Invalid(format!("cannot catch Ctrl-C: {e}")))?;
        Ok(Stop(flag))
    }

    /// Whether SIGINT or SIGTERM has arrived.
    pub fn asked(&self) -> bool {
        self.0.load(Ordering::Relaxed)
    }
}
