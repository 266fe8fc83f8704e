"""The roles staff hold, as Django groups created by a data migration."""

PRACTITIONER = "Practitioner"
MANAGER = "Manager"
FORM_ADMINISTRATOR = "Form administrator"
DATA_TEAM = "Data team"
# A manager over every team (a head of service, a principal social worker): Forms to Sign-Off for all teams
HEAD_OF_SERVICE = "Head of service"

# Information governance: who viewed a record (the access log), restricted records, subject access requests
INFORMATION_GOVERNANCE = "Information governance"

ALL = (PRACTITIONER, MANAGER, FORM_ADMINISTRATOR, DATA_TEAM, HEAD_OF_SERVICE, INFORMATION_GOVERNANCE)
