//! Wire-level tests of the generated v2 client. Expected requests are written out literally
//! (method, path, content type, JSON body) rather than derived from the spec.

use httpmock::prelude::*;
use serde_json::{Value, json};

use crate::support::{self, BASIC, replying};
use vonage_verify::v2::raw::{Client, Error, types};

const ID: &str = "c11236f4-00bf-4b89-84ba-88b25df97315";
const TEMPLATE: &str = "8f35a1a7-eb2f-4552-8fdf-fffdaee41bc9";
const FRAGMENT: &str = "c70f446e-997a-4313-a081-60a02a31dc19";
const PROBLEM: &str = "application/problem+json";

fn client(server: &MockServer) -> Client {
    support::client(server).v2().raw().clone()
}

fn problem(err: Error<types::Problem>) -> (u16, types::Problem) {
    match err {
        Error::ErrorResponse(r) => (r.status().as_u16(), r.into_inner()),
        other => panic!("expected a problem response, got {other:?}"),
    }
}

fn to(number: &str) -> types::To {
    number.parse().unwrap()
}

// ---- start -----------------------------------------------------------------------------------

#[tokio::test]
async fn start_sends_a_mixed_workflow_and_nothing_unset() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/verify")
                .header("content-type", "application/json")
                .header("authorization", BASIC)
                .header_missing("api-version")
                .json_body(json!({
                    "brand": "ACME, Inc",
                    "workflow": [
                        {"channel": "silent_auth", "to": "447700900000"},
                        {"channel": "sms", "to": "447700900000", "from": "ACME"},
                        {"channel": "voice", "to": "447700900000"}
                    ]
                }));
            then.status(202).json_body(json!({
                "request_id": ID,
                "check_url": format!("https://api.nexmo.com/v2/verify/{ID}/silent-auth/redirect")
            }));
        })
        .await;

    let workflow = vec![
        types::NewRequestBodyWorkflowItem::SilentAuth {
            to: "447700900000".parse().unwrap(),
            redirect_url: None,
            coverage_check: None,
            mode: None,
            sandbox: None,
        },
        types::NewRequestBodyWorkflowItem::Sms {
            to: to("447700900000"),
            from: Some("ACME".parse().unwrap()),
            entity_id: None,
            content_id: None,
            app_hash: None,
            reuse_code: None,
        },
        types::NewRequestBodyWorkflowItem::Voice {
            to: to("447700900000"),
            reuse_code: None,
        },
    ];
    let body = types::NewRequestBody::builder()
        .brand("ACME, Inc")
        .workflow(workflow);
    let r = client(&server)
        .new_request()
        .body(body)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(r.status(), 202);
    assert_eq!(r.request_id.to_string(), ID);
    assert!(
        r.check_url
            .as_deref()
            .unwrap()
            .ends_with("/silent-auth/redirect")
    );
}

#[tokio::test]
async fn start_sends_every_top_level_option_that_is_set() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/verify").json_body(json!({
                "brand": "ACME",
                "workflow": [{"channel": "email", "to": "alice@example.com", "from": "noreply@example.com"}],
                "locale": "es-es",
                "channel_timeout": 300,
                "client_ref": "order42",
                "code_length": 6,
                "code": "a1b2c3",
                "template_id": TEMPLATE,
                "fraud_check": false
            }));
            then.status(202).json_body(json!({"request_id": ID}));
        })
        .await;
    let body = types::NewRequestBody::builder()
        .brand("ACME")
        .workflow(vec![types::NewRequestBodyWorkflowItem::Email {
            to: "alice@example.com".parse().unwrap(),
            from: Some("noreply@example.com".parse().unwrap()),
            reuse_code: None,
        }])
        .locale(Some("es-es".parse().unwrap()))
        .channel_timeout(Some(300.into()))
        .client_ref(Some("order42".parse().unwrap()))
        .code_length(Some(6.try_into().unwrap()))
        .code(Some("a1b2c3".parse().unwrap()))
        .template_id(Some(TEMPLATE.parse().unwrap()))
        .fraud_check(Some(false.into()));
    let r = client(&server)
        .new_request()
        .body(body)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(r.check_url, None);
}

