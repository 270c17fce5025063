//! A recursive-descent parser from tokens to the [`crate::ast`] of a query.

use crate::ast::*;
use crate::error::{CompileError, Pos};
use crate::lexer::{Tok, Token, tokens};
use crate::value::Value;

type PResult<T> = Result<T, CompileError>;

/// Parses `text` into a query.
pub(crate) fn parse(text: &str) -> PResult<Query> {
    let toks = tokens(text)?;
    let mut p = Parser {
        text,
        toks,
        at: 0,
        depth: 0,
    };
    let query = p.query()?;
    p.eat_sym(";");
    if !p.at_end() {
        return Err(p.unexpected("the end of the query"));
    }
    Ok(query)
}

struct Parser<'a> {
    text: &'a str,
    toks: Vec<Token>,
    at: usize,
    /// How deeply the rule being parsed is nested (expressions, `NOT`, signs, patterns).
    depth: usize,
}

/// The deepest nesting a query may have: the parser, the checker and the evaluator recurse
/// once per level, so a limit keeps hostile input from exhausting the stack.
const MAX_DEPTH: usize = 64;

const RESERVED: [&str; 32] = [
    "MATCH", "OPTIONAL", "WHERE", "RETURN", "WITH", "UNWIND", "CREATE", "MERGE", "SET", "REMOVE",
    "DELETE", "DETACH", "UNION", "ORDER", "SKIP", "LIMIT", "AS", "AND", "OR", "XOR", "NOT", "IN",
    "IS", "STARTS", "ENDS", "CONTAINS", "CASE", "WHEN", "THEN", "ELSE", "END", "CALL",
];

impl<'a> Parser<'a> {
    fn peek(&self) -> &Tok {
        self.toks.get(self.at).map_or(&Tok::End, |t| &t.tok)
    }

    fn peek_at(&self, n: usize) -> &Tok {
        self.toks.get(self.at + n).map_or(&Tok::End, |t| &t.tok)
    }

    fn pos(&self) -> Pos {
        self.toks
            .get(self.at)
            .map_or(Pos(self.text.len()), |t| t.pos)
    }

    fn at_end(&self) -> bool {
        matches!(self.peek(), Tok::End)
    }

    fn advance(&mut self) {
        self.at += 1;
    }

    fn unexpected(&self, wanted: &str) -> CompileError {
        let found = match self.peek() {
            Tok::End => "the end of the query".to_owned(),
            Tok::Ident { name, .. } => format!("'{name}'"),
            Tok::Sym(s) => format!("'{s}'"),
            Tok::Int(s) | Tok::Float(s) => s.clone(),
            Tok::Str(s) => format!("string {s:?}"),
            Tok::Param(s) => format!("${s}"),
        };
        CompileError::syntax(
            self.pos(),
            "UnexpectedSyntax",
            format!("expected {wanted}, found {found}"),
        )
    }

    fn is_kw(&self, kw: &str) -> bool {
        self.is_kw_at(0, kw)
    }

    fn is_kw_at(&self, n: usize, kw: &str) -> bool {
        matches!(self.peek_at(n), Tok::Ident { name, quoted: false } if name.eq_ignore_ascii_case(kw))
    }

