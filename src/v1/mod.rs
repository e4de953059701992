//! Verify v1 (legacy): request, check, search, control, PSD2 and network unblock, typed, with
//! JSON or XML replies.
//!
//! Vonage marks Verify v1 deprecated and points new integrations to [Verify v2](crate::v2),
//! which has more channels, silent authentication and callbacks. v1 still works and this
//! module stays complete; it carries no `#[deprecated]`, so code that keeps using it builds
//! without a warning on every call.
//!
//! v1 reports most failures in an HTTP 200 with a non-zero `status`: each becomes an
//! [`Error::V1`](crate::Error::V1) with a typed [`Status`], except wrong codes, which are
//! outcomes of [`Api::check`].
//!
//! ```no_run
//! use vonage_verify::v1::{CheckOutcome, Format, Status, VerifyRequest};
//!
//! # async fn run() -> Result<(), vonage_verify::Error> {
//! let client = vonage_verify::Client::from_env()?;
//! let request = VerifyRequest::new("447700900000", "ACME").code_length(6).pin_expiry(300);
//! let request_id = match client.v1().request(&request).await {
//!     Ok(started) => started.request_id,
//!     // Status 10: a verification to this number is already running; its id is given.
//!     Err(e) if e.v1().is_some_and(|v1| v1.status == Status::ConcurrentVerifications) => {
//!         match e.v1().and_then(|v1| v1.request_id.clone()) {
//!             Some(id) => id,
//!             None => return Err(e),
//!         }
//!     }
//!     Err(e) => return Err(e),
//! };
//! match client.v1().check(&request_id, "123456").await? {
//!     CheckOutcome::Verified(done) => println!("verified, cost {:?}", done.price),
//!     CheckOutcome::WrongCode(_) => println!("wrong code, try again"),
//!     CheckOutcome::TooManyWrongCodes(_) => println!("too many wrong codes"),
//! }
//! // Any call but PSD2 and network unblock may ask for XML; it decodes to the same values.
//! let found = client.v1().format(Format::Xml).search(&request_id).await?;
//! println!("{:?} since {:?}", found.status, found.date_submitted);
//! # Ok(())
//! # }
//! ```
//!
//! XML replies are decoded following the spec's `xml` annotations (element names, wrapped
//! lists, the multi-id search's `verification_requests`), with the roots seen in live replies
//! accepted too and no DTD ever read; live XML comes as `text/plain`, which works as well.

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
