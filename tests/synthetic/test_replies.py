"""The demo municipalities' replies to their drafts are replies the portal takes: a known kind, a
criterion of the rubric, in the municipality's language; a plan with a part missing corrects it."""

from __future__ import annotations

from review.exchange.replies import KINDS, MAX_CHARS
from review.rubric import load_rubrics
from review.synthetic.replies import municipality_replies
from review.synthetic.round import demo_participants


def test_demo_replies_are_valid_and_in_the_municipalitys_language() -> None:
    rubrics = load_rubrics()
    for spec in demo_participants(2026).plan_specs():
        replies = municipality_replies(spec)
        kinds = [r.kind for r in replies]
        assert kinds == (["correction", "comment"] if spec.missing else ["comment"])
        for reply in replies:
            assert reply.kind in KINDS and 0 < len(reply.text) <= MAX_CHARS
            assert reply.criterion_id in {c.id for c in rubrics[reply.rubric_id].criteria}
            assert spec.municipality in reply.text
            german = "Wir" in reply.text or "Der Baustein" in reply.text
            assert german == (spec.language == "de"), reply.text
