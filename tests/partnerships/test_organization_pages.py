import pytest

from partnerships.models import Contact, Organization

from ..factories import ContactFactory, OrganizationFactory, PartnershipFactory
from ..helpers import assert_constant_queries

pytestmark = pytest.mark.django_db


def test_it_creates_an_organization(client, bob):
    client.force_login(bob)
    response = client.post(
        "/organizations/new/",
        {
            "name": "Acme Robotics",
            "website": "acme.example",
            "industry": "Robotics",
            "size": "small",
        },
    )
    org = Organization.objects.get()
    assert response["Location"] == f"/organizations/{org.pk}/"
    assert org.website == "https://acme.example"


def test_organization_names_are_unique_whatever_the_case(client, bob):
    OrganizationFactory(name="Acme Robotics")
    client.force_login(bob)
    response = client.post("/organizations/new/", {"name": "ACME robotics"})
    assert "An organization with this name already exists." in response.content.decode()
    assert Organization.objects.count() == 1


def test_the_organization_page_shows_only_partnerships_the_user_may_see(client, bob, charlie):
    org = OrganizationFactory(name="Acme Robotics")
    PartnershipFactory(name="Bob with Acme", organization=org, managers=[bob])
    PartnershipFactory(name="Charlie with Acme", organization=org, managers=[charlie])
    client.force_login(bob)
    body = client.get(f"/organizations/{org.pk}/").content.decode()
    assert "Bob with Acme" in body
    assert "Charlie with Acme" not in body


def test_contacts_are_added_edited_and_removed(client, bob):
    org = OrganizationFactory()
    client.force_login(bob)
    client.post(
        f"/organizations/{org.pk}/contacts/new/",
        {"name": "Hannah Berg", "title": "VP", "email": "hannah@acme.example"},
    )
    contact = Contact.objects.get(organization=org)
    response = client.post(
        f"/organizations/{org.pk}/contacts/{contact.pk}/edit/",
        {"name": "Hannah Berg", "email": "not-an-email"},
    )
    assert "Enter a valid email address." in response.content.decode()
    client.post(f"/organizations/{org.pk}/contacts/{contact.pk}/delete/")
    assert not Contact.objects.exists()


def test_a_contact_is_reached_only_through_its_own_organization(client, bob):
    contact = ContactFactory()
    other = OrganizationFactory()
    client.force_login(bob)
    base = f"/organizations/{other.pk}/contacts/{contact.pk}"
    assert client.get(f"{base}/edit/").status_code == 404
    assert client.post(f"{base}/delete/").status_code == 404
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_organization_pages_need_a_partnership_role(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/organizations/").status_code == 403


def test_organization_pages_run_a_fixed_number_of_queries(client, alice):
    org = OrganizationFactory()
    client.force_login(alice)

    def add_rows():
        for _ in range(20):
            ContactFactory(organization=org)
            PartnershipFactory(organization=org)
            ContactFactory(organization=OrganizationFactory())

    assert_constant_queries(client, "/organizations/", add_rows)
    assert_constant_queries(client, f"/organizations/{org.pk}/", add_rows)
