//! Power loss at random points of random transaction workloads. After every loss the file
//! opens, passes `check()`, and holds exactly the last durable commit (or the commit that
//! was being made, if its meta page reached the disk), never a mix.
//!
//! `PAGER_CRASH_CASES` sets the number of simulated losses (default 10,000).

mod common;

use std::sync::Arc;

use pager_mmap::{Durability, Options, Pager, SimFault, SimStorage};

/// One random workload on `image`, cut by a power loss; returns the image after the loss.
fn run_case(seed: u64, image: Vec<u8>) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let sim = Arc::new(if image.is_empty() {
        SimStorage::new()
    } else {
        SimStorage::from_image(&image).expect("image")
    });
    let options = Options {
        initial_size: 0,
        ..Options::default()
    };
    let pager = Pager::with_storage(Box::new(Arc::clone(&sim)), options.clone())
        .expect("a crashed image must open");
    let read = pager.begin_read().expect("read");
    let mut durable = common::values(&read).expect("values");
    let report = read
        .check(&common::pages(&read).expect("pages"))
        .expect("check");
    assert!(report.is_clean(), "seed {seed}: {:?}", report.problems);
    drop(read);

    sim.inject(SimFault::PowerLossAfter(rng.u64(0..60)));
    let mut latest = durable.clone();
    let mut in_flight: Option<Vec<u64>> = None;
    for _ in 0..rng.usize(1..8) {
        let mut next = latest.clone();
        let Ok(mut txn) = pager.begin_write() else {
            break;
        };
        let non_durable = rng.u8(0..4) == 0;
        if non_durable {
            txn.set_durability(Durability::NonDurable);
        }
        let mut failed = false;
        for _ in 0..rng.usize(1..40) {
            let index = rng.usize(0..=next.len().min(1100));
            let value = rng.u64(0..1_000_000);
            if common::set(&mut txn, index, value).is_err() {
                failed = true;
                break;
            }
            if index == next.len() {
                next.push(value);
            } else {
                next[index] = value;
            }
        }
        if failed {
            break;
        }
        if rng.u8(0..8) == 0 {
            drop(txn);
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
                // Interrupted: only a durable commit can have reached the disk.
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
    let crashed = sim.crash_image(seed ^ 0x5EED);
    // The pager is dropped after the power loss: its close cannot reach the disk any more.
    sim.inject(SimFault::PowerLossAfter(0));
    drop(pager);

    let reopened = Arc::new(SimStorage::from_image(&crashed).expect("image"));
    let pager = Pager::with_storage(Box::new(reopened), options).expect("open after power loss");
    let read = pager.begin_read().expect("read");
    let found = common::values(&read).expect("values after power loss");
    let report = read
        .check(&common::pages(&read).expect("pages"))
        .expect("check");
    assert!(report.is_clean(), "seed {seed}: {:?}", report.problems);
    assert!(
        found == durable || in_flight.as_ref() == Some(&found),
        "seed {seed}: found {} values, last durable commit had {}",
        found.len(),
        durable.len()
    );
    crashed
}

#[test]
fn every_power_loss_leaves_the_last_durable_commit() {
    let cases: u64 = std::env::var("PAGER_CRASH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let mut image = Vec::new();
    for case in 0..cases {
        // Chains of crashes: each workload starts from the previous crash's image, so
        // recovery of a recovered file is tested too; a fresh file every 50 cases.
        if case % 50 == 0 {
            image.clear();
        }
        image = run_case(case, image);
    }
}
