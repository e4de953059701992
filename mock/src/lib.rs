//! A stateful mock of the Vonage Verify API, v1 and v2, for contract tests: a library for
//! Rust tests and a server (`vonage-verify-mock`) for tests in any language.
//!
//! [`MockServer::start`] serves Verify v1 and v2 on a random port of 127.0.0.1 and behaves as
//! the specs and Vonage's documentation say: a started verification has a code you read from
//! the [inbox](MockServer::inbox); a check succeeds once with that code and fails the
//! verification after three wrong ones; verifications lapse on the mock's [`Clock`]; a second
//! verification to a number in progress is refused (409 in v2, status 10 in v1); cancel and
//! next-step follow the API's rules; credentials and the spec's request constraints are
//! checked; every request is [recorded](MockServer::requests). v1 answers in JSON or XML;
//! v2's silent-auth check URL works, with the Virtual Operator's test numbers; v2's callbacks
//! are [delivered](MockServerBuilder::webhooks), signed, to a URL the test gives. Tests can
//! [inject faults](MockServer::inject) (error statuses, delays, dropped connections, malformed
//! bodies), and a control API under [`CONTROL_PREFIX`] does all of this over HTTP.
//!
//! It is a small axum app rather than a set of canned stubs: a contract test needs the answer
//! to a check to depend on the start before it, which a stub cannot know. Where the specs
//! constrain a request, the mock reads it through `vonage-verify`'s generated types, so it
//! refuses what the spec refuses without a second copy of the rules. Take this crate and
//! `vonage-verify` from the same source (today, one checkout: neither is on crates.io yet), or
//! the mock and your client may follow different specs.
//!
//! ```
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! use vonage_verify_mock::MockServer;
//! use vonage_verify::v2::{StartRequest, Step};
//!
//! let mock = MockServer::start().await?;
//! let client = mock.client()?;
//! let started = client.v2().start(&StartRequest::new("ACME").step(Step::sms("447700900001"))).await?;
//! let code = mock.code(&started.request_id).expect("the mock sent a code");
//! client.v2().check_code(&started.request_id, &code).await?;
//! # Ok(())
//! # }
//! ```

#![deny(missing_docs)]
#![forbid(unsafe_code)]

mod auth;
mod clock;
mod control;
mod faults;
mod problem;
mod records;
mod serve;
mod shared;
mod state;
mod templates;
mod tls;
mod unblock;
mod v1;
mod v2;
mod webhooks;

pub use clock::ManualClock;
pub use faults::Fault;
pub use records::{Message, Recorded};
pub use tls::Tls;
pub use webhooks::Delivery;

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use axum::Router;
use axum::body::Body;
use axum::extract::{Request, State};
use axum::middleware::{self, Next};
use axum::response::Response;

use records::redacted;
use shared::{AppState, Inner, Shared};
use vonage_verify::webhook::testing::Signer;
use vonage_verify::{
    ApiKey, Client, ClientBuilder, Clock, Error, PrivateKey, SignatureSecret, SystemClock,
};

// The README's examples run as doctests.
#[cfg(doctest)]
#[doc = include_str!("../README.md")]
struct ReadmeDoctests;

/// Where the control API lives: a prefix no Vonage path uses (`/_mock/inbox`,
/// `/_mock/faults`, ...; see the crate's `openapi/control.yml`).
pub const CONTROL_PREFIX: &str = "/_mock";

/// The API key and secret the mock accepts unless told otherwise.
pub const MOCK_API_KEY: &str = "mockkey1";
/// See [`MOCK_API_KEY`].
pub const MOCK_API_SECRET: &str = "mock-secret";
/// The application whose JWTs the mock accepts unless told otherwise
/// ([`MockServerBuilder::application`]). Its key pair ships with the mock and protects
/// nothing: [`MOCK_PRIVATE_KEY`] signs, the mock checks with the public half.
pub const MOCK_APPLICATION_ID: &str = "0f1e2d3c-4b5a-4697-8877-665544332211";
/// The private key of [`MOCK_APPLICATION_ID`] (PEM), for clients of the mock only.
pub const MOCK_PRIVATE_KEY: &str = include_str!("keys/application-private.pem");
const MOCK_PUBLIC_KEY: &str = include_str!("keys/application-public.pem");

/// Configures a [`MockServer`].
#[derive(Debug)]
pub struct MockServerBuilder {
    api_key: ApiKey,
    clock: Arc<dyn Clock>,
    manual_clock: Option<Arc<ManualClock>>,
    application: Option<(String, String)>,
    webhooks: Option<(String, SignatureSecret)>,
    blocked_networks: std::collections::HashSet<String>,
    address: SocketAddr,
    tls: Option<Tls>,
    public_url: Option<String>,
}

