//! Starting a v2 verification: the workflow's steps and the request's options, checked against
//! the spec before sending.

use std::str::FromStr;

use super::raw::types;
use crate::error::Error;
use crate::validate::Rules;

/// The spec's limits that the generated types do not enforce (integer ranges, list lengths).
mod limits {
    use std::ops::RangeInclusive;

    pub const STEPS: RangeInclusive<usize> = 1..=3;
    pub const CHANNEL_TIMEOUT: RangeInclusive<i64> = 15..=900;
    pub const CODE_LENGTH: RangeInclusive<i64> = 4..=10;
}

/// A channel of a workflow step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Channel {
    /// A code by SMS.
    Sms,
    /// A code by WhatsApp.
    Whatsapp,
    /// A yes/no question in WhatsApp (withdrawn by Vonage, kept for accounts that have it).
    WhatsappInteractive,
    /// A code read out in a call.
    Voice,
    /// A code by email.
    Email,
    /// The mobile network confirms the number; no code to type.
    SilentAuth,
    /// A code by RCS.
    Rcs,
}

impl Channel {
    const ALL: [Channel; 7] = [
        Channel::Sms,
        Channel::Whatsapp,
        Channel::WhatsappInteractive,
        Channel::Voice,
        Channel::Email,
        Channel::SilentAuth,
        Channel::Rcs,
    ];

    /// The channel Vonage calls `name`, if this version of the crate knows it.
    pub(crate) fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|channel| channel.name() == name)
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Channel::Sms => "sms",
            Channel::Whatsapp => "whatsapp",
            Channel::WhatsappInteractive => "whatsapp_interactive",
            Channel::Voice => "voice",
            Channel::Email => "email",
            Channel::SilentAuth => "silent_auth",
            Channel::Rcs => "rcs",
        }
    }
}

/// One step of a workflow: a channel and where to reach the user. Options that do not apply
/// to the channel are reported when the request is started, naming the step and the field.
///
/// ```
/// use vonage_verify::v2::Step;
///
/// let workflow = [
///     Step::silent_auth("447700900000").redirect_url("https://acme.example/verified"),
///     Step::sms("447700900000").from("ACME"),
///     Step::voice("447700900000"),
/// ];
/// # let _ = workflow;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    channel: Channel,
    to: String,
    from: Option<String>,
    entity_id: Option<String>,
    content_id: Option<String>,
    app_hash: Option<String>,
    reuse_code: Option<bool>,
    mode: Option<String>,
    redirect_url: Option<String>,
    sandbox: Option<bool>,
    coverage_check: Option<bool>,
}

impl Step {
    fn new(channel: Channel, to: impl Into<String>) -> Self {
        Self {
            channel,
            to: to.into(),
            from: None,
            entity_id: None,
            content_id: None,
            app_hash: None,
            reuse_code: None,
            mode: None,
            redirect_url: None,
            sandbox: None,
            coverage_check: None,
        }
    }

    /// A code by SMS to `to` (E.164, without `+`).
    pub fn sms(to: impl Into<String>) -> Self {
        Self::new(Channel::Sms, to)
    }

    /// A code by WhatsApp to `to`, from the business number `from`.
    pub fn whatsapp(to: impl Into<String>, from: impl Into<String>) -> Self {
        Self::new(Channel::Whatsapp, to).from(from)
    }

    /// A yes/no question in WhatsApp (a channel Vonage has withdrawn).
    pub fn whatsapp_interactive(to: impl Into<String>) -> Self {
        Self::new(Channel::WhatsappInteractive, to)
    }

    /// A code read out in a call to `to`.
    pub fn voice(to: impl Into<String>) -> Self {
        Self::new(Channel::Voice, to)
    }

    /// A code by email to `to`.
    pub fn email(to: impl Into<String>) -> Self {
        Self::new(Channel::Email, to)
    }

    /// Silent authentication of `to` through the mobile network; must be the first step.
    pub fn silent_auth(to: impl Into<String>) -> Self {
        Self::new(Channel::SilentAuth, to)
    }

    /// A code by RCS to `to`, from Vonage's default agent ("Vonage Verify"); add
    /// [`from`](Self::from) to send from your own registered agent instead.
    pub fn rcs(to: impl Into<String>) -> Self {
        Self::new(Channel::Rcs, to)
    }

    /// The channel.
    pub fn channel(&self) -> Channel {
        self.channel
    }

