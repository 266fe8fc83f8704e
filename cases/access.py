"""The access log: every view of a person's data, one append-only row each (cases.models.RecordAccess).

A view says what it shows with `seen(request, kind, person_id, ...)`; AccessLogMiddleware writes what a request saw
in one INSERT once the response is made. Requests run in autocommit (no ATOMIC_REQUESTS), so the INSERT is a
statement of its own after the page's reads: a failure to write it touches nothing else and never blocks the page;
it is logged loudly (logger "caredirector.access", CRITICAL) for the operators to act on, and the page is served.
(An INSERT in the same statement as the page's read, which would add no query, would fail the page with it.)

Rows past the retention (settings.ACCESS_LOG_RETENTION_DAYS) are removed by `manage.py prune_access_log`, which
records each run (AccessLogPruning); nothing else can remove or change a row.
"""

import datetime
import ipaddress
import logging

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.models import Exists, OuterRef, Q
from django.shortcuts import render
from django.utils import timezone

from accounts.forms import client_address
from accounts.models import User
from caredirector.keyset import keys_query, keyset_page
from cases import teams
from cases.models import AccessLogPruning, BreakGlass, Person, RecordAccess, Team

Kind = RecordAccess.Kind
logger = logging.getLogger("caredirector.access")
SEEN = "_record_accesses"


def seen(request, kind, person_id, *, case_id=None, object_id=None):
    """Record that this request shows `kind` of the person's data (written once the response is made)."""
    if not hasattr(request, SEEN):
        setattr(request, SEEN, [])
    getattr(request, SEEN).append((kind, person_id, case_id, object_id))


def _address(request):
    """The client's address as the log keeps it (None when it is not an address: a malformed proxy header)."""
    try:
        return str(ipaddress.ip_address(client_address(request)))
    except ValueError:
        return None


def write(request):
    """Write the request's accesses in one INSERT; on failure log them loudly and go on. Returns the rows written."""
    accesses = getattr(request, SEEN, None)
    if not accesses:
        return 0
    user = getattr(request, "user", None)
    user_id = user.pk if user is not None and user.is_authenticated else None
    now, address = timezone.now(), _address(request)
    rows = [
        RecordAccess(
            at=now,
            user_id=user_id,
            person_id=person_id,
            case_id=case_id,
            kind=kind,
            object_id=object_id,
            address=address,
        )
        for kind, person_id, case_id, object_id in dict.fromkeys(accesses)  # once each, in order
    ]
    try:
        if len(rows) == 1:
            rows[0].save(force_insert=True)  # one statement, in autocommit: no transaction around it
        else:
            RecordAccess.objects.bulk_create(rows)
    except DatabaseError:
        logger.critical(
            "ACCESS LOG NOT WRITTEN: %s by user %s from %s: %s",
            request.path,
            user_id,
            address,
            accesses,
            exc_info=True,
        )
        return 0
    return len(rows)


