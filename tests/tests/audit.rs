//! The audit log, unmasking and the DPO's API end to end: the real `paxwatch serve` on port 0 in a temp
//! dir, accounts made with the real commands, the audit chain read back from the SQLite file, and
//! `paxwatch audit verify` run as an operator would.

mod audit_harness;

use std::time::{Duration, Instant};

use audit_harness::{
    api_list, deliver, get, import_list, page, post_json, sign_in, Server, BYSTANDER, LISTED,
};
use privacy::ChainedRecord;
use serde_json::json;
use sqlx::Connection;
use store::Store;

/// A server with a listed traveller on a flight, an alert on them, and one account of each kind.
struct Scene {
    server: Server,
    store: Store,
    client: reqwest::Client,
    carrier: String,
    officer: String,
    analyst: String,
    admin: String,
    dpo: String,
    approver: String,
    message_id: i64,
    traveller_id: i64,
    flight_id: i64,
    alert_id: i64,
}

/// The scene's unit receives API for law enforcement (Reg. 2025/13), so its analyst may search the API
/// traveller; API held for border control never reaches analysts (tests/retention.rs, API-4).
const API_FOR_LAW_ENFORCEMENT: &str = "[retention]\napi_held_for = \"law_enforcement\"\n";

async fn scene(extra_config: &str) -> Scene {
    let mut server = Server::new(&format!("{extra_config}\n{API_FOR_LAW_ENFORCEMENT}"));
    import_list(
        &server,
        "TESTLIST",
        "T-1,TESTLIST,VOLKMAR TRENSCHEL,1971-03-14,DEU,M,P:C4KX81T27:DEU\n",
    );
    let carrier = server.add_carrier("XA");
    let officer = server.add_user("officer.one", "officer");
    let analyst = server.add_user("analyst.one", "analyst");
    let admin = server.add_user("admin.one", "admin");
    let dpo = server.add_user("dpo.one", "dpo");
    let approver = server.add_approver("judge.one");
    server.start();
    let store = server.store().await;
    let client = server.client();
    let message_id = deliver(
        &server,
        &store,
        &carrier,
        api_list("A1", &[LISTED, BYSTANDER]),
    )
    .await;
    let (status, alerts) = get(&client, &server.url("/api/v1/alerts"), &officer, None).await;
    assert_eq!(status, 200);
    let alert = &alerts[0];
    let traveller_id = alert["traveller_id"].as_i64().expect("traveller id");
    let flight_id = alert["flight_id"].as_i64().expect("flight id");
    let alert_id = alert["id"].as_i64().expect("alert id");
    Scene {
        server,
        store,
        client,
        carrier,
        officer,
        analyst,
        admin,
        dpo,
        approver,
        message_id,
        traveller_id,
        flight_id,
        alert_id,
    }
}

async fn head(store: &Store) -> ChainedRecord {
    store
        .audit_head()
        .await
        .expect("audit head")
        .expect("a record")
}

async fn all_records(store: &Store) -> Vec<ChainedRecord> {
    let mut records: Vec<ChainedRecord> = Vec::new();
    loop {
        let after = records.last().map_or(0, |r| r.seq);
        let page = store.audit_records_after(after, 1000).await.expect("page");
        if page.is_empty() {
            return records;
        }
        records.extend(page);
    }
}

