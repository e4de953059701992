//! The handle [`Client::v1`](crate::Client::v1) returns.

use progenitor_client::ResponseValue;

use super::raw;
use crate::error::Error;

/// Verify v1, reached through [`Client::v1`](crate::Client::v1).
#[derive(Debug, Clone)]
pub struct Api {
    raw: raw::Client,
}

impl Api {
    pub(crate) fn new(raw: raw::Client) -> Self {
        Self { raw }
    }

    /// The client generated from the spec, sharing this client's base URL, HTTP client and
    /// credentials. Its methods follow the spec exactly and report progenitor's error type.
    pub fn raw(&self) -> &raw::Client {
        &self.raw
    }

    /// Runs a generated call and reports its failure as the crate's [`Error`], completed with
    /// the operation, status and trace id the transport saw.
    #[cfg_attr(not(test), allow(dead_code))] // The typed operations are built on this.
    pub(crate) async fn call<T, E>(
        &self,
        operation: &'static str,
        send: impl AsyncFnOnce(&raw::Client) -> Result<ResponseValue<T>, progenitor_client::Error<E>>,
    ) -> Result<ResponseValue<T>, Error> {
        crate::call::call(operation, &self.raw, raw::Client::new_with_client, send).await
    }
}
