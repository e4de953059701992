//! The typed client's full flows, success and failure, against the stateful mock server.

use std::time::Duration;

use serde_json::json;
use vonage_verify::v1::{CheckOutcome, SearchStatus, Status, VerifyRequest};
use vonage_verify::v2::{StartRequest, Step};
use vonage_verify::{ApiKey, ProblemKind, V2Auth};
use vonage_verify_mock::{MOCK_API_KEY, MockServer};

use crate::support::{APPLICATION_ID, PUBLIC_KEY, clock, private_key};

const NUMBER: &str = "447700900003";

fn kind(error: &vonage_verify::Error) -> Option<&ProblemKind> {
    error.problem().map(|p| &p.kind)
}

fn sms(number: &str) -> StartRequest {
    StartRequest::new("ACME").step(Step::sms(number))
}

#[tokio::test]
async fn v2_a_code_is_good_once() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let started = client
        .v2()
        .start(&sms(NUMBER).client_ref("order7"))
        .await
        .unwrap();
    let message = &mock.inbox()[0];
    assert_eq!(
        (message.api, message.to.as_str(), message.channel.as_str()),
        ("v2", NUMBER, "sms")
    );
    assert_eq!(message.code.len(), 4);
    assert_eq!(message.client_ref.as_deref(), Some("order7"));
    client
        .v2()
        .check_code(&started.request_id, &message.code)
        .await
        .unwrap();
    let again = client
        .v2()
        .check_code(&started.request_id, &message.code)
        .await
        .unwrap_err();
    assert_eq!(kind(&again), Some(&ProblemKind::NotFound), "{again}");
}

#[tokio::test]
async fn v2_three_wrong_codes_end_the_verification() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let started = client
        .v2()
        .start(&sms(NUMBER).code_length(6))
        .await
        .unwrap();
    let code = mock.code(&started.request_id).unwrap();
    assert_eq!(code.len(), 6);
    for expected in [
        ProblemKind::InvalidCode,
        ProblemKind::InvalidCode,
        ProblemKind::Expired,
    ] {
        let error = client
            .v2()
            .check_code(&started.request_id, "000000x")
            .await
            .unwrap_err();
        assert_eq!(kind(&error), Some(&expected), "{error}");
    }
    let late = client
        .v2()
        .check_code(&started.request_id, &code)
        .await
        .unwrap_err();
    assert_eq!(kind(&late), Some(&ProblemKind::NotFound));
    // The number is free again.
    client.v2().start(&sms(NUMBER)).await.unwrap();
}

#[tokio::test]
async fn v2_a_second_verification_to_the_same_number_is_a_conflict() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let first = client.v2().start(&sms(NUMBER)).await.unwrap();
    let error = client.v2().start(&sms(NUMBER)).await.unwrap_err();
    assert_eq!(kind(&error), Some(&ProblemKind::Concurrent), "{error}");
    assert_eq!(
        error.problem().unwrap().request_id.as_deref(),
        Some(first.request_id.as_str())
    );
    client.v2().cancel(&first.request_id).await.unwrap();
    client.v2().start(&sms(NUMBER)).await.unwrap();
    let cancelled = client
        .v2()
        .check_code(&first.request_id, "1234")
        .await
        .unwrap_err();
    assert_eq!(kind(&cancelled), Some(&ProblemKind::NotFound));
}

#[tokio::test]
async fn v2_next_workflow_moves_through_the_steps_and_then_refuses() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let request = sms(NUMBER).step(Step::voice(NUMBER));
    let started = client.v2().start(&request).await.unwrap();
    client
        .v2()
        .next_workflow(&started.request_id)
        .await
        .unwrap();
    let error = client
        .v2()
        .next_workflow(&started.request_id)
        .await
        .unwrap_err();
    assert_eq!(kind(&error), Some(&ProblemKind::Conflict), "{error}");
    let unknown = client
        .v2()
        .next_workflow("6a1d2b4c-0000-4000-8000-000000000000")
        .await
        .unwrap_err();
    assert_eq!(kind(&unknown), Some(&ProblemKind::NotFound));
}

