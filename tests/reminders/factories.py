import datetime

from partnerships.models import Partnership, Stage
from reminders.models import Cadence

from ..factories import PartnershipFactory


def check_in_cadence(**fields) -> Cadence:
    values = {
        "name": "Test monthly check-in",
        "purpose": "check_in",
        "frequency": "monthly",
        "reminder_offsets": [7, 1],
        "escalate_after_days": 7,
        **fields,
    }
    cadence, _ = Cadence.objects.update_or_create(name=values.pop("name"), defaults=values)
    return cadence


def due_partnership(
    *, manager, sponsor, check_in_due: datetime.date | None, cadence: Cadence | None = None, **kw
) -> Partnership:
    return PartnershipFactory(
        executive_sponsor=sponsor,
        managers=[manager],
        stage=kw.pop("stage", Stage.ACTIVE),
        check_in_cadence=cadence or check_in_cadence(),
        next_check_in_due=check_in_due,
        **kw,
    )
