"""Named random streams made together are the very streams made one by one."""

from __future__ import annotations

import pytest

from simulator.network import streams as streams_module
from simulator.network.streams import RandomStreams


@pytest.mark.parametrize("seed", [0, 1, 2**32 - 1, 2**32, 2**64 + 7, 2**130 + 5])
def test_streams_made_together_match_one_by_one(seed: int) -> None:
    factory = RandomStreams(seed)
    names = [f"orders/zone-{i}/sku" for i in range(50)] + ["", "leadtime/a-b"]
    together = [g.random(4).tolist() for g in factory.streams(names)]
    alone = [factory.stream(name).random(4).tolist() for name in names]
    assert together == alone
    assert len({tuple(draws) for draws in together}) == len(names)  # all distinct


def test_a_key_of_one_word_is_made_one_by_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """A name whose hash has a zero high word (one word of entropy, not two) gets the
    generator numpy's seed sequence derives from it, made together with the others."""
    real = streams_module._digest
    short = (5).to_bytes(8, "little") + (7).to_bytes(8, "little")
    monkeypatch.setattr(
        streams_module, "_digest", lambda name: short if name == "short" else real(name)
    )
    factory = RandomStreams(3)
    names = ["a", "short", "b"]
    together = [g.random(3).tolist() for g in factory.streams(names)]
    assert together == [factory.stream(name).random(3).tolist() for name in names]
