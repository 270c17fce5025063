//! `=~`: whether a whole string matches a regular expression.

use crate::error::{Error, ErrorClass, Result};

/// Whether all of `text` matches `pattern`.
pub(crate) fn matches(pattern: &str, text: &str) -> Result<bool> {
    let re = regex::Regex::new(&format!("^(?:{pattern})$")).map_err(|e| {
        Error::runtime(
            ErrorClass::ArgumentError,
            "InvalidArgumentValue",
            format!("invalid regular expression: {e}"),
        )
    })?;
    Ok(re.is_match(text))
}
