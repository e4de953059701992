//! The typed v1 API: every operation in JSON and XML, decoded to equal values; every status
//! as a typed outcome or error; the spec's limits checked before anything is sent.

use httpmock::prelude::*;
use rust_decimal::Decimal;
use serde_json::{Value, json};
use vonage_verify::Error;
use vonage_verify::v1::{
    Api, CheckOutcome, CheckStatus, Command, EventKind, Format, NetworkUnblock, Psd2Request,
    SearchStatus, Status, VerifyRequest,
};

use crate::support;

const ID: &str = "abcdef0123456789abcdef0123456789";
const ID2: &str = "0123456789abcdef0123456789abcdef";
const CREDS: &str = "api_key=abcd1234&api_secret=s3cr3t%21";
const DECL: &str = r#"<?xml version="1.0" encoding="UTF-8"?>"#;

/// A server whose `{path}/json` answers `json` and `{path}/xml` answers `xml` (as
/// `text/plain`, as live XML replies are served), and the v1 API in both formats.
async fn serving(path: &str, json: &Value, xml: &str) -> (MockServer, Api, Api) {
    let server = MockServer::start_async().await;
    let (json, xml) = (json.to_string(), xml.to_string());
    server
        .mock_async(|when, then| {
            when.path(format!("{path}/json"));
            then.status(200)
                .header("content-type", "application/json")
                .body(json);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path(format!("{path}/xml"))
                .header("accept", "text/xml, text/plain;q=0.9");
            then.status(200)
                .header("content-type", "text/plain")
                .body(xml);
        })
        .await;
    let client = support::client(&server);
    let (json_api, xml_api) = (client.v1().clone(), client.v1().format(Format::Xml));
    (server, json_api, xml_api)
}

fn xml(root: &str, children: &[(&str, &str)]) -> String {
    let body: String = children
        .iter()
        .map(|(name, value)| {
            if value.is_empty() {
                format!("\n  <{name} />")
            } else {
                format!("\n  <{name}>{value}</{name}>")
            }
        })
        .collect();
    format!("{DECL}\n<{root}>{body}\n</{root}>")
}

fn v1_error(result: Result<impl std::fmt::Debug, Error>) -> vonage_verify::v1::V1Error {
    match result {
        Err(Error::V1(error)) => *error,
        other => panic!("expected a v1 status error, got {other:?}"),
    }
}

// ---- request ---------------------------------------------------------------------------------

#[tokio::test]
async fn request_sends_the_form_to_the_format_endpoint_and_decodes_alike() {
    let server = MockServer::start_async().await;
    let form = format!(
        "brand=Acme+Inc&code_length=6&country=GB&lg=en-gb&next_event_wait=120&number=07700900000&pin_expiry=240&sender_id=ACME&workflow_id=4&{CREDS}"
    );
    let mut mocks = Vec::new();
    for (format, reply) in [
        ("json", json!({"request_id": ID, "status": "0"}).to_string()),
        (
            "xml",
            xml("verify_response", &[("request_id", ID), ("status", "0")]),
        ),
    ] {
        let form = form.clone();
        mocks.push(
            server
                .mock_async(|when, then| {
                    when.method(POST)
                        .path(format!("/verify/{format}"))
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(form);
                    then.status(200).body(reply);
                })
                .await,
        );
    }
    let client = support::client(&server);
    let request = VerifyRequest::new("07700900000", "Acme Inc")
        .country("GB")
        .code_length(6)
        .lg("en-gb")
        .pin_expiry(240)
        .next_event_wait(120)
        .workflow_id(4)
        .sender_id("ACME");
    let from_json = client.v1().request(&request).await.unwrap();
    let from_xml = client
        .v1()
        .format(Format::Xml)
        .request(&request)
        .await
        .unwrap();
    assert_eq!(from_json.request_id, ID);
    assert_eq!(from_json, from_xml);
    for mock in mocks {
        mock.assert_async().await;
    }
}