    /// The sender: SMS (up to 11 letters and digits, or an E.164 number), WhatsApp, RCS, email.
    pub fn from(mut self, from: impl Into<String>) -> Self {
        self.from = Some(from.into());
        self
    }

    /// SMS to India: the registered entity (PEID).
    pub fn entity_id(mut self, id: impl Into<String>) -> Self {
        self.entity_id = Some(id.into());
        self
    }

    /// SMS to India: the registered content template id.
    pub fn content_id(mut self, id: impl Into<String>) -> Self {
        self.content_id = Some(id.into());
        self
    }

    /// SMS: the 11-character hash of an Android app, for the SMS Retriever API.
    pub fn app_hash(mut self, hash: impl Into<String>) -> Self {
        self.app_hash = Some(hash.into());
        self
    }

    /// Whether this step reuses the code an earlier step sent.
    pub fn reuse_code(mut self, reuse: bool) -> Self {
        self.reuse_code = Some(reuse);
        self
    }

    /// WhatsApp: `otp_code` or `zero_tap`; silent auth: `standard` or `advanced`.
    pub fn mode(mut self, mode: impl Into<String>) -> Self {
        self.mode = Some(mode.into());
        self
    }

    /// Silent auth: where the redirect chain of the `check_url` ends.
    pub fn redirect_url(mut self, url: impl Into<String>) -> Self {
        self.redirect_url = Some(url.into());
        self
    }

    /// Silent auth: use Vonage's former sandbox.
    ///
    /// ```compile_fail
    /// #![deny(deprecated)]
    /// let _ = vonage_verify::v2::Step::silent_auth("447700900000").sandbox(true);
    /// ```
    #[deprecated(
        note = "Vonage has deprecated the silent-auth sandbox: test with its Virtual Operator \
                instead (numbers starting with country code 990, which the mock serves too)"
    )]
    pub fn sandbox(mut self, sandbox: bool) -> Self {
        self.sandbox = Some(sandbox);
        self
    }

    /// Silent auth: `false` always returns a `check_url` and reports an unsupported network
    /// later; `true` (the API's default) fails the start synchronously instead.
    pub fn coverage_check(mut self, check: bool) -> Self {
        self.coverage_check = Some(check);
        self
    }

    fn to_wire(
        &self,
        rules: Rules,
        index: usize,
    ) -> Result<types::NewRequestBodyWorkflowItem, Error> {
        let at = At {
            rules,
            index,
            channel: self.channel,
        };
        // Every option a channel does not take is reported, not dropped.
        let allowed: &[&str] = match self.channel {
            Channel::Sms => &["from", "entity_id", "content_id", "app_hash", "reuse_code"],
            Channel::Whatsapp => &["from", "mode", "reuse_code"],
            Channel::WhatsappInteractive => &[],
            Channel::Voice => &["reuse_code"],
            Channel::Email => &["from", "reuse_code"],
            Channel::SilentAuth => &["mode", "redirect_url", "sandbox", "coverage_check"],
            Channel::Rcs => &["from", "reuse_code"],
        };
        let set = [
            ("from", self.from.is_some()),
            ("entity_id", self.entity_id.is_some()),
            ("content_id", self.content_id.is_some()),
            ("app_hash", self.app_hash.is_some()),
            ("reuse_code", self.reuse_code.is_some()),
            ("mode", self.mode.is_some()),
            ("redirect_url", self.redirect_url.is_some()),
            ("sandbox", self.sandbox.is_some()),
            ("coverage_check", self.coverage_check.is_some()),
        ];
        if let Some((name, _)) = set.iter().find(|(name, on)| *on && !allowed.contains(name)) {
            return Err(at.fail(name, "does not apply to this channel"));
        }
        let reuse_code = self.reuse_code.map(types::ReuseCode);
        let from = || {
            self.from
                .as_deref()
                .ok_or_else(|| at.fail("from", "is required for this channel"))
        };
        Ok(match self.channel {
            Channel::Sms => types::NewRequestBodyWorkflowItem::Sms {
                to: at.parse("to", &self.to)?,
                from: at.optional("from", &self.from)?,
                entity_id: at.optional("entity_id", &self.entity_id)?,
                content_id: at.optional("content_id", &self.content_id)?,
                app_hash: at.optional("app_hash", &self.app_hash)?,
                reuse_code,
            },
            Channel::Whatsapp => types::NewRequestBodyWorkflowItem::Whatsapp {
                to: at.parse("to", &self.to)?,
                from: at.parse("from", from()?)?,
                mode: at.optional("mode", &self.mode)?,
                reuse_code,
            },
            Channel::WhatsappInteractive => {
                types::NewRequestBodyWorkflowItem::WhatsappInteractive {
                    to: at.parse("to", &self.to)?,
                }
            }
            Channel::Voice => types::NewRequestBodyWorkflowItem::Voice {
                to: at.parse("to", &self.to)?,
                reuse_code,
            },
            Channel::Email => types::NewRequestBodyWorkflowItem::Email {
                to: at.parse("to", &self.to)?,
                from: at.optional("from", &self.from)?,
                reuse_code,
            },
            Channel::SilentAuth => types::NewRequestBodyWorkflowItem::SilentAuth {
                // The spec types it `format: uri`: an absolute URL.
                redirect_url: match &self.redirect_url {
                    Some(url) if url::Url::parse(url).is_err() => {
                        return Err(at.fail("redirect_url", "is not an absolute URL"));
                    }
                    other => at.optional("redirect_url", other)?,
                },
                to: at.parse("to", &self.to)?,
                mode: at.optional("mode", &self.mode)?,
                sandbox: self.sandbox,
                coverage_check: self.coverage_check.map(types::CoverageCheck),
            },
            Channel::Rcs => types::NewRequestBodyWorkflowItem::Rcs {
                to: at.parse("to", &self.to)?,
                from: at.optional("from", &self.from)?,
                reuse_code,
            },
        })
    }
}

