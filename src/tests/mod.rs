//! Tests of what only the crate can see: the conversion of generated-code errors, the
//! hand-written send path, and the redaction of everything the crate prints or logs.

mod calls;
mod coverage;
mod redaction;
pub(crate) mod support;