#[tokio::test]
async fn start_refuses_invalid_input_before_sending() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.any_request();
            then.status(202);
        })
        .await;
    let c = client(&server);
    let step = || {
        vec![types::NewRequestBodyWorkflowItem::Voice {
            to: to("447700900000"),
            reuse_code: None,
        }]
    };
    for brand in ["A brand far too long for Vonage", "bad{brand}"] {
        let body = types::NewRequestBody::builder()
            .brand(brand)
            .workflow(step());
        let err = c.new_request().body(body).send().await.unwrap_err();
        assert!(matches!(err, Error::InvalidRequest(_)), "{brand}: {err:?}");
    }
    assert!(
        "12 34".parse::<types::Code>().is_err(),
        "custom codes are alphanumeric"
    );
    assert!("not a uuid".parse::<types::TemplateId>().is_err());
    assert!(
        types::CodeLength::try_from(3).is_err(),
        "code_length is 4 to 10"
    );
    assert_eq!(mock.calls_async().await, 0);
}

#[tokio::test]
async fn start_errors_are_typed_problems() {
    let cases = [
        (
            409,
            json!({"type": "https://developer.vonage.com/en/api-errors/verify-v2#concurrent", "title": "Conflict", "detail": "Concurrent verifications to the same number are not allowed.", "instance": "738f9313-418a-4259-9b0d-6670f06fa82d", "request_id": ID}),
        ),
        (
            422,
            json!({"type": "https://developer.vonage.com/en/api-errors#invalid-params", "title": "Invalid params", "detail": "The value of one or more parameters is invalid", "instance": "x", "invalid_parameters": [{"name": "brand", "reason": "Invalid value"}]}),
        ),
        (
            429,
            json!({"type": "https://developer.vonage.com/en/api-errors#throttled", "title": "Rate Limit Hit", "detail": "Please wait, then retry your request", "instance": "y"}),
        ),
        (
            401,
            json!({"type": "https://developer.vonage.com/api-errors#unauthorized", "title": "Unauthorized", "detail": "You did not provide correct credentials", "instance": "z"}),
        ),
        (
            402,
            json!({"type": "https://developer.vonage.com/en/api-errors/#low-balance", "title": "Low balance", "detail": "This request could not be performed due to your account balance being low.", "instance": "w"}),
        ),
        // Older replies carry one invalid parameter as an object, not a list.
        (
            422,
            json!({"title": "Invalid params", "detail": "d", "instance": "x", "invalid_parameters": {"name": "to", "reason": "Invalid value"}}),
        ),
        // Live-looking bodies sometimes have no `type` at all.
        (
            409,
            json!({"title": "Conflict", "detail": "Concurrent verifications to the same number are not allowed", "instance": "v", "request_id": ID}),
        ),
    ];
    for (status, reply) in cases {
        let server = replying(POST, "/v2/verify", status, PROBLEM, &reply).await;
        let body = types::NewRequestBody::builder()
            .brand("ACME")
            .workflow(vec![types::NewRequestBodyWorkflowItem::Voice {
                to: to("447700900000"),
                reuse_code: None,
            }]);
        let (code, p) = problem(
            client(&server)
                .new_request()
                .body(body)
                .send()
                .await
                .unwrap_err(),
        );
        assert_eq!(code, status);
        assert_eq!(p.title.as_deref(), reply["title"].as_str());
        assert_eq!(p.detail.as_deref(), reply["detail"].as_str());
        assert_eq!(p.type_.as_deref(), reply["type"].as_str());
        assert_eq!(p.request_id.as_deref(), reply["request_id"].as_str());
        let invalid = match &p.invalid_parameters {
            None => 0,
            Some(types::ProblemInvalidParameters::List(v)) => v.len(),
            Some(types::ProblemInvalidParameters::Single(_)) => 1,
        };
        let sent = &reply["invalid_parameters"];
        assert_eq!(
            invalid,
            sent.as_array()
                .map_or(usize::from(sent.is_object()), Vec::len)
        );
    }
}

// ---- check, cancel, next workflow ------------------------------------------------------------

#[tokio::test]
async fn check_with_code_and_with_token() {
    for (body, wire) in [
        (
            types::CheckCodeBody::Code(types::CheckCodeByCode {
                code: "1234".parse().unwrap(),
            }),
            json!({"code": "1234"}),
        ),
        (
            types::CheckCodeBody::Token(types::CheckCodeByToken {
                token: "eyJhbGciOi.e30.sig".parse().unwrap(),
            }),
            json!({"token": "eyJhbGciOi.e30.sig"}),
        ),
    ] {
        let server = MockServer::start_async().await;
        let mock = server
            .mock_async(|when, then| {
                when.method(POST)
                    .path(format!("/v2/verify/{ID}"))
                    .header("content-type", "application/json")
                    .header("authorization", BASIC)
                    .json_body(wire.clone());
                then.status(200)
                    .json_body(json!({"request_id": ID, "status": "completed"}));
            })
            .await;
        let r = client(&server)
            .check_code()
            .request_id(ID)
            .body(body)
            .send()
            .await
            .unwrap();
        mock.assert_async().await;
        assert_eq!(r.status.as_deref(), Some("completed"));
        assert_eq!(r.request_id.as_ref().unwrap().to_string(), ID);
    }
}

