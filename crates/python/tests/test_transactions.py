"""Transactions: commit on success, abort on exception, snapshots, files, locks, read-only."""

import pytest

import mmgraph


def test_a_write_block_commits_when_it_ends_normally(path):
    g = mmgraph.Graph(path)
    with g.write() as tx:
        a = tx.add_node("person", "alice")
    with g.read() as r:
        assert r.node(a).name == "alice"


def test_a_write_block_that_raises_aborts_and_the_exception_goes_on(path):
    g = mmgraph.Graph(path)
    with pytest.raises(KeyError):
        with g.write() as tx:
            tx.add_node("person", "alice")
            raise KeyError("stop")
    with g.read() as r:
        assert r.node_count() == 0


def test_a_snapshot_never_sees_a_later_commit():
    g = mmgraph.Graph.in_memory()
    before = g.read()
    with g.write() as tx:
        tx.add_node("person", "alice")
    assert before.node_count() == 0
    assert g.read().node_count() == 1


def test_a_transaction_sees_its_own_writes_before_commit():
    g = mmgraph.Graph.in_memory()
    tx = g.write()
    a = tx.add_node("person", "alice", {"x": 1})
    assert tx.node(a).json() == {"x": 1}
    assert tx.node_count() == 1
    tx.abort()
    assert g.read().node_count() == 0


def test_a_committed_graph_is_there_after_reopening(path):
    g = mmgraph.Graph(path)
    with g.write() as tx:
        a = tx.add_node("person", "alice", b"\x00\xff")
        b = tx.add_node("person", "bob")
        tx.add_edge(a, b, "knows")
    del tx, g
    g = mmgraph.Graph(path, read_only=True)
    assert g.read_only
    with g.read() as r:
        assert r.node(a).data == b"\x00\xff"
        assert r.neighbors(a) == [b]
    assert g.check() == []


def test_stats_count_the_commit_and_divide_each_structures_pages(path):
    g = mmgraph.Graph(path)
    empty = g.stats()
    assert (empty["nodes"], empty["edges"]) == (0, 0)
    assert empty["bytes_per_node"] == {"records": None, "indexes": None}
    with g.write() as tx:
        a = tx.add_node("person", "alice")
        b = tx.add_node("person", "bob")
        tx.add_edge(a, b, "knows")
    stats = g.stats()
    assert (stats["nodes"], stats["edges"], stats["kinds"]) == (2, 1, 1)
    assert stats["file_bytes"] >= stats["page_count"] * 4096 > 0
    pages = stats["pages_by_type"]
    assert stats["bytes_per_node"]["records"] == pages["record leaf"] * 4096 / 2
    adjacency = sum(n for t, n in pages.items() if t.startswith("adjacency"))
    assert stats["bytes_per_edge"]["adjacency"] == adjacency * 4096 / 1
    # The same pages by the structure that holds them.
    structures = stats["pages_by_structure"]
    assert sum(structures.values()) == sum(pages.values())
    assert structures["adjacency"] >= adjacency


def test_a_read_only_graph_refuses_to_write(path):
    with mmgraph.Graph(path).write() as tx:
        tx.add_node("person", "alice")
    g = mmgraph.Graph(path, read_only=True)
    with pytest.raises(mmgraph.ReadOnlyError):
        g.write()


def test_a_second_writer_on_one_file_is_locked_out(path):
    g = mmgraph.Graph(path)
    with pytest.raises(mmgraph.LockedError) as caught:
        mmgraph.Graph(path)
    assert "locked" in str(caught.value)
    assert isinstance(caught.value, mmgraph.Error)
    del g


def test_a_finished_transaction_is_closed_for_every_later_call():
    g = mmgraph.Graph.in_memory()
    tx = g.write()
    tx.commit()
    with pytest.raises(mmgraph.ClosedError):
        tx.add_node("person", "alice")
    with pytest.raises(mmgraph.ClosedError):
        tx.commit()
    tx.abort()  # harmless
    with g.read() as r:
        pass
    with pytest.raises(mmgraph.ClosedError):
        r.node(0)


def test_a_block_that_commits_itself_is_not_committed_twice():
    g = mmgraph.Graph.in_memory()
    with g.write() as tx:
        tx.add_node("person", "alice")
        tx.commit()
    assert g.read().node_count() == 1


def test_updates_and_deletes_change_what_later_snapshots_read(people):
    g, ids = people
    with g.write() as tx:
        tx.update_node(ids["alice"], "admin", "alice2", {"age": 32})
        tx.set_node_data(ids["bob"], b"raw")
        edge = g.read().neighbor_edges(ids["bob"], "out", "knows")[0][1]
        tx.set_edge_data(edge, {"since": 2000})
        tx.delete_node(ids["porto"])
    with g.read() as r:
        assert r.node(ids["alice"]).kind == "admin"
        assert r.nodes_by_name("alice2") == [ids["alice"]]
        assert r.nodes_by_name("alice") == []
        assert r.node(ids["bob"]).data == b"raw"
        assert r.edge(edge).json() == {"since": 2000}
        assert r.node(ids["porto"]) is None
        assert r.neighbors(ids["carol"]) == []
    with g.write() as tx:
        tx.delete_edge(edge)
    with g.read() as r:
        assert r.edge(edge) is None
        assert r.neighbors(ids["bob"], types="knows") == []


def test_write_without_waiting_is_busy_while_another_write_is_open():
    g = mmgraph.Graph.in_memory()
    first = g.write()
    with pytest.raises(mmgraph.BusyError):
        g.write(wait=False)
    first.abort()
    with g.write(wait=False) as tx:
        tx.add_node("person", "alice")
    assert g.read().node_count() == 1


def test_a_non_durable_commit_is_seen_at_once_and_kept_after_flush(path):
    g = mmgraph.Graph(path)
    with g.write(durable=False) as tx:
        a = tx.add_node("person", "alice")
    assert g.read().node(a).name == "alice"
    g.flush()
    del tx, g
    assert mmgraph.Graph(path, read_only=True).read().node(a).name == "alice"
