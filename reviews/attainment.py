"""The attainment rule, in one place, so pages, snapshots, exports and the portfolio agree.

Attainment is the progress made from the baseline towards the target, in percent:

    attainment = (value − baseline) / (target − baseline) × 100

It is direction-aware without a second formula: when lower is better the target lies below the
baseline, so both differences are negative for an improvement and the share is positive again.
For that to hold, a KPI's target differs from its baseline and lies on the side its direction
says (above it when higher is better, below it when lower is better); KPIs refuse anything else.
Attainment is not clipped: below 0 % the value went the wrong way, above 100 % it beat the target.
It is rounded down to 0.1 %, so a KPI is never shown as 100 % before it reaches its target.

The status of a value:

- **red flag**: the value is beyond the red-flag threshold in the bad direction (below it when
  higher is better, above it when lower is better; a value equal to the threshold is not beyond);
- **on target**: the value reached the target (attainment ≥ 100 %);
- **watch**: anything else.

A threshold must lie on the bad side of the target, so a value cannot be both on target and a red
flag. Everything is computed with Decimal.
"""

import datetime
from decimal import ROUND_FLOOR, Decimal

from dateutil.relativedelta import relativedelta
from django.db import models


class Direction(models.TextChoices):
    HIGHER = "higher", "Higher is better"
    LOWER = "lower", "Lower is better"


class Status(models.TextChoices):
    ON_TARGET = "on_target", "On target"
    WATCH = "watch", "Watch"
    RED_FLAG = "red_flag", "Red flag"


class Frequency(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    MONTHLY = "monthly", "Monthly"
    QUARTERLY = "quarterly", "Quarterly"


SAME_AS_BASELINE = (
    "The target must differ from the baseline: attainment is the progress from one to the other."
)
PERCENT = Decimal("0.1")


def attainment(*, value: Decimal, baseline: Decimal, target: Decimal) -> Decimal:
    """Progress from the baseline to the target in percent, rounded down to 0.1 %."""
    span = Decimal(target) - Decimal(baseline)
    if span == 0:
        raise ValueError(SAME_AS_BASELINE)
    share = (Decimal(value) - Decimal(baseline)) / span * 100
    return share.quantize(PERCENT, rounding=ROUND_FLOOR)


def status(
    *, value: Decimal, target: Decimal, direction: str, red_flag: Decimal | None = None
) -> str:
    value, target = Decimal(value), Decimal(target)
    higher = direction == Direction.HIGHER
    if red_flag is not None and (value < red_flag if higher else value > red_flag):
        return Status.RED_FLAG
    reached = value >= target if higher else value <= target
    return Status.ON_TARGET if reached else Status.WATCH


def direction_problem(*, direction: str, baseline, target) -> str | None:
    """Why a baseline and target cannot make a KPI of this direction, in words; None if they can."""
    if baseline is None or target is None:
        return None
    if target == baseline:
        return SAME_AS_BASELINE
    if direction == Direction.HIGHER and target < baseline:
        return (
            "Higher is better, so the target must be above the baseline. "
            "If a fall is the goal, choose “Lower is better”."
        )
    if direction == Direction.LOWER and target > baseline:
        return (
            "Lower is better, so the target must be below the baseline. "
            "If a rise is the goal, choose “Higher is better”."
        )
    return None


def threshold_problem(*, direction: str, target, red_flag) -> str | None:
    if red_flag is None or target is None:
        return None
    if direction == Direction.HIGHER and red_flag >= target:
        return "Higher is better, so the red-flag threshold must be below the target."
    if direction == Direction.LOWER and red_flag <= target:
        return "Lower is better, so the red-flag threshold must be above the target."
    return None


# Periods -----------------------------------------------------------------------------------------


def period_start(day: datetime.date, frequency: str) -> datetime.date:
    """The first day of the period `day` falls in: Monday, the 1st, or a quarter's first day."""
    if frequency == Frequency.WEEKLY:
        return day - datetime.timedelta(days=day.weekday())
    if frequency == Frequency.QUARTERLY:
        return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)
    return day.replace(day=1)


def period_label(start: datetime.date, frequency: str) -> str:
    if frequency == Frequency.WEEKLY:
        return f"Week of {start:%-d %b %Y}"
    if frequency == Frequency.QUARTERLY:
        return f"Q{(start.month - 1) // 3 + 1} {start.year}"
    return f"{start:%b %Y}"


def period_step(frequency: str) -> relativedelta:
    return {
        Frequency.WEEKLY: relativedelta(weeks=1),
        Frequency.MONTHLY: relativedelta(months=1),
        Frequency.QUARTERLY: relativedelta(months=3),
    }[Frequency(frequency)]
