//! The parsed query: clauses, patterns and expressions.

use crate::error::Pos;
use crate::value::Value;

/// A whole query: single queries joined by `UNION` (`all[i]` says whether the union before
/// part `i + 1` keeps duplicates).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Query {
    pub(crate) parts: Vec<SingleQuery>,
    pub(crate) union_all: Vec<bool>,
}

/// Clauses run one after the other.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SingleQuery {
    pub(crate) clauses: Vec<Clause>,
}

/// One clause.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Clause {
    Match {
        optional: bool,
        patterns: Vec<PatternPart>,
        filter: Option<Expr>,
    },
    Unwind {
        list: Expr,
        var: String,
    },
    With {
        projection: Projection,
        filter: Option<Expr>,
    },
    Return(Projection),
    Create(Vec<PatternPart>),
    Merge {
        part: PatternPart,
        on_create: Vec<SetItem>,
        on_match: Vec<SetItem>,
    },
    Set(Vec<SetItem>),
    Remove(Vec<RemoveItem>),
    Delete {
        detach: bool,
        targets: Vec<Expr>,
    },
    /// `CREATE INDEX name FOR (n:Label) ON (n.key)` or `CREATE INDEX ON :Label(key)`.
    CreateIndex {
        name: String,
        label: String,
        key: String,
    },
    /// `DROP INDEX name` or `DROP INDEX ON :Label(key)`.
    DropIndex {
        name: String,
    },
    /// `CREATE COLUMN FOR (n:Label) ON (n.key)` or `CREATE COLUMN ON :Label(key)`.
    CreateColumn {
        label: String,
        key: String,
    },
    /// `DROP COLUMN FOR (n:Label) ON (n.key)` or `DROP COLUMN ON :Label(key)`.
    DropColumn {
        label: String,
        key: String,
    },
    /// `CALL name(args) [YIELD ...] [WHERE ...]`.
    Call(ProcedureCall),
}

/// A procedure call.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ProcedureCall {
    /// Where the procedure's name starts.
    pub(crate) pos: Pos,
    /// Line and column of `pos`, for errors found while it runs.
    pub(crate) at: (usize, usize),
    /// The dotted name.
    pub(crate) name: String,
    pub(crate) args: Vec<Expr>,
    /// `YIELD output [AS var], ...`; `None` without `YIELD`: every output, under its name.
    pub(crate) yields: Option<Vec<YieldItem>>,
    /// `WHERE` after `YIELD`.
    pub(crate) filter: Option<Expr>,
}

/// One yielded output and the variable it binds.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct YieldItem {
    pub(crate) output: String,
    pub(crate) var: String,
    pub(crate) pos: Pos,
}

/// What `WITH` and `RETURN` project, and how they order and cut the rows.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Projection {
    pub(crate) pos: Pos,
    pub(crate) distinct: bool,
    /// `*`: every variable in scope, before the items.
    pub(crate) star: bool,
    pub(crate) items: Vec<ProjectionItem>,
    pub(crate) order: Vec<SortItem>,
    pub(crate) skip: Option<Expr>,
    pub(crate) limit: Option<Expr>,
}

/// One projected expression and the column it becomes.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct ProjectionItem {
    pub(crate) expr: Expr,
    /// The alias, or the expression's text.
    pub(crate) name: String,
    pub(crate) aliased: bool,
}

/// One `ORDER BY` key.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct SortItem {
    pub(crate) expr: Expr,
    pub(crate) descending: bool,
}

/// `p = shortestPath(...)` or a plain pattern: nodes joined by relationships.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct PatternPart {
    pub(crate) var: Option<String>,
    pub(crate) shortest: Option<Shortest>,
    pub(crate) start: NodePattern,
    pub(crate) chain: Vec<(RelPattern, NodePattern)>,
    pub(crate) pos: Pos,
}

/// Which shortest paths a pattern asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Shortest {
    One,
    All,
}

/// `(var:Label {props})`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct NodePattern {
    pub(crate) var: Option<String>,
    pub(crate) labels: Vec<String>,
    pub(crate) props: Option<Expr>,
    pub(crate) pos: Pos,
    /// Constant bounds on the node's properties the planner found (`plan.rs`): a property
    /// index can give the candidates.
    pub(crate) hints: Vec<IndexHint>,
}

