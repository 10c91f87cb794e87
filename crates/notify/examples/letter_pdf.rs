//! Writes the PDF letter of a template's example payload, to look at:
//! `cargo run -p subsidie-notify --example letter_pdf -- verleningsbeschikking brief.pdf`.

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [template, path] = args.as_slice() else {
        eprintln!("gebruik: letter_pdf <sjabloon> <bestand.pdf>, bijvoorbeeld verleningsbeschikking brief.pdf");
        return ExitCode::FAILURE;
    };
    let Some(payload) = subsidie_notify::templates::example_payload(template) else {
        eprintln!("geen voorbeeld voor '{template}'");
        return ExitCode::FAILURE;
    };
    match subsidie_notify::pdf(template, &payload).map(|pdf| std::fs::write(path, pdf)) {
        Ok(Ok(())) => ExitCode::SUCCESS,
        Ok(Err(e)) => {
            eprintln!("{path}: {e}");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("{e}");
            ExitCode::FAILURE
        }
    }
}
