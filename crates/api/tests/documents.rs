//! Documents over HTTP: multipart upload, list, streamed download with its headers and a
//! matching SHA-256 (also for a 20 MiB file), delete while a concept, access exactly as
//! the application's, and every bad input refused clearly with nothing stored.
#![allow(clippy::unwrap_used)]

mod common;

use common::{
    at, draft, draft_body, multipart_body, raw_bytes, upload, Cast, TestServer, User, BOUNDARY,
};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use subsidie_domain::documents::samples;
use subsidie_store::documents::hex;

const MIB: usize = 1024 * 1024;

fn start() -> (TestServer, Cast) {
    let s = TestServer::start(at(2025, 3, 3, 9));
    let c = Cast::new(&s);
    (s, c)
}

/// A draft under `uitvoering` without documents.
fn bare_draft(s: &TestServer, applicant: &User) -> String {
    let res = s.post(
        applicant,
        "/aanvragen",
        draft_body("uitvoering", "1000000.00", None),
    );
    res.expect(201);
    res.json()["id"].as_str().unwrap().to_owned()
}

/// A PDF of exactly `size` bytes.
fn pdf_of(size: usize) -> Vec<u8> {
    let mut b = samples::pdf("groot");
    let filler = size - b.len();
    b.splice(10..10, (0..filler).map(|i| (i % 253) as u8));
    b
}

fn documents(s: &TestServer, user: &User, id: &str) -> Value {
    let res = s.get(user, &format!("/aanvragen/{id}/documenten"));
    res.expect(200);
    res.json()
}

fn count_rows(s: &TestServer) -> (i64, i64) {
    use diesel::prelude::*;
    use subsidie_store::schema::{document_chunks, documents};
    let mut conn = s.pool.get().unwrap();
    let docs = documents::table.count().get_result(&mut conn).unwrap();
    let chunks = document_chunks::table
        .count()
        .get_result(&mut conn)
        .unwrap();
    (docs, chunks)
}

#[test]
fn a_20_mib_file_comes_back_byte_for_byte_as_an_attachment() {
    let (s, c) = start();
    let id = bare_draft(&s, &c.applicant_a);
    let content = pdf_of(20 * MIB);
    let res = upload(
        &s,
        &c.applicant_a,
        &id,
        "projectplan",
        "Projectplan \"regio\" één.pdf",
        &content,
    );
    res.expect(201);
    let doc = res.json();
    let sha = hex(&Sha256::digest(&content));
    assert_eq!(doc["sha256"], json!(sha));
    assert_eq!(doc["grootte"], json!(20 * MIB));
    assert_eq!(doc["mediatype"], json!("application/pdf"));
    assert_eq!(doc["bestandsnaam"], json!("Projectplan \"regio\" één.pdf"));
    let href = doc["_links"]["self"]["href"].as_str().unwrap().to_owned();
    assert_eq!(res.header("Location"), Some(href.as_str()));

    let path = format!("//{}", href.trim_start_matches('/'));
    let down = s.get(&c.applicant_a, &path);
    down.expect(200);
    assert_eq!(down.body.len(), content.len());
    assert_eq!(hex(&Sha256::digest(&down.body)), sha);
    assert_eq!(down.header("Content-Type"), Some("application/pdf"));
    assert_eq!(down.header("X-Content-Type-Options"), Some("nosniff"));
    let disposition = down.header("Content-Disposition").unwrap();
    assert!(
        disposition.starts_with("attachment; filename=\"Projectplan _regio_ __n.pdf\""),
        "{disposition}"
    );
    assert!(
        disposition.contains("filename*=UTF-8''Projectplan%20%22regio%22%20%C3%A9%C3%A9n.pdf"),
        "{disposition}"
    );

    let list = documents(&s, &c.applicant_a, &id);
    assert_eq!(list["documenten"].as_array().unwrap().len(), 1);
    assert_eq!(
        list["verplichteDocumenten"][0],
        json!({"soort": "projectplan", "naam": "Projectplan, ondertekend door de partners", "aanwezig": true})
    );
    assert_eq!(list["verplichteDocumenten"][1]["aanwezig"], json!(false));
}