    fn eat_kw(&mut self, kw: &str) -> bool {
        if self.is_kw(kw) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn expect_kw(&mut self, kw: &str) -> PResult<()> {
        if self.eat_kw(kw) {
            Ok(())
        } else {
            Err(self.unexpected(kw))
        }
    }

    fn is_sym(&self, s: &str) -> bool {
        matches!(self.peek(), Tok::Sym(t) if *t == s)
    }

    fn is_sym_at(&self, n: usize, s: &str) -> bool {
        matches!(self.peek_at(n), Tok::Sym(t) if *t == s)
    }

    fn eat_sym(&mut self, s: &str) -> bool {
        if self.is_sym(s) {
            self.advance();
            true
        } else {
            false
        }
    }

    fn expect_sym(&mut self, s: &str) -> PResult<()> {
        if self.eat_sym(s) {
            Ok(())
        } else {
            Err(self.unexpected(&format!("'{s}'")))
        }
    }

    /// A name: a variable, label, key or function name (keywords allowed where unambiguous).
    fn name(&mut self) -> PResult<String> {
        match self.peek().clone() {
            Tok::Ident { name, .. } => {
                self.advance();
                Ok(name)
            }
            _ => Err(self.unexpected("a name")),
        }
    }

    /// A variable name: not a reserved word unless quoted.
    fn variable(&mut self) -> PResult<String> {
        match self.peek().clone() {
            Tok::Ident { name, quoted } if quoted || !is_reserved(&name) => {
                self.advance();
                Ok(name)
            }
            _ => Err(self.unexpected("a variable")),
        }
    }

    fn is_variable_start(&self) -> bool {
        matches!(self.peek(), Tok::Ident { name, quoted } if *quoted || !is_reserved(name))
    }

    fn text_between(&self, start: Pos, end_tok: usize) -> String {
        let end = self
            .toks
            .get(end_tok.saturating_sub(1))
            .map_or(self.text.len(), |t| token_end(self.text, t));
        self.text
            .get(start.0..end)
            .unwrap_or_default()
            .trim()
            .to_owned()
    }

    // ---- clauses ----

    fn query(&mut self) -> PResult<Query> {
        if let Some(clause) = self.schema_command()? {
            return Ok(Query {
                parts: vec![SingleQuery {
                    clauses: vec![clause],
                }],
                union_all: Vec::new(),
            });
        }
        let mut parts = vec![self.single_query()?];
        let mut union_all = Vec::new();
        while self.eat_kw("UNION") {
            union_all.push(self.eat_kw("ALL"));
            parts.push(self.single_query()?);
        }
        Ok(Query { parts, union_all })
    }

    /// `CREATE INDEX [name] FOR (v:Label) ON (v.key)`, `CREATE INDEX ON :Label(key)`,
    /// `DROP INDEX name`, `DROP INDEX ON :Label(key)`; `CREATE COLUMN` and `DROP COLUMN`
    /// with `FOR (v:Label) ON (v.key)` or `ON :Label(key)` (a column has no name).
    fn schema_command(&mut self) -> PResult<Option<Clause>> {
        let create = self.is_kw("CREATE");
        if !create && !self.is_kw("DROP") {
            return Ok(None);
        }
        let column = self.is_kw_at(1, "COLUMN");
        if !column && !self.is_kw_at(1, "INDEX") {
            return Ok(None);
        }
        self.at += 2;
        let (name, label, key) = if self.eat_kw("ON") {
            self.expect_sym(":")?;
            let label = self.name()?;
            self.expect_sym("(")?;
            let key = self.name()?;
            self.expect_sym(")")?;
            (None, label, key)
        } else if !create && !column {
            return Ok(Some(Clause::DropIndex { name: self.name()? }));
        } else {
            let name = if column || self.is_kw("FOR") {
                None
            } else {
                Some(self.name()?)
            };
            let (label, key) = self.label_and_key()?;
            (name, label, key)
        };
        Ok(Some(match (create, column) {
            (true, true) => Clause::CreateColumn { label, key },
            (false, true) => Clause::DropColumn { label, key },
            (true, false) => Clause::CreateIndex {
                name: name.unwrap_or_else(|| format!("{label}.{key}")),
                label,
                key,
            },
            (false, false) => Clause::DropIndex {
                name: format!("{label}.{key}"),
            },
        }))
    }

    /// `FOR (v:Label) ON (v.key)` of an index or column: the label and the key.
    fn label_and_key(&mut self) -> PResult<(String, String)> {
        self.expect_kw("FOR")?;
        self.expect_sym("(")?;
        let var = self.variable()?;
        self.expect_sym(":")?;
        let label = self.name()?;
        self.expect_sym(")")?;
        self.expect_kw("ON")?;
        self.expect_sym("(")?;
        let pos = self.pos();
        if self.variable()? != var {
            return Err(CompileError::syntax(
                pos,
                "UndefinedVariable",
                format!("the index is on {var}"),
            ));
        }
        self.expect_sym(".")?;
        let key = self.name()?;
        self.expect_sym(")")?;
        Ok((label, key))
    }

    fn single_query(&mut self) -> PResult<SingleQuery> {
        let mut clauses = Vec::new();
        loop {
            let pos = self.pos();
            let clause = if self.is_kw("MATCH")
                || (self.is_kw("OPTIONAL") && self.is_kw_at(1, "MATCH"))
            {
                let optional = self.eat_kw("OPTIONAL");
                self.expect_kw("MATCH")?;
                let patterns = self.pattern_list()?;
                let filter = self.where_clause()?;
                Clause::Match {
                    optional,
                    patterns,
                    filter,
                }
            } else if self.eat_kw("UNWIND") {
                let list = self.expr()?;
                self.expect_kw("AS")?;
                let var = self.variable()?;
                Clause::Unwind { list, var }
            } else if self.eat_kw("WITH") {
                let projection = self.projection(pos)?;
                let filter = self.where_clause()?;
                Clause::With { projection, filter }
            } else if self.eat_kw("RETURN") {
                Clause::Return(self.projection(pos)?)
            } else if self.eat_kw("CREATE") {
                Clause::Create(self.pattern_list()?)
            } else if self.eat_kw("MERGE") {
                let part = self.pattern_part()?;
                let (mut on_create, mut on_match) = (Vec::new(), Vec::new());
                while self.is_kw("ON") {
                    self.advance();
                    let create = if self.eat_kw("CREATE") {
                        true
                    } else {
                        self.expect_kw("MATCH")?;
                        false
                    };
                    self.expect_kw("SET")?;
                    let items = self.set_items()?;
                    if create {
                        on_create.extend(items)
                    } else {
                        on_match.extend(items)
                    }
                }
                Clause::Merge {
                    part,
                    on_create,
                    on_match,
                }
            } else if self.eat_kw("SET") {
                Clause::Set(self.set_items()?)
            } else if self.eat_kw("REMOVE") {
                Clause::Remove(self.remove_items()?)
            } else if self.is_kw("DELETE") || (self.is_kw("DETACH") && self.is_kw_at(1, "DELETE")) {
                let detach = self.eat_kw("DETACH");
                self.expect_kw("DELETE")?;
                let mut targets = vec![self.expr()?];
                while self.eat_sym(",") {
                    targets.push(self.expr()?);
                }
                Clause::Delete { detach, targets }
            } else if self.is_kw("CALL") && self.is_sym_at(1, "{") {
                return Err(CompileError::unsupported(pos, "CALL { } subqueries"));
            } else if self.eat_kw("CALL") {
                Clause::Call(self.procedure_call()?)
            } else if self.is_kw("FOREACH") {
                return Err(CompileError::unsupported(pos, "FOREACH"));
            } else {
                break;
            };
            clauses.push(clause);
        }
        if clauses.is_empty() {
            return Err(self.unexpected("a clause"));
        }
        Ok(SingleQuery { clauses })
    }

    /// After `CALL`: `name.space(args) [YIELD out [AS var], ... [WHERE expr]]`; the
    /// parentheses may be left out when there are no arguments.
    fn procedure_call(&mut self) -> PResult<ProcedureCall> {
        let pos = self.pos();
        let mut name = self.name()?;
        while self.eat_sym(".") {
            name.push('.');
            name.push_str(&self.name()?);
        }
        let mut args = Vec::new();
        if self.eat_sym("(") {
            if !self.is_sym(")") {
                args.push(self.expr()?);
                while self.eat_sym(",") {
                    args.push(self.expr()?);
                }
            }
            self.expect_sym(")")?;
        }
        let (mut yields, mut filter) = (None, None);
        if self.eat_kw("YIELD") {
            let mut items = Vec::new();
            loop {
                let pos = self.pos();
                let output = self.variable()?;
                let var = if self.eat_kw("AS") {
                    self.variable()?
                } else {
                    output.clone()
                };
                items.push(YieldItem { output, var, pos });
                if !self.eat_sym(",") {
                    break;
                }
            }
            yields = Some(items);
            filter = self.where_clause()?;
        }
        Ok(ProcedureCall {
            pos,
            at: pos.line_column(self.text),
            name,
            args,
            yields,
            filter,
        })
    }

    /// `EXISTS { subquery }`, or `EXISTS { pattern [WHERE filter] }` read as a `MATCH`.
    fn exists(&mut self) -> PResult<Expr> {
        self.advance();
        self.expect_sym("{")?;
        let query = if matches!(self.peek_at(0), Tok::Sym("(")) {
            let mut patterns = vec![self.pattern_part()?];
            while self.eat_sym(",") {
                patterns.push(self.pattern_part()?);
            }
            let filter = self.where_clause()?;
            SingleQuery {
                clauses: vec![Clause::Match {
                    optional: false,
                    patterns,
                    filter,
                }],
            }
        } else {
            self.single_query()?
        };
        self.expect_sym("}")?;
        Ok(Expr::Exists(Box::new(query)))
    }

    fn where_clause(&mut self) -> PResult<Option<Expr>> {
        if self.eat_kw("WHERE") {
            Ok(Some(self.expr()?))
        } else {
            Ok(None)
        }
    }

    fn projection(&mut self, pos: Pos) -> PResult<Projection> {
        let distinct = self.eat_kw("DISTINCT");
        let mut star = false;
        let mut items = Vec::new();
        if self.eat_sym("*") {
            star = true;
        }
        if !star || self.eat_sym(",") {
            loop {
                let start = self.pos();
                let expr = self.expr()?;
                let (name, aliased) = if self.eat_kw("AS") {
                    (self.variable()?, true)
                } else {
                    (self.text_between(start, self.at), false)
                };
                items.push(ProjectionItem {
                    expr,
                    name,
                    aliased,
                });
                if !self.eat_sym(",") {
                    break;
                }
            }
        }
        let mut order = Vec::new();
        if self.is_kw("ORDER") {
            self.advance();
            self.expect_kw("BY")?;
            loop {
                let expr = self.expr()?;
                let descending = if self.eat_kw("DESC") || self.eat_kw("DESCENDING") {
                    true
                } else {
                    let _ = self.eat_kw("ASC") || self.eat_kw("ASCENDING");
                    false
                };
                order.push(SortItem { expr, descending });
                if !self.eat_sym(",") {
                    break;
                }
            }
        }
        let skip = if self.eat_kw("SKIP") {
            Some(self.expr()?)
        } else {
            None
        };
        let limit = if self.eat_kw("LIMIT") {
            Some(self.expr()?)
        } else {
            None
        };
        Ok(Projection {
            pos,
            distinct,
            star,
            items,
            order,
            skip,
            limit,
        })
    }

    fn set_items(&mut self) -> PResult<Vec<SetItem>> {
        let mut items = Vec::new();
        loop {
            if self.is_variable_start() && self.is_sym_at(1, ":") {
                let var = self.variable()?;
                items.push(SetItem::Labels {
                    var,
                    labels: self.labels()?,
                });
            } else if self.is_variable_start()
                && (self.is_sym_at(1, "=") || self.is_sym_at(1, "+="))
            {
                let var = self.variable()?;
                let merge = self.is_sym("+=");
                self.advance();
                items.push(SetItem::Properties {
                    var,
                    value: self.expr()?,
                    merge,
                });
            } else {
                let (target, key) = self.property_target()?;
                self.expect_sym("=")?;
                items.push(SetItem::Property {
                    target,
                    key,
                    value: self.expr()?,
                });
            }
            if !self.eat_sym(",") {
                return Ok(items);
            }
        }
    }

    fn remove_items(&mut self) -> PResult<Vec<RemoveItem>> {
        let mut items = Vec::new();
        loop {
            if self.is_variable_start() && self.is_sym_at(1, ":") {
                let var = self.variable()?;
                items.push(RemoveItem::Labels {
                    var,
                    labels: self.labels()?,
                });
            } else {
                let (target, key) = self.property_target()?;
                items.push(RemoveItem::Property { target, key });
            }
            if !self.eat_sym(",") {
                return Ok(items);
            }
        }
    }

    /// `expr.key` as a write target: the expression and the key.
    fn property_target(&mut self) -> PResult<(Expr, String)> {
        let pos = self.pos();
        match self.postfix()? {
            Expr::Property(target, key) => Ok((*target, key)),
            _ => Err(CompileError::syntax(
                pos,
                "UnexpectedSyntax",
                "expected a property such as n.key",
            )),
        }
    }

    fn labels(&mut self) -> PResult<Vec<String>> {
        let mut labels = Vec::new();
        while self.eat_sym(":") {
            labels.push(self.name()?);
        }
        Ok(labels)
    }

    // ---- patterns ----

    fn pattern_list(&mut self) -> PResult<Vec<PatternPart>> {
        let mut parts = vec![self.pattern_part()?];
        while self.eat_sym(",") {
            parts.push(self.pattern_part()?);
        }
        Ok(parts)
    }

    fn pattern_part(&mut self) -> PResult<PatternPart> {
        let pos = self.pos();
        let mut var = None;
        if self.is_variable_start() && self.is_sym_at(1, "=") {
            var = Some(self.variable()?);
            self.advance();
        }
        let shortest = if self.is_kw("shortestPath") && self.is_sym_at(1, "(") {
            Some(Shortest::One)
        } else if self.is_kw("allShortestPaths") && self.is_sym_at(1, "(") {
            Some(Shortest::All)
        } else {
            None
        };
        if shortest.is_some() {
            self.advance();
            self.advance();
        }
        let (start, chain) = self.pattern_element()?;
        if shortest.is_some() {
            self.expect_sym(")")?;
        }
        Ok(PatternPart {
            var,
            shortest,
            start,
            chain,
            pos,
        })
    }

    fn pattern_element(&mut self) -> PResult<(NodePattern, Vec<(RelPattern, NodePattern)>)> {
        // `((a)-->(b))`: a parenthesised pattern element.
        if self.is_sym("(") && self.is_sym_at(1, "(") {
            self.advance();
            let inner = self.nested(Self::pattern_element)?;
            self.expect_sym(")")?;
            return Ok(inner);
        }
        let start = self.node_pattern()?;
        let mut chain = Vec::new();
        while self.is_sym("-") || (self.is_sym("<") && self.is_sym_at(1, "-")) {
            let rel = self.rel_pattern()?;
            chain.push((rel, self.node_pattern()?));
        }
        Ok((start, chain))
    }

    fn node_pattern(&mut self) -> PResult<NodePattern> {
        let pos = self.pos();
        self.expect_sym("(")?;
        let var = if self.is_variable_start() {
            Some(self.variable()?)
        } else {
            None
        };
        let labels = self.labels()?;
        let props = self.pattern_properties()?;
        self.expect_sym(")")?;
        Ok(NodePattern {
            var,
            labels,
            props,
            pos,
            hints: Vec::new(),
        })
    }

    fn pattern_properties(&mut self) -> PResult<Option<Expr>> {
        if self.is_sym("{") {
            Ok(Some(self.map_literal()?))
        } else if let Tok::Param(name) = self.peek().clone() {
            let pos = self.pos();
            self.advance();
            Ok(Some(Expr::Param(name, pos)))
        } else {
            Ok(None)
        }
    }

    fn rel_pattern(&mut self) -> PResult<RelPattern> {
        let pos = self.pos();
        let left = self.eat_sym("<");
        self.expect_sym("-")?;
        let (mut var, mut types, mut range, mut props) = (None, Vec::new(), None, None);
        if self.eat_sym("[") {
            if self.is_variable_start() {
                var = Some(self.variable()?);
            }
            if self.eat_sym(":") {
                types.push(self.name()?);
                while self.eat_sym("|") {
                    self.eat_sym(":");
                    let t = self.name()?;
                    if !types.contains(&t) {
                        types.push(t);
                    }
                }
            }
            if self.eat_sym("*") {
                range = Some(self.range()?);
            }
            props = self.pattern_properties()?;
            if !self.eat_sym("]") {
                return Err(CompileError::syntax(
                    self.pos(),
                    "InvalidRelationshipPattern",
                    "a malformed relationship pattern",
                ));
            }
        }
        self.expect_sym("-")?;
        let right = self.eat_sym(">");
        let dir = match (left, right) {
            (true, false) => Dir::In,
            (false, true) => Dir::Out,
            // `<-->` is read as undirected, as openCypher does.
            (false, false) | (true, true) => Dir::Both,
        };
        Ok(RelPattern {
            var,
            types,
            dir,
            range,
            props,
            pos,
        })
    }

    fn range(&mut self) -> PResult<(Option<u64>, Option<u64>)> {
        let min = self.range_bound()?;
        if self.eat_sym("..") {
            let max = self.range_bound()?;
            Ok((min, max))
        } else {
            // `*3` is exactly three; `*` is one or more.
            Ok((min, min))
        }
    }

    fn range_bound(&mut self) -> PResult<Option<u64>> {
        if let Tok::Int(text) = self.peek().clone() {
            let pos = self.pos();
            self.advance();
            return text.parse::<u64>().map(Some).map_err(|_| {
                CompileError::syntax(
                    pos,
                    "InvalidNumberLiteral",
                    format!("invalid range bound {text}"),
                )
            });
        }
        Ok(None)
    }

    // ---- expressions ----

    pub(crate) fn expr(&mut self) -> PResult<Expr> {
        self.nested(Self::or)
    }

    /// Runs `rule` one nesting level deeper, refusing to go past [`MAX_DEPTH`].
    fn nested<T>(&mut self, rule: impl FnOnce(&mut Self) -> PResult<T>) -> PResult<T> {
        if self.depth >= MAX_DEPTH {
            return Err(CompileError::syntax(
                self.pos(),
                "UnexpectedSyntax",
                format!("the query nests deeper than {MAX_DEPTH} levels"),
            ));
        }
        self.depth += 1;
        let result = rule(self);
        self.depth -= 1;
        result
    }

    fn or(&mut self) -> PResult<Expr> {
        let mut left = self.xor()?;
        while self.eat_kw("OR") {
            left = Expr::Binary(BinOp::Or, Box::new(left), Box::new(self.xor()?));
        }
        Ok(left)
    }

    fn xor(&mut self) -> PResult<Expr> {
        let mut left = self.and()?;
        while self.eat_kw("XOR") {
            left = Expr::Binary(BinOp::Xor, Box::new(left), Box::new(self.and()?));
        }
        Ok(left)
    }

    fn and(&mut self) -> PResult<Expr> {
        let mut left = self.not()?;
        while self.eat_kw("AND") {
            left = Expr::Binary(BinOp::And, Box::new(left), Box::new(self.not()?));
        }
        Ok(left)
    }

    fn not(&mut self) -> PResult<Expr> {
        if self.eat_kw("NOT") {
            return Ok(Expr::Not(Box::new(self.nested(Self::not)?)));
        }
        self.comparison()
    }

    fn comparison(&mut self) -> PResult<Expr> {
        let first = self.string_list_null()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek() {
                Tok::Sym("=") => BinOp::Eq,
                Tok::Sym("<>") => BinOp::Ne,
                Tok::Sym("<") => BinOp::Lt,
                Tok::Sym(">") => BinOp::Gt,
                Tok::Sym("<=") => BinOp::Le,
                Tok::Sym(">=") => BinOp::Ge,
                _ => break,
            };
            self.advance();
            rest.push((op, self.string_list_null()?));
        }
        Ok(if rest.is_empty() {
            first
        } else {
            Expr::Comparison(Box::new(first), rest)
        })
    }

