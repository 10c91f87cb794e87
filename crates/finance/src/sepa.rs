//! SEPA credit-transfer initiation, ISO 20022 `pain.001.001.03`, written as a stream.
//!
//! One file is one payment run: a group header (`GrpHdr`) with the message id, the
//! creation time, the number of transactions and their control sum; one payment
//! information block (`PmtInf`) with the funder's account as debtor and the requested
//! execution date; and one `CdtTrfTxInf` per payment with the payment reference as
//! end-to-end id, the amount in euro with two decimals, the creditor's name and IBAN, and
//! unstructured remittance information.
//!
//! The header comes first but sums the transactions, so the caller states the count and
//! the control sum up front (a payment run stores both when it is made) and then pushes
//! the transactions one by one; [`SepaWriter::finish`] refuses the file when what was
//! pushed does not add up to the header, to the cent. Nothing is kept in memory per
//! transaction, so a run of a million payments streams in constant memory.
//!
//! The output is a pure function of the input: no clock, no random ids. The creation time
//! is the run's recorded time, so the same run written twice gives the same bytes.
//!
//! Free text is transliterated to the SEPA Latin character set ([`crate::text`]);
//! identifiers are checked (at most 35 characters of that set); IBANs are checked with
//! ISO 13616 mod-97 ([`subsidie_domain::iban::Iban`]).

use std::borrow::Cow;
use std::io::{self, BufWriter, Write};

use chrono::{NaiveDate, NaiveDateTime};
use subsidie_domain::iban::Iban;

use crate::text::{
    cents_to_decimal, check_identifier, push_cents, sepa_text, sepa_text_into, xml_escape,
    xml_escape_into, IdentifierError,
};

/// The XML namespace of pain.001.001.03.
pub const NAMESPACE: &str = "urn:iso:std:iso:20022:tech:xsd:pain.001.001.03";

/// The largest amount of one SEPA credit transfer: EUR 999,999,999.99 (EPC rule).
pub const MAX_TRANSFER_CENTS: i64 = 99_999_999_999;

/// Longest name of a party (`Nm`, Max70Text in the EPC guidelines).
pub const MAX_NAME: usize = 70;
/// Longest unstructured remittance information (`Ustrd`, Max140Text).
pub const MAX_REMITTANCE: usize = 140;

/// Default account holder when `FUNDER_NAME` is not set.
pub const DEFAULT_FUNDER_NAME: &str = "ZonMw";
/// Default IBAN when `FUNDER_IBAN` is not set: the well-known example IBAN of the
/// IBAN registry (passes mod-97, belongs to nobody you should pay from). Set the real one.
pub const DEFAULT_FUNDER_IBAN: &str = "NL91ABNA0417164300";
/// Default BIC when `FUNDER_BIC` is not set (the bank of the example IBAN).
pub const DEFAULT_FUNDER_BIC: &str = "ABNANL2A";

