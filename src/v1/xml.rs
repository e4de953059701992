//! v1's XML replies rewritten as the JSON text of the same reply, guided by the spec's `xml`
//! annotations, so that one set of serde types (the generated ones) decodes both formats. The
//! rewrite is one pass over quick-xml's events with no tree in between.
//!
//! The table each operation is decoded with is written by `build.rs` from the spec
//! (`codegen/xml.rs`) into [`raw::XML`](super::raw::XML). The rules are OpenAPI's: an element
//! per property, named by its `xml.name` or the property name; arrays either wrapped
//! (`<checks><check/>…</checks>`) or repeated in the parent
//! (`<verification_requests><verify_request/>…`). Every value is text, as in the JSON replies,
//! where Verify v1 sends numbers as strings too. An empty element (`<date_finalized />`) is the
//! empty string, and an empty wrapper (`<checks />`) the empty array. Elements the table does
//! not know are kept under their own names, so serde ignores them as it ignores unknown JSON
//! keys. A known element that comes twice becomes a repeated key, which the typed decode
//! refuses as a duplicate field.

use quick_xml::events::Event;
#[cfg(test)]
use serde_json::Value;

use super::raw::XML;
use crate::error::Mask;
use crate::spec::xml::{Field, Kind, Shape, shape};

/// Root elements seen in live XML replies that the spec's annotations do not name: search
/// failures come as `verify_response`, and a request with an invalid parameter as `response`
/// (see the v1 XML facts in the project's reference notes).
pub(crate) const OBSERVED_ROOTS: &[&str] = &["verify_response", "response"];

/// How deep a reply may nest. Verify's are three levels deep; a hostile body cannot make the
/// decoder recurse without bound.
const MAX_DEPTH: usize = 32;

/// Decodes an XML reply of `operation` (a generated method's name, such as `verify_search`)
/// into the type its JSON endpoint returns in [`raw`](super::raw), as the typed API does for
/// [`Format::Xml`](super::Format::Xml). The raw client is generated for the JSON endpoints;
/// use this for a body from an `/xml` endpoint, fetched or stored some other way.
///
/// ```
/// use vonage_verify::v1::decode_xml;
/// use vonage_verify::v1::raw::types::VerifyControlResponse;
///
/// let body = br#"<?xml version="1.0" encoding="UTF-8"?>
/// <response><status>0</status><command>cancel</command></response>"#;
/// let reply: VerifyControlResponse = decode_xml("verify_control", body)?;
/// assert_eq!(reply.command.map(|c| c.to_string()).as_deref(), Some("cancel"));
/// # Ok::<(), vonage_verify::Error>(())
/// ```
///
/// # Errors
///
/// [`Error::Decode`](crate::Error::Decode) for an operation with no XML reply, malformed XML,
/// an unexpected root element, or values the type does not accept.
pub fn decode_xml<T: serde::de::DeserializeOwned>(
    operation: &str,
    body: &[u8],
) -> Result<T, crate::Error> {
    let decode_error = |operation: &'static str, reason: String| crate::Error::Decode {
        context: crate::ResponseContext::new(operation).with_body(body, &Mask::default()),
        reason,
    };
    let shape = shape(XML, operation)
        .ok_or_else(|| decode_error("decode_xml", format!("`{operation}` has no XML reply")))?;
    let json = to_json(shape, OBSERVED_ROOTS, body)
        .map_err(|reason| decode_error(shape.operation, reason))?;
    serde_json::from_slice(&json).map_err(|e| decode_error(shape.operation, e.to_string()))
}

