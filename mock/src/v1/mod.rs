//! Verify v1 on the mock: request, PSD2, check, search and control in JSON or XML, and
//! network unblock.
//!
//! v1 reports most failures as HTTP 200 with a non-zero `status`; each handler builds one
//! [`Reply`] and the format segment of the path decides how it is written.

pub(crate) mod fields;
mod lookup;
pub(crate) mod reply;
mod start;

use std::sync::Arc;

use axum::Router;
use axum::routing::{get, post};

use super::shared::Shared;

pub(crate) fn routes() -> Router<Arc<Shared>> {
    Router::new()
        .route("/verify/{format}", post(start::request))
        .route("/verify/psd2/{format}", post(start::psd2))
        .route("/verify/check/{format}", post(lookup::check))
        .route("/verify/search/{format}", get(lookup::search))
        .route("/verify/control/{format}", post(lookup::control))
        .route("/verify/network-unblock", post(super::unblock::v1))
}