    fn string_list_null(&mut self) -> PResult<Expr> {
        let mut left = self.add_sub()?;
        loop {
            let op = if self.eat_sym("=~") {
                BinOp::Regex
            } else if self.is_kw("STARTS") && self.is_kw_at(1, "WITH") {
                self.at += 2;
                BinOp::StartsWith
            } else if self.is_kw("ENDS") && self.is_kw_at(1, "WITH") {
                self.at += 2;
                BinOp::EndsWith
            } else if self.eat_kw("CONTAINS") {
                BinOp::Contains
            } else if self.eat_kw("IN") {
                BinOp::In
            } else if self.is_kw("IS") {
                self.advance();
                let negated = self.eat_kw("NOT");
                self.expect_kw("NULL")?;
                left = Expr::IsNull(Box::new(left), negated);
                continue;
            } else {
                break;
            };
            left = Expr::Binary(op, Box::new(left), Box::new(self.add_sub()?));
        }
        Ok(left)
    }

    fn add_sub(&mut self) -> PResult<Expr> {
        let mut left = self.mul_div()?;
        loop {
            let op = if self.eat_sym("+") {
                BinOp::Add
            } else if self.eat_sym("-") {
                BinOp::Sub
            } else {
                break;
            };
            left = Expr::Binary(op, Box::new(left), Box::new(self.mul_div()?));
        }
        Ok(left)
    }

