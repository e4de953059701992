//! Drops length, pattern, range and identifier-format checks from schemas the client only
//! receives.
//!
//! typify checks constraints while decoding, so a response that breaks one is rejected whole:
//! Vonage documents v1 `request_id` as at most 32 characters while other observations allow 50.
//! Validating what the server sends protects nothing; the constraints stay on what is sent.

use openapiv3::{OpenAPI, Schema, SchemaKind, Type, VariantOrUnknownOrEmpty};

use crate::codegen::{Config, walk};

/// Removes the constraints from every received schema (see [`walk::received_mut`]).
pub fn run(doc: &mut OpenAPI, _: &Config) -> Vec<String> {
    let mut count = 0;
    // Schemas that are both sent and received are reported by `open_enums`.
    let _shared = walk::received_mut(doc, &mut |schema, _| {
        walk::visit_mut(schema, &mut |s| count += relax(s))
    });
    if count == 0 {
        Vec::new()
    } else {
        vec![format!("relaxed {count} received schema(s)")]
    }
}

fn relax(schema: &mut Schema) -> usize {
    let changed = match &mut schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => {
            // Identifier formats are checks too: one id that is not a UUID would fail a whole
            // page of templates. Timestamps keep their format; they convert to a typed value.
            let checked_format = matches!(
                &s.format,
                VariantOrUnknownOrEmpty::Unknown(f) if f == "uuid" || f == "email" || f == "uri"
            );
            let had = s.min_length.is_some()
                || s.max_length.is_some()
                || s.pattern.is_some()
                || checked_format;
            (s.min_length, s.max_length, s.pattern) = (None, None, None);
            if checked_format {
                s.format = VariantOrUnknownOrEmpty::Empty;
            }
            had
        }
        SchemaKind::Type(Type::Integer(n)) => {
            let had = n.minimum.is_some() || n.maximum.is_some() || n.multiple_of.is_some();
            (n.minimum, n.maximum, n.multiple_of) = (None, None, None);
            had
        }
        SchemaKind::Type(Type::Array(a)) => {
            let had = a.min_items.is_some() || a.max_items.is_some();
            (a.min_items, a.max_items) = (None, None);
            had
        }
        _ => false,
    };
    usize::from(changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::{json, spec};

    #[test]
    fn relaxes_responses_and_keeps_request_constraints() {
        let mut doc = spec(
            r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /x:
    post:
      operationId: x
      requestBody:
        content:
          application/json:
            schema:
              type: object
              properties: {code: {type: string, minLength: 4, maxLength: 6}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  request_id: {type: string, maxLength: 32}
                  template_id: {type: string, format: uuid}
                  created: {type: string, format: date-time}
                  items: {type: array, maxItems: 10, items: {type: integer, maximum: 5}}
"#,
        );
        assert_eq!(
            run(&mut doc, &Config::default()),
            ["relaxed 4 received schema(s)"]
        );
        let d = json(&doc);
        let op = &d["paths"]["/x"]["post"];
        assert_eq!(
            op["requestBody"]["content"]["application/json"]["schema"]["properties"]["code"]["maxLength"],
            6
        );
        let resp = &op["responses"]["200"]["content"]["application/json"]["schema"]["properties"];
        assert_eq!(resp["request_id"], serde_json::json!({"type": "string"}));
        assert_eq!(resp["template_id"], serde_json::json!({"type": "string"}));
        assert_eq!(resp["created"]["format"], "date-time");
        assert_eq!(
            resp["items"],
            serde_json::json!({"type": "array", "items": {"type": "integer"}})
        );
    }
}
