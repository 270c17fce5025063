//! Hive-style partition directory names (`kind=K`): the value escaped as Hive and Spark escape
//! it (`%XX` for `/`, `=`, `%`, control characters and a few others), so that any kind or
//! edge type makes one directory, and Spark, DuckDB and pyarrow read the value back as it was.

/// Whether Hive's `escapePathName` escapes `c`.
fn needs_escape(c: char) -> bool {
    c.is_ascii_control() || "\"#%'*/:=?\\{[]^".contains(c)
}

/// `value` with every character Hive escapes written as `%XX` (its byte in upper-case hex).
pub fn escape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    for c in value.chars() {
        if needs_escape(c) {
            // Every escaped character is ASCII: one byte.
            out.push_str(&format!("%{:02X}", u32::from(c)));
        } else {
            out.push(c);
        }
    }
    out
}

/// The value `escaped` names, or why it cannot be decoded (a `%` not followed by two hex
/// digits, or bytes that are not UTF-8).
pub fn unescape(escaped: &str) -> Result<String, &'static str> {
    let bytes = escaped.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut at = 0;
    while let Some(&b) = bytes.get(at) {
        if b == b'%' {
            let digits = bytes
                .get(at + 1..at + 3)
                .and_then(|d| std::str::from_utf8(d).ok())
                .and_then(|d| u8::from_str_radix(d, 16).ok())
                .ok_or("a % not followed by two hex digits")?;
            out.push(digits);
            at += 3;
        } else {
            out.push(b);
            at += 1;
        }
    }
    String::from_utf8(out).map_err(|_| "the decoded value is not UTF-8")
}

/// The column and value a directory name `column=value` gives, if it is one.
pub fn split(component: &str) -> Option<(&str, &str)> {
    component.split_once('=')
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn escape_writes_what_hive_escapes_as_hex() {
        assert_eq!(escape("a/b=c%d"), "a%2Fb%3Dc%25d");
        assert_eq!(escape("plain name é"), "plain name é");
        assert_eq!(escape("\n"), "%0A");
    }

    #[test]
    fn unescape_refuses_a_broken_escape() {
        assert!(unescape("a%2").is_err());
        assert!(unescape("a%zz").is_err());
        assert!(unescape("%FF").is_err());
    }

    proptest! {
        #[test]
        fn unescape_inverts_escape(value in any::<String>()) {
            prop_assert_eq!(unescape(&escape(&value)), Ok(value.clone()));
            prop_assert!(!escape(&value).contains(['/', '=']));
        }
    }
}
