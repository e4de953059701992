//! What the caller sends: required values in constructors, optional ones as setters. Nothing
//! unset is sent, and every value is checked against the spec before anything is.

use std::fmt;

use rust_decimal::Decimal;

use super::raw::types;
use crate::error::Error;
use crate::unblock::NetworkUnblock;
use crate::validate::Rules;

/// The spec's limits, in one place.
mod limits {
    use std::ops::RangeInclusive;

    pub const BRAND_CHARS: usize = 18;
    pub const SENDER_ID_CHARS: usize = 11;
    pub const CODE_LENGTHS: &[i64] = &[4, 6];
    pub const PIN_EXPIRY: RangeInclusive<i64> = 60..=3600;
    pub const NEXT_EVENT_WAIT: RangeInclusive<i64> = 60..=900;
    pub const WORKFLOW_ID: RangeInclusive<i64> = 1..=7;
    pub const PIN_CODE_CHARS: RangeInclusive<usize> = 4..=10;
}

/// The options request and PSD2 share.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Common {
    country: Option<String>,
    code_length: Option<u32>,
    lg: Option<String>,
    pin_expiry: Option<u32>,
    next_event_wait: Option<u32>,
    workflow_id: Option<u32>,
}

impl Common {
    fn check(&self, rules: Rules) -> Result<(), Error> {
        if let Some(country) = &self.country {
            // The spec says "two-letter country code"; no pattern beyond that.
            if country.chars().count() != 2 || !country.chars().all(|c| c.is_ascii_alphabetic()) {
                return Err(rules.fail("country", "must be a two-letter country code"));
            }
        }
        if let Some(length) = self.code_length {
            rules.one_of("code_length", length.into(), limits::CODE_LENGTHS)?;
        }
        if let Some(expiry) = self.pin_expiry {
            rules.range("pin_expiry", expiry.into(), limits::PIN_EXPIRY)?;
        }
        if let Some(wait) = self.next_event_wait {
            rules.range("next_event_wait", wait.into(), limits::NEXT_EVENT_WAIT)?;
        }
        if let Some(workflow) = self.workflow_id {
            rules.range("workflow_id", workflow.into(), limits::WORKFLOW_ID)?;
        }
        Ok(())
    }
}

macro_rules! common_setters {
    () => {
        /// Two-letter country code, for a `number` in national form.
        pub fn country(mut self, country: impl Into<String>) -> Self {
            self.common.country = Some(country.into());
            self
        }

        /// Digits in the code: 4 or 6.
        pub fn code_length(mut self, digits: u32) -> Self {
            self.common.code_length = Some(digits);
            self
        }

        /// Language of the message (`lg`), e.g. `en-gb`; the spec lists the accepted ones.
        pub fn lg(mut self, locale: impl Into<String>) -> Self {
            self.common.lg = Some(locale.into());
            self
        }

        /// Seconds the code stays valid: 60 to 3600.
        pub fn pin_expiry(mut self, seconds: u32) -> Self {
            self.common.pin_expiry = Some(seconds);
            self
        }

        /// Seconds between delivery attempts: 60 to 900.
        pub fn next_event_wait(mut self, seconds: u32) -> Self {
            self.common.next_event_wait = Some(seconds);
            self
        }

        /// Which predefined sequence of SMS and calls to use: 1 to 7.
        pub fn workflow_id(mut self, workflow: u32) -> Self {
            self.common.workflow_id = Some(workflow);
            self
        }
    };
}

/// Sets the shared options on a generated request builder (request and PSD2 have separate
/// builder and locale types with the same methods). `lg` is checked against the locale enum
/// the spec gives the operation.
macro_rules! with_common {
    ($builder:expr, $common:expr, $rules:expr, $locale:ty) => {{
        let (c, rules): (&Common, Rules) = (&$common, $rules);
        let lg = c
            .lg
            .as_deref()
            .map(str::parse::<$locale>)
            .transpose()
            .map_err(|_| rules.fail("lg", "is not a locale the spec lists for this operation"))?;
        $builder
            .country(c.country.clone())
            .code_length(typed(rules.operation, c.code_length.map(i64::from))?)
            .lg(lg)
            .pin_expiry(c.pin_expiry.map(i64::from))
            .next_event_wait(c.next_event_wait.map(i64::from))
            .workflow_id(typed(rules.operation, c.workflow_id.map(i64::from))?)
    }};
}

