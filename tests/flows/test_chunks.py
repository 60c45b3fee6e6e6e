"""Work split into chunks of plans (a task per chunk, not per plan)."""

from flows.chunks import chunks


def test_a_few_chunks_per_worker_cover_every_plan_once_in_order():
    ids = list(range(1, 1001))
    parts = chunks(ids, workers=2)
    assert len(parts) == 4 and [i for part in parts for i in part] == ids
    assert chunks([7], workers=8) == [[7]] and chunks([], workers=2) == []


def test_a_largest_chunk_makes_more_chunks_for_a_large_round():
    parts = chunks(list(range(1000)), workers=2, largest=25)
    assert len(parts) == 40 and max(len(p) for p in parts) == 25
    assert [i for part in parts for i in part] == list(range(1000))
    assert len(chunks(list(range(10)), workers=2, largest=25)) == 4
