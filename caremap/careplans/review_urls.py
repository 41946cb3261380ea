"""Reviews of a plan, its versions and its history."""

from django.urls import path

from caremap.careplans import reviews

urlpatterns = [
    path("plans/<int:pk>/review/", reviews.review, name="review"),
    path("plans/<int:pk>/history/", reviews.history, name="history"),
    path("plans/<int:pk>/compare/", reviews.compare, name="compare"),
    path("plans/<int:pk>/versions/<int:number>/", reviews.version, name="version"),
]
