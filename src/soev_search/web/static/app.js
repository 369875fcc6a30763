// An enhancement only: the search page works without this file.
// Typeahead: the search box becomes an ARIA combobox whose list of suggestions comes from
// /api/complete while typing. Keyboard: ArrowDown/ArrowUp move through the suggestions,
// Enter searches for the highlighted one, Escape closes the list (the typed text stays).
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
    const url = input.dataset.completeUrl;
    if (!url) return;
    const listId = input.id + "-suggestions";
    const wrapper = document.createElement("div");
    wrapper.className = "typeahead";
    input.before(wrapper);
    const list = document.createElement("ul");
    list.id = listId;
    list.className = "typeahead-list";
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Forslag");
    list.hidden = true;
    const announcer = document.createElement("p");
    announcer.className = "visually-hidden";
    announcer.setAttribute("role", "status");
    wrapper.append(input, list, announcer);
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");

    let active = -1;
    let latest = 0;

    function options() { return Array.from(list.children); }

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function highlight(index) {
      const all = options();
      active = index;
      all.forEach((option, i) => option.setAttribute("aria-selected", String(i === index)));
      if (index >= 0) {
        input.setAttribute("aria-activedescendant", all[index].id);
        all[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    function choose(text) {
      input.value = text;
      close();
      if (input.form) input.form.requestSubmit();
    }

    function show(suggestions) {
      list.replaceChildren(...suggestions.map((text, i) => {
        const option = document.createElement("li");
        option.id = `${listId}-${i}`;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        option.textContent = String(text);
        // mousedown, not click: the box keeps the focus, so the list is not closed first
        option.addEventListener("mousedown", (event) => {
          event.preventDefault();
          choose(option.textContent);
        });
        return option;
      }));
      active = -1;
      input.removeAttribute("aria-activedescendant");
      if (suggestions.length) {
        list.hidden = false;
        input.setAttribute("aria-expanded", "true");
        announcer.textContent = `${suggestions.length} forslag. Brug pil ned for at vælge.`;
      } else {
        close();
        announcer.textContent = "";
      }
    }

    const update = debounce(async function () {
      const value = input.value;
      const last = value.split(" ").pop();
      const ticket = ++latest;
      if (last.length < 2) { show([]); return; }
      try {
        const response = await fetch(url + "?q=" + encodeURIComponent(value), {
          headers: { Accept: "application/json" },
        });
        if (!response.ok || ticket !== latest) return;
        const data = await response.json();
        if (ticket === latest && input.value === value) show(data.suggestions || []);
      } catch (error) {
        show([]); // typeahead is a nicety: a failed call just shows no hints
      }
    }, 150);

    input.addEventListener("input", update);
    input.addEventListener("blur", close);
    input.addEventListener("keydown", (event) => {
      const count = options().length;
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!count) return;
        event.preventDefault();
        if (list.hidden) {
          list.hidden = false;
          input.setAttribute("aria-expanded", "true");
        }
        const step = event.key === "ArrowDown" ? 1 : -1;
        // past either end the highlight leaves the list and the typed text is searched
        let next = active + step;
        if (next < -1) next = count - 1;
        if (next >= count) next = -1;
        highlight(next);
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        choose(options()[active].textContent);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault(); // closes the list only; a search box would clear its text
        close();
      }
    });
  }

  document.querySelectorAll("input[data-complete-url]").forEach(setupTypeahead);
})();
