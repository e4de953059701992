//! Injected faults, as vonage-verify's client meets them: what it returns, what it sends
//! again and what it never sends twice, with the mock's records as the witness.

use std::time::Duration;

use futures_util::TryStreamExt as _;
use vonage_verify::v1::{Format, VerifyRequest};
use vonage_verify::v2::{StartRequest, Step};
use vonage_verify::{Error, ProblemKind, RetryPolicy};
use vonage_verify_mock::{Fault, MockServer};

fn retrying() -> RetryPolicy {
    RetryPolicy::new()
        .max_retries(2)
        .initial_backoff(Duration::from_millis(1))
        .max_backoff(Duration::from_millis(5))
}

fn start() -> StartRequest {
    StartRequest::new("ACME").step(Step::sms("447700900201"))
}

/// How many requests to `path` the mock received.
fn sent(mock: &MockServer, path: &str) -> usize {
    mock.requests().iter().filter(|r| r.path == path).count()
}

#[tokio::test]
async fn a_throttled_read_is_sent_again_after_its_retry_after() {
    let mock = MockServer::start().await.unwrap();
    mock.inject(
        Fault::on("listTemplates")
            .status(429)
            .retry_after(Duration::ZERO),
    )
    .unwrap();
    let client = mock.client_builder().retry(retrying()).build().unwrap();
    let templates: Vec<_> = client.v2().templates(None).try_collect().await.unwrap();
    assert!(templates.is_empty());
    assert_eq!(sent(&mock, "/v2/verify/templates"), 2);
    assert!(mock.faults().is_empty());
}

#[tokio::test]
async fn a_start_that_fails_is_returned_and_never_sent_twice() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client_builder().retry(retrying()).build().unwrap();
    for fault in [
        Fault::on("newRequest").status(503),
        Fault::on("newRequest")
            .status(429)
            .retry_after(Duration::ZERO),
        Fault::on("newRequest").close(),
    ] {
        mock.reset();
        mock.inject(fault.clone()).unwrap();
        let error = client.v2().start(&start()).await.unwrap_err();
        assert_eq!(sent(&mock, "/v2/verify"), 1, "{fault:?}: {error}");
        assert!(mock.inbox().is_empty(), "a faulted start acts on nothing");
        match error.status() {
            Some(status) => {
                let problem = error.problem().expect("a problem body");
                assert_eq!(status, problem.status);
                if status == 429 {
                    assert_eq!(problem.kind, ProblemKind::Throttled);
                }
            }
            // The connection closed without an answer: the start may have been acted on.
            None => assert!(matches!(error, Error::Transport { .. }), "{error:?}"),
        }
    }
    // With the faults used up, it goes through.
    client.v2().start(&start()).await.unwrap();
}

#[tokio::test]
async fn a_read_whose_connection_closes_is_sent_again() {
    let mock = MockServer::start().await.unwrap();
    mock.inject(Fault::on("list_templates").close()).unwrap();
    let client = mock.client_builder().retry(retrying()).build().unwrap();
    let page = client.v2().templates_page(None, None).await.unwrap();
    assert!(page.items.is_empty());
    assert_eq!(sent(&mock, "/v2/verify/templates"), 2);
    // Without a retry policy, the closed connection is the caller's error.
    mock.inject(Fault::on("list_templates").close()).unwrap();
    let plain = mock.client().unwrap();
    let error = plain.v2().templates_page(None, None).await.unwrap_err();
    assert!(matches!(error, Error::Transport { .. }), "{error:?}");
}

#[tokio::test]
async fn a_malformed_body_is_a_decode_error_with_its_context() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let started = client.v2().start(&start()).await.unwrap();
    mock.inject(Fault::on("checkCode").malformed()).unwrap();
    let code = mock.code(&started.request_id).unwrap();
    let error = client
        .v2()
        .check_code(&started.request_id, &code)
        .await
        .unwrap_err();
    let Error::Decode { context, .. } = &error else {
        panic!("{error:?}");
    };
    assert_eq!(context.operation, "check_code");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(200));

    // v1 in XML: the body is cut short in XML.
    mock.inject(Fault::on("verifyRequest").malformed()).unwrap();
    let error = client
        .v1()
        .format(Format::Xml)
        .request(&VerifyRequest::new("447700900202", "ACME"))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
}

#[tokio::test]
async fn latency_delays_the_answer_past_a_client_timeout() {
    let mock = MockServer::start().await.unwrap();
    mock.inject(Fault::on("verifySearch").latency(Duration::from_millis(400)))
        .unwrap();
    let impatient = mock
        .client_builder()
        .timeout(Duration::from_millis(100))
        .build()
        .unwrap();
    let error = impatient
        .v1()
        .search("abcdef0123456789abcdef0123456789")
        .await
        .unwrap_err();
    assert!(error.is_timeout(), "{error:?}");
    // Latency alone then answers as usual (here: no such verification).
    mock.inject(Fault::on("verifySearch").latency(Duration::from_millis(50)))
        .unwrap();
    let client = mock.client().unwrap();
    let error = client
        .v1()
        .search("abcdef0123456789abcdef0123456789")
        .await
        .unwrap_err();
    assert!(error.v1().is_some(), "the mock's own answer: {error:?}");
}

#[tokio::test]
async fn a_custom_problem_and_a_named_api_reach_the_caller() {
    let mock = MockServer::builder()
        .blocked_network("23410")
        .start()
        .await
        .unwrap();
    mock.inject(Fault::on("networkUnblock").api("v2").status(500).problem(
        "https://developer.vonage.com/api-errors#internal-error",
        "Internal Error",
        "Try again later.",
    ))
    .unwrap();
    let client = mock.client().unwrap();
    let unblock = vonage_verify::v2::NetworkUnblock::new("23410");
    let error = client.v2().network_unblock(&unblock).await.unwrap_err();
    let problem = error.problem().expect("a problem");
    assert_eq!(problem.kind, ProblemKind::InternalError);
    assert_eq!(problem.detail.as_deref(), Some("Try again later."));
    // v1's operation of the same name was not faulted.
    client.v1().network_unblock(&unblock).await.unwrap();
    let invalid = mock.inject(Fault::on("networkUnblock")).unwrap_err();
    assert!(invalid.to_string().contains("v1 and v2"), "{invalid}");
}

/// v1 reports throttling in an HTTP 200 with status 1: the client's typed error says so, and
/// the XML path gets the same in XML.
#[tokio::test]
async fn a_v1_status_fault_answers_as_v1_does() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    mock.inject(Fault::on("verifyRequest").times(2).v1_status(1))
        .unwrap();
    for format in [Format::Json, Format::Xml] {
        let error = client
            .v1()
            .format(format)
            .request(&VerifyRequest::new("447700900203", "ACME"))
            .await
            .unwrap_err();
        let v1 = error
            .v1()
            .unwrap_or_else(|| panic!("{format:?}: {error:?}"));
        assert_eq!(
            v1.status,
            vonage_verify::v1::Status::Throttled,
            "{format:?}"
        );
        assert_eq!(v1.error_text.as_deref(), Some("Throttled"));
        assert!(error.is_retryable());
    }
    assert!(mock.inbox().is_empty());
}