impl MockServerBuilder {
    /// The API key and secret the mock accepts (default [`MOCK_API_KEY`], [`MOCK_API_SECRET`]).
    pub fn api_key(mut self, api_key: ApiKey) -> Self {
        self.api_key = api_key;
        self
    }

    /// The clock verifications expire on (default: the system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> Self {
        self.clock = clock;
        self.manual_clock = None;
        self
    }

    /// A clock the test moves, which the control API may move too (`POST
    /// /_mock/clock/advance`); give the same one to the client.
    pub fn manual_clock(mut self, clock: Arc<ManualClock>) -> Self {
        self.clock = clock.clone();
        self.manual_clock = Some(clock);
        self
    }

    /// Accept v2 JWTs of this application, checked with its public key (PEM), instead of
    /// those of [`MOCK_APPLICATION_ID`].
    pub fn application(mut self, id: impl Into<String>, public_key_pem: impl Into<String>) -> Self {
        self.application = Some((id.into(), public_key_pem.into()));
        self
    }

    /// Deliver v2's callbacks to `url`, signed with `secret` as Vonage signs them (an HS256
    /// JWT in `Authorization`, with the mock's API key and, if set, the
    /// [application](Self::application) in its claims). See [`MockServer::deliveries`].
    pub fn webhooks(mut self, url: impl Into<String>, secret: SignatureSecret) -> Self {
        self.webhooks = Some((url.into(), secret));
        self
    }

    /// Puts a fraud-protection block on `network` (a network code such as `23410`), for
    /// network unblock to lift; unblocking a network without a block is a 404.
    pub fn blocked_network(mut self, network: impl Into<String>) -> Self {
        self.blocked_networks.insert(network.into());
        self
    }

    /// Where to listen (default: 127.0.0.1 on a free port). Anything but loopback exposes the
    /// codes, through the control API, to whoever can reach it.
    pub fn address(mut self, address: SocketAddr) -> Self {
        self.address = address;
        self
    }

    /// Serve HTTPS with this certificate instead of HTTP. [`MockServer::client`] trusts it.
    pub fn tls(mut self, tls: Tls) -> Self {
        self.tls = Some(tls);
        self
    }

    /// The URL clients reach the mock at, when it is not the address it listens on (in a
    /// container, say: `http://verify-mock:4010`). It is the [`base_url`](MockServer::base_url),
    /// and what the URLs the mock writes (silent-auth check URLs, list links) start with.
    /// Without it, a mock that listens on every interface writes loopback URLs.
    pub fn public_url(mut self, url: impl Into<String>) -> Self {
        self.public_url = Some(url.into());
        self
    }

    /// Starts serving.
    ///
    /// # Errors
    ///
    /// When the address cannot be bound, the public key is not an RSA public key in PEM, or the
    /// webhook URL is not an absolute URL.
    pub async fn start(self) -> std::io::Result<MockServer> {
        let application = self
            .application
            .map(|(id, pem)| auth::Application::new(id, &pem))
            .transpose()?;
        let webhooks = match self.webhooks {
            None => None,
            Some((url, secret)) => {
                let url = reqwest::Url::parse(&url).map_err(|e| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        format!("the webhook URL is not an absolute URL: {e}"),
                    )
                })?;
                let mut signer = Signer::new(secret.clone(), self.api_key.key());
                if let Some(application) = &application {
                    signer = signer.application_id(application.id());
                }
                let outbox = webhooks::Outbox::start(url, signer, self.clock.clone());
                Some((outbox, secret))
            }
        };
        let listener = tokio::net::TcpListener::bind(self.address).await?;
        let address = listener.local_addr()?;
        let base_url = match self.public_url {
            Some(url) => {
                let parsed = reqwest::Url::parse(&url).map_err(|e| {
                    std::io::Error::new(
                        std::io::ErrorKind::InvalidInput,
                        format!("the public URL is not an absolute URL: {e}"),
                    )
                })?;
                parsed.as_str().trim_end_matches('/').to_owned()
            }
            None => {
                let scheme = if self.tls.is_some() { "https" } else { "http" };
                // Every interface is no address to give a client: loopback stands in.
                let shown = match address.ip() {
                    IpAddr::V4(ip) if ip.is_unspecified() => {
                        SocketAddr::from((Ipv4Addr::LOCALHOST, address.port()))
                    }
                    IpAddr::V6(ip) if ip.is_unspecified() => {
                        SocketAddr::from((Ipv6Addr::LOCALHOST, address.port()))
                    }
                    _ => address,
                };
                format!("{scheme}://{shown}")
            }
        };
        let connections = Arc::new(AtomicUsize::new(0));
        let shared = Arc::new(Shared {
            base_url,
            certificate_pem: self
                .tls
                .as_ref()
                .map(|tls| tls.certificate_pem().to_owned()),
            connections: connections.clone(),
            keys: auth::Keys::new(self.api_key, application),
            clock: self.clock,
            manual_clock: self.manual_clock,
            webhooks,
            blocked_networks: self.blocked_networks.clone(),
            state: Mutex::new(Inner {
                blocked_networks: self.blocked_networks,
                ..Inner::default()
            }),
        });
        let verify = Router::new()
            .merge(v1::routes())
            .merge(v2::public_routes())
            .merge(
                v2::routes()
                    .merge(templates::routes())
                    // Every v2 route but the silent-auth redirect declares security.
                    .route_layer(middleware::from_fn_with_state(shared.clone(), v2_auth)),
            )
            // Recorded first, then faulted: a test sees every request its client sent.
            .layer(middleware::from_fn_with_state(
                shared.clone(),
                faults::inject,
            ))
            .layer(middleware::from_fn_with_state(shared.clone(), record));
        let app = Router::new()
            .nest(CONTROL_PREFIX, control::routes())
            .merge(verify)
            .with_state(shared.clone());
        let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
        let tls = self.tls.as_ref().map(Tls::acceptor);
        // Dropping the MockServer stops it: no new connections, and open keep-alive
        // connections close once their request in flight is answered, so a client cannot go
        // on talking to a dropped mock's state.
        let task = tokio::spawn(serve::run(listener, tls, app, connections, stopped));
        Ok(MockServer {
            shared,
            stop: Some(stop),
            task: Some(task),
        })
    }
}

