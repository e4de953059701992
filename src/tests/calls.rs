//! Errors from generated calls, completed with what the transport saw; and the hand-written
//! send path's host scoping.

use httpmock::prelude::*;
use serde_json::json;

use super::support::{ID, TEMPLATE, closed_port_url, everything};
use crate::v2::raw::types;
use crate::{Client, Error};

const TRACE: &str = "0a1b2c3d-trace";

async fn cancel(client: &Client) -> Result<(), Error> {
    client
        .v2()
        .call("cancel_request", async |raw| {
            raw.cancel_request().request_id(ID).send().await
        })
        .await
        .map(|_| ())
}

#[tokio::test]
async fn problem_replies_are_typed_and_keep_status_trace_id_and_raw_body() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(401)
                .header("content-type", "application/problem+json")
                .header("x-vonage-trace-id", TRACE)
                .header("retry-after", "3")
                .body(r#"{"title": "Unauthorized", "detail": "bad credentials", "extra": 1}"#);
        })
        .await;
    let error = cancel(&everything(&server).build().unwrap())
        .await
        .unwrap_err();
    let Error::Problem { context, problem } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(problem.kind, crate::ProblemKind::Unauthorized);
    assert_eq!(problem.detail.as_deref(), Some("bad credentials"));
    // The raw body, unknown fields and spacing included, not a re-serialisation.
    assert!(context.body.as_deref().unwrap().contains(r#""extra": 1"#));
    assert_eq!(context.operation, "cancel_request");
    assert_eq!(context.status.map(|s| s.as_u16()), Some(401));
    assert_eq!(context.trace_id.as_deref(), Some(TRACE));
    assert!(context.body.as_deref().unwrap().contains("bad credentials"));
    assert_eq!(
        error.to_string(),
        format!(
            "cancel_request (DELETE /v2/verify/{ID}, HTTP 401 Unauthorized, trace id {TRACE}): Unauthorized: bad credentials"
        )
    );
}

#[tokio::test]
async fn undocumented_statuses_keep_the_start_of_a_long_body() {
    let server = MockServer::start_async().await;
    let body = format!("teapot {}", "é".repeat(2000));
    server
        .mock_async(|_, then| {
            then.status(418).body(body);
        })
        .await;
    let error = cancel(&everything(&server).build().unwrap())
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(418));
    let excerpt = error.response().unwrap().body.clone().unwrap();
    assert!(excerpt.starts_with("teapot é"), "{excerpt}");
    assert!(
        excerpt.len() <= crate::error::BODY_EXCERPT_BYTES + 4,
        "bounded: {}",
        excerpt.len()
    );
    assert!(excerpt.ends_with('…'));
}

#[tokio::test]
async fn payloads_that_do_not_match_the_spec_are_decode_errors_with_context() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(200)
                .header("x-vonage-trace-id", TRACE)
                .json_body(json!({"request_id": [], "status": {}}));
        })
        .await;
    let client = everything(&server).build().unwrap();
    let error = client
        .v2()
        .call("check_code", async |raw| {
            let body = types::CheckCodeBody::Code(types::CheckCodeByCode {
                code: "1234".parse().unwrap(),
            });
            raw.check_code().request_id(ID).body(body).send().await
        })
        .await
        .unwrap_err();
    let Error::Decode { context, reason } = &error else {
        panic!("{error:?}")
    };
    assert_eq!(
        (context.operation, context.status.map(|s| s.as_u16())),
        ("check_code", Some(200))
    );
    assert_eq!(context.trace_id.as_deref(), Some(TRACE));
    assert_eq!(
        context.body.as_deref(),
        Some(r#"{"request_id":[],"status":{}}"#)
    );
    assert!(!reason.is_empty());
}

#[tokio::test]
async fn bodies_past_the_limit_stop_with_body_too_large() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(500).body("x".repeat(10_000));
        })
        .await;
    let client = everything(&server).max_response_bytes(64).build().unwrap();
    let error = cancel(&client).await.unwrap_err();
    assert!(
        matches!(&error, Error::BodyTooLarge { limit: 64, context } if context.status.map(|s| s.as_u16()) == Some(500)),
        "{error:?}"
    );
}

