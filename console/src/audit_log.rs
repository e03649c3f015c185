//! The audit log as the server writes it: each route that reads or writes personal data declares an
//! [`Audited`] in the route table, and the guard records one event per request after the handler ran
//! (who, when, action, object kind and ids, purpose, route, HTTP status). If the record cannot be
//! written, the handler's answer is replaced by a 503: no personal data leave without their record.
//!
//! The checkpoint key (HMAC-SHA-256) is kept outside the database: a configured file, or one generated
//! once into `data_dir/audit/checkpoint.key` (mode 0600, like the self-signed TLS key).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use privacy::audit::{
    AuditAction, AuditEvent, ChainBreak, ChainedRecord, Checkpoint, PruneMark, Verified,
    AUDIT_RETENTION,
};
use privacy::{Clock, Purpose, Verifier};
use store::{Store, StoreError, MAX_AUDIT_PAGE};

use crate::auth::Principal;
use crate::config::Config;

/// The request header naming the purpose of a request (a [`Purpose`] code).
pub const PURPOSE_HEADER: &str = "x-paxwatch-purpose";

/// Length of a generated checkpoint key.
const KEY_LEN: usize = 32;

/// What a route's requests are recorded as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Audited {
    pub action: AuditAction,
    /// The kind of object the path's `{id}` names (`traveller`), or the object itself when the path has
    /// none (`search`). A handler can name the objects it touched with [`AuditObjects`].
    pub object: &'static str,
    /// The purpose when the request names none in [`PURPOSE_HEADER`].
    pub purpose: Purpose,
}

/// The objects a handler touched, as ids of one kind (search results, a manifest's travellers): put into
/// the response's extensions, read by the guard. Never values, only ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditObjects {
    pub kind: &'static str,
    pub ids: Vec<i64>,
}

/// `response` with the objects it carries named for the audit record.
pub fn with_objects(
    mut response: axum::response::Response,
    kind: &'static str,
    ids: Vec<i64>,
) -> axum::response::Response {
    response.extensions_mut().insert(AuditObjects { kind, ids });
    response
}

/// The longest object one audit record holds (the store refuses longer fields, 4 KiB).
const OBJECT_LIMIT: usize = 4000;

impl AuditObjects {
    /// The ids as `kind:1,2,…`, split over as many objects as the store's field limit needs: a page of a
    /// thousand alerts is recorded in full over two or three records, never refused.
    fn render(&self) -> Vec<String> {
        if self.ids.is_empty() {
            return vec![format!("{}:none", self.kind)];
        }
        let mut objects = Vec::new();
        let mut current = String::new();
        for id in &self.ids {
            let id = id.to_string();
            if !current.is_empty()
                && self.kind.len() + 1 + current.len() + 1 + id.len() > OBJECT_LIMIT
            {
                objects.push(format!("{}:{current}", self.kind));
                current.clear();
            }
            if !current.is_empty() {
                current.push(',');
            }
            current.push_str(&id);
        }
        objects.push(format!("{}:{current}", self.kind));
        objects
    }
}

/// The actor of an event: account kind and id, never a name.
pub fn actor(principal: &Principal) -> String {
    match principal {
        Principal::User(user) => format!("user:{}", user.id.get()),
        Principal::Carrier { carrier, .. } => format!("carrier:{}", carrier.code),
        Principal::Approver(approver) => format!("approver:{}", approver.id.get()),
    }
}

/// The object of a request: the handler's [`AuditObjects`], else the kind with the path's ids.
pub fn objects(
    audited: &Audited,
    path_ids: &[&str],
    touched: Option<&AuditObjects>,
) -> Vec<String> {
    if let Some(touched) = touched {
        return touched.render();
    }
    match path_ids {
        [] => vec![audited.object.to_owned()],
        ids => vec![format!("{}:{}", audited.object, ids.join(","))],
    }
}

/// The values of a path's `{…}` parameters, matched segment by segment against its template. Only
/// digits are kept (our ids are numbers): a parameter that is not one is named `invalid`.
pub fn path_ids<'a>(template: &str, path: &'a str) -> Vec<&'a str> {
    template
        .split('/')
        .zip(path.split('/'))
        .filter(|(t, _)| t.starts_with('{'))
        .map(|(_, value)| {
            if !value.is_empty() && value.bytes().all(|b| b.is_ascii_digit()) {
                value
            } else {
                "invalid"
            }
        })
        .collect()
}

#[derive(Debug, thiserror::Error)]
pub enum AuditKeyError {
    #[error("cannot read the audit checkpoint key {path}")]
    Read {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("cannot write the audit checkpoint key {path}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the audit checkpoint key {path} is shorter than 32 bytes")]
    TooShort { path: PathBuf },
}

/// Where the checkpoint key is: the configured file, else `data_dir/audit/checkpoint.key`.
pub fn key_path(config: &Config) -> PathBuf {
    config
        .audit_key
        .clone()
        .unwrap_or_else(|| config.data_dir.join("audit").join("checkpoint.key"))
}

