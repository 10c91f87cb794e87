//! The demo scenario of the parliamentary letter (in progress).
