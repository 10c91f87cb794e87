//! The files of a payment run: the SEPA credit transfer validated against the official
//! pain.001.001.03 XSD, its sums and IBANs read back, identical bytes on every download;
//! the run's table as CSV (Dutch convention) and XLSX.
#![allow(clippy::unwrap_used)]

mod finance_support;

use finance_support::*;
use subsidie_domain::iban::Iban;
use subsidie_finance::csv::BOM;
use subsidie_finance::testing::{summarise, unzip, validate_pain001};
use subsidie_service::payments::{self, FileFormat};

#[test]
fn the_sepa_file_of_a_run_is_valid_adds_up_and_is_the_same_every_time() {
    let w = world();
    let (_, app1) = w.granted("Stichting Zorg & Welzijn Één", "777777.77", "777777.77");
    let (_, app2) = w.granted("Coöperatie \"De Eerste Lijn\"", "500000.03", "500000.03");
    let (_, app3) = w.granted("Huisartsen Oost", "1000000.00", "999999.99");
    let run = w
        .create_run(day(2025, 3, 3), at(2025, 3, 3, 13, 7))
        .unwrap();
    let bytes = payments::write_sepa(&w.pool, &w.finance, &run.id, &funder(), Vec::new()).unwrap();
    validate_pain001(&bytes).unwrap();

    let xml = String::from_utf8(bytes.clone()).unwrap();
    let s = summarise(&xml).unwrap();
    assert_eq!(s.message_id, run.message_id);
    assert_eq!(s.counts, vec![3, 3]);
    assert_eq!(s.control_sums, vec![run.total_cents, run.total_cents]);
    assert_eq!(s.amounts.iter().sum::<i64>(), run.total_cents);
    assert_eq!(
        run.total_cents,
        eur("622222.21").cents() + eur("400000.02").cents() + eur("799999.99").cents()
    );
    let mut references: Vec<String> = [&app1, &app2, &app3]
        .iter()
        .map(|a| w.payments_of(&a.id)[0].reference.clone())
        .collect();
    references.sort();
    let mut ids = s.end_to_end_ids.clone();
    ids.sort();
    assert_eq!(
        ids, references,
        "the payment reference is the end-to-end id"
    );
    for iban in &s.ibans {
        Iban::parse(iban).unwrap();
    }
    assert_eq!(s.ibans[0], "NL91ABNA0417164300", "the funder's account");
    // Created 13:07 UTC is 14:07 in Amsterdam (CET); executed the same Monday.
    assert!(xml.contains("<CreDtTm>2025-03-03T14:07:00</CreDtTm>"));
    assert!(xml.contains("<ReqdExctnDt>2025-03-03</ReqdExctnDt>"));
    assert!(s.names.contains(&"Stichting Zorg + Welzijn Een".to_owned()));
    assert!(s
        .names
        .contains(&"Cooperatie &apos;De Eerste Lijn&apos;".to_owned()));
    assert!(s
        .remittances
        .iter()
        .any(|r| r.starts_with("Subsidie UITV-2025-") && r.ends_with(" voorschot")));

    // Downloaded again, later, after the run was paid: the same bytes.
    payments::mark_run_paid(&w.pool, &w.finance, &run.id, at(2025, 3, 4, 9, 0)).unwrap();
    let again = payments::write_sepa(&w.pool, &w.finance, &run.id, &funder(), Vec::new()).unwrap();
    assert_eq!(bytes, again);
}

#[test]
fn the_run_as_csv_and_xlsx() {
    let w = world();
    w.granted("Zorg; Noord \"Één\"", "500000.01", "500000.01");
    let run = w
        .create_run(day(2025, 3, 3), at(2025, 3, 3, 13, 0))
        .unwrap();
    let csv = payments::write_run_table(&w.pool, &w.finance, &run.id, FileFormat::Csv, Vec::new())
        .unwrap();
    assert!(csv.starts_with(BOM), "UTF-8 with BOM");
    let text = std::str::from_utf8(&csv[BOM.len()..]).unwrap();
    let lines: Vec<&str> = text.split("\r\n").collect();
    assert_eq!(
        lines[0],
        "Referentie;Soort;Aanvraag;Organisatie;IBAN;Regio;Instrument;Bedrag;Mislukt op;Reden"
    );
    // 80 % of 500,000.01 rounds down to 400,000.00.
    assert!(lines[1].contains(";voorschot;UITV-2025-"), "{}", lines[1]);
    assert!(
        lines[1].contains(";\"Zorg; Noord \"\"Één\"\"\";NL44RABO0123456789;"),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].contains(";r01;uitvoering;400000,00;;"),
        "{}",
        lines[1]
    );
    assert_eq!(lines.len(), 3, "header, one row, and the final CRLF");

    let xlsx =
        payments::write_run_table(&w.pool, &w.finance, &run.id, FileFormat::Xlsx, Vec::new())
            .unwrap();
    let entries = unzip(&xlsx).unwrap();
    let sheet = entries
        .iter()
        .find(|e| e.name == "xl/worksheets/sheet1.xml")
        .unwrap();
    let sheet = std::str::from_utf8(&sheet.data).unwrap();
    assert!(sheet.contains("<v>400000.00</v>"));
    subsidie_finance::testing::check_well_formed(sheet.as_bytes()).unwrap();
}
