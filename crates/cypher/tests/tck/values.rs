//! Values as the TCK writes them in tables (`(:A {name: 'x'})`, `[:T]`, `<(:A)-[:T]->(:B)>`,
//! lists, maps, numbers, strings), and the same shape built from a query's result.

use std::collections::{BTreeMap, BTreeSet};

/// A value in the TCK's terms: nodes and relationships by their labels, type and properties.
#[derive(Clone, Debug, PartialEq)]
pub enum TckValue {
    Null,
    Bool(bool),
    Int(i64),
    Float(f64),
    String(String),
    List(Vec<TckValue>),
    Map(BTreeMap<String, TckValue>),
    Node {
        labels: BTreeSet<String>,
        props: BTreeMap<String, TckValue>,
    },
    Rel {
        ty: String,
        props: BTreeMap<String, TckValue>,
    },
    /// A start node, then (relationship, forward, node) hops.
    Path(Box<TckValue>, Vec<(TckValue, bool, TckValue)>),
}

impl TckValue {
    /// Equality as the TCK compares results (NaN equals NaN; lists in order).
    pub fn same(&self, other: &TckValue) -> bool {
        match (self, other) {
            (TckValue::Float(a), TckValue::Float(b)) => a == b || (a.is_nan() && b.is_nan()),
            (TckValue::List(a), TckValue::List(b)) => {
                a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.same(y))
            }
            (TckValue::Map(a), TckValue::Map(b))
            | (TckValue::Node { props: a, .. }, TckValue::Node { props: b, .. })
            | (TckValue::Rel { props: a, .. }, TckValue::Rel { props: b, .. }) => {
                let heads = match (self, other) {
                    (TckValue::Node { labels: x, .. }, TckValue::Node { labels: y, .. }) => x == y,
                    (TckValue::Rel { ty: x, .. }, TckValue::Rel { ty: y, .. }) => x == y,
                    _ => true,
                };
                heads
                    && a.len() == b.len()
                    && a.iter()
                        .zip(b)
                        .all(|((ka, va), (kb, vb))| ka == kb && va.same(vb))
            }
            (TckValue::Path(s, hops), TckValue::Path(t, other_hops)) => {
                s.same(t)
                    && hops.len() == other_hops.len()
                    && hops
                        .iter()
                        .zip(other_hops)
                        .all(|((r, f, n), (r2, f2, n2))| r.same(r2) && f == f2 && n.same(n2))
            }
            (a, b) => a == b,
        }
    }

    /// The value with every list sorted (for "ignoring element order for lists").
    pub fn sorted_lists(&self) -> TckValue {
        match self {
            TckValue::List(items) => {
                let mut items: Vec<TckValue> = items.iter().map(TckValue::sorted_lists).collect();
                items.sort_by_key(|v| format!("{v:?}"));
                TckValue::List(items)
            }
            TckValue::Map(m) => TckValue::Map(
                m.iter()
                    .map(|(k, v)| (k.clone(), v.sorted_lists()))
                    .collect(),
            ),
            other => other.clone(),
        }
    }
}

/// Parses one table cell.
pub fn parse(text: &str) -> Result<TckValue, String> {
    let mut p = ValueParser {
        s: text.as_bytes(),
        at: 0,
    };
    let v = p.value()?;
    p.space();
    if p.at != p.s.len() {
        return Err(format!("trailing text in {text:?}"));
    }
    Ok(v)
}

struct ValueParser<'a> {
    s: &'a [u8],
    at: usize,
}