/// Waits until the history index has the listed traveller.
async fn indexed(scene: &Scene) {
    let search = scene
        .server
        .url("/api/v1/history/search?name=TRENSCHEL%20VOLKMAR");
    let deadline = Instant::now() + Duration::from_secs(30);
    loop {
        let (status, hits) = get(&scene.client, &search, &scene.analyst, None).await;
        assert_eq!(status, 200);
        if !hits.as_array().expect("array").is_empty() {
            return;
        }
        assert!(Instant::now() < deadline, "traveller never indexed");
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

fn user_id(store_user: Option<store::User>) -> i64 {
    store_user.expect("user").id.get()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_personal_data_route_writes_an_audit_record() {
    let scene = scene("").await;
    let officer_id = user_id(scene.store.user_by_name("officer.one").await.expect("user"));
    let analyst_id = user_id(scene.store.user_by_name("analyst.one").await.expect("user"));
    // The airline's delivery was recorded as a collection by the carrier.
    let collected = scene
        .store
        .search_audit(&store::AuditQuery {
            action: Some("collect".into()),
            limit: 10,
            ..store::AuditQuery::default()
        })
        .await
        .expect("search");
    assert_eq!(collected.len(), 1);
    assert_eq!(collected[0].event.actor, "carrier:XA");
    assert_eq!(
        collected[0].event.object,
        format!("message:{}", scene.message_id)
    );
    assert_eq!(
        collected[0].event.purpose.as_deref(),
        Some("carrier_transfer")
    );
    assert_eq!(
        collected[0].event.route.as_deref(),
        Some("POST /api/v1/messages")
    );
    indexed(&scene).await;
    let (t, f, a) = (scene.traveller_id, scene.flight_id, scene.alert_id);
    // (token, path, actor id, action, object, route template)
    let reads = [
        (
            &scene.officer,
            "/api/v1/alerts".to_owned(),
            officer_id,
            "consult",
            None,
            "GET /api/v1/alerts",
        ),
        (
            &scene.officer,
            format!("/api/v1/alerts/{a}"),
            officer_id,
            "consult",
            Some(format!("alert:{a}")),
            "GET /api/v1/alerts/{id}",
        ),
        (
            &scene.officer,
            "/api/v1/flights".to_owned(),
            officer_id,
            "consult",
            None,
            "GET /api/v1/flights",
        ),
        (
            &scene.officer,
            format!("/api/v1/flights/{f}/manifest"),
            officer_id,
            "consult",
            None,
            "GET /api/v1/flights/{id}/manifest",
        ),
        (
            &scene.officer,
            format!("/api/v1/travellers/{t}"),
            officer_id,
            "consult",
            Some(format!("traveller:{t}")),
            "GET /api/v1/travellers/{id}",
        ),
        (
            &scene.analyst,
            "/api/v1/history/search?name=TRENSCHEL".to_owned(),
            analyst_id,
            "consult",
            None,
            "GET /api/v1/history/search",
        ),
        (
            &scene.analyst,
            format!("/api/v1/history/travellers/{t}/co-travellers"),
            analyst_id,
            "consult",
            None,
            "GET /api/v1/history/travellers/{id}/co-travellers",
        ),
    ];
    for (token, path, actor, action, object, route) in reads {
        let before = head(&scene.store).await.seq;
        let (status, _) = get(&scene.client, &scene.server.url(&path), token, None).await;
        assert_eq!(status, 200, "{path}");
        let record = head(&scene.store).await;
        assert_eq!(record.seq, before + 1, "{path}: exactly one record");
        assert_eq!(record.event.actor, format!("user:{actor}"), "{path}");
        assert_eq!(record.event.action, action, "{path}");
        assert_eq!(record.event.route.as_deref(), Some(route), "{path}");
        assert_eq!(record.event.outcome.as_deref(), Some("200"), "{path}");
        assert!(record.event.purpose.is_some(), "{path}: a purpose");
        match object {
            Some(object) => assert_eq!(record.event.object, object, "{path}"),
            None => assert!(record.event.object.contains(':'), "{path}: kind and ids"),
        }
    }
    // Lists name what they returned: the manifest and the search their travellers.
    let manifest = scene
        .store
        .search_audit(&store::AuditQuery {
            object: Some(format!("traveller:{t}")),
            limit: 100,
            ..store::AuditQuery::default()
        })
        .await
        .expect("search");
    let routes: Vec<&str> = manifest
        .iter()
        .filter_map(|r| r.event.route.as_deref())
        .collect();
    for route in [
        "GET /api/v1/flights/{id}/manifest",
        "GET /api/v1/travellers/{id}",
        "GET /api/v1/history/search",
        "GET /api/v1/history/travellers/{id}/co-travellers",
    ] {
        assert!(
            routes.contains(&route),
            "{route} names traveller {t}: {routes:?}"
        );
    }
    // A write: the officer's decision.
    let before = head(&scene.store).await.seq;
    let (status, _) = post_json(
        &scene.client,
        &scene.server.url(&format!("/api/v1/alerts/{a}/decision")),
        &scene.officer,
        json!({"outcome": "confirm", "reason": "same person"}),
    )
    .await;
    assert_eq!(status, 200);
    let record = head(&scene.store).await;
    assert_eq!(record.seq, before + 1);
    assert_eq!(record.event.action, "alter");
    assert_eq!(record.event.object, format!("alert:{a}"));
    // A purpose named by the request is recorded; one outside the closed set is refused unrecorded.
    let (status, _) = get(
        &scene.client,
        &scene.server.url(&format!("/api/v1/travellers/{t}")),
        &scene.officer,
        Some("case_request"),
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(
        head(&scene.store).await.event.purpose.as_deref(),
        Some("case_request")
    );
    let before = head(&scene.store).await.seq;
    let (status, _) = get(
        &scene.client,
        &scene.server.url(&format!("/api/v1/travellers/{t}")),
        &scene.officer,
        Some("curiosity"),
    )
    .await;
    assert_eq!(status, 400);
    assert_eq!(head(&scene.store).await.seq, before);
    // A refused attempt on personal data is recorded with its outcome.
    let (status, _) = get(
        &scene.client,
        &scene.server.url(&format!("/api/v1/travellers/{t}")),
        &scene.analyst,
        None,
    )
    .await;
    assert_eq!(status, 403);
    let record = head(&scene.store).await;
    assert_eq!(record.event.actor, format!("user:{analyst_id}"));
    assert_eq!(record.event.outcome.as_deref(), Some("403"));
    // Every route of the OpenAPI document is audited unless it is one of the few that hold no personal data.
    let (status, document) = get(
        &scene.client,
        &scene.server.url("/api/v1/openapi.json"),
        &scene.admin,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let without_personal_data = [
        "/healthz",
        "/metrics",
        "/api/v1/openapi.json",
        "/api/v1/me",
        "/api/v1/admin/users",
        "/api/v1/admin/carriers",
        // Counts, flight numbers and message ids per flight (as the data-quality pages).
        "/api/v1/quality/flights",
        // Ids and codes of requests only (no traveller data).
        "/api/v1/unmask-requests",
        "/api/v1/approver/unmask-requests",
    ];
    for (path, operations) in document["paths"].as_object().expect("paths") {
        for (method, operation) in operations.as_object().expect("operations") {
            let audited = operation.get("x-paxwatch-audit").is_some();
            let exempt = without_personal_data.contains(&path.as_str())
                && !(path == "/api/v1/unmask-requests" && method == "post");
            assert!(
                audited || exempt,
                "{method} {path} holds personal data but is not audited"
            );
        }
    }
    let records = all_records(&scene.store).await;
    let key = std::fs::read(scene.server.dir.path().join("data/audit/checkpoint.key"))
        .expect("the generated key");
    privacy::audit::verify(&records, &[], &key).expect("the chain verifies");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_records_hold_no_personal_data() {
    let scene = scene("").await;
    indexed(&scene).await;
    let t = scene.traveller_id;
    for path in [
        format!("/api/v1/travellers/{t}"),
        format!("/api/v1/flights/{}/manifest", scene.flight_id),
        format!("/api/v1/alerts/{}", scene.alert_id),
    ] {
        let (status, _) = get(
            &scene.client,
            &scene.server.url(&path),
            &scene.officer,
            None,
        )
        .await;
        assert_eq!(status, 200);
    }
    for path in [
        "/api/v1/history/search?name=TRENSCHEL%20VOLKMAR",
        "/api/v1/history/search?document=C4KX81T27",
        "/api/v1/history/search?birth_date=1971-03-14",
    ] {
        let (status, _) = get(&scene.client, &scene.server.url(path), &scene.analyst, None).await;
        assert_eq!(status, 200);
    }
    let (status, _) = post_json(
        &scene.client,
        &scene.server.url("/api/v1/unmask-requests"),
        &scene.analyst,
        json!({"traveller_id": t, "purpose": "case_request", "legal_category": "terrorism",
               "justification": "case 2026/17"}),
    )
    .await;
    assert_eq!(status, 201);
    let records = all_records(&scene.store).await;
    assert!(records.len() >= 8, "traffic was audited: {}", records.len());
    let personal = [
        "TRENSCHEL",
        "VOLKMAR",
        "EXAMPLE",
        "JANE",
        "C4KX81T27",
        "X1234567",
        "710314",
        "1971-03-14",
        "800101",
        "12A",
        "officer.one",
        "analyst.one",
    ];
    for record in &records {
        let event = &record.event;
        let fields = [
            Some(&event.actor),
            Some(&event.action),
            Some(&event.object),
            event.purpose.as_ref(),
            event.route.as_ref(),
            event.outcome.as_ref(),
        ];
        for field in fields.into_iter().flatten() {
            let upper = field.to_uppercase();
            for value in personal {
                assert!(
                    !upper.contains(&value.to_uppercase()),
                    "record {} holds {value:?}: {field}",
                    record.seq
                );
            }
            // Identifiers only: kinds, ids, codes and route templates.
            assert!(
                field
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "_:,/{} -.".contains(c)),
                "record {}: {field}",
                record.seq
            );
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn audit_verify_reports_a_changed_byte() {
    // A checkpoint every 4 records, so verification covers seals too.
    let scene = scene("audit_checkpoint_every = 4\n").await;
    let t = scene.traveller_id;
    for _ in 0..6 {
        let (status, _) = get(
            &scene.client,
            &scene.server.url(&format!("/api/v1/travellers/{t}")),
            &scene.officer,
            None,
        )
        .await;
        assert_eq!(status, 200);
    }
    let records = all_records(&scene.store).await;
    assert!(records.len() >= 8);
    let verified = scene.server.run(&["audit", "verify"]);
    let stdout = String::from_utf8_lossy(&verified.stdout);
    assert!(verified.status.success(), "{stdout}");
    assert!(stdout.contains("audit log intact"), "{stdout}");
    assert!(
        stdout.contains(&format!("{} records", records.len())),
        "{stdout}"
    );
    assert!(!stdout.contains(" 0 checkpoints"), "{stdout}");
    // Someone with access to the file drops the trigger and changes one byte of record 3: "200" → "201".
    let target = &records[2];
    assert_eq!(target.seq, 3);
    let outcome = target.event.outcome.clone().expect("an outcome");
    let mut changed = outcome.clone().into_bytes();
    let last = changed.last_mut().expect("not empty");
    *last = if *last == b'1' { b'2' } else { b'1' };
    let changed = String::from_utf8(changed).expect("ascii");
    let mut connection = sqlx::SqliteConnection::connect(&scene.server.database_url())
        .await
        .expect("direct connection");
    sqlx::query("DROP TRIGGER audit_record_no_update")
        .execute(&mut connection)
        .await
        .expect("drop trigger");
    sqlx::query("UPDATE audit_record SET outcome = ?1 WHERE seq = 3")
        .bind(&changed)
        .execute(&mut connection)
        .await
        .expect("edit");
    connection.close().await.expect("close");
    let broken = scene.server.run(&["audit", "verify"]);
    let stdout = String::from_utf8_lossy(&broken.stdout);
    assert!(
        !broken.status.success(),
        "a changed byte must fail: {stdout}"
    );
    assert!(stdout.contains("audit record 3"), "{stdout}");
    assert!(stdout.contains("was changed"), "{stdout}");
}

async fn request_unmask(scene: &Scene) -> i64 {
    let (status, request) = post_json(
        &scene.client,
        &scene.server.url("/api/v1/unmask-requests"),
        &scene.analyst,
        json!({"traveller_id": scene.traveller_id, "purpose": "case_request",
               "legal_category": "terrorism", "justification": "case 2026/17, request of the prosecutor"}),
    )
    .await;
    assert_eq!(status, 201, "{request}");
    assert_eq!(request["status"], "pending");
    request["id"].as_i64().expect("id")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approval_by_an_account_inside_the_unit_is_refused() {
    let scene = scene("").await;
    let (status, _) = post_json(
        &scene.client,
        &scene.server.url("/api/v1/unmask-requests"),
        &scene.analyst,
        json!({"traveller_id": scene.traveller_id, "purpose": "case_request",
               "legal_category": "shoplifting", "justification": "not a serious crime"}),
    )
    .await;
    assert_eq!(status, 400, "a category outside Annex II");
    let id = request_unmask(&scene).await;
    let decision = scene
        .server
        .url(&format!("/api/v1/unmask-requests/{id}/decision"));
    let unmasked = scene
        .server
        .url(&format!("/api/v1/unmask-requests/{id}/traveller"));
    let approve = json!({"decision": "approve", "reason": "grounds shown"});
    for (token, name) in [
        (&scene.officer, "officer.one"),
        (&scene.analyst, "analyst.one"),
        (&scene.admin, "admin.one"),
        (&scene.dpo, "dpo.one"),
    ] {
        let (status, _) = post_json(&scene.client, &decision, token, approve.clone()).await;
        assert_eq!(status, 403, "{name} is inside the unit");
        let record = head(&scene.store).await;
        assert_eq!(
            record.event.action, "decide",
            "the refused attempt is audited"
        );
        assert_eq!(record.event.outcome.as_deref(), Some("403"));
        assert_eq!(record.event.object, format!("unmask_request:{id}"));
    }
    let (status, _) = post_json(&scene.client, &decision, &scene.carrier, approve.clone()).await;
    assert_eq!(status, 403, "a carrier");
    let (status, body) = get(&scene.client, &unmasked, &scene.analyst, None).await;
    assert_eq!(status, 403, "still pending: {body}");
    // The approver outside the unit can decide, and nothing else.
    let (status, _) = get(
        &scene.client,
        &scene
            .server
            .url(&format!("/api/v1/travellers/{}", scene.traveller_id)),
        &scene.approver,
        None,
    )
    .await;
    assert_eq!(status, 403, "an approver reads no traveller");
    let (status, pending) = get(
        &scene.client,
        &scene.server.url("/api/v1/approver/unmask-requests"),
        &scene.approver,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(pending[0]["id"], id);
    let (status, decided) =
        post_json(&scene.client, &decision, &scene.approver, approve.clone()).await;
    assert_eq!(status, 200, "{decided}");
    assert_eq!(decided["status"], "approved");
    let record = head(&scene.store).await;
    assert_eq!(record.event.action, "decide");
    assert!(record.event.actor.starts_with("approver:"));
    let (status, _) = post_json(&scene.client, &decision, &scene.approver, approve).await;
    assert_eq!(status, 409, "decided once");
    // Only the requesting analyst reads the traveller, and the view is audited as an unmasking.
    let (status, view) = get(&scene.client, &unmasked, &scene.analyst, None).await;
    assert_eq!(status, 200);
    assert_eq!(view["id"], scene.traveller_id);
    let record = head(&scene.store).await;
    assert_eq!(record.event.action, "unmask");
    assert_eq!(
        record.event.object,
        format!("traveller:{}", scene.traveller_id)
    );
    assert_eq!(record.event.outcome.as_deref(), Some("200"));
    let other = scene.server.add_user("analyst.two", "analyst");
    let (status, _) = get(&scene.client, &unmasked, &other, None).await;
    assert_eq!(status, 403, "another analyst");
    // The DPO sees the request and its decision.
    let (status, seen) = get(
        &scene.client,
        &scene.server.url("/api/v1/dpo/unmask-requests"),
        &scene.dpo,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(seen[0]["id"], id);
    assert_eq!(seen[0]["decision"]["outcome"], "approved");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn unmask_approval_expires() {
    let mut scene = scene("unmask_approval_hours = 24\n").await;
    let id = request_unmask(&scene).await;
    let (status, decided) = post_json(
        &scene.client,
        &scene
            .server
            .url(&format!("/api/v1/unmask-requests/{id}/decision")),
        &scene.approver,
        json!({"decision": "approve", "reason": "grounds shown"}),
    )
    .await;
    assert_eq!(status, 200, "{decided}");
    let path = format!("/api/v1/unmask-requests/{id}/traveller");
    let (status, _) = get(
        &scene.client,
        &scene.server.url(&path),
        &scene.analyst,
        None,
    )
    .await;
    assert_eq!(status, 200, "within the approval");
    // The same server a day later (its clock moved 1 day ahead): the approval has lapsed.
    scene.server.kill();
    scene.server.write_config(&format!(
        "unmask_approval_hours = 24\nclock_offset_days = 1\n{API_FOR_LAW_ENFORCEMENT}"
    ));
    scene.server.start();
    let client = scene.server.client();
    let (status, body) = get(&client, &scene.server.url(&path), &scene.analyst, None).await;
    assert_eq!(status, 403);
    assert_eq!(body["error"], "the approval has expired");
    let record = head(&scene.store).await;
    assert_eq!(record.event.action, "unmask");
    assert_eq!(record.event.outcome.as_deref(), Some("403"));
    let (status, mine) = get(
        &client,
        &scene.server.url("/api/v1/unmask-requests"),
        &scene.analyst,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(mine[0]["status"], "expired");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dpo_searches_the_audit_log_and_exports_everything_on_one_person() {
    let scene = scene("").await;
    indexed(&scene).await;
    let t = scene.traveller_id;
    let url = |path: &str| scene.server.url(path);
    let (status, _) = get(
        &scene.client,
        &url(&format!("/api/v1/travellers/{t}")),
        &scene.officer,
        None,
    )
    .await;
    assert_eq!(status, 200);
    // Only the DPO reads the log.
    let (status, _) = get(
        &scene.client,
        &url("/api/v1/dpo/audit"),
        &scene.analyst,
        None,
    )
    .await;
    assert_eq!(status, 403);
    let (status, records) = get(
        &scene.client,
        &url(&format!(
            "/api/v1/dpo/audit?object=traveller:{t}&action=consult"
        )),
        &scene.dpo,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let records = records.as_array().expect("array").clone();
    assert!(!records.is_empty());
    assert!(records
        .iter()
        .any(|r| r["route"] == "GET /api/v1/travellers/{id}"));
    // Reading the log is logged.
    let record = head(&scene.store).await;
    assert_eq!(record.event.route.as_deref(), Some("GET /api/v1/dpo/audit"));
    assert_eq!(record.event.purpose.as_deref(), Some("dpo_oversight"));
    // Retention status: the two travellers of the API list, received just now.
    let (status, retention) = get(
        &scene.client,
        &url("/api/v1/dpo/retention"),
        &scene.dpo,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let versions = &retention["traveller_versions"][0];
    assert_eq!(versions["regime"], "api");
    assert_eq!(versions["under_48_hours"], 2);
    assert_eq!(versions["over_5_years"], 0);
    assert_eq!(retention["raw_messages"][0]["under_48_hours"], 1);
    // Statistics: counts only.
    let (status, statistics) = get(
        &scene.client,
        &url("/api/v1/dpo/statistics"),
        &scene.dpo,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(statistics["travellers"], 2);
    assert_eq!(statistics["flights"], 1);
    let text = statistics.to_string().to_uppercase();
    for value in ["TRENSCHEL", "VOLKMAR", "C4KX81T27", "EXAMPLE"] {
        assert!(!text.contains(value), "statistics hold {value}");
    }
    // Subject access, by id and by name and birth date: the same person's records, audited as an export.
    let (status, by_id) = get(
        &scene.client,
        &url(&format!("/api/v1/dpo/subject-access?traveller_id={t}")),
        &scene.dpo,
        None,
    )
    .await;
    assert_eq!(status, 200);
    assert_eq!(by_id["travellers"][0]["id"], t);
    let versions = by_id["travellers"][0]["versions"]
        .as_array()
        .expect("versions");
    assert_eq!(versions[0]["record"]["surname"], "TRENSCHEL");
    assert_eq!(versions[0]["message_id"], scene.message_id);
    let record = head(&scene.store).await;
    assert_eq!(record.event.action, "export");
    assert_eq!(record.event.object, format!("traveller:{t}"));
    assert_eq!(record.event.purpose.as_deref(), Some("subject_access"));
    let (status, by_name) = get(
        &scene.client,
        &url("/api/v1/dpo/subject-access?surname=TRENSCHEL&given_names=VOLKMAR&birth_date=1971-03-14"),
        &scene.dpo,
        None,
    )
    .await;
    assert_eq!(status, 200);
    let found: Vec<i64> = by_name["travellers"]
        .as_array()
        .expect("travellers")
        .iter()
        .filter_map(|t| t["id"].as_i64())
        .collect();
    assert_eq!(found, vec![t], "the bystander is not in the export");
    let (status, _) = get(
        &scene.client,
        &url("/api/v1/dpo/subject-access?surname=TRENSCHEL"),
        &scene.dpo,
        None,
    )
    .await;
    assert_eq!(status, 400, "a name alone is not enough");
}

const WEB_PASSWORD: &str = "correct horse battery staple 7";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dpo_pages_find_an_officers_decision_and_export_everything_on_one_person() {
    let scene = scene("").await;
    indexed(&scene).await;
    let t = scene.traveller_id;
    let alert = scene.alert_id;
    let (status, _) = post_json(
        &scene.client,
        &scene
            .server
            .url(&format!("/api/v1/alerts/{alert}/decision")),
        &scene.officer,
        json!({"outcome": "dismiss", "reason": "namesake, birth date differs"}),
    )
    .await;
    assert_eq!(status, 200);
    scene
        .server
        .add_user_with_password("dpo.web", "dpo", WEB_PASSWORD);
    let browser = scene.server.browser();
    let dpo = sign_in(&scene.server, &browser, "dpo.web", WEB_PASSWORD).await;
    let url = |path: &str| scene.server.url(path);

    // The audit search by object type and id finds the officer's decision: action, user, purpose.
    let (status, html) = page(
        &browser,
        &url(&format!(
            "/console/dpo/audit?object_kind=alert&object_id={alert}&action=alter"
        )),
        &dpo.cookie,
    )
    .await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("id=\"audit-records\""), "{html}");
    for expected in [
        "alter",
        "(officer.one)",
        "pre_arrival_assessment",
        "POST /api/v1/alerts/{id}/decision",
    ] {
        assert!(html.contains(expected), "{expected} missing");
    }
    let record = head(&scene.store).await;
    assert_eq!(
        record.event.route.as_deref(),
        Some("GET /console/dpo/audit")
    );
    assert_eq!(record.event.purpose.as_deref(), Some("dpo_oversight"));
    // By user name and purpose: the officer's consultations, none of the DPO's.
    let (status, html) = page(
        &browser,
        &url("/console/dpo/audit?user=officer.one&purpose=dpo_oversight"),
        &dpo.cookie,
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("No audit record matches."), "{html}");
    let (status, html) = page(
        &browser,
        &url("/console/dpo/audit?user=nobody.here"),
        &dpo.cookie,
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("no user of that name"));

    // Retention status and statistics: counts, no personal data.
    let (status, html) = page(&browser, &url("/console/dpo/retention"), &dpo.cookie).await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"retention-versions\""), "{html}");
    let (status, html) = page(&browser, &url("/console/dpo/statistics"), &dpo.cookie).await;
    assert_eq!(status, 200);
    for value in ["TRENSCHEL", "VOLKMAR", "C4KX81T27", "EXAMPLE"] {
        assert!(
            !html.to_uppercase().contains(value),
            "statistics show {value}"
        );
    }

    // Subject access by name and birth date, and by document: the person's records, not the bystander's.
    for query in [
        "surname=TRENSCHEL&given_names=VOLKMAR&birth_date=1971-03-14",
        "document=C4KX81T27",
    ] {
        let (status, html) = page(
            &browser,
            &url(&format!("/console/dpo/subject-access?{query}")),
            &dpo.cookie,
        )
        .await;
        assert_eq!(status, 200, "{html}");
        assert!(html.contains(&format!("Traveller {t} ")), "{query}: {html}");
        assert!(html.contains("TRENSCHEL"));
        assert!(!html.contains("EXAMPLE"), "the bystander is not shown");
        let record = head(&scene.store).await;
        assert_eq!(record.event.object, format!("traveller:{t}"));
        assert_eq!(record.event.purpose.as_deref(), Some("subject_access"));
    }
    let response = browser
        .get(url("/console/dpo/subject-access.json?document=C4KX81T27"))
        .header("cookie", &dpo.cookie)
        .send()
        .await
        .expect("sent");
    assert_eq!(response.status().as_u16(), 200);
    assert!(response.headers()["content-disposition"]
        .to_str()
        .expect("header")
        .starts_with("attachment"));
    let export: serde_json::Value = response.json().await.expect("json");
    assert_eq!(export["travellers"][0]["id"], t);
    let record = head(&scene.store).await;
    assert_eq!(
        record.event.action, "export",
        "the download is audited as an export"
    );
    assert_eq!(record.event.object, format!("traveller:{t}"));

    // Unmask requests with their decisions.
    let id = request_unmask(&scene).await;
    let (status, _) = post_json(
        &scene.client,
        &url(&format!("/api/v1/unmask-requests/{id}/decision")),
        &scene.approver,
        json!({"decision": "refuse", "reason": "grounds not shown"}),
    )
    .await;
    assert_eq!(status, 200);
    let (status, html) = page(&browser, &url("/console/dpo/unmask-requests"), &dpo.cookie).await;
    assert_eq!(status, 200);
    assert!(
        html.contains("grounds not shown") && html.contains("refused"),
        "{html}"
    );
    assert!(html.contains("analyst.one"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dpo_exports_the_documentation_of_accounts_and_processing_operations() {
    let scene = scene("").await;
    let url = scene.server.url("/api/v1/dpo/documentation");
    let (status, _) = get(&scene.client, &url, &scene.admin, None).await;
    assert_eq!(status, 403, "for the DPO");
    let (status, doc) = get(&scene.client, &url, &scene.dpo, None).await;
    assert_eq!(status, 200);
    let staff = doc["staff"].as_array().expect("staff");
    let role_of = |name: &str| {
        staff
            .iter()
            .find(|s| s["name"] == name)
            .map(|s| s["role"].clone())
    };
    assert_eq!(role_of("officer.one"), Some(json!("officer")));
    assert_eq!(role_of("dpo.one"), Some(json!("dpo")));
    assert_eq!(role_of("judge.one"), Some(json!("approver")));
    assert!(staff
        .iter()
        .any(|s| s["authority"] == "Investigating judge"));
    assert_eq!(doc["carriers"][0]["carrier"], "XA");
    let processing = doc["processing"].as_array().expect("processing");
    let decision = processing
        .iter()
        .find(|p| p["path"] == "/api/v1/alerts/{id}/decision")
        .expect("the decision operation");
    assert_eq!(decision["roles"], json!(["officer"]));
    assert_eq!(decision["audit_action"], "alter");
    assert_eq!(decision["purpose"], "pre_arrival_assessment");
    assert_eq!(
        doc["retention"]["api_law_enforcement"],
        doc["retention"]["pnr_law_enforcement"]
    );
    let text = doc.to_string();
    assert!(!text.contains("pxw_"), "no token in the documentation");
    let record = head(&scene.store).await;
    assert_eq!(record.event.object, "documentation");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_analyst_asks_for_unmasking_in_the_console_and_opens_the_approved_view() {
    let scene = scene("").await;
    let t = scene.traveller_id;
    let url = |path: &str| scene.server.url(path);
    scene
        .server
        .add_user_with_password("analyst.web", "analyst", WEB_PASSWORD);
    scene
        .server
        .add_user_with_password("analyst.other", "analyst", WEB_PASSWORD);
    let browser = scene.server.browser();
    let analyst = sign_in(&scene.server, &browser, "analyst.web", WEB_PASSWORD).await;

    let (status, html) = page(
        &browser,
        &url(&format!("/console/unmask-requests?traveller_id={t}")),
        &analyst.cookie,
    )
    .await;
    assert_eq!(status, 200);
    assert!(html.contains("id=\"unmask-form\""));
    let t_text = t.to_string();
    let send = |legal_category: &'static str, csrf: String| {
        let browser = browser.clone();
        let cookie = analyst.cookie.clone();
        let target = url("/console/unmask-requests");
        let t_text = t_text.clone();
        async move {
            browser
                .post(target)
                .header("cookie", cookie)
                .form(&[
                    ("csrf_token", csrf.as_str()),
                    ("traveller_id", t_text.as_str()),
                    ("purpose", "case_request"),
                    ("legal_category", legal_category),
                    ("justification", "case 2026/31, request of the prosecutor"),
                ])
                .send()
                .await
                .expect("sent")
        }
    };
    let refused = send("terrorism", "0".repeat(64)).await;
    assert_eq!(refused.status().as_u16(), 403, "a wrong CSRF token");
    let outside = send("shoplifting", analyst.csrf.clone()).await;
    assert_eq!(
        outside.status().as_u16(),
        400,
        "a category outside Annex II"
    );
    let made = send("terrorism", analyst.csrf.clone()).await;
    assert_eq!(made.status().as_u16(), 303);
    let record = head(&scene.store).await;
    assert_eq!(record.event.action, "request");
    assert_eq!(record.event.object, format!("traveller:{t}"));
    assert_eq!(record.event.outcome.as_deref(), Some("303"));

    let (_, html) = page(&browser, &url("/console/unmask-requests"), &analyst.cookie).await;
    assert!(html.contains("pending"), "{html}");
    let (_, mine) = get(
        &scene.client,
        &url("/api/v1/approver/unmask-requests"),
        &scene.approver,
        None,
    )
    .await;
    let id = mine[0]["id"].as_i64().expect("id");
    let view = url(&format!("/console/unmask-requests/{id}/traveller"));
    let (status, _) = page(&browser, &view, &analyst.cookie).await;
    assert_eq!(status, 403, "not yet approved");
    let (status, _) = post_json(
        &scene.client,
        &url(&format!("/api/v1/unmask-requests/{id}/decision")),
        &scene.approver,
        json!({"decision": "approve", "reason": "grounds shown"}),
    )
    .await;
    assert_eq!(status, 200);
    let (_, html) = page(&browser, &url("/console/unmask-requests"), &analyst.cookie).await;
    assert!(
        html.contains("approved")
            && html.contains(&format!("/console/unmask-requests/{id}/traveller"))
    );
    let (status, html) = page(&browser, &view, &analyst.cookie).await;
    assert_eq!(status, 200, "{html}");
    assert!(html.contains("TRENSCHEL"), "{html}");
    let record = head(&scene.store).await;
    assert_eq!(
        record.event.action, "unmask",
        "the unmasked view is audited"
    );
    assert_eq!(record.event.object, format!("traveller:{t}"));
    assert_eq!(record.event.outcome.as_deref(), Some("200"));
    // Another analyst cannot use the approval.
    let other = sign_in(&scene.server, &browser, "analyst.other", WEB_PASSWORD).await;
    let (status, html) = page(&browser, &view, &other.cookie).await;
    assert_eq!(status, 403);
    assert!(!html.contains("TRENSCHEL"));
}
