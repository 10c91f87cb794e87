//! Documents on an application through the use cases: upload, list, read back, delete,
//! history, the required documents at submission, frozen after submission, supplements,
//! limits, types, names, and access exactly as the application's.
#![allow(clippy::unwrap_used)]

mod common;

use std::io::Cursor;

use common::*;
use sha2::{Digest, Sha256};
use subsidie_domain::documents::samples;
use subsidie_service::application::{self as applications, Action};
use subsidie_service::documents::{self, DocumentLimits, Upload};
use subsidie_service::{allocation, queries, registry, Actor, Pool, Role, ServiceError};
use subsidie_store::documents::{hex, DatabaseChunks};
use subsidie_store::rows::DocumentRow;

fn upload(
    pool: &Pool,
    actor: &Actor,
    id: &str,
    kind: &str,
    name: &str,
    bytes: Vec<u8>,
) -> Result<DocumentRow, ServiceError> {
    upload_limited(
        pool,
        actor,
        id,
        kind,
        name,
        bytes,
        &DocumentLimits::default(),
    )
}

fn upload_limited(
    pool: &Pool,
    actor: &Actor,
    id: &str,
    kind: &str,
    name: &str,
    bytes: Vec<u8>,
    limits: &DocumentLimits,
) -> Result<DocumentRow, ServiceError> {
    let mut content = Cursor::new(bytes);
    documents::upload(
        pool,
        &DatabaseChunks,
        actor,
        id,
        Upload {
            kind: kind.to_owned(),
            file_name: name.to_owned(),
            content: &mut content,
        },
        limits,
        t0(),
    )
}

fn read_back(pool: &Pool, actor: &Actor, app: &str, doc: &str) -> Vec<u8> {
    let row = documents::open(pool, actor, app, doc).unwrap();
    let mut out = Vec::new();
    let mut index = 0;
    while let Some(chunk) = documents::chunk(pool, &DatabaseChunks, &row.id, index).unwrap() {
        out.extend_from_slice(&chunk);
        index += 1;
    }
    out
}

/// A bare draft under `uitvoering`, without its documents.
fn bare_draft(pool: &Pool, actor: &Actor) -> String {
    applications::create_draft(
        pool,
        actor,
        &new_app("uitvoering", None, "1000000.00"),
        t0(),
    )
    .unwrap()
    .id
}

#[test]
fn submission_is_refused_naming_each_missing_required_document() {
    let w = world();
    let pool = &w.pool;
    let (a, _) = applicant(pool, "r01");
    let id = bare_draft(pool, &a);
    let refused = writes_nothing(pool, || {
        applications::execute(pool, &a, &id, None, &Action::Submit, t0())
    });
    let Err(ServiceError::Validation(fields)) = refused else {
        panic!("expected a refusal, got {refused:?}");
    };
    let messages: Vec<&str> = fields
        .iter()
        .filter(|f| f.field == "documenten")
        .map(|f| f.message.as_str())
        .collect();
    assert_eq!(messages.len(), 2, "{fields:?}");
    assert!(messages[0].contains("Projectplan") && messages[0].contains("'projectplan'"));
    assert!(messages[1].contains("Begroting") && messages[1].contains("'begroting'"));

    upload(
        pool,
        &a,
        &id,
        "projectplan",
        "plan.pdf",
        samples::pdf("plan"),
    )
    .unwrap();
    let refused = applications::execute(pool, &a, &id, None, &Action::Submit, t0());
    let Err(ServiceError::Validation(fields)) = refused else {
        panic!("expected a refusal, got {refused:?}");
    };
    let fields: Vec<_> = fields.iter().filter(|f| f.field == "documenten").collect();
    assert_eq!(fields.len(), 1);
    assert!(fields[0].message.contains("Begroting"));

    upload(
        pool,
        &a,
        &id,
        "begroting",
        "begroting.xlsx",
        samples::xlsx(),
    )
    .unwrap();
    // The consortium the instrument asks for, beside the documents.
    subsidie_service::testing::attach_partners(pool, &a, &id, t0()).unwrap();
    act(pool, &a, &id, Action::Submit, t0());
    // Instruments without required documents are submitted as before.
    let voucher =
        draft_at_t0(pool, &a, "discipline-voucher", Some("farmacie"), "25000.00").unwrap();
    assert!(documents::list(pool, &a, &voucher.id).unwrap().is_empty());
    act(pool, &a, &voucher.id, Action::Submit, t0());
}

