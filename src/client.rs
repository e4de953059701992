//! The client users hold: configuration, credentials, and the two APIs.

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use reqwest::header::HeaderValue;
use secrecy::SecretString;
use url::Url;

use crate::auth::Credentials;
use crate::auth::credentials::{ApiKey, BearerToken, PrivateKey, SignatureSecret, V2Auth};
use crate::auth::jwt::{JwtOptions, TokenSource};
use crate::auth::origin::{displayable_url, parse_base_url};
use crate::clock::{Clock, SystemClock};
use crate::error::{ConfigError, Error};
use crate::retry::RetryPolicy;
use crate::transport::{Settings, Transport};
use crate::{redirect, v1, v2, webhook};

/// Where Vonage serves both Verify APIs.
pub const DEFAULT_BASE_URL: &str = "https://api.nexmo.com";

/// Vonage's API host for Europe, the Middle East and Africa, to which Vonage's own Verify
/// documentation sends v2 requests: `.base_url(EU_BASE_URL)`. Vonage documents no data
/// residency for it, and no Verify page shows v1 there. Other regional hosts exist for
/// Vonage's APIs, but none is documented for Verify yet; any of them can still be given to
/// [`base_url`](ClientBuilder::base_url).
pub const EU_BASE_URL: &str = "https://api-eu.vonage.com";

/// The largest response body the client reads by default: 1 MiB, far above any Verify response.
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 1 << 20;

const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
const DEFAULT_USER_AGENT: &str = concat!("vonage-verify/", env!("CARGO_PKG_VERSION"));

/// A client for both Verify APIs.
///
/// Cheap to clone (clones share one connection pool and one JWT cache), and `Send + Sync`, so
/// one client can serve a whole application. Build it with [`Client::builder`] or
/// [`Client::from_env`]; then use [`Client::v1`] and [`Client::v2`].
///
/// With an API key and secret (v1, and v2 over HTTP Basic):
///
/// ```
/// # fn main() -> Result<(), vonage_verify::Error> {
/// use vonage_verify::{ApiKey, Client};
///
/// let client = Client::builder()
///     .api_key(ApiKey::new("abcd1234", "s3cr3t"))
///     .build()?;
/// assert!(!format!("{client:?}").contains("s3cr3t"));
/// # Ok(()) }
/// ```
///
/// With an application, whose JWTs v2 prefers (minted, cached and renewed by the client):
///
/// ```no_run
/// # fn main() -> Result<(), vonage_verify::Error> {
/// use vonage_verify::{Client, PrivateKey};
///
/// let client = Client::builder()
///     .application("aaaaaaaa-bbbb-cccc-dddd-0123456789ab", PrivateKey::from_file("private.key")?)
///     .build()?;
/// # let _ = client;
/// # Ok(()) }
/// ```
///
/// The client adds credentials to each request itself, as the spec of each operation asks:
///
/// | API | sends |
/// | --- | --- |
/// | v1 form POSTs (request, check, control, psd2) | `api_key` and `api_secret` as body fields |
/// | v1 search (a GET) and network unblock (JSON) | HTTP Basic, so the secret is never in a URL |
/// | v2 | a bearer token if given, else an application JWT, else HTTP Basic ([`ClientBuilder::v2_auth`] pins the choice); silent authentication needs a JWT or a bearer token |
/// | v2's silent-auth check URL | nothing: the device opens it |
///
/// Application JWTs are RS256 with `application_id`, `iat`, a unique `jti`, `exp` (15
/// minutes by default) and optional `sub` and `acl` ([`JwtOptions`](crate::JwtOptions)); the
/// current one is cached and renewed a minute before it expires. Credentials go only to the
/// base URL's origin, over https or to a loopback address; the client's own HTTP client
/// follows redirects only within that origin.
///
/// With a token minted elsewhere, and the webhook signature secret:
///
/// ```
/// # fn main() -> Result<(), vonage_verify::Error> {
/// use vonage_verify::{BearerToken, Client, SignatureSecret};
///
/// let client = Client::builder()
///     .bearer_token(BearerToken::new("eyJhbGciOiJSUzI1NiJ9.e30.c2ln"))
///     .signature_secret(SignatureSecret::new("whsec"))
///     .build()?;
/// assert!(client.signature_secret().is_some());
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

