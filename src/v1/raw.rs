//! The Verify v1 client generated from `specs/verify-v1.yml` at build time.
//!
//! Everything here follows the spec and may change when the spec does, with no promise of
//! stability between versions of this crate; the typed API in [`crate::v1`] is built on it.
//! Reach it through [`Api::raw`](crate::v1::Api::raw), which shares the
//! [`Client`](crate::Client)'s credentials: no call here takes any.

// Generated code: lints are the generator's business, and its doc text comes from the spec.
#![allow(
    missing_docs,
    clippy::all,
    clippy::pedantic,
    rustdoc::all,
    unused_qualifications
)]

include!(concat!(env!("OUT_DIR"), "/verify_v1.rs"));

/// Every operation of this client, in spec order, as generated.
pub const OPERATIONS: &[crate::spec::Operation] =
    include!(concat!(env!("OUT_DIR"), "/verify_v1_operations.rs"));

/// The XML form of each operation's reply, from the spec's `xml` annotations (see
/// [`spec::xml`](crate::spec::xml)).
pub const XML: &[crate::spec::xml::Shape] = include!(concat!(env!("OUT_DIR"), "/verify_v1_xml.rs"));