/// Path parameters go through the crate's encoder (`encode_paths_in_place`): a request id with
/// a slash, a space and a percent sign stays one escaped path segment.
#[tokio::test]
async fn path_parameters_are_percent_encoded() {
    let server = MockServer::start_async().await;
    let escaped = server
        .mock_async(|when, then| {
            when.method(POST).path("/v2/verify/a%2Fb%20c%25");
            then.status(200)
                .json_body(json!({"request_id": ID, "status": "completed"}));
        })
        .await;
    client(&server)
        .check_code()
        .request_id("a/b c%")
        .body(types::CheckCodeBody::Code(types::CheckCodeByCode {
            code: "1234".parse().unwrap(),
        }))
        .send()
        .await
        .unwrap();
    escaped.assert_async().await;
}

/// The generated code decodes with the crate's decoder (`decode_without_copying_headers`),
/// which moves the headers into the value rather than copying them: they must all arrive.
#[tokio::test]
async fn replies_keep_their_status_and_headers() {
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path(format!("/v2/verify/{ID}"));
            then.status(200)
                .header("x-vonage-trace-id", "trace-1")
                .header("x-extra", "kept")
                .json_body(json!({"request_id": ID, "status": "completed"}));
        })
        .await;
    let body = || {
        types::CheckCodeBody::Code(types::CheckCodeByCode {
            code: "1234".parse().unwrap(),
        })
    };
    let value = client(&server)
        .check_code()
        .request_id(ID)
        .body(body())
        .send()
        .await
        .unwrap();
    assert_eq!(value.status(), 200);
    assert_eq!(value.headers()["x-vonage-trace-id"], "trace-1");
    assert_eq!(value.headers()["x-extra"], "kept");
    assert!(value.headers().contains_key("content-length"));
    assert_eq!(value.into_inner().status.as_deref(), Some("completed"));

    // An error reply decoded by the same function keeps its headers too.
    let server = MockServer::start_async().await;
    server
        .mock_async(|when, then| {
            when.method(POST).path(format!("/v2/verify/{ID}"));
            then.status(429)
                .header("content-type", PROBLEM)
                .header("retry-after", "7")
                .body(r#"{"title": "Rate Limit Hit"}"#);
        })
        .await;
    match client(&server)
        .check_code()
        .request_id(ID)
        .body(body())
        .send()
        .await
    {
        Err(Error::ErrorResponse(value)) => {
            assert_eq!(value.status(), 429);
            assert_eq!(value.headers()["retry-after"], "7");
            assert_eq!(value.title.as_deref(), Some("Rate Limit Hit"));
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn check_errors() {
    let path = format!("/v2/verify/{ID}");
    for (status, title) in [
        (400, "Invalid Code"),
        (404, "Not Found"),
        (409, "Conflict"),
        (410, "Invalid Code"),
        (429, "Rate Limit Hit"),
    ] {
        let reply = json!({"type": "https://developer.nexmo.com/api-errors#bad-request", "title": title, "detail": "d", "instance": "i"});
        let server = replying(POST, &path, status, PROBLEM, &reply).await;
        let body = types::CheckCodeBody::Code(types::CheckCodeByCode {
            code: "0000".parse().unwrap(),
        });
        let (code, p) = problem(
            client(&server)
                .check_code()
                .request_id(ID)
                .body(body)
                .send()
                .await
                .unwrap_err(),
        );
        assert_eq!((code, p.title.as_deref()), (status, Some(title)));
    }
}

#[tokio::test]
async fn cancel_is_a_delete_with_no_body() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(format!("/v2/verify/{ID}"))
                .header("authorization", BASIC);
            then.status(204);
        })
        .await;
    let r = client(&server)
        .cancel_request()
        .request_id(ID)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(r.status(), 204);

    let reply = json!({"title": "Not Found", "detail": format!("Request '{ID}' was not found or it has been verified already."), "instance": "i"});
    let server = replying(DELETE, &format!("/v2/verify/{ID}"), 404, PROBLEM, &reply).await;
    let (code, p) = problem(
        client(&server)
            .cancel_request()
            .request_id(ID)
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(code, 404);
    assert!(p.detail.unwrap().contains("was not found"));
}

#[tokio::test]
async fn next_workflow_is_an_empty_200() {
    let path = format!("/v2/verify/{ID}/next_workflow");
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(path.clone())
                .header("authorization", BASIC);
            then.status(200);
        })
        .await;
    let r = client(&server)
        .next_workflow()
        .request_id(ID)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(r.status(), 200);

    let reply = json!({"title": "Conflict", "detail": "There are no more events left to trigger.", "instance": "i", "type": "https://developer.nexmo.com/api-errors#conflict"});
    let server = replying(POST, &path, 409, PROBLEM, &reply).await;
    let (code, p) = problem(
        client(&server)
            .next_workflow()
            .request_id(ID)
            .send()
            .await
            .unwrap_err(),
    );
    assert_eq!(
        (code, p.detail.as_deref()),
        (409, Some("There are no more events left to trigger."))
    );
}

