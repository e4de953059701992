//! The retry policy, judged by how many requests the server saw.

use std::time::Duration;

use httpmock::{Method, MockServer};
use rust_decimal::Decimal;
use vonage_verify::v1::{Command, NetworkUnblock, Psd2Request, VerifyRequest};
use vonage_verify::v2::{StartRequest, Step, TemplateUpdate};
use vonage_verify::{Client, Error, RetryPolicy};

use crate::raw_server::{RawServer, response};
use crate::support;

const ID: &str = "c11236f4-00bf-4b89-84ba-88b25df97315";
const V1_ID: &str = "abcdef0123456789abcdef0123456789";
const TEMPLATE: &str = "8f35a1a7-eb2f-4552-8fdf-fffdaee41bc9";
const FRAGMENT: &str = "c70f446e-997a-4313-a081-60a02a31dc19";

/// Three tries at most, no real waiting.
fn quick() -> RetryPolicy {
    RetryPolicy::new()
        .max_retries(2)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(50))
}

fn retrying(server: &MockServer, policy: RetryPolicy) -> Client {
    support::builder(server)
        .api_key(support::api_key())
        .retry(policy)
        .build()
        .unwrap()
}

/// A mock answering `method path` with `status` (and `Retry-After` if given), and its hits.
async fn failing<'a>(
    server: &'a MockServer,
    method: Method,
    path: &str,
    status: u16,
    retry_after: Option<&str>,
) -> httpmock::Mock<'a> {
    let retry_after = retry_after.map(str::to_owned);
    server
        .mock_async(move |when, then| {
            when.method(method).path(path);
            let then = then
                .status(status)
                .header("content-type", "application/problem+json")
                .body(r#"{"title":"busy","detail":"try later"}"#);
            if let Some(after) = retry_after {
                then.header("retry-after", after);
            }
        })
        .await
}

/// A read: the first page of templates, which the mocks here always fail.
async fn list_templates(client: &Client) -> Error {
    client.v2().templates_page(None, None).await.unwrap_err()
}

#[tokio::test]
async fn reads_are_retried_on_server_errors_up_to_the_limit() {
    for status in [429, 500, 502, 503, 504] {
        let server = MockServer::start_async().await;
        let mock = failing(&server, Method::GET, "/v2/verify/templates", status, None).await;
        let err = list_templates(&retrying(&server, quick())).await;
        assert_eq!(
            mock.calls_async().await,
            3,
            "{status}: first try and two retries"
        );
        assert_eq!(
            err.status().map(|s| s.as_u16()),
            Some(status),
            "the last answer is returned: {err:?}"
        );
    }
}

#[tokio::test]
async fn v1_search_is_a_read_too() {
    let server = MockServer::start_async().await;
    let mock = failing(&server, Method::GET, "/verify/search/json", 502, None).await;
    retrying(&server, quick())
        .v1()
        .search("abcdef0123456789abcdef0123456789")
        .await
        .unwrap_err();
    assert_eq!(mock.calls_async().await, 3);
}

#[tokio::test]
async fn a_start_or_check_that_reached_the_server_is_never_resent() {
    for status in [429, 500, 502, 503, 504] {
        let server = MockServer::start_async().await;
        let start = failing(&server, Method::POST, "/v2/verify", status, Some("0")).await;
        let check = failing(
            &server,
            Method::POST,
            &format!("/v2/verify/{ID}"),
            status,
            None,
        )
        .await;
        let v1 = failing(&server, Method::POST, "/verify/json", status, None).await;
        let client = retrying(&server, quick().max_retries(5));
        client
            .v2()
            .start(&StartRequest::new("Acme").step(Step::sms("447700900000")))
            .await
            .unwrap_err();
        client.v2().check_code(ID, "1234").await.unwrap_err();
        client
            .v1()
            .request(&vonage_verify::v1::VerifyRequest::new(
                "447700900000",
                "Acme",
            ))
            .await
            .unwrap_err();
        assert_eq!(start.calls_async().await, 1, "{status}");
        assert_eq!(check.calls_async().await, 1, "{status}");
        assert_eq!(v1.calls_async().await, 1, "{status}");
    }
}