#[test]
fn submission_names_the_missing_documents_and_then_documents_are_frozen() {
    let (s, c) = start();
    let id = bare_draft(&s, &c.applicant_a);
    let refused = s.post(
        &c.applicant_a,
        &format!("/aanvragen/{id}/indieningen"),
        json!({}),
    );
    let p = refused.problem(400);
    let reasons: Vec<&str> = p["invalidParams"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["name"] == json!("documenten"))
        .map(|f| f["reason"].as_str().unwrap())
        .collect();
    assert_eq!(reasons.len(), 2, "{p}");
    assert!(reasons[0].contains("Projectplan"));
    assert!(reasons[1].contains("Begroting"));

    let plan = upload(
        &s,
        &c.applicant_a,
        &id,
        "projectplan",
        "plan.pdf",
        &samples::pdf("p"),
    );
    plan.expect(201);
    let extra = upload(
        &s,
        &c.applicant_a,
        &id,
        "overig",
        "foto.jpg",
        &samples::jpeg(),
    )
    .json();
    upload(
        &s,
        &c.applicant_a,
        &id,
        "begroting",
        "begroting.docx",
        &samples::docx(),
    )
    .expect(201);
    let extra_path = format!(
        "/aanvragen/{id}/documenten/{}",
        extra["id"].as_str().unwrap()
    );
    s.delete(&c.applicant_a, &extra_path).expect(204);
    s.get(&c.applicant_a, &extra_path).problem(404);
    // The consortium the instrument asks for, beside the documents.
    common::attach_partners(&s, &c.applicant_a, &id);
    s.post(
        &c.applicant_a,
        &format!("/aanvragen/{id}/indieningen"),
        json!({}),
    )
    .expect(200);

    let plan_path = format!(
        "/aanvragen/{id}/documenten/{}",
        plan.json()["id"].as_str().unwrap()
    );
    let p = s.delete(&c.applicant_a, &plan_path).problem(409);
    assert!(p["detail"].as_str().unwrap().contains("vast"), "{p}");
    let p = upload(
        &s,
        &c.applicant_a,
        &id,
        "overig",
        "later.pdf",
        &samples::pdf("l"),
    )
    .problem(409);
    assert!(p["detail"].as_str().unwrap().contains("aanvulling"), "{p}");

    let history = s
        .get(&c.applicant_a, &format!("/aanvragen/{id}/historie"))
        .json();
    let commands: Vec<&str> = history["historie"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["opdracht"].as_str().unwrap())
        .collect();
    assert_eq!(
        commands,
        [
            "aanmaken",
            "document_toevoegen",
            "document_toevoegen",
            "document_toevoegen",
            "document_verwijderen",
            "partners_opgeven",
            "indienen"
        ]
    );
}

#[test]
fn access_is_exactly_the_applications() {
    let (s, c) = start();
    let id = draft(
        &s,
        &c.applicant_a,
        draft_body("uitvoering", "1000000.00", None),
    );
    let list = documents(&s, &c.applicant_a, &id);
    let doc_path = format!(
        "/aanvragen/{id}/documenten/{}",
        list["documenten"][0]["id"].as_str().unwrap()
    );
    let list_path = format!("/aanvragen/{id}/documenten");
    // Another organisation, and staff while it is a concept.
    for user in [&c.applicant_b, &c.reviewer, &c.finance, &c.admin] {
        s.get(user, &list_path).problem(404);
        s.get(user, &doc_path).problem(404);
    }
    upload(
        &s,
        &c.applicant_b,
        &id,
        "overig",
        "x.pdf",
        &samples::pdf("x"),
    )
    .problem(404);
    s.delete(&c.applicant_b, &doc_path).problem(404);
    s.post(
        &c.applicant_a,
        &format!("/aanvragen/{id}/indieningen"),
        json!({}),
    )
    .expect(200);
    for user in [&c.reviewer, &c.finance, &c.admin] {
        assert_eq!(
            documents(&s, user, &id)["documenten"]
                .as_array()
                .unwrap()
                .len(),
            2
        );
        s.get(user, &doc_path).expect(200);
    }
    s.post(
        &c.reviewer,
        &format!("/gebruikers/{}/belangenconflicten", c.reviewer.id),
        json!({"regioId": "r01"}),
    )
    .expect(201);
    for user in [&c.reviewer, &c.applicant_b] {
        s.get(user, &list_path).problem(404);
        s.get(user, &doc_path).problem(404);
    }
    s.get(&c.reviewer2, &doc_path).expect(200);
}