/// A running mock; it stops when dropped (or, waiting for requests in flight, with
/// [`shutdown`](Self::shutdown)).
#[derive(Debug)]
pub struct MockServer {
    shared: Arc<Shared>,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    task: Option<tokio::task::JoinHandle<()>>,
}

/// Why [`MockServer::inject`] refused a fault.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InvalidFault(String);

impl std::fmt::Display for InvalidFault {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "invalid fault: {}", self.0)
    }
}

impl std::error::Error for InvalidFault {}

impl MockServer {
    /// How many connections the mock has accepted since it started: what a test of
    /// connection reuse or of a client's limit on requests in flight looks at.
    pub fn connections(&self) -> usize {
        self.shared.connections.load(Ordering::Relaxed)
    }

    /// A mock with the default credentials and the system clock.
    ///
    /// # Errors
    ///
    /// When no port of 127.0.0.1 can be bound.
    pub async fn start() -> std::io::Result<Self> {
        Self::builder().start().await
    }

    /// Configures a mock.
    pub fn builder() -> MockServerBuilder {
        MockServerBuilder {
            api_key: ApiKey::new(MOCK_API_KEY, MOCK_API_SECRET),
            clock: Arc::new(SystemClock),
            manual_clock: None,
            application: Some((MOCK_APPLICATION_ID.into(), MOCK_PUBLIC_KEY.into())),
            webhooks: None,
            blocked_networks: std::collections::HashSet::new(),
            address: SocketAddr::from((Ipv4Addr::LOCALHOST, 0)),
            tls: None,
            public_url: None,
        }
    }

    /// `http://127.0.0.1:<port>` (`https://` with [TLS](MockServerBuilder::tls)), the base
    /// URL to give a client.
    pub fn base_url(&self) -> &str {
        &self.shared.base_url
    }

    /// A client builder aimed at the mock, with the mock's API key and clock, the
    /// [built-in application](MOCK_APPLICATION_ID) unless another was configured (so v2
    /// authenticates with JWTs, as silent authentication needs), and the webhooks' signature
    /// secret when they are delivered. A mock with [TLS](MockServerBuilder::tls) is reached
    /// through an HTTP client that trusts its certificate.
    pub fn client_builder(&self) -> ClientBuilder {
        let mut builder = Client::builder().base_url(self.base_url());
        if let Some(pem) = &self.shared.certificate_pem {
            // The certificate was read by rustls already, so reqwest takes it too.
            let trusting = reqwest::Certificate::from_pem(pem.as_bytes()).and_then(|certificate| {
                reqwest::Client::builder()
                    .add_root_certificate(certificate)
                    .build()
            });
            if let Ok(http) = trusting {
                builder = builder.http_client(http);
            }
        }
        let mut builder = builder
            .api_key(self.shared.keys.api_key().clone())
            .clock(self.shared.clock.clone());
        if self.shared.keys.application_id() == Some(MOCK_APPLICATION_ID) {
            // The key ships with the crate and is checked by a test: it always loads.
            if let Ok(key) = PrivateKey::from_pem(MOCK_PRIVATE_KEY) {
                builder = builder.application(MOCK_APPLICATION_ID, key);
            }
        }
        match &self.shared.webhooks {
            Some((_, secret)) => builder.signature_secret(secret.clone()),
            None => builder,
        }
    }

