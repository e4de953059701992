//! The typed v2 API: start, check, cancel and next workflow on the wire; every documented
//! problem as a typed error; the spec's limits checked before anything is sent.

use std::time::Duration;

use httpmock::prelude::*;
use serde_json::{Value, json};
use vonage_verify::v2::{Api, StartRequest, Step};
use vonage_verify::{Error, ProblemKind};

use crate::support::{self, BASIC};

const ID: &str = "c11236f4-00bf-4b89-84ba-88b25df97315";
const PROBLEM: &str = "application/problem+json";
const TO: &str = "447700900000";

#[tokio::test]
async fn a_mixed_workflow_goes_out_as_written_and_returns_the_check_url() {
    let server = MockServer::start_async().await;
    let check_url = format!("https://api.nexmo.com/v2/verify/{ID}/silent-auth/redirect");
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/verify")
                .header_exists("authorization")
                .json_body(json!({
                    "brand": "ACME, Inc",
                    "workflow": [
                        {"channel": "silent_auth", "to": TO, "redirect_url": "https://acme.example/done", "coverage_check": false},
                        {"channel": "sms", "to": TO, "from": "ACME", "app_hash": "FA+9qCX9VSu"},
                        {"channel": "voice", "to": TO}
                    ],
                    "locale": "es-es",
                    "channel_timeout": 120,
                    "client_ref": "order42",
                    "code_length": 6,
                    "fraud_check": false
                }));
            then.status(202).json_body(json!({"request_id": ID, "check_url": check_url}));
        })
        .await;
    let request = StartRequest::new("ACME, Inc")
        .step(
            Step::silent_auth(TO)
                .redirect_url("https://acme.example/done")
                .coverage_check(false),
        )
        .step(Step::sms(TO).from("ACME").app_hash("FA+9qCX9VSu"))
        .step(Step::voice(TO))
        .locale("es-es")
        .channel_timeout(120)
        .client_ref("order42")
        .code_length(6)
        .fraud_check(false);
    // Silent authentication needs an application JWT (or a bearer token).
    let started = support::jwt_client(&server)
        .v2()
        .start(&request)
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(started.request_id, ID);
    assert_eq!(started.check_url.as_deref(), Some(check_url.as_str()));
}

#[tokio::test]
async fn every_channel_builds_its_step() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/verify").json_body(json!({
                "brand": "ACME",
                "workflow": [
                    {"channel": "whatsapp", "to": TO, "from": "447700400080", "mode": "zero_tap"},
                    {"channel": "email", "to": "alice@example.com", "from": "no-reply@acme.example", "reuse_code": true},
                    {"channel": "rcs", "to": TO, "from": "ACMEAGENT"}
                ]
            }));
            then.status(202).json_body(json!({"request_id": ID}));
        })
        .await;
    let request = StartRequest::new("ACME")
        .step(Step::whatsapp(TO, "447700400080").mode("zero_tap"))
        .step(
            Step::email("alice@example.com")
                .from("no-reply@acme.example")
                .reuse_code(true),
        )
        .step(Step::rcs(TO).from("ACMEAGENT"));
    let started = support::client(&server).v2().start(&request).await.unwrap();
    assert_eq!(started.check_url, None);
    mock.assert_async().await;
}

fn problem(kind: &str, status: u16, extra: Value) -> Value {
    let mut body = json!({
        "type": format!("https://developer.vonage.com/en/api-errors/verify-v2#{kind}"),
        "title": "t",
        "detail": "d",
        "instance": "bf0ca0bf927b3b52e3cb03217e1a1ddf"
    });
    if kind.is_empty() {
        body.as_object_mut().unwrap().remove("type");
    }
    for (k, v) in extra.as_object().unwrap() {
        body[k] = v.clone();
    }
    let _ = status;
    body
}

async fn problem_of(
    method: httpmock::Method,
    path: &str,
    status: u16,
    body: Value,
    call: impl AsyncFnOnce(&Api) -> Result<(), Error>,
) -> vonage_verify::Problem {
    let server = support::replying(method, path, status, PROBLEM, &body).await;
    let client = support::client(&server);
    let error = call(client.v2()).await.unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(status));
    error
        .problem()
        .cloned()
        .unwrap_or_else(|| panic!("{error:?}"))
}

#[tokio::test]
async fn start_problems_are_typed() {
    let start = async |api: &Api| {
        let request = StartRequest::new("ACME").step(Step::sms(TO));
        api.start(&request).await.map(drop)
    };
    // A real-looking 409 has no `type`: the running request's id says it is the concurrent one.
    let body = json!({"title": "Conflict", "detail": "Concurrent verifications to the same number are not allowed", "request_id": ID});
    let conflict = problem_of(POST, "/v2/verify", 409, body, start).await;
    assert_eq!(conflict.kind, ProblemKind::Concurrent);
    assert_eq!(conflict.request_id.as_deref(), Some(ID));

    let cases = [
        ("unauthorized", 401, ProblemKind::Unauthorized),
        ("low-balance", 402, ProblemKind::LowBalance),
        ("precondition-failed", 412, ProblemKind::PreconditionFailed),
        ("throttled", 429, ProblemKind::Throttled),
    ];
    for (anchor, status, kind) in cases {
        let got = problem_of(
            POST,
            "/v2/verify",
            status,
            problem(anchor, status, json!({})),
            start,
        )
        .await;
        assert_eq!(got.kind, kind, "{anchor}");
    }
    // 422 with one rejected parameter given as an object, as some replies do.
    let body = problem(
        "invalid-params",
        422,
        json!({"invalid_parameters": {"name": "to", "reason": "Invalid format"}}),
    );
    let invalid = problem_of(POST, "/v2/verify", 422, body, start).await;
    assert_eq!(invalid.kind, ProblemKind::InvalidParameters);
    assert_eq!(invalid.invalid_parameters[0].name.as_deref(), Some("to"));
}

