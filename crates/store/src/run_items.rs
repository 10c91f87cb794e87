//! A payment run's transfers (`payment_run_items`) streamed in payment order, for the
//! files of a run.
//!
//! On PostgreSQL the rows come from one `COPY (SELECT …) TO STDOUT (FORMAT binary)`:
//! the server sends the rows once, in one statement, at the speed of its own `COPY`,
//! where keyset pages cost a statement and an index descent each and came out at about
//! half that speed. Each row is parsed in place and handed over borrowed ([`RunItem`]),
//! so nothing is allocated per row and memory stays one row plus libpq's buffer.
//!
//! `COPY` takes no bound parameters, so the run id goes in through a transaction-local
//! setting (`set_config(…, true)`, which is bound) and the statement text stays fixed:
//! no id is ever spliced into SQL.

use chrono::{NaiveDate, NaiveDateTime};
use diesel::pg::{CopyFormat, CopyTarget, Pg, PgConnection};
use diesel::prelude::*;
use diesel::query_builder::AstPass;
use diesel::result::Error as DieselError;
use diesel::sql_types::Text;
use std::io::{BufRead, Read};

use crate::error::StoreError;
use crate::rows::PaymentRunItemRow;
use crate::schema::payment_run_items;

/// One transfer of a run, borrowed from wherever it was read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RunItem<'a> {
    /// The payment reference (the SEPA end-to-end id).
    pub reference: &'a str,
    /// Advance, remainder, …
    pub kind: &'a str,
    /// Amount in cents.
    pub amount_cents: i64,
    /// The instrument.
    pub instrument_id: &'a str,
    /// The grantee's region.
    pub region_id: &'a str,
    /// The application's reference.
    pub application_reference: &'a str,
    /// The grantee's name as the run recorded it.
    pub creditor_name: &'a str,
    /// The grantee's IBAN as the run recorded it.
    pub creditor_iban: &'a str,
    /// When the bank reported the transfer failed.
    pub failed_at: Option<NaiveDateTime>,
    /// Why it failed.
    pub failure_reason: Option<&'a str>,
}

impl<'a> From<&'a PaymentRunItemRow> for RunItem<'a> {
    fn from(r: &'a PaymentRunItemRow) -> RunItem<'a> {
        RunItem {
            reference: &r.reference,
            kind: &r.kind,
            amount_cents: r.amount_cents,
            instrument_id: &r.instrument_id,
            region_id: &r.region_id,
            application_reference: &r.application_reference,
            creditor_name: &r.creditor_name,
            creditor_iban: &r.creditor_iban,
            failed_at: r.failed_at,
            failure_reason: r.failure_reason.as_deref(),
        }
    }
}

/// The setting that carries the run id into the `COPY` statement.
const RUN_SETTING: &str = "subsidie.export_run_id";
/// Columns of [`RunItem`], in its order.
const FIELDS: usize = 10;

/// The `COPY` source: the run's items in payment order. A unit type because diesel asks
/// a copy target for its SQL without an instance; the run id is the setting.
struct ItemsOfRun;

impl CopyTarget for ItemsOfRun {
    type Table = payment_run_items::table;
    type SqlType = Text;

    fn walk_target(mut pass: AstPass<'_, '_, Pg>) -> QueryResult<()> {
        pass.push_sql(
            "(SELECT reference, kind, amount_cents, instrument_id, region_id, \
             application_reference, creditor_name, creditor_iban, failed_at, failure_reason \
             FROM payment_run_items \
             WHERE run_id = current_setting('subsidie.export_run_id') \
             ORDER BY payment_id)",
        );
        Ok(())
    }
}

fn malformed(what: &str) -> StoreError {
    StoreError::Query(DieselError::DeserializationError(
        format!("COPY van de betaalronde: {what}").into(),
    ))
}

fn io_error(e: std::io::Error) -> StoreError {
    malformed(&e.to_string())
}

