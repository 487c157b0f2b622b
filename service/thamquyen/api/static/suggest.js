// Suggestions as you type for the ask form: each text field with data-suggest becomes an ARIA
// combobox. The visible field keeps the name; a hidden field sends the IRI that was picked.
// Without JavaScript the form still works: the server resolves the typed names.
(function () {
  "use strict";
  var root = document.body.getAttribute("data-root") || "";
  var lang = document.documentElement.lang === "en" ? "en" : "vi";

  function setup(input) {
    var kind = input.getAttribute("data-suggest");
    var name = input.name;
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = name;
    hidden.value = input.value;
    input.removeAttribute("name");
    input.parentNode.appendChild(hidden);
    var list = document.createElement("ul");
    list.id = input.id + "-list";
    list.className = "suggestions";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", input.labels && input.labels[0] ? input.labels[0].textContent : name);
    list.hidden = true;
    input.parentNode.appendChild(list);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", list.id);
    var active = -1, timer = null, items = [];

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }
    function pick(i) {
      var hit = items[i];
      if (!hit) { return; }
      input.value = hit.label;
      hidden.value = hit.iri;
      input.setAttribute("data-iri", hit.iri);
      close();
    }
    function highlight(i) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) { return; }
      active = (i + options.length) % options.length;
      options.forEach(function (o, k) { o.setAttribute("aria-selected", k === active ? "true" : "false"); });
      input.setAttribute("aria-activedescendant", options[active].id);
    }
    function show(hits) {
      items = hits;
      list.textContent = "";
      hits.forEach(function (hit, i) {
        var li = document.createElement("li");
        li.id = list.id + "-" + i;
        li.setAttribute("role", "option");
        li.setAttribute("aria-selected", "false");
        li.setAttribute("data-iri", hit.iri);
        var strong = document.createElement("span");
        strong.className = "s-label";
        strong.textContent = hit.label;
        li.appendChild(strong);
        if (hit.context) {
          var small = document.createElement("span");
          small.className = "s-context";
          small.textContent = " — " + hit.context;
          li.appendChild(small);
        }
        li.addEventListener("mousedown", function (e) { e.preventDefault(); pick(i); });
        list.appendChild(li);
      });
      list.hidden = hits.length === 0;
      input.setAttribute("aria-expanded", hits.length ? "true" : "false");
      active = -1;
    }
    function fetchHits() {
      var q = input.value.trim();
      if (!q) { show([]); return; }
      var at = document.getElementById("f-at");
      var url = root + "/goi-y?type=" + kind + "&lang=" + lang + "&q=" + encodeURIComponent(q) +
        (at && at.value ? "&at=" + at.value : "");
      fetch(url, { headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : []; })
        .then(function (hits) { if (input.value.trim() === q) { show(hits); } })
        .catch(function () { show([]); });
    }
    input.addEventListener("input", function () {
      hidden.value = input.value;
      input.removeAttribute("data-iri");
      clearTimeout(timer);
      timer = setTimeout(fetchHits, 150);
    });
    input.addEventListener("keydown", function (e) {
      if (list.hidden) { return; }
      if (e.key === "ArrowDown") { e.preventDefault(); highlight(active + 1); }
      else if (e.key === "ArrowUp") { e.preventDefault(); highlight(active - 1); }
      else if (e.key === "Enter" && active >= 0) { e.preventDefault(); pick(active); }
      else if (e.key === "Escape") { close(); }
    });
    input.addEventListener("blur", function () { setTimeout(close, 100); });
  }

  document.querySelectorAll("input[data-suggest]").forEach(setup);
}());
