//! The binary end to end: airline message in, canonical view and screening out; list versions.

use paxwatch_tests::{paxwatch_binary, workspace_path};
use std::process::Command;

fn run(args: &[&str]) -> (i32, String, String) {
    let output = Command::new(paxwatch_binary())
        .args(args)
        .output()
        .expect("paxwatch runs");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

#[test]
fn sample_paxlst_canonical_view_keeps_every_traveller_and_the_released_apostrophe() {
    let sample = workspace_path("samples/paxlst-demo.edi");
    let (code, stdout, stderr) = run(&["parse", "--canonical", sample.to_str().unwrap()]);
    assert_eq!(code, 0, "stderr: {stderr}");
    let view: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    let message = &view["interchanges"][0]["messages"][0];
    assert_eq!(message["type"], "PAXLST");
    assert_eq!(message["declared_count"], 3);
    let travellers = message["travellers"].as_array().expect("travellers");
    assert_eq!(travellers.len(), 3);
    assert_eq!(travellers[1]["surname"], "O'NEILL");
    assert_eq!(travellers[2]["documents"][0]["number"], "0B0243318");
    assert_eq!(message["flights"][0]["origin"], "LHR");
}

#[test]
fn bytes_that_are_not_edifact_exit_non_zero_with_the_error_class() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("garbage.edi");
    std::fs::write(&path, b"\x00\xffhello, this is not a message").unwrap();
    let (code, stdout, _) = run(&["parse", "--canonical", path.to_str().unwrap()]);
    assert_ne!(code, 0);
    let view: serde_json::Value = serde_json::from_str(&stdout).expect("one JSON document");
    assert_eq!(view["error"], "not_edifact");
}

#[test]
fn screening_the_sample_raises_the_planted_alert_and_only_it() {
    let watchlist = workspace_path("../shared/eval/watchlist.csv");
    if !watchlist.exists() {
        panic!(
            "{} is missing: the shared material must sit beside the checkout",
            watchlist.display()
        );
    }
    let sample = workspace_path("samples/paxlst-demo.edi");
    let (code, stdout, stderr) = run(&[
        "screen",
        "--json",
        "--watchlist",
        watchlist.to_str().unwrap(),
        sample.to_str().unwrap(),
    ]);
    assert_eq!(code, 0, "stderr: {stderr}");
    let lines: Vec<serde_json::Value> = stdout
        .lines()
        .map(|line| serde_json::from_str(line).expect("JSON lines"))
        .collect();
    let alerts: Vec<(&str, &str)> = lines
        .iter()
        .flat_map(|line| {
            let surname = line["traveller"]["surname"].as_str().unwrap_or("");
            line["candidates"]
                .as_array()
                .into_iter()
                .flatten()
                .filter(|c| c["alert"] == true)
                .map(move |c| (surname, c["entry_id"].as_str().unwrap_or("")))
        })
        .collect();
    // The third traveller is a listed person under an alias spelling, with an OCR-damaged passport.
    assert_eq!(alerts, vec![("NDJABU", "un-CDi.021")]);
    let planted = lines
        .iter()
        .find(|l| l["traveller"]["surname"] == "NDJABU")
        .unwrap();
    let explanation = &planted["candidates"][0]["explanation"];
    assert_eq!(explanation["document"]["outcome"], "ocr_equivalent");
    assert_eq!(explanation["birth_date"]["outcome"], "exact");
}

#[test]
fn importing_a_newer_list_version_reports_what_was_added_removed_and_changed() {
    let dir = tempfile::tempdir().unwrap();
    let header = "id,list,names,birth_dates,nationalities,gender,documents\n";
    let first = dir.path().join("v1.csv");
    let second = dir.path().join("v2.csv");
    std::fs::write(
        &first,
        format!("{header}t-1,TEST,\"EXAMPLE, Alpha\",1970,GBR,M,\nt-2,TEST,\"SAMPLE, Beta\",1980,FRA,F,\nbroken-row-without-columns\n"),
    )
    .unwrap();
    std::fs::write(
        &second,
        format!("{header}t-1,TEST,\"EXAMPLE, Alpha\",1971,GBR,M,\nt-3,TEST,\"DEMO, Gamma\",1990,ESP,,\n"),
    )
    .unwrap();
    let data = dir.path().join("data");
    let data = data.to_str().unwrap();
    let (code, stdout, stderr) = run(&[
        "watchlist",
        "import",
        first.to_str().unwrap(),
        "--format",
        "csv",
        "--list",
        "TEST",
        "--data-dir",
        data,
    ]);
    assert_eq!(code, 0, "stderr: {stderr}");
    let report = format!("{stdout}{stderr}");
    assert!(
        report.contains("line 4"),
        "the bad row is reported with its line: {report}"
    );
    let (code, stdout, stderr) = run(&[
        "watchlist",
        "import",
        second.to_str().unwrap(),
        "--format",
        "csv",
        "--list",
        "TEST",
        "--data-dir",
        data,
    ]);
    assert_eq!(code, 0, "stderr: {stderr}");
    let report = format!("{stdout}{stderr}");
    for id in ["t-1", "t-2", "t-3"] {
        assert!(report.contains(id), "the diff names {id}: {report}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reprocess_parses_a_quarantined_message_and_stores_its_travellers() {
    use store::{ErrorClass, ProcessingState, Quarantine, Store};
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("paxwatch.db");
    let store = Store::open(&format!("sqlite://{}?mode=rwc", path.display()))
        .await
        .unwrap();
    let bytes = std::fs::read(workspace_path("samples/paxlst-demo.edi")).unwrap();
    let id = store
        .insert_raw("DEMO", &bytes, time::OffsetDateTime::now_utc())
        .await
        .unwrap()
        .id;
    // As the endpoint records a message an older reader could not read.
    store
        .record_quarantined(
            id,
            Quarantine {
                reason: "reader failed".into(),
                error_class: ErrorClass::new("syntax").unwrap(),
            },
            time::OffsetDateTime::now_utc(),
        )
        .await
        .unwrap();
    store.close().await;

    let database = format!("sqlite://{}", path.display());
    // The sample's flight has departed: late-API refusal is off for this run.
    let output = Command::new(paxwatch_binary())
        .args(["reprocess", "--database", &database])
        .env("PAXWATCH_API_REFUSED_AFTER_DEPARTURE_HOURS", "0")
        .env("PAXWATCH_DATA_DIR", dir.path().join("data"))
        .output()
        .expect("paxwatch runs");
    let (code, stdout, stderr) = (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    );
    assert_eq!(code, 0, "stderr: {stderr}");
    assert!(stdout.contains("1 parsed, 0 quarantined again"), "{stdout}");

    let store = Store::open(&database).await.unwrap();
    let state = store.processing_state(id).await.unwrap().unwrap();
    assert_eq!(state.state, ProcessingState::Parsed);
    let travellers = store
        .current_traveller_versions_after(None, 100)
        .await
        .unwrap();
    assert_eq!(travellers.len(), 3);
}

#[test]
fn reprocess_refuses_a_missing_database_without_printing_its_url() {
    let dir = tempfile::tempdir().unwrap();
    let database = format!("sqlite://{}/nothing-here.db", dir.path().display());
    let (code, _, stderr) = run(&["reprocess", "--database", &database]);
    assert_ne!(code, 0);
    assert!(!stderr.contains("nothing-here"), "{stderr}");
}
