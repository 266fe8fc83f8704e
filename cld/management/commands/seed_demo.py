from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from cases import demo
from cld.demo import demo_block
from forms_engine import demo as forms_demo


class Command(BaseCommand):
    help = "Create demo teams, users, people, cases and forms (development only; running it twice changes nothing)."

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError("seed_demo creates users with a published password, so it runs only with DEBUG on.")
        with transaction.atomic():
            users, teams, new_users = demo.seed_users_and_teams()
            new_people = demo.seed_people_and_cases(users, teams)
            new_forms = forms_demo.seed_forms(users, demo_block)
        self.stdout.write(
            f"Demo data ready: {new_users} new users, {new_people} new people with cases, {new_forms} new forms."
        )
        self.stdout.write(f"Demo logins (password for each: {demo.DEMO_PASSWORD}):")
        for username, first, last, role, *_ in demo.USERS:
            self.stdout.write(f"  {username:<14} {first} {last} ({role})")
