//! Authorisation lives in the services layer: calling services directly with the wrong
//! role is refused, whatever the UI shows. Roster changes and own-record opens are
//! audited.

use chartroom_domain::{AccessAction, Patient, PatientFlags, Role, SystemClock};
use chartroom_services::{
    BreakGlass, BreakGlassReason, NewUser, OpenChart, ServiceError, Services, Session,
};
use chartroom_testkit::{patient, plant_patient};
use chrono::NaiveDate;
use std::sync::Arc;

const KEY: &str =
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGm3ZkBpG3cJcUOyTWl2D8yD1pK9mR4v0P7wKQ0xY2a3 clerk@desk";

fn new_user(name: &str, role: Role) -> NewUser {
    NewUser {
        username: name.into(),
        display_name: String::new(),
        role,
        department: "HIM".into(),
        ssh_keys: vec![KEY.into()],
    }
}

fn session_of(user: chartroom_domain::StaffUser) -> Session {
    Session {
        user,
        id: "test".into(),
        client: "127.0.0.1:5000".into(),
    }
}

#[test]
fn the_wrong_role_is_refused_by_services_and_roster_changes_are_audited() {
    let dir = tempfile::tempdir().expect("tempdir");
    let services = Services::open(dir.path(), Arc::new(SystemClock)).expect("open");
    let admin = services.local_session("boss").expect("local admin");
    assert_eq!(admin.user.role, Role::Admin);

    let clerk = services
        .add_user(&admin, new_user("clerk1", Role::Clerk))
        .expect("admin adds");
    let clerk = session_of(clerk);
    let refused = services.add_user(&clerk, new_user("clerk2", Role::Clerk));
    assert!(
        matches!(refused, Err(ServiceError::Forbidden { .. })),
        "{refused:?}"
    );
    assert!(matches!(
        services.list_users(&clerk),
        Err(ServiceError::Forbidden { .. })
    ));
    assert!(matches!(
        services.disable_user(&clerk, "boss"),
        Err(ServiceError::Forbidden { .. })
    ));
    let bad = services.add_user(&admin, new_user("Bad Name", Role::Clerk));
    assert!(matches!(bad, Err(ServiceError::Invalid { .. })), "{bad:?}");

    let disabled = services
        .disable_user(&admin, "clerk1")
        .expect("admin disables");
    assert!(disabled.disabled);
    // A disabled user's session can no longer open charts.
    let stale = session_of(disabled);
    let read = services.store_for_tests().read().expect("read");
    let roster: Vec<_> = read
        .audit_by_user(admin.user.id, 10)
        .expect("audit")
        .into_iter()
        .filter(|e| e.event.action == AccessAction::UserAdmin)
        .map(|e| e.event.detail)
        .collect();
    assert_eq!(roster.len(), 2, "{roster:?}");
    assert!(roster
        .iter()
        .any(|d| d.contains("clerk1") && d.contains("disabled")));
    drop(read);
    let id = plant_patient(
        services.store_for_tests(),
        patient("Ann", "Example", (1970, 1, 1)),
    )
    .id;
    assert!(matches!(
        services.open_chart(&stale, id, None),
        Err(ServiceError::Forbidden { .. })
    ));
}