struct Inner {
    v1: v1::Api,
    v2: v2::Api,
    settings: Arc<Settings>,
    v2_auth: V2Auth,
    signature_secret: Option<SignatureSecret>,
    clock: Arc<dyn Clock>,
}

impl Client {
    /// Starts configuring a client.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client configured from the `VONAGE_*` environment variables; see
    /// [`ClientBuilder::from_env`].
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if the variables are inconsistent, the private key cannot be read or
    /// used, or the base URL is invalid.
    pub fn from_env() -> Result<Self, Error> {
        ClientBuilder::from_env()?.build()
    }

    /// Verify v1: request, check, search, control, PSD2 and network unblock.
    pub fn v1(&self) -> &v1::Api {
        &self.inner.v1
    }

    /// Verify v2: workflows, checks, silent authentication, templates.
    pub fn v2(&self) -> &v2::Api {
        &self.inner.v2
    }

    /// The base URL every request goes to, and the only origin that receives credentials.
    pub fn base_url(&self) -> &Url {
        &self.inner.settings.base_url
    }

    /// The secret Vonage signs webhooks with, if one was configured.
    pub fn signature_secret(&self) -> Option<&SignatureSecret> {
        self.inner.signature_secret.as_ref()
    }

    /// A [`Verifier`](webhook::Verifier) for this account's callbacks, with the client's
    /// signature secret and clock. Add [`api_key`](webhook::Verifier::api_key) or
    /// [`issuer`](webhook::Verifier::issuer) to require those claims too: Vonage documents them
    /// for signed callbacks in general, not for Verify's in particular, so they are not
    /// required by default.
    ///
    /// ```
    /// use vonage_verify::{ApiKey, Client, SignatureSecret};
    ///
    /// let client = Client::builder()
    ///     .api_key(ApiKey::new("abcd1234", "secret"))
    ///     .signature_secret(SignatureSecret::new("the account's signature secret"))
    ///     .build()?;
    /// let verifier = client.webhook_verifier()?.api_key("abcd1234");
    /// # let _ = verifier;
    /// # Ok::<(), vonage_verify::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::MissingCredentials`] if no signature secret is configured.
    pub fn webhook_verifier(&self) -> Result<webhook::Verifier, Error> {
        let secret = self.signature_secret().ok_or(Error::MissingCredentials {
            operation: "webhook_verifier",
            needs: "the signature secret",
        })?;
        Ok(webhook::Verifier::new(secret.clone()).clock(self.inner.clock.clone()))
    }

    /// The application JWT the client is currently sending to v2 (minting one if none is
    /// fresh), for calling other Vonage APIs with the same application.
    ///
    /// # Errors
    ///
    /// [`Error::MissingCredentials`] if no application is configured.
    pub fn application_jwt(&self) -> Result<SecretString, Error> {
        let source = self.inner.settings.credentials.application.as_ref().ok_or(
            Error::MissingCredentials {
                operation: "application_jwt",
                needs: "an application (id and private key)",
            },
        )?;
        let minted = source.token().map_err(|e| ConfigError::PrivateKey {
            reason: format!("signing the application JWT failed ({e})"),
        })?;
        Ok(minted.token.clone())
    }
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("settings", &self.inner.settings)
            .field("v2_auth", &self.inner.v2_auth)
            .field("signature_secret", &self.inner.signature_secret)
            .finish()
    }
}

