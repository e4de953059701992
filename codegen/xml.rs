//! The XML form of each operation's responses, read from the spec's `xml` annotations.
//!
//! `openapiv3` drops `xml` objects, so this reads the raw document. For every operation with a
//! `text/xml` reply it records the root element names the spec gives (one per `oneOf`
//! alternative) and, for every property, its element name and, for arrays, whether they are
//! wrapped and what each item element is called. The crate's XML decoder walks replies with
//! this table, so a spec update that renames or wraps an element keeps decoding right.

use std::fmt::Write as _;

use serde_json::{Map, Value};

/// How deep nested schemas are followed; Verify's replies are three levels deep.
const MAX_DEPTH: usize = 8;

/// The XML form of one operation's reply.
#[derive(Debug, Clone, PartialEq)]
pub struct Shape {
    /// The generated method's name.
    pub operation: String,
    /// Root element names, in spec order, without duplicates.
    pub roots: Vec<String>,
    /// The properties of every alternative, merged by name.
    pub fields: Vec<Field>,
}

/// One property and the element that carries it.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// The property name (the JSON key).
    pub key: String,
    /// The element name.
    pub element: String,
    /// What the element holds.
    pub kind: Kind,
}

/// What an element holds.
#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    /// Text.
    Scalar,
    /// Child elements, one per property.
    Object(Vec<Field>),
    /// Repeated `item` elements, inside a wrapper element named like the property when
    /// `wrapped`, else directly in the parent. `fields` is empty for text items.
    Array {
        wrapped: bool,
        item: String,
        fields: Vec<Field>,
    },
}

/// The XML shapes of every operation of `doc` (the spec as read, overlays applied) that
/// declares a `text/xml` reply.
pub fn shapes(doc: &Value) -> Vec<Shape> {
    let mut out = Vec::new();
    let paths = doc.get("paths").and_then(Value::as_object);
    for item in paths.into_iter().flat_map(Map::values) {
        for (_, op) in item.as_object().into_iter().flatten() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let responses = op.get("responses").and_then(Value::as_object);
            let xml_schemas = responses
                .into_iter()
                .flat_map(Map::iter)
                .filter(|(status, _)| status.starts_with('2'))
                .filter_map(|(_, response)| response.pointer("/content/text~1xml/schema"));
            let mut shape = Shape {
                operation: heck::ToSnakeCase::to_snake_case(id),
                roots: Vec::new(),
                fields: Vec::new(),
            };
            for schema in xml_schemas {
                for (name, alternative) in alternatives(doc, schema) {
                    let root = xml_name(alternative).or(name).unwrap_or("response");
                    if !shape.roots.iter().any(|r| r == root) {
                        shape.roots.push(root.to_owned());
                    }
                    merge(&mut shape.fields, fields(doc, alternative, 0));
                }
            }
            if !shape.roots.is_empty() {
                out.push(shape);
            }
        }
    }
    out
}

/// The schemas a reply may be, with their component names: each `oneOf`/`anyOf` member, or
/// the schema itself.
fn alternatives<'a>(doc: &'a Value, schema: &'a Value) -> Vec<(Option<&'a str>, &'a Value)> {
    let (name, schema) = resolve(doc, schema);
    let members = ["oneOf", "anyOf"]
        .iter()
        .find_map(|k| schema.get(*k).and_then(Value::as_array));
    match members {
        Some(members) => members.iter().map(|m| resolve(doc, m)).collect(),
        None => vec![(name, schema)],
    }
}

/// Follows a local `$ref`, returning the component's name with the schema.
fn resolve<'a>(doc: &'a Value, schema: &'a Value) -> (Option<&'a str>, &'a Value) {
    let mut current = (None, schema);
    for _ in 0..MAX_DEPTH {
        let Some(reference) = current.1.get("$ref").and_then(Value::as_str) else {
            break;
        };
        let Some(name) = reference.strip_prefix("#/components/schemas/") else {
            break;
        };
        match doc.pointer(&format!("/components/schemas/{name}")) {
            Some(target) => current = (Some(name), target),
            None => break,
        }
    }
    current
}

fn xml_name(schema: &Value) -> Option<&str> {
    schema.pointer("/xml/name").and_then(Value::as_str)
}

