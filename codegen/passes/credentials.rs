//! Removes credential fields from request parameters and request bodies.
//!
//! Vonage v1 writes `api_key` and `api_secret` as ordinary form fields and query parameters, so a
//! generated client makes every caller pass secrets to every call (and puts the search secret in
//! the URL). The names come from the spec's `apiKey` security schemes plus a configured list;
//! the auth layer supplies credentials instead.

use std::collections::BTreeSet;

use openapiv3::{OpenAPI, Parameter, ReferenceOr, Schema, SchemaKind, SecurityScheme, Type};

use crate::codegen::{Config, walk};

/// Drops credential parameters and top-level body properties, and their `required` entries.
pub fn run(doc: &mut OpenAPI, config: &Config) -> Vec<String> {
    let names = credential_names(doc, config);
    let mut notes = Vec::new();
    let shared = doc
        .components
        .as_ref()
        .map(|c| c.parameters.clone())
        .unwrap_or_default();
    let is_credential = |p: &ReferenceOr<Parameter>| {
        let p = match p {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/parameters/")
                .and_then(|n| shared.get(n))
                .and_then(ReferenceOr::as_item),
        };
        p.is_some_and(|p| {
            !matches!(p, Parameter::Path { .. }) && names.contains(&p.parameter_data_ref().name)
        })
    };
    for (path, method, op) in walk::operations_mut(doc) {
        let before = op.parameters.len();
        op.parameters.retain(|p| !is_credential(p));
        if op.parameters.len() != before {
            notes.push(format!(
                "{} {path}: {} credential parameter(s)",
                method.to_uppercase(),
                before - op.parameters.len()
            ));
        }
    }
    for item in doc.paths.paths.values_mut().filter_map(|i| match i {
        ReferenceOr::Item(i) => Some(i),
        ReferenceOr::Reference { .. } => None,
    }) {
        item.parameters.retain(|p| !is_credential(p));
    }
    // Request bodies, inline or under `components.requestBodies`, and the component schemas
    // they (or their `allOf` members) reference.
    let mut pending = BTreeSet::new();
    walk::side_roots_mut(doc, walk::Side::Request, &mut |root| match root {
        ReferenceOr::Item(s) => {
            let removed = strip_properties(s, &names, &mut pending);
            if !removed.is_empty() {
                notes.push(format!(
                    "inline request body: fields {}",
                    removed.join(", ")
                ));
            }
        }
        ReferenceOr::Reference { reference } => {
            pending.extend(walk::schema_ref_name(reference).map(str::to_string))
        }
    });
    let mut done = BTreeSet::new();
    while let Some(name) = pending.pop_first() {
        if !done.insert(name.clone()) {
            continue;
        }
        let Some(ReferenceOr::Item(s)) = doc
            .components
            .as_mut()
            .and_then(|c| c.schemas.get_mut(&name))
        else {
            continue;
        };
        let removed = strip_properties(s, &names, &mut pending);
        if !removed.is_empty() {
            notes.push(format!("schema {name}: fields {}", removed.join(", ")));
        }
    }
    notes
}

/// The configured names plus the names of `apiKey` security schemes.
fn credential_names(doc: &OpenAPI, config: &Config) -> BTreeSet<String> {
    let mut names: BTreeSet<String> = config.credential_fields.iter().cloned().collect();
    if let Some(c) = &doc.components {
        for scheme in c.security_schemes.values().filter_map(ReferenceOr::as_item) {
            if let SecurityScheme::APIKey { name, .. } = scheme {
                names.insert(name.clone());
            }
        }
    }
    names
}