#[tokio::test]
async fn every_request_status_is_a_typed_error_in_both_formats() {
    let statuses = [
        "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "15", "20", "29", "77",
    ];
    for code in statuses {
        let mut fields = vec![("status", code), ("error_text", "text for the status")];
        if code == "10" {
            fields.insert(0, ("request_id", ID));
        }
        if code == "7" {
            fields.push(("network", "244523"));
        }
        let json: Value = fields
            .iter()
            .map(|(k, v)| (k.to_string(), json!(v)))
            .collect();
        let (_server, json_api, xml_api) =
            serving("/verify", &json, &xml("verify_response", &fields)).await;
        let request = VerifyRequest::new("447700900000", "Acme");
        let error = json_api.request(&request).await.unwrap_err();
        assert_eq!(error.is_retryable(), code == "1", "status {code}");
        assert!(
            error.to_string().contains(&format!("status {code} (")),
            "{error}"
        );
        let from_json = v1_error(Err::<(), _>(error));
        let from_xml = v1_error(xml_api.request(&request).await);
        assert_eq!(from_json, from_xml, "status {code}");
        assert_eq!(from_json.status, Status::from_code(code));
        assert_eq!(from_json.status.code(), code);
        assert_eq!(from_json.error_text.as_deref(), Some("text for the status"));
        assert_eq!(from_json.is_retryable(), code == "1", "status {code}");
        assert_eq!(
            from_json.request_id.as_deref(),
            (code == "10").then_some(ID)
        );
        assert_eq!(
            from_json.network.as_deref(),
            (code == "7").then_some("244523")
        );
    }
}

#[tokio::test]
async fn an_invalid_parameter_reply_with_root_response_is_understood() {
    // A live reply to /verify/xml with a bad number used this root, not verify_response.
    let body = xml(
        "response",
        &[
            ("status", "3"),
            ("error_text", "Invalid value for param: number"),
        ],
    );
    let json = json!({"status": "3", "error_text": "Invalid value for param: number"});
    let (_server, json_api, xml_api) = serving("/verify", &json, &body).await;
    let request = VerifyRequest::new("x", "Acme");
    let from_xml = v1_error(xml_api.request(&request).await);
    assert_eq!(from_xml, v1_error(json_api.request(&request).await));
    assert_eq!(from_xml.status, Status::InvalidParameter);
}

// ---- check -----------------------------------------------------------------------------------

#[tokio::test]
async fn check_outcomes_are_equal_across_formats() {
    let success = [
        ("request_id", ID),
        ("event_id", "0A00000012345678"),
        ("status", "0"),
        ("price", "0.10000000"),
        ("currency", "EUR"),
        ("estimated_price_messages_sent", "0.03330000"),
    ];
    let json: Value = success
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let (server, json_api, xml_api) =
        serving("/verify/check", &json, &xml("verify_response", &success)).await;
    let from_json = json_api.check(ID, "1234").await.unwrap();
    assert_eq!(from_json, xml_api.check(ID, "1234").await.unwrap());
    let CheckOutcome::Verified(verified) = from_json else {
        panic!("{from_json:?}")
    };
    assert_eq!(
        verified.price.unwrap().to_string(),
        "0.10000000",
        "exact, scale kept"
    );
    assert_eq!(
        verified.estimated_price_messages_sent,
        Some(Decimal::new(333, 4))
    );
    assert_eq!(verified.event_id.as_deref(), Some("0A00000012345678"));
    drop(server);

    let wrong = [
        ("request_id", ID),
        ("status", "16"),
        (
            "error_text",
            "The code provided does not match the expected value",
        ),
    ];
    let json: Value = wrong
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let (_s, json_api, xml_api) =
        serving("/verify/check", &json, &xml("verify_response", &wrong)).await;
    let outcome = json_api.check(ID, "0000").await.unwrap();
    assert_eq!(outcome, xml_api.check(ID, "0000").await.unwrap());
    assert!(matches!(&outcome, CheckOutcome::WrongCode(r) if r.request_id.as_deref() == Some(ID)));

    // Status 17 comes without a request_id.
    let ended = [
        ("status", "17"),
        (
            "error_text",
            "A wrong code was provided too many times. Workflow terminated",
        ),
    ];
    let json: Value = ended
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let (_s, json_api, xml_api) =
        serving("/verify/check", &json, &xml("verify_response", &ended)).await;
    let outcome = json_api.check(ID, "0000").await.unwrap();
    assert_eq!(outcome, xml_api.check(ID, "0000").await.unwrap());
    assert!(matches!(&outcome, CheckOutcome::TooManyWrongCodes(r) if r.request_id.is_none()));

    let failed = [
        ("status", "6"),
        (
            "error_text",
            "The Nexmo platform was unable to process this message for the following reason: Request '…' was not found or it has been verified already.",
        ),
    ];
    let json: Value = failed
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let (_s, json_api, xml_api) =
        serving("/verify/check", &json, &xml("verify_response", &failed)).await;
    let error = v1_error(json_api.check(ID, "1234").await);
    assert_eq!(error, v1_error(xml_api.check(ID, "1234").await));
    assert_eq!(error.status, Status::NotProcessed);
}