    fn mul_div(&mut self) -> PResult<Expr> {
        let mut left = self.power()?;
        loop {
            let op = if self.eat_sym("*") {
                BinOp::Mul
            } else if self.eat_sym("/") {
                BinOp::Div
            } else if self.eat_sym("%") {
                BinOp::Mod
            } else {
                break;
            };
            left = Expr::Binary(op, Box::new(left), Box::new(self.power()?));
        }
        Ok(left)
    }

    fn power(&mut self) -> PResult<Expr> {
        let mut left = self.unary()?;
        while self.eat_sym("^") {
            left = Expr::Binary(BinOp::Pow, Box::new(left), Box::new(self.unary()?));
        }
        Ok(left)
    }

    fn unary(&mut self) -> PResult<Expr> {
        if self.is_sym("-") {
            let pos = self.pos();
            self.advance();
            // `-9223372036854775808` is a literal, not the negation of one that overflows.
            if let Tok::Int(text) = self.peek().clone()
                && !self.is_sym_at(1, ".")
                && !self.is_sym_at(1, "[")
            {
                self.advance();
                return Ok(Expr::Literal(Value::Int(int_literal(
                    &format!("-{text}"),
                    pos,
                )?)));
            }
            return Ok(Expr::Neg(Box::new(self.nested(Self::unary)?)));
        }
        if self.eat_sym("+") {
            return self.nested(Self::unary);
        }
        self.postfix()
    }

