"""Sessions go back to Django's own table (django.contrib.sessions): everyone signs in again once.

The sessions that named their user (0008) were a device to read the session and the user in one query; the user is
now read by the authentication backend with its role permissions in one query of its own.
"""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0008_sessions_name_their_user"),
        ("sessions", "0001_initial"),
    ]

    operations = [
        migrations.DeleteModel(name="Session"),
    ]
