//! Credentials on the wire: which ones each API operation carries and where, JWT claims and
//! their lifecycle, and where credentials must not go.

use std::collections::BTreeSet;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use httpmock::prelude::*;
use jsonwebtoken::{Algorithm, DecodingKey, Validation};
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use vonage_verify::v2::raw::{self, types};
use vonage_verify::{BearerToken, Client, JwtOptions, V2Auth};

use crate::support::{self, APPLICATION_ID, BASIC, ManualClock, PUBLIC_KEY, SECRET};

const ID: &str = "c11236f4-00bf-4b89-84ba-88b25df97315";
const TEMPLATE: &str = "8f35a1a7-eb2f-4552-8fdf-fffdaee41bc9";
const FRAGMENT: &str = "c70f446e-997a-4313-a081-60a02a31dc19";
/// v2 has 15 operations; all but the silent-auth redirect declare security.
const V2_AUTHENTICATED: usize = 14;

/// Calls every v2 operation once with minimal valid input, ignoring the outcomes.
pub async fn every_v2_operation(c: &raw::Client) {
    let step = types::NewRequestBodyWorkflowItem::Voice {
        to: "447700900000".parse().unwrap(),
        reuse_code: None,
    };
    let start = types::NewRequestBody::builder()
        .brand("ACME")
        .workflow(vec![step]);
    let code = types::CheckCodeBody::Code(types::CheckCodeByCode {
        code: "1234".parse().unwrap(),
    });
    let fragment = types::AddTemplateFragmentToTemplateBody::builder()
        .channel(types::Channel::Sms)
        .locale("en-us".to_string())
        .text("${code}".to_string());
    let patch = types::UpdateTemplateFragmentBody::builder().text("${code}".to_string());
    let rename = types::UpdateTemplateBody::builder().name(Some("renamed".parse().unwrap()));
    let _ = c.new_request().body(start).send().await;
    let _ = c.check_code().request_id(ID).body(code).send().await;
    let _ = c.cancel_request().request_id(ID).send().await;
    let _ = c.next_workflow().request_id(ID).send().await;
    let _ = c.silent_auth_check().request_id(ID).send().await;
    let _ = c.list_templates().send().await;
    let _ = c
        .create_template()
        .body(types::CreateTemplateBody::builder().name("t"))
        .send()
        .await;
    let _ = c.get_template().template_id(TEMPLATE).send().await;
    let _ = c
        .update_template()
        .template_id(TEMPLATE)
        .body(rename)
        .send()
        .await;
    let _ = c.delete_template().template_id(TEMPLATE).send().await;
    let _ = c
        .list_template_fragments()
        .template_id(TEMPLATE)
        .send()
        .await;
    let _ = c
        .add_template_fragment_to_template()
        .template_id(TEMPLATE)
        .body(fragment)
        .send()
        .await;
    let fragment_id = (TEMPLATE, FRAGMENT);
    let _ = c
        .get_template_fragment()
        .template_id(fragment_id.0)
        .template_fragment_id(fragment_id.1)
        .send()
        .await;
    let _ = c
        .update_template_fragment()
        .template_id(fragment_id.0)
        .template_fragment_id(fragment_id.1)
        .body(patch)
        .send()
        .await;
    let _ = c
        .delete_template_fragment()
        .template_id(fragment_id.0)
        .template_fragment_id(fragment_id.1)
        .send()
        .await;
}

/// Mocks that count v2 requests carrying exactly `authorization`, and silent-auth redirects
/// carrying none; anything else gets httpmock's 404.
async fn expect_v2_authorization<'a>(
    server: &'a MockServer,
    authorization: &str,
) -> (httpmock::Mock<'a>, httpmock::Mock<'a>) {
    let authenticated = server
        .mock_async(|when, then| {
            when.path_prefix("/v2/verify")
                .header("authorization", authorization)
                .header_missing("api-version");
            then.status(200).json_body(json!({}));
        })
        .await;
    let open = server
        .mock_async(|when, then| {
            when.path(format!("/v2/verify/{ID}/silent-auth/redirect"))
                .header_missing("authorization");
            then.status(200).json_body(json!({}));
        })
        .await;
    (authenticated, open)
}

