// Client Level Data block: show the fields the chosen Event Type (and the national rules) call for, at once.
// Every decision comes from the server's table in #cld-rules: this file only looks answers up in it.
(function () {
  var block = document.querySelector("[data-cld-block]");
  var source = document.getElementById("cld-rules");
  if (!block || !source) {
    return;
  }
  var rules = JSON.parse(source.textContent);
  var warning = block.querySelector("[data-cld-clear-warning]");

  function inputs(name) {
    return block.querySelectorAll("[name='cld-" + name + "']");
  }
  function valueOf(name) {
    var found = "";
    inputs(name).forEach(function (input) {
      if (input.type === "radio") {
        if (input.checked) {
          found = input.value;
        }
      } else {
        found = input.value;
      }
    });
    return found;
  }
  function setValue(name, value) {
    inputs(name).forEach(function (input) {
      if (input.type === "radio") {
        input.checked = input.value === value;
      } else {
        input.value = value;
      }
    });
  }
  function key() {
    var parts = [valueOf("event_type")];
    rules.triggers.forEach(function (trigger) {
      var value = valueOf(trigger);
      parts.push(rules.named[trigger].indexOf(value) !== -1 ? value : "*");
    });
    return parts.join("|");
  }
  var announcer = block.querySelector("[data-cld-announce]");
  var shownBefore = null;
  var clearedSaid = "";

  function apply(event) {
    var entry = rules.table[key()];
    if (!entry) {
      return;
    }
    var cleared = [];
    var appeared = [];
    var went = [];
    block.querySelectorAll("[data-cld-field]").forEach(function (wrapper) {
      var name = wrapper.dataset.cldField;
      var shown = entry.shown.indexOf(name) !== -1;
      var value = valueOf(name);
      if (!shown && value !== "" && value !== (rules.defaults[name] || "")) {
        cleared.push(rules.labels[name]);
      }
      if (shown && wrapper.hidden && value === "" && rules.defaults[name]) {
        setValue(name, rules.defaults[name]);
      }
      if (shownBefore && shown && !shownBefore[name]) {
        appeared.push(rules.labels[name]);
      }
      if (shownBefore && !shown && shownBefore[name]) {
        went.push(rules.labels[name]);
      }
      wrapper.hidden = !shown;
      var marker = wrapper.querySelector("[data-required-marker]");
      if (marker) {
        marker.hidden = entry.required.indexOf(name) === -1;
      }
    });
    shownBefore = {};
    entry.shown.forEach(function (name) {
      shownBefore[name] = true;
    });
    warning.hidden = cleared.length === 0;
    var clearing = cleared.length
      ? "These answers no longer apply and will be cleared when you save: " + cleared.join("; ") + "."
      : "";
    warning.textContent = clearing;
    // Say what the change did, for those who cannot see the fields come and go (WCAG 4.1.3 Status Messages): when
    // questions came or went, or the answers to be cleared are not those last said (not at every keystroke)
    var clearedNow = cleared.join("; ");
    var clearedChanged = clearedNow !== clearedSaid;
    clearedSaid = clearedNow;
    if (event && (appeared.length || went.length || (clearedChanged && cleared.length))) {
      var said = [];
      if (appeared.length) {
        said.push(questions(appeared.length) + " added below: " + appeared.join("; ") + ".");
      }
      if (went.length) {
        said.push(questions(went.length) + " removed: " + went.join("; ") + ".");
      }
      announcer.textContent = said.join(" ") + (clearing ? " " + clearing : "");
    }
  }
  function questions(count) {
    return count === 1 ? "1 question" : count + " questions";
  }
  block.addEventListener("change", apply);
  apply(null);
})();
