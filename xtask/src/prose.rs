//! A spec's facts and its prose, apart.
//!
//! The bases under `specs/` hold facts only: Vonage's paths, operation ids, parameters,
//! schemas, constraints, enums and statuses, without their descriptions, summaries, examples
//! or notes, which are their words. Ours live in a prose overlay beside the base
//! (`specs/verify-vN.prose.overlay.yml`), one action per object we describe, so a refresh that
//! rewrites the base never overwrites them, and a description of something Vonage removed is
//! reported as an action whose target is gone.

use serde_norway::{Mapping, Value};

/// Keywords that carry prose rather than facts.
const PROSE: &[&str] = &[
    "description",
    "summary",
    "example",
    "examples",
    "externalDocs",
    "x-note",
    "x-metaTitle",
    "x-metaDescription",
    // Where Vonage's reference renders an operation, and their advice for each error code.
    "x-example-path",
    "resolution",
];

/// Keys whose value maps names (of properties, paths, schemas, media types...) to objects:
/// a prose keyword there is a name, not prose.
const NAME_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
    "securitySchemes",
    "links",
    "callbacks",
    "paths",
    "content",
    "encoding",
    "variables",
    "mapping",
    "scopes",
    "webhooks",
    "x-webhooks",
    "x-errors",
];

/// Keys whose value is data, not an object of the document (`default: {description: ..}` is a
/// default value with a member called description): left as they are. So are the values of
/// other extensions than the two name maps above.
const DATA: &[&str] = &["default", "enum", "const"];

/// Whether the value under `key` (in an object of the document) is data to leave alone.
fn is_data(key: &str) -> bool {
    DATA.contains(&key) || (key.starts_with("x-") && !NAME_MAPS.contains(&key))
}

/// Where a mapping stands, for telling keywords from names.
#[derive(Clone, Copy, PartialEq, Eq)]
enum At {
    /// An object of the document: its keys are keywords.
    Object,
    /// A map of names to objects (`properties`, `paths`...).
    Names,
    /// A map of response codes (or names) to Response objects.
    Responses,
    /// A Response object, whose `description` OpenAPI requires.
    Response,
}

/// Removes the prose from `doc`, everywhere it is a keyword. A Response's description, which
/// OpenAPI requires, is left empty.
pub fn strip(doc: &mut Value) {
    strip_at(doc, At::Object);
}

fn strip_at(value: &mut Value, at: At) {
    match value {
        Value::Mapping(map) => {
            if at != At::Names && at != At::Responses {
                for keyword in PROSE {
                    map.shift_remove(*keyword);
                }
                if at == At::Response && !map.contains_key("$ref") {
                    map.insert("description".into(), "".into());
                }
            }
            for (key, child) in map.iter_mut() {
                let key = key.as_str().unwrap_or_default();
                if at != At::Names && at != At::Responses && is_data(key) {
                    continue;
                }
                let child_at = match at {
                    At::Names => At::Object,
                    At::Responses => At::Response,
                    _ if key == "responses" => At::Responses,
                    _ if NAME_MAPS.contains(&key) => At::Names,
                    _ => At::Object,
                };
                strip_at(child, child_at);
            }
        }
        Value::Sequence(items) => items.iter_mut().for_each(|item| strip_at(item, At::Object)),
        _ => {}
    }
}

/// The prose of `doc` as overlay actions, one per object that has some: its JSONPath and the
/// prose keywords with their values, in document order.
pub fn actions(doc: &Value) -> Vec<(String, Mapping)> {
    let mut out = Vec::new();
    collect(doc, "$".to_owned(), false, &mut out);
    out
}

fn collect(value: &Value, path: String, names: bool, out: &mut Vec<(String, Mapping)>) {
    match value {
        Value::Mapping(map) => {
            if !names {
                let prose: Mapping = map
                    .iter()
                    .filter(|(key, _)| key.as_str().is_some_and(|k| PROSE.contains(&k)))
                    .map(|(key, value)| (key.clone(), value.clone()))
                    .collect();
                if !prose.is_empty() {
                    out.push((path.clone(), prose));
                }
            }
            for (key, child) in map {
                let Some(key) = key.as_str() else { continue };
                if !names && PROSE.contains(&key) {
                    continue;
                }
                if !names && is_data(key) {
                    continue;
                }
                let key_is_name_map = !names && NAME_MAPS.contains(&key);
                collect(child, member(&path, key), key_is_name_map, out);
            }
        }
        Value::Sequence(items) => {
            for (index, item) in items.iter().enumerate() {
                collect(item, element(&path, item, index), false, out);
            }
        }
        _ => {}
    }
}

/// `path` and then the member `name`: `.name` where RFC 9535's shorthand allows, else
/// `['name']`.
fn member(path: &str, name: &str) -> String {
    let shorthand = name
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if shorthand {
        format!("{path}.{name}")
    } else {
        format!(
            "{path}['{}']",
            name.replace('\\', "\\\\").replace('\'', "\\'")
        )
    }
}