#[tokio::test]
async fn refusals_before_sending_are_typed_and_send_nothing() {
    let server = MockServer::start_async().await;
    let anything = server
        .mock_async(|_, then| {
            then.status(204);
        })
        .await;
    let bare = Client::builder()
        .base_url(server.base_url())
        .build()
        .unwrap();
    let error = cancel(&bare).await.unwrap_err();
    assert!(
        matches!(
            error,
            Error::MissingCredentials {
                operation: "cancel_request",
                ..
            }
        ),
        "{error:?}"
    );
    let error = everything(&server)
        .build()
        .unwrap()
        .v2()
        .call("create_template", async |raw| {
            let body = types::CreateTemplateBody::builder().name("has spaces");
            raw.create_template().body(body).send().await
        })
        .await
        .unwrap_err();
    assert!(
        matches!(
            &error,
            Error::InvalidRequest {
                operation: "create_template",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(anything.calls_async().await, 0);
}

#[tokio::test]
async fn no_response_is_a_transport_error_naming_the_host_and_the_cause() {
    let server = MockServer::start_async().await;
    let closed = closed_port_url();
    let client = everything(&server).base_url(&closed).build().unwrap();
    let error = cancel(&client).await.unwrap_err();
    assert!(
        matches!(
            &error,
            Error::Transport {
                operation: "cancel_request",
                ..
            }
        ),
        "{error:?}"
    );
    // The host and the root cause; not the URL's path or query, which may hold caller data.
    let host = closed.trim_start_matches("http://");
    assert_eq!(
        error.to_string(),
        format!("cancel_request: no response from {host}: connection refused")
    );
    assert!(!error.to_string().contains("/v2/verify"), "{error}");
    // No link of the chain repeats the one before it.
    let mut previous = error.to_string();
    let mut link = std::error::Error::source(&error);
    while let Some(cause) = link {
        assert_ne!(cause.to_string(), previous);
        assert!(
            !previous.ends_with(&cause.to_string()),
            "{previous} / {cause}"
        );
        previous = cause.to_string();
        link = cause.source();
    }
}

#[tokio::test]
async fn hand_written_requests_carry_credentials_only_to_the_base_origin() {
    let base = MockServer::start_async().await;
    let other = MockServer::start_async().await;
    let mut mocks = Vec::new();
    for server in [&base, &other] {
        let with = server
            .mock_async(|when, then| {
                when.header_exists("authorization");
                then.status(204);
            })
            .await;
        let without = server
            .mock_async(|when, then| {
                when.header_missing("authorization");
                then.status(204);
            })
            .await;
        mocks.push((with, without));
    }
    let client = everything(&base).build().unwrap();
    let raw = client.v2().raw();
    let transport = progenitor_client::ClientInfo::inner(raw);
    let http = progenitor_client::ClientInfo::client(raw);
    let page = |server: &MockServer| {
        let url = server.url(format!("/v2/verify/templates?page=2&cursor={TEMPLATE}"));
        http.get(url).build().unwrap()
    };
    for server in [&base, &other] {
        transport
            .send(http, transport.operation("list_templates"), page(server))
            .await
            .unwrap();
    }
    let [(base_with, base_without), (other_with, other_without)] = &mocks[..] else {
        unreachable!()
    };
    assert_eq!(
        (
            base_with.calls_async().await,
            base_without.calls_async().await
        ),
        (1, 0)
    );
    assert_eq!(
        (
            other_with.calls_async().await,
            other_without.calls_async().await
        ),
        (0, 1)
    );

    // A request the operation table does not know (e.g. following a silent-auth redirect)
    // gets no credentials, even on the base origin.
    let follow = http.get(base.url("/anything")).build().unwrap();
    transport
        .send(http, transport.operation("follow_redirect"), follow)
        .await
        .unwrap();
    assert_eq!(base_without.calls_async().await, 1);
}

/// Calls polled in turn on one thread each keep their own record: the trace id and body of
/// one never end up in another's error, and a raw call polled among them is reported to none.
#[tokio::test]
async fn interleaved_calls_each_keep_what_their_own_transport_saw() {
    let mut servers = Vec::new();
    for n in 0..3 {
        let server = MockServer::start_async().await;
        server
            .mock_async(|_, then| {
                then.status(401)
                    .header("content-type", "application/problem+json")
                    .header("x-vonage-trace-id", format!("trace-{n}"))
                    // The replies come out of order, so the calls' polls interleave.
                    .delay(std::time::Duration::from_millis(60 - 20 * n))
                    .body(format!(
                        r#"{{"title": "Unauthorized", "detail": "server {n}"}}"#
                    ));
            })
            .await;
        servers.push(server);
    }
    let clients: Vec<Client> = servers
        .iter()
        .map(|server| everything(server).build().unwrap())
        .collect();
    let raw = clients[2].v2().raw().clone();
    let (first, second, unwatched) = tokio::join!(
        cancel(&clients[0]),
        cancel(&clients[1]),
        raw.cancel_request().request_id(ID).send(),
    );
    for (n, error) in [first.unwrap_err(), second.unwrap_err()].iter().enumerate() {
        let context = error.response().unwrap();
        assert_eq!(
            context.trace_id.as_deref(),
            Some(format!("trace-{n}").as_str())
        );
        let body = context.body.as_deref().unwrap();
        assert!(body.contains(&format!("server {n}")), "{body}");
    }
    // The raw client reports progenitor's own error, with the problem it decoded.
    match unwatched {
        Err(progenitor_client::Error::ErrorResponse(value)) => {
            assert_eq!(value.status(), 401);
            assert_eq!(value.detail.as_deref(), Some("server 2"));
        }
        other => panic!("{other:?}"),
    }
}

/// A typed call's error reply is taken by its transport before the generated code sees it:
/// the record holds the raw body and headers, the generated decoder gets an empty body, so the
/// body is parsed once, by the typed layer. A raw client's transport keeps no record and
/// hands the body on.
#[tokio::test]
async fn a_recording_transport_takes_error_replies_and_leaves_successes() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v2/verify/templates");
            then.status(200).body(r#"{"templates": []}"#);
        })
        .await;
    server
        .mock_async(|_, then| {
            then.status(404)
                .header("x-vonage-trace-id", TRACE)
                .body(r#"{"title": "Not Found"}"#);
        })
        .await;
    let client = everything(&server).build().unwrap();
    let raw = client.v2().raw();
    let plain = progenitor_client::ClientInfo::inner(raw);
    let http = progenitor_client::ClientInfo::client(raw);
    let (recording, record) = plain.recording();
    let get = |path: &str| http.get(server.url(path)).build().unwrap();
    let op = plain.operation("list_templates");

    let found = recording.send(http, op, get("/v2/verify/templates")).await;
    assert_eq!(found.unwrap().text().await.unwrap(), r#"{"templates": []}"#);
    let seen = record.take();
    assert_eq!(seen.status.map(|s| s.as_u16()), Some(200));
    assert!(seen.error_reply.is_none());

    let missing = recording.send(http, op, get("/v2/verify/nothing")).await;
    assert_eq!(missing.unwrap().text().await.unwrap(), "", "emptied");
    let seen = record.take();
    assert_eq!(seen.trace_id.as_deref(), Some(TRACE));
    let reply = seen.error_reply.expect("the error reply is kept");
    assert_eq!(reply.headers["x-vonage-trace-id"], TRACE);
    assert_eq!(&reply.body.unwrap()[..], br#"{"title": "Not Found"}"#);

    let untouched = plain.send(http, op, get("/v2/verify/nothing")).await;
    assert_eq!(
        untouched.unwrap().text().await.unwrap(),
        r#"{"title": "Not Found"}"#
    );
}

/// Which credentials a request carries follows the spec it was generated from: a form POST
/// gets the key and secret as fields where the spec allows an API key, and HTTP Basic where
/// it allows Basic alone (as Vonage's portal copy of v1 declares for every call).
#[tokio::test]
async fn the_spec_s_security_decides_between_form_fields_and_basic() {
    use crate::spec::{Operation, Security};

    static FORM_OR_BASIC: [Operation; 1] = [Operation {
        id: "verifyRequest",
        method_name: "verify_request",
        http_method: "POST",
        path: "/verify/json",
        authenticated: true,
        safe: false,
        security: &[Security::Basic, Security::ApiKey],
    }];
    static BASIC_ONLY: [Operation; 1] = [Operation {
        security: &[Security::Basic],
        ..FORM_OR_BASIC[0]
    }];
    let server = MockServer::start_async().await;
    let fields = server
        .mock_async(|when, then| {
            when.header_missing("authorization")
                .body_includes("api_secret=");
            then.status(200);
        })
        .await;
    let basic = server
        .mock_async(|when, then| {
            when.header_exists("authorization")
                .body_excludes("api_secret");
            then.status(200);
        })
        .await;
    let client = everything(&server).build().unwrap();
    let v1 = progenitor_client::ClientInfo::inner(client.v1().raw());
    let http = progenitor_client::ClientInfo::client(client.v1().raw());
    for table in [&FORM_OR_BASIC, &BASIC_ONLY] {
        let transport = v1.serving(crate::transport::Service {
            operations: table,
            ..crate::v1::SERVICE
        });
        let request = http
            .post(server.url("/verify/json"))
            .form(&[("number", "447700900000")])
            .build()
            .unwrap();
        transport.send(http, &table[0], request).await.unwrap();
    }
    assert_eq!(
        (fields.calls_async().await, basic.calls_async().await),
        (1, 1)
    );
}
