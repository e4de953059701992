//! The crate's integration tests, in one binary so tokio, reqwest and httpmock link once.
//! Every test talks only to a server it starts on 127.0.0.1.

mod auth;
mod config;
mod faults;
#[cfg(feature = "mock")]
mod load;
mod mock;
#[cfg(feature = "mock")]
mod mock_v1;
#[cfg(feature = "mock")]
mod mock_webhooks;
#[cfg(feature = "mock")]
mod quickstart;
mod raw_server;
mod retry;
mod support;
mod v1;
mod v1_raw;
mod v2;
mod v2_raw;
mod webhook;