class AccessLogMiddleware:
    """Write the accesses a request's view recorded, after its response is made (not for a server error, whose page
    showed nothing)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code < 500:
            write(request)
        return response

    def process_exception(self, request, exception):
        """A restricted record the user may not open: the plain restricted page (403), with the break-glass form."""
        if not isinstance(exception, RecordRestricted):
            return None
        context = {"person_id": exception.person_id, "case_id": exception.case_id, "next": request.get_full_path()}
        return render(request, "cases/restricted.html", context, status=403)


# --- Restricted records ---------------------------------------------------------------------------------------------


class RecordRestricted(Exception):
    """The person's record is restricted and the user is not allowed: AccessLogMiddleware shows the restricted page,
    where they may break the glass (cases/views.break_glass)."""

    def __init__(self, person_id, case_id):
        super().__init__(f"The record of person {person_id} is restricted.")
        self.person_id, self.case_id = person_id, case_id


def opened_by(user, now=None):
    """The condition on a person (a Person queryset's rows) that `user` may open their record: not restricted, or
    the user is allowed (by name, or as a member or manager of a team allowed), is information governance, or broke
    the glass for it within settings.BREAK_GLASS_HOURS."""
    if user.has_perm(VIEW_PERMISSION):
        return Q()
    since = (now or timezone.now()) - datetime.timedelta(hours=settings.BREAK_GLASS_HOURS)
    allowed_users = Person.allowed_users.through.objects.filter(person_id=OuterRef("pk"), user_id=user.pk)
    teams_of_user = Team.objects.filter(Q(members=user.pk) | Q(managers=user.pk)).values("pk")
    allowed_teams = Person.allowed_teams.through.objects.filter(person_id=OuterRef("pk"), team_id__in=teams_of_user)
    broke = BreakGlass.objects.filter(person_id=OuterRef("pk"), user_id=user.pk, at__gte=since)
    return Q(restricted=False) | Exists(allowed_users) | Exists(allowed_teams) | Exists(broke)


def may_open(user, person_id, restricted):
    """Whether `user` may open the record of a person (restricted: whether it is; an unrestricted one needs no
    query)."""
    return not restricted or Person.objects.filter(opened_by(user), pk=person_id).exists()


def refuse_unless_may_open(request, case):
    """Raise RecordRestricted unless the signed-in user may open the record of the case's client (its person read
    with it, at least `restricted`): the one place every page of a record asks."""
    if not may_open(request.user, case.person_id, case.person.restricted):
        raise RecordRestricted(case.person_id, case.pk)


def visible(user, person="person"):
    """The condition that a row's person (the field `person` names) is one `user` may see in a list or a search:
    not restricted, or a restricted one they may open (a subquery of the few restricted people)."""
    if user.has_perm(VIEW_PERMISSION):
        return Q()
    opened = Person.objects.filter(opened_by(user), restricted=True).values("pk")
    return Q(**{f"{person}__restricted": False}) | Q(**{f"{person}__in": opened})


def hidden_people(user, rows):
    """The ids of the restricted clients of list rows (with CASE's case__person_id and case__person__restricted)
    whom `user` may not open: a list shows "Restricted record" for them, not their name or case. No query unless a
    row is restricted."""
    restricted = {row.case__person_id for row in rows if row.case__person__restricted}
    if not restricted:
        return set()
    opened = Person.objects.filter(opened_by(user), pk__in=restricted).values_list("pk", flat=True)
    return restricted - set(opened)


@transaction.atomic
def break_glass(request, person_id, reason, case_id=None):
    """Open a restricted record for the user for settings.BREAK_GLASS_HOURS: the reason recorded, and the access
    logged (kind "Broke the glass"). The reason is required (a sentence, not a word)."""
    reason = " ".join(reason.split())
    if len(reason) < 10:
        raise ValueError("Give the reason you need to open this record (at least 10 characters).")
    user, address = request.user, _address(request)
    BreakGlass.objects.create(user=user, person_id=person_id, reason=reason, address=address)
    RecordAccess.objects.create(user=user, person_id=person_id, case_id=case_id, kind=Kind.BREAK_GLASS, address=address)


# --- Who viewed this record ----------------------------------------------------------------------------------------

VIEW_PERMISSION = "accounts.view_access_log"
PER_PAGE = 50


def may_see_accesses(user, case):
    """Who may see who viewed a record: information governance (any record), and the managers of the case's team
    (and its deputy while named) for their team's cases."""
    if user.has_perm(VIEW_PERMISSION):
        return True
    if not user.has_perm("accounts.authorise_forms"):
        return False
    return any(team.pk == case.responsible_team_id for team in teams.teams_in_charge(user, timezone.localdate()))


def accesses_of(person_id, *, user_id=None, since=None, until=None):
    """The log's rows of a person, filtered by who and by the local days from `since` to `until` (both included)."""
    rows = RecordAccess.objects.filter(person_id=person_id)
    if user_id is not None:
        rows = rows.filter(user_id=user_id)
    if since is not None:
        rows = rows.filter(at__gte=_start_of(since))
    if until is not None:
        rows = rows.filter(at__lt=_start_of(until + datetime.timedelta(days=1)))
    return rows


def _start_of(day):
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))


ROW_FIELDS = ("id", "at", "kind", "object_id", "case_id", "case__case_number", "address")
USER_FIELDS = ("user_id", "user__first_name", "user__last_name", "user__username")


def accesses_page(accesses, *, after=None, before=None, size=PER_PAGE):
    """A keyset page of accesses, newest first (the index by person and time), its rows with the user's name and the
    case's number."""

    def keys(later, cursor, limit):
        return list(keys_query(accesses, "at", later=later, cursor=cursor)[:limit])

    page = keyset_page(keys, datetime.datetime, descending=True, after=after, before=before, size=size)
    found = {
        row.id: row
        for row in RecordAccess.objects.filter(pk__in=page.ids).values_list(*ROW_FIELDS, *USER_FIELDS, named=True)
    }
    page.rows = [found[pk] for pk in page.ids if pk in found]
    return page


def viewers_of(person_id):
    """(id, first name, last name, username) of everyone who viewed the person's record, by name: the filter's
    choices."""
    viewers = RecordAccess.objects.filter(person_id=person_id).values("user_id")
    return list(User.objects.filter(pk__in=viewers).values_list("pk", "first_name", "last_name", "username"))


# --- What a CLD extract run holds ------------------------------------------------------------------------------------

EXTRACTED_CHUNK = 5_000


def extracted(person_ids, *, run_id, user_id=None):
    """Record that a CLD extract run (`run_id`, asked for by `user_id`; None for the command) holds a row of each
    person: one log row a person, written in chunks. Returns the number written. A run whose log cannot be written
    fails (cld/runs.py): its file is not offered without the record of whose data it holds."""
    now, written, chunk = timezone.now(), 0, []
    for person_id in person_ids:
        chunk.append(
            RecordAccess(at=now, user_id=user_id, person_id=person_id, kind=Kind.CLD_EXTRACT, object_id=run_id)
        )
        if len(chunk) >= EXTRACTED_CHUNK:
            written += len(RecordAccess.objects.bulk_create(chunk))
            chunk = []
    if chunk:
        written += len(RecordAccess.objects.bulk_create(chunk))
    return written


def prune(*, now=None, days=None):
    """Remove the rows older than the retention, and record that it was done: the AccessLogPruning row."""
    days = settings.ACCESS_LOG_RETENTION_DAYS if days is None else days
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # the one DELETE the append-only trigger lets through
                cursor.execute("SET LOCAL caredirector.prune_access_log = 'on'")
        removed, _by_model = RecordAccess.objects.filter(at__lt=cutoff)._prune()
        return AccessLogPruning.objects.create(removed_before=cutoff, removed=removed, retention_days=days)
