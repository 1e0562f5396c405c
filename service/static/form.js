// The assessment form, enhanced: the questions follow the model and deployment without a reload.
// Progressive enhancement only: without this file the "Update the questions" buttons do the same
// through the server, and the page comes back where the button was.
//
// The server decides everything (POST /assessments/form-view returns the application's form
// view): which questions apply, their severity for this deployment, the answers a source gives,
// and the markup of those parts. This script shows, hides and puts in what it is given; it never
// evaluates a rule. It counts answered questions itself, which is counting checked radios.
(function () {
  "use strict";

  var form = null;
  var timer = null;
  var sequence = 0;

  function $(selector, root) { return (root || document).querySelector(selector); }
  function $$(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }

  function say(text) {
    var status = document.getElementById("form-status");
    if (status) { status.textContent = text; }
  }

  function watched(name) {
    return name === "policy" || name.indexOf("deployment.") === 0 || name.indexOf("model.") === 0;
  }

  function schedule() {
    form.setAttribute("data-updating", "");
    window.clearTimeout(timer);
    timer = window.setTimeout(update, 250);
  }

  function update() {
    var mine = ++sequence;
    window.clearTimeout(timer);
    form.setAttribute("data-updating", "");
    fetch(form.getAttribute("data-view-url"), {
      method: "POST",
      body: new FormData(form),
      credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error("status " + response.status); }
      return response.json();
    }).then(function (view) {
      if (mine === sequence) { apply(view); }
    }).catch(function () {
      say("The questions could not be updated in place; press \u201cUpdate the questions\u201d.");
    }).then(function () {
      if (mine === sequence) { form.removeAttribute("data-updating"); }
    });
  }

  function titleOf(item) {
    var heading = $(".item__title", item);
    return heading ? heading.textContent.replace(/\s+/g, " ").trim() : item.getAttribute("data-item");
  }

  function apply(view) {
    var appeared = [];
    var vanished = [];
    Object.keys(view.items).forEach(function (id) {
      var data = view.items[id];
      var item = document.getElementById("item-" + id);
      if (!item) { return; }
      if (item.hidden === data.applies) {
        (data.applies ? appeared : vanished).push(titleOf(item));
        item.hidden = !data.applies;
      }
      $('[data-part="severity"]', item).innerHTML = data.severity_html;
      derive(item, id, data, view.derived_tag);
    });
    var kept = document.getElementById("kept");
    if (kept) { kept.outerHTML = view.kept_html; }
    count();
    var words = "Questions updated: " + view.applicable + " apply to this deployment.";
    if (appeared.length) { words += " Now shown: " + appeared.join("; ") + "."; }
    if (vanished.length) {
      words += " No longer shown: " + vanished.join("; ") + " (anything typed there is kept, not submitted).";
    }
    say(words);
  }

  // The answer a source gives: its note, the tag on its option, and the selection. The hidden
  // "derived" field marks a selection the page offered rather than one the person made; an
  // offered selection follows the source, a person's choice is never changed.
  function derive(item, id, data, tag) {
    var now = data.derived;
    $('[data-part="derived"]', item).innerHTML = now ? data.derived_html : "";
    $$("[data-derived-tag]", item).forEach(function (t) { t.parentNode.removeChild(t); });
    var radios = $$('input[type="radio"]', item);
    radios.forEach(function (r) {
      r.toggleAttribute("data-derived", !!now && r.value === now);
      if (now && r.value === now && r.nextElementSibling) { r.nextElementSibling.insertAdjacentHTML("beforeend", " " + tag); }
    });
    var marker = $('input[type="hidden"][name="answers.' + id + '.derived"]', item);
    var checked = radios.filter(function (r) { return r.checked; })[0];
    var offered = !checked || (marker && checked.value === marker.value);
    if (!offered) {
      if (marker) { marker.parentNode.removeChild(marker); }
    } else if (now) {
      radios.forEach(function (r) { r.checked = r.value === now; });
      if (!marker) {
        marker = document.createElement("input");
        marker.type = "hidden";
        marker.name = "answers." + id + ".derived";
        item.appendChild(marker);
      }
      marker.value = now;
    } else {
      if (checked) { checked.checked = false; }
      if (marker) { marker.parentNode.removeChild(marker); }
    }
    var justification = $('[data-part="justification"]', item);
    var text = justification && $("textarea", justification);
    if (now && !text) { justification.innerHTML = data.justification_html; }
    if (!now && text && !text.value) { justification.innerHTML = ""; }
  }

  // Progress per section: questions shown with an answer selected, of those shown.
  function count() {
    $$("[data-section]").forEach(function (section) {
      var shown = $$("fieldset.item", section).filter(function (i) { return !i.hidden; });
      var answered = shown.filter(function (i) { return $('input[type="radio"]:checked', i); }).length;
      $$('[data-progress="' + section.getAttribute("data-section") + '"] [data-count]').forEach(function (c) {
        c.textContent = answered + " of " + shown.length;
      });
    });
  }

  // WCAG 2.4.11: the sticky submit bar never covers the control that has focus.
  function keepClear(event) {
    var bar = document.getElementById("sec-submit");
    var target = event.target;
    if (!bar || bar.contains(target) || !target.getBoundingClientRect) { return; }
    var box = (target.closest(".choice, .field") || target).getBoundingClientRect();
    var top = bar.getBoundingClientRect().top;
    if (box.bottom > top - 8 && box.top < top + bar.offsetHeight) {
      window.scrollBy(0, box.bottom - top + 16);
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    form = document.getElementById("assess-form");
    if (!form || !window.fetch || !window.FormData) { return; }
    form.addEventListener("change", function (event) {
      var name = event.target.name || "";
      if (watched(name)) { schedule(); } else if (name.indexOf("answers.") === 0) { count(); }
    });
    $$("[data-update]", form).forEach(function (button) {
      button.addEventListener("click", function (event) {
        event.preventDefault();
        update();
      });
    });
    form.addEventListener("focusin", keepClear);
  });
})();
