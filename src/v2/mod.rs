//! Verify v2: workflows over SMS, WhatsApp, voice, email, RCS and silent authentication, plus
//! templates and template fragments.
//!
//! A verification is a workflow of one to three [`Step`]s, tried in order until the user
//! proves they hold the number or address; [`Api::check_code`] takes the code they typed.
//! Failures are RFC 7807 problems: [`Error::Problem`](crate::Error::Problem) with a typed
//! [`ProblemKind`](crate::ProblemKind).
//!
//! ```no_run
//! use vonage_verify::{Client, ProblemKind};
//! use vonage_verify::v2::{StartRequest, Step};
//!
//! # async fn run() -> Result<(), vonage_verify::Error> {
//! let client = Client::from_env()?;
//! // Silent authentication first (the device confirms the number with its carrier), then an
//! // SMS if that fails.
//! let request = StartRequest::new("ACME")
//!     .step(Step::silent_auth("447700900000").redirect_url("https://acme.example/verified"))
//!     .step(Step::sms("447700900000"))
//!     .code_length(6);
//! let started = client.v2().start(&request).await?;
//!
//! // On the device: follow the check URL, which yields a code to check.
//! if let Some(check_url) = &started.check_url {
//!     let confirmed = client.v2().complete_silent_auth(check_url, None).await?;
//!     client.v2().check_code(&started.request_id, &confirmed.code).await?;
//!     return Ok(());
//! }
//! match client.v2().check_code(&started.request_id, "123456").await {
//!     Ok(done) => println!("verified: {:?}", done.status),
//!     // Silent authentication has no code: there is none to check until the SMS is sent.
//!     Err(e) if e.problem().is_some_and(|p| p.kind == ProblemKind::NoCode) => {}
//!     Err(e) => return Err(e),
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Values the spec constrains (the brand's length and characters, a custom code's pattern,
//! code lengths, locales, one to three steps) are checked before anything is sent. Templates
//! and fragments have every call, single pages ([`Api::templates_page`]) and streams that
//! follow the API's `next` links ([`Api::templates`]); a link is reduced to its path and query
//! and sent to the configured base URL, so it never carries credentials elsewhere.

mod api;
pub mod raw;
mod silent_auth;
mod start;
mod templates;

pub use api::Api;
pub use silent_auth::{SilentAuthCode, SilentAuthFailure};
pub use start::{Channel, Checked, CheckedStatus, StartRequest, Started, Step};
pub use templates::{Page, TemplateUpdate};

pub use crate::unblock::{NetworkUnblock, Unblocked};

use crate::auth::credentials::V2Auth;
use crate::auth::{Accepted, Scheme};
use crate::transport::{Service, send_through_transport};

/// What the transport needs to know of v2: its operations, and the credentials it accepts in
/// the order `pin` gives (by default a caller's bearer token, then an application JWT, then
/// HTTP Basic).
pub(crate) fn service(pin: V2Auth) -> Service {
    let schemes: &'static [Scheme] = match pin {
        V2Auth::Auto => &[Scheme::Bearer, Scheme::Jwt, Scheme::Basic],
        V2Auth::Jwt => &[Scheme::Jwt],
        V2Auth::Bearer => &[Scheme::Bearer],
        V2Auth::Basic => &[Scheme::Basic],
    };
    Service {
        operations: raw::OPERATIONS,
        accepted: Accepted {
            schemes,
            needs: "an application (id and private key), a bearer token, or an API key and secret",
        },
    }
}

send_through_transport!(raw::Client);
