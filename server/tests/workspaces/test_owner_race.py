"""The last-owner rule holds when owners change each other at the same time (issue 8, finding 7)."""

from __future__ import annotations

import asyncio

from conftest import Account, Factory

ROUNDS = 10


async def two_owners(factory: Factory) -> tuple[Account, Account]:
    first = await factory.account()
    second = await factory.member(first, "owner")
    return first, second


async def owners_of(account: Account, *others: Account) -> list[str]:
    """The workspace's owners, as seen by whichever of the accounts is still a member."""
    for member in (account, *others):
        response = await member.client.get(f"/api/v1/workspaces/{account.workspace_id}/members")
        if response.status_code == 200:
            return [m["email"] for m in response.json()["items"] if m["role"] == "owner"]
    raise AssertionError("nobody can see the workspace any more")


def member_url(workspace: Account, member: Account) -> str:
    return f"/api/v1/workspaces/{workspace.workspace_id}/members/{member.user_id}"


async def test_two_owners_demoting_each_other_leave_one_owner(factory: Factory) -> None:
    for _ in range(ROUNDS):
        a, b = await two_owners(factory)
        responses = await asyncio.gather(
            a.client.patch(member_url(a, b), json={"role": "editor"}),
            b.client.patch(member_url(a, a), json={"role": "editor"}),
        )
        statuses = sorted(r.status_code for r in responses)
        # The loser is no longer an owner once it gets its turn, so it may not change owners at all.
        assert statuses == [200, 403], [r.text for r in responses]
        loser = next(r for r in responses if r.status_code == 403)
        assert loser.headers["content-type"] == "application/problem+json"
        assert loser.json()["code"] == "insufficient_role"
        assert len(await owners_of(a, b)) == 1


async def test_two_owners_removing_each_other_leave_one_owner(factory: Factory) -> None:
    for _ in range(ROUNDS):
        a, b = await two_owners(factory)
        responses = await asyncio.gather(a.client.delete(member_url(a, b)), b.client.delete(member_url(a, a)))
        # The loser was removed before its turn: the workspace is no longer its to see.
        assert sorted(r.status_code for r in responses) == [204, 404], [r.text for r in responses]
        assert len(await owners_of(a, b)) == 1


async def test_two_owners_leaving_at_once_leave_one_owner(factory: Factory) -> None:
    for _ in range(ROUNDS):
        a, b = await two_owners(factory)
        responses = await asyncio.gather(a.client.delete(member_url(a, a)), b.client.delete(member_url(a, b)))
        assert sorted(r.status_code for r in responses) == [204, 409], [r.text for r in responses]
        refused = next(r for r in responses if r.status_code == 409)
        assert refused.json()["code"] == "last_owner"
        assert len(await owners_of(a, b)) == 1
