from drf_spectacular.extensions import OpenApiAuthenticationExtension
from drf_standardized_errors import openapi


class TokenScheme(OpenApiAuthenticationExtension):
    target_class = "api.tokens.TokenAuthentication"
    name = "token"

    def get_security_definition(self, auto_schema):
        return {
            "type": "http",
            "scheme": "bearer",
            "description": "A personal API token from your profile: `acc_…`.",
        }


class AutoSchema(openapi.AutoSchema):
    """drf-standardized-errors' schema, plus the 400 a list's ``page_size`` can raise
    (api.pagination.Pages refuses a size it cannot use)."""

    def _paginates(self) -> bool:
        return self.method == "GET" and self._get_paginator() is not None

    def _should_add_validation_error_response(self) -> bool:
        return self._paginates() or super()._should_add_validation_error_response()

    def _get_extra_validation_errors(self) -> dict[str, set[str]]:
        errors = super()._get_extra_validation_errors()
        if self._paginates():
            errors.setdefault("page_size", set()).add("invalid")
        return errors
