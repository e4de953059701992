#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

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
