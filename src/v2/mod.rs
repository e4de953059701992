//! Verify v2: workflows over SMS, WhatsApp, voice, email, RCS and silent authentication, plus
//! templates and template fragments.

mod api;
pub mod raw;

pub use api::Api;
