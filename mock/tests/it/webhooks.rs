//! The mock's callbacks: delivered to a receiver the test starts, signed so that the crate's
//! own verifier accepts them, and telling each verification's story in order.

use std::sync::Arc;
use std::time::Duration;

use axum::http::StatusCode;
use vonage_verify::v2::{StartRequest, Step};
use vonage_verify::webhook::{VONAGE_ISSUER, Webhook};
use vonage_verify::{ProblemKind, SignatureSecret};
use vonage_verify_mock::{MOCK_API_KEY, MockServer};

use crate::support::{Received, clock, receiver};
use vonage_verify_mock::ManualClock;

const NUMBER: &str = "447700900021";
const SECRET: &str = "a signature secret of the mock's account";

async fn mock_with_hooks(clock: Arc<ManualClock>) -> (MockServer, Received) {
    let (url, received) = receiver(StatusCode::NO_CONTENT).await;
    let mock = MockServer::builder()
        .clock(clock)
        .webhooks(url, SignatureSecret::new(SECRET))
        .start()
        .await
        .unwrap();
    (mock, received)
}

/// Each callback the receiver got, verified with the client's own verifier (same secret
/// and clock as the mock) and told in one line.
fn story(mock: &MockServer, received: &Received) -> Vec<String> {
    let verifier = mock
        .client()
        .unwrap()
        .webhook_verifier()
        .unwrap()
        .api_key(MOCK_API_KEY)
        .issuer(VONAGE_ISSUER);
    received
        .lock()
        .unwrap()
        .iter()
        .map(|(authorization, body)| {
            match verifier
                .verify_and_parse(authorization, body)
                .unwrap()
                .webhook
            {
                Webhook::Event(event) => {
                    format!("event {} {}", event.channel.as_str(), event.status.as_str())
                }
                Webhook::SilentAuth(update) => format!(
                    "silent_auth {}{}",
                    update.status.as_str(),
                    if update.check_url().is_some() {
                        " with check_url"
                    } else {
                        ""
                    }
                ),
                Webhook::Summary(summary) => {
                    let steps: Vec<String> = summary
                        .workflow
                        .iter()
                        .map(|step| {
                            format!(
                                "{}:{}",
                                step.channel.as_ref().unwrap().as_str(),
                                step.status.as_ref().unwrap().as_str()
                            )
                        })
                        .collect();
                    format!("summary {} [{}]", summary.status.as_str(), steps.join(" "))
                }
                other => panic!("unexpected callback {other:?}"),
            }
        })
        .collect()
}

#[tokio::test]
async fn a_completed_verification_sends_its_event_then_its_summary() {
    let clock = clock();
    let (mock, received) = mock_with_hooks(clock.clone()).await;
    let client = mock.client().unwrap();
    let request = StartRequest::new("ACME")
        .step(Step::sms(NUMBER))
        .step(Step::voice(NUMBER))
        .client_ref("order9");
    let started = client.v2().start(&request).await.unwrap();
    let code = mock.code(&started.request_id).unwrap();
    client
        .v2()
        .check_code(&started.request_id, "0000x")
        .await
        .unwrap_err();
    clock.advance(Duration::from_secs(20));
    client
        .v2()
        .check_code(&started.request_id, &code)
        .await
        .unwrap();

    let deliveries = mock.deliveries().await;
    assert_eq!(
        deliveries
            .iter()
            .map(|d| (d.kind.as_str(), d.status))
            .collect::<Vec<_>>(),
        [("event", Some(204)), ("summary", Some(204))]
    );
    assert!(
        deliveries
            .iter()
            .all(|d| d.request_id == started.request_id)
    );
    assert_eq!(
        story(&mock, &received),
        [
            "event sms completed",
            "summary completed [sms:completed voice:unused]"
        ]
    );
    // Times come from the mock's clock, and `client_ref` comes back.
    let summary: serde_json::Value = serde_json::from_str(&deliveries[1].body).unwrap();
    assert_eq!(summary["client_ref"], "order9");
    assert_eq!(summary["submitted_at"], "2026-09-21T14:13:20.000Z");
    assert_eq!(summary["finalized_at"], "2026-09-21T14:13:40.000Z");
    assert_eq!(summary["channel_timeout"], 180); // the spec's default
}

