//! The one path every request of the crate takes.
//!
//! Two steps, in this order, for generated and hand-written requests alike:
//! [`Transport::authorize`] decides which credentials the request may carry and attaches them
//! (progenitor's `pre` hook), then [`Transport::dispatch`] sends it, records the request's
//! `tracing` span and bounds the response body (progenitor's `exec` hook). Hand-written requests
//! call both through [`Transport::send`].

mod auth;
pub(crate) mod body;
mod decode;
mod hooks;
mod path;
mod probe;

use std::fmt;
use std::sync::Arc;
use std::time::{Duration, Instant};

use reqwest::header::{HeaderValue, USER_AGENT};
use tracing::Instrument as _;
use url::Url;

use crate::clock::Clock;
use crate::credentials::{ApiKey, BearerToken, V2Auth};
use crate::error::Error;
use crate::jwt::TokenSource;
use crate::retry::{Attempt, RetryPolicy};
use crate::spec::Operation;

pub(crate) use auth::{authorization_value, is_loopback};
pub(crate) use decode::decode_json;
pub(crate) use path::PathSegment;
pub(crate) use probe::{Observed, Probe};

/// The response header Vonage uses to identify a request in its logs.
// A `HeaderName`, not a `&str`: looking a header up by string parses the name every time.
const TRACE_ID: reqwest::header::HeaderName =
    reqwest::header::HeaderName::from_static("x-vonage-trace-id");

/// Vonage's id for the request, from a response's headers.
pub(crate) fn trace_id(headers: &reqwest::header::HeaderMap) -> Option<String> {
    headers
        .get(TRACE_ID)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
}

/// Which API a request belongs to: the two accept different credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Api {
    V1,
    V2,
}

impl Api {
    fn operations(self) -> &'static [Operation] {
        match self {
            Api::V1 => crate::v1::raw::OPERATIONS,
            Api::V2 => crate::v2::raw::OPERATIONS,
        }
    }
}

/// What every request shares: where credentials may go, the credentials, and the limits.
pub(crate) struct Settings {
    pub(crate) base_url: Url,
    pub(crate) api_key: Option<ApiKey>,
    pub(crate) application: Option<TokenSource>,
    pub(crate) bearer: Option<BearerToken>,
    pub(crate) v2_auth: V2Auth,
    pub(crate) max_body_bytes: usize,
    /// Set per request only when the caller chose one; the builder's own client has its own.
    pub(crate) timeout: Option<Duration>,
    pub(crate) user_agent: Option<HeaderValue>,
    /// Whether the HTTP client is the builder's, whose redirect policy keeps requests on the
    /// base URL's origin; a caller's client may follow a redirect anywhere.
    pub(crate) own_http_client: bool,
    /// The `Authorization` values for the API key (Basic) and the caller's bearer token,
    /// made once here rather than on every request; `None` for a credential that cannot be
    /// a header value.
    pub(crate) basic_header: Option<HeaderValue>,
    pub(crate) bearer_header: Option<HeaderValue>,
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
            .field("api_key", &self.api_key)
            .field("application", &self.application)
            .field("bearer", &self.bearer)
            .field("v2_auth", &self.v2_auth)
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
/// settings, shared. It is public only because the generated clients' constructors name it; get
/// one from a configured client rather than building it.
///
/// Cheap to clone. Its `Debug` output never shows a secret.
#[derive(Clone)]
pub struct Transport {
    settings: Arc<Settings>,
}

impl Transport {
    pub(crate) fn new(settings: Arc<Settings>) -> Self {
        Self { settings }
    }

    pub(crate) fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Waits for a slot when the client limits the requests in flight. The slot is held
    /// until the returned permit is dropped, which callers do once the body is read, since
    /// the connection stays busy until then.
    pub(crate) async fn slot(&self) -> Option<tokio::sync::OwnedSemaphorePermit> {
        let slots = self.settings.in_flight.as_ref()?;
        // The semaphore is never closed, so acquiring fails never.
        Arc::clone(slots).acquire_owned().await.ok()
    }

