//! The writers end to end: SEPA files validated against the official XSD with xmllint,
//! their sums and IBANs read back; CSV in the Dutch convention; XLSX as a valid ZIP of
//! well-formed parts.
#![allow(clippy::unwrap_used)]

use chrono::NaiveDate;
use subsidie_domain::iban::Iban;
use subsidie_finance::csv::BOM;
use subsidie_finance::sepa::{FileHeader, FunderAccount, SepaWriter, Transfer};
use subsidie_finance::table::{Cell, TableFormat, TableWriter};
use subsidie_finance::testing::{check_well_formed, summarise, unzip, validate_pain001};
use subsidie_finance::text::is_sepa_char;

fn funder() -> FunderAccount {
    FunderAccount::new("ZonMw Financiën", "NL91ABNA0417164300", Some("ABNANL2A")).unwrap()
}

struct Payment {
    reference: String,
    cents: i64,
    name: String,
    iban: String,
}

fn payments() -> Vec<Payment> {
    let names = [
        "Stichting Eerstelijnszorg Noord & Oost",
        "Coöperatie Huisartsen Één <Zuid>",
        "Zorggroep 's-Hertogenbosch \"De Meierij\"",
        "Straße & Söhne — Gesundheit GmbH",
        "Regio 日本 Zorg",
    ];
    let ibans = [
        "NL44RABO0123456789",
        "NL20INGB0001234567",
        "NL02ABNA0123456789",
        "DE89370400440532013000",
        "NL70TRIO0123456789",
    ];
    (0..25)
        .map(|i| Payment {
            reference: format!("UITV-2025-{i:010X}-V"),
            // Odd amounts, up to the largest a transfer may carry.
            cents: match i {
                0 => 1,
                1 => 99_999_999_999,
                _ => 50_000_001 + i64::from(i) * 777_777,
            },
            name: names[i as usize % names.len()].to_owned(),
            iban: ibans[i as usize % ibans.len()].to_owned(),
        })
        .collect()
}

fn header(payments: &[Payment]) -> FileHeader {
    FileHeader {
        message_id: "BR0193A1B2C3D4E5F60718293A4B5C6D7E".into(),
        created_at: NaiveDate::from_ymd_opt(2025, 3, 3)
            .unwrap()
            .and_hms_opt(14, 5, 9)
            .unwrap(),
        execution_date: NaiveDate::from_ymd_opt(2025, 3, 4).unwrap(),
        transactions: payments.len() as u64,
        control_sum_cents: payments.iter().map(|p| p.cents).sum(),
    }
}

fn write(payments: &[Payment], funder: &FunderAccount) -> Vec<u8> {
    let mut w = SepaWriter::start(Vec::new(), funder, &header(payments)).unwrap();
    for p in payments {
        let remittance = format!("Subsidie {} voorschot — één regeling", p.reference);
        w.push(&Transfer {
            end_to_end_id: &p.reference,
            amount_cents: p.cents,
            creditor_name: &p.name,
            creditor_iban: &p.iban,
            creditor_bic: (p.iban.starts_with("DE")).then_some("COBADEFFXXX"),
            remittance: &remittance,
        })
        .unwrap();
    }
    w.finish().unwrap()
}

#[test]
fn sepa_file_is_valid_against_the_official_xsd() {
    let ps = payments();
    let xml = write(&ps, &funder());
    validate_pain001(&xml).unwrap();
    // Also without a debtor BIC (NOTPROVIDED).
    let no_bic = FunderAccount::new("ZonMw", "NL91ABNA0417164300", None).unwrap();
    let xml = write(&ps, &no_bic);
    assert!(String::from_utf8_lossy(&xml).contains("<Id>NOTPROVIDED</Id>"));
    validate_pain001(&xml).unwrap();
}

