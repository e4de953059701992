//! Wire-level tests of the generated v1 client. Expected requests are written out literally
//! (method, path, content type, body or query) rather than derived from the spec, so a spec
//! mistake shows up here.

use httpmock::prelude::*;
use serde_json::json;

use crate::support::{self, BASIC, replying};
use vonage_verify::v1::raw::{Client, Error, types};

const ID: &str = "abcdef0123456789abcdef0123456789";
const FORM: &str = "application/x-www-form-urlencoded";
const JSON: &str = "application/json";

fn client(server: &MockServer) -> Client {
    support::client(server).v1().raw().clone()
}

fn known<T>(status: &T) -> String
where
    T: std::fmt::Display,
{
    status.to_string()
}

// ---- verifyRequest -------------------------------------------------------------------------

#[tokio::test]
async fn request_sends_required_fields_and_credentials_only() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/verify/json")
                .header("content-type", FORM)
                .body("brand=Acme+Inc&number=447700900000&api_key=abcd1234&api_secret=s3cr3t%21")
                .header_missing("api-version")
                .header_missing("authorization");
            then.status(200)
                .json_body(json!({"request_id": ID, "status": "0"}));
        })
        .await;

    let body = types::VerifyRequest::builder()
        .number("447700900000")
        .brand("Acme Inc");
    let response = client(&server)
        .verify_request()
        .body(body)
        .send()
        .await
        .unwrap();

    mock.assert_async().await;
    assert_eq!(response.request_id.as_deref(), Some(ID));
    let status = response.status.as_ref().unwrap();
    assert!(matches!(
        status,
        types::VerifyRequestResponseStatus::Known(types::VerifyRequestStatusKnown::X0)
    ));
    assert_eq!(response.error_text, None);
}

#[tokio::test]
async fn request_sends_every_optional_field_that_is_set() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/verify/json").header("content-type", FORM).body(concat!(
                "brand=Acme+Inc&code_length=6&country=GB&lg=es-es&next_event_wait=120",
                "&number=7700900000&pin_code=AKFG3424&pin_expiry=240&sender_id=ACME&workflow_id=4",
                "&api_key=abcd1234&api_secret=s3cr3t%21"
            ));
            then.status(200)
                .json_body(json!({"request_id": ID, "status": "0"}));
        })
        .await;

    let body = types::VerifyRequest::builder()
        .number("7700900000")
        .country(Some("GB".to_string()))
        .brand("Acme Inc")
        .sender_id(Some(
            "ACME".parse::<types::VerifyRequestSenderId>().unwrap(),
        ))
        .code_length(Some(types::VerifyRequestCodeLength::try_from(6).unwrap()))
        .lg(Some(types::VerifyRequestLg::EsEs))
        .pin_expiry(Some(240))
        .next_event_wait(Some(120))
        .workflow_id(Some(types::VerifyRequestWorkflowId::try_from(4).unwrap()))
        .pin_code(Some(
            "AKFG3424".parse::<types::VerifyRequestPinCode>().unwrap(),
        ));
    client(&server)
        .verify_request()
        .body(body)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}

#[tokio::test]
async fn request_error_in_a_200_is_not_read_as_success() {
    let server = replying(
        POST,
        "/verify/json",
        200,
        JSON,
        &json!({"status": "3", "error_text": "Invalid value for number"}),
    )
    .await;

    let body = types::VerifyRequest::builder()
        .number("0")
        .brand("Acme Inc");
    let response = client(&server)
        .verify_request()
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.request_id, None);
    assert_eq!(known(response.status.as_ref().unwrap()), "3");
    assert_eq!(
        response.error_text.as_deref(),
        Some("Invalid value for number")
    );
}