#[tokio::test]
async fn a_failed_verification_reports_the_step_it_failed_on() {
    let (mock, received) = mock_with_hooks(clock()).await;
    let client = mock.client().unwrap();
    let request = StartRequest::new("ACME")
        .step(Step::sms(NUMBER))
        .step(Step::voice(NUMBER));
    let started = client.v2().start(&request).await.unwrap();
    client
        .v2()
        .next_workflow(&started.request_id)
        .await
        .unwrap();
    for _ in 0..3 {
        client
            .v2()
            .check_code(&started.request_id, "0000x")
            .await
            .unwrap_err();
    }
    mock.deliveries().await;
    assert_eq!(
        story(&mock, &received),
        [
            "event voice failed",
            "summary failed [sms:expired voice:failed]"
        ]
    );
}

#[tokio::test]
async fn a_lapse_on_the_mock_clock_is_summed_up_and_a_cancel_sends_nothing() {
    let clock = clock();
    let (mock, received) = mock_with_hooks(clock.clone()).await;
    let client = mock.client().unwrap();
    let lapsing = StartRequest::new("ACME")
        .step(Step::sms(NUMBER))
        .channel_timeout(60);
    client.v2().start(&lapsing).await.unwrap();
    let cancelled = client
        .v2()
        .start(&StartRequest::new("ACME").step(Step::sms("447700900022")))
        .await
        .unwrap();
    client.v2().cancel(&cancelled.request_id).await.unwrap();
    assert!(mock.deliveries().await.is_empty());

    // No request reaches the mock after the lapse: `deliveries` notices it by itself.
    clock.advance(Duration::from_secs(61));
    assert_eq!(mock.deliveries().await.len(), 1);
    assert_eq!(story(&mock, &received), ["summary expired [sms:expired]"]);
}

#[tokio::test]
async fn silent_auth_announces_its_check_url_and_completes_through_it() {
    let (mock, received) = mock_with_hooks(clock()).await;
    let client = mock.client().unwrap();
    let request = StartRequest::new("ACME")
        .step(Step::silent_auth(NUMBER))
        .step(Step::sms(NUMBER));
    let started = client.v2().start(&request).await.unwrap();
    let check_url = started.check_url.clone().unwrap();
    assert!(check_url.starts_with(mock.base_url()), "{check_url}");

    // No code can be checked before the device has followed the check URL.
    let early = client
        .v2()
        .check_code(&started.request_id, "1234")
        .await
        .unwrap_err();
    assert_eq!(
        early.problem().map(|p| &p.kind),
        Some(&ProblemKind::NoCode),
        "{early}"
    );

    let confirmed = client
        .v2()
        .complete_silent_auth(&check_url, None)
        .await
        .unwrap();
    assert_eq!(confirmed.request_id, started.request_id);
    client
        .v2()
        .check_code(&started.request_id, &confirmed.code)
        .await
        .unwrap();
    mock.deliveries().await;
    assert_eq!(
        story(&mock, &received),
        [
            "silent_auth action_pending with check_url",
            "silent_auth completed",
            "summary completed [silent_auth:completed sms:unused]",
        ]
    );
    // The device sends no credentials, and the mock asks for none.
    let redirect = mock
        .requests()
        .into_iter()
        .find(|r| r.path.ends_with("/silent-auth/redirect"))
        .unwrap();
    assert_eq!(redirect.auth_scheme, None);
}

#[tokio::test]
async fn silent_auth_hands_the_code_to_the_redirect_url_in_its_fragment() {
    let mock = MockServer::start().await.unwrap();
    let client = mock.client().unwrap();
    let app_url = "https://app.example/after-silent-auth";
    let request = StartRequest::new("ACME").step(Step::silent_auth(NUMBER).redirect_url(app_url));
    let started = client.v2().start(&request).await.unwrap();
    let confirmed = client
        .v2()
        .complete_silent_auth(started.check_url.as_deref().unwrap(), Some(app_url))
        .await
        .unwrap();
    assert_eq!(confirmed.request_id, started.request_id);
    assert_eq!(Some(confirmed.code), mock.code(&started.request_id));
}