// ---- search ----------------------------------------------------------------------------------

const CHECKS_XML: &str = "
    <check>
      <date_received>2026-11-20 11:20:00</date_received>
      <code>1111</code>
      <status>INVALID</status>
      <ip_address />
    </check>
    <check>
      <date_received>2026-11-20 11:19:54</date_received>
      <code>1234</code>
      <status>VALID</status>
      <ip_address />
    </check>
  ";

fn verification_xml(id: &str, status: &str, finalized: &str, checks: &str) -> String {
    let finalized = if finalized.is_empty() {
        "<date_finalized />".to_owned()
    } else {
        format!("<date_finalized>{finalized}</date_finalized>")
    };
    let checks = if checks.is_empty() {
        "<checks />".to_owned()
    } else {
        format!("<checks>{checks}</checks>")
    };
    format!(
        "<verify_request>
  <request_id>{id}</request_id>
  <account_id>abcdef01</account_id>
  <number>447700900000</number>
  <sender_id>verify</sender_id>
  <date_submitted>2026-11-20 11:18:56</date_submitted>
  {finalized}
  {checks}
  <first_event_date>2026-11-20 11:18:56</first_event_date>
  <last_event_date>2026-11-20 11:18:56</last_event_date>
  <price>0.10000000</price>
  <currency>EUR</currency>
  <status>{status}</status>
</verify_request>"
    )
}

fn verification_json(id: &str, status: &str, finalized: &str, with_checks: bool) -> Value {
    let checks = if with_checks {
        json!([
            {"date_received": "2026-11-20 11:20:00", "code": "1111", "status": "INVALID", "ip_address": ""},
            {"date_received": "2026-11-20 11:19:54", "code": "1234", "status": "VALID", "ip_address": ""}
        ])
    } else {
        json!([])
    };
    json!({
        "request_id": id, "account_id": "abcdef01", "number": "447700900000", "sender_id": "verify",
        "date_submitted": "2026-11-20 11:18:56", "date_finalized": finalized, "checks": checks,
        "first_event_date": "2026-11-20 11:18:56", "last_event_date": "2026-11-20 11:18:56",
        "price": "0.10000000", "currency": "EUR", "status": status
    })
}

