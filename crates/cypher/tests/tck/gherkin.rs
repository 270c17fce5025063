//! The Gherkin the TCK's `.feature` files use: `Feature`, `Background`, `Scenario`,
//! `Scenario Outline` with `Examples`, steps (`Given`, `When`, `Then`, `And`, `But`), doc strings
//! and tables. Outlines are expanded, one scenario per example row, grouped by outline.

/// One step: its text after the keyword, and its doc string or table.
#[derive(Clone, Debug)]
pub struct Step {
    pub text: String,
    pub doc: Option<String>,
    pub table: Vec<Vec<String>>,
}

/// A scenario as the TCK counts it: a plain scenario is one run; an outline is one run per
/// example row and passes when all of them pass.
#[derive(Clone, Debug)]
pub struct Scenario {
    pub name: String,
    pub runs: Vec<Vec<Step>>,
}

fn cells(line: &str) -> Vec<String> {
    let inner = line.trim().trim_start_matches('|');
    let inner = inner.strip_suffix('|').unwrap_or(inner);
    // Cells split on `|` not escaped with a backslash.
    let mut out = Vec::new();
    let mut cur = String::new();
    let mut chars = inner.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            // Gherkin's escapes in a cell: `\|`, `\\`, `\n`.
            '\\' if matches!(chars.peek(), Some('|' | '\\' | 'n')) => match chars.next() {
                Some('n') => cur.push('\n'),
                Some(e) => cur.push(e),
                None => {}
            },
            '|' => out.push(std::mem::take(&mut cur).trim().to_owned()),
            c => cur.push(c),
        }
    }
    out.push(cur.trim().to_owned());
    out
}

const KEYWORDS: [&str; 5] = ["Given ", "When ", "Then ", "And ", "But "];

/// The scenarios of one feature file.
pub fn parse(text: &str) -> Vec<Scenario> {
    let lines: Vec<&str> = text.lines().collect();
    let mut scenarios = Vec::new();
    let mut background: Vec<Step> = Vec::new();
    let mut current: Option<(String, Vec<Step>, bool)> = None;
    let mut in_background = false;
    let mut examples: Vec<Vec<String>> = Vec::new();
    let mut in_examples = false;
    let finish = |current: &mut Option<(String, Vec<Step>, bool)>,
                  examples: &mut Vec<Vec<String>>,
                  background: &[Step],
                  out: &mut Vec<Scenario>| {
        if let Some((name, steps, outline)) = current.take() {
            let mut all = background.to_vec();
            all.extend(steps);
            let runs = if outline {
                let header = examples.first().cloned().unwrap_or_default();
                examples
                    .iter()
                    .skip(1)
                    .map(|row| all.iter().map(|s| substitute(s, &header, row)).collect())
                    .collect()
            } else {
                vec![all]
            };
            out.push(Scenario { name, runs });
        }
        examples.clear();
    };
    let mut i = 0;
    while let Some(raw) = lines.get(i) {
        let line = raw.trim();
        i += 1;
        if line.is_empty() || line.starts_with('#') || line.starts_with('@') {
            continue;
        }
        if let Some(rest) = line
            .strip_prefix("Scenario Outline:")
            .or_else(|| line.strip_prefix("Scenario Template:"))
        {
            finish(&mut current, &mut examples, &background, &mut scenarios);
            current = Some((rest.trim().to_owned(), Vec::new(), true));
            in_background = false;
            in_examples = false;
        } else if let Some(rest) = line.strip_prefix("Scenario:") {
            finish(&mut current, &mut examples, &background, &mut scenarios);
            current = Some((rest.trim().to_owned(), Vec::new(), false));
            in_background = false;
            in_examples = false;
        } else if line.starts_with("Background:") {
            in_background = true;
        } else if line.starts_with("Examples:") {
            in_examples = true;
        } else if line.starts_with("Feature:") {
            continue;
        } else if line.starts_with('|') {
            let row = cells(line);
            if in_examples {
                examples.push(row);
            } else {
                let steps = if in_background {
                    Some(&mut background)
                } else {
                    current.as_mut().map(|c| &mut c.1)
                };
                if let Some(step) = steps.and_then(|s| s.last_mut()) {
                    step.table.push(row);
                }
            }
        } else if line.starts_with("\"\"\"") {
            let indent = raw.len() - raw.trim_start().len();
            let mut doc = Vec::new();
            while let Some(l) = lines.get(i) {
                i += 1;
                if l.trim().starts_with("\"\"\"") {
                    break;
                }
                doc.push(
                    l.get(indent.min(l.len() - l.trim_start().len())..)
                        .unwrap_or_default(),
                );
            }
            let steps = if in_background {
                Some(&mut background)
            } else {
                current.as_mut().map(|c| &mut c.1)
            };
            if let Some(step) = steps.and_then(|s| s.last_mut()) {
                step.doc = Some(doc.join("\n"));
            }
        } else if let Some(k) = KEYWORDS.iter().find(|k| line.starts_with(**k)) {
            let step = Step {
                text: line[k.len()..].trim().to_owned(),
                doc: None,
                table: Vec::new(),
            };
            if in_background {
                background.push(step);
            } else if let Some(c) = current.as_mut() {
                c.1.push(step);
            }
        }
    }
    finish(&mut current, &mut examples, &background, &mut scenarios);
    scenarios
}

fn substitute(step: &Step, header: &[String], row: &[String]) -> Step {
    let sub = |s: &str| {
        let mut s = s.to_owned();
        for (h, v) in header.iter().zip(row) {
            s = s.replace(&format!("<{h}>"), v);
        }
        s
    };
    Step {
        text: sub(&step.text),
        doc: step.doc.as_deref().map(sub),
        table: step
            .table
            .iter()
            .map(|r| r.iter().map(|c| sub(c)).collect())
            .collect(),
    }
}
