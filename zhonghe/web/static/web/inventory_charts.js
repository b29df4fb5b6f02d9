/* Inventory page: bar charts of kg CO2e by source and by phase (ECharts, vendored).
   Data comes from the json_script element #inventory-charts; amounts arrive as exact decimal strings and are
   turned into numbers only to size the bars (the page prints the exact figures in the table). */
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("inventory-charts");
    if (!source || !window.echarts) return;
    var data = JSON.parse(source.textContent);
    document.querySelectorAll("[data-zh-chart]").forEach(function (el) {
      var rows = data[el.getAttribute("data-zh-chart")] || [];
      var chart = window.echarts.init(el);
      chart.setOption({
        grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
        tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
        xAxis: { type: "value" },
        yAxis: { type: "category", inverse: true, data: rows.map(function (r) { return r.name; }) },
        series: [{
          type: "bar",
          itemStyle: { color: "#1d4d32" },
          label: { show: true, position: "right", formatter: function (p) { return rows[p.dataIndex].kg; } },
          data: rows.map(function (r) { return Number(r.kg); })
        }]
      });
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