fn fields(doc: &Value, schema: &Value, depth: usize) -> Vec<Field> {
    let mut out = Vec::new();
    if depth > MAX_DEPTH {
        return out;
    }
    let (_, schema) = resolve(doc, schema);
    for part in schema
        .get("allOf")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        merge(&mut out, fields(doc, part, depth + 1));
    }
    for (key, property) in schema
        .get("properties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let (_, resolved) = resolve(doc, property);
        // A name on the property itself wins over one on the schema it refers to.
        let element = xml_name(property).or(xml_name(resolved)).unwrap_or(key);
        let kind = if let Some(items) = resolved.get("items") {
            let (_, item) = resolve(doc, items);
            let wrapped = property
                .pointer("/xml/wrapped")
                .or(resolved.pointer("/xml/wrapped"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            // OpenAPI: an item element is named by the items' `xml.name`, else like the array.
            let item_name = xml_name(items).or(xml_name(item)).unwrap_or(element);
            Kind::Array {
                wrapped,
                item: item_name.to_owned(),
                fields: fields(doc, item, depth + 1),
            }
        } else if resolved.get("properties").is_some() || resolved.get("allOf").is_some() {
            Kind::Object(fields(doc, resolved, depth + 1))
        } else {
            Kind::Scalar
        };
        merge(
            &mut out,
            vec![Field {
                key: key.clone(),
                element: element.to_owned(),
                kind,
            }],
        );
    }
    out
}

/// Adds `more` to `into`; a property both define keeps the first definition, with the child
/// fields of both when both are objects (or arrays of objects).
fn merge(into: &mut Vec<Field>, more: Vec<Field>) {
    for field in more {
        match into.iter_mut().find(|f| f.key == field.key) {
            None => into.push(field),
            Some(existing) => match (&mut existing.kind, field.kind) {
                (Kind::Object(a), Kind::Object(b)) => merge(a, b),
                (Kind::Array { fields: a, .. }, Kind::Array { fields: b, .. }) => merge(a, b),
                _ => {}
            },
        }
    }
}

/// The shapes as a Rust expression of type `&[<module>::Shape]`.
#[allow(dead_code, reason = "build.rs renders the table; xtask only lists it")]
pub fn source(shapes: &[Shape], module: &str) -> String {
    let mut s = String::from("&[\n");
    for shape in shapes {
        let _ = write!(
            s,
            "{module}::Shape {{ operation: {:?}, roots: &{:?}, fields: ",
            shape.operation, shape.roots
        );
        fields_source(&mut s, &shape.fields, module);
        s.push_str(" },\n");
    }
    s.push(']');
    s
}

#[allow(dead_code, reason = "build.rs renders the table; xtask only lists it")]
fn fields_source(s: &mut String, fields: &[Field], module: &str) {
    s.push_str("&[");
    for field in fields {
        let _ = write!(
            s,
            "{module}::Field {{ key: {:?}, element: {:?}, kind: ",
            field.key, field.element
        );
        match &field.kind {
            Kind::Scalar => {
                let _ = write!(s, "{module}::Kind::Scalar");
            }
            Kind::Object(children) => {
                let _ = write!(s, "{module}::Kind::Object(");
                fields_source(s, children, module);
                s.push(')');
            }
            Kind::Array {
                wrapped,
                item,
                fields,
            } => {
                let _ = write!(
                    s,
                    "{module}::Kind::Array {{ wrapped: {wrapped}, item: {item:?}, fields: "
                );
                fields_source(s, fields, module);
                s.push_str(" }");
            }
        }
        s.push_str(" }, ");
    }
    s.push(']');
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPEC: &str = r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /search/{format}:
    get:
      operationId: verifySearch
      responses:
        '200':
          description: ok
          content:
            application/json: {schema: {$ref: '#/components/schemas/one'}}
            text/xml:
              schema:
                oneOf:
                  - $ref: '#/components/schemas/one'
                  - $ref: '#/components/schemas/many'
  /json-only:
    get:
      operationId: jsonOnly
      responses:
        '200': {description: ok, content: {application/json: {schema: {type: object}}}}
components:
  schemas:
    one:
      xml: {name: verify_request}
      type: object
      properties:
        status: {type: string}
        checks:
          type: array
          xml: {wrapped: true}
          items:
            type: object
            xml: {name: check}
            properties:
              code: {type: string}
        tags:
          type: array
          items: {type: string}
    many:
      xml: {name: verification_requests}
      type: object
      properties:
        verification_requests:
          type: array
          items: {$ref: '#/components/schemas/one'}
"#;

    #[test]
    fn roots_wrappers_and_item_names_come_from_the_annotations() {
        let shapes =
            shapes(&serde_json::to_value(crate::codegen::load::value(SPEC).unwrap()).unwrap());
        assert_eq!(shapes.len(), 1, "operations without text/xml have no shape");
        let shape = &shapes[0];
        assert_eq!(shape.operation, "verify_search");
        assert_eq!(shape.roots, ["verify_request", "verification_requests"]);
        let field = |key: &str| shape.fields.iter().find(|f| f.key == key).unwrap().clone();
        assert_eq!(field("status").kind, Kind::Scalar);
        let Kind::Array {
            wrapped,
            item,
            fields,
        } = field("checks").kind
        else {
            panic!("checks is an array")
        };
        assert!(wrapped);
        assert_eq!(item, "check");
        assert_eq!(fields[0].key, "code");
        // Unwrapped arrays repeat the item element in the parent, named like the array when
        // the items have no name of their own, or by the referenced schema's name.
        let Kind::Array { wrapped, item, .. } = field("tags").kind else {
            panic!("tags is an array")
        };
        assert!(!wrapped);
        assert_eq!(item, "tags");
        let Kind::Array {
            wrapped,
            item,
            fields,
        } = field("verification_requests").kind
        else {
            panic!("verification_requests is an array")
        };
        assert!(!wrapped);
        assert_eq!(item, "verify_request");
        assert!(fields.iter().any(|f| f.key == "checks"));
    }

    #[test]
    fn the_table_renders_as_a_rust_expression() {
        let json = serde_json::to_value(crate::codegen::load::value(SPEC).unwrap()).unwrap();
        let source = source(&shapes(&json), "m");
        assert!(
            source.starts_with("&[\nm::Shape { operation: \"verify_search\""),
            "{source}"
        );
        assert!(
            source.contains("m::Kind::Array { wrapped: true, item: \"check\""),
            "{source}"
        );
    }
}
