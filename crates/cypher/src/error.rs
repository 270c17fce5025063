//! The crate's error: what went wrong, the openCypher error class and detail it falls under,
//! and for errors found before running, the position in the query.

/// The openCypher error classes (the TCK's error types).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum ErrorClass {
    /// Invalid or unsupported syntax, or a query that is syntactically valid but meaningless
    /// (an undefined variable, an aggregation where none may be).
    SyntaxError,
    /// A parameter the query uses was not given.
    ParameterMissing,
    /// An operation on values of types it does not accept.
    TypeError,
    /// An operation with invalid arguments.
    ArgumentError,
    /// An arithmetic error (integer overflow, division by zero).
    ArithmeticError,
    /// A deleted node or relationship was used.
    EntityNotFound,
    /// A constraint the query imposes is violated (deleting a node with relationships).
    ConstraintVerificationFailed,
    /// A procedure that does not exist was called.
    ProcedureError,
}

impl std::fmt::Display for ErrorClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(self, f)
    }
}

/// Everything that can go wrong in a query.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The query was refused before it ran (syntax, semantics, missing parameters): nothing
    /// was read or written.
    #[error("{class} ({detail}) at line {line}, column {column}: {message}")]
    Compile {
        /// The error class.
        class: ErrorClass,
        /// The TCK's finer category (`UndefinedVariable`, `UnexpectedSyntax`, ...).
        detail: &'static str,
        /// Line of the offending text, from 1.
        line: usize,
        /// Column (in characters) of the offending text, from 1.
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// The query failed while running.
    #[error("{class} ({detail}): {message}")]
    Runtime {
        /// The error class.
        class: ErrorClass,
        /// The TCK's finer category.
        detail: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The query uses a part of Cypher this engine does not implement.
    #[error("not supported at line {line}, column {column}: {what}")]
    Unsupported {
        /// Line from 1.
        line: usize,
        /// Column from 1.
        column: usize,
        /// What is not supported.
        what: String,
    },
    /// A write clause in a query run on a read transaction.
    #[error("the query writes, and the transaction is read-only")]
    ReadOnly,
    /// The graph below failed.
    #[error(transparent)]
    Graph(#[from] graph::Error),
}

impl Error {
    /// The error class and detail, if the error is one of openCypher's.
    pub fn class(&self) -> Option<(ErrorClass, &'static str)> {
        match self {
            Error::Compile { class, detail, .. } | Error::Runtime { class, detail, .. } => {
                Some((*class, *detail))
            }
            _ => None,
        }
    }

    /// Whether the error was found before the query ran.
    pub fn is_compile_time(&self) -> bool {
        matches!(self, Error::Compile { .. } | Error::Unsupported { .. })
    }

    /// A runtime error of `class`.
    pub(crate) fn runtime(
        class: ErrorClass,
        detail: &'static str,
        message: impl Into<String>,
    ) -> Error {
        Error::Runtime {
            class,
            detail,
            message: message.into(),
        }
    }

    /// A runtime type error.
    pub(crate) fn type_error(message: impl Into<String>) -> Error {
        Error::runtime(ErrorClass::TypeError, "InvalidArgumentType", message)
    }
}

/// A position in the query text (byte offset), turned into line and column for errors.
#[derive(Clone, Copy, Debug, Default)]
pub struct Pos(pub usize);

/// Positions are not part of an expression's identity: `n.x` in `RETURN n.x ORDER BY n.x` is
/// the same expression twice, so every two positions compare equal.
impl PartialEq for Pos {
    fn eq(&self, _: &Pos) -> bool {
        true
    }
}

impl Pos {
    /// Line and column (from 1) of this position in `text`.
    pub(crate) fn line_column(self, text: &str) -> (usize, usize) {
        let before = text.get(..self.0).unwrap_or(text);
        let line = before.matches('\n').count() + 1;
        let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
        (line, column)
    }
}

/// An error found while compiling, before the text is at hand to place it: the position
/// becomes a line and column at the crate's boundary ([`CompileError::locate`]).
#[derive(Debug)]
pub(crate) struct CompileError {
    pub(crate) pos: Pos,
    pub(crate) kind: CompileKind,
}

#[derive(Debug)]
pub(crate) enum CompileKind {
    Error {
        class: ErrorClass,
        detail: &'static str,
        message: String,
    },
    Unsupported(String),
}

impl CompileError {
    /// A syntax error with `detail` at `pos`.
    pub(crate) fn syntax(
        pos: Pos,
        detail: &'static str,
        message: impl Into<String>,
    ) -> CompileError {
        CompileError {
            pos,
            kind: CompileKind::Error {
                class: ErrorClass::SyntaxError,
                detail,
                message: message.into(),
            },
        }
    }

    /// An error of another class at `pos`.
    pub(crate) fn of(
        pos: Pos,
        class: ErrorClass,
        detail: &'static str,
        message: impl Into<String>,
    ) -> CompileError {
        CompileError {
            pos,
            kind: CompileKind::Error {
                class,
                detail,
                message: message.into(),
            },
        }
    }

    /// Syntax this engine does not implement, at `pos`.
    pub(crate) fn unsupported(pos: Pos, what: impl Into<String>) -> CompileError {
        CompileError {
            pos,
            kind: CompileKind::Unsupported(what.into()),
        }
    }

    /// The public error, placed in `text`.
    pub(crate) fn locate(self, text: &str) -> Error {
        let (line, column) = self.pos.line_column(text);
        match self.kind {
            CompileKind::Error {
                class,
                detail,
                message,
            } => Error::Compile {
                class,
                detail,
                line,
                column,
                message,
            },
            CompileKind::Unsupported(what) => Error::Unsupported { line, column, what },
        }
    }
}

/// The crate's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
