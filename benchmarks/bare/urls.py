from django.urls import path

from . import views

urlpatterns = [
    path("partners/", views.partner_list),
    path("partners/<int:pk>/", views.partner_detail),
    path("api/partners/", views.partner_json),
]
