// The public appeal form's character count (GOV.UK pattern), loaded as a file: the content security
// policy allows no inline script. Without JavaScript the hint above the box still gives the limit.
(function () {
  "use strict";
  function setUp(box) {
    var field = box.querySelector("textarea");
    var shown = box.querySelector(".character-count__message");
    var status = box.querySelector(".character-count__status");
    var limit = parseInt(box.getAttribute("data-maxlength"), 10);
    if (!field || !shown || !status || !limit) { return; }
    // Kazakh groups thousands as Russian does (a space); not every browser knows "kk".
    var lang = { kk: "ru", ru: "ru", en: "en" }[document.documentElement.lang] || "ru";
    var timer = null;
    function text() {
      // Counted as the server counts: line breaks as one character, without the spaces around.
      var used = field.value.replace(/\r\n/g, "\n").trim().length;
      var left = limit - used;
      var template = box.getAttribute(left >= 0 ? "data-left" : "data-over");
      return { over: left < 0, message: template.replace("%(count)s", Math.abs(left).toLocaleString(lang)) };
    }
    function update() {
      var state = text();
      shown.textContent = state.message;
      shown.classList.toggle("character-count__message--over", state.over);
      box.classList.toggle("character-count--over", state.over);
      // Screen readers hear the count once typing pauses, not at every key.
      window.clearTimeout(timer);
      timer = window.setTimeout(function () { status.textContent = state.message; }, 1000);
    }
    field.addEventListener("input", update);
    var initial = text();
    shown.textContent = initial.message;
    shown.classList.toggle("character-count__message--over", initial.over);
    box.classList.toggle("character-count--over", initial.over);
  }
  document.addEventListener("DOMContentLoaded", function () {
    Array.prototype.forEach.call(document.querySelectorAll("[data-character-count]"), setUp);
  });
})();
