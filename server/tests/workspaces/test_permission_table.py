"""Actions have their own identity: one row each in the role table, no enum aliases."""

from __future__ import annotations

from promptforge.workspaces.permissions import API_KEY_ACTIONS, MINIMUM_ROLE, Action, Role


def test_actions_are_distinct_members_not_aliases_of_roles() -> None:
    # An Enum whose values repeat folds the later names into aliases: Action.WRITE would be MOVE_LABEL.
    assert len(Action) == len(Action.__members__)
    assert Action.WRITE is not Action.MOVE_LABEL
    assert not any(isinstance(action.value, Role) for action in Action)


def test_every_action_has_a_minimum_role() -> None:
    assert set(MINIMUM_ROLE) == set(Action)


def test_api_keys_are_allowed_no_more_than_their_role_and_never_administration() -> None:
    for role, actions in API_KEY_ACTIONS.items():
        assert all(MINIMUM_ROLE[a].rank <= role.rank for a in actions)
        assert not actions & {Action.MANAGE, Action.MANAGE_ADMINS, Action.OWN, Action.MOVE_PROTECTED_LABEL}
