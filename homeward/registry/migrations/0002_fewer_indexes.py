"""Drop seven indexes the register's imports kept up for nothing (issue 21).

Four single-column foreign-key indexes duplicate the leading column of a composite index on the
same table (namekey, nationality and status event by person; detention by detaining party), and
two serve no query (who registered a person, who recorded an event); the index of merged persons
now holds only the merged ones (a partial index), not a null for every person. Each index is
upkeep for every imported row: a 100,000-person import writes about 880,000 rows into these
tables.

The database side drops the indexes only (`DROP INDEX IF EXISTS`, on SQLite and PostgreSQL):
Django's own AlterField would drop and re-add each foreign key on PostgreSQL (a full validating
scan of the table under an exclusive lock) and rebuild the table on SQLite (dropping the figures'
triggers on it). The constraints themselves are unchanged.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_list_reads_and_token_scope"),
        ("registry", "0001_initial"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    state_operations = [
        migrations.AlterField(
            model_name="person",
            name="merged_into",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="merged_from",
                to="registry.person",
            ),
        ),
        migrations.AlterField(
            model_name="detention",
            name="detaining_party",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="detentions",
                to="accounts.party",
            ),
        ),
        migrations.AlterField(
            model_name="namekey",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="+",
                to="registry.person",
            ),
        ),
        migrations.AlterField(
            model_name="nationality",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="nationalities",
                to="registry.person",
            ),
        ),
        migrations.AlterField(
            model_name="person",
            name="created_by",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterField(
            model_name="statusevent",
            name="person",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="status_events",
                to="registry.person",
            ),
        ),
        migrations.AlterField(
            model_name="statusevent",
            name="recorded_by",
            field=models.ForeignKey(
                db_index=False,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
    ]


# (table, index, column) as 0001_initial created them.
DROPPED = [
    ("registry_detention", "registry_detention_detaining_party_id_f2129591", "detaining_party_id"),
    ("registry_namekey", "registry_namekey_person_id_8be26758", "person_id"),
    ("registry_nationality", "registry_nationality_person_id_fd478403", "person_id"),
    ("registry_person", "registry_person_created_by_id_193d8b6e", "created_by_id"),
    ("registry_person", "registry_person_merged_into_id_729f6004", "merged_into_id"),
    ("registry_statusevent", "registry_statusevent_person_id_07217c84", "person_id"),
    ("registry_statusevent", "registry_statusevent_recorded_by_id_8e199473", "recorded_by_id"),
]

Migration.operations = [
    migrations.SeparateDatabaseAndState(
        state_operations=Migration.state_operations,
        database_operations=[
            migrations.RunSQL(
                sql=[f'DROP INDEX IF EXISTS "{index}"' for _table, index, _column in DROPPED],
                reverse_sql=[
                    f'CREATE INDEX "{index}" ON "{table}" ("{column}")'
                    for table, index, column in DROPPED
                ],
            )
        ],
    ),
    # Merged persons are few and an import writes none: indexed only where set.
    migrations.AddIndex(
        model_name="person",
        index=models.Index(
            condition=models.Q(("merged_into__isnull", False)),
            fields=["merged_into"],
            name="registry_person_merged_into",
        ),
    ),
]
