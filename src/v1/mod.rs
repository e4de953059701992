//! Verify v1 (legacy): request, check, search, control, PSD2 and network unblock, typed, with
//! JSON or XML replies.

pub(crate) mod api;
pub mod raw;
pub(crate) mod replies;
mod requests;
mod status;

pub use api::{Api, Format};
pub use replies::{
    CheckOutcome, CheckStatus, CodeCheck, Event, EventKind, Rejected, SearchStatus, Started,
    Unblocked, Verification, Verified,
};
pub use requests::{Command, NetworkUnblock, Psd2Request, VerifyRequest};
pub use status::{Status, V1Error};
