//! The one path every request of the crate takes.
//!
//! Two steps, in this order, for generated and hand-written requests alike:
//! [`Transport::authorize`] attaches the credentials the operation needs (progenitor's `pre`
//! hook), then [`Transport::dispatch`] sends it, retrying where the policy and the operation
//! allow, in one `tracing` span, and bounds the response body (progenitor's `exec` hook).
//! Hand-written requests call both through [`Transport::send`].
//!
//! The transport knows no API by name: each API hands it a [`Service`], its operation table
//! and the credentials it accepts.

mod body;
mod hooks;
mod record;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{ACCEPT, HeaderName, HeaderValue, USER_AGENT};
use tracing::Instrument as _;
use url::Url;

use crate::auth::origin::may_carry_credentials;
use crate::auth::{Accepted, Credentials, Scheme};
use crate::clock::Clock;
use crate::error::{Error, Mask};
use crate::retry::{Attempt, RetryPolicy};
use crate::spec::Operation;

pub(crate) use body::{BodyError, exceeded_limit};
pub(crate) use hooks::send_through_transport;
pub(crate) use record::{ErrorReply, Observed, Record, Sent};

/// The response header Vonage uses to identify a request in its logs.
const TRACE_ID: HeaderName = HeaderName::from_static("x-vonage-trace-id");

/// The header progenitor adds to every request with the spec's `info.version`; Vonage defines
/// no such header, so it is taken off before sending.
const API_VERSION: HeaderName = HeaderName::from_static("api-version");

/// What the generated code accepts, `application/json`, and what it is widened to: Vonage
/// answers errors as RFC 7807 documents, `application/problem+json`.
const JSON: HeaderValue = HeaderValue::from_static("application/json");
const JSON_OR_PROBLEM: HeaderValue =
    HeaderValue::from_static("application/json, application/problem+json");

/// Vonage's id for the request, from a response's headers.
pub(crate) fn trace_id(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get(TRACE_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// What one API tells the transport: its operations, as generated from its spec, and the
/// credentials it accepts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Service {
    pub(crate) operations: &'static [Operation],
    pub(crate) accepted: Accepted,
}

/// Stands in for an operation the table does not list. The tables are generated with the
/// clients, so none should be missing; were one to be, unknown means no credentials and no
/// retries, never the reverse.
const UNLISTED: Operation = Operation {
    id: "",
    method_name: "unlisted_operation",
    http_method: "",
    path: "",
    authenticated: false,
    safe: false,
    security: &[],
};

/// What every request of a client shares: where credentials may go, the credentials, and the
/// limits.
pub(crate) struct Settings {
    pub(crate) base_url: Url,
    pub(crate) credentials: Credentials,
    pub(crate) max_body_bytes: usize,
    /// Set per request only when the caller chose one; the builder's own client has its own.
    pub(crate) timeout: Option<Duration>,
    pub(crate) user_agent: Option<HeaderValue>,
    /// Whether the HTTP client is the builder's, whose redirect policy keeps requests on the
    /// base URL's origin; a caller's client may follow a redirect anywhere.
    pub(crate) own_http_client: bool,
    pub(crate) retry: Option<RetryPolicy>,
    /// Slots for requests in flight, when the caller limits them.
    pub(crate) in_flight: Option<Arc<tokio::sync::Semaphore>>,
    /// Reads `Retry-After` dates; the same clock JWTs are minted by.
    pub(crate) clock: Arc<dyn Clock>,
}

impl fmt::Debug for Settings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Settings")
            .field("base_url", &self.base_url.as_str())
            .field("credentials", &self.credentials)
            .field("max_body_bytes", &self.max_body_bytes)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("own_http_client", &self.own_http_client)
            .field("retry", &self.retry)
            .field(
                "max_in_flight",
                &self.in_flight.as_ref().map(|s| s.available_permits()),
            )
            .finish_non_exhaustive()
    }
}