#[tokio::test]
async fn silent_auth_redirect_sends_no_credentials() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path(format!("/v2/verify/{ID}/silent-auth/redirect"))
                .header_missing("authorization");
            then.status(200)
                .json_body(json!({"request_id": ID, "code": "si9sfG"}));
        })
        .await;
    let r = client(&server)
        .silent_auth_check()
        .request_id(ID)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!(r.code.as_deref(), Some("si9sfG"));
}

// ---- templates ---------------------------------------------------------------------------------

fn template_json(name: &str, is_default: bool) -> Value {
    json!({
        "template_id": TEMPLATE,
        "name": name,
        "is_default": is_default,
        "_links": {
            "self": {"href": format!("https://api.nexmo.com/v2/verify/templates/{TEMPLATE}")},
            "fragments": {"href": format!("https://api.nexmo.com/v2/verify/templates/{TEMPLATE}/template_fragments")}
        }
    })
}

#[tokio::test]
async fn list_templates_sends_paging_and_decodes_hal() {
    let server = MockServer::start_async().await;
    let mock = server
        .mock_async(|when, then| {
            when.method(GET)
                .path("/v2/verify/templates")
                .query_param("page", "2")
                .query_param("page_size", "1")
                .header("authorization", BASIC);
            then.status(200).json_body(json!({
                "page_size": 1,
                "page": 2,
                "total_pages": 3,
                "total_items": 3,
                "_embedded": {"templates": [template_json("my-template", false)]},
                "_links": {
                    "self": {"href": "https://api.nexmo.com/v2/verify/templates?page=2"},
                    "next": {"href": "https://api.nexmo.com/v2/verify/templates?page=3"},
                    "prev": {"href": "https://api.nexmo.com/v2/verify/templates?page=1"},
                    "last": {"href": "https://api.nexmo.com/v2/verify/templates?page=3"}
                }
            }));
        })
        .await;
    let r = client(&server)
        .list_templates()
        .page(2)
        .page_size(1)
        .send()
        .await
        .unwrap();
    mock.assert_async().await;
    assert_eq!((r.page, r.total_pages, r.total_items), (2, 3, 3));
    assert_eq!(r.embedded.templates[0].name, "my-template");
    assert_eq!(r.embedded.templates[0].template_id.to_string(), TEMPLATE);
    assert_eq!(
        r.links.next.as_ref().unwrap().href,
        "https://api.nexmo.com/v2/verify/templates?page=3"
    );
    assert!(r.links.first.is_none());
}

