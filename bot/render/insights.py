"""The pharmacist's insights page: server-rendered, every stored string escaped, no script."""

from __future__ import annotations

from bot.render.context import esc

STATUSES = ("answered", "not_in_sources", "out_of_scope", "rejected_input")
LABELS = {
    "answered": "Répondu",
    "not_in_sources": "Non couvert par les documents",
    "out_of_scope": "Hors sujet",
    "rejected_input": "Saisie refusée",
}

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;margin:0 auto;
padding:1rem 1.25rem 3rem;color:#1f2937;line-height:1.5}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
table{border-collapse:collapse;width:100%}th,td{border-bottom:1px solid #e5e7eb;padding:.35rem .5rem;
text-align:left}td.n,th.n{text-align:right}.note{color:#4b5563;font-size:.9rem}
"""


def render_insights_page(
    enabled: bool,
    by_status: dict[str, int],
    by_day: list[tuple[str, str, int]],
    uncovered: list[tuple[str, int, str]],
    aspects: list[tuple[str, int]],
    days: int,
    csv_href: str,
) -> str:
    """The whole page: totals, counts per day and status, the most asked uncovered questions."""
    parts = [
        "<!doctype html><html lang='fr'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        "<meta name='robots' content='noindex'>",
        f"<title>Questions des clients</title><style>{CSS}</style></head><body><main>",
        "<h1>Questions des clients</h1>",
    ]
    if not enabled:
        parts.append("<p>Le suivi est désactivé (BOT_INSIGHTS=false) : rien n'est enregistré.</p>")
    parts.append(
        f"<p class='note'>Conservation : {esc(days)} jours. Seuls le statut, le thème de désaccord, la langue "
        "et l'heure sont enregistrés ; le texte l'est uniquement pour les questions que les documents ne "
        "couvrent pas. Aucune adresse IP, aucun historique. Une question peut contenir des informations de "
        "santé : traitez cette page comme confidentielle.</p>"
    )
    parts.append(f"<p><a href='{esc(csv_href)}'>Exporter en CSV</a></p>")
    total = sum(by_status.values())
    parts.append(
        f"<h2>Total : {esc(total)} questions</h2><table><tr><th>Statut</th><th class='n'>Nombre</th></tr>"
    )
    for s in STATUSES:
        parts.append(f"<tr><td>{esc(LABELS[s])}</td><td class='n'>{esc(by_status.get(s, 0))}</td></tr>")
    parts.append("</table>")

    parts.append("<h2>Par jour</h2><table><tr><th>Jour (UTC)</th>")
    parts.extend(f"<th class='n'>{esc(LABELS[s])}</th>" for s in STATUSES)
    parts.append("</tr>")
    days_seen: dict[str, dict[str, int]] = {}
    for day, status, n in by_day:
        days_seen.setdefault(day, {})[status] = n
    for day, counts in days_seen.items():
        cells = "".join(f"<td class='n'>{esc(counts.get(s, 0))}</td>" for s in STATUSES)
        parts.append(f"<tr><td>{esc(day)}</td>{cells}</tr>")
    parts.append("</table>")

    parts.append("<h2>Questions non couvertes les plus posées</h2>")
    if uncovered:
        parts.append("<table><tr><th>Question</th><th class='n'>Fois</th><th>Dernière</th></tr>")
        for text, n, last in uncovered:
            parts.append(
                f"<tr><td lang='fr'>{esc(text)}</td><td class='n'>{esc(n)}</td><td>{esc(last)}</td></tr>"
            )
        parts.append("</table>")
    else:
        parts.append("<p>Aucune pour l'instant.</p>")

    if aspects:
        parts.append(
            "<h2>Désaccords montrés, par thème</h2><table><tr><th>Thème</th><th class='n'>Fois</th></tr>"
        )
        parts.extend(f"<tr><td>{esc(a)}</td><td class='n'>{esc(n)}</td></tr>" for a, n in aspects)
        parts.append("</table>")
    parts.append("</main></body></html>")
    return "".join(parts)
