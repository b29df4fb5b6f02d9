/* Bureau dashboards: draws every [data-zh-superv-chart] from the json_script element #supervision-charts
   (ECharts, vendored). Each chart's numbers arrive as exact strings and become numbers only to size the marks;
   the table under each chart prints the exact figures. Types: coverage (stacked bars + rate line + target),
   bar (one series), pie. Sets data-rendered="1" on the element once drawn (the browser test waits for it). */
(function () {
  "use strict";
  var GREEN = "#1d4d32", GREY = "#c9d3cd", AMBER = "#c77d00";
  function num(v) { return v === null || v === undefined ? null : Number(v); }

  function coverage(spec) {
    var target = num(spec.target);
    var rate = { name: spec.headers[4], type: "line", yAxisIndex: 1, itemStyle: { color: AMBER },
      data: spec.columns[3].map(num) };
    if (target !== null) {
      rate.markLine = { symbol: "none", lineStyle: { type: "dashed", color: AMBER },
        label: { formatter: target + "%" }, data: [{ yAxis: target }] };
    }
    return {
      legend: { top: 0 },
      grid: { left: 8, right: 8, top: 32, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "category", data: spec.labels, axisLabel: { interval: 0, rotate: spec.labels.length > 6 ? 40 : 0 } },
      yAxis: [{ type: "value", minInterval: 1 }, { type: "value", min: 0, max: 100, axisLabel: { formatter: "{value}%" } }],
      series: [
        { name: spec.headers[2], type: "bar", stack: "obliged", itemStyle: { color: GREEN }, data: spec.columns[1].map(num) },
        { name: spec.headers[3], type: "bar", stack: "obliged", itemStyle: { color: GREY }, data: spec.columns[2].map(num) },
        rate
      ]
    };
  }

  function bar(spec) {
    return {
      grid: { left: 8, right: 32, top: 8, bottom: 8, containLabel: true },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value" },
      yAxis: { type: "category", inverse: true, data: spec.labels },
      series: [{ name: spec.headers[1], type: "bar", itemStyle: { color: GREEN },
        label: { show: true, position: "right", formatter: function (p) { return spec.columns[0][p.dataIndex]; } },
        data: spec.columns[0].map(num) }]
    };
  }

  function pie(spec) {
    return {
      tooltip: { trigger: "item" },
      legend: { bottom: 0 },
      series: [{ name: spec.headers[1], type: "pie", radius: ["35%", "65%"],
        data: spec.labels.map(function (label, i) { return { name: label, value: num(spec.columns[0][i]) }; }) }]
    };
  }

  var BUILD = { coverage: coverage, bar: bar, pie: pie };

  function draw() {
    var source = document.getElementById("supervision-charts");
    if (!source || !window.echarts) return;
    var specs = JSON.parse(source.textContent);
    document.querySelectorAll("[data-zh-superv-chart]").forEach(function (el) {
      var spec = specs[el.getAttribute("data-zh-superv-chart")];
      if (!spec) return;
      el.style.height = spec.labels.length ? "300px" : "0";
      if (!spec.labels.length) { el.setAttribute("data-rendered", "empty"); return; }
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(BUILD[spec.type](spec));
      el.setAttribute("data-rendered", "1");
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
