//! XML replies turned into the JSON form of the same reply, guided by the spec's `xml`
//! annotations, so that one set of serde types (the generated ones) decodes both formats.
//!
//! The table each operation is decoded with is written by `build.rs` from the spec
//! (`codegen/xml.rs`). The rules are OpenAPI's: an element per property, named by its
//! `xml.name` or the property name; arrays either wrapped (`<checks><check/>…</checks>`) or
//! repeated in the parent (`<verification_requests><verify_request/>…`). Every value is text,
//! as in the JSON replies, where Verify v1 sends numbers as strings too. An empty element
//! (`<date_finalized />`) is the empty string, and an empty wrapper (`<checks />`) the empty
//! array. Elements the table does not know are kept under their own names, so serde ignores
//! them as it ignores unknown JSON keys.

use quick_xml::events::Event;
use serde_json::{Map, Value};

/// How deep a reply may nest. Verify's are three levels deep; a hostile body cannot make the
/// decoder recurse without bound.
const MAX_DEPTH: usize = 32;

/// The XML form of one operation's reply (see `codegen/xml.rs`).
#[derive(Debug)]
pub(crate) struct Shape {
    pub(crate) operation: &'static str,
    pub(crate) roots: &'static [&'static str],
    pub(crate) fields: &'static [Field],
}

/// One property and the element that carries it.
#[derive(Debug)]
pub(crate) struct Field {
    pub(crate) key: &'static str,
    pub(crate) element: &'static str,
    pub(crate) kind: Kind,
}

/// What an element holds.
#[derive(Debug)]
pub(crate) enum Kind {
    Scalar,
    // v1's replies nest objects only inside arrays; a spec may nest them directly.
    #[allow(dead_code)]
    Object(&'static [Field]),
    Array {
        wrapped: bool,
        item: &'static str,
        fields: &'static [Field],
    },
}

/// The shape `build.rs` recorded for `operation`.
pub(crate) fn shape(shapes: &'static [Shape], operation: &str) -> Option<&'static Shape> {
    shapes.iter().find(|s| s.operation == operation)
}

/// An element as parsed: its name, its text and its child elements, in order.
#[derive(Debug, Default)]
struct Element {
    name: String,
    text: String,
    children: Vec<Element>,
}

/// Decodes `body` as the reply `shape` describes. `also_roots` are root names seen in live
/// replies that the spec does not list.
pub(crate) fn decode(shape: &Shape, also_roots: &[&str], body: &[u8]) -> Result<Value, String> {
    let text = std::str::from_utf8(body).map_err(|e| format!("the body is not UTF-8: {e}"))?;
    let root = parse(text)?;
    if !shape.roots.contains(&root.name.as_str()) && !also_roots.contains(&root.name.as_str()) {
        return Err(format!(
            "unexpected root element <{}> (expected one of {:?})",
            root.name,
            [shape.roots, also_roots].concat()
        ));
    }
    Ok(object(&root, shape.fields))
}

fn parse(text: &str) -> Result<Element, String> {
    let mut reader = quick_xml::Reader::from_str(text);
    // The open elements, innermost last; the document's root ends up in `root`.
    let mut open: Vec<Element> = Vec::new();
    let mut root = None;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("malformed XML at byte {}: {e}", reader.error_position()))?;
        match event {
            Event::Start(_) | Event::Empty(_) if root.is_some() => {
                return Err("content after the root element".into());
            }
            Event::Start(start) => {
                if open.len() >= MAX_DEPTH {
                    return Err(format!("elements nest deeper than {MAX_DEPTH} levels"));
                }
                open.push(Element {
                    name: element_name(start.local_name().as_ref())?,
                    ..Element::default()
                });
            }
            Event::Empty(start) => {
                let element = Element {
                    name: element_name(start.local_name().as_ref())?,
                    ..Element::default()
                };
                match open.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::End(_) => {
                let mut element = open.pop().ok_or("an end tag without a start")?;
                element.text = element.text.trim().to_owned();
                match open.last_mut() {
                    Some(parent) => parent.children.push(element),
                    None => root = Some(element),
                }
            }
            Event::Text(text) => {
                if let Some(element) = open.last_mut() {
                    element.text.push_str(&text.xml10_content());
                }
            }
            Event::CData(data) => {
                if let Some(element) = open.last_mut() {
                    element.text.push_str(&data.xml10_content());
                }
            }
            Event::GeneralRef(reference) => {
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c.to_string(),
                    Ok(None) => {
                        let name = reference.xml10_content();
                        quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| format!("unknown entity &{name};"))?
                            .to_owned()
                    }
                    Err(e) => return Err(format!("bad character reference: {e}")),
                };
                if let Some(element) = open.last_mut() {
                    element.text.push_str(&resolved);
                }
            }
            // No DTD is ever read: entities it declared are refused above as unknown.
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) | Event::DocType(_) => {}
            Event::Eof => break,
        }
    }
    if !open.is_empty() {
        return Err("the body ends inside an element".into());
    }
    root.ok_or_else(|| "no root element".into())
}

fn element_name(name: &str) -> Result<String, String> {
    Ok(name.to_owned())
}

