"""Issue 8, finding 7: concurrent writes to one prompt are serialized: version numbers 1..n without
gaps or duplicates, every label move recorded, never a 500 (IntegrityError) on either backend."""

from __future__ import annotations

import asyncio
import itertools

from conftest import Factory

WRITERS = 10


async def test_concurrent_version_creates_get_consecutive_numbers(factory: Factory) -> None:
    ada = await factory.account()
    url = f"/api/v1/projects/{ada.project_id}/prompts"
    created = await ada.client.post(url, json={"name": "busy", "kind": "text", "template": "v0"})
    assert created.status_code == 201, created.text

    responses = await asyncio.gather(
        *(
            ada.client.post(f"{url}/busy/versions", json={"template": f"v{n} {{{{ x }}}}"})
            for n in range(WRITERS)
        )
    )

    statuses = sorted(r.status_code for r in responses)
    assert set(statuses) <= {201, 409}, [r.text for r in responses if r.status_code not in (201, 409)]
    numbers = sorted(r.json()["number"] for r in responses if r.status_code == 201)
    assert numbers == list(range(2, 2 + len(numbers)))
    assert statuses.count(201) == WRITERS  # serialized, not refused
    versions = (await ada.client.get(f"{url}/busy/versions", params={"limit": 100})).json()["items"]
    assert sorted(v["number"] for v in versions) == list(range(1, WRITERS + 2))
    assert (await ada.client.get(f"{url}/busy")).json()["latest_version"] == WRITERS + 1


async def test_concurrent_label_moves_are_all_recorded(factory: Factory) -> None:
    ada = await factory.account()
    url = f"/api/v1/projects/{ada.project_id}/prompts"
    await ada.client.post(url, json={"name": "busy", "kind": "text", "template": "v1"})
    for n in range(2, WRITERS + 1):
        response = await ada.client.post(f"{url}/busy/versions", json={"template": f"v{n}"})
        assert response.status_code == 201, response.text

    # Every writer creates-or-moves the same new label at once, each to its own version.
    responses = await asyncio.gather(
        *(ada.client.put(f"{url}/busy/labels/staging", json={"version": n}) for n in range(1, WRITERS + 1))
    )

    assert {r.status_code for r in responses} <= {200, 409}, [r.text for r in responses]
    moved = [r.json()["version"] for r in responses if r.status_code == 200]
    assert len(moved) == WRITERS
    history = (await ada.client.get(f"{url}/busy/labels/staging/history", params={"limit": 100})).json()
    events = history["items"][::-1]  # oldest first
    assert events[0]["from_version"] is None
    for before, after in itertools.pairwise(events):
        assert after["from_version"] == before["to_version"]  # no lost update in the chain
    final = (await ada.client.get(f"{url}/busy")).json()["labels"]["staging"]
    assert final == events[-1]["to_version"]


async def test_concurrent_imports_of_one_new_prompt_never_answer_500(factory: Factory) -> None:
    ada = await factory.account()
    document = {
        "prompts": [
            {
                "name": "imported",
                "kind": "text",
                "versions": [{"number": 1, "template": "a"}, {"number": 2, "template": "b"}],
                "labels": {"staging": 2},
            }
        ]
    }
    url = f"/api/v1/projects/{ada.project_id}/import"
    responses = await asyncio.gather(*(ada.client.post(url, json=document) for _ in range(WRITERS)))

    assert {r.status_code for r in responses} <= {200, 409}, [r.text for r in responses]
    statuses = sorted(r.json()["prompts"][0]["status"] for r in responses if r.status_code == 200)
    assert statuses.count("created") == 1  # every other import found it there (or lost the race: 409)
    versions = (await ada.client.get(f"/api/v1/projects/{ada.project_id}/prompts/imported/versions")).json()
    assert sorted(v["number"] for v in versions["items"]) == [1, 2]
