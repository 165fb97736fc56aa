import factory

from partnerships.models import Stage
from selection.models import Candidate, Criterion, Score

from ..factories import OrganizationFactory, PartnershipFactory


class CandidateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Candidate

    partnership = factory.SubFactory(PartnershipFactory, stage=Stage.SELECTING)
    organization = factory.SubFactory(OrganizationFactory)
    status = "long_list"


class CriterionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Criterion

    name = factory.Sequence(lambda n: f"Criterion {n}")
    group = "capability"
    weight = 10


def score_all(candidate: Candidate, evaluator, value: int | dict[str, int] = 4) -> None:
    """Scores on every active criterion: one value for all, or values by criterion name."""
    for criterion in Criterion.objects.active():
        given = value if isinstance(value, int) else value.get(criterion.name, 3)
        Score.objects.create(
            candidate=candidate, criterion=criterion, evaluator=evaluator, value=given
        )
