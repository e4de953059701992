//! What one call of a generated client learns on the way, beyond what progenitor's error type
//! can carry: kept by the [`Transport`](super::Transport) of a raw client made for that call,
//! and read by the caller once the call has ended.

use std::sync::{Mutex, PoisonError};

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::{Method, StatusCode};

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
    /// Where the request went, once it was handed to the HTTP client.
    pub(crate) sent: Option<Sent>,
    pub(crate) status: Option<StatusCode>,
    pub(crate) trace_id: Option<String>,
    /// The typed reason the request was refused before sending; progenitor carries a string.
    pub(crate) refusal: Option<Error>,
    /// An error reply, taken whole (within the body limit) before the generated code could
    /// decode it: the typed layer parses it once, from these bytes.
    pub(crate) error_reply: Option<ErrorReply>,
}

/// Where a request went: what an error names so that its reader knows which call failed and
/// which server did not answer. The path only: a query may hold caller data.
#[derive(Debug, Clone)]
pub(crate) struct Sent {
    pub(crate) method: Method,
    pub(crate) path: String,
    /// The host, with the port when the URL names one.
    pub(crate) host: String,
}

impl Sent {
    pub(crate) fn of(request: &reqwest::Request) -> Self {
        let url = request.url();
        let host = url.host_str().unwrap_or_default();
        Self {
            method: request.method().clone(),
            path: url.path().to_owned(),
            host: match url.port() {
                Some(port) => format!("{host}:{port}"),
                None => host.to_owned(),
            },
        }
    }
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

    pub(crate) fn sent(&self, sent: Sent) {
        self.with(|o| o.sent = Some(sent));
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
