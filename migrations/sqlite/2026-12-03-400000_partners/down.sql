DROP TABLE IF EXISTS application_partners;
DROP TABLE IF EXISTS instrument_partner_rules;