    fn postfix(&mut self) -> PResult<Expr> {
        let mut e = self.atom()?;
        loop {
            if self.is_sym(".") {
                self.advance();
                e = Expr::Property(Box::new(e), self.name()?);
            } else if self.is_sym("[") {
                self.advance();
                let from = if self.is_sym("..") {
                    None
                } else {
                    Some(Box::new(self.expr()?))
                };
                if self.eat_sym("..") {
                    let to = if self.is_sym("]") {
                        None
                    } else {
                        Some(Box::new(self.expr()?))
                    };
                    self.expect_sym("]")?;
                    e = Expr::Slice(Box::new(e), from, to);
                } else {
                    self.expect_sym("]")?;
                    match from {
                        Some(index) => e = Expr::Index(Box::new(e), index),
                        None => return Err(self.unexpected("an index")),
                    }
                }
            } else if self.is_sym(":") && matches!(self.peek_at(1), Tok::Ident { .. }) {
                e = Expr::HasLabels(Box::new(e), self.labels()?);
            } else {
                return Ok(e);
            }
        }
    }

    fn atom(&mut self) -> PResult<Expr> {
        let pos = self.pos();
        match self.peek().clone() {
            Tok::Int(text) => {
                self.advance();
                Ok(Expr::Literal(Value::Int(int_literal(&text, pos)?)))
            }
            Tok::Float(text) => {
                self.advance();
                let f: f64 = text.parse().map_err(|_| {
                    CompileError::syntax(
                        pos,
                        "InvalidNumberLiteral",
                        format!("invalid number {text}"),
                    )
                })?;
                if f.is_infinite() {
                    return Err(CompileError::syntax(
                        pos,
                        "FloatingPointOverflow",
                        format!("{text} is too large"),
                    ));
                }
                Ok(Expr::Literal(Value::Float(f)))
            }
            Tok::Str(s) => {
                self.advance();
                Ok(Expr::Literal(Value::String(s)))
            }
            Tok::Param(name) => {
                self.advance();
                Ok(Expr::Param(name, pos))
            }
            Tok::Sym("[") => self.list_or_comprehension(),
            Tok::Sym("{") => self.map_literal(),
            Tok::Sym("(") => self.parenthesised_or_pattern(),
            Tok::Ident { name, quoted } => {
                let upper = name.to_ascii_uppercase();
                if !quoted {
                    match upper.as_str() {
                        "TRUE" => {
                            self.advance();
                            return Ok(Expr::Literal(Value::Bool(true)));
                        }
                        "FALSE" => {
                            self.advance();
                            return Ok(Expr::Literal(Value::Bool(false)));
                        }
                        "NULL" => {
                            self.advance();
                            return Ok(Expr::Literal(Value::Null));
                        }
                        "CASE" => return self.case(),
                        "COUNT"
                            if self.is_sym_at(1, "(")
                                && self.is_sym_at(2, "*")
                                && self.is_sym_at(3, ")") =>
                        {
                            self.at += 4;
                            return Ok(Expr::CountStar);
                        }
                        "ALL" | "ANY" | "NONE" | "SINGLE"
                            if self.is_sym_at(1, "(")
                                && matches!(self.peek_at(2), Tok::Ident { .. })
                                && self.is_kw_at(3, "IN") =>
                        {
                            return self.quantified(&upper);
                        }
                        "REDUCE" if self.is_sym_at(1, "(") => return self.reduce(),
                        "EXISTS" if self.is_sym_at(1, "{") => return self.exists(),
                        _ => {}
                    }
                }
                if self.is_sym_at(1, "(")
                    || (self.is_sym_at(1, ".") && self.is_function_call_ahead())
                {
                    return self.call();
                }
                let var = self.variable()?;
                if self.is_sym("{") {
                    return self.map_projection(var, pos);
                }
                Ok(Expr::Var(var, pos))
            }
            _ => Err(self.unexpected("an expression")),
        }
    }

