"""bpfsh's typed events as Jupyter outputs: tables as HTML with a plain-text fallback,
histograms as SVG bar charts with their percentiles, written SVG files (flame graphs) inline
and interactive."""

import html

from . import histogram_svg


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
        svg = histogram_svg.render(event)
        return {"image/svg+xml": svg, "text/html": svg, "text/plain": event.get("text", "")}
    if kind == "file":
        path = event.get("path", "")
        if path.endswith(".svg"):
            try:
                with open(path, encoding="utf-8") as f:
                    return svg_file(f.read(), path)
            except OSError:
                pass
        return {"text/plain": path}
    return None


def svg_file(svg, path):
    """A flame graph keeps its script (zoom, search) only as a document of its own: as an
    image the front end shows it still, and SVG scripts pasted into a page do not run. So the
    HTML form is an iframe holding the SVG; the image form stays for front ends without HTML."""
    frame = (
        f'<iframe class="bpfsh-svg" title="{html.escape(path)}" srcdoc="{html.escape(svg)}" '
        'style="width:100%;height:520px;border:0"></iframe>'
        f'<div><a href="{html.escape(path)}">{html.escape(path)}</a></div>'
    )
    return {"text/html": frame, "image/svg+xml": svg, "text/plain": path}


def stream(event):
    """(stream name, text) for text events; None for others."""
    kind = event.get("event")
    if kind == "stream":
        return ("stderr" if event.get("name") == "stderr" else "stdout"), event.get("text", "")
    if kind in ("notice", "warning"):
        return "stderr", event.get("text", "")
    return None
