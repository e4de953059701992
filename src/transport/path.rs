//! The encoder generated code writes path parameters with (put in place of progenitor's
//! `encode_path` by `codegen/rewrite/path.rs`).

use std::fmt;

use percent_encoding::{AsciiSet, CONTROLS, utf8_percent_encode};

/// A copy of progenitor-client's private `PATH_SET` (WHATWG's older path set plus `/` and
/// `%`). It must stay byte for byte progenitor's, not follow the URL standard: the test
/// below pins the two together.
const PATH_SEGMENT: &AsciiSet = &CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'`')
    .add(b'{')
    .add(b'}')
    .add(b'/')
    .add(b'%');

/// A path parameter's text, percent-encoded as it is formatted into the URL: the same text
/// `progenitor_client::encode_path(&value.to_string())` gives, without making the two strings
/// that does.
pub(crate) struct PathSegment<'a, T: ?Sized>(pub(crate) &'a T);

impl<T: fmt::Display + ?Sized> fmt::Display for PathSegment<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // progenitor writes `{}`; should a placeholder ever carry a width or precision, it
        // applies to the encoded text, as it did to `encode_path`'s string.
        if f.width().is_some() || f.precision().is_some() {
            return f.pad(&PathSegment(self.0).to_string());
        }
        // Encoding is byte by byte, so encoding each piece the value writes is encoding the
        // whole; and `fmt::Write` hands over whole `str`s, never a split character.
        struct Encode<'a, 'b>(&'a mut fmt::Formatter<'b>);
        impl fmt::Write for Encode<'_, '_> {
            fn write_str(&mut self, text: &str) -> fmt::Result {
                utf8_percent_encode(text, PATH_SEGMENT)
                    .try_for_each(|piece| self.0.write_str(piece))
            }
        }
        fmt::write(&mut Encode(f), format_args!("{}", self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::PathSegment;

    fn ours(value: &(impl std::fmt::Display + ?Sized)) -> String {
        format!("{}", PathSegment(value))
    }

    /// Byte for byte what progenitor's `encode_path` gives: every ASCII character, characters
    /// of two to four bytes, and values whose `Display` writes in several pieces.
    #[test]
    fn encodes_as_progenitor_does() {
        let mut values: Vec<String> = (0u8..128).map(|b| char::from(b).to_string()).collect();
        values.extend(
            [
                "",
                "a0e5d3a2-7c5b-4c1e-9a7e-0d6f3a1b2c3d",
                "../../v1/admin",
                "a b/c?d#e%f{g}h`i\"j<k>l",
                "é€😀\u{7f}\u{80}\u{ff}",
                "%2F%252F",
                "name;x=1&y=2+3:4@5",
            ]
            .map(String::from),
        );
        for value in &values {
            assert_eq!(
                ours(value.as_str()),
                progenitor_client::encode_path(value),
                "{value:?}"
            );
        }
        // A value whose text is written in pieces, as a number or a joined list is.
        struct Pieces;
        impl std::fmt::Display for Pieces {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                for piece in ["a/", "é", " ", "%", "😀"] {
                    f.write_str(piece)?;
                }
                write!(f, "{}", -42)
            }
        }
        assert_eq!(
            ours(&Pieces),
            progenitor_client::encode_path(&Pieces.to_string())
        );
        assert_eq!(ours(&7_u64), "7");
        // Width and precision apply to the encoded text.
        let encoded = progenitor_client::encode_path("a/b");
        assert_eq!(
            format!("{:>9}", PathSegment("a/b")),
            format!("{encoded:>9}")
        );
        assert_eq!(
            format!("{:.4}", PathSegment("a/b")),
            format!("{encoded:.4}")
        );
    }
}