#[test]
fn the_same_bytes_come_out_with_their_hash_and_history_records_upload_and_delete() {
    let w = world();
    let pool = &w.pool;
    let (a, _) = applicant(pool, "r02");
    let id = bare_draft(pool, &a);
    // Larger than one chunk, not a multiple of it.
    let mut big = samples::pdf("groot");
    big.splice(10..10, (0..700_000u32).map(|i| (i % 251) as u8));
    let row = upload(
        pool,
        &a,
        &id,
        "projectplan",
        "Projectplan régio.pdf",
        big.clone(),
    )
    .unwrap();
    assert_eq!(row.size_bytes, big.len() as i64);
    assert_eq!(row.sha256, hex(&Sha256::digest(&big)));
    assert_eq!(row.media_type, "application/pdf");
    assert!(!row.supplement);
    assert_eq!(read_back(pool, &a, &id, &row.id), big);

    let list = documents::list(pool, &a, &id).unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0].file_name, "Projectplan régio.pdf");

    documents::delete(pool, &DatabaseChunks, &a, &id, &row.id, t0()).unwrap();
    assert!(documents::list(pool, &a, &id).unwrap().is_empty());
    assert!(documents::chunk(pool, &DatabaseChunks, &row.id, 0)
        .unwrap()
        .is_none());
    let h = queries::history(pool, &a, &id).unwrap();
    let commands: Vec<&str> = h.iter().map(|h| h.command.as_str()).collect();
    assert_eq!(
        commands,
        ["aanmaken", "document_toevoegen", "document_verwijderen"]
    );
    assert!(h[1].reason.as_deref().unwrap().contains(&row.sha256));
    assert_eq!(h[1].to_state, "concept");

    // A draft deleted with its documents leaves no chunk behind.
    let again = upload(pool, &a, &id, "overig", "foto.png", samples::png()).unwrap();
    act_deleted(pool, &a, &id);
    assert!(documents::chunk(pool, &DatabaseChunks, &again.id, 0)
        .unwrap()
        .is_none());
}

fn act_deleted(pool: &Pool, a: &Actor, id: &str) {
    applications::execute(pool, a, id, None, &Action::Delete, t0()).unwrap();
}

#[test]
fn documents_are_frozen_after_submission_and_a_supplement_only_adds() {
    let w = world();
    let pool = &w.pool;
    let (a, _) = applicant(pool, "r03");
    let draft = draft_at_t0(pool, &a, "uitvoering", None, "1000000.00").unwrap();
    let id = draft.id;
    act(pool, &a, &id, Action::Submit, t0());
    let plan = documents::list(pool, &a, &id).unwrap()[0].clone();
    let before = snapshot(pool);
    let frozen = upload(pool, &a, &id, "overig", "extra.pdf", samples::pdf("x"));
    assert!(
        matches!(&frozen, Err(ServiceError::Conflict(m)) if m.contains("ingediend")),
        "{frozen:?}"
    );
    let removed = documents::delete(pool, &DatabaseChunks, &a, &id, &plan.id, t0());
    assert!(
        matches!(&removed, Err(ServiceError::Conflict(m)) if m.contains("vast")),
        "{removed:?}"
    );
    assert_eq!(snapshot(pool), before);

    let admin = Actor::system();
    allocation::run(pool, &admin, "uitvoering", None, t0()).unwrap();
    let reviewer = staff(pool, Role::Reviewer);
    act(pool, &reviewer, &id, Action::StartReview, t0());
    act(
        pool,
        &reviewer,
        &id,
        Action::RequestSupplement {
            request: "Stuur de begroting per jaar.".into(),
        },
        t0(),
    );
    let added = upload(
        pool,
        &a,
        &id,
        "aanvulling",
        "begroting-per-jaar.ods",
        samples::ods(),
    )
    .unwrap();
    assert!(added.supplement);
    let removed = documents::delete(pool, &DatabaseChunks, &a, &id, &added.id, t0());
    assert!(matches!(removed, Err(ServiceError::Conflict(_))));
    act(
        pool,
        &a,
        &id,
        Action::Supply {
            note: "Bijgevoegd.".into(),
        },
        t0(),
    );
    assert_eq!(documents::list(pool, &reviewer, &id).unwrap().len(), 3);
    assert!(upload(pool, &a, &id, "aanvulling", "nog.pdf", samples::pdf("y")).is_err());
}