/// The JSON object for an element whose children are the properties in `fields`.
fn object(element: &Element, fields: &'static [Field]) -> Value {
    let mut out = Map::new();
    for child in &element.children {
        // An unwrapped array is known by its items' element name, anything else by its own.
        let known = fields.iter().find(|field| match &field.kind {
            Kind::Array {
                wrapped: false,
                item,
                ..
            } => *item == child.name,
            _ => field.element == child.name,
        });
        match known {
            Some(field) => match &field.kind {
                Kind::Scalar => {
                    out.insert(field.key.to_owned(), Value::String(child.text.clone()));
                }
                Kind::Object(children) => {
                    out.insert(field.key.to_owned(), object(child, children));
                }
                Kind::Array {
                    wrapped: true,
                    item,
                    fields,
                } => {
                    let items = child
                        .children
                        .iter()
                        .filter(|c| c.name == *item)
                        .map(|c| item_value(c, fields))
                        .collect();
                    out.insert(field.key.to_owned(), Value::Array(items));
                }
                Kind::Array {
                    wrapped: false,
                    fields,
                    ..
                } => {
                    let slot = out
                        .entry(field.key.to_owned())
                        .or_insert_with(|| Value::Array(Vec::new()));
                    if let Value::Array(items) = slot {
                        items.push(item_value(child, fields));
                    }
                }
            },
            None => {
                out.insert(child.name.clone(), untyped(child));
            }
        }
    }
    Value::Object(out)
}

fn item_value(element: &Element, fields: &'static [Field]) -> Value {
    if fields.is_empty() {
        Value::String(element.text.clone())
    } else {
        object(element, fields)
    }
}

/// An element the table does not describe: text if it has no children, else an object.
fn untyped(element: &Element) -> Value {
    if element.children.is_empty() {
        return Value::String(element.text.clone());
    }
    Value::Object(
        element
            .children
            .iter()
            .map(|c| (c.name.clone(), untyped(c)))
            .collect(),
    )
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    const CHECK: &[Field] = &[
        Field {
            key: "code",
            element: "code",
            kind: Kind::Scalar,
        },
        Field {
            key: "ip_address",
            element: "ip_address",
            kind: Kind::Scalar,
        },
    ];
    const ONE: &[Field] = &[
        Field {
            key: "request_id",
            element: "request_id",
            kind: Kind::Scalar,
        },
        Field {
            key: "checks",
            element: "checks",
            kind: Kind::Array {
                wrapped: true,
                item: "check",
                fields: CHECK,
            },
        },
    ];
    const SEARCH: Shape = Shape {
        operation: "verify_search",
        roots: &["verify_request", "verification_requests"],
        fields: &[
            Field {
                key: "request_id",
                element: "request_id",
                kind: Kind::Scalar,
            },
            Field {
                key: "checks",
                element: "checks",
                kind: Kind::Array {
                    wrapped: true,
                    item: "check",
                    fields: CHECK,
                },
            },
            Field {
                key: "verification_requests",
                element: "verification_requests",
                kind: Kind::Array {
                    wrapped: false,
                    item: "verify_request",
                    fields: ONE,
                },
            },
        ],
    };

    fn decode(xml: &str) -> Result<Value, String> {
        super::decode(&SEARCH, &["verify_response"], xml.as_bytes())
    }

    #[test]
    fn wrapped_and_repeated_arrays_empty_elements_and_entities() {
        let one = decode(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<verify_request>\n  <request_id>a&amp;b&#33;</request_id>\n  <checks>\n    <check><code>1234</code><ip_address /></check>\n    <check><code><![CDATA[42]]></code></check>\n  </checks>\n  <new_field>kept</new_field>\n</verify_request>",
        )
        .unwrap();
        assert_eq!(
            one,
            json!({"request_id": "a&b!", "checks": [{"code": "1234", "ip_address": ""}, {"code": "42"}], "new_field": "kept"})
        );
        let many = decode(
            "<verification_requests><verify_request><request_id>x</request_id><checks /></verify_request><verify_request><request_id>y</request_id></verify_request></verification_requests>",
        )
        .unwrap();
        assert_eq!(
            many,
            json!({"verification_requests": [{"request_id": "x", "checks": []}, {"request_id": "y"}]})
        );
    }

    #[test]
    fn hostile_or_broken_bodies_are_errors_not_panics() {
        for body in [
            "",
            "not xml",
            "<verify_request>",
            "<verify_request></other>",
            "<verify_request/><verify_request/>",
            "<unexpected/>",
            "<verify_request>&custom;</verify_request>",
            "<!DOCTYPE x [<!ENTITY e \"boom\">]><verify_request>&e;</verify_request>",
        ] {
            assert!(decode(body).is_err(), "{body:?}");
        }
        let deep = format!(
            "<verify_request>{}{}</verify_request>",
            "<a>".repeat(100),
            "</a>".repeat(100)
        );
        assert!(decode(&deep).unwrap_err().contains("deeper"));
        assert!(super::decode(&SEARCH, &[], &[0xff, 0xfe]).is_err());
    }
}