#[test]
fn the_validation_catches_a_broken_file() {
    if !subsidie_finance::testing::xmllint_available() {
        return;
    }
    let xml = String::from_utf8(write(&payments(), &funder())).unwrap();
    let broken = xml.replacen("<ChrgBr>SLEV</ChrgBr>", "<ChrgBr>XXXX</ChrgBr>", 1);
    assert!(validate_pain001(broken.as_bytes()).is_err());
    let broken = xml.replacen("<PmtMtd>TRF</PmtMtd>", "", 1);
    assert!(validate_pain001(broken.as_bytes()).is_err());
}

#[test]
fn sums_count_ibans_and_ids_add_up() {
    let ps = payments();
    let xml = String::from_utf8(write(&ps, &funder())).unwrap();
    let s = summarise(&xml).unwrap();
    let expected_sum: i64 = ps.iter().map(|p| p.cents).sum();
    assert_eq!(s.counts, vec![25, 25], "NbOfTxs in GrpHdr and PmtInf");
    assert_eq!(s.control_sums, vec![expected_sum, expected_sum]);
    assert_eq!(s.amounts.iter().sum::<i64>(), expected_sum);
    assert_eq!(s.amounts, ps.iter().map(|p| p.cents).collect::<Vec<_>>());
    assert_eq!(
        s.end_to_end_ids,
        ps.iter().map(|p| p.reference.clone()).collect::<Vec<_>>()
    );
    // The debtor's IBAN first, then one per transfer; every one passes mod-97.
    assert_eq!(s.ibans.len(), 26);
    assert_eq!(s.ibans[0], "NL91ABNA0417164300");
    for iban in &s.ibans {
        assert_eq!(Iban::parse(iban).unwrap().as_str(), iban);
    }
    assert!(xml.contains("<InstdAmt Ccy=\"EUR\">0.01</InstdAmt>"));
    assert!(xml.contains("<InstdAmt Ccy=\"EUR\">999999999.99</InstdAmt>"));
    assert!(xml.contains("<CreDtTm>2025-03-03T14:05:09</CreDtTm>"));
    assert!(xml.contains("<ReqdExctnDt>2025-03-04</ReqdExctnDt>"));
}

#[test]
fn texts_are_in_the_sepa_character_set() {
    let xml = String::from_utf8(write(&payments(), &funder())).unwrap();
    let s = summarise(&xml).unwrap();
    let unescape = |t: &str| t.replace("&apos;", "'");
    for text in s.names.iter().chain(&s.remittances) {
        let text = unescape(text);
        assert!(!text.is_empty());
        assert!(text.chars().all(is_sepa_char), "{text:?}");
        assert!(text.chars().count() <= 140);
    }
    assert!(s.names.contains(&"ZonMw Financien".to_owned()));
    assert!(s
        .names
        .contains(&"Stichting Eerstelijnszorg Noord + Oost".to_owned()));
    assert!(s
        .names
        .contains(&"Cooperatie Huisartsen Een (Zuid)".to_owned()));
    assert!(s
        .names
        .contains(&"Zorggroep &apos;s-Hertogenbosch &apos;De Meierij&apos;".to_owned()));
    assert!(s
        .names
        .contains(&"Strasse + Sohne - Gesundheit GmbH".to_owned()));
    assert!(s.names.contains(&"Regio Zorg".to_owned()));
}

#[test]
fn the_same_input_gives_the_same_bytes() {
    let ps = payments();
    assert_eq!(write(&ps, &funder()), write(&ps, &funder()));
}