    /// Whether `a.b.c(` is ahead: a namespaced function name.
    fn is_function_call_ahead(&self) -> bool {
        let mut n = 0;
        loop {
            if !matches!(self.peek_at(n), Tok::Ident { .. }) {
                return false;
            }
            if self.is_sym_at(n + 1, "(") {
                return true;
            }
            if !self.is_sym_at(n + 1, ".") {
                return false;
            }
            n += 2;
        }
    }

    fn call(&mut self) -> PResult<Expr> {
        let pos = self.pos();
        let mut name = self.name()?;
        while self.eat_sym(".") {
            name.push('.');
            name.push_str(&self.name()?);
        }
        self.expect_sym("(")?;
        let distinct = self.eat_kw("DISTINCT");
        let mut args = Vec::new();
        if !self.is_sym(")") {
            args.push(self.expr()?);
            while self.eat_sym(",") {
                args.push(self.expr()?);
            }
        }
        self.expect_sym(")")?;
        Ok(Expr::Call {
            name,
            distinct,
            args,
            pos,
        })
    }

    fn case(&mut self) -> PResult<Expr> {
        self.expect_kw("CASE")?;
        let subject = if self.is_kw("WHEN") {
            None
        } else {
            Some(Box::new(self.expr()?))
        };
        let mut whens = Vec::new();
        while self.eat_kw("WHEN") {
            let when = self.expr()?;
            self.expect_kw("THEN")?;
            whens.push((when, self.expr()?));
        }
        if whens.is_empty() {
            return Err(self.unexpected("WHEN"));
        }
        let otherwise = if self.eat_kw("ELSE") {
            Some(Box::new(self.expr()?))
        } else {
            None
        };
        self.expect_kw("END")?;
        Ok(Expr::Case {
            subject,
            whens,
            otherwise,
        })
    }