#[tokio::test]
async fn request_documented_error_shapes_decode() {
    let cases = [
        (
            json!({"status": "10", "request_id": ID, "error_text": "Concurrent verifications to the same number are not allowed"}),
            "10",
        ),
        (
            json!({"status": "7", "network": "244523", "error_text": "The number you are trying to verify is blacklisted for verification."}),
            "7",
        ),
        (
            json!({"status": "29", "error_text": "Non-Permitted Destination"}),
            "29",
        ),
    ];
    for (reply, code) in cases {
        let server = replying(POST, "/verify/json", 200, JSON, &reply).await;
        let body = types::VerifyRequest::builder()
            .number("447700900000")
            .brand("Acme Inc");
        let response = client(&server)
            .verify_request()
            .body(body)
            .send()
            .await
            .unwrap();
        let status = response.status.as_ref().unwrap();
        assert!(
            matches!(status, types::VerifyRequestResponseStatus::Known(_)),
            "{code} is documented"
        );
        assert_eq!(known(status), code);
        assert_eq!(response.error_text.as_deref(), reply["error_text"].as_str());
        assert_eq!(response.network.as_deref(), reply["network"].as_str());
        assert_eq!(response.request_id.as_deref(), reply["request_id"].as_str());
    }
}

#[tokio::test]
async fn unknown_status_values_and_fields_are_kept_or_ignored() {
    let server = replying(
        POST,
        "/verify/json",
        200,
        JSON,
        &json!({"status": "42", "error_text": "new", "brand_new_field": [1, 2]}),
    )
    .await;
    let body = types::VerifyRequest::builder()
        .number("447700900000")
        .brand("Acme Inc");
    let response = client(&server)
        .verify_request()
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(
        response.status,
        Some(types::VerifyRequestResponseStatus::Unknown("42".into()))
    );
}

#[tokio::test]
async fn invalid_input_is_refused_before_sending() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(200);
        })
        .await;
    let c = client(&server);

    let too_long_brand = types::VerifyRequest::builder()
        .number("447700900000")
        .brand("An overly long brand name");
    let err = c
        .verify_request()
        .body(too_long_brand)
        .send()
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");

    let missing_number = types::VerifyRequest::builder().brand("Acme Inc");
    let err = c
        .verify_request()
        .body(missing_number)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::InvalidRequest(ref m) if m.contains("number")),
        "{err:?}"
    );

    let short_code = types::CheckRequest::builder().request_id(ID).code("123");
    let err = c.verify_check().body(short_code).send().await.unwrap_err();
    assert!(matches!(err, Error::InvalidRequest(_)), "{err:?}");

    assert!(
        types::VerifyRequestCodeLength::try_from(5).is_err(),
        "code_length is 4 or 6"
    );
    assert!(
        types::VerifyRequestWorkflowId::try_from(8).is_err(),
        "workflow_id is 1 to 7"
    );
    assert_eq!(mock.calls_async().await, 0);
}

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed_with_the_secret() {
    let elsewhere = MockServer::start_async().await;
    let stolen = elsewhere
        .mock_async(|when, then| {
            when.any_request();
            then.status(200).json_body(json!({"status": "0"}));
        })
        .await;
    let server = MockServer::start_async().await;
    let target = elsewhere.url("/collect");
    server
        .mock_async(move |when, then| {
            when.method(POST).path("/verify/json");
            then.status(307).header("location", target);
        })
        .await;
    let body = types::VerifyRequest::builder()
        .number("447700900000")
        .brand("Acme Inc");
    let err = client(&server)
        .verify_request()
        .body(body)
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(307), "{err:?}");
    assert_eq!(
        stolen.calls_async().await,
        0,
        "the form body with api_secret must not be re-sent"
    );
}

// ---- verifyCheck ---------------------------------------------------------------------------