#[tokio::test]
async fn check_outcomes_and_problems() {
    let path = format!("/v2/verify/{ID}");
    let server = MockServer::start_async().await;
    let ok = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(path.clone())
                .json_body(json!({"code": "123456"}));
            then.status(200)
                .json_body(json!({"request_id": ID, "status": "completed"}));
        })
        .await;
    let checked = support::client(&server)
        .v2()
        .check_code(ID, "123456")
        .await
        .unwrap();
    ok.assert_async().await;
    assert_eq!(checked.status, vonage_verify::v2::CheckedStatus::Completed);

    let check = async |api: &Api| api.check_code(ID, "1234").await.map(drop);
    let generic = json!({"type": "https://developer.nexmo.com/api-errors#bad-request", "title": "Invalid Code", "detail": "The code you provided does not match the expected value."});
    let cases = [
        (400, generic, ProblemKind::InvalidCode),
        (
            410,
            problem("expired", 410, json!({})),
            ProblemKind::Expired,
        ),
        (409, problem("no-code", 409, json!({})), ProblemKind::NoCode),
        (
            404,
            problem("not-found", 404, json!({})),
            ProblemKind::NotFound,
        ),
    ];
    for (status, body, kind) in cases {
        assert_eq!(
            problem_of(POST, &path, status, body, check).await.kind,
            kind,
            "{status}"
        );
    }
}

#[tokio::test]
async fn throttling_carries_retry_after_and_is_retryable() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(429)
                .header("content-type", PROBLEM)
                .header("retry-after", "30")
                .json_body(problem("throttled", 429, json!({})));
        })
        .await;
    let error = support::client(&server).v2().cancel(ID).await.unwrap_err();
    assert!(error.is_retryable());
    assert_eq!(
        error.problem().unwrap().retry_after,
        Some(Duration::from_secs(30))
    );
}

#[tokio::test]
async fn cancel_and_next_workflow_report_every_failure() {
    let path = format!("/v2/verify/{ID}");
    let server = support::replying(DELETE, &path, 204, "application/json", &json!(null)).await;
    support::client(&server).v2().cancel(ID).await.unwrap();
    let cancel = async |api: &Api| api.cancel(ID).await;
    let gone = problem_of(
        DELETE,
        &path,
        404,
        problem("not-found", 404, json!({})),
        cancel,
    )
    .await;
    assert_eq!(gone.kind, ProblemKind::NotFound, "not swallowed, not false");

    let next = format!("{path}/next_workflow");
    let server = support::replying(POST, &next, 200, "application/json", &json!(null)).await;
    support::client(&server)
        .v2()
        .next_workflow(ID)
        .await
        .unwrap();
    let body = json!({"type": "https://developer.nexmo.com/api-errors#conflict", "title": "Conflict", "detail": "There are no more events left to trigger."});
    let step = async |api: &Api| api.next_workflow(ID).await;
    assert_eq!(
        problem_of(POST, &next, 409, body, step).await.kind,
        ProblemKind::Conflict
    );
}

/// Whether starting `request` is refused before sending (and then nothing is sent).
async fn refused(request: StartRequest) -> bool {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(202).json_body(json!({"request_id": ID}));
        })
        .await;
    let result = support::jwt_client(&server).v2().start(&request).await;
    let calls = any.calls_async().await;
    match result {
        Err(Error::Validation { .. }) => {
            assert_eq!(calls, 0);
            true
        }
        Ok(_) => {
            assert_eq!(calls, 1);
            false
        }
        Err(other) => panic!("{other:?}"),
    }
}

fn sms() -> StartRequest {
    StartRequest::new("ACME").step(Step::sms(TO))
}

#[tokio::test]
async fn start_limits_are_the_specs_exactly() {
    assert!(!refused(StartRequest::new("b".repeat(18)).step(Step::sms(TO))).await);
    assert!(refused(StartRequest::new("b".repeat(19)).step(Step::sms(TO))).await);
    assert!(refused(StartRequest::new("").step(Step::sms(TO))).await);
    for brand in ["A/B", "A{B", "A}B", "A:B", "A$B"] {
        assert!(
            refused(StartRequest::new(brand).step(Step::sms(TO))).await,
            "{brand}"
        );
    }
    assert!(!refused(StartRequest::new("A&B (UK), Inc.").step(Step::sms(TO))).await);

    assert!(refused(StartRequest::new("ACME")).await, "no steps");
    let three = sms()
        .step(Step::voice(TO))
        .step(Step::email("a@example.com"));
    assert!(!refused(three.clone()).await);
    assert!(refused(three.step(Step::voice(TO))).await, "four steps");
    assert!(
        refused(sms().step(Step::silent_auth(TO))).await,
        "silent auth second"
    );

    for (seconds, refused_) in [(15, false), (900, false), (14, true), (901, true)] {
        assert_eq!(
            refused(sms().channel_timeout(seconds)).await,
            refused_,
            "channel_timeout {seconds}"
        );
    }
    for (digits, refused_) in [(4, false), (10, false), (3, true), (11, true)] {
        assert_eq!(
            refused(sms().code_length(digits)).await,
            refused_,
            "code_length {digits}"
        );
    }
    for (code, refused_) in [
        ("a1b2", false),
        ("a1b2c3d4e5", false),
        ("a1b", true),
        ("a1b2c3d4e5f", true),
        ("12-34", true),
    ] {
        assert_eq!(refused(sms().code(code)).await, refused_, "code {code}");
    }
    for (reference, refused_) in [
        ("r".repeat(40), false),
        ("r".repeat(41), true),
        ("has space".into(), true),
    ] {
        assert_eq!(
            refused(sms().client_ref(reference.clone())).await,
            refused_,
            "client_ref {reference}"
        );
    }
    assert!(refused(sms().template_id("not-a-uuid")).await);
    assert!(!refused(sms().template_id("8f35a1a7-eb2f-4552-8fdf-fffdaee41bc9")).await);
}

#[tokio::test]
#[allow(
    deprecated,
    reason = "the sandbox flag is still sent while Vonage takes it"
)]
async fn step_options_are_checked_per_channel() {
    let with = |step: Step| StartRequest::new("ACME").step(step);
    assert!(!refused(with(Step::sms(TO).app_hash("FA+9qCX9VSu"))).await);
    assert!(refused(with(Step::sms(TO).app_hash("too-short"))).await);
    assert!(!refused(with(Step::sms(TO).from("ACMEACME123"))).await);
    assert!(refused(with(Step::sms(TO).from("A".repeat(16)))).await);
    assert!(
        refused(with(Step::sms("4".repeat(51)))).await,
        "to is 1..50"
    );
    assert!(
        refused(with(Step::voice(TO).entity_id("1234"))).await,
        "entity_id is for SMS"
    );
    assert!(refused(with(Step::sms(TO).redirect_url("https://x.example"))).await);
    assert!(refused(with(Step::whatsapp(TO, "447700400080").mode("fast"))).await);
    assert!(!refused(with(Step::silent_auth(TO).mode("advanced").sandbox(true))).await);

    let server = MockServer::start_async().await;
    let error = support::client(&server)
        .v2()
        .start(&with(Step::voice(TO).entity_id("1234")))
        .await
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "new_request: workflow step 1 (voice): entity_id does not apply to this channel; nothing was sent"
    );
}

