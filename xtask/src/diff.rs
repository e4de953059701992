//! The semantic difference between two specs: operations, parameters, bodies and their fields,
//! enums, constraints and security, ignoring formatting, key order and description text.
//!
//! Each spec is flattened into facts: a path of names (`POST /v2/verify > request
//! application/json > workflow[] > channel`) and the attributes that matter there (`type`,
//! `enum`, `maxLength`, `required`, ...). Two specs differ where their facts do.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use serde_json::{Map, Value};

type Key = Vec<String>;
type Attrs = BTreeMap<String, String>;

/// Every fact of a spec.
#[derive(Debug, Default, PartialEq)]
pub struct Facts(BTreeMap<Key, Attrs>);

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Schema keywords that change what is sent or accepted. Text (`description`, `title`,
/// `example`) is left out on purpose.
const SCHEMA_ATTRS: [&str; 18] = [
    "type",
    "format",
    "nullable",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
    "default",
    "readOnly",
];

/// Deeper than any real spec nests; stops a pathological document.
const MAX_DEPTH: usize = 24;

impl Facts {
    /// Flattens a spec (in JSON form).
    pub fn of(doc: &Value) -> Self {
        let mut facts = Flattener {
            doc,
            facts: BTreeMap::new(),
        };
        facts.document();
        Facts(facts.facts)
    }
}

struct Flattener<'a> {
    doc: &'a Value,
    facts: BTreeMap<Key, Attrs>,
}

