//! Verify v2: workflows over SMS, WhatsApp, voice, email, RCS and silent authentication, plus
//! templates and template fragments.

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