/// Starts a verification (`verify_request`).
///
/// ```
/// use vonage_verify::v1::VerifyRequest;
///
/// let request = VerifyRequest::new("447700900000", "Acme Inc")
///     .code_length(6)
///     .pin_expiry(240)
///     .next_event_wait(120)
///     .workflow_id(4);
/// # let _ = request;
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct VerifyRequest {
    number: String,
    brand: String,
    sender_id: Option<String>,
    pin_code: Option<String>,
    common: Common,
}

impl VerifyRequest {
    /// A request to verify `number` (E.164, unless [`country`](Self::country) is set), with
    /// `brand` (at most 18 characters) named in the message.
    pub fn new(number: impl Into<String>, brand: impl Into<String>) -> Self {
        Self {
            number: number.into(),
            brand: brand.into(),
            sender_id: None,
            pin_code: None,
            common: Common::default(),
        }
    }

    common_setters!();

    /// The SMS sender, at most 11 characters.
    pub fn sender_id(mut self, sender: impl Into<String>) -> Self {
        self.sender_id = Some(sender.into());
        self
    }

    /// Your own code (4 to 10 characters) instead of a generated one; needs the feature on
    /// the account (status 20 otherwise).
    pub fn pin_code(mut self, code: impl Into<String>) -> Self {
        self.pin_code = Some(code.into());
        self
    }

    pub(crate) fn to_wire(&self, operation: &'static str) -> Result<types::VerifyRequest, Error> {
        let rules = Rules { operation };
        rules.max_chars("brand", &self.brand, limits::BRAND_CHARS)?;
        if let Some(sender) = &self.sender_id {
            rules.max_chars("sender_id", sender, limits::SENDER_ID_CHARS)?;
        }
        if let Some(code) = &self.pin_code {
            rules.chars("pin_code", code, limits::PIN_CODE_CHARS)?;
        }
        self.common.check(rules)?;
        let builder = types::VerifyRequest::builder()
            .number(self.number.clone())
            .brand(self.brand.clone())
            .sender_id(typed(operation, self.sender_id.clone())?)
            .pin_code(typed(operation, self.pin_code.clone())?);
        let builder = with_common!(builder, self.common, rules, types::VerifyRequestLg);
        generated(operation, types::VerifyRequest::try_from(builder))
    }
}

impl fmt::Debug for VerifyRequest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("VerifyRequest")
            .field("number", &self.number)
            .field("brand", &self.brand)
            .field("sender_id", &self.sender_id)
            // The code the user will type: not for logs.
            .field("pin_code", &self.pin_code.as_ref().map(|_| "[redacted]"))
            .field("country", &self.common.country)
            .field("code_length", &self.common.code_length)
            .field("lg", &self.common.lg)
            .field("pin_expiry", &self.common.pin_expiry)
            .field("next_event_wait", &self.common.next_event_wait)
            .field("workflow_id", &self.common.workflow_id)
            .finish()
    }
}

/// Starts a payment verification under PSD2 (`verify_request_with_psd2`): the message names
/// the payee and the amount.
///
/// ```
/// use rust_decimal::Decimal;
/// use vonage_verify::v1::Psd2Request;
///
/// let request = Psd2Request::new("447700900000", "Acme Inc", Decimal::new(4800, 2)).lg("en-gb");
/// # let _ = request;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Psd2Request {
    number: String,
    payee: String,
    amount: Decimal,
    common: Common,
}

impl Psd2Request {
    /// A payment of `amount` euros to `payee` (at most 18 characters), approved from `number`.
    /// The amount is sent exactly as given, never through a float.
    pub fn new(number: impl Into<String>, payee: impl Into<String>, amount: Decimal) -> Self {
        Self {
            number: number.into(),
            payee: payee.into(),
            amount,
            common: Common::default(),
        }
    }

