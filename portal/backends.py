from sesame.backends import ModelBackend


class PortalLinkBackend(ModelBackend):
    """django-sesame's link sign-in, for partner contacts only: a link can never open a session
    for one of our own people, whatever token it carries."""

    def user_can_authenticate(self, user) -> bool:
        return super().user_can_authenticate(user) and user.is_partner_contact