#[tokio::test]
async fn template_create_get_update_delete() {
    let item = format!("/v2/verify/templates/{TEMPLATE}");
    let server = MockServer::start_async().await;
    let create = server
        .mock_async(|when, then| {
            when.method(POST)
                .path("/v2/verify/templates")
                .json_body(json!({"name": "my-template"}));
            then.status(201)
                .json_body(template_json("my-template", false));
        })
        .await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path(item.clone());
            then.status(200)
                .json_body(template_json("my-template", false));
        })
        .await;
    // Only the field that was set is sent: renaming must not reset is_default.
    let update = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(item.clone())
                .json_body(json!({"name": "renamed"}));
            then.status(200).json_body(template_json("renamed", true));
        })
        .await;
    let delete = server
        .mock_async(|when, then| {
            when.method(DELETE)
                .path(item.clone())
                .header("authorization", BASIC);
            then.status(204);
        })
        .await;
    let c = client(&server);
    let created = c
        .create_template()
        .body(types::CreateTemplateBody::builder().name("my-template"))
        .send()
        .await
        .unwrap();
    assert_eq!(created.status(), 201);
    assert!(!created.is_default);
    let got = c.get_template().template_id(TEMPLATE).send().await.unwrap();
    assert_eq!(
        got.links
            .fragments
            .as_ref()
            .map(|l| l.href.ends_with("template_fragments")),
        Some(true)
    );
    let patch = types::UpdateTemplateBody::builder().name(Some("renamed".parse().unwrap()));
    let updated = c
        .update_template()
        .template_id(TEMPLATE)
        .body(patch)
        .send()
        .await
        .unwrap();
    assert_eq!(
        (updated.name.as_str(), updated.is_default),
        ("renamed", true)
    );
    c.delete_template()
        .template_id(TEMPLATE)
        .send()
        .await
        .unwrap();
    for m in [create, get, update, delete] {
        m.assert_async().await;
    }
    let err = c
        .create_template()
        .body(types::CreateTemplateBody::builder().name("no spaces allowed"))
        .send()
        .await;
    assert!(
        matches!(err, Err(Error::InvalidRequest(_))),
        "template names are [A-Za-z0-9_-]"
    );
}

#[tokio::test]
async fn template_errors() {
    let item = format!("/v2/verify/templates/{TEMPLATE}");
    for (is_get, status) in [(true, 404), (false, 409), (false, 403)] {
        let reply = json!({"title": "t", "detail": "d", "instance": "i"});
        let server = replying(
            if is_get { GET } else { DELETE },
            &item,
            status,
            PROBLEM,
            &reply,
        )
        .await;
        let c = client(&server);
        let err = if is_get {
            c.get_template()
                .template_id(TEMPLATE)
                .send()
                .await
                .map(|_| ())
        } else {
            c.delete_template()
                .template_id(TEMPLATE)
                .send()
                .await
                .map(|_| ())
        };
        assert_eq!(problem(err.unwrap_err()).0, status);
    }
}

// ---- template fragments ----------------------------------------------------------------------

fn fragment_json(channel: &str, text: &str) -> Value {
    json!({
        "template_fragment_id": FRAGMENT,
        "channel": channel,
        "locale": "en-us",
        "text": text,
        "date_updated": "2023-08-07T15:20:00Z",
        "date_created": "2023-08-07T15:12:15.17865735Z",
        "_links": {
            "self": {"href": format!("https://api.nexmo.com/v2/verify/templates/{TEMPLATE}/template_fragments/{FRAGMENT}")},
            "template": {"href": format!("https://api.nexmo.com/v2/verify/templates/{TEMPLATE}")}
        }
    })
}

