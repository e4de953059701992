//! The mock's v1 beyond the JSON flows: XML replies laid out as the live service writes
//! them, PSD2, network unblock, and the spec's request constraints.

use std::time::Duration;

use rust_decimal::Decimal;
use vonage_verify::v1::{
    CheckOutcome, Command, Format, NetworkUnblock, Psd2Request, SearchStatus, Status, VerifyRequest,
};
use vonage_verify_mock::{MOCK_API_KEY, MOCK_API_SECRET, MockServer};

use crate::support::clock;

const NUMBER: &str = "447700900031";

fn status_of(error: &vonage_verify::Error) -> Option<&Status> {
    error.v1().map(|e| &e.status)
}

#[tokio::test]
async fn the_typed_client_runs_the_whole_flow_in_xml() {
    let clock = clock();
    let mock = MockServer::builder()
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let client = mock.client().unwrap();
    let xml = client.v1().format(Format::Xml);
    let started = xml
        .request(&VerifyRequest::new(NUMBER, "ACME").code_length(6))
        .await
        .unwrap();
    let code = mock.code(&started.request_id).unwrap();
    assert_eq!(code.len(), 6);
    let concurrent = xml
        .request(&VerifyRequest::new(NUMBER, "ACME"))
        .await
        .unwrap_err();
    assert_eq!(
        status_of(&concurrent),
        Some(&Status::ConcurrentVerifications)
    );
    assert!(matches!(
        xml.check(&started.request_id, "00000x").await.unwrap(),
        CheckOutcome::WrongCode(_)
    ));
    clock.advance(Duration::from_secs(31));
    xml.trigger_next_event(&started.request_id).await.unwrap();
    let CheckOutcome::Verified(verified) = xml.check(&started.request_id, &code).await.unwrap()
    else {
        panic!("the right code was refused");
    };
    assert_eq!(verified.currency.as_deref(), Some("EUR"));

    let found = xml.search(&started.request_id).await.unwrap();
    assert_eq!(found.status, SearchStatus::Success);
    assert_eq!(found.number.as_deref(), Some(NUMBER));
    assert_eq!(found.checks.len(), 2);
    assert_eq!(found.events.len(), 2);
    let other = xml
        .request(&VerifyRequest::new("447700900032", "ACME"))
        .await
        .unwrap();
    let both = xml
        .search_many([started.request_id.as_str(), other.request_id.as_str()])
        .await
        .unwrap();
    assert_eq!(both.len(), 2);
    assert_eq!(both[1].status, SearchStatus::InProgress);
    let missing = xml
        .search("0123456789abcdef0123456789abcdef")
        .await
        .unwrap_err();
    assert_eq!(status_of(&missing), Some(&Status::NotFound));
    // The same verification reads the same in JSON.
    let json = client.v1().search(&started.request_id).await.unwrap();
    assert_eq!(json, found);
}

