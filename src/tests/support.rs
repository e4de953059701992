//! Credentials and clients for the crate's own tests.

use httpmock::MockServer;

use crate::{ApiKey, BearerToken, Client, ClientBuilder, PrivateKey, SignatureSecret};

pub const SECRET: &str = "s3cr3t!";
pub const ID: &str = "c11236f4-00bf-4b89-84ba-88b25df97315";
pub const TEMPLATE: &str = "8f35a1a7-eb2f-4552-8fdf-fffdaee41bc9";
pub const BEARER: &str = "caller.bearer.token-XYZ";
pub const SIGNATURE_SECRET: &str = "whsec_do_not_log";
pub const PRIVATE_KEY: &str = include_str!("../../tests/fixtures/keys/rsa-private.pem");

/// A builder aimed at `server` holding every kind of credential.
pub fn everything(server: &MockServer) -> ClientBuilder {
    Client::builder()
        .base_url(server.base_url())
        .api_key(ApiKey::new("abcd1234", SECRET))
        .application(
            "aaaaaaaa-bbbb-4ccc-8ddd-0123456789ab",
            PrivateKey::from_pem(PRIVATE_KEY).unwrap(),
        )
        .bearer_token(BearerToken::new(BEARER))
        .signature_secret(SignatureSecret::new(SIGNATURE_SECRET))
}

/// A loopback URL nothing listens on: the port was free a moment ago and is closed again.
pub fn closed_port_url() -> String {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    format!("http://127.0.0.1:{port}")
}
