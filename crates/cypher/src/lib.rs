//! Cypher queries over an mmgraph graph.
//!
//! This crate sits above `graph` and below applications: it parses a query in the openCypher 9
//! subset the TCK tests (a hand-written lexer and recursive-descent parser, `lexer.rs` and
//! `parser.rs`, to the AST of `ast.rs`), checks it (`check.rs`: undefined variables, misplaced
//! aggregates, clauses in an order Cypher forbids, with their positions), and runs it clause by
//! clause over a transaction (`exec.rs`; patterns in `matcher.rs`, expressions in `eval.rs`,
//! functions in `functions.rs` and `aggregate.rs`), with openCypher's value semantics
//! (`value.rs`). Nodes' labels and properties are the graph's ([`graph::PropertyRead`]).
//! `CALL algo.pagerank(...)` and its siblings run the `algo` crate's per-node algorithms
//! (`procedure.rs` names them and reads their settings, `call.rs` runs the clause).
//!
//! ```
//! use graph::Graph;
//!
//! let graph = Graph::in_memory()?;
//! cypher::execute(&graph, "CREATE (:Person {name: 'Ada', born: 1815})", &Default::default())?;
//! let read = graph.begin_read()?;
//! let rows = cypher::query(&read, "MATCH (p:Person) WHERE p.born < 1900 RETURN p.name AS name", &Default::default())?;
//! assert_eq!(rows.columns, vec!["name"]);
//! assert_eq!(rows.rows, vec![vec![cypher::Value::String("Ada".into())]]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![forbid(unsafe_code)]

mod aggregate;
mod ast;
mod call;
mod check;
mod error;
mod eval;
mod exec;
mod functions;
pub mod json;
mod lexer;
mod matcher;
mod parser;
mod plan;
mod procedure;
mod regex;
mod row_hash;
mod source;
mod store;
mod types;
mod value;

pub use error::{Error, ErrorClass, Result};
pub use eval::Params;
pub use procedure::{ProcedureInfo, procedures};
pub use value::{Path, Value};

use graph::{Graph, GraphRead, WriteTxn};

/// A query's result: column names and rows of values in column order.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Rows {
    /// The columns, as `RETURN` names them.
    pub columns: Vec<String>,
    /// The rows.
    pub rows: Vec<Vec<Value>>,
}

/// A query parsed and checked once, to run many times with different parameters.
#[derive(Clone, Debug)]
pub struct PreparedQuery {
    text: String,
    query: ast::Query,
    writes: bool,
}

impl PreparedQuery {
    /// Parses and checks `text`.
    pub fn new(text: &str) -> Result<PreparedQuery> {
        let mut query = parser::parse(text).map_err(|e| e.locate(text))?;
        check::check(&query).map_err(|e| e.locate(text))?;
        plan::plan(&mut query);
        let writes = check::writes(&query);
        Ok(PreparedQuery {
            text: text.to_owned(),
            query,
            writes,
        })
    }

    /// The query text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Whether the query has write clauses (and so needs a write transaction).
    pub fn writes(&self) -> bool {
        self.writes
    }

    /// Runs the query on a read (or write, read-only) transaction; a query that writes is
    /// [`Error::ReadOnly`].
    pub fn run<T: GraphRead + ?Sized>(&self, txn: &T, params: &Params) -> Result<Rows> {
        if self.writes {
            return Err(Error::ReadOnly);
        }
        self.check_params(params)?;
        exec::run(&mut store::ReadOnly(txn), params, &self.query)
    }

    /// Runs the query in write transaction `txn`. On an error the transaction may hold part
    /// of the query's changes: drop it (or use [`execute`], which commits only a query that
    /// succeeded).
    pub fn run_write(&self, txn: &mut WriteTxn, params: &Params) -> Result<Rows> {
        self.check_params(params)?;
        exec::run(txn, params, &self.query)
    }

    fn check_params(&self, params: &Params) -> Result<()> {
        check::missing_parameter(&self.query, params).map_or(Ok(()), |e| Err(e.locate(&self.text)))
    }
}

/// Runs read query `text` on `txn`.
pub fn query<T: GraphRead + ?Sized>(txn: &T, text: &str, params: &Params) -> Result<Rows> {
    PreparedQuery::new(text)?.run(txn, params)
}

/// Runs query `text` (reads and writes) in `txn`; see [`PreparedQuery::run_write`] for what
/// an error leaves behind.
pub fn query_write(txn: &mut WriteTxn, text: &str, params: &Params) -> Result<Rows> {
    PreparedQuery::new(text)?.run_write(txn, params)
}

/// Runs query `text` in a new write transaction of `graph` and commits it if the query
/// succeeds; a query that fails leaves the graph as it was.
pub fn execute(graph: &Graph, text: &str, params: &Params) -> Result<Rows> {
    let prepared = PreparedQuery::new(text)?;
    let mut txn = graph.begin_write()?;
    let rows = prepared.run_write(&mut txn, params)?;
    txn.commit()?;
    Ok(rows)
}
