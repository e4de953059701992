//! Merges a response body that is a `oneOf` of objects (no discriminator) into one object.
//!
//! Vonage v1 answers HTTP 200 for success and failure alike, modelled as `oneOf: [success,
//! error]` of all-optional objects. typify makes that an untagged enum whose first variant
//! matches any object, so `{"status":"3","error_text":"..."}` decoded as a success. One object
//! with every field keeps `status` and `error_text` visible, and the caller (or the typed layer)
//! decides from `status`.

use openapiv3::{OpenAPI, ReferenceOr, SchemaKind};

use super::merge;
use crate::codegen::{Config, walk};

/// Replaces each such response schema by the merged object.
pub fn run(doc: &mut OpenAPI, _: &Config) -> Vec<String> {
    let snapshot = doc.clone();
    let mut notes = Vec::new();
    walk::side_roots_mut(doc, walk::Side::Response, &mut |root| {
        let Some(schema) = walk::resolve(&snapshot, root) else {
            return;
        };
        let SchemaKind::OneOf { one_of } = &schema.schema_kind else {
            return;
        };
        if schema.schema_data.discriminator.is_some() {
            return;
        }
        let members: Option<Vec<_>> = one_of.iter().map(|m| walk::resolve(&snapshot, m)).collect();
        let Some(members) = members else { return };
        if !members.iter().all(|m| merge::is_object_like(&snapshot, m)) {
            return;
        }
        let names: Vec<String> = one_of
            .iter()
            .map(|m| match m {
                ReferenceOr::Reference { reference } => {
                    reference.rsplit('/').next().unwrap_or_default().to_string()
                }
                ReferenceOr::Item(_) => "inline".into(),
            })
            .collect();
        if let Some(mut merged) = merge::merge_objects(&snapshot, &members, &mut notes) {
            merged.schema_data.description = schema.schema_data.description.clone();
            notes.push(format!(
                "merged oneOf [{}] into one object",
                names.join(", ")
            ));
            *root = ReferenceOr::Item(merged);
        }
    });
    notes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::{json, spec};

    #[test]
    fn merges_success_and_error_objects_but_not_tagged_or_scalar_unions() {
        let mut doc = spec(
            r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    post:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                oneOf:
                  - $ref: '#/components/schemas/Ok'
                  - $ref: '#/components/schemas/Err'
  /b:
    post:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                oneOf: [{type: string}, {type: integer}]
  /c:
    post:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                discriminator: {propertyName: kind}
                oneOf:
                  - $ref: '#/components/schemas/Ok'
                  - $ref: '#/components/schemas/Err'
components:
  schemas:
    Ok: {type: object, properties: {request_id: {type: string}, status: {type: string}}}
    Err: {type: object, properties: {status: {type: string}, error_text: {type: string}}}
"#,
        );
        let notes = run(&mut doc, &Config::default());
        let d = json(&doc);
        let body = |p: &str| {
            d["paths"][p]["post"]["responses"]["200"]["content"]["application/json"]["schema"]
                .clone()
        };
        let merged = body("/a");
        assert_eq!(merged["type"], "object");
        let props: Vec<_> = merged["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(props, ["error_text", "request_id", "status"]);
        assert!(
            body("/b")["oneOf"].is_array(),
            "scalar unions are left alone"
        );
        assert!(
            body("/c")["oneOf"].is_array(),
            "a discriminator already tells the variants apart"
        );
        assert_eq!(notes, ["merged oneOf [Ok, Err] into one object"]);
    }
}