/// What is wrong with a payment file or its input. When [`SepaWriter::push`] or
/// [`SepaWriter::finish`] returns one of these the output is incomplete: discard it.
#[derive(Debug, thiserror::Error)]
pub enum SepaError {
    /// Writing failed.
    #[error("schrijven van het SEPA-bestand mislukt: {0}")]
    Io(#[from] io::Error),
    /// An identifier is not usable.
    #[error(transparent)]
    Identifier(#[from] IdentifierError),
    /// An IBAN fails the check.
    #[error("{who}: {reason}")]
    Iban {
        /// Whose account (debtor or the end-to-end id of the transfer).
        who: String,
        /// The check's message.
        reason: String,
    },
    /// A BIC does not have the ISO 9362 form.
    #[error("'{0}' is geen geldige BIC: verwacht 8 of 11 tekens, zoals ABNANL2A")]
    Bic(String),
    /// A name is empty after transliteration.
    #[error("{0}: de naam is leeg (na omzetting naar de SEPA-tekenset)")]
    EmptyName(String),
    /// An amount is not a positive amount a SEPA transfer can carry.
    #[error(
        "{end_to_end_id}: bedrag van {cents} cent valt buiten 0,01 tot en met 999.999.999,99 euro"
    )]
    Amount {
        /// The transfer.
        end_to_end_id: String,
        /// The amount in cents.
        cents: i64,
    },
    /// The header announces no transactions.
    #[error("een SEPA-bestand zonder betalingen wordt niet gemaakt")]
    Empty,
    /// What was pushed does not add up to the header.
    #[error("het SEPA-bestand klopt niet: de kop noemt {expected_count} betalingen voor {expected_cents} cent, geschreven zijn er {written_count} voor {written_cents} cent")]
    Mismatch {
        /// Transactions announced.
        expected_count: u64,
        /// Control sum announced, cents.
        expected_cents: i64,
        /// Transactions written.
        written_count: u64,
        /// Sum written, cents.
        written_cents: i64,
    },
    /// The configuration is not usable.
    #[error("configuratie {variable}: {reason}")]
    Config {
        /// The environment variable.
        variable: &'static str,
        /// What is wrong.
        reason: String,
    },
}

/// Checks a BIC: 4 letters (bank), 2 letters (country), 2 letters or digits (location,
/// with the ISO restrictions of the XSD), optionally 3 letters or digits (branch).
pub fn check_bic(bic: &str) -> Result<(), SepaError> {
    let b = bic.as_bytes();
    let ok = (b.len() == 8 || b.len() == 11)
        && b[..6].iter().all(u8::is_ascii_uppercase)
        && (b[6].is_ascii_uppercase() || (b'2'..=b'9').contains(&b[6]))
        && ((b[7].is_ascii_uppercase() && b[7] != b'O') || b[7].is_ascii_digit())
        && b[8..]
            .iter()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit());
    if ok {
        Ok(())
    } else {
        Err(SepaError::Bic(bic.to_owned()))
    }
}

/// The funder's account, the debtor of every transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FunderAccount {
    /// Account holder, as the bank knows it (transliterated when written).
    pub name: String,
    /// The IBAN, checked.
    pub iban: Iban,
    /// The BIC of the funder's bank; without it the file says `NOTPROVIDED` (allowed
    /// within the EEA since 2016).
    pub bic: Option<String>,
}

impl FunderAccount {
    /// A checked account.
    pub fn new(name: &str, iban: &str, bic: Option<&str>) -> Result<FunderAccount, SepaError> {
        let iban = Iban::parse(iban).map_err(|e| SepaError::Iban {
            who: "rekening van de financier".into(),
            reason: e.to_string(),
        })?;
        if sepa_text(name, MAX_NAME).is_empty() {
            return Err(SepaError::EmptyName("rekening van de financier".into()));
        }
        let bic = bic
            .map(str::trim)
            .filter(|b| !b.is_empty())
            .map(str::to_ascii_uppercase);
        if let Some(b) = &bic {
            check_bic(b)?;
        }
        Ok(FunderAccount {
            name: name.trim().to_owned(),
            iban,
            bic,
        })
    }

