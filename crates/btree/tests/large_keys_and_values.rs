//! The limits: keys up to 1 KiB (many of them, so branches hold few keys each), values from
//! empty to 16 MiB, the inline/overflow boundary to the byte, and errors past the key limit.

use btree::layout::INLINE_PAYLOAD_MAX;
use btree::{Error, MAX_KEY_LEN, Tree};
use pager_mmap::{MemStorage, Options, Pager};

fn pager() -> Pager {
    Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("pager")
}

#[test]
fn maximal_keys_build_a_deep_valid_tree() {
    let pager = pager();
    let mut txn = pager.begin_write().expect("write");
    let mut tree = Tree::EMPTY;
    let key = |i: u32| {
        // Keys that differ only at the end: separators cannot be shortened.
        let mut k = vec![b'k'; MAX_KEY_LEN - 4];
        k.extend_from_slice(&(i.wrapping_mul(2_654_435_761)).to_le_bytes());
        k
    };
    for i in 0..3000 {
        tree.insert(&mut txn, &key(i), &[1; 12]).expect("insert");
    }
    assert!(tree.height() >= 4, "height {}", tree.height());
    let report = tree.check_uncommitted(&txn).expect("check");
    assert!(report.is_clean(), "{:?}", report.problems);
    for i in 0..3000 {
        assert!(tree.contains_key(&txn, &key(i)).expect("get"));
    }
    for i in 0..3000 {
        tree.remove(&mut txn, &key(i)).expect("remove");
    }
    assert_eq!(tree, Tree::EMPTY);
    assert!(matches!(
        tree.insert(&mut txn, &[0; MAX_KEY_LEN + 1], b""),
        Err(Error::KeyTooLong { len }) if len == MAX_KEY_LEN + 1
    ));
}

#[test]
fn values_go_to_overflow_pages_exactly_past_the_inline_limit() {
    let pager = pager();
    let mut txn = pager.begin_write().expect("write");
    let mut tree = Tree::EMPTY;
    let key = b"boundary";
    for len in [
        0,
        INLINE_PAYLOAD_MAX - key.len(),
        INLINE_PAYLOAD_MAX - key.len() + 1,
    ] {
        tree.insert(&mut txn, key, &vec![9; len]).expect("insert");
        let entry = tree.first(&txn).expect("first").expect("an entry");
        assert_eq!(entry.value_len(), len);
        assert_eq!(entry.is_overflow(), key.len() + len > INLINE_PAYLOAD_MAX);
        assert_eq!(entry.value().expect("value").len(), len);
    }
}

#[test]
fn a_16_mib_value_round_trips_and_its_pages_come_back() {
    let pager = pager();
    let value: Vec<u8> = (0..16u32 << 20).map(|i| (i % 253) as u8).collect();
    let mut txn = pager.begin_write().expect("write");
    let mut tree = Tree::EMPTY;
    tree.insert(&mut txn, b"big", &value).expect("insert");
    tree.insert(&mut txn, b"small", b"x").expect("insert");
    tree.save_to_slot(&mut txn, 0).expect("anchor");
    txn.commit().expect("commit");

    let read = pager.begin_read().expect("read");
    let tree = Tree::from_slot(&read, 0).expect("load");
    assert!(tree.get(&read, b"big").expect("get").expect("present") == value);
    let report = tree.check(&read).expect("check");
    assert!(report.is_clean(), "{:?}", report.problems);
    assert_eq!(report.overflow_pages, (16u64 << 20).div_ceil(4064));
    drop(read);

    let mut txn = pager.begin_write().expect("write");
    let mut tree = Tree::from_slot(&txn, 0).expect("load");
    let old = tree
        .insert(&mut txn, b"big", b"now small")
        .expect("replace");
    assert!(old.expect("old value") == value);
    tree.save_to_slot(&mut txn, 0).expect("anchor");
    txn.commit().expect("commit");

    let read = pager.begin_read().expect("read");
    let tree = Tree::from_slot(&read, 0).expect("load");
    let report = tree.check(&read).expect("check");
    assert_eq!(report.overflow_pages, 0);
    let pager_report = read.check(&report.pages).expect("pager check");
    assert!(pager_report.is_clean(), "{:?}", pager_report.problems);
    assert!(pager_report.free_pages >= report.pages.len() as u64 + 4000);
}
