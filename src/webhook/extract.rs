//! [`Verified`] as an axum extractor.

use axum_core::extract::{FromRef, FromRequest, Request};
use axum_core::response::{IntoResponse, Response};
use bytes::Bytes;
use http::StatusCode;

use super::{Error, Verified, Verifier};

/// Verifies and decodes a callback in one step, with the [`Verifier`] taken from the router's
/// state (directly, or through `FromRef`). The body limit is axum's (`DefaultBodyLimit`).
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
impl<S> FromRequest<S> for Verified
where
    S: Send + Sync,
    Verifier: FromRef<S>,
{
    type Rejection = Rejection;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        let verifier = Verifier::from_ref(state);
        let headers = request.headers().clone();
        let body = Bytes::from_request(request, state)
            .await
            .map_err(|rejection| Rejection::Body(rejection.into_response()))?;
        let claims = verifier
            .verify_headers(&headers, &body)
            .map_err(Rejection::Webhook)?;
        let webhook = super::parse(&body).map_err(Rejection::Webhook)?;
        Ok(Verified { claims, webhook })
    }
}

/// Why the extractor refused a request.
///
/// As a response: 401 with no detail for a callback that fails a check, 400 for a body that cannot be decoded, and axum's own answer when the body
/// cannot be read (413 over the limit).
#[derive(Debug)]
#[non_exhaustive]
pub enum Rejection {
    /// The body could not be read; axum's response.
    Body(Response),
    /// The callback failed a check or could not be decoded.
    Webhook(Error),
}

impl IntoResponse for Rejection {
    fn into_response(self) -> Response {
        match self {
            Rejection::Body(response) => response,
            Rejection::Webhook(error) => {
                // A caller that fails a check learns only that it failed; the reason is logged.
                if error.is_unauthenticated() {
                    (StatusCode::UNAUTHORIZED, "unauthorized").into_response()
                } else {
                    (StatusCode::BAD_REQUEST, error.to_string()).into_response()
                }
            }
        }
    }
}
