//! Kinds, edge types and names as users have them: up to 64 KiB of any UTF-8, stored, found by
//! exact name and by prefix, read back identical after a reopen; past a limit, an error that
//! names it and nothing written.

use graph::{
    Direction, Error, Graph, GraphRead, MAX_LABEL_LEN, MAX_NAME_LEN, NodeId, check_label,
    check_name,
};

/// `len` bytes of text mixing 1-, 2-, 3- and 4-byte characters, different for each `seed`
/// from the first character on, then cut at a character boundary.
fn mixed_utf8(seed: u32, len: usize) -> String {
    let pieces = ['a', 'é', '€', '𝄞', 'z', 'ж', '中', '😀'];
    let mut s = String::new();
    s.push(char::from_u32(0x4E00 + seed).expect("a CJK character"));
    let mut i = seed as usize;
    while s.len() + 4 <= len {
        s.push(pieces[i % pieces.len()]);
        i += 1;
    }
    while s.len() < len {
        s.push('x');
    }
    s
}

/// The longest start of `s` of at most `len` bytes that ends on a character boundary.
fn start(s: &str, len: usize) -> &str {
    let end = (0..=len)
        .rev()
        .find(|i| s.is_char_boundary(*i))
        .unwrap_or(0);
    &s[..end]
}

#[test]
fn long_kinds_names_and_payloads_round_trip_and_are_found() {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().join("long.mmg");
    let kind = mixed_utf8(0, 300);
    let long_type = mixed_utf8(1, MAX_LABEL_LEN);
    let name_1k = mixed_utf8(2, 1024);
    let name_64k = mixed_utf8(3, MAX_NAME_LEN);
    // Two 64 KiB names that differ only in their last byte: the name index keys only their
    // first 1,018 bytes, so the lookups must tell them apart by the record.
    let mut twin = name_64k.clone();
    twin.pop();
    twin.push('y');
    let data_40k: Vec<u8> = (0..40_000u32).map(|i| (i % 251) as u8).collect();
    let data_16m: Vec<u8> = (0..16u32 << 20).map(|i| (i % 253) as u8).collect();

    let ids = {
        let graph = Graph::open(&path).expect("open");
        let mut txn = graph.begin_write().expect("write");
        let a = txn
            .add_node(&kind, &name_1k, &data_40k)
            .expect("1 KiB name");
        let b = txn
            .add_node(&kind, &name_64k, &data_16m)
            .expect("64 KiB name");
        let c = txn.add_node(&long_type, &twin, b"").expect("64 KiB kind");
        txn.add_edge(a, b, &long_type, b"")
            .expect("64 KiB edge type");
        txn.commit().expect("commit");
        [a, b, c]
    };

    let graph = Graph::open(&path).expect("reopen");
    assert!(graph.check().expect("check").is_clean());
    let read = graph.begin_read().expect("read");
    let [a, b, c] = ids;
    let node = |id: NodeId| read.node(id).expect("node").expect("exists");
    assert_eq!(node(a).kind().expect("kind"), kind);
    assert_eq!(node(a).name().expect("name"), name_1k);
    assert_eq!(node(a).data().expect("data").as_ref(), &data_40k[..]);
    assert_eq!(node(b).name().expect("name"), name_64k);
    assert_eq!(node(b).data().expect("data").as_ref(), &data_16m[..]);
    assert_eq!(node(c).kind().expect("kind"), long_type);
    assert_eq!(node(c).name().expect("name"), twin);
    let edge = read
        .neighbors(a, Direction::Out, Some(&long_type))
        .expect("neighbors")
        .next()
        .expect("one")
        .expect("neighbor");
    assert_eq!(edge.node, b);
    assert_eq!(
        read.edge(edge.edge)
            .expect("edge")
            .expect("exists")
            .edge_type()
            .expect("type"),
        long_type
    );

    let found = |ids: Box<dyn Iterator<Item = graph::Result<NodeId>> + '_>| {
        ids.collect::<Result<Vec<_>, _>>().expect("lookup")
    };
    assert_eq!(found(read.nodes_by_name(&name_1k)), vec![a]);
    assert_eq!(found(read.nodes_by_name(&name_64k)), vec![b]);
    assert_eq!(found(read.nodes_by_name(&twin)), vec![c]);
    assert_eq!(found(read.nodes_by_name(start(&name_64k, 2000))), vec![]);
    assert_eq!(
        found(read.nodes_by_name_prefix(start(&name_64k, 2000))),
        vec![b, c]
    );
    assert_eq!(found(read.nodes_by_name_prefix(&name_64k)), vec![b]);
    assert_eq!(
        found(read.nodes_by_name_prefix(start(&name_1k, 10))),
        vec![a]
    );
    assert_eq!(read.count_by_kind(&kind).expect("count"), 2);
    assert_eq!(read.count_by_kind(&long_type).expect("count"), 1);
    assert_eq!(
        read.edge_type_id(start(&long_type, 5000)).expect("id"),
        None
    );
}

#[test]
fn long_labels_that_start_alike_are_different_labels() {
    let graph = Graph::in_memory().expect("graph");
    let base = mixed_utf8(4, 5000);
    let kinds: Vec<String> = ["1", "2", "3"]
        .iter()
        .map(|s| format!("{base}{s}"))
        .collect();
    let mut txn = graph.begin_write().expect("write");
    for (i, kind) in kinds.iter().enumerate() {
        for n in 0..=i {
            txn.add_node(kind, &format!("n{n}"), b"").expect("node");
        }
    }
    txn.commit().expect("commit");
    let read = graph.begin_read().expect("read");
    for (i, kind) in kinds.iter().enumerate() {
        assert_eq!(read.count_by_kind(kind).expect("count"), i as u64 + 1);
    }
    assert_eq!(read.kinds().expect("kinds").len(), 3);
    assert!(graph.check().expect("check").is_clean());
}

#[test]
fn strings_past_the_limits_are_refused_by_name_and_nothing_is_written() {
    let graph = Graph::in_memory().expect("graph");
    let too_long_name = "n".repeat(MAX_NAME_LEN + 1);
    let too_long_kind = "k".repeat(MAX_LABEL_LEN + 1);
    for err in [
        check_name(&too_long_name).expect_err("name"),
        check_label("kind", &too_long_kind).expect_err("kind"),
    ] {
        assert!(matches!(err, Error::InvalidString { .. }), "{err}");
        assert!(err.to_string().contains("65536"), "{err}");
    }
    let mut txn = graph.begin_write().expect("write");
    assert!(txn.add_node("k", &too_long_name, b"").is_err());
    assert!(txn.add_node(&too_long_kind, "n", b"").is_err());
    let a = txn.add_node("k", "a", b"").expect("node");
    assert!(txn.add_edge(a, a, &too_long_kind, b"").is_err());
    txn.commit().expect("commit");
    let read = graph.begin_read().expect("read");
    assert_eq!((read.node_count(), read.edge_count()), (1, 0));
    assert_eq!(read.kinds().expect("kinds").len(), 1);
}
