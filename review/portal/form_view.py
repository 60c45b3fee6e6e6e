"""A rubric as the review form shows it in one language: the criteria's titles, descriptions,
levels with their anchors and comment rules, and the labels of every field. Worked out once per
rubric and language (`FormViews`): the texts never change while the portal runs, and the form is
its most frequent page (every save shows it again), so a page renders these as plain values.
A criterion's levels (radio buttons with their labels and anchors, some 80 on a page) are even
rendered to HTML once per value that can be checked, from their own template
(`form_choices.html`): the page puts in the one its review's score picks."""

from __future__ import annotations

from dataclasses import dataclass, field

from jinja2 import Environment
from markupsafe import Markup

from review.i18n import N_, jinja_context, translator
from review.reviewing.form import ELIGIBILITY, OVERALL_FIELDS
from review.rubric import Criterion, Rubric

OVERALL_LABELS = {
    "strengths": N_("Strengths"),
    "weaknesses": N_("Weaknesses"),
    "recommendations": N_("Recommendations"),
}


@dataclass(frozen=True)
class LevelView:
    value: str  # as the form posts it
    label: str
    anchor: str  # the criterion's own text for this level; "" when it is the label


@dataclass(frozen=True)
class CriterionView:
    id: str
    title: str
    description: str
    allow_na: bool
    rule: str  # when a comment is required
    levels: tuple[LevelView, ...]


@dataclass(frozen=True)
class RubricView:
    title: str
    description: str
    criteria: tuple[CriterionView, ...]
    field_labels: dict[str, str]
    # criterion id -> checked value ("" for none) -> the levels' HTML with that one checked
    choices: dict[str, dict[str, Markup]]


def _rule(rubric: Rubric, criterion: Criterion, lang: str) -> str:
    t = translator(lang)
    if criterion.comment == "always":
        return t.gettext("required")
    if criterion.comment == "optional" or not rubric.comment_required_at:
        return t.gettext("optional")
    levels = ", ".join(str(level) for level in rubric.comment_required_at)
    return t.gettext("required for score %(levels)s") % {"levels": levels}


def _criterion(rubric: Rubric, criterion: Criterion, lang: str) -> CriterionView:
    levels = []
    for level in rubric.scale.levels:
        label = level.label(lang)
        anchor = rubric.anchor(criterion, level.value, lang)
        levels.append(LevelView(str(level.value), label, "" if anchor == label else anchor))
    return CriterionView(
        id=criterion.id,
        title=criterion.title(lang),
        description=criterion.description(lang),
        allow_na=criterion.allow_na,
        rule=_rule(rubric, criterion, lang),
        levels=tuple(levels),
    )


def field_labels(rubric: Rubric, lang: str) -> dict[str, str]:
    """What each posted field is called on the page (error summaries, stale-save tables)."""
    t = translator(lang)
    labels: dict[str, str] = {}
    for c in rubric.criteria:
        labels[f"score-{c.id}"] = f"{c.id} {c.title(lang)}: {t.gettext('Scale')}"
        labels[f"comment-{c.id}"] = f"{c.id} {c.title(lang)}: {t.gettext('Comment')}"
    for key, label in ELIGIBILITY.items():
        labels[f"elig-{key}"] = label(lang)
    for name in OVERALL_FIELDS:
        labels[name] = t.gettext(OVERALL_LABELS.get(name, name))
    labels["reason"] = t.gettext("Reason for declining")
    labels["form"] = t.gettext("Assessment")
    return labels


def _choices(env: Environment, criterion: CriterionView, lang: str) -> dict[str, Markup]:
    template = env.get_template("form_choices.html")
    context = jinja_context(translator(lang))
    values = ["", *(level.value for level in criterion.levels)]
    if criterion.allow_na:
        values.append("n/a")
    # The template's last line ends in a newline, and so does the form's line that puts it in.
    return {
        value: Markup(template.render(**context, c=criterion, current=value).removesuffix("\n"))
        for value in values
    }


def rubric_view(rubric: Rubric, lang: str, env: Environment) -> RubricView:
    """The rubric's texts in `lang`, its criteria's levels rendered by `env` (the portal's)."""
    criteria = tuple(_criterion(rubric, c, lang) for c in rubric.criteria)
    return RubricView(
        title=rubric.title(lang),
        description=rubric.description(lang),
        criteria=criteria,
        field_labels=field_labels(rubric, lang),
        choices={c.id: _choices(env, c, lang) for c in criteria},
    )


@dataclass
class FormViews:
    """The views of the portal's rubrics (by name, as assignments name them), made on first use."""

    rubrics: dict[str, Rubric]
    env: Environment  # the portal's, which renders the levels' template
    _views: dict[tuple[str, str], RubricView] = field(default_factory=dict)

    def get(self, name: str, lang: str) -> RubricView:
        key = (name, lang)
        view = self._views.get(key)
        if view is None:  # two threads may both make it: the same value, either one is kept
            view = self._views[key] = rubric_view(self.rubrics[name], lang, self.env)
        return view
