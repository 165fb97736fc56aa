"""Errors as JSON in drf-standardized-errors' form, with the status a client can act on:
400 the request is malformed, 401 no valid token, 403 not allowed, 404 not yours or not there,
409 it clashes with what is there, 422 well-formed but a rule refuses it (a gate, an ended
partnership), 429 too fast."""

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from drf_standardized_errors.handler import ExceptionHandler
from rest_framework import exceptions, status

from partnerships.views import page_not_found as pages_not_found


class Unprocessable(exceptions.ValidationError):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "unprocessable"


class Conflict(exceptions.ValidationError):
    status_code = status.HTTP_409_CONFLICT
    default_code = "conflict"


def as_detail(error: DjangoValidationError):
    """A service's ValidationError as DRF detail: per field where it names fields."""
    if hasattr(error, "error_dict"):
        return {
            ("non_field_errors" if field == "__all__" else field): messages
            for field, messages in error.message_dict.items()
        }
    missing = getattr(error, "missing", None)  # partnerships.services.GateClosed
    return {"non_field_errors": list(missing) if missing else error.messages}


class AccordExceptionHandler(ExceptionHandler):
    def set_rollback(self) -> None:
        # The API's views run outside the request-wide transaction (api.views.Base) and each
        # change in its own atomic block, which an exception has already rolled back; marking
        # an enclosing block would only roll back what is not ours (a test's transaction).
        return None

    def convert_known_exceptions(self, exc: Exception) -> Exception:
        if isinstance(exc, Http404):
            return exceptions.NotFound("Not found, or not yours to see.")
        if isinstance(exc, PermissionDenied):
            # The service says why in words; keep it.
            return exceptions.PermissionDenied(str(exc) or None)
        if isinstance(exc, DjangoValidationError):
            return Unprocessable(as_detail(exc))
        return exc


def page_not_found(request: HttpRequest, exception: Exception) -> HttpResponse:
    """Django's 404 for a URL no route matches (``/api/v1/partnerships/abc/``): JSON in the API's
    error form under ``/api/``, the product's page elsewhere."""
    if request.path.startswith("/api/"):
        error = {"code": "not_found", "detail": "No such endpoint.", "attr": None}
        return JsonResponse({"type": "client_error", "errors": [error]}, status=404)
    return pages_not_found(request, exception)