#[tokio::test]
async fn check_success() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/verify/check/json")
                .header("content-type", FORM)
                .body(format!(
                    "code=1234&request_id={ID}&api_key=abcd1234&api_secret=s3cr3t%21"
                ));
            then.status(200).json_body(json!({
                "request_id": ID,
                "event_id": "0A00000012345678",
                "status": "0",
                "price": "0.10000000",
                "currency": "EUR",
                "estimated_price_messages_sent": "0.03330000"
            }));
        })
        .await;
    let body = types::CheckRequest::builder().request_id(ID).code("1234");
    let r = client(&server)
        .verify_check()
        .body(body)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(known(r.status.as_ref().unwrap()), "0");
    assert_eq!(r.event_id.as_deref(), Some("0A00000012345678"));
    assert_eq!(r.price.as_deref(), Some("0.10000000"));
    assert_eq!(r.currency.as_deref(), Some("EUR"));
    assert_eq!(
        r.estimated_price_messages_sent.as_ref().map(|p| p.as_str()),
        Some("0.03330000")
    );
}

#[tokio::test]
async fn check_wrong_code_and_too_many_attempts() {
    for (reply, code) in [
        (
            json!({"request_id": ID, "status": "16", "error_text": "The code provided does not match the expected value"}),
            "16",
        ),
        (
            json!({"status": "17", "error_text": "A wrong code was provided too many times. Workflow terminated"}),
            "17",
        ),
    ] {
        let server = replying(POST, "/verify/check/json", 200, JSON, &reply).await;
        let body = types::CheckRequest::builder().request_id(ID).code("0000");
        let r = client(&server)
            .verify_check()
            .body(body)
            .send()
            .await
            .unwrap();
        assert_eq!(known(r.status.as_ref().unwrap()), code);
        assert_eq!(r.error_text.as_deref(), reply["error_text"].as_str());
        assert_eq!(r.event_id, None);
    }
}

// ---- verifySearch --------------------------------------------------------------------------

#[tokio::test]
async fn search_one_uses_basic_auth_and_keeps_the_secret_out_of_the_url() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/verify/search/json")
                .query_param("request_id", ID)
                .query_param_missing("api_key")
                .query_param_missing("api_secret")
                .query_param_missing("request_ids")
                .header("authorization", BASIC);
            then.status(200).json_body(json!({
                "request_id": ID,
                "account_id": "abcdef01",
                "number": "447700900000",
                "sender_id": "verify",
                "date_submitted": "2020-01-01 12:00:00",
                "date_finalized": "2020-01-01 12:02:00",
                "checks": [
                    {"date_received": "2020-01-01 12:01:00", "code": "1111", "status": "INVALID", "ip_address": ""},
                    {"date_received": "2020-01-01 12:02:00", "code": "1234", "status": "VALID", "ip_address": ""}
                ],
                "first_event_date": "2020-01-01 12:00:00",
                "last_event_date": "2020-01-01 12:00:00",
                "price": "0.10000000",
                "currency": "EUR",
                "status": "SUCCESS",
                "estimated_price_messages_sent": "0.06660000",
                "events": [{"id": "0A00000012345678", "type": "sms"}, {"id": "0A00000012345679", "type": "tts"}]
            }));
        })
        .await;
    let r = client(&server)
        .verify_search()
        .request_id(ID)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(known(r.status.as_ref().unwrap()), "SUCCESS");
    assert_eq!(r.checks.len(), 2);
    assert_eq!(known(r.checks[1].status.as_ref().unwrap()), "VALID");
    assert_eq!(r.checks[1].code.as_deref(), Some("1234"));
    assert_eq!(known(r.events[1].type_.as_ref().unwrap()), "tts");
    assert_eq!(r.date_finalized.as_deref(), Some("2020-01-01 12:02:00"));
    assert!(r.verification_requests.is_empty());
}