    /// The account from configuration variables, each looked up by name through
    /// `lookup` (the CLI's settings, which read the environment once at start; the
    /// library itself never reads it):
    ///
    /// | variable | default | meaning |
    /// |---|---|---|
    /// | `FUNDER_NAME` | `ZonMw` | account holder |
    /// | `FUNDER_IBAN` | `NL91ABNA0417164300` (example IBAN, set the real one) | debtor IBAN, checked mod-97 |
    /// | `FUNDER_BIC` | `ABNANL2A` | debtor BIC; set it empty for `NOTPROVIDED` |
    ///
    /// Errors name the variable, so a wrong setting is found by its name.
    pub fn from_lookup(
        lookup: impl Fn(&str) -> Option<String>,
    ) -> Result<FunderAccount, SepaError> {
        let name = lookup("FUNDER_NAME").unwrap_or_else(|| DEFAULT_FUNDER_NAME.to_owned());
        let iban = lookup("FUNDER_IBAN").unwrap_or_else(|| DEFAULT_FUNDER_IBAN.to_owned());
        let bic = lookup("FUNDER_BIC").unwrap_or_else(|| DEFAULT_FUNDER_BIC.to_owned());
        let config = |variable: &'static str| {
            move |e: SepaError| SepaError::Config {
                variable,
                reason: e.to_string(),
            }
        };
        let iban = Iban::parse(&iban)
            .map_err(|e| SepaError::Config {
                variable: "FUNDER_IBAN",
                reason: e.to_string(),
            })?
            .as_str()
            .to_owned();
        let bic = bic.trim().to_ascii_uppercase();
        if !bic.is_empty() {
            check_bic(&bic).map_err(config("FUNDER_BIC"))?;
        }
        FunderAccount::new(&name, &iban, Some(&bic)).map_err(config("FUNDER_NAME"))
    }
}

/// The group header of one file: everything that is fixed before the first transfer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileHeader {
    /// Unique message id (`MsgId`), at most 35 characters; a bank refuses a second file
    /// with the same id, which protects against paying a run twice.
    pub message_id: String,
    /// Creation time (`CreDtTm`), written as local time without offset
    /// (`2025-03-03T10:15:00`), as Dutch banks document it.
    pub created_at: NaiveDateTime,
    /// Requested execution date (`ReqdExctnDt`).
    pub execution_date: NaiveDate,
    /// Number of transfers that will follow.
    pub transactions: u64,
    /// Sum of their amounts in cents.
    pub control_sum_cents: i64,
}

/// One credit transfer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transfer<'a> {
    /// End-to-end id: the payment reference, at most 35 characters; the creditor sees it
    /// on the statement and it comes back on a rejection.
    pub end_to_end_id: &'a str,
    /// Amount in cents, 1 to [`MAX_TRANSFER_CENTS`].
    pub amount_cents: i64,
    /// Creditor name (transliterated, cut to 70 characters).
    pub creditor_name: &'a str,
    /// Creditor IBAN (checked).
    pub creditor_iban: &'a str,
    /// Creditor BIC, if known (optional within SEPA).
    pub creditor_bic: Option<&'a str>,
    /// Unstructured remittance information (transliterated, cut to 140 characters).
    pub remittance: &'a str,
}

/// Writes one pain.001.001.03 document; see the [module documentation](self).
pub struct SepaWriter<W: Write> {
    out: BufWriter<W>,
    expected_count: u64,
    expected_cents: i64,
    written_count: u64,
    written_cents: i64,
    // One transfer's XML, and its name and remittance after transliteration: reused for
    // every transfer, so a file allocates nothing per transfer.
    scratch: String,
    name: String,
    remittance: String,
}

