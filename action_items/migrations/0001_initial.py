"""Action items move from the postmortems app into their own app, keeping every row.

The tables already exist (postmortems 0001 created them): the models are created in this app's state
only, then the tables are renamed to this app's names, and the content types (and with them the
permissions) follow. postmortems 0002 then drops the models from the postmortems state.
"""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

MOVED = ["actionitem", "ownerdigest"]


def _move_content_types(apps, schema_editor, source, target):
    ContentType = apps.get_model("contenttypes", "ContentType")
    db = schema_editor.connection.alias
    for model in MOVED:
        if not ContentType.objects.using(db).filter(app_label=target, model=model).exists():
            ContentType.objects.using(db).filter(app_label=source, model=model).update(app_label=target)
    from django.contrib.contenttypes.models import ContentType as LiveContentType

    LiveContentType.objects.clear_cache()  # the process-wide cache still knows the old app label


def content_types_forward(apps, schema_editor):
    _move_content_types(apps, schema_editor, "postmortems", "action_items")


def content_types_backward(apps, schema_editor):
    _move_content_types(apps, schema_editor, "action_items", "postmortems")


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('incidents', '0001_initial'),
        ('postmortems', '0001_initial'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.CreateModel(
                    name='ActionItem',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('title', models.CharField(max_length=200)),
                        ('description', models.TextField(blank=True, help_text='what done looks like')),
                        ('due_date', models.DateField()),
                        ('priority', models.CharField(choices=[('P1', 'P1 · Urgent'), ('P2', 'P2 · High'), ('P3', 'P3 · Normal'), ('P4', 'P4 · Low')], default='P3', max_length=2)),
                        ('type', models.CharField(choices=[('prevent', 'Prevent'), ('detect', 'Detect'), ('mitigate', 'Mitigate'), ('process', 'Process')], max_length=10)),
                        ('status', models.CharField(choices=[('open', 'Open'), ('in_progress', 'In progress'), ('done', 'Done'), ('wont_do', "Won't do")], default='open', max_length=12)),
                        ('wont_do_reason', models.TextField(blank=True)),
                        ('external_url', models.URLField(blank=True, max_length=500)),
                        ('created_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('updated_at', models.DateTimeField(auto_now=True)),
                        ('completed_at', models.DateTimeField(blank=True, null=True)),
                        ('last_reminded_on', models.DateField(blank=True, null=True)),
                        ('export_state', models.CharField(choices=[('none', 'Not exported'), ('pending', 'Export queued'), ('sending', 'Exporting'), ('exported', 'In Jira'), ('failed', 'Export failed')], default='none', max_length=10)),
                        ('export_error', models.TextField(blank=True)),
                        ('export_attempts', models.PositiveIntegerField(default=0)),
                        ('export_next_attempt_at', models.DateTimeField(blank=True, null=True)),
                        ('export_claimed_at', models.DateTimeField(blank=True, null=True)),
                        ('jira_key', models.CharField(blank=True, max_length=50)),
                        ('jira_url', models.URLField(blank=True, max_length=500)),
                        ('created_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                        ('incident', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='action_items', to='incidents.incident')),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='action_items', to=settings.AUTH_USER_MODEL)),
                        ('postmortem', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='action_items', to='postmortems.postmortem')),
                        ('source_entry', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='action_items', to='incidents.timelineentry')),
                    ],
                    options={
                        'db_table': 'postmortems_actionitem',
                        'ordering': ['due_date', 'pk'],
                        'indexes': [models.Index(fields=['status', 'due_date'], name='actionitem_status_due_idx'), models.Index(fields=['owner', 'status'], name='actionitem_owner_status_idx'), models.Index(fields=['incident', 'status'], name='actionitem_incident_status_idx'), models.Index(fields=['priority', 'due_date', 'id'], name='actionitem_priority_due_idx'), models.Index(fields=['export_state', 'export_next_attempt_at'], name='actionitem_export_due_idx')],
                        'constraints': [models.CheckConstraint(condition=models.Q(models.Q(('status', 'wont_do'), _negated=True), models.Q(('wont_do_reason', ''), _negated=True), _connector='OR'), name='actionitem_wont_do_needs_reason')],
                    },
                ),
                migrations.CreateModel(
                    name='OwnerDigest',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('week_start', models.DateField(help_text='Monday of the ISO week the digest covers')),
                        ('body', models.TextField()),
                        ('open_count', models.PositiveIntegerField(default=0)),
                        ('overdue_count', models.PositiveIntegerField(default=0)),
                        ('sent_at', models.DateTimeField(default=django.utils.timezone.now)),
                        ('owner', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='+', to=settings.AUTH_USER_MODEL)),
                    ],
                    options={
                        'db_table': 'postmortems_ownerdigest',
                        'ordering': ['-week_start', 'owner_id'],
                        'constraints': [models.UniqueConstraint(fields=('owner', 'week_start'), name='one_digest_per_owner_week')],
                    },
                ),
            ],
        ),
        migrations.AlterModelTable(name='actionitem', table=None),
        migrations.AlterModelTable(name='ownerdigest', table=None),
        migrations.RunPython(content_types_forward, content_types_backward),
    ]
