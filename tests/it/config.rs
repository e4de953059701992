//! Building a client: from the environment, and every configuration mistake as a typed error.

use std::collections::HashMap;
use std::time::Duration;

use vonage_verify::{
    ApiKey, BearerToken, Client, ClientBuilder, ConfigError, Error, JwtOptions, PrivateKey, V2Auth,
};

use crate::support::{self, APPLICATION_ID, PRIVATE_KEY, PUBLIC_KEY};

fn vars(pairs: &[(&str, &str)]) -> Result<ClientBuilder, ConfigError> {
    let map: HashMap<String, String> = pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    ClientBuilder::from_lookup(|name| map.get(name).cloned())
}

fn key_path(name: &str) -> String {
    format!("{}/tests/fixtures/keys/{name}", env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn the_environment_configures_every_credential() {
    let client = vars(&[
        ("VONAGE_API_KEY", "abcd1234"),
        ("VONAGE_API_SECRET", "s3cr3t!"),
        ("VONAGE_APPLICATION_ID", APPLICATION_ID),
        ("VONAGE_PRIVATE_KEY", PRIVATE_KEY),
        ("VONAGE_SIGNATURE_SECRET", "whsec"),
        ("VONAGE_BASE_URL", "http://127.0.0.1:4010/"),
    ])
    .unwrap()
    .build()
    .unwrap();
    assert_eq!(client.base_url().as_str(), "http://127.0.0.1:4010/");
    assert!(client.signature_secret().is_some());
    assert!(client.application_jwt().is_ok());

    // A key file instead of PEM text; a PEM written on one line with `\n` escapes; empty
    // values count as unset.
    let from_file = vars(&[
        ("VONAGE_APPLICATION_ID", APPLICATION_ID),
        ("VONAGE_PRIVATE_KEY_PATH", &key_path("rsa-private.pem")),
        ("VONAGE_API_KEY", ""),
    ]);
    assert!(
        from_file
            .unwrap()
            .build()
            .unwrap()
            .application_jwt()
            .is_ok()
    );
    let one_line = PRIVATE_KEY.replace('\n', "\\n");
    let escaped = vars(&[
        ("VONAGE_APPLICATION_ID", APPLICATION_ID),
        ("VONAGE_PRIVATE_KEY", &one_line),
    ]);
    assert!(escaped.unwrap().build().unwrap().application_jwt().is_ok());

    let empty = vars(&[]).unwrap().build().unwrap();
    assert_eq!(empty.base_url().as_str(), "https://api.nexmo.com/");
    assert!(matches!(
        empty.application_jwt(),
        Err(Error::MissingCredentials { .. })
    ));
}

#[test]
fn inconsistent_environments_are_refused_by_name() {
    let cases: &[(&[(&str, &str)], &str)] = &[
        (&[("VONAGE_API_KEY", "k")], "VONAGE_API_SECRET"),
        (&[("VONAGE_API_SECRET", "s3cr3t!")], "VONAGE_API_KEY"),
        (
            &[("VONAGE_APPLICATION_ID", APPLICATION_ID)],
            "VONAGE_PRIVATE_KEY",
        ),
        (
            &[("VONAGE_PRIVATE_KEY", PRIVATE_KEY)],
            "VONAGE_APPLICATION_ID",
        ),
        (
            &[
                ("VONAGE_APPLICATION_ID", APPLICATION_ID),
                ("VONAGE_PRIVATE_KEY", PRIVATE_KEY),
                ("VONAGE_PRIVATE_KEY_PATH", "/x"),
            ],
            "VONAGE_PRIVATE_KEY_PATH",
        ),
    ];
    for (pairs, named) in cases {
        let error = vars(pairs).unwrap_err();
        assert!(
            matches!(&error, ConfigError::Env { name, .. } if name == named),
            "{error:?}"
        );
        assert!(!error.to_string().contains("s3cr3t!"), "{error}");
        assert!(!error.to_string().contains("PRIVATE KEY-----"), "{error}");
    }
}

#[test]
fn unusable_private_keys_are_refused_when_loaded() {
    for (name, why) in [
        ("ec-private.pem", "an EC key"),
        ("rsa-public.pem", "a public key"),
    ] {
        let error = PrivateKey::from_file(key_path(name)).unwrap_err();
        assert!(
            matches!(error, ConfigError::PrivateKey { .. }),
            "{why}: {error:?}"
        );
    }
    // The likely mistake, said plainly.
    let public = PrivateKey::from_pem(PUBLIC_KEY).unwrap_err().to_string();
    assert!(
        public.contains("this is a public key; give the application's private key"),
        "{public}"
    );
    let truncated = &PRIVATE_KEY[..PRIVATE_KEY.len() / 2];
    assert!(matches!(
        PrivateKey::from_pem(truncated),
        Err(ConfigError::PrivateKey { .. })
    ));
    let missing = PrivateKey::from_file("/nonexistent/private.key").unwrap_err();
    assert!(
        matches!(missing, ConfigError::PrivateKeyFile { .. }),
        "{missing:?}"
    );
    let error = vars(&[
        ("VONAGE_APPLICATION_ID", APPLICATION_ID),
        (
            "VONAGE_PRIVATE_KEY",
            "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----",
        ),
    ])
    .unwrap_err();
    assert!(matches!(error, ConfigError::PrivateKey { .. }), "{error:?}");
}

fn config_error(builder: ClientBuilder) -> ConfigError {
    match builder.build() {
        Err(Error::Config(error)) => error,
        other => panic!("expected a configuration error, got {other:?}"),
    }
}

#[test]
fn an_empty_api_key_or_secret_is_refused_when_building() {
    for (key, secret) in [("abcd1234", ""), ("", "s3cr3t")] {
        let error = config_error(Client::builder().api_key(ApiKey::new(key, secret)));
        assert!(
            matches!(
                error,
                ConfigError::Invalid {
                    setting: "api_key",
                    ..
                }
            ),
            "{key:?}/{secret:?}: {error:?}"
        );
    }
    Client::builder()
        .api_key(ApiKey::new("abcd1234", "s3cr3t"))
        .build()
        .unwrap();
}

#[test]
fn the_european_host_is_offered_by_name() {
    let client = Client::builder()
        .base_url(vonage_verify::EU_BASE_URL)
        .build()
        .unwrap();
    assert_eq!(client.base_url().as_str(), "https://api-eu.vonage.com/");
}

#[test]
fn contradictory_settings_are_refused_when_building() {
    let base_urls = [
        "api.nexmo.com",
        "http://api.nexmo.com",
        "ftp://api.nexmo.com",
        "https://key:s3cr3t!@api.nexmo.com",
        "https://api.nexmo.com/?debug=1",
        "https://api.nexmo.com/?api_secret=s3cr3t!",
        "s3cr3t! pasted into the wrong variable",
    ];
    for url in base_urls {
        let error = config_error(Client::builder().base_url(url));
        assert!(
            matches!(error, ConfigError::BaseUrl { .. }),
            "{url}: {error:?}"
        );
        assert!(!error.to_string().contains("s3cr3t!"), "{error}");
    }
    let key = || PrivateKey::from_pem(PRIVATE_KEY).unwrap();
    let refused = [
        Client::builder()
            .v2_auth(V2Auth::Jwt)
            .api_key(ApiKey::new("k", "s")),
        Client::builder()
            .v2_auth(V2Auth::Basic)
            .application(APPLICATION_ID, key()),
        Client::builder()
            .v2_auth(V2Auth::Bearer)
            .api_key(ApiKey::new("k", "s")),
        Client::builder()
            .http_client(vonage_verify::reqwest::Client::new())
            .connect_timeout(Duration::from_secs(1)),
        Client::builder().jwt_options(JwtOptions::default().ttl(Duration::from_secs(60))),
        Client::builder().jwt_options(JwtOptions::default().ttl(Duration::ZERO)),
        Client::builder().user_agent("bad\nagent"),
        Client::builder().max_response_bytes(0),
        Client::builder().bearer_token(BearerToken::new("token\n")),
        // Whole seconds: a 1.9 s lifetime with a 1.5 s margin would never be fresh.
        Client::builder().jwt_options(
            JwtOptions::default()
                .ttl(Duration::from_millis(1900))
                .refresh_margin(Duration::from_millis(1500)),
        ),
    ];
    for builder in refused {
        let error = config_error(builder.clone());
        assert!(
            matches!(
                error,
                ConfigError::Conflict(_) | ConfigError::Invalid { .. }
            ),
            "{builder:?}: {error:?}"
        );
    }
    // Pinned choices with their credentials, and a caller's HTTP client, are fine.
    Client::builder()
        .v2_auth(V2Auth::Bearer)
        .bearer_token(BearerToken::new("t"))
        .http_client(vonage_verify::reqwest::Client::new())
        .build()
        .unwrap();
}

#[test]
fn the_client_is_cheap_to_share_across_threads() {
    fn shareable<T: Send + Sync + Clone + 'static>() {}
    shareable::<Client>();
    shareable::<vonage_verify::v1::Api>();
    shareable::<vonage_verify::v2::Api>();
    fn error_is_sendable<T: Send + Sync + std::error::Error + 'static>() {}
    error_is_sendable::<Error>();
}

/// The client adds `/v2/verify` and `/verify` to every path: a base URL that already ends in
/// one is refused with the URL to give instead; a gateway's own prefix is kept.
#[test]
fn a_base_url_with_the_api_s_own_path_is_refused_with_what_to_use() {
    for (given, suffix, instead) in [
        (
            "https://api.nexmo.com/v2/verify",
            "/v2/verify",
            "https://api.nexmo.com",
        ),
        (
            "https://api.nexmo.com/v2/verify/",
            "/v2/verify",
            "https://api.nexmo.com",
        ),
        ("https://api.nexmo.com/v2", "/v2", "https://api.nexmo.com"),
        (
            "https://api.nexmo.com/verify",
            "/verify",
            "https://api.nexmo.com",
        ),
        (
            "https://gw.example/vonage/v2/verify",
            "/v2/verify",
            "https://gw.example/vonage",
        ),
    ] {
        let error = config_error(
            Client::builder()
                .api_key(support::api_key())
                .base_url(given),
        );
        let ConfigError::BaseUrlPath {
            suffix: found,
            instead: suggested,
            ..
        } = &error
        else {
            panic!("{given}: {error:?}");
        };
        assert_eq!((*found, suggested.as_str()), (suffix, instead), "{given}");
        assert!(
            error.to_string().contains(&format!("use {instead:?}")),
            "{error}"
        );
    }
    let gateway = Client::builder()
        .api_key(support::api_key())
        .base_url("https://gw.example/vonage")
        .build()
        .unwrap();
    assert_eq!(gateway.base_url().as_str(), "https://gw.example/vonage");
}

/// Helpers that send nothing do not say that nothing was sent.
#[test]
fn a_missing_credential_of_a_helper_does_not_speak_of_sending() {
    let client = Client::builder()
        .api_key(support::api_key())
        .build()
        .unwrap();
    for error in [
        client.application_jwt().map(drop).unwrap_err(),
        client.webhook_verifier().map(drop).unwrap_err(),
    ] {
        let message = error.to_string();
        assert!(
            matches!(error, Error::MissingCredentials { .. }),
            "{error:?}"
        );
        assert!(!message.contains("sent"), "{message}");
    }
}