#[tokio::test]
async fn search_decodes_states_dates_checks_and_prices_alike() {
    let cases = [
        ("IN PROGRESS", SearchStatus::InProgress, "", false),
        (
            "SUCCESS",
            SearchStatus::Success,
            "2026-11-20 11:20:00",
            true,
        ),
        ("FAILED", SearchStatus::Failed, "2026-11-20 11:20:00", true),
        (
            "EXPIRED",
            SearchStatus::Expired,
            "2026-11-20 11:35:27",
            false,
        ),
        (
            "CANCELLED",
            SearchStatus::Cancelled,
            "2026-11-20 11:19:30",
            false,
        ),
        ("PAUSED", SearchStatus::Unknown("PAUSED".into()), "", false),
    ];
    for (wire, status, finalized, with_checks) in cases {
        let body = format!(
            "{DECL}\n{}",
            verification_xml(
                ID,
                wire,
                finalized,
                if with_checks { CHECKS_XML } else { "" }
            )
        );
        let json = verification_json(ID, wire, finalized, with_checks);
        let server = MockServer::start_async().await;
        for (format, content_type, reply) in [
            ("json", "application/json", json.to_string()),
            ("xml", "text/xml", body.clone()),
        ] {
            server
                .mock_async(|when, then| {
                    when.method(GET)
                        .path(format!("/verify/search/{format}"))
                        .query_param("request_id", ID)
                        .query_param_missing("api_secret")
                        .header("authorization", support::BASIC);
                    then.status(200)
                        .header("content-type", content_type)
                        .body(reply);
                })
                .await;
        }
        let client = support::client(&server);
        let from_json = client.v1().search(ID).await.unwrap();
        let from_xml = client.v1().format(Format::Xml).search(ID).await.unwrap();
        assert_eq!(from_json, from_xml, "{wire}");
        assert_eq!(from_json.status, status);
        assert_eq!(from_json.date_finalized.is_none(), finalized.is_empty());
        assert_eq!(
            from_json.date_submitted.unwrap().to_string(),
            "2026-11-20 11:18:56"
        );
        assert_eq!(from_json.price.unwrap().to_string(), "0.10000000");
        if with_checks {
            let statuses: Vec<_> = from_json.checks.iter().map(|c| c.status.clone()).collect();
            assert_eq!(
                statuses,
                [CheckStatus::Invalid, CheckStatus::Valid],
                "API order kept"
            );
            assert!(
                from_json.checks[0].ip_address.is_none(),
                "empty means absent"
            );
        } else {
            assert!(from_json.checks.is_empty());
        }
    }
}

#[tokio::test]
async fn search_many_sends_each_id_and_reads_the_list_in_both_formats() {
    let body = format!(
        "{DECL}\n<verification_requests>\n{}\n{}\n</verification_requests>",
        verification_xml(ID, "IN PROGRESS", "", ""),
        verification_xml(ID2, "SUCCESS", "2026-11-20 11:20:00", CHECKS_XML)
    );
    let json = json!({"verification_requests": [
        verification_json(ID, "IN PROGRESS", "", false),
        verification_json(ID2, "SUCCESS", "2026-11-20 11:20:00", true)
    ]});
    let server = MockServer::start_async().await;
    for (format, reply) in [("json", json.to_string()), ("xml", body)] {
        server
            .mock_async(|when, then| {
                when.method(GET)
                    .path(format!("/verify/search/{format}"))
                    .query_param("request_ids", ID)
                    .query_param("request_ids", ID2)
                    .query_param_missing("request_id");
                then.status(200).body(reply);
            })
            .await;
    }
    let client = support::client(&server);
    let from_json = client.v1().search_many([ID, ID2]).await.unwrap();
    let from_xml = client
        .v1()
        .format(Format::Xml)
        .search_many([ID, ID2])
        .await
        .unwrap();
    assert_eq!(from_json, from_xml);
    assert_eq!(from_json.len(), 2);
    assert_eq!(from_json[1].status, SearchStatus::Success);
    assert_eq!(from_json[1].checks.len(), 2);
}

#[tokio::test]
async fn search_replies_with_events_and_one_flat_result_for_many() {
    let mut json = verification_json(ID, "SUCCESS", "2026-11-20 11:20:00", false);
    json["events"] = json!([{"type": "sms", "id": "e1"}, {"type": "TTS", "id": "e2"}, {"type": "whatsapp", "id": "e3"}]);
    json["estimated_price_messages_sent"] = json!("0.09350");
    let (_s, json_api, _) = serving("/verify/search", &json, "<verify_request/>").await;
    let found = json_api.search_many([ID]).await.unwrap();
    assert_eq!(found.len(), 1, "a flat reply to request_ids is one result");
    let kinds: Vec<_> = found[0].events.iter().map(|e| e.kind.clone()).collect();
    assert_eq!(
        kinds,
        [
            EventKind::Sms,
            EventKind::Tts,
            EventKind::Unknown("whatsapp".into())
        ]
    );
    assert_eq!(
        found[0].estimated_price_messages_sent.unwrap().to_string(),
        "0.09350"
    );
}

