"""Adding to and changing a plan: goals, steps, strengths, resources,
barriers and their solutions."""

from django.urls import path

from caremap.careplans import editing

urlpatterns = [
    path("plans/<int:pk>/goals/new/", editing.goal_add, name="goal-add"),
    path("goals/<int:pk>/edit/", editing.goal_edit, name="goal-edit"),
    path("goals/<int:pk>/steps/new/", editing.action_add, name="action-add"),
    path("steps/<int:pk>/edit/", editing.action_edit, name="action-edit"),
    path("goals/<int:pk>/strengths/new/", editing.strength_add, name="strength-add"),
    path("goals/<int:pk>/resources/new/", editing.resource_add, name="resource-add"),
    path("goals/<int:pk>/barriers/new/", editing.barrier_add, name="barrier-add"),
    path("barriers/<int:pk>/edit/", editing.barrier_edit, name="barrier-edit"),
    *(
        path(
            f"{segment}/<int:pk>/remove/",
            editing.item_remove,
            {"kind": kind},
            name=f"{kind}-remove",
        )
        for segment, kind in [
            ("goals", "goal"),
            ("steps", "action"),
            ("strengths", "strength"),
            ("resources", "resource"),
            ("barriers", "barrier"),
        ]
    ),
]