#[tokio::test]
async fn check_code_limits() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200)
                .json_body(json!({"request_id": ID, "status": "completed"}));
        })
        .await;
    let v2 = support::client(&server);
    for (code, ok) in [
        ("1234", true),
        ("abcd123456", true),
        ("123", false),
        ("12345678901", false),
    ] {
        let result = v2.v2().check_code(ID, code).await;
        assert_eq!(result.is_ok(), ok, "{code}: {result:?}");
        if !ok {
            assert!(matches!(
                result,
                Err(Error::Validation { field: "code", .. })
            ));
        }
    }
    assert_eq!(any.calls_async().await, 2);
}

// ---- silent authentication ---------------------------------------------------------------------

/// A chain: the API's check_url redirects to an operator host, which redirects twice more and
/// finally to `end`. Every hop must arrive without credentials.
async fn chain(api: &MockServer, operator: &MockServer, end: &str) -> String {
    let check = format!("/v2/verify/{ID}/silent-auth/redirect");
    let hops = [
        (api, check.clone(), operator.url("/auth?session=s1")),
        (operator, "/auth".to_owned(), "/auth/step2".to_owned()),
        (operator, "/auth/step2".to_owned(), end.to_owned()),
    ];
    for (server, path, location) in hops {
        server
            .mock_async(|when, then| {
                when.method(GET).path(path).header_missing("authorization");
                then.status(302).header("location", location);
            })
            .await;
    }
    api.url(check)
}

#[tokio::test]
async fn silent_auth_follows_the_chain_to_a_fragment_with_the_code() {
    let api = MockServer::start_async().await;
    let operator = MockServer::start_async().await;
    let end = format!("https://acme.example/verified#request_id={ID}&code=si9sfG");
    let check_url = chain(&api, &operator, &end).await;
    let client = support::client(&api);
    let done = client
        .v2()
        .complete_silent_auth(&check_url, Some("https://acme.example/verified"))
        .await
        .unwrap();
    assert_eq!(
        (done.request_id.as_str(), done.code.as_str()),
        (ID, "si9sfG")
    );
    assert!(
        !format!("{done:?}").contains("si9sfG"),
        "the code is not printed"
    );
}

#[tokio::test]
async fn silent_auth_without_redirect_url_ends_with_a_json_reply() {
    let api = MockServer::start_async().await;
    let operator = MockServer::start_async().await;
    let check_url = chain(&api, &operator, "/auth/done").await;
    operator
        .mock_async(|when, then| {
            when.path("/auth/done").header_missing("authorization");
            then.status(200)
                .json_body(json!({"request_id": ID, "code": "si9sfG"}));
        })
        .await;
    let done = support::client(&api)
        .v2()
        .complete_silent_auth(&check_url, None)
        .await
        .unwrap();
    assert_eq!(done.code, "si9sfG");
}

#[tokio::test]
async fn silent_auth_failures_are_typed() {
    use vonage_verify::v2::SilentAuthFailure;

    let api = MockServer::start_async().await;
    let operator = MockServer::start_async().await;
    let end =
        "https://acme.example/verified#error_description=Device%20MSISDN%20does%20not%20match.";
    let check_url = chain(&api, &operator, end).await;
    let error = support::client(&api)
        .v2()
        .complete_silent_auth(&check_url, None)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::SilentAuth(SilentAuthFailure::Refused { description, .. }) if description == "Device MSISDN does not match."),
        "{error:?}"
    );

    // A loop between two operator pages.
    let looping = MockServer::start_async().await;
    for (from, to) in [("/a", "/b"), ("/b", "/a?token=t0k3n")] {
        looping
            .mock_async(|when, then| {
                when.path(from);
                then.status(302).header("location", to);
            })
            .await;
    }
    let error = support::client(&api)
        .v2()
        .complete_silent_auth(&looping.url("/a?token=t0k3n"), None)
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::SilentAuth(SilentAuthFailure::Loop { .. })),
        "{error:?}"
    );
    assert!(
        !error.to_string().contains("t0k3n"),
        "queries are not echoed: {error}"
    );

    // An endless chain of new pages stops after ten hops.
    let long = MockServer::start_async().await;
    let mut mocks = Vec::new();
    for i in 0..12 {
        mocks.push(
            long.mock_async(|when, then| {
                when.path(format!("/hop{i}"));
                then.status(307)
                    .header("location", format!("/hop{}", i + 1));
            })
            .await,
        );
    }
    let error = support::client(&api)
        .v2()
        .complete_silent_auth(&long.url("/hop0"), None)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::SilentAuth(SilentAuthFailure::TooManyRedirects)
        ),
        "{error:?}"
    );
    let followed: usize = {
        let mut n = 0;
        for mock in &mocks {
            n += mock.calls_async().await;
        }
        n
    };
    assert_eq!(followed, 11, "the check_url and ten redirects");

    // The API's own refusal on the first hop is a typed problem.
    let path = format!("/v2/verify/{ID}/silent-auth/redirect");
    let body = problem("precondition-failed", 412, json!({}));
    let refused = support::replying(GET, &path, 412, PROBLEM, &body).await;
    let error = support::client(&refused)
        .v2()
        .complete_silent_auth(&refused.url(&path), None)
        .await
        .unwrap_err();
    assert_eq!(
        error.problem().unwrap().kind,
        ProblemKind::PreconditionFailed
    );

    let error = support::client(&api)
        .v2()
        .complete_silent_auth("not a url", None)
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        Error::Validation {
            field: "check_url",
            ..
        }
    ));
}

// ---- templates and fragments -------------------------------------------------------------------

const TEMPLATE: &str = "8f35a1a7-eb2f-4552-8fdf-fffdaee41bc9";
const FRAGMENT: &str = "c70f446e-997a-4313-a081-60a02a31dc19";

