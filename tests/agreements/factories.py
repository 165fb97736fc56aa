import datetime

import factory
from django.core.files.base import ContentFile

from agreements.demo import demo_pdf
from agreements.models import (
    Agreement,
    CommunicationPlan,
    EscalationStep,
    Mechanism,
    Party,
    Responsibility,
    Status,
)
from reminders.models import Cadence

from ..factories import ContactFactory, PartnershipFactory, executive


class AgreementFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Agreement

    partnership = factory.SubFactory(PartnershipFactory)
    version = factory.Sequence(lambda n: n + 1)
    status = Status.DRAFT
    title = factory.LazyAttribute(lambda o: f"{o.partnership.name} agreement")
    effective_date = datetime.date(2026, 1, 1)
    expiry_date = datetime.date(2029, 1, 1)
    notice_period_days = 90


class ResponsibilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Responsibility

    agreement = factory.SubFactory(AgreementFactory)
    party = Party.US
    area = factory.Sequence(lambda n: f"Area {n}")
    description = "Deliver what was promised."
    accountable_user = factory.LazyFunction(executive)


class EscalationStepFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EscalationStep

    agreement = factory.SubFactory(AgreementFactory)
    level = factory.Sequence(lambda n: n + 1)
    mechanism = Mechanism.NEGOTIATION
    our_role = "Partner manager"
    partner_role = "Account lead"
    days_to_respond = 10


def plan_for(agreement: Agreement, **fields) -> CommunicationPlan:
    return CommunicationPlan.objects.create(
        agreement=agreement,
        check_in_cadence=fields.pop(
            "check_in_cadence", Cadence.objects.get(name="Monthly check-in")
        ),
        review_cadence=fields.pop(
            "review_cadence", Cadence.objects.get(name="Quarterly business review")
        ),
        **fields,
    )


def complete_agreement(partnership, **fields) -> Agreement:
    """An open version with everything signing needs."""
    if partnership.organization_id is None:
        contact = ContactFactory()
        partnership.organization = contact.organization
        partnership.save(update_fields=["organization"])
    else:
        contact = ContactFactory(organization=partnership.organization)
    agreement = AgreementFactory(partnership=partnership, **fields)
    ResponsibilityFactory(agreement=agreement, party=Party.US, area="Forecasts")
    ResponsibilityFactory(
        agreement=agreement,
        party=Party.PARTNER,
        area="Fulfilment",
        accountable_user=None,
        accountable_contact=contact,
    )
    plan_for(agreement)
    EscalationStepFactory(agreement=agreement, level=1)
    return agreement


def with_document(agreement: Agreement) -> Agreement:
    agreement.document.save("document.pdf", ContentFile(demo_pdf("Test")), save=False)
    agreement.document_name = "Signed agreement.pdf"
    agreement.document_size = agreement.document.size
    agreement.save()
    return agreement
