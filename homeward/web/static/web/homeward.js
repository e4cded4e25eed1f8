// Homeward's own script: behaviour that templates would otherwise write inline, which the
// Content-Security-Policy forbids (script-src 'self'). Every page works without it.
"use strict";
document.addEventListener("change", function (event) {
  var el = event.target;
  if (el instanceof HTMLSelectElement && el.hasAttribute("data-autosubmit") && el.form) {
    el.form.submit();
  }
});