fn template(name: &str, is_default: bool) -> Value {
    json!({
        "template_id": TEMPLATE, "name": name, "is_default": is_default,
        "_links": {"self": {"href": format!("https://api.nexmo.com/v2/verify/templates/{TEMPLATE}")},
                   "fragments": {"href": format!("https://api.nexmo.com/v2/verify/templates/{TEMPLATE}/template_fragments")}}
    })
}

fn fragment(text: &str) -> Value {
    json!({"template_fragment_id": FRAGMENT, "channel": "sms", "locale": "en-us", "text": text,
           "date_updated": "2026-11-20T15:20:00Z", "date_created": "2026-11-20T15:12:15.17865735Z"})
}

#[tokio::test]
async fn template_and_fragment_crud_send_only_what_is_set() {
    let server = MockServer::start_async().await;
    let item = format!("/v2/verify/templates/{TEMPLATE}");
    let fragments = format!("{item}/template_fragments");
    let one = format!("{fragments}/{FRAGMENT}");
    let text = "Your ${brand} code: ${code}";
    let expectations = [
        (
            POST,
            "/v2/verify/templates".to_owned(),
            Some(json!({"name": "login"})),
            201,
            template("login", false),
        ),
        (GET, item.clone(), None, 200, template("login", false)),
        // A rename sends the name only, so is_default is not reset.
        (
            PATCH,
            item.clone(),
            Some(json!({"name": "renamed"})),
            200,
            template("renamed", true),
        ),
        (DELETE, item.clone(), None, 204, Value::Null),
        (
            POST,
            fragments.clone(),
            Some(json!({"channel": "sms", "locale": "en-us", "text": text})),
            201,
            fragment(text),
        ),
        (GET, one.clone(), None, 200, fragment(text)),
        (
            PATCH,
            one.clone(),
            Some(json!({"text": "Code: ${code}"})),
            200,
            fragment("Code: ${code}"),
        ),
        (DELETE, one.clone(), None, 204, Value::Null),
    ];
    let mut mocks = Vec::new();
    for (method, path, body, status, reply) in expectations {
        mocks.push(
            server
                .mock_async(|when, then| {
                    let when = when
                        .method(method)
                        .path(path)
                        .header("authorization", BASIC);
                    if let Some(body) = body {
                        when.json_body(body);
                    }
                    then.status(status).json_body(reply);
                })
                .await,
        );
    }
    let client = support::client(&server);
    let v2 = client.v2();
    assert_eq!(v2.create_template("login").await.unwrap().name, "login");
    assert_eq!(v2.template(TEMPLATE).await.unwrap().template_id, TEMPLATE);
    let renamed = v2
        .update_template(
            TEMPLATE,
            &vonage_verify::v2::TemplateUpdate::new().name("renamed"),
        )
        .await
        .unwrap();
    assert!(renamed.is_default);
    v2.delete_template(TEMPLATE).await.unwrap();
    let added = v2
        .add_fragment(TEMPLATE, "sms", "en-us", text)
        .await
        .unwrap();
    assert_eq!(added.text.as_deref(), Some(text));
    v2.fragment(TEMPLATE, FRAGMENT).await.unwrap();
    v2.update_fragment(TEMPLATE, FRAGMENT, "Code: ${code}")
        .await
        .unwrap();
    v2.delete_fragment(TEMPLATE, FRAGMENT).await.unwrap();
    for mock in mocks {
        mock.assert_async().await;
    }

    // The spec's rules, before sending.
    for name in ["has space", "", &"n".repeat(65)] {
        let error = v2.create_template(name).await.unwrap_err();
        assert!(
            matches!(error, Error::Validation { field: "name", .. }),
            "{name:?}: {error:?}"
        );
    }
    assert!(
        v2.create_template(&"n".repeat(64))
            .await
            .is_err_and(|e| !matches!(e, Error::Validation { .. }))
    );
    let error = v2
        .add_fragment(TEMPLATE, "fax", "en-us", text)
        .await
        .unwrap_err();
    assert!(
        matches!(
            error,
            Error::Validation {
                field: "channel",
                ..
            }
        ),
        "{error:?}"
    );
}

fn page(items: &[&str], page: i64, total_pages: i64, next: Option<String>) -> Value {
    let templates: Vec<Value> = items.iter().map(|name| template(name, false)).collect();
    let mut links = json!({"self": {"href": "https://api.nexmo.com/v2/verify/templates"}});
    if let Some(next) = next {
        links["next"] = json!({"href": next});
    }
    json!({"page_size": 2, "page": page, "total_pages": total_pages, "total_items": 5,
           "_embedded": {"templates": templates}, "_links": links})
}

#[tokio::test]
async fn template_lists_follow_next_links_to_the_base_url_only() {
    let server = MockServer::start_async().await;
    let elsewhere = MockServer::start_async().await;
    let stray = elsewhere
        .mock_async(|_, then| {
            then.status(200);
        })
        .await;
    // Cursors that no page counter could guess; the first link names another host, the
    // second is relative.
    let to_page_2 = elsewhere.url("/v2/verify/templates?cursor=Zx81&page_size=2");
    let pages = [
        (
            vec![("page_size", "2")],
            page(&["a", "b"], 1, 3, Some(to_page_2)),
        ),
        (
            vec![("cursor", "Zx81")],
            page(
                &["c", "d"],
                2,
                3,
                Some("/v2/verify/templates?cursor=Q7k&page_size=2".into()),
            ),
        ),
        (vec![("cursor", "Q7k")], page(&["e"], 3, 3, None)),
    ];
    let mut mocks = Vec::new();
    for (query, reply) in pages {
        mocks.push(
            server
                .mock_async(|when, then| {
                    // Every page, the ones fetched from a `next` link too, accepts problems.
                    let mut when = when
                        .method(GET)
                        .path("/v2/verify/templates")
                        .header("authorization", BASIC)
                        .header("accept", "application/json, application/problem+json");
                    for (k, v) in &query {
                        when = when.query_param(*k, *v);
                    }
                    if query[0].0 == "page_size" {
                        when.query_param_missing("cursor");
                    }
                    then.status(200).json_body(reply);
                })
                .await,
        );
    }
    use futures_util::TryStreamExt as _;
    let client = support::client(&server);
    let names: Vec<String> = client
        .v2()
        .templates(Some(2))
        .map_ok(|t| t.name)
        .try_collect()
        .await
        .unwrap();
    assert_eq!(names, ["a", "b", "c", "d", "e"]);
    for mock in mocks {
        assert_eq!(mock.calls_async().await, 1);
    }
    assert_eq!(
        stray.calls_async().await,
        0,
        "the other host is never contacted"
    );

    // A single page, with the paging parameters on the wire.
    let server = MockServer::start_async().await;
    let client = support::client(&server);
    let one_page = server
        .mock_async(|when, then| {
            when.path("/v2/verify/templates")
                .query_param("page", "3")
                .query_param("page_size", "2");
            then.status(200).json_body(page(&["e"], 3, 3, None));
        })
        .await;
    let single = client.v2().templates_page(Some(3), Some(2)).await.unwrap();
    one_page.assert_async().await;
    assert_eq!(
        (single.page, single.total_pages, single.items.len()),
        (3, 3, 1)
    );
    assert_eq!(single.next, None);
}

