"""Teams and who signs off their forms: a team's managers always, and a deputy a manager names for a period.

A form belongs to the teams of its Responsible User. These rules are the one place that says whose queue a form is
in (dashboards/queries.py filters by them) and when a sign-off is a deputy's (forms_engine.actions records it).
"""

import datetime
import typing

from django.db import transaction
from django.db.models import Aggregate, BigIntegerField, DateField, Exists, JSONField, OuterRef, Q, Subquery
from django.db.models.functions import JSONArray

from caredirector.prepared import Param, Prepared, one_group
from cases.models import Team, TeamDeputy

ALL_TEAMS_PERMISSION = "accounts.sign_off_all_teams"
MAX_DEPUTY_DAYS = 366


class TeamRefused(Exception):
    """A change to a team that its rules do not allow; `field` names the input it concerns, if any."""

    def __init__(self, message, *, field=None):
        super().__init__(message)
        self.field = field


def in_charge_q(user, day, field="pk"):
    """The teams `user` signs off on `day`, as a condition on a team id (`field`: Team's pk, or a team_id): the ones
    they manage, and the ones they are deputy for that day. `user` and `day` may be values or query Params. Two
    subqueries of team ids, which PostgreSQL hashes once a query: a list of a team's forms checks each row against
    them cheaply."""
    return Q(**{f"{field}__in": _managed(user)}) | Q(**{f"{field}__in": _deputised(user, day)})


def _managed(user):
    return Team.managers.through.objects.filter(user_id=user).values("team_id")


def _deputised(user, day):
    return TeamDeputy.objects.filter(deputy_id=user, starts_on__lte=day, ends_on__gte=day).values("team_id")


class TeamInCharge(typing.NamedTuple):
    pk: int
    name: str
    role: str  # "manager" or "deputy"

    def __str__(self):
        return self.name


class JSONList(Aggregate):
    """A group's values as one JSON array, in no particular order (PostgreSQL's JSONB_AGG, SQLite's
    JSON_GROUP_ARRAY): to read a user's few teams inside the query that reads something else."""

    function = "JSONB_AGG"
    output_field = JSONField()

    def as_sqlite(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, function="JSON_GROUP_ARRAY", **extra_context)


def _in_charge_teams(user, day):
    return Team.objects.filter(in_charge_q(user, day)).annotate(
        manages=Exists(Team.managers.through.objects.filter(team=OuterRef("pk"), user=user))
    )


def in_charge_list(user, day):
    """The teams `user` signs off on `day` as one value (a subquery): a JSON list of [id, name, manages], for
    TeamBackend to read with the user. `user` and `day` are Params of the query it is part of."""
    return Subquery(
        one_group(_in_charge_teams(user, day))
        .annotate(teams=JSONList(JSONArray("pk", "name", "manages")))
        .values("teams"),
        output_field=JSONField(),
    )


def team_names_of(user):
    """The names of the teams `user` belongs to (an OuterRef to a user id, or a Param) as one value (a subquery): a
    JSON list, which joined_names() makes text. What a list shows as a form's team, which is its Responsible
    User's, read with the form's row."""
    return Subquery(
        Team.members.through.objects.filter(user_id=user)
        .order_by()
        .values("user_id")
        .annotate(names=JSONList("team__name"))
        .values("names"),
        output_field=JSONField(),
    )


def joined_names(names):
    """The names of team_names_of() as a list shows them: in name order, joined ("" for none)."""
    return ", ".join(sorted(names or ()))


# The teams a viewer signs off, when not read with the user (another day, another user): compiled once
VIEWER, DAY = Param("viewer", BigIntegerField()), Param("day", DateField())
TEAMS_IN_CHARGE = Prepared(lambda: _in_charge_teams(VIEWER, DAY).values_list("pk", "name", "manages"))


def teams_in_charge(user, day):
    """The teams `user` signs off on `day`, in name order, each with its `role`: "manager" or "deputy". Read with
    the signed-in user (cases.backends.TeamBackend) for the day of the request; otherwise by a query."""
    loaded = getattr(user, "teams_in_charge_on", None)
    if loaded is not None and loaded[0] == day:
        found = loaded[1]
    else:
        found = TEAMS_IN_CHARGE.rows(viewer=user.pk, day=day)
    return [
        TeamInCharge(pk, name, "manager" if manages else "deputy")
        for pk, name, manages in sorted(found, key=lambda team: (team[1], team[0]))
    ]


