//! Criterion benchmarks of the vector distance kernels (issue 16), side by side in one run: the
//! shipped kernels of all three metrics (`Metric::distance` on `f32` slices,
//! `Metric::distance_to_bytes` on page bytes), which take AVX2 + FMA where the CPU has them
//! (run-time dispatch), the portable eight-lane kernels they fall back to otherwise
//! (`vector::kernels::portable`: cosine and inner product are both its `dot_bytes`), and a
//! plain loop with one accumulator, which the compiler cannot vectorise (floating-point
//! addition is not reassociated).
//!
//! Run: `cargo bench -p mmgraph-benches --bench vector_kernels`. With
//! `MMGRAPH_BENCH_CLOCK=thread-cpu` criterion times the thread's CPU time instead of wall time
//! (see `mmgraph_benches::measure::clock`): on a machine shared with other builds it leaves
//! out the time slices they take. Figures are in `docs/benchmarks.md`.

use std::hint::black_box;
use std::time::Duration;

use criterion::Criterion;
use criterion::measurement::{Measurement, ValueFormatter, WallTime};
use graph::Metric;
use mmgraph_benches::measure::{Clock, clock};
use vector::kernels::portable;

/// Criterion's measurement on [`clock`]: wall time or the thread's CPU time.
struct BenchClock(Clock);

impl Measurement for BenchClock {
    type Intermediate = Duration;
    type Value = Duration;

    fn start(&self) -> Duration {
        self.0.now()
    }

    fn end(&self, start: Duration) -> Duration {
        self.0.now().saturating_sub(start)
    }

    fn add(&self, a: &Duration, b: &Duration) -> Duration {
        *a + *b
    }

    fn zero(&self) -> Duration {
        Duration::ZERO
    }

    fn to_f64(&self, value: &Duration) -> f64 {
        value.as_nanos() as f64
    }

    fn formatter(&self) -> &dyn ValueFormatter {
        // Both clocks count nanoseconds: wall time's formatter prints them.
        static WALL: WallTime = WallTime;
        WALL.formatter()
    }
}

/// `|a - b|²` with one accumulator: the scalar baseline.
fn l2_one_accumulator(a: &[f32], b: &[f32]) -> f32 {
    let mut sum = 0.0;
    for (x, y) in a.iter().zip(b) {
        sum += (x - y) * (x - y);
    }
    sum
}

fn kernels(c: &mut Criterion<BenchClock>) {
    for dim in [128usize, 384, 1536] {
        let a: Vec<f32> = (0..dim).map(|i| (i as f32 * 0.31).sin()).collect();
        let b: Vec<f32> = (0..dim).map(|i| (i as f32 * 0.17).cos()).collect();
        let bytes: Vec<u8> = b.iter().flat_map(|x| x.to_le_bytes()).collect();
        let mut group = c.benchmark_group(format!("kernels_{dim}"));
        group.bench_function("l2_one_accumulator", |bench| {
            bench.iter(|| l2_one_accumulator(black_box(&a), black_box(&b)))
        });
        group.bench_function("l2_portable", |bench| {
            bench.iter(|| portable::l2(black_box(&a), black_box(&b)))
        });
        group.bench_function("l2", |bench| {
            bench.iter(|| Metric::L2.distance(black_box(&a), black_box(&b)))
        });
        group.bench_function("l2_page_bytes_portable", |bench| {
            bench.iter(|| portable::l2_bytes(black_box(&a), black_box(&bytes)))
        });
        group.bench_function("dot_page_bytes_portable", |bench| {
            bench.iter(|| portable::dot_bytes(black_box(&a), black_box(&bytes)))
        });
        for (name, metric) in [
            ("l2_page_bytes", Metric::L2),
            ("inner_product_page_bytes", Metric::InnerProduct),
            ("cosine_page_bytes", Metric::Cosine),
        ] {
            group.bench_function(name, |bench| {
                bench.iter(|| metric.distance_to_bytes(black_box(&a), black_box(&bytes)))
            });
        }
        group.finish();
    }
}

fn main() {
    let mut c = Criterion::default()
        .with_measurement(BenchClock(clock()))
        .configure_from_args();
    kernels(&mut c);
    c.final_summary();
}
