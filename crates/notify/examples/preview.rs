//! Shows a template rendered with its example payload:
//! `cargo run -p subsidie-notify --example preview -- verleningsbeschikking [html]`.
//! Without a name it lists the templates.

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(name) = args.next() else {
        for name in subsidie_notify::templates::names() {
            println!("{name}");
        }
        return;
    };
    let payload = match subsidie_notify::templates::example_payload(&name) {
        Some(p) => p,
        None => {
            eprintln!("onbekend sjabloon '{name}'");
            std::process::exit(2);
        }
    };
    match subsidie_notify::render(&name, &payload) {
        Ok(r) if args.next().as_deref() == Some("html") => println!("{}", r.html),
        Ok(r) => println!("Onderwerp: {}\n\n{}", r.subject, r.text),
        Err(e) => {
            eprintln!("{e}");
            std::process::exit(1);
        }
    }
}
