"""`make bench`: turn latency through the whole stack, throughput, and Rasa's memory.

N simulated conversations run at the same time through the app service's chat API; each
turn's latency is recorded. Rasa's bare `/model/parse` latency is measured beside it.
"""

from __future__ import annotations

import asyncio
import statistics
import time
import uuid
from pathlib import Path

import httpx

from bot.launcher import rasa_api_token
from bot.settings import Settings
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


def bench(settings: Settings, conversations: int, rounds: int) -> int:
    with running_stack(settings):
        asyncio.run(_drive(settings, 1, 1))  # warm-up: first turns load lazily
        latencies, elapsed, errors = asyncio.run(_drive(settings, conversations, rounds))
        parse = _parse_latencies(settings)
        rss = rasa_rss_megabytes()
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
    print(
        f"bench | bare Rasa /model/parse (sequential, {PARSE_SAMPLES}): "
        f"p50 {_ms(percentile(parse, 0.5))}  p95 {_ms(percentile(parse, 0.95))}"
    )
    print(f"bench | Rasa server resident memory: {'unknown' if rss is None else f'{rss:.0f} MB'}")
    return 1 if errors else 0