#[test]
fn a_users_own_record_needs_a_reason_and_is_flagged() {
    let dir = tempfile::tempdir().expect("tempdir");
    let services = Services::open(dir.path(), Arc::new(SystemClock)).expect("open");
    let admin = services.local_session("boss").expect("local admin");
    let clerk = services
        .add_user(&admin, new_user("clerk1", Role::Clerk))
        .expect("add");
    let own = Patient {
        staff_link: Some(clerk.id),
        ..patient("Clara", "Clerk", (1980, 5, 5))
    };
    let id = plant_patient(services.store_for_tests(), own).id;
    let clerk = session_of(clerk);
    match services.open_chart(&clerk, id, None).expect("open") {
        OpenChart::NeedsReason { flags, .. } => assert!(flags.contains(&"OWN RECORD"), "{flags:?}"),
        OpenChart::Opened(_) => panic!("own record opened without a reason"),
    }
    // Others open it normally.
    assert!(matches!(
        services.open_chart(&admin, id, None).expect("open"),
        OpenChart::Opened(_)
    ));
    let glass = BreakGlass {
        reason: BreakGlassReason::Other,
        explanation: "checking my own allergy list".into(),
    };
    assert!(matches!(
        services.open_chart(&clerk, id, Some(glass)).expect("open"),
        OpenChart::Opened(_)
    ));
    let read = services.store_for_tests().read().expect("read");
    let events = read.audit_for_patient(id, 10).expect("audit");
    let flagged: Vec<_> = events.iter().filter(|e| e.event.flagged).collect();
    assert_eq!(flagged.len(), 1);
    assert_eq!(flagged[0].event.action, AccessAction::BreakGlass);
    assert_eq!(flagged[0].event.client, "127.0.0.1:5000");
    assert_eq!(flagged[0].event.role, Some(Role::Clerk));
}

#[test]
fn note_search_lists_sensitive_notes_but_withholds_their_text() {
    use chartroom_domain::{Document, DocumentType, SignatureStatus};
    use chartroom_services::NoteQuery;
    let dir = tempfile::tempdir().expect("tempdir");
    let services = Services::open(dir.path(), Arc::new(SystemClock)).expect("open");
    let admin = services.local_session("boss").expect("local admin");
    let mut tx = services.store_for_tests().write().expect("tx");
    for (given, vip) in [("Open", false), ("Famous", true)] {
        let id = tx.next_patient_id().expect("id");
        let mrn = tx.next_mrn().expect("mrn");
        let mut planted = patient(given, "Example", (1970, 1, 1));
        planted.flags = PatientFlags {
            vip,
            ..PatientFlags::default()
        };
        tx.put_patient(&Patient { id, mrn, ..planted })
            .expect("put");
        let doc = tx.next_document_id().expect("doc id");
        tx.put_document(&Document {
            id: doc,
            patient: id,
            encounter: None,
            doc_type: DocumentType::ProgressNote,
            title: "Progress".into(),
            author: None,
            time: NaiveDate::from_ymd_opt(2026, 1, 1)
                .expect("date")
                .and_hms_opt(9, 0, 0)
                .expect("time"),
            signature: SignatureStatus::Signed,
            text: "Wheezing improved after nebulized albuterol.".into(),
            offset_secs: 0,
            source_id: None,
            type_codes: Vec::new(),
            sensitivity: Vec::new(),
        })
        .expect("put doc");
    }
    tx.commit().expect("commit");
    services.sync_index().expect("index");
    let query = NoteQuery {
        text: "albuterol".into(),
        ..NoteQuery::default()
    };
    let results = services.search_notes(&admin, &query, 10).expect("search");
    assert_eq!(results.len(), 2, "both notes are listed");
    for r in &results {
        let withheld = r.hit.snippet.text == chartroom_services::WITHHELD_SNIPPET;
        assert_eq!(
            withheld,
            r.patient_name.contains("Famous"),
            "{}",
            r.patient_name
        );
        assert_eq!(withheld, r.hit.snippet.marks.is_empty());
    }
}

