"""`make bench`: turn latency through the whole stack, throughput, and Rasa's memory.

N simulated conversations run at the same time through the app service's chat API; each
turn's latency is recorded. Rasa's bare `/model/parse` latency is measured beside it.
Then 20 conversations at once go straight to Rasa's REST channel and through the channel
gateway (the kiosk API); the gateway's own time per turn is the turn's time minus the Rasa
call the gateway reports in its Server-Timing header. Like people, the 20 conversations
start one after another (0.1 s apart) and then overlap; a last run sends 20 first messages
in the same instant, to show what a burst costs.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from bot.launcher import rasa_api_token
from bot.shared.settings import Settings
from bot.tools.stack import running_stack

SCRIPT = (
    "hoi",
    "wat kun je allemaal",
    "ik heb bijstand en bak taarten voor de buren, mag dat?",
    "wat voor weer wordt het morgen",
    "ik ben vergeten mijn uren door te geven aan het uwv",
    "bedankt!",
)
PARSE_SAMPLES = 50
GATEWAY_CONVERSATIONS = 20
GATEWAY_ROUNDS = 2  # 12 turns a conversation: under the per-sender rate limit
GATEWAY_START_GAP = 0.1  # seconds between the starts of two conversations


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))
    return ordered[index]


async def _conversation(client: httpx.AsyncClient, rounds: int, latencies: list[float]) -> int:
    sender = f"bench-{uuid.uuid4().hex[:10]}"
    errors = 0
    for _ in range(rounds):
        for text in SCRIPT:
            started = time.perf_counter()
            response = await client.post("/api/messages", json={"sender": sender, "message": text})
            latencies.append(time.perf_counter() - started)
            errors += response.status_code != 200
    return errors


async def _drive(
    settings: Settings, conversations: int, rounds: int
) -> tuple[list[float], float, int]:
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=conversations + 2)
    async with httpx.AsyncClient(base_url=settings.app_url, timeout=120, limits=limits) as client:
        started = time.perf_counter()
        errors = await asyncio.gather(
            *(_conversation(client, rounds, latencies) for _ in range(conversations))
        )
        elapsed = time.perf_counter() - started
    return latencies, elapsed, sum(errors)


def _server_time(response: httpx.Response, wanted: str) -> float:
    for metric in response.headers.get("Server-Timing", "").split(","):
        name, _, duration = metric.strip().partition(";dur=")
        if name == wanted and duration:
            return float(duration) / 1000
    return 0.0


@dataclass
class TurnTimes:
    """Per turn: its whole time, the part that was not the Rasa call, and that part as
    measured inside the gateway's handler."""

    totals: list[float] = field(default_factory=list)
    overheads: list[float] = field(default_factory=list)
    inside: list[float] = field(default_factory=list)
    errors: int = 0


async def _gateway_conversation(
    client: httpx.AsyncClient,
    direct: bool,
    script: tuple[str, ...],
    start_after: float,
    times: TurnTimes,
) -> None:
    if direct:
        sender = f"bench-direct-{uuid.uuid4().hex[:10]}"
    else:
        sender = (await client.post("/kiosk/api/session")).json()["session"]
    await asyncio.sleep(start_after)
    for text in script:
        started = time.perf_counter()
        if direct:
            body = {"sender": sender, "message": text}
            response = await client.post("/webhooks/rest/webhook", json=body)
        else:
            body = {"session": sender, "text": text}
            response = await client.post("/kiosk/api/message", json=body)
        total = time.perf_counter() - started
        times.totals.append(total)
        if not direct:
            rasa = _server_time(response, "rasa")
            times.overheads.append(total - rasa)
            times.inside.append(_server_time(response, "app") - rasa)
        times.errors += response.status_code != 200


async def _gateway_run(
    settings: Settings,
    direct: bool,
    conversations: int,
    script: tuple[str, ...],
    start_gap: float,
) -> TurnTimes:
    """`conversations` at once, straight to Rasa or through the gateway; conversation n
    starts n x `start_gap` seconds after the first."""
    times = TurnTimes()
    base = settings.rasa_url if direct else settings.app_url
    limits = httpx.Limits(max_connections=conversations + 2)
    async with httpx.AsyncClient(base_url=base, timeout=120, limits=limits) as client:
        await asyncio.gather(
            *(
                _gateway_conversation(client, direct, script, index * start_gap, times)
                for index in range(conversations)
            )
        )
    return times


