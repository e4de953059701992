//! Pins response-format path parameters (a string enum that offers `json`) to `json`.
//!
//! Vonage v1 selects JSON or XML with a path segment. progenitor generates a `format` argument
//! but always decodes JSON, so choosing XML produced a decode error (and psd2 lists `xml`
//! although the API refuses it). The generated client speaks JSON; XML is served by the
//! hand-written layer, which swaps the final `json` segment of these paths for `xml`.

use openapiv3::{OpenAPI, Parameter, ParameterSchemaOrContent, ReferenceOr, SchemaKind, Type};

use crate::codegen::Config;

/// Removes each such parameter and writes `json` into the path in its place.
pub fn run(doc: &mut OpenAPI, _: &Config) -> Vec<String> {
    let shared = doc
        .components
        .as_ref()
        .map(|c| c.parameters.clone())
        .unwrap_or_default();
    let resolve = |p: &ReferenceOr<Parameter>| -> Option<Parameter> {
        match p {
            ReferenceOr::Item(p) => Some(p.clone()),
            ReferenceOr::Reference { reference } => {
                let name = reference.strip_prefix("#/components/parameters/")?;
                shared.get(name)?.as_item().cloned()
            }
        }
    };
    let mut notes = Vec::new();
    let paths = std::mem::take(&mut doc.paths.paths);
    for (path, mut item) in paths {
        let mut new_path = path.clone();
        if let ReferenceOr::Item(item) = &mut item {
            let mut pinned = Vec::new();
            let lists = std::iter::once(&mut item.parameters).chain(
                [
                    &mut item.get,
                    &mut item.put,
                    &mut item.post,
                    &mut item.delete,
                    &mut item.options,
                    &mut item.head,
                    &mut item.patch,
                    &mut item.trace,
                ]
                .into_iter()
                .flatten()
                .map(|op| &mut op.parameters),
            );
            for list in lists {
                list.retain(|p| match resolve(p).as_ref().and_then(format_param) {
                    Some(name) if path.contains(&format!("{{{name}}}")) => {
                        pinned.push(name);
                        false
                    }
                    _ => true,
                });
            }
            pinned.sort();
            pinned.dedup();
            for name in pinned {
                new_path = new_path.replace(&format!("{{{name}}}"), "json");
            }
        }
        if new_path != path {
            notes.push(format!("{path} -> {new_path}"));
        }
        doc.paths.paths.insert(new_path, item);
    }
    notes
}

/// The name of a path parameter whose string enum offers `json`.
fn format_param(p: &Parameter) -> Option<String> {
    let Parameter::Path { parameter_data, .. } = p else {
        return None;
    };
    let ParameterSchemaOrContent::Schema(ReferenceOr::Item(schema)) = &parameter_data.format else {
        return None;
    };
    let SchemaKind::Type(Type::String(s)) = &schema.schema_kind else {
        return None;
    };
    s.enumeration
        .iter()
        .any(|v| v.as_deref() == Some("json"))
        .then(|| parameter_data.name.clone())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codegen::passes::spec;

    #[test]
    fn pins_shared_format_parameter_and_keeps_others() {
        let mut doc = spec(
            r#"
openapi: 3.0.3
info: {title: t, version: '1'}
paths:
  /check/{format}:
    post:
      parameters:
        - $ref: '#/components/parameters/format'
        - {name: id, in: query, schema: {type: string}}
      responses: {'200': {description: ok}}
  /items/{kind}:
    get:
      parameters:
        - {name: kind, in: path, required: true, schema: {type: string, enum: [a, b]}}
      responses: {'200': {description: ok}}
components:
  parameters:
    format: {name: format, in: path, required: true, schema: {type: string, enum: [json, xml]}}
"#,
        );
        let notes = run(&mut doc, &Config::default());
        assert_eq!(notes, ["/check/{format} -> /check/json"]);
        let keys: Vec<_> = doc.paths.paths.keys().cloned().collect();
        assert_eq!(keys, ["/check/json", "/items/{kind}"]);
        let op = doc.paths.paths["/check/json"]
            .as_item()
            .unwrap()
            .post
            .as_ref()
            .unwrap();
        assert_eq!(op.parameters.len(), 1, "only the query parameter is left");
        let other = doc.paths.paths["/items/{kind}"]
            .as_item()
            .unwrap()
            .get
            .as_ref()
            .unwrap();
        assert_eq!(
            other.parameters.len(),
            1,
            "an enum without json is not a format selector"
        );
    }
}
