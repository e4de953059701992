//! Traversal helpers over `openapiv3` documents, so each pass states only what it changes.

use std::collections::{BTreeSet, VecDeque};

use openapiv3::{
    OpenAPI, Operation, Parameter, ParameterSchemaOrContent, ReferenceOr, RequestBody, Response,
    Schema, SchemaKind, Type,
};

const SCHEMA_REF: &str = "#/components/schemas/";

/// The component schema name a `$ref` points at, if it points at one.
pub fn schema_ref_name(reference: &str) -> Option<&str> {
    reference.strip_prefix(SCHEMA_REF)
}

/// A `$ref` to the named component schema.
pub fn schema_ref<T>(name: &str) -> ReferenceOr<T> {
    ReferenceOr::Reference {
        reference: format!("{SCHEMA_REF}{name}"),
    }
}

/// The schema behind a possibly-referenced schema (one hop through `components.schemas`).
pub fn resolve<'a>(doc: &'a OpenAPI, schema: &'a ReferenceOr<Schema>) -> Option<&'a Schema> {
    match schema {
        ReferenceOr::Item(s) => Some(s),
        ReferenceOr::Reference { reference } => component_schema(doc, reference),
    }
}

/// Same as [`resolve`] for the boxed form used by properties and items.
pub fn resolve_boxed<'a>(
    doc: &'a OpenAPI,
    schema: &'a ReferenceOr<Box<Schema>>,
) -> Option<&'a Schema> {
    match schema {
        ReferenceOr::Item(s) => Some(s),
        ReferenceOr::Reference { reference } => component_schema(doc, reference),
    }
}

fn component_schema<'a>(doc: &'a OpenAPI, reference: &str) -> Option<&'a Schema> {
    let name = schema_ref_name(reference)?;
    doc.components.as_ref()?.schemas.get(name)?.as_item()
}

/// Calls `f` on `schema` and then on every schema nested in it (not following `$ref`s).
pub fn visit_mut(schema: &mut Schema, f: &mut dyn FnMut(&mut Schema)) {
    f(schema);
    for child in children_mut(schema) {
        visit_mut(child, f);
    }
}

/// The inline schemas directly nested in `schema`.
pub fn children_mut(schema: &mut Schema) -> Vec<&mut Schema> {
    named_children_mut(schema)
        .into_iter()
        .map(|(_, s)| s)
        .collect()
}

/// The inline schemas directly nested in `schema`, each with a name for where it sits: the
/// property name, `item`, `variant N` or `not`. Passes use the names to build unique titles.
pub fn named_children_mut(schema: &mut Schema) -> Vec<(String, &mut Schema)> {
    fn variants(v: &mut [ReferenceOr<Schema>]) -> impl Iterator<Item = (String, &mut Schema)> {
        v.iter_mut()
            .enumerate()
            .filter_map(|(i, m)| item_mut(m).map(|m| (format!("variant {i}"), m)))
    }
    let mut out: Vec<(String, &mut Schema)> = Vec::new();
    match &mut schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            out.extend(
                o.properties
                    .iter_mut()
                    .filter_map(|(k, p)| boxed_item_mut(p).map(|p| (k.clone(), p))),
            );
            if let Some(openapiv3::AdditionalProperties::Schema(s)) = &mut o.additional_properties {
                out.extend(item_mut(s).map(|s| ("value".to_string(), s)));
            }
        }
        SchemaKind::Type(Type::Array(a)) => {
            out.extend(
                a.items
                    .as_mut()
                    .and_then(boxed_item_mut)
                    .map(|s| ("item".to_string(), s)),
            );
        }
        SchemaKind::OneOf { one_of: v }
        | SchemaKind::AllOf { all_of: v }
        | SchemaKind::AnyOf { any_of: v } => {
            out.extend(variants(v));
        }
        SchemaKind::Not { not } => out.extend(item_mut(not).map(|s| ("not".to_string(), s))),
        SchemaKind::Any(a) => {
            out.extend(
                a.properties
                    .iter_mut()
                    .filter_map(|(k, p)| boxed_item_mut(p).map(|p| (k.clone(), p))),
            );
            out.extend(
                a.items
                    .as_mut()
                    .and_then(boxed_item_mut)
                    .map(|s| ("item".to_string(), s)),
            );
            for v in [&mut a.one_of, &mut a.all_of, &mut a.any_of] {
                out.extend(variants(v));
            }
            if let Some(n) = &mut a.not {
                out.extend(item_mut(n).map(|s| ("not".to_string(), s)));
            }
        }
        SchemaKind::Type(_) => {}
    }
    out
}

