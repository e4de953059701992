//! What the mock keeps for a test to read: the codes it "sent" and the requests it received.

/// A code the mock "sent".
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Message {
    /// The verification.
    pub request_id: String,
    /// `v1` or `v2`.
    pub api: &'static str,
    /// The number or address.
    pub to: String,
    /// The channel of the first step.
    pub channel: String,
    /// The brand it was sent for.
    pub brand: String,
    /// The code.
    pub code: String,
    /// The `client_ref` it was started with (v2).
    pub client_ref: Option<String>,
}

/// A request the mock received.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[non_exhaustive]
pub struct Recorded {
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The query string, if any.
    pub query: Option<String>,
    /// The `Authorization` scheme used (`Basic`, `Bearer`), if any; never the credentials.
    pub auth_scheme: Option<String>,
    /// The body, as text (a form's `api_secret` replaced by `[redacted]`).
    pub body: String,
}

/// A body or query string as text, with an `api_secret` hidden, in a form or a JSON object:
/// recorded requests end up in test output.
pub(crate) fn redacted(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(bytes);
    if text.contains("api_secret=") {
        return form_urlencoded::Serializer::new(String::new())
            .extend_pairs(form_urlencoded::parse(bytes).map(|(key, value)| {
                let value = if key == "api_secret" {
                    "[redacted]".into()
                } else {
                    value
                };
                (key, value)
            }))
            .finish();
    }
    if text.contains("\"api_secret\"")
        && let Ok(serde_json::Value::Object(mut object)) = serde_json::from_slice(bytes)
        && let Some(secret) = object.get_mut("api_secret")
    {
        *secret = "[redacted]".into();
        return serde_json::Value::Object(object).to_string();
    }
    text.into_owned()
}

#[cfg(test)]
mod tests {
    use super::redacted;

    #[test]
    fn the_secret_is_hidden_in_forms_and_json() {
        assert_eq!(
            redacted(b"api_key=k&api_secret=s3cr3t&number=1"),
            "api_key=k&api_secret=%5Bredacted%5D&number=1"
        );
        let json = redacted(br#"{"api_key": "k", "api_secret": "s3cr3t", "number": "1"}"#);
        assert!(
            !json.contains("s3cr3t") && json.contains("[redacted]"),
            "{json}"
        );
        assert_eq!(redacted(b"{\"brand\": \"ACME\"}"), "{\"brand\": \"ACME\"}");
    }
}
