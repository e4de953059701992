//! The handle [`Client::v2`](crate::Client::v2) returns.

use progenitor_client::{ClientInfo, ResponseValue};

use super::raw::{self, types};
use super::silent_auth::SilentAuthCode;
use super::start::{Checked, CheckedStatus, StartRequest, Started, parse};
use crate::auth::Scheme;
use crate::error::{ConfigError, Error};
use crate::transport::Transport;
use crate::unblock::{NetworkUnblock, Unblocked};
use crate::validate::Rules;

/// Verify v2, reached through [`Client::v2`](crate::Client::v2).
#[derive(Debug, Clone)]
pub struct Api {
    raw: raw::Client,
    // Follows nothing by itself, so the silent-auth chain can be walked hop by hop.
    no_redirects: reqwest::Client,
    /// How long a whole silent-auth chain may take: the client's timeout.
    chain_deadline: std::time::Duration,
}

/// Silent authentication needs an application JWT or a bearer token: HTTP Basic does not get
/// the callbacks it reports through.
fn silent_auth_credentials(transport: &Transport, operation: &'static str) -> Result<(), Error> {
    let credentials = &transport.settings().credentials;
    match transport.scheme(transport.operation(operation)) {
        Some(Scheme::Jwt | Scheme::Bearer) => Ok(()),
        _ if credentials.has(Scheme::Jwt) || credentials.has(Scheme::Bearer) => {
            Err(ConfigError::Conflict(
                "silent authentication needs an application JWT or a bearer token, and \
                 v2_auth pins this client to HTTP Basic",
            )
            .into())
        }
        _ => Err(Error::MissingCredentials {
            operation,
            needs: "an application JWT or a bearer token for silent authentication (not HTTP \
                    Basic)",
        }),
    }
}

impl Api {
    pub(crate) fn new(
        base_url: &str,
        http: reqwest::Client,
        transport: Transport,
        no_redirects: reqwest::Client,
        chain_deadline: std::time::Duration,
    ) -> Self {
        Self {
            raw: raw::Client::new_with_client(base_url, http, transport),
            no_redirects,
            chain_deadline,
        }
    }

    /// Completes a silent authentication from its `check_url`, as the user's device would
    /// (this must run on the device, over mobile data, for the network to recognise it).
    ///
    /// Follows the redirect chain by hand, at most 10 hops and never with credentials, and
    /// stops at the first URL with a fragment or matching `redirect_url` (the one given when
    /// starting), or at a `200` reply. The whole chain has the client's
    /// [`timeout`](crate::ClientBuilder::timeout) (30 seconds by default), not one per hop.
    /// The code it yields goes to [`check_code`](Self::check_code), which allows one attempt.
    ///
    /// # Errors
    ///
    /// [`Error::SilentAuth`] when the network refuses (the fragment's `error_description`),
    /// the chain loops, is too long or takes longer than the timeout; [`Error::Problem`] for the API's errors (404, 409,
    /// 412); [`Error::Validation`] for a `check_url` that is not an http(s) URL.
    pub async fn complete_silent_auth(
        &self,
        check_url: &str,
        redirect_url: Option<&str>,
    ) -> Result<SilentAuthCode, Error> {
        super::silent_auth::complete(
            self.raw.inner(),
            &self.no_redirects,
            check_url,
            redirect_url,
            self.chain_deadline,
        )
        .await
    }

    /// The client generated from the spec, sharing this client's base URL, HTTP client and
    /// credentials. Its methods follow the spec exactly and report progenitor's error type.
    pub fn raw(&self) -> &raw::Client {
        &self.raw
    }

