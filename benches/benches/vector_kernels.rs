//! Criterion benchmarks of the vector distance kernels (issue 16): the shipped kernels
//! (`Metric::distance` on `f32` slices, `Metric::distance_to_bytes` on page bytes, eight
//! accumulators each) against a plain loop with one accumulator, which the compiler cannot
//! vectorise (floating-point addition is not reassociated). The ratio shows the
//! vectorisation.
//!
//! Run: `cargo bench -p mmgraph-benches --bench vector_kernels`. Figures are in
//! `docs/benchmarks.md`.

use std::hint::black_box;

use criterion::Criterion;
use graph::Metric;

/// `|a - b|²` with one accumulator: the scalar baseline.
fn l2_one_accumulator(a: &[f32], b: &[f32]) -> f32 {
    let mut sum = 0.0;
    for (x, y) in a.iter().zip(b) {
        sum += (x - y) * (x - y);
    }
    sum
}

fn kernels(c: &mut Criterion) {
    for dim in [128usize, 384, 1536] {
        let a: Vec<f32> = (0..dim).map(|i| (i as f32 * 0.31).sin()).collect();
        let b: Vec<f32> = (0..dim).map(|i| (i as f32 * 0.17).cos()).collect();
        let bytes: Vec<u8> = b.iter().flat_map(|x| x.to_le_bytes()).collect();
        let mut group = c.benchmark_group(format!("l2_{dim}"));
        group.bench_function("one_accumulator", |bench| {
            bench.iter(|| l2_one_accumulator(black_box(&a), black_box(&b)))
        });
        group.bench_function("eight_lanes", |bench| {
            bench.iter(|| Metric::L2.distance(black_box(&a), black_box(&b)))
        });
        group.bench_function("eight_lanes_from_page_bytes", |bench| {
            bench.iter(|| Metric::L2.distance_to_bytes(black_box(&a), black_box(&bytes)))
        });
        group.bench_function("inner_product_from_page_bytes", |bench| {
            bench.iter(|| Metric::InnerProduct.distance_to_bytes(black_box(&a), black_box(&bytes)))
        });
        group.finish();
    }
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    kernels(&mut c);
    c.final_summary();
}
