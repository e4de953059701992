//! Broken and hostile servers. Every fault ends in a typed error, within the client's timeout,
//! having read no more of a body than the client's limit. The servers are bare TCP scripts
//! (see `raw_server`), since these replies are ones no well-behaved HTTP server sends.

use std::time::{Duration, Instant};

use vonage_verify::v1::{Format, VerifyRequest};
use vonage_verify::v2::raw;
use vonage_verify::v2::{StartRequest, Step};
use vonage_verify::{Client, DEFAULT_MAX_RESPONSE_BYTES, Error};

use crate::raw_server::{RawServer, head, response};
use crate::support;

const TIMEOUT: Duration = Duration::from_millis(300);
const V1_ID: &str = "abcdef0123456789abcdef0123456789";
const JSON: &str = "application/json";

/// The ways a reply is read: by the generated v2 and v1 clients and by the hand-written v1
/// XML path. Each starts or searches a verification and must fail.
#[derive(Debug, Clone, Copy)]
enum Path {
    V2Start,
    V1Request,
    V1XmlSearch,
}

impl Path {
    const ALL: [Path; 3] = [Path::V2Start, Path::V1Request, Path::V1XmlSearch];

    async fn fail(self, client: &Client) -> Error {
        match self {
            Path::V2Start => client
                .v2()
                .start(&StartRequest::new("Acme").step(Step::sms("447700900000")))
                .await
                .map(drop),
            Path::V1Request => client
                .v1()
                .request(&VerifyRequest::new("447700900000", "Acme"))
                .await
                .map(drop),
            Path::V1XmlSearch => client
                .v1()
                .format(Format::Xml)
                .search(V1_ID)
                .await
                .map(drop),
        }
        .expect_err("the fault is reported")
    }
}

/// What a well-formed success would carry: 202 for a v2 start, 200 for v1.
fn ok_status(request: &str) -> &'static str {
    if request.starts_with("POST /v2/") {
        "202 Accepted"
    } else {
        "200 OK"
    }
}

fn is_xml(request: &str) -> bool {
    request
        .lines()
        .next()
        .is_some_and(|line| line.contains("/xml"))
}

/// Runs every path against `server` with a client that gives up after [`TIMEOUT`], and
/// hands each error to `check` with how long it took.
async fn on_every_path(server: &RawServer, check: impl Fn(Path, &Error, Duration)) {
    let client = server.builder().timeout(TIMEOUT).build().unwrap();
    for path in Path::ALL {
        let began = Instant::now();
        let error = path.fail(&client).await;
        check(path, &error, began.elapsed());
    }
}

/// Within the timeout, with room for a loaded machine, but never before it.
fn within_the_bound(path: Path, took: Duration) {
    assert!(took >= TIMEOUT, "{path:?} gave up early: {took:?}");
    assert!(
        took < TIMEOUT + Duration::from_secs(5),
        "{path:?} took {took:?}"
    );
}

/// A timeout before the reply's head was complete.
fn no_answer_in_time(path: Path, error: &Error, took: Duration) {
    assert!(
        matches!(error, Error::Transport { .. }),
        "{path:?}: {error:?}"
    );
    assert!(error.is_timeout(), "{path:?}: {error:?}");
    assert!(
        error.to_string().ends_with(": timed out"),
        "{path:?}: {error}"
    );
    within_the_bound(path, took);
}

#[tokio::test]
async fn a_server_that_accepts_and_never_answers_times_out() {
    let server = RawServer::start(|mut conn| async move {
        conn.read_request().await;
        conn.hold().await;
    })
    .await;
    on_every_path(&server, no_answer_in_time).await;
}

#[tokio::test]
async fn a_server_that_trickles_its_head_times_out() {
    let server = RawServer::start(|mut conn| async move {
        conn.read_request().await;
        // Header lines that never end, a byte at a time: never a complete head.
        if conn.write(b"HTTP/1.1 200 OK\r\n").await.is_ok() {
            conn.trickle(b"x-slow: yes\r\n", Duration::from_millis(20))
                .await;
        }
    })
    .await;
    on_every_path(&server, no_answer_in_time).await;
}

