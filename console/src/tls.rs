//! TLS: the server certificate (configured PEM, or a self-signed one generated once into the data dir),
//! optional mutual TLS, and the client certificate handed to the request as an extension.

use std::future::Future;
use std::io;
use std::path::{Path, PathBuf};
use std::pin::Pin;
use std::sync::Arc;

use axum::Extension;
use axum_server::accept::{Accept, DefaultAcceptor};
use axum_server::tls_rustls::{RustlsAcceptor, RustlsConfig};
use rustls::pki_types::pem::PemObject;
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::server::WebPkiClientVerifier;
use rustls::{RootCertStore, ServerConfig};
use store::ContentHash;
use tokio::io::{AsyncRead, AsyncWrite};
use tower::Layer;

use crate::config::Config;

/// File names of the generated self-signed pair, under `data_dir/tls/`.
pub const SELF_SIGNED_CERT: &str = "self-signed-cert.pem";
pub const SELF_SIGNED_KEY: &str = "self-signed-key.pem";

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read {what} at {path}")]
    Read {
        what: &'static str,
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("{what} at {path} holds no usable PEM item")]
    Pem { what: &'static str, path: PathBuf },
    #[error("cannot write the self-signed certificate into {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
    #[error("cannot generate a self-signed certificate")]
    Generate(#[from] rcgen::Error),
    #[error("TLS configuration refused")]
    Rustls(#[from] rustls::Error),
    #[error("client CA configuration refused")]
    ClientVerifier(#[from] rustls::server::VerifierBuilderError),
}

/// The server's TLS setup as built from the configuration.
#[derive(Debug)]
pub struct ServerTls {
    pub config: Arc<ServerConfig>,
    /// The certificate in use when it was generated (to tell the operator and clients where it is).
    pub self_signed_cert: Option<PathBuf>,
}

/// The provider every TLS object here is built with: ring (no C toolchain beyond `cc` needed).
pub fn crypto_provider() -> Arc<rustls::crypto::CryptoProvider> {
    Arc::new(rustls::crypto::ring::default_provider())
}

pub fn server_tls(config: &Config) -> Result<ServerTls, TlsError> {
    let (cert_path, key_path, self_signed) = match (&config.tls_cert, &config.tls_key) {
        (Some(cert), Some(key)) => (cert.clone(), key.clone(), false),
        _ => {
            let (cert, key) = ensure_self_signed(&config.data_dir)?;
            (cert, key, true)
        }
    };
    let chain = read_certificates(&cert_path, "TLS certificate")?;
    let key = PrivateKeyDer::from_pem_file(&key_path).map_err(|_| TlsError::Pem {
        what: "TLS private key",
        path: key_path.clone(),
    })?;
    let builder = ServerConfig::builder_with_provider(crypto_provider())
        .with_safe_default_protocol_versions()?;
    let builder = match &config.client_ca {
        Some(ca_path) => {
            let mut roots = RootCertStore::empty();
            for ca in read_certificates(ca_path, "client CA")? {
                roots.add(ca)?;
            }
            let verifier =
                WebPkiClientVerifier::builder_with_provider(Arc::new(roots), crypto_provider());
            // The handshake only refuses certificates that do not verify; a connection without one is
            // allowed, because people (who have no certificates) use the same port. Whether a carrier must
            // have presented one (`require_client_certificate`) is decided per route by `auth::check`.
            let verifier = verifier.allow_unauthenticated().build()?;
            builder.with_client_cert_verifier(verifier)
        }
        None => builder.with_no_client_auth(),
    };
    let mut server = builder.with_single_cert(chain, key)?;
    server.alpn_protocols = vec![b"h2".to_vec(), b"http/1.1".to_vec()];
    Ok(ServerTls {
        config: Arc::new(server),
        self_signed_cert: self_signed.then_some(cert_path),
    })
}

fn read_certificates(
    path: &Path,
    what: &'static str,
) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let bytes = std::fs::read(path).map_err(|source| TlsError::Read {
        what,
        path: path.to_owned(),
        source,
    })?;
    let certificates: Vec<CertificateDer<'static>> = CertificateDer::pem_slice_iter(&bytes)
        .collect::<Result<_, _>>()
        .map_err(|_| TlsError::Pem {
            what,
            path: path.to_owned(),
        })?;
    if certificates.is_empty() {
        return Err(TlsError::Pem {
            what,
            path: path.to_owned(),
        });
    }
    Ok(certificates)
}

/// The self-signed pair under `data_dir/tls/`, generated on first use and reused afterwards (clients that
/// pinned it keep working across restarts).
pub fn ensure_self_signed(data_dir: &Path) -> Result<(PathBuf, PathBuf), TlsError> {
    let dir = data_dir.join("tls");
    let cert_path = dir.join(SELF_SIGNED_CERT);
    let key_path = dir.join(SELF_SIGNED_KEY);
    if cert_path.is_file() && key_path.is_file() {
        return Ok((cert_path, key_path));
    }
    let write_error = |path: &Path| {
        let path = path.to_owned();
        move |source| TlsError::Write { path, source }
    };
    std::fs::create_dir_all(&dir).map_err(write_error(&dir))?;
    let generated = rcgen::generate_simple_self_signed(vec![
        "localhost".to_owned(),
        "127.0.0.1".to_owned(),
        "::1".to_owned(),
    ])?;
    // Key first, owner-only, through a temporary name: a crash never leaves a certificate without its key.
    let key_tmp = dir.join("self-signed-key.pem.tmp");
    write_private(&key_tmp, generated.signing_key.serialize_pem().as_bytes())
        .map_err(write_error(&key_tmp))?;
    std::fs::rename(&key_tmp, &key_path).map_err(write_error(&key_path))?;
    let cert_tmp = dir.join("self-signed-cert.pem.tmp");
    std::fs::write(&cert_tmp, generated.cert.pem()).map_err(write_error(&cert_tmp))?;
    std::fs::rename(&cert_tmp, &cert_path).map_err(write_error(&cert_path))?;
    Ok((cert_path, key_path))
}

fn write_private(path: &Path, bytes: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The verified client certificate of the connection, if the client sent one: SHA-256 of its DER.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientCertificate(pub Option<ContentHash>);

/// Does the TLS handshake, then hands the connection's client certificate to every request on it.
#[derive(Debug, Clone)]
pub struct ClientCertAcceptor {
    inner: RustlsAcceptor<DefaultAcceptor>,
}

impl ClientCertAcceptor {
    pub fn new(config: Arc<ServerConfig>) -> ClientCertAcceptor {
        ClientCertAcceptor {
            inner: RustlsAcceptor::new(RustlsConfig::from_config(config))
                .handshake_timeout(std::time::Duration::from_secs(10)),
        }
    }
}

type AcceptFuture<T> = Pin<Box<dyn Future<Output = io::Result<T>> + Send>>;

impl<I, S> Accept<I, S> for ClientCertAcceptor
where
    I: AsyncRead + AsyncWrite + Unpin + Send + 'static,
    S: Send + 'static,
{
    type Stream = tokio_rustls::server::TlsStream<I>;
    type Service = axum::middleware::AddExtension<S, ClientCertificate>;
    type Future = AcceptFuture<(Self::Stream, Self::Service)>;

    fn accept(&self, stream: I, service: S) -> Self::Future {
        let acceptor = self.inner.clone();
        Box::pin(async move {
            let (stream, service) = acceptor.accept(stream, service).await?;
            let fingerprint = stream
                .get_ref()
                .1
                .peer_certificates()
                .and_then(|chain| chain.first())
                .map(|leaf| ContentHash::of(leaf.as_ref()));
            let service = Extension(ClientCertificate(fingerprint)).layer(service);
            Ok((stream, service))
        })
    }
}