#[tokio::test]
async fn v2_verifications_lapse_on_the_mock_clock() {
    let clock = clock();
    let mock = MockServer::builder()
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let client = mock.client().unwrap();
    let started = client
        .v2()
        .start(&sms(NUMBER).channel_timeout(60))
        .await
        .unwrap();
    let code = mock.code(&started.request_id).unwrap();
    clock.advance(Duration::from_secs(60));
    let error = client
        .v2()
        .check_code(&started.request_id, &code)
        .await
        .unwrap_err();
    assert_eq!(kind(&error), Some(&ProblemKind::NotFound), "{error}");
    client
        .v2()
        .start(&sms(NUMBER))
        .await
        .expect("the number is free once lapsed");
}

#[tokio::test]
async fn v2_checks_credentials_and_application_jwts() {
    let mock = MockServer::builder()
        .application(APPLICATION_ID, PUBLIC_KEY)
        .start()
        .await
        .unwrap();
    let wrong = mock
        .client_builder()
        .api_key(ApiKey::new(MOCK_API_KEY, "not-the-secret"))
        .build()
        .unwrap();
    let error = wrong.v2().start(&sms(NUMBER)).await.unwrap_err();
    assert_eq!(kind(&error), Some(&ProblemKind::Unauthorized), "{error}");

    let jwt = mock
        .client_builder()
        .application(APPLICATION_ID, private_key())
        .v2_auth(V2Auth::Jwt)
        .build()
        .unwrap();
    jwt.v2()
        .start(&sms(NUMBER))
        .await
        .expect("the application's JWT");
    let other_app = mock
        .client_builder()
        .application("bbbbbbbb-bbbb-4bbb-8bbb-bbbbbbbbbbbb", private_key())
        .v2_auth(V2Auth::Jwt)
        .build()
        .unwrap();
    let error = other_app
        .v2()
        .start(&sms("447700900004"))
        .await
        .unwrap_err();
    assert_eq!(kind(&error), Some(&ProblemKind::Unauthorized));
    let schemes: Vec<_> = mock.requests().into_iter().map(|r| r.auth_scheme).collect();
    assert_eq!(
        schemes,
        [
            Some("Basic".into()),
            Some("Bearer".into()),
            Some("Bearer".into())
        ]
    );
}

