"""Entries are inserted pending and numbered by the sequencer (issue 4, PostgreSQL append rate).

`seq` stops being the primary key: the old column becomes `id` (an identity, the insertion
order), keeping its values so every `ledger_salt.entry_id` still points at its entry, and a new
nullable, unique `seq` receives the same numbers. Existing entries keep their events, leaf hashes
and positions: the tree and every signed checkpoint are unchanged.
"""

from django.db import migrations, models


def restart_identity(apps, schema_editor):
    # ADD GENERATED AS IDENTITY starts at 1 whatever the table holds; the next insert would then
    # collide with entry 1. SQLite's AUTOINCREMENT already continues after the largest id.
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        "SELECT setval(pg_get_serial_sequence('ledger_entry', 'id'), "
        "COALESCE((SELECT MAX(id) FROM ledger_entry), 0) + 1, false)"
    )


class Migration(migrations.Migration):
    dependencies = [
        ("ledger", "0001_initial"),
    ]

    operations = [
        migrations.RemoveIndex(model_name="entry", name="ledger_entr_object__c26b4e_idx"),
        migrations.RenameField(model_name="entry", old_name="seq", new_name="id"),
        migrations.AlterField(
            model_name="entry",
            name="id",
            field=models.BigAutoField(
                auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
            ),
        ),
        migrations.RunPython(restart_identity, migrations.RunPython.noop),
        migrations.AddField(
            model_name="entry",
            name="seq",
            field=models.BigIntegerField(
                blank=True,
                help_text="Position in the log; null while pending",
                null=True,
                unique=True,
            ),
        ),
        migrations.RunSQL("UPDATE ledger_entry SET seq = id", migrations.RunSQL.noop),
        migrations.AlterField(
            model_name="entry",
            name="leaf_hash",
            field=models.BinaryField(max_length=32, null=True),
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(
                fields=["object_type", "object_id", "seq"], name="ledger_entry_object"
            ),
        ),
        migrations.AddIndex(
            model_name="entry",
            index=models.Index(
                condition=models.Q(("seq__isnull", True)),
                fields=["id"],
                name="ledger_entry_pending",
            ),
        ),
        migrations.AddConstraint(
            model_name="entry",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("leaf_hash__isnull", True), ("seq__isnull", True)),
                    models.Q(("leaf_hash__isnull", False), ("seq__isnull", False)),
                    _connector="OR",
                ),
                name="ledger_entry_numbered_with_leaf",
            ),
        ),
    ]
