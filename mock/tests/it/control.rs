//! The control API under `/_mock`, through plain HTTP as a test in another language uses it,
//! and its twin methods on `MockServer`; and `openapi/control.yml` against the routes.

use axum::http::StatusCode;
use reqwest::Client as Http;
use serde_json::{Value, json};
use vonage_verify::v1::VerifyRequest;
use vonage_verify::v2::{StartRequest, Step};
use vonage_verify::{ProblemKind, SignatureSecret};
use vonage_verify_mock::{CONTROL_PREFIX, MOCK_API_SECRET, MockServer};

use crate::support::{clock, receiver};

async fn get(mock: &MockServer, path: &str) -> (StatusCode, Value) {
    let response = Http::new()
        .get(format!("{}{CONTROL_PREFIX}{path}", mock.base_url()))
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn post(mock: &MockServer, path: &str, body: Option<Value>) -> (StatusCode, Value) {
    let mut request = Http::new().post(format!("{}{CONTROL_PREFIX}{path}", mock.base_url()));
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn the_inbox_gives_codes_by_verification_or_number() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let first = client
        .v2()
        .start(&StartRequest::new("ACME").step(Step::sms("447700900101")))
        .await
        .unwrap();
    let second = client
        .v1()
        .request(&VerifyRequest::new("447700900102", "ACME"))
        .await
        .unwrap();

    let (status, all) = get(&mock, "/inbox").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(all.as_array().unwrap().len(), 2);
    assert_eq!(all[0]["request_id"], first.request_id);
    assert_eq!(all[0]["api"], "v2");
    assert_eq!(all[0]["channel"], "sms");
    assert_eq!(all[0]["code"], mock.code(&first.request_id).unwrap());

    let (_, by_id) = get(&mock, &format!("/inbox?request_id={}", second.request_id)).await;
    assert_eq!(by_id.as_array().unwrap().len(), 1);
    assert_eq!(by_id[0]["api"], "v1");
    assert_eq!(by_id[0]["to"], "447700900102");
    let (_, by_number) = get(&mock, "/inbox?to=447700900101").await;
    assert_eq!(by_number[0]["request_id"], first.request_id);
    let (_, nobody) = get(&mock, "/inbox?to=447700900199").await;
    assert_eq!(nobody, json!([]));
}

#[tokio::test]
async fn recorded_requests_hide_the_secret_and_leave_out_the_control_api() {
    let mock = MockServer::start().await.unwrap();
    let form = [
        ("api_key", vonage_verify_mock::MOCK_API_KEY),
        ("api_secret", MOCK_API_SECRET),
        ("number", "447700900103"),
        ("brand", "ACME"),
    ];
    let response = Http::new()
        .post(format!("{}/verify/json", mock.base_url()))
        .form(&form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    get(&mock, "/inbox").await;

    let (status, requests) = get(&mock, "/requests").await;
    assert_eq!(status, StatusCode::OK);
    let requests = requests.as_array().unwrap();
    assert_eq!(requests.len(), 1, "{requests:?}");
    assert_eq!(requests[0]["method"], "POST");
    assert_eq!(requests[0]["path"], "/verify/json");
    let body = requests[0]["body"].as_str().unwrap();
    assert!(body.contains("api_secret=%5Bredacted%5D"), "{body}");
    assert!(!body.contains(MOCK_API_SECRET), "{body}");
    assert_eq!(mock.requests().len(), 1);
}

#[tokio::test]
async fn a_system_clock_cannot_be_moved() {
    let mock = MockServer::start().await.unwrap();
    let (status, now) = get(&mock, "/clock").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(now["manual"], false);
    let (status, problem) = post(&mock, "/clock/advance", Some(json!({"seconds": 60}))).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["title"], "Not a manual clock");
}

#[tokio::test]
async fn moving_a_manual_clock_lapses_verifications_and_sends_their_callbacks() {
    let (url, received) = receiver(StatusCode::OK).await;
    let mock = MockServer::builder()
        .manual_clock(clock())
        .webhooks(url, SignatureSecret::new("the secret"))
        .start()
        .await
        .unwrap();
    let client = mock.client().unwrap();
    let started = client
        .v2()
        .start(&StartRequest::new("ACME").step(Step::sms("447700900104")))
        .await
        .unwrap();
    let (_, before) = get(&mock, "/clock").await;
    assert_eq!(
        before,
        json!({"now": "2026-09-21T14:13:20Z", "manual": true})
    );

    let (status, after) = post(&mock, "/clock/advance", Some(json!({"seconds": 3600}))).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(after["now"], "2026-09-21T15:13:20Z");
    let error = client
        .v2()
        .check_code(&started.request_id, "0000")
        .await
        .unwrap_err();
    assert_eq!(
        error.problem().map(|p| p.kind.clone()),
        Some(ProblemKind::NotFound)
    );

    let (status, deliveries) = get(&mock, "/deliveries").await;
    assert_eq!(status, StatusCode::OK);
    let kinds: Vec<&str> = deliveries
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["kind"].as_str().unwrap())
        .collect();
    assert_eq!(kinds, ["summary"], "{deliveries}");
    assert_eq!(deliveries[0]["status"], 200);
    assert_eq!(received.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_reset_forgets_everything_but_the_configuration() {
    let mock = MockServer::builder()
        .blocked_network("23410")
        .start()
        .await
        .unwrap();
    let client = mock.client().unwrap();
    client
        .v2()
        .start(&StartRequest::new("ACME").step(Step::sms("447700900105")))
        .await
        .unwrap();
    client
        .v1()
        .network_unblock(&vonage_verify::v1::NetworkUnblock::new("23410"))
        .await
        .unwrap();
    post(
        &mock,
        "/faults",
        Some(json!({"operation": "checkCode", "status": 500})),
    )
    .await;

    let (status, _) = post(&mock, "/reset", None).await;
    assert_eq!(status, StatusCode::NO_CONTENT);
    assert!(mock.inbox().is_empty());
    assert!(mock.requests().is_empty());
    assert!(mock.faults().is_empty());
    // The same number may start again, and the configured block is back.
    client
        .v2()
        .start(&StartRequest::new("ACME").step(Step::sms("447700900105")))
        .await
        .unwrap();
    client
        .v1()
        .network_unblock(&vonage_verify::v1::NetworkUnblock::new("23410"))
        .await
        .unwrap();
    mock.reset();
    assert!(mock.inbox().is_empty());
}

#[tokio::test]
async fn faults_are_added_listed_used_and_cleared_over_http() {
    let mock = MockServer::start().await.unwrap();
    let (status, added) = post(
        &mock,
        "/faults",
        Some(json!({"operation": "new_request", "times": 2, "status": 429, "retry_after": 2})),
    )
    .await;
    assert_eq!(status, StatusCode::CREATED);
    assert_eq!(added["times"], 2);
    let (_, listed) = get(&mock, "/faults").await;
    assert_eq!(listed[0]["operation"], "new_request");
    assert_eq!(listed[0]["times"], 2);

    let start = || {
        Http::new()
            .post(format!("{}/v2/verify", mock.base_url()))
            .basic_auth(vonage_verify_mock::MOCK_API_KEY, Some(MOCK_API_SECRET))
            .json(&json!({"brand": "ACME", "workflow": [{"channel": "sms", "to": "447700900106"}]}))
            .send()
    };
    let throttled = start().await.unwrap();
    assert_eq!(throttled.status(), StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(throttled.headers()["retry-after"], "2");
    assert_eq!(
        throttled.headers()["content-type"],
        "application/problem+json"
    );
    let problem: Value = throttled.json().await.unwrap();
    assert_eq!(
        problem["type"],
        "https://developer.vonage.com/api-errors#throttled"
    );
    let (_, listed) = get(&mock, "/faults").await;
    assert_eq!(listed[0]["times"], 1);
    assert_eq!(
        start().await.unwrap().status(),
        StatusCode::TOO_MANY_REQUESTS
    );
    assert_eq!(start().await.unwrap().status(), StatusCode::ACCEPTED);
    assert!(mock.inbox().len() == 1, "a faulted start acts on nothing");

    post(
        &mock,
        "/faults",
        Some(json!({"operation": "newRequest", "close": true})),
    )
    .await;
    let response = Http::new()
        .delete(format!("{}{CONTROL_PREFIX}/faults", mock.base_url()))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::NO_CONTENT);
    assert_eq!(get(&mock, "/faults").await.1, json!([]));
}

#[tokio::test]
async fn a_fault_that_cannot_be_is_a_problem_naming_why() {
    let mock = MockServer::start().await.unwrap();
    for (fault, reason) in [
        (
            json!({"operation": "sendPigeon"}),
            "no operation `sendPigeon`",
        ),
        (
            json!({"operation": "networkUnblock"}),
            "say which with `api`",
        ),
        (
            json!({"operation": "checkCode", "status": 503, "close": true}),
            "at most one of",
        ),
        (
            json!({"operation": "checkCode", "status": 302}),
            "not an error status",
        ),
        (
            json!({"operation": "checkCode", "times": 0, "status": 500}),
            "at least 1",
        ),
        (json!({"operation": "checkCode"}), "give an answer"),
    ] {
        let (status, problem) = post(&mock, "/faults", Some(fault.clone())).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{fault}");
        assert!(
            problem["detail"].as_str().unwrap().contains(reason),
            "{fault}: {problem}"
        );
    }
    let (status, _) = post(
        &mock,
        "/faults",
        Some(json!({"operation": "checkCode", "colour": 1})),
    )
    .await;
    assert!(status.is_client_error(), "unknown fields are refused");
    assert!(mock.faults().is_empty());
}

/// Every operation of `openapi/control.yml` is served, and a path it does not list is a 404
/// problem.
#[tokio::test]
async fn the_control_api_is_what_its_openapi_file_says() {
    let spec: Value = serde_norway::from_str(include_str!("../../openapi/control.yml")).unwrap();
    let mock = MockServer::builder()
        .manual_clock(clock())
        .start()
        .await
        .unwrap();
    let http = Http::new();
    let mut served = 0;
    for (path, item) in spec["paths"].as_object().unwrap() {
        for (method, operation) in item.as_object().unwrap() {
            let url = format!("{}{CONTROL_PREFIX}{path}", mock.base_url());
            let request = match method.as_str() {
                "get" => http.get(&url),
                "delete" => http.delete(&url),
                "post" => {
                    let body = match operation["operationId"].as_str().unwrap() {
                        "advanceClock" => json!({"seconds": 1}),
                        "addFault" => json!({"operation": "checkCode", "status": 500}),
                        _ => json!({}),
                    };
                    http.post(&url).json(&body)
                }
                other => panic!("{other} {path}"),
            };
            let status = request.send().await.unwrap().status();
            let documented: Vec<&String> =
                operation["responses"].as_object().unwrap().keys().collect();
            assert!(
                documented.iter().any(|code| **code == status.as_str()),
                "{method} {path}: {status}, documented {documented:?}"
            );
            served += 1;
        }
    }
    assert_eq!(served, 9);
    let (status, problem) = get(&mock, "/nothing-here").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(
        problem["detail"]
            .as_str()
            .unwrap()
            .contains("openapi/control.yml")
    );
}

/// Mistakes in a control request are problems like the API's own errors, and a clock moved
/// past what the mock can write is refused, not a crash.
#[tokio::test]
async fn control_mistakes_are_problems() {
    let mock = MockServer::builder()
        .manual_clock(clock())
        .start()
        .await
        .unwrap();
    let http = Http::new();
    let url = format!("{}{CONTROL_PREFIX}", mock.base_url());
    for request in [
        http.post(format!("{url}/faults")).body("not json"),
        http.post(format!("{url}/faults"))
            .json(&json!({"operation": "checkCode", "bogus": 1})),
        http.post(format!("{url}/clock/advance"))
            .json(&json!({"seconds": -5})),
    ] {
        let response = request.send().await.unwrap();
        assert!(response.status().is_client_error());
        assert_eq!(
            response.headers()["content-type"],
            "application/problem+json"
        );
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["title"], "Unreadable body", "{problem}");
    }
    let (status, problem) = post(
        &mock,
        "/clock/advance",
        Some(json!({"seconds": 99_999_999_999_999_u64})),
    )
    .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    let (status, now) = get(&mock, "/clock").await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(now["now"], "2026-09-21T14:13:20Z");
}

/// With TLS, the mock's own client trusts its certificate.
#[tokio::test]
async fn the_mock_s_client_trusts_its_certificate() {
    let mock = MockServer::builder()
        .tls(vonage_verify_mock::Tls::self_signed().unwrap())
        .start()
        .await
        .unwrap();
    assert!(mock.base_url().starts_with("https://"));
    let client = mock.client().unwrap();
    let started = client
        .v2()
        .start(&StartRequest::new("ACME").step(Step::sms("447700900107")))
        .await
        .unwrap();
    let code = mock.code(&started.request_id).unwrap();
    client
        .v2()
        .check_code(&started.request_id, &code)
        .await
        .unwrap();
}