/// `key` of a node lies within `from..to`, both sides constant expressions.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct IndexHint {
    pub(crate) key: String,
    pub(crate) from: std::ops::Bound<Expr>,
    pub(crate) to: std::ops::Bound<Expr>,
}

/// Which way a relationship pattern points.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Dir {
    /// `-->`
    Out,
    /// `<--`
    In,
    /// `--`
    Both,
}

/// `-[var:T1|T2*min..max {props}]->`.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct RelPattern {
    pub(crate) var: Option<String>,
    pub(crate) types: Vec<String>,
    pub(crate) dir: Dir,
    /// `Some((min, max))` for a variable-length relationship.
    pub(crate) range: Option<(Option<u64>, Option<u64>)>,
    pub(crate) props: Option<Expr>,
    pub(crate) pos: Pos,
}

/// One `SET` item.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum SetItem {
    /// `target.key = value`
    Property {
        target: Expr,
        key: String,
        value: Expr,
    },
    /// `var = map` (replace) or `var += map` (merge).
    Properties {
        var: String,
        value: Expr,
        merge: bool,
    },
    /// `var:L1:L2`
    Labels { var: String, labels: Vec<String> },
}

/// One `REMOVE` item.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum RemoveItem {
    Property { target: Expr, key: String },
    Labels { var: String, labels: Vec<String> },
}

/// Binary operators.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum BinOp {
    Or,
    Xor,
    And,
    Eq,
    Ne,
    Lt,
    Gt,
    Le,
    Ge,
    Regex,
    StartsWith,
    EndsWith,
    Contains,
    In,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
}

/// Quantifiers over lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Quantifier {
    All,
    Any,
    None,
    Single,
}

/// An expression.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Expr {
    Literal(Value),
    Param(String, Pos),
    Var(String, Pos),
    Property(Box<Expr>, String),
    Index(Box<Expr>, Box<Expr>),
    Slice(Box<Expr>, Option<Box<Expr>>, Option<Box<Expr>>),
    List(Vec<Expr>),
    Map(Vec<(String, Expr)>),
    /// `var {.a, b: expr, .*}`
    MapProjection(String, Vec<MapProjectionItem>, Pos),
    Binary(BinOp, Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Neg(Box<Expr>),
    IsNull(Box<Expr>, bool),
    HasLabels(Box<Expr>, Vec<String>),
    /// A chain `a < b <= c`: each comparison, and-ed.
    Comparison(Box<Expr>, Vec<(BinOp, Expr)>),
    Call {
        name: String,
        distinct: bool,
        args: Vec<Expr>,
        pos: Pos,
    },
    CountStar,
    Case {
        subject: Option<Box<Expr>>,
        whens: Vec<(Expr, Expr)>,
        otherwise: Option<Box<Expr>>,
    },
    ListComprehension {
        var: String,
        list: Box<Expr>,
        filter: Option<Box<Expr>>,
        map: Option<Box<Expr>>,
    },
    Quantified {
        quantifier: Quantifier,
        var: String,
        list: Box<Expr>,
        filter: Box<Expr>,
    },
    Reduce {
        acc: String,
        init: Box<Expr>,
        var: String,
        list: Box<Expr>,
        expr: Box<Expr>,
    },
    /// A pattern used as a predicate (true when it has a match).
    Pattern(Box<PatternPart>),
    /// `EXISTS { ... }`: true when the subquery, run from the current row, gives a row. The
    /// short form `EXISTS { pattern [WHERE filter] }` is kept as `MATCH pattern [WHERE
    /// filter]`.
    Exists(Box<SingleQuery>),
    /// `[pattern WHERE filter | expr]`
    PatternComprehension {
        part: Box<PatternPart>,
        filter: Option<Box<Expr>>,
        map: Box<Expr>,
    },
    /// An aggregate's result in a projection, by slot (set by the planner).
    Aggregate(usize),
}

/// One item of a map projection.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum MapProjectionItem {
    Property(String),
    AllProperties,
    Literal(String, Expr),
    Var(String),
}
