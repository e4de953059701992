//! Checks `format: email` strings for the shape of an address.
//!
//! typify generates a plain `String` for `format: email`, so the client would send `alice` or
//! an empty string as an address that the spec says must be one. The pass adds a pattern that
//! asks only for what every address has, a local part and a domain around one `@` (a quoted
//! local part may hold an `@` of its own), so that the generated type checks it without being
//! stricter than the API. Received schemas lose the pattern again (`received_bounds`).

use openapiv3::{OpenAPI, SchemaKind, Type, VariantOrUnknownOrEmpty};

use crate::codegen::{Config, walk};

/// A local part (text without spaces, `@` or quotes, or a quoted string), an `@`, and a
/// domain without spaces or another `@`.
pub const ADDRESS: &str = r#"^(?:[^\s@"]+|"[^"\r\n]*")@[^\s@]+$"#;

/// Gives every `format: email` string without a pattern the [`ADDRESS`] pattern.
pub fn run(doc: &mut OpenAPI, _: &Config) -> Vec<String> {
    let mut count = 0;
    walk::every_schema_mut(doc, &mut |s| {
        if let SchemaKind::Type(Type::String(string)) = &mut s.schema_kind
            && matches!(&string.format, VariantOrUnknownOrEmpty::Unknown(f) if f == "email")
            && string.pattern.is_none()
        {
            string.pattern = Some(ADDRESS.to_owned());
            count += 1;
        }
    });
    if count == 0 {
        Vec::new()
    } else {
        vec![format!("{count} email field(s) checked as addresses")]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::{json, spec};

    #[test]
    fn email_strings_get_the_address_pattern_once() {
        let mut doc = spec(
            r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Step:
      type: object
      properties:
        to: {type: string, format: email}
        from: {type: string, format: email, pattern: '^[a-z]+@acme\.example$'}
        name: {type: string}
"#,
        );
        assert_eq!(
            run(&mut doc, &Config::default()),
            ["1 email field(s) checked as addresses"]
        );
        let step = &json(&doc)["components"]["schemas"]["Step"]["properties"];
        assert_eq!(step["to"]["pattern"], ADDRESS);
        assert_eq!(step["from"]["pattern"], r"^[a-z]+@acme\.example$");
        assert!(step["name"].get("pattern").is_none());
        assert!(run(&mut doc, &Config::default()).is_empty(), "idempotent");
    }

    /// What the pattern takes and refuses, read by the regex engine the generated code uses.
    #[test]
    fn the_pattern_takes_addresses_and_nothing_else() {
        let address = regress::Regex::new(ADDRESS).unwrap();
        for good in [
            "alice@company.com",
            "a.b+tag@sub.example.co.uk",
            "\"a@b\"@example.com",
            "x@localhost",
            "用户@例子.广告",
        ] {
            assert!(address.find(good).is_some(), "{good}");
        }
        for bad in [
            "alice",
            "",
            "@example.com",
            "alice@",
            "a b@c.com",
            "a@b c",
            "a@b@c",
            "a\"b@c.com",
        ] {
            assert!(address.find(bad).is_none(), "{bad}");
        }
    }
}
