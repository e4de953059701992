//! The crate's integration tests, in one binary so tokio, reqwest and httpmock link once.
//! Every test talks only to a server it starts on 127.0.0.1: one-route mocks (httpmock), the
//! stateful mock (the `vonage-verify-mock` crate), or servers of their own.

mod auth;
mod config;
mod faults;
mod load;
mod raw_server;
mod retry;
mod support;
mod v1;
mod v1_raw;
mod v2;
mod v2_raw;
mod webhook;