    fn quantified(&mut self, which: &str) -> PResult<Expr> {
        let quantifier = match which {
            "ALL" => Quantifier::All,
            "ANY" => Quantifier::Any,
            "NONE" => Quantifier::None,
            _ => Quantifier::Single,
        };
        self.advance();
        self.expect_sym("(")?;
        let var = self.variable()?;
        self.expect_kw("IN")?;
        let list = Box::new(self.expr()?);
        let filter = if self.eat_kw("WHERE") {
            Box::new(self.expr()?)
        } else {
            return Err(self.unexpected("WHERE"));
        };
        self.expect_sym(")")?;
        Ok(Expr::Quantified {
            quantifier,
            var,
            list,
            filter,
        })
    }

    fn reduce(&mut self) -> PResult<Expr> {
        self.advance();
        self.expect_sym("(")?;
        let acc = self.variable()?;
        self.expect_sym("=")?;
        let init = Box::new(self.expr()?);
        self.expect_sym(",")?;
        let var = self.variable()?;
        self.expect_kw("IN")?;
        let list = Box::new(self.expr()?);
        self.expect_sym("|")?;
        let expr = Box::new(self.expr()?);
        self.expect_sym(")")?;
        Ok(Expr::Reduce {
            acc,
            init,
            var,
            list,
            expr,
        })
    }

    fn list_or_comprehension(&mut self) -> PResult<Expr> {
        self.expect_sym("[")?;
        if self.is_variable_start() && self.is_kw_at(1, "IN") {
            let var = self.variable()?;
            self.advance();
            let list = Box::new(self.expr()?);
            let filter = if self.eat_kw("WHERE") {
                Some(Box::new(self.expr()?))
            } else {
                None
            };
            let map = if self.eat_sym("|") {
                Some(Box::new(self.expr()?))
            } else {
                None
            };
            self.expect_sym("]")?;
            return Ok(Expr::ListComprehension {
                var,
                list,
                filter,
                map,
            });
        }
        // `[(a)-->(b) WHERE ... | expr]` or `[p = (a)-->(b) | expr]`.
        if self.is_sym("(") || (self.is_variable_start() && self.is_sym_at(1, "=")) {
            let save = self.at;
            if let Ok(part) = self.pattern_part()
                && !part.chain.is_empty()
                && (self.is_kw("WHERE") || self.is_sym("|"))
            {
                let filter = if self.eat_kw("WHERE") {
                    Some(Box::new(self.expr()?))
                } else {
                    None
                };
                self.expect_sym("|")?;
                let map = Box::new(self.expr()?);
                self.expect_sym("]")?;
                return Ok(Expr::PatternComprehension {
                    part: Box::new(part),
                    filter,
                    map,
                });
            }
            self.at = save;
        }
        let mut items = Vec::new();
        if !self.is_sym("]") {
            items.push(self.expr()?);
            while self.eat_sym(",") {
                items.push(self.expr()?);
            }
        }
        self.expect_sym("]")?;
        Ok(Expr::List(items))
    }

    fn map_literal(&mut self) -> PResult<Expr> {
        self.expect_sym("{")?;
        let mut entries = Vec::new();
        if !self.is_sym("}") {
            loop {
                let key = self.name()?;
                self.expect_sym(":")?;
                entries.push((key, self.expr()?));
                if !self.eat_sym(",") {
                    break;
                }
            }
        }
        self.expect_sym("}")?;
        Ok(Expr::Map(entries))
    }

    fn map_projection(&mut self, var: String, pos: Pos) -> PResult<Expr> {
        self.expect_sym("{")?;
        let mut items = Vec::new();
        if !self.is_sym("}") {
            loop {
                if self.eat_sym(".") {
                    if self.eat_sym("*") {
                        items.push(MapProjectionItem::AllProperties);
                    } else {
                        items.push(MapProjectionItem::Property(self.name()?));
                    }
                } else if matches!(self.peek(), Tok::Ident { .. }) && self.is_sym_at(1, ":") {
                    let key = self.name()?;
                    self.advance();
                    items.push(MapProjectionItem::Literal(key, self.expr()?));
                } else {
                    items.push(MapProjectionItem::Var(self.variable()?));
                }
                if !self.eat_sym(",") {
                    break;
                }
            }
        }
        self.expect_sym("}")?;
        Ok(Expr::MapProjection(var, items, pos))
    }

