//! `mmgraph shell DB`: Cypher statements typed one after another, each ending with `;` (a
//! statement may span lines), with line editing and a history file on a terminal, and read
//! from standard input otherwise (so it can be scripted). A statement that only reads runs on
//! a snapshot; one that writes runs in its own write transaction, committed when it succeeds.
//! An error is printed with its position and the shell goes on.

use std::io::{BufRead, IsTerminal};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::Args;
use cypher::{Params, PreparedQuery};
use graph::Graph;
use rustyline::error::ReadlineError;

use crate::db;
use crate::error::{Error, Result};
use crate::output::Output;
use crate::query::{param_value, print};

/// The arguments of `mmgraph shell`.
#[derive(Args, Debug)]
pub struct ShellArgs {
    /// The database file (made if it does not exist).
    pub db: PathBuf,
}

const PROMPT: &str = "mmgraph> ";
const CONTINUATION: &str = "     ...> ";

const HELP: &str = "\
Statements end with `;` and may span lines. Commands (alone on a line):
  :help               this text
  :quit               leave (so does end of input, Ctrl-D)
  :param NAME JSON    set parameter $NAME to a JSON value (:param NAME alone removes it)
  :params             list the parameters
A statement that only reads runs on a snapshot; one that writes is committed when it succeeds.
Procedures for CALL (each yields `node` and the value named; every one takes the settings
relationshipTypes, labels and direction):";

/// Runs the shell on `args.db` until `:quit` or the end of input. Reading a script (standard
/// input not a terminal), the exit status is a failure when a statement failed.
pub fn run(args: &ShellArgs, out: &mut Output) -> Result<ExitCode> {
    let mut shell = Shell {
        graph: db::open(&args.db)?,
        params: Params::new(),
        pending: String::new(),
        failed: false,
    };
    if std::io::stdin().is_terminal() {
        interactive(&mut shell, out)?;
        return Ok(ExitCode::SUCCESS);
    }
    for line in std::io::stdin().lock().lines() {
        let line = line.map_err(|source| Error::File {
            path: PathBuf::from("<stdin>"),
            source,
        })?;
        if shell.feed(&line, out)? == Flow::Quit {
            break;
        }
    }
    shell.finish(out)?;
    Ok(if shell.failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// Reads lines with editing and history until `:quit`, Ctrl-D or an editor failure.
fn interactive(shell: &mut Shell, out: &mut Output) -> Result<()> {
    let mut editor = rustyline::DefaultEditor::new().map_err(editor_error)?;
    let history = history_file();
    if let Some(path) = &history {
        // A first session has no history yet.
        let _ = editor.load_history(path);
    }
    out.line("mmgraph shell: statements end with `;`; :help lists the commands")?;
    out.flush()?;
    loop {
        let prompt = if shell.pending.is_empty() {
            PROMPT
        } else {
            CONTINUATION
        };
        match editor.readline(prompt) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    editor
                        .add_history_entry(line.as_str())
                        .map_err(editor_error)?;
                }
                if shell.feed(&line, out)? == Flow::Quit {
                    break;
                }
            }
            // Ctrl-C drops the statement being typed.
            Err(ReadlineError::Interrupted) => shell.pending.clear(),
            Err(ReadlineError::Eof) => break,
            Err(e) => return Err(editor_error(e)),
        }
    }
    if let Some(path) = &history
        && let Err(e) = editor.save_history(path)
    {
        eprintln!("mmgraph: history not saved to {}: {e}", path.display());
    }
    Ok(())
}

/// `$MMGRAPH_HISTORY`, else `~/.mmgraph_history`; none without a home directory.
fn history_file() -> Option<PathBuf> {
    if let Some(path) = std::env::var_os("MMGRAPH_HISTORY") {
        return Some(PathBuf::from(path));
    }
    std::env::var_os("HOME").map(|home| Path::new(&home).join(".mmgraph_history"))
}

fn editor_error(e: ReadlineError) -> Error {
    Error::Invalid(format!("line editor: {e}"))
}

/// Whether to read on.
#[derive(Debug, PartialEq, Eq)]
enum Flow {
    Continue,
    Quit,
}

/// The shell's state between lines.
struct Shell {
    graph: Graph,
    params: Params,
    /// Text of a statement not yet ended by `;`.
    pending: String,
    /// Whether a statement or command failed.
    failed: bool,
}

impl Shell {
    /// Takes one input line: a command, or text that may end statements.
    fn feed(&mut self, line: &str, out: &mut Output) -> Result<Flow> {
        let trimmed = line.trim();
        if self.pending.trim().is_empty() && trimmed.starts_with(':') {
            self.pending.clear();
            return self.command(trimmed, out);
        }
        self.pending.push_str(line);
        self.pending.push('\n');
        let (statements, rest) = split_statements(&self.pending);
        self.pending = rest;
        for statement in statements {
            self.statement(&statement, out)?;
        }
        out.flush()?;
        Ok(Flow::Continue)
    }

    /// At the end of input: text after the last `;` runs as a statement too.
    fn finish(&mut self, out: &mut Output) -> Result<()> {
        let rest = std::mem::take(&mut self.pending);
        if !rest.trim().is_empty() {
            self.statement(&rest, out)?;
        }
        out.flush()
    }

