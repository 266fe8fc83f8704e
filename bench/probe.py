"""Pick the benchmark's users, forms and cursors from the seeded database and sign the users in (prints JSON)."""

import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "caredirector.settings")

import django  # noqa: E402

django.setup()

from django.contrib.sessions.backends.db import SessionStore  # noqa: E402
from django.db.models import Count  # noqa: E402
from django.utils import timezone  # noqa: E402

from accounts.models import User  # noqa: E402
from caredirector.keyset import encode  # noqa: E402
from cases.models import Person  # noqa: E402
from dashboards.queries import waiting, waiting_band_named  # noqa: E402
from forms_engine.models import Form, FormType  # noqa: E402

SEED_FIFTY = "bench-fifty-question-review"


def session_for(username):
    user = User.objects.get(username=username)
    store = SessionStore()
    store["_auth_user_id"] = str(user.pk)
    store["_auth_user_backend"] = "cases.backends.TeamBackend"
    store["_auth_user_hash"] = user.get_session_auth_hash()
    store["_session_refreshed"] = time.time()
    store.create()
    return store.session_key


def data_team_user():
    """The benchmark's data team member (the seed's staff are practitioners and managers), made once."""
    from django.contrib.auth.models import Group

    from accounts import roles

    user, made = User.objects.get_or_create(
        username="bench_data_team", defaults={"first_name": "Bench", "last_name": "Data"}
    )
    if made:
        user.groups.add(Group.objects.get(name=roles.DATA_TEAM))
    return user.username


def main():
    today = timezone.localdate()
    fifty = FormType.objects.get(code=SEED_FIFTY)
    awaiting = Form.objects.awaiting_sign_off().filter(waiting(waiting_band_named("11+"), today))
    ordered = awaiting.order_by("completed_at", "pk")
    deep = ordered[24_975] if awaiting.count() > 25_000 else ordered[max(0, awaiting.count() // 2)]
    editable = Form.objects.filter(form_type=fifty, status="in_progress").order_by("pk")
    picked = list(editable.values_list("pk", "revision", "version_id")[:241])
    version_id = picked[0][2]
    picked = [row for row in picked if row[2] == version_id]
    fifty_form = Form.objects.get(pk=picked[0][0])
    first_question = next(fifty_form.version.questions())["id"]
    hot = Form.objects.values("case").annotate(n=Count("pk")).order_by("-n").first()
    typical = Form.objects.filter(case__gt=hot["case"] + 10).order_by("pk").values_list("case", flat=True).first()
    statuses = dict(Form.objects.values_list("status").annotate(n=Count("pk")))
    total = sum(statuses.values())
    info = {
        "practitioner_session": session_for("bench_practitioner0"),
        # the council-wide queue, as before teams (a head of service's); and a team manager's own queue
        "manager_session": session_for("bench_head"),
        "team_manager_session": session_for("bench_manager0"),
        "data_team_session": session_for(data_team_user()),
        "list_query": "age=11%2B",
        "deep_cursor": encode(deep.completed_at, deep.pk),
        "case": typical,
        "hot_case": hot["case"],
        "hot_forms": hot["n"],
        "fifty_form": fifty_form.pk,
        "fifty_sections": [section["id"] for section in fifty_form.version.sections],
        "save_forms": [pk for pk, _rev, _v in picked[1:41]],
        "save_revisions": [rev for _pk, rev, _v in picked[1:41]],
        "mixed_forms": [pk for pk, _rev, _v in picked[41:241]],
        "mixed_revisions": [rev for _pk, rev, _v in picked[41:241]],
        "save_question": f"q{first_question}",
        "forms": total,
        "status_mix": ", ".join(
            f"{statuses.get(s, 0) * 100 / total:.0f}% {s.replace('_', ' ')}"
            for s in ("in_progress", "complete", "closed")
        ),
        "people": Person.objects.count(),
        "practitioners": User.objects.filter(username__startswith="bench_practitioner").count(),
        "managers": User.objects.filter(username__startswith="bench_manager").count(),
    }
    print(json.dumps(info))


if __name__ == "__main__":
    main()
