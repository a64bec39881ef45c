"""ActionItem and OwnerDigest now belong to the action_items app (its 0001 took over their tables).

Only the migration state changes here: the tables and their rows stay where action_items put them.
"""

from django.db import migrations


class Migration(migrations.Migration):

    dependencies = [
        ('postmortems', '0001_initial'),
        ('action_items', '0001_initial'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.DeleteModel(name='ActionItem'),
                migrations.DeleteModel(name='OwnerDigest'),
            ],
        ),
    ]
