/* Irreversible steps (注销, 颁发证书, 撤销, 确认订单, 签署结论, 受理评价): a form with data-confirm="message" asks
   before it is sent, and such a form (or one marked data-once) is sent only once (double clicks). Without JavaScript the form's required
   "I confirm" checkbox (data-confirm-box) does the asking, and the server refuses a form without it. */
(function () {
  "use strict";
  function init(root) {
    root.querySelectorAll("form[data-confirm] [data-confirm-box]").forEach(function (box) {
      box.hidden = true;
      var input = box.querySelector("input[type=checkbox]");
      if (input) input.required = false;
    });
  }
  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (!(form instanceof HTMLFormElement) || !form.matches("[data-confirm], [data-once]")) return;
    if (form.dataset.sent === "1") { e.preventDefault(); return; }
    var message = form.getAttribute("data-confirm");
    if (message) {
      if (!window.confirm(message)) { e.preventDefault(); return; }
      var input = form.querySelector("[data-confirm-box] input[type=checkbox]");
      if (input) input.checked = true;
    }
    form.dataset.sent = "1";
    form.querySelectorAll("button[type=submit]").forEach(function (b) { b.disabled = true; });
  }, true);
  document.addEventListener("DOMContentLoaded", function () { init(document); });
  document.addEventListener("htmx:load", function (e) { init(e.detail.elt); });
})();
