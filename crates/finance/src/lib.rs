//! Finance files of subsidie, as pure writers over any [`std::io::Write`]:
//!
//! - [`sepa`]: SEPA credit-transfer initiation (ISO 20022 `pain.001.001.03`) for a
//!   payment run, checked against its control sums and streamed transfer by transfer;
//! - [`csv`]: CSV the way Dutch spreadsheets read it (UTF-8 with BOM, `;`, decimal comma);
//! - [`xlsx`]: a minimal XLSX workbook, streamed row by row through a small ZIP writer
//!   ([`zip`]);
//! - [`cell`]: one row type ([`cell::Cell`]) for both writers;
//! - [`table`]: either writer, chosen at run time ([`table::TableFormat`]);
//! - `testing` (feature `testing`): read-backs and the XSD check for tests (and a look before sending).
//!
//! Nothing here reads a clock, a database or the network: the same input gives the same
//! bytes. Memory does not grow with the number of rows. Amounts are whole euro-cents
//! (`i64`) throughout, so sums are exact.

pub mod cell;
pub mod csv;
pub mod sepa;
pub mod table;
// Test support stays out of release builds; other crates enable it from their
// dev-dependencies.
#[cfg(any(test, feature = "testing"))]
pub mod testing;
pub mod text;
pub mod xlsx;
pub mod zip;

pub use cell::Cell;
pub use sepa::{FileHeader, FunderAccount, SepaError, SepaWriter, Transfer};
pub use table::{TableFormat, TableWriter};