#[test]
fn access_is_exactly_the_applications() {
    let w = world();
    let pool = &w.pool;
    let (a, _) = applicant(pool, "r04");
    let (other, _) = applicant(pool, "r05");
    let draft = draft_at_t0(pool, &a, "uitvoering", None, "1000000.00").unwrap();
    let id = draft.id;
    let doc = documents::list(pool, &a, &id).unwrap()[0].id.clone();
    let reviewer = staff(pool, Role::Reviewer);
    let conflicted = staff(pool, Role::Reviewer);
    let finance = staff(pool, Role::Finance);
    let admin = staff(pool, Role::Admin);
    registry::declare_conflict(
        pool,
        &Actor::system(),
        conflicted.user_id.as_deref().unwrap(),
        "r04",
        t0(),
    )
    .unwrap();
    let not_found = |r: Result<(), ServiceError>| matches!(r, Err(ServiceError::NotFound { .. }));

    // Another organisation, and staff while it is a concept: not found.
    for actor in [&other, &reviewer, &finance, &admin] {
        assert!(not_found(documents::list(pool, actor, &id).map(|_| ())));
        assert!(not_found(
            documents::open(pool, actor, &id, &doc).map(|_| ())
        ));
    }
    assert!(not_found(
        upload(pool, &other, &id, "overig", "x.pdf", samples::pdf("x")).map(|_| ())
    ));
    assert!(not_found(documents::delete(
        pool,
        &DatabaseChunks,
        &other,
        &id,
        &doc,
        t0()
    )));

    act(pool, &a, &id, Action::Submit, t0());
    for actor in [&reviewer, &finance, &admin] {
        assert_eq!(documents::list(pool, actor, &id).unwrap().len(), 2);
        assert_eq!(
            read_back(pool, actor, &id, &doc),
            samples::pdf("Projectplan, ondertekend door de partners")
        );
    }
    for actor in [&other, &conflicted] {
        assert!(not_found(documents::list(pool, actor, &id).map(|_| ())));
        assert!(not_found(
            documents::open(pool, actor, &id, &doc).map(|_| ())
        ));
    }
    // A document of another application is not found under this one.
    let (c, _) = applicant(pool, "r06");
    let theirs = draft_at_t0(pool, &c, "uitvoering", None, "1000000.00").unwrap();
    assert!(not_found(
        documents::open(
            pool,
            &a,
            &id,
            &documents::list(pool, &c, &theirs.id).unwrap()[0].id
        )
        .map(|_| ())
    ));
    // Only applicants upload.
    assert!(matches!(
        upload(pool, &reviewer, &id, "overig", "x.pdf", samples::pdf("x")),
        Err(ServiceError::Forbidden(_))
    ));
}

