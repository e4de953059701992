//! Drops `required` names that no property defines.
//!
//! Vonage's v2 specs list names such as `brand` or `channel_timeout` as required where no
//! property defines them; typify then emits mandatory `serde_json::Value` fields, and a real
//! webhook payload without the name fails to decode. Properties defined by `allOf` siblings
//! count as defined, and objects open to additional properties are left alone.

use std::collections::BTreeSet;

use openapiv3::{OpenAPI, Schema, SchemaKind, Type};

use crate::codegen::{Config, walk};

/// Removes undefined names from every `required` list in the document.
pub fn run(doc: &mut OpenAPI, _: &Config) -> Vec<String> {
    let snapshot = doc.clone();
    let mut notes = Vec::new();
    walk::roots_mut(doc, &mut |label, root| {
        for dropped in fix(&snapshot, root, &BTreeSet::new()) {
            notes.push(format!("{label}: `{dropped}` is required but not defined"));
        }
    });
    notes
}

/// Fixes `schema` and everything under it; `inherited` are names that `allOf` siblings define.
fn fix(doc: &OpenAPI, schema: &mut Schema, inherited: &BTreeSet<String>) -> Vec<String> {
    let mut dropped = Vec::new();
    let own = property_names(doc, schema);
    let allowed: BTreeSet<String> = own.union(inherited).cloned().collect();
    let (required, open) = match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            (Some(&mut o.required), is_open(&o.additional_properties))
        }
        SchemaKind::Any(a) => (Some(&mut a.required), is_open(&a.additional_properties)),
        _ => (None, false),
    };
    if let Some(required) = required.filter(|_| !open) {
        let (keep, gone): (Vec<String>, Vec<String>) =
            required.drain(..).partition(|n| allowed.contains(n));
        *required = keep;
        dropped.extend(gone);
    }
    // allOf members see each other's properties; any other child starts afresh.
    let scope: BTreeSet<String> = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of
            .iter()
            .filter_map(|m| walk::resolve(doc, m))
            .flat_map(|m| property_names(doc, m))
            .chain(allowed.iter().cloned())
            .collect(),
        _ => BTreeSet::new(),
    };
    for child in walk::children_mut(schema) {
        dropped.extend(fix(doc, child, &scope));
    }
    dropped
}

/// `additionalProperties: true` or a schema lets required names live outside `properties`.
fn is_open(additional: &Option<openapiv3::AdditionalProperties>) -> bool {
    matches!(
        additional,
        Some(
            openapiv3::AdditionalProperties::Any(true) | openapiv3::AdditionalProperties::Schema(_)
        )
    )
}

/// Property names a schema defines itself or through its own `allOf` members.
fn property_names(doc: &OpenAPI, schema: &Schema) -> BTreeSet<String> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => o.properties.keys().cloned().collect(),
        SchemaKind::Any(a) => a.properties.keys().cloned().collect(),
        SchemaKind::AllOf { all_of } => all_of
            .iter()
            .filter_map(|m| walk::resolve(doc, m))
            .flat_map(|m| property_names(doc, m))
            .collect(),
        _ => BTreeSet::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::{json, spec};

    #[test]
    fn drops_undefined_names_but_keeps_those_of_all_of_siblings() {
        let mut doc = spec(
            r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Base: {type: object, properties: {brand: {type: string}}}
    Start:
      allOf:
        - $ref: '#/components/schemas/Base'
        - type: object
          required: [workflow, brand]
          properties: {workflow: {type: string}}
    Hook:
      required: [id, channel_timeout]
      properties: {id: {type: string}}
    Open:
      type: object
      required: [anything]
      additionalProperties: true
    Closed:
      type: object
      required: [ghost]
      additionalProperties: false
"#,
        );
        let notes = run(&mut doc, &Config::default());
        let schemas = &doc.components.as_ref().unwrap().schemas;
        assert_eq!(
            json(&schemas["Start"])["allOf"][1]["required"],
            serde_json::json!(["workflow", "brand"])
        );
        assert_eq!(
            json(&schemas["Hook"])["required"],
            serde_json::json!(["id"])
        );
        assert_eq!(
            json(&schemas["Open"])["required"],
            serde_json::json!(["anything"])
        );
        assert_eq!(json(&schemas["Closed"]).get("required"), None);
        assert_eq!(
            notes,
            [
                "schema Hook: `channel_timeout` is required but not defined",
                "schema Closed: `ghost` is required but not defined"
            ]
        );
    }
}
