//! [`Verified`] as an axum extractor.

use std::fmt;

use axum_core::extract::{FromRef, FromRequest, Request};
use axum_core::response::{IntoResponse, Response};
use bytes::Bytes;
use http::header::AUTHORIZATION;
use http::{HeaderMap, StatusCode};

use super::{Claims, Error, Verified, Verifier};

/// Verifies and decodes a callback in one step, with the [`Verifier`] taken from the router's
/// state (directly, or through `FromRef`). The body limit is axum's (`DefaultBodyLimit`).
///
/// A refused request never reaches the handler; take `Result<Verified, Rejection>` instead to
/// see why, for example to store a genuine callback whose body this version cannot decode
/// ([`Rejection::Undecodable`]).
///
/// ```
/// use axum::{Router, http::StatusCode, routing::post};
/// use vonage_verify::SignatureSecret;
/// use vonage_verify::webhook::{Verified, Verifier, Webhook};
///
/// async fn callback(Verified { webhook, .. }: Verified) -> StatusCode {
///     if let Webhook::Summary(summary) = webhook {
///         println!("{} ended: {}", summary.request_id, summary.status.as_str());
///     }
///     StatusCode::NO_CONTENT
/// }
///
/// let verifier = Verifier::new(SignatureSecret::new("the account's signature secret"));
/// let app: Router = Router::new().route("/webhooks/verify", post(callback)).with_state(verifier);
/// # let _ = app;
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
impl<S> FromRequest<S> for Verified
where
    S: Send + Sync,
    Verifier: FromRef<S>,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Verifier::from_ref(state);
        // Only the Authorization values outlive the request, which reading the body consumes.
        let mut authorization = HeaderMap::new();
        for value in request.headers().get_all(AUTHORIZATION) {
            authorization.append(AUTHORIZATION, value.clone());
        }
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| Rejection::Body(rejection.into_response()))?;
        let claims = verifier
            .verify_headers(&authorization, &body)
            .map_err(Rejection::Refused)?;
        match super::parse(&body) {
            Ok(webhook) => Ok(Verified { claims, webhook }),
            Err(error) => Err(Rejection::Undecodable {
                claims: Box::new(claims),
                body,
                error,
            }),
        }
    }
}

/// Why the extractor did not produce a [`Verified`].
///
/// As a response: 401 with no detail for a refused callback (the reason is logged at DEBUG),
/// 400 for a genuine one that cannot be decoded, and axum's own answer when the body cannot be
/// read (413 over the limit). Vonage sends a callback again after any of these.
#[derive(Debug)]
#[non_exhaustive]
pub enum Rejection {
    /// The body could not be read; axum's response.
    Body(Response),
    /// The callback failed a check: it is not shown to come from Vonage.
    Refused(Error),
    /// The callback is genuine, but its body lacks what the spec requires for its kind.
    Undecodable {
        /// The verified claims.
        claims: Box<Claims>,
        /// The body, as received and verified.
        body: Bytes,
        /// Why it could not be decoded ([`Error::Payload`]).
        error: Error,
    },
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::Body(response) => {
                write!(
                    f,
                    "the callback's body could not be read ({})",
                    response.status()
                )
            }
            Rejection::Refused(error) => write!(f, "callback refused: {error}"),
            Rejection::Undecodable { error, .. } => write!(f, "genuine callback, but {error}"),
        }
    }
}

impl std::error::Error for Rejection {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Rejection::Body(_) => None,
            Rejection::Refused(error) | Rejection::Undecodable { error, .. } => Some(error),
        }
    }
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match self {
            Rejection::Body(response) => response,
            // A caller that fails a check learns only that it failed.
            Rejection::Refused(_) => (StatusCode::UNAUTHORIZED, "unauthorized").into_response(),
            Rejection::Undecodable { error, .. } => {
                (StatusCode::BAD_REQUEST, error.to_string()).into_response()
            }
        }
    }
}
