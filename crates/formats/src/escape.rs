//! Text made safe for the formats written by hand: XML (GraphML) and DOT quoted strings.
//!
//! Both replace the characters XML 1.0 cannot carry at all, not even as a character reference
//! (C0 controls other than tab, line feed and carriage return, and U+FFFE and U+FFFF), with
//! U+FFFD REPLACEMENT CHARACTER, so that one name reads the same in both formats and every
//! reader accepts the file. Everything else, non-ASCII included, is written as itself (UTF-8).

/// The character written in place of one no XML 1.0 document may hold.
pub const REPLACEMENT: char = '\u{FFFD}';

/// Whether XML 1.0 forbids `c` everywhere (the `Char` production).
pub fn forbidden_in_xml(c: char) -> bool {
    matches!(c, '\u{0}'..='\u{8}' | '\u{B}' | '\u{C}' | '\u{E}'..='\u{1F}' | '\u{FFFE}' | '\u{FFFF}')
}

/// `text` escaped for XML character data and attribute values alike: markup characters as
/// entities, tab, line feed and carriage return as character references (so attribute-value
/// and end-of-line normalisation keep them), forbidden characters as [`REPLACEMENT`].
pub fn xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' => out.push_str("&#9;"),
            '\n' => out.push_str("&#10;"),
            '\r' => out.push_str("&#13;"),
            c if forbidden_in_xml(c) => out.push(REPLACEMENT),
            c => out.push(c),
        }
    }
    out
}

/// `text` as a DOT quoted string, quotes included: `"` and `\` escaped with a backslash, line
/// breaks (`\n`, `\r\n`, `\r`) as Graphviz's `\n`, forbidden characters as [`REPLACEMENT`].
pub fn dot(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    out.push('"');
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => {
                if chars.peek() == Some(&'\n') {
                    chars.next();
                }
                out.push_str("\\n");
            }
            c if forbidden_in_xml(c) => out.push(REPLACEMENT),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn xml_escapes_markup_characters_as_entities() {
        assert_eq!(
            xml(r#"<a & 'b' "c">"#),
            "&lt;a &amp; &apos;b&apos; &quot;c&quot;&gt;"
        );
    }

    #[test]
    fn xml_keeps_line_breaks_and_tabs_as_character_references() {
        assert_eq!(xml("a\tb\nc\r\nd"), "a&#9;b&#10;c&#13;&#10;d");
    }

    #[test]
    fn xml_replaces_characters_xml_forbids() {
        assert_eq!(xml("a\u{0}b\u{1B}c\u{FFFF}"), "a\u{FFFD}b\u{FFFD}c\u{FFFD}");
    }

    #[test]
    fn xml_writes_non_ascii_as_itself() {
        assert_eq!(xml("Zürich 東京 🦀"), "Zürich 東京 🦀");
    }

    #[test]
    fn dot_quotes_and_escapes_quotes_and_backslashes() {
        assert_eq!(dot(r#"say "hi" \ bye"#), r#""say \"hi\" \\ bye""#);
    }

    #[test]
    fn dot_writes_every_line_break_as_graphviz_newline() {
        assert_eq!(dot("a\nb\r\nc\rd"), r#""a\nb\nc\nd""#);
    }

    #[test]
    fn dot_keeps_markup_and_non_ascii_and_replaces_controls() {
        assert_eq!(dot("<&>'é\u{7}"), "\"<&>'é\u{FFFD}\"");
    }

    /// What a reader gets back: `text` with forbidden characters replaced.
    fn readable(text: &str) -> String {
        text.chars()
            .map(|c| if forbidden_in_xml(c) { REPLACEMENT } else { c })
            .collect()
    }

    /// An XML reader's decoding of the entities and character references `xml` writes;
    /// `None` for markup left unescaped or an unknown reference.
    fn unescape_xml(escaped: &str) -> Option<String> {
        let mut out = String::new();
        let mut rest = escaped;
        while let Some(at) = rest.find(['&', '<', '>', '"', '\'']) {
            let (before, from) = rest.split_at(at);
            out.push_str(before);
            let end = from.find(';')?;
            let (entity, after) = from.split_at(end + 1);
            out.push(match entity {
                "&amp;" => '&',
                "&lt;" => '<',
                "&gt;" => '>',
                "&quot;" => '"',
                "&apos;" => '\'',
                "&#9;" => '\t',
                "&#10;" => '\n',
                "&#13;" => '\r',
                _ => return None,
            });
            rest = after;
        }
        out.push_str(rest);
        Some(out)
    }

    /// A DOT reader's decoding of a quoted string (`\"` and `\\`), with Graphviz's `\n` as a
    /// line feed; `None` for a quote left unescaped.
    fn unescape_dot(quoted: &str) -> Option<String> {
        let inner = quoted.strip_prefix('"')?.strip_suffix('"')?;
        let mut out = String::new();
        let mut chars = inner.chars();
        while let Some(c) = chars.next() {
            match c {
                '\\' => match chars.next()? {
                    'n' => out.push('\n'),
                    other => out.push(other),
                },
                '"' => return None,
                c => out.push(c),
            }
        }
        Some(out)
    }

    fn any_text() -> impl proptest::strategy::Strategy<Value = String> {
        proptest::collection::vec(proptest::char::any(), 0..48)
            .prop_map(|chars| chars.into_iter().collect())
    }

    use proptest::prelude::*;

    proptest! {
        #[test]
        fn xml_reads_back_as_the_text_with_forbidden_characters_replaced(text in any_text()) {
            let escaped = xml(&text);
            prop_assert!(!escaped.chars().any(forbidden_in_xml));
            prop_assert!(!escaped.contains(['\n', '\r', '\t']));
            prop_assert_eq!(unescape_xml(&escaped), Some(readable(&text)));
        }

        #[test]
        fn dot_reads_back_as_the_text_with_line_breaks_as_newlines(text in any_text()) {
            let quoted = dot(&text);
            prop_assert!(!quoted.contains(['\n', '\r']));
            let expected = readable(&text).replace("\r\n", "\n").replace('\r', "\n");
            prop_assert_eq!(unescape_dot(&quoted), Some(expected));
        }
    }
}
