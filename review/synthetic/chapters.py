"""The chapters of a synthetic plan, one function per part (introduction, council approval,
strategy, inventory, risks, financing, monitoring, communication; the action chapters are in
review.synthetic.action_chapters), each drawing its text and tables from the spec and the plan's
random stream."""

from __future__ import annotations

import random

from review.synthetic import action_chapters, prose
from review.synthetic.blocks import Block, Heading, Paragraph, Table, fmt_date, fmt_int
from review.synthetic.plans import PlanSpec


def intro(spec: PlanSpec) -> list[Block]:
    pop = fmt_int(spec.population, spec.language)
    if spec.language == "de":
        text = (
            f"Die Gemeinde {spec.municipality} mit rund {pop} Einwohnerinnen und Einwohnern "
            f"legt mit diesem Dokument ihr {spec.title.split(' ' + spec.municipality)[0]} vor. "
            "Es beschreibt den Weg zu einer sicheren, bezahlbaren und klimafreundlichen "
            "Energieversorgung."
        )
    else:
        text = (
            f"The municipality of {spec.municipality}, with about {pop} inhabitants, presents "
            "its Sustainable Energy and Climate Action Plan (SECAP) under the Covenant of "
            "Mayors. It sets out the path to a secure, affordable and low-carbon energy "
            "supply."
        )
    return [Paragraph(text)]


def _council(spec: PlanSpec, rng: random.Random) -> list[Block]:
    when = fmt_date(spec.council_date, spec.language)
    yes = rng.randint(12, 24)
    no = rng.randint(0, 4)
    if spec.language == "de":
        text = (
            f"Der Gemeinderat von {spec.municipality} hat das Konzept in seiner Sitzung am "
            f"{when} mit {yes} Ja-Stimmen bei {no} Gegenstimmen beschlossen. Mit dem "
            "Gemeinderatsbeschluss verpflichtet sich die Gemeinde, das Konzept umzusetzen "
            "und es in allen Fachbereichen der Verwaltung zu verankern."
        )
    else:
        text = (
            f"The plan was approved by the municipal council of {spec.municipality} on {when} "
            f"with {yes} votes in favour and {no} against. With this council approval the "
            "municipality commits to delivering the plan and to embedding it in all its "
            "departments."
        )
    return [Paragraph(text, "council_approval")]


def _strategy(spec: PlanSpec, rng: random.Random) -> list[Block]:
    p, ty, by = spec.target_percent, spec.target_year, spec.baseline_year
    de = spec.language == "de"
    if de:
        blocks: list[Block] = [
            Paragraph(
                f"Minderungsziel: {spec.municipality} senkt die Treibhausgasemissionen bis {ty} um "
                f"{p} % gegenüber {by}. Das Zieljahr {ty} orientiert sich am nationalen "
                "Klimaschutzgesetz.",
                "strategy",
            )
        ]
        if spec.neutrality_year:
            blocks.append(
                Paragraph(
                    f"Als Leitbild strebt die Gemeinde Klimaneutralität bis {spec.neutrality_year} an.",
                    "strategy",
                )
            )
        if spec.has("adaptation"):
            blocks.append(
                Paragraph(
                    "Zugleich verpflichtet sie sich, die Folgen des Klimawandels durch "
                    "Klimaanpassung zu begrenzen.",
                    "strategy",
                )
            )
    else:
        blocks = [
            Paragraph(
                f"Reduction target: {spec.municipality} commits to reducing CO2 emissions by {p}% by "
                f"{ty} compared with {by}. The target year {ty} follows the Covenant of Mayors "
                "commitment.",
                "strategy",
            )
        ]
        if spec.neutrality_year:
            blocks.append(
                Paragraph(
                    f"Our long-term vision is climate neutrality by {spec.neutrality_year}.",
                    "strategy",
                )
            )
        if spec.has("adaptation"):
            blocks.append(
                Paragraph(
                    "The municipality also commits to adaptation to the impacts of climate change.",
                    "strategy",
                )
            )
    return blocks


def _inventory(spec: PlanSpec, rng: random.Random) -> list[Block]:
    lang = spec.language
    rows = [
        (prose.SECTOR_LABELS[r.sector][lang], fmt_int(r.mwh, lang), fmt_int(r.t_co2, lang))
        for r in spec.inventory
    ]
    total_mwh = sum(r.mwh for r in spec.inventory)
    rows.append(
        (
            "Summe" if lang == "de" else "Total",
            fmt_int(total_mwh, lang),
            fmt_int(spec.baseline_t_co2, lang),
        )
    )
    if lang == "de":
        intro = (
            f"Die Energie- und Treibhausgasbilanz für das Basisjahr {spec.baseline_year} "
            "folgt der BISKO-Systematik. Der Emissionsfaktor für Strom ist der des "
            "Bundesstrommixes; alle Werte sind Endenergie."
        )
        caption = f"Tabelle 1: Endenergie und CO2-Emissionen nach Sektoren, {spec.baseline_year}"
        header = ("Sektor", "Endenergie (MWh/a)", "Emissionen (t CO2/a)")
        after = (
            f"Insgesamt wurden im Basisjahr {fmt_int(spec.baseline_t_co2, lang)} t CO2 "
            "emittiert. Die Klimabilanz soll alle vier Jahre fortgeschrieben werden."
        )
    else:
        intro = (
            f"The Baseline Emission Inventory covers the baseline year {spec.baseline_year}. "
            "It uses IPCC emission factors for fuels and the national emission factor for "
            "electricity; all values are final energy consumption."
        )
        caption = (
            f"Table 1: Final energy consumption and CO2 emissions by sector, {spec.baseline_year}"
        )
        header = ("Sector", "Final energy (MWh/year)", "Emissions (t CO2/year)")
        after = (
            f"In total, {fmt_int(spec.baseline_t_co2, lang)} t CO2 were emitted in the "
            "baseline year. The emission inventory will be updated every four years."
        )
    return [
        Paragraph(intro, "inventory"),
        Table(caption, header, tuple(rows), "inventory"),
        Paragraph(after, "inventory"),
    ]