#[test]
fn bad_input_is_a_clear_problem_and_nothing_is_stored() {
    let (s, c) = start();
    let id = bare_draft(&s, &c.applicant_a);
    let a = &c.applicant_a;
    let before = count_rows(&s);
    let p = upload(&s, a, &id, "projectplan", "leeg.pdf", b"").problem(400);
    assert!(p.to_string().contains("leeg"), "{p}");
    let p = upload(
        &s,
        a,
        &id,
        "projectplan",
        "nep.pdf",
        b"<html><script>alert(1)</script></html>",
    )
    .problem(415);
    assert!(
        p["detail"]
            .as_str()
            .unwrap()
            .contains("PDF, DOCX, XLSX, ODT, ODS, PNG of JPEG"),
        "{p}"
    );
    upload(
        &s,
        a,
        &id,
        "projectplan",
        "half.pdf",
        b"%PDF-1.7 maar verder niets",
    )
    .problem(415);
    let p = upload(
        &s,
        a,
        &id,
        "projectplan",
        "../../etc/passwd.pdf",
        &samples::pdf("x"),
    )
    .problem(400);
    assert!(p.to_string().contains("map"), "{p}");
    let p = upload(
        &s,
        a,
        &id,
        "projectplan",
        "plan\u{1b}[31m.pdf",
        &samples::pdf("x"),
    )
    .problem(400);
    assert!(p.to_string().contains("stuurtekens"), "{p}");
    let p = upload(&s, a, &id, "brief", "plan.pdf", &samples::pdf("x")).problem(400);
    assert!(p.to_string().contains("'begroting'"), "{p}");

    // Over the limit by one byte: refused at that byte.
    let p = upload(
        &s,
        a,
        &id,
        "projectplan",
        "groot.pdf",
        &pdf_of(20 * MIB + 1),
    )
    .problem(413);
    assert!(p["detail"].as_str().unwrap().contains("20 MiB"), "{p}");

    // The wrong content type, missing parts, an unknown part, a second file.
    let plain = s.send(
        "POST",
        &format!("/aanvragen/{id}/documenten"),
        Some(a),
        &[("Content-Type", "application/pdf")],
        Some(&samples::pdf("x")),
    );
    assert!(plain.problem(415)["detail"]
        .as_str()
        .unwrap()
        .contains("multipart/form-data"));
    let ct = format!("multipart/form-data; boundary={BOUNDARY}");
    let only_kind = format!("--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"soort\"\r\n\r\nprojectplan\r\n--{BOUNDARY}--\r\n");
    let res = s.send(
        "POST",
        &format!("/aanvragen/{id}/documenten"),
        Some(a),
        &[("Content-Type", &ct)],
        Some(only_kind.as_bytes()),
    );
    res.problem(400);
    assert_eq!(res.invalid_params(), ["bestand"]);
    let mut two = multipart_body("projectplan", "a.pdf", &samples::pdf("a"));
    two.truncate(two.len() - (BOUNDARY.len() + 6));
    two.extend_from_slice(format!("\r\n--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"bestand\"; filename=\"b.pdf\"\r\n\r\n").as_bytes());
    two.extend_from_slice(&samples::pdf("b"));
    two.extend_from_slice(format!("\r\n--{BOUNDARY}--\r\n").as_bytes());
    let res = s.send(
        "POST",
        &format!("/aanvragen/{id}/documenten"),
        Some(a),
        &[("Content-Type", &ct)],
        Some(&two),
    );
    assert!(res.problem(400).to_string().contains("één bestand"));
    // With an Idempotency-Key (an upload is not buffered to be replayed).
    let res = s.send(
        "POST",
        &format!("/aanvragen/{id}/documenten"),
        Some(a),
        &[("Content-Type", &ct), ("Idempotency-Key", "k1")],
        Some(&multipart_body("projectplan", "a.pdf", &samples::pdf("a"))),
    );
    assert_eq!(
        res.problem(400)["invalidParams"][0]["name"],
        json!("Idempotency-Key")
    );

    // A body that ends before its closing boundary.
    let mut body = multipart_body("projectplan", "plan.pdf", &pdf_of(300_000));
    body.truncate(200_000);
    let mut raw = format!(
        "POST /api/v1/aanvragen/{id}/documenten HTTP/1.1\r\nHost: test\r\nAuthorization: Bearer {}\r\nContent-Type: {ct}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        a.token,
        body.len()
    )
    .into_bytes();
    raw.extend_from_slice(&body);
    let res = raw_bytes(s.addr, &raw);
    assert!(res.problem(400)["detail"]
        .as_str()
        .unwrap()
        .contains("afgebroken"));

    assert_eq!(count_rows(&s), before, "a refused upload stored something");

    // A PDF with JavaScript is stored, and only ever downloaded as an attachment.
    let js = upload(
        &s,
        a,
        &id,
        "overig",
        "script.pdf",
        &samples::pdf_with_javascript(),
    );
    js.expect(201);
    let down = s.get(
        a,
        &format!(
            "/aanvragen/{id}/documenten/{}",
            js.json()["id"].as_str().unwrap()
        ),
    );
    down.expect(200);
    assert!(down
        .header("Content-Disposition")
        .unwrap()
        .starts_with("attachment;"));
    assert_eq!(down.header("Content-Type"), Some("application/pdf"));
    assert_eq!(down.body, samples::pdf_with_javascript());
}

