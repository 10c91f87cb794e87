DROP TRIGGER IF EXISTS decision_letters_append_only ON decision_letters;
DROP INDEX IF EXISTS decision_letters_application;
DROP TABLE IF EXISTS decision_letters;
