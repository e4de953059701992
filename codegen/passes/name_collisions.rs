//! Inlines a component schema whose Rust name another component already takes.
//!
//! typify names a component's type by its name in Pascal case, so `Code` (a code you choose)
//! and `code` (the code a user typed) in Vonage's Verify v2 document both become `pub struct
//! Code`, and the generated module does not compile. The component whose name is already its
//! Rust name keeps it (the first one, when none is); each other one is copied into the places
//! that reference it, where typify names it after where it sits (`CheckCodeByCodeCode`). One
//! that cannot be copied (it references itself, or a discriminator's mapping names it) is
//! renamed instead, with a number (`code_2`, so `Code2`).

use heck::ToUpperCamelCase;
use openapiv3::OpenAPI;
use serde_json::Value;

use crate::codegen::Config;

/// Inlines (or renames) every component schema that shares its Rust name with one before it.
pub fn run(doc: &mut OpenAPI, _: &Config) -> Vec<String> {
    let Some(components) = doc.components.as_ref() else {
        return Vec::new();
    };
    let names: Vec<&String> = components.schemas.keys().collect();
    let mut inline: Vec<String> = Vec::new();
    for name in &names {
        let rust = name.to_upper_camel_case();
        let same: Vec<&&String> = names
            .iter()
            .filter(|other| other.to_upper_camel_case() == rust)
            .collect();
        let keeper = same
            .iter()
            .find(|other| ***other == &rust)
            .unwrap_or(&same[0]);
        if **keeper != *name {
            inline.push((*name).clone());
        }
    }
    let mut notes = Vec::new();
    for name in inline {
        let Ok(mut tree) = serde_json::to_value(&*doc) else {
            continue;
        };
        let reference = format!("#/components/schemas/{name}");
        let schema = tree["components"]["schemas"][&name].clone();
        let quoted = format!("\"{reference}\"");
        let named_elsewhere = schema.to_string().contains(&quoted) || mapped(&tree, &reference);
        let note = if named_elsewhere {
            let taken: Vec<String> = tree["components"]["schemas"]
                .as_object()
                .map(|schemas| schemas.keys().map(|k| k.to_upper_camel_case()).collect())
                .unwrap_or_default();
            let new_name = (2..)
                .map(|n| format!("{name}_{n}"))
                .find(|candidate| !taken.contains(&candidate.to_upper_camel_case()))
                .unwrap_or_default();
            if let Some(schemas) = tree["components"]["schemas"].as_object_mut() {
                schemas.remove(&name);
                schemas.insert(new_name.clone(), schema);
            }
            let count = rename_refs(
                &mut tree,
                &reference,
                &format!("#/components/schemas/{new_name}"),
            );
            format!(
                "renamed {name} to {new_name} ({count} reference(s)): its type name is {}'s",
                name.to_upper_camel_case()
            )
        } else {
            if let Some(schemas) = tree["components"]["schemas"].as_object_mut() {
                schemas.remove(&name);
            }
            let count = replace_refs(&mut tree, &reference, &schema);
            format!(
                "inlined {name} ({count} use(s)): its type name is {}'s",
                name.to_upper_camel_case()
            )
        };
        match serde_json::from_value::<OpenAPI>(tree) {
            Ok(rewritten) => {
                *doc = rewritten;
                notes.push(note);
            }
            Err(e) => notes.push(format!("left {name}: {e}")),
        }
    }
    notes
}

/// Whether a discriminator's mapping in `tree` names `reference`.
fn mapped(tree: &Value, reference: &str) -> bool {
    match tree {
        Value::Object(map) => {
            map.get("mapping")
                .and_then(Value::as_object)
                .is_some_and(|mapping| mapping.values().any(|v| v == reference))
                || map.values().any(|child| mapped(child, reference))
        }
        Value::Array(items) => items.iter().any(|child| mapped(child, reference)),
        _ => false,
    }
}

/// Points every `$ref` and mapping entry that is `old` at `new`; how many it changed.
fn rename_refs(tree: &mut Value, old: &str, new: &str) -> usize {
    match tree {
        Value::String(text) if text == old => {
            *text = new.to_owned();
            1
        }
        Value::Object(map) => map
            .values_mut()
            .map(|child| rename_refs(child, old, new))
            .sum(),
        Value::Array(items) => items
            .iter_mut()
            .map(|child| rename_refs(child, old, new))
            .sum(),
        _ => 0,
    }
}

/// Replaces each `{"$ref": reference}` object in `tree` by `schema`; how many it replaced.
fn replace_refs(tree: &mut Value, reference: &str, schema: &Value) -> usize {
    match tree {
        Value::Object(map) => {
            if map.len() == 1 && map.get("$ref").and_then(Value::as_str) == Some(reference) {
                *tree = schema.clone();
                return 1;
            }
            map.values_mut()
                .map(|child| replace_refs(child, reference, schema))
                .sum()
        }
        Value::Array(items) => items
            .iter_mut()
            .map(|child| replace_refs(child, reference, schema))
            .sum(),
        _ => 0,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::{json, spec};

    #[test]
    fn the_component_not_named_like_its_type_is_inlined_where_used() {
        let mut doc = spec(
            r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    code: {type: string, minLength: 4, maxLength: 10}
    Code: {type: string, pattern: '^[A-Za-z0-9]{4,10}$'}
    ByCode:
      type: object
      properties:
        code: {$ref: '#/components/schemas/code'}
        chosen: {$ref: '#/components/schemas/Code'}
"#,
        );
        let notes = run(&mut doc, &Config::default());
        assert_eq!(notes, ["inlined code (1 use(s)): its type name is Code's"]);
        let doc = json(&doc);
        let schemas = &doc["components"]["schemas"];
        assert!(schemas.get("code").is_none());
        assert_eq!(schemas["ByCode"]["properties"]["code"]["maxLength"], 10);
        assert_eq!(
            schemas["ByCode"]["properties"]["chosen"]["$ref"],
            "#/components/schemas/Code"
        );
    }

    #[test]
    fn one_that_cannot_be_copied_is_renamed_everywhere_it_is_named() {
        let mut doc = spec(
            r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    Node: {type: object}
    node:
      type: object
      properties:
        next: {$ref: '#/components/schemas/node'}
    Pick:
      oneOf: [{$ref: '#/components/schemas/node'}]
      discriminator:
        propertyName: kind
        mapping: {n: '#/components/schemas/node'}
"#,
        );
        let notes = run(&mut doc, &Config::default());
        assert_eq!(
            notes,
            ["renamed node to node_2 (3 reference(s)): its type name is Node's"]
        );
        let doc = json(&doc);
        let schemas = &doc["components"]["schemas"];
        assert!(schemas.get("node").is_none());
        let to = "#/components/schemas/node_2";
        assert_eq!(schemas["node_2"]["properties"]["next"]["$ref"], to);
        assert_eq!(schemas["Pick"]["discriminator"]["mapping"]["n"], to);
        assert_eq!(schemas["Pick"]["oneOf"][0]["$ref"], to);
    }

    #[test]
    fn names_that_differ_in_rust_are_left_alone() {
        let mut doc = spec(
            r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths: {}
components:
  schemas:
    code: {type: string}
    CodeLength: {type: integer}
"#,
        );
        assert!(run(&mut doc, &Config::default()).is_empty());
    }
}
