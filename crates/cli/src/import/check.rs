//! The check pass: every line parsed and every id resolved against the input and the
//! database, writing nothing; the bad lines are listed with how each file was read.

use graph::{NodeId, ReadTxn};

use super::ids::{Defined, Ids, Known};
use super::parse::Parsed;
use super::{At, Lines};
use crate::db;
use crate::error::{Error, Result};

/// Bad lines listed in the error; the rest are counted.
const MAX_LISTED: usize = 20;

/// The check pass: the lines, and the database as it is if there is one.
pub(super) struct Checker<'a> {
    pub(super) lines: Lines<'a>,
    pub(super) read: Option<ReadTxn>,
}

impl Checker<'_> {
    /// The node the database gives external id `ext`, if there is a database.
    fn existing(&self, ext: &str) -> Result<Option<NodeId>> {
        match &self.read {
            Some(read) => db::node_of_external(read, ext),
            None => Ok(None),
        }
    }

    /// Whether earlier runs of this import committed the nodes of line `at`.
    fn resumed_node(&self, at: At) -> bool {
        self.lines
            .resumed
            .get(at.file)
            .is_some_and(|r| at.line <= r.nodes_through)
    }

    /// Pass 1: parses every line and resolves every id, writing nothing. Returns the ids the
    /// input defines.
    pub(super) fn check(&self) -> Result<Ids> {
        let mut defined = Ids::default();
        let mut problems = Problems::default();
        // Edge ends not defined when their line was read: resolved at the end.
        let mut forward: Vec<(At, Box<str>)> = Vec::new();
        let checked = self.lines.each_line(None, |at, parsed| {
            let parsed = match parsed {
                Ok(parsed) => parsed,
                Err(what) => {
                    problems.add(at, what);
                    return Ok(());
                }
            };
            if let Err(what) = valid(&parsed) {
                problems.add(at, what);
                return Ok(());
            }
            if let Some(node) = &parsed.node {
                match defined.get(&node.ext) {
                    Some(known) if known.defined == Defined::Implicit => {
                        let explicit = Known {
                            defined: Defined::Explicit,
                            ..known
                        };
                        defined.insert(&node.ext, explicit);
                    }
                    Some(_) => {
                        problems.add(at, format!("id {} is defined twice", node.ext));
                        return Ok(());
                    }
                    None => {
                        if !self.resumed_node(at)
                            && let Some(id) = self.existing(&node.ext)?
                        {
                            let what =
                                format!("id {} is already in the database (node {id})", node.ext);
                            problems.add(at, what);
                            return Ok(());
                        }
                        defined.insert(
                            &node.ext,
                            Known {
                                defined: Defined::Explicit,
                                node: None,
                            },
                        );
                    }
                }
            }
            if let Some(edge) = &parsed.edge {
                for end in [&edge.from, &edge.to] {
                    if parsed.implicit_ends {
                        if !defined.contains(end) {
                            let implicit = Known {
                                defined: Defined::Implicit,
                                node: None,
                            };
                            defined.insert(end, implicit);
                        }
                    } else if !defined.contains(end) && self.existing(end)?.is_none() {
                        forward.push((at, end.as_ref().into()));
                    }
                }
            }
            Ok(())
        });
        if let Err(Error::Interrupted(_)) = checked {
            self.lines.progress.finish();
            return Err(Error::Interrupted(
                "during the check, before anything was written: the database is as it was"
                    .to_owned(),
            ));
        }
        checked?;
        // Listed apart and merged: an unknown id can sit on an earlier line than the parse
        // problems already listed.
        let mut unknown = Problems::default();
        for (at, end) in forward {
            if !defined.contains(&end) {
                unknown.add(at, format!("an edge to unknown id {end}"));
            }
        }
        problems.merge(unknown);
        if problems.count > 0 {
            self.lines.progress.finish();
            return Err(problems.into_error(&self.lines));
        }
        Ok(defined)
    }
}

/// Bad lines found by the check: how many, and the first [`MAX_LISTED`] in line order.
#[derive(Default)]
struct Problems {
    count: u64,
    first: Vec<(At, String)>,
}

impl Problems {
    fn add(&mut self, at: At, what: String) {
        self.count += 1;
        if self.first.len() < MAX_LISTED {
            self.first.push((at, what));
        }
    }

    fn merge(&mut self, other: Problems) {
        self.count += other.count;
        self.first.extend(other.first);
        self.first.sort_by_key(|(at, _)| *at);
        self.first.truncate(MAX_LISTED);
    }

    fn into_error(self, lines: &Lines<'_>) -> Error {
        let mut listed: Vec<String> = self
            .first
            .iter()
            .map(|(at, what)| format!("  {}: {what}", lines.location(*at)))
            .collect();
        let unlisted = self.count - self.first.len() as u64;
        if unlisted > 0 {
            listed.push(format!("  and {unlisted} more"));
        }
        let mut files: Vec<usize> = self.first.iter().map(|(at, _)| at.file).collect();
        files.dedup();
        for input in files.iter().filter_map(|f| lines.inputs.get(*f)) {
            listed.push(format!(
                "{} was read as {}; to read it otherwise, put --format FORMAT or --columns LIST before it (see mmgraph help import)",
                input.path.display(),
                input.how.describe()
            ));
        }
        Error::BadInput {
            count: self.count,
            listed: listed.join("\n"),
        }
    }
}

/// Checks what the graph would refuse, so that the check pass finds it.
fn valid(parsed: &Parsed<'_>) -> Result<(), String> {
    let id_ok = |id: &str| {
        if id.len() > graph::MAX_KV_KEY_LEN {
            Err(format!(
                "an id of {} bytes; the limit is {}",
                id.len(),
                graph::MAX_KV_KEY_LEN
            ))
        } else {
            Ok(())
        }
    };
    if let Some(node) = &parsed.node {
        id_ok(&node.ext)?;
        graph::check_label("kind", &node.kind).map_err(|e| e.to_string())?;
        graph::check_name(&node.name).map_err(|e| e.to_string())?;
    }
    if let Some(edge) = &parsed.edge {
        for end in [&edge.from, &edge.to] {
            id_ok(end)?;
            if parsed.implicit_ends {
                graph::check_name(end).map_err(|e| format!("as a node name: {e}"))?;
            }
        }
        graph::check_label("edge type", &edge.edge_type).map_err(|e| e.to_string())?;
    }
    Ok(())
}
