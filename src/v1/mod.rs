//! Verify v1 (legacy): request, check, search, control, PSD2 and network unblock, typed, with
//! JSON or XML replies.
//!
//! Vonage marks Verify v1 deprecated and points new integrations to [Verify v2](crate::v2),
//! which has more channels, silent authentication and callbacks. v1 still works and this
//! module stays complete; it carries no `#[deprecated]`, so code that keeps using it builds
//! without a warning on every call.

pub(crate) mod api;
pub mod raw;
pub(crate) mod replies;
mod requests;
mod status;
pub(crate) mod xml;

pub use crate::unblock::{NetworkUnblock, Unblocked};
pub use api::{Api, Format};
pub use replies::{
    CheckOutcome, CheckStatus, CodeCheck, Event, EventKind, Rejected, SearchStatus, Started,
    Verification, Verified,
};
pub use requests::{Command, Psd2Request, VerifyRequest};
pub use status::{Status, V1Error};
pub use xml::decode_xml;

use crate::auth::{Accepted, Scheme};
use crate::transport::{Service, send_through_transport};

/// What the transport needs to know of v1: its operations, and that it takes the API key and
/// secret, in a form body where the spec puts them there and as HTTP Basic otherwise (search,
/// a GET, so that the secret is never in a URL; network unblock, a JSON body).
pub(crate) const SERVICE: Service = Service {
    operations: raw::OPERATIONS,
    accepted: Accepted {
        schemes: &[Scheme::FormFields, Scheme::Basic],
        needs: "an API key and secret",
    },
};

send_through_transport!(raw::Client);
