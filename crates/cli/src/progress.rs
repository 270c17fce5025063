//! The import's progress bar: bytes of input read, rate and time left, on standard error when
//! it is a terminal; nothing otherwise.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

/// A bar over the input's bytes (compressed bytes for compressed files), one pass at a time.
pub struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A bar for `total` bytes per pass; hidden when `quiet` or standard error is not a
    /// terminal.
    pub fn new(total: u64, quiet: bool) -> Progress {
        let bar = if quiet || !std::io::stderr().is_terminal() {
            ProgressBar::with_draw_target(Some(total), ProgressDrawTarget::hidden())
        } else {
            ProgressBar::new(total)
        };
        let style = ProgressStyle::with_template(
            "{prefix:>14} [{bar:30}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta} {msg}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> ");
        bar.set_style(style);
        bar.enable_steady_tick(Duration::from_millis(200));
        Progress { bar }
    }

    /// Starts pass `name` from zero.
    pub fn pass(&self, name: &'static str) {
        self.bar.set_prefix(name);
        self.bar.reset();
    }

    /// Bytes read so far in this pass, and records seen.
    pub fn update(&self, bytes: u64, records: u64) {
        self.bar.set_position(bytes);
        self.bar.set_message(format!("{records} records"));
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}
