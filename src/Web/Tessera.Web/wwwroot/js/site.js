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

// The product picker: as a SKU or a name is typed in a line, matching products are offered (from /products/picker);
// choosing one fills the SKU and fires "change", so the line's own lookup fills the name and offers the price.
(function () {
    "use strict";
    var timers = new WeakMap();

    function optionsOf(input) { return document.getElementById(input.getAttribute("aria-controls")); }

    function close(input) {
        var list = optionsOf(input);
        if (list) list.innerHTML = "";
        input.setAttribute("aria-expanded", "false");
    }

    document.addEventListener("input", function (event) {
        var input = event.target;
        if (!input.matches || !input.matches("[data-product-picker]")) return;
        clearTimeout(timers.get(input));
        timers.set(input, setTimeout(function () {
            var text = input.value.trim();
            if (text.length < 2) { close(input); return; }
            fetch("/products/picker?q=" + encodeURIComponent(text) + "&for=" + encodeURIComponent(input.id), { credentials: "same-origin" })
                .then(function (response) { return response.ok ? response.text() : ""; })
                .then(function (html) {
                    var list = optionsOf(input);
                    if (!list || input.value.trim() !== text) return;
                    list.innerHTML = html;
                    input.setAttribute("aria-expanded", list.children.length > 0 ? "true" : "false");
                });
        }, 250));
    });

    document.addEventListener("click", function (event) {
        var option = event.target.closest && event.target.closest("[data-pick-sku]");
        if (!option) return;
        var input = document.getElementById(option.dataset.pickFor);
        if (!input) return;
        input.value = option.dataset.pickSku;
        close(input);
        input.dispatchEvent(new Event("change", { bubbles: true }));
        input.focus();
    });

    document.addEventListener("keydown", function (event) {
        if (event.key === "Escape" && event.target.matches && event.target.matches("[data-product-picker]")) close(event.target);
    });
})();

// Bulk selection: a "select all" box ticks every row's box of its table; the count of the selection is shown.
document.addEventListener("change", function (event) {
    var all = event.target.closest && event.target.closest("[data-select-all]");
    if (all) {
        document.querySelectorAll("[data-select-row='" + all.dataset.selectAll + "']").forEach(function (box) { box.checked = all.checked; });
    }
    var group = event.target.dataset && (event.target.dataset.selectRow || event.target.dataset.selectAll);
    if (!group) return;
    var count = document.querySelectorAll("[data-select-row='" + group + "']:checked").length;
    document.querySelectorAll("[data-selected-count='" + group + "']").forEach(function (label) { label.textContent = String(count); });
});

// A customer chosen from the order form's picker fills the customer fields (kept as the order's contact).
document.addEventListener("click", function (event) {
    var choice = event.target.closest && event.target.closest("[data-pick-customer]");
    if (!choice) return;
    var form = choice.closest("form");
    form.querySelector("[name='CustomerId']").value = choice.dataset.pickCustomer;
    form.querySelector("[name='CustomerName']").value = choice.dataset.name || "";
    form.querySelector("[name='CustomerPhone']").value = choice.dataset.phone || "";
    form.querySelector("[name='CustomerEmail']").value = choice.dataset.email || "";
    var chosen = form.querySelector("[data-chosen-customer]");
    if (chosen) chosen.textContent = choice.dataset.label || "";
    var list = choice.closest("[data-customer-options]");
    if (list) list.innerHTML = "";
});
