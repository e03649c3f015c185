//! Who is calling, and whether they may call this route.
//!
//! Two kinds of principal: a person ([`store::User`], with a role) and an airline ([`store::Carrier`]).
//! Credentials are tried by [`authenticate`] in one place: the `Authorization: Bearer` API token (a user's
//! or a carrier's), then the browser session cookie (people only, see [`crate::session`]), then the
//! connection's verified TLS client certificate (carriers only).
//!
//! Each route declares an [`Access`] in the route table (`routes.rs`); [`check`] turns the principal and
//! the access into 401 (no or bad credentials), 403 (authenticated, but the wrong kind or role) or a pass.

use axum::http::{header, HeaderMap, StatusCode};
use store::{Approver, Carrier, ContentHash, Role, Store, StoreError, User};
use time::OffsetDateTime;

use crate::session::{self, ActiveSession, Timeouts};
use crate::tls::ClientCertificate;

/// Prefix of every API token this system issues (users and carriers alike); makes leaked tokens easy to
/// find with secret scanners.
pub const TOKEN_PREFIX: &str = "pxw_";

/// A new random API token: the prefix and 32 random bytes in hex. Shown once; only its SHA-256 is stored.
pub fn generate_token() -> String {
    use rand::RngCore;
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    format!("{TOKEN_PREFIX}{}", hex::encode(bytes))
}

/// What is stored for a token: its SHA-256 (a 256-bit random secret needs no slow hash; lookup by digest
/// leaks no timing about the secret itself).
pub fn token_digest(token: &str) -> ContentHash {
    ContentHash::of(token.as_bytes())
}

/// Who a route is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// No credentials needed (liveness only; never data).
    Public,
    /// Airlines only (the message endpoint).
    Carrier,
    /// Any signed-in person.
    AnyUser,
    /// People with one of these roles.
    Roles(&'static [Role]),
    /// Approvers only: accounts outside the unit that decide unmask requests and nothing else.
    Approver,
}

impl Access {
    /// The roles allowed, for the OpenAPI document (`None` for public and carrier routes).
    pub fn roles(self) -> Option<Vec<Role>> {
        match self {
            Access::Public | Access::Carrier | Access::Approver => None,
            Access::AnyUser => Some(Role::ALL.to_vec()),
            Access::Roles(roles) => Some(roles.to_vec()),
        }
    }
}

/// How a principal proved who it is (logged as such; never the credential).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    Token,
    ClientCertificate,
}

#[derive(Debug, Clone)]
pub enum Principal {
    User(User),
    Carrier {
        carrier: Carrier,
        credential: Credential,
    },
    /// An approver outside the unit (its own account type, never a user role).
    Approver(Approver),
}

/// Why a request is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// 401: no credentials, unknown or disabled ones.
    Unauthenticated,
    /// 403: known, but not allowed here.
    Forbidden,
}

impl Refusal {
    pub fn status(self) -> StatusCode {
        match self {
            Refusal::Unauthenticated => StatusCode::UNAUTHORIZED,
            Refusal::Forbidden => StatusCode::FORBIDDEN,
        }
    }
}

/// Who a request is from, and the browser session when the session cookie said so (such a request must
/// carry the session's CSRF token to change anything).
pub struct Authentication {
    pub principal: Option<Principal>,
    pub session: Option<ActiveSession>,
}

/// Finds the principal of a request. `principal: None` when it carries no credentials (an unknown or
/// expired session cookie counts as none: the browser is sent to sign in); `Err(Refusal)` for bad ones;
/// `Err(store error)` when the database cannot say (the caller answers 503). `now` and `timeouts` decide
/// whether a session is still live.
pub async fn authenticate(
    store: &Store,
    headers: &HeaderMap,
    client_certificate: Option<ClientCertificate>,
    now: OffsetDateTime,
    timeouts: Timeouts,
) -> Result<Result<Authentication, Refusal>, StoreError> {
    if headers.get(header::AUTHORIZATION).is_none() {
        if let Some(cookie) = session::cookie_value(headers) {
            if let Some(active) = session::resume(store, &cookie, now, timeouts).await? {
                return Ok(Ok(Authentication {
                    principal: Some(Principal::User(active.user.clone())),
                    session: Some(active),
                }));
            }
        }
    }
    let principal = authenticate_without_session(store, headers, client_certificate).await?;
    Ok(principal.map(|principal| Authentication {
        principal,
        session: None,
    }))
}

