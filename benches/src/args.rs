//! What the benchmark binaries share in reading their command lines.

use std::fmt::Display;
use std::str::FromStr;

/// The whole `main` of a benchmark binary called `name`: reads the command line with `parse`,
/// runs `run` on what it read and prints the report `run` returns. An error is printed after
/// `name` and ends the process with status 2 (the command line) or 1 (the run).
pub fn main<C, E: Display>(
    name: &str,
    parse: impl FnOnce() -> Result<C, String>,
    run: impl FnOnce(&C) -> Result<String, E>,
) {
    let config = parse().unwrap_or_else(|e| {
        eprintln!("{name}: {e}");
        std::process::exit(2);
    });
    match run(&config) {
        Ok(report) => print!("{report}"),
        Err(e) => {
            eprintln!("{name}: {e}");
            std::process::exit(1);
        }
    }
}

/// `text` as a number; `_` may group digits (`1_000_000`). The error names the text.
pub fn number<T: FromStr>(text: &str) -> Result<T, String> {
    text.replace('_', "")
        .parse()
        .map_err(|_| format!("not a number: {text}"))
}

#[cfg(test)]
mod tests {
    use super::number;

    #[test]
    fn numbers_may_group_digits_and_anything_else_is_named() {
        assert_eq!(number::<u64>("1_000_000"), Ok(1_000_000));
        assert_eq!(number::<f64>("0.5"), Ok(0.5));
        assert_eq!(number::<u32>("ten"), Err("not a number: ten".to_owned()));
    }
}
