//! What a user would otherwise pick: the graph in SQLite (through `rusqlite`, SQLite bundled),
//! with the schema a graph-on-SQLite user writes, and the traversals done in the application
//! over prepared (cached) neighbour queries.
//!
//! ```sql
//! CREATE TABLE entities (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, data BLOB);
//! CREATE TABLE edges (id INTEGER PRIMARY KEY, from_id INTEGER NOT NULL, to_id INTEGER NOT NULL,
//!                     edge_type TEXT NOT NULL, data BLOB);
//! CREATE INDEX edges_from_type ON edges(from_id, edge_type);
//! CREATE INDEX edges_to_type ON edges(to_id, edge_type);
//! CREATE INDEX entities_kind ON entities(kind);
//! CREATE INDEX entities_name ON entities(name);
//! ```
//!
//! Durable like mmgraph's default: `journal_mode=WAL`, `synchronous=FULL`; the bulk load is one
//! transaction. The page cache is SQLite's default (2 MiB) unless [`SqliteConfig`] says
//! otherwise.

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use rusqlite::{Connection, params};

use crate::Result;
use crate::algo::{self, Adjacent, Dir};
use crate::engine::{Engine, LoadTimes};
use crate::generate::{EDGE_TYPES, Generated};

/// The schema, created before the load (as an application creates it when it starts).
pub const SCHEMA: &str = "
CREATE TABLE entities (id INTEGER PRIMARY KEY, kind TEXT NOT NULL, name TEXT NOT NULL, data BLOB);
CREATE TABLE edges (id INTEGER PRIMARY KEY, from_id INTEGER NOT NULL, to_id INTEGER NOT NULL,
                    edge_type TEXT NOT NULL, data BLOB);
CREATE INDEX edges_from_type ON edges(from_id, edge_type);
CREATE INDEX edges_to_type ON edges(to_id, edge_type);
CREATE INDEX entities_kind ON entities(kind);
CREATE INDEX entities_name ON entities(name);
";

const GET_NODE: &str = "SELECT kind, name, data FROM entities WHERE id = ?1";
const OUT_NEIGHBORS: &str = "SELECT to_id FROM edges WHERE from_id = ?1";
const IN_NEIGHBORS: &str = "SELECT from_id FROM edges WHERE to_id = ?1";

/// SQLite settings beyond the defaults.
#[derive(Clone, Copy, Debug, Default)]
pub struct SqliteConfig {
    /// `PRAGMA cache_size = -<KiB>`; `None`: SQLite's default (2 MiB).
    pub cache_kib: Option<u64>,
    /// `PRAGMA mmap_size = <bytes>`; `None`: SQLite's default (no mmap).
    pub mmap_bytes: Option<u64>,
}

/// The sizes of SQLite's files.
#[derive(Clone, Copy, Debug, Default)]
pub struct SqliteSizes {
    /// The database file right after the load's commit.
    pub db_after_commit: u64,
    /// The WAL file right after the load's commit.
    pub wal_after_commit: u64,
    /// The database file after `PRAGMA wal_checkpoint(TRUNCATE)` (the WAL is then empty).
    pub db_after_checkpoint: u64,
}

/// A graph in a SQLite database.
pub struct Sqlite {
    path: PathBuf,
    config: SqliteConfig,
    conn: Option<Connection>,
    nodes: u64,
}

impl std::fmt::Debug for Sqlite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Sqlite").field("path", &self.path).finish()
    }
}

fn file_len(path: &Path) -> u64 {
    std::fs::metadata(path).map_or(0, |m| m.len())
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut s = path.as_os_str().to_os_string();
    s.push(suffix);
    PathBuf::from(s)
}

/// Opens `path` with the settings an application sets on every connection.
fn connect(path: &Path, config: SqliteConfig) -> Result<Connection> {
    let conn = Connection::open(path)?;
    let mode: String = conn.query_row("PRAGMA journal_mode = WAL", [], |r| r.get(0))?;
    if mode != "wal" {
        return Err(format!("SQLite refused WAL mode (journal_mode = {mode})").into());
    }
    conn.execute_batch("PRAGMA synchronous = FULL;")?;
    if let Some(kib) = config.cache_kib {
        conn.execute_batch(&format!("PRAGMA cache_size = -{kib};"))?;
    }
    if let Some(bytes) = config.mmap_bytes {
        let _: i64 = conn.query_row(&format!("PRAGMA mmap_size = {bytes}"), [], |r| r.get(0))?;
    }
    Ok(conn)
}