impl<W: Write> SepaWriter<W> {
    /// Checks the header and the debtor and writes everything up to the first transfer.
    pub fn start(
        out: W,
        debtor: &FunderAccount,
        header: &FileHeader,
    ) -> Result<SepaWriter<W>, SepaError> {
        check_identifier("MsgId", &header.message_id)?;
        // One PmtInf per file: its id is the message id with a suffix, cut to fit.
        let payment_info_id = payment_info_id(&header.message_id);
        check_identifier("PmtInfId", &payment_info_id)?;
        if header.transactions == 0 {
            return Err(SepaError::Empty);
        }
        if header.control_sum_cents <= 0 {
            return Err(SepaError::Mismatch {
                expected_count: header.transactions,
                expected_cents: header.control_sum_cents,
                written_count: 0,
                written_cents: 0,
            });
        }
        if let Some(bic) = &debtor.bic {
            check_bic(bic)?;
        }
        let debtor_name = sepa_text(&debtor.name, MAX_NAME);
        if debtor_name.is_empty() {
            return Err(SepaError::EmptyName("rekening van de financier".into()));
        }
        let count = header.transactions.to_string();
        let sum = cents_to_decimal(header.control_sum_cents);
        let created = header.created_at.format("%Y-%m-%dT%H:%M:%S").to_string();
        let execution = header.execution_date.format("%Y-%m-%d").to_string();
        let debtor_name = xml_escape(&debtor_name);
        let agent = match &debtor.bic {
            Some(bic) => format!("<BIC>{bic}</BIC>"),
            None => "<Othr><Id>NOTPROVIDED</Id></Othr>".to_owned(),
        };
        let mut out = BufWriter::with_capacity(64 * 1024, out);
        write!(
            out,
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
<Document xmlns=\"{NAMESPACE}\" xmlns:xsi=\"http://www.w3.org/2001/XMLSchema-instance\">\n\
  <CstmrCdtTrfInitn>\n\
    <GrpHdr>\n\
      <MsgId>{msg_id}</MsgId>\n\
      <CreDtTm>{created}</CreDtTm>\n\
      <NbOfTxs>{count}</NbOfTxs>\n\
      <CtrlSum>{sum}</CtrlSum>\n\
      <InitgPty>\n\
        <Nm>{debtor_name}</Nm>\n\
      </InitgPty>\n\
    </GrpHdr>\n\
    <PmtInf>\n\
      <PmtInfId>{payment_info_id}</PmtInfId>\n\
      <PmtMtd>TRF</PmtMtd>\n\
      <BtchBookg>true</BtchBookg>\n\
      <NbOfTxs>{count}</NbOfTxs>\n\
      <CtrlSum>{sum}</CtrlSum>\n\
      <PmtTpInf>\n\
        <SvcLvl>\n\
          <Cd>SEPA</Cd>\n\
        </SvcLvl>\n\
      </PmtTpInf>\n\
      <ReqdExctnDt>{execution}</ReqdExctnDt>\n\
      <Dbtr>\n\
        <Nm>{debtor_name}</Nm>\n\
      </Dbtr>\n\
      <DbtrAcct>\n\
        <Id>\n\
          <IBAN>{iban}</IBAN>\n\
        </Id>\n\
        <Ccy>EUR</Ccy>\n\
      </DbtrAcct>\n\
      <DbtrAgt>\n\
        <FinInstnId>{agent}</FinInstnId>\n\
      </DbtrAgt>\n\
      <ChrgBr>SLEV</ChrgBr>\n",
            msg_id = header.message_id,
            iban = debtor.iban.as_str(),
        )?;
        Ok(SepaWriter {
            out,
            expected_count: header.transactions,
            expected_cents: header.control_sum_cents,
            written_count: 0,
            written_cents: 0,
            scratch: String::with_capacity(1024),
            name: String::with_capacity(2 * MAX_NAME),
            remittance: String::with_capacity(2 * MAX_REMITTANCE),
        })
    }

    /// Checks and writes one transfer.
    pub fn push(&mut self, t: &Transfer<'_>) -> Result<(), SepaError> {
        let iban = check(t, &mut self.name, &mut self.remittance)?;
        self.written_cents =
            self.written_cents
                .checked_add(t.amount_cents)
                .ok_or(SepaError::Amount {
                    end_to_end_id: t.end_to_end_id.to_owned(),
                    cents: t.amount_cents,
                })?;
        self.written_count += 1;

        let s = &mut self.scratch;
        s.clear();
        s.push_str("      <CdtTrfTxInf>\n        <PmtId>\n          <EndToEndId>");
        s.push_str(t.end_to_end_id);
        s.push_str(
            "</EndToEndId>\n        </PmtId>\n        <Amt>\n          <InstdAmt Ccy=\"EUR\">",
        );
        push_cents(s, t.amount_cents, '.');
        s.push_str("</InstdAmt>\n        </Amt>\n");
        if let Some(bic) = t.creditor_bic {
            s.push_str("        <CdtrAgt>\n          <FinInstnId>\n            <BIC>");
            s.push_str(bic);
            s.push_str("</BIC>\n          </FinInstnId>\n        </CdtrAgt>\n");
        }
        s.push_str("        <Cdtr>\n          <Nm>");
        xml_escape_into(s, &self.name);
        s.push_str(
            "</Nm>\n        </Cdtr>\n        <CdtrAcct>\n          <Id>\n            <IBAN>",
        );
        s.push_str(&iban);
        s.push_str("</IBAN>\n          </Id>\n        </CdtrAcct>\n");
        if !self.remittance.is_empty() {
            s.push_str("        <RmtInf>\n          <Ustrd>");
            xml_escape_into(s, &self.remittance);
            s.push_str("</Ustrd>\n        </RmtInf>\n");
        }
        s.push_str("      </CdtTrfTxInf>\n");
        self.out.write_all(s.as_bytes())?;
        Ok(())
    }