#[tokio::test]
async fn a_receiver_that_fails_or_is_gone_is_recorded_not_retried() {
    let (url, received) = receiver(StatusCode::INTERNAL_SERVER_ERROR).await;
    let mock = MockServer::builder()
        .webhooks(url, SignatureSecret::new(SECRET))
        .start()
        .await
        .unwrap();
    let client = mock.client().unwrap();
    let started = client
        .v2()
        .start(&StartRequest::new("ACME").step(Step::sms(NUMBER)))
        .await
        .unwrap();
    let code = mock.code(&started.request_id).unwrap();
    client
        .v2()
        .check_code(&started.request_id, &code)
        .await
        .unwrap();
    let statuses: Vec<_> = mock.deliveries().await.iter().map(|d| d.status).collect();
    assert_eq!(statuses, [Some(500), Some(500)]);
    assert_eq!(received.lock().unwrap().len(), 2);

    // A port nobody listens on: bound, then freed.
    let gone = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}/hooks", gone.local_addr().unwrap());
    drop(gone);
    let mock = MockServer::builder()
        .webhooks(url, SignatureSecret::new(SECRET))
        .start()
        .await
        .unwrap();
    let client = mock.client().unwrap();
    let started = client
        .v2()
        .start(&StartRequest::new("ACME").step(Step::sms(NUMBER)))
        .await
        .unwrap();
    client.v2().cancel(&started.request_id).await.unwrap();
    let code_started = client
        .v2()
        .start(&StartRequest::new("ACME").step(Step::sms(NUMBER)))
        .await
        .unwrap();
    let code = mock.code(&code_started.request_id).unwrap();
    client
        .v2()
        .check_code(&code_started.request_id, &code)
        .await
        .unwrap();
    let deliveries = mock.deliveries().await;
    assert_eq!(deliveries.len(), 2);
    assert!(
        deliveries
            .iter()
            .all(|d| d.status.is_none() && d.error.is_some()),
        "{deliveries:?}"
    );
}

#[tokio::test]
async fn a_webhook_url_that_is_not_a_url_is_refused_at_start() {
    let error = MockServer::builder()
        .webhooks("not a url", SignatureSecret::new(SECRET))
        .start()
        .await
        .unwrap_err();
    assert_eq!(error.kind(), std::io::ErrorKind::InvalidInput);
}

#[tokio::test]
async fn v1_verifications_send_no_callbacks() {
    let (mock, _) = mock_with_hooks(clock()).await;
    let client = mock.client().unwrap();
    let started = client
        .v1()
        .request(&vonage_verify::v1::VerifyRequest::new(NUMBER, "ACME"))
        .await
        .unwrap();
    let code = mock.code(&started.request_id).unwrap();
    client.v1().check(&started.request_id, &code).await.unwrap();
    assert!(mock.deliveries().await.is_empty());
}

#[tokio::test]
async fn steps_move_on_by_themselves_when_their_time_is_up() {
    let clock = clock();
    let (mock, received) = mock_with_hooks(clock.clone()).await;
    let client = mock.client().unwrap();
    let request = StartRequest::new("ACME")
        .step(Step::sms(NUMBER))
        .step(Step::voice(NUMBER))
        .channel_timeout(60);
    let started = client.v2().start(&request).await.unwrap();
    clock.advance(Duration::from_secs(61));
    let code = mock.code(&started.request_id).unwrap();
    client
        .v2()
        .check_code(&started.request_id, &code)
        .await
        .unwrap();
    mock.deliveries().await;
    assert_eq!(
        story(&mock, &received),
        [
            "event voice completed",
            "summary completed [sms:expired voice:completed]"
        ]
    );
}

