//! Which credentials a request carries, and where they go.

use base64::Engine as _;
use base64::engine::general_purpose::STANDARD;
use reqwest::header::{AUTHORIZATION, CONTENT_TYPE, HeaderValue};
use url::{Host, Position, Url};
use zeroize::Zeroizing;

use super::{Api, Probe, Transport};
use crate::credentials::V2Auth;
use crate::error::{ConfigError, Error};
use crate::spec::by_method;

/// What to put on a request, chosen from the API, the operation and the client's credentials.
enum Scheme<'a> {
    FormFields { key: &'a str, secret: &'a str },
    Basic { key: &'a str, secret: &'a str },
    Jwt,
    Bearer,
}

const V1_NEEDS: &str = "an API key and secret";
const V2_NEEDS: &str =
    "an application (id and private key), a bearer token, or an API key and secret";

impl Transport {
    /// Attaches the credentials `operation` needs, if it needs any and the request goes to the
    /// configured base URL's origin over TLS (or loopback). An operation the generated table
    /// does not list gets none: unknown means unauthenticated, never the reverse.
    pub(crate) fn authorize(
        &self,
        api: Api,
        operation: &'static str,
        request: &mut reqwest::Request,
    ) -> Result<(), Error> {
        Probe::report(|probe| probe.called(operation));
        let settings = self.settings();
        let authenticated =
            by_method(api.operations(), operation).is_some_and(|op| op.authenticated);
        if !authenticated {
            tracing::trace!(operation, "operation declares no security; no credentials");
            return Ok(());
        }
        if !may_carry_credentials(request.url(), &settings.base_url) {
            tracing::debug!(
                operation,
                "request leaves the base URL's origin; credentials withheld"
            );
            return Ok(());
        }
        let scheme = self.scheme(api, request).ok_or(Error::MissingCredentials {
            operation,
            needs: match api {
                Api::V1 => V1_NEEDS,
                Api::V2 => V2_NEEDS,
            },
        })?;
        match scheme {
            Scheme::FormFields { key, secret } => {
                tracing::trace!(operation, "credentials as form fields");
                append_form_fields(request, key, secret);
            }
            Scheme::Basic { .. } => {
                tracing::trace!(operation, "credentials as HTTP Basic");
                set_authorization(request, operation, settings.basic_header.as_ref())?;
            }
            Scheme::Bearer => {
                tracing::trace!(operation, "credentials as the caller's bearer token");
                set_authorization(request, operation, settings.bearer_header.as_ref())?;
            }
            Scheme::Jwt => {
                tracing::trace!(operation, "credentials as an application JWT");
                let source = settings
                    .application
                    .as_ref()
                    .ok_or(Error::MissingCredentials {
                        operation,
                        needs: V2_NEEDS,
                    })?;
                let minted = source.token().map_err(|e| ConfigError::PrivateKey {
                    reason: format!("signing the application JWT failed ({e})"),
                })?;
                set_authorization(request, operation, minted.header.as_ref())?;
            }
        }
        Ok(())
    }

    fn scheme(&self, api: Api, request: &reqwest::Request) -> Option<Scheme<'_>> {
        let settings = self.settings();
        let basic = settings.api_key.as_ref().map(|credentials| Scheme::Basic {
            key: credentials.key(),
            secret: credentials.secret(),
        });
        match api {
            // The v1 spec puts the key and secret in form bodies; its GET (search) and JSON
            // (network unblock) operations take Basic, so a secret never lands in a URL. A
            // caller's HTTP client may follow a 307 to another host with the body, whereas
            // reqwest drops the Authorization header there: with such a client, Basic it is.
            Api::V1 => match basic? {
                Scheme::Basic { key, secret } if is_form(request) && settings.own_http_client => {
                    Some(Scheme::FormFields { key, secret })
                }
                scheme => Some(scheme),
            },
            Api::V2 => {
                let jwt = settings.application.as_ref().map(|_| Scheme::Jwt);
                let bearer = settings.bearer.as_ref().map(|_| Scheme::Bearer);
                match settings.v2_auth {
                    V2Auth::Auto => bearer.or(jwt).or(basic),
                    V2Auth::Jwt => jwt,
                    V2Auth::Bearer => bearer,
                    V2Auth::Basic => basic,
                }
            }
        }
    }
}

