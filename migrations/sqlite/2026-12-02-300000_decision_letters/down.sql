DROP TRIGGER IF EXISTS decision_letters_no_delete;
DROP TRIGGER IF EXISTS decision_letters_no_update;
DROP INDEX IF EXISTS decision_letters_application;
DROP TABLE IF EXISTS decision_letters;
