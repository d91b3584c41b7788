// The attainment bullet chart: per row the share of the goal done (bar), the floor and stretch
// as markers (both as % of the goal) and the share of working time elapsed as a line.
(function () {
  "use strict";
  var holder = document.getElementById("attainment-chart");
  var source = document.getElementById("attainment-chart-data");
  if (!holder || !source || typeof echarts === "undefined") return;
  var rows = JSON.parse(source.textContent);
  var names = JSON.parse(document.getElementById("attainment-chart-labels").textContent);
  var colours = { ahead: "#2fb344", achieved: "#2fb344", on_track: "#206bc4", behind: "#f76707", missed: "#d63939" };
  var labels = rows.map(function (r) { return r.label; }).reverse();
  var ordered = rows.slice().reverse();
  var elapsed = rows.length ? rows[0].elapsed : 0;
  var chart = echarts.init(holder);
  chart.setOption({
    tooltip: { trigger: "axis", axisPointer: { type: "shadow" }, valueFormatter: function (v) { return v == null ? "—" : v + "%"; } },
    legend: { top: 0 },
    grid: { left: 8, right: 24, top: 32, bottom: 8, containLabel: true },
    xAxis: { type: "value", axisLabel: { formatter: "{value}%" } },
    yAxis: { type: "category", data: labels },
    series: [
      {
        name: names.done,
        type: "bar",
        barWidth: "45%",
        data: ordered.map(function (r) { return { value: r.done, itemStyle: { color: colours[r.pace] || "#868e96" } }; }),
        markLine: {
          symbol: "none",
          label: { formatter: names.elapsed + " {c}%" },
          lineStyle: { type: "dashed", color: "#1d273b" },
          data: [{ xAxis: elapsed }],
        },
      },
      { name: names.floor, type: "scatter", symbol: "rect", symbolSize: [3, 18], itemStyle: { color: "#d63939" }, data: ordered.map(function (r) { return r.floor; }) },
      { name: names.stretch, type: "scatter", symbol: "rect", symbolSize: [3, 18], itemStyle: { color: "#2fb344" }, data: ordered.map(function (r) { return r.stretch; }) },
    ],
  });
  window.addEventListener("resize", function () { chart.resize(); });
})();