async fn assert_every_v2_operation_sends(
    client: &Client,
    server: &MockServer,
    authorization: &str,
) {
    let (authenticated, open) = expect_v2_authorization(server, authorization).await;
    every_v2_operation(client.v2().raw()).await;
    assert_eq!(
        authenticated.calls_async().await,
        V2_AUTHENTICATED,
        "{authorization}"
    );
    assert_eq!(open.calls_async().await, 1);
}

#[tokio::test]
async fn v2_uses_basic_when_only_an_api_key_is_configured() {
    let server = MockServer::start_async().await;
    let client = support::client(&server);
    assert_every_v2_operation_sends(&client, &server, BASIC).await;
}

#[tokio::test]
async fn v2_uses_one_cached_jwt_when_an_application_is_configured() {
    let server = MockServer::start_async().await;
    let client = support::builder(&server)
        .api_key(support::api_key())
        .application(APPLICATION_ID, support::private_key())
        .build()
        .unwrap();
    let token = client.application_jwt().unwrap();
    let bearer = format!("Bearer {}", token.expose_secret());
    assert_every_v2_operation_sends(&client, &server, &bearer).await;
}

#[tokio::test]
async fn a_bearer_token_wins_under_auto_and_each_choice_can_be_pinned() {
    let server = MockServer::start_async().await;
    let full = || {
        support::builder(&server)
            .api_key(support::api_key())
            .application(APPLICATION_ID, support::private_key())
            .bearer_token(BearerToken::new("caller.token.value"))
    };
    let auto = full().build().unwrap();
    assert_every_v2_operation_sends(&auto, &server, "Bearer caller.token.value").await;

    server.reset_async().await;
    let basic = full().v2_auth(V2Auth::Basic).build().unwrap();
    assert_every_v2_operation_sends(&basic, &server, BASIC).await;

    server.reset_async().await;
    let jwt = full().v2_auth(V2Auth::Jwt).build().unwrap();
    let token = jwt.application_jwt().unwrap();
    let bearer = format!("Bearer {}", token.expose_secret());
    assert_every_v2_operation_sends(&jwt, &server, &bearer).await;
}

#[tokio::test]
async fn v1_takes_the_api_key_even_when_an_application_is_configured() {
    let server = MockServer::start_async().await;
    let form = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/verify/check/json")
                .body("code=1234&request_id=abc&api_key=abcd1234&api_secret=s3cr3t%21")
                .header_missing("authorization");
            then.status(200).json_body(json!({"status": "0"}));
        })
        .await;
    let search = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/verify/search/json")
                .query_param("request_id", "abc")
                .query_param_missing("api_secret")
                .header("authorization", BASIC);
            then.status(200).json_body(json!({"status": "0"}));
        })
        .await;
    let client = support::builder(&server)
        .api_key(support::api_key())
        .application(APPLICATION_ID, support::private_key())
        .build()
        .unwrap();
    let v1 = client.v1().raw();
    let check = vonage_verify::v1::raw::types::CheckRequest::builder()
        .request_id("abc")
        .code("1234");
    v1.verify_check().body(check).send().await.unwrap();
    v1.verify_search().request_id("abc").send().await.unwrap();
    form.assert_async().await;
    search.assert_async().await;
}