/// Reads the checkpoint key; generates it first when it is the default one and missing.
pub fn load_or_create_key(config: &Config) -> Result<Vec<u8>, AuditKeyError> {
    let path = key_path(config);
    if config.audit_key.is_none() && !path.exists() {
        use rand::RngCore;
        let mut key = vec![0u8; KEY_LEN];
        rand::rng().fill_bytes(&mut key);
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(|source| AuditKeyError::Write {
                path: parent.to_path_buf(),
                source,
            })?;
        }
        write_private(&path, &key).map_err(|source| AuditKeyError::Write {
            path: path.clone(),
            source,
        })?;
        tracing::info!("generated the audit checkpoint key");
    }
    read_key(&path)
}

/// Reads an existing key (for `paxwatch audit verify`: never generates one).
pub fn read_key(path: &Path) -> Result<Vec<u8>, AuditKeyError> {
    let key = std::fs::read(path).map_err(|source| AuditKeyError::Read {
        path: path.to_path_buf(),
        source,
    })?;
    if key.len() < KEY_LEN {
        return Err(AuditKeyError::TooShort {
            path: path.to_path_buf(),
        });
    }
    Ok(key)
}

fn write_private(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}

/// The server's writer of the audit chain.
pub struct AuditLog {
    store: Store,
    key: Vec<u8>,
    /// Derived from `key` once (every masked record an approved unmask shows is opened with it).
    sealer: Option<privacy::RecordSealer>,
    checkpoint_every: u64,
    clock: Arc<dyn Clock>,
}

impl AuditLog {
    pub fn new(
        store: Store,
        key: Vec<u8>,
        checkpoint_every: u64,
        clock: Arc<dyn Clock>,
    ) -> AuditLog {
        AuditLog {
            store,
            sealer: privacy::RecordSealer::from_audit_key(&key),
            key,
            checkpoint_every: checkpoint_every.max(1),
            clock,
        }
    }

    /// Appends one event (at the server clock's now) and seals a checkpoint every `checkpoint_every`.
    pub async fn record(
        &self,
        actor: String,
        action: AuditAction,
        object: String,
        purpose: Option<Purpose>,
        route: Option<String>,
        outcome: Option<String>,
    ) -> Result<ChainedRecord, StoreError> {
        let record = self
            .store
            .append_audit(AuditEvent {
                at: self.clock.now(),
                actor,
                action: action.as_str().to_owned(),
                object,
                purpose: purpose.map(|p| p.as_str().to_owned()),
                route,
                outcome,
            })
            .await?;
        if record.seq % self.checkpoint_every == 0 {
            self.seal(&record).await?;
        }
        Ok(record)
    }

    /// Appends the events naming `ids` of `kind` (as many records as the object field limit needs; none
    /// when there are no ids): what a job without a request and without a purpose of its own (the
    /// retention purge, a legal obligation) records.
    pub async fn record_objects(
        &self,
        actor: &str,
        action: AuditAction,
        kind: &'static str,
        ids: Vec<i64>,
        route: &str,
        outcome: &str,
    ) -> Result<usize, StoreError> {
        if ids.is_empty() {
            return Ok(0);
        }
        let objects = AuditObjects { kind, ids }.render();
        let written = objects.len();
        for object in objects {
            self.record(
                actor.to_owned(),
                action,
                object,
                None,
                Some(route.to_owned()),
                Some(outcome.to_owned()),
            )
            .await?;
        }
        Ok(written)
    }

    /// The sealer of masked records, keyed from this log's checkpoint key (kept outside the database).
    pub fn record_sealer(&self) -> Option<&privacy::RecordSealer> {
        self.sealer.as_ref()
    }

    /// Prunes the records older than [`AUDIT_RETENTION`] at the clock's now (PNR-17: kept five years) under a
    /// sealed [`PruneMark`], then records the prune in the chain: `(first record kept, records deleted)`,
    /// or `None` when nothing was due.
    pub async fn prune_expired(&self, route: &str) -> Result<Option<(u64, u64)>, StoreError> {
        let now = self.clock.now();
        let cutoff = AUDIT_RETENTION.before(now);
        let Some(anchor) = self.store.audit_prune_anchor(cutoff).await? else {
            return Ok(None);
        };
        let Some(mark) = PruneMark::seal(&self.key, &anchor) else {
            tracing::error!("audit prune could not be sealed");
            return Ok(None);
        };
        let deleted = self.store.prune_audit(&mark, cutoff, now).await?;
        if deleted == 0 {
            return Ok(None);
        }
        self.record(
            "system".to_owned(),
            AuditAction::Erase,
            "audit_record".to_owned(),
            None,
            Some(route.to_owned()),
            Some(format!(
                "pruned {deleted} records before {}",
                mark.first_kept
            )),
        )
        .await?;
        tracing::info!(
            deleted,
            first_kept = mark.first_kept,
            "audit records past retention pruned"
        );
        Ok(Some((mark.first_kept, deleted)))
    }

