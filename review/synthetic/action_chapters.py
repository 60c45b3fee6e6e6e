"""The action chapters of a synthetic plan: mitigation (the action table with costs, savings and
periods, then a paragraph per action) and adaptation (the adaptation actions by hazard)."""

from __future__ import annotations

import random

from review.synthetic import prose
from review.synthetic.blocks import Block, Heading, Paragraph, Table, fmt_int
from review.synthetic.plans import PlanSpec


def mitigation(spec: PlanSpec, rng: random.Random) -> list[Block]:
    lang = spec.language
    de = lang == "de"
    rows = tuple(
        (
            a.code,
            a.title,
            prose.SECTOR_LABELS[a.sector][lang],
            fmt_int(a.cost_eur, lang),
            fmt_int(a.savings_mwh, lang),
            fmt_int(a.savings_t_co2, lang),
        )
        for a in spec.mitigation
    )
    if de:
        blocks: list[Block] = [
            Paragraph(
                f"Der Maßnahmenkatalog umfasst {len(spec.mitigation)} "
                "Klimaschutzmaßnahmen. Zusammen mindern sie die Emissionen um "
                f"{fmt_int(spec.mitigation_t_co2, lang)} t CO2 pro Jahr.",
                "mitigation",
            ),
            Table(
                "Tabelle 3: Übersicht der Klimaschutzmaßnahmen",
                (
                    "Nr.",
                    "Maßnahme",
                    "Sektor",
                    "Kosten (EUR)",
                    "Einsparung (MWh/a)",
                    "Minderung (t CO2/a)",
                ),
                rows,
                "mitigation",
            ),
        ]
    else:
        blocks = [
            Paragraph(
                f"The plan contains {len(spec.mitigation)} mitigation actions. Together "
                f"they reduce emissions by {fmt_int(spec.mitigation_t_co2, lang)} t CO2 per "
                "year.",
                "mitigation",
            ),
            Table(
                "Table 3: Overview of mitigation actions",
                (
                    "No.",
                    "Action",
                    "Sector",
                    "Cost (EUR)",
                    "Savings (MWh/year)",
                    "Reduction (t CO2/year)",
                ),
                rows,
                "mitigation",
            ),
        ]
    for action in spec.mitigation[:3]:
        blocks.append(Heading(f"{action.code} {action.title}", 2, "mitigation"))
        if de:
            text = (
                f"Zuständig: {action.responsible}. Zeitraum: {action.start_year} bis "
                f"{action.end_year}. Kosten: {fmt_int(action.cost_eur, lang)} EUR. Die "
                f"Maßnahme spart jährlich {fmt_int(action.savings_mwh, lang)} MWh Endenergie "
                f"und {fmt_int(action.savings_t_co2, lang)} t CO2 ein."
            )
        else:
            text = (
                f"Lead: {action.responsible}. Period: {action.start_year} to "
                f"{action.end_year}. Cost: {fmt_int(action.cost_eur, lang)} EUR. The action "
                f"saves {fmt_int(action.savings_mwh, lang)} MWh of final energy and "
                f"{fmt_int(action.savings_t_co2, lang)} t CO2 per year."
            )
        blocks.append(Paragraph(text, "mitigation"))
    return blocks


def adaptation(spec: PlanSpec, rng: random.Random) -> list[Block]:
    lang = spec.language
    rows = tuple(
        (a.code, a.title, a.sector, f"{a.start_year}-{a.end_year}", fmt_int(a.cost_eur, lang))
        for a in spec.adaptation
    )
    if lang == "de":
        return [
            Paragraph(
                "Die Klimaanpassung ergänzt den Klimaschutz. Folgende "
                "Anpassungsmaßnahmen sind vorgesehen:",
                "adaptation",
            ),
            Table(
                "Tabelle 4: Anpassungsmaßnahmen",
                ("Nr.", "Anpassungsmaßnahme", "Gefahr", "Zeitraum", "Kosten (EUR)"),
                rows,
                "adaptation",
            ),
        ]
    return [
        Paragraph(
            "Adaptation actions complement the reduction of emissions. The following "
            "adaptation actions are planned:",
            "adaptation",
        ),
        Table(
            "Table 4: Adaptation actions",
            ("No.", "Adaptation action", "Hazard", "Period", "Cost (EUR)"),
            rows,
            "adaptation",
        ),
    ]
