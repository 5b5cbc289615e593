"""The PostgreSQL roles script an administrator runs once per database: `boundary-bot db roles`
prints it, and docs/sql/roles.sql is a copy of it that a test keeps identical."""

from __future__ import annotations

ROLES_SQL = r"""-- boundary-bot: the two PostgreSQL roles, for a new, empty database.
--
-- `boundary-bot db roles` prints this script; docs/sql/roles.sql is the same text. Run it once,
-- as an administrator (a superuser; on a managed service, its admin role once it is a member
-- of the migration role), connected to the database the bot will use, with the role names and
-- passwords as psql variables:
--
--   boundary-bot db roles | psql "postgresql://ADMIN@HOST:5432/boundary" -v ON_ERROR_STOP=1 \
--       -v migrator=boundary_migrator -v migrator_password="$MIGRATOR_PASSWORD" \
--       -v bot=boundary_bot -v bot_password="$BOT_PASSWORD" -f -
--
-- * The migration role (`migrator`) owns the schema and everything in it; it runs
--   `boundary-bot db upgrade` and nothing else. Keep its password out of the bot's environment.
-- * The bot's role (`bot`) is the one in the replicas' DATABASE_URL. It owns nothing, so it can
--   neither drop nor disable the triggers that keep declarations append-only, nor TRUNCATE.
--
-- Default privileges (below) give the bot SELECT, INSERT and UPDATE on every table a migration
-- creates, and USAGE on every sequence (ids come from them). After each upgrade,
-- `boundary-bot db upgrade` narrows that per table (storage/privileges.py):
--   declaration, audit_event, lane_rule, coverage_claim, snooze   SELECT, INSERT
--   slack_interaction                                             SELECT, INSERT, DELETE
--   audit_chain_head                                              SELECT, UPDATE
--   alembic_version                                               SELECT
--   every other table                                             SELECT, INSERT, UPDATE
-- and TRUNCATE, REFERENCES and TRIGGER on none. Running the script again changes nothing but
-- the passwords.

-- The roles (created unless they exist; then the passwords are set).
SELECT format('CREATE ROLE %I', :'migrator')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'migrator') \gexec
SELECT format('CREATE ROLE %I', :'bot')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'bot') \gexec
ALTER ROLE :"migrator" LOGIN PASSWORD :'migrator_password';
ALTER ROLE :"bot" LOGIN PASSWORD :'bot_password';

-- Only these two roles (and administrators) may connect to this database.
SELECT current_database() AS boundary_database \gset
REVOKE ALL ON DATABASE :"boundary_database" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"boundary_database" TO :"migrator";
GRANT CONNECT ON DATABASE :"boundary_database" TO :"bot";

-- The migration role owns the schema: only it creates, alters or drops tables there.
ALTER SCHEMA public OWNER TO :"migrator";
REVOKE ALL ON SCHEMA public FROM PUBLIC;
GRANT USAGE ON SCHEMA public TO :"bot";

-- What the bot may do with the tables and sequences the migrations create, now and later.
ALTER DEFAULT PRIVILEGES FOR ROLE :"migrator" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE ON TABLES TO :"bot";
ALTER DEFAULT PRIVILEGES FOR ROLE :"migrator" IN SCHEMA public
    GRANT USAGE ON SEQUENCES TO :"bot";

-- Next: DATABASE_URL=postgresql://<migrator>:...@HOST/<database> boundary-bot db upgrade
"""