#[test]
fn bad_files_are_refused_clearly_and_nothing_is_stored() {
    let w = world();
    let pool = &w.pool;
    let (a, _) = applicant(pool, "r07");
    let id = bare_draft(pool, &a);
    let before = snapshot(pool);
    let refusals = [
        upload(pool, &a, &id, "projectplan", "leeg.pdf", Vec::new()),
        upload(
            pool,
            &a,
            &id,
            "projectplan",
            "nep.pdf",
            b"Dit is geen PDF".to_vec(),
        ),
        upload(
            pool,
            &a,
            &id,
            "projectplan",
            "half.pdf",
            b"%PDF-1.4 en dan niets".to_vec(),
        ),
        upload(
            pool,
            &a,
            &id,
            "projectplan",
            "../../etc/passwd",
            samples::pdf("x"),
        ),
        upload(
            pool,
            &a,
            &id,
            "projectplan",
            "plan\u{7}.pdf",
            samples::pdf("x"),
        ),
        upload(pool, &a, &id, "brief", "brief.pdf", samples::pdf("x")),
        upload(pool, &a, &id, "", "plan.pdf", samples::pdf("x")),
        upload(
            pool,
            &a,
            &id,
            "projectplan",
            "pagina.html",
            b"<html><script>alert(1)</script>".to_vec(),
        ),
    ];
    assert_eq!(snapshot(pool), before);
    let texts: Vec<String> = refusals
        .iter()
        .map(|r| match r {
            Err(e) => e.to_string(),
            Ok(row) => panic!("stored {row:?}"),
        })
        .collect();
    assert!(texts[0].contains("leeg"), "{}", texts[0]);
    assert!(matches!(refusals[1], Err(ServiceError::UnsupportedType(_))));
    assert!(
        texts[1].contains("PDF, DOCX, XLSX, ODT, ODS, PNG of JPEG"),
        "{}",
        texts[1]
    );
    assert!(matches!(refusals[2], Err(ServiceError::UnsupportedType(_))));
    assert!(texts[3].contains("map"), "{}", texts[3]);
    assert!(texts[4].contains("stuurtekens"), "{}", texts[4]);
    assert!(
        texts[5].contains("'projectplan', 'begroting', 'aanvulling', 'overig'"),
        "{}",
        texts[5]
    );
    assert!(texts[6].contains("soort"), "{}", texts[6]);
    assert!(matches!(refusals[7], Err(ServiceError::UnsupportedType(_))));

    // A PDF with JavaScript is stored (it is only ever downloaded).
    let js = upload(
        pool,
        &a,
        &id,
        "overig",
        "script.pdf",
        samples::pdf_with_javascript(),
    )
    .unwrap();
    assert_eq!(js.media_type, "application/pdf");
}

#[test]
fn limits_per_file_and_per_application() {
    let w = world();
    let pool = &w.pool;
    let (a, _) = applicant(pool, "r08");
    let id = bare_draft(pool, &a);
    let limits = DocumentLimits {
        max_file_bytes: 4096,
        max_application_bytes: 10_000,
    };
    let sized = |n: usize| {
        let mut b = samples::pdf("x");
        b.splice(10..10, std::iter::repeat_n(b'a', n - b.len()));
        b
    };
    let at_limit = upload_limited(pool, &a, &id, "overig", "a.pdf", sized(4096), &limits).unwrap();
    assert_eq!(at_limit.size_bytes, 4096);
    let over = upload_limited(pool, &a, &id, "overig", "b.pdf", sized(4097), &limits);
    assert!(
        matches!(&over, Err(ServiceError::TooLarge(m)) if m.contains("4096 bytes")),
        "{over:?}"
    );
    upload_limited(pool, &a, &id, "overig", "c.pdf", sized(4096), &limits).unwrap();
    let before = snapshot(pool);
    // 8192 stored; 1808 more fit, 1810 do not.
    let total = upload_limited(pool, &a, &id, "overig", "d.pdf", sized(1810), &limits);
    assert!(
        matches!(&total, Err(ServiceError::TooLarge(m)) if m.contains("samen")),
        "{total:?}"
    );
    assert_eq!(snapshot(pool), before);
    upload_limited(pool, &a, &id, "overig", "e.pdf", sized(1808), &limits).unwrap();
}