impl<'a> Flattener<'a> {
    fn document(&mut self) {
        let servers = self.doc["servers"]
            .as_array()
            .map(|servers| {
                servers
                    .iter()
                    .filter_map(|s| s["url"].as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            })
            .filter(|urls| !urls.is_empty())
            .unwrap_or_else(|| "(none)".into());
        self.put(vec!["servers".into()], "urls", servers);
        if let Some(schemes) = self.doc["components"]["securitySchemes"].as_object() {
            for (name, scheme) in schemes {
                let scheme = self.resolve(scheme, &mut Vec::new());
                let mut attrs = Attrs::new();
                for field in ["type", "scheme", "in", "name", "bearerFormat"] {
                    if let Some(value) = scheme.get(field) {
                        attrs.insert(field.into(), text(value));
                    }
                }
                self.facts
                    .insert(vec![format!("security scheme {name}")], attrs);
            }
        }
        let global_security = self.doc.get("security");
        if let Some(paths) = self.doc["paths"].as_object() {
            for (path, item) in paths {
                self.path_item(path, item, global_security, "");
            }
        }
        if let Some(hooks) = self.doc["x-webhooks"]
            .as_object()
            .or(self.doc["webhooks"].as_object())
        {
            for (name, item) in hooks {
                // `x-webhooks` nests the path item under an expression, `webhooks` does not.
                let inner = item.as_object().and_then(|o| {
                    (!o.keys().any(|k| METHODS.contains(&k.as_str())))
                        .then(|| o.values().next())
                        .flatten()
                });
                self.path_item(name, inner.unwrap_or(item), None, "webhook ");
            }
        }
    }

    fn path_item(&mut self, path: &str, item: &'a Value, security: Option<&Value>, kind: &str) {
        let item = self.resolve(item, &mut Vec::new());
        let shared: Vec<&Value> = item["parameters"]
            .as_array()
            .into_iter()
            .flatten()
            .collect();
        for method in METHODS {
            let Some(operation) = item.get(method) else {
                continue;
            };
            let base = format!("{kind}{} {path}", method.to_uppercase());
            let mut attrs = Attrs::new();
            if let Some(id) = operation.get("operationId") {
                attrs.insert("operationId".into(), text(id));
            }
            let security = operation.get("security").or(security);
            attrs.insert(
                "security".into(),
                security.map_or_else(|| "(none)".into(), describe_security),
            );
            // Extensions the generator reads (`x-safe`) change what the client does.
            for (name, value) in operation.as_object().into_iter().flatten() {
                if name.starts_with("x-") {
                    attrs.insert(name.clone(), text(value));
                }
            }
            self.facts.insert(vec![base.clone()], attrs);

            // Operation parameters override path-level ones with the same name and location.
            let mut parameters = BTreeMap::new();
            for parameter in shared
                .iter()
                .copied()
                .chain(operation["parameters"].as_array().into_iter().flatten())
            {
                let parameter = self.resolve(parameter, &mut Vec::new());
                let name = parameter["name"].as_str().unwrap_or("?");
                let location = parameter["in"].as_str().unwrap_or("?");
                parameters.insert((location.to_owned(), name.to_owned()), parameter);
            }
            for ((location, name), parameter) in parameters {
                let key = vec![base.clone(), format!("parameter {location} {name}")];
                let required = parameter["required"].as_bool().unwrap_or(false);
                self.put(key.clone(), "required", required.to_string());
                for field in ["style", "explode", "deprecated", "allowEmptyValue"] {
                    if let Some(value) = parameter.get(field) {
                        self.put(key.clone(), field, text(value));
                    }
                }
                self.schema(key.clone(), &parameter["schema"], None, 0, &mut Vec::new());
                self.content(&key, &parameter["content"]);
            }

            if let Some(body) = operation.get("requestBody") {
                let body = self.resolve(body, &mut Vec::new());
                let required = body["required"].as_bool().unwrap_or(false);
                let key = vec![base.clone(), "request".to_owned()];
                self.put(key.clone(), "required", required.to_string());
                self.content(&key, &body["content"]);
            }
            for (status, response) in operation["responses"].as_object().into_iter().flatten() {
                let response = self.resolve(response, &mut Vec::new());
                let key = vec![base.clone(), format!("response {status}")];
                self.put(key.clone(), "status", status.clone());
                for (header, definition) in response["headers"].as_object().into_iter().flatten() {
                    let definition = self.resolve(definition, &mut Vec::new());
                    let mut header_key = key.clone();
                    header_key.push(format!("header {}", header.to_ascii_lowercase()));
                    let required = definition["required"].as_bool().unwrap_or(false);
                    self.put(header_key.clone(), "required", required.to_string());
                    self.schema(header_key, &definition["schema"], None, 0, &mut Vec::new());
                }
                self.content(&key, &response["content"]);
            }
            if operation.get("deprecated").and_then(Value::as_bool) == Some(true) {
                self.put(vec![base.clone()], "deprecated", "true".into());
            }
        }
    }

    /// Each media type of a `content` map under `key`, with its schema.
    fn content(&mut self, key: &Key, content: &Value) {
        for (media, body) in content.as_object().into_iter().flatten() {
            let mut media_key = key.clone();
            media_key.push(media.clone());
            self.put(media_key.clone(), "media type", media.clone());
            self.schema(media_key, &body["schema"], None, 0, &mut Vec::new());
        }
    }

    fn schema(
        &mut self,
        key: Key,
        schema: &Value,
        required: Option<bool>,
        depth: usize,
        refs: &mut Vec<String>,
    ) {
        if schema.is_null() || depth > MAX_DEPTH {
            return;
        }
        let mark = refs.len();
        let schema = self.resolve(schema, refs);
        let mut attrs = Attrs::new();
        if let Some(required) = required {
            attrs.insert("required".into(), required.to_string());
        }
        if refs[..mark].iter().any(|r| refs[mark..].contains(r)) {
            // A recursive schema: record where it loops instead of following it.
            attrs.insert("recursive".into(), refs[mark..].join(", "));
            refs.truncate(mark);
            self.facts.entry(key).or_default().extend(attrs);
            return;
        }
        if let Some(name) = refs[mark..].last() {
            // The generated type's name comes from it.
            attrs.insert("ref".into(), name.clone());
        }
        let merged = merge_all_of(self, schema, refs, 0);
        for name in SCHEMA_ATTRS.iter().chain(&["writeOnly", "deprecated"]) {
            if let Some(value) = merged.get(*name) {
                attrs.insert((*name).to_owned(), text(value));
            }
        }
        if let Some(values) = merged.get("enum").and_then(Value::as_array) {
            let mut values: Vec<String> = values.iter().map(text).collect();
            values.sort();
            attrs.insert("enum".into(), values.join(", "));
        }
        if let Some(xml) = merged.get("xml").and_then(Value::as_object) {
            for (field, value) in xml {
                attrs.insert(format!("xml.{field}"), text(value));
            }
        }
        if let Some(discriminator) = merged.get("discriminator") {
            attrs.insert("discriminator".into(), text(&discriminator["propertyName"]));
        }
        self.facts.entry(key.clone()).or_default().extend(attrs);

        let required_names: BTreeSet<&str> = merged
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect();
        if let Some(properties) = merged.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                let mut child = key.clone();
                child.push(name.clone());
                let required = required_names.contains(name.as_str());
                self.schema(child, property, Some(required), depth + 1, refs);
            }
        }
        if let Some(items) = merged.get("items") {
            let mut child = key.clone();
            child.push("[]".into());
            self.schema(child, items, None, depth + 1, refs);
        }
        if let Some(extra) = merged.get("additionalProperties").filter(|v| v.is_object()) {
            let mut child = key.clone();
            child.push("{*}".into());
            self.schema(child, extra, None, depth + 1, refs);
        }
        for keyword in ["oneOf", "anyOf"] {
            for (index, variant) in merged
                .get(keyword)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let label = variant["title"]
                    .as_str()
                    .map(str::to_owned)
                    .or_else(|| variant["$ref"].as_str().map(ref_name))
                    .unwrap_or_else(|| index.to_string());
                let mut child = key.clone();
                child.push(format!("<{keyword} {label}>"));
                self.schema(child, variant, None, depth + 1, refs);
            }
        }
        refs.truncate(mark);
    }

    /// Follows local `$ref`s, recording each schema name it passes through.
    fn resolve<'b>(&self, mut value: &'b Value, refs: &mut Vec<String>) -> &'b Value
    where
        'a: 'b,
    {
        for _ in 0..MAX_DEPTH {
            let Some(reference) = value.get("$ref").and_then(Value::as_str) else {
                return value;
            };
            let Some(pointer) = reference.strip_prefix('#') else {
                return value;
            };
            refs.push(ref_name(reference));
            match self.doc.pointer(pointer) {
                Some(target) => value = target,
                None => return &Value::Null,
            }
        }
        value
    }

    fn put(&mut self, key: Key, attr: &str, value: String) {
        self.facts
            .entry(key)
            .or_default()
            .insert(attr.into(), value);
    }
}