#[tokio::test]
async fn template_lists_stop_at_repeats_the_last_page_and_errors() {
    use futures_util::StreamExt as _;

    // page 2 links back to page 2: the repeat ends the stream.
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v2/verify/templates")
                .query_param_missing("cursor");
            then.status(200).json_body(page(
                &["a"],
                1,
                9,
                Some("/v2/verify/templates?cursor=p2".into()),
            ));
        })
        .await;
    let second = server
        .mock_async(|when, then| {
            when.path("/v2/verify/templates")
                .query_param("cursor", "p2");
            then.status(200).json_body(page(
                &["b"],
                2,
                9,
                Some("/v2/verify/templates?cursor=p2".into()),
            ));
        })
        .await;
    let client = support::client(&server);
    let items: Vec<_> = client.v2().templates(None).collect().await;
    assert_eq!(items.len(), 2);
    assert_eq!(second.calls_async().await, 1);

    // A page that says it is the last one ends the stream, whatever its links say.
    let server = MockServer::start_async().await;
    let first = server
        .mock_async(|when, then| {
            when.path("/v2/verify/templates");
            then.status(200).json_body(page(
                &["a"],
                1,
                1,
                Some("/v2/verify/templates?cursor=x".into()),
            ));
        })
        .await;
    let items: Vec<_> = support::client(&server)
        .v2()
        .templates(None)
        .collect()
        .await;
    assert_eq!(items.len(), 1);
    assert_eq!(first.calls_async().await, 1);

    // An error on a later page is yielded after the earlier items, and ends the stream.
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/v2/verify/templates")
                .query_param_missing("cursor");
            then.status(200).json_body(page(
                &["a", "b"],
                1,
                3,
                Some("/v2/verify/templates?cursor=p2".into()),
            ));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/v2/verify/templates")
                .query_param("cursor", "p2");
            then.status(401)
                .header("content-type", PROBLEM)
                .json_body(problem("unauthorized", 401, json!({})));
        })
        .await;
    let items: Vec<_> = support::client(&server)
        .v2()
        .templates(None)
        .collect()
        .await;
    assert_eq!(items.len(), 3);
    assert!(items[0].is_ok() && items[1].is_ok());
    assert_eq!(
        items[2].as_ref().unwrap_err().problem().unwrap().kind,
        ProblemKind::Unauthorized
    );
}

#[tokio::test]
async fn fragment_lists_follow_next_links_too() {
    use futures_util::TryStreamExt as _;

    let server = MockServer::start_async().await;
    let path = format!("/v2/verify/templates/{TEMPLATE}/template_fragments");
    let body = |texts: &[&str], n: i64, next: Option<String>| {
        let mut links = json!({"self": {"href": "x"}});
        if let Some(next) = next {
            links["next"] = json!({"href": next});
        }
        json!({"page_size": 1, "page": n, "total_pages": 2, "total_items": 2,
               "_embedded": {"template_fragments": texts.iter().map(|t| fragment(t)).collect::<Vec<_>>()},
               "_links": links})
    };
    let next = format!("https://api.nexmo.com{path}?page=2");
    let (p1, p2) = (body(&["one"], 1, Some(next)), body(&["two"], 2, None));
    server
        .mock_async(|when, then| {
            when.path(path.clone()).query_param_missing("page");
            then.status(200).json_body(p1);
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path(path.clone())
                .query_param("page", "2")
                .header("authorization", BASIC);
            then.status(200).json_body(p2);
        })
        .await;
    let client = support::client(&server);
    let texts: Vec<_> = client
        .v2()
        .fragments(TEMPLATE, None)
        .map_ok(|f| f.text.unwrap_or_default())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(texts, ["one", "two"]);
}