/// Configuration for a [`Client`]. Every setting has a default except the credentials; each
/// API call checks for the credentials it needs before sending anything.
#[derive(Clone)]
pub struct ClientBuilder {
    base_url: Option<String>,
    api_key: Option<ApiKey>,
    application: Option<(String, PrivateKey)>,
    bearer: Option<BearerToken>,
    signature_secret: Option<SignatureSecret>,
    v2_auth: V2Auth,
    jwt: JwtOptions,
    clock: Arc<dyn Clock>,
    http: Option<reqwest::Client>,
    connect_timeout: Option<Duration>,
    timeout: Option<Duration>,
    user_agent: Option<String>,
    max_response_bytes: usize,
    retry: Option<RetryPolicy>,
    max_in_flight: Option<usize>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        Self {
            base_url: None,
            api_key: None,
            application: None,
            bearer: None,
            signature_secret: None,
            v2_auth: V2Auth::Auto,
            jwt: JwtOptions::default(),
            clock: Arc::new(SystemClock),
            http: None,
            connect_timeout: None,
            timeout: None,
            user_agent: None,
            max_response_bytes: DEFAULT_MAX_RESPONSE_BYTES,
            retry: None,
            max_in_flight: None,
        }
    }
}

/// The environment variables [`ClientBuilder::from_env`] reads.
mod var {
    pub const API_KEY: &str = "VONAGE_API_KEY";
    pub const API_SECRET: &str = "VONAGE_API_SECRET";
    pub const APPLICATION_ID: &str = "VONAGE_APPLICATION_ID";
    pub const PRIVATE_KEY: &str = "VONAGE_PRIVATE_KEY";
    pub const PRIVATE_KEY_PATH: &str = "VONAGE_PRIVATE_KEY_PATH";
    pub const SIGNATURE_SECRET: &str = "VONAGE_SIGNATURE_SECRET";
    pub const BASE_URL: &str = "VONAGE_BASE_URL";
}

impl ClientBuilder {
    /// A builder configured from the process environment:
    ///
    /// | variable | meaning |
    /// |---|---|
    /// | `VONAGE_API_KEY`, `VONAGE_API_SECRET` | the account's key and secret (both or neither) |
    /// | `VONAGE_APPLICATION_ID` | the application whose JWTs v2 uses |
    /// | `VONAGE_PRIVATE_KEY` | that application's private key, as PEM text |
    /// | `VONAGE_PRIVATE_KEY_PATH` | or the path of the PEM file (not both) |
    /// | `VONAGE_SIGNATURE_SECRET` | the secret webhooks are signed with |
    /// | `VONAGE_BASE_URL` | another base URL, e.g. a mock server |
    ///
    /// Empty variables count as unset. A PEM with its line breaks written as `\n` (as many
    /// `.env` files hold it) is accepted. The builder can be adjusted further before
    /// [`build`](Self::build).
    ///
    /// # Errors
    ///
    /// [`ConfigError::Env`] if the variables are inconsistent, and the errors of
    /// [`PrivateKey::from_pem`] and [`PrivateKey::from_file`].
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Like [`from_env`](Self::from_env), reading each variable through `lookup` instead, for
    /// configuration kept somewhere other than the process environment.
    ///
    /// ```
    /// # fn main() -> Result<(), vonage_verify::Error> {
    /// use std::collections::HashMap;
    /// use vonage_verify::ClientBuilder;
    ///
    /// let vars = HashMap::from([
    ///     ("VONAGE_API_KEY", "abcd1234"),
    ///     ("VONAGE_API_SECRET", "s3cr3t"),
    ///     ("VONAGE_BASE_URL", "http://127.0.0.1:4010"),
    /// ]);
    /// let client = ClientBuilder::from_lookup(|name| vars.get(name).map(|v| v.to_string()))?
    ///     .build()?;
    /// assert_eq!(client.base_url().as_str(), "http://127.0.0.1:4010/");
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// As for [`from_env`](Self::from_env).
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let get = |name: &'static str| lookup(name).filter(|value| !value.trim().is_empty());
        let mut builder = Self::default();

        match (get(var::API_KEY), get(var::API_SECRET)) {
            (Some(key), Some(secret)) => builder = builder.api_key(ApiKey::new(key, secret)),
            (None, None) => {}
            (Some(_), None) => {
                return Err(env(var::API_SECRET, "unset, but VONAGE_API_KEY is set"));
            }
            (None, Some(_)) => {
                return Err(env(var::API_KEY, "unset, but VONAGE_API_SECRET is set"));
            }
        }

