"""The roles of Accord. They are groups, created by a migration, so administrators
grant them in Django admin like any other group."""

EXECUTIVE = "Executive"
PARTNER_MANAGER = "Partner manager"
ADMINISTRATOR = "Administrator"
# The partner's own people: they see only the portal, and only the partnerships they were
# invited to (partnerships.access.portal_partnerships). Never combined with the roles above.
PARTNER_CONTACT = "Partner contact"
ALL = (EXECUTIVE, PARTNER_MANAGER, ADMINISTRATOR, PARTNER_CONTACT)
INTERNAL = (EXECUTIVE, PARTNER_MANAGER, ADMINISTRATOR)


def ensure_roles(group_model=None) -> None:
    """Create the role groups if they are missing. Called by a migration and after every
    `migrate` or `flush` (post_migrate), so the roles can never go missing."""
    if group_model is None:
        from django.contrib.auth.models import Group as group_model
    for name in ALL:
        group_model.objects.get_or_create(name=name)
