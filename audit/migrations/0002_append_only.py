from django.db import migrations

FUNCTION = """
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    unlinked audit_auditevent;
BEGIN
    IF TG_OP = 'DELETE' THEN
        IF current_setting('accord.audit_prune', true) = 'on' THEN
            RETURN OLD;
        END IF;
        RAISE EXCEPTION 'audit events are append-only: they leave only by the retention prune';
    END IF;
    -- A deleted user's events lose the link and keep the e-mail: the one change allowed.
    unlinked := OLD;
    unlinked.actor_id := NULL;
    IF NEW.actor_id IS NULL AND NEW IS NOT DISTINCT FROM unlinked THEN
        RETURN NEW;
    END IF;
    RAISE EXCEPTION 'audit events are append-only: an event cannot be changed';
END;
$$;
CREATE TRIGGER audit_event_append_only BEFORE UPDATE OR DELETE ON audit_auditevent
    FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
"""
DROP = """
DROP TRIGGER IF EXISTS audit_event_append_only ON audit_auditevent;
DROP FUNCTION IF EXISTS audit_event_append_only();
"""


def on_postgresql(sql):
    # The embedded SQLite of `make run` keeps the model's own refusal only.
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("audit", "0001_initial")]

    operations = [migrations.RunPython(on_postgresql(FUNCTION), on_postgresql(DROP))]
