//! The mock's tests, in one binary so tokio and reqwest link once. Every test talks only to
//! servers it starts on 127.0.0.1.

mod binary;
mod control;
mod faults;
mod quickstart;
mod support;
mod v1;
mod v2;
mod webhooks;
