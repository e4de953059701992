//! What a call learns from inside the generated code, which reports only its own error type.

use std::future::Future;
use std::pin::Pin;
use std::sync::{Mutex, PoisonError};

use bytes::Bytes;
use reqwest::StatusCode;

use super::body::BodyError;

use crate::error::Error;

/// Filled in by the transport during one call, read by the caller afterwards.
// A `Mutex` although one thread at a time touches it: the call's future holds a reference to
// it across awaits, and that future must be `Send`.
#[derive(Debug, Default)]
pub(crate) struct Probe(Mutex<Observed>);

// The probe of the call being polled on this thread. Set for the length of one poll, so it
// follows a task from thread to thread; and a call gets a probe without copying its raw client
// (a per-call client cost about 1,000 instructions, a tokio task-local more: see
// `benches/overhead.rs`).
//
// Whatever runs inside that poll sees this probe: the generated code and the transport, but
// also a `tracing` subscriber, the `Clock`, or the connector of a caller's `reqwest::Client`.
// Only a request sent and completed within the poll could report to the wrong call, and none
// of those sends one. Calls polled in turn on one thread each see their own
// (`src/tests/calls.rs`).
scoped_tls::scoped_thread_local!(static WATCHING: Probe);

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
    /// Polls `future` to completion with this probe receiving what the transport sees.
    /// The future is pinned by the caller and polled in place, never moved.
    pub(crate) async fn watch<F: Future>(&self, mut future: Pin<&mut F>) -> F::Output {
        std::future::poll_fn(|cx| WATCHING.set(self, || future.as_mut().poll(cx))).await
    }

    /// Whether a call on this thread is being watched; the transport skips the work of
    /// reporting when none is.
    pub(crate) fn watching() -> bool {
        WATCHING.is_set()
    }

    /// Hands `f` the probe of the call being polled on this thread, if there is one.
    pub(crate) fn report(f: impl FnOnce(&Probe)) {
        if WATCHING.is_set() {
            WATCHING.with(f);
        }
    }

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
