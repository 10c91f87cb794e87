//! The problems a programme file can have, each with a Dutch message that says what was
//! wrong and what would be accepted.

use std::fmt;

use chrono::{NaiveDate, NaiveDateTime};

use super::rounds::dutch_wall_clock;

use crate::money::{Money, MoneyError};

/// One problem in a programme file.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ConfigError {
    /// The programme has no instruments.
    #[error(
        "het programma heeft geen regelingen; voeg ten minste één [[programma.instrumenten]] toe"
    )]
    NoInstruments,
    /// The file has no regions.
    #[error("er zijn geen regio's; voeg ten minste één [[regios]] toe met code, naam en inwoners")]
    NoRegions,
    /// The envelope is zero or negative.
    #[error("de envelop van het programma is {}; die moet groter zijn dan € 0,00", .envelope.to_dutch())]
    EnvelopeNotPositive {
        /// The envelope given.
        envelope: Money,
    },
    /// The programme ends before it starts.
    #[error("de looptijd van het programma eindigt op {ends}, vóór het begin op {starts}; `tot_en_met` moet op of na `van` liggen")]
    PeriodReversed {
        /// `van`.
        starts: NaiveDate,
        /// `tot_en_met`.
        ends: NaiveDate,
    },
    /// The ceilings together exceed the envelope.
    #[error("de plafonds van de regelingen zijn samen {}, meer dan de envelop van {}; verlaag de plafonds samen met ten minste {} of verhoog de envelop", .total.to_dutch(), .envelope.to_dutch(), .excess.to_dutch())]
    CeilingsExceedEnvelope {
        /// Sum of the ceilings.
        total: Money,
        /// The envelope.
        envelope: Money,
        /// `total - envelope`.
        excess: Money,
    },
    /// The ceilings cannot even be added up.
    #[error("de plafonds van de regelingen zijn samen te groot om op te tellen ({source}); controleer de bedragen")]
    CeilingsOverflow {
        /// The arithmetic error.
        source: MoneyError,
    },
    /// A ceiling of zero or less.
    #[error("regeling '{instrument}': het plafond is {}; een plafond moet groter zijn dan € 0,00", .ceiling.to_dutch())]
    CeilingNotPositive {
        /// Instrument code.
        instrument: String,
        /// The ceiling given.
        ceiling: Money,
    },
    /// An amount bound (or fixed amount) of zero or less.
    #[error("regeling '{instrument}': `bedrag.{key}` is {}; dat moet groter zijn dan € 0,00", .amount.to_dutch())]
    AmountNotPositive {
        /// Instrument code.
        instrument: String,
        /// `min`, `max` or `vast`.
        key: &'static str,
        /// The amount given.
        amount: Money,
    },
    /// The minimum of a range is above its maximum.
    #[error("regeling '{instrument}': het minimumbedrag {} is hoger dan het maximumbedrag {}; `min` mag niet hoger zijn dan `max`", .min.to_dutch(), .max.to_dutch())]
    MinAboveMax {
        /// Instrument code.
        instrument: String,
        /// `bedrag.min`.
        min: Money,
        /// `bedrag.max`.
        max: Money,
    },
    /// A single grant could exceed the ceiling.
    #[error("regeling '{instrument}': `bedrag.{key}` is {}, hoger dan het plafond van {}; verlaag het bedrag tot hoogstens het plafond of verhoog het plafond", .amount.to_dutch(), .ceiling.to_dutch())]
    AmountAboveCeiling {
        /// Instrument code.
        instrument: String,
        /// `max` or `vast`.
        key: &'static str,
        /// The amount given.
        amount: Money,
        /// The ceiling.
        ceiling: Money,
    },
    /// An advance percentage above 100.
    #[error("regeling '{instrument}': voorschot_percentage is {percent}; kies een percentage van 0 tot en met 100")]
    AdvanceTooHigh {
        /// Instrument code.
        instrument: String,
        /// The percentage given.
        percent: u8,
    },
    /// A window that closes before it opens.
    #[error("regeling '{instrument}': de openstelling sluit op {closes}, vóór ze opent op {opens}; `tot_en_met` moet op of na `van` liggen")]
    WindowReversed {
        /// Instrument code.
        instrument: String,
        /// `van`.
        opens: NaiveDate,
        /// `tot_en_met`.
        closes: NaiveDate,
    },
    /// A window not within the programme period.
    #[error("regeling '{instrument}': de openstelling van {opens} tot en met {closes} valt niet binnen de looptijd van het programma ({starts} tot en met {ends}); kies data binnen de looptijd")]
    WindowOutsidePeriod {
        /// Instrument code.
        instrument: String,
        /// Window `van`.
        opens: NaiveDate,
        /// Window `tot_en_met`.
        closes: NaiveDate,
        /// Programme `van`.
        starts: NaiveDate,
        /// Programme `tot_en_met`.
        ends: NaiveDate,
    },
    /// A round that closes before it opens.
    #[error("regeling '{instrument}', ronde '{round}': de ronde sluit op {}, vóór ze opent op {}; `sluit` moet na `opent` liggen", dutch_wall_clock(*.closes), dutch_wall_clock(*.opens))]
    RoundReversed {
        /// Instrument code.
        instrument: String,
        /// Round code.
        round: String,
        /// `opent`.
        opens: NaiveDateTime,
        /// `sluit`.
        closes: NaiveDateTime,
    },
    /// A round that opens before the one before it has closed.
    #[error("regeling '{instrument}', ronde '{round}': de ronde opent op {}, vóór ronde '{previous}' sluit op {}; zet de rondes op volgorde en laat ze niet overlappen (een ronde mag openen op de seconde na het sluiten van de vorige)", dutch_wall_clock(*.opens), dutch_wall_clock(*.previous_closes))]
    RoundsOverlap {
        /// Instrument code.
        instrument: String,
        /// Round code.
        round: String,
        /// The round before it.
        previous: String,
        /// This round's `opent`.
        opens: NaiveDateTime,
        /// The previous round's `sluit`.
        previous_closes: NaiveDateTime,
    },
    /// A round not within the programme period.
    #[error("regeling '{instrument}', ronde '{round}': de ronde van {} tot en met {} valt niet binnen de looptijd van het programma ({starts} tot en met {ends}); kies tijdstippen binnen de looptijd", dutch_wall_clock(*.opens), dutch_wall_clock(*.closes))]
    RoundOutsidePeriod {
        /// Instrument code.
        instrument: String,
        /// Round code.
        round: String,
        /// `opent`.
        opens: NaiveDateTime,
        /// `sluit`.
        closes: NaiveDateTime,
        /// Programme `van`.
        starts: NaiveDate,
        /// Programme `tot_en_met`.
        ends: NaiveDate,
    },
    /// A round ceiling of zero or less.
    #[error("regeling '{instrument}', ronde '{round}': het plafond van de ronde is {}; dat moet groter zijn dan € 0,00, of laat `plafond` weg (dan geldt alleen het plafond van de regeling)", .ceiling.to_dutch())]
    RoundCeilingNotPositive {
        /// Instrument code.
        instrument: String,
        /// Round code.
        round: String,
        /// The ceiling given.
        ceiling: Money,
    },
    /// A round ceiling below what one application may ask.
    #[error("regeling '{instrument}', ronde '{round}': het plafond van de ronde ({}) is lager dan wat één aanvraag mag vragen ({}); verhoog het plafond van de ronde tot ten minste dat bedrag", .ceiling.to_dutch(), .amount.to_dutch())]
    RoundCeilingBelowAmount {
        /// Instrument code.
        instrument: String,
        /// Round code.
        round: String,
        /// The round's ceiling.
        ceiling: Money,
        /// `bedrag.max` or `bedrag.vast`.
        amount: Money,
    },
    /// The rounds' ceilings together exceed the instrument's.
    #[error("regeling '{instrument}': de plafonds van de rondes zijn samen {}, meer dan het plafond van de regeling ({}); verlaag de plafonds van de rondes samen tot hoogstens dat bedrag of verhoog het plafond van de regeling", .total.to_dutch(), .ceiling.to_dutch())]
    RoundCeilingsExceedCeiling {
        /// Instrument code.
        instrument: String,
        /// Sum of the round ceilings.
        total: Money,
        /// The instrument's ceiling.
        ceiling: Money,
    },
    /// `overloop` on the last round, or on a round without a ceiling.
    #[error("regeling '{instrument}', ronde '{round}': `overloop = true` maar {reason}; laat `overloop` weg of geef de ronde een plafond en een volgende ronde")]
    CarryOverNowhere {
        /// Instrument code.
        instrument: String,
        /// Round code.
        round: String,
        /// Why nothing can carry over.
        reason: &'static str,
    },
    /// `alleen_zonder_toekenning_in` names no earlier round.
    #[error("regeling '{instrument}', ronde '{round}': `alleen_zonder_toekenning_in` noemt '{named}', maar dat is geen eerdere ronde van deze regeling; noem de code van een ronde die vóór deze ronde komt")]
    UnfundedRoundUnknown {
        /// Instrument code.
        instrument: String,
        /// Round code.
        round: String,
        /// The code named.
        named: String,
    },
    /// A decision term of zero weeks.
    #[error("regeling '{instrument}': beslistermijn_weken is 0; geef het aantal weken waarbinnen op een aanvraag beslist wordt (de Awb noemt 8 weken als termijn als niets anders is geregeld)")]
    DecisionTermZero {
        /// Instrument code.
        instrument: String,
    },
    /// A supplement term of zero days.
    #[error("regeling '{instrument}': aanvultermijn_dagen is 0; geef de aanvrager ten minste één dag om aan te vullen (gebruikelijk is 14 dagen)")]
    SupplementTermZero {
        /// Instrument code.
        instrument: String,
    },
    /// A negative four-eyes limit.
    #[error("regeling '{instrument}': vier_ogen_boven is {}; geef een bedrag van € 0,00 of meer, of laat het veld weg", .amount.to_dutch())]
    FourEyesNegative {
        /// Instrument code.
        instrument: String,
        /// The limit given.
        amount: Money,
    },
    /// An accounting deadline before the window closes.
    #[error("regeling '{instrument}': verantwoording_uiterlijk ({deadline}) ligt vóór het sluiten van de openstelling ({closes}); kies een datum op of na {closes}")]
    AccountingBeforeWindowCloses {
        /// Instrument code.
        instrument: String,
        /// `verantwoording_uiterlijk`.
        deadline: NaiveDate,
        /// Window `tot_en_met`.
        closes: NaiveDate,
    },
    /// Per region and discipline, but no disciplines defined.
    #[error("regeling '{instrument}' is uniek per regio en discipline of vraagt een discipline, maar er zijn geen disciplines; voeg [[disciplines]] toe of kies voor `uniek` \"geen\" of \"per-regio\"")]
    DisciplinesMissing {
        /// Instrument code.
        instrument: String,
    },
    /// A code that occurs more than once in one list.
    #[error("de code '{code}' komt meer dan één keer voor bij de {list}; elke code mag in een lijst maar één keer voorkomen")]
    DuplicateCode {
        /// `regelingen`, `regio's` or `disciplines`.
        list: &'static str,
        /// The repeated code.
        code: String,
    },
    /// A code that is empty.
    #[error("{subject} heeft geen code; geef een code van kleine letters a-z, cijfers en koppeltekens, zoals \"uitvoering\" of \"r01\"")]
    EmptyCode {
        /// What has no code ("regeling nr. 2").
        subject: String,
    },
    /// A code with other characters than `[a-z0-9-]`.
    #[error("{subject}: de code '{code}' bevat andere tekens dan kleine letters a-z, cijfers 0-9 en koppeltekens; gebruik bijvoorbeeld \"{suggestion}\"")]
    InvalidCode {
        /// Whose code it is ("regio nr. 3").
        subject: String,
        /// The code given.
        code: String,
        /// A code that would be accepted.
        suggestion: String,
    },
    /// A name (or funder) that is empty.
    #[error("{subject}: `{key}` is leeg; vul een naam in")]
    EmptyName {
        /// Whose name it is ("regio 'r07'").
        subject: String,
        /// The key (`naam`, `financier`).
        key: &'static str,
    },
    /// A partner rule that asks for none.
    #[error("regeling '{instrument}': partners_vereist voor soort '{kind}' heeft ten_minste = 0; geef 1 of meer, of laat de soort weg")]
    PartnerMinimumZero {
        /// Instrument code.
        instrument: String,
        /// The partner kind.
        kind: String,
    },
    /// A region without inhabitants.
    #[error("regio '{region}': inwoners is 0; geef het aantal inwoners van de regio")]
    NoInhabitants {
        /// Region code.
        region: String,
    },
}

/// All problems found in a programme file, in the order of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigErrors(pub Vec<ConfigError>);

impl ConfigErrors {
    /// The problems.
    pub fn iter(&self) -> std::slice::Iter<'_, ConfigError> {
        self.0.iter()
    }

    /// How many problems.
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// True when there are none (never for an `Err` from [`ProgrammeFile::validate`](crate::programme::ProgrammeFile::validate)).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl fmt::Display for ConfigErrors {
    /// One line of summary, then one line per problem.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let n = self.0.len();
        write!(
            f,
            "de programmaconfiguratie is niet in orde ({n} {}):",
            if n == 1 { "fout" } else { "fouten" }
        )?;
        for error in &self.0 {
            write!(f, "\n- {error}")?;
        }
        Ok(())
    }
}

impl std::error::Error for ConfigErrors {}

impl<'a> IntoIterator for &'a ConfigErrors {
    type Item = &'a ConfigError;
    type IntoIter = std::slice::Iter<'a, ConfigError>;
    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}
