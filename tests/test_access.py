import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts import roles
from tests.conftest import app_urls, cld_routes, signed_in
from tests.factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

PUBLIC = {"login", "healthz", "accessibility"}  # the accessibility statement is for everyone


@pytest.fixture
def sample_kwargs():
    return {"pk": CaseFactory().pk, **cld_routes()}


def test_every_page_redirects_anonymous_users_to_login(client, sample_kwargs):
    checked = 0
    for name, path in app_urls(sample_kwargs):
        if name in PUBLIC:
            continue
        response = client.get(path)
        assert response.status_code == 302, (name, path, response.status_code)
        assert response.url.startswith(reverse("login") + "?next="), (name, path, response.url)
        checked += 1
    assert checked >= 8


@pytest.mark.parametrize("path", ["/admin/", "/admin/cases/person/", "/admin/codes/codelist/"])
def test_admin_redirects_anonymous_users_to_the_one_login_page(client, path):
    response = client.get(path, follow=True)
    final_url, status = response.redirect_chain[-1]
    assert status == 302
    assert final_url == f"{reverse('login')}?next={path}"
    assert response.status_code == 200


def test_login_page_is_public(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert 'for="id_username"' in response.content.decode()


def test_healthz_needs_no_login_and_no_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok\n"


@pytest.mark.parametrize("path", ["/admin/", "/admin/cases/person/", "/admin/login/"])
def test_practitioner_gets_friendly_403_on_admin(client, practitioner, path):
    response = signed_in(client, practitioner).get(path)
    assert response.status_code == 403
    assert "You do not have access" in response.content.decode()


def test_form_administrator_reaches_admin_and_code_lists(client, form_admin):
    signed_in(client, form_admin)
    assert client.get("/admin/").status_code == 200
    assert client.get("/admin/codes/codelist/").status_code == 200


def test_dashboards_refuse_practitioner_with_403(client, practitioner):
    response = signed_in(client, practitioner).get(reverse("dashboards:dashboard-list"))
    assert response.status_code == 403
    assert "You do not have access" in response.content.decode()


def test_dashboards_open_to_manager(client, manager):
    assert signed_in(client, manager).get(reverse("dashboards:dashboard-list")).status_code == 200


def test_navigation_follows_role(client, practitioner, manager, form_admin):
    def nav(user):
        client.force_login(user)
        return client.get(reverse("dashboards:my-forms")).content.decode()

    assert "Dashboards" not in nav(practitioner) and ">Admin<" not in nav(practitioner)
    assert "Dashboards" in nav(manager) and ">Admin<" not in nav(manager)
    assert ">Admin<" in nav(form_admin)


def test_role_permission_follows_group_membership_on_next_request(client):
    user = UserFactory(roles=[roles.MANAGER])
    signed_in(client, user)
    assert client.get(reverse("dashboards:dashboard-list")).status_code == 200
    user.groups.remove(Group.objects.get(name=roles.MANAGER))
    assert client.get(reverse("dashboards:dashboard-list")).status_code == 403


def test_superuser_holds_role_permissions(client):
    boss = UserFactory(is_superuser=True, is_staff=True)
    assert signed_in(client, boss).get(reverse("dashboards:dashboard-list")).status_code == 200


def test_inactive_user_is_signed_out(client, practitioner):
    signed_in(client, practitioner)
    practitioner.is_active = False
    practitioner.save()
    assert client.get(reverse("dashboards:my-forms")).status_code == 302


def test_sign_in_and_out(client, practitioner):
    response = client.post(reverse("login"), {"username": "pat", "password": "correct-horse-battery"})
    assert response.status_code == 302 and response.url == reverse("dashboards:my-forms")
    assert client.get(reverse("dashboards:my-forms")).status_code == 200
    assert client.post(reverse("logout")).status_code == 302
    assert client.get(reverse("dashboards:my-forms")).status_code == 302


def test_failed_sign_in_shows_error_summary(client, practitioner):
    response = client.post(reverse("login"), {"username": "pat", "password": "wrong"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in html
    assert 'value="pat"' in html


def test_form_administrator_designs_form_types_in_admin(client, form_admin):
    from forms_engine.models import FormType, Section

    signed_in(client, form_admin)
    assert client.get("/admin/forms_engine/formtype/add/").status_code == 200
    form_type = FormType.objects.get(code="adult-conversation-record")
    page = client.get(f"/admin/forms_engine/formtype/{form_type.pk}/change/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Sections" in html and "Questions" in html and "What matters to you" in html
    assert Section.objects.filter(form_type=form_type, office_use_only=True, left_out_of_print=True).exists()


def test_practitioner_cannot_design_form_types(client, practitioner):
    assert signed_in(client, practitioner).get("/admin/forms_engine/formtype/").status_code == 403


def test_form_administrator_edits_cld_rules_in_admin(client):
    from django.contrib.auth.models import Group

    from accounts.models import User
    from forms_engine.models import FormType

    designer = User.objects.create_user("designer2", password="x-long-password-1", is_staff=True)
    designer.groups.add(Group.objects.get(name="Form administrator"))
    signed_in(client, designer)
    form_type = FormType.objects.get(code="carers-conversation-record")
    html = client.get(f"/admin/forms_engine/formtype/{form_type.pk}/change/").content.decode()
    assert "Client Level Data rules" in html and "caring_hours" in html
    assert client.get("/admin/cld/cldconditionalrule/").status_code == 200


def test_cld_extract_link_only_for_the_data_team(client, practitioner, data_team):
    signed_in(client, practitioner)
    assert "CLD Extract" not in client.get(reverse("dashboards:my-forms")).content.decode()
    signed_in(client, data_team)
    assert "CLD Extract" in client.get(reverse("dashboards:my-forms")).content.decode()
