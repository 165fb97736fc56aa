from django.http import HttpRequest


def role(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from .sso import signs_in_with_password

    return {"user_role": user.role_label, "password_sign_in": signs_in_with_password(user)}