    fn command(&mut self, line: &str, out: &mut Output) -> Result<Flow> {
        let mut words = line.splitn(3, char::is_whitespace);
        match (words.next().unwrap_or_default(), words.next(), words.next()) {
            (":quit" | ":exit" | ":q", None, None) => return Ok(Flow::Quit),
            (":help" | ":h", None, None) => {
                out.line(HELP)?;
                for p in cypher::procedures() {
                    let settings = if p.settings.is_empty() {
                        String::new()
                    } else {
                        format!(" (settings: {})", p.settings.join(", "))
                    };
                    out.line(format_args!(
                        "  {:<17} {:<12} {}{settings}",
                        p.name, p.yields[1], p.description
                    ))?;
                }
            }
            (":param", Some(name), value) => {
                let name = name.trim_start_matches('$');
                match value.map(str::trim).filter(|v| !v.is_empty()) {
                    None => {
                        self.params.remove(name);
                    }
                    Some(json) => match param_value(name, json) {
                        Ok(v) => {
                            self.params.insert(name.to_owned(), v);
                        }
                        Err(e) => self.report(&e),
                    },
                }
            }
            (":params", None, None) => {
                let read = self.graph.begin_read()?;
                for (name, value) in &self.params {
                    let json = cypher::json::to_json(&read, value)?;
                    out.line(format_args!("${name} = {json}"))?;
                }
            }
            _ => self.report(&Error::Invalid(format!(
                "unknown command {line:?}; :help lists the commands"
            ))),
        }
        out.flush()?;
        Ok(Flow::Continue)
    }

    /// Runs one statement and prints its rows, or its error.
    fn statement(&mut self, text: &str, out: &mut Output) -> Result<()> {
        if text.trim().is_empty() {
            return Ok(());
        }
        match self.execute(text, out) {
            // The terminal or pipe went away: nothing more can be shown.
            Err(e) if e.is_closed_pipe() => Err(e),
            Err(e) => {
                self.report(&e);
                Ok(())
            }
            Ok(()) => Ok(()),
        }
    }

    fn execute(&mut self, text: &str, out: &mut Output) -> Result<()> {
        let prepared = PreparedQuery::new(text)?;
        if prepared.writes() {
            let mut txn = self.graph.begin_write()?;
            let rows = prepared.run_write(&mut txn, &self.params)?;
            print(&txn, &rows, out)?;
            txn.commit()?;
        } else {
            let read = self.graph.begin_read()?;
            let rows = prepared.run(&read, &self.params)?;
            print(&read, &rows, out)?;
        }
        Ok(())
    }

    fn report(&mut self, e: &Error) {
        self.failed = true;
        eprintln!("error: {e}");
    }
}

/// The statements `text` ends (each without its `;`) and the text after the last one. A `;`
/// inside a string, a quoted name or a comment ends nothing.
fn split_statements(text: &str) -> (Vec<String>, String) {
    let mut statements = Vec::new();
    let mut start = 0;
    let mut quote: Option<char> = None;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        match quote {
            Some(q) => {
                if c == '\\' && q != '`' {
                    chars.next();
                } else if c == q {
                    quote = None;
                }
            }
            None => match c {
                '\'' | '"' | '`' => quote = Some(c),
                '/' if chars.peek().map(|(_, n)| *n) == Some('/') => {
                    // A line comment runs to the end of the line.
                    for (_, n) in chars.by_ref() {
                        if n == '\n' {
                            break;
                        }
                    }
                }
                '/' if chars.peek().map(|(_, n)| *n) == Some('*') => {
                    chars.next();
                    let mut star = false;
                    for (_, n) in chars.by_ref() {
                        if star && n == '/' {
                            break;
                        }
                        star = n == '*';
                    }
                }
                ';' => {
                    statements.push(text.get(start..i).unwrap_or_default().to_owned());
                    start = i + 1;
                }
                _ => {}
            },
        }
    }
    let rest = text.get(start..).unwrap_or_default();
    let rest = if rest.trim().is_empty() { "" } else { rest };
    (statements, rest.to_owned())
}

#[cfg(test)]
mod tests {
    use super::split_statements as split;

    fn owned(statements: &[&str]) -> Vec<String> {
        statements.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn semicolons_end_statements_and_the_rest_waits() {
        assert_eq!(
            split("RETURN 1; RETURN\n2;MATCH (n)"),
            (owned(&["RETURN 1", " RETURN\n2"]), "MATCH (n)".to_owned())
        );
        assert_eq!(split("RETURN 1;\n"), (owned(&["RETURN 1"]), String::new()));
    }

    #[test]
    fn semicolons_in_strings_names_and_comments_end_nothing() {
        assert_eq!(
            split("RETURN 'a;b', \"c\\\";d\", 1 AS `x;y` // no; end\n/* ; */;"),
            (
                owned(&["RETURN 'a;b', \"c\\\";d\", 1 AS `x;y` // no; end\n/* ; */"]),
                String::new()
            )
        );
        assert_eq!(
            split("RETURN 'open;"),
            (owned(&[]), "RETURN 'open;".to_owned())
        );
    }
}
