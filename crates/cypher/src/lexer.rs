//! Cutting query text into tokens, each with its byte position.

use crate::error::{CompileError, Pos};

/// One token.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Tok {
    /// A name or keyword; `quoted` when written in backticks (never a keyword then).
    Ident { name: String, quoted: bool },
    /// An integer literal as written (decimal, `0x` hex or `0o` octal); checked by the parser.
    Int(String),
    /// A float literal as written.
    Float(String),
    /// A string literal, escapes resolved.
    Str(String),
    /// `$name`.
    Param(String),
    /// Punctuation and operators: `( ) [ ] { } , . : ; | + - * / % ^ = < > <= >= <> =~ .. +=`.
    Sym(&'static str),
    /// The end of the text.
    End,
}

/// A token and where it starts.
#[derive(Clone, Debug)]
pub(crate) struct Token {
    pub(crate) tok: Tok,
    pub(crate) pos: Pos,
}

const SYMBOLS: [&str; 26] = [
    "<=", ">=", "<>", "=~", "..", "+=", "(", ")", "[", "]", "{", "}", ",", ".", ":", ";", "|", "+",
    "-", "*", "/", "%", "^", "=", "<", ">",
];

/// The tokens of `text`, ending with [`Tok::End`].
pub(crate) fn tokens(text: &str) -> Result<Vec<Token>, CompileError> {
    let mut lexer = Lexer { text, at: 0 };
    let mut out = Vec::new();
    loop {
        lexer.skip_space_and_comments()?;
        let pos = Pos(lexer.at);
        let Some(c) = lexer.peek() else {
            out.push(Token { tok: Tok::End, pos });
            return Ok(out);
        };
        let tok = if c.is_alphabetic() || c == '_' {
            Tok::Ident {
                name: lexer
                    .take_while(|c| c.is_alphanumeric() || c == '_')
                    .to_owned(),
                quoted: false,
            }
        } else if c == '`' {
            Tok::Ident {
                name: lexer.quoted_name()?,
                quoted: true,
            }
        } else if c.is_ascii_digit()
            || (c == '.' && lexer.peek_at(1).is_some_and(|d| d.is_ascii_digit()))
        {
            lexer.number()
        } else if c == '\'' || c == '"' {
            Tok::Str(lexer.string(c)?)
        } else if c == '$' {
            lexer.at += 1;
            let name = if lexer.peek() == Some('`') {
                lexer.quoted_name()?
            } else {
                lexer
                    .take_while(|c| c.is_alphanumeric() || c == '_')
                    .to_owned()
            };
            if name.is_empty() {
                return Err(CompileError::syntax(
                    pos,
                    "UnexpectedSyntax",
                    "a parameter needs a name",
                ));
            }
            Tok::Param(name)
        } else if let Some(sym) = SYMBOLS.iter().find(|s| lexer.rest().starts_with(**s)) {
            lexer.at += sym.len();
            Tok::Sym(sym)
        } else {
            let detail = if c.is_ascii() {
                "UnexpectedSyntax"
            } else {
                "InvalidUnicodeCharacter"
            };
            return Err(CompileError::syntax(
                pos,
                detail,
                format!("unexpected character {c:?}"),
            ));
        };
        out.push(Token { tok, pos });
    }
}

struct Lexer<'a> {
    text: &'a str,
    at: usize,
}

impl<'a> Lexer<'a> {
    fn rest(&self) -> &'a str {
        self.text.get(self.at..).unwrap_or_default()
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn peek_at(&self, n: usize) -> Option<char> {
        self.rest().chars().nth(n)
    }