fn is_form(request: &reqwest::Request) -> bool {
    let form = request.headers().get(CONTENT_TYPE).is_some_and(|v| {
        v.as_bytes()
            .starts_with(b"application/x-www-form-urlencoded")
    });
    // A streamed body cannot be extended; it gets Basic instead.
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

/// `scheme credential` as a header value, or `None` when it cannot be one (header values
/// cannot hold control characters; the builder checks the caller's token).
pub(crate) fn authorization_value(scheme: &str, credential: &str) -> Option<HeaderValue> {
    let text = Zeroizing::new(format!("{scheme} {credential}"));
    let mut value = HeaderValue::from_str(&text).ok()?;
    // Sensitive values are left out of `Debug` output and HTTP/2 header compression.
    value.set_sensitive(true);
    Some(value)
}

impl super::Settings {
    /// Makes the `Authorization` values of the API key and bearer token.
    pub(crate) fn with_headers(mut self) -> Self {
        self.basic_header = self.api_key.as_ref().and_then(|credentials| {
            let pair = Zeroizing::new(format!("{}:{}", credentials.key(), credentials.secret()));
            let encoded = Zeroizing::new(STANDARD.encode(pair.as_bytes()));
            authorization_value("Basic", &encoded)
        });
        self.bearer_header = self
            .bearer
            .as_ref()
            .and_then(|token| authorization_value("Bearer", token.expose()));
        self
    }
}

/// Credentials go only to the base URL's origin (scheme, host and port), and only over TLS or
/// to this machine.
pub(crate) fn may_carry_credentials(url: &Url, base_url: &Url) -> bool {
    debug_assert!(
        base_url.username().is_empty()
            && base_url.password().is_none()
            && base_url.query().is_none(),
        "base URLs are checked when the client is built"
    );
    // The `url` crate writes an http(s) origin in one form only (scheme and host lowercased,
    // hosts through IDNA, addresses in standard notation, a default port left out), so two
    // URLs have the same origin exactly when their text up to the path is the same. Comparing
    // that text is cheaper than `Url::origin`, which allocates, on a path every request takes.
    // User information would sit inside the prefix and break it; reqwest has moved any into
    // a header before this runs.
    let origin = &base_url[..Position::BeforePath];
    // An http(s) path always begins with `/`, so this also refuses `api.nexmo.com.evil.example`
    // and `api.nexmo.com:8443` after `api.nexmo.com`.
    let same_origin = url
        .as_str()
        .strip_prefix(origin)
        .is_some_and(|rest| rest.starts_with('/'));
    // The request's host is the base's, so TLS or loopback holds for both or neither.
    same_origin
        && match base_url.scheme() {
            "https" => true,
            "http" => is_loopback(base_url),
            _ => false,
        }
}

/// Whether the URL names this machine, where plain http cannot be observed by anyone else.
pub(crate) fn is_loopback(url: &Url) -> bool {
    match url.host() {
        Some(Host::Ipv4(ip)) => ip.is_loopback(),
        Some(Host::Ipv6(ip)) => ip.is_loopback(),
        Some(Host::Domain(name)) => name.eq_ignore_ascii_case("localhost"),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::may_carry_credentials;

    fn url(s: &str) -> url::Url {
        s.parse().unwrap()
    }

    #[test]
    fn credentials_go_only_to_the_base_origin_over_tls_or_loopback() {
        let base = url("https://api.nexmo.com");
        assert!(may_carry_credentials(
            &url("https://api.nexmo.com/verify/json"),
            &base
        ));
        assert!(!may_carry_credentials(
            &url("https://evil.example/verify/json"),
            &base
        ));
        assert!(!may_carry_credentials(
            &url("https://api.nexmo.com:8443/verify/json"),
            &base
        ));
        assert!(!may_carry_credentials(
            &url("http://api.nexmo.com/verify/json"),
            &base
        ));
        let plain = url("http://api.example.com");
        assert!(!may_carry_credentials(
            &url("http://api.example.com/x"),
            &plain
        ));
        let local = url("http://127.0.0.1:8080");
        assert!(may_carry_credentials(
            &url("http://127.0.0.1:8080/x"),
            &local
        ));
        assert!(!may_carry_credentials(
            &url("http://127.0.0.1:8081/x"),
            &local
        ));
        let named = url("http://localhost:8080");
        assert!(may_carry_credentials(
            &url("http://localhost:8080/x"),
            &named
        ));
    }

    /// The text compare against the definition it stands for: same `Url::origin`, TLS or
    /// loopback, and no user information in the request's URL.
    #[test]
    fn the_text_compare_agrees_with_url_origins() {
        let urls = [
            "https://api.nexmo.com",
            "https://API.Nexmo.com/v2/verify",
            "https://api.nexmo.com:443/x",
            "https://api.nexmo.com:8443/x",
            "https://user:pass@api.nexmo.com/x",
            "https://api.nexmo.com@evil.example/x",
            "https://api.nexmo.com:@evil.example/x",
            "https://api.nexmo.com:443@evil.example/x",
            "http://127.0.0.1:8080@evil.example/x",
            "https://@api.nexmo.com/x",
            "https://:pass@api.nexmo.com/x",
            "https://api%2Enexmo.com/x",
            "https://\u{ff41}pi.nexmo.com/x",
            "HTTPS://api.nexmo.com/x",
            "https:\\\\api.nexmo.com\\x",
            "https://api.nexmo.com:0443/x",
            "https://api.nexmo.com:/x",
            "https://api.nexmo.com?x",
            "https://api.nexmo.com#x",
            "wss://api.nexmo.com/x",
            "file://api.nexmo.com/x",
            "blob:https://api.nexmo.com/x",
            "https://proxy.example/vonage",
            "https://proxy.example/other",
            "https://proxy.example.evil/vonage",
            "https://api.nexmo.com./x",
            "https://api.nexmo.com.evil.example/x",
            "https://evil.example/api.nexmo.com",
            "https://xn--nxmo-dra.com/x",
            "https://néxmo.com/x",
            "http://api.nexmo.com/x",
            "http://api.nexmo.com:80/x",
            "http://127.0.0.1:8080/x",
            "http://127.0.0.1:80/x",
            "http://127.1:8080/x",
            "http://0x7f.0.0.1:8080/x",
            "http://2130706433:8080/x",
            "http://0177.0.0.1:8080/x",
            "http://127.0.0.1.:8080/x",
            "http://[::ffff:127.0.0.1]:8080/x",
            "http://[::1]:8080/x",
            "http://[0:0:0:0:0:0:0:1]:8080/x",
            "http://localhost:8080/x",
            "http://LOCALHOST:8080/x",
            "http://localhost/x",
            "https://[2001:db8::1]/x",
            "ftp://api.nexmo.com/x",
            "data:text/plain,x",
        ];
        // Only what the client accepts as a base URL is tried as one.
        let bases: Vec<_> = urls
            .iter()
            .filter_map(|base| crate::client::parse_base_url(base).ok())
            .collect();
        assert!(bases.len() > 10, "{bases:?}");
        let (mut allowed, mut refused) = (0, 0);
        for base in &bases {
            for request in urls {
                let request = url(request);
                let expected = matches!(request.scheme(), "http" | "https")
                    && request.origin() == base.origin()
                    && request.username().is_empty()
                    && request.password().is_none()
                    && (request.scheme() == "https" || super::is_loopback(&request));
                assert_eq!(
                    may_carry_credentials(&request, base),
                    expected,
                    "{request} with base {base}"
                );
                *if expected { &mut allowed } else { &mut refused } += 1;
            }
        }
        assert!(
            allowed > 50 && refused > 500,
            "{allowed} allowed, {refused} refused"
        );
        // What no request can carry, since it does not parse.
        for bad in ["http://[::1%25lo]:8080/x", "https://api.nexmo.com:65536/x"] {
            assert!(bad.parse::<url::Url>().is_err(), "{bad}");
        }
    }
}
