"""Threads: a snapshot is usable from other threads, and long calls release the GIL."""

import threading

import mmgraph


def test_one_snapshot_serves_several_threads_at_once():
    g = mmgraph.Graph.in_memory()
    with g.write() as tx:
        ids = [tx.add_node("n", str(i)) for i in range(500)]
        tx.add_edges(ids[:-1], ids[1:], "next")
    r = g.read()
    results, errors = [], []

    def walk():
        try:
            for _ in range(20):
                results.append((len(r.bfs(ids[0])), r.node(ids[-1]).name))
        except Exception as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=walk) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert errors == []
    assert results == [(500, "499")] * 80


def test_a_second_writer_waits_without_holding_the_gil():
    g = mmgraph.Graph.in_memory()
    first = g.write()
    done = threading.Event()

    def second_writer():
        with g.write() as tx:  # waits for `first`, with the GIL released
            tx.add_node("n", "second")
        done.set()

    t = threading.Thread(target=second_writer)
    t.start()
    # This thread keeps running Python while the other waits: the GIL is free.
    first.add_node("n", "first")
    assert not done.is_set()
    first.commit()
    t.join(timeout=60)
    assert done.is_set()
    with g.read() as r:
        assert sorted(r.node(i).name for i in r.node_ids().tolist()) == ["first", "second"]


def test_a_snapshot_made_in_one_thread_reads_in_another():
    g = mmgraph.Graph.in_memory()
    with g.write() as tx:
        a = tx.add_node("n", "a")
    r = g.read()
    seen = []
    t = threading.Thread(target=lambda: seen.append(r.node(a).name))
    t.start()
    t.join(timeout=60)
    assert seen == ["a"]
