//! Points every error response at one problem-details schema, served as `application/json`.
//!
//! Vonage documents each error status with its own near-identical RFC 7807 schema. progenitor
//! needs one error type per operation (it asserts `response_types.len() <= 1` and panics), and
//! it only decodes `application/json`, so `application/problem+json` bodies came back as raw
//! bytes. The single schema is the merge of the RFC 7807 fields and every error schema of the
//! spec, so no documented field (`invalid_parameters`, `request_id`, ...) is lost.

use indexmap::IndexMap;
use openapiv3::{
    MediaType, ObjectType, OpenAPI, ReferenceOr, Response, Schema, SchemaData, SchemaKind,
    StatusCode, StringType, Type,
};

use super::merge;
use crate::codegen::{Config, walk};

/// Builds the problem schema and rewrites the error responses of every operation that documents
/// an error body.
pub fn run(doc: &mut OpenAPI, config: &Config) -> Vec<String> {
    let snapshot = doc.clone();
    let shared_responses = snapshot
        .components
        .as_ref()
        .map(|c| c.responses.clone())
        .unwrap_or_default();
    let resolve = |r: &ReferenceOr<Response>| -> Option<Response> {
        match r {
            ReferenceOr::Item(r) => Some(r.clone()),
            ReferenceOr::Reference { reference } => reference
                .strip_prefix("#/components/responses/")
                .and_then(|n| shared_responses.get(n))
                .and_then(ReferenceOr::as_item)
                .cloned(),
        }
    };

    // Every documented error body of the spec, resolved.
    let mut bodies: Vec<Schema> = Vec::new();
    let mut ops_with_bodies = 0;
    for (_, _, op) in walk::operations_mut(&mut doc.clone()) {
        let before = bodies.len();
        for response in error_responses(&op.responses) {
            let Some(response) = resolve(response) else {
                continue;
            };
            for media in json_media(&response.content) {
                if let Some(s) = media
                    .schema
                    .as_ref()
                    .and_then(|s| walk::resolve(&snapshot, s))
                {
                    bodies.push(s.clone());
                }
            }
        }
        ops_with_bodies += usize::from(bodies.len() > before);
    }
    if bodies.is_empty() {
        return Vec::new();
    }

    let mut notes = Vec::new();
    let existing = snapshot
        .components
        .as_ref()
        .and_then(|c| c.schemas.get(&config.problem_schema))
        .and_then(|s| walk::resolve(&snapshot, s))
        .cloned();
    let base = rfc7807();
    let members: Vec<&Schema> = std::iter::once(&base)
        .chain(existing.iter())
        .chain(bodies.iter())
        .collect();
    let Some(mut problem) = merge::merge_objects(&snapshot, &members, &mut notes) else {
        notes.push("some error body is not an object; error responses left as they are".into());
        return notes;
    };
    problem.schema_data.description =
        Some("An error reported by the API (RFC 7807 problem details).".into());
    doc.components
        .get_or_insert_with(Default::default)
        .schemas
        .insert(config.problem_schema.clone(), ReferenceOr::Item(problem));

    let content: IndexMap<String, MediaType> = IndexMap::from([(
        "application/json".to_string(),
        MediaType {
            schema: Some(walk::schema_ref(&config.problem_schema)),
            ..Default::default()
        },
    )]);
    for (_, _, op) in walk::operations_mut(doc) {
        let documented = error_responses(&op.responses)
            .any(|r| resolve(r).is_some_and(|r| json_media(&r.content).next().is_some()));
        if !documented {
            continue;
        }
        let errors = op
            .responses
            .responses
            .iter_mut()
            .filter(|(code, _)| is_error(code))
            .map(|(_, r)| r);
        for response in errors.chain(op.responses.default.as_mut()) {
            let mut inline = resolve(response).unwrap_or_default();
            inline.content = content.clone();
            *response = ReferenceOr::Item(inline);
        }
    }
    notes.push(format!(
        "{} error bodies merged into {}; used by {ops_with_bodies} operation(s)",
        bodies.len(),
        config.problem_schema
    ));
    notes
}

fn is_error(code: &StatusCode) -> bool {
    match code {
        StatusCode::Code(c) => *c >= 400,
        StatusCode::Range(r) => *r >= 4,
    }
}

