//! The three callbacks Verify v2 sends, decoded through the spec's schemas.

use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::Error;
use crate::v2::Channel;
use crate::v2::raw::types as spec;

/// A Verify v2 callback, told apart by its `type` and `channel`.
///
/// ```
/// use vonage_verify::webhook::{self, EventStatus, Webhook};
///
/// let body = br#"{"request_id":"c11236f4-00bf-4b89-84ba-88b25df97315","type":"event",
///     "channel":"sms","status":"completed","triggered_at":"2025-01-01T14:00:00.000Z",
///     "finalized_at":"2025-01-01T14:00:05.000Z"}"#;
/// match webhook::parse(body)? {
///     Webhook::Event(event) => assert_eq!(event.status, EventStatus::Completed),
///     other => panic!("not an event: {other:?}"),
/// }
/// # Ok::<(), webhook::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Webhook {
    /// One channel attempt reached a final state (`type: event`).
    Event(Event),
    /// The verification ended; the outcome of every step (`type: summary`).
    Summary(Summary),
    /// Progress of a silent-auth step (`type: event`, `channel: silent_auth`).
    SilentAuth(SilentAuthUpdate),
    /// A callback of a `type` this version of the crate does not know, kept as sent.
    Other {
        /// Its `type` (empty if it had none).
        kind: String,
        /// The whole body.
        body: serde_json::Value,
    },
}

impl Webhook {
    /// The verification the callback is about, when it names one.
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Webhook::Event(event) => Some(&event.request_id),
            Webhook::Summary(summary) => Some(&summary.request_id),
            Webhook::SilentAuth(update) => Some(&update.request_id),
            Webhook::Other { body, .. } => body.get("request_id")?.as_str(),
        }
    }
}

/// Decodes a callback body.
///
/// Fields the spec does not know are ignored and statuses or channels it does not know are kept
/// as [`Unknown`](EventStatus::Unknown) values. A body that is not JSON, or that lacks a field the
/// spec requires for its kind, is [`Error::Payload`]. This does not check the signature: use
/// [`Verifier::verify_and_parse`](super::Verifier::verify_and_parse) for callbacks from the network.
pub fn parse(body: &[u8]) -> Result<Webhook, Error> {
    #[derive(Deserialize)]
    struct Kind {
        #[serde(rename = "type", default)]
        kind: Option<String>,
        #[serde(default)]
        channel: Option<String>,
    }

    let kind: Kind = decode("callback", body)?;
    match (kind.kind.as_deref(), kind.channel.as_deref()) {
        (Some("summary"), _) => {
            decode::<spec::VerifyResource>("summary", body).map(|s| Webhook::Summary(s.into()))
        }
        (Some("event"), Some("silent_auth")) => {
            decode::<spec::VerifySilentAuth>("silent-auth update", body)
                .map(|s| Webhook::SilentAuth(s.into()))
        }
        (Some("event"), _) => decode::<spec::VerifyResourceEventCallBackExample>("event", body)
            .map(|e| Webhook::Event(e.into())),
        (other, _) => Ok(Webhook::Other {
            kind: other.unwrap_or_default().to_owned(),
            body: decode("callback", body)?,
        }),
    }
}

fn decode<'a, T: Deserialize<'a>>(webhook: &'static str, body: &'a [u8]) -> Result<T, Error> {
    serde_json::from_slice(body).map_err(|source| Error::Payload { webhook, source })
}

/// A channel named in a callback: one this crate knows, or the name as sent.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum WebhookChannel {
    /// A channel of [`v2::Channel`](Channel).
    Known(Channel),
    /// A channel this version of the crate does not know.
    Unknown(String),
}

impl WebhookChannel {
    fn parse(name: &str) -> Self {
        Channel::from_name(name).map_or_else(|| Self::Unknown(name.to_owned()), Self::Known)
    }

    /// The channel's name as Vonage writes it.
    pub fn as_str(&self) -> &str {
        match self {
            Self::Known(channel) => channel.name(),
            Self::Unknown(name) => name,
        }
    }
}

/// Statuses whose names the spec lists, plus a fallback that keeps a name it does not.
macro_rules! open_status {
    ($(#[$doc:meta])* $name:ident { $($(#[$vdoc:meta])* $variant:ident = $value:literal,)+ }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[$vdoc])* $variant,)+
            /// A status this version of the crate does not know, as sent.
            Unknown(String),
        }

        impl $name {
            fn parse(value: &str) -> Self {
                match value {
                    $($value => Self::$variant,)+
                    other => Self::Unknown(other.to_owned()),
                }
            }

            /// The status as Vonage writes it.
            pub fn as_str(&self) -> &str {
                match self {
                    $(Self::$variant => $value,)+
                    Self::Unknown(other) => other,
                }
            }
        }
    };
}

open_status! {
    /// How one channel attempt ended.
    EventStatus {
        /// The user proved the number on this channel.
        Completed = "completed",
        /// The attempt failed.
        Failed = "failed",
        /// The user declined (for example, answered "no" on WhatsApp).
        UserRejected = "user_rejected",
        /// Vonage refused the attempt.
        Rejected = "rejected",
        /// Blocked by fraud rules (velocity rules or a VoIP number).
        Blocked = "blocked",
    }
}

open_status! {
    /// How a whole verification ended.
    SummaryStatus {
        /// Verified.
        Completed = "completed",
        /// Every step failed.
        Failed = "failed",
        /// No step succeeded in time.
        Expired = "expired",
        /// Blocked by fraud rules.
        Blocked = "blocked",
    }
}