#[tokio::test]
async fn search_many_sends_repeated_request_ids_and_decodes_the_list() {
    let server = MockServer::start_async().await;
    let first = "11111111111111111111111111111111";
    let second = "22222222222222222222222222222222";
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/verify/search/json")
                .is_true(move |req| {
                    req.uri().query() == Some("request_ids=11111111111111111111111111111111&request_ids=22222222222222222222222222222222")
                })
                .header("authorization", BASIC);
            then.status(200).json_body(json!({"verification_requests": [
                {"request_id": first, "status": "IN PROGRESS", "checks": [], "date_finalized": ""},
                {"request_id": second, "status": "EXPIRED", "checks": []}
            ]}));
        })
        .await;
    let r = client(&server)
        .verify_search()
        .request_ids(vec![first.to_string(), second.to_string()])
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(r.status, None);
    let statuses: Vec<_> = r
        .verification_requests
        .iter()
        .map(|v| v.status.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(statuses, ["IN PROGRESS", "EXPIRED"]);
}

#[tokio::test]
async fn search_not_found_and_unknown_status() {
    for (reply, code, documented) in [
        (
            json!({"request_id": "", "status": "101", "error_text": "No response found"}),
            "101",
            true,
        ),
        (
            json!({"status": "6", "error_text": "The Vonage platform was unable to process this message for the following reason: Wrong parameters"}),
            "6",
            false,
        ),
    ] {
        let server = replying(GET, "/verify/search/json", 200, JSON, &reply).await;
        let r = client(&server)
            .verify_search()
            .request_id(ID)
            .send()
            .await
            .unwrap();
        let status = r.status.as_ref().unwrap();
        assert_eq!(known(status), code);
        assert_eq!(
            matches!(status, types::VerifySearchResponseStatus::Known(_)),
            documented,
            "{code}"
        );
        assert_eq!(r.error_text.as_deref(), reply["error_text"].as_str());
    }
}

// ---- verifyControl -------------------------------------------------------------------------

#[tokio::test]
async fn control_cancel_and_trigger_next_event() {
    for (cmd, wire) in [
        (types::ControlRequestCmd::Cancel, "cancel"),
        (
            types::ControlRequestCmd::TriggerNextEvent,
            "trigger_next_event",
        ),
    ] {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(POST)
                    .path("/verify/control/json")
                    .header("content-type", FORM)
                    .body(format!(
                        "cmd={wire}&request_id={ID}&api_key=abcd1234&api_secret=s3cr3t%21"
                    ));
                then.status(200)
                    .json_body(json!({"status": "0", "command": wire}));
            })
            .await;
        let body = types::ControlRequest::builder().request_id(ID).cmd(cmd);
        let r = client(&server)
            .verify_control()
            .body(body)
            .send()
            .await
            .unwrap();
        mock.assert_async().await;
        assert_eq!(known(r.status.as_ref().unwrap()), "0");
        assert_eq!(known(r.command.as_ref().unwrap()), wire);
        assert_eq!(r.error_text, None);
    }
}

#[tokio::test]
async fn control_too_early_to_cancel() {
    let server = replying(POST, "/verify/control/json", 200, JSON, &json!({
                "status": "19",
                "error_text": format!("Verification request ['{ID}'] can't be cancelled within the first 30 seconds.")
            })).await;
    let body = types::ControlRequest::builder()
        .request_id(ID)
        .cmd(types::ControlRequestCmd::Cancel);
    let r = client(&server)
        .verify_control()
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(known(r.status.as_ref().unwrap()), "19");
    assert_eq!(r.command, None);
    assert!(r.error_text.as_deref().unwrap().contains("30 seconds"));
}

// ---- verifyRequestWithPSD2 -----------------------------------------------------------------

#[tokio::test]
async fn psd2_sends_the_amount_exactly() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/verify/psd2/json")
                .header("content-type", FORM)
                .body("amount=1234567.89&number=447700900000&payee=Acme+Inc&api_key=abcd1234&api_secret=s3cr3t%21");
            then.status(200).json_body(json!({"request_id": ID, "status": "0"}));
        })
        .await;
    // 1234567.89 has no exact f32 (it would be sent as 1234567.875).
    let amount: rust_decimal::Decimal = "1234567.89".parse().unwrap();
    let body = types::Psd2Request::builder()
        .number("447700900000")
        .payee("Acme Inc")
        .amount(amount);
    let r = client(&server)
        .verify_request_with_psd2()
        .body(body)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(r.request_id.as_deref(), Some(ID));
}