def _parse_latencies(settings: Settings) -> list[float]:
    token = rasa_api_token(settings)
    latencies = []
    with httpx.Client(base_url=settings.rasa_url, timeout=30) as client:
        for index in range(PARSE_SAMPLES):
            text = SCRIPT[index % len(SCRIPT)]
            started = time.perf_counter()
            client.post(f"/model/parse?token={token}", json={"text": text}).raise_for_status()
            latencies.append(time.perf_counter() - started)
    return latencies


def rasa_rss_megabytes() -> float | None:
    """Resident memory of the `rasa run` process, read from /proc."""
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            command = (proc / "cmdline").read_bytes().split(b"\0")
            status = (proc / "status").read_text()
        except OSError:
            continue
        if any(part.endswith(b".venv-rasa/bin/rasa") for part in command) and b"run" in command:
            for line in status.splitlines():
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) / 1024
    return None


def _ms(seconds: float) -> str:
    return f"{seconds * 1000:7.0f} ms"


def _p50_p95(values: list[float]) -> str:
    return f"p50 {_ms(percentile(values, 0.5))}  p95 {_ms(percentile(values, 0.95))}"


def _gateway_runs(settings: Settings) -> tuple[TurnTimes, TurnTimes, TurnTimes]:
    """Direct Rasa, the gateway, and the gateway under a burst of first messages."""
    script = SCRIPT * GATEWAY_ROUNDS
    count = GATEWAY_CONVERSATIONS
    asyncio.run(_gateway_run(settings, False, 1, SCRIPT[:2], 0))  # warm-up of the gateway
    direct = asyncio.run(_gateway_run(settings, True, count, script, GATEWAY_START_GAP))
    gateway = asyncio.run(_gateway_run(settings, False, count, script, GATEWAY_START_GAP))
    burst = asyncio.run(_gateway_run(settings, False, count, SCRIPT[:1], 0))
    return direct, gateway, burst


def bench(settings: Settings, conversations: int, rounds: int) -> int:
    with running_stack(settings):
        asyncio.run(_drive(settings, 1, 1))  # warm-up: first turns load lazily
        latencies, elapsed, errors = asyncio.run(_drive(settings, conversations, rounds))
        parse = _parse_latencies(settings)
        direct, gateway, burst = _gateway_runs(settings)
        rss = rasa_rss_megabytes()
    errors += direct.errors + gateway.errors + burst.errors
    turns = len(latencies)
    print(
        f"bench | {conversations} concurrent conversations x {rounds} rounds "
        f"x {len(SCRIPT)} turns = {turns} turns, {errors} errors"
    )
    print(
        f"bench | turn latency through the app service: p50 {_ms(percentile(latencies, 0.5))}"
        f"  p95 {_ms(percentile(latencies, 0.95))}  p99 {_ms(percentile(latencies, 0.99))}"
        f"  mean {_ms(statistics.fmean(latencies))}"
    )
    print(f"bench | throughput: {turns / elapsed:.1f} turns/s over {elapsed:.1f} s")
    print(f"bench | bare Rasa /model/parse (sequential, {PARSE_SAMPLES}): {_p50_p95(parse)}")
    together = f"{GATEWAY_CONVERSATIONS} concurrent conversations"
    print(f"bench | {together}, direct Rasa REST: {_p50_p95(direct.totals)}")
    print(f"bench | {together}, through the gateway: {_p50_p95(gateway.totals)}")
    print(
        f"bench | time the gateway adds per turn (turn minus its Rasa call): "
        f"{_p50_p95(gateway.overheads)}  (target: p95 under 20 ms)"
    )
    print(
        f"bench |   of which inside the gateway's handler (store, checks, delivery): "
        f"{_p50_p95(gateway.inside)}"
    )
    print(
        f"bench | burst: {GATEWAY_CONVERSATIONS} first messages in the same instant, time the "
        f"gateway adds: {_p50_p95(burst.overheads)}  (they queue for one event loop)"
    )
    print(f"bench | Rasa server resident memory: {'unknown' if rss is None else f'{rss:.0f} MB'}")
    return 1 if errors else 0
