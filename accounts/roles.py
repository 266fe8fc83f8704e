"""The roles staff hold, as Django groups created by a data migration."""

PRACTITIONER = "Practitioner"
MANAGER = "Manager"
FORM_ADMINISTRATOR = "Form administrator"
DATA_TEAM = "Data team"

ALL = (PRACTITIONER, MANAGER, FORM_ADMINISTRATOR, DATA_TEAM)
