/* Site-wide behaviour, kept out of the pages so the Content-Security-Policy allows no inline script. */
/* A form with data-zh-confirm asks before it is sent (e.g. withdrawing an event). */
document.addEventListener("submit", function (e) {
  var form = e.target, message = form && form.getAttribute && form.getAttribute("data-zh-confirm");
  if (message && !window.confirm(message)) e.preventDefault();
});
