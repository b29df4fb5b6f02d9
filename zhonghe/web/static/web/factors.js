/* Progressive enhancement: list only the factors of the chosen category (the server checks it too). */
function zhFilterFactors(sel, keep) {
  var factor = sel.form && sel.form.querySelector("select[name=factor_key]");
  if (!factor) return;
  var label = sel.options[sel.selectedIndex].text, current = factor.options[factor.selectedIndex], first = null;
  factor.querySelectorAll("optgroup").forEach(function (g) {
    var show = g.label === label;
    g.hidden = !show;
    g.disabled = !show;
    if (show && !first) first = g.querySelector("option");
  });
  if (!(keep && current && current.parentNode.label === label) && first) factor.value = first.value;
}
function zhInitFactors(root) {
  root.querySelectorAll("select[name=category]").forEach(function (s) { zhFilterFactors(s, true); });
}
document.addEventListener("change", function (e) {
  if (e.target.matches && e.target.matches("select[name=category]")) zhFilterFactors(e.target, false);
});
document.addEventListener("DOMContentLoaded", function () { zhInitFactors(document); });
document.addEventListener("htmx:load", function (e) { zhInitFactors(e.detail.elt); });