fn item_mut(r: &mut ReferenceOr<Schema>) -> Option<&mut Schema> {
    match r {
        ReferenceOr::Item(s) => Some(s),
        ReferenceOr::Reference { .. } => None,
    }
}

fn boxed_item_mut(r: &mut ReferenceOr<Box<Schema>>) -> Option<&mut Schema> {
    match r {
        ReferenceOr::Item(s) => Some(s),
        ReferenceOr::Reference { .. } => None,
    }
}

/// Names of the component schemas that `schema` or its nested schemas reference directly.
pub fn refs_in(schema: &Schema) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let mut copy = schema.clone();
    collect_refs(&mut copy, &mut out);
    out
}

fn collect_refs(schema: &mut Schema, out: &mut BTreeSet<String>) {
    let mut note = |reference: &str| {
        if let Some(n) = schema_ref_name(reference) {
            out.insert(n.to_string());
        }
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(o)) => {
            o.properties.values().for_each(|p| boxed_ref(p, &mut note));
            if let Some(openapiv3::AdditionalProperties::Schema(s)) = &o.additional_properties {
                plain_ref(s, &mut note);
            }
        }
        SchemaKind::Type(Type::Array(a)) => a.items.iter().for_each(|i| boxed_ref(i, &mut note)),
        SchemaKind::OneOf { one_of: v }
        | SchemaKind::AllOf { all_of: v }
        | SchemaKind::AnyOf { any_of: v } => {
            v.iter().for_each(|s| plain_ref(s, &mut note));
        }
        SchemaKind::Not { not } => plain_ref(not, &mut note),
        SchemaKind::Any(a) => {
            a.properties.values().for_each(|p| boxed_ref(p, &mut note));
            a.items.iter().for_each(|i| boxed_ref(i, &mut note));
            for v in [&a.one_of, &a.all_of, &a.any_of] {
                v.iter().for_each(|s| plain_ref(s, &mut note));
            }
            a.not.iter().for_each(|n| plain_ref(n, &mut note));
        }
        SchemaKind::Type(_) => {}
    }
    for child in children_mut(schema) {
        collect_refs(child, out);
    }
}

fn plain_ref(r: &ReferenceOr<Schema>, note: &mut dyn FnMut(&str)) {
    if let ReferenceOr::Reference { reference } = r {
        note(reference);
    }
}

fn boxed_ref(r: &ReferenceOr<Box<Schema>>, note: &mut dyn FnMut(&str)) {
    if let ReferenceOr::Reference { reference } = r {
        note(reference);
    }
}

/// The operations of a document with their path and lower-case method, mutably.
pub fn operations_mut(doc: &mut OpenAPI) -> Vec<(String, &'static str, &mut Operation)> {
    let mut out = Vec::new();
    for (path, item) in doc.paths.paths.iter_mut() {
        let ReferenceOr::Item(item) = item else {
            continue;
        };
        let slots = [
            ("get", &mut item.get),
            ("put", &mut item.put),
            ("post", &mut item.post),
            ("delete", &mut item.delete),
            ("options", &mut item.options),
            ("head", &mut item.head),
            ("patch", &mut item.patch),
            ("trace", &mut item.trace),
        ];
        for (method, slot) in slots {
            if let Some(op) = slot.as_mut() {
                out.push((path.clone(), method, op));
            }
        }
    }
    out
}

/// Which side of the wire a schema travels on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    /// Sent by the client: request bodies and parameters.
    Request,
    /// Received by the client: response bodies.
    Response,
}