    /// Sends a hand-written request: both steps of the path, with the crate's error type.
    pub(crate) async fn send(
        &self,
        http: &reqwest::Client,
        api: Api,
        operation: &'static str,
        mut request: reqwest::Request,
    ) -> Result<reqwest::Response, Error> {
        self.authorize(api, operation, &mut request)?;
        self.dispatch(http, operation, request)
            .await
            .map_err(|source| Error::Transport { operation, source })
    }

    /// Sends the request in one `tracing` span and hands back a response whose body cannot be
    /// read past the configured limit.
    pub(crate) async fn dispatch(
        &self,
        http: &reqwest::Client,
        operation: &'static str,
        mut request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        if let Some(user_agent) = &self.settings.user_agent
            && !request.headers().contains_key(USER_AGENT)
        {
            request.headers_mut().insert(USER_AGENT, user_agent.clone());
        }
        // `timeout_mut` allocates the request's extension map even to store `None`.
        if self.settings.timeout.is_some() && request.timeout().is_none() {
            *request.timeout_mut() = self.settings.timeout;
        }
        // The path only: a query may hold caller data, and none of it is needed to debug.
        let span = tracing::debug_span!(
            "vonage_verify.request",
            operation,
            method = %request.method(),
            path = request.url().path(),
            status = tracing::field::Empty,
            trace_id = tracing::field::Empty,
            duration_ms = tracing::field::Empty,
        );
        // When no subscriber wants the span, entering it and recording into it do nothing
        // useful but still cost (with `tracing`'s `log` feature, a log-level check each time),
        // so the request skips them.
        let traced = !span.is_disabled();
        let started = Instant::now();
        // Without a retry policy the request goes straight to reqwest: one future fewer to
        // move it through.
        let result = match (&self.settings.retry, traced) {
            (None, false) => http.execute(request).await,
            (None, true) => http.execute(request).instrument(span.clone()).await,
            (Some(policy), false) => self.execute(http, policy, operation, request).await,
            (Some(policy), true) => {
                self.execute(http, policy, operation, request)
                    .instrument(span.clone())
                    .await
            }
        };
        let _entered = traced.then(|| span.enter());
        if traced {
            span.record("duration_ms", started.elapsed().as_millis());
        }
        match result {
            Ok(response) => {
                let trace_id = trace_id(response.headers());
                if traced {
                    span.record("status", response.status().as_u16());
                    if let Some(trace_id) = &trace_id {
                        span.record("trace_id", trace_id.as_str());
                    }
                }
                tracing::debug!("response received");
                let limit = self.settings.max_body_bytes;
                if !Probe::watching() {
                    return Ok(body::bounded(response, limit));
                }
                let status = response.status();
                Probe::report(|probe| probe.responded(status, trace_id));
                if status.is_success() {
                    return Ok(body::bounded(response, limit));
                }
                // Error bodies are small; keeping the raw bytes lets the error quote them
                // exactly, not as progenitor's decoded form.
                let (response, body) = body::buffered(response, limit).await;
                Probe::report(|probe| probe.error_body(body));
                Ok(response)
            }
            Err(error) => {
                let error = error.without_url();
                tracing::debug!(%error, "no response");
                Err(error)
            }
        }
    }
}

impl Transport {
    /// Sends `request`, and sends it again while `policy` says it is safe to.
    async fn execute(
        &self,
        http: &reqwest::Client,
        policy: &RetryPolicy,
        operation: &str,
        request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        let read = crate::retry::is_read(operation, request.method());
        let mut retry = 0;
        loop {
            // A streamed body cannot be copied, so such a request is sent once. The crate
            // sends none; a caller's hook could.
            let Some(copy) = request.try_clone() else {
                return http.execute(request).await;
            };
            let result = http.execute(copy).await;
            let now = self.settings.clock.now();
            let Some(wait) = policy.decide(read, retry, Attempt::of(&result), now) else {
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
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Transport")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}
