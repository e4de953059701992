//! Credentials, application JWTs, and the choice of what a request carries.
//!
//! This module knows the schemes (form fields, Basic, a bearer token, an application JWT) but
//! not the APIs: each API says which schemes it accepts, in its order of preference
//! ([`Accepted`]), and the transport asks [`Credentials::attach`] to apply the first one this
//! client has credentials for.

pub(crate) mod credentials;
pub(crate) mod jwt;
pub(crate) mod origin;

use std::fmt;

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use zeroize::Zeroizing;

use secrecy::ExposeSecret as _;

use self::credentials::{ApiKey, BearerToken, authorization_value};
use self::jwt::TokenSource;
use crate::error::{ConfigError, Error, Mask};
use crate::spec::Security;

/// One way of presenting credentials.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Scheme {
    /// `api_key` and `api_secret` appended to a form body. Used only where the body is a form
    /// and stays with the base URL's origin (see [`Credentials::attach`]).
    FormFields,
    /// HTTP Basic with the API key and secret.
    Basic,
    /// The caller's bearer token.
    Bearer,
    /// An application JWT, minted and cached by the client.
    Jwt,
}

/// The schemes one API accepts, most preferred first, and how to name them when this client
/// has none of them.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Accepted {
    pub(crate) schemes: &'static [Scheme],
    pub(crate) needs: &'static str,
}

/// The client's credentials, with the `Authorization` values made once rather than on every
/// request.
pub(crate) struct Credentials {
    pub(crate) api_key: Option<ApiKey>,
    pub(crate) application: Option<TokenSource>,
    pub(crate) bearer: Option<BearerToken>,
    /// `None` for a credential that cannot be a header value.
    basic_header: Option<HeaderValue>,
    bearer_header: Option<HeaderValue>,
}

impl Scheme {
    /// Whether a spec whose security names `allowed` (for one operation) lets this scheme
    /// through; a spec that names none lets every scheme through.
    pub(crate) fn allowed_by(self, allowed: &[Security]) -> bool {
        let kind = match self {
            Scheme::FormFields => Security::ApiKey,
            Scheme::Basic => Security::Basic,
            Scheme::Bearer | Scheme::Jwt => Security::Bearer,
        };
        allowed.is_empty() || allowed.contains(&kind)
    }
}

impl Credentials {
    pub(crate) fn new(
        api_key: Option<ApiKey>,
        application: Option<TokenSource>,
        bearer: Option<BearerToken>,
    ) -> Self {
        let basic_header = api_key.as_ref().and_then(|credentials| {
            let pair = Zeroizing::new(format!(
                "{}:{}",
                credentials.key(),
                credentials.expose_secret()
            ));
            let encoded = Zeroizing::new(STANDARD.encode(pair.as_bytes()));
            authorization_value("Basic", &encoded)
        });
        let bearer_header = bearer
            .as_ref()
            .and_then(|token| authorization_value("Bearer", token.expose()));
        Self {
            api_key,
            application,
            bearer,
            basic_header,
            bearer_header,
        }
    }

    /// Every form in which a request of this client may carry a secret: the API secret as it
    /// is, form-encoded and JSON-escaped, the Basic credential, the bearer token, the
    /// application JWTs that may still be valid.
    pub(crate) fn mask(&self) -> Mask {
        let mut secrets = Vec::new();
        if let Some(credentials) = &self.api_key {
            let secret = credentials.expose_secret();
            secrets.push(Zeroizing::new(secret.to_owned()));
            secrets.push(Zeroizing::new(
                form_urlencoded::byte_serialize(secret.as_bytes()).collect(),
            ));
            // As a JSON string holds it (quotes and backslashes escaped).
            let json = Zeroizing::new(serde_json::Value::from(secret).to_string());
            secrets.push(Zeroizing::new(json[1..json.len() - 1].to_owned()));
            let pair = Zeroizing::new(format!("{}:{secret}", credentials.key()));
            secrets.push(Zeroizing::new(STANDARD.encode(pair.as_bytes())));
        }
        if let Some(token) = &self.bearer {
            secrets.push(Zeroizing::new(token.expose().to_owned()));
        }
        for minted in self.application.iter().flat_map(TokenSource::recent) {
            secrets.push(Zeroizing::new(minted.token.expose_secret().to_owned()));
        }
        Mask::new(secrets)
    }

    /// Whether this client holds the credential `scheme` presents.
    pub(crate) fn has(&self, scheme: Scheme) -> bool {
        match scheme {
            Scheme::FormFields | Scheme::Basic => self.api_key.is_some(),
            Scheme::Bearer => self.bearer.is_some(),
            Scheme::Jwt => self.application.is_some(),
        }
    }

    /// Adds to `request` the first of `accepted`'s schemes that the operation's spec allows
    /// (`allowed`, see [`Scheme::allowed_by`]) and this client has credentials for. Form
    /// fields count only when the body is a form held in memory and `body_stays` (the HTTP
    /// client re-sends bodies only within the origin): reqwest drops `Authorization` on a
    /// redirect to another host, but would re-send a body holding the secret.
    pub(crate) fn attach(
        &self,
        accepted: &Accepted,
        allowed: &[Security],
        operation: &'static str,
        request: &mut reqwest::Request,
        body_stays: bool,
    ) -> Result<(), Error> {
        let (scheme, presented) = accepted
            .schemes
            .iter()
            .filter(|scheme| scheme.allowed_by(allowed))
            .find_map(|&scheme| Some((scheme, self.present(scheme, request, body_stays)?)))
            .ok_or(Error::MissingCredentials {
                operation,
                needs: accepted.needs,
            })?;
        tracing::trace!(operation, ?scheme, "credentials attached");
        match presented {
            Presented::FormFields(credentials) => {
                append_form_fields(request, credentials.key(), credentials.expose_secret());
            }
            Presented::Header(value) => set_authorization(request, operation, value)?,
            Presented::Jwt(source) => {
                let minted = source.token().map_err(|e| ConfigError::PrivateKey {
                    reason: format!("signing the application JWT failed ({e})"),
                })?;
                set_authorization(request, operation, minted.header.as_ref())?;
            }
        }
        Ok(())
    }