impl ValueParser<'_> {
    fn space(&mut self) {
        while self.s.get(self.at).is_some_and(u8::is_ascii_whitespace) {
            self.at += 1;
        }
    }

    fn peek(&mut self) -> Option<u8> {
        self.space();
        self.s.get(self.at).copied()
    }

    fn eat(&mut self, c: u8) -> bool {
        if self.peek() == Some(c) {
            self.at += 1;
            true
        } else {
            false
        }
    }

    fn expect(&mut self, c: u8) -> Result<(), String> {
        if self.eat(c) {
            Ok(())
        } else {
            Err(format!("expected {:?} at {}", c as char, self.at))
        }
    }

    fn starts(&mut self, word: &str) -> bool {
        self.space();
        if self
            .s
            .get(self.at..)
            .is_some_and(|r| r.starts_with(word.as_bytes()))
        {
            self.at += word.len();
            true
        } else {
            false
        }
    }

    fn name(&mut self) -> Result<String, String> {
        self.space();
        if self.eat(b'`') {
            let start = self.at;
            while self.s.get(self.at).is_some_and(|c| *c != b'`') {
                self.at += 1;
            }
            let name = String::from_utf8_lossy(self.s.get(start..self.at).unwrap_or_default())
                .into_owned();
            self.at += 1;
            return Ok(name);
        }
        let start = self.at;
        while self
            .s
            .get(self.at)
            .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        {
            self.at += 1;
        }
        if start == self.at {
            return Err(format!("expected a name at {}", self.at));
        }
        Ok(String::from_utf8_lossy(self.s.get(start..self.at).unwrap_or_default()).into_owned())
    }

    fn value(&mut self) -> Result<TckValue, String> {
        match self.peek() {
            Some(b'[') => {
                if self.s.get(self.at + 1) == Some(&b':') {
                    return self.rel();
                }
                self.at += 1;
                let mut items = Vec::new();
                if !self.eat(b']') {
                    loop {
                        items.push(self.value()?);
                        if self.eat(b']') {
                            break;
                        }
                        self.expect(b',')?;
                    }
                }
                Ok(TckValue::List(items))
            }
            Some(b'{') => Ok(TckValue::Map(self.map()?)),
            Some(b'(') => self.node(),
            Some(b'<') => self.path(),
            Some(b'\'') => {
                self.at += 1;
                let mut out = Vec::new();
                while let Some(&c) = self.s.get(self.at) {
                    self.at += 1;
                    match c {
                        b'\\' => {
                            if let Some(&n) = self.s.get(self.at) {
                                self.at += 1;
                                out.push(match n {
                                    b'n' => b'\n',
                                    b't' => b'\t',
                                    other => other,
                                });
                            }
                        }
                        b'\'' => {
                            return Ok(TckValue::String(
                                String::from_utf8_lossy(&out).into_owned(),
                            ));
                        }
                        c => out.push(c),
                    }
                }
                Err("a string that never ends".into())
            }
            _ => {
                if self.starts("null") {
                    return Ok(TckValue::Null);
                }
                if self.starts("true") {
                    return Ok(TckValue::Bool(true));
                }
                if self.starts("false") {
                    return Ok(TckValue::Bool(false));
                }
                if self.starts("NaN") {
                    return Ok(TckValue::Float(f64::NAN));
                }
                if self.starts("-Infinity") || self.starts("-Inf") {
                    return Ok(TckValue::Float(f64::NEG_INFINITY));
                }
                if self.starts("Infinity") || self.starts("Inf") {
                    return Ok(TckValue::Float(f64::INFINITY));
                }
                let start = self.at;
                while self
                    .s
                    .get(self.at)
                    .is_some_and(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'+' | b'.'))
                {
                    self.at += 1;
                }
                let text = String::from_utf8_lossy(self.s.get(start..self.at).unwrap_or_default())
                    .into_owned();
                if let Ok(i) = text.parse::<i64>() {
                    return Ok(TckValue::Int(i));
                }
                text.parse::<f64>()
                    .map(TckValue::Float)
                    .map_err(|_| format!("cannot read value {text:?}"))
            }
        }
    }

    fn map(&mut self) -> Result<BTreeMap<String, TckValue>, String> {
        self.expect(b'{')?;
        let mut m = BTreeMap::new();
        if self.eat(b'}') {
            return Ok(m);
        }
        loop {
            let k = self.name()?;
            self.expect(b':')?;
            m.insert(k, self.value()?);
            if self.eat(b'}') {
                return Ok(m);
            }
            self.expect(b',')?;
        }
    }

    fn node(&mut self) -> Result<TckValue, String> {
        self.expect(b'(')?;
        let mut labels = BTreeSet::new();
        while self.eat(b':') {
            labels.insert(self.name()?);
        }
        let props = if self.peek() == Some(b'{') {
            self.map()?
        } else {
            BTreeMap::new()
        };
        self.expect(b')')?;
        Ok(TckValue::Node { labels, props })
    }

    fn rel(&mut self) -> Result<TckValue, String> {
        self.expect(b'[')?;
        self.expect(b':')?;
        let ty = self.name()?;
        let props = if self.peek() == Some(b'{') {
            self.map()?
        } else {
            BTreeMap::new()
        };
        self.expect(b']')?;
        Ok(TckValue::Rel { ty, props })
    }

    fn path(&mut self) -> Result<TckValue, String> {
        self.expect(b'<')?;
        let start = self.node()?;
        let mut hops = Vec::new();
        while !self.eat(b'>') {
            let backward = self.eat(b'<');
            self.expect(b'-')?;
            let rel = self.rel()?;
            self.expect(b'-')?;
            let forward = self.eat(b'>');
            if forward == backward {
                return Err("a path hop needs one direction".into());
            }
            hops.push((rel, forward, self.node()?));
        }
        Ok(TckValue::Path(Box::new(start), hops))
    }
}
