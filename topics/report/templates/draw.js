(function () {
  "use strict";
  if (!window.Plotly) { return; }
  var config = {
    displaylogo: false,
    responsive: true,
    modeBarButtonsToRemove: ["select2d", "lasso2d", "autoScale2d"],
    toImageButtonOptions: { format: "png", scale: 2 }
  };
  var withRaw = [];
  var nodes = document.querySelectorAll('script[type="application/json"][data-figure]');
  Array.prototype.forEach.call(nodes, function (node) {
    var target = document.getElementById(node.getAttribute("data-figure"));
    if (!target) { return; }
    var spec = JSON.parse(node.textContent);
    Plotly.newPlot(target, spec.data, spec.layout, config);
    if (spec.raw) { withRaw.push([target, spec.raw]); }
  });
  var toggle = document.getElementById("show-raw");
  if (toggle) {
    toggle.addEventListener("change", function () {
      withRaw.forEach(function (pair) { Plotly.restyle(pair[0], { visible: toggle.checked }, pair[1]); });
    });
  }
})();