    /// What `scheme` would put on `request`, if this client can present it there.
    fn present(
        &self,
        scheme: Scheme,
        request: &reqwest::Request,
        body_stays: bool,
    ) -> Option<Presented<'_>> {
        match scheme {
            Scheme::FormFields if body_stays && is_form(request) => {
                self.api_key.as_ref().map(Presented::FormFields)
            }
            Scheme::FormFields => None,
            Scheme::Basic => self
                .api_key
                .as_ref()
                .map(|_| Presented::Header(self.basic_header.as_ref())),
            Scheme::Bearer => self
                .bearer
                .as_ref()
                .map(|_| Presented::Header(self.bearer_header.as_ref())),
            Scheme::Jwt => self.application.as_ref().map(Presented::Jwt),
        }
    }
}

/// A credential ready to go on a request.
enum Presented<'a> {
    FormFields(&'a ApiKey),
    /// An `Authorization` value made once; `None` if the credential cannot be a header.
    Header(Option<&'a HeaderValue>),
    Jwt(&'a TokenSource),
}

impl fmt::Debug for Credentials {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Credentials")
            .field("api_key", &self.api_key)
            .field("application", &self.application)
            .field("bearer", &self.bearer)
            .finish_non_exhaustive()
    }
}

fn is_form(request: &reqwest::Request) -> bool {
    let form = request.headers().get(CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes()
            .starts_with(b"application/x-www-form-urlencoded")
    });
    // A streamed body cannot be extended; it gets another scheme.
    form && request.body().and_then(reqwest::Body::as_bytes).is_some()
}

fn append_form_fields(request: &mut reqwest::Request, key: &str, secret: &str) {
    let Some(form) = request.body().and_then(reqwest::Body::as_bytes) else {
        return;
    };
    let mut body = form.to_vec();
    if !body.is_empty() {
        body.push(b'&');
    }
    let fields = Zeroizing::new(
        form_urlencoded::Serializer::new(String::new())
            .append_pair("api_key", key)
            .append_pair("api_secret", secret)
            .finish(),
    );
    body.extend_from_slice(fields.as_bytes());
    *request.body_mut() = Some(body.into());
}

/// Sets `Authorization` to a value made once per credential (cloning it shares its bytes).
fn set_authorization(
    request: &mut reqwest::Request,
    operation: &'static str,
    value: Option<&HeaderValue>,
) -> Result<(), Error> {
    let value = value.ok_or_else(|| Error::InvalidRequest {
        operation,
        message: "the credential cannot be sent as an HTTP header".into(),
    })?;
    request.headers_mut().insert(AUTHORIZATION, value.clone());
    Ok(())
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};
    use std::time::{Duration, SystemTime};

    use secrecy::ExposeSecret as _;

    use super::Credentials;
    use super::credentials::{ApiKey, BearerToken, PrivateKey};
    use super::jwt::{JwtOptions, TokenSource};
    use crate::clock::Clock;
    use crate::error::{Error, ResponseContext};

    #[derive(Debug)]
    struct Manual(Mutex<SystemTime>);

    impl Clock for Manual {
        fn now(&self) -> SystemTime {
            *self.0.lock().unwrap()
        }
    }

    /// Every secret a request may carry is hidden, the JWT before the last renewal included
    /// (it is valid, and may be in flight, for the renewal margin).
    #[test]
    fn the_mask_hides_every_form_of_every_secret() {
        let clock = Arc::new(Manual(Mutex::new(SystemTime::UNIX_EPOCH)));
        let key = PrivateKey::from_pem(crate::tests::support::PRIVATE_KEY).unwrap();
        let source = TokenSource::new("app".into(), key, JwtOptions::default(), clock.clone());
        let first = source.token().unwrap().token.expose_secret().to_owned();
        *clock.0.lock().unwrap() += Duration::from_secs(15 * 60 - 30);
        let second = source.token().unwrap().token.expose_secret().to_owned();
        assert_ne!(first, second);
        let credentials = Credentials::new(
            Some(ApiKey::new("abcd1234", "s3cr3t \"!\"")),
            Some(source),
            Some(BearerToken::new("caller-token")),
        );
        let body = format!(
            "{first} {second} s3cr3t \"!\" s3cr3t+%22%21%22 s3cr3t \\\"!\\\" \
             YWJjZDEyMzQ6czNjcjN0ICIhIg== caller-token"
        );
        let error = credentials.mask().error(Error::Decode {
            context: ResponseContext::new("op").with_body(body.as_bytes(), &credentials.mask()),
            reason: body.clone(),
        });
        let Error::Decode { context, reason } = &error else {
            unreachable!()
        };
        let expected =
            "[redacted] [redacted] [redacted] [redacted] [redacted] [redacted] [redacted]";
        assert_eq!(reason, expected);
        // The excerpt is cut at 1 KiB, before the two tokens' length is through.
        let excerpt = context.body.as_deref().unwrap();
        assert!(excerpt.starts_with("[redacted] [redacted]"), "{excerpt}");
        assert!(!excerpt.contains(&first[..20]) && !excerpt.contains(&second[..20]));
    }
}
