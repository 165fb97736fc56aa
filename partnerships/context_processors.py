from django.http import HttpRequest
from django.urls import reverse

from . import access
from .registry import nav_items


def navigation(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or not access.can_use_partnerships(user):
        return {"nav_links": []}
    links = []
    for item in nav_items():
        if item.visible(user):
            url = reverse(item.url_name)
            links.append({"label": item.label, "url": url, "active": request.path.startswith(url)})
    return {"nav_links": links}
