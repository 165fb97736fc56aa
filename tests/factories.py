import factory
from django.contrib.auth.models import Group

from accounts import roles
from accounts.models import User
from partnerships.models import Contact, Organization, Partnership, Stage
from reminders.models import Cadence


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.com")
    full_name = factory.Faker("name")
    time_zone = "Europe/London"
    password = factory.django.Password("secret-pass-123")

    @factory.post_generation
    def role(self, create: bool, extracted: str | None, **kwargs) -> None:
        if create and extracted:
            self.groups.add(Group.objects.get(name=extracted))


def executive(**kwargs) -> User:
    return UserFactory(role=roles.EXECUTIVE, **kwargs)


def manager(**kwargs) -> User:
    return UserFactory(role=roles.PARTNER_MANAGER, **kwargs)


def administrator(**kwargs) -> User:
    return UserFactory(role=roles.ADMINISTRATOR, **kwargs)


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organization {n}")
    industry = "Logistics"
    region = "Europe"


class ContactFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contact

    organization = factory.SubFactory(OrganizationFactory)
    name = factory.Faker("name")
    email = factory.Sequence(lambda n: f"contact{n}@partner.example")


class CadenceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cadence

    name = factory.Sequence(lambda n: f"Cadence {n}")
    purpose = "check_in"
    frequency = "monthly"
    reminder_offsets = [7, 1]
    escalate_after_days = 7


class PartnershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Partnership
        skip_postgeneration_save = True

    name = factory.Sequence(lambda n: f"Partnership {n}")
    type = "technology"
    tier = 2
    stage = Stage.DEFINING
    executive_sponsor = factory.LazyFunction(executive)

    @factory.post_generation
    def managers(self, create: bool, extracted, **kwargs) -> None:
        if create and extracted:
            self.managers.set(extracted)
