"""The authentication backend: accounts' RoleBackend, reading the user's teams in the same query as the user."""

from accounts.backends import DAY, USER, RoleBackend, users_with_role_permissions
from caredirector.prepared import Prepared
from cases import teams


class TeamBackend(RoleBackend):
    """RoleBackend, with two more columns in its read of the user: the names of the teams they belong to (My Forms
    shows them) and the teams they sign off today (Forms to Sign-Off's team filter, and its check of a team named
    in an address). The pages that show them then make no query of their own for them."""

    users = Prepared(
        lambda: users_with_role_permissions(
            team_names_read=teams.team_names_of(USER), teams_in_charge_read=teams.in_charge_list(USER, DAY)
        )
    )

    def loaded(self, user, day, extra):
        names, in_charge = extra
        user.team_names = teams.joined_names(names)
        user.teams_in_charge_on = (day, in_charge or [])
