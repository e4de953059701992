//! The redirect policy of the client's own `reqwest::Client`.

use reqwest::redirect::{Attempt, Policy};

/// How many redirects one request may follow.
const MAX_REDIRECTS: usize = 10;

/// A reqwest builder that follows redirects only within one origin.
///
/// reqwest re-sends a request body on a 307 or 308 redirect, and a v1 form body carries the API
/// secret; refusing a redirect to another origin (or from https to http) keeps the secret with
/// the host it was meant for. A refused redirect comes back as the 30x response itself.
pub(crate) fn same_origin_builder() -> reqwest::ClientBuilder {
    reqwest::Client::builder().redirect(Policy::custom(same_origin_only))
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
