//! How much one read returns: a page of a list for the API and CLI, and a page of rows
//! when a file or a batch of mails is written from a large table.

/// The most rows one page of a list returns.
pub const MAX_PAGE: i64 = 500;

/// Rows read from the database at a time when streaming a file or queueing mails for a
/// whole payment run: large enough that a million rows are few statements, small enough
/// that memory stays flat.
pub const PAGE: i64 = 2_000;

/// A requested page size brought within 1 and [`MAX_PAGE`].
pub fn page_size(limit: i64) -> i64 {
    limit.clamp(1, MAX_PAGE)
}