    common_setters!();

    pub(crate) fn to_wire(&self, operation: &'static str) -> Result<types::Psd2Request, Error> {
        let rules = Rules { operation };
        rules.max_chars("payee", &self.payee, limits::BRAND_CHARS)?;
        self.common.check(rules)?;
        let builder = types::Psd2Request::builder()
            .number(self.number.clone())
            .payee(self.payee.clone())
            .amount(self.amount);
        let builder = with_common!(builder, self.common, rules, types::Psd2RequestLg);
        generated(operation, types::Psd2Request::try_from(builder))
    }
}

/// The body of `network_unblock`, checked.
pub(crate) fn unblock_request(
    operation: &'static str,
    request: &NetworkUnblock,
) -> Result<types::NetworkUnblock, Error> {
    request.check(operation)?;
    let builder = types::NetworkUnblock::builder()
        .network(Some(request.network.clone()))
        .unblock_duration(request.unblock_duration.map(i64::from));
    generated(operation, types::NetworkUnblock::try_from(builder))
}

/// A control command.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Command {
    /// Stop the verification (possible from 30 seconds after the start until the second
    /// delivery attempt).
    Cancel,
    /// Skip to the next delivery attempt, if any.
    TriggerNextEvent,
}

impl Command {
    /// The command as the API names it.
    pub fn as_str(self) -> &'static str {
        match self {
            Command::Cancel => "cancel",
            Command::TriggerNextEvent => "trigger_next_event",
        }
    }

    pub(crate) fn to_wire(self) -> types::ControlRequestCmd {
        match self {
            Command::Cancel => types::ControlRequestCmd::Cancel,
            Command::TriggerNextEvent => types::ControlRequestCmd::TriggerNextEvent,
        }
    }
}

/// Checks a code (`verify_check`): the verification's id and the code, 4 to 6 characters.
pub(crate) fn check_request(
    operation: &'static str,
    request_id: &str,
    code: &str,
) -> Result<types::CheckRequest, Error> {
    let rules = Rules { operation };
    rules.max_chars("request_id", request_id, 32)?;
    rules.chars("code", code, 4..=6)?;
    let builder = types::CheckRequest::builder()
        .request_id(request_id.to_owned())
        .code(code.to_owned());
    generated(operation, types::CheckRequest::try_from(builder))
}

/// The id of a one-id search: not empty (an empty `request_id` is no id at all).
pub(crate) fn search_id(operation: &'static str, id: &str) -> Result<(), Error> {
    if id.is_empty() {
        return Err(Rules { operation }.fail("request_id", "is empty"));
    }
    Ok(())
}

/// Ids for a search: 1 to 10, none of them empty.
pub(crate) fn search_ids(operation: &'static str, ids: &[String]) -> Result<(), Error> {
    let rules = Rules { operation };
    rules.items("request_ids", ids.len(), 1..=10)?;
    match ids.iter().position(String::is_empty) {
        Some(at) => Err(rules.fail("request_ids", format!("item {} is empty", at + 1))),
        None => Ok(()),
    }
}

pub(crate) fn control_request(
    operation: &'static str,
    request_id: &str,
    command: Command,
) -> Result<types::ControlRequest, Error> {
    let builder = types::ControlRequest::builder()
        .request_id(request_id.to_owned())
        .cmd(command.to_wire());
    generated(operation, types::ControlRequest::try_from(builder))
}

/// An optional value as the generated newtype that checks it.
fn typed<V, T>(operation: &'static str, value: Option<V>) -> Result<Option<T>, Error>
where
    T: TryFrom<V>,
    T::Error: fmt::Display,
{
    value
        .map(T::try_from)
        .transpose()
        .map_err(|e| Error::InvalidRequest {
            operation,
            message: e.to_string(),
        })
}

/// The generated types check the spec's constraints too; after ours, a failure there means
/// the two disagree, which is reported rather than hidden.
fn generated<T>(operation: &'static str, built: Result<T, impl fmt::Display>) -> Result<T, Error> {
    built.map_err(|e| Error::InvalidRequest {
        operation,
        message: e.to_string(),
    })
}
