//! Completing silent authentication: following a `check_url`'s redirect chain by hand.

use std::collections::HashSet;
use std::fmt;

use reqwest::header::LOCATION;
use serde::Deserialize;
use url::Url;

use crate::error::Error;
use crate::spec::Operation;
use crate::transport::Transport;

/// How many redirects a chain may have; the API gives no number, browsers use 20, the crate's
/// own HTTP client 10.
pub(crate) const MAX_HOPS: usize = 10;

/// The chain's name in errors and traces.
pub(crate) const OPERATION: &str = "silent_auth_redirect";

/// Each hop of the chain, as the transport sees it: a request to the carrier, never with
/// credentials, and never sent twice (a carrier may honour a check once).
const HOP: Operation = Operation {
    id: "silentAuthRedirect",
    method_name: OPERATION,
    http_method: "GET",
    path: "",
    authenticated: false,
    safe: false,
    security: &[],
};

/// A completed silent authentication: the code to submit with
/// [`Api::check_code`](super::Api::check_code) (one attempt).
#[derive(Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SilentAuthCode {
    /// The verification.
    pub request_id: String,
    /// The code the network issued.
    pub code: String,
}

impl fmt::Debug for SilentAuthCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SilentAuthCode")
            .field("request_id", &self.request_id)
            .field("code", &"[redacted]")
            .finish()
    }
}

/// Why a silent authentication did not complete.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SilentAuthFailure {
    /// The chain ended in a fragment carrying an error (for example "Device MSISDN does not
    /// match.").
    #[error("the network refused: {description}")]
    Refused {
        /// The `error` parameter, if any.
        error: Option<String>,
        /// The `error_description` parameter.
        description: String,
    },
    /// More redirects than the client follows.
    #[error("more than {MAX_HOPS} redirects")]
    TooManyRedirects,
    /// A redirect led back to a URL already visited.
    #[error("the redirects loop back to {url}")]
    Loop {
        /// The repeated URL, without its query.
        url: String,
    },
    /// A redirect without a usable `Location`, or an end the client cannot read.
    #[error("the chain ended unexpectedly: {reason}")]
    Unexpected {
        /// What was found.
        reason: String,
    },
    /// The whole chain took longer than the client's timeout.
    #[error("the redirects took longer than {}s in all", after.as_secs())]
    TimedOut {
        /// The deadline the chain had.
        after: std::time::Duration,
    },
}

#[derive(Deserialize)]
struct Carrier {
    request_id: Option<String>,
    code: Option<String>,
}

/// Follows `check_url` hop by hop with `http` (which must not follow redirects itself), until
/// a URL carries a fragment, matches `redirect_url`, or a hop answers 200 with the code; all
/// of it within `deadline`.
pub(crate) async fn complete(
    transport: &Transport,
    http: &reqwest::Client,
    check_url: &str,
    redirect_url: Option<&str>,
    deadline: std::time::Duration,
) -> Result<SilentAuthCode, Error> {
    // Each hop has a timeout of its own; without one for the whole, a chain of slow hops
    // could hold the caller for as many timeouts as it has hops.
    tokio::time::timeout(deadline, follow(transport, http, check_url, redirect_url))
        .await
        .unwrap_or(Err(failure(SilentAuthFailure::TimedOut {
            after: deadline,
        })))
}

async fn follow(
    transport: &Transport,
    http: &reqwest::Client,
    check_url: &str,
    redirect_url: Option<&str>,
) -> Result<SilentAuthCode, Error> {
    let invalid = |reason: &str| Error::Validation {
        operation: OPERATION,
        field: "check_url",
        reason: reason.to_owned(),
    };
    let mut url = Url::parse(check_url).map_err(|_| invalid("is not an absolute URL"))?;
    if !matches!(url.scheme(), "https" | "http") {
        return Err(invalid("is not an http(s) URL"));
    }
    let redirect_url = redirect_url
        .map(|u| {
            Url::parse(u).map_err(|_| Error::Validation {
                operation: OPERATION,
                field: "redirect_url",
                reason: "is not an absolute URL".into(),
            })
        })
        .transpose()?;
    let mut visited = HashSet::new();
    for _ in 0..=MAX_HOPS {
        if url.fragment().is_some() || redirect_url.as_ref().is_some_and(|r| same_page(r, &url)) {
            return from_fragment(&url);
        }
        if !visited.insert(without_fragment(&url)) {
            return Err(failure(SilentAuthFailure::Loop {
                url: without_query(&url),
            }));
        }
        // Each hop is a request like any other, held to the client's limit until it is read.
        let _slot = transport.slot().await;
        let request = http
            .get(url.clone())
            .build()
            .map_err(|e| invalid(&e.without_url().to_string()))?;
        let response = transport.send(http, &HOP, request).await?;
        let status = response.status();
        if status.is_redirection() {
            let location = response
                .headers()
                .get(LOCATION)
                .and_then(|v| v.to_str().ok())
                .and_then(|l| url.join(l).ok())
                .ok_or_else(|| {
                    failure(SilentAuthFailure::Unexpected {
                        reason: format!("HTTP {status} without a usable Location"),
                    })
                })?;
            url = location;
            continue;
        }
        let reply = crate::call::read_reply(transport, &HOP, response).await?;
        let carrier: Carrier =
            serde_json::from_slice(&reply.body).map_err(|e| reply.decode_error(e))?;
        return match (carrier.request_id, carrier.code) {
            (Some(request_id), Some(code)) => Ok(SilentAuthCode { request_id, code }),
            _ => Err(reply.decode_error("the final reply has no request_id and code")),
        };
    }
    Err(failure(SilentAuthFailure::TooManyRedirects))
}

fn failure(failure: SilentAuthFailure) -> Error {
    Error::SilentAuth(failure)
}

/// The end of the chain: `request_id` and `code`, or `error_description`, in the fragment.
fn from_fragment(url: &Url) -> Result<SilentAuthCode, Error> {
    let fragment = url.fragment().unwrap_or_default();
    let mut request_id = None;
    let mut code = None;
    let mut error = None;
    let mut description = None;
    for (key, value) in form_urlencoded::parse(fragment.as_bytes()) {
        match key.as_ref() {
            "request_id" => request_id = Some(value.into_owned()),
            "code" => code = Some(value.into_owned()),
            "error" => error = Some(value.into_owned()),
            "error_description" => description = Some(value.into_owned()),
            _ => {}
        }
    }
    match (request_id, code, error, description) {
        (Some(request_id), Some(code), None, None) => Ok(SilentAuthCode { request_id, code }),
        (_, _, error, Some(description)) => {
            Err(failure(SilentAuthFailure::Refused { error, description }))
        }
        (_, _, Some(error), None) => Err(failure(SilentAuthFailure::Refused {
            description: error.clone(),
            error: Some(error),
        })),
        _ => Err(failure(SilentAuthFailure::Unexpected {
            reason: "the final URL carries neither a code nor an error".into(),
        })),
    }
}

/// Whether `url` is the page `target` names, ignoring query and fragment.
fn same_page(target: &Url, url: &Url) -> bool {
    target.origin() == url.origin() && target.path() == url.path()
}

fn without_fragment(url: &Url) -> String {
    let mut url = url.clone();
    url.set_fragment(None);
    url.into()
}

/// A URL for error messages: its query may hold tokens.
fn without_query(url: &Url) -> String {
    let mut url = url.clone();
    url.set_query(None);
    url.set_fragment(None);
    url.into()
}