    /// Closes the document after checking that the transfers add up to the header, and
    /// returns the underlying writer (flushed).
    pub fn finish(mut self) -> Result<W, SepaError> {
        if self.written_count != self.expected_count || self.written_cents != self.expected_cents {
            return Err(SepaError::Mismatch {
                expected_count: self.expected_count,
                expected_cents: self.expected_cents,
                written_count: self.written_count,
                written_cents: self.written_cents,
            });
        }
        self.out
            .write_all(b"    </PmtInf>\n  </CstmrCdtTrfInitn>\n</Document>\n")?;
        self.out
            .into_inner()
            .map_err(|e| SepaError::Io(e.into_error()))
    }

    /// Transfers written so far and their sum in cents.
    pub fn written(&self) -> (u64, i64) {
        (self.written_count, self.written_cents)
    }
}

/// Checks a transfer; leaves its name and remittance information, transliterated, in
/// `name` and `remittance`, and returns its IBAN in electronic form.
fn check<'t>(
    t: &Transfer<'t>,
    name: &mut String,
    remittance: &mut String,
) -> Result<Cow<'t, str>, SepaError> {
    check_identifier("EndToEndId", t.end_to_end_id)?;
    if !(1..=MAX_TRANSFER_CENTS).contains(&t.amount_cents) {
        return Err(SepaError::Amount {
            end_to_end_id: t.end_to_end_id.to_owned(),
            cents: t.amount_cents,
        });
    }
    let iban = Iban::checked_electronic(t.creditor_iban).map_err(|e| SepaError::Iban {
        who: t.end_to_end_id.to_owned(),
        reason: e.to_string(),
    })?;
    if let Some(bic) = t.creditor_bic {
        check_bic(bic)?;
    }
    sepa_text_into(name, t.creditor_name, MAX_NAME);
    if name.is_empty() {
        return Err(SepaError::EmptyName(t.end_to_end_id.to_owned()));
    }
    sepa_text_into(remittance, t.remittance, MAX_REMITTANCE);
    Ok(iban)
}

/// Checks one transfer exactly as [`SepaWriter::push`] would, without writing it: to
/// refuse a run before its file is ever streamed.
pub fn check_transfer(t: &Transfer<'_>) -> Result<(), SepaError> {
    check(t, &mut String::new(), &mut String::new()).map(drop)
}

