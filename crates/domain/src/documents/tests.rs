#![allow(clippy::unwrap_used)]

use super::samples;
use super::*;

fn sniffed(bytes: &[u8]) -> Result<FileType, SniffError> {
    let mut source: &[u8] = bytes;
    sniff(&mut source, bytes.len() as u64)
}

#[test]
fn every_accepted_type_is_recognised_by_its_content() {
    assert_eq!(sniffed(&samples::pdf("x")), Ok(FileType::Pdf));
    assert_eq!(sniffed(&samples::pdf_with_javascript()), Ok(FileType::Pdf));
    assert_eq!(sniffed(&samples::docx()), Ok(FileType::Docx));
    assert_eq!(sniffed(&samples::xlsx()), Ok(FileType::Xlsx));
    assert_eq!(sniffed(&samples::odt()), Ok(FileType::Odt));
    assert_eq!(sniffed(&samples::ods()), Ok(FileType::Ods));
    assert_eq!(sniffed(&samples::png()), Ok(FileType::Png));
    assert_eq!(sniffed(&samples::jpeg()), Ok(FileType::Jpeg));
}

#[test]
fn other_content_is_refused_naming_what_is_accepted() {
    assert_eq!(sniffed(b""), Err(SniffError::Empty));
    let html = sniffed(b"<html><script>alert(1)</script></html>").unwrap_err();
    assert!(
        html.to_string()
            .contains("PDF, DOCX, XLSX, ODT, ODS, PNG of JPEG"),
        "{html}"
    );
    let fake_pdf = sniffed(b"%PDF-1.4 but then nothing").unwrap_err();
    assert!(fake_pdf.to_string().contains("%%EOF"), "{fake_pdf}");
    let plain_zip = sniffed(&samples::zip(&[("a.txt", b"hallo")])).unwrap_err();
    assert!(plain_zip.to_string().contains("ZIP"), "{plain_zip}");
    let odf_other = sniffed(&samples::zip(&[(
        "mimetype",
        b"application/vnd.oasis.opendocument.presentation",
    )]))
    .unwrap_err();
    assert!(matches!(odf_other, SniffError::Unsupported(_)));
    // Truncated archives: the directory is gone.
    let docx = samples::docx();
    assert!(sniffed(&docx[..docx.len() - 30]).is_err());
}

#[test]
fn names_with_folders_or_control_characters_are_refused() {
    assert!(check_file_name("projectplan.pdf").is_ok());
    assert!(check_file_name("Begroting 2025 (versie 2).xlsx").is_ok());
    assert!(check_file_name("../../etc/passwd")
        .unwrap_err()
        .contains("map"));
    assert!(check_file_name("C:\\stukken\\plan.pdf")
        .unwrap_err()
        .contains("map"));
    assert!(check_file_name("plan\u{0}.pdf")
        .unwrap_err()
        .contains("stuurtekens"));
    assert!(check_file_name("plan\r\n.pdf")
        .unwrap_err()
        .contains("stuurtekens"));
    assert!(check_file_name("  ").is_err());
    assert!(check_file_name("..").is_err());
    assert!(check_file_name(&"a".repeat(MAX_NAME + 1)).is_err());
}

#[test]
fn header_names_are_plain_ascii() {
    assert_eq!(ascii_name("projectplan.pdf"), "projectplan.pdf");
    assert_eq!(
        ascii_name("begroting \"2025\";.pdf"),
        "begroting _2025__.pdf"
    );
    assert_eq!(ascii_name("één.pdf"), "__n.pdf");
    assert_eq!(ascii_name("..."), "document");
}

#[test]
fn kind_codes() {
    assert!(is_kind_code("projectplan"));
    assert!(!is_kind_code("Project plan"));
    assert!(!is_kind_code(""));
}
