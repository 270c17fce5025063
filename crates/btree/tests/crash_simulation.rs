//! Power loss at random points of random tree workloads (inserts, removals, trees rewritten
//! into packed leaves that later writes unpack). After every loss the file opens,
//! both trees (one in a root slot, one in a catalog) pass `check()`, every page is reached
//! once or free, and the trees hold exactly the last durable commit (or the commit that was
//! being made, if its meta page reached the disk), never a mix.
//!
//! `BTREE_CRASH_CASES` sets the number of simulated losses (default 2,000).

mod common;

use std::sync::Arc;

use common::Model;
use pager_mmap::{Durability, Options, Pager, SimFault, SimStorage};

fn options() -> Options {
    Options {
        initial_size: 0,
        ..Options::default()
    }
}

fn contents(pager: &Pager, seed: u64) -> [Model; 2] {
    let read = pager.begin_read().expect("read");
    let problems = common::check_committed(&read);
    assert!(problems.is_empty(), "seed {seed}: {problems:?}");
    [0, 1].map(|which| common::contents(&read, which).expect("contents"))
}

fn random_key(rng: &mut fastrand::Rng) -> Vec<u8> {
    match rng.u8(0..10) {
        0 => vec![rng.u8(..); rng.usize(200..=btree::MAX_KEY_LEN)],
        _ => format!("key{:04}", rng.u32(0..3000)).into_bytes(),
    }
}

fn random_value(rng: &mut fastrand::Rng) -> Vec<u8> {
    let len = match rng.u8(0..10) {
        0 => rng.usize(1100..10_000),
        1..=3 => rng.usize(0..1000),
        _ => rng.usize(0..16),
    };
    vec![rng.u8(..); len]
}

/// One random workload on `image`, cut by a power loss; returns the image after the loss.
fn run_case(seed: u64, image: Vec<u8>) -> Vec<u8> {
    let mut rng = fastrand::Rng::with_seed(seed);
    let sim = Arc::new(if image.is_empty() {
        SimStorage::new()
    } else {
        SimStorage::from_image(&image).expect("image")
    });
    let pager = Pager::with_storage(Box::new(Arc::clone(&sim)), options())
        .expect("a crashed image must open");
    let mut durable = contents(&pager, seed);

    sim.inject(SimFault::PowerLossAfter(rng.u64(0..80)));
    let mut latest = durable.clone();
    let mut in_flight: Option<[Model; 2]> = None;
    'txns: for _ in 0..rng.usize(1..8) {
        let mut next = latest.clone();
        let Ok(mut txn) = pager.begin_write() else {
            break;
        };
        let non_durable = rng.u8(0..4) == 0;
        if non_durable {
            txn.set_durability(Durability::NonDurable);
        }
        if rng.u8(0..5) == 0 {
            // The tree rewritten into packed leaves, holding what it held.
            let which = rng.usize(0..2);
            let entries = next[which].clone();
            let packed = common::change(&mut txn, which, |txn, tree| {
                tree.clear(txn)?;
                *tree = btree::Tree::bulk_load_packed(txn, entries.iter())?;
                Ok(())
            });
            if packed.is_err() {
                break 'txns;
            }
        }
        for _ in 0..rng.usize(1..120) {
            let which = rng.usize(0..2);
            let key = random_key(&mut rng);
            if rng.u8(0..3) == 0 {
                if common::change(&mut txn, which, |txn, tree| tree.remove(txn, &key)).is_err() {
                    break 'txns;
                }
                next[which].remove(&key);
            } else {
                let value = random_value(&mut rng);
                if common::change(&mut txn, which, |txn, tree| tree.insert(txn, &key, &value))
                    .is_err()
                {
                    break 'txns;
                }
                next[which].insert(key, value);
            }
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
    sim.inject(SimFault::PowerLossAfter(0));
    drop(pager);

    let reopened = Arc::new(SimStorage::from_image(&crashed).expect("image"));
    let pager = Pager::with_storage(Box::new(reopened), options()).expect("open after power loss");
    let found = contents(&pager, seed);
    assert!(
        found == durable || in_flight.as_ref() == Some(&found),
        "seed {seed}: found {:?} entries, the last durable commit had {:?}",
        found.each_ref().map(|m| m.len()),
        durable.each_ref().map(|m| m.len()),
    );
    crashed
}

#[test]
fn every_power_loss_leaves_the_trees_of_the_last_durable_commit() {
    let cases: u64 = std::env::var("BTREE_CRASH_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(2_000);
    let mut image = Vec::new();
    for case in 0..cases {
        // Chains of crashes: each workload starts from the previous crash's image; a fresh
        // file every 40 cases.
        if case % 40 == 0 {
            image.clear();
        }
        image = run_case(case, image);
    }
}