        let key = match (get(var::PRIVATE_KEY), get(var::PRIVATE_KEY_PATH)) {
            (Some(_), Some(_)) => {
                return Err(env(
                    var::PRIVATE_KEY_PATH,
                    "set along with VONAGE_PRIVATE_KEY; set only one of them",
                ));
            }
            (Some(pem), None) if !pem.contains("-----BEGIN") => {
                return Err(env(
                    var::PRIVATE_KEY,
                    "holds no PEM text; put a file path in VONAGE_PRIVATE_KEY_PATH instead",
                ));
            }
            (Some(pem), None) => Some(PrivateKey::from_pem(unescape_newlines(pem))?),
            (None, Some(path)) => Some(PrivateKey::from_file(path)?),
            (None, None) => None,
        };
        match (get(var::APPLICATION_ID), key) {
            (Some(id), Some(key)) => builder = builder.application(id, key),
            (None, None) => {}
            (Some(_), None) => {
                return Err(env(
                    var::PRIVATE_KEY,
                    "VONAGE_APPLICATION_ID is set, but neither VONAGE_PRIVATE_KEY nor VONAGE_PRIVATE_KEY_PATH is",
                ));
            }
            (None, Some(_)) => {
                return Err(env(var::APPLICATION_ID, "unset, but a private key is set"));
            }
        }

