//! Verify v2 callbacks: typed payloads, and the check that a callback comes from Vonage.
//!
//! A receiver needs two things from a request: the `Authorization` header and the body's exact
//! bytes (read them before any JSON layer touches them). [`Verifier::verify_and_parse`] checks
//! the one against the other and decodes the body; [`parse`] only decodes. With the `axum`
//! feature, [`Verified`] is also an extractor; with `testing`, `testing::Signer` signs test
//! callbacks the way Vonage does.
//!
//! Answer 200 or 204 quickly: Vonage sends a callback again after any other answer.

mod error;
mod payload;
mod verify;

#[cfg(feature = "axum")]
mod extract;
#[cfg(any(test, feature = "testing"))]
#[cfg_attr(docsrs, doc(cfg(feature = "testing")))]
pub mod testing;

pub use error::Error;
#[cfg(feature = "axum")]
#[cfg_attr(docsrs, doc(cfg(feature = "axum")))]
pub use extract::Rejection;
pub use payload::{
    ActionKind, Event, EventStatus, SilentAuthAction, SilentAuthStatus, SilentAuthUpdate,
    StepStatus, Summary, SummaryStatus, Webhook, WebhookChannel, WorkflowStep, parse,
};
pub use verify::{Claims, DEFAULT_WINDOW, EXP_LEEWAY, VONAGE_ISSUER, Verified, Verifier};