#[tokio::test]
async fn no_request_that_changes_state_is_resent() {
    // Every request gets a retryable answer inviting an immediate retry; each operation must
    // still reach the server exactly once.
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(503)
                .header("retry-after", "0")
                .header("content-type", "application/problem+json")
                .body(r#"{"title":"busy","detail":"try later"}"#);
        })
        .await;
    let client = retrying(&server, quick().max_retries(5));
    let (v1, v2) = (client.v1(), client.v2());
    let check_url = format!("{}/v2/verify/{ID}/silent-auth/redirect", server.base_url());
    let mut sent = 0;
    macro_rules! once {
        ($call:expr) => {{
            let result = $call.await.map(drop);
            assert!(result.is_err(), "{}: {result:?}", stringify!($call));
            sent += 1;
            assert_eq!(any.calls_async().await, sent, "{}", stringify!($call));
        }};
    }
    once!(v2.start(&StartRequest::new("Acme").step(Step::sms("447700900000"))));
    once!(v2.check_code(ID, "1234"));
    once!(v2.cancel(ID));
    once!(v2.next_workflow(ID));
    once!(v2.complete_silent_auth(&check_url, None));
    once!(v2.create_template("acme"));
    once!(v2.update_template(TEMPLATE, &TemplateUpdate::new().name("acme2")));
    once!(v2.delete_template(TEMPLATE));
    once!(v2.add_fragment(TEMPLATE, "sms", "en-us", "Your code: ${code}"));
    once!(v2.update_fragment(TEMPLATE, FRAGMENT, "Code: ${code}"));
    once!(v2.delete_fragment(TEMPLATE, FRAGMENT));
    once!(v1.request(&VerifyRequest::new("447700900000", "Acme")));
    once!(v1.psd2(&Psd2Request::new(
        "447700900000",
        "Acme",
        Decimal::new(1000, 2)
    )));
    once!(v1.check(V1_ID, "1234"));
    once!(v1.control(V1_ID, Command::Cancel));
    once!(v1.network_unblock(&NetworkUnblock::new("23410")));
    // The generated clients go through the same send path.
    once!(v2.raw().cancel_request().request_id(ID).send());
    once!(v2.raw().silent_auth_check().request_id(ID).send());
    once!(
        v1.format(vonage_verify::v1::Format::Xml)
            .request(&VerifyRequest::new("447700900000", "Acme"))
    );
}

#[tokio::test]
async fn a_timed_out_start_is_not_resent_and_a_timed_out_read_is() {
    let server = RawServer::start(|mut conn| async move {
        conn.read_request().await;
        conn.hold().await;
    })
    .await;
    let client = server
        .builder()
        .timeout(Duration::from_millis(100))
        .retry(quick())
        .build()
        .unwrap();
    let err = client
        .v2()
        .start(&StartRequest::new("Acme").step(Step::sms("447700900000")))
        .await
        .unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(server.accepted(), 1);

    let err = client.v1().search(V1_ID).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert_eq!(server.accepted(), 1 + 3, "a first try and two retries");
}

