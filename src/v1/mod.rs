//! Verify v1 (legacy): request, check, search, control, PSD2 and network unblock.

mod api;
pub mod raw;

pub use api::Api;
