"""Fixed texts of the review documents in German and English (user text comes from reviews)."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "title": {"de": "Konsolidiertes Gutachten", "en": "Consolidated review"},
    "summary_title": {"de": "Übersicht der Begutachtungsrunde", "en": "Review round summary"},
    "edition_municipality": {"de": "Ausgabe für die Gemeinde", "en": "Municipality edition"},
    "edition_coordinator": {
        "de": "Ausgabe für die Koordination – vertraulich, enthält Namen",
        "en": "Coordinator edition – confidential, contains names",
    },
    "municipality": {"de": "Gemeinde", "en": "Municipality"},
    "plan": {"de": "Plan", "en": "Plan"},
    "document": {"de": "Dokument", "en": "Document"},
    "version": {"de": "Version", "en": "version"},
    "round": {"de": "Runde", "en": "Round"},
    "date": {"de": "Datum", "en": "Date"},
    "edition": {"de": "Ausgabe", "en": "Edition"},
    "summary": {"de": "Zusammenfassung", "en": "Summary"},
    "outcome": {"de": "Ergebnis", "en": "Outcome"},
    "incomplete": {"de": "Unvollständig", "en": "Incomplete"},
    "incomplete_note": {
        "de": "Es fehlen noch Gutachten. Es gibt noch kein Ergebnis; vorläufige Werte sind als "
        "solche gekennzeichnet.",
        "en": "Reviews are still missing. There is no outcome yet; provisional figures are marked "
        "as such.",
    },
    "rubric": {"de": "Bewertungsbogen", "en": "Rubric"},
    "total": {"de": "Gesamt (0–100)", "en": "Total (0–100)"},
    "provisional": {"de": "vorläufig", "en": "provisional"},
    "reviews": {"de": "Gutachten", "en": "Reviews"},
    "flags": {"de": "Abweichungen", "en": "Disagreements"},
    "reasons": {"de": "Begründung des Ergebnisses", "en": "Why this outcome"},
    "chart": {"de": "Bewertung je Kriterium", "en": "Scores per criterion"},
    "criterion": {"de": "Kriterium", "en": "Criterion"},
    "weight": {"de": "Gewicht", "en": "weight"},
    "score": {"de": "Bewertung", "en": "Score"},
    "consolidated": {"de": "Konsolidiert", "en": "Consolidated"},
    "spread": {"de": "Spannweite", "en": "Spread"},
    "disagreement": {
        "de": "⚑ Abweichende Bewertungen: bitte im Austauschtreffen besprechen",
        "en": "⚑ Reviewers disagree: to be discussed at the exchange meeting",
    },
    "critical": {
        "de": "Kritisches Kriterium unter der Mindestschwelle",
        "en": "Critical criterion below the minimum",
    },
    "reviewer": {"de": "Gutachten", "en": "Reviewer"},
    "comment": {"de": "Kommentar", "en": "Comment"},
    "na": {"de": "n. z.", "en": "n/a"},
    "none": {"de": "–", "en": "–"},
    "strengths": {"de": "Stärken", "en": "Strengths"},
    "weaknesses": {"de": "Schwächen", "en": "Weaknesses"},
    "recommendations": {"de": "Empfehlungen", "en": "Recommendations"},
    "swr": {
        "de": "Stärken, Schwächen, Empfehlungen",
        "en": "Strengths, weaknesses, recommendations",
    },
    "gates": {"de": "Förderfähigkeitskriterien (JRC)", "en": "Eligibility criteria (JRC)"},
    "gate": {"de": "Kriterium", "en": "Criterion"},
    "gate_status": {"de": "Bestätigung durch Gutachten", "en": "Confirmed by reviewers"},
    "gate_hint": {"de": "Automatischer Hinweis", "en": "Automatic hint"},
    "met": {"de": "erfüllt", "en": "met"},
    "failed": {"de": "nicht erfüllt", "en": "not met"},
    "disputed": {"de": "strittig", "en": "disputed"},
    "unconfirmed": {"de": "nicht bestätigt", "en": "not confirmed"},
    "yes": {"de": "ja", "en": "yes"},
    "no": {"de": "nein", "en": "no"},
    "looks_present": {"de": "scheint vorhanden", "en": "looks present"},
    "looks_missing": {"de": "scheint zu fehlen", "en": "looks missing"},
    "findings": {
        "de": "Automatische Hinweise der Eingangsprüfung",
        "en": "Automatic hints from the intake check",
    },
    "findings_note": {
        "de": "Diese Hinweise hat peerplan automatisch aus dem Text des Plans gewonnen. Sie sind "
        "keine Bewertung und kein Urteil der Gutachten.",
        "en": "peerplan derived these hints automatically from the plan's text. They are neither "
        "an assessment nor the reviewers' verdict.",
    },
    "no_findings": {"de": "Keine automatischen Hinweise.", "en": "No automatic hints."},
    "coordinator": {"de": "Für die Koordination", "en": "For the coordinator"},
    "name": {"de": "Name", "en": "Name"},
    "email": {"de": "E-Mail", "en": "Email"},
    "status": {"de": "Status", "en": "Status"},
    "submitted_at": {"de": "Eingereicht", "en": "Submitted"},
    "source": {"de": "Quelle", "en": "Source"},
    "extra_review": {"de": "Weiteres Gutachten empfohlen", "en": "An extra review is called for"},
    "problems": {"de": "Offene Punkte", "en": "Open points"},
    "heatmap": {"de": "Kriterien im Vergleich", "en": "Criteria compared"},
    "plans": {"de": "Pläne", "en": "Plans"},
    "not_reviewed": {"de": "keine Gutachten", "en": "no reviews"},
}


def t(key: str, language: str) -> str:
    entry = LABELS[key]
    return entry.get(language) or entry["en"]