    /// A client aimed at the mock: see [`client_builder`](Self::client_builder).
    ///
    /// # Errors
    ///
    /// As [`ClientBuilder::build`].
    pub fn client(&self) -> Result<Client, Error> {
        self.client_builder().build()
    }

    /// One message per verification, oldest first: the code it sent (the same for every
    /// step), to the first step's number or address. A silent-auth code is accepted only once
    /// the check URL has been followed.
    pub fn inbox(&self) -> Vec<Message> {
        self.shared.inbox()
    }

    /// The code sent for `request_id`.
    pub fn code(&self, request_id: &str) -> Option<String> {
        self.inbox()
            .into_iter()
            .find(|message| message.request_id == request_id)
            .map(|message| message.code)
    }

    /// Every request received, oldest first (the control API's are not).
    pub fn requests(&self) -> Vec<Recorded> {
        self.shared.lock().requests.clone()
    }

    /// Every callback delivered so far, oldest first, once each one due by now has been
    /// delivered (or has failed): verifications that lapsed on the mock's clock are
    /// summed up first. Empty unless the mock was built with
    /// [`webhooks`](MockServerBuilder::webhooks).
    ///
    /// Do not call it from the receiver's own handler: it would wait for the delivery the
    /// handler is answering.
    pub async fn deliveries(&self) -> Vec<Delivery> {
        self.shared.deliveries().await
    }

    /// Applies `fault` to the next requests to its operation, after the faults injected
    /// before it for that operation are used up.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")]
    /// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
    /// use vonage_verify::v2::{StartRequest, Step};
    /// use vonage_verify_mock::{Fault, MockServer};
    ///
    /// let mock = MockServer::start().await?;
    /// mock.inject(Fault::on("newRequest").status(503))?;
    /// let client = mock.client()?;
    /// let start = StartRequest::new("ACME").step(Step::sms("447700900001"));
    /// assert!(client.v2().start(&start).await.is_err()); // a start is never sent twice
    /// assert!(client.v2().start(&start).await.is_ok());
    /// # Ok(())
    /// # }
    /// ```
    ///
    /// # Errors
    ///
    /// For an operation neither API has (or that both have, without [`Fault::api`]), more
    /// than one answer, a status that is not an error, or zero `times`.
    pub fn inject(&self, fault: Fault) -> Result<(), InvalidFault> {
        let armed = faults::arm(fault).map_err(InvalidFault)?;
        self.shared.lock().faults.push(armed);
        Ok(())
    }

    /// The faults not used up yet, with how many requests each still applies to.
    pub fn faults(&self) -> Vec<Fault> {
        self.shared.lock().faults.pending()
    }

    /// Forgets every verification, request, template, fault and delivery; the configuration
    /// (credentials, clock, webhook URL, blocked networks) stays.
    pub fn reset(&self) {
        self.shared.reset();
    }

    /// Stops accepting connections, lets the requests in flight finish (for up to five
    /// seconds) and returns once every connection is closed.
    pub async fn shutdown(mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        if let Some(task) = self.task.take() {
            let _ = task.await;
        }
    }
}

impl Drop for MockServer {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// Refuses a v2 request without the mock's credentials, before any handler runs.
async fn v2_auth(State(shared): AppState, request: Request, next: Next) -> Response {
    if shared.v2_auth_ok(request.headers()) {
        next.run(request).await
    } else {
        problem::unauthorized()
    }
}

/// Records each request, then hands it on.
async fn record(State(shared): AppState, request: Request, next: Next) -> Response {
    let (parts, body) = request.into_parts();
    // Bodies of Verify requests are small; a larger one is refused like the real API would.
    let Ok(bytes) = axum::body::to_bytes(body, 1024 * 1024).await else {
        return problem::payload_too_large();
    };
    let auth_scheme = parts
        .headers
        .get(http::header::AUTHORIZATION)
        .and_then(|value| value.to_str().ok())
        .and_then(|value| value.split_whitespace().next())
        .map(str::to_owned);
    shared.lock().requests.push(Recorded {
        method: parts.method.to_string(),
        path: parts.uri.path().to_owned(),
        query: parts.uri.query().map(|query| redacted(query.as_bytes())),
        auth_scheme,
        body: redacted(&bytes),
    });
    let (method, path) = (parts.method.clone(), parts.uri.path().to_owned());
    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    tracing::info!("{method} {path} -> {}", response.status().as_u16());
    shared.dispatch();
    response
}
