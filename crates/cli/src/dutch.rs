//! clap's own messages in Dutch: errors are rebuilt from their kind and context (the
//! offending value, the suggestion clap found), and help texts get Dutch headings.
//! clap has no translations of its own, so this is the one place that knows its words.

use clap::error::{ContextKind, ContextValue, ErrorKind};

/// clap's English words in help and usage, with their Dutch.
const HELP_WORDS: [(&str, &str); 11] = [
    ("Usage:", "Gebruik:"),
    ("Commands:", "Opdrachten:"),
    ("Options:", "Opties:"),
    ("Arguments:", "Argumenten:"),
    (
        "Print this message or the help of the given subcommand(s)",
        "Toon deze hulp of die van de genoemde opdracht",
    ),
    (
        "Print help (see a summary with '-h')",
        "Toon de hulp (kort met '-h')",
    ),
    (
        "Print help (see more with '--help')",
        "Toon de hulp (uitgebreid met '--help')",
    ),
    ("Print help", "Toon de hulp"),
    ("Print version", "Toon de versie"),
    ("[default: ", "[standaard: "),
    ("[possible values: ", "[mogelijke waarden: "),
];

/// Help or usage text with clap's headings and flag texts in Dutch.
pub fn help_text(text: &str) -> String {
    HELP_WORDS
        .iter()
        .fold(text.to_owned(), |acc, (en, nl)| acc.replace(en, nl))
        .replace("<COMMAND>", "<OPDRACHT>")
        .replace("[OPTIONS]", "[OPTIES]")
}

fn context(err: &clap::Error, kind: ContextKind) -> Option<String> {
    err.get(kind).map(|value| match value {
        ContextValue::String(s) => s.clone(),
        ContextValue::Strings(list) => list.join("' of '"),
        ContextValue::StyledStr(s) => s.to_string(),
        ContextValue::StyledStrs(list) => list
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("' of '"),
        ContextValue::Number(n) => n.to_string(),
        ContextValue::Bool(b) => b.to_string(),
        ContextValue::None => String::new(),
        _ => String::new(),
    })
}

/// The Dutch message for a usage error: what was wrong, what clap suggests, how to use
/// the command. Help and version are not errors; see [`help_text`] for those.
pub fn error_message(err: &clap::Error) -> String {
    let arg = context(err, ContextKind::InvalidArg).unwrap_or_default();
    let value = context(err, ContextKind::InvalidValue).unwrap_or_default();
    let mut out = match err.kind() {
        ErrorKind::InvalidSubcommand => format!(
            "onbekende opdracht '{}'",
            context(err, ContextKind::InvalidSubcommand).unwrap_or_default()
        ),
        ErrorKind::UnknownArgument => format!("onbekende optie '{arg}'"),
        ErrorKind::InvalidValue => {
            let mut m = if value.is_empty() {
                format!("'{arg}' vraagt een waarde")
            } else {
                format!("ongeldige waarde '{value}' voor '{arg}'")
            };
            if let Some(valid) = context(err, ContextKind::ValidValue) {
                m.push_str(&format!("; mogelijke waarden: '{valid}'"));
            }
            m
        }
        ErrorKind::ValueValidation => format!(
            "ongeldige waarde '{value}' voor '{arg}'; geef een {}",
            expected_form(&arg)
        ),
        ErrorKind::MissingRequiredArgument => {
            format!("verplicht maar niet gegeven: '{arg}'")
        }
        ErrorKind::MissingSubcommand | ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            "welke opdracht? Kies er een uit de lijst van '--help'".to_owned()
        }
        ErrorKind::ArgumentConflict => format!(
            "'{arg}' gaat niet samen met '{}'",
            context(err, ContextKind::PriorArg).unwrap_or_default()
        ),
        ErrorKind::TooManyValues | ErrorKind::TooFewValues | ErrorKind::WrongNumberOfValues => {
            format!("verkeerd aantal waarden voor '{arg}'")
        }
        ErrorKind::NoEquals => format!("'{arg}' vraagt een waarde met '=', zoals {arg}=WAARDE"),
        ErrorKind::InvalidUtf8 => {
            "de opdrachtregel bevat tekens die geen geldige UTF-8 zijn".to_owned()
        }
        _ => "de opdrachtregel is niet in orde".to_owned(),
    };
    out.insert_str(0, "fout: ");
    out.push('\n');
    for kind in [ContextKind::SuggestedSubcommand, ContextKind::SuggestedArg] {
        if let Some(suggestion) = context(err, kind) {
            out.push_str(&format!("\n  tip: bedoelt u '{suggestion}'?\n"));
        }
    }
    if let Some(usage) = context(err, ContextKind::Usage) {
        out.push('\n');
        out.push_str(&help_text(usage.trim_end()));
        out.push('\n');
    }
    out.push_str("\nMeer uitleg: '--help'.\n");
    out
}

/// What a value of this option looks like, for a refused one.
fn expected_form(arg: &str) -> &'static str {
    if ["until", "from", "up-to"]
        .iter()
        .any(|name| arg.contains(name))
    {
        "kalenderdatum als 2026-12-31 (jaar-maand-dag)"
    } else if arg.contains("days") {
        "geheel aantal dagen, zoals 30"
    } else {
        "waarde in de vorm die '--help' bij deze optie noemt"
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use clap::Parser;

    use super::*;
    use crate::args::Cli;

    fn refused(args: &[&str]) -> String {
        error_message(&Cli::try_parse_from(args).unwrap_err())
    }

    #[test]
    fn a_mistyped_verb_gets_a_dutch_hint() {
        let m = refused(&["subsidie", "serv"]);
        assert!(m.contains("onbekende opdracht 'serv'"), "{m}");
        assert!(m.contains("'serve'?"), "{m}");
        assert!(m.contains("Gebruik:"), "{m}");
        assert!(
            !m.contains("Usage") && !m.contains("error:") && !m.contains("tip: a"),
            "{m}"
        );
    }

    #[test]
    fn options_values_and_missing_arguments_are_explained_in_dutch() {
        let m = refused(&["subsidie", "seed", "--fiel", "x.toml"]);
        assert!(m.contains("onbekende optie '--fiel'"), "{m}");
        assert!(m.contains("'--file'"), "{m}");
        let m = refused(&["subsidie", "payment-run", "create", "--up-to", "morgen"]);
        assert!(m.contains("ongeldige waarde 'morgen'"), "{m}");
        assert!(m.contains("2026-12-31"), "{m}");
        let m = refused(&["subsidie", "allocate"]);
        assert!(
            m.contains("verplicht maar niet gegeven: '--instrument <INSTRUMENT>'"),
            "{m}"
        );
        let m = refused(&["subsidie", "report", "dekking", "--programme", "p"]);
        assert!(m.contains("mogelijke waarden"), "{m}");
    }

    #[test]
    fn help_has_dutch_headings() {
        let err = Cli::try_parse_from(["subsidie", "--help"]).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::DisplayHelp);
        let text = help_text(&err.render().to_string());
        assert!(
            text.contains("Gebruik:") && text.contains("Opdrachten:"),
            "{text}"
        );
        assert!(text.contains("Toon de hulp"), "{text}");
        assert!(
            !text.contains("Usage:") && !text.contains("Print help"),
            "{text}"
        );
    }
}
