//! HTTPS for clients that speak nothing else (Vonage's Python SDK builds `https://` URLs).

use std::io;
use std::path::Path;
use std::sync::Arc;

use rustls_pki_types::pem::PemObject;
use rustls_pki_types::{CertificateDer, PrivateKeyDer};
use tokio_rustls::TlsAcceptor;
use tokio_rustls::rustls::ServerConfig;
use tokio_rustls::rustls::crypto::aws_lc_rs;

/// The certificate the mock serves HTTPS with: one you give, or a self-signed one for
/// `127.0.0.1`, `::1` and `localhost` that your client must then trust
/// ([`certificate_pem`](Self::certificate_pem)).
///
/// ```
/// # #[tokio::main(flavor = "current_thread")]
/// # async fn main() -> std::io::Result<()> {
/// use vonage_verify_mock::{MockServer, Tls};
///
/// let tls = Tls::self_signed()?;
/// let trusted = tls.certificate_pem().to_owned(); // for the client's trust store
/// let mock = MockServer::builder().tls(tls).start().await?;
/// assert!(mock.base_url().starts_with("https://127.0.0.1:"));
/// # drop(trusted);
/// # Ok(())
/// # }
/// ```
#[derive(Clone)]
pub struct Tls {
    acceptor: TlsAcceptor,
    certificate_pem: String,
}

impl std::fmt::Debug for Tls {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The private key stays out of test output.
        f.debug_struct("Tls").finish_non_exhaustive()
    }
}

impl Tls {
    /// A certificate chain and its private key, both PEM.
    ///
    /// # Errors
    ///
    /// `InvalidInput` when either is not PEM of the right kind or they do not match.
    pub fn from_pem(certificate_chain: &str, private_key: &str) -> io::Result<Self> {
        let invalid = |what: &str, e: &dyn std::fmt::Display| {
            io::Error::new(io::ErrorKind::InvalidInput, format!("{what}: {e}"))
        };
        let chain = CertificateDer::pem_slice_iter(certificate_chain.as_bytes())
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| invalid("the certificate is not PEM", &e))?;
        if chain.is_empty() {
            return Err(invalid("the certificate", &"no CERTIFICATE block"));
        }
        let key = PrivateKeyDer::from_pem_slice(private_key.as_bytes())
            .map_err(|e| invalid("the private key is not PEM", &e))?;
        let mut config =
            ServerConfig::builder_with_provider(Arc::new(aws_lc_rs::default_provider()))
                .with_safe_default_protocol_versions()
                .map_err(|e| invalid("TLS", &e))?
                .with_no_client_auth()
                .with_single_cert(chain, key)
                .map_err(|e| invalid("the certificate and key", &e))?;
        config.alpn_protocols = vec![b"http/1.1".to_vec()];
        Ok(Self {
            acceptor: TlsAcceptor::from(Arc::new(config)),
            certificate_pem: certificate_chain.to_owned(),
        })
    }

    /// The certificate chain and private key in these PEM files.
    ///
    /// # Errors
    ///
    /// When a file cannot be read, or as [`from_pem`](Self::from_pem).
    pub fn from_pem_files(
        certificate_chain: impl AsRef<Path>,
        private_key: impl AsRef<Path>,
    ) -> io::Result<Self> {
        let read = |path: &Path| {
            std::fs::read_to_string(path)
                .map_err(|e| io::Error::new(e.kind(), format!("{}: {e}", path.display())))
        };
        Self::from_pem(
            &read(certificate_chain.as_ref())?,
            &read(private_key.as_ref())?,
        )
    }

    /// A new self-signed certificate for `127.0.0.1`, `::1` and `localhost`, with a new key.
    ///
    /// # Errors
    ///
    /// Only if the key cannot be generated.
    pub fn self_signed() -> io::Result<Self> {
        let names = vec![
            "127.0.0.1".to_owned(),
            "::1".to_owned(),
            "localhost".to_owned(),
        ];
        let generated = rcgen::generate_simple_self_signed(names)
            .map_err(|e| io::Error::other(format!("self-signed certificate: {e}")))?;
        Self::from_pem(
            &generated.cert.pem(),
            &generated.signing_key.serialize_pem(),
        )
    }

    /// The certificate (chain) the mock presents, PEM: what a client must trust.
    pub fn certificate_pem(&self) -> &str {
        &self.certificate_pem
    }

    pub(crate) fn acceptor(&self) -> TlsAcceptor {
        self.acceptor.clone()
    }
}