#[test]
fn the_101st_mib_of_an_application_is_refused() {
    let (s, c) = start();
    let id = bare_draft(&s, &c.applicant_a);
    let twenty = pdf_of(20 * MIB);
    for n in 0..5 {
        upload(
            &s,
            &c.applicant_a,
            &id,
            "overig",
            &format!("deel-{n}.pdf"),
            &twenty,
        )
        .expect(201);
    }
    let before = count_rows(&s);
    let p = upload(
        &s,
        &c.applicant_a,
        &id,
        "overig",
        "een-te-veel.pdf",
        &pdf_of(MIB),
    )
    .problem(413);
    let detail = p["detail"].as_str().unwrap();
    assert!(
        detail.contains("100 MiB") && detail.contains("samen"),
        "{detail}"
    );
    assert_eq!(count_rows(&s), before);
}

#[test]
fn a_download_whose_content_no_longer_matches_its_sha256_is_broken_off() {
    use diesel::prelude::*;
    use subsidie_store::schema::document_chunks;
    let (s, c) = start();
    let id = bare_draft(&s, &c.applicant_a);
    let content = pdf_of(600_000);
    let doc = upload(&s, &c.applicant_a, &id, "projectplan", "plan.pdf", &content).json();
    let doc_id = doc["id"].as_str().unwrap().to_owned();
    let path = format!("/aanvragen/{id}/documenten/{doc_id}");
    assert_eq!(s.get(&c.applicant_a, &path).body, content);
    // Someone changes a byte of the middle chunk behind the engine's back.
    let mut conn = s.pool.get().unwrap();
    let mut middle: Vec<u8> = document_chunks::table
        .find((&doc_id, 1))
        .select(document_chunks::data)
        .first(&mut conn)
        .unwrap();
    middle[0] ^= 0xff;
    diesel::update(document_chunks::table.find((&doc_id, 1)))
        .set(document_chunks::data.eq(&middle))
        .execute(&mut conn)
        .unwrap();
    let broken = s.get(&c.applicant_a, &path);
    assert_eq!(broken.header("Content-Length"), Some("600000"));
    assert!(broken.body.len() < content.len(), "the whole body went out");
}
