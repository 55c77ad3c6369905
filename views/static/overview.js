// Editing the overview in place: the edit page's buttons move, resize,
// hide and show a block in the page itself, keep the hidden fields the
// form posts in step, keep the focus on the button pressed (or its
// neighbour when it can no longer act) and say what happened in the
// status region. "Spara översikt" then posts the draft as without
// JavaScript; "Återställ standard" still asks the server.
(function () {
  var form = document.getElementById("ov-edit");
  var status = document.getElementById("ov-status");
  if (!form || !status) return;
  var list = form.querySelector(".ov-edit-list");
  var t = form.dataset;

  function fmt(s, args) {
    var i = 0;
    return s.replace(/%[sd]/g, function () { return String(args[i++]); });
  }
  function items() { return Array.prototype.slice.call(list.children); }
  function encode(li) {
    var size = li.dataset.size, hidden = li.classList.contains("ov-is-hidden");
    li.querySelector('input[name="item"]').value = li.dataset.block + ":" + size + ":" + (hidden ? "hidden" : "shown");
  }
  function refresh() {
    var all = items();
    all.forEach(function (li, i) {
      li.querySelector(".ov-place").textContent = fmt(t.tPlace, [i + 1, all.length]);
      li.querySelector('[id^="ov-up-"]').disabled = i === 0;
      li.querySelector('[id^="ov-down-"]').disabled = i === all.length - 1;
      encode(li);
    });
  }
  function say(msg) {
    status.innerHTML = "";
    var p = document.createElement("p");
    p.className = "notice success";
    p.textContent = msg + " " + t.tUnsaved;
    status.appendChild(p);
  }
  items().forEach(function (li) {
    var v = li.querySelector('input[name="item"]').value.split(":");
    li.dataset.size = v[1];
  });

  form.addEventListener("click", function (e) {
    var b = e.target.closest('button[name="do"]');
    if (!b || !list.contains(b)) return;
    var parts = b.value.split(":"), verb = parts[0];
    var li = b.closest("li"), name = li.dataset.name, focus = b;
    e.preventDefault();
    if (verb === "up" || verb === "down") {
      var other = verb === "up" ? li.previousElementSibling : li.nextElementSibling;
      if (!other) return;
      if (verb === "up") list.insertBefore(li, other); else list.insertBefore(other, li);
      refresh();
      var place = items().indexOf(li) + 1;
      if (b.disabled) focus = li.querySelector(verb === "up" ? '[id^="ov-down-"]' : '[id^="ov-up-"]');
      say(fmt(verb === "up" ? t.sUp : t.sDown, [name, place]));
    } else if (verb === "size") {
      var size = parts[2];
      li.dataset.size = size;
      li.querySelector(".ov-size").textContent = size === "full" ? t.tFull : t.tHalf;
      b.value = "size:" + li.dataset.block + ":" + (size === "full" ? "half" : "full");
      b.querySelector(".ov-label").textContent = size === "full" ? t.tMakeHalf : t.tMakeFull;
      encode(li);
      say(fmt(size === "full" ? t.sFull : t.sHalf, [name]));
    } else if (verb === "hide" || verb === "show") {
      var hide = verb === "hide";
      li.classList.toggle("ov-is-hidden", hide);
      li.querySelector(".ov-vis").textContent = hide ? t.tHidden : t.tShown;
      b.value = (hide ? "show:" : "hide:") + li.dataset.block;
      b.querySelector(".ov-label").textContent = hide ? t.tShow : t.tHide;
      encode(li);
      say(fmt(hide ? t.sHide : t.sShow, [name]));
    } else {
      return;
    }
    focus.focus();
  });
})();