    /// Seals the chain's head unless it is sealed already; the sealed `seq`, if there is a chain.
    pub async fn checkpoint_head(&self) -> Result<Option<u64>, StoreError> {
        let Some(head) = self.store.audit_head().await? else {
            return Ok(None);
        };
        self.seal(&head).await?;
        Ok(Some(head.seq))
    }

    async fn seal(&self, record: &ChainedRecord) -> Result<(), StoreError> {
        let Some(checkpoint) = Checkpoint::seal(&self.key, record) else {
            // HMAC takes keys of any length; this cannot happen with a loaded key.
            tracing::error!("audit checkpoint could not be sealed");
            return Ok(());
        };
        if self
            .store
            .append_audit_checkpoint(&checkpoint, self.clock.now())
            .await?
        {
            tracing::info!(seq = record.seq, "audit checkpoint sealed");
        }
        Ok(())
    }
}

/// Recomputes the whole stored chain (from the record the newest prune kept) and every checkpoint.
/// `Ok(Err(break))` names the first broken record; `Err` is a database failure.
pub async fn verify_store(
    store: &Store,
    key: &[u8],
) -> Result<Result<Verified, ChainBreak>, StoreError> {
    let checkpoints = store.audit_checkpoints().await?;
    let prune = store.audit_prune_mark().await?;
    let mut verifier = match Verifier::after_prune(&checkpoints, key, prune.as_ref()) {
        Ok(verifier) => verifier,
        Err(broken) => return Ok(Err(broken)),
    };
    let mut after = 0;
    loop {
        let page = store.audit_records_after(after, MAX_AUDIT_PAGE).await?;
        let Some(last) = page.last() else { break };
        after = last.seq;
        for record in &page {
            if let Err(broken) = verifier.feed(record) {
                return Ok(Err(broken));
            }
        }
    }
    Ok(verifier.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_ids_follow_the_template() {
        assert_eq!(
            path_ids("/api/v1/travellers/{id}", "/api/v1/travellers/42"),
            ["42"]
        );
        assert_eq!(
            path_ids(
                "/api/v1/unmask-requests/{id}/traveller",
                "/api/v1/unmask-requests/7/traveller"
            ),
            ["7"]
        );
        assert_eq!(
            path_ids("/api/v1/travellers/{id}", "/api/v1/travellers/SMITH"),
            ["invalid"]
        );
        assert!(path_ids("/api/v1/alerts", "/api/v1/alerts").is_empty());
    }

    #[test]
    fn listing_a_thousand_alerts_was_answered_503_because_its_audit_object_was_too_long() {
        let touched = AuditObjects {
            kind: "alert",
            ids: (1_000_000..1_001_000).collect(),
        };
        let objects = touched.render();
        assert!(objects.len() > 1);
        assert!(objects.iter().all(|object| object.len() <= OBJECT_LIMIT));
        let recorded: Vec<i64> = objects
            .iter()
            .flat_map(|object| {
                let ids = object.strip_prefix("alert:").expect("kind prefix");
                ids.split(',').map(|id| id.parse::<i64>().expect("an id"))
            })
            .collect();
        assert_eq!(recorded, touched.ids);
    }

    #[test]
    fn objects_are_kinds_and_ids() {
        let audited = Audited {
            action: AuditAction::Consult,
            object: "traveller",
            purpose: Purpose::PreArrivalAssessment,
        };
        assert_eq!(objects(&audited, &["42"], None), ["traveller:42"]);
        assert_eq!(objects(&audited, &[], None), ["traveller"]);
        let touched = AuditObjects {
            kind: "traveller",
            ids: vec![3, 5],
        };
        assert_eq!(
            objects(&audited, &["42"], Some(&touched)),
            ["traveller:3,5"]
        );
        let none = AuditObjects {
            kind: "traveller",
            ids: vec![],
        };
        assert_eq!(objects(&audited, &[], Some(&none)), ["traveller:none"]);
    }

    #[test]
    fn a_generated_key_is_private_and_reused() {
        let dir = tempfile::tempdir().expect("temp dir");
        let config = Config {
            data_dir: dir.path().to_path_buf(),
            ..Config::default()
        };
        let first = load_or_create_key(&config).expect("generated");
        let again = load_or_create_key(&config).expect("read back");
        assert_eq!(first, again);
        assert_eq!(first.len(), KEY_LEN);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(key_path(&config))
                .expect("key file")
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
        let configured = Config {
            audit_key: Some(dir.path().join("missing.key")),
            ..Config::default()
        };
        assert!(matches!(
            load_or_create_key(&configured),
            Err(AuditKeyError::Read { .. })
        ));
    }
}
