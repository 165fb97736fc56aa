# A user's own token (revoking another's is a 404: tests/api/test_tokens.py); the API's own
# endpoints are walked from its schema (tests/api/test_access_walk.py).
NOT_PARTNERSHIP_ROUTES = {"api:token_revoke"}
FORM_HOSTS = {"api:token_revoke": "api:tokens"}


def _own_token(partnership, user) -> dict:
    from api import tokens

    return {"pk": tokens.token_create(user=user, name="Walked").token.pk}


ROUTE_ARGUMENTS = {"api:token_revoke": _own_token}