#[tokio::test]
async fn search_errors_are_typed_with_either_root() {
    for (code, text, status) in [
        ("101", "No response found", Status::NotFound),
        (
            "6",
            "The Nexmo platform was unable to process this message for the following reason: Wrong parameters",
            Status::NotProcessed,
        ),
    ] {
        // Live XML search errors use verify_response with an empty request_id; the spec's
        // annotation says verify_request. Both are read.
        let fields = [("request_id", ""), ("status", code), ("error_text", text)];
        let json = json!({"status": code, "error_text": text});
        for root in ["verify_response", "verify_request"] {
            let (_s, json_api, xml_api) =
                serving("/verify/search", &json, &xml(root, &fields)).await;
            let from_xml = v1_error(xml_api.search(ID).await);
            assert_eq!(from_xml, v1_error(json_api.search(ID).await), "{root}");
            assert_eq!(from_xml.status, status);
            assert_eq!(from_xml.request_id, None, "empty means absent");
        }
    }
}

// ---- control ---------------------------------------------------------------------------------

#[tokio::test]
async fn control_commands_and_errors_in_both_formats() {
    let server = MockServer::start_async().await;
    let mut mocks = Vec::new();
    for (format, cmd, reply) in [
        (
            "json",
            "cancel",
            json!({"status": "0", "command": "cancel"}).to_string(),
        ),
        (
            "xml",
            "cancel",
            xml("response", &[("status", "0"), ("command", "cancel")]),
        ),
        (
            "json",
            "trigger_next_event",
            json!({"status": "0", "command": "trigger_next_event"}).to_string(),
        ),
        (
            "xml",
            "trigger_next_event",
            xml(
                "response",
                &[("status", "0"), ("command", "trigger_next_event")],
            ),
        ),
    ] {
        mocks.push(
            server
                .mock_async(|when, then| {
                    when.method(POST)
                        .path(format!("/verify/control/{format}"))
                        .body(format!("cmd={cmd}&request_id={ID}&{CREDS}"));
                    then.status(200).body(reply);
                })
                .await,
        );
    }
    let client = support::client(&server);
    for api in [client.v1().clone(), client.v1().format(Format::Xml)] {
        api.cancel(ID).await.unwrap();
        api.control(ID, Command::TriggerNextEvent).await.unwrap();
    }
    for mock in mocks {
        mock.assert_async().await;
    }

    let early = "Verification request ['abcdef0123456789abcdef0123456789'] can't be cancelled within the first 30 seconds.";
    let fields = [("status", "19"), ("error_text", early)];
    let json = json!({"status": "19", "error_text": early});
    let (_s, json_api, xml_api) =
        serving("/verify/control", &json, &xml("response", &fields)).await;
    let error = v1_error(json_api.cancel(ID).await);
    assert_eq!(error, v1_error(xml_api.trigger_next_event(ID).await));
    assert_eq!(error.status, Status::CommandNotPossible);
}

// ---- psd2 and network unblock ------------------------------------------------------------------

#[tokio::test]
async fn psd2_sends_the_amount_exactly_and_refuses_xml_before_sending() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/verify/psd2/json").body(format!(
                "amount=1234567.89&lg=de-de&number=447700900000&payee=Acme+Inc&{CREDS}"
            ));
            then.status(200)
                .json_body(json!({"request_id": ID, "status": "0"}));
        })
        .await;
    let client = support::client(&server);
    let request =
        Psd2Request::new("447700900000", "Acme Inc", "1234567.89".parse().unwrap()).lg("de-de");
    assert_eq!(client.v1().psd2(&request).await.unwrap().request_id, ID);
    let error = client
        .v1()
        .format(Format::Xml)
        .psd2(&request)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Validation {
                field: "format",
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(mock.calls_async().await, 1, "the XML attempt sent nothing");
}

