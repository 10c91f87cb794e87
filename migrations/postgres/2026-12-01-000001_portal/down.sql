DROP TABLE IF EXISTS portal_sessions;
DROP INDEX IF EXISTS portal_signin_requests_address;
DROP TABLE IF EXISTS portal_signin_requests;
DROP TABLE IF EXISTS portal_signin_links;