/// Calls `f` on every schema root of one side: the schemas written inline in operations and in
/// `components.parameters` / `requestBodies` / `responses`. Component schemas are not roots.
pub fn side_roots_mut(doc: &mut OpenAPI, side: Side, f: &mut dyn FnMut(&mut ReferenceOr<Schema>)) {
    if let Some(c) = doc.components.as_mut() {
        match side {
            Side::Request => {
                c.parameters
                    .values_mut()
                    .filter_map(ref_item_mut)
                    .for_each(|p| param_schema(p, f));
                c.request_bodies
                    .values_mut()
                    .filter_map(ref_item_mut)
                    .for_each(|b| body_schemas(b, f));
            }
            Side::Response => {
                c.responses
                    .values_mut()
                    .filter_map(ref_item_mut)
                    .for_each(|r| response_schemas(r, f));
            }
        }
    }
    for item in doc.paths.paths.values_mut().filter_map(ref_item_mut) {
        if side == Side::Request {
            item.parameters
                .iter_mut()
                .filter_map(ref_item_mut)
                .for_each(|p| param_schema(p, f));
        }
    }
    for (_, _, op) in operations_mut(doc) {
        match side {
            Side::Request => {
                op.parameters
                    .iter_mut()
                    .filter_map(ref_item_mut)
                    .for_each(|p| param_schema(p, f));
                if let Some(b) = op.request_body.as_mut().and_then(ref_item_mut) {
                    body_schemas(b, f);
                }
            }
            Side::Response => {
                let r = &mut op.responses;
                r.default
                    .iter_mut()
                    .filter_map(ref_item_mut)
                    .for_each(|x| response_schemas(x, f));
                r.responses
                    .values_mut()
                    .filter_map(ref_item_mut)
                    .for_each(|x| response_schemas(x, f));
            }
        }
    }
}

fn ref_item_mut<T>(r: &mut ReferenceOr<T>) -> Option<&mut T> {
    match r {
        ReferenceOr::Item(t) => Some(t),
        ReferenceOr::Reference { .. } => None,
    }
}

fn param_schema(p: &mut Parameter, f: &mut dyn FnMut(&mut ReferenceOr<Schema>)) {
    let data = match p {
        Parameter::Query { parameter_data, .. }
        | Parameter::Header { parameter_data, .. }
        | Parameter::Path { parameter_data, .. }
        | Parameter::Cookie { parameter_data, .. } => parameter_data,
    };
    match &mut data.format {
        ParameterSchemaOrContent::Schema(s) => f(s),
        ParameterSchemaOrContent::Content(c) => {
            c.values_mut().filter_map(|m| m.schema.as_mut()).for_each(f)
        }
    }
}

fn body_schemas(b: &mut RequestBody, f: &mut dyn FnMut(&mut ReferenceOr<Schema>)) {
    b.content
        .values_mut()
        .filter_map(|m| m.schema.as_mut())
        .for_each(f);
}

fn response_schemas(r: &mut Response, f: &mut dyn FnMut(&mut ReferenceOr<Schema>)) {
    r.content
        .values_mut()
        .filter_map(|m| m.schema.as_mut())
        .for_each(f);
}

/// Calls `f` on every top-level schema of the document with a label for notes: each inline
/// component schema (`schema <name>`) and each inline schema root of either side (`inline
/// schema`, see [`side_roots_mut`]). Nested schemas are not visited.
pub fn roots_mut(doc: &mut OpenAPI, f: &mut dyn FnMut(&str, &mut Schema)) {
    if let Some(c) = doc.components.as_mut() {
        for (name, schema) in c.schemas.iter_mut() {
            if let ReferenceOr::Item(s) = schema {
                f(&format!("schema {name}"), s);
            }
        }
    }
    for side in [Side::Request, Side::Response] {
        side_roots_mut(doc, side, &mut |root| {
            if let ReferenceOr::Item(s) = root {
                f("inline schema", s);
            }
        });
    }
}

/// Calls `f` on every inline schema of the document, nested ones included.
pub fn every_schema_mut(doc: &mut OpenAPI, f: &mut dyn FnMut(&mut Schema)) {
    roots_mut(doc, &mut |_, root| visit_mut(root, f));
}

/// Every component schema name that some schema of the document references.
pub fn referenced_names(doc: &OpenAPI) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut copy = doc.clone();
    roots_mut(&mut copy, &mut |_, s| names.extend(refs_in(s)));
    for side in [Side::Request, Side::Response] {
        side_roots_mut(&mut copy, side, &mut |root| {
            if let ReferenceOr::Reference { reference } = root {
                names.extend(schema_ref_name(reference).map(str::to_string));
            }
        });
    }
    names
}

