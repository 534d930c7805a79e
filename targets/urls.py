from django.urls import path

from targets import views

app_name = "targets"

urlpatterns = [
    path("indicators/<int:pk>/", views.indicator_detail, name="indicator"),
    path("indicators/<int:pk>/entries/", views.entry_create, name="entry_create"),
    path("indicator-entries/<int:pk>/review/", views.entry_review, name="entry_review"),
    path("indicator-entries/<int:pk>/evidence/", views.entry_evidence, name="entry_evidence"),
]