/// A v1 call sent by hand, returning the content type and body.
async fn raw_v1(mock: &MockServer, path: &str, form: &[(&str, &str)]) -> (String, String) {
    let mut fields = vec![("api_key", MOCK_API_KEY), ("api_secret", MOCK_API_SECRET)];
    fields.extend_from_slice(form);
    let http = reqwest::Client::new();
    let url = format!("{}{path}", mock.base_url());
    let request = if path.starts_with("/verify/search/") {
        http.get(url).query(&fields)
    } else {
        http.post(url).form(&fields)
    };
    let response = request.send().await.unwrap();
    assert_eq!(response.status(), 200);
    let content_type = response.headers()["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    (content_type, response.text().await.unwrap())
}

#[tokio::test]
async fn xml_replies_have_the_live_roots_and_layout() {
    let mock = MockServer::start().await.unwrap();
    let (content_type, body) = raw_v1(
        &mock,
        "/verify/xml",
        &[("number", NUMBER), ("brand", "ACME")],
    )
    .await;
    // As the live service sends them, not the spec's text/xml.
    assert!(content_type.starts_with("text/plain"), "{content_type}");
    assert!(
        body.starts_with(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<verify_response>\n  <request_id>"
        ),
        "{body}"
    );
    let id = mock.inbox()[0].request_id.clone();

    // A parameter error comes under `response`, as in the one real sample on record.
    let (_, body) = raw_v1(&mock, "/verify/xml", &[("number", NUMBER)]).await;
    assert!(
        body.contains("<response>\n  <status>2</status>\n  <error_text>"),
        "{body}"
    );

    let (_, body) = raw_v1(&mock, "/verify/search/xml", &[("request_id", &id)]).await;
    for (before, after) in [
        ("<request_id>", "<account_id>"),
        ("<sender_id>", "<date_submitted>"),
        ("<date_finalized />", "<checks />"),
        ("<checks />", "<first_event_date>"),
        ("<currency>", "<status>IN PROGRESS</status>"),
    ] {
        assert!(
            body.find(before).unwrap() < body.find(after).unwrap(),
            "{before} {after} in {body}"
        );
    }
    assert!(
        body.contains("<events>\n    <event>\n      <type>sms</type>"),
        "{body}"
    );

    let (_, body) = raw_v1(&mock, "/verify/search/xml", &[("request_id", "nope")]).await;
    assert!(
        body.contains("<verify_response>\n  <status>101</status>"),
        "{body}"
    );
    let (_, body) = raw_v1(
        &mock,
        "/verify/check/xml",
        &[("request_id", &id), ("code", "99999")],
    )
    .await;
    assert!(body.contains("<verify_response>\n  <request_id>"), "{body}");
    assert!(body.contains("<status>16</status>"), "{body}");
    let (_, body) = raw_v1(
        &mock,
        "/verify/control/xml",
        &[("request_id", &id), ("cmd", "cancel")],
    )
    .await;
    assert!(body.contains("<response>\n  <status>19</status>"), "{body}");
}

#[tokio::test]
async fn bad_credentials_are_status_4_in_either_format() {
    let mock = MockServer::builder()
        .api_key(vonage_verify::ApiKey::new("otherkey", "other-secret"))
        .start()
        .await
        .unwrap();
    let (_, body) = raw_v1(
        &mock,
        "/verify/xml",
        &[("number", NUMBER), ("brand", "ACME")],
    )
    .await;
    assert!(body.contains("<status>4</status>"), "{body}");
    let (_, body) = raw_v1(
        &mock,
        "/verify/json",
        &[("number", NUMBER), ("brand", "ACME")],
    )
    .await;
    assert!(body.contains(r#""status":"4""#), "{body}");
    assert!(mock.inbox().is_empty());
}

#[tokio::test]
async fn request_fields_are_held_to_the_spec() {
    let mock = MockServer::start().await.unwrap();
    let base = [("number", NUMBER), ("brand", "ACME")];
    for (name, value) in [
        ("brand", "a brand longer than 18"),
        ("sender_id", "TWELVECHARSX"),
        ("lg", "xx-xx"),
        ("code_length", "5"),
        ("workflow_id", "8"),
        ("pin_code", "123"),
        ("pin_expiry", "59"),
        ("next_event_wait", "901"),
    ] {
        let mut form = base.to_vec();
        form.retain(|(key, _)| *key != name);
        form.push((name, value));
        let (_, body) = raw_v1(&mock, "/verify/json", &form).await;
        let reply: serde_json::Value = serde_json::from_str(&body).unwrap();
        assert_eq!(reply["status"], "3", "{name}={value}: {body}");
        assert_eq!(
            reply["error_text"],
            format!("Invalid value for param: {name}")
        );
    }
    assert!(mock.inbox().is_empty());
    let accepted = [
        ("sender_id", "ACME"),
        ("lg", "de-de"),
        ("workflow_id", "6"),
        ("pin_code", "AKFG3424"),
        ("pin_expiry", "240"),
        ("next_event_wait", "120"),
    ];
    let (_, body) = raw_v1(
        &mock,
        "/verify/json",
        &[base.as_slice(), &accepted].concat(),
    )
    .await;
    assert!(body.contains(r#""status":"0""#), "{body}");
    assert_eq!(mock.inbox()[0].code, "AKFG3424");
    assert_eq!(mock.inbox()[0].channel, "sms");
}

#[tokio::test]
async fn pin_expiry_that_is_no_multiple_of_the_wait_becomes_the_wait() {
    let clock = clock();
    let mock = MockServer::builder()
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let client = mock.client().unwrap();
    let form = [
        ("number", NUMBER),
        ("brand", "ACME"),
        ("pin_expiry", "300"),
        ("next_event_wait", "120"),
    ];
    raw_v1(&mock, "/verify/json", &form).await;
    let id = mock.inbox()[0].request_id.clone();
    clock.advance(Duration::from_secs(121));
    let found = client.v1().search(&id).await.unwrap();
    assert_eq!(found.status, SearchStatus::Expired);
}

#[tokio::test]
async fn search_takes_at_most_ten_ids() {
    let mock = MockServer::start().await.unwrap();
    let mut form = vec![];
    let ids: Vec<String> = (0..11).map(|n| format!("{n:032}")).collect();
    for id in &ids {
        form.push(("request_ids", id.as_str()));
    }
    let (_, body) = raw_v1(&mock, "/verify/search/json", &form).await;
    assert!(body.contains(r#""status":"18""#), "{body}");
}

#[tokio::test]
async fn psd2_starts_a_verification_that_checks_like_any_other() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let request = Psd2Request::new(NUMBER, "Acme Shop", Decimal::new(1999, 2));
    let started = client.v1().psd2(&request).await.unwrap();
    let message = mock.inbox().pop().unwrap();
    assert_eq!((message.brand.as_str(), message.api), ("Acme Shop", "v1"));
    let outcome = client
        .v1()
        .check(&started.request_id, &message.code)
        .await
        .unwrap();
    assert!(matches!(outcome, CheckOutcome::Verified(_)));
    // Required fields and the payee's length, by hand (the typed client checks them first).
    let (_, body) = raw_v1(
        &mock,
        "/verify/psd2/json",
        &[("number", NUMBER), ("payee", "Acme")],
    )
    .await;
    assert!(
        body.contains(r#""status":"2""#) && body.contains("amount"),
        "{body}"
    );
    let (_, body) = raw_v1(
        &mock,
        "/verify/psd2/json",
        &[
            ("number", NUMBER),
            ("payee", "a payee longer than 18"),
            ("amount", "1"),
        ],
    )
    .await;
    assert!(body.contains("Invalid value for param: payee"), "{body}");
}

#[tokio::test]
async fn network_unblock_lifts_only_a_block_there_is() {
    let mock = MockServer::builder()
        .clock(clock())
        .blocked_network("23410")
        .start()
        .await
        .unwrap();
    let client = mock.client().unwrap();
    let unblocked = client
        .v1()
        .network_unblock(&NetworkUnblock::new("23410").unblock_duration(600))
        .await
        .unwrap();
    assert_eq!(unblocked.network.as_deref(), Some("23410"));
    assert_eq!(
        unblocked.unblocked_until.as_deref(),
        Some("2026-09-21T14:23:20Z")
    );
    let again = client
        .v1()
        .network_unblock(&NetworkUnblock::new("23410"))
        .await
        .unwrap_err();
    assert_eq!(again.status().map(|s| s.as_u16()), Some(404), "{again}");
    let response = reqwest::Client::new()
        .post(format!("{}/verify/network-unblock", mock.base_url()))
        .basic_auth(MOCK_API_KEY, Some(MOCK_API_SECRET))
        .json(&serde_json::json!({"unblock_duration": 10}))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    // The duration as Vonage's own examples write it, a string.
    let mock = MockServer::builder()
        .clock(clock())
        .blocked_network("23415")
        .start()
        .await
        .unwrap();
    let string_duration = reqwest::Client::new()
        .post(format!("{}/verify/network-unblock", mock.base_url()))
        .basic_auth(MOCK_API_KEY, Some(MOCK_API_SECRET))
        .json(&serde_json::json!({"network": "23415", "unblock_duration": "600"}))
        .send()
        .await
        .unwrap();
    assert_eq!(string_duration.status(), 202);
    let body: serde_json::Value = string_duration.json().await.unwrap();
    assert_eq!(body["unblocked_until"], "2026-09-21T14:23:20Z");
    let unauthorized = reqwest::Client::new()
        .post(format!("{}/verify/network-unblock", mock.base_url()))
        .json(&serde_json::json!({"network": "23410"}))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorized.status(), 401);
}

#[tokio::test]
async fn control_checks_its_command_against_the_spec() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let started = client
        .v1()
        .request(&VerifyRequest::new(NUMBER, "ACME"))
        .await
        .unwrap();
    let (_, body) = raw_v1(
        &mock,
        "/verify/control/json",
        &[("request_id", &started.request_id), ("cmd", "explode")],
    )
    .await;
    assert!(body.contains("Invalid value for param: cmd"), "{body}");
    let early = client
        .v1()
        .control(&started.request_id, Command::Cancel)
        .await
        .unwrap_err();
    assert_eq!(status_of(&early), Some(&Status::CommandNotPossible));
}

#[tokio::test]
async fn each_api_sees_only_its_own_verifications() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let v1 = client
        .v1()
        .request(&VerifyRequest::new(NUMBER, "ACME"))
        .await
        .unwrap();
    let v2 = client
        .v2()
        .start(
            &vonage_verify::v2::StartRequest::new("ACME")
                .step(vonage_verify::v2::Step::sms(NUMBER)),
        )
        .await
        .unwrap();
    let code = mock.code(&v1.request_id).unwrap();
    let error = client
        .v2()
        .check_code(&v1.request_id, &code)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404), "{error}");
    let error = client.v1().search(&v2.request_id).await.unwrap_err();
    assert_eq!(status_of(&error), Some(&Status::NotFound));
}

#[tokio::test]
async fn v1_steps_move_on_after_next_event_wait_and_then_cancel_is_refused() {
    let clock = clock();
    let mock = MockServer::builder()
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let client = mock.client().unwrap();
    let form = [
        ("number", NUMBER),
        ("brand", "ACME"),
        ("next_event_wait", "60"),
        ("pin_expiry", "240"),
    ];
    raw_v1(&mock, "/verify/json", &form).await;
    let id = mock.inbox()[0].request_id.clone();
    clock.advance(Duration::from_secs(61));
    let found = client.v1().search(&id).await.unwrap();
    assert_eq!(found.events.len(), 2);
    let late = client.v1().cancel(&id).await.unwrap_err();
    assert_eq!(status_of(&late), Some(&Status::CommandNotPossible));
    assert!(
        late.to_string().contains("can't be cancelled now"),
        "{late}"
    );
}

#[tokio::test]
async fn a_secret_in_the_query_is_not_recorded() {
    let mock = MockServer::start().await.unwrap();
    raw_v1(&mock, "/verify/search/json", &[("request_id", "abc")]).await;
    let query = mock.requests()[0].query.clone().unwrap();
    assert!(query.contains("api_secret=%5Bredacted%5D"), "{query}");
    assert!(!query.contains(MOCK_API_SECRET), "{query}");
}

/// Vonage's Node SDK sends v1 as JSON, with the key and secret in the body; the service takes
/// it, and so does the mock. Credentials may come in the query too. The secret stays out of
/// the records either way.
#[tokio::test]
async fn json_bodies_and_query_credentials_are_read_as_forms_are() {
    let mock = MockServer::start().await.unwrap();
    let http = reqwest::Client::new();
    let started: serde_json::Value = http
        .post(format!("{}/verify/json", mock.base_url()))
        .json(&serde_json::json!({
            "api_key": MOCK_API_KEY, "api_secret": MOCK_API_SECRET,
            "number": "447700900310", "brand": "ACME", "code_length": 6
        }))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(started["status"], "0", "{started}");
    let request_id = started["request_id"].as_str().unwrap();
    let code = mock.code(request_id).unwrap();
    assert_eq!(code.len(), 6);
    let checked: serde_json::Value = http
        .post(format!(
            "{}/verify/check/json?api_key={MOCK_API_KEY}&api_secret={MOCK_API_SECRET}",
            mock.base_url()
        ))
        .form(&[("request_id", request_id), ("code", code.as_str())])
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(checked["status"], "0", "{checked}");
    for recorded in mock.requests() {
        let shown = format!("{} {}", recorded.query.unwrap_or_default(), recorded.body);
        assert!(!shown.contains(MOCK_API_SECRET), "{shown}");
    }
}
