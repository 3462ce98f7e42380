"""Conversations spread over Rasa replicas by consistent hashing, against two local fakes of
Rasa's REST channel: a person always reaches the same replica; when it is down, its
people are answered by another one."""

from __future__ import annotations

from contextlib import ExitStack

from bot.channels.rasa_client import RasaClient
from bot.channels.rasa_replicas import RasaReplicas
from tests.fakes.servers import free_port, serve
from tests.unit.test_gateway import FakeRasa


def replicas(ports: list[int]) -> RasaReplicas:
    urls = [f"http://127.0.0.1:{port}" for port in ports]
    return RasaReplicas([(url, RasaClient(url, timeout=2)) for url in urls])


async def test_each_person_stays_on_one_replica_and_only_a_down_ones_people_move() -> None:
    fakes, ports = [FakeRasa(), FakeRasa()], [free_port(), free_port()]
    senders = [f"sms:{n:032d}" for n in range(40)]
    with ExitStack() as running:
        servers = [
            running.enter_context(serve(f.app(), p)) for f, p in zip(fakes, ports, strict=True)
        ]
        router = replicas(ports)
        home = {sender: router.replica_for(sender) for sender in senders}
        assert set(home.values()) == set(servers)  # both replicas get people
        for _ in range(3):
            for sender in senders:
                await router.send(sender, f"hoi van {sender}", {})
        for fake, url in zip(fakes, servers, strict=True):
            mine = {text.removeprefix("hoi van ") for text in fake.received}
            assert mine == {s for s, replica in home.items() if replica == url}
        await router.close()

    # Only the second replica runs now: the first one's people move to it, nobody else does.
    second = FakeRasa()
    with serve(second.app(), ports[1]):
        router = replicas(ports)
        for sender in senders:
            await router.send(sender, f"hoi van {sender}", {})
        assert len(second.received) == len(senders)
        assert router.replica_for(senders[0]) == f"http://127.0.0.1:{ports[1]}"
        await router.close()