def _risk(spec: PlanSpec, rng: random.Random) -> list[Block]:
    de = spec.language == "de"
    levels = ("gering", "mittel", "hoch") if de else ("low", "medium", "high")
    hazards = rng.sample(prose.HAZARDS, rng.randint(3, 5))
    rows = tuple(
        (h[0] if de else h[1], rng.choice(levels), rng.choice(levels), h[2] if de else h[3])
        for h in hazards
    )
    if de:
        return [
            Paragraph(
                "Die Klimarisiko- und Vulnerabilitätsanalyse bewertet, wie stark "
                f"{spec.municipality} von den Folgen des Klimawandels betroffen ist. "
                "Grundlage sind regionale Klimaprojektionen bis 2050.",
                "risk_assessment",
            ),
            Table(
                "Tabelle 2: Klimarisiken und Vulnerabilität",
                ("Gefahr", "Wahrscheinlichkeit", "Auswirkung", "Betroffen"),
                rows,
                "risk_assessment",
            ),
        ]
    return [
        Paragraph(
            "The risk and vulnerability assessment evaluates how strongly "
            f"{spec.municipality} is exposed to the impacts of climate change, based on "
            "regional climate projections to 2050.",
            "risk_assessment",
        ),
        Table(
            "Table 2: Climate hazards and vulnerability",
            ("Hazard", "Probability", "Impact", "Vulnerable sectors"),
            rows,
            "risk_assessment",
        ),
    ]


def _financing(spec: PlanSpec, rng: random.Random) -> list[Block]:
    lang = spec.language
    total = sum(a.cost_eur for a in spec.mitigation) + sum(a.cost_eur for a in spec.adaptation)
    sources = rng.sample(prose.FUNDING[lang], 3)
    if lang == "de":
        return [
            Paragraph(
                f"Die Umsetzung kostet bis {spec.target_year} rund {fmt_int(total, lang)} EUR. Zur "
                f"Finanzierung nutzt die Gemeinde Fördermittel aus folgenden Programmen: "
                f"{'; '.join(sources)}. Der Eigenanteil wird im Haushalt jährlich eingeplant.",
                "financing",
            )
        ]
    return [
        Paragraph(
            f"Implementation will cost about {fmt_int(total, lang)} EUR up to {spec.target_year}. "
            f"Financing draws on the following funding sources: {'; '.join(sources)}. The "
            "municipality's own share is set aside in the annual budget.",
            "financing",
        )
    ]


def _monitoring(spec: PlanSpec, rng: random.Random) -> list[Block]:
    if spec.language == "de":
        return [
            Paragraph(
                "Das Monitoring erfasst jährlich den Fortschritt der Umsetzung anhand von Indikatoren "
                "wie installierter Leistung, sanierten Flächen und Energieverbrauch. Alle zwei Jahre "
                "berichtet das Controlling dem Hauptausschuss über den Stand.",
                "monitoring",
            )
        ]
    return [
        Paragraph(
            "Monitoring tracks progress each year with indicators such as installed capacity, "
            "retrofitted floor area and energy use. A monitoring report is submitted to the "
            "Covenant of Mayors every two years.",
            "monitoring",
        )
    ]


def communication(spec: PlanSpec, rng: random.Random) -> list[Block]:
    de = spec.language == "de"
    blocks: list[Block] = []
    if spec.has("communication"):
        if de:
            blocks.append(
                Paragraph(
                    "Die Kommunikationsstrategie richtet sich an Haushalte, Unternehmen und Schulen. "
                    "Die Öffentlichkeitsarbeit nutzt das Amtsblatt, die Website, soziale Medien und "
                    "einen monatlichen Energie-Newsletter.",
                    "communication",
                )
            )
        else:
            blocks.append(
                Paragraph(
                    "The communication strategy addresses households, businesses and schools. "
                    "Channels include the town newsletter, the website, social media and a "
                    "monthly energy bulletin.",
                    "communication",
                )
            )
    if spec.has("participation"):
        # A chapter on participation alone needs no section heading repeating its title.
        sub = spec.has("communication")
        if de:
            if sub:
                blocks.append(Heading("Bürgerbeteiligung", 2, "participation"))
            blocks.append(
                Paragraph(
                    "Die Bürgerbeteiligung umfasste zwei Bürgerwerkstätten, eine Online-Umfrage mit "
                    f"{rng.randint(150, 900)} Antworten und einen Klimabeirat mit Vertretern von "
                    "Vereinen und Betrieben.",
                    "participation",
                )
            )
        else:
            if sub:
                blocks.append(Heading("Citizen participation", 2, "participation"))
            blocks.append(
                Paragraph(
                    "Citizen participation included two public workshops, an online survey with "
                    f"{rng.randint(150, 900)} responses and a climate panel with representatives of "
                    "local groups and businesses.",
                    "participation",
                )
            )
    return blocks


CHAPTERS = {
    "council_approval": _council,
    "strategy": _strategy,
    "inventory": _inventory,
    "risk_assessment": _risk,
    "mitigation": action_chapters.mitigation,
    "adaptation": action_chapters.adaptation,
    "financing": _financing,
    "monitoring": _monitoring,
}