#[tokio::test]
async fn a_refused_connection_is_tried_again() {
    // Nothing listens on the port at first: the start is refused before any byte is sent.
    // A server starts there during the first wait, and the retry reaches it.
    // Bound but not listening: the port stays ours, and connecting to it is refused.
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let port = socket.local_addr().unwrap().port();
    let client = Client::builder()
        .base_url(format!("http://127.0.0.1:{port}"))
        .api_key(support::api_key())
        .retry(
            RetryPolicy::new()
                .max_retries(1)
                .initial_backoff(Duration::from_millis(500))
                .without_jitter(),
        )
        .build()
        .unwrap();
    let server = tokio::spawn(async move {
        tokio::time::sleep(Duration::from_millis(100)).await;
        let body = format!(r#"{{"request_id":"{ID}"}}"#);
        RawServer::answering_with(socket.listen(16).unwrap(), move |_| {
            response("202 Accepted", "application/json", body.as_bytes())
        })
    });
    let began = std::time::Instant::now();
    let started = client
        .v2()
        .start(&StartRequest::new("Acme").step(Step::sms("447700900000")))
        .await
        .unwrap();
    assert_eq!(started.request_id, ID);
    assert!(
        began.elapsed() >= Duration::from_millis(500),
        "the first try was refused and the retry waited its backoff"
    );
    assert_eq!(server.await.unwrap().accepted(), 1);
}

#[tokio::test]
async fn retry_after_is_honoured_when_it_fits_and_answered_when_it_does_not() {
    // The policy's own waits would be 2 s then 4 s; `Retry-After: 0` replaces them.
    let server = MockServer::start_async().await;
    let now = failing(&server, Method::GET, "/v2/verify/templates", 429, Some("0")).await;
    let slow = RetryPolicy::new()
        .initial_backoff(Duration::from_secs(2))
        .max_backoff(Duration::from_secs(5))
        .without_jitter();
    let began = std::time::Instant::now();
    list_templates(&retrying(&server, slow)).await;
    assert_eq!(now.calls_async().await, 3);
    assert!(
        began.elapsed() < Duration::from_secs(2),
        "waited the backoff, not Retry-After"
    );

    // One second is more than the 50 ms the policy allows: the 429 comes back at once.
    let server = MockServer::start_async().await;
    let later = failing(&server, Method::GET, "/v2/verify/templates", 503, Some("1")).await;
    let err = list_templates(&retrying(&server, quick())).await;
    assert_eq!(later.calls_async().await, 1);
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
}

#[tokio::test]
async fn success_and_client_errors_are_not_retried() {
    let server = MockServer::start_async().await;
    let missing = failing(&server, Method::GET, "/v2/verify/templates", 404, None).await;
    list_templates(&retrying(&server, quick())).await;
    assert_eq!(missing.calls_async().await, 1);
}

#[tokio::test]
async fn without_a_policy_every_request_is_sent_once() {
    let server = MockServer::start_async().await;
    let mock = failing(&server, Method::GET, "/v2/verify/templates", 503, Some("0")).await;
    list_templates(&support::client(&server)).await;
    assert_eq!(mock.calls_async().await, 1);
}

#[tokio::test]
async fn a_start_that_never_reached_the_server_is_sent_again() {
    // The TLS handshake fails on every connection: no byte of the HTTP request is ever
    // written, so even a start may be retried. The server counts the connections.
    let server = RawServer::start(|mut conn| async move {
        conn.read_some().await;
        let _ = conn.write(b"not TLS\r\n").await;
    })
    .await;
    let client = Client::builder()
        .base_url(format!("https://{}", server.addr()))
        .api_key(support::api_key())
        .retry(quick().max_retries(3))
        .build()
        .unwrap();
    let err = client
        .v2()
        .start(&StartRequest::new("Acme").step(Step::sms("447700900000")))
        .await
        .unwrap_err();
    let Error::Transport { source, .. } = &err else {
        panic!("{err:?}");
    };
    assert!(source.is_connect(), "{source:?}");
    assert_eq!(server.accepted(), 4, "the first try and three retries");
}

#[tokio::test]
async fn a_start_whose_connection_dropped_mid_request_is_not_resent() {
    // Reads the request and closes without answering: the server may have acted on it.
    let server = RawServer::start(|mut conn| async move {
        conn.read_request().await;
    })
    .await;
    let err = server
        .builder()
        .retry(quick().max_retries(5))
        .build()
        .unwrap()
        .v2()
        .start(&StartRequest::new("Acme").step(Step::sms("447700900000")))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(server.accepted(), 1);

    // The same failure on a read is retried.
    let reader = server
        .builder()
        .retry(quick().max_retries(2))
        .build()
        .unwrap();
    reader.v2().templates_page(None, None).await.unwrap_err();
    assert_eq!(server.accepted(), 4);
}
