"""Slack's webhooks and deliveries become the chat pipeline's: the same rows, now with the chat they go to."""

from django.db import migrations, models
import django.db.models.deletion


class Migration(migrations.Migration):

    dependencies = [
        ("integrations", "0003_event_stream"),
    ]

    operations = [
        migrations.RenameModel("SlackWebhook", "ChatWebhook"),
        migrations.RenameModel("SlackDelivery", "ChatDelivery"),
        migrations.AlterModelOptions(name="chatwebhook", options={"ordering": ["name"], "verbose_name": "chat webhook"}),
        migrations.AlterModelOptions(
            name="chatdelivery", options={"ordering": ["-pk"], "verbose_name_plural": "chat deliveries"}
        ),
        migrations.AddField(
            model_name="chatwebhook",
            name="kind",
            field=models.CharField(
                choices=[("slack", "Slack"), ("teams", "Microsoft Teams"), ("mattermost", "Mattermost")],
                default="slack",
                max_length=12,
            ),
        ),
        migrations.AddField(
            model_name="chatdelivery",
            name="kind",
            field=models.CharField(
                choices=[("slack", "Slack"), ("teams", "Microsoft Teams"), ("mattermost", "Mattermost")],
                default="slack",
                max_length=12,
            ),
        ),
        migrations.AlterField(
            model_name="chatdelivery",
            name="incident",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE, related_name="chat_deliveries", to="incidents.incident"
            ),
        ),
        migrations.AlterField(
            model_name='chatdelivery',
            name='event',
            field=models.CharField(help_text='declare, update, reminder, resolve, action item reminder…', max_length=20),
        ),
        migrations.AlterField(
            model_name='chatwebhook',
            name='url',
            field=models.URLField(help_text='https://hooks.slack.com/services/…, a Teams Workflows “post to a channel when a webhook request is received” URL, or https://mattermost.example/hooks/…', max_length=500),
        ),
    
    ]
