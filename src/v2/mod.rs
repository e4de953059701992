//! Verify v2: workflows over SMS, WhatsApp, voice, email, RCS and silent authentication, plus
//! templates and template fragments.

mod api;
pub mod raw;
mod silent_auth;
mod start;
mod templates;

pub use api::Api;
pub(crate) use silent_auth::OPERATION as SILENT_AUTH_OPERATION;
pub use silent_auth::{SilentAuthCode, SilentAuthFailure};
pub use start::{Channel, Checked, CheckedStatus, StartRequest, Started, Step};
pub use templates::{Page, TemplateUpdate};
