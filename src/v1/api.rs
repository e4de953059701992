//! The handle [`Client::v1`](crate::Client::v1) returns: every v1 operation, typed, in JSON
//! or XML.

use progenitor_client::{ClientInfo, ResponseValue};
use reqwest::header::{ACCEPT, HeaderValue};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::raw;
use super::replies::{CheckOutcome, Reply, Started, Verification};
use super::requests::{self, Command, Psd2Request, VerifyRequest};
use super::xml;
use crate::error::{Error, ResponseContext};
use crate::transport::{self, Transport};
use crate::unblock::{NetworkUnblock, Unblocked};

/// The reply format v1 is asked for. Both decode to the same typed values.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// `/json` endpoints (the default).
    #[default]
    Json,
    /// `/xml` endpoints. PSD2 and network unblock have none.
    Xml,
}

/// Verify v1, reached through [`Client::v1`](crate::Client::v1).
///
/// v1 answers most failures with HTTP 200 and a non-zero `status`; here every such status is
/// an [`Error::V1`] carrying a typed [`Status`](super::Status), except the ones a caller acts
/// on as outcomes (wrong codes, see [`CheckOutcome`]). A request that changes state is
/// never resent once it may have reached the server, even with a
/// [`RetryPolicy`](crate::RetryPolicy).
///
/// ```no_run
/// # async fn run() -> Result<(), vonage_verify::Error> {
/// use vonage_verify::v1::{CheckOutcome, Format, VerifyRequest};
///
/// let client = vonage_verify::Client::from_env()?;
/// let started = client.v1().request(&VerifyRequest::new("447700900000", "Acme")).await?;
/// match client.v1().check(&started.request_id, "1234").await? {
///     CheckOutcome::Verified(_) => println!("verified"),
///     CheckOutcome::WrongCode(_) => println!("wrong code, try again"),
///     CheckOutcome::TooManyWrongCodes(_) => println!("too many wrong codes"),
/// }
/// // The same, with XML replies:
/// let found = client.v1().format(Format::Xml).search(&started.request_id).await?;
/// println!("{:?}", found.status);
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Api {
    raw: raw::Client,
    format: Format,
}

impl Api {
    pub(crate) fn new(base_url: &str, http: reqwest::Client, transport: Transport) -> Self {
        Self {
            raw: raw::Client::new_with_client(base_url, http, transport),
            format: Format::Json,
        }
    }

    /// The client generated from the spec, sharing this client's base URL, HTTP client and
    /// credentials. Its methods follow the spec exactly and report progenitor's error type.
    pub fn raw(&self) -> &raw::Client {
        &self.raw
    }

    /// The same API, asking for replies in `format`.
    pub fn format(&self, format: Format) -> Self {
        Self {
            raw: self.raw.clone(),
            format,
        }
    }

