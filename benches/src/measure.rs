//! Timing: a warm-up round, then repeated rounds, and the median of the rounds.

use std::sync::OnceLock;
use std::time::{Duration, Instant};

use crate::Result;

/// The clock rounds are timed by: wall time, unless the environment sets
/// `MMGRAPH_BENCH_CLOCK=thread-cpu`, which times them by the calling thread's CPU time. On a
/// machine shared with other jobs the CPU time leaves out the time slices the others take (not
/// their cache traffic), so side-by-side ratios scatter less; single-threaded work only.
pub fn clock() -> Clock {
    static CLOCK: OnceLock<Clock> = OnceLock::new();
    *CLOCK.get_or_init(|| match std::env::var("MMGRAPH_BENCH_CLOCK").as_deref() {
        Ok("thread-cpu") => Clock::ThreadCpu,
        _ => Clock::Wall(Instant::now()),
    })
}

/// See [`clock`].
#[derive(Clone, Copy, Debug)]
pub enum Clock {
    /// Wall time since the given instant.
    Wall(Instant),
    /// The calling thread's CPU time.
    ThreadCpu,
}

impl Clock {
    /// The time now on this clock (from an arbitrary origin).
    pub fn now(self) -> Duration {
        match self {
            Clock::Wall(origin) => origin.elapsed(),
            Clock::ThreadCpu => {
                let t = rustix::time::clock_gettime(rustix::time::ClockId::ThreadCPUTime);
                Duration::new(
                    u64::try_from(t.tv_sec).unwrap_or(0),
                    u32::try_from(t.tv_nsec).unwrap_or(0),
                )
            }
        }
    }

    /// The name of the clock, for a report's header.
    pub fn name(self) -> &'static str {
        match self {
            Clock::Wall(_) => "wall time",
            Clock::ThreadCpu => "thread CPU time",
        }
    }
}

/// How many rounds to run: after one untimed warm-up round, at least `min_rounds`, then more
/// until `max_rounds` or until the timed rounds have taken `budget`.
#[derive(Clone, Copy, Debug)]
pub struct Plan {
    /// Rounds always run (after the warm-up).
    pub min_rounds: usize,
    /// Rounds never exceeded.
    pub max_rounds: usize,
    /// Past `min_rounds`, stop once the rounds have taken this long.
    pub budget: Duration,
}

impl Default for Plan {
    fn default() -> Plan {
        Plan {
            min_rounds: 5,
            max_rounds: 11,
            budget: Duration::from_secs(3),
        }
    }
}

/// The result of timing one operation on one engine.
#[derive(Clone, Copy, Debug)]
pub struct Measurement {
    /// The median over the rounds of the time per item (a round's time / items per round).
    pub median: Duration,
    /// The fastest round's time per item.
    pub min: Duration,
    /// The slowest round's time per item.
    pub max: Duration,
    /// Timed rounds.
    pub rounds: usize,
    /// The operation's checksum for one round (the same in every round).
    pub checksum: u64,
}

/// The median of `values` (the mean of the two middle ones for an even count). `values` must
/// not be empty.
pub fn median(values: &mut [Duration]) -> Duration {
    values.sort_unstable();
    let n = values.len();
    if n % 2 == 1 {
        values[n / 2]
    } else {
        (values[n / 2 - 1] + values[n / 2]) / 2
    }
}

/// Times `round`, which does `items` operations and returns their checksum, per `plan`.
/// Fails if a round's checksum differs from the warm-up's.
pub fn measure(
    plan: Plan,
    items: usize,
    mut round: impl FnMut() -> Result<u64>,
) -> Result<Measurement> {
    let checksum = round()?;
    let items = u32::try_from(items.max(1)).map_err(|_| "too many items per round")?;
    let mut times = Vec::new();
    let clock = clock();
    let started = clock.now();
    while times.len() < plan.max_rounds.max(1)
        && (times.len() < plan.min_rounds.max(1) || clock.now() - started < plan.budget)
    {
        let t = clock.now();
        let sum = std::hint::black_box(round()?);
        times.push((clock.now() - t) / items);
        if sum != checksum {
            return Err(format!("checksum changed between rounds: {checksum} then {sum}").into());
        }
    }
    let rounds = times.len();
    let min = times.iter().copied().min().unwrap_or_default();
    let max = times.iter().copied().max().unwrap_or_default();
    Ok(Measurement {
        median: median(&mut times),
        min,
        max,
        rounds,
        checksum,
    })
}

/// A duration for a table: ns, µs, ms or s with three significant digits.
pub fn fmt_duration(d: Duration) -> String {
    let ns = d.as_secs_f64() * 1e9;
    let (value, unit) = if ns < 1e3 {
        (ns, "ns")
    } else if ns < 1e6 {
        (ns / 1e3, "µs")
    } else if ns < 1e9 {
        (ns / 1e6, "ms")
    } else {
        (ns / 1e9, "s")
    };
    format!("{} {unit}", sig3(value))
}

/// A number with three significant digits (no exponent).
pub fn sig3(value: f64) -> String {
    if value >= 100.0 {
        format!("{value:.0}")
    } else if value >= 10.0 {
        format!("{value:.1}")
    } else {
        format!("{value:.2}")
    }
}

/// A byte count for a table, in MiB or KiB.
pub fn fmt_bytes(bytes: u64) -> String {
    let b = bytes as f64;
    if b >= 1024.0 * 1024.0 {
        format!("{} MiB", sig3(b / (1024.0 * 1024.0)))
    } else {
        format!("{} KiB", sig3(b / 1024.0))
    }
}

/// A rate (things per second) for a table: K/s or M/s.
pub fn fmt_rate(per_second: f64) -> String {
    if per_second >= 1e6 {
        format!("{} M/s", sig3(per_second / 1e6))
    } else {
        format!("{} K/s", sig3(per_second / 1e3))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn median_of_odd_and_even_counts() {
        let ms = Duration::from_millis;
        assert_eq!(median(&mut [ms(3), ms(1), ms(2)]), ms(2));
        assert_eq!(
            median(&mut [ms(4), ms(1), ms(2), ms(3)]),
            Duration::from_micros(2500)
        );
    }

    #[test]
    fn formats() {
        assert_eq!(fmt_duration(Duration::from_nanos(45)), "45.0 ns");
        assert_eq!(fmt_duration(Duration::from_micros(1234)), "1.23 ms");
        assert_eq!(fmt_bytes(3 * 1024 * 1024), "3.00 MiB");
        assert_eq!(fmt_rate(1_500_000.0), "1.50 M/s");
    }
}