/// Turns the XML `body` into the JSON text of the reply `shape` describes, in one pass and
/// without building a tree, so that decoding it costs one serde pass as a JSON reply does.
/// `also_roots` are root names seen in live replies that the spec does not list.
pub(crate) fn to_json(shape: &Shape, also_roots: &[&str], body: &[u8]) -> Result<Vec<u8>, String> {
    let text = std::str::from_utf8(body).map_err(|e| format!("the body is not UTF-8: {e}"))?;
    let mut reader = quick_xml::Reader::from_str(text);
    let mut out = Writer {
        json: Vec::with_capacity(body.len()),
        text: String::new(),
    };
    // The open elements, innermost last.
    let mut open: Vec<Frame> = Vec::new();
    let mut done = false;
    loop {
        let event = reader
            .read_event()
            .map_err(|e| format!("malformed XML at byte {}: {e}", reader.error_position()))?;
        let (start, empty) = match event {
            Event::Start(start) => (start, false),
            Event::Empty(start) => (start, true),
            Event::End(_) => {
                let frame = open.pop().ok_or("an end tag without a start")?;
                out.close(frame, &mut open)?;
                done = open.is_empty();
                continue;
            }
            Event::Text(text) => {
                if open.last().is_some_and(Frame::keeps_text) {
                    out.text.push_str(&text.xml10_content());
                }
                continue;
            }
            Event::CData(data) => {
                if open.last().is_some_and(Frame::keeps_text) {
                    out.text.push_str(&data.xml10_content());
                }
                continue;
            }
            Event::GeneralRef(reference) => {
                // Resolved even where the text is dropped, so that every unknown entity is an
                // error wherever it stands.
                let resolved = match reference.resolve_char_ref() {
                    Ok(Some(c)) => c,
                    Ok(None) => {
                        let name = reference.xml10_content();
                        let value = quick_xml::escape::resolve_predefined_entity(&name)
                            .ok_or_else(|| format!("unknown entity &{name};"))?;
                        value.chars().next().unwrap_or_default()
                    }
                    Err(e) => return Err(format!("bad character reference: {e}")),
                };
                if open.last().is_some_and(Frame::keeps_text) {
                    out.text.push(resolved);
                }
                continue;
            }
            // Vonage sends no DTD, and one is the vehicle of entity expansion and external
            // fetches: refused outright rather than skipped.
            Event::DocType(_) => {
                return Err("the body has a DOCTYPE; DTDs and their entities are refused".into());
            }
            Event::Decl(_) | Event::PI(_) | Event::Comment(_) => continue,
            Event::Eof => break,
        };
        if done {
            return Err("content after the root element".into());
        }
        if open.len() >= MAX_DEPTH {
            return Err(format!("elements nest deeper than {MAX_DEPTH} levels"));
        }
        let name = local_name(&start);
        let frame = match open.last_mut() {
            None => {
                if !shape.roots.contains(&name) && !also_roots.contains(&name) {
                    return Err(format!(
                        "unexpected root element <{name}> (expected one of {:?})",
                        [shape.roots, also_roots].concat()
                    ));
                }
                out.json.push(b'{');
                Frame::object(shape.fields, None)
            }
            Some(parent) => out.open(parent, name)?,
        };
        open.push(frame);
        if empty {
            let frame = open.pop().unwrap_or(Frame::Skip);
            out.close(frame, &mut open)?;
            done = open.is_empty();
        }
    }
    if !open.is_empty() {
        return Err("the body ends inside an element".into());
    }
    if !done {
        return Err("no root element".into());
    }
    Ok(out.json)
}

/// The element's name without its namespace prefix. quick-xml's `local_name` searches for the
/// `:` as a `char`, which costs more than the rest of handling a start tag.
fn local_name<'a>(start: &'a quick_xml::events::BytesStart<'_>) -> &'a str {
    let name: &str = start.name().into_inner();
    match name.as_bytes().iter().rposition(|&b| b == b':') {
        Some(colon) => &name[colon + 1..],
        None => name,
    }
}

/// An open element and what becomes of it.
enum Frame {
    /// A JSON object; `wrote` says whether a key has been written yet. Items of unwrapped
    /// arrays may come anywhere among the other children, so they wait in `pending` until
    /// the object closes. `item_of` is set when this object is itself such an item.
    Object {
        fields: &'static [Field],
        wrote: bool,
        pending: Vec<(&'static str, Vec<u8>)>,
        item_of: Option<Item>,
    },
    /// A wrapped array, whose children named `item` are its items.
    Array {
        item: &'static str,
        fields: &'static [Field],
        wrote: bool,
    },
    /// A text value, gathered in `Writer::text`.
    Scalar { item_of: Option<Item> },
    /// An element the table does not describe, kept whole under its own name.
    Unknown(Untyped),
    /// Markup inside a value, or a non-item inside an array: dropped.
    Skip,
}

/// Where an unwrapped array's item starts in the output, and the array's key.
struct Item {
    key: &'static str,
    at: usize,
}

impl Frame {
    fn object(fields: &'static [Field], item_of: Option<Item>) -> Frame {
        Frame::Object {
            fields,
            wrote: false,
            pending: Vec::new(),
            item_of,
        }
    }