    /// Starts a verification.
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] before sending if a value breaks the spec's limits;
    /// [`Error::V1`] for a non-zero status (status 10 carries the running verification's id).
    pub async fn request(&self, request: &VerifyRequest) -> Result<Started, Error> {
        const OP: &str = "verify_request";
        let body = request.to_wire(OP)?;
        let (reply, meta) = match self.format {
            Format::Json => json(
                OP,
                self.call(OP, async |raw| raw.verify_request().body(body).send().await)
                    .await?,
            ),
            Format::Xml => self.xml(OP, Some(&body), Vec::new()).await?,
        };
        meta.started(reply).map_err(|e| self.masked(e))
    }

    /// Starts a payment verification (PSD2). JSON only.
    ///
    /// # Errors
    ///
    /// As for [`request`](Self::request), and [`Error::Validation`] if the API was asked for
    /// XML, which this operation does not serve.
    pub async fn psd2(&self, request: &Psd2Request) -> Result<Started, Error> {
        const OP: &str = "verify_request_with_psd2";
        self.json_only(OP)?;
        let body = request.to_wire(OP)?;
        let (reply, meta) = json(
            OP,
            self.call(OP, async |raw| {
                raw.verify_request_with_psd2().body(body).send().await
            })
            .await?,
        );
        meta.started_psd2(reply).map_err(|e| self.masked(e))
    }

    /// Checks the code the user entered (4 to 6 characters).
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] before sending for a code or id of the wrong length;
    /// [`Error::V1`] for statuses other than 0, 16 and 17.
    pub async fn check(&self, request_id: &str, code: &str) -> Result<CheckOutcome, Error> {
        const OP: &str = "verify_check";
        let body = requests::check_request(OP, request_id, code)?;
        let (reply, meta) = match self.format {
            Format::Json => json(
                OP,
                self.call(OP, async |raw| raw.verify_check().body(body).send().await)
                    .await?,
            ),
            Format::Xml => self.xml(OP, Some(&body), Vec::new()).await?,
        };
        meta.checked(reply).map_err(|e| self.masked(e))
    }

    /// Looks up one verification.
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] before sending for an empty id; [`Error::V1`] with [`Status::NotFound`](super::Status::NotFound) for an unknown id
    /// (or one that finished under a minute ago).
    pub async fn search(&self, request_id: &str) -> Result<Verification, Error> {
        const OP: &str = "verify_search";
        requests::search_id(OP, request_id)?;
        let id = request_id.to_owned();
        let (reply, meta) = match self.format {
            Format::Json => json(
                OP,
                self.call(OP, async |raw| {
                    raw.verify_search().request_id(id).send().await
                })
                .await?,
            ),
            Format::Xml => {
                self.xml::<_, ()>(OP, None, vec![("request_id", id)])
                    .await?
            }
        };
        let mut found = meta.searched(reply).map_err(|e| self.masked(e))?;
        match found.len() {
            1 => Ok(found.remove(0)),
            n => Err(Error::Decode {
                context: ResponseContext {
                    status: Some(meta.status),
                    trace_id: meta.trace_id,
                    ..ResponseContext::new(OP)
                },
                reason: format!("a search for one id returned {n} verifications"),
            }),
        }
    }

    /// Looks up 1 to 10 verifications at once.
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] before sending for no ids, more than ten, or an empty one;
    /// [`Error::V1`] as for
    /// [`search`](Self::search).
    pub async fn search_many<I>(&self, request_ids: I) -> Result<Vec<Verification>, Error>
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        const OP: &str = "verify_search";
        let ids: Vec<String> = request_ids.into_iter().map(Into::into).collect();
        requests::search_ids(OP, &ids)?;
        let (reply, meta) = match self.format {
            Format::Json => {
                let query = ids.clone();
                json(
                    OP,
                    self.call(OP, async |raw| {
                        raw.verify_search().request_ids(query).send().await
                    })
                    .await?,
                )
            }
            Format::Xml => {
                let query = ids.iter().map(|id| ("request_ids", id.clone())).collect();
                self.xml::<_, ()>(OP, None, query).await?
            }
        };
        meta.searched(reply).map_err(|e| self.masked(e))
    }

    /// Sends a control command to a running verification.
    ///
    /// # Errors
    ///
    /// [`Error::V1`], for example [`Status::CommandNotPossible`](super::Status::CommandNotPossible)
    /// for a cancel in the first 30 seconds.
    pub async fn control(&self, request_id: &str, command: Command) -> Result<(), Error> {
        const OP: &str = "verify_control";
        let body = requests::control_request(OP, request_id, command)?;
        let (reply, meta) = match self.format {
            Format::Json => json(
                OP,
                self.call(OP, async |raw| raw.verify_control().body(body).send().await)
                    .await?,
            ),
            Format::Xml => self.xml(OP, Some(&body), Vec::new()).await?,
        };
        meta.controlled(reply).map_err(|e| self.masked(e))
    }

    /// Cancels a running verification: [`control`](Self::control) with [`Command::Cancel`].
    ///
    /// # Errors
    ///
    /// As for [`control`](Self::control).
    pub async fn cancel(&self, request_id: &str) -> Result<(), Error> {
        self.control(request_id, Command::Cancel).await
    }

    /// Moves a verification on to its next delivery attempt: [`control`](Self::control) with
    /// [`Command::TriggerNextEvent`].
    ///
    /// # Errors
    ///
    /// As for [`control`](Self::control).
    pub async fn trigger_next_event(&self, request_id: &str) -> Result<(), Error> {
        self.control(request_id, Command::TriggerNextEvent).await
    }

    /// Lifts a network block. JSON only.
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] for a duration out of range or an XML format; [`Error::Problem`]
    /// for the API's problem replies (403, 404, 422, 429).
    pub async fn network_unblock(&self, request: &NetworkUnblock) -> Result<Unblocked, Error> {
        const OP: &str = "network_unblock";
        self.json_only(OP)?;
        let body = requests::unblock_request(OP, request)?;
        let reply = self
            .call(OP, async |raw| {
                raw.network_unblock().body(body).send().await
            })
            .await?
            .into_inner();
        Ok(Unblocked::new(reply.network, reply.unblocked_until))
    }

    /// An error from a reply, with the client's secrets hidden in what it quotes of it.
    fn masked(&self, error: Error) -> Error {
        self.raw.inner().mask().error(error)
    }

    fn json_only(&self, operation: &'static str) -> Result<(), Error> {
        match self.format {
            Format::Json => Ok(()),
            Format::Xml => Err(Error::Validation {
                operation,
                field: "format",
                reason: "is xml, but this operation replies in JSON only".into(),
            }),
        }
    }

    pub(crate) async fn call<T, E>(
        &self,
        operation: &'static str,
        send: impl AsyncFnOnce(&raw::Client) -> Result<ResponseValue<T>, progenitor_client::Error<E>>,
    ) -> Result<ResponseValue<T>, Error> {
        crate::call::call(operation, &self.raw, raw::Client::new_with_client, send).await
    }

    /// Sends `operation` to its `/xml` endpoint through the one send path and decodes the
    /// reply into the generated type the JSON endpoint returns.
    async fn xml<T: DeserializeOwned, B: Serialize>(
        &self,
        operation: &'static str,
        form: Option<&B>,
        query: Vec<(&'static str, String)>,
    ) -> Result<(T, Reply), Error> {
        let shape =
            crate::spec::xml::shape(raw::XML, operation).ok_or_else(|| Error::Validation {
                operation,
                field: "format",
                reason: "is xml, but the spec declares no XML reply for this operation".into(),
            })?;
        let transport = self.raw.inner();
        let spec = transport.operation(operation);
        // The spec's `{format}` segment was pinned to `json` when the client was generated.
        let path = spec
            .path
            .strip_suffix("/json")
            .ok_or(Error::InvalidRequest {
                operation,
                message: "the operation's path has no format segment".into(),
            })?;
        let url = format!("{}{path}/xml", self.raw.baseurl());
        // Never a default: GET would make a state-changing request look like a retryable read.
        let method = reqwest::Method::from_bytes(spec.http_method.as_bytes()).map_err(|_| {
            Error::InvalidRequest {
                operation,
                message: "the operation's method is not an HTTP method".into(),
            }
        })?;
        let http = self.raw.client();
        let mut builder = http
            .request(method, url)
            .header(
                ACCEPT,
                HeaderValue::from_static("text/xml, text/plain;q=0.9"),
            )
            .query(&query);
        if let Some(form) = form {
            builder = builder.form(form);
        }
        let request = builder.build().map_err(|e| Error::InvalidRequest {
            operation,
            message: e.without_url().to_string(),
        })?;

        let _slot = transport.slot().await;
        let response = transport.send(http, spec, request).await?;
        let reply = crate::call::read_reply(transport, spec, response).await?;
        let meta = Reply {
            operation,
            status: reply.context.status.unwrap_or_default(),
            trace_id: reply.context.trace_id.clone(),
        };
        let bytes = &reply.body;
        // Served as text/xml or text/plain; a JSON body (an error page, say) is read as JSON.
        let json = if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'{') {
            std::borrow::Cow::Borrowed(&bytes[..])
        } else {
            std::borrow::Cow::Owned(
                xml::to_json(shape, xml::OBSERVED_ROOTS, bytes)
                    .map_err(|reason| reply.decode_error(reason))?,
            )
        };
        let typed = serde_json::from_slice(&json).map_err(|e| reply.decode_error(e))?;
        Ok((typed, meta))
    }
}

/// A JSON reply and what is known about it.
fn json<T>(operation: &'static str, value: ResponseValue<T>) -> (T, Reply) {
    let meta = Reply {
        operation,
        status: value.status(),
        trace_id: transport::trace_id(value.headers()),
    };
    (value.into_inner(), meta)
}
