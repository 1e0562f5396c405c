// Progressive enhancement only: every page works without this file.
(function () {
  "use strict";

  // After a failed submit, move focus to the error summary so it is announced and visible.
  function focusSummary() {
    var summary = document.querySelector("[data-autofocus]");
    if (summary) { summary.focus(); }
  }

  // Choosing a catalogue model fills the model fields in place, keeping everything else typed.
  function prefill(select) {
    var option = select.options[select.selectedIndex];
    var data;
    try { data = JSON.parse(option.getAttribute("data-prefill") || "{}"); } catch (e) { return; }
    if (!option.value) { return; }
    var form = select.form;
    Object.keys(data).forEach(function (key) {
      var name = "model." + key;
      var fields = form.querySelectorAll('[name="' + name + '"]');
      if (!fields.length) { return; }
      if (fields[0].type === "checkbox") {
        var wanted = data[key].split(", ");
        fields.forEach(function (box) { box.checked = wanted.indexOf(box.value) !== -1; });
      } else {
        fields[0].value = data[key];
      }
    });
    var status = document.getElementById("prefill-status");
    if (status) { status.textContent = "Model details filled in from the catalogue."; }
  }

  document.addEventListener("DOMContentLoaded", function () {
    focusSummary();
    var select = document.querySelector("[data-prefill-target]");
    if (select) {
      select.addEventListener("change", function () { prefill(select); });
    }
  });
})();
