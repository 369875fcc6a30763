// An enhancement only: the search page works without this file.
// Typeahead: fills the search box's <datalist> from /api/complete while typing.
(function () {
  "use strict";

  function debounce(fn, wait) {
    let timer = null;
    return function (...args) {
      clearTimeout(timer);
      timer = setTimeout(() => fn.apply(this, args), wait);
    };
  }

  function setupTypeahead(input) {
    const list = document.getElementById(input.getAttribute("list"));
    const url = input.dataset.completeUrl;
    if (!list || !url) return;
    let latest = 0;
    const update = debounce(async function () {
      const value = input.value;
      const last = value.split(" ").pop();
      if (last.length < 2) { list.replaceChildren(); return; }
      const ticket = ++latest;
      try {
        const response = await fetch(url + "?q=" + encodeURIComponent(value), {
          headers: { Accept: "application/json" },
        });
        if (!response.ok || ticket !== latest) return;
        const data = await response.json();
        const options = (data.suggestions || []).map((text) => {
          const option = document.createElement("option");
          option.value = String(text);
          return option;
        });
        list.replaceChildren(...options);
      } catch (error) {
        list.replaceChildren(); // typeahead is a nicety: a failed call just shows no hints
      }
    }, 150);
    input.addEventListener("input", update);
  }

  document.querySelectorAll("input[list][data-complete-url]").forEach(setupTypeahead);
})();