#[tokio::test]
async fn network_unblock_in_json_only() {
    let server = MockServer::start_async().await;
    let ok = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/verify/network-unblock")
                .json_body(json!({"network": "23410", "unblock_duration": 600}))
                .header("authorization", support::BASIC);
            then.status(202)
                .json_body(json!({"network": "23410", "unblocked_until": "2026-11-22T08:34:58Z"}));
        })
        .await;
    let client = support::client(&server);
    let unblock = NetworkUnblock::new("23410").unblock_duration(600);
    let done = client.v1().network_unblock(&unblock).await.unwrap();
    assert_eq!(
        done.unblocked_until.as_deref(),
        Some("2026-11-22T08:34:58Z")
    );
    ok.assert_async().await;
    let error = client
        .v1()
        .format(Format::Xml)
        .network_unblock(&unblock)
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        Error::Validation {
            field: "format",
            ..
        }
    ));

    let problem = json!({"type": "https://developer.vonage.com/api-errors#not-found", "title": "Not Found", "detail": "The network you provided does not have an active block.", "instance": "bf0ca0bf"});
    let server = support::replying(
        POST,
        "/verify/network-unblock",
        404,
        "application/json",
        &problem,
    )
    .await;
    let error = support::client(&server)
        .v1()
        .network_unblock(&unblock)
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(404));
    let problem = error.problem().expect("a typed problem");
    assert_eq!(problem.kind, vonage_verify::ProblemKind::NotFound);
    assert_eq!(problem.instance.as_deref(), Some("bf0ca0bf"));
    assert!(
        error
            .response()
            .unwrap()
            .body
            .as_deref()
            .unwrap()
            .contains("active block")
    );
}

// ---- malformed replies -----------------------------------------------------------------------

#[tokio::test]
async fn malformed_replies_are_decode_errors_with_the_body() {
    for body in [
        "<verify_response><status>0</status>",
        "<html><body>Service Unavailable</body></html>",
        "<verify_request><date_submitted>yesterday</date_submitted><status>SUCCESS</status></verify_request>",
        "<verify_request><price>ten euros</price><status>SUCCESS</status></verify_request>",
    ] {
        let (_s, _, xml_api) = serving("/verify/search", &json!({}), body).await;
        let error = xml_api.search(ID).await.unwrap_err();
        let Error::Decode { context, reason } = &error else {
            panic!("{body}: {error:?}")
        };
        assert_eq!(context.status.map(|s| s.as_u16()), Some(200));
        // Unparseable XML quotes the body; a bad value names the field and the value.
        let quoted = context.body.as_deref().is_some_and(|b| b.starts_with('<'));
        let named = reason.contains("\"yesterday\"") || reason.contains("\"ten euros\"");
        assert!(quoted || named, "{body}: {reason}");
    }
    // A success status is never read as a failure, nor a failure as success.
    let (_s, json_api, _) = serving("/verify", &json!({"status": "0"}), "").await;
    let error = json_api
        .request(&VerifyRequest::new("447700900000", "Acme"))
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::Decode { .. }),
        "status 0 without an id: {error:?}"
    );
}

// ---- validation --------------------------------------------------------------------------------

/// Runs `call` against a server that accepts anything; returns whether it was refused before
/// sending (and checks that a refusal sent nothing and a pass sent one request).
async fn refused<F>(call: F) -> bool
where
    F: AsyncFnOnce(&Api) -> Result<(), Error>,
{
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200)
                .json_body(json!({"request_id": ID, "status": "0", "command": "cancel"}));
        })
        .await;
    let client = support::client(&server);
    let result = call(client.v1()).await;
    let calls = any.calls_async().await;
    match result {
        Err(Error::Validation { .. }) => {
            assert_eq!(calls, 0, "a refused request is not sent");
            true
        }
        _ => {
            assert_eq!(calls, 1);
            false
        }
    }
}

async fn request_with(f: impl FnOnce(VerifyRequest) -> VerifyRequest) -> bool {
    let request = f(VerifyRequest::new("447700900000", "Acme"));
    refused(async |api| api.request(&request).await.map(drop)).await
}

