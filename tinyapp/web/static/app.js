// Progressive enhancement only: every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // "Print" buttons stay hidden without JavaScript (the browser's own Print works too).
  document.querySelectorAll(".js-print").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  // Select the new API token's secret, ready to copy.
  var secret = document.getElementById("new-token-secret");
  if (secret) {
    secret.addEventListener("focus", function () { secret.select(); });
  }
});