#[tokio::test]
async fn a_server_that_trickles_its_body_times_out() {
    let server = RawServer::start(|mut conn| async move {
        let Some(request) = conn.read_request().await else {
            return;
        };
        let head = head(
            ok_status(&request),
            &[("content-type", JSON), ("content-length", "100000")],
        );
        if conn.write(&head).await.is_ok() {
            conn.trickle(b"{\"request_id\":\"", Duration::from_millis(20))
                .await;
        }
    })
    .await;
    on_every_path(&server, |path, error, took| {
        let Error::Body { context, .. } = error else {
            panic!("{path:?}: {error:?}");
        };
        assert!(context.status.is_some_and(|s| s.is_success()), "{path:?}");
        assert!(error.is_timeout(), "{path:?}: {error:?}");
        within_the_bound(path, took);
    })
    .await;
}

#[tokio::test]
async fn a_connection_reset_before_the_reply_is_a_transport_error() {
    let mut server = RawServer::start(|mut conn| async move {
        conn.read_request().await;
        conn.reset();
    })
    .await;
    on_every_path(&server, |path, error, _| {
        assert!(
            matches!(error, Error::Transport { .. }),
            "{path:?}: {error:?}"
        );
        assert!(!error.is_timeout(), "{path:?}: {error:?}");
        let message = error.to_string();
        let host = server.addr().to_string();
        assert!(
            message.contains(&format!(
                "no response from {host}: the connection was closed"
            )),
            "{path:?}: {message}"
        );
    })
    .await;
    server.finished(3).await;
    assert_eq!(server.accepted(), 3);

    // With retries on, the two starts are still sent once each and the search is read again.
    let client = server
        .builder()
        .retry(
            vonage_verify::RetryPolicy::new()
                .max_retries(2)
                .initial_backoff(Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    for path in Path::ALL {
        path.fail(&client).await;
    }
    assert_eq!(server.accepted(), 3 + 1 + 1 + 3);
}

#[tokio::test]
async fn a_connection_reset_inside_the_body_is_a_body_error() {
    let server = RawServer::start(|mut conn| async move {
        let Some(request) = conn.read_request().await else {
            return;
        };
        let mut reply = head(
            ok_status(&request),
            &[("content-type", JSON), ("content-length", "1000")],
        );
        reply.extend_from_slice(b"{\"request_id\":\"c11236f4");
        if conn.write(&reply).await.is_ok() {
            // Let the client read the head before the reset arrives.
            tokio::time::sleep(Duration::from_millis(50)).await;
            conn.reset();
        }
    })
    .await;
    on_every_path(&server, |path, error, _| {
        assert!(matches!(error, Error::Body { .. }), "{path:?}: {error:?}");
    })
    .await;
}

#[tokio::test]
async fn a_body_shorter_than_its_content_length_is_a_body_error() {
    let server = RawServer::answering(|request| {
        let mut reply = head(
            ok_status(request),
            &[
                ("content-type", JSON),
                ("content-length", "500"),
                ("connection", "close"),
            ],
        );
        reply.extend_from_slice(br#"{"request_id":"c11236f4"}"#);
        reply
    })
    .await;
    on_every_path(&server, |path, error, _| {
        let Error::Body { source, .. } = error else {
            panic!("{path:?}: {error:?}");
        };
        assert!(!error.is_timeout(), "{path:?}: {source}");
    })
    .await;
}

#[tokio::test]
async fn a_chunked_body_cut_off_before_its_last_chunk_is_a_body_error() {
    let server = RawServer::answering(|request| {
        let mut reply = head(
            ok_status(request),
            &[
                ("content-type", JSON),
                ("transfer-encoding", "chunked"),
                ("connection", "close"),
            ],
        );
        reply.extend_from_slice(b"10\r\n{\"request_id\":\"c\r\n");
        reply
    })
    .await;
    on_every_path(&server, |path, error, _| {
        assert!(matches!(error, Error::Body { .. }), "{path:?}: {error:?}");
    })
    .await;
}

#[tokio::test]
async fn an_html_502_from_a_proxy_is_a_status_error_with_the_page() {
    let page = "<html><head><title>502 Bad Gateway</title></head>\
                <body><center><h1>502 Bad Gateway</h1></center></body></html>";
    let server =
        RawServer::answering(move |_| response("502 Bad Gateway", "text/html", page.as_bytes()))
            .await;
    on_every_path(&server, |path, error, _| {
        let Error::Status { context } = error else {
            panic!("{path:?}: {error:?}");
        };
        assert_eq!(context.status.map(|s| s.as_u16()), Some(502), "{path:?}");
        assert_eq!(context.body.as_deref(), Some(page), "{path:?}");
        assert!(error.problem().is_none());
        // Which request got it, and the start of what came back.
        let (method, route) = match path {
            Path::V2Start => ("POST", "/v2/verify"),
            Path::V1Request => ("POST", "/verify/json"),
            Path::V1XmlSearch => ("GET", "/verify/search/xml"),
        };
        let message = error.to_string();
        assert!(
            message.contains(&format!("({method} {route}, HTTP 502 Bad Gateway")),
            "{path:?}: {message}"
        );
        assert!(
            message.contains("<title>502 Bad Gateway</title>"),
            "{path:?}: {message}"
        );
    })
    .await;
}

#[tokio::test]
async fn a_success_with_an_empty_body_is_a_decode_error() {
    for content_type in [JSON, "text/xml"] {
        let server =
            RawServer::answering(move |request| response(ok_status(request), content_type, b""))
                .await;
        on_every_path(&server, |path, error, _| {
            let Error::Decode { context, .. } = error else {
                panic!("{path:?} {content_type}: {error:?}");
            };
            assert_eq!(context.body.as_deref(), Some(""), "{path:?}");
        })
        .await;
    }
}

#[tokio::test]
async fn a_body_that_is_not_utf8_is_a_decode_error() {
    let server = RawServer::answering(|request| {
        if is_xml(request) {
            let xml = b"<?xml version=\"1.0\" encoding=\"UTF-8\"?><verify_response>\
                        <request_id>\xff\xfe</request_id><status>0</status></verify_response>";
            response("200 OK", "text/xml", xml)
        } else {
            let json = b"{\"request_id\":\"\xff\xfe\",\"status\":\"0\"}";
            response(ok_status(request), JSON, json)
        }
    })
    .await;
    on_every_path(&server, |path, error, _| {
        let Error::Decode { context, .. } = error else {
            panic!("{path:?}: {error:?}");
        };
        // The excerpt is kept, with the bad bytes replaced rather than dropped.
        assert!(
            context
                .body
                .as_deref()
                .is_some_and(|b| b.contains('\u{FFFD}')),
            "{path:?}: {context:?}"
        );
    })
    .await;
}

#[tokio::test]
async fn an_error_body_that_is_not_utf8_still_reports_the_status() {
    let server = RawServer::answering(|_| {
        response(
            "400 Bad Request",
            "application/problem+json",
            b"{\"title\":\"\xc3\x28\",\"detail\":\"bad\"}",
        )
    })
    .await;
    on_every_path(&server, |path, error, _| {
        assert_eq!(error.status().map(|s| s.as_u16()), Some(400), "{path:?}");
        assert!(
            matches!(error, Error::Status { .. } | Error::Problem { .. }),
            "{path:?}: {error:?}"
        );
    })
    .await;
}

/// Declares (or streams without declaring) a 50 MB body and writes until the client hangs up.
async fn fifty_megabytes(declared: bool) -> RawServer {
    const SIZE: usize = 50 << 20;
    RawServer::start(move |mut conn| async move {
        let Some(request) = conn.read_request().await else {
            return;
        };
        let size = SIZE.to_string();
        let framing = if declared {
            ("content-length", size.as_str())
        } else {
            ("transfer-encoding", "chunked")
        };
        if conn
            .write(&head(
                ok_status(&request),
                &[("content-type", JSON), framing],
            ))
            .await
            .is_err()
        {
            return;
        }
        let block = [b'x'; 64 * 1024];
        let chunk = [format!("{:x}\r\n", block.len()).as_bytes(), &block, b"\r\n"].concat();
        let piece: &[u8] = if declared { &block } else { &chunk };
        let mut sent = 0;
        while sent + block.len() <= SIZE {
            if conn.write(piece).await.is_err() {
                return;
            }
            sent += block.len();
        }
    })
    .await
}

/// What a 50 MB body may cost at most: the client's limit plus what the kernel's socket
/// buffers on both ends accepted before the client hung up.
const READ_BOUND: usize = 20 << 20;

#[tokio::test]
async fn a_50_mb_body_is_cut_off_at_the_limit() {
    for declared in [true, false] {
        for path in Path::ALL {
            let mut server = fifty_megabytes(declared).await;
            let client = server.builder().build().unwrap();
            let error = path.fail(&client).await;
            let Error::BodyTooLarge { limit, .. } = error else {
                panic!("{path:?}, declared {declared}: {error:?}");
            };
            assert_eq!(limit, DEFAULT_MAX_RESPONSE_BYTES);
            server.finished(1).await;
            assert!(
                server.written() < READ_BOUND,
                "{path:?}, declared {declared}: the server wrote {} bytes",
                server.written()
            );
        }
    }
}

#[tokio::test]
async fn a_50_mb_body_is_cut_off_for_the_generated_methods_too() {
    for declared in [true, false] {
        let mut server = fifty_megabytes(declared).await;
        let client = server.builder().build().unwrap();
        let error = client.v2().raw().list_templates().send().await.unwrap_err();
        assert!(
            matches!(error, raw::Error::ResponseBodyError(_)),
            "declared {declared}: {error:?}"
        );
        server.finished(1).await;
        assert!(server.written() < READ_BOUND, "{}", server.written());
    }
}

#[tokio::test]
async fn a_body_declared_longer_than_the_limit_fails_at_its_first_bytes() {
    // A few bytes, then silence: a client that waited for the limit to fill would time out.
    // Success and error replies are read by different code; both trust the declared length.
    let statuses: [fn(&str) -> &'static str; 2] = [ok_status, |_| "500 Internal Server Error"];
    for status in statuses {
        let server = RawServer::start(move |mut conn| async move {
            let Some(request) = conn.read_request().await else {
                return;
            };
            let mut reply = head(
                status(&request),
                &[("content-type", JSON), ("content-length", "52428800")],
            );
            reply.extend_from_slice(b"{\"request_id\":");
            if conn.write(&reply).await.is_ok() {
                conn.hold().await;
            }
        })
        .await;
        on_every_path(&server, |path, error, _| {
            assert!(
                matches!(error, Error::BodyTooLarge { .. }),
                "{path:?}: {error:?}"
            );
        })
        .await;
    }
}

#[tokio::test]
async fn xml_entities_are_refused_never_expanded_or_fetched() {
    // Anything fetching the external entity would knock on this server.
    let bait = RawServer::answering(|_| response("200 OK", "text/plain", b"secret")).await;
    let replies = [
        // Billion laughs, three levels deep is enough to show it is refused.
        "<!DOCTYPE verify_response [<!ENTITY a \"aaaaaaaaaa\">\
         <!ENTITY b \"&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;\">\
         <!ENTITY c \"&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;\">]>\
         <verify_response><request_id>&c;</request_id><status>0</status></verify_response>"
            .to_owned(),
        format!(
            "<!DOCTYPE verify_response [<!ENTITY x SYSTEM \"http://{}/\">]>\
             <verify_response><request_id>&x;</request_id><status>0</status></verify_response>",
            bait.addr()
        ),
        // Declared and never used: refused all the same.
        "<!DOCTYPE verify_response [<!ENTITY a \"a\">]>\
         <verify_response><request_id>abc</request_id><status>0</status></verify_response>"
            .to_owned(),
    ];
    for xml in replies {
        let body = format!("<?xml version=\"1.0\" encoding=\"UTF-8\"?>{xml}");
        let server =
            RawServer::answering(move |_| response("200 OK", "text/xml", body.as_bytes())).await;
        let client = server.builder().build().unwrap();
        let error = Path::V1XmlSearch.fail(&client).await;
        let Error::Decode { reason, .. } = &error else {
            panic!("{error:?}");
        };
        assert!(reason.contains("entit"), "{reason}");
    }
    assert_eq!(bait.accepted(), 0, "the external entity was never fetched");
}

#[tokio::test]
async fn deeply_nested_replies_are_decode_errors_not_stack_overflows() {
    const DEPTH: usize = 100_000;
    let server = RawServer::answering(|request| {
        if is_xml(request) {
            let xml = format!(
                "<verify_response><request_id>{}{}</request_id></verify_response>",
                "<a>".repeat(DEPTH),
                "</a>".repeat(DEPTH)
            );
            response("200 OK", "text/xml", xml.as_bytes())
        } else {
            let json = format!(
                "{{\"request_id\":{}{}}}",
                "[".repeat(DEPTH),
                "]".repeat(DEPTH)
            );
            response(ok_status(request), JSON, json.as_bytes())
        }
    })
    .await;
    on_every_path(&server, |path, error, _| {
        assert!(matches!(error, Error::Decode { .. }), "{path:?}: {error:?}");
    })
    .await;

    // The same depth in an error body, which is read as a problem document first.
    let nested = format!("{}{}", "[".repeat(DEPTH), "]".repeat(DEPTH));
    let server = RawServer::answering(move |_| {
        response(
            "422 Unprocessable Entity",
            "application/problem+json",
            nested.as_bytes(),
        )
    })
    .await;
    on_every_path(&server, |path, error, _| {
        assert!(matches!(error, Error::Status { .. }), "{path:?}: {error:?}");
    })
    .await;
}

/// A server (or a proxy) that echoes the request back in an error puts the client's secrets
/// into the body an error quotes: the client masks its own secrets in every excerpt, in each
/// form a request carries them.
#[tokio::test]
async fn an_echoed_request_does_not_show_the_secrets_in_errors() {
    let echo = RawServer::start(|mut conn| async move {
        if let Some(request) = conn.read_whole_request().await {
            let _ = conn
                .write(&response("400 Bad Request", "text/plain", &request))
                .await;
        }
    })
    .await;
    let client = echo
        .builder()
        .application(support::APPLICATION_ID, support::private_key())
        .build()
        .unwrap();
    let basic = echo
        .builder()
        .v2_auth(vonage_verify::V2Auth::Basic)
        .build()
        .unwrap();
    let errors = [
        // v1: the secret as a form field, percent-encoded (`s3cr3t%21`).
        client
            .v1()
            .request(&vonage_verify::v1::VerifyRequest::new(
                "447700900000",
                "ACME",
            ))
            .await
            .unwrap_err(),
        // v2 with an application JWT.
        client
            .v2()
            .start(&StartRequest::new("ACME").step(Step::sms("447700900000")))
            .await
            .unwrap_err(),
        // v2 with HTTP Basic: the key and secret base64-encoded.
        basic
            .v2()
            .cancel("c11236f4-00bf-4b89-84ba-88b25df97315")
            .await
            .unwrap_err(),
    ];
    let jwt =
        vonage_verify::secrecy::ExposeSecret::expose_secret(&client.application_jwt().unwrap())
            .to_owned();
    for error in errors {
        let excerpt = error.response().and_then(|r| r.body.clone()).unwrap();
        assert!(excerpt.contains("[redacted]"), "{excerpt}");
        for shown in [excerpt, error.to_string(), format!("{error:?}")] {
            for secret in [
                support::SECRET,
                "s3cr3t%21",
                "YWJjZDEyMzQ6czNjcjN0IQ==",
                &jwt,
            ] {
                assert!(!shown.contains(secret), "{secret} in {shown}");
            }
        }
    }
}

/// The same, where the echo lands in what the client decodes: a problem's `detail`, a v1
/// status's `error_text`, and the value a decoder refuses (serde quotes it in its reason).
#[tokio::test]
async fn an_echo_inside_a_decoded_reply_does_not_show_the_secrets() {
    let echo = RawServer::start(|mut conn| async move {
        let Some(request) = conn.read_whole_request().await else {
            return;
        };
        let text = String::from_utf8_lossy(&request).into_owned();
        let quoted = serde_json::Value::from(text.as_str());
        let reply = if text.starts_with("POST /v2/verify ") {
            let body = serde_json::json!({"title": "Invalid params", "detail": quoted});
            response(
                "422 Unprocessable Entity",
                "application/problem+json",
                body.to_string().as_bytes(),
            )
        } else if text.starts_with("POST /verify/json") {
            let body = serde_json::json!({"status": "3", "error_text": quoted});
            response("200 OK", "application/json", body.to_string().as_bytes())
        } else {
            let body = serde_json::json!({"templates": [], "page_size": quoted});
            response("200 OK", "application/json", body.to_string().as_bytes())
        };
        let _ = conn.write(&reply).await;
    })
    .await;
    let client = echo
        .builder()
        .application(support::APPLICATION_ID, support::private_key())
        .build()
        .unwrap();

    let errors = [
        client
            .v2()
            .start(&StartRequest::new("ACME").step(Step::sms("447700900000")))
            .await
            .unwrap_err(),
        client
            .v1()
            .request(&VerifyRequest::new("447700900000", "ACME"))
            .await
            .unwrap_err(),
        client
            .v2()
            .templates_page(Some(1), Some(10))
            .await
            .unwrap_err(),
    ];
    let jwt =
        vonage_verify::secrecy::ExposeSecret::expose_secret(&client.application_jwt().unwrap())
            .to_owned();
    assert!(
        matches!(errors[0], Error::Problem { .. }),
        "{:?}",
        errors[0]
    );
    assert!(matches!(errors[1], Error::V1(_)), "{:?}", errors[1]);
    assert!(matches!(errors[2], Error::Decode { .. }), "{:?}", errors[2]);
    for error in &errors {
        let shown = format!("{error} {error:?}");
        assert!(shown.contains("[redacted]"), "{shown}");
        for secret in [support::SECRET, "s3cr3t%21", &jwt] {
            assert!(!shown.contains(secret), "{secret} in {shown}");
        }
    }
}

/// A server that speaks no TLS where the base URL says https: the handshake fails, and the
/// message says so and names the host.
#[tokio::test]
async fn a_tls_failure_names_the_host_and_the_handshake() {
    // It answers plain HTTP at once, to what is in fact a TLS ClientHello.
    let server = RawServer::start(|mut conn| async move {
        let _ = conn.write(b"HTTP/1.1 400 Bad Request\r\n\r\n").await;
    })
    .await;
    let client = Client::builder()
        .base_url(format!("https://{}", server.addr()))
        .api_key(support::api_key())
        .timeout(TIMEOUT)
        .build()
        .unwrap();
    let error = Path::V2Start.fail(&client).await;
    let message = error.to_string();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
    assert!(
        message.starts_with(&format!(
            "new_request: no response from {}: TLS handshake failed (",
            server.addr()
        )),
        "{message}"
    );
}