#[tokio::test]
async fn missing_credentials_stop_the_request_before_it_is_sent() {
    let server = MockServer::start_async().await;
    let anything = server
        .mock_async(|_, then| {
            then.status(200).json_body(json!({}));
        })
        .await;
    let jwt_only = support::builder(&server)
        .application(APPLICATION_ID, support::private_key())
        .build()
        .unwrap();
    let error = jwt_only
        .v1()
        .raw()
        .verify_search()
        .request_id("abc")
        .send()
        .await
        .unwrap_err();
    assert!(
        error
            .to_string()
            .contains("verify_search needs an API key and secret"),
        "{error}"
    );
    let nothing = support::builder(&server).build().unwrap();
    let error = nothing
        .v2()
        .raw()
        .cancel_request()
        .request_id(ID)
        .send()
        .await
        .unwrap_err();
    assert!(
        error.to_string().contains("cancel_request needs"),
        "{error}"
    );
    assert_eq!(anything.calls_async().await, 0, "nothing was sent");

    // The one operation without security works with no credentials at all.
    nothing
        .v2()
        .raw()
        .silent_auth_check()
        .request_id(ID)
        .send()
        .await
        .ok();
    assert_eq!(anything.calls_async().await, 1);
}

// ---- JWT -------------------------------------------------------------------------------------

fn decode(token: &str) -> (jsonwebtoken::Header, Value) {
    let mut validation = Validation::new(Algorithm::RS256);
    // The tests' clock is not the machine's; lifetimes are checked against the claims below.
    validation.validate_exp = false;
    validation.set_required_spec_claims(&["exp"]);
    let key = DecodingKey::from_rsa_pem(PUBLIC_KEY.as_bytes()).unwrap();
    let data = jsonwebtoken::decode::<Value>(token, &key, &validation).expect("signature verifies");
    (data.header, data.claims)
}

#[test]
fn jwt_claims_follow_the_options_and_the_signature_verifies() {
    let clock = ManualClock::new();
    let now = 1_790_000_000_u64;
    let plain = Client::builder()
        .application(APPLICATION_ID, support::private_key())
        .clock(clock.clone())
        .build()
        .unwrap();
    let (header, claims) = decode(plain.application_jwt().unwrap().expose_secret());
    assert_eq!(header.alg, Algorithm::RS256);
    assert_eq!(header.typ.as_deref(), Some("JWT"));
    assert_eq!(claims["application_id"], APPLICATION_ID);
    assert_eq!(claims["iat"], now);
    assert_eq!(claims["exp"], now + 15 * 60);
    let jti = claims["jti"].as_str().unwrap();
    assert!(uuid::Uuid::parse_str(jti).is_ok(), "{jti}");
    assert!(
        claims.get("sub").is_none() && claims.get("acl").is_none(),
        "{claims}"
    );

    let acl = json!({"paths": {"/*/verify/**": {}}});
    let custom = Client::builder()
        .application(APPLICATION_ID, support::private_key())
        .jwt_options(
            JwtOptions::default()
                .ttl(Duration::from_secs(300))
                .subject("alice")
                .acl(acl.clone()),
        )
        .clock(clock)
        .build()
        .unwrap();
    let (_, claims) = decode(custom.application_jwt().unwrap().expose_secret());
    assert_eq!(claims["exp"], now + 300);
    assert_eq!(claims["sub"], "alice");
    assert_eq!(claims["acl"], acl);
    assert_ne!(
        claims["jti"].as_str(),
        Some(jti),
        "every token has its own jti"
    );
}

#[test]
fn pkcs1_keys_work_too() {
    let key =
        vonage_verify::PrivateKey::from_pem(include_str!("../fixtures/keys/rsa-private-pkcs1.pem"))
            .unwrap();
    let client = Client::builder()
        .application(APPLICATION_ID, key)
        .build()
        .unwrap();
    decode(client.application_jwt().unwrap().expose_secret());
}

