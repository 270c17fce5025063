//! What the benchmark binaries share in reading their command lines.

use std::str::FromStr;

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