impl Sqlite {
    /// Creates a database at `path` (which must not exist) and loads `g` into it in one
    /// transaction. Returns the database, the load's times and the files' sizes.
    pub fn load(
        path: &Path,
        g: &Generated,
        config: SqliteConfig,
    ) -> Result<(Sqlite, LoadTimes, SqliteSizes)> {
        let mut conn = connect(path, config)?;
        conn.execute_batch(SCHEMA)?;
        let mut times = LoadTimes::default();
        let tx = conn.transaction()?;
        {
            let started = Instant::now();
            let mut insert = tx.prepare_cached(
                "INSERT INTO entities (id, kind, name, data) VALUES (?1, ?2, ?3, ?4)",
            )?;
            for i in 0..g.nodes {
                let node = g.node(i);
                insert.execute(params![i as i64, node.kind, node.name, node.data])?;
            }
            times.nodes = started.elapsed();
            let started = Instant::now();
            let mut insert = tx.prepare_cached(
                "INSERT INTO edges (from_id, to_id, edge_type, data) VALUES (?1, ?2, ?3, ?4)",
            )?;
            let empty: &[u8] = &[];
            for (i, &(from, to)) in g.edges.iter().enumerate() {
                insert.execute(params![
                    i64::from(from),
                    i64::from(to),
                    g.edge_type(i),
                    empty
                ])?;
            }
            times.edges = started.elapsed();
        }
        let started = Instant::now();
        tx.commit()?;
        times.commit = started.elapsed();
        let mut sizes = SqliteSizes {
            db_after_commit: file_len(path),
            wal_after_commit: file_len(&with_suffix(path, "-wal")),
            ..SqliteSizes::default()
        };
        conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        sizes.db_after_checkpoint = file_len(path);
        let db = Sqlite {
            path: path.to_path_buf(),
            config,
            conn: Some(conn),
            nodes: g.nodes,
        };
        Ok((db, times, sizes))
    }

    /// `EXPLAIN QUERY PLAN` of the neighbour queries and the node lookup, one line each.
    pub fn query_plans(&self) -> Result<Vec<String>> {
        let mut plans = Vec::new();
        for sql in [GET_NODE, OUT_NEIGHBORS, IN_NEIGHBORS] {
            let mut stmt = self.conn()?.prepare(&format!("EXPLAIN QUERY PLAN {sql}"))?;
            let details: Vec<String> = stmt
                .query_map([0], |r| r.get::<_, String>(3))?
                .collect::<rusqlite::Result<_>>()?;
            plans.push(format!("{sql}: {}", details.join("; ")));
        }
        Ok(plans)
    }

    /// The number of nodes and edges in the database (`count(*)` of each table).
    pub fn counts(&self) -> Result<(u64, u64)> {
        let conn = self.conn()?;
        let nodes: i64 = conn.query_row("SELECT count(*) FROM entities", [], |r| r.get(0))?;
        let edges: i64 = conn.query_row("SELECT count(*) FROM edges", [], |r| r.get(0))?;
        Ok((nodes as u64, edges as u64))
    }

    fn conn(&self) -> Result<&Connection> {
        Ok(self
            .conn
            .as_ref()
            .ok_or("the SQLite connection is closed")?)
    }

    fn neighbors(&self, node: u64, dir: Dir, out: &mut Vec<u64>) -> Result<()> {
        let sql = match dir {
            Dir::Out => OUT_NEIGHBORS,
            Dir::In => IN_NEIGHBORS,
        };
        let mut stmt = self.conn()?.prepare_cached(sql)?;
        let mut rows = stmt.query([node as i64])?;
        while let Some(row) = rows.next()? {
            out.push(row.get::<_, i64>(0)? as u64);
        }
        Ok(())
    }
}

