from django.contrib.admin.apps import AdminConfig


class AccordAdminConfig(AdminConfig):
    default_site = "config.admin.AccordAdminSite"