/// Component schema names reachable (through `$ref`s, transitively) from one side's roots.
pub fn reachable(doc: &OpenAPI, side: Side) -> BTreeSet<String> {
    let mut seeds = BTreeSet::new();
    let mut copy = doc.clone();
    side_roots_mut(&mut copy, side, &mut |root| match root {
        ReferenceOr::Reference { reference } => {
            seeds.extend(schema_ref_name(reference).map(str::to_string));
        }
        ReferenceOr::Item(s) => seeds.extend(refs_in(s)),
    });
    let mut seen = BTreeSet::new();
    let mut queue: VecDeque<String> = seeds.into_iter().collect();
    let schemas = doc.components.as_ref().map(|c| &c.schemas);
    while let Some(name) = queue.pop_front() {
        if !seen.insert(name.clone()) {
            continue;
        }
        match schemas.and_then(|s| s.get(&name)) {
            Some(ReferenceOr::Item(s)) => queue.extend(refs_in(s)),
            Some(ReferenceOr::Reference { reference }) => {
                queue.extend(schema_ref_name(reference).map(str::to_string));
            }
            None => {}
        }
    }
    seen
}

/// Calls `f` on every schema the client receives and no request sends: inline response bodies
/// (named after their operation, plus the status for non-2xx), `components.responses`, and
/// component schemas that no request reaches, including unused ones such as webhook payloads.
/// A component that is both sent and received is skipped and named in the returned notes.
pub fn received_mut(doc: &mut OpenAPI, f: &mut dyn FnMut(&mut Schema, &str)) -> Vec<String> {
    let sent = reachable(doc, Side::Request);
    let received = reachable(doc, Side::Response);
    let mut notes = Vec::new();
    fn content(
        content: &mut indexmap::IndexMap<String, openapiv3::MediaType>,
        context: &str,
        f: &mut dyn FnMut(&mut Schema, &str),
    ) {
        for media in content.values_mut() {
            if let Some(ReferenceOr::Item(s)) = &mut media.schema {
                f(s, context);
            }
        }
    }
    if let Some(c) = doc.components.as_mut() {
        for (name, schema) in c.schemas.iter_mut() {
            let ReferenceOr::Item(s) = schema else {
                continue;
            };
            if sent.contains(name) {
                if received.contains(name) {
                    notes.push(format!(
                        "schema {name} is both sent and received; left as the sender's"
                    ));
                }
                continue;
            }
            f(s, name);
        }
        for (name, response) in c.responses.iter_mut() {
            if let ReferenceOr::Item(r) = response {
                content(&mut r.content, name, f);
            }
        }
    }
    for (path, method, op) in operations_mut(doc) {
        let context = op
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{method} {path}"));
        for (status, response) in op.responses.responses.iter_mut() {
            if let ReferenceOr::Item(r) = response {
                let success = status.to_string().starts_with('2');
                content(
                    &mut r.content,
                    &if success {
                        context.clone()
                    } else {
                        format!("{context} {status}")
                    },
                    f,
                );
            }
        }
        if let Some(ReferenceOr::Item(r)) = &mut op.responses.default {
            content(&mut r.content, &format!("{context} default"), f);
        }
    }
    notes
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(yaml: &str) -> OpenAPI {
        serde_norway::from_str(yaml).unwrap()
    }

    #[test]
    fn reachability_separates_request_and_response_schemas() {
        let d = doc(r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /x:
    post:
      requestBody:
        content:
          application/json:
            schema: {$ref: '#/components/schemas/In'}
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                type: object
                properties:
                  out: {$ref: '#/components/schemas/Out'}
components:
  schemas:
    In: {type: object, properties: {leaf: {$ref: '#/components/schemas/Leaf'}}}
    Leaf: {type: string}
    Out: {type: string}
    Unused: {type: string}
"#);
        let req: Vec<_> = reachable(&d, Side::Request).into_iter().collect();
        let resp: Vec<_> = reachable(&d, Side::Response).into_iter().collect();
        assert_eq!(req, ["In", "Leaf"]);
        assert_eq!(resp, ["Out"]);
    }
}