/// Every use case checks the role before it does anything: a user without the
/// permission gets "<role> users may not <what>" and the refusal is in the audit trail.
/// Chart searches and opens are open to every role, so a disabled user stands in there.
#[test]
fn every_service_method_refuses_the_wrong_role_and_audits_the_refusal() {
    use chartroom_domain::{DocumentId, Mrn, PatientId};
    use chartroom_services::{ExportOptions, NoteQuery};

    let dir = tempfile::tempdir().expect("tempdir");
    let services = Services::open(dir.path(), Arc::new(SystemClock)).expect("open");
    let admin = services.local_session("boss").expect("local admin");
    let clerk = session_of(
        services
            .add_user(&admin, new_user("clerk1", Role::Clerk))
            .expect("clerk"),
    );
    services
        .add_user(&admin, new_user("gone1", Role::Analyst))
        .expect("analyst");
    let gone = session_of(services.disable_user(&admin, "gone1").expect("disable"));
    let out = dir.path().join("out");
    let src = dir.path().join("in");

    type Call<'a> = Box<dyn Fn() -> Result<(), ServiceError> + 'a>;
    let s = &services;
    let calls: Vec<(&str, &Session, &str, Call<'_>)> = vec![
        (
            "search_patients",
            &gone,
            "search charts",
            Box::new(|| s.search_patients(&gone, "smith", 5).map(drop)),
        ),
        (
            "search_notes",
            &gone,
            "search charts",
            Box::new(|| s.search_notes(&gone, &NoteQuery::default(), 5).map(drop)),
        ),
        (
            "search_batch",
            &gone,
            "search charts",
            Box::new(|| s.search_batch(&gone, "file").map(drop)),
        ),
        (
            "patient_by_mrn",
            &gone,
            "search charts",
            Box::new(|| s.patient_by_mrn(&gone, Mrn(100001)).map(drop)),
        ),
        (
            "open_chart",
            &gone,
            "open charts",
            Box::new(|| s.open_chart(&gone, PatientId(1), None).map(drop)),
        ),
        (
            "open_document",
            &gone,
            "open charts",
            Box::new(|| s.open_document(&gone, DocumentId(1)).map(drop)),
        ),
        (
            "audit_trail",
            &clerk,
            "read the audit trail",
            Box::new(|| s.audit_trail(&clerk, None, 10).map(drop)),
        ),
        (
            "import_synthea_csv",
            &clerk,
            "import data",
            Box::new(|| s.import_synthea_csv(&clerk, &src).map(drop)),
        ),
        (
            "import_fhir",
            &clerk,
            "import data",
            Box::new(|| s.import_fhir(&clerk, &src).map(drop)),
        ),
        (
            "export_synthea_csv",
            &clerk,
            "export charts",
            Box::new(|| {
                s.export_synthea_csv(&clerk, &out, ExportOptions::default())
                    .map(drop)
            }),
        ),
        (
            "reindex",
            &clerk,
            "rebuild the search index",
            Box::new(|| s.reindex(&clerk).map(drop)),
        ),
        (
            "sample_patients",
            &clerk,
            "administer chartroom",
            Box::new(|| s.sample_patients(&clerk, 5, "eval").map(drop)),
        ),
        (
            "add_user",
            &clerk,
            "change users",
            Box::new(|| s.add_user(&clerk, new_user("x1", Role::Clerk)).map(drop)),
        ),
        (
            "add_user_keys",
            &clerk,
            "change users",
            Box::new(|| {
                s.add_user_keys(&clerk, "clerk1", vec![KEY.into()])
                    .map(drop)
            }),
        ),
        (
            "disable_user",
            &clerk,
            "change users",
            Box::new(|| s.disable_user(&clerk, "boss").map(drop)),
        ),
        (
            "list_users",
            &clerk,
            "list users",
            Box::new(|| s.list_users(&clerk).map(drop)),
        ),
    ];
    for (method, who, what, call) in calls {
        let before = denied_events(&services, &admin, who);
        let err = call().expect_err(method);
        let role = if who.user.disabled {
            "disabled"
        } else {
            who.user.role.code()
        };
        assert_eq!(
            err.to_string(),
            format!("{role} users may not {what}"),
            "{method}"
        );
        assert_eq!(
            denied_events(&services, &admin, who),
            before + 1,
            "{method}: refusal audited once"
        );
    }
    assert!(!out.exists(), "a refused export writes nothing");
}

/// Refusals recorded for `who` so far (read as the admin).
fn denied_events(services: &Services, admin: &Session, who: &Session) -> usize {
    services
        .audit_trail(admin, None, 10_000)
        .expect("trail")
        .into_iter()
        .filter(|e| e.event.event.action == AccessAction::Denied)
        .filter(|e| e.event.event.user == Some(who.user.id))
        .count()
}