impl Sqlite {
    /// Appends `node`'s neighbours in `dir` along edges of `types` to `out`: one query on the
    /// `(from_id, edge_type)` (or `(to_id, edge_type)`) index.
    fn typed_neighbors(&self, node: u64, dir: Dir, types: &[u8], out: &mut Vec<u64>) -> Result<()> {
        let (column, end) = match dir {
            Dir::Out => ("to_id", "from_id"),
            Dir::In => ("from_id", "to_id"),
        };
        let marks: Vec<String> = (0..types.len()).map(|i| format!("?{}", i + 2)).collect();
        let sql = format!(
            "SELECT {column} FROM edges WHERE {end} = ?1 AND edge_type IN ({})",
            marks.join(", ")
        );
        let mut stmt = self.conn()?.prepare_cached(&sql)?;
        let mut params: Vec<rusqlite::types::Value> = vec![(node as i64).into()];
        for &t in types {
            params.push(EDGE_TYPES[usize::from(t)].to_string().into());
        }
        let mut rows = stmt.query(rusqlite::params_from_iter(params))?;
        while let Some(row) = rows.next()? {
            out.push(row.get::<_, i64>(0)? as u64);
        }
        Ok(())
    }

    /// Reads node `id`'s kind, name and data; returns the bytes of name and data, and of kind.
    fn read_node(&self, id: u64) -> Result<(u64, u64)> {
        let mut stmt = self.conn()?.prepare_cached(GET_NODE)?;
        let mut rows = stmt.query([id as i64])?;
        let row = rows.next()?.ok_or_else(|| format!("no node {id}"))?;
        let kind = row.get_ref(0)?.as_str()?;
        let name = row.get_ref(1)?.as_str()?;
        let data = row.get_ref(2)?.as_blob()?;
        std::hint::black_box((kind, name, data));
        Ok(((name.len() + data.len()) as u64, kind.len() as u64))
    }
}

impl Adjacent for Sqlite {
    fn append_neighbors(
        &mut self,
        node: u64,
        dir: Dir,
        types: Option<&[u8]>,
        out: &mut Vec<u64>,
    ) -> Result<()> {
        match types {
            None => self.neighbors(node, dir, out),
            Some(types) => self.typed_neighbors(node, dir, types, out),
        }
    }
}

impl Engine for Sqlite {
    fn name(&self) -> &'static str {
        "SQLite"
    }

    fn get_node(&mut self, id: u64) -> Result<u64> {
        Ok(self.read_node(id)?.0)
    }

    fn get_node_with_kind(&mut self, id: u64) -> Result<u64> {
        // The same query as `get_node`: SQLite returns the kind as text either way.
        let (record, kind) = self.read_node(id)?;
        Ok(record + kind)
    }

    fn out_neighbors(&mut self, id: u64) -> Result<u64> {
        let mut stmt = self.conn()?.prepare_cached(OUT_NEIGHBORS)?;
        let mut rows = stmt.query([id as i64])?;
        let mut sum = 0;
        while let Some(row) = rows.next()? {
            sum += row.get::<_, i64>(0)? as u64 + 1;
        }
        Ok(sum)
    }

    fn bfs(&mut self, start: u64) -> Result<u64> {
        let nodes = self.nodes;
        let order = algo::bfs(self, nodes, start, None, None)?;
        Ok(order.iter().map(|&(_, d)| u64::from(d) + 1).sum())
    }

    fn k_hop(&mut self, start: u64, k: u32) -> Result<u64> {
        let nodes = self.nodes;
        Ok(algo::bfs(self, nodes, start, None, Some(k))?.len() as u64 - 1)
    }

    fn shortest_path(&mut self, from: u64, to: u64) -> Result<u64> {
        Ok(algo::shortest_path(self, from, to, None)?.map_or(0, |p| p.len() as u64))
    }

    fn filtered_bfs(&mut self, start: u64, types: &[u8]) -> Result<u64> {
        let nodes = self.nodes;
        let order = algo::bfs(self, nodes, start, Some(types), None)?;
        Ok(order.iter().map(|&(_, d)| u64::from(d) + 1).sum())
    }

    fn filtered_shortest_path(&mut self, from: u64, to: u64, types: &[u8]) -> Result<u64> {
        Ok(algo::shortest_path(self, from, to, Some(types))?.map_or(0, |p| p.len() as u64))
    }

    fn close_and_reopen(&mut self) -> Result<Option<Duration>> {
        let started = Instant::now();
        if let Some(conn) = self.conn.take() {
            conn.close().map_err(|(_, e)| e)?;
        }
        self.conn = Some(connect(&self.path, self.config)?);
        self.get_node(0)?;
        Ok(Some(started.elapsed()))
    }
}