#[tokio::test]
async fn every_documented_error_status_of_every_operation_is_a_typed_problem() {
    let item = format!("/v2/verify/templates/{TEMPLATE}");
    let fragments = format!("{item}/template_fragments");
    let one = format!("{fragments}/{FRAGMENT}");
    let request = format!("/v2/verify/{ID}");
    // (operation, method, path, documented error statuses), from the v2 facts' table.
    let table: Vec<(&str, &str, String, &[u16])> = vec![
        (
            "start",
            "POST",
            "/v2/verify".into(),
            &[401, 402, 409, 412, 422, 429, 500],
        ),
        (
            "check",
            "POST",
            request.clone(),
            &[400, 401, 402, 404, 409, 410, 429, 500],
        ),
        ("cancel", "DELETE", request.clone(), &[401, 402, 404, 500]),
        (
            "next",
            "POST",
            format!("{request}/next_workflow"),
            &[401, 402, 404, 409, 500],
        ),
        (
            "list templates",
            "GET",
            "/v2/verify/templates".into(),
            &[401, 402, 422, 429, 500],
        ),
        (
            "create template",
            "POST",
            "/v2/verify/templates".into(),
            &[401, 402, 403, 409, 422, 429, 500],
        ),
        (
            "get template",
            "GET",
            item.clone(),
            &[401, 402, 404, 429, 500],
        ),
        (
            "update template",
            "PATCH",
            item.clone(),
            &[401, 402, 403, 404, 409, 422, 429, 500],
        ),
        (
            "delete template",
            "DELETE",
            item.clone(),
            &[401, 402, 403, 404, 409, 429, 500],
        ),
        (
            "list fragments",
            "GET",
            fragments.clone(),
            &[401, 402, 404, 422, 429, 500],
        ),
        (
            "add fragment",
            "POST",
            fragments.clone(),
            &[401, 402, 403, 404, 409, 422, 429, 500],
        ),
        (
            "get fragment",
            "GET",
            one.clone(),
            &[401, 402, 404, 429, 500],
        ),
        (
            "update fragment",
            "PATCH",
            one.clone(),
            &[401, 402, 403, 404, 422, 429, 500],
        ),
        (
            "delete fragment",
            "DELETE",
            one.clone(),
            &[401, 402, 403, 404, 429, 500],
        ),
    ];
    for (name, method, path, statuses) in table {
        for &status in statuses {
            let body = json!({"type": "https://developer.vonage.com/en/api-errors#x", "title": "t", "detail": "d", "instance": "i"});
            let method = match method {
                "POST" => POST,
                "GET" => GET,
                "PATCH" => PATCH,
                _ => DELETE,
            };
            let server = support::replying(method, &path, status, PROBLEM, &body).await;
            let client = support::client(&server);
            let v2 = client.v2();
            let result = match name {
                "start" => v2
                    .start(&StartRequest::new("A").step(Step::voice(TO)))
                    .await
                    .map(drop),
                "check" => v2.check_code(ID, "1234").await.map(drop),
                "cancel" => v2.cancel(ID).await,
                "next" => v2.next_workflow(ID).await,
                "list templates" => v2.templates_page(None, None).await.map(drop),
                "create template" => v2.create_template("t").await.map(drop),
                "get template" => v2.template(TEMPLATE).await.map(drop),
                "update template" => v2
                    .update_template(
                        TEMPLATE,
                        &vonage_verify::v2::TemplateUpdate::new().is_default(true),
                    )
                    .await
                    .map(drop),
                "delete template" => v2.delete_template(TEMPLATE).await,
                "list fragments" => v2.fragments_page(TEMPLATE, None, None).await.map(drop),
                "add fragment" => v2
                    .add_fragment(TEMPLATE, "sms", "en-us", "${code}")
                    .await
                    .map(drop),
                "get fragment" => v2.fragment(TEMPLATE, FRAGMENT).await.map(drop),
                "update fragment" => v2
                    .update_fragment(TEMPLATE, FRAGMENT, "${code}")
                    .await
                    .map(drop),
                _ => v2.delete_fragment(TEMPLATE, FRAGMENT).await,
            };
            let error = result.expect_err(name);
            let problem = error
                .problem()
                .unwrap_or_else(|| panic!("{name} {status}: {error:?}"));
            assert_eq!(problem.status.as_u16(), status, "{name}");
            // The anchor is unknown, so the kind follows from the status and the operation.
            let expected = match status {
                401 => Some(ProblemKind::Unauthorized),
                402 => Some(ProblemKind::LowBalance),
                403 => Some(ProblemKind::Forbidden),
                404 if ["get fragment", "update fragment", "delete fragment"].contains(&name) => {
                    Some(ProblemKind::FragmentNotFound)
                }
                404 if name.contains("template") || name.contains("fragment") => {
                    Some(ProblemKind::TemplateNotFound)
                }
                404 => Some(ProblemKind::NotFound),
                410 => Some(ProblemKind::Expired),
                422 => Some(ProblemKind::InvalidParameters),
                429 => Some(ProblemKind::Throttled),
                _ => None,
            };
            if let Some(kind) = expected {
                assert_eq!(problem.kind, kind, "{name} {status}");
            }
            assert_eq!(problem.instance.as_deref(), Some("i"));
        }
    }
}

#[tokio::test]
async fn silent_auth_stops_at_the_redirect_url_without_fetching_it() {
    let api = MockServer::start_async().await;
    let operator = MockServer::start_async().await;
    let app = MockServer::start_async().await;
    let landing = app
        .mock_async(|_, then| {
            then.status(200).body("the app's page");
        })
        .await;
    // The last hop names the redirect_url; its code arrives in the query-less fragment of a
    // later page no client should fetch, so stopping here with no fragment is an error.
    let check_url = chain(&api, &operator, &app.url("/verified")).await;
    let error = support::client(&api)
        .v2()
        .complete_silent_auth(&check_url, Some(&app.url("/verified")))
        .await
        .unwrap_err();
    assert!(matches!(error, Error::SilentAuth(_)), "{error:?}");
    assert_eq!(
        landing.calls_async().await,
        0,
        "the app's own page is not fetched"
    );

    let error = support::client(&api)
        .v2()
        .complete_silent_auth(&check_url, Some("not a url"))
        .await
        .unwrap_err();
    assert!(matches!(
        error,
        Error::Validation {
            field: "redirect_url",
            ..
        }
    ));
}

#[tokio::test]
async fn template_lists_ignore_links_back_and_links_that_leave_the_base_url() {
    use futures_util::StreamExt as _;

    // Page 2 links back to page 1 (by its self link, on another host): the stream ends.
    let server = MockServer::start_async().await;
    let mut first = page(&["a"], 1, 5, Some("/v2/verify/templates?cursor=p2".into()));
    first["_links"]["self"] =
        json!({"href": "https://api.nexmo.com/v2/verify/templates?cursor=p1"});
    server
        .mock_async(|when, then| {
            when.path("/v2/verify/templates")
                .query_param_missing("cursor");
            then.status(200).json_body(first);
        })
        .await;
    let back = server
        .mock_async(|when, then| {
            when.path("/v2/verify/templates")
                .query_param("cursor", "p2");
            then.status(200).json_body(page(
                &["b"],
                2,
                5,
                Some("https://elsewhere.example/v2/verify/templates?cursor=p1#top".into()),
            ));
        })
        .await;
    let again = server
        .mock_async(|when, then| {
            when.path("/v2/verify/templates")
                .query_param("cursor", "p1");
            then.status(200).json_body(page(&["a"], 1, 5, None));
        })
        .await;
    let items: Vec<_> = support::client(&server)
        .v2()
        .templates(None)
        .collect()
        .await;
    assert_eq!(items.len(), 2);
    assert_eq!(
        (back.calls_async().await, again.calls_async().await),
        (1, 0)
    );

    // Crafted links that would change the host if glued onto the base URL are refused.
    for href in ["javascript:@evil.example/x", "mailto:a@evil.example"] {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.path("/v2/verify/templates");
                then.status(200)
                    .json_body(page(&["a"], 1, 5, Some(href.into())));
            })
            .await;
        let items: Vec<_> = support::client(&server)
            .v2()
            .templates(None)
            .collect()
            .await;
        assert_eq!(items.len(), 2, "{href}");
        assert!(
            matches!(items[1], Err(Error::Decode { .. })),
            "{href}: {:?}",
            items[1]
        );
    }
}