/// The 4xx/5xx responses and the `default` one, which progenitor also files as errors.
fn error_responses(
    responses: &openapiv3::Responses,
) -> impl Iterator<Item = &ReferenceOr<Response>> {
    let errors = responses
        .responses
        .iter()
        .filter(|(code, _)| is_error(code))
        .map(|(_, r)| r);
    errors.chain(responses.default.as_ref())
}

/// Media types that carry JSON (`application/json`, `application/problem+json`, ...).
fn json_media(content: &IndexMap<String, MediaType>) -> impl Iterator<Item = &MediaType> {
    content
        .iter()
        .filter(|(k, _)| k.starts_with("application/") && k.contains("json"))
        .map(|(_, m)| m)
}

/// The RFC 7807 members every problem body may carry.
fn rfc7807() -> Schema {
    let string = |description: &str| {
        ReferenceOr::Item(Box::new(Schema {
            schema_data: SchemaData {
                description: Some(description.into()),
                ..Default::default()
            },
            schema_kind: SchemaKind::Type(Type::String(StringType::default())),
        }))
    };
    let properties = IndexMap::from([
        (
            "type".to_string(),
            string("URI identifying the kind of problem."),
        ),
        (
            "title".to_string(),
            string("Short summary of the kind of problem."),
        ),
        (
            "detail".to_string(),
            string("Explanation of this occurrence of the problem."),
        ),
        (
            "instance".to_string(),
            string("Identifier of this occurrence, useful to Vonage support."),
        ),
    ]);
    Schema {
        schema_data: SchemaData::default(),
        schema_kind: SchemaKind::Type(Type::Object(ObjectType {
            properties,
            ..Default::default()
        })),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::{json, spec};

    #[test]
    fn one_problem_schema_for_every_error_response() {
        let mut doc = spec(
            r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /a:
    post:
      responses:
        '202': {description: ok}
        '404':
          description: gone
          content:
            application/json:
              schema: {$ref: '#/components/schemas/NotFound'}
        '422':
          description: bad
          content:
            application/problem+json:
              schema:
                oneOf:
                  - $ref: '#/components/schemas/Invalid'
                  - type: object
                    properties: {request_id: {type: string}}
        '429': {$ref: '#/components/responses/Throttled'}
        '500': {description: no body}
        default:
          description: anything else
          content:
            application/json:
              schema: {type: object, properties: {code: {type: integer}}}
  /b:
    get:
      responses:
        '200': {description: ok}
        '404': {description: no body anywhere}
components:
  responses:
    Throttled:
      description: slow down
      content:
        application/json:
          schema: {type: object, required: [title], properties: {title: {type: string}}}
  schemas:
    NotFound: {type: object, properties: {type: {type: string}, detail: {type: string}}}
    Invalid:
      type: object
      properties:
        invalid_parameters:
          type: array
          items: {type: object, properties: {name: {type: string}, reason: {type: string}}}
"#,
        );
        let notes = run(&mut doc, &Config::default());
        let d = json(&doc);
        let problem = &d["components"]["schemas"]["Problem"];
        let props: Vec<_> = problem["properties"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(
            props,
            [
                "code",
                "detail",
                "instance",
                "invalid_parameters",
                "request_id",
                "title",
                "type"
            ]
        );
        assert!(
            problem.get("required").is_none(),
            "no field is required by every error body"
        );
        for code in ["404", "422", "429", "500"] {
            let r = &d["paths"]["/a"]["post"]["responses"][code];
            assert_eq!(
                r["content"],
                serde_json::json!({"application/json": {"schema": {"$ref": "#/components/schemas/Problem"}}}),
                "{code}"
            );
        }
        assert_eq!(
            d["paths"]["/a"]["post"]["responses"]["default"]["content"]["application/json"]["schema"]
                ["$ref"],
            "#/components/schemas/Problem"
        );
        assert_eq!(
            d["paths"]["/a"]["post"]["responses"]["429"]["description"],
            "slow down"
        );
        assert!(
            d["paths"]["/b"]["get"]["responses"]["404"]
                .get("content")
                .is_none(),
            "bodiless errors stay bodiless"
        );
        assert_eq!(
            notes,
            ["4 error bodies merged into Problem; used by 1 operation(s)"]
        );
    }
}
