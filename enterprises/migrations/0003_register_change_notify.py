"""Tell the web workers' in-memory register copy what changed (ADR 0003, PostgreSQL only).

After every statement that inserts, updates or deletes enterprises, sub-units or dispensations,
PostgreSQL sends NOTIFY `enterprise_register` with the organisation numbers whose obligation
answer may have changed (an enterprise's own number, a sub-unit's parent, a dispensation's
enterprise), comma-separated; more than 200 numbers, or a TRUNCATE, send `*` (reload all).
NOTIFY is transactional: it reaches the listeners when the change commits, never before and
never for a rolled-back change.
"""

from django.db import migrations

CHANNEL = "enterprise_register"
TABLES = {
    "enterprises_enterprise": "orgnr",
    "enterprises_subunit": "parent_id",
    "enterprises_dispensation": "enterprise_orgnr",
}

FUNCTION = f"""
CREATE OR REPLACE FUNCTION enterprises_register_notify() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    key_column text := TG_ARGV[0];
    numbers text;
    how_many bigint;
BEGIN
    IF TG_OP = 'TRUNCATE' THEN
        PERFORM pg_notify('{CHANNEL}', '*');
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        EXECUTE format('SELECT count(DISTINCT k), string_agg(DISTINCT k, '','') FROM
            (SELECT %I AS k FROM new_rows) t WHERE k IS NOT NULL', key_column) INTO how_many, numbers;
    ELSIF TG_OP = 'UPDATE' THEN
        EXECUTE format('SELECT count(DISTINCT k), string_agg(DISTINCT k, '','') FROM
            (SELECT %I AS k FROM old_rows UNION ALL SELECT %I FROM new_rows) t WHERE k IS NOT NULL',
            key_column, key_column) INTO how_many, numbers;
    ELSE
        EXECUTE format('SELECT count(DISTINCT k), string_agg(DISTINCT k, '','') FROM
            (SELECT %I AS k FROM old_rows) t WHERE k IS NOT NULL', key_column) INTO how_many, numbers;
    END IF;
    IF how_many > 200 THEN
        PERFORM pg_notify('{CHANNEL}', '*');
    ELSIF how_many > 0 THEN
        PERFORM pg_notify('{CHANNEL}', numbers);
    END IF;
    RETURN NULL;
END $$;
"""


def _triggers(table: str, column: str) -> list[str]:
    name = f"{table}_register_notify"
    call = f"EXECUTE FUNCTION enterprises_register_notify('{column}')"
    return [
        f"CREATE TRIGGER {name}_ins AFTER INSERT ON {table} REFERENCING NEW TABLE AS new_rows "
        f"FOR EACH STATEMENT {call}",
        f"CREATE TRIGGER {name}_upd AFTER UPDATE ON {table} REFERENCING OLD TABLE AS old_rows "
        f"NEW TABLE AS new_rows FOR EACH STATEMENT {call}",
        f"CREATE TRIGGER {name}_del AFTER DELETE ON {table} REFERENCING OLD TABLE AS old_rows "
        f"FOR EACH STATEMENT {call}",
        f"CREATE TRIGGER {name}_trunc AFTER TRUNCATE ON {table} FOR EACH STATEMENT {call}",
    ]


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return  # SQLite (development): no other process keeps a copy
    schema_editor.execute(FUNCTION, params=None)
    for table, column in TABLES.items():
        for statement in _triggers(table, column):
            schema_editor.execute(statement, params=None)


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        for suffix in ("ins", "upd", "del", "trunc"):
            schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_register_notify_{suffix} ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS enterprises_register_notify()")


class Migration(migrations.Migration):
    dependencies = [("enterprises", "0002_text_max_length")]

    operations = [migrations.RunPython(forwards, backwards)]
