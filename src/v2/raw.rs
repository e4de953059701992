//! The Verify v2 client generated at build time from `specs/verify-v2.yml` with its overlays.
//!
//! Everything here follows the spec and may change when the spec does, with no promise of
//! stability between versions of this crate; the typed API in [`crate::v2`] is built on it.
//! Reach it through [`Api::raw`](crate::v2::Api::raw), which shares the
//! [`Client`](crate::Client)'s credentials: no call here takes any.

// Generated code: lints are the generator's business, and its doc text comes from the spec.
#![allow(
    missing_docs,
    clippy::all,
    clippy::pedantic,
    rustdoc::all,
    unused_qualifications
)]

include!(concat!(env!("OUT_DIR"), "/verify_v2.rs"));

/// Every operation of this client, in spec order, as generated.
pub const OPERATIONS: &[crate::spec::Operation] =
    include!(concat!(env!("OUT_DIR"), "/verify_v2_operations.rs"));
