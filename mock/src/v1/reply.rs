//! v1 replies, written in JSON or XML from one description.
//!
//! A reply is its fields in the order the live service sends them. JSON ignores the order;
//! XML keeps it, and takes its element names, array wrappers and item names from the spec's
//! `xml` annotations (the table `build.rs` writes for the client's decoder), so the mock and
//! the decoder read the same source.

use axum::Json;
use axum::http::header::CONTENT_TYPE;
use axum::response::{IntoResponse, Response};
use serde_json::{Map, Value};

use vonage_verify::spec::xml::{Field, Kind};

/// What the last path segment asked for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Format {
    Json,
    Xml,
}

impl Format {
    pub(crate) fn parse(segment: &str) -> Option<Self> {
        match segment {
            "json" => Some(Self::Json),
            "xml" => Some(Self::Xml),
            _ => None,
        }
    }
}

/// A field's value: text (every v1 value is text, numbers too) or a list of objects.
#[derive(Debug, Clone)]
pub(crate) enum Node {
    Text(String),
    Items(Vec<Fields>),
}

pub(crate) type Fields = Vec<(&'static str, Node)>;

/// One reply: the operation it answers (whose XML table names its elements), its XML root
/// element, and its fields.
#[derive(Debug, Clone)]
pub(crate) struct Reply {
    operation: &'static str,
    root: &'static str,
    fields: Fields,
}

impl Reply {
    pub(crate) fn new(operation: &'static str, root: &'static str) -> Self {
        Self {
            operation,
            root,
            fields: Vec::new(),
        }
    }

    /// A failure as v1 reports most of them: HTTP 200, a non-zero `status` and its text.
    pub(crate) fn status(
        operation: &'static str,
        root: &'static str,
        status: u16,
        text: &str,
        request_id: Option<&str>,
    ) -> Self {
        let reply = Self::new(operation, root);
        let reply = match request_id {
            Some(id) => reply.text("request_id", id),
            None => reply,
        };
        reply
            .text("status", status.to_string())
            .text("error_text", text)
    }

    pub(crate) fn text(mut self, key: &'static str, value: impl Into<String>) -> Self {
        self.fields.push((key, Node::Text(value.into())));
        self
    }

    pub(crate) fn items(mut self, key: &'static str, items: Vec<Fields>) -> Self {
        self.fields.push((key, Node::Items(items)));
        self
    }

    pub(crate) fn fields(mut self, fields: Fields) -> Self {
        self.fields.extend(fields);
        self
    }

    pub(crate) fn json(&self) -> Value {
        object(&self.fields)
    }

    pub(crate) fn xml(&self) -> String {
        let table = vonage_verify::spec::xml::shape(vonage_verify::v1::raw::XML, self.operation)
            .map_or(&[][..], |shape| shape.fields);
        let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        element(&mut out, 0, self.root, &self.fields, table);
        out
    }

    pub(crate) fn into_response(self, format: Format) -> Response {
        match format {
            Format::Json => Json(self.json()).into_response(),
            // Live XML replies come as text/plain, although the spec declares text/xml
            // (V1 facts, transport): the mock answers as the service does.
            Format::Xml => {
                ([(CONTENT_TYPE, "text/plain;charset=UTF-8")], self.xml()).into_response()
            }
        }
    }
}

fn object(fields: &Fields) -> Value {
    let mut out = Map::new();
    for (key, node) in fields {
        let value = match node {
            Node::Text(text) => Value::String(text.clone()),
            Node::Items(items) => Value::Array(items.iter().map(object).collect()),
        };
        out.insert((*key).to_owned(), value);
    }
    Value::Object(out)
}

/// Writes `<name>` holding `fields`, pretty-printed with two spaces as live replies are.
fn element(out: &mut String, depth: usize, name: &str, fields: &Fields, table: &[Field]) {
    let indent = "  ".repeat(depth);
    if fields.is_empty() {
        out.push_str(&format!("{indent}<{name} />\n"));
        return;
    }
    out.push_str(&format!("{indent}<{name}>\n"));
    for (key, node) in fields {
        let known = table.iter().find(|field| field.key == *key);
        let name = known.map_or(*key, |field| field.element);
        match node {
            Node::Text(text) => leaf(out, depth + 1, name, text),
            Node::Items(items) => {
                let (wrapped, item, item_table) = match known.map(|field| &field.kind) {
                    Some(Kind::Array {
                        wrapped,
                        item,
                        fields,
                    }) => (*wrapped, *item, *fields),
                    // A list the spec does not annotate is written the usual OpenAPI way.
                    _ => (true, *key, &[][..]),
                };
                if wrapped {
                    let inner = "  ".repeat(depth + 1);
                    if items.is_empty() {
                        out.push_str(&format!("{inner}<{name} />\n"));
                        continue;
                    }
                    out.push_str(&format!("{inner}<{name}>\n"));
                    for fields in items {
                        element(out, depth + 2, item, fields, item_table);
                    }
                    out.push_str(&format!("{inner}</{name}>\n"));
                } else {
                    for fields in items {
                        element(out, depth + 1, item, fields, item_table);
                    }
                }
            }
        }
    }
    out.push_str(&format!("{indent}</{name}>\n"));
}

fn leaf(out: &mut String, depth: usize, name: &str, text: &str) {
    let indent = "  ".repeat(depth);
    if text.is_empty() {
        out.push_str(&format!("{indent}<{name} />\n"));
    } else {
        let text = quick_xml::escape::escape(text);
        out.push_str(&format!("{indent}<{name}>{text}</{name}>\n"));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn search_reply() -> Reply {
        let check = vec![
            ("date_received", Node::Text("2026-01-01 10:00:00".into())),
            ("code", Node::Text("12<4".into())),
            ("status", Node::Text("INVALID".into())),
            ("ip_address", Node::Text(String::new())),
        ];
        Reply::new("verify_search", "verify_request")
            .text("request_id", "abc")
            .text("date_finalized", "")
            .items("checks", vec![check])
            .items("events", Vec::new())
            .text("status", "IN PROGRESS")
    }

    #[test]
    fn xml_follows_the_spec_table_and_keeps_the_order() {
        assert_eq!(
            search_reply().xml(),
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <verify_request>\n  <request_id>abc</request_id>\n  <date_finalized />\n  \
             <checks>\n    <check>\n      <date_received>2026-01-01 10:00:00</date_received>\n      \
             <code>12&lt;4</code>\n      <status>INVALID</status>\n      <ip_address />\n    \
             </check>\n  </checks>\n  <events />\n  <status>IN PROGRESS</status>\n</verify_request>\n"
        );
    }

    #[test]
    fn the_clients_decoder_reads_back_what_the_mock_writes() {
        let reply = search_reply();
        let decoded: serde_json::Value =
            vonage_verify::v1::decode_xml("verify_search", reply.xml().as_bytes()).unwrap();
        assert_eq!(decoded, reply.json());
    }

    #[test]
    fn an_unwrapped_list_repeats_its_items_in_the_root() {
        let one = vec![("request_id", Node::Text("a".into()))];
        let two = vec![("request_id", Node::Text("b".into()))];
        let reply = Reply::new("verify_search", "verification_requests")
            .items("verification_requests", vec![one, two]);
        let xml = reply.xml();
        assert!(xml.contains(
            "<verification_requests>\n  <verify_request>\n    <request_id>a</request_id>\n  </verify_request>\n  <verify_request>"
        ), "{xml}");
        let decoded: serde_json::Value =
            vonage_verify::v1::decode_xml("verify_search", xml.as_bytes()).unwrap();
        assert_eq!(decoded, reply.json());
    }
}