#[tokio::test]
async fn an_empty_template_update_sends_nothing() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200).json_body(template("t", false));
        })
        .await;
    let error = support::client(&server)
        .v2()
        .update_template(TEMPLATE, &vonage_verify::v2::TemplateUpdate::new())
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Validation { .. }));
    assert_eq!(any.calls_async().await, 0);
}

#[tokio::test]
#[allow(
    deprecated,
    reason = "the sandbox flag is still sent while Vonage takes it"
)]
async fn check_token_and_the_remaining_start_fields_on_the_wire() {
    let server = MockServer::start_async().await;
    let token = server
        .mock_async(|when, then| {
            when.path(format!("/v2/verify/{ID}"))
                .json_body(json!({"token": "eyJ.hdr.sig"}));
            then.status(200)
                .json_body(json!({"request_id": ID, "status": "completed"}));
        })
        .await;
    let start = server
        .mock_async(|when, then| {
            when.path("/v2/verify").json_body(json!({
                "brand": "ACME",
                "workflow": [
                    {"channel": "silent_auth", "to": TO, "mode": "advanced", "sandbox": true},
                    {"channel": "sms", "to": TO, "entity_id": "1101456", "content_id": "1107457"},
                    {"channel": "whatsapp_interactive", "to": TO}
                ],
                "code": "a1b2c3",
                "template_id": TEMPLATE
            }));
            then.status(202).json_body(json!({"request_id": ID}));
        })
        .await;
    let client = support::jwt_client(&server);
    client.v2().check_token(ID, "eyJ.hdr.sig").await.unwrap();
    let request = StartRequest::new("ACME")
        .step(Step::silent_auth(TO).mode("advanced").sandbox(true))
        .step(Step::sms(TO).entity_id("1101456").content_id("1107457"))
        .step(Step::whatsapp_interactive(TO))
        .code("a1b2c3")
        .template_id(TEMPLATE);
    client.v2().start(&request).await.unwrap();
    token.assert_async().await;
    start.assert_async().await;
    assert!(
        refused(sms().client_ref("")).await,
        "client_ref is 1 to 40 characters"
    );
    assert!(
        refused(
            StartRequest::new("ACME").step(Step::silent_auth(TO).redirect_url("relative/path"))
        )
        .await
    );
}

/// v2's network unblock: the literal path, the body, a 200 or a 202 (Vonage documents both),
/// the duration's range before sending, and the documented problems.
#[tokio::test]
async fn network_unblock_lifts_a_block() {
    use vonage_verify::v2::NetworkUnblock;

    let until = "2026-12-05T19:00:00Z";
    for status in [200, 202] {
        let server = MockServer::start_async().await;
        let unblock = server
            .mock_async(|when, then| {
                when.method(POST)
                    .path("/v2/verify/network-unblock")
                    .header("authorization", BASIC)
                    .json_body(json!({"network": "23410", "unblock_duration": 600}));
                then.status(status)
                    .json_body(json!({"network": "23410", "unblocked_until": until}));
            })
            .await;
        let unblocked = support::client(&server)
            .v2()
            .network_unblock(&NetworkUnblock::new("23410").unblock_duration(600))
            .await
            .unwrap();
        unblock.assert_async().await;
        assert_eq!(unblocked.network.as_deref(), Some("23410"));
        assert_eq!(
            unblocked.unblocked_until.as_deref(),
            Some(until),
            "{status}"
        );
    }

    // Without a duration, none is sent (the API's default applies).
    let server = MockServer::start_async().await;
    let bare = server
        .mock_async(|when, then| {
            when.json_body(json!({"network": "23410"}));
            then.status(200).json_body(json!({"network": "23410"}));
        })
        .await;
    support::client(&server)
        .v2()
        .network_unblock(&NetworkUnblock::new("23410"))
        .await
        .unwrap();
    bare.assert_async().await;

    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(200);
        })
        .await;
    let client = support::client(&server);
    for request in [
        NetworkUnblock::new("23410").unblock_duration(86_401),
        NetworkUnblock::new(""),
    ] {
        let error = client.v2().network_unblock(&request).await.unwrap_err();
        assert!(matches!(error, Error::Validation { .. }), "{error:?}");
    }
    assert_eq!(any.calls_async().await, 0);

    let unblock = async |api: &Api| {
        api.network_unblock(&NetworkUnblock::new("23410"))
            .await
            .map(drop)
    };
    let path = "/v2/verify/network-unblock";
    for (status, body, kind) in [
        (
            403,
            problem("forbidden", 403, json!({})),
            ProblemKind::Forbidden,
        ),
        (
            404,
            json!({"type": "https://developer.vonage.com/api-errors#bad-request", "title": "Not Found", "detail": "No active block."}),
            ProblemKind::NotFound,
        ),
        (
            422,
            json!({"type": "https://developer.vonage.com/api-errors#invalid-paramater", "title": "Network not found.", "invalid_parameters": [{"name": "network", "reason": "Network not found"}]}),
            ProblemKind::InvalidParameters,
        ),
    ] {
        let problem = problem_of(POST, path, status, body, unblock).await;
        assert_eq!(problem.kind, kind, "{status}");
    }
}

/// RCS through Vonage's default agent: no `from` unless the brand has an agent of its own.
#[tokio::test]
async fn rcs_goes_through_the_default_agent_without_from() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/verify").json_body(json!({
                "brand": "ACME",
                "workflow": [{"channel": "rcs", "to": TO}, {"channel": "sms", "to": TO}]
            }));
            then.status(202).json_body(json!({"request_id": ID}));
        })
        .await;
    let request = StartRequest::new("ACME")
        .step(Step::rcs(TO))
        .step(Step::sms(TO));
    support::client(&server).v2().start(&request).await.unwrap();
    mock.assert_async().await;
    assert!(refused(StartRequest::new("ACME").step(Step::rcs(TO).from("A".repeat(16)))).await);
}

