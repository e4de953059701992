//! Reading a spec: JSON or YAML into `openapiv3::OpenAPI`, refusing what progenitor cannot take.

use std::collections::BTreeMap;

use openapiv3::{OpenAPI, ReferenceOr, Schema, SchemaKind};

use super::PipelineError;

/// Parses JSON or YAML text and checks the OpenAPI version.
pub fn parse(text: &str) -> Result<OpenAPI, PipelineError> {
    parse_value(value(text)?)
}

/// JSON or YAML text as a value that keeps the order of keys (YAML's mapping keys all made
/// strings): the generated code follows the spec's order.
pub fn value(text: &str) -> Result<serde_norway::Value, PipelineError> {
    // JSON is a subset of YAML, but serde_json's errors are far clearer for the portal's JSON files.
    if text.trim_start().starts_with('{') {
        serde_json::from_str(text).map_err(|e| PipelineError::Parse(e.to_string()))
    } else {
        yaml_value(text).map_err(PipelineError::Parse)
    }
}

/// A document read by [`value`] (and changed by overlays, say) as OpenAPI, its version checked.
pub fn parse_value(value: serde_norway::Value) -> Result<OpenAPI, PipelineError> {
    let doc: OpenAPI =
        serde_norway::from_value(value).map_err(|e| PipelineError::Parse(e.to_string()))?;
    // progenitor only understands 3.0.x; checking here gives a message instead of its error text.
    if !doc.openapi.starts_with("3.0.") {
        return Err(PipelineError::Unsupported(format!(
            "OpenAPI version {} (only 3.0.x can be generated)",
            doc.openapi
        )));
    }
    refuse_all_of_cycles(&doc)?;
    Ok(doc)
}

/// YAML text as a value whose mapping keys are all strings.
pub fn yaml_value(text: &str) -> Result<serde_norway::Value, String> {
    serde_norway::from_str(text)
        .map(string_keys)
        .map_err(|e| e.to_string())
}

/// Every mapping key as a string: YAML reads an unquoted `200:` as a number, where OpenAPI
/// (and JSON) mean the string `"200"`.
pub fn string_keys(value: serde_norway::Value) -> serde_norway::Value {
    use serde_norway::Value;
    match value {
        Value::Mapping(mapping) => Value::Mapping(
            mapping
                .into_iter()
                .map(|(key, value)| {
                    let key = match key {
                        Value::Number(n) => Value::String(n.to_string()),
                        Value::Bool(b) => Value::String(b.to_string()),
                        other => other,
                    };
                    (key, string_keys(value))
                })
                .collect(),
        ),
        Value::Sequence(items) => Value::Sequence(items.into_iter().map(string_keys).collect()),
        Value::Tagged(tagged) => {
            let tagged = *tagged;
            Value::Tagged(Box::new(serde_norway::value::TaggedValue {
                tag: tagged.tag,
                value: string_keys(tagged.value),
            }))
        }
        other => other,
    }
}

/// A schema that is its own `allOf` member, directly or through others, has no finite meaning,
/// and the generator would recurse on it until the stack runs out.
fn refuse_all_of_cycles(doc: &OpenAPI) -> Result<(), PipelineError> {
    fn members<'a>(schema: &'a Schema, out: &mut Vec<&'a str>) {
        if let SchemaKind::AllOf { all_of } = &schema.schema_kind {
            for member in all_of {
                match member {
                    ReferenceOr::Reference { reference } => {
                        out.push(reference.rsplit('/').next().unwrap_or(reference));
                    }
                    ReferenceOr::Item(inline) => members(inline, out),
                }
            }
        }
    }
    let Some(components) = &doc.components else {
        return Ok(());
    };
    let mut edges: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (name, schema) in &components.schemas {
        let mut out = Vec::new();
        if let ReferenceOr::Item(schema) = schema {
            members(schema, &mut out);
        }
        edges.insert(name.as_str(), out);
    }
    for start in edges.keys() {
        let mut stack = vec![(*start, vec![*start])];
        while let Some((at, path)) = stack.pop() {
            for next in edges.get(at).into_iter().flatten() {
                if next == start {
                    return Err(PipelineError::Unsupported(format!(
                        "schema {start} includes itself through allOf ({} -> {start})",
                        path.join(" -> ")
                    )));
                }
                if !path.contains(next) {
                    let mut longer = path.clone();
                    longer.push(next);
                    stack.push((next, longer));
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_yaml_and_json_alike() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";
        let json = r#"{"openapi":"3.0.3","info":{"title":"t","version":"1"},"paths":{}}"#;
        assert_eq!(parse(yaml).unwrap(), parse(json).unwrap());
    }

    #[test]
    fn refuses_openapi_3_1() {
        let yaml = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\n";
        let err = parse(yaml).unwrap_err();
        assert!(err.to_string().contains("3.1.0"), "{err}");
    }

    #[test]
    fn reads_unquoted_status_codes() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /a:\n    get:\n      responses:\n        200:\n          description: ok\n";
        let doc = parse(yaml).unwrap();
        assert!(doc.paths.paths.contains_key("/a"));
        let json = serde_json::to_value(value(yaml).unwrap()).unwrap();
        assert_eq!(super::super::xml::shapes(&json).len(), 0);
    }

    #[test]
    fn refuses_a_schema_that_includes_itself() {
        let yaml = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A: {allOf: [{$ref: '#/components/schemas/B'}]}\n    B: {allOf: [{$ref: '#/components/schemas/A'}, {type: object}]}\n";
        let err = parse(yaml).unwrap_err().to_string();
        assert!(
            err.contains("includes itself through allOf (A -> B -> A)"),
            "{err}"
        );
    }

    #[test]
    fn reports_malformed_text() {
        assert!(matches!(
            parse("openapi: [").unwrap_err(),
            PipelineError::Parse(_)
        ));
    }
}