/// The names of the parameters a 422 problem lists.
async fn refused_parameters(mock: &MockServer, body: serde_json::Value) -> Vec<String> {
    let response = reqwest::Client::new()
        .post(format!("{}/v2/verify", mock.base_url()))
        .basic_auth(MOCK_API_KEY, Some(vonage_verify_mock::MOCK_API_SECRET))
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 422);
    let body: serde_json::Value = response.json().await.unwrap();
    body["invalid_parameters"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["name"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn v2_the_spec_constraints_are_checked_by_the_mock_too() {
    // Sent by hand: the typed client refuses these before sending.
    let mock = MockServer::start().await.unwrap();
    let top = json!({"brand": "a brand name longer than eighteen", "workflow": [], "code_length": 3,
        "channel_timeout": 5, "locale": 7});
    assert_eq!(
        refused_parameters(&mock, top).await,
        [
            "brand",
            "code_length",
            "locale",
            "workflow",
            "channel_timeout"
        ]
    );
    // Each step is read as the spec's union for its channel: WhatsApp needs `from`, a
    // number has at most 50 characters, an unknown channel is refused, and silent auth only
    // comes first.
    let steps = json!({"brand": "ACME", "workflow": [
        {"channel": "whatsapp", "to": "447700900001"},
        {"channel": "sms", "to": "4".repeat(51)},
        {"channel": "silent_auth", "to": "447700900001"},
    ]});
    assert_eq!(
        refused_parameters(&mock, steps).await,
        ["workflow[0]", "workflow[1]", "workflow[2].channel"]
    );
    let unknown = json!({"brand": "ACME", "workflow": [{"channel": "pigeon", "to": "1"}]});
    assert_eq!(refused_parameters(&mock, unknown).await, ["workflow[0]"]);
    assert!(mock.inbox().is_empty());
}

#[tokio::test]
async fn v1_wrong_codes_then_too_many() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let started = client
        .v1()
        .request(&VerifyRequest::new(NUMBER, "ACME"))
        .await
        .unwrap();
    assert!(matches!(
        client
            .v1()
            .check(&started.request_id, "0000x")
            .await
            .unwrap(),
        CheckOutcome::WrongCode(_)
    ));
    assert!(matches!(
        client
            .v1()
            .check(&started.request_id, "0000y")
            .await
            .unwrap(),
        CheckOutcome::WrongCode(_)
    ));
    assert!(matches!(
        client
            .v1()
            .check(&started.request_id, "0000z")
            .await
            .unwrap(),
        CheckOutcome::TooManyWrongCodes(_)
    ));
    let found = client.v1().search(&started.request_id).await.unwrap();
    assert_eq!(found.status, SearchStatus::Failed);
    assert_eq!(found.checks.len(), 3);
    // The form's secret is not kept in the record.
    let recorded = mock.requests();
    assert!(
        recorded
            .iter()
            .all(|r| !r.body.contains(vonage_verify_mock::MOCK_API_SECRET))
    );
    assert!(
        recorded[0].body.contains("api_secret=%5Bredacted%5D"),
        "{:?}",
        recorded[0]
    );
}

#[tokio::test]
async fn v1_concurrency_cancel_window_and_events() {
    let clock = clock();
    let mock = MockServer::builder()
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let client = mock.client().unwrap();
    let started = client
        .v1()
        .request(&VerifyRequest::new(NUMBER, "ACME").workflow_id(6))
        .await
        .unwrap();
    let error = client
        .v1()
        .request(&VerifyRequest::new(NUMBER, "ACME"))
        .await
        .unwrap_err();
    assert_eq!(error.v1().unwrap().status, Status::ConcurrentVerifications);
    assert_eq!(
        error.v1().unwrap().request_id.as_deref(),
        Some(started.request_id.as_str())
    );

    // Workflow 6 is one SMS: no next event.
    let error = client
        .v1()
        .trigger_next_event(&started.request_id)
        .await
        .unwrap_err();
    assert_eq!(error.v1().unwrap().status, Status::CommandNotPossible);
    // No cancel in the first 30 seconds.
    let error = client.v1().cancel(&started.request_id).await.unwrap_err();
    assert_eq!(error.v1().unwrap().status, Status::CommandNotPossible);
    clock.advance(Duration::from_secs(30));
    client.v1().cancel(&started.request_id).await.unwrap();
    let found = client.v1().search(&started.request_id).await.unwrap();
    assert_eq!(found.status, SearchStatus::Cancelled);
}

#[tokio::test]
async fn v1_expiry_search_many_and_bad_credentials() {
    let clock = clock();
    let mock = MockServer::builder()
        .clock(clock.clone())
        .start()
        .await
        .unwrap();
    let client = mock.client().unwrap();
    let first = client
        .v1()
        .request(&VerifyRequest::new(NUMBER, "ACME").pin_expiry(60))
        .await
        .unwrap();
    let second = client
        .v1()
        .request(&VerifyRequest::new("447700900005", "ACME"))
        .await
        .unwrap();
    clock.advance(Duration::from_secs(61));
    let code = mock.code(&first.request_id).unwrap();
    let error = client
        .v1()
        .check(&first.request_id, &code)
        .await
        .unwrap_err();
    assert_eq!(error.v1().unwrap().status, Status::NotProcessed);
    let both = client
        .v1()
        .search_many([first.request_id.as_str(), second.request_id.as_str()])
        .await
        .unwrap();
    let states: Vec<_> = both.iter().map(|v| v.status.clone()).collect();
    assert_eq!(states, [SearchStatus::Expired, SearchStatus::InProgress]);

    let wrong = mock
        .client_builder()
        .api_key(ApiKey::new(MOCK_API_KEY, "nope"))
        .build()
        .unwrap();
    let error = wrong
        .v1()
        .request(&VerifyRequest::new("447700900006", "ACME"))
        .await
        .unwrap_err();
    assert_eq!(error.v1().unwrap().status, Status::InvalidCredentials);
}

#[tokio::test]
async fn v2_templates_and_fragments_are_stored_paged_and_refused_by_the_rules() {
    use futures_util::TryStreamExt as _;
    use vonage_verify::v2::TemplateUpdate;

    let mock = MockServer::start().await.unwrap();
    let v2 = mock.client().unwrap().v2().clone();
    let mut ids = Vec::new();
    for n in 0..10 {
        ids.push(
            v2.create_template(&format!("tpl-{n}"))
                .await
                .unwrap()
                .template_id
                .to_string(),
        );
    }
    let full = v2.create_template("one-too-many").await.unwrap_err();
    assert_eq!(kind(&full), Some(&ProblemKind::MaxTemplates), "{full}");
    v2.delete_template(&ids[9]).await.unwrap();
    let taken = v2.create_template("tpl-0").await.unwrap_err();
    assert_eq!(kind(&taken), Some(&ProblemKind::TemplateExists), "{taken}");

    // Pages of 4: three pages, followed by the stream through the `next` links.
    let first = v2.templates_page(None, Some(4)).await.unwrap();
    assert_eq!(
        (first.total_items, first.total_pages, first.items.len()),
        (9, 3, 4)
    );
    assert!(first.next.is_some());
    let last = v2.templates_page(Some(3), Some(4)).await.unwrap();
    assert_eq!((last.items.len(), last.next.is_none()), (1, true));
    let all: Vec<_> = v2.templates(Some(4)).try_collect().await.unwrap();
    assert_eq!(all.len(), 9);
    assert!(all[0].is_default, "the first template is the default");

    let renamed = v2
        .update_template(
            &ids[1],
            &TemplateUpdate::new().name("renamed").is_default(true),
        )
        .await
        .unwrap();
    assert!(renamed.is_default);
    assert!(
        !v2.template(&ids[0]).await.unwrap().is_default,
        "one default at a time"
    );

    let fragment = v2
        .add_fragment(&ids[1], "sms", "en-us", "Your ${brand} code: ${code}")
        .await
        .unwrap();
    let fragment_id = fragment.template_fragment_id.unwrap().to_string();
    let twice = v2
        .add_fragment(&ids[1], "sms", "en-us", "again")
        .await
        .unwrap_err();
    assert_eq!(kind(&twice), Some(&ProblemKind::FragmentExists), "{twice}");
    v2.add_fragment(&ids[1], "voice", "en-us", "Your code is ${code}")
        .await
        .unwrap();
    let fragments: Vec<_> = v2.fragments(&ids[1], None).try_collect().await.unwrap();
    assert_eq!(fragments.len(), 2);
    let updated = v2
        .update_fragment(&ids[1], &fragment_id, "New ${code}")
        .await
        .unwrap();
    assert_eq!(updated.text.as_deref(), Some("New ${code}"));
    let busy = v2.delete_template(&ids[1]).await.unwrap_err();
    assert_eq!(kind(&busy), Some(&ProblemKind::NotEmptyTemplate), "{busy}");
    v2.delete_fragment(&ids[1], &fragment_id).await.unwrap();
    let gone = v2.fragment(&ids[1], &fragment_id).await.unwrap_err();
    assert_eq!(kind(&gone), Some(&ProblemKind::FragmentNotFound), "{gone}");
    let missing = v2
        .template("6a1d2b4c-0000-4000-8000-000000000000")
        .await
        .unwrap_err();
    assert_eq!(
        kind(&missing),
        Some(&ProblemKind::TemplateNotFound),
        "{missing}"
    );
}

#[tokio::test]
async fn a_page_far_past_the_end_is_empty_not_a_crash() {
    let mock = MockServer::start().await.unwrap();
    let response = reqwest::Client::new()
        .get(format!(
            "{}/v2/verify/templates?page={}&page_size=4",
            mock.base_url(),
            usize::MAX
        ))
        .basic_auth(MOCK_API_KEY, Some(vonage_verify_mock::MOCK_API_SECRET))
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 200);
    let body: serde_json::Value = response.json().await.unwrap();
    assert_eq!(body["_embedded"]["templates"], json!([]));
}