/// Silent authentication over HTTP Basic is refused before sending; with an application JWT
/// or a bearer token it goes out.
#[tokio::test]
async fn silent_auth_needs_a_jwt_or_a_bearer_token() {
    let server = MockServer::start_async().await;
    let any = server
        .mock_async(|_, then| {
            then.status(202).json_body(json!({"request_id": ID}));
        })
        .await;
    let request = StartRequest::new("ACME")
        .step(Step::silent_auth(TO))
        .step(Step::sms(TO));
    let error = support::client(&server)
        .v2()
        .start(&request)
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::MissingCredentials { operation: "new_request", needs } if needs.contains("silent authentication")),
        "{error:?}"
    );
    assert!(error.to_string().contains("not HTTP Basic"), "{error}");
    // Pinned to Basic although an application is there: refused too.
    let pinned = support::builder(&server)
        .api_key(support::api_key())
        .application(support::APPLICATION_ID, support::private_key())
        .v2_auth(vonage_verify::V2Auth::Basic)
        .build()
        .unwrap();
    let error = pinned.v2().start(&request).await.unwrap_err();
    assert!(
        matches!(error, Error::Config(vonage_verify::ConfigError::Conflict(reason)) if reason.contains("v2_auth")),
        "{error:?}"
    );
    assert_eq!(any.calls_async().await, 0);
    // Without silent auth, Basic is fine.
    support::client(&server).v2().start(&sms()).await.unwrap();

    support::jwt_client(&server)
        .v2()
        .start(&request)
        .await
        .unwrap();
    let bearer = support::builder(&server)
        .bearer_token(vonage_verify::BearerToken::new("minted.elsewhere.token"))
        .build()
        .unwrap();
    bearer.v2().start(&request).await.unwrap();
    assert_eq!(any.calls_async().await, 3);
}

/// An email step's `to` and `from` are addresses (`format: email`), checked before sending.
#[tokio::test]
async fn email_steps_take_addresses_only() {
    assert!(!refused(StartRequest::new("ACME").step(Step::email("alice@example.com"))).await);
    assert!(
        !refused(
            StartRequest::new("ACME")
                .step(Step::email("alice@example.com").from("no-reply@acme.example"))
        )
        .await
    );
    for not_an_address in ["alice", "", "@example.com", "alice@", "a b@example.com"] {
        assert!(
            refused(StartRequest::new("ACME").step(Step::email(not_an_address))).await,
            "to {not_an_address:?}"
        );
        assert!(
            refused(
                StartRequest::new("ACME")
                    .step(Step::email("alice@example.com").from(not_an_address))
            )
            .await,
            "from {not_an_address:?}"
        );
    }
}

/// Every error of v2 is a problem document, so requests accept `application/problem+json`
/// besides the JSON of their replies.
#[tokio::test]
async fn requests_accept_problem_documents() {
    let server = MockServer::start_async().await;
    let accepting = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .header("accept", "application/json, application/problem+json");
            then.status(204);
        })
        .await;
    support::client(&server).v2().cancel(ID).await.unwrap();
    support::client(&server)
        .v2()
        .raw()
        .cancel_request()
        .request_id(ID)
        .send()
        .await
        .unwrap();
    assert_eq!(accepting.calls_async().await, 2);
}

/// A 200 to a check is the code accepted, even with an empty body.
#[tokio::test]
async fn a_check_answered_200_without_a_body_is_accepted() {
    for body in ["", " \n"] {
        let server = MockServer::start_async().await;
        server
            .mock_async(|when, then| {
                when.method(POST).path(format!("/v2/verify/{ID}"));
                then.status(200).body(body);
            })
            .await;
        let checked = support::client(&server)
            .v2()
            .check_code(ID, "1234")
            .await
            .unwrap();
        assert_eq!(checked.request_id.as_deref(), Some(ID));
        assert_eq!(checked.status, vonage_verify::v2::CheckedStatus::Completed);
    }
    // Anything else that does not decode is still an error.
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(200).body("{\"status\": ");
        })
        .await;
    let error = support::client(&server)
        .v2()
        .check_code(ID, "1234")
        .await
        .unwrap_err();
    assert!(matches!(error, Error::Decode { .. }), "{error:?}");
}

/// The silent-auth chain has one deadline, the client's timeout, however many hops it has:
/// hops that each answer within the timeout cannot add up to more.
#[tokio::test]
async fn a_silent_auth_chain_has_one_deadline() {
    use vonage_verify::v2::SilentAuthFailure;

    let operator = MockServer::start_async().await;
    for n in 0..6 {
        operator
            .mock_async(|when, then| {
                when.path(format!("/hop{n}"));
                then.status(302)
                    .delay(Duration::from_millis(150))
                    .header("location", format!("/hop{}", n + 1));
            })
            .await;
    }
    let client = support::builder(&operator)
        .api_key(support::api_key())
        .timeout(Duration::from_millis(400))
        .build()
        .unwrap();
    let started = std::time::Instant::now();
    let error = client
        .v2()
        .complete_silent_auth(&operator.url("/hop0"), None)
        .await
        .unwrap_err();
    assert!(
        matches!(error, Error::SilentAuth(SilentAuthFailure::TimedOut { after }) if after == Duration::from_millis(400)),
        "{error:?}"
    );
    assert!(error.is_timeout());
    assert!(
        started.elapsed() < Duration::from_millis(900),
        "one deadline, not one per hop"
    );
}

/// A `Retry-After` given as an HTTP date is read against the client's clock, as the retry
/// policy reads it.
#[tokio::test]
async fn retry_after_dates_are_read_against_the_clock() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|_, then| {
            then.status(429)
                .header("content-type", PROBLEM)
                .header("retry-after", "Tue, 01 Dec 2026 00:02:00 GMT")
                .json_body(problem("throttled", 429, json!({})));
        })
        .await;
    let clock = support::ManualClock::at(
        std::time::SystemTime::UNIX_EPOCH + Duration::from_secs(1_796_083_200),
    );
    let client = support::builder(&server)
        .api_key(support::api_key())
        .clock(clock)
        .build()
        .unwrap();
    let error = client.v2().cancel(ID).await.unwrap_err();
    assert_eq!(
        error.problem().unwrap().retry_after,
        Some(Duration::from_secs(120))
    );
}
