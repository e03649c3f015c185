//! The server's configuration: a TOML file, then `PAXWATCH_*` environment variables over it.

use std::net::SocketAddr;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

/// Default largest accepted message body: large multi-part PNRGOV pushes stay well under it.
pub const DEFAULT_BODY_LIMIT: usize = 16 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct Config {
    /// Address to listen on; port 0 picks a free port (printed at start).
    pub listen: SocketAddr,
    /// `sqlite://PATH?mode=rwc` or `postgres://…`. Never logged (it may hold a password).
    pub database_url: String,
    /// Where the server keeps its own files (the generated self-signed certificate).
    pub data_dir: PathBuf,
    /// PEM certificate chain and private key; when both are absent a self-signed pair is generated into
    /// `data_dir/tls/` (and reused on restart).
    pub tls_cert: Option<PathBuf>,
    pub tls_key: Option<PathBuf>,
    /// PEM CA certificates that client certificates are verified against (mutual TLS). Without it, client
    /// certificates are not asked for.
    pub client_ca: Option<PathBuf>,
    /// With mutual TLS on: refuse the airline endpoint to carriers that authenticate by token only (403).
    /// Connections without a certificate are still accepted: people use the same port.
    pub require_client_certificate: bool,
    /// Largest accepted request body in bytes (413 beyond it).
    pub body_limit: usize,
    /// Messages a carrier may post, per second, and the burst above that rate.
    pub rate_limit: RateLimit,
    /// Our own party id in EDIFACT envelopes (the recipient airlines address).
    pub party_id: String,
    /// Log JSON lines instead of text.
    pub json_logs: bool,
    /// The spool transport's root (`inbox/<CARRIER>/` …); off when absent.
    pub spool_dir: Option<PathBuf>,
    /// A new list version re-screens the travellers of flights departing within this many hours.
    pub rescreen_window_hours: u32,
    /// A JSON file with the matching policy (weights and thresholds); the built-in policy when absent.
    pub match_policy: Option<PathBuf>,
    /// Runs the server's clock this many days ahead of the system clock (negative: behind). For
    /// end-to-end tests of retention only; a non-zero value is logged as a warning at start.
    pub clock_offset_days: i64,
    /// Retention per data regime (`[retention]`; defaults of DESIGN.md: PNR masked 6 months after receipt and
    /// deleted then unless linked to a confirmed case, everything deleted at 5 years, API deleted 48 hours
    /// after receipt unless linked). Applied at read time on every view and by the purge.
    pub retention: privacy::RetentionPolicy,
    /// Which intra-EU flights are processed (`[flight_scope.intra_eu]`: mode `not_applied` by default,
    /// `selected` routes with a legal basis, validity and review date, or `all` with a threat assessment).
    /// Messages on other intra-EU flights are refused and erased.
    pub flight_scope: privacy::FlightScope,
    /// The lists travellers are screened against (`[comparison_sources.LIST]` with `kind` and `legal_basis`,
    /// optional `review_due`): only a list registered as `sought_or_under_alert` is used for automated
    /// matching (LDH-8); others are stored and never screened against. None by default: nothing is screened
    /// until the lists are registered.
    pub comparison_sources: privacy::ComparisonSources,
    /// API data received this many hours after departure are refused and erased (Regulation 2025/12
    /// Art. 16: 96); 0 turns the check off.
    pub api_refused_after_departure_hours: u32,
    /// A browser session unused this long is signed out (seconds; 30 minutes by default).
    pub session_idle_seconds: u64,
    /// A browser session is signed out this long after sign-in, used or not (seconds; 12 hours by default).
    pub session_absolute_seconds: u64,
    /// `serve` runs the retention purge at start and then every this many hours; 0 turns the schedule off
    /// (read-time masking still applies; `paxwatch retention run` purges on demand).
    pub retention_purge_hours: u32,
    /// The key that seals audit checkpoints (HMAC-SHA-256), kept outside the database; when absent it is
    /// generated once into `data_dir/audit/checkpoint.key` (mode 0600).
    pub audit_key: Option<PathBuf>,
    /// A checkpoint seals the audit chain's head every this many records (and on a timer in `serve`).
    pub audit_checkpoint_every: u64,
    /// An approved unmask request can be used for this many hours after the decision.
    pub unmask_approval_hours: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RateLimit {
    pub per_second: u32,
    pub burst: u32,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            listen: SocketAddr::from(([127, 0, 0, 1], 8443)),
            database_url: "sqlite://paxwatch-data/paxwatch.db?mode=rwc".into(),
            data_dir: PathBuf::from("paxwatch-data"),
            tls_cert: None,
            tls_key: None,
            client_ca: None,
            require_client_certificate: false,
            body_limit: DEFAULT_BODY_LIMIT,
            rate_limit: RateLimit {
                per_second: 50,
                burst: 100,
            },
            party_id: "PAXWATCH".into(),
            json_logs: false,
            spool_dir: None,
            rescreen_window_hours: 72,
            match_policy: None,
            clock_offset_days: 0,
            retention: privacy::RetentionPolicy::default(),
            flight_scope: privacy::FlightScope::default(),
            comparison_sources: privacy::ComparisonSources::default(),
            api_refused_after_departure_hours: privacy::admission::API_LATE_AFTER_DEPARTURE_HOURS,
            session_idle_seconds: 30 * 60,
            session_absolute_seconds: 12 * 60 * 60,
            retention_purge_hours: 1,
            audit_key: None,
            audit_checkpoint_every: 1000,
            unmask_approval_hours: 24,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("configuration file is not valid TOML for paxwatch: {0}")]
    Toml(#[from] toml::de::Error),
    #[error("environment variable {name} has an invalid value: {problem}")]
    Environment { name: String, problem: String },
    #[error("invalid configuration: {0}")]
    Invalid(String),
}

impl Config {
    pub fn from_toml(text: &str) -> Result<Config, ConfigError> {
        let config: Config = toml::from_str(text)?;
        config.validate()?;
        Ok(config)
    }

    /// Applies `PAXWATCH_<FIELD>` overrides (upper-case field names: `PAXWATCH_LISTEN`,
    /// `PAXWATCH_DATABASE_URL`, `PAXWATCH_DATA_DIR`, `PAXWATCH_TLS_CERT`, `PAXWATCH_TLS_KEY`,
    /// `PAXWATCH_CLIENT_CA`, `PAXWATCH_REQUIRE_CLIENT_CERTIFICATE`, `PAXWATCH_BODY_LIMIT`,
    /// `PAXWATCH_RATE_LIMIT_PER_SECOND`, `PAXWATCH_RATE_LIMIT_BURST`, `PAXWATCH_PARTY_ID`,
    /// `PAXWATCH_JSON_LOGS`, `PAXWATCH_SPOOL_DIR`, `PAXWATCH_RESCREEN_WINDOW_HOURS`, `PAXWATCH_MATCH_POLICY`,
    /// `PAXWATCH_CLOCK_OFFSET_DAYS`, `PAXWATCH_SESSION_IDLE_SECONDS`, `PAXWATCH_SESSION_ABSOLUTE_SECONDS`,
    /// `PAXWATCH_RETENTION_PURGE_HOURS`, `PAXWATCH_AUDIT_KEY`, `PAXWATCH_AUDIT_CHECKPOINT_EVERY`,
    /// `PAXWATCH_UNMASK_APPROVAL_HOURS`, `PAXWATCH_API_REFUSED_AFTER_DEPARTURE_HOURS`). Takes the variables as pairs so tests need not touch the process
    /// environment.
    pub fn apply_env<I, K, V>(&mut self, vars: I) -> Result<(), ConfigError>
    where
        I: IntoIterator<Item = (K, V)>,
        K: AsRef<str>,
        V: AsRef<str>,
    {
        for (name, value) in vars {
            let (name, value) = (name.as_ref(), value.as_ref());
            let Some(field) = name.strip_prefix("PAXWATCH_") else {
                continue;
            };
            let invalid = |problem: &str| ConfigError::Environment {
                name: name.to_owned(),
                problem: problem.to_owned(),
            };
            match field {
                "LISTEN" => {
                    self.listen = value
                        .parse()
                        .map_err(|_| invalid("not an address like 127.0.0.1:8443"))?
                }
                "DATABASE_URL" => self.database_url = value.to_owned(),
                "DATA_DIR" => self.data_dir = PathBuf::from(value),
                "TLS_CERT" => self.tls_cert = Some(PathBuf::from(value)),
                "TLS_KEY" => self.tls_key = Some(PathBuf::from(value)),
                "CLIENT_CA" => self.client_ca = Some(PathBuf::from(value)),
                "REQUIRE_CLIENT_CERTIFICATE" => {
                    self.require_client_certificate =
                        parse_bool(value).ok_or_else(|| invalid("not a boolean"))?
                }
                "BODY_LIMIT" => {
                    self.body_limit = value.parse().map_err(|_| invalid("not a byte count"))?
                }
                "RATE_LIMIT_PER_SECOND" => {
                    self.rate_limit.per_second =
                        value.parse().map_err(|_| invalid("not a whole number"))?
                }
                "RATE_LIMIT_BURST" => {
                    self.rate_limit.burst =
                        value.parse().map_err(|_| invalid("not a whole number"))?
                }
                "PARTY_ID" => self.party_id = value.to_owned(),
                "JSON_LOGS" => {
                    self.json_logs = parse_bool(value).ok_or_else(|| invalid("not a boolean"))?
                }
                "SPOOL_DIR" => self.spool_dir = Some(PathBuf::from(value)),
                "RESCREEN_WINDOW_HOURS" => {
                    self.rescreen_window_hours =
                        value.parse().map_err(|_| invalid("not a whole number"))?
                }
                "MATCH_POLICY" => self.match_policy = Some(PathBuf::from(value)),
                "RETENTION_PURGE_HOURS" => {
                    self.retention_purge_hours =
                        value.parse().map_err(|_| invalid("not a whole number"))?
                }
                "CLOCK_OFFSET_DAYS" => {
                    self.clock_offset_days = value
                        .parse()
                        .map_err(|_| invalid("not a whole number of days"))?
                }
                "SESSION_IDLE_SECONDS" => {
                    self.session_idle_seconds =
                        value.parse().map_err(|_| invalid("not a whole number"))?
                }
                "SESSION_ABSOLUTE_SECONDS" => {
                    self.session_absolute_seconds =
                        value.parse().map_err(|_| invalid("not a whole number"))?
                }
                "AUDIT_KEY" => self.audit_key = Some(PathBuf::from(value)),
                "AUDIT_CHECKPOINT_EVERY" => {
                    self.audit_checkpoint_every =
                        value.parse().map_err(|_| invalid("not a whole number"))?
                }
                "API_REFUSED_AFTER_DEPARTURE_HOURS" => {
                    self.api_refused_after_departure_hours = value
                        .parse()
                        .map_err(|_| invalid("not a whole number of hours"))?
                }
                "UNMASK_APPROVAL_HOURS" => {
                    self.unmask_approval_hours = value
                        .parse()
                        .map_err(|_| invalid("not a whole number of hours"))?
                }
                // Other PAXWATCH_* variables belong to other parts (PAXWATCH_LOG, test settings).
                _ => {}
            }
        }
        self.validate()
    }

    /// The clock the server runs on: the system clock, moved by `clock_offset_days` when set.
    pub fn clock(&self) -> std::sync::Arc<dyn privacy::Clock> {
        if self.clock_offset_days == 0 {
            std::sync::Arc::new(privacy::SystemClock)
        } else {
            tracing::warn!(
                days = self.clock_offset_days,
                "the server's clock is offset from the system clock (retention tests only)"
            );
            std::sync::Arc::new(privacy::OffsetClock::new(time::Duration::days(
                self.clock_offset_days,
            )))
        }
    }

    /// What the pipeline admits (flight scope, late API).
    pub fn admission(&self) -> privacy::AdmissionPolicy {
        privacy::AdmissionPolicy {
            flight_scope: self.flight_scope.clone(),
            api_refused_after_departure_hours: self.api_refused_after_departure_hours,
        }
    }

    pub fn validate(&self) -> Result<(), ConfigError> {
        if self.tls_cert.is_some() != self.tls_key.is_some() {
            return Err(ConfigError::Invalid(
                "tls_cert and tls_key go together".into(),
            ));
        }
        if self.require_client_certificate && self.client_ca.is_none() {
            return Err(ConfigError::Invalid(
                "require_client_certificate needs client_ca".into(),
            ));
        }
        if self.audit_checkpoint_every == 0 {
            return Err(ConfigError::Invalid(
                "audit_checkpoint_every must be positive".into(),
            ));
        }
        if self.unmask_approval_hours == 0 {
            return Err(ConfigError::Invalid(
                "unmask_approval_hours must be positive".into(),
            ));
        }
        self.admission()
            .validate()
            .map_err(|err| ConfigError::Invalid(err.to_string()))?;
        self.comparison_sources
            .validate()
            .map_err(|err| ConfigError::Invalid(err.to_string()))?;
        if self.body_limit == 0 {
            return Err(ConfigError::Invalid("body_limit must be positive".into()));
        }
        if self.rate_limit.per_second == 0 || self.rate_limit.burst == 0 {
            return Err(ConfigError::Invalid(
                "rate_limit per_second and burst must be positive".into(),
            ));
        }
        let party_ok = !self.party_id.is_empty()
            && self.party_id.len() <= 35
            && self.party_id.bytes().all(|b| b.is_ascii_alphanumeric());
        if !party_ok {
            return Err(ConfigError::Invalid(
                "party_id must be 1 to 35 ASCII letters or digits".into(),
            ));
        }
        Ok(())
    }
}

fn parse_bool(value: &str) -> Option<bool> {
    match value.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Some(true),
        "0" | "false" | "no" | "off" => Some(false),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_fields_and_defaults() {
        let config = Config::from_toml(
            "listen = \"0.0.0.0:0\"\ndatabase_url = \"sqlite://x.db?mode=rwc\"\n\
             [rate_limit]\nper_second = 5\nburst = 7\n",
        )
        .expect("valid");
        assert_eq!(config.listen.port(), 0);
        assert_eq!(
            config.rate_limit,
            RateLimit {
                per_second: 5,
                burst: 7
            }
        );
        assert_eq!(config.body_limit, DEFAULT_BODY_LIMIT);
    }

    #[test]
    fn retention_defaults_and_a_configured_policy() {
        assert_eq!(
            Config::default().retention,
            privacy::RetentionPolicy::default()
        );
        let config = Config::from_toml(
            "[retention.pnr_law_enforcement]\nanchor = \"receipt\"\n\
             mask_after = { months = 6 }\ndelete_unlinked_after = { months = 6 }\n\
             delete_after = { months = 60 }\n\
             [retention.api_border_control]\nanchor = \"arrival\"\n\
             mask_after = { hours = 24 }\ndelete_unlinked_after = { hours = 24 }\n\
             delete_after = { months = 60 }\n\
             [retention.api_law_enforcement]\nanchor = \"receipt\"\n\
             mask_after = { months = 6 }\ndelete_unlinked_after = { hours = 48 }\n\
             delete_after = { months = 60 }\n",
        )
        .expect("valid");
        assert_eq!(
            config.retention.api_held_for,
            privacy::ApiHeldFor::BorderControl
        );
        assert_eq!(
            config.retention.api_border_control.delete_unlinked_after,
            privacy::Period::hours(24)
        );
        assert_eq!(
            config.retention.api_border_control.anchor,
            privacy::Anchor::Arrival
        );
    }

    #[test]
    fn api_can_be_held_for_law_enforcement_and_nothing_else() {
        let clocks = "[retention.pnr_law_enforcement]\nanchor = \"receipt\"\n\
             mask_after = { months = 6 }\ndelete_unlinked_after = { months = 6 }\n\
             delete_after = { months = 60 }\n\
             [retention.api_border_control]\nanchor = \"receipt\"\n\
             mask_after = { months = 6 }\ndelete_unlinked_after = { hours = 48 }\n\
             delete_after = { months = 60 }\n\
             [retention.api_law_enforcement]\nanchor = \"receipt\"\n\
             mask_after = { months = 6 }\ndelete_unlinked_after = { months = 6 }\n\
             delete_after = { months = 60 }\n";
        let config = Config::from_toml(&format!(
            "[retention]\napi_held_for = \"law_enforcement\"\n{clocks}"
        ))
        .expect("valid");
        assert_eq!(
            config.retention.api_regime(),
            privacy::Regime::ApiLawEnforcement
        );
        assert!(Config::from_toml(&format!(
            "[retention]\napi_held_for = \"pnr_law_enforcement\"\n{clocks}"
        ))
        .is_err());
    }

    #[test]
    fn comparison_sources_are_read_and_checked_at_load() {
        assert!(Config::default().comparison_sources.is_empty());
        let config = Config::from_toml(
            "[comparison_sources.OFAC]\nkind = \"sought_or_under_alert\"\n\
             legal_basis = \"national sanctions act\"\ndata_subjects = \"other_parties\"\n\
             review_due = \"2027-01-31\"\n",
        )
        .expect("valid");
        assert!(config.comparison_sources.permits_screening("OFAC").is_ok());
        config.validate().expect("valid");
        let no_basis = Config::from_toml(
            "[comparison_sources.OFAC]\nkind = \"sought_or_under_alert\"\nlegal_basis = \"\"\n\
             data_subjects = \"other_parties\"\n",
        )
        .and_then(|config| config.validate().map(|()| config));
        assert!(
            no_basis.is_err(),
            "a source without a legal basis is refused"
        );
    }

    #[test]
    fn environment_overrides_the_file() {
        let mut config = Config::default();
        config
            .apply_env([
                ("PAXWATCH_LISTEN", "127.0.0.1:0"),
                ("PAXWATCH_DATABASE_URL", "postgres://db/x"),
                ("PAXWATCH_BODY_LIMIT", "1024"),
                ("PAXWATCH_JSON_LOGS", "true"),
                ("PAXWATCH_LOG", "debug"),
                ("HOME", "/root"),
            ])
            .expect("valid");
        assert_eq!(config.listen.port(), 0);
        assert_eq!(config.database_url, "postgres://db/x");
        assert_eq!(config.body_limit, 1024);
        assert!(config.json_logs);
    }

    #[test]
    fn bad_values_are_named_without_echoing_them() {
        let mut config = Config::default();
        let err = config
            .apply_env([("PAXWATCH_BODY_LIMIT", "secret-ish")])
            .unwrap_err();
        let shown = err.to_string();
        assert!(shown.contains("PAXWATCH_BODY_LIMIT"), "{shown}");
        assert!(!shown.contains("secret-ish"), "{shown}");
        assert!(Config::from_toml("unknown_field = 1").is_err());
        assert!(Config::from_toml("tls_cert = \"a.pem\"").is_err());
    }
}