        if let Some(secret) = get(var::SIGNATURE_SECRET) {
            builder = builder.signature_secret(SignatureSecret::new(secret));
        }
        if let Some(url) = get(var::BASE_URL) {
            builder = builder.base_url(url);
        }
        Ok(builder)
    }

    /// The base URL of both APIs. Default: [`DEFAULT_BASE_URL`]; [`EU_BASE_URL`] is the
    /// European region. It must be `https`, except for loopback addresses (`127.0.0.1`,
    /// `[::1]`, `localhost`), where mock servers run. Credentials are sent to this origin and
    /// no other.
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The account's API key and secret: required by v1, accepted by v2 as HTTP Basic.
    pub fn api_key(mut self, credentials: ApiKey) -> Self {
        self.api_key = Some(credentials);
        self
    }

    /// An application id and its private key: v2 then authenticates with JWTs minted from
    /// them (see [`jwt_options`](Self::jwt_options)).
    pub fn application(mut self, id: impl Into<String>, key: PrivateKey) -> Self {
        self.application = Some((id.into(), key));
        self
    }

    /// A token obtained elsewhere, sent to v2 as `Authorization: Bearer`. Under
    /// [`V2Auth::Auto`] it takes precedence over an application.
    pub fn bearer_token(mut self, token: BearerToken) -> Self {
        self.bearer = Some(token);
        self
    }

    /// The secret Vonage signs webhooks with, kept for verifying them.
    pub fn signature_secret(mut self, secret: SignatureSecret) -> Self {
        self.signature_secret = Some(secret);
        self
    }

    /// Pins how v2 requests authenticate. Default: [`V2Auth::Auto`].
    pub fn v2_auth(mut self, auth: V2Auth) -> Self {
        self.v2_auth = auth;
        self
    }

    /// Lifetime, renewal margin and optional claims of the application JWTs.
    pub fn jwt_options(mut self, options: JwtOptions) -> Self {
        self.jwt = options;
        self
    }

    /// The clock JWT lifetimes and webhook token ages are measured against. Default:
    /// [`SystemClock`].
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self
    }

    /// Sends through this `reqwest::Client` instead of one the builder makes (to share a
    /// connection pool or add a proxy). Its redirect policy is then the caller's: the
    /// builder's own client follows redirects only within one origin, so that a v1 form body,
    /// which holds the API secret, is never re-sent to another host.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }

    /// How long connecting may take. Default: 10 seconds. Applies only to the builder's own
    /// HTTP client; set it on a client given to [`http_client`](Self::http_client) instead.
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = Some(timeout);
        self
    }

    /// How long one try of a request may take, from connecting to the end of the body; a
    /// retry (see [`retry`](Self::retry)) starts a new one. Default: 30 seconds with the
    /// builder's own HTTP client; with a caller's client, its own setting unless this is set
    /// (it then applies per request). reqwest's own default is no timeout at all, so set
    /// one here or on your client.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// The `User-Agent` header. Default: `vonage-verify/<version>` with the builder's own HTTP
    /// client; with a caller's client, its own unless this is set.
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The most bytes of a response body the client reads before giving up with
    /// [`Error::BodyTooLarge`]. Default: [`DEFAULT_MAX_RESPONSE_BYTES`].
    pub fn max_response_bytes(mut self, limit: usize) -> Self {
        self.max_response_bytes = limit;
        self
    }

    /// Sends failed reads, and requests that never reached the server, again as `policy`
    /// says. Default: off, every request is sent once. See [`RetryPolicy`] for what is never
    /// retried.
    pub fn retry(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// At most `limit` requests of this client in flight at once; more wait their turn.
    /// Each one in flight holds one connection, so this also bounds the connections the
    /// client opens, to about `limit`: a slot is freed once the body is read, a moment
    /// before the connection is back in the pool, so a few more may open under load.
    /// Requests made through the generated raw clients ([`v1::Api::raw`](crate::v1::Api::raw),
    /// [`v2::Api::raw`](crate::v2::Api::raw)) are not counted. Default: no limit, one
    /// connection per concurrent request.
    pub fn max_in_flight(mut self, limit: usize) -> Self {
        self.max_in_flight = Some(limit);
        self
    }

    /// Checks the configuration and builds the client.
    ///
    /// # Errors
    ///
    /// [`Error::Config`] if the base URL is invalid, the API key or its secret is empty, the
    /// signature secret is empty, the JWT options are inconsistent, a pinned [`V2Auth`]
    /// lacks its credentials, the user agent is not a valid header value,
    /// `max_in_flight` is 0,
    /// `connect_timeout` is combined with a caller's HTTP client, or reqwest cannot start.
    pub fn build(self) -> Result<Client, Error> {
        let base_url = parse_base_url(self.base_url.as_deref().unwrap_or(DEFAULT_BASE_URL))?;
        let user_agent = self
            .user_agent
            .as_deref()
            .map(HeaderValue::from_str)
            .transpose()
            .map_err(|_| invalid("user_agent", "not a valid HTTP header value"))?;
        if self
            .signature_secret
            .as_ref()
            .is_some_and(|secret| secret.expose().is_empty())
        {
            return Err(invalid(
                "signature_secret",
                "empty: anyone could sign a callback with it",
            ));
        }
        if let Some(credentials) = &self.api_key {
            if credentials.key().is_empty() {
                return Err(invalid("api_key", "the API key is empty"));
            }
            if credentials.expose_secret().is_empty() {
                return Err(invalid(
                    "api_key",
                    "the API secret is empty: no request could authenticate with it",
                ));
            }
        }
        if let Some(token) = &self.bearer {
            // Checked now rather than failing (or going out without it) on every request.
            if HeaderValue::from_str(token.expose()).is_err() {
                return Err(invalid(
                    "bearer_token",
                    "holds characters a header cannot carry (a trailing newline?)",
                ));
            }
        }
        // Tokens are minted and compared in whole seconds.
        if self.jwt.ttl.as_secs() == 0 {
            return Err(invalid(
                "jwt_options",
                "the token lifetime must be at least a second",
            ));
        }
        if self.jwt.refresh_margin.as_secs() >= self.jwt.ttl.as_secs() {
            return Err(invalid(
                "jwt_options",
                "the refresh margin must be shorter than the lifetime",
            ));
        }
        if self
            .max_in_flight
            .is_some_and(|n| n == 0 || n > tokio::sync::Semaphore::MAX_PERMITS)
        {
            return Err(invalid(
                "max_in_flight",
                "must be at least 1 and within tokio's semaphore limit",
            ));
        }
        if self.max_response_bytes == 0 {
            return Err(invalid("max_response_bytes", "must be at least 1"));
        }
        let pinned_without = match self.v2_auth {
            V2Auth::Jwt => self.application.is_none(),
            V2Auth::Bearer => self.bearer.is_none(),
            V2Auth::Basic => self.api_key.is_none(),
            V2Auth::Auto => false,
        };
        if pinned_without {
            return Err(ConfigError::Conflict(
                "v2_auth is pinned to a credential that was not given",
            )
            .into());
        }
        let own_http_client = self.http.is_none();
        let own = |builder: reqwest::ClientBuilder| {
            builder
                .connect_timeout(self.connect_timeout.unwrap_or(DEFAULT_CONNECT_TIMEOUT))
                .timeout(self.timeout.unwrap_or(DEFAULT_TIMEOUT))
                .user_agent(
                    user_agent
                        .clone()
                        .unwrap_or(HeaderValue::from_static(DEFAULT_USER_AGENT)),
                )
                .build()
                .map_err(ConfigError::HttpClient)
        };
        let http = match (self.http, self.connect_timeout) {
            (Some(_), Some(_)) => {
                return Err(ConfigError::Conflict(
                    "connect_timeout cannot be applied to a caller's reqwest::Client; set it there",
                )
                .into());
            }
            (Some(client), None) => client,
            (None, _) => own(redirect::same_origin_builder())?,
        };
        // The silent-auth chain is followed hop by hop, whatever the caller's client would do.
        let no_redirects =
            own(reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()))?;
        let application = self
            .application
            .map(|(id, key)| TokenSource::new(id, key, self.jwt, self.clock.clone()));
        let settings = Arc::new(Settings {
            base_url,
            credentials: Credentials::new(self.api_key, application, self.bearer),
            max_body_bytes: self.max_response_bytes,
            timeout: self.timeout,
            user_agent,
            own_http_client,
            retry: self.retry,
            in_flight: self
                .max_in_flight
                .map(|n| Arc::new(tokio::sync::Semaphore::new(n))),
            clock: self.clock.clone(),
        });
        // The generated clients join their paths to the base URL's text as it is.
        let root = settings.base_url.as_str().trim_end_matches('/').to_owned();
        let transport = |service| Transport::new(Arc::clone(&settings), service);
        Ok(Client {
            inner: Arc::new(Inner {
                v1: v1::Api::new(&root, http.clone(), transport(v1::SERVICE)),
                v2: v2::Api::new(
                    &root,
                    http,
                    transport(v2::service(self.v2_auth)),
                    no_redirects,
                    self.timeout.unwrap_or(DEFAULT_TIMEOUT),
                ),
                settings,
                v2_auth: self.v2_auth,
                signature_secret: self.signature_secret,
                clock: self.clock,
            }),
        })
    }
}

