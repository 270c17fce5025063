//! The power-loss round both crash simulations run: random transactions (durable or not, some
//! abandoned) against a model until the simulated power goes, then the crashed image reopened,
//! checked clean and compared with the last durable commit.

use std::fmt::Debug;
use std::sync::Arc;

use graph::testing::{SimFault, SimStorage};
use graph::{Durability, Graph, Options};

/// A case's graph on simulated storage: a new file when `image` is empty, else the image the
/// case before left, which must open. The options set no initial size, so the file grows as it
/// is written. Returns the storage (to inject the next loss into), the graph and the options.
pub fn open_case(image: &[u8]) -> (Arc<SimStorage>, Graph, Options) {
    let options = Options {
        initial_size: 0,
        ..Options::default()
    };
    let sim = Arc::new(if image.is_empty() {
        SimStorage::new()
    } else {
        SimStorage::from_image(image).expect("image")
    });
    let graph = Graph::with_storage(Box::new(Arc::clone(&sim)), options.clone())
        .expect("a crashed image must open");
    (sim, graph, options)
}

/// What a crash simulation writes and how it reads it back.
pub trait Workload {
    /// The model of what the graph holds.
    type State: Clone + PartialEq + Debug;

    /// What `graph` holds, read through its public API.
    fn read(graph: &Graph) -> Self::State;

    /// Applies one random change to `txn` and to `next`; false when an I/O error stopped it.
    fn change(rng: &mut fastrand::Rng, txn: &mut graph::WriteTxn, next: &mut Self::State) -> bool;
}

/// Runs transactions of up to `max_changes` changes each on `graph` (over `sim`) until the
/// power goes within the next 80 writes, then reopens the crashed image with `options` and
/// asserts that it checks clean and holds the last durable commit (or the durable commit the
/// loss interrupted, if its meta page reached the disk). Returns the crashed image.
pub fn lose_power<W: Workload>(
    graph: Graph,
    sim: &SimStorage,
    rng: &mut fastrand::Rng,
    seed: u64,
    options: Options,
    max_changes: usize,
) -> Vec<u8> {
    let mut durable = W::read(&graph);
    sim.inject(SimFault::PowerLossAfter(rng.u64(0..80)));
    let mut latest = durable.clone();
    let mut in_flight = None;
    'work: for _ in 0..rng.usize(1..6) {
        let Ok(mut txn) = graph.begin_write() else {
            break;
        };
        let non_durable = rng.u8(0..4) == 0;
        if non_durable {
            txn.set_durability(Durability::NonDurable);
        }
        let mut next = latest.clone();
        for _ in 0..rng.usize(1..max_changes) {
            if !W::change(rng, &mut txn, &mut next) {
                break 'work;
            }
        }
        if rng.u8(0..8) == 0 {
            continue;
        }
        match txn.commit() {
            Ok(()) => {
                latest = next;
                if !non_durable {
                    durable = latest.clone();
                }
            }
            Err(_) => {
                if !non_durable {
                    in_flight = Some(next);
                }
                break;
            }
        }
        if sim.power_lost() {
            break;
        }
    }
    let crashed = sim.crash_image(seed ^ 0xC0FFEE);
    sim.inject(SimFault::PowerLossAfter(0));
    drop(graph);

    let reopened = Graph::with_storage(
        Box::new(SimStorage::from_image(&crashed).expect("image")),
        options,
    )
    .expect("open after power loss");
    let report = reopened.check().expect("check");
    assert!(report.is_clean(), "seed {seed}: {:?}", report.problems);
    let found = W::read(&reopened);
    assert!(
        found == durable || in_flight.as_ref() == Some(&found),
        "seed {seed}: after power loss the graph is neither the last durable commit nor the \
         interrupted one"
    );
    crashed
}

/// Runs `case(seed, image)` for seeds `0..N` (`N` from the environment variable `cases_var`,
/// else `default_cases`), each on the image the previous case crashed, starting from an empty
/// file every `fresh_every` cases.
pub fn run_cases(
    cases_var: &str,
    default_cases: u64,
    fresh_every: u64,
    mut case: impl FnMut(u64, Vec<u8>) -> Vec<u8>,
) {
    let cases: u64 = std::env::var(cases_var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default_cases);
    let mut image = Vec::new();
    for seed in 0..cases {
        if seed % fresh_every == 0 {
            image.clear();
        }
        image = case(seed, image);
    }
}