/// Removes the named properties from an object schema (and from the members of a top-level
/// `allOf`, where request bodies often keep shared fields).
/// `allOf` members that are references are added to `referenced` for the caller to visit.
fn strip_properties(
    schema: &mut Schema,
    names: &BTreeSet<String>,
    referenced: &mut BTreeSet<String>,
) -> Vec<String> {
    let mut removed = Vec::new();
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            removed = remove_named(&mut o.properties, &mut o.required, names)
        }
        SchemaKind::Any(a) => removed = remove_named(&mut a.properties, &mut a.required, names),
        SchemaKind::AllOf { all_of } => {
            for member in all_of.iter_mut() {
                match member {
                    ReferenceOr::Item(m) => removed.extend(strip_properties(m, names, referenced)),
                    ReferenceOr::Reference { reference } => {
                        referenced.extend(walk::schema_ref_name(reference).map(str::to_string));
                    }
                }
            }
        }
        _ => {}
    }
    removed
}

fn remove_named<V>(
    properties: &mut indexmap::IndexMap<String, V>,
    required: &mut Vec<String>,
    names: &BTreeSet<String>,
) -> Vec<String> {
    let removed = properties
        .keys()
        .filter(|k| names.contains(*k))
        .cloned()
        .collect();
    properties.retain(|k, _| !names.contains(k));
    required.retain(|k| !names.contains(k));
    removed
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::{json, spec};

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /search:
    get:
      parameters:
        - $ref: '#/components/parameters/api_key'
        - {name: token, in: header, schema: {type: string}}
        - {name: id, in: query, schema: {type: string}}
      responses: {'200': {description: ok}}
  /start:
    post:
      requestBody:
        content:
          application/x-www-form-urlencoded:
            schema: {$ref: '#/components/schemas/Start'}
      responses: {'200': {description: ok}}
  /shared:
    post:
      requestBody: {$ref: '#/components/requestBodies/Shared'}
      responses: {'200': {description: ok}}
components:
  securitySchemes:
    headerKey: {type: apiKey, in: header, name: token}
  parameters:
    api_key: {name: api_key, in: query, required: true, schema: {type: string}}
  requestBodies:
    Shared:
      content:
        application/json:
          schema:
            allOf:
              - $ref: '#/components/schemas/Creds'
              - {type: object, properties: {token: {type: string}, n: {type: integer}}}
  schemas:
    Creds: {type: object, properties: {api_secret: {type: string}, brand: {type: string}}}
    Start:
      type: object
      required: [api_key, api_secret, number]
      properties:
        api_key: {type: string}
        api_secret: {type: string}
        number: {type: string}
"#;

    #[test]
    fn removes_configured_and_scheme_named_credentials() {
        let mut doc = spec(SPEC);
        let notes = run(&mut doc, &Config::default());
        let search = doc.paths.paths["/search"]
            .as_item()
            .unwrap()
            .get
            .as_ref()
            .unwrap();
        let left: Vec<_> = search.parameters.iter().map(json).collect();
        assert_eq!(left.len(), 1, "only `id` is left: {left:?}");
        assert_eq!(left[0]["name"], "id");
        let start = json(&doc.components.as_ref().unwrap().schemas["Start"]);
        assert_eq!(start["required"], serde_json::json!(["number"]));
        assert_eq!(start["properties"].as_object().unwrap().len(), 1);
        let creds = json(&doc.components.as_ref().unwrap().schemas["Creds"]);
        let left: Vec<_> = creds["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(
            left,
            ["brand"],
            "reached through components.requestBodies and allOf"
        );
        let shared = json(&doc.components.as_ref().unwrap().request_bodies["Shared"]);
        let inline = &shared["content"]["application/json"]["schema"]["allOf"][1]["properties"];
        assert!(
            inline.get("token").is_none(),
            "the header scheme's name is a credential too"
        );
        assert_eq!(notes.len(), 4, "{notes:?}");
    }

    #[test]
    fn keeps_everything_when_no_name_matches() {
        let mut doc = spec(SPEC);
        let config = Config {
            credential_fields: vec![],
            ..Config::default()
        };
        let before = json(&doc.components.as_ref().unwrap().schemas["Start"]);
        run(&mut doc, &config);
        assert_eq!(
            json(&doc.components.as_ref().unwrap().schemas["Start"]),
            before
        );
    }
}
