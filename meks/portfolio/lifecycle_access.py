"""Who may make which lifecycle move on a project: the one rule the service and the screens share.

``lifecycle.TRANSITIONS`` names, for each move, the roles that may make it; ``OWNER`` stands for the
project's owner side (the owner organization's members and the akimat of the project's region), any other
role must be held for the project's region. ``may_make`` is that rule; ``available_transitions`` lists the
moves a user could make now, each with the status it leads to and what its guard still objects to.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from meks.core.access import scope_of

from .choices import ProjectStatus
from .lifecycle import OWNER, Transition, transitions_from
from .models import Project
from .selectors import project_is_owner_side


def may_make(*, user: Any, project: Project, transition: Transition) -> bool:
    """True when ``user`` holds, for this project, one of the roles ``transition`` allows."""
    scope = scope_of(user)
    return any(
        project_is_owner_side(user=user, project=project) if role == OWNER
        else scope.covers_region(project.region_id, role)
        for role in transition.roles
    )


def target_of(transition: Transition, project: Project) -> str:
    """The status ``transition`` moves ``project`` to (resuming returns to the status before suspension)."""
    return transition.target or project.status_before_suspension or ProjectStatus.IMPLEMENTATION


@dataclass(frozen=True)
class AvailableTransition:
    """A move the user may make from the project's current status.

    ``blocked_by`` is the guard's objection as it stands (``None`` when the move would pass it now).
    """

    transition: Transition
    target: str
    blocked_by: str | None


def available_transitions(*, user: Any, project: Project) -> list[AvailableTransition]:
    """The moves out of the project's status that ``user``'s roles allow, in the table's order."""
    return [
        AvailableTransition(
            transition=transition,
            target=target_of(transition, project),
            blocked_by=transition.guard(project) if transition.guard is not None else None,
        )
        for transition in transitions_from(project.status)
        if may_make(user=user, project=project, transition=transition)
    ]