open_status! {
    /// How one workflow step of a finished verification ended.
    StepStatus {
        /// The step never ran.
        Unused = "unused",
        /// The user proved the number on this step.
        Completed = "completed",
        /// The step failed.
        Failed = "failed",
        /// The step timed out.
        Expired = "expired",
        /// The user declined.
        UserRejected = "user_rejected",
        /// Blocked by fraud rules.
        Blocked = "blocked",
    }
}

open_status! {
    /// Where a silent-auth step stands.
    SilentAuthStatus {
        /// The network confirmed the number.
        Completed = "completed",
        /// The network could not confirm it.
        Failed = "failed",
        /// The user declined.
        UserRejected = "user_rejected",
        /// The step timed out.
        Expired = "expired",
        /// The device must now open the action's `check_url` over mobile data.
        ActionPending = "action_pending",
    }
}

open_status! {
    /// What a silent-auth action asks the application to do.
    ActionKind {
        /// Open `check_url` on the user's device over mobile data.
        Check = "check",
    }
}

/// One channel attempt reached a final state.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Event {
    /// The verification.
    pub request_id: String,
    /// The attempt's channel.
    pub channel: WebhookChannel,
    /// How it ended.
    pub status: EventStatus,
    /// When the attempt started.
    pub triggered_at: DateTime<Utc>,
    /// When it reached its final state.
    pub finalized_at: DateTime<Utc>,
    /// The `client_ref` the verification was started with.
    pub client_ref: Option<String>,
}

impl From<spec::VerifyResourceEventCallBackExample> for Event {
    fn from(event: spec::VerifyResourceEventCallBackExample) -> Self {
        Self {
            request_id: event.request_id.0,
            channel: WebhookChannel::parse(&event.channel),
            status: EventStatus::parse(&event.status.to_string()),
            triggered_at: event.triggered_at.0,
            finalized_at: event.finalized_at,
            client_ref: event.client_ref,
        }
    }
}

/// A verification ended.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Summary {
    /// The verification.
    pub request_id: String,
    /// How it ended.
    pub status: SummaryStatus,
    /// When Vonage received it.
    pub submitted_at: DateTime<Utc>,
    /// When it reached its final state, when Vonage says.
    pub finalized_at: Option<DateTime<Utc>>,
    /// Seconds each step was given before the next one.
    pub channel_timeout: i64,
    /// Every step of the workflow, in order, with its outcome.
    pub workflow: Vec<WorkflowStep>,
    /// The `client_ref` the verification was started with.
    pub client_ref: Option<String>,
}

impl From<spec::VerifyResource> for Summary {
    fn from(summary: spec::VerifyResource) -> Self {
        Self {
            request_id: summary.request_id.0,
            status: SummaryStatus::parse(&summary.status.to_string()),
            submitted_at: summary.submitted_at,
            finalized_at: summary.finalized_at,
            channel_timeout: summary.channel_timeout,
            workflow: summary
                .workflow
                .into_iter()
                .map(WorkflowStep::from)
                .collect(),
            client_ref: summary.client_ref,
        }
    }
}

/// One step of a finished verification.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct WorkflowStep {
    /// The step's channel, when given.
    pub channel: Option<WebhookChannel>,
    /// When the step started, when it did.
    pub initiated_at: Option<DateTime<Utc>>,
    /// How it ended, when given.
    pub status: Option<StepStatus>,
    /// Why it failed, when Vonage says (for example, a network block).
    pub reason: Option<String>,
}

impl From<spec::VerifyResourceWorkflowItem> for WorkflowStep {
    fn from(step: spec::VerifyResourceWorkflowItem) -> Self {
        Self {
            channel: step.channel.map(|c| WebhookChannel::parse(&c.to_string())),
            initiated_at: step.initiated_at,
            status: step.status.map(|s| StepStatus::parse(&s.to_string())),
            reason: step.reason,
        }
    }
}

/// Progress of a silent-auth step.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SilentAuthUpdate {
    /// The verification.
    pub request_id: String,
    /// Where the step stands.
    pub status: SilentAuthStatus,
    /// When the step started.
    pub triggered_at: DateTime<Utc>,
    /// What to do next. Vonage's sources disagree on whether this is one object or a list; both
    /// arrive here as a list.
    pub actions: Vec<SilentAuthAction>,
}

impl SilentAuthUpdate {
    /// The URL of the first `check` action: what the user's device must open.
    pub fn check_url(&self) -> Option<&str> {
        self.actions
            .iter()
            .filter(|action| action.kind == Some(ActionKind::Check))
            .find_map(|action| action.check_url.as_deref())
    }
}

impl From<spec::VerifySilentAuth> for SilentAuthUpdate {
    fn from(update: spec::VerifySilentAuth) -> Self {
        let actions = match update.action {
            None => Vec::new(),
            Some(spec::VerifySilentAuthAction::Single(action)) => vec![action.into()],
            Some(spec::VerifySilentAuthAction::List(actions)) => {
                actions.into_iter().map(SilentAuthAction::from).collect()
            }
        };
        Self {
            request_id: update.request_id.0,
            status: SilentAuthStatus::parse(&update.status.to_string()),
            triggered_at: update.triggered_at.0,
            actions,
        }
    }
}

/// Something the application must do for a silent-auth step.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SilentAuthAction {
    /// What to do, when given.
    pub kind: Option<ActionKind>,
    /// The URL to open for a `check`.
    pub check_url: Option<String>,
}

impl From<spec::SilentAuthAction> for SilentAuthAction {
    fn from(action: spec::SilentAuthAction) -> Self {
        Self {
            kind: action
                .type_
                .map(|kind| ActionKind::parse(&kind.to_string())),
            check_url: action.check_url,
        }
    }
}