/// Calls `each` with every transfer of the run, in payment order, from one `COPY` in one
/// transaction (one snapshot for the whole file). When `each` fails the rest of the rows
/// is read and dropped, so that the connection goes back to the pool usable; the error of
/// `each` is returned.
pub fn stream_postgres<E>(
    conn: &mut PgConnection,
    run_id: &str,
    mut each: impl FnMut(&RunItem<'_>) -> Result<(), E>,
) -> Result<(), E>
where
    E: From<StoreError> + From<DieselError>,
{
    conn.transaction::<_, E, _>(|conn| {
        diesel::sql_query(format!("SELECT set_config('{RUN_SETTING}', $1, true)"))
            .bind::<Text, _>(run_id)
            .execute(conn)?;
        let mut copy = diesel::copy_to(ItemsOfRun)
            .with_format(CopyFormat::Binary)
            .load_raw(conn)?;
        skip_header(&mut copy)?;
        let mut carry = Vec::new();
        let mut outcome: Result<(), E> = Ok(());
        while let Some(parsed) = next_tuple(&mut copy, &mut carry, |fields| {
            if outcome.is_ok() {
                outcome = each(&item(fields)?);
            }
            Ok::<(), StoreError>(())
        })? {
            parsed?;
        }
        if !copy.fill_buf().map_err(io_error)?.is_empty() {
            return Err(malformed("gegevens na het einde").into());
        }
        outcome
    })
}

/// The header of the binary format: signature, flags, extension (PostgreSQL's `COPY`
/// documentation, "Binary Format").
fn skip_header(copy: &mut impl Read) -> Result<(), StoreError> {
    const SIGNATURE: &[u8; 11] = b"PGCOPY\n\xFF\r\n\0";
    let mut fixed = [0u8; 19];
    copy.read_exact(&mut fixed).map_err(io_error)?;
    if &fixed[..11] != SIGNATURE {
        return Err(malformed("onbekende kop"));
    }
    let flags = u32::from_be_bytes([fixed[11], fixed[12], fixed[13], fixed[14]]);
    // The upper half are flags a reader must not ignore (bit 16: OIDs included).
    if flags >> 16 != 0 {
        return Err(malformed("onbekende vlaggen in de kop"));
    }
    let extension = u32::from_be_bytes([fixed[15], fixed[16], fixed[17], fixed[18]]);
    std::io::copy(&mut copy.take(u64::from(extension)), &mut std::io::sink()).map_err(io_error)?;
    Ok(())
}

type Fields<'a> = [Option<&'a [u8]>; FIELDS];

/// One tuple at the start of `buf`: its length and fields; `None` when `buf` holds only
/// part of it; `Some((2, None))` for the trailer that ends the data.
fn split(buf: &[u8]) -> Result<Option<(usize, Option<Fields<'_>>)>, StoreError> {
    let Some(count) = buf.get(..2) else {
        return Ok(None);
    };
    match i16::from_be_bytes([count[0], count[1]]) {
        -1 => return Ok(Some((2, None))),
        n if usize::try_from(n).ok() == Some(FIELDS) => {}
        n => return Err(malformed(&format!("{n} kolommen in plaats van {FIELDS}"))),
    }
    let mut fields: Fields<'_> = [None; FIELDS];
    let mut at = 2;
    for field in &mut fields {
        let Some(len) = buf.get(at..at + 4) else {
            return Ok(None);
        };
        let len = i32::from_be_bytes([len[0], len[1], len[2], len[3]]);
        at += 4;
        // A negative length is NULL.
        if let Ok(len) = usize::try_from(len) {
            let Some(value) = buf.get(at..at + len) else {
                return Ok(None);
            };
            *field = Some(value);
            at += len;
        }
    }
    Ok(Some((at, Some(fields))))
}

/// Hands the next tuple's fields to `f`; `None` after the trailer. PostgreSQL sends a
/// row per message, so a tuple is nearly always whole in libpq's buffer and read there
/// in place; one split over messages is gathered in `carry` first.
fn next_tuple<T>(
    copy: &mut impl BufRead,
    carry: &mut Vec<u8>,
    f: impl FnOnce(&Fields<'_>) -> T,
) -> Result<Option<T>, StoreError> {
    if carry.is_empty() {
        let buf = copy.fill_buf().map_err(io_error)?;
        if let Some((len, fields)) = split(buf)? {
            let out = fields.as_ref().map(f);
            copy.consume(len);
            return Ok(out);
        }
    }
    loop {
        if let Some((len, fields)) = split(carry)? {
            let out = fields.as_ref().map(f);
            carry.drain(..len);
            return Ok(out);
        }
        let buf = copy.fill_buf().map_err(io_error)?;
        if buf.is_empty() {
            return Err(malformed("de gegevens houden midden in een rij op"));
        }
        carry.extend_from_slice(buf);
        let len = buf.len();
        copy.consume(len);
    }
}

fn text<'a>(field: Option<&'a [u8]>, name: &str) -> Result<&'a str, StoreError> {
    let bytes = field.ok_or_else(|| malformed(&format!("{name} is leeg")))?;
    std::str::from_utf8(bytes).map_err(|_| malformed(&format!("{name} is geen UTF-8")))
}

fn big_int(field: Option<&[u8]>, name: &str) -> Result<i64, StoreError> {
    field
        .and_then(|b| <[u8; 8]>::try_from(b).ok())
        .map(i64::from_be_bytes)
        .ok_or_else(|| malformed(&format!("{name} is geen bigint")))
}

/// A `timestamp` in the binary format: microseconds since 2000-01-01 00:00:00.
fn timestamp(field: Option<&[u8]>, name: &str) -> Result<Option<NaiveDateTime>, StoreError> {
    let Some(_) = field else {
        return Ok(None);
    };
    let micros = big_int(field, name)?;
    NaiveDate::from_ymd_opt(2000, 1, 1)
        .and_then(|d| d.and_hms_opt(0, 0, 0))
        .and_then(|epoch| epoch.checked_add_signed(chrono::TimeDelta::microseconds(micros)))
        .map(Some)
        .ok_or_else(|| malformed(&format!("{name} valt buiten het bereik")))
}

