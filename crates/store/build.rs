//! `embed_migrations!` reads the migration folders at compile time, but cargo does not know
//! it: without this a new migration folder is not embedded until `db.rs` changes.

fn main() {
    println!("cargo:rerun-if-changed=../../migrations");
}
