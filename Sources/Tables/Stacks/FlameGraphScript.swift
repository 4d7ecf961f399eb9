/// The CSS and script embedded in every flame graph. The writer defines `XPAD`, `INNER`
/// (drawing width), `FONTSIZE`, `FONTW` (character width / font size), `TOTAL` and
/// `COUNTNAME` before this script. Each frame is `<g class="f" data-x data-w data-d>` (start
/// and width in samples, depth) holding `<title>name\ndetails</title><rect/><text/>`.
/// The text must never contain `]]>` (it sits in a CDATA section).
enum FlameGraphScript {
    static let css = """
        text { font-family: Verdana, sans-serif; font-size: 12px; fill: rgb(0,0,0); }
        #title { text-anchor: middle; font-size: 17px; }
        #subtitle { text-anchor: middle; fill: rgb(160,160,160); }
        #search, #unzoom { cursor: pointer; opacity: 0.5; }
        #search:hover, #unzoom:hover, #search.show { opacity: 1; }
        #matched { text-anchor: start; }
        .hide { display: none; }
        g.f:hover { stroke: black; stroke-width: 0.5; cursor: pointer; }
        g.f.parent { opacity: 0.5; }
        g.f text { pointer-events: none; }

        """

    static let javascript = """
        "use strict";
        var svg, frames, details, matched, searchButton, unzoomButton, zoomed = null, term = null;
        function init(evt) {
          svg = document.documentElement;
          frames = Array.prototype.slice.call(document.querySelectorAll("g.f"));
          details = document.getElementById("details");
          matched = document.getElementById("matched");
          searchButton = document.getElementById("search");
          unzoomButton = document.getElementById("unzoom");
          frames.forEach(function (f) {
            var r = f.querySelector("rect");
            f.fx = +f.getAttribute("data-x"); f.fw = +f.getAttribute("data-w"); f.fd = +f.getAttribute("data-d");
            f.fill = r.getAttribute("fill");
            var t = f.querySelector("title").textContent, nl = t.indexOf("\\n");
            f.fname = nl < 0 ? t : t.substring(0, nl);
            f.fdetails = nl < 0 ? "" : t.substring(nl + 1);
          });
          svg.addEventListener("click", function (e) {
            var g = e.target.closest ? e.target.closest("g.f") : null;
            if (g) { zoom(g); return; }
            if (e.target === unzoomButton) { unzoom(); return; }
            if (e.target === searchButton) { searchPrompt(); }
          });
          svg.addEventListener("mouseover", function (e) {
            var g = e.target.closest ? e.target.closest("g.f") : null;
            if (g) details.textContent = "Function: " + g.fname + " (" + g.fdetails.replace(/\\n/g, "; ") + ")";
          });
          svg.addEventListener("mouseout", function (e) {
            var g = e.target.closest ? e.target.closest("g.f") : null;
            if (g) details.textContent = " ";
          });
          window.addEventListener("keydown", function (e) {
            if ((e.ctrlKey || e.metaKey) && e.keyCode === 70) { e.preventDefault(); searchPrompt(); }
            else if (e.keyCode === 27) { unzoom(); }
          });
          var params = new URLSearchParams(document.location.search);
          if (params.get("s")) search(params.get("s"));
        }
        function label(name, width) {
          var shown = name.replace(/_\\[[kwij]\\]$/, "");
          var fit = Math.floor((width - 6) / (FONTSIZE * FONTW));
          if (fit < 3) return "";
          return shown.length <= fit ? shown : shown.substring(0, fit - 2) + "..";
        }
        function place(f, x, w) {
          var r = f.querySelector("rect"), t = f.querySelector("text");
          r.setAttribute("x", x.toFixed(2)); r.setAttribute("width", w.toFixed(2));
          t.setAttribute("x", (x + 3).toFixed(2)); t.textContent = label(f.fname, w);
          f.classList.toggle("hide", w < 0.1);
        }
        function zoom(g) {
          var x0 = g.fx, w0 = g.fw, d0 = g.fd;
          zoomed = g;
          unzoomButton.classList.remove("hide");
          frames.forEach(function (f) {
            f.classList.remove("parent"); f.classList.remove("hide");
            if (f.fd < d0) {
              if (f.fx <= x0 && f.fx + f.fw >= x0 + w0) { f.classList.add("parent"); place(f, XPAD, INNER); }
              else f.classList.add("hide");
            } else if (f.fx >= x0 && f.fx < x0 + w0) {
              place(f, XPAD + (f.fx - x0) / w0 * INNER, f.fw / w0 * INNER);
            } else f.classList.add("hide");
          });
          if (term !== null) search(term);
        }
        function unzoom() {
          zoomed = null;
          unzoomButton.classList.add("hide");
          frames.forEach(function (f) {
            f.classList.remove("parent"); f.classList.remove("hide");
            place(f, XPAD + f.fx / TOTAL * INNER, f.fw / TOTAL * INNER);
          });
          if (term !== null) search(term);
        }
        function searchPrompt() {
          if (term !== null) { resetSearch(); return; }
          var t = prompt("Search for (regular expression):", "");
          if (t) search(t);
        }
        function resetSearch() {
          term = null;
          frames.forEach(function (f) { f.querySelector("rect").setAttribute("fill", f.fill); });
          searchButton.classList.remove("show");
          searchButton.textContent = "Search";
          matched.textContent = " ";
        }
        function search(t) {
          var re;
          try { re = new RegExp(t); } catch (e) { re = null; }
          term = t;
          var x0 = zoomed ? zoomed.fx : 0, w0 = zoomed ? zoomed.fw : TOTAL;
          var spans = [];
          frames.forEach(function (f) {
            var hit = re ? re.test(f.fname) : f.fname.indexOf(t) >= 0;
            f.querySelector("rect").setAttribute("fill", hit ? "rgb(230,0,230)" : f.fill);
            if (hit && f.fx >= x0 && f.fx < x0 + w0) spans.push([f.fx, f.fx + f.fw]);
          });
          spans.sort(function (a, b) { return a[0] - b[0] || b[1] - a[1]; });
          var covered = 0, end = -1;
          spans.forEach(function (s) {
            if (s[0] >= end) { covered += s[1] - s[0]; end = s[1]; }
            else if (s[1] > end) { covered += s[1] - end; end = s[1]; }
          });
          searchButton.classList.add("show");
          searchButton.textContent = "Reset Search";
          matched.textContent = "Matched: " + (w0 > 0 ? (100 * covered / w0).toFixed(2) : "0.00") + "%";
        }

        """
}
