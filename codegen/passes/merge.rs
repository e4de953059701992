//! Merging several object schemas into one, shared by the passes that collapse unions.
//!
//! The merged object has every property of every member; a property is required only if every
//! member requires it. Properties defined alike are kept; string properties that differ only in
//! their enums get the union of the values, to be opened by `open_enums` like any received
//! enum; any other disagreement becomes an untyped value and is reported.

use indexmap::IndexMap;
use openapiv3::{
    ObjectType, OpenAPI, ReferenceOr, Schema, SchemaData, SchemaKind, StringType, Type,
};

use super::open_enums;
use crate::codegen::walk;

/// One alternative of a union, flattened: its properties and its required names.
#[derive(Debug, Clone, Default)]
struct Part {
    properties: IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: Vec<String>,
}

/// The alternatives an object-like schema stands for, or `None` if it is not object-like.
fn parts(doc: &OpenAPI, schema: &Schema) -> Option<Vec<Part>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => Some(vec![Part {
            properties: o.properties.clone(),
            required: o.required.clone(),
        }]),
        SchemaKind::Any(a) if a.one_of.is_empty() && a.any_of.is_empty() && a.all_of.is_empty() => {
            Some(vec![Part {
                properties: a.properties.clone(),
                required: a.required.clone(),
            }])
        }
        SchemaKind::AllOf { all_of } => {
            let mut whole = Part::default();
            for member in all_of {
                for part in parts(doc, walk::resolve(doc, member)?)? {
                    whole.properties.extend(part.properties);
                    whole.required.extend(part.required);
                }
            }
            Some(vec![whole])
        }
        SchemaKind::OneOf { one_of: v } | SchemaKind::AnyOf { any_of: v } => {
            let mut out = Vec::new();
            for member in v {
                out.extend(parts(doc, walk::resolve(doc, member)?)?);
            }
            Some(out)
        }
        _ => None,
    }
}

/// Whether every alternative of `schema` is an object (so the union can become one object).
pub fn is_object_like(doc: &OpenAPI, schema: &Schema) -> bool {
    parts(doc, schema).is_some_and(|p| !p.is_empty())
}

/// Merges the given schemas into one object schema; conflicts are described in the notes.
/// Returns `None` if some member is not object-like.
pub fn merge_objects(
    doc: &OpenAPI,
    members: &[&Schema],
    notes: &mut Vec<String>,
) -> Option<Schema> {
    let mut all = Vec::new();
    for m in members {
        all.extend(parts(doc, m)?);
    }
    let mut properties: IndexMap<String, ReferenceOr<Box<Schema>>> = IndexMap::new();
    for part in &all {
        for (name, prop) in &part.properties {
            let merged = match properties.get(name) {
                None => prop.clone(),
                Some(existing) => merge_property(doc, name, existing, prop, notes),
            };
            properties.insert(name.clone(), merged);
        }
    }
    let required = properties
        .keys()
        .filter(|k| all.iter().all(|p| p.required.contains(k)))
        .cloned()
        .collect();
    Some(Schema {
        schema_data: SchemaData::default(),
        schema_kind: SchemaKind::Type(Type::Object(ObjectType {
            properties,
            required,
            ..Default::default()
        })),
    })
}

fn merge_property(
    doc: &OpenAPI,
    name: &str,
    a: &ReferenceOr<Box<Schema>>,
    b: &ReferenceOr<Box<Schema>>,
    notes: &mut Vec<String>,
) -> ReferenceOr<Box<Schema>> {
    if a == b {
        return a.clone();
    }
    let (Some(sa), Some(sb)) = (walk::resolve_boxed(doc, a), walk::resolve_boxed(doc, b)) else {
        return a.clone();
    };
    // Equal up to documentation: keep the first.
    if sa.schema_kind == sb.schema_kind {
        return a.clone();
    }
    if let (Some(ea), Some(eb)) = (string_values(sa), string_values(sb)) {
        let mut values: Vec<String> = Vec::new();
        for v in ea.iter().chain(eb.iter()).flatten() {
            if !values.contains(v) {
                values.push(v.clone());
            }
        }
        let string = Schema {
            schema_data: SchemaData {
                description: sa.schema_data.description.clone(),
                ..Default::default()
            },
            schema_kind: SchemaKind::Type(Type::String(StringType {
                enumeration: values.iter().cloned().map(Some).collect(),
                ..Default::default()
            })),
        };
        // A member that accepts any text should make the union accept any text too; merged
        // schemas are response bodies, which `open_enums` opens later with a proper name.
        return ReferenceOr::Item(Box::new(string));
    }
    notes.push(format!(
        "property `{name}` has conflicting definitions; kept as an untyped value"
    ));
    ReferenceOr::Item(Box::new(Schema {
        schema_data: SchemaData::default(),
        schema_kind: SchemaKind::Any(Default::default()),
    }))
}

/// For a plain string schema: `Some(Some(values))` if it is an enum, `Some(None)` if free text.
fn string_values(schema: &Schema) -> Option<Option<Vec<String>>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if s.enumeration.is_empty() => Some(None),
        SchemaKind::Type(Type::String(s)) => {
            Some(Some(s.enumeration.iter().flatten().cloned().collect()))
        }
        _ => open_enums::opened_values(schema).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::{json, spec};

    fn doc() -> OpenAPI {
        spec(
            r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Ok:
      type: object
      required: [id, status]
      properties:
        id: {type: string, description: the id}
        status: {type: string}
    Err:
      type: object
      required: [status]
      properties:
        id: {type: string, description: maybe empty}
        status: {type: string, enum: ['1', '2']}
        error_text: {type: string}
    Odd:
      type: object
      properties:
        id: {type: integer}
"#,
        )
    }

    #[test]
    fn unions_properties_intersects_required_and_opens_mixed_enums() {
        let d = doc();
        let s = &d.components.as_ref().unwrap().schemas;
        let (ok, err) = (s["Ok"].as_item().unwrap(), s["Err"].as_item().unwrap());
        let mut notes = Vec::new();
        let merged = json(&merge_objects(&d, &[ok, err], &mut notes).unwrap());
        assert_eq!(merged["required"], serde_json::json!(["status"]));
        let props: Vec<_> = merged["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(props, ["error_text", "id", "status"]);
        assert_eq!(
            merged["properties"]["status"]["enum"],
            serde_json::json!(["1", "2"])
        );
        assert!(notes.is_empty(), "{notes:?}");
    }

    #[test]
    fn reports_incompatible_types() {
        let d = doc();
        let s = &d.components.as_ref().unwrap().schemas;
        let mut notes = Vec::new();
        let merged = json(
            &merge_objects(
                &d,
                &[s["Ok"].as_item().unwrap(), s["Odd"].as_item().unwrap()],
                &mut notes,
            )
            .unwrap(),
        );
        assert_eq!(merged["properties"]["id"], serde_json::json!({}));
        assert_eq!(notes.len(), 1);
    }
}