/// `allOf` members merged into one schema: properties and `required` united, other keywords
/// taken from the last member that has them.
fn merge_all_of(
    flattener: &Flattener<'_>,
    schema: &Value,
    refs: &mut Vec<String>,
    depth: usize,
) -> Map<String, Value> {
    let mut merged = schema.as_object().cloned().unwrap_or_default();
    let Some(members) = merged.remove("allOf") else {
        return merged;
    };
    if depth > MAX_DEPTH {
        // A schema that includes itself: nothing more to merge.
        return merged;
    }
    for member in members.as_array().into_iter().flatten() {
        let member = merge_all_of(flattener, flattener.resolve(member, refs), refs, depth + 1);
        for (keyword, value) in member {
            match (keyword.as_str(), merged.get_mut(&keyword)) {
                ("properties", Some(Value::Object(properties))) => {
                    if let Value::Object(more) = value {
                        properties.extend(more);
                    }
                }
                ("required", Some(Value::Array(names))) => {
                    if let Value::Array(more) = value {
                        names.extend(more);
                    }
                }
                _ => {
                    merged.insert(keyword, value);
                }
            }
        }
    }
    merged
}

fn ref_name(reference: &str) -> String {
    reference.rsplit('/').next().unwrap_or(reference).to_owned()
}

fn text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

/// `basicAuth | bearerAuth` for alternatives, `a + b` for schemes required together.
fn describe_security(security: &Value) -> String {
    let mut alternatives: Vec<String> = security
        .as_array()
        .into_iter()
        .flatten()
        .map(|requirement| {
            let mut names: Vec<&str> = requirement
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, _)| name.as_str())
                .collect();
            names.sort_unstable();
            if names.is_empty() {
                "(anonymous)".to_owned()
            } else {
                names.join(" + ")
            }
        })
        .collect();
    alternatives.sort();
    if alternatives.is_empty() {
        "(none)".into()
    } else {
        alternatives.join(" | ")
    }
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Change {
    /// Only in the new spec.
    Added(Key),
    /// Only in the old spec.
    Removed(Key),
    /// In both, with different attributes: `(attribute, old, new)`.
    Changed(Key, Vec<(String, Option<String>, Option<String>)>),
}

impl Change {
    fn key(&self) -> &Key {
        match self {
            Change::Added(key) | Change::Removed(key) | Change::Changed(key, _) => key,
        }
    }
}

/// `a > b > [] > c` written as `a > b[] > c`.
fn shown(key: &Key) -> String {
    let mut out = String::new();
    for (index, segment) in key.iter().enumerate() {
        if index > 0 && segment != "[]" {
            out.push_str(" > ");
        }
        out.push_str(segment);
    }
    out
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let path = shown(self.key());
        match self {
            Change::Added(_) => write!(f, "+ {path}"),
            Change::Removed(_) => write!(f, "- {path}"),
            Change::Changed(_, attrs) => {
                write!(f, "~ {path}:")?;
                for (index, (attr, old, new)) in attrs.iter().enumerate() {
                    let separator = if index == 0 { " " } else { "; " };
                    write!(f, "{separator}{}", describe_attr(attr, old, new))?;
                }
                Ok(())
            }
        }
    }
}

fn describe_attr(attr: &str, old: &Option<String>, new: &Option<String>) -> String {
    match (attr, old, new) {
        ("enum", Some(old), Some(new)) => {
            let old: BTreeSet<&str> = old.split(", ").collect();
            let new: BTreeSet<&str> = new.split(", ").collect();
            let mut parts: Vec<String> = new.difference(&old).map(|v| format!("+{v}")).collect();
            parts.extend(old.difference(&new).map(|v| format!("-{v}")));
            format!("enum {}", parts.join(" "))
        }
        (_, old, new) => format!(
            "{attr} {} -> {}",
            old.as_deref().unwrap_or("(none)"),
            new.as_deref().unwrap_or("(none)")
        ),
    }
}

