"""A whole (non-streamed) gateway call: the provider's answer, and the run stored before it is returned."""

from __future__ import annotations

from promptforge.gateway import relay
from promptforge.gateway.service import GatewayCall, GatewayServices, record_failure, record_run
from promptforge.runs.service import Outcome, elapsed_ms


async def complete_call(services: GatewayServices, call: GatewayCall) -> relay.Answer:
    """Call the provider; the run is stored (completed or failed) before the answer goes out."""
    try:
        answer = await relay.complete(call)
    except BaseException as exc:
        raise await record_failure(services, call, exc) from None
    outcome = Outcome(
        "completed", output=answer.output, usage=answer.usage, latency_ms=elapsed_ms(call.started)
    )
    await record_run(services, call, outcome)
    return answer