    fn keeps_text(&self) -> bool {
        matches!(self, Frame::Scalar { .. } | Frame::Unknown(_))
    }
}

/// An undescribed element: its text if it has no children, else an object of them.
#[derive(Default)]
struct Untyped {
    name: String,
    children: Vec<Untyped>,
    text: String,
}

struct Writer {
    json: Vec<u8>,
    /// The text of the innermost open value.
    text: String,
}

impl Writer {
    /// Starts the child `name` of `parent`, writing what comes before its value.
    fn open(&mut self, parent: &mut Frame, name: &str) -> Result<Frame, String> {
        Ok(match parent {
            Frame::Object { fields, wrote, .. } => {
                // An unwrapped array is known by its items' element name, anything else by
                // its own.
                let known = fields.iter().find(|field| match &field.kind {
                    Kind::Array {
                        wrapped: false,
                        item,
                        ..
                    } => *item == name,
                    _ => field.element == name,
                });
                match known {
                    Some(Field {
                        key,
                        kind:
                            Kind::Array {
                                wrapped: false,
                                fields,
                                ..
                            },
                        ..
                    }) => {
                        let item_of = Some(Item {
                            key,
                            at: self.json.len(),
                        });
                        self.value_frame(fields, item_of)
                    }
                    Some(field) => {
                        self.key(wrote, field.key);
                        match &field.kind {
                            Kind::Scalar => self.scalar(None),
                            Kind::Object(fields) => {
                                self.json.push(b'{');
                                Frame::object(fields, None)
                            }
                            Kind::Array { item, fields, .. } => {
                                self.json.push(b'[');
                                Frame::Array {
                                    item,
                                    fields,
                                    wrote: false,
                                }
                            }
                        }
                    }
                    None => {
                        self.key(wrote, name);
                        self.text.clear();
                        Frame::Unknown(Untyped {
                            name: name.to_owned(),
                            ..Untyped::default()
                        })
                    }
                }
            }
            Frame::Array {
                item,
                fields,
                wrote,
            } if *item == name => {
                if std::mem::replace(wrote, true) {
                    self.json.push(b',');
                }
                self.value_frame(fields, None)
            }
            Frame::Unknown(_) => {
                self.text.clear();
                Frame::Unknown(Untyped {
                    name: name.to_owned(),
                    ..Untyped::default()
                })
            }
            Frame::Array { .. } | Frame::Scalar { .. } | Frame::Skip => Frame::Skip,
        })
    }

    /// An item: text when its table lists no fields, else an object.
    fn value_frame(&mut self, fields: &'static [Field], item_of: Option<Item>) -> Frame {
        if fields.is_empty() {
            self.scalar(item_of)
        } else {
            self.json.push(b'{');
            Frame::object(fields, item_of)
        }
    }

    fn scalar(&mut self, item_of: Option<Item>) -> Frame {
        self.text.clear();
        Frame::Scalar { item_of }
    }

    fn key(&mut self, wrote: &mut bool, key: &str) {
        if std::mem::replace(wrote, true) {
            self.json.push(b',');
        }
        self.string(key);
        self.json.push(b':');
    }

    fn string(&mut self, text: &str) {
        // Nearly every value and key needs no escaping; serde_json's escaper costs more than
        // the check that skips it.
        if text.bytes().all(|b| b >= 0x20 && b != b'"' && b != b'\\') {
            self.json.push(b'"');
            self.json.extend_from_slice(text.as_bytes());
            self.json.push(b'"');
        } else {
            // Writing a `str` to a `Vec` cannot fail.
            let _ = serde_json::to_writer(&mut self.json, text);
        }
    }

