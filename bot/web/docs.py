"""A plain, same-origin API reference page drawn from the OpenAPI schema.

FastAPI's default /docs (Swagger UI) loads its script and CSS from a CDN,
which this app must never do; this page needs nothing but itself.
"""

from __future__ import annotations

import json

from bot.render.html import esc

EXAMPLE_ASK = {"question": "Les exosomes sont-ils bien tolérés ?", "history": []}
EXAMPLE_FOLLOW_UP = {
    "question": "Et pour les cheveux ?",
    "history": [
        {"role": "user", "content": "Les exosomes sont-ils efficaces pour la peau ?"},
        {"role": "assistant", "content": "…"},
    ],
}

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:60rem;margin:0 auto;
padding:1rem 1.25rem 3rem;color:#1f2937;line-height:1.5}
h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem;border-top:1px solid #e5e7eb;padding-top:1rem}
code,pre{font-family:ui-monospace,Menlo,Consolas,monospace;font-size:.85rem}
pre{background:#f3f4f6;padding:.75rem;border-radius:.5rem;overflow-x:auto;white-space:pre}
.m{display:inline-block;min-width:3.5rem;text-align:center;border-radius:.3rem;padding:.05rem .4rem;
color:#fff;font-weight:600;font-size:.85rem}.GET{background:#2563eb}.POST{background:#0f766e}
details{margin:.5rem 0}summary{cursor:pointer;font-weight:600}
"""


def _schema_block(title: str, schema: object) -> str:
    text = json.dumps(schema, ensure_ascii=False, indent=2)
    return f"<details><summary>{esc(title)}</summary><pre>{esc(text)}</pre></details>"


def api_docs_html(spec: dict) -> str:
    """The whole page: every endpoint, its body and answers, curl examples, and the schemas."""
    info = spec.get("info", {})
    parts = [
        "<!doctype html><html lang='en'><head><meta charset='utf-8'>",
        "<meta name='viewport' content='width=device-width, initial-scale=1'>",
        f"<title>{esc(info.get('title', 'API'))}</title><style>{CSS}</style></head><body>",
        f"<h1>{esc(info.get('title', 'API'))}</h1><p>{esc(info.get('description', ''))}</p>",
        "<p>Machine-readable schema: <a href='/openapi.json'>/openapi.json</a>. "
        'Errors are JSON: <code>{"error": code, "message": text}</code>.</p>',
    ]
    for path, ops in spec.get("paths", {}).items():
        for method, op in ops.items():
            m = method.upper()
            parts.append(
                f"<h2><span class='m {esc(m)}'>{esc(m)}</span> <code>{esc(path)}</code> — "
                f"{esc(op.get('summary', ''))}</h2><p>{esc(op.get('description', ''))}</p>"
            )
            body = op.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
            if body:
                parts.append(_schema_block("Request body schema", body))
            for code, resp in op.get("responses", {}).items():
                schema = resp.get("content", {}).get("application/json", {}).get("schema")
                label = f"{code} — {resp.get('description', '')}"
                parts.append(_schema_block(label, schema) if schema else f"<p>{esc(label)}</p>")
            if path == "/api/ask":
                for ex in (EXAMPLE_ASK, EXAMPLE_FOLLOW_UP):
                    payload = json.dumps(ex, ensure_ascii=False)
                    parts.append(
                        "<pre>curl -s -X POST http://127.0.0.1:7860/api/ask \\\n"
                        f"  -H 'Content-Type: application/json' \\\n  -d '{esc(payload)}'</pre>"
                    )
            elif m == "GET":
                parts.append(f"<pre>curl -s http://127.0.0.1:7860{esc(path)}</pre>")
    schemas = spec.get("components", {}).get("schemas", {})
    if schemas:
        parts.append("<h2>Schemas</h2>")
        parts.extend(_schema_block(name, s) for name, s in schemas.items())
    parts.append("</body></html>")
    return "".join(parts)