#[tokio::test]
async fn the_cached_jwt_is_reused_until_the_margin_then_replaced() {
    let server = MockServer::start_async().await;
    let (_, seen) = recording_authorization(&server).await;
    let clock = ManualClock::new();
    let client = support::builder(&server)
        .application(APPLICATION_ID, support::private_key())
        .jwt_options(
            JwtOptions::default()
                .ttl(Duration::from_secs(600))
                .refresh_margin(Duration::from_secs(30)),
        )
        .clock(clock.clone())
        .build()
        .unwrap();
    // The token each request carried, in order: the request path decides, not application_jwt.
    let mut sent = Vec::new();
    let mut cancel = async |c: &Client| {
        seen.lock().unwrap().clear();
        let _ = c.v2().raw().cancel_request().request_id(ID).send().await;
        let values: Vec<String> = seen.lock().unwrap().iter().cloned().collect();
        assert_eq!(values.len(), 1);
        let token = values[0].strip_prefix("Bearer ").unwrap().to_owned();
        sent.push(token.clone());
        token
    };
    let iat = |token: &str| decode(token).1["iat"].as_u64().unwrap();
    let start = 1_790_000_000_u64;

    let first = cancel(&client).await;
    assert_eq!(iat(&first), start);
    // 569 s in, 31 s are left: more than the margin, so the same token goes out.
    clock.advance(Duration::from_secs(569));
    assert_eq!(cancel(&client).await, first);
    // One more second and only the margin is left: a new token goes out before expiry.
    clock.advance(Duration::from_secs(1));
    let second = cancel(&client).await;
    assert_ne!(second, first);
    assert_eq!(iat(&second), start + 570);
    // Days later, a long-lived client still sends a token that is valid now.
    clock.advance(Duration::from_secs(3 * 24 * 3600));
    let later = cancel(&client).await;
    let claims = decode(&later).1;
    let now = start + 570 + 3 * 24 * 3600;
    assert_eq!(claims["iat"].as_u64(), Some(now));
    assert!(claims["exp"].as_u64().unwrap() > now);
    // A clock that steps back would make the cached iat lie in the future: mint again.
    clock.rewind(Duration::from_secs(3600));
    let rewound = cancel(&client).await;
    assert_eq!(iat(&rewound), now - 3600);
    assert_eq!(client.application_jwt().unwrap().expose_secret(), rewound);
    let distinct: BTreeSet<_> = sent.iter().collect();
    assert_eq!(distinct.len(), 4, "first, second, later, rewound");
}

/// A mock answering every request with 204 and recording each distinct Authorization value.
async fn recording_authorization(
    server: &MockServer,
) -> (httpmock::Mock<'_>, Arc<Mutex<BTreeSet<String>>>) {
    let seen = Arc::new(Mutex::new(BTreeSet::new()));
    let record = seen.clone();
    let mock = server
        .mock_async(move |when, then| {
            when.is_true(move |request| {
                let value = request.headers().get("authorization").cloned();
                let value = value.map(|v| v.to_str().unwrap_or_default().to_owned());
                record.lock().unwrap().insert(value.unwrap_or_default());
                true
            });
            then.status(204);
        })
        .await;
    (mock, seen)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_requests_on_a_cold_cache_share_one_token() {
    let server = MockServer::start_async().await;
    let (mock, seen) = recording_authorization(&server).await;
    let client = support::builder(&server)
        .application(APPLICATION_ID, support::private_key())
        .build()
        .unwrap();
    // No token yet: all 32 requests need one at once.
    let barrier = Arc::new(tokio::sync::Barrier::new(32));
    let calls: Vec<_> = (0..32)
        .map(|_| {
            let (client, barrier) = (client.clone(), barrier.clone());
            tokio::spawn(async move {
                barrier.wait().await;
                client
                    .v2()
                    .raw()
                    .cancel_request()
                    .request_id(ID)
                    .send()
                    .await
                    .unwrap();
            })
        })
        .collect();
    for call in calls {
        call.await.unwrap();
    }
    assert_eq!(mock.calls_async().await, 32);
    // Each token has its own jti, so a second mint would show up as a second value.
    let token = client.application_jwt().unwrap();
    let expected = BTreeSet::from([format!("Bearer {}", token.expose_secret())]);
    assert_eq!(*seen.lock().unwrap(), expected);
}

// ---- where credentials go --------------------------------------------------------------------

#[tokio::test]
async fn a_redirect_to_another_origin_is_not_followed() {
    let elsewhere = MockServer::start_async().await;
    let leaked = elsewhere
        .mock_async(|_, then| {
            then.status(200).json_body(json!({"status": "0"}));
        })
        .await;
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path("/verify/check/json");
            then.status(307)
                .header("location", elsewhere.url("/verify/check/json"));
        })
        .await;
    let check = vonage_verify::v1::raw::types::CheckRequest::builder()
        .request_id("abc")
        .code("1234");
    let error = support::client(&server)
        .v1()
        .raw()
        .verify_check()
        .body(check)
        .send()
        .await
        .unwrap_err();
    assert_eq!(error.status().map(|s| s.as_u16()), Some(307));
    assert_eq!(
        leaked.calls_async().await,
        0,
        "the form body holds the secret"
    );
    assert!(!format!("{error:?}").contains(SECRET));
}

