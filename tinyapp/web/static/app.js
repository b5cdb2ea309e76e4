// Progressive enhancement only: every page works without this file, which makes some
// things quicker. Each part below is independent and names what it improves.
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
  // A form sent back with problems: its summary takes the focus (autofocus may not).
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
  enhanceOrderEditor();
  document.addEventListener("input", liveSearch);
  document.addEventListener("input", liveTotals);
  showCameraButtons();
});

// -- The order editor: add, remove and save without reloading the page --------------
// A barcode scanner types the code and Enter, quickly, again and again. A reload per
// scan would lose the keys of the next scan, so each post is sent with fetch, queued
// behind the one before, and the answer (the page the server shows next) replaces the
// page's content. Focus stays in the scan field, with whatever was typed meanwhile.
// "Place order" is a normal submit: it leaves the editor.

var queue = Promise.resolve();

function enhanceOrderEditor() {
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (!form.matches("form.order-editor")) return;
    var submitter = event.submitter;
    if (submitter && submitter.name === "action" && submitter.value === "place") return;
    event.preventDefault();
    var scan = form.querySelector("[name=code]");
    var extra = {code: scan ? scan.value : ""};
    if (submitter && submitter.name) extra[submitter.name] = submitter.value;
    if (scan) scan.value = "";  // ready for the next scan at once
    queue = queue.then(function () { return post(extra); });
  });
}

function post(extra) {
  var form = document.querySelector("form.order-editor");  // the current one, not the old
  var data = new FormData(form);
  Object.keys(extra).forEach(function (name) { data.set(name, extra[name]); });
  // getAttribute: form.action would be the button named "action" (a form's named fields
  // shadow its properties).
  return fetch(form.getAttribute("action"), {method: "POST", body: data,
                                             credentials: "same-origin"})
    .then(function (response) {
      return response.text().then(function (html) { swapPage(html, response.url); });
    })
    .catch(function () { HTMLFormElement.prototype.submit.call(form); });  // no answer: post it
}

function swapPage(html, address) {
  var fresh = new DOMParser().parseFromString(html, "text/html");
  var main = document.querySelector("main");
  var typed = document.querySelector("form.order-editor [name=code]");
  var meanwhile = typed ? typed.value : "";
  main.innerHTML = fresh.querySelector("main").innerHTML;
  document.title = fresh.title;
  if (address && address !== location.href) history.replaceState(null, "", address);
  var scan = document.querySelector("form.order-editor [name=code]");
  if (scan) {
    if (meanwhile) scan.value = meanwhile;
    scan.focus();
  }
  showCameraButtons();
}

// -- Live totals: line totals and the order total follow the quantities as you type --

function liveTotals(event) {
  if (!event.target.matches("form.order-editor input.quantity")) return;
  var form = event.target.form;
  var currency = form.dataset.currency || "";
  var total = 0;
  form.querySelectorAll("input.quantity").forEach(function (input) {
    var cents = Math.round(parseFloat(input.dataset.price) * 100);
    var count = /^\d{1,6}$/.test(input.value.trim()) ? parseInt(input.value, 10) : null;
    var cell = input.closest("tr").querySelector(".line-total");
    if (count === null) {
      cell.textContent = "—";
      return;
    }
    total += cents * count;
    cell.textContent = money(cents * count, currency);
  });
  var shown = form.querySelector(".order-total");
  if (shown) shown.textContent = money(total, currency);
}

function money(cents, currency) {
  var amount = (cents / 100).toLocaleString("en-US", {minimumFractionDigits: 2,
                                                     maximumFractionDigits: 2});
  return currency ? amount + " " + currency : amount;
}

// -- Live search: results follow the words as they are typed ------------------------
// The search field names the box of results it fills (data-live-results); the box
// names the page that lists them (data-search-url). The same page, asked with the
// words, answers; its box of results replaces this one. Without JavaScript the
// "Find" or "Search" button asks the same page.

var searching = {};

function liveSearch(event) {
  var input = event.target;
  var target = input.dataset && input.dataset.liveResults;
  if (!target) return;
  clearTimeout(searching[target]);
  searching[target] = setTimeout(function () {
    var box = document.getElementById(target);
    if (!box || !box.dataset.searchUrl) return;
    var address = new URL(box.dataset.searchUrl, location.href);
    address.searchParams.set(input.name, input.value.trim());
    fetch(address, {credentials: "same-origin"})
      .then(function (response) { return response.text(); })
      .then(function (html) {
        var fresh = new DOMParser().parseFromString(html, "text/html");
        var found = fresh.getElementById(target);
        var now = document.getElementById(target);
        if (found && now && input.value.trim() === address.searchParams.get(input.name)) {
          now.innerHTML = found.innerHTML;
        }
      });
  }, 250);
}

// -- The camera: where the browser can read barcodes, a button fills the scan field --

function showCameraButtons() {
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  document.querySelectorAll(".js-camera").forEach(function (button) {
    if (!button.hidden) return;
    button.hidden = false;
    button.addEventListener("click", function () { scanWithCamera(button); });
  });
}

function scanWithCamera(button) {
  var field = document.getElementById(button.dataset.target);
  var detector = new window.BarcodeDetector();
  var video = document.createElement("video");
  var dialog = document.createElement("dialog");
  var stop = document.createElement("button");
  dialog.className = "camera";
  dialog.setAttribute("aria-label", "Point the camera at a barcode");
  stop.type = "button";
  stop.className = "button button-quiet";
  stop.textContent = "Stop the camera";
  video.setAttribute("playsinline", "");
  video.muted = true;
  dialog.append(video, stop);
  document.body.append(dialog);
  var stream = null;
  var finish = function () {
    if (stream) stream.getTracks().forEach(function (track) { track.stop(); });
    dialog.remove();
    field.focus();
  };
  stop.addEventListener("click", finish);
  dialog.showModal();
  navigator.mediaDevices.getUserMedia({video: {facingMode: "environment"}})
    .then(function (media) {
      stream = media;
      video.srcObject = media;
      return video.play();
    })
    .then(function look() {
      if (!document.body.contains(dialog)) return;
      detector.detect(video).then(function (codes) {
        if (codes.length) {
          field.value = codes[0].rawValue;
          finish();
          field.form.requestSubmit(field.form.querySelector("button[value=add]"));
        } else {
          setTimeout(look, 250);
        }
      }, function () { setTimeout(look, 250); });
    })
    .catch(finish);  // no camera, or no permission: the field is still there
}
