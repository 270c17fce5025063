//! `mmgraph kinds` and `mmgraph types`: the node kinds and edge types in use, with their
//! counts; and the check that a kind or edge type a command names exists, which lists the near
//! names when it does not (a mistyped `--kind` or `--type` would otherwise find nothing).

use std::collections::HashMap;
use std::path::Path;
use std::process::ExitCode;

use graph::GraphRead;
use serde_json::json;

use crate::db;
use crate::error::{Error, Result};
use crate::output::{Listing, Output};

/// Near names listed at most.
const NEAR: usize = 5;
/// Names listed at most when none is near.
const SOME: usize = 12;

/// Runs `mmgraph kinds`: every kind with its node count (one index range scan per kind).
pub fn kinds(path: &Path, out: &mut Output) -> Result<ExitCode> {
    let graph = db::open_read_only(path)?;
    let read = graph.begin_read()?;
    let mut counts = Vec::new();
    for (_, kind) in read.kinds()? {
        let count = read.count_by_kind(&kind)?;
        if count > 0 {
            counts.push((kind, count));
        }
    }
    list(out, "kinds", "kind", "node(s)", counts)
}

/// Runs `mmgraph types`: every edge type with its edge count (one pass over the edges).
pub fn types(path: &Path, out: &mut Output) -> Result<ExitCode> {
    let graph = db::open_read_only(path)?;
    let read = graph.begin_read()?;
    let mut by_id: HashMap<u32, u64> = HashMap::new();
    for edge in read.edges() {
        *by_id.entry(edge?.edge_type_id()).or_default() += 1;
    }
    let counts = read
        .edge_types()?
        .into_iter()
        .filter_map(|(id, name)| by_id.get(&id).map(|count| (name, *count)))
        .collect();
    list(out, "types", "type", "edge(s)", counts)
}

/// Prints `counts`, most first, then by name.
fn list(
    out: &mut Output,
    key: &'static str,
    field: &str,
    unit: &str,
    mut counts: Vec<(String, u64)>,
) -> Result<ExitCode> {
    counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
    let total: u64 = counts.iter().map(|(_, c)| c).sum();
    let distinct = counts.len();
    let mut listing = Listing::new(out, key);
    for (name, count) in &counts {
        listing.record(
            || Ok(format!("{count:>12} {name}")),
            || Ok(json!({ field: name, "count": count })),
        )?;
    }
    listing.finish(
        || Ok(vec![format!("{distinct} {key}, {total} {unit}")]),
        || {
            let mut summary = serde_json::Map::new();
            summary.insert("count".to_owned(), json!(distinct));
            summary.insert("total".to_owned(), json!(total));
            Ok(summary)
        },
    )?;
    Ok(ExitCode::SUCCESS)
}

/// Fails unless some node ever had kind `kind`; the error lists the near kinds.
pub fn known_kind(read: &impl GraphRead, kind: &str) -> Result<()> {
    if read.kind_id(kind)?.is_some() {
        return Ok(());
    }
    let names: Vec<String> = read.kinds()?.into_iter().map(|(_, n)| n).collect();
    Err(unknown("kind", kind, &names, "kinds"))
}

/// Fails unless some edge ever had type `edge_type`; the error lists the near types.
pub fn known_edge_type(read: &impl GraphRead, edge_type: &str) -> Result<()> {
    if read.edge_type_id(edge_type)?.is_some() {
        return Ok(());
    }
    let names: Vec<String> = read.edge_types()?.into_iter().map(|(_, n)| n).collect();
    Err(unknown("edge type", edge_type, &names, "types"))
}

fn unknown(what: &str, wanted: &str, names: &[String], command: &str) -> Error {
    let near = near(wanted, names);
    let listed = if !near.is_empty() {
        format!("did you mean {}?", quoted(&near))
    } else if names.is_empty() {
        format!("the database has no {what}s")
    } else {
        let some: Vec<&str> = names.iter().take(SOME).map(String::as_str).collect();
        let more = names.len().saturating_sub(SOME);
        let more = if more > 0 {
            format!(" and {more} more")
        } else {
            String::new()
        };
        format!("there are {}{more}", quoted(&some))
    };
    Error::Invalid(format!(
        "no {what} {wanted:?}; {listed} (`mmgraph {command} DB` lists them with counts)"
    ))
}

fn quoted(names: &[&str]) -> String {
    names
        .iter()
        .map(|n| format!("{n:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The names near `wanted`, nearest first: equal or containing each other when case is
/// ignored, or within an edit distance of a third of its length (at least 1).
fn near<'a>(wanted: &str, names: &'a [String]) -> Vec<&'a str> {
    let wanted = wanted.to_lowercase();
    let limit = (wanted.chars().count() / 3).max(1);
    let mut found: Vec<(usize, &str)> = names
        .iter()
        .filter_map(|name| {
            let lower = name.to_lowercase();
            let distance = edit_distance(&wanted, &lower);
            let contains = lower.contains(&wanted) || wanted.contains(&lower);
            (distance <= limit || contains).then_some((distance, name.as_str()))
        })
        .collect();
    found.sort();
    found.into_iter().take(NEAR).map(|(_, n)| n).collect()
}

/// The Levenshtein distance between `a` and `b`, in characters.
fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = i;
        let mut next = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let left = next.last().copied().unwrap_or(0);
            let up = row.get(j + 1).copied().unwrap_or(0);
            let cost = usize::from(ca != *cb);
            next.push((diagonal + cost).min(left + 1).min(up + 1));
            diagonal = up;
        }
        row = next;
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edit_distance_counts_insertions_deletions_and_substitutions() {
        assert_eq!(edit_distance("", ""), 0);
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("species", "specie"), 1);
        assert_eq!(edit_distance("abc", ""), 3);
    }

    #[test]
    fn near_names_are_typos_case_and_parts_nearest_first() {
        let names: Vec<String> = ["species", "subspecies", "genus", "family", "Hypernym"]
            .map(str::to_owned)
            .to_vec();
        assert_eq!(near("specie", &names), ["species", "subspecies"]);
        assert_eq!(near("specis", &names), ["species"]);
        assert_eq!(near("hypernym", &names), ["Hypernym"]);
        assert!(near("zzzzzz", &names).is_empty());
    }

    #[test]
    fn an_unknown_name_lists_near_ones_or_some_when_none_is_near() {
        let names: Vec<String> = ["species", "genus"].map(str::to_owned).to_vec();
        let near = unknown("kind", "specis", &names, "kinds").to_string();
        assert!(near.contains("did you mean \"species\"?"), "{near}");
        let far = unknown("kind", "zzzz", &names, "kinds").to_string();
        assert!(far.contains("there are \"species\", \"genus\""), "{far}");
        assert!(far.contains("mmgraph kinds DB"), "{far}");
    }
}
