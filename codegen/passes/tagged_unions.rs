//! Inlines the `$ref` members of a `oneOf` that has a discriminator.
//!
//! typify recognises an internally tagged union (`#[serde(tag = "channel")]`) only when the
//! members are written inline; with `$ref` members it emits an untagged enum of structs that
//! each carry their own single-value `channel` field, which callers must set by hand. Inlined,
//! a Verify v2 workflow step is `NewRequestBodyWorkflowItem::Sms { to, .. }`, and mixing channels in one
//! workflow reads naturally. Components left unreferenced are removed so they are not generated
//! twice.

use std::collections::BTreeSet;

use openapiv3::{
    ObjectType, OpenAPI, ReferenceOr, Schema, SchemaData, SchemaKind, StringType, Type,
};

use crate::codegen::{Config, walk};

/// Replaces each member `$ref` of a discriminated `oneOf` by a copy of the referenced schema.
pub fn run(doc: &mut OpenAPI, _: &Config) -> Vec<String> {
    let snapshot = doc.clone();
    let mut inlined = BTreeSet::new();
    walk::every_schema_mut(doc, &mut |s| {
        let Some(discriminator) = s.schema_data.discriminator.as_mut() else {
            return;
        };
        let SchemaKind::OneOf { one_of } = &mut s.schema_kind else {
            return;
        };
        for member in one_of.iter_mut() {
            let ReferenceOr::Reference { reference } = &*member else {
                continue;
            };
            let Some(name) = walk::schema_ref_name(reference).map(str::to_string) else {
                continue;
            };
            let tag_value = discriminator
                .mapping
                .iter()
                .find(|(_, r)| *r == reference)
                .map(|(k, _)| k.clone());
            let Some(mut target) = walk::resolve(&snapshot, member).cloned() else {
                continue;
            };
            // typify tags only inline objects; other shapes stay references.
            let SchemaKind::Type(Type::Object(object)) = &mut target.schema_kind else {
                continue;
            };
            if let Some(value) = tag_value {
                pin_tag(object, &discriminator.property_name, value);
            }
            inlined.insert(name);
            *member = ReferenceOr::Item(target);
        }
        // The mapping named the components; the inline members now carry the tag values.
        discriminator.mapping.clear();
    });
    let still_used = walk::referenced_names(doc);
    let mut notes = Vec::new();
    if let Some(c) = doc.components.as_mut() {
        for name in &inlined {
            if !still_used.contains(name) {
                c.schemas.shift_remove(name);
            }
        }
    }
    if !inlined.is_empty() {
        notes.push(format!(
            "inlined {} tagged union member(s): {}",
            inlined.len(),
            inlined.iter().cloned().collect::<Vec<_>>().join(", ")
        ));
    }
    notes
}

/// Makes the tag property a required single-value enum, which is what typify keys on, unless
/// the member already constrains it that way.
fn pin_tag(object: &mut ObjectType, property: &str, value: String) {
    let has_single_value = object.properties.get(property).and_then(ReferenceOr::as_item).is_some_and(|p| {
        matches!(&p.schema_kind, SchemaKind::Type(Type::String(s)) if s.enumeration.len() == 1)
    });
    if !has_single_value {
        let tag = Schema {
            schema_data: SchemaData::default(),
            schema_kind: SchemaKind::Type(Type::String(StringType {
                enumeration: vec![Some(value)],
                ..Default::default()
            })),
        };
        object
            .properties
            .insert(property.to_string(), ReferenceOr::Item(Box::new(tag)));
    }
    if !object.required.iter().any(|r| r == property) {
        object.required.push(property.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::{json, spec};

    #[test]
    fn inlines_discriminated_members_and_drops_orphans() {
        let mut doc = spec(
            r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Step:
      oneOf:
        - $ref: '#/components/schemas/Sms'
        - $ref: '#/components/schemas/Voice'
      discriminator:
        propertyName: channel
        mapping: {sms: '#/components/schemas/Sms', voice: '#/components/schemas/Voice'}
    Sms: {type: object, required: [channel], properties: {channel: {type: string, enum: [sms]}}}
    Voice: {type: object, properties: {channel: {type: string}}}
    Plain:
      oneOf: [{$ref: '#/components/schemas/Voice'}, {type: string}]
"#,
        );
        let notes = run(&mut doc, &Config::default());
        let d = json(&doc);
        let schemas = &d["components"]["schemas"];
        assert_eq!(
            schemas["Step"]["oneOf"][0]["properties"]["channel"]["enum"],
            serde_json::json!(["sms"])
        );
        assert!(schemas.get("Sms").is_none(), "orphaned member removed");
        assert!(schemas.get("Voice").is_some(), "still referenced by Plain");
        assert_eq!(
            schemas["Plain"]["oneOf"][0]["$ref"], "#/components/schemas/Voice",
            "no discriminator, no change"
        );
        assert_eq!(notes, ["inlined 2 tagged union member(s): Sms, Voice"]);
    }
}