    fn parenthesised_or_pattern(&mut self) -> PResult<Expr> {
        let save = self.at;
        if let Ok(part) = self.pattern_part()
            && !part.chain.is_empty()
        {
            return Ok(Expr::Pattern(Box::new(part)));
        }
        self.at = save;
        self.expect_sym("(")?;
        let e = self.expr()?;
        self.expect_sym(")")?;
        Ok(e)
    }
}

fn is_reserved(name: &str) -> bool {
    RESERVED.iter().any(|r| r.eq_ignore_ascii_case(name))
}

/// The byte just past token `t` in `text`.
fn token_end(text: &str, t: &Token) -> usize {
    // Re-lex from the token's start would be exact; the tokens' texts are short, so find the
    // next token start instead: the end is before any whitespace that follows.
    let rest = text.get(t.pos.0..).unwrap_or_default();
    let len = match &t.tok {
        Tok::Ident {
            name,
            quoted: false,
        } => name.len(),
        Tok::Int(s) | Tok::Float(s) => s.len(),
        Tok::Sym(s) => s.len(),
        Tok::Param(_) => {
            1 + rest
                .get(1..)
                .unwrap_or_default()
                .find(|c: char| !c.is_alphanumeric() && c != '_' && c != '`')
                .unwrap_or(rest.len() - 1)
        }
        Tok::Ident { quoted: true, .. } | Tok::Str(_) => quoted_len(rest),
        Tok::End => 0,
    };
    t.pos.0 + len
}

/// The length of the quoted text (string or backticked name) at the start of `rest`.
fn quoted_len(rest: &str) -> usize {
    let mut chars = rest.char_indices();
    let Some((_, quote)) = chars.next() else {
        return 0;
    };
    let mut escaped = false;
    for (i, c) in chars {
        if escaped {
            escaped = false;
        } else if c == '\\' && quote != '`' {
            escaped = true;
        } else if c == quote {
            return i + c.len_utf8();
        }
    }
    rest.len()
}

/// An integer literal: decimal, `0x` hex or `0o` octal, possibly negative.
fn int_literal(text: &str, pos: Pos) -> PResult<i64> {
    let (negative, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    let (radix, body) = if let Some(h) = digits.strip_prefix("0x") {
        (16, h)
    } else if let Some(o) = digits.strip_prefix("0o") {
        (8, o)
    } else {
        (10, digits)
    };
    if body.is_empty() || !body.chars().all(|c| c.is_digit(radix)) {
        return Err(CompileError::syntax(
            pos,
            "InvalidNumberLiteral",
            format!("invalid number {text}"),
        ));
    }
    let signed = if negative {
        format!("-{body}")
    } else {
        body.to_owned()
    };
    i64::from_str_radix(&signed, radix).map_err(|_| {
        CompileError::syntax(
            pos,
            "IntegerOverflow",
            format!("{text} does not fit a 64-bit integer"),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Query-like text: tokens of Cypher glued in any order.
    fn soup() -> impl Strategy<Value = String> {
        let pieces = prop::sample::select(vec![
            "MATCH",
            "(",
            ")",
            "[",
            "]",
            "{",
            "}",
            "-",
            "->",
            "<-",
            ":",
            "n",
            "r",
            "*",
            "..",
            "1",
            "2.5",
            "'s'",
            "$p",
            "WHERE",
            "RETURN",
            "WITH",
            "AS",
            "AND",
            "NOT",
            "=",
            "<",
            ",",
            ".",
            "x",
            "count",
            "CASE",
            "WHEN",
            "THEN",
            "END",
            "UNWIND",
            "CREATE",
            "SET",
            "+",
            "|",
            "IN",
            "`q`",
            "/*",
            "*/",
            "//",
            "\n",
            "0x1F",
            "-9223372036854775808",
        ]);
        prop::collection::vec(pieces, 0..40).prop_map(|v| v.join(" "))
    }

    proptest! {
        #[test]
        fn any_token_soup_parses_or_fails_without_panicking(text in soup()) {
            let _ = parse(&text);
        }

        #[test]
        fn any_text_parses_or_fails_without_panicking(text in ".{0,60}") {
            let _ = parse(&text);
        }
    }

    #[test]
    fn nesting_past_the_limit_is_an_error_not_a_stack_overflow() {
        for depth in [10, MAX_DEPTH + 1, 100_000] {
            let text = format!("RETURN {}1{}", "(".repeat(depth), ")".repeat(depth));
            assert_eq!(parse(&text).is_ok(), depth < MAX_DEPTH, "depth {depth}");
            let nots = format!("RETURN {}true", "NOT ".repeat(depth));
            assert_eq!(parse(&nots).is_ok(), depth < MAX_DEPTH, "depth {depth}");
            let signs = format!("RETURN {}1", "- ".repeat(depth));
            assert_eq!(parse(&signs).is_ok(), depth < MAX_DEPTH, "depth {depth}");
        }
    }
}
