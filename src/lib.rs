#![doc = include_str!("../README.md")]
#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod http;
pub mod spec;
mod transport;
pub mod v1;
pub mod v2;

pub use http::http_client;
pub use transport::Transport;

/// The HTTP client the generated clients are built on, re-exported so its version always matches.
pub use reqwest;