/// Bearer token, then client certificate.
async fn authenticate_without_session(
    store: &Store,
    headers: &HeaderMap,
    client_certificate: Option<ClientCertificate>,
) -> Result<Result<Option<Principal>, Refusal>, StoreError> {
    let certificate_carrier = match client_certificate.and_then(|c| c.0) {
        Some(fingerprint) => store.carrier_by_certificate(&fingerprint).await?,
        None => None,
    };
    if let Some(value) = headers.get(header::AUTHORIZATION) {
        let Some(token) = value
            .to_str()
            .ok()
            .and_then(|v| v.strip_prefix("Bearer "))
            .map(str::trim)
            .filter(|t| !t.is_empty())
        else {
            return Ok(Err(Refusal::Unauthenticated));
        };
        let digest = token_digest(token);
        if let Some(user) = store.user_by_token(&digest).await? {
            if user.disabled {
                return Ok(Err(Refusal::Unauthenticated));
            }
            return Ok(Ok(Some(Principal::User(user))));
        }
        if let Some(carrier) = store.carrier_by_token(&digest).await? {
            if carrier.disabled {
                return Ok(Err(Refusal::Unauthenticated));
            }
            // A certificate of one airline with the token of another is not either of them.
            if certificate_carrier
                .as_ref()
                .is_some_and(|by_cert| by_cert.id != carrier.id)
            {
                return Ok(Err(Refusal::Forbidden));
            }
            let credential = if certificate_carrier.is_some() {
                Credential::ClientCertificate
            } else {
                Credential::Token
            };
            return Ok(Ok(Some(Principal::Carrier {
                carrier,
                credential,
            })));
        }
        if let Some(approver) = store.approver_by_token(&digest).await? {
            if approver.disabled {
                return Ok(Err(Refusal::Unauthenticated));
            }
            return Ok(Ok(Some(Principal::Approver(approver))));
        }
        return Ok(Err(Refusal::Unauthenticated));
    }
    match certificate_carrier {
        Some(carrier) if !carrier.disabled => Ok(Ok(Some(Principal::Carrier {
            carrier,
            credential: Credential::ClientCertificate,
        }))),
        Some(_) => Ok(Err(Refusal::Unauthenticated)),
        None => Ok(Ok(None)),
    }
}

/// Whether `principal` may use a route with `access`. `require_certificate`: carriers must have
/// presented their client certificate (mutual TLS required by configuration).
pub fn check(
    access: Access,
    principal: Option<&Principal>,
    require_certificate: bool,
) -> Result<(), Refusal> {
    if access == Access::Public {
        return Ok(());
    }
    let Some(principal) = principal else {
        return Err(Refusal::Unauthenticated);
    };
    match (access, principal) {
        (Access::Public, _) => Ok(()),
        (Access::Carrier, Principal::Carrier { credential, .. }) => {
            if require_certificate && *credential != Credential::ClientCertificate {
                Err(Refusal::Forbidden)
            } else {
                Ok(())
            }
        }
        (Access::Carrier, _) => Err(Refusal::Forbidden),
        (Access::Approver, Principal::Approver(_)) => Ok(()),
        (Access::Approver, _) => Err(Refusal::Forbidden),
        (Access::AnyUser, Principal::User(_)) => Ok(()),
        (Access::Roles(roles), Principal::User(user)) if roles.contains(&user.role) => Ok(()),
        (Access::AnyUser | Access::Roles(_), _) => Err(Refusal::Forbidden),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_prefixed_random_and_long() {
        let a = generate_token();
        let b = generate_token();
        assert!(a.starts_with(TOKEN_PREFIX));
        assert_eq!(a.len(), TOKEN_PREFIX.len() + 64);
        assert_ne!(a, b);
        assert_ne!(token_digest(&a), token_digest(&b));
    }

    fn carrier(credential: Credential) -> Principal {
        Principal::Carrier {
            carrier: store::Carrier {
                id: store::CarrierId::new(1),
                code: "LH".into(),
                name: "Test Air".into(),
                cert_sha256: None,
                cert_subject: None,
                created_at: time::OffsetDateTime::UNIX_EPOCH,
                disabled: false,
            },
            credential,
        }
    }

    #[test]
    fn required_client_certificates_refuse_token_only_carriers() {
        let by_token = carrier(Credential::Token);
        let by_cert = carrier(Credential::ClientCertificate);
        assert_eq!(check(Access::Carrier, Some(&by_token), false), Ok(()));
        assert_eq!(
            check(Access::Carrier, Some(&by_token), true),
            Err(Refusal::Forbidden)
        );
        assert_eq!(check(Access::Carrier, Some(&by_cert), true), Ok(()));
        assert_eq!(
            check(Access::AnyUser, Some(&by_cert), false),
            Err(Refusal::Forbidden)
        );
    }

    #[test]
    fn only_approvers_pass_approver_routes_and_approvers_pass_nothing_else() {
        let approver = Principal::Approver(store::Approver {
            id: store::ApproverId::new(1),
            name: "judge".into(),
            authority: "court".into(),
            created_at: time::OffsetDateTime::UNIX_EPOCH,
            disabled: false,
        });
        assert_eq!(check(Access::Approver, Some(&approver), false), Ok(()));
        for access in [
            Access::Carrier,
            Access::AnyUser,
            Access::Roles(&[Role::Admin, Role::Dpo, Role::Analyst, Role::Officer]),
        ] {
            assert_eq!(
                check(access, Some(&approver), false),
                Err(Refusal::Forbidden)
            );
        }
        assert_eq!(
            check(Access::Approver, Some(&carrier(Credential::Token)), false),
            Err(Refusal::Forbidden)
        );
        assert_eq!(
            check(Access::Approver, None, false),
            Err(Refusal::Unauthenticated)
        );
    }

    #[test]
    fn no_principal_is_401_except_on_public_routes() {
        assert_eq!(check(Access::Public, None, false), Ok(()));
        for access in [
            Access::Carrier,
            Access::AnyUser,
            Access::Roles(&[Role::Admin]),
        ] {
            assert_eq!(check(access, None, false), Err(Refusal::Unauthenticated));
        }
    }
}
