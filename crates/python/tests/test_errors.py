"""The exception hierarchy: every error is an mmgraph.Error of its class, with the Rust message."""

import pytest

import mmgraph


def test_every_exception_class_derives_from_mmgraph_error():
    for cls in [
        mmgraph.CorruptError,
        mmgraph.LockedError,
        mmgraph.ReadOnlyError,
        mmgraph.NotFoundError,
        mmgraph.InvalidError,
        mmgraph.LimitError,
        mmgraph.ClosedError,
        mmgraph.BusyError,
    ]:
        assert issubclass(cls, mmgraph.Error)
    assert issubclass(mmgraph.Error, Exception)


def test_a_damaged_header_is_a_corrupt_error_not_a_crash(path):
    with mmgraph.Graph(path).write() as tx:
        tx.add_node("person", "alice")
    with open(path, "r+b") as f:
        f.seek(200)
        byte = f.read(1)
        f.seek(200)
        f.write(bytes([byte[0] ^ 0xFF]))
    with pytest.raises(mmgraph.CorruptError, match="damaged"):
        mmgraph.Graph(path, read_only=True)


def test_a_file_that_is_not_a_database_is_an_error(tmp_path):
    junk = tmp_path / "junk.mmg"
    junk.write_bytes(b"this is not a graph" * 1000)
    with pytest.raises(mmgraph.Error):
        mmgraph.Graph(str(junk), read_only=True)


def test_missing_nodes_and_edges_are_not_found_errors():
    g = mmgraph.Graph.in_memory()
    with g.write() as tx:
        with pytest.raises(mmgraph.NotFoundError, match="no node with id 3"):
            tx.delete_node(3)
        with pytest.raises(mmgraph.NotFoundError, match="no edge with id 0"):
            tx.set_edge_data(0, b"")
