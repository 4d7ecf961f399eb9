"""bpfsh's typed events as Jupyter outputs: tables as HTML with a plain-text fallback,
histograms as text, written SVG files (flame graphs) inline."""

import html


def table_html(event):
    columns = event.get("columns", [])
    head = "".join(f"<th>{html.escape(c['name'])}</th>" for c in columns)
    body = []
    for row in event.get("rows", []):
        cells = []
        for column, value in zip(columns, row):
            if value is None:
                text = ""
            elif isinstance(value, list):
                text = "<br>".join(html.escape(str(frame)) for frame in value)
            else:
                text = html.escape(str(value))
            align = ' style="text-align:right"' if column["type"] == "integer" else ' style="text-align:left"'
            cells.append(f"<td{align}>{text}</td>")
        body.append("<tr>" + "".join(cells) + "</tr>")
    caption = f"<caption>{html.escape(event['name'])}</caption>" if event.get("name") else ""
    return (
        f'<table class="bpfsh-table">{caption}<thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(body)}</tbody></table>"
    )


def display(event):
    """The (mime bundle) a table, histogram or written file displays as; None for others."""
    kind = event.get("event")
    if kind == "table":
        return {"text/html": table_html(event), "text/plain": event.get("text", "")}
    if kind == "histogram":
        return {"text/plain": event.get("text", "")}
    if kind == "file":
        path = event.get("path", "")
        if path.endswith(".svg"):
            try:
                with open(path, encoding="utf-8") as f:
                    return {"image/svg+xml": f.read(), "text/plain": path}
            except OSError:
                pass
        return {"text/plain": path}
    return None


def stream(event):
    """(stream name, text) for text events; None for others."""
    kind = event.get("event")
    if kind == "stream":
        return "stdout", event.get("text", "")
    if kind in ("notice", "warning"):
        return "stderr", event.get("text", "")
    return None
