//! The one path every request of the crate takes: credentials are added here and nowhere else.

use std::fmt;
use std::sync::Arc;

use progenitor_client::{ClientHooks, ClientInfo, OperationInfo};
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use secrecy::{ExposeSecret, SecretString};

/// What each generated client carries: the credentials to attach to its requests.
///
/// Cheap to clone (it is shared). Its `Debug` output never shows a secret.
///
/// ```
/// let transport = vonage_verify::Transport::new().with_api_key("abcd1234", "s3cr3t");
/// assert!(!format!("{transport:?}").contains("s3cr3t"));
/// ```
#[derive(Clone, Default)]
pub struct Transport {
    inner: Arc<Credentials>,
}

#[derive(Default)]
struct Credentials {
    // A plain key/secret pair; JWT and bearer credentials come with the high-level client.
    api_key: Option<(String, SecretString)>,
}

impl Transport {
    /// A transport that adds no credentials.
    pub fn new() -> Self {
        Self::default()
    }

    /// Authenticates requests with the account's API key and secret.
    pub fn with_api_key(self, key: impl Into<String>, secret: impl Into<String>) -> Self {
        let mut credentials = Credentials { api_key: None };
        credentials.api_key = Some((key.into(), SecretString::from(secret.into())));
        Self {
            inner: Arc::new(credentials),
        }
    }

    /// Sends a request built for the API at `base_url`. Credentials are attached only if the
    /// operation asks for them, the request goes to that same origin, and the connection is
    /// encrypted (or stays on this machine, as tests and local mocks do).
    pub(crate) async fn execute(
        &self,
        client: &reqwest::Client,
        base_url: &str,
        authenticated: bool,
        mut request: reqwest::Request,
    ) -> reqwest::Result<reqwest::Response> {
        // progenitor adds the spec's `info.version` as a header; Vonage does not define it.
        request.headers_mut().remove("api-version");
        if authenticated && may_carry_credentials(request.url(), base_url) {
            self.authenticate(&mut request);
        }
        client.execute(request).await
    }

    /// v1 form bodies carry the key and secret as fields, which is where the spec puts them;
    /// every other request uses HTTP Basic, so a secret never lands in a URL.
    fn authenticate(&self, request: &mut reqwest::Request) {
        let Some((key, secret)) = &self.inner.api_key else {
            return;
        };
        let secret = secret.expose_secret();
        let is_form = request.headers().get(CONTENT_TYPE).is_some_and(|v| {
            v.as_bytes()
                .starts_with(b"application/x-www-form-urlencoded")
        });
        match request.body().and_then(reqwest::Body::as_bytes) {
            Some(form) if is_form => {
                let fields = [("api_key", key.as_str()), ("api_secret", secret)];
                let extra = serde_urlencoded::to_string(fields).unwrap_or_default();
                let mut body = form.to_vec();
                if !body.is_empty() {
                    body.push(b'&');
                }
                body.extend_from_slice(extra.as_bytes());
                *request.body_mut() = Some(body.into());
            }
            _ => {
                use base64::Engine as _;
                let token =
                    base64::engine::general_purpose::STANDARD.encode(format!("{key}:{secret}"));
                if let Ok(mut value) = HeaderValue::from_str(&format!("Basic {token}")) {
                    value.set_sensitive(true);
                    request.headers_mut().insert(AUTHORIZATION, value);
                }
            }
        }
    }
}

fn may_carry_credentials(url: &reqwest::Url, base_url: &str) -> bool {
    let same_origin = reqwest::Url::parse(base_url).is_ok_and(|base| base.origin() == url.origin());
    let loopback = match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(name)) => name == "localhost",
        None => false,
    };
    same_origin && (url.scheme() == "https" || loopback)
}

impl fmt::Debug for Transport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = self.inner.api_key.as_ref().map(|(k, _)| k.as_str());
        f.debug_struct("Transport")
            .field("api_key", &key)
            .field("api_secret", &"[redacted]")
            .finish()
    }
}

/// Routes a generated client's requests through [`Transport::execute`], with the operation's
/// security requirement as the spec states it.
macro_rules! send_through_transport {
    ($api:ident) => {
        impl ClientHooks<Transport> for crate::$api::raw::Client {
            async fn exec(
                &self,
                request: reqwest::Request,
                info: &OperationInfo,
            ) -> reqwest::Result<reqwest::Response> {
                let operation =
                    crate::spec::by_method(crate::$api::raw::OPERATIONS, info.operation_id);
                // An operation the table does not know gets no credentials (fail closed).
                let authenticated = operation.is_some_and(|op| op.authenticated);
                self.inner()
                    .execute(self.client(), self.baseurl(), authenticated, request)
                    .await
            }
        }
    };
}

send_through_transport!(v1);
send_through_transport!(v2);

#[cfg(test)]
mod tests {
    use super::may_carry_credentials;

    fn url(s: &str) -> reqwest::Url {
        s.parse().unwrap()
    }

    #[test]
    fn credentials_go_only_to_the_base_origin_over_tls_or_loopback() {
        let base = "https://api.nexmo.com";
        assert!(may_carry_credentials(
            &url("https://api.nexmo.com/verify/json"),
            base
        ));
        assert!(!may_carry_credentials(
            &url("https://evil.example/verify/json"),
            base
        ));
        assert!(!may_carry_credentials(
            &url("https://api.nexmo.com:8443/verify/json"),
            base
        ));
        assert!(!may_carry_credentials(
            &url("http://api.example.com/x"),
            "http://api.example.com"
        ));
        assert!(may_carry_credentials(
            &url("http://127.0.0.1:8080/x"),
            "http://127.0.0.1:8080"
        ));
        assert!(may_carry_credentials(
            &url("http://localhost:8080/x"),
            "http://localhost:8080"
        ));
        assert!(!may_carry_credentials(
            &url("https://api.nexmo.com/x"),
            "not a url"
        ));
    }
}