    /// Ends `frame`, whose parent is now the last of `open`.
    fn close(&mut self, frame: Frame, open: &mut [Frame]) -> Result<(), String> {
        let item_of = match frame {
            Frame::Scalar { item_of } => {
                let text = std::mem::take(&mut self.text);
                self.string(text.trim());
                self.text = text;
                item_of
            }
            Frame::Object {
                mut wrote,
                pending,
                item_of,
                ..
            } => {
                for (key, items) in pending {
                    self.key(&mut wrote, key);
                    self.json.push(b'[');
                    self.json.extend_from_slice(&items);
                    self.json.push(b']');
                }
                self.json.push(b'}');
                item_of
            }
            Frame::Array { .. } => {
                self.json.push(b']');
                None
            }
            Frame::Unknown(mut element) => {
                let text = std::mem::take(&mut self.text);
                element.text = text.trim().to_owned();
                self.text = text;
                self.text.clear();
                match open.last_mut() {
                    Some(Frame::Unknown(parent)) => parent.children.push(element),
                    _ => self.untyped(&element),
                }
                None
            }
            Frame::Skip => None,
        };
        if let Some(Item { key, at }) = item_of {
            let Some(Frame::Object { pending, .. }) = open.last_mut() else {
                return Err("an array item outside its parent".into());
            };
            let bytes = self.json.split_off(at);
            match pending.iter_mut().find(|(k, _)| *k == key) {
                Some((_, items)) => {
                    items.push(b',');
                    items.extend_from_slice(&bytes);
                }
                None => pending.push((key, bytes)),
            }
        }
        Ok(())
    }

    fn untyped(&mut self, element: &Untyped) {
        if element.children.is_empty() {
            return self.string(&element.text);
        }
        self.json.push(b'{');
        let mut wrote = false;
        for child in &element.children {
            self.key(&mut wrote, &child.name);
            self.untyped(child);
        }
        self.json.push(b'}');
    }
}

/// [`to_json`], read back as a JSON value.
#[cfg(test)]
pub(crate) fn decode(shape: &Shape, also_roots: &[&str], body: &[u8]) -> Result<Value, String> {
    let json = to_json(shape, also_roots, body)?;
    serde_json::from_slice(&json).map_err(|e| e.to_string())
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
    fn items_apart_unknown_subtrees_and_markup_inside_values() {
        // Items of an unwrapped array may stand apart; they still make one array.
        let apart = decode(
            "<verification_requests><verify_request><request_id>x</request_id></verify_request><status>0</status><verify_request><request_id>y</request_id></verify_request></verification_requests>",
        )
        .unwrap();
        assert_eq!(
            apart,
            json!({"status": "0", "verification_requests": [{"request_id": "x"}, {"request_id": "y"}]})
        );
        // An element the table does not know keeps its children; a value keeps only its own
        // text; a non-item in a wrapped array is dropped.
        let odd = decode(
            "<verify_request><extra><a>1</a><b><c> 2 </c></b></extra><request_id>r<i>ignored</i>s</request_id><checks><note>x</note><check><code>1</code></check></checks></verify_request>",
        )
        .unwrap();
        assert_eq!(
            odd,
            json!({"extra": {"a": "1", "b": {"c": "2"}}, "request_id": "rs", "checks": [{"code": "1"}]})
        );
        assert_eq!(decode("<verify_request />").unwrap(), json!({}));
        assert_eq!(
            decode("<verify_request><extra>\"q\"\\</extra></verify_request>").unwrap(),
            json!({"extra": "\"q\"\\"}),
            "text is escaped as JSON"
        );
    }

    #[test]
    fn a_known_element_twice_is_refused_by_the_typed_decode() {
        let json = super::to_json(
            &SEARCH,
            &[],
            b"<verify_request><request_id>a</request_id><request_id>b</request_id></verify_request>",
        )
        .unwrap();
        #[derive(Debug, serde::Deserialize)]
        #[allow(dead_code)]
        struct Typed {
            request_id: String,
        }
        let err = serde_json::from_slice::<Typed>(&json).unwrap_err();
        assert!(err.to_string().contains("duplicate field"), "{err}");
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
        // A DTD is refused even when nothing uses what it declares.
        let unused = "<!DOCTYPE verify_request [<!ENTITY e \"boom\">]>\
                      <verify_request><request_id>abc</request_id></verify_request>";
        assert!(decode(unused).unwrap_err().contains("DOCTYPE"));
        let deep = format!(
            "<verify_request>{}{}</verify_request>",
            "<a>".repeat(100),
            "</a>".repeat(100)
        );
        assert!(decode(&deep).unwrap_err().contains("deeper"));
        assert!(super::decode(&SEARCH, &[], &[0xff, 0xfe]).is_err());
    }
}
