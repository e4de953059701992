//! The Verify v1 client generated from `specs/verify-v1.yml` at build time.
//!
//! Everything here follows the spec and may change when the spec does; the typed API in
//! [`crate::v1`] is built on it. Reach it through [`Api::raw`](crate::v1::Api::raw), which shares
//! the [`Client`](crate::Client)'s credentials: no call here takes any.

// Generated code: lints are the generator's business, and its doc text comes from the spec.
// `unused_mut`: with the `api-version` header dropped at generation, operations without
// header parameters build a header map they never add to.
#![allow(
    missing_docs,
    clippy::all,
    clippy::pedantic,
    rustdoc::all,
    unused_qualifications,
    unused_mut
)]

include!(concat!(env!("OUT_DIR"), "/verify_v1.rs"));

/// Every operation of this client, in spec order, as generated.
pub const OPERATIONS: &[crate::spec::Operation] =
    include!(concat!(env!("OUT_DIR"), "/verify_v1_operations.rs"));

/// The XML form of each operation's reply, from the spec's `xml` annotations.
pub(crate) const XML: &[crate::xml::Shape] =
    include!(concat!(env!("OUT_DIR"), "/verify_v1_xml.rs"));

/// Decodes an XML reply of `operation` (a generated method's name, such as `verify_search`)
/// into the type its JSON endpoint returns, as the typed API does for
/// [`Format::Xml`](crate::v1::Format::Xml). This client is generated for the JSON endpoints;
/// use this for a body from an `/xml` endpoint, fetched or stored some other way.
///
/// ```
/// use vonage_verify::v1::raw::{decode_xml, types::VerifyControlResponse};
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
        context: crate::ResponseContext::new(operation).with_body(body),
        reason,
    };
    let shape = crate::xml::shape(XML, operation)
        .ok_or_else(|| decode_error("decode_xml", format!("`{operation}` has no XML reply")))?;
    let json = crate::xml::to_json(shape, crate::v1::api::OBSERVED_XML_ROOTS, body)
        .map_err(|reason| decode_error(shape.operation, reason))?;
    serde_json::from_slice(&json).map_err(|e| decode_error(shape.operation, e.to_string()))
}