/// v2's network unblock on the mock: its own literal path (not a check of a verification
/// called `network-unblock`), a 200 as Vonage's guide shows, the duration as a number or as
/// the string Vonage's own examples send, and v2's credentials.
#[tokio::test]
async fn v2_network_unblock_lifts_a_block_on_its_own_path() {
    use vonage_verify::v2::NetworkUnblock;

    let mock = MockServer::builder()
        .clock(clock())
        .blocked_network("23410")
        .blocked_network("23415")
        .start()
        .await
        .unwrap();
    let client = mock.client().unwrap();
    let unblocked = client
        .v2()
        .network_unblock(&NetworkUnblock::new("23410").unblock_duration(600))
        .await
        .unwrap();
    assert_eq!(unblocked.network.as_deref(), Some("23410"));
    assert_eq!(
        unblocked.unblocked_until.as_deref(),
        Some("2026-09-21T14:23:20Z")
    );
    let again = client
        .v2()
        .network_unblock(&NetworkUnblock::new("23410"))
        .await
        .unwrap_err();
    assert_eq!(kind(&again), Some(&ProblemKind::NotFound), "{again}");

    let by_hand = |body: serde_json::Value| {
        reqwest::Client::new()
            .post(format!("{}/v2/verify/network-unblock", mock.base_url()))
            .basic_auth(MOCK_API_KEY, Some(vonage_verify_mock::MOCK_API_SECRET))
            .json(&body)
            .send()
    };
    let string_duration = by_hand(json!({"network": "23415", "unblock_duration": "3600"}))
        .await
        .unwrap();
    assert_eq!(string_duration.status(), 200);
    let body: serde_json::Value = string_duration.json().await.unwrap();
    assert_eq!(body["unblocked_until"], "2026-09-21T15:13:20Z");
    let too_long = by_hand(json!({"network": "23410", "unblock_duration": 86_401}))
        .await
        .unwrap();
    assert_eq!(too_long.status(), 422);
    let unauthorized = reqwest::Client::new()
        .post(format!("{}/v2/verify/network-unblock", mock.base_url()))
        .json(&json!({"network": "23410"}))
        .send()
        .await
        .unwrap();
    assert_eq!(unauthorized.status(), 401);
    // A check's body on that path is a bad unblock (no network), not a check of a
    // verification called `network-unblock`, which would be a 404.
    let check_like = by_hand(json!({"code": "1234"})).await.unwrap();
    assert_eq!(check_like.status(), 422);
}