#[test]
fn csv_in_the_dutch_convention() {
    let mut t = TableWriter::start(
        TableFormat::Csv,
        Vec::new(),
        "x",
        &["Referentie", "Organisatie", "Bedrag", "Datum"],
    )
    .unwrap();
    t.row(&[
        Cell::Text("UITV-1"),
        Cell::Text("Zorg; Noord \"Één\""),
        Cell::Money(123_456_789),
        Cell::Date(NaiveDate::from_ymd_opt(2025, 3, 4).unwrap()),
    ])
    .unwrap();
    t.row(&[
        Cell::Text("UITV-2"),
        Cell::Text("Regio\nZuid"),
        Cell::Money(1),
        Cell::Empty,
    ])
    .unwrap();
    let bytes = t.finish().unwrap();
    assert!(bytes.starts_with(BOM), "UTF-8 byte-order mark");
    let text = std::str::from_utf8(&bytes[BOM.len()..]).unwrap();
    assert_eq!(
        text,
        "Referentie;Organisatie;Bedrag;Datum\r\n\
         UITV-1;\"Zorg; Noord \"\"Één\"\"\";1234567,89;2025-03-04\r\n\
         UITV-2;\"Regio\nZuid\";0,01;\r\n"
    );
}

#[test]
fn xlsx_is_a_zip_of_well_formed_parts() {
    let mut t = TableWriter::start(
        TableFormat::Xlsx,
        Vec::new(),
        "Uitbetalingen 2025",
        &["Referentie", "Organisatie", "Bedrag", "Datum", "Aantal"],
    )
    .unwrap();
    for i in 0..3000 {
        let name = format!("Zorg & Welzijn <{i}> \"Één\"");
        t.row(&[
            Cell::Text(&format!("UITV-{i}")),
            Cell::Text(&name),
            Cell::Money(100_000_001 + i),
            Cell::Date(NaiveDate::from_ymd_opt(2025, 1, 1).unwrap()),
            Cell::Int(i),
        ])
        .unwrap();
    }
    let bytes = t.finish().unwrap();
    let entries = unzip(&bytes).unwrap();
    let names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "[Content_Types].xml",
            "_rels/.rels",
            "xl/workbook.xml",
            "xl/_rels/workbook.xml.rels",
            "xl/styles.xml",
            "xl/worksheets/sheet1.xml"
        ]
    );
    for e in &entries {
        check_well_formed(&e.data).unwrap_or_else(|err| panic!("{}: {err}", e.name));
    }
    let sheet = std::str::from_utf8(&entries[5].data).unwrap();
    assert!(sheet.contains(
        "<c r=\"B2\" t=\"inlineStr\"><is><t>Zorg &amp; Welzijn &lt;0&gt; &quot;Één&quot;</t></is></c>"
    ));
    assert!(sheet.contains("<c r=\"C2\" s=\"1\"><v>1000000.01</v></c>"));
    assert!(sheet.contains("<c r=\"D2\" s=\"2\"><v>45658</v></c>"));
    assert!(sheet.contains("<row r=\"3001\">"));
    let workbook = std::str::from_utf8(&entries[2].data).unwrap();
    assert!(workbook.contains("name=\"Uitbetalingen 2025\""));
    // Deterministic too.
    let again = {
        let mut t = TableWriter::start(TableFormat::Xlsx, Vec::new(), "a", &["x"]).unwrap();
        t.row(&[Cell::Int(1)]).unwrap();
        t.finish().unwrap()
    };
    let once_more = {
        let mut t = TableWriter::start(TableFormat::Xlsx, Vec::new(), "a", &["x"]).unwrap();
        t.row(&[Cell::Int(1)]).unwrap();
        t.finish().unwrap()
    };
    assert_eq!(again, once_more);
}

#[test]
fn xlsx_opens_with_unzip_when_available() {
    let have_unzip = std::process::Command::new("unzip")
        .arg("-v")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_unzip {
        return;
    }
    let mut t = TableWriter::start(TableFormat::Xlsx, Vec::new(), "a", &["x", "y"]).unwrap();
    t.row(&[Cell::Text("a"), Cell::Money(5)]).unwrap();
    let bytes = t.finish().unwrap();
    let path = std::env::temp_dir().join(format!("subsidie-xlsx-{}.xlsx", std::process::id()));
    std::fs::write(&path, bytes).unwrap();
    let out = std::process::Command::new("unzip")
        .arg("-t")
        .arg(&path)
        .output()
        .unwrap();
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}
