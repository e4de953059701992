//! Response bodies that cannot be read past a limit.

use http_body_util::{LengthLimitError, Limited};
use reqwest::ResponseBuilderExt as _;

/// The same response, with a body that fails with [`LengthLimitError`] after `limit` bytes.
///
/// The body is wrapped, not read: whoever reads it (progenitor's decoder or ours) stops at the
/// limit, and a body that is never read is never buffered.
pub(crate) fn bounded(response: reqwest::Response, limit: usize) -> reqwest::Response {
    let url = response.url().clone();
    let (mut parts, body) = http::Response::<reqwest::Body>::from(response).into_parts();
    // reqwest keeps a response's URL in an extension only its own builder can write.
    if let Ok(carrier) = http::Response::builder().url(url).body(()) {
        parts.extensions.extend(carrier.into_parts().0.extensions);
    }
    let body = reqwest::Body::wrap(Limited::new(body, limit));
    reqwest::Response::from(http::Response::from_parts(parts, body))
}

/// Whether reading a body failed because it passed the limit set by [`bounded`].
pub(crate) fn exceeded_limit(error: &reqwest::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(error);
    while let Some(error) = source {
        if error.is::<LengthLimitError>() {
            return true;
        }
        source = error.source();
    }
    false
}