/// The payment information id for a message id: `<MsgId>-1`, cut to 35 characters.
pub fn payment_info_id(message_id: &str) -> String {
    let base: String = message_id.chars().take(33).collect();
    format!("{}-1", base.trim_end_matches('/'))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn header(n: u64, cents: i64) -> FileHeader {
        FileHeader {
            message_id: "BR20250303ABC".into(),
            created_at: NaiveDate::from_ymd_opt(2025, 3, 3)
                .unwrap()
                .and_hms_opt(10, 15, 0)
                .unwrap(),
            execution_date: NaiveDate::from_ymd_opt(2025, 3, 4).unwrap(),
            transactions: n,
            control_sum_cents: cents,
        }
    }

    fn funder() -> FunderAccount {
        FunderAccount::new("ZonMw", "NL91ABNA0417164300", Some("ABNANL2A")).unwrap()
    }

    fn transfer(id: &str, cents: i64) -> Transfer<'_> {
        Transfer {
            end_to_end_id: id,
            amount_cents: cents,
            creditor_name: "Regio Noord & Co",
            creditor_iban: "NL44RABO0123456789",
            creditor_bic: None,
            remittance: "Subsidie UITV-2025 voorschot",
        }
    }

    #[test]
    fn refuses_a_file_that_does_not_add_up() {
        let mut w = SepaWriter::start(Vec::new(), &funder(), &header(2, 300)).unwrap();
        w.push(&transfer("A", 100)).unwrap();
        w.push(&transfer("B", 199)).unwrap();
        assert!(matches!(w.finish(), Err(SepaError::Mismatch { .. })));
        let mut w = SepaWriter::start(Vec::new(), &funder(), &header(2, 300)).unwrap();
        w.push(&transfer("A", 100)).unwrap();
        assert!(matches!(w.finish(), Err(SepaError::Mismatch { .. })));
    }

    #[test]
    fn refuses_bad_input() {
        assert!(matches!(
            SepaWriter::start(Vec::new(), &funder(), &header(0, 0)),
            Err(SepaError::Empty)
        ));
        let mut w = SepaWriter::start(Vec::new(), &funder(), &header(1, 100)).unwrap();
        assert!(matches!(
            w.push(&transfer("A", 0)),
            Err(SepaError::Amount { .. })
        ));
        let mut bad = transfer("A", 100);
        bad.creditor_iban = "NL44RABO0123456788";
        assert!(matches!(w.push(&bad), Err(SepaError::Iban { .. })));
        assert!(matches!(
            w.push(&transfer("A B", 100)),
            Err(SepaError::Identifier(_))
        ));
        let mut noname = transfer("A", 100);
        noname.creditor_name = "日本";
        assert!(matches!(w.push(&noname), Err(SepaError::EmptyName(_))));
    }

    #[test]
    fn funder_from_configuration() {
        let f = FunderAccount::from_lookup(|_| None).unwrap();
        assert_eq!(f.iban.as_str(), DEFAULT_FUNDER_IBAN);
        assert_eq!(f.bic.as_deref(), Some(DEFAULT_FUNDER_BIC));
        let f = FunderAccount::from_lookup(|k| match k {
            "FUNDER_IBAN" => Some("nl44 rabo 0123 4567 89".into()),
            "FUNDER_BIC" => Some(String::new()),
            "FUNDER_NAME" => Some("Financier".into()),
            _ => None,
        })
        .unwrap();
        assert_eq!(f.iban.as_str(), "NL44RABO0123456789");
        assert_eq!(f.bic, None);
        let err = FunderAccount::from_lookup(|k| (k == "FUNDER_IBAN").then(|| "NL00X".into()))
            .unwrap_err();
        assert!(err.to_string().contains("FUNDER_IBAN"), "{err}");
        let err =
            FunderAccount::from_lookup(|k| (k == "FUNDER_BIC").then(|| "ABN".into())).unwrap_err();
        assert!(err.to_string().contains("FUNDER_BIC"), "{err}");
    }

    #[test]
    fn bic_form() {
        for ok in ["ABNANL2A", "RABONL2U", "INGBNL2AXXX", "DEUTDEFF500"] {
            assert!(check_bic(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "ABNANL2",
            "abnanl2a",
            "ABNANL1A",
            "ABNANLAO",
            "ABNANL2AXX",
        ] {
            assert!(check_bic(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn payment_info_id_fits() {
        assert_eq!(payment_info_id("ABC"), "ABC-1");
        assert_eq!(payment_info_id(&"X".repeat(35)).len(), 35);
    }
}