#[tokio::test]
async fn a_callers_http_client_that_follows_redirects_carries_no_secret_away() {
    let elsewhere = MockServer::start_async().await;
    let (arrived, seen) = recording_authorization(&elsewhere).await;
    let server = MockServer::start_async().await;
    let redirect = server
        .mock_async(|when, then| {
            when.path("/verify/check/json")
                .header("authorization", BASIC)
                .body("code=1234&request_id=abc");
            then.status(307)
                .header("location", elsewhere.url("/verify/check/json"));
        })
        .await;
    // reqwest's default policy follows a 307 anywhere and re-sends the body.
    let client = support::builder(&server)
        .api_key(support::api_key())
        .http_client(vonage_verify::reqwest::Client::new())
        .build()
        .unwrap();
    let check = vonage_verify::v1::raw::types::CheckRequest::builder()
        .request_id("abc")
        .code("1234");
    let _ = client.v1().raw().verify_check().body(check).send().await;
    redirect.assert_async().await;
    assert_eq!(arrived.calls_async().await, 1, "the redirect was followed");
    assert_eq!(
        *seen.lock().unwrap(),
        BTreeSet::from([String::new()]),
        "without credentials"
    );
}

#[tokio::test]
async fn requests_carry_the_user_agent_and_no_api_version() {
    let server = MockServer::start_async().await;
    let default = server
        .mock_async(|when, then| {
            when.header(
                "user-agent",
                concat!("vonage-verify/", env!("CARGO_PKG_VERSION")),
            )
            .header_missing("api-version");
            then.status(204);
        })
        .await;
    support::client(&server)
        .v2()
        .raw()
        .cancel_request()
        .request_id(ID)
        .send()
        .await
        .unwrap();
    default.assert_async().await;

    let custom = server
        .mock_async(|when, then| {
            when.header("user-agent", "my-app/2.0");
            then.status(204);
        })
        .await;
    let client = support::builder(&server)
        .api_key(support::api_key())
        .user_agent("my-app/2.0")
        .build()
        .unwrap();
    client
        .v2()
        .raw()
        .cancel_request()
        .request_id(ID)
        .send()
        .await
        .unwrap();
    custom.assert_async().await;
}

#[tokio::test]
async fn the_timeout_and_the_body_limit_apply() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.path(format!("/v2/verify/{ID}"));
            then.status(204).delay(Duration::from_secs(1));
        })
        .await;
    server
        .mock_async(|when, then| {
            when.path("/v2/verify/templates");
            then.status(200).body("x".repeat(4096));
        })
        .await;
    let client = support::builder(&server)
        .api_key(support::api_key())
        .timeout(Duration::from_millis(200))
        .max_response_bytes(1024)
        .build()
        .unwrap();
    let slow = client
        .v2()
        .raw()
        .cancel_request()
        .request_id(ID)
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(&slow, raw::Error::CommunicationError(e) if e.is_timeout()),
        "{slow:?}"
    );
    let huge = client.v2().raw().list_templates().send().await.unwrap_err();
    assert!(matches!(huge, raw::Error::ResponseBodyError(_)), "{huge:?}");
}
