// Tessera's page behaviour. Pages pass data through data- attributes: no inline script (see the content security policy).
(function () {
    "use strict";

    var palette = ["rgba(13, 110, 253, 0.7)", "rgba(25, 135, 84, 0.7)", "rgba(253, 126, 20, 0.7)", "rgba(111, 66, 193, 0.7)",
        "rgba(220, 53, 69, 0.7)", "rgba(32, 201, 151, 0.7)", "rgba(108, 117, 125, 0.7)"];

    // A chart's spec is server data: { type, labels, datasets: [{ label, data, colors? }], horizontal?, stacked? } — or the
    // dashboard's single series { labels, label, data }. Floating bars (a Gantt of a run) are [start, end] pairs.
    function drawCharts(root) {
        if (typeof Chart === "undefined") return;
        root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
            if (canvas.dataset.drawn) return;
            var spec = JSON.parse(canvas.dataset.chart);
            var series = spec.datasets || [{ label: spec.label, data: spec.data }];
            var type = spec.type || "bar";
            var datasets = series.map(function (s, i) {
                var color = s.colors || palette[i % palette.length];
                return { label: s.label, data: s.data, backgroundColor: color, borderColor: Array.isArray(color) ? color : color.replace("0.7", "1"),
                    fill: false, tension: 0.2, pointRadius: 2 };
            });
            new Chart(canvas, {
                type: type,
                data: { labels: spec.labels, datasets: datasets },
                options: {
                    maintainAspectRatio: false, animation: false, indexAxis: spec.horizontal ? "y" : "x",
                    plugins: { legend: { display: series.length > 1 } },
                    scales: { x: { stacked: !!spec.stacked }, y: { stacked: !!spec.stacked, beginAtZero: true } }
                }
            });
            canvas.dataset.drawn = "true";
        });
    }

    // Remove a line of a multi-line form (order lines, receipt lines) and keep the rest numbered.
    document.addEventListener("click", function (event) {
        var button = event.target.closest("[data-remove-line]");
        if (!button) return;
        var row = button.closest("tr");
        var body = row && row.parentElement;
        if (body && body.children.length > 1) row.remove();
    });

    if (window.htmx) {
        htmx.onLoad(drawCharts);
    } else {
        document.addEventListener("DOMContentLoaded", function () { drawCharts(document); });
    }
})();

// When a line's SKU is looked up, offer the catalog price — but never overwrite a price already typed.
document.addEventListener("htmx:afterSettle", function (event) {
    var info = event.target;
    if (!info || !info.dataset || info.dataset.price === undefined || info.dataset.price === "") return;
    var row = info.closest("tr");
    var price = row && row.querySelector("[data-line-price]");
    if (price && price.value === "") price.value = info.dataset.price;
});
