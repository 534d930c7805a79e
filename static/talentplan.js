// Site behaviour as a static file: the Content-Security-Policy allows no inline scripts or event handlers.
// A form with data-confirm="…" asks before it is submitted.
document.addEventListener("submit", function (event) {
  var message = event.target.getAttribute("data-confirm");
  if (message && !window.confirm(message)) {
    event.preventDefault();
  }
});
