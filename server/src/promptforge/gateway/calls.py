"""A whole (non-streamed) gateway call: the provider's answer, and the outcome its run stores."""

from __future__ import annotations

from promptforge.gateway import relay
from promptforge.gateway.service import GatewayCall, GatewayServices, record_failure
from promptforge.runs.service import Outcome, elapsed_ms


async def complete_call(services: GatewayServices, call: GatewayCall) -> tuple[relay.Answer, Outcome]:
    """Call the provider; a failure is stored at once, a success is for the caller to store
    (after the answer has been sent: the write is not part of the latency the client sees)."""
    try:
        answer = await relay.complete(call)
    except BaseException as exc:
        raise await record_failure(services, call, exc) from None
    outcome = Outcome(
        "completed", output=answer.output, usage=answer.usage, latency_ms=elapsed_ms(call.started)
    )
    return answer, outcome