fn item<'a>(f: &Fields<'a>) -> Result<RunItem<'a>, StoreError> {
    Ok(RunItem {
        reference: text(f[0], "reference")?,
        kind: text(f[1], "kind")?,
        amount_cents: big_int(f[2], "amount_cents")?,
        instrument_id: text(f[3], "instrument_id")?,
        region_id: text(f[4], "region_id")?,
        application_reference: text(f[5], "application_reference")?,
        creditor_name: text(f[6], "creditor_name")?,
        creditor_iban: text(f[7], "creditor_iban")?,
        failed_at: timestamp(f[8], "failed_at")?,
        failure_reason: f[9].map(|_| text(f[9], "failure_reason")).transpose()?,
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn tuple(fields: &[Option<&[u8]>]) -> Vec<u8> {
        let mut out = (fields.len() as i16).to_be_bytes().to_vec();
        for f in fields {
            match f {
                Some(b) => {
                    out.extend_from_slice(&(b.len() as i32).to_be_bytes());
                    out.extend_from_slice(b);
                }
                None => out.extend_from_slice(&(-1i32).to_be_bytes()),
            }
        }
        out
    }

    fn row(reference: &str, failed: Option<i64>) -> Vec<u8> {
        let failed = failed.map(i64::to_be_bytes);
        tuple(&[
            Some(reference.as_bytes()),
            Some(b"voorschot"),
            Some(&123_456i64.to_be_bytes()),
            Some(b"uitvoering"),
            Some(b"r01"),
            Some(b"UITV-2025-1"),
            Some("Zorg & Coöperatie".as_bytes()),
            Some(b"NL44RABO0123456789"),
            failed.as_ref().map(|b| &b[..]),
            failed.map(|_| &b"weg"[..]),
        ])
    }

    /// Reads everything in `chunks` (each chunk one `fill_buf`) and gives the references.
    fn read(chunks: Vec<Vec<u8>>) -> Result<Vec<(String, Option<NaiveDateTime>)>, StoreError> {
        struct Chunks(std::collections::VecDeque<Vec<u8>>, usize);
        impl Read for Chunks {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                let data = self.fill_buf()?;
                let n = data.len().min(buf.len());
                buf[..n].copy_from_slice(&data[..n]);
                self.consume(n);
                Ok(n)
            }
        }
        impl BufRead for Chunks {
            fn fill_buf(&mut self) -> std::io::Result<&[u8]> {
                while self.0.front().is_some_and(|c| self.1 >= c.len()) {
                    self.0.pop_front();
                    self.1 = 0;
                }
                Ok(self.0.front().map_or(&[][..], |c| &c[self.1..]))
            }
            fn consume(&mut self, n: usize) {
                self.1 += n;
            }
        }
        let mut src = Chunks(chunks.into(), 0);
        skip_header(&mut src)?;
        let mut carry = Vec::new();
        let mut out = Vec::new();
        while let Some(r) = next_tuple(&mut src, &mut carry, |f| {
            item(f).map(|i| (i.reference.to_owned(), i.failed_at))
        })? {
            out.push(r?);
        }
        Ok(out)
    }

    fn header() -> Vec<u8> {
        let mut h = b"PGCOPY\n\xFF\r\n\0".to_vec();
        h.extend_from_slice(&0u32.to_be_bytes());
        h.extend_from_slice(&0u32.to_be_bytes());
        h
    }

    #[test]
    fn reads_rows_whole_or_split_over_messages() {
        let mut first = header();
        first.extend(row("B-1", None));
        let second = row("B-2", Some(86_400_000_000));
        let mut all = first.clone();
        all.extend_from_slice(&second);
        all.extend_from_slice(&(-1i16).to_be_bytes());
        let day = NaiveDate::from_ymd_opt(2000, 1, 2)
            .unwrap()
            .and_hms_opt(0, 0, 0)
            .unwrap();
        let expected = vec![("B-1".to_owned(), None), ("B-2".to_owned(), Some(day))];
        let messages = vec![first, second, (-1i16).to_be_bytes().to_vec()];
        assert_eq!(read(messages).unwrap(), expected);
        // Cut anywhere, the same rows.
        for cut in [1, 5, 19, 20, 40, all.len() - 1] {
            let chunks = vec![all[..cut].to_vec(), all[cut..].to_vec()];
            assert_eq!(read(chunks).unwrap(), expected, "cut at {cut}");
        }
        let bytes: Vec<Vec<u8>> = all.iter().map(|b| vec![*b]).collect();
        assert_eq!(read(bytes).unwrap(), expected);
    }

    #[test]
    fn refuses_truncated_or_foreign_data() {
        let mut data = header();
        data.extend(row("B-1", None));
        // No trailer: the server stopped before the end.
        assert!(read(vec![data.clone()]).is_err());
        data.truncate(data.len() - 3);
        assert!(read(vec![data]).is_err());
        let mut wrong = header();
        wrong.extend(tuple(&[Some(b"x")]));
        assert!(read(vec![wrong]).is_err());
        assert!(read(vec![b"PGCOPX\n\xFF\r\n\0\0\0\0\0\0\0\0\0".to_vec()]).is_err());
        let mut null = header();
        null.extend(tuple(&[None; FIELDS]));
        assert!(read(vec![null]).is_err());
    }
}