impl fmt::Debug for ClientBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClientBuilder")
            .field("base_url", &self.base_url.as_deref().map(displayable_url))
            .field("api_key", &self.api_key)
            .field("application", &self.application)
            .field("bearer", &self.bearer)
            .field("signature_secret", &self.signature_secret)
            .field("v2_auth", &self.v2_auth)
            .field("jwt", &self.jwt)
            .field("clock", &self.clock)
            // A caller's client may hold default headers with credentials.
            .field(
                "http",
                &self.http.as_ref().map(|_| "caller's reqwest::Client"),
            )
            .field("connect_timeout", &self.connect_timeout)
            .field("timeout", &self.timeout)
            .field("user_agent", &self.user_agent)
            .field("max_response_bytes", &self.max_response_bytes)
            .field("retry", &self.retry)
            .field("max_in_flight", &self.max_in_flight)
            .finish()
    }
}

fn env(name: &'static str, reason: &'static str) -> ConfigError {
    ConfigError::Env { name, reason }
}

fn invalid(setting: &'static str, reason: &'static str) -> Error {
    ConfigError::Invalid { setting, reason }.into()
}

/// `.env` files often hold a PEM on one line, its breaks written as `\n`.
fn unescape_newlines(pem: String) -> String {
    if pem.contains('\n') {
        pem
    } else {
        pem.replace("\\n", "\n")
    }
}

#[cfg(test)]
mod tests {
    use super::unescape_newlines;

    #[test]
    fn escaped_pem_line_breaks_are_restored() {
        assert_eq!(unescape_newlines("a\\nb".into()), "a\nb");
        assert_eq!(unescape_newlines("a\\nb\n".into()), "a\\nb\n");
    }
}