/// `path` and then an item of its array: by its `name` (and `in`, for a parameter) where it
/// has one, which survives items added or removed around it; by its index otherwise.
fn element(path: &str, item: &Value, index: usize) -> String {
    let quote = |text: &str| text.replace('\\', "\\\\").replace('\'', "\\'");
    match (
        item.get("name").and_then(Value::as_str),
        item.get("in").and_then(Value::as_str),
    ) {
        (Some(name), Some(location)) => {
            format!(
                "{path}[?@.name == '{}' && @.in == '{}']",
                quote(name),
                quote(location)
            )
        }
        (Some(name), None) => format!("{path}[?@.name == '{}']", quote(name)),
        _ => format!("{path}[{index}]"),
    }
}

/// The prose overlay of `doc`, as YAML text with `header` (comment lines) on top.
pub fn overlay(doc: &Value, title: &str, header: &str) -> Result<String, String> {
    let actions: Vec<Value> = actions(doc)
        .into_iter()
        .map(|(target, update)| {
            let mut action = Mapping::new();
            action.insert("target".into(), target.into());
            action.insert("update".into(), Value::Mapping(update));
            Value::Mapping(action)
        })
        .collect();
    let mut info = Mapping::new();
    info.insert("title".into(), title.into());
    info.insert("version".into(), "1.0.0".into());
    let mut overlay = Mapping::new();
    overlay.insert("overlay".into(), "1.0.0".into());
    overlay.insert("info".into(), Value::Mapping(info));
    // A description of something Vonage removed is left over, not a reason to fail a build.
    overlay.insert("x-missing-targets".into(), "skip".into());
    overlay.insert("actions".into(), Value::Sequence(actions));
    let body = serde_norway::to_string(&overlay).map_err(|e| e.to_string())?;
    Ok(format!("{header}{body}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(yaml: &str) -> Value {
        crate::codegen::load::value(yaml).unwrap()
    }

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1', description: about}
tags: [{name: Verify, description: the verifying}]
paths:
  /check/{id}:
    post:
      summary: Check
      description: Checks it.
      parameters:
        - {name: id, in: path, description: The id., schema: {type: string}}
      responses:
        '200':
          description: ok
          content:
            application/json:
              example: {status: '0'}
              schema:
                type: object
                properties:
                  description: {type: string, description: A property called description.}
                  summary: {type: string}
        '404': {$ref: '#/components/responses/NotFound'}
      x-example-path: /webhooks/check
components:
  responses:
    NotFound: {description: No such thing.}
  schemas:
    description: {type: string, example: a schema called description}
    Options:
      type: object
      default: {description: 'a default value, not prose'}
      x-table: {description: an extension's data}
x-errors:
  not-found: {resolution: Check the id., description: No such id.}
"#;

    #[test]
    fn data_and_error_codes_keep_their_facts() {
        let mut spec = doc(SPEC);
        strip(&mut spec);
        let json = serde_json::to_value(&spec).unwrap();
        let options = &json["components"]["schemas"]["Options"];
        assert_eq!(
            options["default"]["description"],
            "a default value, not prose"
        );
        assert_eq!(options["x-table"]["description"], "an extension's data");
        // An error code stays; Vonage's advice and description of it go.
        assert_eq!(json["x-errors"]["not-found"], serde_json::json!({}));
        assert!(
            json["paths"]["/check/{id}"]["post"]
                .get("x-example-path")
                .is_none()
        );
    }

    #[test]
    fn prose_goes_and_names_that_look_like_it_stay() {
        let mut spec = doc(SPEC);
        strip(&mut spec);
        let json = serde_json::to_value(&spec).unwrap();
        assert!(json["info"].get("description").is_none());
        assert!(json["tags"][0].get("description").is_none());
        let post = &json["paths"]["/check/{id}"]["post"];
        assert!(post.get("summary").is_none() && post.get("description").is_none());
        assert!(post["parameters"][0].get("description").is_none());
        let ok = &post["responses"]["200"];
        assert_eq!(ok["description"], "", "required by OpenAPI, so empty");
        assert!(
            post["responses"]["404"].get("description").is_none(),
            "a $ref"
        );
        assert_eq!(
            json["components"]["responses"]["NotFound"]["description"],
            ""
        );
        assert!(ok["content"]["application/json"].get("example").is_none());
        let properties = &ok["content"]["application/json"]["schema"]["properties"];
        assert_eq!(
            properties["description"],
            serde_json::json!({"type": "string"})
        );
        assert_eq!(properties["summary"], serde_json::json!({"type": "string"}));
        assert_eq!(
            json["components"]["schemas"]["description"],
            serde_json::json!({"type": "string"})
        );
    }

    /// The actions put back exactly what was stripped.
    #[test]
    fn the_prose_actions_restore_the_document() {
        let full = doc(SPEC);
        let mut base = full.clone();
        strip(&mut base);
        let text = overlay(&full, "prose", "# ours\n").unwrap();
        let prose = crate::codegen::overlay::parse(&text, "prose").unwrap();
        assert!(prose.skips_missing);
        let targets: Vec<&str> = prose.actions.iter().map(|a| a.target.as_str()).collect();
        assert!(
            targets.contains(
                &"$.paths['/check/{id}'].post.parameters[?@.name == 'id' && @.in == 'path']"
            ),
            "{targets:?}"
        );
        assert!(
            targets.contains(&"$.tags[?@.name == 'Verify']"),
            "{targets:?}"
        );
        crate::codegen::overlay::apply(&mut base, &[prose]).unwrap();
        assert_eq!(
            serde_json::to_value(&base).unwrap(),
            serde_json::to_value(&full).unwrap()
        );
    }
}