#[tokio::test]
async fn psd2_error_status() {
    let server = replying(POST, "/verify/psd2/json", 200, JSON, &json!({"status": "15", "error_text": "The destination number is not in a supported network"})).await;
    let body = types::Psd2Request::builder()
        .number("447700900000")
        .payee("Acme Inc")
        .amount(rust_decimal::Decimal::ONE);
    let r = client(&server)
        .verify_request_with_psd2()
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(known(r.status.as_ref().unwrap()), "15");
}

// ---- networkUnblock ------------------------------------------------------------------------

#[tokio::test]
async fn network_unblock_sends_json_with_basic_auth() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/verify/network-unblock")
                .header("content-type", "application/json")
                .header("authorization", BASIC)
                .body(r#"{"network":"23410"}"#);
            then.status(202)
                .json_body(json!({"network": "23410", "unblocked_until": "2024-04-22T08:34:58Z"}));
        })
        .await;
    let body = types::NetworkUnblock::builder().network(Some("23410".to_string()));
    let r = client(&server)
        .network_unblock()
        .body(body)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(r.status(), 202);
    assert_eq!(r.unblocked_until.as_deref(), Some("2024-04-22T08:34:58Z"));
}

#[tokio::test]
async fn network_unblock_errors_are_typed_problems() {
    let cases = [
        (
            403,
            json!({"type": "https://developer.vonage.com/api-errors#forbidden", "title": "Forbidden", "detail": "Your account does not have permission to perform this action.", "instance": "bf0ca0bf927b3b52e3cb03217e1a1ddf"}),
        ),
        (
            404,
            json!({"type": "https://developer.vonage.com/api-errors#bad-request", "title": "Not Found", "detail": "The network you provided does not have an active block.", "instance": "bf0ca0bf927b3b52e3cb03217e1a1ddf"}),
        ),
        (
            422,
            json!({"type": "https://developer.vonage.com/api-errors#invalid-paramater", "title": "Invalid unblock_duration parameter", "detail": "Unblock duration is invalid.", "instance": "x", "invalid_parameters": [{"name": "unblock_duration", "reason": "too long"}]}),
        ),
        (
            429,
            json!({"type": "https://developer.vonage.com/api-errors/verify#rate-limit", "title": "Rate Limit Hit", "detail": "Please wait, then retry your request", "instance": "y"}),
        ),
    ];
    for (code, reply) in cases {
        let server = replying(POST, "/verify/network-unblock", code, JSON, &reply).await;
        let body = types::NetworkUnblock::builder()
            .network(Some("23410".to_string()))
            .unblock_duration(Some(90000));
        let err = client(&server)
            .network_unblock()
            .body(body)
            .send()
            .await
            .unwrap_err();
        let Error::ErrorResponse(problem) = err else {
            panic!("{code}: {err:?}")
        };
        assert_eq!(problem.status(), code);
        assert_eq!(problem.title.as_deref(), reply["title"].as_str());
        assert_eq!(problem.detail.as_deref(), reply["detail"].as_str());
        assert_eq!(problem.type_.as_deref(), reply["type"].as_str());
        let invalid: Vec<_> = problem
            .invalid_parameters
            .iter()
            .map(|p| p.name.clone().unwrap())
            .collect();
        assert_eq!(
            invalid.len(),
            reply["invalid_parameters"].as_array().map_or(0, Vec::len)
        );
    }
}

#[tokio::test]
async fn network_unblock_does_not_send_the_spec_default_duration() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/verify/network-unblock")
                .json_body(json!({"network": "23410"}));
            then.status(202).json_body(json!({"network": "23410"}));
        })
        .await;
    let body = types::NetworkUnblock::builder().network(Some("23410".to_string()));
    client(&server)
        .network_unblock()
        .body(body)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
}