    /// Starts a verification.
    ///
    /// A workflow with silent authentication needs an application JWT or a bearer token:
    /// Vonage does not take HTTP Basic for it (silent auth reports through callbacks, which a
    /// Basic-authenticated request gets none of).
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] before sending when a value breaks the spec (brand, 1 to 3
    /// steps, silent auth only first, ranges and patterns); [`Error::MissingCredentials`]
    /// before sending for silent authentication without an application or a bearer token, and
    /// [`Error::Config`] if [`V2Auth`](crate::V2Auth) pins HTTP Basic; [`Error::Problem`] for the
    /// API's refusals, e.g. [`ProblemKind::Concurrent`](crate::ProblemKind::Concurrent) with
    /// the running verification's `request_id`.
    pub async fn start(&self, request: &StartRequest) -> Result<Started, Error> {
        const OP: &str = "new_request";
        let body = request.to_wire(OP)?;
        if request.has_silent_auth() {
            silent_auth_credentials(self.raw.inner(), OP)?;
        }
        let reply = self
            .call(OP, async |raw| raw.new_request().body(body).send().await)
            .await?
            .into_inner();
        Ok(Started {
            request_id: reply.request_id.into(),
            check_url: reply.check_url,
        })
    }

    /// Checks the code the user entered (4 to 10 letters and digits). A `200` means the code
    /// was accepted, with or without a body (without one, `request_id` is the one given).
    ///
    /// # Errors
    ///
    /// [`Error::Problem`]: [`InvalidCode`](crate::ProblemKind::InvalidCode) for a wrong code
    /// (the user may try again), [`Expired`](crate::ProblemKind::Expired) after too many,
    /// [`NoCode`](crate::ProblemKind::NoCode) while a step without a code runs,
    /// [`NotFound`](crate::ProblemKind::NotFound); [`Error::Validation`] before sending.
    pub async fn check_code(&self, request_id: &str, code: &str) -> Result<Checked, Error> {
        const OP: &str = "check_code";
        let code = parse(Rules { operation: OP }, "code", code)?;
        let body = types::CheckCodeBody::Code(types::CheckCodeByCode { code });
        self.checked(OP, request_id, body).await
    }

    /// Completes an advanced silent authentication with the token the device received.
    ///
    /// # Errors
    ///
    /// As for [`check_code`](Self::check_code).
    pub async fn check_token(&self, request_id: &str, token: &str) -> Result<Checked, Error> {
        const OP: &str = "check_code";
        let token = parse(Rules { operation: OP }, "token", token)?;
        let body = types::CheckCodeBody::Token(types::CheckCodeByToken { token });
        self.checked(OP, request_id, body).await
    }

    async fn checked(
        &self,
        operation: &'static str,
        request_id: &str,
        body: types::CheckCodeBody,
    ) -> Result<Checked, Error> {
        let id = request_id.to_owned();
        let reply = self
            .call(operation, async |raw| {
                raw.check_code().request_id(id).body(body).send().await
            })
            .await;
        match reply {
            Ok(reply) => {
                let reply = reply.into_inner();
                Ok(Checked {
                    request_id: reply.request_id,
                    status: CheckedStatus::parse(reply.status.as_deref()),
                })
            }
            // A 200 is the code accepted, whatever came with it: an empty body says nothing
            // more, and is not a reason to report a failure.
            Err(error) if crate::call::is_empty_success(&error) => Ok(Checked {
                request_id: Some(request_id.to_owned()),
                status: CheckedStatus::Completed,
            }),
            Err(error) => Err(error),
        }
    }

    /// Cancels a verification.
    ///
    /// # Errors
    ///
    /// [`Error::Problem`], e.g. [`NotFound`](crate::ProblemKind::NotFound) when it has
    /// finished or never existed. Nothing is turned into `false`.
    pub async fn cancel(&self, request_id: &str) -> Result<(), Error> {
        const OP: &str = "cancel_request";
        let id = request_id.to_owned();
        self.call(OP, async |raw| {
            raw.cancel_request().request_id(id).send().await
        })
        .await
        .map(drop)
    }

    /// Moves a verification on to its next workflow step now.
    ///
    /// # Errors
    ///
    /// [`Error::Problem`], e.g. [`Conflict`](crate::ProblemKind::Conflict) when no step is
    /// left (or [`NoEvents`](crate::ProblemKind::NoEvents), should Vonage send its own code).
    pub async fn next_workflow(&self, request_id: &str) -> Result<(), Error> {
        const OP: &str = "next_workflow";
        let id = request_id.to_owned();
        self.call(OP, async |raw| {
            raw.next_workflow().request_id(id).send().await
        })
        .await
        .map(drop)
    }

    /// Lifts the fraud-protection block on a mobile network for a while, as v1's
    /// [`network_unblock`](crate::v1::Api::network_unblock) does; the network code is the one
    /// a `blocked` summary callback names. The account needs Vonage to enable this.
    ///
    /// ```no_run
    /// # async fn run() -> Result<(), vonage_verify::Error> {
    /// use vonage_verify::v2::NetworkUnblock;
    ///
    /// let client = vonage_verify::Client::from_env()?;
    /// let unblocked = client
    ///     .v2()
    ///     .network_unblock(&NetworkUnblock::new("23410").unblock_duration(600))
    ///     .await?;
    /// println!("open until {:?}", unblocked.unblocked_until);
    /// # Ok(()) }
    /// ```
    ///
    /// # Errors
    ///
    /// [`Error::Validation`] before sending for a duration out of 0 to 86400 seconds or an
    /// empty network; [`Error::Problem`] for the API's refusals:
    /// [`Forbidden`](crate::ProblemKind::Forbidden) without the capability,
    /// [`NotFound`](crate::ProblemKind::NotFound) when the network has no block,
    /// [`InvalidParameters`](crate::ProblemKind::InvalidParameters) for an unknown network.
    pub async fn network_unblock(&self, request: &NetworkUnblock) -> Result<Unblocked, Error> {
        const OP: &str = "network_unblock";
        request.check(OP)?;
        let rules = Rules { operation: OP };
        let body = types::NetworkUnblockBody {
            network: parse(rules, "network", &request.network)?,
            unblock_duration: request.unblock_duration.map(i64::from),
        };
        let reply = self
            .call(OP, async |raw| {
                raw.network_unblock().body(body).send().await
            })
            .await?
            .into_inner();
        Ok(Unblocked::new(reply.network, reply.unblocked_until))
    }

    /// Runs a generated call and reports its failure as the crate's [`Error`], completed with
    /// the operation, status and trace id the transport saw.
    pub(crate) async fn call<T, E>(
        &self,
        operation: &'static str,
        send: impl AsyncFnOnce(&raw::Client) -> Result<ResponseValue<T>, progenitor_client::Error<E>>,
    ) -> Result<ResponseValue<T>, Error> {
        crate::call::call(operation, &self.raw, raw::Client::new_with_client, send).await
    }
}