/// The changes from `old` to `new`, in key order. Under an added or removed key only the key
/// itself is reported, not everything inside it.
pub fn compare(old: &Facts, new: &Facts) -> Vec<Change> {
    let keys: BTreeSet<&Key> = old.0.keys().chain(new.0.keys()).collect();
    let mut changes: Vec<Change> = Vec::new();
    for key in keys {
        let covered = changes.iter().any(
            |change| matches!(change, Change::Added(k) | Change::Removed(k) if key.starts_with(k)),
        );
        if covered {
            continue;
        }
        match (old.0.get(key), new.0.get(key)) {
            (None, Some(_)) => changes.push(Change::Added(key.clone())),
            (Some(_), None) => changes.push(Change::Removed(key.clone())),
            (Some(a), Some(b)) if a != b => {
                let names: BTreeSet<&String> = a.keys().chain(b.keys()).collect();
                let attrs = names
                    .into_iter()
                    .filter(|name| a.get(*name) != b.get(*name))
                    .map(|name| (name.clone(), a.get(name).cloned(), b.get(name).cloned()))
                    .collect();
                changes.push(Change::Changed(key.clone(), attrs));
            }
            _ => {}
        }
    }
    changes
}

/// The report `specs diff` prints.
pub fn report(changes: &[Change]) -> String {
    if changes.is_empty() {
        return "no semantic changes\n".into();
    }
    let mut out = String::new();
    for change in changes {
        out.push_str(&change.to_string());
        out.push('\n');
    }
    let count = |f: fn(&Change) -> bool| changes.iter().filter(|c| f(c)).count();
    out.push_str(&format!(
        "{} change(s): {} added, {} removed, {} changed\n",
        changes.len(),
        count(|c| matches!(c, Change::Added(_))),
        count(|c| matches!(c, Change::Removed(_))),
        count(|c| matches!(c, Change::Changed(..)))
    ));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn spec(schema: Value) -> Value {
        json!({
            "openapi": "3.0.3",
            "info": {"title": "t", "version": "1", "description": "ignored"},
            "paths": {
                "/things": {
                    "post": {
                        "operationId": "make",
                        "description": "ignored too",
                        "security": [{"basic": []}],
                        "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Thing"}}}},
                        "responses": {"200": {"description": "ok"}}
                    }
                }
            },
            "components": {"schemas": {"Thing": schema}}
        })
    }

    fn lines(old: &Value, new: &Value) -> Vec<String> {
        compare(&Facts::of(old), &Facts::of(new))
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn descriptions_and_key_order_are_not_changes() {
        let a = spec(
            json!({"type": "object", "properties": {"a": {"type": "string", "description": "x"}, "b": {"type": "integer"}}}),
        );
        let b = spec(
            json!({"properties": {"b": {"type": "integer"}, "a": {"description": "y", "type": "string", "example": "z"}}, "type": "object"}),
        );
        assert_eq!(lines(&a, &b), Vec::<String>::new());
    }

    #[test]
    fn fields_enums_constraints_and_requiredness_are() {
        let a = spec(json!({"type": "object", "required": ["a"], "properties": {
            "a": {"type": "string", "enum": ["x", "y"]},
            "gone": {"type": "object", "properties": {"deep": {"type": "string"}}},
            "n": {"type": "integer", "maximum": 10}
        }}));
        let b = spec(json!({"type": "object", "properties": {
            "a": {"type": "string", "enum": ["x", "z"]},
            "n": {"type": "integer", "maximum": 20},
            "new": {"type": "boolean"}
        }}));
        assert_eq!(
            lines(&a, &b),
            [
                "~ POST /things > request > application/json > a: enum +z -y; required true -> false",
                "- POST /things > request > application/json > gone",
                "~ POST /things > request > application/json > n: maximum 10 -> 20",
                "+ POST /things > request > application/json > new",
            ]
        );
    }

    #[test]
    fn operation_extensions_are_changes() {
        let thing = json!({"type": "string"});
        let mut marked = spec(thing.clone());
        marked["paths"]["/things"]["post"]["x-safe"] = json!(false);
        assert_eq!(
            lines(&marked, &spec(thing)),
            ["~ POST /things: x-safe false -> (none)"]
        );
    }

    #[test]
    fn recursive_schemas_end() {
        let a = spec(
            json!({"type": "object", "properties": {"child": {"$ref": "#/components/schemas/Thing"}}}),
        );
        let facts = Facts::of(&a);
        assert!(
            facts
                .0
                .keys()
                .any(|k| k.last().map(String::as_str) == Some("child"))
        );
        assert!(facts.0.len() < 10);
    }
}
