"""The same queries as `query.rs`, on the same generated graph, through Kuzu's Python API.

Kuzu 0.11.3 (`pip install kuzu==0.11.3`), one thread. The graph (the issue's `medium` size):
100,000 Person nodes (id, age, name) and 1,000,000 KNOWS relationships from the same linear congruential sequence as
`query.rs`; Person's primary key is `id` (Kuzu's index, the counterpart of the property index
`query.rs` creates). Each figure is the mean of a timed loop after a warm-up, results fetched
in full. Python's own call overhead is in Kuzu's figures (about a microsecond per call);
`query.rs` measures mmgraph through its Rust API.

    python3 crates/cypher/benches/kuzu_compare.py
"""

import os
import tempfile
import time
import warnings

import kuzu

PEOPLE = 100_000
KNOWS = 1_000_000
MASK = (1 << 64) - 1


def edges():
    x = 42
    out = []
    for _ in range(KNOWS):
        pair = []
        for _ in range(2):
            x = (x * 6364136223846793005 + 1442695040888963407) & MASK
            pair.append((x >> 33) % PEOPLE)
        out.append(pair)
    return out


def timed(label, fn, seconds=2.0):
    for _ in range(3):
        fn(0)
    n = 0
    start = time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn(n)
        n += 1
    mean = (time.perf_counter() - start) / n
    unit, scale = ("µs", 1e6) if mean < 1e-3 else ("ms", 1e3)
    print(f"{label:<55} {mean * scale:10.2f} {unit}  ({n} runs)")


def main():
    with tempfile.TemporaryDirectory() as tmp:
        run(tmp)


def run(tmp):
    with open(os.path.join(tmp, "person.csv"), "w") as f:
        for i in range(PEOPLE):
            f.write(f"{i},{18 + i % 60},person{i}\n")
    with open(os.path.join(tmp, "knows.csv"), "w") as f:
        for a, b in edges():
            f.write(f"{a},{b}\n")
    db = kuzu.Database(os.path.join(tmp, "kuzu.db"))
    conn = kuzu.Connection(db, num_threads=1)
    conn.execute("CREATE NODE TABLE Person(id INT64, age INT64, name STRING, PRIMARY KEY(id))")
    conn.execute("CREATE REL TABLE KNOWS(FROM Person TO Person)")
    conn.execute("CREATE NODE TABLE Item(i INT64, PRIMARY KEY(i))")
    conn.execute(f"COPY Person FROM '{tmp}/person.csv'")
    conn.execute(f"COPY KNOWS FROM '{tmp}/knows.csv'")

    # Kuzu 0.11 deprecates prepare() in favour of execute(text, params), which caches the plan;
    # both are timed.
    warnings.filterwarnings("ignore", category=DeprecationWarning)

    def prepared(text):
        p = conn.prepare(text)
        return lambda n: conn.execute(p, {"id": (n * 7919) % PEOPLE}).get_all()

    trivial = conn.prepare("RETURN 1 AS one")
    timed("prepared RETURN 1 (per-call overhead)", lambda n: conn.execute(trivial).get_all())
    lookup = "MATCH (p:Person) WHERE p.id = $id RETURN p.name AS name"
    timed("point lookup by indexed property, prepared", prepared(lookup))
    timed(
        "point lookup by indexed property, parse+plan+run",
        lambda n: conn.execute(lookup, {"id": (n * 7919) % PEOPLE}).get_all(),
    )
    timed(
        "1-hop with a property filter",
        prepared("MATCH (p:Person {id: $id})-[:KNOWS]->(f:Person) WHERE f.age > 40 RETURN f.name AS name"),
    )
    timed(
        "2-hop with a property filter",
        prepared(
            "MATCH (p:Person {id: $id})-[:KNOWS]->()-[:KNOWS]->(f:Person) WHERE f.age > 40 RETURN count(f) AS n"
        ),
    )
    timed(
        "variable-length *1..3 path count",
        prepared("MATCH (p:Person {id: $id})-[:KNOWS*1..3]->(f) RETURN count(*) AS n"),
    )
    aggregate = conn.prepare("MATCH (p:Person) RETURN avg(p.age) AS a, count(*) AS n")
    timed("aggregation over all 100K Person nodes", lambda n: conn.execute(aggregate).get_all())

    def create(n):
        conn.execute("BEGIN TRANSACTION")
        conn.execute("UNWIND range(1, 10000) AS i CREATE (:Item {i: i})")
        conn.execute("ROLLBACK")

    timed("CREATE 10K nodes in one query (rolled back)", create)


if __name__ == "__main__":
    main()
