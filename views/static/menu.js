// The staff menu: "Meny" opens it on phones, submenus open and close
// (aria-expanded), and the menu search filters the entries as one types,
// saying in a live region how many match. Without JavaScript every
// submenu is open, "Meny" leads to the menu page and the search is a form.
(function () {
  // Escape closes the header's messages and goes back to their summary.
  var inbox = document.querySelector("details.nav-inbox");
  if (inbox) {
    inbox.addEventListener("keydown", function (e) {
      if (e.key === "Escape" && inbox.open) {
        inbox.open = false;
        inbox.querySelector("summary").focus();
      }
    });
  }

  var menu = document.getElementById("staff-menu");
  if (!menu) return;

  // The phone's button in place of the link to the menu page.
  var link = document.getElementById("menu-toggle");
  if (link) {
    var toggle = document.createElement("button");
    toggle.type = "button";
    toggle.className = "menu-toggle secondary";
    toggle.textContent = link.textContent;
    toggle.setAttribute("aria-controls", "staff-menu");
    toggle.setAttribute("aria-expanded", "false");
    toggle.addEventListener("click", function () {
      var open = !menu.classList.contains("open");
      menu.classList.toggle("open", open);
      toggle.setAttribute("aria-expanded", String(open));
      if (open) {
        var q = document.getElementById("menu-q");
        if (q) q.focus();
      }
    });
    link.parentNode.replaceChild(toggle, link);
  }

  // Submenus: a button before each, open where the page shown is.
  var groups = [];
  menu.querySelectorAll(".menu-group").forEach(function (li) {
    var title = li.querySelector(".menu-group-title");
    var sub = li.querySelector(".menu-sub");
    if (!title || !sub) return;
    var b = document.createElement("button");
    b.type = "button";
    b.className = "menu-group-title";
    b.id = title.id;
    b.textContent = title.textContent;
    b.setAttribute("aria-controls", sub.id);
    title.parentNode.replaceChild(b, title);
    var g = { li: li, button: b, sub: sub, open: li.classList.contains("open") };
    function show(open) {
      b.setAttribute("aria-expanded", String(open));
      sub.hidden = !open;
    }
    g.show = show;
    show(g.open);
    b.addEventListener("click", function () {
      g.open = b.getAttribute("aria-expanded") !== "true";
      show(g.open);
    });
    groups.push(g);
  });

  // The search folds as the server does: lower case, accents dropped (å,
  // ä and ö too); each word must start a word of the entry.
  function fold(s) {
    s = s.toLowerCase().replace(/æ/g, "ä").replace(/ø/g, "ö").normalize("NFD").replace(/[\u0300-\u036f]/g, "");
    return s.replace(/[^\p{L}\p{N}]+/gu, " ").trim();
  }
  var input = document.getElementById("menu-q");
  var count = document.getElementById("menu-count");
  var tree = menu.querySelector(".menu-tree");
  if (!input || !count || !tree) return;
  var timer;
  function filter() {
    var words = fold(input.value).split(" ").filter(Boolean);
    var hits = 0;
    tree.querySelectorAll(":scope > li").forEach(function (li) {
      var subs = li.querySelectorAll(".menu-sub > li");
      if (subs.length) {
        var any = false;
        subs.forEach(function (s) {
          var ok = matches(s.getAttribute("data-search"), words);
          s.hidden = !ok;
          if (ok) { any = true; if (words.length) hits++; }
        });
        li.hidden = !any;
        groups.forEach(function (g) {
          if (g.li === li) g.show(words.length ? any : g.open);
        });
      } else {
        var ok = matches(li.getAttribute("data-search"), words);
        li.hidden = !ok;
        if (ok && words.length) hits++;
      }
    });
    clearTimeout(timer);
    // Said once typing pauses, not at every key.
    timer = setTimeout(function () {
      if (!words.length) count.textContent = "";
      else if (hits === 0) count.textContent = count.getAttribute("data-count-none");
      else if (hits === 1) count.textContent = count.getAttribute("data-count-one");
      else count.textContent = count.getAttribute("data-count-many").replace("%d", hits);
    }, 400);
  }
  function matches(text, words) {
    var hay = " " + (text || "");
    for (var i = 0; i < words.length; i++) {
      if (hay.indexOf(" " + words[i]) < 0) return false;
    }
    return true;
  }
  input.addEventListener("input", filter);
  if (input.value) filter();
})();
