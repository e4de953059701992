//! What one call of a generated client learns on the way, beyond what progenitor's error type
//! can carry: kept by the [`Transport`](super::Transport) of a raw client made for that call,
//! and read by the caller once the call has ended.

use std::sync::{Mutex, PoisonError};

use bytes::Bytes;
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use super::body::BodyError;
use crate::error::Error;

/// Filled in by the transport during one call.
// A `Mutex` although only one call touches it: the hooks see it through `&self`, and the
// call's future must stay `Send`.
#[derive(Debug, Default)]
pub(crate) struct Record(Mutex<Observed>);

/// What the transport saw during one call.
#[derive(Debug, Default)]
pub(crate) struct Observed {
    pub(crate) status: Option<StatusCode>,
    pub(crate) trace_id: Option<String>,
    /// The typed reason the request was refused before sending; progenitor carries a string.
    pub(crate) refusal: Option<Error>,
    /// An error reply, taken whole (within the body limit) before the generated code could
    /// decode it: the typed layer parses it once, from these bytes.
    pub(crate) error_reply: Option<ErrorReply>,
}

/// The headers and raw body of an error reply.
#[derive(Debug)]
pub(crate) struct ErrorReply {
    pub(crate) headers: HeaderMap,
    pub(crate) body: Result<Bytes, BodyError>,
}

impl Record {
    fn with<R>(&self, f: impl FnOnce(&mut Observed) -> R) -> R {
        f(&mut self.0.lock().unwrap_or_else(PoisonError::into_inner))
    }

    pub(crate) fn responded(&self, status: StatusCode, trace_id: Option<String>) {
        self.with(|o| {
            o.status = Some(status);
            o.trace_id = trace_id;
        });
    }

    pub(crate) fn error_reply(&self, reply: ErrorReply) {
        self.with(|o| o.error_reply = Some(reply));
    }

    pub(crate) fn refused(&self, error: Error) {
        self.with(|o| o.refusal = Some(error));
    }

    pub(crate) fn take(&self) -> Observed {
        self.with(std::mem::take)
    }
}