/// What each generated client carries in place of credentials: the [`Client`](crate::Client)'s
/// settings, shared, and the rules of the API it serves. It is public only because the
/// generated clients' constructors name it; get one from a configured client rather than
/// building it.
///
/// Cheap to clone. Its `Debug` output never shows a secret.
#[derive(Clone)]
pub struct Transport {
    settings: Arc<Settings>,
    service: Service,
    /// Set on the raw client the typed layer makes for one call.
    record: Option<Arc<Record>>,
}

impl Transport {
    pub(crate) fn new(settings: Arc<Settings>, service: Service) -> Self {
        Self {
            settings,
            service,
            record: None,
        }
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.settings
    }

    /// The client's secrets, to hide in the body excerpts its errors keep.
    pub(crate) fn mask(&self) -> Mask {
        self.settings.credentials.mask()
    }

    /// The credential scheme a request of `operation` would carry (the first accepted one its
    /// spec allows and this client holds), if any; form fields aside, which depend on the
    /// request's body.
    pub(crate) fn scheme(&self, operation: &Operation) -> Option<Scheme> {
        let credentials = &self.settings.credentials;
        self.service
            .accepted
            .schemes
            .iter()
            .copied()
            .find(|scheme| {
                *scheme != Scheme::FormFields
                    && scheme.allowed_by(operation.security)
                    && credentials.has(*scheme)
            })
    }

    /// The same settings, for another API's rules (tests try rules no API has).
    #[cfg(test)]
    pub(crate) fn serving(&self, service: Service) -> Self {
        Self::new(Arc::clone(&self.settings), service)
    }

    /// The same transport, reporting what it sees to a new record.
    pub(crate) fn recording(&self) -> (Self, Arc<Record>) {
        let record = Arc::new(Record::default());
        let transport = Self {
            record: Some(Arc::clone(&record)),
            ..self.clone()
        };
        (transport, record)
    }