/// Where in the workflow a value is, for errors that name it.
#[derive(Clone, Copy)]
struct At {
    rules: Rules,
    index: usize,
    channel: Channel,
}

impl At {
    fn fail(self, name: &str, reason: impl std::fmt::Display) -> Error {
        let step = self.index + 1;
        let channel = self.channel.name();
        self.rules.fail(
            "workflow",
            format!("step {step} ({channel}): {name} {reason}"),
        )
    }

    /// The value as the generated type, which checks the spec's length and pattern.
    fn parse<T>(self, name: &str, value: &str) -> Result<T, Error>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        value
            .parse()
            .map_err(|e| self.fail(name, format_args!("is invalid: {e}")))
    }

    fn optional<T>(self, name: &str, value: &Option<String>) -> Result<Option<T>, Error>
    where
        T: FromStr,
        T::Err: std::fmt::Display,
    {
        value.as_deref().map(|v| self.parse(name, v)).transpose()
    }
}

/// The value as the generated type, which checks the spec's length and pattern.
pub(crate) fn parse<T>(rules: Rules, field: &'static str, value: &str) -> Result<T, Error>
where
    T: FromStr,
    T::Err: std::fmt::Display,
{
    value
        .parse()
        .map_err(|e| rules.fail(field, format!("is invalid: {e}")))
}

/// Starts a v2 verification (`new_request`): a brand and one to three steps.
///
/// ```
/// use vonage_verify::v2::{StartRequest, Step};
///
/// let request = StartRequest::new("ACME, Inc")
///     .step(Step::silent_auth("447700900000"))
///     .step(Step::sms("447700900000"))
///     .step(Step::voice("447700900000"))
///     .locale("en-gb")
///     .code_length(6)
///     .channel_timeout(120)
///     .client_ref("order42");
/// # let _ = request;
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct StartRequest {
    brand: String,
    steps: Vec<Step>,
    locale: Option<String>,
    channel_timeout: Option<u32>,
    client_ref: Option<String>,
    code_length: Option<u32>,
    code: Option<String>,
    template_id: Option<String>,
    fraud_check: Option<bool>,
}

impl StartRequest {
    /// A request naming `brand` (1 to 18 characters, none of `/ { } : $`) in the messages.
    pub fn new(brand: impl Into<String>) -> Self {
        Self {
            brand: brand.into(),
            steps: Vec::new(),
            locale: None,
            channel_timeout: None,
            client_ref: None,
            code_length: None,
            code: None,
            template_id: None,
            fraud_check: None,
        }
    }

    /// Adds a step; the workflow tries them in order. One to three; silent auth only first.
    pub fn step(mut self, step: Step) -> Self {
        self.steps.push(step);
        self
    }

    /// The language of messages and calls, e.g. `es-es`.
    pub fn locale(mut self, locale: impl Into<String>) -> Self {
        self.locale = Some(locale.into());
        self
    }

    /// Seconds between steps: 15 to 900.
    pub fn channel_timeout(mut self, seconds: u32) -> Self {
        self.channel_timeout = Some(seconds);
        self
    }

    /// Your reference, echoed in callbacks: 1 to 40 letters and digits.
    pub fn client_ref(mut self, reference: impl Into<String>) -> Self {
        self.client_ref = Some(reference.into());
        self
    }

    /// Digits in generated codes: 4 to 10.
    pub fn code_length(mut self, digits: u32) -> Self {
        self.code_length = Some(digits);
        self
    }

    /// Your own code (4 to 10 letters and digits), where the account's pricing allows it.
    pub fn code(mut self, code: impl Into<String>) -> Self {
        self.code = Some(code.into());
        self
    }

    /// A custom template for the message (a UUID).
    pub fn template_id(mut self, id: impl Into<String>) -> Self {
        self.template_id = Some(id.into());
        self
    }

    /// `false` bypasses the network block of fraud protection (needs the account feature).
    pub fn fraud_check(mut self, check: bool) -> Self {
        self.fraud_check = Some(check);
        self
    }

    /// Whether a step of the workflow is silent authentication.
    pub(crate) fn has_silent_auth(&self) -> bool {
        self.steps.iter().any(|s| s.channel == Channel::SilentAuth)
    }

    pub(crate) fn to_wire(&self, operation: &'static str) -> Result<types::NewRequestBody, Error> {
        let rules = Rules { operation };
        rules.items("workflow", self.steps.len(), limits::STEPS)?;
        if let Some(later) = self
            .steps
            .iter()
            .skip(1)
            .position(|s| s.channel == Channel::SilentAuth)
        {
            return Err(rules.fail(
                "workflow",
                format!("step {}: silent_auth may only be the first step", later + 2),
            ));
        }
        if let Some(seconds) = self.channel_timeout {
            rules.range("channel_timeout", seconds.into(), limits::CHANNEL_TIMEOUT)?;
        }
        if let Some(digits) = self.code_length {
            rules.range("code_length", digits.into(), limits::CODE_LENGTH)?;
        }
        let workflow = self
            .steps
            .iter()
            .enumerate()
            .map(|(i, step)| step.to_wire(rules, i))
            .collect::<Result<Vec<_>, _>>()?;
        let template_id = self
            .template_id
            .as_deref()
            .map(|id| uuid::Uuid::from_str(id).map(types::TemplateId))
            .transpose()
            .map_err(|_| rules.fail("template_id", "is not a UUID"))?;
        Ok(types::NewRequestBody {
            brand: parse(rules, "brand", &self.brand)?,
            workflow,
            locale: self.locale.clone().map(types::Language),
            channel_timeout: self
                .channel_timeout
                .map(|s| types::ChannelTimeout(s.into())),
            client_ref: self
                .client_ref
                .as_deref()
                .map(|r| parse(rules, "client_ref", r))
                .transpose()?,
            code_length: self
                .code_length
                .map(|d| types::CodeLength::try_from(i64::from(d)))
                .transpose()
                .map_err(|e| rules.fail("code_length", format!("is invalid: {e}")))?,
            code: self
                .code
                .as_deref()
                .map(|c| parse(rules, "code", c))
                .transpose()?,
            template_id,
            fraud_check: self.fraud_check.map(types::FraudCheck),
        })
    }
}

impl std::fmt::Debug for StartRequest {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StartRequest")
            .field("brand", &self.brand)
            .field("steps", &self.steps)
            .field("locale", &self.locale)
            .field("channel_timeout", &self.channel_timeout)
            .field("client_ref", &self.client_ref)
            .field("code_length", &self.code_length)
            // The code the user will type: not for logs.
            .field("code", &self.code.as_ref().map(|_| "[redacted]"))
            .field("template_id", &self.template_id)
            .field("fraud_check", &self.fraud_check)
            .finish()
    }
}

/// A v2 verification that has started.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Started {
    /// Its id, for check, cancel and next_workflow.
    pub request_id: String,
    /// With silent auth first: the URL the user's device must open over mobile data.
    pub check_url: Option<String>,
}

/// A successful check.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Checked {
    /// The verification.
    pub request_id: Option<String>,
    /// Its status after the check.
    pub status: CheckedStatus,
}

/// The status a successful check reports.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum CheckedStatus {
    /// The verification is complete.
    Completed,
    /// A status this version of the crate does not know, as sent (empty if none was).
    Unknown(String),
}

impl CheckedStatus {
    pub(crate) fn parse(value: Option<&str>) -> Self {
        match value {
            Some("completed") => Self::Completed,
            other => Self::Unknown(other.unwrap_or_default().to_owned()),
        }
    }
}