#[tokio::test]
async fn request_limits_are_the_specs_exactly() {
    let name = |n: usize| "b".repeat(n);
    assert!(!request_with(|_| VerifyRequest::new("447700900000", name(18))).await);
    assert!(request_with(|_| VerifyRequest::new("447700900000", name(19))).await);
    assert!(!request_with(|r| r.sender_id("s".repeat(11))).await);
    assert!(request_with(|r| r.sender_id("s".repeat(12))).await);
    for (length, refused_) in [(4, false), (6, false), (5, true), (3, true), (7, true)] {
        assert_eq!(
            request_with(|r| r.code_length(length)).await,
            refused_,
            "code_length {length}"
        );
    }
    for (seconds, refused_) in [(60, false), (3600, false), (59, true), (3601, true)] {
        assert_eq!(
            request_with(|r| r.pin_expiry(seconds)).await,
            refused_,
            "pin_expiry {seconds}"
        );
    }
    for (seconds, refused_) in [(60, false), (900, false), (59, true), (901, true)] {
        assert_eq!(
            request_with(|r| r.next_event_wait(seconds)).await,
            refused_,
            "next_event_wait {seconds}"
        );
    }
    for (id, refused_) in [(1, false), (7, false), (0, true), (8, true)] {
        assert_eq!(
            request_with(|r| r.workflow_id(id)).await,
            refused_,
            "workflow_id {id}"
        );
    }
    for (code, refused_) in [
        ("1234", false),
        ("AKFG-34241", false),
        ("123", true),
        ("AKFG-342411", true),
    ] {
        assert_eq!(
            request_with(|r| r.pin_code(code)).await,
            refused_,
            "pin_code {code}"
        );
    }
    for (country, refused_) in [("GB", false), ("us", false), ("GBR", true), ("G1", true)] {
        assert_eq!(
            request_with(|r| r.country(country)).await,
            refused_,
            "country {country}"
        );
    }
    for (lg, refused_) in [
        ("en-gb", false),
        ("yue-cn", false),
        ("en", true),
        ("xx-yy", true),
    ] {
        assert_eq!(request_with(|r| r.lg(lg)).await, refused_, "lg {lg}");
    }
    // Characters, not bytes: 18 two-byte characters are fine.
    assert!(!request_with(|_| VerifyRequest::new("447700900000", "é".repeat(18))).await);
}

#[tokio::test]
async fn check_search_psd2_and_unblock_limits() {
    for (code, refused_) in [
        ("1234", false),
        ("123456", false),
        ("123", true),
        ("1234567", true),
    ] {
        assert_eq!(
            refused(async |api| api.check(ID, code).await.map(drop)).await,
            refused_,
            "code {code}"
        );
    }
    // A search needs an id: an empty one is no id (the API would get `request_id=`).
    assert!(refused(async |api| api.search("").await.map(drop)).await);
    assert!(!refused(async |api| api.search(ID).await.map(drop)).await);
    assert!(refused(async |api| api.search_many([ID, ""]).await.map(drop)).await);
    assert!(refused(async |api| api.search_many([""]).await.map(drop)).await);
    let ids = |n: usize| (0..n).map(|i| format!("{i:032x}")).collect::<Vec<_>>();
    for (count, refused_) in [(1, false), (10, false), (0, true), (11, true)] {
        let list = ids(count);
        assert_eq!(
            refused(async |api| api.search_many(list).await.map(drop)).await,
            refused_,
            "{count} ids"
        );
    }
    let amount = Decimal::new(4800, 2);
    let payee_18 = Psd2Request::new("447700900000", "p".repeat(18), amount);
    assert!(!refused(async |api| api.psd2(&payee_18).await.map(drop)).await);
    let payee_19 = Psd2Request::new("447700900000", "p".repeat(19), amount);
    assert!(refused(async |api| api.psd2(&payee_19).await.map(drop)).await);
    let bad_lg = Psd2Request::new("447700900000", "p", amount).lg("en-us");
    assert!(
        refused(async |api| api.psd2(&bad_lg).await.map(drop)).await,
        "en-us is not a PSD2 locale"
    );
    for (seconds, refused_) in [(0, false), (86_400, false), (86_401, true)] {
        let unblock = NetworkUnblock::new("23410").unblock_duration(seconds);
        // The stub answers 200, not the documented 202, so a pass ends in a status error.
        let result = refused(async |api| api.network_unblock(&unblock).await.map(drop)).await;
        assert_eq!(result, refused_, "unblock_duration {seconds}");
    }
    let error = support::client(&MockServer::start_async().await)
        .v1()
        .request(&VerifyRequest::new("447700900000", "b".repeat(19)))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "verify_request: brand has 19 characters; at most 18 are allowed; nothing was sent"
    );
}

