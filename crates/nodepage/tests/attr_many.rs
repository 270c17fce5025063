//! An attribute table past 510 leaves (two radix levels): every record read back, `check`
//! clean, 312 records per page, and deleting everything returns every page.

use nodepage::{ATTR_SLOTS, AttrTable, Attrs};
use pager_mmap::{MemStorage, Options, Pager};

fn attrs(id: u64) -> Attrs {
    let mut attrs = [0; 12];
    attrs[..8].copy_from_slice(&id.to_le_bytes());
    attrs[8..].copy_from_slice(&(id as u32).wrapping_mul(7).to_le_bytes());
    attrs
}

#[test]
fn records_past_510_leaves_take_two_radix_levels_and_deleting_them_returns_the_pages() {
    let pager = Pager::with_storage(Box::new(MemStorage::new()), Options::default()).expect("open");
    let mut table = AttrTable::new();
    let n = 510 * ATTR_SLOTS as u64 + 1000;
    let mut txn = pager.begin_write().expect("write");
    for id in 0..n {
        assert_eq!(table.push(&mut txn, &attrs(id)).expect("push"), id);
    }
    txn.commit().expect("commit");
    assert_eq!(table.root().height.get(), 2);

    let read = pager.begin_read().expect("read");
    for id in (0..n).step_by(997).chain([n - 1]) {
        assert_eq!(table.get(&read, id).expect("get"), Some(&attrs(id)));
    }
    assert_eq!(table.get(&read, n).expect("get"), None);
    let mut expected = 0;
    for record in table.iter(&read) {
        let (id, found) = record.expect("iter");
        assert_eq!((id, found), (expected, &attrs(expected)));
        expected += 1;
    }
    assert_eq!(expected, n);
    let mut pages = Vec::new();
    assert!(table.check(&read, &mut pages).expect("check").is_empty());
    assert!(read.check(&pages).expect("pager check").is_clean());
    let leaves = n.div_ceil(ATTR_SLOTS as u64);
    // The leaves, two radix pages below the root, and the root.
    assert_eq!(pages.len() as u64, leaves + 3);
    drop(read);

    let mut txn = pager.begin_write().expect("write");
    for id in (0..n).rev() {
        table.delete(&mut txn, id).expect("delete");
    }
    txn.commit().expect("commit");
    assert!(table.is_empty());
    assert_eq!(table.next_id(), n, "ids are not handed out again");
    assert_eq!(table.root().root.get(), 0, "every page was freed");
    let read = pager.begin_read().expect("read");
    assert!(
        table
            .check(&read, &mut Vec::new())
            .expect("check")
            .is_empty()
    );
    assert!(read.check(&[]).expect("pager check").is_clean());
}
