//! The mock's credential checks: HTTP Basic with its API key (both APIs), the key and secret
//! as form fields (v1), and application JWTs (v2) signed with the configured application's key.

use base64::Engine;
use base64::engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD};
use http::HeaderMap;
use jsonwebtoken::crypto::aws_lc::DEFAULT_PROVIDER;
use jsonwebtoken::{Algorithm, DecodingKey};

use vonage_verify::ApiKey;

/// An application whose JWTs the mock accepts.
pub(crate) struct Application {
    id: String,
    key: DecodingKey,
}

impl std::fmt::Debug for Application {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Application")
            .field("id", &self.id)
            .finish_non_exhaustive()
    }
}

impl Application {
    pub(crate) fn id(&self) -> &str {
        &self.id
    }

    pub(crate) fn new(id: String, public_key_pem: &str) -> std::io::Result<Self> {
        // The dashboard hands out the private key file; a private key would parse here and
        // then no JWT would ever pass.
        if public_key_pem.contains("PRIVATE KEY-----") {
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "public key: this is a private key; give the application's public key (shown \
                 in the Vonage dashboard under the application)",
            ));
        }
        let key = DecodingKey::from_rsa_pem(public_key_pem.as_bytes()).map_err(|e| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, format!("public key: {e}"))
        })?;
        Ok(Self { id, key })
    }

    /// Whether `token` is an RS256 JWT of this application, unexpired at `now`.
    fn accepts(&self, token: &str, now: u64) -> bool {
        let mut parts = token.split('.');
        let (Some(header), Some(claims), Some(signature), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return false;
        };
        let decode = |part: &str| -> Option<serde_json::Value> {
            serde_json::from_slice(&URL_SAFE_NO_PAD.decode(part).ok()?).ok()
        };
        let (Some(header_json), Some(claims_json), Ok(signature)) = (
            decode(header),
            decode(claims),
            URL_SAFE_NO_PAD.decode(signature),
        ) else {
            return false;
        };
        if header_json["alg"] != "RS256" {
            return false;
        }
        let message = &token[..header.len() + 1 + claims.len()];
        let verified = (DEFAULT_PROVIDER.verifier_factory)(&Algorithm::RS256, &self.key)
            .is_ok_and(|verifier| verifier.verify(message.as_bytes(), &signature).is_ok());
        verified
            && claims_json["application_id"] == self.id.as_str()
            && claims_json["exp"].as_u64().is_some_and(|exp| exp > now)
    }
}

/// The credentials the mock accepts.
#[derive(Debug)]
pub(crate) struct Keys {
    api_key: ApiKey,
    application: Option<Application>,
}

impl Keys {
    pub(crate) fn new(api_key: ApiKey, application: Option<Application>) -> Self {
        Self {
            api_key,
            application,
        }
    }

    pub(crate) fn api_key(&self) -> &ApiKey {
        &self.api_key
    }

    pub(crate) fn application_id(&self) -> Option<&str> {
        self.application.as_ref().map(Application::id)
    }

    /// HTTP Basic with the mock's key and secret.
    pub(crate) fn basic_ok(&self, headers: &HeaderMap) -> bool {
        let Some(encoded) = authorization(headers, "Basic") else {
            return false;
        };
        let Ok(decoded) = STANDARD.decode(encoded) else {
            return false;
        };
        let expected = format!("{}:{}", self.api_key.key(), self.api_key.expose_secret());
        decoded == expected.as_bytes()
    }

    /// v2's schemes: Basic, or a JWT of the configured application unexpired at `now`
    /// (Unix seconds).
    pub(crate) fn v2_ok(&self, headers: &HeaderMap, now: u64) -> bool {
        if self.basic_ok(headers) {
            return true;
        }
        match (authorization(headers, "Bearer"), &self.application) {
            (Some(token), Some(application)) => application.accepts(token, now),
            _ => false,
        }
    }

    /// v1's schemes: the key and secret as form or query fields, or Basic.
    pub(crate) fn v1_ok(&self, headers: &HeaderMap, fields: &[(String, String)]) -> bool {
        let field = |name: &str| {
            fields
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.as_str())
        };
        let form = field("api_key") == Some(self.api_key.key())
            && field("api_secret") == Some(self.api_key.expose_secret());
        form || self.basic_ok(headers)
    }
}

fn authorization<'a>(headers: &'a HeaderMap, scheme: &str) -> Option<&'a str> {
    let value = headers.get(http::header::AUTHORIZATION)?.to_str().ok()?;
    let (given, credentials) = value.split_once(' ')?;
    given
        .eq_ignore_ascii_case(scheme)
        .then(|| credentials.trim())
}