#[test]
fn every_documented_status_has_a_name_and_round_trips() {
    let documented = [
        "0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "10", "15", "16", "17", "18", "19", "20",
        "29", "101",
    ];
    for code in documented {
        let status = Status::from_code(code);
        assert!(!matches!(status, Status::Unknown(_)), "{code}");
        assert_eq!(status.code(), code);
        assert!(status.to_string().starts_with(code));
    }
    assert_eq!(Status::from_code("18"), Status::TooManyRequestIds);
    assert_eq!(Status::from_code("101"), Status::NotFound);
    assert_eq!(Status::from_code("999"), Status::Unknown("999".into()));
}

#[tokio::test]
async fn every_documented_error_status_of_check_search_and_control() {
    // The statuses each operation's spec lists, plus one it does not (kept as Unknown).
    let check = ["1", "2", "3", "4", "5", "6", "88"];
    let search = ["1", "2", "3", "4", "5", "101", "88"];
    let control = ["1", "2", "3", "4", "5", "6", "8", "9", "19", "88"];
    let cases: [(&str, &str, &[&str]); 3] = [
        ("/verify/check", "verify_response", &check),
        ("/verify/search", "verify_response", &search),
        ("/verify/control", "response", &control),
    ];
    for (path, root, codes) in cases {
        for code in codes {
            let fields = [("status", *code), ("error_text", "explanation")];
            let json = json!({"status": code, "error_text": "explanation"});
            let (_s, json_api, xml_api) = serving(path, &json, &xml(root, &fields)).await;
            let call = async |api: &Api| match path {
                "/verify/check" => api.check(ID, "1234").await.map(drop),
                "/verify/search" => api.search(ID).await.map(drop),
                _ => api.cancel(ID).await,
            };
            let from_json = v1_error(call(&json_api).await);
            let from_xml = v1_error(call(&xml_api).await);
            assert_eq!(from_json, from_xml, "{path} {code}");
            assert_eq!(from_json.status, Status::from_code(code), "{path} {code}");
            assert_eq!(from_json.error_text.as_deref(), Some("explanation"));
        }
    }
}

#[tokio::test]
async fn check_sends_its_form_to_either_endpoint() {
    let server = MockServer::start_async().await;
    let mut mocks = Vec::new();
    for (format, reply) in [
        ("json", json!({"request_id": ID, "status": "0"}).to_string()),
        (
            "xml",
            xml("verify_response", &[("request_id", ID), ("status", "0")]),
        ),
    ] {
        mocks.push(
            server
                .mock_async(|when, then| {
                    when.method(POST)
                        .path(format!("/verify/check/{format}"))
                        .header("content-type", "application/x-www-form-urlencoded")
                        .body(format!("code=1234&request_id={ID}&{CREDS}"))
                        .header_missing("authorization");
                    then.status(200)
                        .header("content-type", "text/xml")
                        .body(reply);
                })
                .await,
        );
    }
    let client = support::client(&server);
    let from_json = client.v1().check(ID, "1234").await.unwrap();
    assert_eq!(
        from_json,
        client
            .v1()
            .format(Format::Xml)
            .check(ID, "1234")
            .await
            .unwrap()
    );
    for mock in mocks {
        mock.assert_async().await;
    }
}
