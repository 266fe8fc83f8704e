from django.conf import settings
from django.core.management.base import BaseCommand

from cases import access


class Command(BaseCommand):
    help = (
        "Remove the access log's rows older than its retention (ACCESS_LOG_RETENTION_DAYS), recording the run "
        "(who-viewed pages keep the rest). Run it daily, for example from cron."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"keep this many days instead of the setting ({settings.ACCESS_LOG_RETENTION_DAYS})",
        )

    def handle(self, *args, days=None, **options):
        if days is not None and days < 1:
            self.stderr.write("--days must be at least 1")
            return
        run = access.prune(days=days)
        self.stdout.write(
            f"Removed {run.removed} access log row{'s' if run.removed != 1 else ''} from before "
            f"{run.removed_before:%Y-%m-%d %H:%M} (retention {run.retention_days} days); recorded as run {run.pk}."
        )
