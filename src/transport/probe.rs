//! What a call learns from inside the generated code, which reports only its own error type.
//!
//! The record is task-local rather than carried by the transport: a call then runs the raw
//! client it already has, instead of building a copy that reports to a record of its own.

use std::cell::RefCell;

use bytes::Bytes;
use reqwest::StatusCode;

use super::body::BodyError;

use crate::error::Error;

tokio::task_local! {
    /// Filled in by the transport while a [`observing`] future runs, read when it ends.
    static OBSERVED: RefCell<Observed>;
}

/// What the transport saw during one call.
#[derive(Debug, Default)]
pub(crate) struct Observed {
    pub(crate) status: Option<StatusCode>,
    pub(crate) trace_id: Option<String>,
    /// The typed reason `authorize` refused the request; progenitor only carries a string.
    pub(crate) refusal: Option<Error>,
    /// The raw body of an error response, read before progenitor decodes (and reshapes) it.
    pub(crate) error_body: Option<Result<Bytes, BodyError>>,
}

/// Runs `call`, recording what the transport sees of the requests it sends.
pub(crate) async fn observing<F: Future>(call: F) -> (F::Output, Observed) {
    let mut scoped = std::pin::pin!(OBSERVED.scope(RefCell::default(), call));
    let output = scoped.as_mut().await;
    let observed = scoped.take_value().unwrap_or_default().into_inner();
    (output, observed)
}

/// Whether a caller is recording (outside [`observing`], the generated clients are used
/// directly and report through progenitor's errors alone).
pub(crate) fn active() -> bool {
    OBSERVED.try_with(|_| ()).is_ok()
}

fn record(f: impl FnOnce(&mut Observed)) {
    // The borrow lasts for `f` only, which never awaits, so it cannot meet another.
    let _ = OBSERVED.try_with(|observed| f(&mut observed.borrow_mut()));
}

pub(crate) fn responded(status: StatusCode, trace_id: Option<String>) {
    record(|o| {
        o.status = Some(status);
        o.trace_id = trace_id;
    });
}

pub(crate) fn error_body(body: Result<Bytes, BodyError>) {
    record(|o| o.error_body = Some(body));
}

pub(crate) fn refused(error: Error) {
    record(|o| o.refusal = Some(error));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn records_only_inside_its_own_call() {
        refused(Error::Config(crate::error::ConfigError::Invalid {
            setting: "outside",
            reason: "no one is listening",
        }));
        assert!(!active());
        let ((), observed) = observing(async {
            assert!(active());
            responded(StatusCode::BAD_GATEWAY, Some("trace".into()));
            // A call running inside this one keeps its own record.
            let ((), inner) = observing(async { responded(StatusCode::OK, None) }).await;
            assert_eq!(inner.status, Some(StatusCode::OK));
        })
        .await;
        assert_eq!(observed.status, Some(StatusCode::BAD_GATEWAY));
        assert_eq!(observed.trace_id.as_deref(), Some("trace"));
        assert!(observed.refusal.is_none());
    }
}
