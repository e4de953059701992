//! The HTTP client settings the crate recommends for talking to Vonage.

use std::time::Duration;

use reqwest::redirect::{Attempt, Policy};

/// How many redirects one request may follow.
const MAX_REDIRECTS: usize = 10;

/// A `reqwest::Client` suited to the generated clients: 10 s to connect, 30 s per request, a
/// `vonage-verify/<version>` user agent, and redirects followed only within one origin.
///
/// reqwest re-sends a request body on a 307 or 308 redirect, and a v1 form body carries the API
/// secret; refusing to follow a redirect to another origin (or from https to http) keeps the
/// secret with the host it was meant for. A refused redirect comes back as the 30x response.
///
/// ```
/// let http = vonage_verify::http_client().expect("TLS backend available");
/// # let _ = http;
/// ```
///
/// # Errors
///
/// Fails only if reqwest cannot initialise its TLS backend.
pub fn http_client() -> reqwest::Result<reqwest::Client> {
    reqwest::Client::builder()
        .connect_timeout(Duration::from_secs(10))
        .timeout(Duration::from_secs(30))
        .user_agent(concat!("vonage-verify/", env!("CARGO_PKG_VERSION")))
        .redirect(Policy::custom(same_origin_only))
        .build()
}

fn same_origin_only(attempt: Attempt<'_>) -> reqwest::redirect::Action {
    let Some(previous) = attempt.previous().last() else {
        return attempt.follow();
    };
    if attempt.previous().len() > MAX_REDIRECTS || previous.origin() != attempt.url().origin() {
        attempt.stop()
    } else {
        attempt.follow()
    }
}
