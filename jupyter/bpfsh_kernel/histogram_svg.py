"""A histogram event's buckets as an SVG bar chart: one horizontal bar per bucket (as bpftrace
and `hist` print them, low values on top), the bucket's range and count beside it, and the
percentiles under the chart. Pure: event in, SVG text out."""

import html

ROW = 16
LABEL_WIDTH = 150
BAR_WIDTH = 360
COUNT_WIDTH = 90
WIDTH = LABEL_WIDTH + BAR_WIDTH + COUNT_WIDTH


def human(value):
    """A bucket bound as bpftrace writes it: 1K, 4M, 2G."""
    if value is None:
        return ""
    for suffix, size in (("G", 1 << 30), ("M", 1 << 20), ("K", 1 << 10)):
        if value >= size and value % size == 0:
            return f"{value // size}{suffix}"
    return str(value)


def bucket_label(bucket):
    low, high = bucket.get("low"), bucket.get("high")
    if low is None:
        return f"(..., {human(high)})"
    if high is None:
        return f"[{human(low)}, ...)"
    return f"[{human(low)}, {human(high)})"


def percentile_text(percentiles):
    parts = []
    for name in ("p50", "p90", "p99", "max"):
        item = (percentiles or {}).get(name)
        if not item:
            continue
        sign = "<" if item.get("bound") == "below" else "≥"
        parts.append(f"{name} {sign} {human(item.get('value'))}")
    return "   ".join(parts)


def one(histogram):
    buckets = histogram.get("buckets", [])
    peak = max((b.get("count", 0) for b in buckets), default=0) or 1
    title = f"{histogram.get('label') or ''}  ({histogram.get('count', 0)} values)".strip()
    height = ROW * (len(buckets) + 3)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{height}" '
        f'font-family="monospace" font-size="12" role="img">',
        f"<title>{html.escape(title)}</title>",
        f'<text x="0" y="{ROW - 4}" font-weight="bold">{html.escape(title)}</text>',
    ]
    for index, bucket in enumerate(buckets):
        y = ROW * (index + 1)
        count = bucket.get("count", 0)
        width = round(BAR_WIDTH * count / peak, 1)
        out.append(
            f'<text x="{LABEL_WIDTH - 6}" y="{y + ROW - 4}" text-anchor="end">{html.escape(bucket_label(bucket))}</text>'
        )
        out.append(
            f'<rect class="bucket" x="{LABEL_WIDTH}" y="{y + 2}" width="{width}" height="{ROW - 4}" '
            f'fill="#4878a8"><title>{html.escape(bucket_label(bucket))}: {count}</title></rect>'
        )
        out.append(f'<text x="{LABEL_WIDTH + BAR_WIDTH + 6}" y="{y + ROW - 4}">{count}</text>')
    summary = percentile_text(histogram.get("percentiles"))
    out.append(f'<text class="percentiles" x="0" y="{ROW * (len(buckets) + 2) - 4}">{html.escape(summary)}</text>')
    out.append("</svg>")
    return "\n".join(out)


def render(event):
    """Every histogram of the event, one chart each, stacked."""
    return "\n".join(one(h) for h in event.get("histograms", []))
