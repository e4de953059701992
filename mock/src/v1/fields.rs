//! Reading v1's fields (a form, a JSON object, query parameters), and the statuses their
//! mistakes get.

use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde_json::Value;

use super::reply::{Format, Reply};
use crate::shared::Shared;

/// A form or query string's fields, in order, repeated names kept.
pub(crate) type Form = Vec<(String, String)>;

pub(crate) fn form(bytes: &[u8]) -> Form {
    form_urlencoded::parse(bytes).into_owned().collect()
}

/// A POST's fields: its body, as the spec's form or as the JSON object Vonage's Node SDK
/// sends (the live service takes both), then its query parameters (credentials may come
/// there too).
pub(crate) fn fields(headers: &HeaderMap, query: Option<&str>, body: &[u8]) -> Form {
    let json = headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|value| value.to_str().ok())
        .is_some_and(|value| value.trim_start().starts_with("application/json"));
    let mut fields = if json {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(object)) => object
                .into_iter()
                .map(|(key, value)| match value {
                    Value::String(text) => (key, text),
                    other => (key, other.to_string()),
                })
                .collect(),
            _ => Form::new(),
        }
    } else {
        form(body)
    };
    fields.extend(form(query.unwrap_or_default().as_bytes()));
    fields
}

/// The first non-empty value of `name`.
pub(crate) fn field<'a>(form: &'a Form, name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(key, _)| key == name)
        .map(|(_, value)| value.as_str())
        .filter(|value| !value.is_empty())
}

/// Status 2, for a missing field.
pub(crate) fn missing(operation: &'static str, root: &'static str, name: &str) -> Reply {
    Reply::status(
        operation,
        root,
        2,
        &format!("Your request is incomplete and missing the mandatory parameter `{name}`"),
        None,
    )
}

/// Status 3, for a field the spec does not allow.
pub(crate) fn invalid(operation: &'static str, root: &'static str, name: &str) -> Reply {
    Reply::status(
        operation,
        root,
        3,
        &format!("Invalid value for param: {name}"),
        None,
    )
}

/// `name`'s value read as the generated type `T`, which carries the spec's constraints on
/// it (length, pattern, enum): `Err(())` when present but not a `T`. Form values are all
/// text; `numeric` fields are read as numbers first.
pub(crate) fn conform<T: DeserializeOwned>(
    form: &Form,
    name: &str,
    numeric: bool,
) -> Result<Option<T>, ()> {
    let Some(text) = field(form, name) else {
        return Ok(None);
    };
    let value = match text.parse::<i64>() {
        Ok(number) if numeric => Value::from(number),
        _ if numeric => return Err(()),
        _ => Value::String(text.to_owned()),
    };
    serde_json::from_value(value).map(Some).map_err(|_| ())
}

/// An integer field within `range`, or its default when absent.
pub(crate) fn integer(
    form: &Form,
    name: &str,
    range: std::ops::RangeInclusive<u64>,
    default: u64,
) -> Result<u64, ()> {
    match field(form, name).map(str::parse::<u64>) {
        None => Ok(default),
        Some(Ok(n)) if range.contains(&n) => Ok(n),
        Some(_) => Err(()),
    }
}

/// What every call checks first: a known format, then the credentials (status 4).
pub(crate) fn gate(
    format: &str,
    headers: &HeaderMap,
    shared: &Shared,
    form: &Form,
    operation: &'static str,
    root: &'static str,
) -> Result<Format, Box<Response>> {
    let Some(format) = Format::parse(format) else {
        return Err(Box::new(
            (StatusCode::NOT_FOUND, "unknown format").into_response(),
        ));
    };
    if shared.v1_auth_ok(headers, form) {
        Ok(format)
    } else {
        Err(Box::new(
            Reply::status(operation, root, 4, "Bad Credentials", None).into_response(format),
        ))
    }
}
