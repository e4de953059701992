//! Verify v1 (legacy): request, check, search, control, PSD2 and network unblock.

pub mod raw;
