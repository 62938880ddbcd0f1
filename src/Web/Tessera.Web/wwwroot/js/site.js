// Tessera's page behaviour. Pages pass data through data- attributes: no inline script (see the content security policy).
(function () {
    "use strict";

    function drawCharts(root) {
        if (typeof Chart === "undefined") return;
        root.querySelectorAll("canvas[data-chart]").forEach(function (canvas) {
            if (canvas.dataset.drawn) return;
            var spec = JSON.parse(canvas.dataset.chart);
            new Chart(canvas, {
                type: "bar",
                data: { labels: spec.labels, datasets: [{ label: spec.label, data: spec.data, backgroundColor: "rgba(13, 110, 253, 0.6)" }] },
                options: { maintainAspectRatio: false, animation: false, plugins: { legend: { display: false } }, scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
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