/// The mock follows the API of today: RCS without `from` (Vonage's default agent), email
/// steps with addresses only, and silent authentication refused over HTTP Basic.
#[tokio::test]
async fn v2_starts_are_held_to_the_api_of_today() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    client
        .v2()
        .start(&StartRequest::new("ACME").step(Step::rcs(NUMBER)))
        .await
        .expect("RCS through the default agent");

    let email = |to: &str| json!({"brand": "ACME", "workflow": [{"channel": "email", "to": to}]});
    assert_eq!(
        refused_parameters(&mock, email("not an address")).await,
        ["workflow[0]"]
    );
    // A number that is no number is refused at once, naming `to`.
    let sms = |to: &str| json!({"brand": "ACME", "workflow": [{"channel": "sms", "to": to}]});
    assert_eq!(refused_parameters(&mock, sms("call me")).await, ["to"]);

    let silent =
        json!({"brand": "ACME", "workflow": [{"channel": "silent_auth", "to": "447700900009"}]});
    let basic = reqwest::Client::new()
        .post(format!("{}/v2/verify", mock.base_url()))
        .basic_auth(MOCK_API_KEY, Some(vonage_verify_mock::MOCK_API_SECRET))
        .json(&silent)
        .send()
        .await
        .unwrap();
    assert_eq!(basic.status(), 401);
    // With the mock's own application (what `mock.client()` carries), it starts.
    client
        .v2()
        .start(&StartRequest::new("ACME").step(Step::silent_auth("447700900009")))
        .await
        .expect("silent auth over a JWT");
}
