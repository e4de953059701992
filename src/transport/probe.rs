//! What a call learns from inside the generated code, which reports only its own error type.

use std::sync::{Mutex, PoisonError};

use bytes::Bytes;
use reqwest::StatusCode;

use super::body::BodyError;

use crate::error::Error;

/// Filled in by the transport during one call, read by the caller afterwards.
#[derive(Debug, Default)]
pub(crate) struct Probe(Mutex<Observed>);

/// What the transport saw during one call.
#[derive(Debug, Default)]
pub(crate) struct Observed {
    pub(crate) operation: Option<&'static str>,
    pub(crate) status: Option<StatusCode>,
    pub(crate) trace_id: Option<String>,
    /// The typed reason `authorize` refused the request; progenitor only carries a string.
    pub(crate) refusal: Option<Error>,
    /// The raw body of an error response, read before progenitor decodes (and reshapes) it.
    pub(crate) error_body: Option<Result<Bytes, BodyError>>,
}

impl Probe {
    fn with<R>(&self, f: impl FnOnce(&mut Observed) -> R) -> R {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    pub(crate) fn called(&self, operation: &'static str) {
        self.with(|o| o.operation = Some(operation));
    }

    pub(crate) fn responded(&self, status: StatusCode, trace_id: Option<String>) {
        self.with(|o| {
            o.status = Some(status);
            o.trace_id = trace_id;
        });
    }

    pub(crate) fn error_body(&self, body: Result<Bytes, BodyError>) {
        self.with(|o| o.error_body = Some(body));
    }

    pub(crate) fn refused(&self, error: Error) {
        self.with(|o| o.refusal = Some(error));
    }

    pub(crate) fn take(&self) -> Observed {
        self.with(std::mem::take)
    }
}
