//! A typed client for the [Vonage Verify API](https://developer.vonage.com/en/verify/overview):
//! two-factor codes by SMS, voice, WhatsApp, email, RCS and silent authentication, through
//! Verify v2 ([`v2`]) and the legacy v1 ([`v1`]).
//!
//! One [`Client`] serves both APIs: build it once ([`Client::from_env`] or
//! [`Client::builder`]) and share it. It adds every credential itself (the API key and
//! secret, application JWTs it mints and renews, or a bearer token), sends again only the
//! requests it is safe to send again ([`RetryPolicy`]), and reports every failure as one
//! [`Error`]: values the spec forbids before sending, a server that does not answer with its
//! host and cause, and answers with the request, status and Vonage's trace id.
//!
//! ```no_run
//! use vonage_verify::Client;
//! use vonage_verify::v2::{StartRequest, Step};
//!
//! # async fn run() -> Result<(), vonage_verify::Error> {
//! let client = Client::from_env()?;
//! let started = client
//!     .v2()
//!     .start(&StartRequest::new("ACME").step(Step::sms("447700900000")))
//!     .await?;
//! // Later, with the code the user typed:
//! client.v2().check_code(&started.request_id, "1234").await?;
//! # Ok(())
//! # }
//! ```
//!
//! - [`v2`]: workflows of steps, checks, cancels, silent authentication, templates.
//! - [`v1`]: request, check, search, control, PSD2 and network unblock, in JSON or XML.
//! - [`webhook`]: verifying Vonage's signed callbacks and decoding them.
//! - [`v1::raw`], [`v2::raw`]: the clients generated from the specs, with no stability promise.
//!
//! Features: `axum` makes [`webhook::Verified`] an axum extractor; `testing` adds
//! `webhook::testing::Signer` for signing test callbacks. For contract tests, the companion
//! crate `vonage-verify-mock` is a stateful mock of both APIs, as a library and as a server
//! for tests in any language.

#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

// The README's examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

mod auth;
mod call;
mod client;
mod clock;
mod error;
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod problem;
mod redirect;
mod retry;
pub mod spec;
mod transport;
mod unblock;
pub mod v1;
pub mod v2;
mod validate;
pub mod webhook;

#[cfg(test)]
mod tests;

pub use auth::credentials::{ApiKey, BearerToken, PrivateKey, SignatureSecret, V2Auth};
pub use auth::jwt::JwtOptions;
pub use client::{
    Client, ClientBuilder, DEFAULT_BASE_URL, DEFAULT_MAX_RESPONSE_BYTES, EU_BASE_URL,
};
pub use clock::{Clock, SystemClock};
pub use error::{ConfigError, Error, ResponseContext};
pub use problem::{InvalidParameter, Problem, ProblemKind};
pub use retry::RetryPolicy;
pub use transport::Transport;

/// The HTTP client the generated clients are built on, re-exported so its version always matches.
pub use reqwest;
/// The secret wrappers some methods return (such as [`Client::application_jwt`]).
pub use secrecy;
