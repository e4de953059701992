//! Response bodies that cannot be read past a limit.

use bytes::Bytes;
use http_body_util::{BodyExt as _, LengthLimitError, Limited};
use reqwest::ResponseBuilderExt as _;

/// Why a body could not be read to its end.
pub(crate) type BodyError = Box<dyn std::error::Error + Send + Sync>;

/// The same response, with a body that fails with [`LengthLimitError`] after `limit` bytes.
///
/// The body is wrapped, not read: whoever reads it (progenitor's decoder or ours) stops at the
/// limit, and a body that is never read is never buffered.
pub(crate) fn bounded(response: reqwest::Response, limit: usize) -> reqwest::Response {
    // A body whose declared length is within the limit cannot grow past it: hyper reads no
    // more than Content-Length bytes (and reports a shorter body as an error). Nearly every
    // API reply is such a body; handing it on as it is saves taking the response apart.
    let declared = response.content_length();
    if declared.is_some_and(|length| length <= limit as u64) {
        return response;
    }
    let limit = allowance(declared, limit);
    let url = response.url().clone();
    let (parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
    let body = reqwest::Body::wrap(Limited::new(body, limit));
    rebuild(parts, url, body)
}

/// Reads the whole body (up to `limit` bytes; none if it is declared longer) and hands back
/// its bytes, with the response left holding an empty body.
pub(crate) async fn take(
    response: reqwest::Response,
    limit: usize,
) -> (reqwest::Response, Result<Bytes, BodyError>) {
    let limit = allowance(response.content_length(), limit);
    let url = response.url().clone();
    let (parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
    let read = Limited::new(body, limit)
        .collect()
        .await
        .map(http_body_util::Collected::to_bytes);
    (rebuild(parts, url, reqwest::Body::from(Bytes::new())), read)
}

/// How many bytes of a body to read. A body declared longer than the limit will pass it, so
/// none: its first bytes fail the read, and nothing of it is buffered.
fn allowance(declared: Option<u64>, limit: usize) -> usize {
    match declared {
        Some(length) if length > limit as u64 => 0,
        _ => limit,
    }
}

fn rebuild(
    mut parts: http::response::Parts,
    url: url::Url,
    body: reqwest::Body,
) -> reqwest::Response {
    // reqwest keeps a response's URL in an extension only its own builder can write.
    if let Ok(carrier) = http::Response::builder().url(url).body(()) {
        parts.extensions.extend(carrier.into_parts().0.extensions);
    }
    reqwest::Response::from(http::Response::from_parts(parts, body))
}

/// Whether reading a body failed because it passed the limit set by [`bounded`].
pub(crate) fn exceeded_limit(error: &(dyn std::error::Error + 'static)) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = source {
        if error.is::<LengthLimitError>() {
            return true;
        }
        source = error.source();
    }
    false
}
