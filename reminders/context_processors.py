from functools import cached_property

from django.http import HttpRequest


class Notices:
    """The bell's unread count, counted only if the page shows the bell."""

    def __init__(self, user) -> None:
        self.user = user

    @cached_property
    def unread(self) -> int:
        from .services import unread_count

        return unread_count(self.user)


def notices(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"notices": Notices(user)}
