//! Inlines a component schema whose Rust name another component already takes.
//!
//! typify names a component's type by its name in Pascal case, so `Code` (a code you choose)
//! and `code` (the code a user typed) in Vonage's Verify v2 document both become `pub struct
//! Code`, and the generated module does not compile. The component whose name is already its
//! Rust name keeps it (the first one, when none is); each other one is copied into the places
//! that reference it, where typify names it after where it sits (`CheckCodeByCodeCode`).

use heck::ToUpperCamelCase;
use openapiv3::OpenAPI;
use serde_json::Value;

use crate::codegen::Config;

/// Inlines every component schema that shares its Rust name with one before it.
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
        if schema.to_string().contains(&format!("\"{reference}\"")) {
            notes.push(format!(
                "left {name}: it references itself, so it cannot be inlined"
            ));
            continue;
        }
        if let Some(schemas) = tree["components"]["schemas"].as_object_mut() {
            schemas.remove(&name);
        }
        let count = replace_refs(&mut tree, &reference, &schema);
        match serde_json::from_value::<OpenAPI>(tree) {
            Ok(rewritten) => {
                *doc = rewritten;
                notes.push(format!(
                    "inlined {name} ({count} use(s)): its type name is {}'s",
                    name.to_upper_camel_case()
                ));
            }
            Err(e) => notes.push(format!("left {name}: {e}")),
        }
    }
    notes
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