    fn take_while(&mut self, keep: impl Fn(char) -> bool) -> &'a str {
        let rest = self.rest();
        let len = rest.find(|c| !keep(c)).unwrap_or(rest.len());
        self.at += len;
        rest.get(..len).unwrap_or_default()
    }

    fn skip_space_and_comments(&mut self) -> Result<(), CompileError> {
        loop {
            self.take_while(char::is_whitespace);
            let rest = self.rest();
            if rest.starts_with("//") {
                self.take_while(|c| c != '\n');
            } else if rest.starts_with("/*") {
                match rest.get(2..).and_then(|r| r.find("*/")) {
                    Some(end) => self.at += end + 4,
                    None => {
                        return Err(CompileError::syntax(
                            Pos(self.at),
                            "UnexpectedSyntax",
                            "a comment that never ends",
                        ));
                    }
                }
            } else {
                return Ok(());
            }
        }
    }

    fn quoted_name(&mut self) -> Result<String, CompileError> {
        let start = self.at;
        self.at += 1;
        let mut name = String::new();
        loop {
            let rest = self.rest();
            match rest.find('`') {
                Some(end) => {
                    name.push_str(rest.get(..end).unwrap_or_default());
                    self.at += end + 1;
                    // A doubled backtick is one backtick in the name.
                    if self.peek() == Some('`') {
                        name.push('`');
                        self.at += 1;
                    } else {
                        return Ok(name);
                    }
                }
                None => {
                    return Err(CompileError::syntax(
                        Pos(start),
                        "UnexpectedSyntax",
                        "a quoted name that never ends",
                    ));
                }
            }
        }
    }

    fn number(&mut self) -> Tok {
        let rest = self.rest();
        if rest.starts_with("0x") || rest.starts_with("0o") {
            let len = 2 + rest
                .get(2..)
                .unwrap_or_default()
                .find(|c: char| !c.is_alphanumeric() && c != '_')
                .unwrap_or(rest.len() - 2);
            self.at += len;
            return Tok::Int(rest.get(..len).unwrap_or_default().to_owned());
        }
        let mut len = rest
            .find(|c: char| !c.is_ascii_digit())
            .unwrap_or(rest.len());
        let mut float = false;
        let bytes = rest.as_bytes();
        if bytes.get(len) == Some(&b'.') && bytes.get(len + 1).is_some_and(u8::is_ascii_digit) {
            float = true;
            len += 1;
            len += rest
                .get(len..)
                .unwrap_or_default()
                .find(|c: char| !c.is_ascii_digit())
                .unwrap_or(rest.len() - len);
        }
        if matches!(bytes.get(len), Some(b'e' | b'E')) {
            let mut exp = len + 1;
            if matches!(bytes.get(exp), Some(b'+' | b'-')) {
                exp += 1;
            }
            if bytes.get(exp).is_some_and(u8::is_ascii_digit) {
                float = true;
                len = exp
                    + rest
                        .get(exp..)
                        .unwrap_or_default()
                        .find(|c: char| !c.is_ascii_digit())
                        .unwrap_or(rest.len() - exp);
            }
        }
        // Letters glued to a number (`123abc`) make an invalid literal the parser reports.
        let glued = rest
            .get(len..)
            .unwrap_or_default()
            .find(|c: char| !c.is_alphanumeric() && c != '_')
            .unwrap_or(rest.len() - len);
        len += glued;
        self.at += len;
        let text = rest.get(..len).unwrap_or_default().to_owned();
        if float {
            Tok::Float(text)
        } else {
            Tok::Int(text)
        }
    }

    fn string(&mut self, quote: char) -> Result<String, CompileError> {
        let start = Pos(self.at);
        self.at += 1;
        let mut out = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            if c == quote {
                self.at += i + 1;
                return Ok(out);
            }
            if c != '\\' {
                out.push(c);
                continue;
            }
            let Some((_, e)) = chars.next() else { break };
            match e {
                '\\' | '\'' | '"' => out.push(e),
                'n' => out.push('\n'),
                't' => out.push('\t'),
                'r' => out.push('\r'),
                'b' => out.push('\u{8}'),
                'f' => out.push('\u{c}'),
                'u' | 'U' => {
                    let digits = if e == 'u' { 4 } else { 8 };
                    let hex: String = (0..digits)
                        .filter_map(|_| chars.next().map(|(_, h)| h))
                        .collect();
                    let c = u32::from_str_radix(&hex, 16)
                        .ok()
                        .filter(|_| hex.len() == digits)
                        .and_then(char::from_u32)
                        .ok_or_else(|| {
                            CompileError::syntax(
                                start,
                                "InvalidUnicodeLiteral",
                                format!("invalid unicode escape \\{e}{hex}"),
                            )
                        })?;
                    out.push(c);
                }
                other => {
                    out.push('\\');
                    out.push(other);
                }
            }
        }
        Err(CompileError::syntax(
            start,
            "UnexpectedSyntax",
            "a string that never ends",
        ))
    }
}