#[tokio::test]
async fn fragments_list_add_get_update_delete() {
    let list = format!("/v2/verify/templates/{TEMPLATE}/template_fragments");
    let item = format!("{list}/{FRAGMENT}");
    let text = "The authentication code for your ${brand} is: ${code}";
    let server = MockServer::start_async().await;
    let list_mock = server
        .mock_async(|when, then| {
            when.method(GET).path(list.clone()).query_param("page", "1").query_param_missing("page_size");
            then.status(200).json_body(json!({
                "page_size": 10, "page": 1, "total_pages": 1, "total_items": 1,
                "_embedded": {"template_fragments": [fragment_json("sms", text)]},
                "_links": {"self": {"href": format!("https://api.nexmo.com{list}?page=1")}, "last": {"href": format!("https://api.nexmo.com{list}?page=1")}}
            }));
        })
        .await;
    let add = server
        .mock_async(|when, then| {
            when.method(POST)
                .path(list.clone())
                .json_body(json!({"channel": "sms", "locale": "en-us", "text": text}));
            then.status(201).json_body(fragment_json("sms", text));
        })
        .await;
    let get = server
        .mock_async(|when, then| {
            when.method(GET).path(item.clone());
            then.status(200).json_body(fragment_json("whatsapp", text));
        })
        .await;
    let update = server
        .mock_async(|when, then| {
            when.method(PATCH)
                .path(item.clone())
                .json_body(json!({"text": "Your code: ${code}"}));
            then.status(200)
                .json_body(fragment_json("sms", "Your code: ${code}"));
        })
        .await;
    let delete = server
        .mock_async(|when, then| {
            when.method(DELETE).path(item.clone());
            then.status(204);
        })
        .await;
    let c = client(&server);
    let page = c
        .list_template_fragments()
        .template_id(TEMPLATE)
        .page(1)
        .send()
        .await
        .unwrap();
    assert_eq!(page.embedded.template_fragments.len(), 1);
    assert!(page.links.next.is_none());

    let body = types::AddTemplateFragmentToTemplateBody::builder()
        .channel(types::Channel::Sms)
        .locale("en-us".to_string())
        .text(text.to_string());
    let added = c
        .add_template_fragment_to_template()
        .template_id(TEMPLATE)
        .body(body)
        .send()
        .await
        .unwrap();
    assert_eq!(added.status(), 201);
    let created = added.date_created.unwrap();
    assert_eq!(
        created.timestamp_subsec_nanos(),
        178_657_350,
        "nanosecond timestamps are kept"
    );

    // A channel Vonage may add later is kept, not rejected.
    let got = c
        .get_template_fragment()
        .template_id(TEMPLATE)
        .template_fragment_id(FRAGMENT)
        .send()
        .await
        .unwrap();
    assert_eq!(
        got.channel,
        Some(types::TemplateFragmentChannel::Unknown("whatsapp".into()))
    );

    let patch = types::UpdateTemplateFragmentBody::builder().text("Your code: ${code}".to_string());
    let updated = c
        .update_template_fragment()
        .template_id(TEMPLATE)
        .template_fragment_id(FRAGMENT)
        .body(patch)
        .send()
        .await
        .unwrap();
    assert_eq!(updated.text.as_deref(), Some("Your code: ${code}"));
    c.delete_template_fragment()
        .template_id(TEMPLATE)
        .template_fragment_id(FRAGMENT)
        .send()
        .await
        .unwrap();
    for m in [list_mock, add, get, update, delete] {
        m.assert_async().await;
    }
}

// ---- webhook payloads ------------------------------------------------------------------------

#[test]
fn summary_webhook_keeps_unknown_channels_and_statuses() {
    let payload = json!({
        "request_id": ID,
        "submitted_at": "2020-01-01T14:00:00.000Z",
        "status": "brand_new_status",
        "type": "summary",
        "channel_timeout": 300,
        "workflow": [
            {"channel": "sms", "initiated_at": "2020-01-01T14:00:00.000Z", "status": "expired"},
            {"channel": "carrier_pigeon", "initiated_at": "2020-01-01T14:02:00.000Z", "status": "completed"}
        ],
        "client_ref": "my-personal-ref",
        "a_field_from_the_future": true
    });
    let summary: types::VerifyResource = serde_json::from_value(payload).unwrap();
    assert_eq!(
        summary.status,
        types::VerifyResourceStatus::Unknown("brand_new_status".into())
    );
    let channels: Vec<_> = summary
        .workflow
        .iter()
        .map(|s| s.channel.as_ref().unwrap().to_string())
        .collect();
    assert_eq!(channels, ["sms", "carrier_pigeon"]);
    assert!(matches!(
        summary.workflow[1].channel,
        Some(types::VerifyResourceWorkflowItemChannel::Unknown(_))
    ));
}

#[test]
fn silent_auth_webhook_action_as_object_or_array() {
    let url = format!("https://api.nexmo.com/v2/verify/{ID}/silent-auth/redirect");
    for action in [
        json!({"type": "check", "check_url": url}),
        json!([{"type": "check", "check_url": url}]),
    ] {
        let payload = json!({
            "request_id": ID, "triggered_at": "2020-01-01T14:00:00.000Z", "type": "event",
            "channel": "silent_auth", "status": "action_pending", "action": action
        });
        let event: types::VerifySilentAuth = serde_json::from_value(payload).unwrap();
        let check_url = match event.action.unwrap() {
            types::VerifySilentAuthAction::Single(a) => a.check_url,
            types::VerifySilentAuthAction::List(mut v) => v.remove(0).check_url,
        };
        assert_eq!(check_url.as_deref(), Some(url.as_str()));
    }
}

#[test]
fn event_webhook_decodes() {
    let payload = json!({
        "request_id": ID, "triggered_at": "2020-01-01T14:00:00.000Z", "type": "event", "channel": "whatsapp",
        "status": "completed", "finalized_at": "2020-01-01T14:00:00.000Z", "client_ref": "my-personal-ref"
    });
    let event: types::VerifyResourceEventCallBackExample = serde_json::from_value(payload).unwrap();
    assert_eq!(event.channel, "whatsapp");
    assert_eq!(event.status.to_string(), "completed");
}