def sees_every_team(user):
    return user.has_perm(ALL_TEAMS_PERMISSION)


def members_of_teams_in_charge(user, day):
    """The ids of the users whose forms `user` signs off on `day` (a subquery): the members of their teams."""
    return Team.members.through.objects.filter(in_charge_q(user, day, "team_id")).values("user_id")


def members_of(team):
    return Team.members.through.objects.filter(team_id=team).values("user_id")


def signing_as_deputy_for(*, signer, responsible_user_id, day):
    """The team whose deputy `signer` is signing for, when they sign off a form of `responsible_user_id`: None when
    they manage one of that user's teams (or are not a deputy for any), else the team they are deputy for."""
    teams = Team.objects.filter(members=responsible_user_id)
    if teams.filter(pk__in=_managed(signer.pk)).exists():
        return None
    return teams.filter(pk__in=_deputised(signer.pk, day)).order_by("name").first()


def refuse_unless_manager(team, by):
    """Only a team's managers name and end its deputies."""
    if not team.managers.filter(pk=by.pk).exists():
        raise TeamRefused(f"Only a manager of {team} can name or end its deputies.")


@transaction.atomic
def name_deputy(*, team, deputy, starts_on, ends_on, by, today):
    """Name `deputy` to sign off the team's forms from `starts_on` to `ends_on` (both included).

    Refused with TeamRefused unless `by` manages the team and `deputy` is another manager who does not, the period
    is not over and at most a year long, and it does not overlap the deputy's own period for this team. The team's
    row is locked first, so that two requests naming deputies for it check and insert one after the other (a lock
    on the overlapping rows would not stop two inserts where there were none)."""
    Team.objects.select_for_update().filter(pk=team.pk).exists()
    refuse_unless_manager(team, by)
    if deputy is None:
        raise TeamRefused("Choose the manager who will be deputy.", field="deputy")
    if not deputy.has_perm("accounts.authorise_forms"):
        raise TeamRefused(f"{deputy} cannot sign off forms: a deputy must be a manager.", field="deputy")
    if team.managers.filter(pk=deputy.pk).exists():
        raise TeamRefused(f"{deputy} already manages {team}.", field="deputy")
    if starts_on is None or ends_on is None:
        raise TeamRefused("Enter the first and last day of the period.", field="ends_on" if starts_on else "starts_on")
    if ends_on < starts_on:
        raise TeamRefused("The last day cannot be before the first.", field="ends_on")
    if ends_on < today:
        raise TeamRefused("The period is over already: its last day is in the past.", field="ends_on")
    if (ends_on - starts_on).days + 1 > MAX_DEPUTY_DAYS:
        raise TeamRefused("A deputy is named for a year at most; name them again after it.", field="ends_on")
    overlapping = TeamDeputy.objects.filter(team=team, deputy=deputy, starts_on__lte=ends_on, ends_on__gte=starts_on)
    if overlapping.exists():
        raise TeamRefused(f"{deputy} is already deputy for {team} on some of those days.", field="starts_on")
    return TeamDeputy.objects.create(team=team, deputy=deputy, starts_on=starts_on, ends_on=ends_on, named_by=by)


@transaction.atomic
def end_deputy(*, appointment, by, today):
    """End a deputy's period: it ends yesterday, so that from today the deputy signs off nothing of the team's; one
    that has not begun before today is withdrawn (its history remains). Refused unless `by` manages the team."""
    refuse_unless_manager(appointment.team, by)
    if appointment.starts_on >= today:
        appointment.delete()
        return None
    appointment.ends_on = min(appointment.ends_on, today - datetime.timedelta(days=1))
    appointment.save(update_fields=["ends_on"])
    return appointment


def team_names(user):
    """The names of the teams `user` belongs to, joined: read with the signed-in user (TeamBackend), else a query."""
    if hasattr(user, "team_names"):
        return user.team_names
    return joined_names(Team.members.through.objects.filter(user_id=user.pk).values_list("team__name", flat=True))