    /// The operation of this API whose generated method is `method_name` (progenitor reports
    /// this name to the hooks as the operation id).
    pub(crate) fn operation(&self, method_name: &str) -> &'static Operation {
        self.service
            .operations
            .iter()
            .find(|op| op.method_name == method_name)
            .unwrap_or(&UNLISTED)
    }

    /// Waits for a slot when the client limits the requests in flight. The slot is held
    /// until the returned permit is dropped, which callers do once the body is read, since
    /// the connection stays busy until then.
    pub(crate) async fn slot(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        let slots = self.settings.in_flight.as_ref()?;
        // The semaphore is never closed, so acquiring fails never.
        Arc::clone(slots).acquire_owned().await.ok()
    }

    /// Attaches the credentials `operation` needs, if it needs any and the request goes to the
    /// configured base URL's origin over TLS (or loopback).
    pub(crate) fn authorize(
        &self,
        operation: &Operation,
        request: &mut reqwest::Request,
    ) -> Result<(), Error> {
        let name = operation.method_name;
        if !operation.authenticated {
            tracing::trace!(operation = name, "operation declares no security");
            return Ok(());
        }
        if !may_carry_credentials(request.url(), &self.settings.base_url) {
            tracing::debug!(
                operation = name,
                "request leaves the base URL's origin; credentials withheld"
            );
            return Ok(());
        }
        let settings = &self.settings;
        settings.credentials.attach(
            &self.service.accepted,
            operation.security,
            name,
            request,
            settings.own_http_client,
        )
    }

    /// Sends a hand-written request: both steps of the path, with the crate's error type.
    pub(crate) async fn send(
        &self,
        http: &reqwest::Client,
        operation: &Operation,
        mut request: reqwest::Request,
    ) -> Result<reqwest::Response, Error> {
        self.authorize(operation, &mut request)?;
        let host = Sent::of(&request).host;
        self.dispatch(http, operation, request)
            .await
            .map_err(|source| Error::Transport {
                operation: operation.method_name,
                host,
                source,
            })
    }

    /// Sends the request in one `tracing` span, again where the retry policy and the
    /// operation allow, and hands back a response whose body cannot be read past the limit.
    /// With a record, an error reply's body is read here, kept there, and the response handed
    /// back empty.
    pub(crate) async fn dispatch(
        &self,
        http: &reqwest::Client,
        operation: &Operation,
        mut request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        if let Some(user_agent) = &self.settings.user_agent
            && !request.headers().contains_key(USER_AGENT)
        {
            request.headers_mut().insert(USER_AGENT, user_agent.clone());
        }
        if self.settings.timeout.is_some() && request.timeout().is_none() {
            *request.timeout_mut() = self.settings.timeout;
        }
        // The path only: a query may hold caller data, and none of it is needed to debug.
        let span = tracing::debug_span!(
            "vonage_verify.request",
            operation = operation.method_name,
            method = %request.method(),
            path = request.url().path(),
            status = tracing::field::Empty,
            trace_id = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        if let Some(record) = &self.record {
            record.sent(Sent::of(&request));
        }
        let started = Instant::now();
        let result = self
            .execute(http, operation, request)
            .instrument(span.clone())
            .await;
        span.record("duration_ms", started.elapsed().as_millis());
        let response = match result {
            Ok(response) => response,
            Err(error) => {
                let error = error.without_url();
                span.in_scope(|| tracing::debug!(%error, "no response"));
                return Err(error);
            }
        };
        let status = response.status();
        let trace_id = trace_id(response.headers());
        span.record("status", status.as_u16());
        if let Some(trace_id) = &trace_id {
            span.record("trace_id", trace_id.as_str());
        }
        span.in_scope(|| tracing::debug!("response received"));
        let limit = self.settings.max_body_bytes;
        let Some(record) = &self.record else {
            return Ok(body::bounded(response, limit));
        };
        record.responded(status, trace_id);
        if status.is_success() {
            return Ok(body::bounded(response, limit));
        }
        let headers = response.headers().clone();
        let (emptied, body) = body::take(response, limit).instrument(span).await;
        record.error_reply(ErrorReply { headers, body });
        Ok(emptied)
    }

    /// Sends `request`, and sends it again while the retry policy says it is safe to.
    async fn execute(
        &self,
        http: &reqwest::Client,
        operation: &Operation,
        request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        let Some(policy) = &self.settings.retry else {
            return http.execute(request).await;
        };
        let mut retry = 0;
        loop {
            // A streamed body cannot be copied, so such a request is sent once. The crate
            // sends none; a caller's hook could.
            let Some(copy) = request.try_clone() else {
                return http.execute(request).await;
            };
            let result = http.execute(copy).await;
            let now = self.settings.clock.now();
            let Some(wait) = policy.decide(operation.safe, retry, Attempt::of(&result), now) else {
                return result;
            };
            retry += 1;
            // Not the error's text: it holds the URL, and a v1 query may hold credentials.
            match &result {
                Ok(response) => {
                    tracing::debug!(status = %response.status(), retry, ?wait, "retrying");
                }
                Err(error) => tracing::debug!(
                    connect = error.is_connect(),
                    timeout = error.is_timeout(),
                    retry,
                    ?wait,
                    "retrying"
                ),
            }
            drop(result);
            tokio::time::sleep(wait).await;
        }
    }

    /// progenitor's `pre` hook: the operation's credentials, no `api-version` header, and an
    /// `Accept` that takes problem documents too. A refusal goes to the record, typed, and to
    /// progenitor as its message.
    pub(crate) fn prepare(
        &self,
        request: &mut reqwest::Request,
        method_name: &str,
    ) -> Result<(), String> {
        let headers = request.headers_mut();
        headers.remove(API_VERSION);
        if headers.get(ACCEPT) == Some(&JSON) {
            headers.insert(ACCEPT, JSON_OR_PROBLEM);
        }
        self.authorize(self.operation(method_name), request)
            .map_err(|error| {
                let message = error.to_string();
                if let Some(record) = &self.record {
                    record.refused(error);
                }
                message
            })
    }

    /// progenitor's `exec` hook.
    pub(crate) async fn exec(
        &self,
        http: &reqwest::Client,
        method_name: &str,
        request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        self.dispatch(http, self.operation(method_name), request)
            .await
    }
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}