#[tokio::test]
async fn a_silent_auth_code_gets_one_try() {
    let (mock, received) = mock_with_hooks(clock()).await;
    let client = mock.client().unwrap();
    let request = StartRequest::new("ACME").step(Step::silent_auth(NUMBER));
    let started = client.v2().start(&request).await.unwrap();
    client
        .v2()
        .complete_silent_auth(started.check_url.as_deref().unwrap(), None)
        .await
        .unwrap();
    let wrong = client
        .v2()
        .check_code(&started.request_id, "0000x")
        .await
        .unwrap_err();
    assert_eq!(
        wrong.problem().map(|p| &p.kind),
        Some(&ProblemKind::Expired),
        "{wrong}"
    );
    mock.deliveries().await;
    assert_eq!(
        story(&mock, &received),
        [
            "silent_auth action_pending with check_url",
            "silent_auth failed",
            "summary failed [silent_auth:failed]",
        ]
    );
}

/// Vonage's Virtual Operator, which replaced the silent-auth sandbox: numbers with country
/// code 990 answer by their end (even: recognised; odd: another device's number; 99: the
/// check fails), and a refused check moves the workflow on to its next step at once.
#[tokio::test]
async fn the_virtual_operators_numbers_answer_as_documented() {
    use vonage_verify::Error;
    use vonage_verify::v2::SilentAuthFailure;

    let (mock, received) = mock_with_hooks(clock()).await;
    let client = mock.client().unwrap();
    let app = "https://app.example/done";
    let start = async |number: &str, fallback: bool| {
        let step = Step::silent_auth(number);
        let mut request = StartRequest::new("ACME");
        if fallback {
            request = request
                .step(step.redirect_url(app))
                .step(Step::sms("447700900031"));
        } else {
            request = request.step(step);
        }
        client.v2().start(&request).await.unwrap()
    };

    // Even: the carrier recognises the device, as for any other number.
    let recognised = start("9902345602", false).await;
    let code = client
        .v2()
        .complete_silent_auth(recognised.check_url.as_deref().unwrap(), None)
        .await
        .unwrap();
    client
        .v2()
        .check_code(&recognised.request_id, &code.code)
        .await
        .unwrap();

    // Odd: another device's number. The device hears so; the SMS step starts at once.
    let rejected = start("9902345601", true).await;
    let error = client
        .v2()
        .complete_silent_auth(rejected.check_url.as_deref().unwrap(), Some(app))
        .await
        .unwrap_err();
    assert!(
        matches!(&error, Error::SilentAuth(SilentAuthFailure::Refused { description, .. }) if description == "Device MSISDN does not match."),
        "{error:?}"
    );
    let sms_code = mock.code(&rejected.request_id).unwrap();
    client
        .v2()
        .check_code(&rejected.request_id, &sms_code)
        .await
        .expect("the SMS step took over");

    // 99: the check cannot be completed; with no step left, the verification fails. Without
    // a redirect URL the device gets a 412 problem.
    let failed = start("9902345699", false).await;
    let error = client
        .v2()
        .complete_silent_auth(failed.check_url.as_deref().unwrap(), None)
        .await
        .unwrap_err();
    assert_eq!(
        error.problem().map(|p| &p.kind),
        Some(&ProblemKind::PreconditionFailed),
        "{error:?}"
    );
    let gone = client
        .v2()
        .check_code(&failed.request_id, "1234")
        .await
        .unwrap_err();
    assert_eq!(
        gone.problem().map(|p| &p.kind),
        Some(&ProblemKind::NotFound)
    );

    mock.deliveries().await;
    assert_eq!(
        story(&mock, &received),
        [
            "silent_auth action_pending with check_url",
            "silent_auth completed",
            "summary completed [silent_auth:completed]",
            "silent_auth action_pending with check_url",
            "silent_auth user_rejected",
            "event sms completed",
            "summary completed [silent_auth:user_rejected sms:completed]",
            "silent_auth action_pending with check_url",
            "silent_auth failed",
            "summary failed [silent_auth:failed]",
        ]
    );
    assert_eq!(mock.inbox()[1].channel, "silent_auth");
}
